/**
 * Who holds which subdomain, so that no two keys serve one name and a name outlives its agent's
 * connection for a while (docs/configuration.md, "Subdomains"). In memory for this node; in
 * cluster mode each claim also goes through {@link SharedSubdomains}, an atomic check-and-set in
 * Redis, so that two nodes never hand one generated name to two agents.
 */

/** How a name is claimed: `new` only if nobody holds it (a fresh generated name), `join` if nobody or the same key does. */
export type SubdomainClaimMode = 'new' | 'join';

/** The cluster's view of names: one atomic claim that also sets the name's hold to `holdMs`. */
export interface SharedSubdomains {
  claimSubdomain(name: string, keyId: string, mode: SubdomainClaimMode, holdMs: number): Promise<{ granted: boolean; owner: string }>;
}

/** The outcome of a claim: held now, or held by `owner` (a key id), or undecidable (the cluster did not answer). */
export type LedgerOutcome = { readonly ok: true } | { readonly ok: false; readonly owner: string } | { readonly ok: false; readonly unavailable: string };

interface Entry {
  keyId: string;
  /** Sessions (by id) serving a route on the name. */
  readonly holders: Set<string>;
  /** When the last holder left; the name is free again `holdMs` later. */
  releasedAt?: number;
}

/**
 * How long a name stays with its key after its last agent left: 10 minutes, time enough for a
 * laptop to wake up or a proxy to restart. The reconnect token gives it back meanwhile.
 */
export const SUBDOMAIN_HOLD_MS = 10 * 60 * 1000;

export class SubdomainLedger {
  /** Set in cluster mode (`cluster-node.ts`). */
  shared?: SharedSubdomains;
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly holdMs = SUBDOMAIN_HOLD_MS,
    private readonly now: () => number = Date.now,
  ) {
    // Names in use are kept alive in the cluster; released ones are swept here.
    this.#timer = setInterval(() => this.#tick(), Math.max(1000, Math.floor(holdMs / 3)));
    this.#timer.unref();
  }

  /** The key holding `name` now (in use or within its hold), as this node knows it. */
  ownerOf(name: string): string | undefined {
    return this.#live(name)?.keyId;
  }

  /** Claims `name` for session `holder` of key `keyId`. */
  async claim(name: string, keyId: string, mode: SubdomainClaimMode, holder: string): Promise<LedgerOutcome> {
    const local = this.#refusal(name, keyId, mode);
    if (local) return local;
    if (this.shared) {
      let answer: { granted: boolean; owner: string };
      try {
        answer = await this.shared.claimSubdomain(name, keyId, mode, this.holdMs);
      } catch (error) {
        return { ok: false, unavailable: `the cluster directory did not answer (${(error as Error).message})` };
      }
      if (!answer.granted) return { ok: false, owner: answer.owner };
      // Another claim on this node may have won the name while the cluster answered.
      const late = this.#refusal(name, keyId, mode === 'new' ? 'join' : mode);
      if (late) return late;
    }
    const entry = this.#live(name) ?? { keyId, holders: new Set<string>() };
    entry.holders.add(holder);
    entry.releasedAt = undefined;
    this.#entries.set(name, entry);
    return { ok: true };
  }

  /** Session `holder` no longer serves a route on `name`; once none does, the hold starts. */
  release(name: string, holder: string): void {
    const entry = this.#entries.get(name);
    if (!entry || !entry.holders.delete(holder) || entry.holders.size > 0) return;
    entry.releasedAt = this.now();
    // The hold starts now in the cluster too (best effort: Redis may be away).
    this.shared?.claimSubdomain(name, entry.keyId, 'join', this.holdMs).catch(() => undefined);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #refusal(name: string, keyId: string, mode: SubdomainClaimMode): LedgerOutcome | undefined {
    const entry = this.#live(name);
    if (entry === undefined) return undefined;
    if (entry.keyId !== keyId || mode === 'new') return { ok: false, owner: entry.keyId };
    return undefined;
  }

  #live(name: string): Entry | undefined {
    const entry = this.#entries.get(name);
    if (entry?.releasedAt !== undefined && this.now() - entry.releasedAt >= this.holdMs) {
      this.#entries.delete(name);
      return undefined;
    }
    return entry;
  }

  #tick(): void {
    for (const [name, entry] of this.#entries) {
      if (entry.releasedAt === undefined) this.shared?.claimSubdomain(name, entry.keyId, 'join', this.holdMs).catch(() => undefined);
      else this.#live(name);
    }
  }
}
