import { Test, type TestingModule } from '@nestjs/testing';
import { HarpConfigModule } from '../config/index.js';

import type { RemoteMatch, RemoteRoutes } from './remote-routes.js';
import type { Route } from './route.js';
import type { RouteBackend } from './route-backend.js';
import { RoutingModule } from './routing.module.js';
import { RoutingService } from './routing.service.js';

class FakeBackend implements RouteBackend {
  accepting = true;
  open = 0;
  constructor(
    readonly id: string,
    readonly keyId = 'key-a',
    readonly weight = 1,
  ) {}
  retiring = false;
  isAcceptingStreams(): boolean {
    return this.accepting && !this.retiring;
  }
  isRetiring(): boolean {
    return this.retiring;
  }
  inFlight(): number {
    return this.open;
  }
}

describe('RoutingService', () => {
  let moduleRef: TestingModule;
  let routing: RoutingService;

  beforeEach(async () => {
    // Without a grace: a route goes with its last member (the grace has its own spec).
    moduleRef = await Test.createTestingModule({
      imports: [HarpConfigModule.forRoot({ overrides: { routeGraceMs: 0 } }), RoutingModule],
    }).compile();
    routing = moduleRef.get(RoutingService);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  it('is one shared instance', () => {
    expect(moduleRef.get(RoutingService)).toBe(routing);
  });

  describe('register', () => {
    it('stores the normalized route and answers with it', () => {
      const backend = new FakeBackend('b1');
      const ok = routing.register(backend, { host: 'API.Example.com.:443', path: '/v1/' });
      expect(ok).toMatchObject({ ok: true, route: { host: 'api.example.com', path: '/v1' } });
      expect(ok.ok && ok.pool.members).toEqual([backend]);
      expect(routing.routeCount).toBe(1);
    });

    it.each([
      [{ host: 'exa_mple.com', path: '/' }, 'route_host_invalid'],
      [{ host: 'a.*.example.com', path: '/' }, 'route_host_invalid'],
      [{ host: '', path: '/' }, 'route_host_invalid'],
      [{ host: 'example.com', path: 'api' }, 'route_path_invalid'],
      [{ host: 'example.com', path: '/api?x' }, 'route_path_invalid'],
      [{ host: 'example.com', path: '/a/../b' }, 'route_path_invalid'],
    ])('rejects %j with %s and stores nothing', (route, code) => {
      const result = routing.register(new FakeBackend('b1'), route);
      expect(result).toEqual({ ok: false, code, reason: expect.any(String) });
      expect(routing.routeCount).toBe(0);
    });

    it("rejects another key's route, whatever its spelling", () => {
      routing.register(new FakeBackend('b1', 'key-a'), { host: 'api.example.com', path: '/api' });
      const result = routing.register(new FakeBackend('b2', 'key-b'), { host: 'API.EXAMPLE.COM:8080', path: '/api/' });
      expect(result).toEqual({ ok: false, code: 'route_owned', reason: expect.any(String) });
    });

    it('pools backends of the same key', () => {
      const [b1, b2] = [new FakeBackend('b1'), new FakeBackend('b2')];
      routing.register(b1, { host: '*.example.com', path: '/' });
      routing.register(b2, { host: '*.EXAMPLE.com', path: '/' });
      routing.register(b2, { host: '*.example.com', path: '/' });
      expect(routing.routes()).toEqual([
        { host: '*.example.com', path: '/', hostKind: 'wildcard', ownerKeyId: 'key-a', members: [b1, b2], options: {} },
      ]);
    });
  });

  describe('resolve', () => {
    it.each<[string | undefined, string, string | undefined]>([
      ['api.example.com', '/v1/users', 'exact'],
      ['API.example.com:8080', '/v1', 'exact'],
      ['api.example.com.', '/v1', 'exact'],
      ['api.example.com', '/v10', 'wildcard'],
      ['www.example.com', '/v1', 'wildcard'],
      ['example.com', '/', 'any'],
      ['[::1]:8080', '/', 'any'],
      [undefined, '/', 'any'],
      ['', '/', 'any'],
      ['bad host', '/', 'any'],
    ])('%j %s → %s', (hostHeader, path, expected) => {
      routing.register(new FakeBackend('exact'), { host: 'api.example.com', path: '/v1' });
      routing.register(new FakeBackend('wildcard'), { host: '*.example.com', path: '/' });
      routing.register(new FakeBackend('any'), { host: '*', path: '/' });
      expect(routing.resolve(hostHeader, path)?.backend?.id).toBe(expected);
    });

    it('answers undefined when no route matches', () => {
      routing.register(new FakeBackend('b1'), { host: 'api.example.com', path: '/v1' });
      expect(routing.resolve('api.example.com', '/v2')).toBeUndefined();
      expect(routing.resolve(undefined, '/v1')).toBeUndefined();
    });

    it('balances round-robin and skips backends that are not accepting streams', () => {
      const backends = ['b1', 'b2', 'b3'].map((id) => new FakeBackend(id));
      for (const backend of backends) routing.register(backend, { host: 'api.example.com', path: '/' });
      const next = () => routing.resolve('api.example.com', '/')?.backend?.id;
      expect([next(), next(), next(), next()]).toEqual(['b1', 'b2', 'b3', 'b1']);
      backends[2]!.accepting = false;
      expect([next(), next(), next()]).toEqual(['b2', 'b1', 'b2']);
    });

    it('gives the pool without a backend when the route exists but nobody accepts (503)', () => {
      const backend = new FakeBackend('b1');
      routing.register(backend, { host: 'api.example.com', path: '/' });
      backend.accepting = false;
      const resolution = routing.resolve('api.example.com', '/x');
      expect(resolution).toBeDefined();
      expect(resolution!.backend).toBeUndefined();
      expect(resolution!.pool.host).toBe('api.example.com');
    });
  });

  describe('unregister', () => {
    it('removes one route by any spelling and releases it to other keys', () => {
      const backend = new FakeBackend('b1', 'key-a');
      routing.register(backend, { host: 'api.example.com', path: '/api' });
      expect(routing.unregister(backend, { host: 'API.example.com:80', path: '/api/' })).toBe(true);
      expect(routing.unregister(backend, { host: 'api.example.com', path: '/api' })).toBe(false);
      expect(routing.routeCount).toBe(0);
      expect(routing.register(new FakeBackend('b2', 'key-b'), { host: 'api.example.com', path: '/api' }).ok).toBe(true);
    });

    it('answers false for an invalid route instead of throwing', () => {
      expect(routing.unregister(new FakeBackend('b1'), { host: 'bad host', path: '/' })).toBe(false);
      expect(routing.unregister(new FakeBackend('b1'), { host: 'example.com', path: 'nope' })).toBe(false);
    });

    it('unregisterAll removes a backend from every route and reports them', () => {
      const [gone, stays] = [new FakeBackend('gone'), new FakeBackend('stays')];
      routing.register(gone, { host: 'a.example.com', path: '/' });
      routing.register(gone, { host: '*.example.com', path: '/x' });
      routing.register(stays, { host: 'a.example.com', path: '/' });
      const removed = routing.unregisterAll(gone);
      expect(removed).toEqual(
        expect.arrayContaining([
          { host: 'a.example.com', path: '/' },
          { host: '*.example.com', path: '/x' },
        ]),
      );
      expect(removed).toHaveLength(2);
      expect(routing.routeCount).toBe(1);
      expect(routing.resolve('a.example.com', '/x')?.backend).toBe(stays);
      expect(routing.unregisterAll(gone)).toEqual([]);
    });
  });
  describe('balancing and health', () => {
    const route = { host: 'api.example.com', path: '/' };
    const next = (fields?: Record<string, string>) => routing.resolve('api.example.com', '/', fields)?.backend?.id;
    const ids = (times: number, fields?: Record<string, string>) => Array.from({ length: times }, () => next(fields)).join(' ');

    it('shares by weight in round robin', () => {
      routing.register(new FakeBackend('b1', 'key-a', 3), route);
      routing.register(new FakeBackend('b2', 'key-a', 1), route);
      expect(ids(8)).toBe('b1 b1 b2 b1 b1 b1 b2 b1');
    });

    it('least-requests sends to the idle member', () => {
      const [busy, idle] = [new FakeBackend('busy'), new FakeBackend('idle')];
      busy.open = 4;
      routing.register(busy, route, { balance: 'least-requests' });
      routing.register(idle, route, { balance: 'least-requests' });
      expect(ids(5)).toBe('idle idle idle idle idle');
    });

    it("the latest registration's balancing wins", () => {
      const [busy, idle] = [new FakeBackend('busy'), new FakeBackend('idle')];
      busy.open = 4;
      routing.register(busy, route, { balance: 'least-requests' });
      routing.register(idle, route, {});
      expect(routing.routes()[0]!.options).toEqual({});
      expect(ids(4)).toBe('busy idle busy idle');
    });

    it('sticky by header keeps a value on one member; without the value it balances', () => {
      for (const id of ['b1', 'b2', 'b3']) routing.register(new FakeBackend(id), route, { sticky: { header: 'x-user' } });
      const alice = next({ 'x-user': 'alice' });
      expect(ids(5, { 'x-user': 'alice' })).toBe(Array(5).fill(alice).join(' '));
      expect(new Set(ids(3).split(' ')).size).toBe(3);
    });

    it('ejects a member after five failures, logs the change and passes it over', () => {
      const [sick, well] = [new FakeBackend('sick'), new FakeBackend('well')];
      routing.register(sick, route);
      routing.register(well, route);
      const changes: unknown[] = [];
      routing.healthEvents.on('change', (event) => changes.push(event));
      for (let i = 0; i < 4; i++) routing.recordOutcome(route, 'sick', 'failure');
      expect(routing.memberHealth(route, sick)).toEqual({ state: 'healthy', ejectedUntil: undefined, failures: 4 });
      routing.recordOutcome(route, 'sick', 'failure');
      expect(changes).toEqual([
        { kind: 'ejected', route, memberId: 'sick', untilMs: expect.any(Number), backoffMs: 5000, failures: 5 },
      ]);
      expect(routing.memberHealth(route, sick)).toMatchObject({ state: 'ejected', failures: 5 });
      expect(routing.memberHealth(route, well)).toEqual({ state: 'healthy', ejectedUntil: undefined, failures: 0 });
      expect(ids(4)).toBe('well well well well');
    });

    it('ignores outcomes for routes and members it does not know', () => {
      routing.register(new FakeBackend('b1'), route);
      expect(() => routing.recordOutcome({ host: 'other.example.com', path: '/' }, 'b1', 'failure')).not.toThrow();
      expect(() => routing.recordOutcome(route, 'nobody', 'failure')).not.toThrow();
      expect(routing.memberHealth(route, new FakeBackend('nobody'))).toBeUndefined();
    });

    it('finds the exact pool of a wildcard or any-host route, not a longer match', () => {
      const [wild, any] = [new FakeBackend('wild'), new FakeBackend('any')];
      routing.register(wild, { host: '*.example.com', path: '/' });
      routing.register(any, { host: '*', path: '/x' });
      routing.register(new FakeBackend('deeper'), { host: '*', path: '/x/y' });
      for (let i = 0; i < 5; i++) routing.recordOutcome({ host: '*.example.com', path: '/' }, 'wild', 'failure');
      for (let i = 0; i < 5; i++) routing.recordOutcome({ host: '*', path: '/x' }, 'any', 'failure');
      expect(routing.memberHealth({ host: '*.example.com', path: '/' }, wild)?.state).toBe('ejected');
      expect(routing.memberHealth({ host: '*', path: '/x' }, any)?.state).toBe('ejected');
      expect(routing.memberHealth({ host: '*', path: '/x/y' }, any)).toBeUndefined();
    });
  });

  describe('for observers of the table (cluster mode)', () => {
    it('reports every route that gains or loses a member', () => {
      const changed: string[] = [];
      routing.changes.on('changed', (route) => changed.push(`${route.host}${route.path}`));
      const a = new FakeBackend('a');
      routing.register(a, { host: 'API.example.com', path: '/v1' });
      routing.register(a, { host: 'b.example', path: '/' });
      routing.register(new FakeBackend('x', 'key-b'), { host: 'b.example', path: '/' }); // refused: not a change
      routing.unregister(a, { host: 'api.example.com', path: '/v1' });
      routing.unregister(a, { host: 'nothing.example', path: '/' }); // not there: not a change
      routing.unregisterAll(a);
      expect(changed).toEqual(['api.example.com/v1', 'b.example/', 'api.example.com/v1', 'b.example/']);
    });

    it('refuses a route that another node holds for another key', () => {
      const asked: string[] = [];
      routing.foreignOwner = (route, keyId) => {
        asked.push(`${route.host}${route.path} ${keyId}`);
        return route.host === 'shop.example' && keyId !== 'key-a' ? 'key-a' : undefined;
      };
      expect(routing.register(new FakeBackend('b', 'key-b'), { host: 'SHOP.example', path: '/' })).toMatchObject({ ok: false, code: 'route_owned' });
      expect(routing.register(new FakeBackend('a', 'key-a'), { host: 'shop.example', path: '/' })).toMatchObject({ ok: true });
      expect(asked).toEqual(['shop.example/ key-b', 'shop.example/ key-a']);
      expect(routing.routeCount).toBe(1);
    });
  });
});

// The routing service's side of the route grace across nodes (docs/cluster.md): a route vacant in
// the cluster is matched, its requests wait, and they route again when it may be served.

/** Other nodes' routes as a test sets them: one match for every request. */
class FakeRemote implements RemoteRoutes {
  current: RemoteMatch | undefined;
  readonly failures: Array<[string, Route | undefined]> = [];
  match(): RemoteMatch | undefined {
    return this.current;
  }
  failed(nodeId: string, route: Route | undefined): void {
    this.failures.push([nodeId, route]);
  }
}

describe('RoutingService in a cluster: routes vacant on every node', () => {
  let moduleRef: TestingModule;
  let routing: RoutingService;
  let remote: FakeRemote;
  const route = { host: '*', path: '/' };
  const vacant = (ms: number): RemoteMatch => ({ route, nodes: [], vacantUntil: Date.now() + ms });

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [HarpConfigModule.forRoot({ overrides: { maxHeldRequestsPerRoute: 2 } }), RoutingModule],
    }).compile();
    routing = moduleRef.get(RoutingService);
    remote = new FakeRemote();
    routing.remote = remote;
  });

  afterEach(() => moduleRef.close());

  it('matches a vacant remote route for a request no local route takes', () => {
    remote.current = vacant(1000);
    expect(routing.remoteFor('a.example', '/x', undefined)?.nodes).toEqual([]);
    routing.register(new FakeBackend('local'), route);
    expect(routing.remoteFor('a.example', '/x', routing.resolve('a.example', '/x'))).toBeUndefined();
  });

  it('wakes the waiting requests when a member registers here, or the route comes back', async () => {
    const first = routing.holdRemote(vacant(10_000), 10_000)!;
    expect(routing.heldTotal).toBe(1);
    routing.register(new FakeBackend('local'), route);
    expect(await first.member).toBe(true);
    const second = routing.holdRemote(vacant(10_000), 10_000)!;
    routing.remoteReturned();
    expect(await second.member).toBe(true);
    expect(routing.heldTotal).toBe(0);
  });

  it('holds no longer than the grace, and no more than the limit', async () => {
    expect(routing.holdRemote(vacant(0), 10_000)).toBeUndefined();
    const short = routing.holdRemote(vacant(30), 10_000)!;
    expect(await short.member).toBeUndefined();
    routing.holdRemote(vacant(10_000), 10_000);
    routing.holdRemote(vacant(10_000), 10_000);
    expect(routing.holdRemote(vacant(10_000), 10_000)).toBeUndefined();
  });

  it('passes on what requests found out about a node', () => {
    routing.remoteFailed('node-b', undefined);
    routing.remoteFailed('node-c', route);
    expect(remote.failures).toEqual([
      ['node-b', undefined],
      ['node-c', route],
    ]);
  });
});
