import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ResetCode } from '../protocol/index.js';
import type { HeaderField, RequestHead, ResponseHead } from '../protocol/index.js';
import { StreamResetError } from '../tunnel/stream-errors.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import type { TunnelBackend } from '../registration/tunnel-backend.js';
import type { RequestOrigin } from '../http/cluster-hop.js';
import type { ForwardingField } from '../http/forwarding-memo.js';
import { endToEndOfPairs, endToEndPairs } from '../http/hop-by-hop.js';
import { ProxyError } from './proxy-errors.js';
import type { ProxyErrorCode } from './proxy-errors.js';
import { hasField } from '../http/raw-fields.js';
import type { Pool } from '../routing/pool.js';
import type { RouteBackend } from '../routing/route-backend.js';
import type { ExchangeReport } from '../exchange/index.js';
import { closeAfterResponse, closeIfStillArriving } from './lingering-close.js';
import type { ProxySettings } from './proxy-settings.js';
import { declaredLength } from '../http/response-length.js';
import { sendErrorPage } from './error-page.js';
import { noMemberFields } from './no-member.js';
import type { BodyTap, ExchangeObserver, ForwardOptions, RequestAdjustment } from './exchange-observer.js';
import { isOver } from './exchange-phase.js';
import { writeInterim } from './interim-response.js';
import { endRequestBody, passResponseTrailers } from './trailer-relay.js';
import { writeHeadOnly } from './head-only-response.js';
import type { ExchangePhase } from './exchange-phase.js';

/** Other backends a request no backend read is offered to before the client gets an error. */
const MAX_UNREAD_RETRIES = 2;

/** Where a request that is sent again finds its next member. */
export interface MemberSource {
  /**
   * A member of `pool` for a request sent again: one that can take it now and is not among
   * `tried`, or (when `wait`) one that registers within the request's bounds; undefined if none.
   */
  nextMember(pool: Pool<RouteBackend>, tried: readonly TunnelBackend[], res: ServerResponse, wait: boolean): Promise<TunnelBackend | undefined>;
  /** An attempt on `backend` failed and the request goes elsewhere: no report will name it. */
  attemptFailed(pool: Pool<RouteBackend>, backend: TunnelBackend, err: Error): void;
}

/** The public request an exchange answers, and the record kept of it. */
export interface PublicRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly report: ExchangeReport;
  /** Set when the request crossed the cluster hop: whom the forwarding fields describe. */
  readonly origin?: RequestOrigin;
}

/** What {@link ProxyExchange.forward} was last given: a refused request is sent again with it. */
interface Forwarding {
  readonly backend: TunnelBackend;
  readonly target: string;
  readonly hasBody: boolean;
  readonly options: ForwardOptions;
}

/**
 * One public request carried through the tunnel: start → response head → body → end, or an
 * error at any point. Before the response head an error becomes an error page; after it, the
 * client's connection is aborted so that a broken body never looks complete. Where it is, is
 * one {@link ExchangePhase}, changed only by `enter`.
 */
export class ProxyExchange {
  readonly requestId: string;
  readonly report: ExchangeReport;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly origin?: RequestOrigin;
  private current: ExchangePhase = 'admitted';
  private stream?: TunnelStream;
  private timer?: NodeJS.Timeout;
  private forwarding?: Forwarding;
  private observer?: ExchangeObserver;
  /** The observer's body tap, from the response head on: ending the exchange tells it how. */
  private tap?: BodyTap;
  private onUpgrade?: ForwardOptions['onUpgrade'];
  /** Backends this request was sent to and failed on; made on the first failure only. */
  private tried?: TunnelBackend[];
  /** Whether the one retry an idempotent request gets after a failure before its head is used. */
  private retriedIdempotent = false;
  /**
   * Set by {@link awaitContinue}: the client's `Expect: 100-continue` goes to the backend, whose
   * `100` is passed on (`awaited`) once (`relayed`). Unset, a 100 from the backend is dropped.
   */
  private continuing?: 'awaited' | 'relayed';
  /** The route's pool, where a request that may be sent again finds its next member... */
  pool?: Pool<RouteBackend>;
  /** ...through this (shared by every exchange: nothing is allocated per request for it). */
  members?: MemberSource;

  constructor(
    private readonly settings: ProxySettings,
    { req, res, requestId, report, origin }: PublicRequest,
  ) {
    this.origin = origin;
    this.req = req;
    this.res = res;
    this.requestId = requestId;
    this.report = report;
  }

  /** Where the exchange is; the phases and their order are in exchange-phase.ts. */
  get phase(): ExchangePhase {
    return this.current;
  }

  /** Opens a stream on `backend` and relays the exchange over it. */
  forward(backend: TunnelBackend, target: string, hasBody: boolean, options: ForwardOptions = {}): void {
    const { res } = this;
    this.forwarding = { backend, target, hasBody, options };
    this.observer = options.observer;
    this.onUpgrade = options.onUpgrade;
    this.enter('forwarded');
    const head = this.requestHead(target, options.adjust);
    this.report.forwardedMs = performance.now() - this.report.started;
    // An upgrade's stream stays open: the tunnelled protocol's bytes follow its head.
    const stream = backend.openStream(head, !hasBody && !this.onUpgrade);
    this.stream = stream;
    stream.once('head', (h: ResponseHead, ended?: boolean) => this.onResponseHead(h, ended === true));
    // Interim responses go to the client as they come, never to the observer (the cache).
    stream.on('interim', (h: ResponseHead) => {
      if (isOver(this.current) || this.onUpgrade) return;
      if (h.status === 100) this.passContinue();
      else writeInterim(this.req, res, h);
    });
    stream.on('error', (err) => this.onStreamError(err));
    this.timer = setTimeout(() => this.fail(new ProxyError('timeout')), this.settings.requestTimeoutMs);
    if (hasBody) this.sendBody(stream);
  }

  /**
   * The backend, not the proxy, answers the client's `Expect: 100-continue` (the tunnel's
   * `continue` feature, docs/protocol.md §5.4): the request head carries the expectation, and
   * the backend's `100` is written to the client when it comes. Call before {@link forward}.
   * A final answer that comes first closes the connection (HTTP/2: the stream) after it unless
   * the body arrived whole (see onResponseHead), so an unsent body is never waited for nor read
   * as a request.
   */
  awaitContinue(): void {
    this.continuing = 'awaited';
  }

  /** The backend's `100 Continue`: the client may now send its body (once; later ones dropped). */
  private passContinue(): void {
    const { res } = this;
    if (this.continuing !== 'awaited' || res.headersSent || res.writableEnded || res.destroyed) return;
    this.continuing = 'relayed';
    res.writeContinue();
  }

  /** Answers with an error page if nothing was sent yet, else aborts the client connection. */
  fail(error: ProxyError, fields?: readonly string[]): void {
    // Acts even on an exchange that is over (a 101 the bridge could not use, a body that grew
    // too large after the answer): only the phase stays as it was.
    this.enter('failed');
    const resetCode = error.code === 'timeout' ? ResetCode.Timeout : ResetCode.Cancel;
    this.stream?.reset(error.code === 'body_too_large' ? ResetCode.TooLarge : resetCode, error.code);
    if (this.res.headersSent) return void this.res.destroy(error);
    if (this.observer?.onFailure?.(error)) return;
    // The rest of an unread body will not be forwarded; reading and discarding it would let a
    // client keep the connection busy for as long as it likes. The close lingers, within
    // limits, so that a client still sending reads this page rather than a reset.
    if (!this.req.complete) closeAfterResponse(this.req, this.res, this.settings.linger);
    this.report.errorCode = error.code;
    sendErrorPage(this.res, error, this.requestId, fields ?? this.observer?.errorFields);
  }

  /** The request as it goes to the backend: end-to-end fields, forwarding facts, request id. */
  requestHead(target: string, adjust?: RequestAdjustment): RequestHead {
    const { req, settings } = this;
    const method = req.method ?? 'GET';
    // One pass over the client's fields; `adjust.remove` names client fields only, since the
    // proxy's own (forwarding facts, request id, `Expect`) are never among what it changes.
    const fields: HeaderField[] = endToEndPairs(req.rawHeaders, settings.droppedRequestFields(method), adjust?.remove);
    for (const field of this.forwardingFields()) fields.push(field);
    fields.push(['X-Request-ID', this.requestId]);
    // Removed with the other fields the proxy answers for; put back when the backend answers it.
    if (this.continuing !== undefined) fields.push(['Expect', '100-continue']);
    if (adjust) for (const field of adjust.add) fields.push(field);
    return { method, target, headers: fields };
  }

  private forwardingFields(): readonly ForwardingField[] {
    const { req } = this;
    const { headers } = req;
    const socket = req.socket as Partial<TLSSocket>;
    return this.settings.forwarding.fieldsFor(req.socket, {
      // Across the cluster hop, the peer the receiving node saw, not the node itself.
      peerAddress: this.origin?.peerAddress ?? req.socket.remoteAddress,
      protocol: this.origin?.protocol ?? (socket.encrypted ? 'https' : 'http'),
      host: headers.host,
      forwardedFor: joined(headers['x-forwarded-for']),
      forwardedProto: joined(headers['x-forwarded-proto']),
      forwardedHost: joined(headers['x-forwarded-host']),
      forwarded: joined(headers.forwarded),
    });
  }

  private sendBody(stream: TunnelStream): void {
    const { req, settings } = this;
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      this.report.bytesIn = seen;
      this.report.requestBody?.push(chunk);
      if (seen > settings.maxBodyBytes) return this.fail(new ProxyError('body_too_large'));
      // The backend has requestTimeoutMs to start answering once it has the request: counted
      // from the last body byte, not the first, or every upload longer than the timeout fails.
      this.timer?.refresh();
    });
    req.on('error', () => stream.destroy());
    // Ended here rather than by the pipe: the client's trailers, known only now, end it.
    req.once('end', () => endRequestBody(req, stream));
    req.pipe(stream, { end: false });
  }

  private onResponseHead(head: ResponseHead, endedWithHead: boolean): void {
    if (isOver(this.current)) return;
    this.report.backendMs = performance.now() - this.report.started;
    this.stopTimer();
    const { req, res } = this;
    const stream = this.stream!;
    if (this.onUpgrade) {
      if (head.status === 101) {
        this.enter('upgraded');
        return this.onUpgrade(head, stream);
      }
      // Not upgraded: an ordinary answer, and nothing more will follow the request head.
      stream.end();
    }
    if (head.status < 200) return this.fail(new ProxyError('bad_response', `status ${head.status}`));
    const fields = endToEndOfPairs(head.headers);
    const expected = declaredLength(fields);
    if (expected === null) return this.fail(new ProxyError('bad_response', 'invalid Content-Length'));
    // The agent needs no more window once the declared body is in: no WINDOW_UPDATE then.
    if (expected !== undefined) stream.remoteBodyLength = expected;
    const directive = this.observer?.onHead(head, fields);
    if (directive?.answered) {
      this.enter('finished');
      stream.destroy();
      return;
    }
    if (directive?.addFields) fields.push(...directive.addFields);
    const tap = directive?.tap;
    this.tap = tap;
    if (!hasField(fields, 'x-request-id')) fields.push('X-Request-ID', this.requestId);
    // A client still uploading when the answer comes keeps its connection only if the body is in
    // by the end of the answer, never with an unread body in it. A body held back for a 100 the
    // backend did not send may never come: then the head says close.
    if (req.complete) {
      if (!this.forwarding!.hasBody) finishReading(req);
    } else if (this.continuing === 'awaited') closeAfterResponse(req, res, this.settings.linger);
    else closeIfStillArriving(req, res, this.settings.linger);
    // A head that ended the stream is the whole response (unless it declared a body it lacks,
    // which relayBody fails): it ends with the head, which gRPC's trailers-only answers need.
    const noBody = req.method === 'HEAD' || head.status === 204 || head.status === 304;
    const headOnly = noBody || (endedWithHead && !expected);
    try {
      // Declared empty when it could have had a body, so that a node this answer goes back to
      // over the cluster's HTTP/1.1 hop knows it for a head alone too (node-relay.ts).
      if (headOnly) writeHeadOnly(res, head.status, head.reason || undefined, noBody || hasField(fields, 'content-length') ? fields : [...fields, 'Content-Length', '0']);
      else res.writeHead(head.status, head.reason || undefined, fields);
    } catch (err) {
      return this.fail(new ProxyError('bad_response', (err as Error).message, { cause: err }));
    }
    this.enter('response-started');
    if (headOnly) {
      // A head that ended the stream leaves the stream to the rest of the request body, if any,
      // as a response with a body does: the agent may still be reading it.
      if (noBody) stream.destroy();
      this.enter('finished');
      return;
    }
    // Node holds a written head back until the first body byte, so a backend that sends its head
    // and then waits (SSE, long polling) would leave the client with nothing. The check runs
    // after this turn's frames, so a head and body that arrive together still go out as one write.
    setImmediate(() => {
      if (stream.bytesReceived === 0 && !res.writableEnded && !res.destroyed) res.flushHeaders();
    });
    this.relayBody(stream, expected, tap);
  }

  /**
   * Streams the response body to the client with backpressure, shows it to the tap, and holds
   * it to its declared length: a body that ends short or runs long aborts the client's
   * connection, so it never looks complete. The stream hands each DATA payload straight to the
   * client's response (a sink, no readable-side buffer or events): this runs per response.
   */
  private relayBody(stream: TunnelStream, expected: number | undefined, tap: BodyTap | undefined): void {
    const { res } = this;
    let relayed = 0;
    // Set once the declared length went out with `res.end(chunk)`: one write for the last
    // chunk and the end of the response, instead of a write and a later end.
    let sent = false;
    const drained = (): void => stream.sinkDrained();
    stream.deliverBody({
      data: (chunk) => {
        relayed += chunk.length;
        this.report.bytesOut = relayed;
        if (expected !== undefined && relayed > expected) {
          const reason = `body longer than ${expected}`;
          if (sent) this.dropExcess(reason);
          else this.abortBody(reason);
          return false;
        }
        tap?.push(chunk);
        this.report.responseBody?.push(chunk);
        if (relayed === expected) {
          sent = true;
          res.end(chunk);
          return true;
        }
        if (res.write(chunk)) return true;
        res.once('drain', drained);
        return false;
      },
      end: () => {
        if (expected !== undefined && relayed !== expected) {
          return this.abortBody(`body of ${relayed} bytes, ${expected} declared`);
        }
        if (!sent) {
          passResponseTrailers(res, stream.trailers);
          res.end();
        }
        this.enter('finished');
      },
    });
  }

  /**
   * Bytes past the declared length after the client already has the whole response: it stays
   * complete (its framing was honoured), the stream is reset and nothing is stored.
   */
  private dropExcess(reason: string): void {
    this.stream?.reset(ResetCode.ProtocolError, reason);
    this.enter('failed');
  }

  /** The body broke after the head went out: abort the client, never finish the response. */
  private abortBody(reason: string): void {
    this.stream?.reset(ResetCode.ProtocolError, reason);
    this.res.destroy();
    this.enter('failed');
  }

  private onStreamError(err: Error): void {
    if (isOver(this.current)) return;
    if (!this.res.headersSent && this.forwardElsewhere(err)) return;
    if (!this.res.headersSent) return this.fail(proxyErrorFor(err));
    // Mid-body: the client must see an aborted transfer, not a short complete one.
    this.res.destroy();
    this.enter('failed');
  }

  /**
   * Sends the request to another member when that is safe (docs/operations.md, "Retries"):
   * nothing of the response reached the client, no body byte was forwarded (only requests
   * without a body are sent again), and either no backend processed the request (RESET
   * `Refused` or `UpstreamUnreachable`: up to {@link MAX_UNREAD_RETRIES} other members) or the
   * method is idempotent and the failure came before the response head (once). With no other
   * member at hand the request waits, as a new one would, for one to register.
   */
  private forwardElsewhere(err: Error): boolean {
    const { backend, target, hasBody, options } = this.forwarding!;
    const { pool, members } = this;
    if (hasBody || this.res.destroyed || this.res.headersSent || !pool || !members) return false;
    const kind = retryKind(err, this.req.method);
    if (kind === undefined) return false;
    const tried = (this.tried ??= []);
    tried.push(backend);
    if (kind === 'unread' && tried.length > MAX_UNREAD_RETRIES) return false;
    if (kind === 'idempotent') {
      if (this.retriedIdempotent) return false;
      this.retriedIdempotent = true;
    }
    this.stopTimer();
    members.attemptFailed(pool, backend, err);
    // A request another node forwarded does not wait here for a member: that node sees the
    // whole cluster, and routes it again on this node's `no_backend` (docs/cluster.md).
    const forwarded = this.origin?.localOnly === true;
    void members.nextMember(pool, tried, this.res, !forwarded).then((next) => {
      if (isOver(this.current) || this.res.destroyed) return;
      if (!next && forwarded) return this.fail(new ProxyError('no_backend', 'its member here was lost'), noMemberFields(this.req, this.origin, pool));
      if (!next) return this.fail(proxyErrorFor(err));
      this.report.agentId = next.id;
      this.report.retries++;
      this.forward(next, target, false, options);
    });
    return true;
  }

  /**
   * The client's connection closed (its response's `close`; the caller listens, once for the
   * exchange and its report). Before the first forward there is nothing to end.
   */
  clientClosed(): void {
    if (this.forwarding === undefined) return;
    // Once upgraded, the connection belongs to the bridge, which ends the stream itself; an
    // upgrade answered otherwise has nothing left to end either.
    if (isOver(this.current) && this.onUpgrade) return;
    this.enter('failed');
    if (!this.res.writableFinished) this.stream?.destroy();
    else if (this.stream && !this.stream.destroyed && !this.req.complete) {
      this.req.unpipe(this.stream);
      this.stream.destroy();
    }
  }

  // The one place the phase changes. An exchange that is over stays over, whatever comes
  // late. Ending it tells the tap how (whole only when finished), then the observer.
  private enter(next: ExchangePhase): void {
    if (isOver(this.current)) return;
    this.current = next;
    if (!isOver(next)) return;
    const tap = this.tap;
    this.tap = undefined;
    tap?.end(next === 'finished');
    this.stopTimer();
    this.observer?.onDone?.();
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined; // refresh() would re-arm a cleared timer
  }
}

const IDEMPOTENT_WITHOUT_EFFECT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a failed attempt may be sent again, and under which rule: `unread` when the backend
 * promised it did not process the request (RFC 9110 §9.2.2 does not even need idempotence
 * then), `idempotent` when it may have but the method makes a repeat harmless.
 */
function retryKind(err: Error, method: string | undefined): 'unread' | 'idempotent' | undefined {
  if (!(err instanceof StreamResetError)) return undefined;
  const unread = err.resetCode === ResetCode.Refused || err.resetCode === ResetCode.UpstreamUnreachable;
  if (err.origin === 'peer' && unread) return 'unread';
  const failedBeforeHead = err.origin === 'connection' || (err.origin === 'peer' && err.resetCode === ResetCode.UpstreamError);
  if (failedBeforeHead && IDEMPOTENT_WITHOUT_EFFECT.has(method ?? 'GET')) return 'idempotent';
  return undefined;
}

function proxyErrorFor(err: Error): ProxyError {
  if (!(err instanceof StreamResetError)) return new ProxyError('agent_gone', err.message, { cause: err });
  const code: ProxyErrorCode =
    err.origin === 'connection'
      ? 'agent_gone'
      : err.resetCode === ResetCode.Refused
        ? 'agent_refused'
        : err.resetCode === ResetCode.Timeout
          ? 'timeout'
          : 'upstream_error';
  return new ProxyError(code, err.reason, { cause: err });
}

/**
 * Reads the end of a request that had no body, which Node otherwise does when the response
 * finishes (its dump: a resume and several reads, a tick each, on every bodiless request).
 */
function finishReading(req: IncomingMessage): void {
  if (req.readableFlowing === null && req.readableLength === 0) req.read();
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
