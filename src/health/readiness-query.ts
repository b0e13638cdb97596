/**
 * Whether `?strict` asks for strict readiness: present without a value, or any value but
 * `false`/`0` (so `?strict`, `?strict=1` and `?strict=true` all do); the last one counts when
 * it is given twice.
 */
export function isStrict(query: string | readonly string[] | undefined): boolean {
  if (query === undefined) return false;
  const value = typeof query === 'string' ? query : (query.at(-1) ?? '');
  return !['false', '0'].includes(value.trim().toLowerCase());
}
