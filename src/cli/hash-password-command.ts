import { hashPassword, tokenDigestText } from '../access/index.js';
import { ExitCode } from './cli-io.js';
import type { CliIo } from './cli-io.js';

/** Longest secret read: far above any password, and a bound on what a stray pipe can feed. */
const MAX_SECRET_BYTES = 4096;

/**
 * `harp hash-password [--token]`: reads the secret from stdin, never from the command line
 * (where `ps` and shell history would keep it), and prints its stored form on stdout.
 */
export async function runHashPassword(token: boolean, io: CliIo): Promise<ExitCode> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin ?? process.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_SECRET_BYTES) {
      io.stderr.write(`harp: the secret is longer than ${MAX_SECRET_BYTES} bytes\n`);
      return ExitCode.Refused;
    }
    chunks.push(bytes);
  }
  // `echo secret |` adds a newline the secret does not have.
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') {
    io.stderr.write('harp: no secret on standard input (e.g. printf %s "$PASSWORD" | harp hash-password)\n');
    return ExitCode.Refused;
  }
  io.stdout.write(`${token ? tokenDigestText(secret) : hashPassword(secret)}\n`);
  return ExitCode.Ok;
}
