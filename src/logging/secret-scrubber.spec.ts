import { REDACTED } from '../http/redaction.js';
import { SecretScrubber } from './secret-scrubber.js';

describe('SecretScrubber', () => {
  const config = {
    key: 'agent-key-1234567890',
    keys: [{ id: 'web', key: 'web-team-secret', hosts: ['.*'], paths: ['.*'] }],
    adminToken: 'admin-token-abc',
    redisUrl: 'redis://user:p%40ss-word@redis.internal:6379',
    clusterSecret: 'cluster-secret-0123456789',
  };

  it('replaces every configured secret, every time it appears', () => {
    const scrubber = SecretScrubber.of(config);
    expect(scrubber.scrub('key agent-key-1234567890 then agent-key-1234567890')).toBe(`key ${REDACTED.logText} then ${REDACTED.logText}`);
    expect(scrubber.scrub('Bearer admin-token-abc')).toBe(`Bearer ${REDACTED.logText}`);
    expect(scrubber.scrub('rule web: web-team-secret')).toBe(`rule web: ${REDACTED.logText}`);
    expect(scrubber.scrub('AUTH failed for p@ss-word')).toBe(`AUTH failed for ${REDACTED.logText}`);
    expect(scrubber.scrub('x-harp-cluster-secret: cluster-secret-0123456789')).toBe(`x-harp-cluster-secret: ${REDACTED.logText}`);
  });

  it('leaves text without secrets as it is (key ids included)', () => {
    const text = 'agent 1a2b connected with key "web"';
    expect(SecretScrubber.of(config).scrub(text)).toBe(text);
  });

  it('replaces a secret that contains another one whole', () => {
    const scrubber = new SecretScrubber(['abcdef', 'abcdef-longer']);
    expect(scrubber.scrub('x abcdef-longer y abcdef')).toBe(`x ${REDACTED.logText} y ${REDACTED.logText}`);
  });

  it('is empty without secrets', () => {
    expect(new SecretScrubber([undefined, '']).isEmpty).toBe(true);
    expect(SecretScrubber.of({ keys: [] }).isEmpty).toBe(true);
  });
});
