import type { INestApplication } from '@nestjs/common';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from '../../src/agent/connect.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { startEmbeddedApp } from '../helpers/embedded-app.js';

// The admin API describes itself (OpenAPI at /_harp/api/openapi.json, Swagger UI at
// /_harp/api/docs), and everything under /_harp/ is HARP's own: a backend registered on `*` + `/`
// never sees such a request, and the catch-all never shadows an admin route.

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
}
interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
}

const ADMIN_OPERATIONS = [
  'get /_harp/api/agents',
  'get /_harp/api/agents/{id}',
  'post /_harp/api/agents/{id}/drain',
  'delete /_harp/api/agents/{id}',
  'get /_harp/api/routes',
  'delete /_harp/api/routes/grace',
  'get /_harp/api/nodes',
  'get /_harp/api/cache',
  'delete /_harp/api/cache',
  'get /_harp/api/inspector/requests',
  'get /_harp/api/inspector/requests.har',
  'get /_harp/api/inspector/requests/{id}',
  'post /_harp/api/inspector/requests/{id}/replay',
  'get /_harp/api/stats',
  'get /_harp/api/events',
];

/** A backend on `*` + `/` that records every request it gets. */
function recordingHandler() {
  const seen: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.end('from the backend');
  };
  return { seen, handler };
}

/** Every request HARP must answer itself, with the status it must answer. */
const RESERVED_CALLS: ReadonlyArray<readonly [method: string, path: string, status: number]> = [
  ['GET', '/_harp/api/agents', 200],
  ['GET', '/_harp/api/routes', 200],
  ['GET', '/_harp/api/nodes', 200],
  ['DELETE', '/_harp/api/routes/grace?host=a.example&path=/', 404],
  ['GET', '/_harp/api/cache', 200],
  ['DELETE', '/_harp/api/cache?all=true', 200],
  ['GET', '/_harp/api/inspector/requests', 200],
  ['GET', '/_harp/api/inspector/requests.har', 200],
  ['GET', '/_harp/api/inspector/requests/1', 404],
  ['GET', '/_harp/api/stats', 200],
  ['GET', '/_harp/api/openapi.json', 200],
  ['GET', '/_harp/api/docs', 200],
  ['GET', '/_harp/api/docs/swagger-ui.css', 200],
  ['GET', '/_harp/api/docs/swagger-ui-bundle.js', 200],
  ['GET', '/_harp/healthz', 200],
  ['GET', '/_harp/readyz', 200],
  ['GET', '/_harp/api/agents/0123456789ab', 404],
  ['GET', '/_harp/api/nope', 404],
  ['POST', '/_harp/api/routes', 404],
  ['GET', '/_harp/api', 404],
  ['GET', '/_harp/nope', 404],
];

async function document(base: string): Promise<OpenApiDocument> {
  const res = await send(`${base}/_harp/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(res.body.toString()) as OpenApiDocument;
}

function operations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
}

function resolve(doc: OpenApiDocument, schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref ?? schema?.items?.$ref;
  const name = ref?.replace('#/components/schemas/', '');
  return name !== undefined && doc.components.schemas[name] !== undefined ? name : undefined;
}

describe('admin API: OpenAPI document and reserved paths (standalone server)', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('validates against the OpenAPI schema of its version', async () => {
    const proxy = await h.proxy();
    const doc = await document(proxy.url);
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toMatch(/^3\.[01]$/);
  });

  it('is an OpenAPI 3 document with a bearer scheme', async () => {
    const proxy = await h.proxy();
    const doc = await document(proxy.url);
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('HARP admin API');
    expect(doc.components.securitySchemes['admin-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every admin route, with its response schemas, security and the 401/403 answers', async () => {
    const proxy = await h.proxy();
    const doc = await document(proxy.url);
    expect(operations(doc)).toEqual(expect.arrayContaining([...ADMIN_OPERATIONS, 'get /_harp/healthz', 'get /_harp/readyz']));

    const schemas: Record<string, string | undefined> = {};
    for (const entry of ADMIN_OPERATIONS) {
      const [method, path] = entry.split(' ') as [string, string];
      const op = doc.paths[path]![method]!;
      expect([entry, op.security]).toEqual([entry, [{ 'admin-token': [] }]]);
      for (const status of ['401', '403']) {
        expect([entry, status, resolve(doc, op.responses[status]?.content?.['application/json']?.schema)]).toEqual([
          entry,
          status,
          'ErrorDto',
        ]);
      }
      const success = Object.keys(op.responses).find((status) => status.startsWith('2'))!;
      schemas[`${entry} ${success}`] = resolve(doc, op.responses[success]!.content?.['application/json']?.schema);
    }
    expect(schemas).toEqual({
      'get /_harp/api/agents 200': 'AgentDto',
      'get /_harp/api/agents/{id} 200': 'AgentDto',
      'post /_harp/api/agents/{id}/drain 202': 'AgentDto',
      'delete /_harp/api/agents/{id} 204': undefined, // no content
      'get /_harp/api/routes 200': 'RouteDto',
      'delete /_harp/api/routes/grace 204': undefined, // no content
      'get /_harp/api/nodes 200': 'NodesDto',
      'get /_harp/api/cache 200': 'CacheStatsDto',
      'delete /_harp/api/cache 200': 'PurgeResultDto',
      'get /_harp/api/inspector/requests 200': 'ExchangeListDto',
      'get /_harp/api/inspector/requests.har 200': undefined, // HAR 1.2, an inline schema
      'get /_harp/api/inspector/requests/{id} 200': 'ExchangeDetailDto',
      'post /_harp/api/inspector/requests/{id}/replay 201': 'ExchangeSummaryDto',
      'get /_harp/api/stats 200': 'StatsDto',
      'get /_harp/api/events 200': undefined, // text/event-stream
    });
    expect(doc.paths['/_harp/api/events']!.get!.responses['200']!.content).toHaveProperty(['text/event-stream']);
    expect(doc.paths['/_harp/api/inspector/requests']!.get!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:host',
      'query:pathPrefix',
      'query:status',
      'query:limit',
    ]);
    expect(Object.keys(doc.components.schemas.ExchangeDetailDto!.properties!)).toEqual(
      expect.arrayContaining(['id', 'method', 'host', 'target', 'status', 'timings', 'request', 'response']),
    );
    expect(doc.paths['/_harp/api/agents']!.get!.responses['200']!.content!['application/json']!.schema!.type).toBe('array');
    expect(doc.paths['/_harp/api/cache']!.delete!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:url',
      'query:host',
      'query:prefix',
      'query:all',
    ]);
    expect(Object.keys(doc.components.schemas.AgentDto!.properties!)).toEqual(
      expect.arrayContaining(['id', 'name', 'remoteAddress', 'keyId', 'routes', 'connectedAt', 'rttMs', 'inFlightStreams', 'totals', 'latencyMs']),
    );
    expect(resolve(doc, doc.paths['/_harp/readyz']!.get!.responses['503']?.content?.['application/json']?.schema)).toBe(
      'HealthCheckDto',
    );
  });

  it('documents every route the server has under /_harp/api and nothing outside /_harp/', async () => {
    const proxy = await h.proxy();
    const doc = await document(proxy.url);
    // What Express actually routes, read from its router: an undocumented admin route fails here.
    const express = proxy.app.getHttpAdapter().getInstance() as {
      router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    };
    const served = express.router.stack
      .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m} ${layer.route!.path}`) : []))
      .filter((entry) => entry.includes(' /_harp/api/') && !/\/_harp\/api\/(docs|openapi\.json)/.test(entry))
      .map((entry) => entry.replace(/:(\w+)/g, '{$1}'));
    expect(served.length).toBeGreaterThanOrEqual(ADMIN_OPERATIONS.length);
    expect(operations(doc)).toEqual(expect.arrayContaining(served));
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/_harp/'))).toEqual([]);
  });

  it('serves the Swagger UI', async () => {
    const proxy = await h.proxy();
    const ui = await send(`${proxy.url}/_harp/api/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.body.toString()).toContain('swagger-ui');
    const init = await send(`${proxy.url}/_harp/api/docs/swagger-ui-init.js`);
    expect(init.body.toString()).toContain('/_harp/api/agents');
  });

  it.each(RESERVED_CALLS)('answers %s %s itself while a backend serves * and /', async (method, path, status) => {
    const proxy = await h.proxy();
    const backend = recordingHandler();
    await h.agent(proxy, backend.handler);
    const res = await send(`${proxy.url}${path}`, { method });
    expect(res.status).toBe(status);
    expect(res.body.toString()).not.toContain('from the backend');
    expect(backend.seen).toEqual([]);
    // …while everything else does reach it.
    expect((await send(`${proxy.url}/_harpoon`)).body.toString()).toBe('from the backend');
    expect(backend.seen).toEqual(['GET /_harpoon']);
  });
});

describe('admin API in an application that imports HarpModule', () => {
  let app: INestApplication | undefined;
  let agent: HarpAgent | undefined;

  afterEach(async () => {
    await agent?.close(100);
    await app?.close();
    agent = app = undefined;
  });

  async function start(): Promise<string> {
    const started = await startEmbeddedApp({ openApi: true });
    app = started.app;
    return started.base;
  }

  it('serves the admin API and its document ahead of the catch-all, and keeps the host app routes', async () => {
    const base = await start();
    const backend = recordingHandler();
    agent = await connect({ server: base, key: TEST_KEY, handler: backend.handler, reconnect: false });

    for (const [method, path, status] of RESERVED_CALLS) {
      const res = await send(`${base}${path}`, { method });
      expect([method, path, res.status]).toEqual([method, path, status]);
    }
    expect(backend.seen).toEqual([]);

    const agents = JSON.parse((await send(`${base}/_harp/api/agents`)).body.toString());
    expect(agents).toHaveLength(1);
    const doc = await document(base);
    expect(operations(doc)).toEqual(expect.arrayContaining(ADMIN_OPERATIONS));
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/_harp/'))).toEqual([]); // not /own, not the catch-all

    expect((await send(`${base}/own`)).body.toString()).toBe('the host app answered');
    expect((await send(`${base}/elsewhere`)).body.toString()).toBe('from the backend');
  });

  it('counts the traffic of agents per agent there too', async () => {
    const base = await start();
    agent = await connect({ server: base, key: TEST_KEY, handler: recordingHandler().handler, reconnect: false });
    await send(`${base}/one`);
    await send(`${base}/two`);
    let totals: { requests: number } = { requests: 0 };
    await eventually(
      async () => {
        totals = JSON.parse((await send(`${base}/_harp/api/agents`)).body.toString())[0].totals;
        return totals.requests >= 2;
      },
      1000,
      'both requests in the totals',
    );
    expect(totals.requests).toBe(2);
  });
});
