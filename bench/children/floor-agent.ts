// The floor tunnel's private side (bench/floor.ts): one WebSocket to the floor proxy, each request
// it carries sent to the upstream with undici's dispatch, the answer sent back: a small one
// (≤ 16 KiB, declared) as one message, anything else as head, DATA chunks as undici hands them
// over, END. A measuring point, not a product (floor-wire.ts). Started with fork().
import { PassThrough } from 'node:stream';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { keepOldGenerationHeadroom } from '../../src/server/old-generation.js';
import { WebSocket } from 'ws';
import { DATA, END, FAILED, REQUEST, RESPONSE, TickCorkedSender, jsonMessage, jsonOf, prefix, readMessage, wholeMessage } from './floor-wire.js';

const { HARP_BENCH_FLOOR: proxyUrl, HARP_BENCH_UPSTREAM: origin } = process.env;
if (!proxyUrl || !origin) throw new Error('HARP_BENCH_FLOOR and HARP_BENCH_UPSTREAM are required');

const SMALL = 16 * 1024;
// The same heap policy as HARP's processes, so that the difference is the work, not the GC.
keepOldGenerationHeadroom();
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
const bodies = new Map<number, PassThrough>();
const ws = new WebSocket(proxyUrl.replace(/^http/, 'ws') + '/floor', { perMessageDeflate: false, generateMask: (mask) => mask.fill(0) });
ws.binaryType = 'fragments';
let tunnel: TickCorkedSender;

const send = (message: Buffer, more?: Buffer): void => tunnel.send(message, more);

class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private fields: string[] = [];
  private declared = -1;
  private small: Buffer[] | undefined;
  private smallBytes = 0;

  constructor(private readonly id: number) {}

  onConnect(): void {}

  onHeaders(status: number, raw: Buffer[]): boolean {
    this.status = status;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      const value = raw[i + 1]!.toString('latin1');
      if (lower === 'content-length') this.declared = Number(value);
      this.fields.push(name, value);
    }
    if (this.declared >= 0 && this.declared <= SMALL) this.small = [];
    else send(jsonMessage(RESPONSE, this.id, [status, this.fields]));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.small) {
      this.small.push(chunk);
      this.smallBytes += chunk.length;
    } else send(prefix(DATA, this.id), chunk);
    return true;
  }

  onComplete(): void {
    if (!this.small) return send(prefix(END, this.id));
    const body = this.small.length === 1 ? this.small[0]! : Buffer.concat(this.small, this.smallBytes);
    send(wholeMessage(this.id, [this.status, this.fields], body));
  }

  onError(): void {
    send(prefix(FAILED, this.id));
  }
}

function onRequest(id: number, method: string, path: string, headers: string[], hasBody: boolean): void {
  let body: PassThrough | null = null;
  if (hasBody) {
    body = new PassThrough();
    bodies.set(id, body);
  }
  dispatcher.dispatch({ origin: origin!, path, method: method as Dispatcher.HttpMethod, headers, body }, new Exchange(id));
}

ws.on('message', (data: Buffer[]) => {
  const { kind, id, chunks } = readMessage(data);
  if (kind === REQUEST) {
    const [method, path, headers, hasBody] = jsonOf(chunks) as [string, string, string[], boolean];
    return onRequest(id, method, path, headers, hasBody);
  }
  const body = bodies.get(id);
  if (!body) return;
  if (kind === DATA) for (const chunk of chunks) body.write(chunk);
  else if (kind === END) {
    bodies.delete(id);
    body.end();
  }
});
ws.on('open', () => {
  tunnel = new TickCorkedSender(ws);
  process.send?.({ type: 'ready' });
});
ws.on('close', () => process.exit(1));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
