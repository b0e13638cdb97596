import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as harp from './index.js';

// What an application that embeds HARP imports: every module, and the services it may inject.
describe('the package entry point', () => {
  it.each([
    'HarpModule',
    'HarpConfigModule',
    'AdminModule',
    'DashboardModule',
    'HealthModule',
    'InspectorModule',
    'LiveEventsModule',
    'MetricsModule',
    'ProxyModule',
    'RegistrationModule',
    'RoutingModule',
    'ExchangeEventsModule',
    'InspectorService',
    'LiveEventsService',
    'ExchangeEvents',
    'HarpWsAdapter',
    'startHarpServer',
  ])('exports %s', (name) => {
    expect(typeof (harp as Record<string, unknown>)[name]).toBe('function');
  });
});

// package.json's `exports` are the names other code imports (DESIGN.md, "Contracts"): each
// subpath points at the build of one entry file of src/, and that file exports what is promised.
describe("package.json's exports", () => {
  const root = new URL('..', import.meta.url);
  const exports = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, { types: string; default: string }> })
    .exports;
  const promised: Record<string, string[]> = {
    '.': ['HarpModule', 'startHarpServer'],
    './agent': ['connect', 'startAgent', 'HarpAgent', 'AgentRejectedError'],
    './backend': ['HarpBackendModule', 'HarpTunnel', 'HarpTunnelHealthIndicator'],
  };

  it('are the entry points promised, no more', () => {
    expect(Object.keys(exports).sort()).toEqual(Object.keys(promised).sort());
  });

  it.each(Object.entries(promised))('%s is built from a file of src/ that exports %j', async (subpath, names) => {
    const { types, default: built } = exports[subpath]!;
    expect(built).toMatch(/^\.\/dist\/.+\.js$/);
    expect(types).toBe(built.replace(/\.js$/, '.d.ts'));
    const source = built.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');
    expect(existsSync(fileURLToPath(new URL(source, import.meta.url)))).toBe(true);
    const entry = (await import(source.replace(/\.ts$/, '.js'))) as Record<string, unknown>;
    for (const name of names) expect(typeof entry[name]).toBe('function');
  });
});

// The standalone proxy loads @nestjs/swagger and class-validator on first use (docs/performance.md,
// "Proxy memory"); an application that imports the package gets HARP's classes decorated at once,
// so that its own OpenAPI document and its own global ValidationPipe see them as before.
describe('the package entry point and the libraries loaded on first use', () => {
  it("leaves HARP's DTOs and controllers described and validated as soon as it is imported", async () => {
    const { CachePurgeQuery } = await import('./admin/cache.dto.js');
    const { AgentsController } = await import('./admin/agents.controller.js');
    const { getMetadataStorage } = await import('class-validator');
    expect(Reflect.getMetadata('swagger/apiModelPropertiesArray', CachePurgeQuery.prototype)).toEqual([':url', ':host', ':prefix', ':all']);
    expect(Reflect.getMetadata('swagger/apiUseTags', AgentsController)).toEqual(['agents']);
    const rules = getMetadataStorage().getTargetValidationMetadatas(CachePurgeQuery, '', true, false);
    expect(new Set(rules.map((rule) => rule.propertyName))).toEqual(new Set(['url', 'host', 'prefix', 'all']));
  });
});
