import { z } from 'zod';
import { isBasicUser, isRealm, parsePasswordHash, parseTokenDigest } from '../access/index.js';
import { ipOrCidr, patterns, text } from './config.fields.js';
import { HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from './rule-pattern.js';

/** A password as the file stores it: never plain, always a hash `harp hash-password` made. */
const passwordHash = z.string().refine((value) => parsePasswordHash(value) !== undefined, {
  error: 'expected a scrypt$N$r$p$salt$hash password hash (make one with "harp hash-password")',
});

const tokenDigest = z.string().refine((value) => parseTokenDigest(value) !== undefined, {
  error: 'expected a sha256:<64 hex digits> token digest (make one with "harp hash-password --token")',
});

const ipList = z.array(ipOrCidr, { error: 'expected a list of IP addresses or CIDR blocks' }).default(() => []);

/** One entry of `access`. */
export const accessRuleSchema = z.strictObject({
  hosts: patterns(HOST_PATTERN_FLAGS),
  paths: patterns(PATH_PATTERN_FLAGS),
  realm: text()
    .refine(isRealm, { error: 'expected up to 100 printable ASCII characters without " or \\' })
    .optional(),
  basicAuth: z
    .array(
      z.strictObject({
        user: text().refine(isBasicUser, { error: 'expected a user-id without ":" or control characters' }),
        password: passwordHash,
      }),
      { error: 'expected a list of { user, password } entries' },
    )
    .default(() => []),
  bearerTokens: z.array(tokenDigest, { error: 'expected a list of token digests' }).default(() => []),
  allowIps: ipList,
  denyIps: ipList,
});
