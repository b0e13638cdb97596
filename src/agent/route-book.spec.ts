import { RouteBook } from './route-book.js';

describe('RouteBook', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('claims a subdomain instead of a host, and defaults host * and path /', () => {
    const book = new RouteBook([{ subdomain: 'demo', ttl: '30m' }, {}], {}, clock);
    expect(book.plan().claims).toEqual([{ subdomain: 'demo', path: '/', ttl: '30m' }, { host: '*', path: '/' }]);
    expect(book.needsSubdomains).toBe(true);
    expect(new RouteBook(undefined, {}, clock).plan().claims).toEqual([{ host: '*', path: '/' }]);
  });

  it('presents the latest token of a generated name, and a given one before any answer', () => {
    const book = new RouteBook([{ subdomain: 'random', token: 'v1.old' }, { subdomain: 'demo' }], {}, clock);
    const first = book.plan();
    expect(first.claims[0]).toEqual({ subdomain: 'random', path: '/', token: 'v1.old' });
    book.accepted(first, [
      { host: 'demo.t', path: '/', subdomain: 'demo' },
      { host: 'brave-otter-222222.t', path: '/', subdomain: 'random', token: 'v1.new' },
    ]);
    expect(book.plan().claims[0]).toEqual({ subdomain: 'random', path: '/', token: 'v1.new' });
    expect(book.plan().claims[1]).toEqual({ subdomain: 'demo', path: '/' });
  });

  it('asks a reconnect only for what is left of a ttl, and ends a route whose ttl ran out unheard', () => {
    const book = new RouteBook([{ host: 'a.example', ttl: '1m' }, { host: 'b.example' }], {}, clock);
    const plan = book.plan();
    book.accepted(plan, [{ host: 'a.example', path: '/', ttlMs: 60_000 }, { host: 'b.example', path: '/' }]);
    now += 20_500;
    expect(book.plan().claims[0]).toEqual({ host: 'a.example', path: '/', ttl: '40s' });
    // A second proxy's answer does not restart the clock.
    book.accepted(book.plan(), [{ host: 'a.example', path: '/', ttlMs: 39_500 }]);
    now += 40_000;
    const late = book.plan();
    expect(late.lapsed).toEqual([{ host: 'a.example', path: '/' }]);
    expect(late.claims).toEqual([{ host: 'b.example', path: '/' }]);
    expect(book.allExpired).toBe(false);
  });

  it('registers an expired route no more, and knows when every route has ended', () => {
    const book = new RouteBook([{ subdomain: 'demo', ttl: '1s' }], {}, clock);
    book.accepted(book.plan(), [{ host: 'demo.t', path: '/', subdomain: 'demo', ttlMs: 1000 }]);
    book.expired([{ host: 'other.t', path: '/' }]);
    expect(book.allExpired).toBe(false);
    book.expired([{ host: 'demo.t', path: '/' }]);
    expect(book.allExpired).toBe(true);
    expect(book.plan().claims).toEqual([]);
  });
});
