import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { relayToUpstream } from './upstream-relay.js';
import { expectsContinue, nodeUpstream, relayWithContinue } from './continue-relay.js';
import type { NodeUpstream } from './continue-relay.js';
import type { ExchangeRecord, Upstream } from './upstream-relay.js';
import type { RequestHead } from '../protocol/index.js';
import type { ServedRoute } from './route-choice.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';

/** Where the agent sends requests, and how: HTTP/1.1 through undici, or HTTP/2 (h2-upstream.ts). */
export interface OwnedUpstream {
  /**
   * Serves one tunnel stream: its request to the upstream, the answer back. `served`: which of
   * the agent's routes the request matched, if any (route-choice.ts).
   */
  relay(
    tunnel: TunnelConnection,
    stream: TunnelStream,
    head: RequestHead,
    onDone: (record: ExchangeRecord) => void,
    served?: ServedRoute,
  ): void;
  /** Ends every upstream connection now; the agent calls it after its grace period. */
  close(): Promise<void>;
  /**
   * Whether {@link relay} needs `served`: only per-route upstreams do, and the agent skips
   * matching each request against its routes for the others.
   */
  readonly routed?: boolean;
}

/**
 * An undici upstream as an {@link OwnedUpstream}, with node:http beside it for the requests
 * that expect 100-continue, which undici cannot send (continue-relay.ts).
 */
function owned(upstream: Upstream, direct: NodeUpstream, close: () => Promise<void>): OwnedUpstream {
  return {
    relay: (tunnel, stream, head, onDone) =>
      expectsContinue(head) ? relayWithContinue(tunnel, stream, head, direct, onDone) : relayToUpstream(tunnel, stream, head, upstream, onDone),
    close: async () => {
      direct.close();
      await close();
    },
  };
}

// The proxy enforces the request timeout; the agent must not cut a slow stream (SSE) short.
const UNDICI_OPTIONS = { headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 10_000 };

/** An upstream reached over HTTP at a base URL. */
export function urlUpstream(base: string): OwnedUpstream {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`upstream must be an http:// or https:// URL, got ${base}`);
  }
  const dispatcher = new Agent(UNDICI_OPTIONS);
  return owned({ dispatcher, origin: url.origin }, nodeUpstream(url), () => dispatcher.destroy());
}

/**
 * An upstream that is a request handler in this process, served on a private Unix socket (a
 * named pipe on Windows): no TCP port is opened, and the handler gets real Node request and
 * response objects, so Express, Nest or plain `node:http` apps work unchanged.
 */
export async function handlerUpstream(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<OwnedUpstream> {
  const name = `harp-agent-${process.pid}-${randomBytes(4).toString('hex')}`;
  const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : join(tmpdir(), `${name}.sock`);
  const server: Server = createServer(handler);
  if (upgrade) server.on('upgrade', upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  const dispatcher = new Agent({ ...UNDICI_OPTIONS, connect: { socketPath } });
  return owned({ dispatcher, origin: 'http://localhost' }, nodeUpstream({ socketPath }), async () => {
    await dispatcher.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (process.platform !== 'win32') await rm(socketPath, { force: true });
  });
}
