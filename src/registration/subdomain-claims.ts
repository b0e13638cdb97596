import { randomBytes, createHmac } from 'node:crypto';
import type { HarpConfig, KeyRule } from '../config/index.js';
import { parseRouteTtl } from '../protocol/index.js';
import type { RegisterRouteClaim, RouteRejection } from '../protocol/index.js';
import { isGeneratedName, randomSubdomain } from './random-subdomain.js';
import type { RandomSource } from './random-subdomain.js';
import { signReconnectToken, verifyReconnectToken } from './reconnect-token.js';
import { SubdomainLedger } from './subdomain-ledger.js';
import type { LedgerOutcome } from './subdomain-ledger.js';
import { RANDOM_SUBDOMAIN, subdomainHost, subdomainOf, subdomainProblem } from './subdomain-rules.js';

/**
 * How long a reconnect token for a route without `ttl` stays valid: a day from its issue, renewed
 * at every registration. A route with `ttl` gets a token until its end.
 */
export const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;
/** Draws before giving up on a fresh name: with 2⁴⁴ names, a second draw is already rare. */
const DRAWS = 5;

/** A register route turned into a host: what the route table gets and what the agent is told. */
export interface ResolvedClaim {
  readonly host: string;
  /** The subdomain held, when the host is one under the public domain. */
  readonly name?: string;
  /** A fresh reconnect token, for a generated name. */
  readonly token?: string;
}

type Resolution = { readonly ok: true; readonly claim: ResolvedClaim } | { readonly ok: false; readonly rejection: RouteRejection };

/**
 * Turns subdomain claims into hosts under the public domain, and guards hosts there however they
 * are asked for (docs/protocol.md §7.6): names are DNS labels and not reserved, `random` draws a
 * fresh name no one holds (in the cluster too) or gives a token's name back, and a name held by
 * another key is `route_owned`.
 */
export class SubdomainClaims {
  readonly ledger: SubdomainLedger;
  readonly #domain: string | undefined;
  readonly #secret: string;
  /** Where generated names come from: the CSPRNG; tests replace it to force a collision. */
  random: RandomSource = randomBytes;
  /** Whether tokens stay valid across a restart (a configured secret). */
  readonly tokensLast: boolean;

  constructor(
    config: Pick<HarpConfig, 'publicDomain' | 'reconnectSecret' | 'clusterSecret' | 'key' | 'generatedKey'>,
    private readonly now: () => number = Date.now,
    ledger = new SubdomainLedger(),
  ) {
    this.#domain = config.publicDomain;
    const { secret, lasting } = reconnectSecretOf(config);
    this.#secret = secret;
    this.tokensLast = lasting;
    this.ledger = ledger;
  }

  /** Resolves `claim` for the session `holder` of key `rule`; a held name is the holder's until {@link release}. */
  async resolve(claim: RegisterRouteClaim, rule: KeyRule, holder: string): Promise<Resolution> {
    const path = claim.path;
    const refuse = (code: string, reason: string, host = ''): Resolution => ({
      ok: false,
      rejection: { host, path, code, reason, ...(claim.subdomain === undefined ? {} : { subdomain: claim.subdomain }) },
    });
    if (claim.host !== undefined) return this.#host(claim.host, rule, holder, refuse);
    const asked = claim.subdomain!;
    if (this.#domain === undefined) return refuse('subdomain_unavailable', 'this proxy has no public domain for subdomains (publicDomain)');
    if (rule.subdomains !== true) return refuse('subdomain_forbidden', `key "${rule.id}" may not claim subdomains`);
    if (asked === RANDOM_SUBDOMAIN) return this.#random(claim, rule, holder, refuse);
    const problem = subdomainProblem(asked);
    if (problem) return refuse(problem.code, problem.reason);
    if (isGeneratedName(asked)) return refuse('subdomain_reserved', `"${asked}" has the form of a generated name, which only random gives out`);
    return this.#held(asked, await this.ledger.claim(asked, rule.id, 'join', holder), refuse);
  }

  /** Session `holder` gave up its route on `name`. */
  release(name: string, holder: string): void {
    this.ledger.release(name, holder);
  }

  close(): void {
    this.ledger.close();
  }

  // A host under the public domain is a subdomain, asked for by its host: same ownership, and
  // generated names stay out of reach. Other hosts pass through untouched.
  async #host(host: string, rule: KeyRule, holder: string, refuse: (code: string, reason: string, host?: string) => Resolution): Promise<Resolution> {
    const name = this.#domain === undefined ? undefined : subdomainOf(host, this.#domain);
    if (name === undefined) return { ok: true, claim: { host } };
    if (isGeneratedName(name)) return refuse('subdomain_reserved', `${host} is a generated name, which only random gives out`, host);
    return this.#held(name, await this.ledger.claim(name, rule.id, 'join', holder), refuse);
  }

  async #random(claim: RegisterRouteClaim, rule: KeyRule, holder: string, refuse: (code: string, reason: string) => Resolution): Promise<Resolution> {
    const expiresAt = this.now() + (claim.ttl === undefined ? TOKEN_LIFETIME_MS : parseRouteTtl(claim.ttl)!);
    const given = (name: string): Resolution => ({
      ok: true,
      claim: { host: subdomainHost(name, this.#domain!), name, token: signReconnectToken(this.#secret, name, rule.id, expiresAt) },
    });
    // A token that no longer holds (expired, another secret) gets a fresh name: the answer's URL says which.
    const check = claim.token === undefined ? undefined : verifyReconnectToken(this.#secret, claim.token, rule.id, this.now());
    if (check?.ok && (await this.ledger.claim(check.name, rule.id, 'join', holder)).ok) return given(check.name);
    for (let draw = 0; draw < DRAWS; draw++) {
      const name = randomSubdomain(this.random);
      const outcome = await this.ledger.claim(name, rule.id, 'new', holder);
      if (outcome.ok) return given(name);
      if ('unavailable' in outcome) return refuse('subdomain_unavailable', outcome.unavailable);
    }
    return refuse('subdomain_unavailable', `no free name in ${DRAWS} draws`);
  }

  #held(name: string, outcome: LedgerOutcome, refuse: (code: string, reason: string, host?: string) => Resolution): Resolution {
    const host = subdomainHost(name, this.#domain!);
    if (outcome.ok) return { ok: true, claim: { host, name } };
    if ('unavailable' in outcome) return refuse('subdomain_unavailable', outcome.unavailable, host);
    return refuse('route_owned', `${host} is held by another key`, host);
  }
}

/**
 * The secret of reconnect tokens and whether it survives a restart: `reconnectSecret`, else the
 * cluster secret (every node has it), else one derived from the configured `key`, else random.
 */
export function reconnectSecretOf(
  config: Pick<HarpConfig, 'reconnectSecret' | 'clusterSecret' | 'key' | 'generatedKey'>,
): { secret: string; lasting: boolean } {
  if (config.reconnectSecret !== undefined) return { secret: config.reconnectSecret, lasting: true };
  if (config.clusterSecret !== undefined) return { secret: config.clusterSecret, lasting: true };
  if (config.key !== undefined && !config.generatedKey) {
    return { secret: createHmac('sha256', config.key).update('harp reconnect secret').digest('base64url'), lasting: true };
  }
  return { secret: randomBytes(32).toString('base64url'), lasting: false };
}

/** Why a ttl text is refused would be a protocol error; the schema has checked it already. */
export const ttlMsOf = (claim: RegisterRouteClaim): number | undefined => (claim.ttl === undefined ? undefined : parseRouteTtl(claim.ttl));
