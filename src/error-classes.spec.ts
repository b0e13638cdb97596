import { ConfigError } from './config/config.error.js';
import { ProxyError } from './proxy/proxy-errors.js';
import { ProtocolError } from './protocol/errors.js';
import { RoutePatternError } from './routing/routing.errors.js';
import { CacheStoreError } from './cache/cache-store-error.js';
import { StreamResetError } from './tunnel/stream-errors.js';
import { UsageError } from './cli/usage-error.js';
import { AgentRejectedError } from './agent/connect.js';
import { ResetCode } from './protocol/constants.js';
import { HarpError, isHarpError } from './errors/harp-error.js';

// One base class for every failure HARP raises on purpose: a stable snake_case code, the
// class's own name, and the cause kept.
const samples: Array<[string, HarpError]> = [
  ['ConfigError', new ConfigError(['HARP_PORT (env): bad'])],
  ['ProxyError', new ProxyError('no_route')],
  ['ProtocolError', new ProtocolError('frame_too_short', 'short')],
  ['RoutePatternError', new RoutePatternError('route_host_invalid', 'bad host', 'a..b')],
  ['CacheStoreError', new CacheStoreError('store_timeout', 'slow')],
  ['StreamResetError', new StreamResetError(ResetCode.Refused, 'busy', 'peer')],
  ['UsageError', new UsageError('no such option', 'http')],
  ['AgentRejectedError', new AgentRejectedError('key_rejected', 'wrong key')],
];

describe('HarpError', () => {
  it.each(samples)('%s is a HarpError with a snake_case code and its own name', (name, error) => {
    expect(error).toBeInstanceOf(HarpError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('keeps the cause', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new CacheStoreError('store_failed', 'get failed', { cause }).cause).toBe(cause);
  });

  it('isHarpError tells codes apart', () => {
    const error = new ProxyError('timeout');
    expect([isHarpError(error), isHarpError(error, 'timeout'), isHarpError(error, 'no_route')]).toEqual([true, true, false]);
    expect(isHarpError(new Error('plain'))).toBe(false);
  });

  it('a stream reset keeps the wire reason and names it', () => {
    const reset = new StreamResetError(ResetCode.UpstreamError, 'upstream died', 'peer');
    expect([reset.code, reset.resetCode]).toEqual(['upstream_error', ResetCode.UpstreamError]);
    expect(new StreamResetError(99 as ResetCode, 'from the future', 'peer').code).toBe('unknown_reset');
  });

  it('a proxy error takes its status and text from the catalogue', () => {
    const error = new ProxyError('body_too_large', '2 MiB > 1 MiB');
    expect([error.status, error.message]).toEqual([413, 'the request body exceeds the proxy limit: 2 MiB > 1 MiB']);
  });
});
