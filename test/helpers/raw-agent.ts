import { WebSocket } from 'ws';
import { decodeFrame, encodeControl, FrameType, parseProxyControl, SUBPROTOCOL } from '../../src/protocol/index.js';
import type { AgentControl, Frame, ProxyControl, RequestHeadFrame, WelcomeMessage } from '../../src/protocol/index.js';
import { TEST_KEY } from './harness.js';

/** How the proxy ended a raw agent's connection, and the `error` control it sent first, if any. */
export interface RawClose {
  code: number;
  reason: string;
  /** The `code` of the proxy's `error` control message before the close. */
  errorCode?: string;
}

/**
 * A hand-driven agent: a bare `ws` client that speaks the protocol only as far as a test tells
 * it to. It does the hello and one `register`, then lets the test send anything at all — which
 * is the point: the proxy must survive agents that are not the HARP agent library.
 */
export class RawAgent {
  private readonly frames: Frame[] = [];
  private readonly waiters: Array<() => void> = [];
  private errorCode?: string;
  readonly closed: Promise<RawClose>;
  /** The proxy's `welcome`, once connected. */
  welcome?: WelcomeMessage;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodeFrame(data);
      if (frame.type === FrameType.Control) {
        const message = frame.message as { type?: string; code?: string };
        if (message.type === 'error') this.errorCode = message.code;
      }
      this.frames.push(frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString(), errorCode: this.errorCode })),
    );
  }

  /** Connects, says hello with the test key and registers `routes`; resolves once registered. */
  static async connect(
    proxyUrl: string,
    routes: Array<{ host: string; path: string }>,
    /** Extra handshake request fields, e.g. `Harp-Features` (docs/protocol.md §3.5). */
    headers: Record<string, string> = {},
  ): Promise<RawAgent> {
    const socket = new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/_harp/connect`, SUBPROTOCOL, {
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
      headers,
    });
    socket.on('error', () => undefined); // closes are asserted through `closed`
    const agent = new RawAgent(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    agent.sendControl({ type: 'hello', protocol: 1, key: TEST_KEY, name: 'raw' });
    agent.welcome = await agent.nextControl('welcome');
    agent.sendControl({ type: 'register', id: 1, routes });
    const registered = await agent.nextControl('registered');
    if (registered.accepted.length !== routes.length) throw new Error(`routes refused: ${JSON.stringify(registered)}`);
    return agent;
  }

  /** Sends anything at all, well-formed or not. */
  send(data: Buffer | string): void {
    this.socket.send(data);
  }

  /** Sends a well-formed control message, typed like the agent library's. */
  sendControl(message: AgentControl): void {
    this.send(encodeControl(message));
  }

  /**
   * The next control message of `type`, consuming frames up to it, checked with the schema the
   * agent library parses it with: a message outside the catalogue fails the test here.
   */
  async nextControl<T extends ProxyControl['type']>(type: T): Promise<Extract<ProxyControl, { type: T }>> {
    const frame = await this.next((f) => f.type === FrameType.Control && (f.message as { type?: string }).type === type);
    const message = parseProxyControl((frame as Extract<Frame, { type: FrameType.Control }>).message);
    return message as Extract<ProxyControl, { type: T }>;
  }

  /** The next REQUEST_HEAD: a public request the proxy routed here. */
  async nextRequest(): Promise<RequestHeadFrame> {
    return (await this.next((f) => f.type === FrameType.RequestHead)) as RequestHeadFrame;
  }

  /** Waits for a frame matching `match` and removes it (and every frame before it). */
  async next(match: (frame: Frame) => boolean, timeoutMs = 2000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.frames.findIndex(match);
      if (at >= 0) return this.frames.splice(0, at + 1)[at]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('raw agent: timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends the connection at once (afterEach). */
  terminate(): void {
    this.socket.terminate();
  }
}
