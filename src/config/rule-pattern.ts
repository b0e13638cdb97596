/**
 * Compiles an operator's regular-expression source into a full-match expression `^(?:src)$`.
 *
 * The source is compiled alone first: a source such as `a)|(?:b` is invalid by itself but would
 * compile once wrapped, and would then escape the anchors. Throws `SyntaxError` on an invalid
 * source, so config validation and matching share one definition of "valid".
 *
 * @param source the expression as written in the configuration
 * @param flags  RegExp flags, e.g. `'i'` for host patterns (hosts compare case-insensitively)
 */
export function compileRulePattern(source: string, flags = ''): RegExp {
  new RegExp(source, flags);
  return new RegExp(`^(?:${source})$`, flags);
}

/** Flags for host expressions: DNS names compare case-insensitively (RFC 4343). */
export const HOST_PATTERN_FLAGS = 'i';

/** Flags for path expressions: URL paths are case-sensitive (RFC 3986 §6.2.2.1). */
export const PATH_PATTERN_FLAGS = '';
