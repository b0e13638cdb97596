import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Module, Post, Req } from '@nestjs/common';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { HarpBackendModule } from '../../src/backend/index.js';
import type { HarpBackendOptions } from '../../src/backend/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { StreamDigest } from './byte-streams.js';
import type { Harness } from './harness.js';
import { TEST_KEY } from './harness.js';

/** Holds `GET /slow` until the test lets it answer; counts the requests that reached it. */
@Injectable()
export class SlowGate {
  arrived = 0;
  private waiting: Array<() => void> = [];

  wait(): Promise<void> {
    this.arrived++;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** The request as Node's IncomingMessage, on either adapter (Fastify wraps it in `raw`). */
const nodeRequest = (req: IncomingMessage | { raw: IncomingMessage }): IncomingMessage => ('raw' in req ? req.raw : req);

@Controller()
class FixtureController {
  constructor(@Inject(SlowGate) private readonly gate: SlowGate) {}

  @Get('hello')
  hello(@Req() req: IncomingMessage | { raw: IncomingMessage }): { hello: string; path: string } {
    return { hello: 'from nest', path: nodeRequest(req).url! };
  }

  /** The byte count and SHA-256 of the body, read as a stream as it arrives. */
  @Post('upload')
  async upload(@Req() req: IncomingMessage | { raw: IncomingMessage }): Promise<{ bytes: number; sha256: string }> {
    const digest = new StreamDigest();
    for await (const chunk of nodeRequest(req)) digest.update(chunk as Buffer);
    return digest.result();
  }

  @Get('slow')
  async slow(): Promise<string> {
    await this.gate.wait();
    return 'finally';
  }
}

/** `{ event: 'echo', data }` comes back as `{ event: 'echoed', data }`. */
@WebSocketGateway({ path: '/live' })
class FixtureGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown): { event: string; data: unknown } {
    return { event: 'echoed', data };
  }
}

/** The root module of a small application that imports `harp` (a HarpBackendModule). */
export function fixtureModule(harp: DynamicModule, extra: { imports?: DynamicModule[]; controllers?: Type[] } = {}): Type {
  @Module({
    imports: [harp, ...(extra.imports ?? [])],
    controllers: [FixtureController, ...(extra.controllers ?? [])],
    providers: [SlowGate, FixtureGateway],
  })
  class FixtureAppModule {}
  return FixtureAppModule;
}

export type AdapterKind = 'express' | 'fastify';

/**
 * Creates the application on `kind`'s adapter with Nest's WebSocket adapter, and `init()`s it:
 * never `listen()`, so the proxy is its only way in. Closed by the harness.
 */
export async function startBackendApp(h: Harness, kind: AdapterKind, root: Type): Promise<INestApplication> {
  const app =
    kind === 'express'
      ? await NestFactory.create(root, { logger: false })
      : await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), { logger: false });
  if (kind === 'fastify') {
    // Fastify refuses bodies it has no parser for; this one leaves the stream to the handler.
    (app as NestFastifyApplication).getHttpAdapter().getInstance().addContentTypeParser('application/octet-stream', (_req, _body, done) => done(null));
  }
  app.useWebSocketAdapter(new WsAdapter(app));
  h.defer(() => app.close());
  await app.init();
  return app;
}

/** HarpBackendModule's options for `proxy` with the test key, no reconnects, a short drain. */
export function backendOptions(proxy: HarpServer, over: Partial<HarpBackendOptions> = {}): HarpBackendOptions {
  return { server: proxy.url, key: TEST_KEY, reconnect: false, drainTimeoutMs: 2000, ...over };
}

/** The fixture application on `kind`, served through `proxy` by HarpBackendModule.forRoot. */
export function startThroughHarp(h: Harness, kind: AdapterKind, proxy: HarpServer, over: Partial<HarpBackendOptions> = {}): Promise<INestApplication> {
  return startBackendApp(h, kind, fixtureModule(HarpBackendModule.forRoot(backendOptions(proxy, over))));
}
