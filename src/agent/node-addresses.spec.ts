import { BY_NAME, connectionTargets, netLookup, pinnedLookup, resolvableHost, targetChanges } from './node-addresses.js';

const v4 = (address: string) => ({ address, family: 4 });
const v6 = (address: string) => ({ address, family: 6 });

describe('resolvableHost', () => {
  it.each<[string, string | undefined]>([
    ['ws://proxy.example.com:8080/_harp/connect', 'proxy.example.com'],
    ['wss://Proxy.Example.com/_harp/connect', 'proxy.example.com'],
    ['ws://localhost:8080/_harp/connect', 'localhost'],
    ['ws://127.0.0.1:8080/_harp/connect', undefined],
    ['ws://[::1]:8080/_harp/connect', undefined],
  ])('%s → %s', (url, host) => {
    expect(resolvableHost(url)).toBe(host);
  });
});

describe('connectionTargets: which connections a lookup asks for', () => {
  it.each<[string, Parameters<typeof connectionTargets>[0], string[], string[]]>([
    ['several addresses: one each', [v4('10.0.0.1'), v4('10.0.0.2'), v4('10.0.0.3')], [], ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
    ['one address: by name, as without resolving', [v4('10.0.0.1')], [], [BY_NAME]],
    ['one IPv4 and one IPv6 address (localhost): one host, by name', [v6('::1'), v4('127.0.0.1')], [], [BY_NAME]],
    ['the first answer’s family only', [v4('10.0.0.1'), v6('fd00::1'), v4('10.0.0.2'), v6('fd00::2')], [], ['10.0.0.1', '10.0.0.2']],
    ['an address listed twice counts once', [v4('10.0.0.1'), v4('10.0.0.1')], [], [BY_NAME]],
    ['no answer at all: by name', [], [], [BY_NAME]],
    ['a failed lookup keeps what is there', undefined, ['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.2']],
    ['a failed first lookup dials by name', undefined, [], [BY_NAME]],
  ])('%s', (_name, answers, current, expected) => {
    expect(connectionTargets(answers, current)).toEqual(expected);
  });
});

describe('targetChanges', () => {
  it.each<[string, string[], string[], { open: string[]; close: string[] }]>([
    ['a new address opens', ['a', 'b'], ['a', 'b', 'c'], { open: ['c'], close: [] }],
    ['a gone address closes', ['a', 'b', 'c'], ['a', 'c'], { open: [], close: ['b'] }],
    ['from by name to several addresses', [BY_NAME], ['a', 'b'], { open: ['a', 'b'], close: [BY_NAME] }],
    ['from several addresses to one: by name', ['a', 'b'], [BY_NAME], { open: [BY_NAME], close: ['a', 'b'] }],
    ['nothing changed', ['a', 'b'], ['b', 'a'], { open: [], close: [] }],
  ])('%s', (_name, current, wanted, expected) => {
    expect(targetChanges(current, wanted)).toEqual(expected);
  });
});

describe('the lookups handed to net.connect', () => {
  const ask = (lookup: ReturnType<typeof pinnedLookup>, all: boolean) =>
    new Promise<unknown[]>((resolve) => lookup('proxy.example.com', { all }, (...args) => resolve(args)));

  it('a pinned lookup answers its address in both forms', async () => {
    expect(await ask(pinnedLookup('10.0.0.2'), false)).toEqual([null, '10.0.0.2', 4]);
    expect(await ask(pinnedLookup('fd00::2'), true)).toEqual([null, [{ address: 'fd00::2', family: 6 }]]);
  });

  it('a lookup by name asks the given lookup each time', async () => {
    const names: string[] = [];
    const lookup = netLookup(async (hostname) => (names.push(hostname), [v4('10.0.0.7'), v4('10.0.0.8')]));
    expect(await ask(lookup, false)).toEqual([null, '10.0.0.7', 4]);
    expect(await ask(lookup, true)).toEqual([null, [v4('10.0.0.7'), v4('10.0.0.8')]]);
    expect(names).toEqual(['proxy.example.com', 'proxy.example.com']);
  });

  it('a lookup by name passes a failure on', async () => {
    const failure = Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    const [error] = await ask(netLookup(() => Promise.reject(failure)), false);
    expect(error).toBe(failure);
    const [empty] = await ask(netLookup(async () => []), false);
    expect(empty).toMatchObject({ code: 'ENOTFOUND' });
  });
});
