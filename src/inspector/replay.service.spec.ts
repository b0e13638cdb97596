import { BadGatewayException, ConflictException, ServiceUnavailableException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { HarpConfig } from '../config/index.js';
import { ExchangeEvents, ExchangeReport } from '../exchange/index.js';
import { InspectorService } from './inspector.service.js';
import { ReplayService } from './replay.service.js';
import { closedPort } from '../../test/helpers/ports.js';

const config = {
  requestTimeoutMs: 1000,
  inspectorEnabled: true,
  inspectorCapacity: 10,
  inspectorBodies: false,
  inspectorBodyBytes: 0,
  inspectorRedactHeaders: [],
} as unknown as HarpConfig;

function setUp(address: unknown) {
  const events = new ExchangeEvents();
  const inspector = new InspectorService(config, events);
  inspector.onModuleInit();
  const host = { httpAdapter: { getHttpServer: () => ({ address: () => address }) } } as unknown as HttpAdapterHost;
  const report = new ExchangeReport('r-1', 'GET', 'a.test', '/x');
  report.requestFields = ['Host', 'a.test'];
  events.emit('exchange', report);
  return { inspector, replays: new ReplayService(config, inspector, host), id: inspector.list({}).entries[0]!.id };
}

describe('ReplayService', () => {
  it('answers 502 when the request cannot reach the proxy, and stops waiting for its recording', async () => {
    const { inspector, replays, id } = setUp({ address: '127.0.0.1', port: await closedPort(), family: 'IPv4' });
    await expect(replays.replay(id)).rejects.toBeInstanceOf(BadGatewayException);
    // Nothing is left to fire later (an unhandled rejection would end the process).
    expect(inspector.recorded.listenerCount('recorded')).toBe(0);
  });

  it('answers 503 when the proxy listens on no TCP port', async () => {
    const { replays, id } = setUp(null);
    await expect(replays.replay(id)).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('answers 409 for a request whose body was not recorded', async () => {
    const { inspector, replays } = setUp(null);
    const events = (inspector as unknown as { events: ExchangeEvents }).events;
    const post = new ExchangeReport('r-2', 'POST', 'a.test', '/upload');
    post.bytesIn = 12;
    events.emit('exchange', post);
    const id = inspector.list({ limit: 1 }).entries[0]!.id;
    await expect(replays.replay(id)).rejects.toBeInstanceOf(ConflictException);
  });
});
