import { isIP } from 'node:net';
import { z } from 'zod';
import { compileRulePattern } from './rule-pattern.js';

/** Largest delay Node's timers accept; above it `setTimeout` fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** An integer in `[min, max]`; one message for every way of missing it. */
export function intIn(min: number, max: number) {
  const message =
    max === Number.MAX_SAFE_INTEGER && min === 1
      ? 'expected a positive integer'
      : `expected an integer from ${min} to ${max}`;
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/** A non-empty string; says "required" when the value is missing. */
export function text(what = 'a non-empty string') {
  const message = `expected ${what}`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : message) })
    .min(1, { error: message });
}

/** A regular-expression source that {@link compileRulePattern} accepts with `flags`. */
export function pattern(flags: string) {
  return text('a regular expression').superRefine((source, ctx) => {
    try {
      compileRulePattern(source, flags);
    } catch (error) {
      // V8 says "Invalid regular expression: /src/flags: reason"; keep the reason only.
      const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '');
      ctx.addIssue({ code: 'custom', message: `expected a valid regular expression (${reason})` });
    }
  });
}

/** A list of patterns, at least one, defaulting to "anything". */
export function patterns(flags: string) {
  return z
    .array(pattern(flags), { error: 'expected a list of regular expressions' })
    .min(1, { error: 'expected at least one regular expression' })
    .default(() => ['.*']);
}

/** An IP address or a CIDR block such as `10.0.0.0/8` or `fd00::/8`. */
export const ipOrCidr = z.string().refine(
  (value) => {
    const [address, prefix, ...rest] = value.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  },
  { error: 'expected an IP address or CIDR block' },
);

/** A `redis://` or `rediss://` URL. */
export const redisUrl = text('a redis:// or rediss:// URL').refine(
  (value) => URL.canParse(value) && ['redis:', 'rediss:'].includes(new URL(value).protocol),
  { error: 'expected a redis:// or rediss:// URL' },
);

/** An HTTP field name (RFC 9110 §5.1: a token), kept as written; compared without case. */
export const fieldName = z
  .string()
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { error: 'expected a header field name' });
