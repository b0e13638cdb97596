import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { decodeFrame, encodeData, FrameFlag, FrameType } from '../protocol/index.js';
import type { Frame } from '../protocol/index.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import { TunnelStream } from '../tunnel/tunnel-stream.js';
import type { StreamTransport } from '../tunnel/tunnel-stream.js';
import { eventually, sleep } from '../../test/helpers/eventually.js';
import { declaredBodyLength, relayToUpstream } from './upstream-relay.js';
import type { ExchangeRecord } from './upstream-relay.js';

// Which frames one relayed response leaves the agent as, against a real upstream.

class RecordingTunnel implements StreamTransport {
  readonly frames: Frame[] = [];
  readonly maxFrameBytes = 64 * 1024;
  sendFrame(frame: Buffer): void {
    this.frames.push(decodeFrame(Buffer.from(frame)));
  }
  sendData(streamId: number, payload: Buffer, end: boolean): void {
    this.sendFrame(encodeData(streamId, payload, end));
  }
  isWritable(): boolean {
    return true;
  }
  whenWritable(): void {}
  streamClosed(): void {}

  summary(): string[] {
    return this.frames.map((f) => {
      const end = f.flags & FrameFlag.EndStream ? ' END' : '';
      if (f.type === FrameType.ResponseHead) return `HEAD ${f.head.status}${end}`;
      if (f.type === FrameType.Data) return `DATA ${f.payload.length}${end}`;
      return `type ${f.type}${end}`;
    });
  }
}

let server: Server;
let origin: string;
const dispatcher = new Agent();
const answers: Record<string, (res: ServerResponse) => void> = {
  '/1k': (res) => res.writeHead(200, { 'Content-Length': '1024' }).end(Buffer.alloc(1024)),
  '/chunked': (res) => res.writeHead(200).end(Buffer.alloc(1024)),
  '/empty': (res) => res.writeHead(200, { 'Content-Length': '0' }).end(),
  '/204': (res) => res.writeHead(204).end(),
  '/300k': (res) => res.writeHead(200, { 'Content-Length': String(300 * 1024) }).end(Buffer.alloc(300 * 1024)),
};

beforeAll(async () => {
  server = createServer((req, res) => answers[req.url!]!(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await dispatcher.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function relay(target: string, windowBytes = 256 * 1024): Promise<{ tunnel: RecordingTunnel; stream: TunnelStream; record: ExchangeRecord }> {
  const tunnel = new RecordingTunnel();
  const stream = new TunnelStream(1, tunnel, windowBytes);
  stream.receiveEnd();
  const record = await new Promise<ExchangeRecord>((resolve) =>
    relayToUpstream(tunnel as unknown as TunnelConnection, stream, { method: 'GET', target, headers: [['Host', 'upstream']] }, { dispatcher, origin }, resolve),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return { tunnel, stream, record };
}

describe('the frames a relayed response leaves as', () => {
  it('a body of declared length: its head, then DATA whose last byte carries END_STREAM', async () => {
    const { tunnel, stream, record } = await relay('/1k');
    expect(tunnel.summary()).toEqual(['HEAD 200', 'DATA 1024 END']);
    expect(stream.phase).toBe('closed');
    expect(record).toMatchObject({ status: 200, bytes: 1024 });
  });

  it('a chunked body: its DATA, then an empty DATA with END_STREAM once undici saw the end', async () => {
    const { tunnel } = await relay('/chunked');
    expect(tunnel.summary()).toEqual(['HEAD 200', 'DATA 1024', 'DATA 0 END']);
  });

  it('an empty body of declared length: its head, then an empty DATA with END_STREAM', async () => {
    const { tunnel } = await relay('/empty');
    expect(tunnel.summary()).toEqual(['HEAD 200', 'DATA 0 END']);
  });

  it('a 204: its head alone, with END_STREAM', async () => {
    const { tunnel } = await relay('/204');
    expect(tunnel.summary()).toEqual(['HEAD 204 END']);
  });

  it('a body larger than the window: no byte beyond it, the rest once credit comes back', async () => {
    const tunnel = new RecordingTunnel();
    const stream = new TunnelStream(1, tunnel, 64 * 1024);
    stream.receiveEnd();
    let record: ExchangeRecord | undefined;
    relayToUpstream(tunnel as unknown as TunnelConnection, stream, { method: 'GET', target: '/300k', headers: [['Host', 'upstream']] }, { dispatcher, origin }, (r) => (record = r));
    const sent = (): number => tunnel.frames.reduce((n, f) => n + (f.type === FrameType.Data ? f.payload.length : 0), 0);
    for (let credit = 64 * 1024; credit < 400 * 1024; credit += 64 * 1024) {
      const allowed = Math.min(credit, 300 * 1024);
      // However slow the machine: the bytes the credit allows arrive, and then, over a window in
      // which more could leave, none beyond them.
      await eventually(() => sent() >= allowed, 5000, `${allowed} body bytes relayed`);
      await sleep(20);
      expect(sent()).toBe(allowed);
      stream.receiveWindowUpdate(64 * 1024);
    }
    expect(record).toMatchObject({ status: 200, bytes: 300 * 1024 });
    expect(tunnel.summary().filter((f) => f.endsWith('END'))).toHaveLength(1);
    expect(stream.localEnded).toBe(true);
  });
});

describe('the body length a response declares', () => {
  const raw = (...fields: string[]): Buffer[] => fields.map((f) => Buffer.from(f, 'latin1'));
  it.each<[string, Array<Buffer | string>, number | undefined]>([
    ['Content-Length', raw('Content-Length', '1024'), 1024],
    ['any case, strings too', ['content-LENGTH', '7', 'Date', 'x'], 7],
    ['zero', raw('Content-Length', '0'), 0],
    ['none', raw('Date', 'x'), undefined],
    ['with Transfer-Encoding', raw('Content-Length', '5', 'Transfer-Encoding', 'chunked'), undefined],
    ['twice', raw('Content-Length', '5', 'Content-Length', '5'), undefined],
    ['a list', raw('Content-Length', '5, 5'), undefined],
    ['not digits', raw('Content-Length', '5x'), undefined],
    ['a name of the same length', raw('Content-Lengtx', '5'), undefined],
  ])('%s', (_name, fields, expected) => {
    expect(declaredBodyLength(fields)).toBe(expected);
  });
});
