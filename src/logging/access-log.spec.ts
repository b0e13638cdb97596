import { Writable } from 'node:stream';
import { loadHarpConfig } from '../config/index.js';
import type { HarpConfigInput } from '../config/index.js';
import { ExchangeEvents, ExchangeReport } from '../exchange/index.js';
import { AccessLog, accessRecord } from './access-log.js';
import { createHarpLogger } from './root-logger.js';

function finished(): ExchangeReport {
  const report = new ExchangeReport('req-1', 'GET', 'app.example', '/api/x?q=1');
  report.route = { host: '*.example', path: '/api' };
  report.agentId = 'a1b2c3';
  report.status = 200;
  report.cache = 'hit';
  report.bytesOut = 1024;
  report.totalMs = 1.23456;
  report.complete = true;
  return report;
}

function accessLogFor(overrides: Partial<HarpConfigInput>): { lines: string[]; events: ExchangeEvents; log: AccessLog } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const config = loadHarpConfig({ env: {}, overrides: { key: 'k-0123456789', ...overrides } });
  const events = new ExchangeEvents();
  const log = new AccessLog(config, createHarpLogger(config, { destination }), events);
  log.onModuleInit();
  return { lines, events, log };
}

describe('access log', () => {
  it('has the fields of docs/observability.md', () => {
    expect(accessRecord(finished())).toEqual({
      requestId: 'req-1',
      method: 'GET',
      host: 'app.example',
      target: '/api/x?q=1',
      httpVersion: '1.1',
      status: 200,
      route: '*.example/api',
      agent: 'a1b2c3',
      cache: 'hit',
      error: undefined,
      ms: 1.23,
      bytes: 1024,
      bytesIn: 0,
      complete: true,
    });
  });

  it('writes one info line per exchange', () => {
    const { lines, events } = accessLogFor({});
    events.emit('exchange', finished());
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, context: 'Access', msg: 'request completed', requestId: 'req-1', status: 200 });
  });

  it('does not even listen with accessLog off or a level above info', () => {
    for (const overrides of [{ accessLog: false }, { logLevel: 'warn' as const }]) {
      const { lines, events, log } = accessLogFor(overrides);
      expect(log.enabled).toBe(false);
      expect(events.listenerCount('exchange')).toBe(0);
      events.emit('exchange', finished());
      expect(lines).toHaveLength(0);
    }
  });

  it('stops listening when the module is destroyed', () => {
    const { events, log } = accessLogFor({});
    expect(events.listenerCount('exchange')).toBe(1);
    log.onModuleDestroy();
    expect(events.listenerCount('exchange')).toBe(0);
  });
});
