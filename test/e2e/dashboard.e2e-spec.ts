import { readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// The dashboard's files over real HTTP: types, the security headers, and who may load them.

const TOKEN = 'admin-token-0123456789abcdef';

/** A non-loopback IPv4 address of this machine, to be a "remote" client of a proxy on 0.0.0.0. */
const EXTERNAL_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
const itFromNetwork = EXTERNAL_ADDRESS === undefined ? it.skip : it;
if (EXTERNAL_ADDRESS === undefined) {
  console.warn('No non-loopback IPv4 address: skipping the remote-client dashboard tests.');
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await send(`${base}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: res.body.toString() };
}

/** The files the page loads: its `src`/`href` attributes, and every module they import. */
async function referencedFiles(proxy: HarpServer): Promise<string[]> {
  const page = (await get(proxy.url, '/_harp/')).text;
  const files = new Set([...page.matchAll(/(?:src|href)="(\/_harp\/[^"]+)"/g)].map((m) => m[1]!));
  const modules = [...files].filter((f) => f.endsWith('.js'));
  for (let module; (module = modules.pop()) !== undefined; ) {
    const source = (await get(proxy.url, module)).text;
    for (const [, name] of source.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
      const file = `/_harp/assets/${name}`;
      if (!files.has(file)) modules.push(file);
      files.add(file);
    }
  }
  return [...files].sort();
}

describe('dashboard page', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it.each(['/_harp/', '/_harp'])('serves the page at %s with a strict CSP and no-cache', async (path) => {
    const proxy = await h.proxy();
    const res = await get(proxy.url, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'self'", "frame-ancestors 'none'"]));
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.text).toContain('<title>HARP dashboard</title>');
    // No inline script or style: all of it is in the files, as the CSP requires.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
  });

  it('serves every file the page loads, with its type and the same headers', async () => {
    const proxy = await h.proxy();
    const files = await referencedFiles(proxy);
    // Every file in the folder is used, and every file used is there.
    const onDisk = readdirSync(new URL('../../src/dashboard/public/', import.meta.url))
      .filter((name) => name !== 'index.html' && !name.endsWith('.d.ts'))
      .map((name) => `/_harp/assets/${name}`);
    expect(files).toEqual(onDisk.sort());
    expect(files).toEqual(expect.arrayContaining(['/_harp/assets/dashboard.css', '/_harp/assets/dashboard.js']));
    const types: Record<string, string> = {
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      svg: 'image/svg+xml',
    };
    for (const file of files) {
      const res = await get(proxy.url, file);
      const ext = file.slice(file.lastIndexOf('.') + 1);
      expect([file, res.status, res.headers['content-type']]).toEqual([file, 200, types[ext]]);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const proxy = await h.proxy();
    const first = await get(proxy.url, '/_harp/assets/dashboard.js');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(proxy.url, '/_harp/assets/dashboard.js', { 'if-none-match': etag });
    expect([again.status, again.text, again.headers.etag]).toEqual([304, '', etag]);
    expect((await get(proxy.url, '/_harp/assets/dashboard.js', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it.each([
    '/_harp/assets/nope.js',
    '/_harp/assets/index.html',
    '/_harp/assets/sse.d.ts',
    '/_harp/assets/..%2fdashboard.module.ts',
  ])(
    'answers 404 for %s',
    async (path) => {
      const proxy = await h.proxy();
      expect((await get(proxy.url, path)).status).toBe(404);
    },
  );

  it('leaves the admin API and health where they were, and stays out of the OpenAPI document', async () => {
    const proxy = await h.proxy();
    expect((await get(proxy.url, '/_harp/healthz')).status).toBe(200);
    expect((await get(proxy.url, '/_harp/api/agents')).text).toBe('[]');
    const paths = Object.keys(JSON.parse((await get(proxy.url, '/_harp/api/openapi.json')).text).paths);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => p === '/_harp' || p.startsWith('/_harp/assets'))).toEqual([]);
  });

  describe('without an admin token', () => {
    itFromNetwork('answers 403 to a client that is not on loopback, for the page and its files', async () => {
      const proxy = await h.proxy({ host: '0.0.0.0' });
      const remote = `http://${EXTERNAL_ADDRESS}:${proxy.port}`;
      for (const path of ['/_harp/', '/_harp', '/_harp/assets/dashboard.js']) {
        const res = await get(remote, path);
        expect([path, res.status]).toEqual([path, 403]);
        expect(res.text).not.toContain('HARP dashboard');
      }
      // The same address on loopback is served: it is the peer that counts.
      expect((await get(proxy.url, '/_harp/')).status).toBe(200);
    });

    itFromNetwork('does not trust X-Forwarded-For', async () => {
      const proxy = await h.proxy({ host: '0.0.0.0' });
      const res = await get(`http://${EXTERNAL_ADDRESS}:${proxy.port}`, '/_harp/', { 'x-forwarded-for': '127.0.0.1' });
      expect(res.status).toBe(403);
    });
  });

  describe('with an admin token', () => {
    it('serves the page and its files without the token; the API it calls still wants it', async () => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      expect((await get(proxy.url, '/_harp/')).status).toBe(200);
      expect((await get(proxy.url, '/_harp/assets/dashboard.js')).status).toBe(200);
      expect((await get(proxy.url, '/_harp/api/agents')).status).toBe(401);
      expect((await get(proxy.url, '/_harp/api/agents', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    });

    itFromNetwork('serves the page to a client that is not on loopback, never the token', async () => {
      const proxy = await h.proxy({ adminToken: TOKEN, host: '0.0.0.0' });
      const remote = `http://${EXTERNAL_ADDRESS}:${proxy.port}`;
      const page = await get(remote, '/_harp/');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(TOKEN);
      expect((await get(remote, '/_harp/api/agents')).status).toBe(401);
    });
  });
});
