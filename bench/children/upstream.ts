// The local upstream: a plain node:http server with two fixed bodies from pre-allocated buffers.
// Started by bench/run.ts with fork(); reports its port over IPC.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

const bodies: Record<string, Buffer> = {
  '/1k': randomBytes(1024),
  '/8m': randomBytes(8 * 1024 * 1024),
};

const server = createServer((req, res) => {
  const body = bodies[req.url ?? ''];
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
});

process.on('disconnect', () => process.exit(0)); // the parent is gone
