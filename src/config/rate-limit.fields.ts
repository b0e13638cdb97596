import { z } from 'zod';
import { parseRate, RATE_EXPECTED } from '../protocol/rate-limit.js';
import { patterns, text } from './config.fields.js';
import { HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from './rule-pattern.js';

/** A rate such as `100/s`, `3000/m` or `10/h` (src/protocol/rate-limit.ts), kept as written. */
export const rate = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : `expected ${RATE_EXPECTED}`) })
  .refine((value) => parseRate(value) !== undefined, { error: `expected ${RATE_EXPECTED}` });

/**
 * An id as it appears in Redis keys, metric labels and the `RateLimit-Policy` field (a
 * structured-field string): printable ASCII without space, quote, backslash or colon.
 */
const ruleId = text('an id of letters, digits, ".", "_" and "-" (up to 64)').regex(/^[A-Za-z0-9._-]{1,64}$/, {
  error: 'expected an id of letters, digits, ".", "_" and "-" (up to 64)',
});

/** One entry of `rateLimits`. */
export const rateLimitRuleSchema = z.strictObject({
  id: ruleId.optional(),
  hosts: patterns(HOST_PATTERN_FLAGS),
  paths: patterns(PATH_PATTERN_FLAGS),
  limit: rate,
  per: z.enum(['ip', 'route'], { error: 'expected ip or route' }).default('ip'),
});
