import type { Harness } from './harness.js';

/**
 * An upstream whose answer is `first ` at once and `second` only once the test calls `release()`:
 * a client that sees the first part before releasing proves the proxy streams, not buffers.
 */
export async function twoPartUpstream(h: Harness): Promise<{ url: string; release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const { url } = await h.upstream((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first ');
    void released.then(() => res.end('second'));
  });
  return { url, release };
}
