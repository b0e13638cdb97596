import { Harness } from '../helpers/harness.js';
import { send, type ClientResponse } from '../helpers/http-client.js';

// @nestjs/swagger, class-validator and class-transformer are loaded on first use, not at start-up
// (docs/performance.md, "Proxy memory"), and the decorators of the admin API's classes are
// applied then. The first requests of a fresh proxy, arriving together, must be answered as
// every later one is. This file's first proxy is the first of its module registry: keep it so.

/** The requests that load a library: the document, the UI, and admin input of each DTO. */
const FIRST_USES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/_harp/api/openapi.json'],
  ['GET', '/_harp/api/docs'],
  ['GET', '/_harp/api/docs/swagger-ui-init.js'],
  ['DELETE', '/_harp/api/cache?prefix=/x'],
  ['GET', '/_harp/api/inspector/requests?limit=0&status=9xx'],
  ['DELETE', '/_harp/api/routes/grace?host=a.example&path=x&extra=1'],
  ['GET', '/_harp/api/agents/not-an-id'],
];

/** What must not change between the first answer and a later one. */
function answer(res: ClientResponse) {
  const type = String(res.headers['content-type']);
  return { status: res.status, type, body: type.startsWith('application/json') ? JSON.parse(res.body.toString()) : res.body.toString() };
}

describe('admin API: libraries loaded on first use', () => {
  const h = new Harness();
  afterAll(() => h.closeAll());

  it('answers the first requests, sent together, as it answers later ones', async () => {
    const proxy = await h.proxy();
    const all = () => Promise.all(FIRST_USES.map(([method, path]) => send(`${proxy.url}${path}`, { method })));
    const first = (await all()).map(answer);
    const later = (await all()).map(answer);
    expect(first).toEqual(later);
    expect(first.map((a) => a.status)).toEqual([200, 200, 200, 400, 400, 400, 400]);
    expect(first[0]!.body).toMatchObject({ info: { title: 'HARP admin API' } });
    expect(first[3]!.body).toMatchObject({ message: ['prefix needs host'] });
    expect(first[4]!.body.message).toEqual(expect.arrayContaining(['limit must be at least 1', 'status must be one of 1xx, 2xx, 3xx, 4xx, 5xx, none']));
    expect(first[5]!.body.message).toEqual(expect.arrayContaining(['property extra should not exist', 'path must start with /']));
  });

  it('builds the same document through the package’s harpOpenApiDocument as it serves', async () => {
    const proxy = await h.proxy();
    const { harpOpenApiDocument } = await import('../../src/index.js');
    const served = JSON.parse((await send(`${proxy.url}/_harp/api/openapi.json`)).body.toString());
    expect(JSON.parse(JSON.stringify(harpOpenApiDocument(proxy.app)))).toEqual(served);
  });
});
