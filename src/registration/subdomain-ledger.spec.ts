import { SubdomainLedger } from './subdomain-ledger.js';
import type { SharedSubdomains } from './subdomain-ledger.js';

describe('SubdomainLedger', () => {
  let now = 0;
  const ledgers: SubdomainLedger[] = [];
  const ledger = (holdMs = 1000): SubdomainLedger => {
    const made = new SubdomainLedger(holdMs, () => now);
    ledgers.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of ledgers.splice(0)) made.close();
    now = 0;
  });

  it('lets one key join a name, and refuses it to another', async () => {
    const names = ledger();
    expect(await names.claim('demo', 'a', 'join', 's1')).toEqual({ ok: true });
    expect(await names.claim('demo', 'a', 'join', 's2')).toEqual({ ok: true });
    expect(await names.claim('demo', 'b', 'join', 's3')).toEqual({ ok: false, owner: 'a' });
  });

  it('gives a new name only if nobody holds it, the same key included', async () => {
    const names = ledger();
    expect(await names.claim('brave-otter-222222', 'a', 'new', 's1')).toEqual({ ok: true });
    expect(await names.claim('brave-otter-222222', 'a', 'new', 's2')).toEqual({ ok: false, owner: 'a' });
  });

  it('holds a released name for its key for holdMs, then frees it', async () => {
    const names = ledger(1000);
    await names.claim('demo', 'a', 'join', 's1');
    await names.claim('demo', 'a', 'join', 's2');
    names.release('demo', 's1');
    now = 5000;
    expect(names.ownerOf('demo')).toBe('a'); // s2 still serves it
    names.release('demo', 's2');
    now = 5999;
    expect(await names.claim('demo', 'b', 'join', 's3')).toEqual({ ok: false, owner: 'a' });
    now = 6000;
    expect(names.ownerOf('demo')).toBeUndefined();
    expect(await names.claim('demo', 'b', 'join', 's3')).toEqual({ ok: true });
  });

  it('asks the cluster, and takes its refusal or its silence for an answer', async () => {
    const names = ledger();
    const asked: string[] = [];
    let answer: SharedSubdomains['claimSubdomain'] = async (name, keyId, mode) => {
      asked.push(`${name} ${keyId} ${mode}`);
      return { granted: name !== 'taken', owner: name === 'taken' ? 'z' : keyId };
    };
    names.shared = { claimSubdomain: (...args) => answer(...args) };
    expect(await names.claim('free', 'a', 'new', 's1')).toEqual({ ok: true });
    expect(await names.claim('taken', 'a', 'join', 's1')).toEqual({ ok: false, owner: 'z' });
    expect(asked).toEqual(['free a new', 'taken a join']);
    answer = () => Promise.reject(new Error('down'));
    expect(await names.claim('other', 'a', 'join', 's1')).toEqual({ ok: false, unavailable: 'the cluster directory did not answer (down)' });
  });
});
