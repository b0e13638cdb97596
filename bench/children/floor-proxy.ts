// The floor tunnel's public side (bench/floor.ts): a node:http server that relays every request
// over the one WebSocket its floor agent opened, and writes back what comes. A measuring point,
// not a product: no routing, no rules, no flow control, no limits (floor-wire.ts).
// Started with fork(); reports its URL over IPC.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepOldGenerationHeadroom } from '../../src/server/old-generation.js';
import { WebSocketServer } from 'ws';
import { DATA, END, FAILED, REQUEST, RESPONSE, TickCorkedSender, WHOLE, jsonMessage, jsonOf, prefix, readMessage } from './floor-wire.js';

// The same heap policy as HARP's processes, so that the difference is the work, not the GC.
keepOldGenerationHeadroom();
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
const open = new Map<number, ServerResponse>();
let nextId = 1;
let tunnel: TickCorkedSender | undefined;

const send = (message: Buffer, more?: Buffer): void => tunnel!.send(message, more);

function relay(req: IncomingMessage, res: ServerResponse): void {
  if (!tunnel) {
    res.writeHead(502).end();
    return;
  }
  const id = nextId++;
  open.set(id, res);
  const raw = req.rawHeaders;
  const fields: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) fields.push(raw[i]!, raw[i + 1]!);
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  send(jsonMessage(REQUEST, id, [req.method, req.url, fields, hasBody]));
  if (!hasBody) return;
  req.on('data', (chunk: Buffer) => send(prefix(DATA, id), chunk));
  req.on('end', () => send(prefix(END, id)));
}

function respond(data: Buffer | Buffer[]): void {
  const { kind, id, chunks } = readMessage(data);
  const res = open.get(id);
  if (!res) return;
  switch (kind) {
    case RESPONSE: {
      const [status, fields] = jsonOf(chunks) as [number, string[]];
      res.writeHead(status, fields);
      break;
    }
    case DATA:
      for (const chunk of chunks) res.write(chunk);
      break;
    case END:
      open.delete(id);
      res.end();
      break;
    case WHOLE: {
      const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const headBytes = whole.readUInt32BE(0);
      const [status, fields] = JSON.parse(whole.toString('utf8', 4, 4 + headBytes)) as [number, string[]];
      open.delete(id);
      res.writeHead(status, fields).end(whole.subarray(4 + headBytes));
      break;
    }
    case FAILED:
      open.delete(id);
      res.destroy();
      break;
  }
}

const server = createServer(relay);
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.binaryType = 'fragments';
    tunnel = new TickCorkedSender(ws);
    ws.on('message', respond);
    ws.on('close', () => {
      tunnel = undefined;
      for (const res of open.values()) res.destroy();
      open.clear();
    });
    process.send?.({ type: 'agent' });
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
