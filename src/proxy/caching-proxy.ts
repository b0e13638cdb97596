import { Injectable, Logger } from '@nestjs/common';
import {
  applyRevalidation,
  cacheKey,
  clientHasCurrent,
  createCachedResponse,
  currentAge,
  decide,
  formatCacheStatus,
  freshnessTtl,
  hitFields,
  HttpCacheStore,
  invalidate,
  invalidatedKeys,
  lookupBypass,
  lookupVariant,
  lookupVariantNow,
  MissCoalescer,
  notModifiedFields,
  offlineVerdict,
  rangeAnswer,
  staleIfError,
  storageVerdict,
  storeVariant,
  UncacheableMemo,
} from '../cache/index.js';
import type {
  CacheDecision,
  CachedResponse,
  CacheRequest,
  CacheStatus,
  ConditionalFields,
  ForwardReason,
  NotStoredReason,
  VariantLookup,
} from '../cache/index.js';
import { HarpConfig } from '../config/index.js';
import { fetchFromBackend } from './background-fetch.js';
import type { CacheFill, CacheLookup, CacheMiss, CacheRevalidation, CachedForward, OfflineRequest, PostResponse } from './cache-lookup.js';
import { FillTap } from './fill-tap.js';
import { ProxyError, type ProxyErrorCode } from './proxy-errors.js';
import { sendErrorPage } from './error-page.js';
import type { ExchangeObserver, HeadDirective } from './exchange-observer.js';
import type { ResponseHead } from '../protocol/index.js';
import { declaredLength } from '../http/response-length.js';

// On a miss the cache fetches the whole response to store it; the client's own validators are
// answered from the stored response afterwards, not passed on to select a 304 it can't store.
const CLIENT_CONDITIONALS: ConditionalFields = {
  remove: new Set(['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range']),
  add: [],
};

const statusFields = (status: CacheStatus): string[] => ['Cache-Status', formatCacheStatus(status)];

// A forward's `Cache-Status` with no ttl, stored or status parameter is one of a few values:
// formatted once each, not twice per request (error fields and response fields).
const FORWARD_FIELDS = { plain: new Map<ForwardReason, readonly string[]>(), collapsed: new Map<ForwardReason, readonly string[]>(), alone: new Map<ForwardReason, readonly string[]>() };

/** `statusFields({ fwd, collapsed })`, shared (never to be changed). */
function forwardFields(fwd: ForwardReason, collapsed?: boolean): readonly string[] {
  const memo = collapsed === undefined ? FORWARD_FIELDS.plain : collapsed ? FORWARD_FIELDS.collapsed : FORWARD_FIELDS.alone;
  let fields = memo.get(fwd);
  if (fields === undefined) memo.set(fwd, (fields = Object.freeze(statusFields({ fwd, collapsed }))));
  return fields;
}

/** What a URL the uncacheable memo holds is treated as: nothing stored for it. */
const URI_MISS: VariantLookup = Object.freeze({ miss: 'uri-miss' });

/** How long a URL whose response could not be stored skips the lookup. */
const UNCACHEABLE_MEMO_MS = 10_000;

/** Reasons that belong to the response itself, not to the request that fetched it. */
const INTRINSIC: ReadonlySet<NotStoredReason> = new Set<NotStoredReason>([
  'no-freshness',
  'no-store',
  'private',
  'set-cookie',
  'vary-star',
  'vary-per-client',
  'not-cacheable',
]);

/**
 * Failures that mean the origin could not be reached (RFC 9111 §4.2.4, "disconnected"): the
 * agent left, refused, could not reach its upstream, or did not answer in time. A backend that
 * answered badly (`bad_response`) was reached.
 */
const UNREACHABLE: ReadonlySet<ProxyErrorCode> = new Set<ProxyErrorCode>(['agent_gone', 'agent_refused', 'upstream_error', 'timeout']);

/** The exchange report's `cache` outcome of a stale response served because no backend could answer. */
export const STALE_OFFLINE = 'stale-offline';

/**
 * A request whose own fields do not shape what may be stored or served (no Cache-Control,
 * Authorization or Range): only such requests teach, or use, the uncacheable memo.
 */
function plainRequest(request: CacheRequest): boolean {
  const h = request.headers;
  return h['cache-control'] === undefined && h.authorization === undefined && h.range === undefined && h.pragma === undefined;
}

/** A GET for a part of the resource (RFC 9110 §14.2): Range is honoured for GET only. */
function rangedGet(request: CacheRequest): boolean {
  return request.method === 'GET' && request.headers.range !== undefined;
}

/**
 * The request as the cache makes it when it refreshes the stored response for a ranged GET: for
 * the whole response (`conditionalFields` leaves Range and If-Range out of what is forwarded),
 * so that the answer may be stored; the client's part is then cut from it.
 */
function wholeRequest(request: CacheRequest): CacheRequest {
  if (request.headers.range === undefined) return request;
  const { range: _range, 'if-range': _ifRange, ...headers } = request.headers;
  return { method: request.method, headers };
}

/**
 * The proxy path through the shared cache (RFC 9111): hits answered without the backend, misses
 * collapsed and stored while they stream to the first client, stale entries revalidated (in the
 * background for `stale-while-revalidate`, RFC 5861) or served when the backend fails
 * (`stale-if-error`), and unsafe methods invalidating what they changed. Every response gets a
 * `Cache-Status` (RFC 9211).
 */
@Injectable()
export class CachingProxy {
  private readonly logger = new Logger('Cache');
  private readonly maxObjectBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly offlineMaxStaleMs: number;
  private readonly revalidating = new Set<string>();
  private readonly uncacheable = new UncacheableMemo(UNCACHEABLE_MEMO_MS);

  /** {@link fill}, for the miss observers: one function for every request. */
  private readonly filler: Filler = (fill) => this.fill(fill);

  constructor(
    private readonly store: HttpCacheStore,
    private readonly coalescer: MissCoalescer,
    config: HarpConfig,
  ) {
    this.maxObjectBytes = config.cacheMaxObjectBytes;
    this.requestTimeoutMs = config.requestTimeoutMs;
    this.offlineMaxStaleMs = config.cacheOfflineMaxStaleMs;
  }

  /** Whether the cache takes part at all; when not, the proxy forwards without it. */
  get enabled(): boolean {
    return this.store.enabled;
  }

  /**
   * Forwards a request through the cache. What needs no store read past memory (a bypass, a
   * URL whose latest response could not be stored, a hit or a miss found in memory) is done in
   * this call, which then returns undefined: no promise per request. Otherwise the returned
   * promise settles once the lookup and what follows it are done.
   */
  forward(f: CachedForward): Promise<void> | undefined {
    const request: CacheRequest = { method: f.req.method ?? 'GET', headers: f.headers };
    const key = cacheKey(f.scheme, f.host, f.target);
    const bypass = lookupBypass(request, f.route, this.store.enabled);
    if (bypass || key === undefined) {
      f.exchange.report.cache = bypass?.fwd ?? 'bypass';
      this.forwardUncached(f, request, key, bypass?.fwd ?? 'bypass');
      return undefined;
    }

    if (plainRequest(request) && this.uncacheable.has(key)) {
      // Its latest response could not be stored, so nothing is stored for it: no lookup, and no
      // waiting behind other misses.
      f.exchange.report.cache = 'uri-miss';
      this.forwardMiss({ f, key, request, found: URI_MISS, fwd: 'uri-miss' });
      return undefined;
    }

    // In memory, a hit is found without a promise per store layer.
    const found = lookupVariantNow(this.store, key, request.headers);
    if (found) return this.answer(f, key, request, found);
    return lookupVariant(this.store, key, request.headers).then((later) => this.answer(f, key, request, later));
  }

  /** Goes on with what the lookup found; see {@link forward} for when it returns a promise. */
  private answer(f: CachedForward, key: string, request: CacheRequest, found: VariantLookup): Promise<void> | undefined {
    const decision = decide(request, found.entry, found.entry ? undefined : found.miss);
    if (decision.kind === 'miss' && rangedGet(request)) {
      // Only a part was asked for: the backend sends that part, and a 206 is not stored. Not
      // fetched whole to fill the cache (the size is unknown, and may be far more than asked),
      // nor collapsed: nothing this request fetches could answer another.
      f.exchange.report.cache = decision.fwd;
      this.forwardUncached(f, request, key, decision.fwd);
      return undefined;
    }
    const ticket = decision.kind === 'miss' ? this.coalescer.join(key) : undefined;
    if (!ticket || ticket.leader) {
      this.act({ f, key, request, found }, decision, ticket?.release);
      return undefined;
    }
    // Another request is fetching this response: wait for it (bounded), then look again.
    return ticket.settled
      .then(() => lookupVariant(this.store, key, request.headers))
      .then((again) => {
        const next = decide(request, again.entry, again.entry ? undefined : again.miss);
        this.act({ f, key, request, found: again }, next, undefined, next.kind === 'hit');
      });
  }

  /** Answers or forwards a looked-up request as `decision` says. */
  private act(lookup: CacheLookup, decision: CacheDecision, release?: () => void, collapsed?: boolean): void {
    const { f, found } = lookup;
    if (f.res.destroyed) return void release?.();

    f.exchange.report.cache = decision.kind === 'miss' || decision.kind === 'revalidate' ? decision.fwd : 'hit';
    switch (decision.kind) {
      case 'hit':
        return this.serve(f, found.entry!, { hit: true, ttl: decision.ttl, detail: decision.stale ? 'stale' : undefined });
      case 'stale-while-revalidate':
        this.serve(f, found.entry!, { hit: true, ttl: decision.ttl, detail: 'stale-while-revalidate' });
        return this.revalidateInBackground({ ...lookup, entry: found.entry!, conditional: decision.conditional });
      case 'unsatisfiable':
        return sendErrorPage(f.res, new ProxyError('not_cached'), f.exchange.requestId, statusFields({ fwd: 'miss', detail: 'only-if-cached' }));
      case 'revalidate':
        return this.forwardRevalidation(
          { ...lookup, request: wholeRequest(lookup.request), entry: found.entry!, conditional: decision.conditional },
          decision.fwd,
        );
      case 'miss':
        return this.forwardMiss({ ...lookup, fwd: decision.fwd, release, collapsed });
    }
  }

  /**
   * Answers a GET or HEAD no backend can take from the stored response, if it may
   * (`offline.ts`): with `staleToo` false only what would be a hit with a backend at hand.
   * Resolves true when it answered, false when the caller answers as it would have.
   */
  async answerOffline(o: OfflineRequest, staleToo = true): Promise<boolean> {
    const request: CacheRequest = { method: o.req.method ?? 'GET', headers: o.headers };
    const key = cacheKey(o.scheme, o.host, o.target);
    if (key === undefined || lookupBypass(request, o.route, this.store.enabled)) return false;
    const found = await lookupVariant(this.store, key, request.headers);
    if (!found.entry || o.res.headersSent || o.res.destroyed) return false;
    const verdict = offlineVerdict(request, found.entry, { maxStaleMs: this.offlineMaxStaleMs });
    if (verdict.kind === 'refuse' || (verdict.kind === 'stale' && !staleToo)) return false;
    if (verdict.kind === 'hit') {
      o.exchange.report.cache = 'hit';
      this.serve(o, found.entry, { hit: true, ttl: verdict.ttl, detail: verdict.stale ? 'stale' : undefined });
    } else {
      o.exchange.report.cache = STALE_OFFLINE;
      // Not forwarded: the cache satisfied it (RFC 9211 §2.1), from a stale response.
      this.serve(o, found.entry, { hit: true, ttl: verdict.ttl, detail: STALE_OFFLINE });
    }
    return true;
  }

  /**
   * Answers from a stored response: 304 when the client already has it, else the part its
   * `Range` asks for (206, or 416 when there is none), else the response.
   */
  private serve(f: Pick<CachedForward, 'req' | 'res' | 'exchange'>, entry: CachedResponse, status: CacheStatus): void {
    const { req, res } = f;
    const extra = ['Cache-Status', formatCacheStatus(status), 'X-Request-ID', f.exchange.requestId];
    if (clientHasCurrent(entry, req.headers)) {
      res.writeHead(304, [...notModifiedFields(entry), ...extra]);
      return void res.end();
    }
    const ranged = rangeAnswer(entry, req.method ?? 'GET', req.headers);
    if (ranged.kind === 'unsatisfiable') {
      res.writeHead(416, [...ranged.fields, ...extra]);
      return void res.end();
    }
    if (ranged.kind === 'partial') {
      res.writeHead(206, [...ranged.fields, 'Age', String(currentAge(entry)), ...extra]);
      // A view of the stored bytes, not a copy.
      return this.sendBody(f, entry.body.subarray(ranged.range.start, ranged.range.end + 1));
    }
    res.writeHead(entry.status, entry.reason || undefined, hitFields(entry, Date.now(), extra));
    if (req.method === 'HEAD') return void res.end();
    this.sendBody(f, entry.body);
  }

  private sendBody(f: Pick<CachedForward, 'res' | 'exchange'>, body: Buffer): void {
    f.exchange.report.bytesOut = body.length;
    f.exchange.report.responseBody?.push(body);
    f.res.end(body);
  }

  /**
   * Forwards without storing: no lookup (method, route or cache off, `fwd` bypass or method),
   * or a ranged GET that missed; unsafe methods still invalidate, and a POST response may be
   * stored for later GETs ({@link storeForGet}).
   */
  private forwardUncached(f: CachedForward, request: CacheRequest, key: string | undefined, fwd: ForwardReason): void {
    const fields = forwardFields(fwd);
    const observer: ExchangeObserver = {
      errorFields: fields,
      onHead: (head, raw) => {
        let invalidated: Promise<void> = Promise.resolve();
        if (key !== undefined && this.store.enabled) {
          const stale = invalidatedKeys(request.method, head.status, key, raw);
          if (stale.length > 0) invalidated = invalidate(this.store, stale);
        }
        if (key !== undefined && fwd === 'method' && request.method === 'POST') {
          return this.storeForGet({ f, key, request, head, raw, invalidated });
        }
        return { answered: false, addFields: fields };
      },
    };
    f.exchange.forward(f.backend, f.target, f.hasBody, { observer });
  }

  /**
   * A POST response with explicit freshness and a `Content-Location` naming the POST's target
   * URI answers later GETs for that URI (RFC 9110 §9.3.3, RFC 9111 §4): it is stored under the
   * target's key as it streams, like a GET miss. The POST's own invalidation of that key
   * (§4.4) is awaited first, so it cannot delete the response that replaced what it invalidated.
   */
  private storeForGet(post: PostResponse): HeadDirective {
    const { f, key, request, head, raw, invalidated } = post;
    const { response, now, verdict } = this.judge(request, head, raw, f.route, key);
    if (!verdict?.store) return { answered: false, addFields: forwardFields('method') };
    this.uncacheable.forget(key);
    const tap = new FillTap(
      this.maxObjectBytes,
      (body) => {
        const entry = createCachedResponse(response, body, verdict.policy);
        const { vary, ttlMs } = verdict;
        invalidated
          .catch(() => undefined)
          .then(() => storeVariant(this.store, { primaryKey: key, headers: request.headers, entry, vary, ttlMs }))
          .catch((err: Error) => this.logger.warn(`storing ${key} failed: ${err.message}`));
      },
      () => undefined,
    );
    const ttl = freshnessTtl(verdict.policy, now);
    return { answered: false, addFields: statusFields({ fwd: 'method', stored: true, ttl }), tap };
  }

  /**
   * Whether a response head may be stored (none for a 206 or a 304, which update or cut a stored
   * one), for the GET miss and for a POST that names its own URI (`targetKey`). One clock
   * reading for the verdict and the `ttl` it reports: read twice, a millisecond tick in between
   * made a fresh `max-age=60` say `ttl=59`.
   */
  private judge(request: CacheRequest, head: { status: number; reason: string }, raw: readonly string[], route: CachedForward['route'], targetKey?: string) {
    const judged = { status: head.status, reason: head.reason, headers: raw };
    const length = declaredLength(raw) ?? undefined;
    const now = Date.now();
    const options = { maxObjectBytes: this.maxObjectBytes, ...route, now, ...(targetKey === undefined ? {} : { targetKey }) };
    const verdict = head.status === 304 || head.status === 206 ? undefined : storageVerdict(request, judged, length, options);
    // Copied only when it is to be stored: the exchange adds its own fields to `raw` next.
    const response = verdict?.store ? { ...judged, headers: [...raw] } : judged;
    return { response, now, verdict };
  }

  /** Nothing usable stored: fetch it for this client and store it on the way through. */
  private forwardMiss(miss: CacheMiss): void {
    const { f, request } = miss;
    const adjust = request.method === 'GET' ? CLIENT_CONDITIONALS : undefined;
    f.exchange.forward(f.backend, f.target, f.hasBody, { adjust, observer: new MissObserver(this.filler, miss) });
  }

  /** A stale or client-refused entry: ask the backend whether it is still current. */
  private forwardRevalidation(revalidation: CacheRevalidation, fwd: 'stale' | 'request'): void {
    const { f, key, request, found, entry, conditional } = revalidation;
    const observer: ExchangeObserver = {
      errorFields: forwardFields(fwd),
      onHead: (head, raw): HeadDirective => {
        const now = Date.now();
        const outcome = applyRevalidation(request, entry, { status: head.status, reason: head.reason, headers: raw }, { ...f.route, now });
        switch (outcome.kind) {
          case 'not-modified':
            if (outcome.ttlMs > 0) {
              void storeVariant(this.store, {
                primaryKey: key,
                headers: request.headers,
                entry: outcome.entry,
                vary: found.index?.vary ?? [],
                ttlMs: outcome.ttlMs,
                index: found.index,
              });
            }
            this.serve(f, outcome.entry, { fwd, fwdStatus: 304, ttl: freshnessTtl(outcome.entry.policy, now) });
            return { answered: true };
          case 'not-modified-unmatched':
            return { answered: false, addFields: forwardFields(fwd) };
          case 'stale-if-error':
            this.serve(f, entry, { fwd, fwdStatus: head.status, detail: 'stale-if-error' });
            return { answered: true };
          case 'modified':
            return this.fill({ lookup: revalidation, head, raw, status: { fwd }, done: () => undefined });
        }
      },
      onFailure: (error) => {
        if (staleIfError(request, entry)) {
          this.serve(f, entry, { fwd, detail: 'stale-if-error' });
          return true;
        }
        return this.serveDisconnected(f, request, entry, error);
      },
    };
    f.exchange.forward(f.backend, f.target, f.hasBody, { adjust: conditional, observer });
  }

  /**
   * The backend the stale entry was being revalidated with failed before answering, and no
   * other could take the request: the cache is disconnected, and may serve it (`offline.ts`).
   * The request went forward, so `Cache-Status` says `fwd=stale` (RFC 9211 §2.2); the report
   * keeps the failure's code, so the member's health still counts it.
   */
  private serveDisconnected(f: CachedForward, request: CacheRequest, entry: CachedResponse, error: ProxyError): boolean {
    if (!UNREACHABLE.has(error.code)) return false;
    const verdict = offlineVerdict(request, entry, { maxStaleMs: this.offlineMaxStaleMs });
    if (verdict.kind !== 'stale') return false;
    f.exchange.report.cache = STALE_OFFLINE;
    f.exchange.report.errorCode = error.code;
    this.serve(f, entry, { fwd: 'stale', ttl: verdict.ttl, detail: STALE_OFFLINE });
    return true;
  }

  /**
   * Judges a forwarded response and, when it may be stored, returns a tap that stores the body
   * once it arrived whole. `done` runs when storing is over (or did not start).
   */
  private fill({ lookup, head, raw, status, done }: CacheFill): HeadDirective & { tap?: FillTap } {
    const { f, key, request, found } = lookup;
    const { response, now, verdict } = this.judge(request, head, raw, f.route);
    if (!verdict?.store) {
      if (verdict && plainRequest(request) && INTRINSIC.has(verdict.reason)) this.uncacheable.remember(key);
      return { answered: false, addFields: forwardFields(status.fwd, status.collapsed) };
    }
    this.uncacheable.forget(key);
    const tap = new FillTap(
      this.maxObjectBytes,
      (body) => {
        const entry = createCachedResponse(response, body, verdict.policy);
        const { vary, ttlMs } = verdict;
        storeVariant(this.store, { primaryKey: key, headers: request.headers, entry, vary, ttlMs, index: found.index })
          .catch((err: Error) => this.logger.warn(`storing ${key} failed: ${err.message}`))
          .finally(done);
      },
      done,
    );
    const ttl = freshnessTtl(verdict.policy, now);
    return { answered: false, addFields: statusFields({ fwd: status.fwd, collapsed: status.collapsed, stored: true, ttl }), tap };
  }

  /** `stale-while-revalidate`: the client has its answer; refresh the entry once, off its path. */
  private revalidateInBackground({ f, key, request, found, entry, conditional }: CacheRevalidation): void {
    if (this.revalidating.has(key)) return;
    this.revalidating.add(key);
    const get: CacheRequest = { method: 'GET', headers: wholeRequest(request).headers };
    const head = { ...f.exchange.requestHead(f.target, conditional), method: 'GET' };
    fetchFromBackend(f.backend, head, this.maxObjectBytes, this.requestTimeoutMs)
      .then(async (fetched) => {
        const response = { status: fetched.status, reason: fetched.reason, headers: fetched.fields };
        const outcome = applyRevalidation(get, entry, response, f.route);
        if (outcome.kind === 'not-modified' && outcome.ttlMs > 0) {
          await storeVariant(this.store, {
            primaryKey: key,
            headers: get.headers,
            entry: outcome.entry,
            vary: found.index?.vary ?? [],
            ttlMs: outcome.ttlMs,
            index: found.index,
          });
        } else if (outcome.kind === 'modified' && fetched.body && fetched.status !== 304) {
          const verdict = storageVerdict(get, response, fetched.body.length, { maxObjectBytes: this.maxObjectBytes, ...f.route });
          if (verdict.store) {
            const fresh = createCachedResponse(response, fetched.body, verdict.policy);
            const { vary, ttlMs } = verdict;
            await storeVariant(this.store, { primaryKey: key, headers: get.headers, entry: fresh, vary, ttlMs, index: found.index });
          }
        }
      })
      .catch((err: Error) => this.logger.debug(`background revalidation of ${key} failed: ${err.message}`))
      .finally(() => this.revalidating.delete(key));
  }
}

type Filler = (fill: CacheFill) => HeadDirective & { tap?: FillTap };

/**
 * Watches the exchange of a miss: its response may fill the cache, and the requests collapsed
 * behind it go on once nothing will be stored. One object per miss, not a closure per callback.
 */
class MissObserver implements ExchangeObserver {
  readonly errorFields: readonly string[];
  private tap: FillTap | undefined;

  constructor(
    private readonly fill: Filler,
    private readonly miss: CacheMiss,
  ) {
    this.errorFields = forwardFields(miss.fwd, miss.collapsed);
  }

  onHead(head: ResponseHead, raw: readonly string[]): HeadDirective {
    const { miss } = this;
    const directive = this.fill({ lookup: miss, head, raw, status: miss, done: miss.release ?? nothing });
    this.tap = directive.tap;
    // Nothing will be stored: waiting requests go to the backend now, not when this
    // response ends (a long download or stream would hold them for the whole wait).
    if (!this.tap) miss.release?.();
    return directive;
  }

  onDone(): void {
    // A tap is always ended by the exchange (complete or not), and it calls `done` itself.
    if (!this.tap) this.miss.release?.();
  }
}

function nothing(): void {}
