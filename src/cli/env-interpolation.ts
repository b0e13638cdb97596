/** A string of the agent file with a `${NAME}` whose variable is not set. */
export class UnsetVariableError extends Error {
  constructor(
    /** Where in the file: the path of keys and list indexes to the string. */
    readonly path: readonly (string | number)[],
    readonly variable: string,
  ) {
    super(`\${${variable}} names an environment variable that is not set`);
  }
}

// `${NAME}` as a shell spells it; `$${` stays a literal `${`, for a value that needs one.
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `value` (parsed YAML: mappings, lists, scalars) with `${NAME}` in every string replaced by the
 * environment variable's value, so secrets stay out of the file. Keys are left alone. A
 * variable set to the empty string counts as set.
 *
 * @throws {UnsetVariableError} naming the first variable that is not set, and where.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]));
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: readonly (string | number)[]): string {
  return text.replace(REFERENCE, (whole, name: string | undefined) => {
    if (name === undefined) return '${';
    const found = env[name];
    if (found === undefined) throw new UnsetVariableError(path, name);
    return found;
  });
}
