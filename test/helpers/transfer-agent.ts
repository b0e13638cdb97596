// A child process: an agent and its upstream, out of the proxy's process so that the proxy's
// memory can be measured on its own (see large-bodies.e2e-spec.ts). The agent imports no Nest
// code, so it runs under `node --import tsx` without decorator metadata.
//
//   argv: <proxy url> <agent key>
//   POST /upload           → {"bytes":…, "sha256":…} of the body received (read with stalls)
//   GET  /download/<bytes> → <bytes> pseudo-random bytes (seed "download"), Content-Length set;
//                            once sent, an IPC message {type:"sent", bytes, sha256}
//   IPC  "ready" once registered; the process exits when the parent disconnects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { connect } from '../../src/agent/connect.js';
import { pseudoRandomStream, stallEvery, StreamDigest } from './byte-streams.js';

const [server, key] = process.argv.slice(2);
// Once the parent has gone (it timed out, or was stopped mid-transfer), there is no one to tell.
const report = (message: object): void => {
  if (process.connected) process.send?.(message);
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'POST' && req.url === '/upload') {
    const digest = new StreamDigest();
    req.on('data', (chunk: Buffer) => {
      digest.update(chunk);
      stallEvery(req, digest.bytes - chunk.length, digest.bytes);
    });
    req.on('end', () => {
      const body = JSON.stringify(digest.result());
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  const match = /^\/download\/(\d+)$/.exec(req.url ?? '');
  if (match) {
    const bytes = Number(match[1]);
    const digest = new StreamDigest();
    const source = pseudoRandomStream(bytes, 'download');
    source.on('data', (chunk: Buffer) => digest.update(chunk));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes });
    pipeline(source, res, (err) => report({ type: 'sent', error: err?.message, ...digest.result() }));
    return;
  }
  res.writeHead(404).end();
}

const agent = await connect({ server: server!, key: key!, handler: handle, reconnect: false, name: 'transfer' });
report({ type: 'ready' });
process.on('disconnect', () => void agent.close(100).then(() => process.exit(0)));
