import { REDACTED } from '../http/redaction.js';
import type { FieldView } from './inspector-views.js';

/** Tells whether a header field's value must not be shown. */
export type SecretField = (name: string) => boolean;

/**
 * Fields that carry credentials or session state whatever the configuration says: showing
 * them in an admin page or a HAR file someone shares would hand out the session.
 */
const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/**
 * A predicate that is true for the always-secret fields (`Authorization`,
 * `Proxy-Authorization`, `Cookie`, `Set-Cookie`) and for each name in `extra`, compared
 * without case (field names are case-insensitive, RFC 9110 §5.1).
 */
export function fieldRedactor(extra: readonly string[]): SecretField {
  const secret = new Set(ALWAYS_SECRET);
  for (const name of extra) secret.add(name.trim().toLowerCase());
  return (name) => secret.has(name.toLowerCase());
}

/**
 * Node's raw field list (`[name, value, name, value, …]`) as `{name, value}` views, in order
 * and spelling, with the value of each secret field replaced by `REDACTED.inspector`. A dangling
 * name without a value is dropped.
 */
export function fieldViews(raw: readonly string[], isSecret: SecretField): FieldView[] {
  const views: FieldView[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    views.push({ name, value: isSecret(name) ? REDACTED.inspector : raw[i + 1] });
  }
  return views;
}
