// The local upstream: a plain node:http server with fixed bodies from pre-allocated buffers,
// and `POST /echo`, which streams the request body back.
// Started by bench/run.ts with fork(); reports its port over IPC, and its request counts per
// path when asked (`{ type: 'counts' }`).
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A body and its response fields; `cacheable` ones are fresh for an hour and have an ETag. */
function object(body: Buffer, cacheable = false): { body: Buffer; headers: OutgoingHttpHeaders } {
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'content-length': body.length };
  if (cacheable) {
    headers['cache-control'] = 'public, max-age=3600';
    headers.etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  }
  return { body, headers };
}

const objects: Record<string, ReturnType<typeof object>> = {
  '/1k': object(randomBytes(1024)),
  '/64k': object(randomBytes(64 * 1024)),
  '/8m': object(randomBytes(8 * 1024 * 1024)),
  // The cache-hit scenario: HARP stores these and answers them from memory.
  '/c1k': object(randomBytes(1024), true),
  '/c64k': object(randomBytes(64 * 1024), true),
};

/** Requests received per path, so the bench can check that cache hits never reached us. */
const counts: Record<string, number> = {};

const server = createServer((req, res) => {
  const path = req.url ?? '';
  counts[path] = (counts[path] ?? 0) + 1;
  if (path === '/echo' && req.method === 'POST') {
    echo(req, res);
    return;
  }
  const o = objects[path];
  if (!o) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  if (o.headers.etag && req.headers['if-none-match'] === o.headers.etag) {
    res.writeHead(304, { etag: o.headers.etag, 'cache-control': o.headers['cache-control'] }).end();
    return;
  }
  res.writeHead(200, o.headers);
  res.end(o.body);
});
/** The POST workload: the request body streamed back as the response body, same length. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const length = req.headers['content-length'];
  res.writeHead(200, length ? { 'content-type': 'application/octet-stream', 'content-length': length } : { 'content-type': 'application/octet-stream' });
  req.pipe(res);
}

server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});

process.on('message', (m: { type?: string }) => {
  if (m.type === 'counts') process.send?.({ type: 'counts', counts });
});
process.on('disconnect', () => process.exit(0)); // the parent is gone
