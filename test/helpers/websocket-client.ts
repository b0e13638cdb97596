import { connect as netConnect } from 'node:net';
import { WebSocket } from 'ws';

/** A WebSocket message as the client got it. */
export interface Message {
  data: Buffer;
  binary: boolean;
}

// Messages are queued from the moment the socket exists: the backend's first one can arrive
// in the same read as the handshake answer, before a test could start listening.
const inbox = new WeakMap<WebSocket, { queue: Message[]; waiters: Array<(m: Message) => void> }>();

/** Opens a WebSocket and resolves once it is open (or rejects with the refusal). */
export function open(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    const box = { queue: [] as Message[], waiters: [] as Array<(m: Message) => void> };
    inbox.set(ws, box);
    ws.on('message', (data: Buffer, binary: boolean) => {
      const waiter = box.waiters.shift();
      if (waiter) waiter({ data, binary });
      else box.queue.push({ data, binary });
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`status ${res.statusCode}`), { status: res.statusCode, res })));
  });
}

/** The next message the socket received or will receive. */
export function nextMessage(ws: WebSocket): Promise<Message> {
  const box = inbox.get(ws)!;
  const queued = box.queue.shift();
  return queued ? Promise.resolve(queued) : new Promise((resolve) => box.waiters.push(resolve));
}

/** A WebSocket upgrade request's head, as raw text. */
export function upgradeRequest(path: string, extraFields = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraFields}\r\n`
  );
}

/** Sends raw bytes and collects what comes back until the server closes. */
export function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.setTimeout(3000, () => socket.destroy());
  });
}
