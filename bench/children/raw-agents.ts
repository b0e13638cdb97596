// Many idle agents in one process: bare `ws` clients that do the hello and one `register` of a
// host of their own (docs/protocol.md §7), then only answer the proxy's pings (ws does that).
// Started by bench/agents.ts with fork() under tsx. IPC: { type: 'open', from, count } opens
// agents from..from+count-1 and answers { type: 'opened', registerMs: number[], failures }.
import { WebSocket } from 'ws';
import { decodeFrame, encodeControl, FrameType, SUBPROTOCOL } from '../../src/protocol/index.js';

const { HARP_BENCH_SERVER: server, HARP_BENCH_KEY: key } = process.env;
if (!server || !key) throw new Error('HARP_BENCH_SERVER and HARP_BENCH_KEY are required');
/** Handshakes in flight at once: enough to keep the proxy busy, few enough not to time out. */
const IN_FLIGHT = Number(process.env.HARP_BENCH_IN_FLIGHT ?? 8);

const sockets: WebSocket[] = [];

/** Opens agent `n`; resolves with the register → registered round trip in ms. */
function openAgent(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server}/_harp/connect`, SUBPROTOCOL, { perMessageDeflate: false });
    sockets.push(socket);
    let sentAt = 0;
    socket.once('open', () => socket.send(encodeControl({ type: 'hello', protocol: 1, key: key!, name: `idle-${n}` })));
    socket.on('error', reject);
    socket.once('close', (code, reason) => reject(new Error(`agent ${n} closed: ${code} ${reason.toString()}`)));
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodeFrame(data);
      if (frame.type !== FrameType.Control) return;
      const message = frame.message as { type?: string; accepted?: unknown[] };
      if (message.type === 'welcome') {
        sentAt = performance.now();
        socket.send(encodeControl({ type: 'register', id: 1, routes: [{ host: `a${n}.agents.bench`, path: '/' }] }));
      } else if (message.type === 'registered') {
        if (message.accepted?.length !== 1) reject(new Error(`agent ${n}: route refused: ${JSON.stringify(message)}`));
        else resolve(performance.now() - sentAt);
      }
    });
  });
}

async function open(from: number, count: number): Promise<{ registerMs: number[]; failures: string[] }> {
  const registerMs: number[] = [];
  const failures: string[] = [];
  let next = from;
  const end = from + count;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const n = next++;
      try {
        registerMs.push(await openAgent(n));
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { registerMs, failures };
}

process.on('message', (m: { type?: string; from?: number; count?: number }) => {
  if (m.type !== 'open') return;
  void open(m.from ?? 0, m.count ?? 0).then((result) => process.send?.({ type: 'opened', ...result }));
});
process.send?.({ type: 'ready' });
process.on('disconnect', () => process.exit(0)); // the parent is gone
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.terminate();
  process.exit(0);
});
