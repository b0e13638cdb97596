// A reference point, not a product: the least a Node reverse proxy can do, one process with
// node:http in front and undici behind, relaying status, fields and body unchanged (no
// routing, no header rules, no tunnel). Started by bench/reference.ts with fork(); reports its
// port over IPC.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

const origin = process.env.HARP_BENCH_UPSTREAM;
if (!origin) throw new Error('HARP_BENCH_UPSTREAM is required');
const dispatcher = new Agent({ keepAliveTimeout: 10_000 });

const server = createServer((req, res) => {
  dispatcher.request({ origin, path: req.url ?? '/', method: 'GET', headers: req.headers }).then(
    ({ statusCode, headers, body }) => {
      res.writeHead(statusCode, headers as Record<string, string>);
      body.pipe(res);
    },
    () => res.writeHead(502).end(),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
