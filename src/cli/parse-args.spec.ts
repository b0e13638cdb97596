import { DEFAULT_SERVER, localTarget, parseCliArgs } from './parse-args.js';
import { UsageError } from './usage-error.js';

const KEY = { HARP_KEY: 'env-key' };

function usageError(argv: string[], env: NodeJS.ProcessEnv = KEY): UsageError {
  try {
    parseCliArgs(argv, env);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

describe('parseCliArgs', () => {
  describe('top level', () => {
    it.each([
      [['--help'], { command: 'help', topic: 'harp' }],
      [['-h'], { command: 'help', topic: 'harp' }],
      [['help'], { command: 'help', topic: 'harp' }],
      [['help', 'http'], { command: 'help', topic: 'http' }],
      [['help', 'serve'], { command: 'help', topic: 'serve' }],
      [['--version'], { command: 'version' }],
      [['-v'], { command: 'version' }],
      [['serve'], { command: 'serve' }],
      [['serve', '--help'], { command: 'help', topic: 'serve' }],
      [['serve', '--workers', '4'], { command: 'serve', workers: 4 }],
      [['serve', '--workers=1'], { command: 'serve', workers: 1 }],
      [['serve', '--workers', 'x', '-h'], { command: 'help', topic: 'serve' }],
      [['start'], { command: 'start', file: 'harp.yml' }],
      [['start', 'deploy/agent.yml'], { command: 'start', file: 'deploy/agent.yml' }],
      [['start', '--log-format', 'json'], { command: 'start', file: 'harp.yml', logFormat: 'json' }],
      [['start', '--help'], { command: 'help', topic: 'start' }],
      [['start', 'a', 'b', '-h'], { command: 'help', topic: 'start' }],
      [['help', 'start'], { command: 'help', topic: 'start' }],
    ])('%j → %j', (argv, expected) => {
      expect(parseCliArgs(argv, {})).toEqual(expected);
    });

    it.each([
      [[], 'missing command', 'harp'],
      [['expose'], 'unknown command "expose"', 'harp'],
      [['--verbose'], 'unknown option --verbose', 'harp'],
      [['--version', 'http'], 'unexpected argument "http"', 'harp'],
      [['help', 'nope'], 'unknown command "nope"', 'harp'],
      [['serve', '--port', '80'], 'unknown option --port', 'serve'],
      [['serve', 'now'], 'unexpected argument "now"', 'serve'],
      [['serve', '--workers'], '--workers needs a value', 'serve'],
      [['serve', '--workers', '0'], '--workers must be a whole number of 1 or more, got "0"', 'serve'],
      [['serve', '--workers', '2.5'], '--workers must be a whole number of 1 or more, got "2.5"', 'serve'],
      [['serve', '--workers', '-2'], '--workers must be a whole number of 1 or more, got "-2"', 'serve'],
      [['start', 'a.yml', 'b.yml'], 'unexpected argument "b.yml"', 'start'],
      [['start', '--key', 'k'], 'unknown option --key', 'start'],
      [['start', ''], 'the file name is empty', 'start'],
      [['start', '--log-format', 'xml'], '--log-format must be text or json, got "xml"', 'start'],
    ])('%j is a usage error: %s', (argv, message, topic) => {
      expect(usageError(argv)).toMatchObject({ message, topic, code: 'usage' });
    });
  });

  describe('http', () => {
    it('fills in the documented defaults', () => {
      expect(parseCliArgs(['http', '3000'], KEY)).toEqual({
        command: 'http',
        upstream: 'http://127.0.0.1:3000',
        servers: [DEFAULT_SERVER],
        key: 'env-key',
        domain: '*',
        path: '/',
      });
    });

    it('takes every option, in either spelling, before or after the target', () => {
      const argv = ['http', '--server=wss://proxy.example.com', '--key', 'k', 'http://localhost:5173'];
      argv.push('--domain', 'app.example.com', '--path=/api', '--name', 'laptop', '--weight', '3', '--ca', './ca.pem', '--rate-limit=10/s');
      expect(parseCliArgs(argv, KEY)).toEqual({
        command: 'http',
        upstream: 'http://localhost:5173',
        servers: ['wss://proxy.example.com'],
        key: 'k',
        domain: 'app.example.com',
        path: '/api',
        name: 'laptop',
        weight: 3,
        rateLimit: '10/s',
        caFile: './ca.pem',
      });
    });

    it('takes --h2, for a local server that speaks HTTP/2 (gRPC), and leaves it out without it', () => {
      expect(parseCliArgs(['http', '50051', '--h2'], KEY)).toMatchObject({ upstream: 'http://127.0.0.1:50051', h2: true });
      expect(parseCliArgs(['http', '50051'], KEY)).not.toHaveProperty('h2');
    });

    it('takes --log-format text or json, leaves it out without it, and refuses any other', () => {
      expect(parseCliArgs(['http', '3000', '--log-format', 'json'], KEY)).toMatchObject({ logFormat: 'json' });
      expect(parseCliArgs(['http', '3000', '--log-format=text'], KEY)).toMatchObject({ logFormat: 'text' });
      expect(parseCliArgs(['http', '3000'], KEY)).not.toHaveProperty('logFormat');
      expect(() => parseCliArgs(['http', '3000', '--log-format', 'yaml'], KEY)).toThrow('--log-format must be text or json, got "yaml"');
    });

    // Regression: the proxy prints `--key <generated key>`; base64url keys may start with "-",
    // which util.parseArgs alone refuses as a separate value.
    it('accepts a separate value that starts with "-"', () => {
      expect(parseCliArgs(['http', '3000', '--key', '-abc', '--name', '--x'], {})).toMatchObject({
        key: '-abc',
        name: '--x',
      });
    });

    it.each([
      ['a comma list', ['--server', 'ws://a:8080,wss://b.example.com'], ['ws://a:8080', 'wss://b.example.com']],
      ['a repeated flag', ['--server', 'ws://a:8080', '--server=b:9000'], ['ws://a:8080', 'b:9000']],
      ['both, with spaces after the commas', ['--server', 'a:1, b:2', '--server', 'c:3'], ['a:1', 'b:2', 'c:3']],
    ])('takes several proxies as %s', (_name, flags, servers) => {
      expect(parseCliArgs(['http', '3000', ...flags], KEY)).toMatchObject({ servers });
    });

    it('prefers --key over HARP_KEY', () => {
      expect(parseCliArgs(['http', '3000', '--key', 'flag-key'], KEY)).toMatchObject({ key: 'flag-key' });
    });

    it('answers --help even when the rest of the line is wrong', () => {
      expect(parseCliArgs(['http', '--bogus', '-h'], {})).toEqual({ command: 'help', topic: 'http' });
    });

    it.each([
      [['http', '3000'], {}, /^no agent key: pass --key KEY or set HARP_KEY/],
      [['http', '3000', '--key='], {}, /^no agent key/],
      [['http'], KEY, /^missing <port\|url>/],
      [['http', '3000', '4000'], KEY, /^unexpected argument "4000"$/],
      [['http', '3000', '--port', '1'], KEY, /^unknown option --port$/],
      [['http', '3000', '--key'], {}, /^--key needs a value$/],
      [['http', '3000', '--help=yes'], KEY, /^--help takes no value$/],
      [['http', '3000', '--server', 'ftp://x'], KEY, /^--server must be a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL/],
      [['http', '3000', '--server', 'ws://a:1,,ws://b:2'], KEY, /^--server has an empty item in "ws:\/\/a:1,,ws:\/\/b:2"$/],
      [['http', '3000', '--server', 'ws://a:1,'], KEY, /^--server has an empty item in "ws:\/\/a:1,"$/],
      [['http', '3000', '--server', 'a:1', '--server='], KEY, /^--server has an empty item in ""$/],
      [['http', '3000', '--server', ' , '], KEY, /^--server has an empty item/],
      [['http', '3000', '--server', 'a:1,ftp://x'], KEY, /^--server must be a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"$/],
      [['http', '3000', '--server', 'ws://a:1', '--server', 'http://a:1/'], KEY, /^--server names http:\/\/a:1\/ twice$/],
      [['http', '3000', '--domain', 'https://app.example.com'], KEY, /^--domain takes a host name, not a URL/],
      [['http', '3000', '--domain', 'example.com/x'], KEY, /^--domain takes a host name/],
      [['http', '3000', '--path', 'api'], KEY, /^--path must start with "\/"/],
      [['http', '3000', '--ca='], KEY, /^--ca needs a value$/],
      [['http', '3000', '--weight', '0'], KEY, /^--weight must be a whole number from 1 to 100, got "0"$/],
      [['http', '3000', '--weight', '101'], KEY, /^--weight must be a whole number from 1 to 100/],
      [['http', '3000', '--weight', '1.5'], KEY, /^--weight must be a whole number from 1 to 100/],
      [['http', '3000', '--weight', 'x'], KEY, /^--weight must be a whole number from 1 to 100/],
      [['http', '3000', '--weight='], KEY, /^--weight must be a whole number from 1 to 100/],
      [['http', '3000', '--rate-limit', '10'], KEY, /^--rate-limit must be N\/s, N\/m or N\/h .*, got "10"$/],
      [['http', '3000', '--rate-limit', '0/s'], KEY, /^--rate-limit must be N\/s/],
    ])('%j (env %j) is a usage error', (argv, env, message) => {
      const err = usageError(argv, env);
      expect(err.topic).toBe('http');
      expect(err.message).toMatch(message);
    });
  });
});

describe('localTarget', () => {
  it.each([
    ['3000', 'http://127.0.0.1:3000'],
    ['1', 'http://127.0.0.1:1'],
    ['65535', 'http://127.0.0.1:65535'],
    ['localhost:8000', 'http://localhost:8000'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['https://internal.lan', 'https://internal.lan'],
    ['HTTP://Example.COM:80', 'http://example.com'],
  ])('%s → %s', (raw, expected) => {
    expect(localTarget(raw)).toBe(expected);
  });

  it.each([
    ['0', /^port must be 1 to 65535/],
    ['65536', /^port must be 1 to 65535/],
    ['localhost', /^expected a port \(3000\) or an http:\/\/ URL/],
    ['ws://localhost:3000', /^expected a port/],
    ['http://', /^expected a port/],
    ['http://localhost:3000/api', /^the local URL must be an origin without a path/],
    ['http://localhost:3000/?x=1', /^the local URL must be an origin without a path/],
  ])('refuses %s', (raw, message) => {
    expect(() => localTarget(raw)).toThrow(message);
  });
});

describe('visitor access flags of harp http', () => {
  const http = (...args: string[]) => parseCliArgs(['http', '3000', ...args], KEY);

  it.each<[string[], unknown]>([
    [[], undefined],
    [['--basic-auth', 'demo:s3cret'], { basicAuth: [{ user: 'demo', password: 's3cret' }] }],
    [['--basic-auth', 'a:x:y', '--basic-auth', 'b:'], { basicAuth: [{ user: 'a', password: 'x:y' }, { user: 'b', password: '' }] }],
    [['--allow-ip', '10.0.0.0/8', '--allow-ip', '2001:db8::/32'], { allowIps: ['10.0.0.0/8', '2001:db8::/32'] }],
    [['--deny-ip', '192.0.2.1'], { denyIps: ['192.0.2.1'] }],
  ])('%j → access %j', (args, access) => {
    expect((http(...args) as { access?: unknown }).access).toEqual(access);
  });

  it.each([
    [['--basic-auth', 'nocolon'], '--basic-auth takes user:password, got "nocolon"'],
    // The password is not echoed.
    [['--basic-auth', ':secret'], '--basic-auth takes user:password, got ":…"'],
    [['--allow-ip', '10.0.0.0/33'], '--allow-ip takes an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32), got "10.0.0.0/33"'],
    [['--deny-ip', 'example.com'], '--deny-ip takes an IP address or CIDR block (10.0.0.0/8, 2001:db8::/32), got "example.com"'],
  ])('%j is a usage error', (args, message) => {
    const error = usageError(['http', '3000', ...args]);
    expect([error.message, error.topic]).toEqual([message, 'http']);
  });

  it('reads harp hash-password and its --token', () => {
    expect(parseCliArgs(['hash-password'], {})).toEqual({ command: 'hash-password', token: false });
    expect(parseCliArgs(['hash-password', '--token'], {})).toEqual({ command: 'hash-password', token: true });
    expect(parseCliArgs(['hash-password', '--help'], {})).toEqual({ command: 'help', topic: 'hash-password' });
    expect(usageError(['hash-password', 'secret']).message).toBe('unexpected argument "secret"');
  });
});

describe('subdomain and ttl flags of harp http', () => {
  const http = (...args: string[]) => parseCliArgs(['http', '3000', ...args], KEY);

  it('reads --subdomain, --ttl and --reuse-url', () => {
    expect(http('--subdomain', 'demo', '--ttl', '30m')).toMatchObject({ domain: '*', subdomain: 'demo', ttl: '30m' });
    expect(http('--subdomain', 'random', '--reuse-url')).toMatchObject({ subdomain: 'random', reuseUrl: true });
    expect(http('--ttl', '90s')).toMatchObject({ domain: '*', ttl: '90s' });
    const plain = http();
    expect('subdomain' in plain || 'ttl' in plain || 'reuseUrl' in plain).toBe(false);
  });

  it.each([
    [['--subdomain', 'demo', '--domain', 'a.example'], '--domain and --subdomain exclude each other: give one'],
    [['--subdomain', 'demo.example'], '--subdomain takes one label such as demo (or random), got "demo.example"'],
    [['--subdomain='], '--subdomain takes one label such as demo (or random), got ""'],
    [['--reuse-url'], '--reuse-url needs --subdomain random'],
    [['--subdomain', 'demo', '--reuse-url'], '--reuse-url needs --subdomain random'],
    [['--ttl', '1d'], '--ttl must be Ns, Nm or Nh (e.g. 90s, 30m, 2h), at most 7 days (168h), got "1d"'],
    [['--ttl', '169h'], '--ttl must be Ns, Nm or Nh (e.g. 90s, 30m, 2h), at most 7 days (168h), got "169h"'],
  ])('%j is a usage error', (args, message) => {
    const error = usageError(['http', '3000', ...args]);
    expect([error.message, error.topic]).toEqual([message, 'http']);
  });
});
