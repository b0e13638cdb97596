import { Writable } from 'node:stream';
import { loadHarpConfig } from '../config/index.js';
import type { HarpConfigInput } from '../config/index.js';
import { createHarpLogger } from './root-logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return { stream, text, lines: () => text().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const configWith = (overrides: Partial<HarpConfigInput> = {}) =>
  loadHarpConfig({ env: {}, overrides: { key: 'agent-key-1234567890', adminToken: 'admin-token-abc', ...overrides } });

describe('createHarpLogger', () => {
  it('writes JSON at the configured level and above', () => {
    const out = capture();
    const { pino } = createHarpLogger(configWith({ logLevel: 'warn' }), { destination: out.stream });
    pino.info('quiet');
    pino.warn('loud');
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([[40, 'loud']]);
  });

  it('redacts credentials and cookies in logged requests and responses', () => {
    const out = capture();
    const { pino } = createHarpLogger(configWith(), { destination: out.stream });
    pino.info({
      req: { headers: { authorization: 'Basic dXNlcjpwYXNz', 'proxy-authorization': 'Basic eDp5', cookie: 'sid=abc', accept: '*/*' } },
      res: { headers: { 'set-cookie': ['sid=def'], 'content-type': 'text/plain' } },
    });
    const [line] = out.lines();
    expect(line).toMatchObject({
      req: { headers: { authorization: '[Redacted]', 'proxy-authorization': '[Redacted]', cookie: '[Redacted]', accept: '*/*' } },
      res: { headers: { 'set-cookie': '[Redacted]', 'content-type': 'text/plain' } },
    });
    expect(out.text()).not.toMatch(/dXNlcjpwYXNz|eDp5|sid=/);
  });

  it('scrubs configured secrets from messages and errors', () => {
    const out = capture();
    const { pino } = createHarpLogger(configWith(), { destination: out.stream });
    pino.warn('hello with agent-key-1234567890');
    pino.error({ err: new Error('token admin-token-abc refused') }, 'failed');
    pino.info({ context: 'X' }, 'format %s', 'admin-token-abc');
    const text = out.text();
    expect(text).not.toContain('agent-key-1234567890');
    expect(text).not.toContain('admin-token-abc');
    expect(out.lines().map((l) => l.msg)).toEqual(['hello with [REDACTED]', 'failed', 'format [REDACTED]']);
    expect(out.lines()[1]).toMatchObject({ err: { message: 'token [REDACTED] refused' } });
  });
});
