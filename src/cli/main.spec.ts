import { parsePasswordHash, tokenDigestText, verifyPassword } from '../access/index.js';
import { runCli } from './main.js';

// The commands that end at once; `harp http` against a real proxy is in test/e2e/cli.e2e-spec.ts.
async function run(argv: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: [Buffer.from(input)],
    env,
  });
  return { code, out, err };
}

describe('runCli', () => {
  it('prints help on stdout with status 0', async () => {
    for (const argv of [['--help'], ['http', '--help'], ['start', '--help'], ['serve', '-h'], ['help', 'http']]) {
      const { code, out, err } = await run(argv);
      expect([code, err]).toEqual([0, '']);
      expect(out).toMatch(/^Usage: harp /);
    }
  });

  it('prints the package version', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it('prints the usage on stderr with status 2 when given nothing', async () => {
    const { code, out, err } = await run([]);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(/^Usage: harp <command>/);
  });

  it('reports a usage error on stderr with status 2 and points at the right help', async () => {
    expect(await run(['http', '3000', '--port', '80'], { HARP_KEY: 'k' })).toEqual({
      code: 2,
      out: '',
      err: 'harp: unknown option --port\nRun "harp http --help" for usage.\n',
    });
    expect(await run(['tunnel'])).toEqual({
      code: 2,
      out: '',
      err: 'harp: unknown command "tunnel"\nRun "harp --help" for usage.\n',
    });
  });

  it('lists harp start among the commands', async () => {
    expect((await run(['--help'])).out).toContain('  start [FILE]      Expose the services of an agent file');
  });

  it('exits 2 naming the file when harp start has none to read', async () => {
    expect(await run(['start', '/nonexistent/harp.yml'], { HARP_KEY: 'k' })).toEqual({
      code: 2,
      out: '',
      err: 'harp: /nonexistent/harp.yml: no such file (run "harp start --help" for what it holds)\nRun "harp start --help" for usage.\n',
    });
  });

  it('exits 2 with a clear message when there is no key', async () => {
    const { code, err } = await run(['http', '3000']);
    expect(code).toBe(2);
    expect(err).toContain('no agent key: pass --key KEY or set HARP_KEY');
  });

  it('hash-password prints a scrypt hash of stdin that verifies, without its trailing newline', async () => {
    const { code, out, err } = await run(['hash-password'], {}, 'correct horse\n');
    expect([code, err]).toEqual([0, '']);
    const stored = parsePasswordHash(out.trim());
    expect(stored).toBeDefined();
    expect(verifyPassword(stored!, 'correct horse')).toBe(true);
  });

  it('hash-password --token prints the sha256 digest of a bearer token', async () => {
    expect(await run(['hash-password', '--token'], {}, 'tok\r\n')).toEqual({ code: 0, out: `${tokenDigestText('tok')}\n`, err: '' });
  });

  it('hash-password refuses an empty stdin with status 2', async () => {
    const { code, out, err } = await run(['hash-password'], {}, '');
    expect([code, out]).toEqual([2, '']);
    expect(err).toContain('no secret on standard input');
  });
});
