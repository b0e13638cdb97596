import { ResetCode } from '../protocol/index.js';
import type { RequestHead } from '../protocol/index.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import { startAgent } from './connect.js';
import type { OwnedUpstream } from './local-upstream.js';
import { routedUpstream, transformOf } from './route-upstreams.js';
import type { ExchangeRecord } from './upstream-relay.js';

/** An upstream that records the heads it was given and answers each with a record. */
function fakeUpstream(name: string, seen: Array<[string, RequestHead]>, closed: string[]): OwnedUpstream {
  return {
    relay: (_tunnel, _stream, head, onDone) => {
      seen.push([name, head]);
      onDone({ method: head.method, target: head.target, status: 200, ms: 1 });
    },
    close: async () => void closed.push(name),
  };
}

describe('routedUpstream', () => {
  const tunnel = {} as TunnelConnection;
  const head: RequestHead = { method: 'GET', target: '/api/x?q=1', headers: [['Host', 'public.test']] };
  const setup = (withFallback: boolean) => {
    const seen: Array<[string, RequestHead]> = [];
    const closed: string[] = [];
    const opened: string[] = [];
    const routes = [
      { path: '/api', upstream: 'http://a', stripPrefix: true, hostHeader: 'a.internal' },
      { path: '/b', upstream: 'http://a' },
      { path: '/c', upstream: 'http://a', h2: true },
      { path: '/' },
    ];
    const upstream = routedUpstream(withFallback ? fakeUpstream('fallback', seen, closed) : undefined, routes, (url, h2) => {
      const name = `${h2 ? 'h2' : 'h1'} ${url}`;
      opened.push(name);
      return fakeUpstream(name, seen, closed);
    });
    return { seen, closed, opened, upstream };
  };

  it("sends each request to its route's upstream, changed by its transforms, and logs the public target", () => {
    const { seen, upstream, opened } = setup(true);
    const records: ExchangeRecord[] = [];
    upstream.relay(tunnel, {} as TunnelStream, head, (r) => records.push(r), { index: 0, host: '*', path: '/api' });
    upstream.relay(tunnel, {} as TunnelStream, head, (r) => records.push(r), { index: 3, host: '*', path: '/' });
    upstream.relay(tunnel, {} as TunnelStream, head, (r) => records.push(r));
    expect(seen.map(([name, h]) => [name, h.target, h.headers])).toEqual([
      ['h1 http://a', '/x?q=1', [['Host', 'a.internal']]],
      ['fallback', '/api/x?q=1', [['Host', 'public.test']]],
      ['fallback', '/api/x?q=1', [['Host', 'public.test']]],
    ]);
    expect(records.map((r) => r.target)).toEqual(['/api/x?q=1', '/api/x?q=1', '/api/x?q=1']);
    // Routes naming one server share its connections; HTTP/2 to it is another upstream.
    expect(opened).toEqual(['h1 http://a', 'h2 http://a']);
  });

  it('refuses a request no route of its own covers when there is no fallback, so the proxy may send it elsewhere', () => {
    const { upstream } = setup(false);
    const resets: Array<[ResetCode, string]> = [];
    const stream = { on: () => stream, reset: (code: ResetCode, reason: string) => resets.push([code, reason]) } as unknown as TunnelStream;
    const records: ExchangeRecord[] = [];
    upstream.relay(tunnel, stream, head, (r) => records.push(r), { index: 3, host: '*', path: '/' });
    expect(resets).toEqual([[ResetCode.Refused, 'no upstream for this request']]);
    expect(records[0]).toMatchObject({ status: 0, target: '/api/x?q=1' });
  });

  it('closes every upstream it opened, and the fallback', async () => {
    const { upstream, closed } = setup(true);
    await upstream.close();
    expect(closed.sort()).toEqual(['fallback', 'h1 http://a', 'h2 http://a']);
  });

  it('strips the prefix the proxy accepted for stripPrefix: true, or the one given', () => {
    expect(transformOf({ path: '/API/', stripPrefix: true }, '/API')).toEqual({ stripPrefix: '/API' });
    expect(transformOf({ path: '/a/b', stripPrefix: '/a' }, '/a/b')).toEqual({ stripPrefix: '/a' });
    expect(transformOf({ path: '/a', stripPrefix: false }, '/a')).toEqual({});
  });
});

describe('startAgent with routes of their own', () => {
  it('needs an upstream for every route: its own or the connection’s', async () => {
    await expect(startAgent({ server: 'ws://127.0.0.1:1', key: 'k', routes: [{ upstream: 'http://127.0.0.1:2' }, { path: '/b' }] })).rejects.toThrow(
      'give exactly one of upstream and handler, or an upstream on every route',
    );
    await expect(startAgent({ server: 'ws://127.0.0.1:1', key: 'k', upstream: 'http://x', routes: [{ addHeaders: { 'a b': 'c' } }] })).rejects.toThrow(
      'route */: addHeaders: "a b" is not a header name',
    );
    await expect(startAgent({ server: 'ws://127.0.0.1:1', key: 'k', upstream: 'http://x', routes: [{ removeHeaders: ['Upgrade'] }] })).rejects.toThrow(
      'route */: removeHeaders: Upgrade frames the message and cannot be changed',
    );
    await expect(startAgent({ server: 'ws://127.0.0.1:1', key: 'k', upstream: 'http://x', routes: [{ hostHeader: 'a\r\nb' }] })).rejects.toThrow(
      'route */: Host: a header value may not hold control characters',
    );
  });
});
