import { randomUUID } from 'node:crypto';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BadGatewayException,
  ConflictException,
  GatewayTimeoutException,
  HttpException,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HarpConfig } from '../config/index.js';
import { endToEnd } from '../http/hop-by-hop.js';
import type { InspectedExchange } from './inspected-exchange.js';
import { InspectorService } from './inspector.service.js';

/** Fields a replay sets itself rather than repeating: its own id, length and no 100-continue. */
const REPLACED_FIELDS: ReadonlySet<string> = new Set(['content-length', 'x-request-id', 'expect']);

/** Extra time a replay gets past the proxy's own request timeout before it is given up. */
const REPLAY_GRACE_MS = 5000;

/**
 * Re-sends a held request through the proxy's own public port, exactly as it was received
 * (secrets included: the inspector redacts what it shows, not what it repeats), with a new
 * request id, and answers with the exchange it made. Going through the real server means the
 * replay meets routing, the cache, metrics and logs like any other request.
 */
@Injectable()
export class ReplayService {
  constructor(
    private readonly config: HarpConfig,
    private readonly inspector: InspectorService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async replay(id: string): Promise<InspectedExchange> {
    const original = this.inspector.find(id);
    const body = replayableBody(original);
    const address = this.listeningAddress();
    const requestId = randomUUID();
    const forget = this.inspector.expectReplay(requestId, original.id);
    const recording = this.recordingOf(requestId);
    try {
      await this.send(address, original, requestId, body);
      return await recording.exchange;
    } catch (err) {
      if (err instanceof HttpException) throw err;
      throw new BadGatewayException(`the replay could not be sent through the proxy: ${(err as Error).message}`);
    } finally {
      recording.cancel();
      forget();
    }
  }

  private send(address: AddressInfo, original: InspectedExchange, requestId: string, body: Buffer | undefined): Promise<void> {
    const { report } = original;
    const headers = [...endToEnd(report.requestFields, REPLACED_FIELDS), 'X-Request-ID', requestId];
    if (body) headers.push('Content-Length', String(body.length));
    return new Promise((resolve, reject) => {
      const req = request(
        { host: loopbackFor(address), port: address.port, method: report.method, path: report.target, headers, setHost: false },
        (res) => {
          // The answer is recorded by the inspector like any other; here it is only drained.
          res.resume();
          res.once('end', resolve);
          res.once('error', reject);
        },
      );
      req.setTimeout(this.config.requestTimeoutMs + REPLAY_GRACE_MS, () => req.destroy(new Error('replay timed out')));
      req.once('error', reject);
      req.end(body);
    });
  }

  /**
   * The exchange the replay makes, once the proxy has published it; `cancel` stops waiting.
   * The promise is marked handled at once: it may fail while the request is still being sent,
   * before anyone awaits it, and an unhandled rejection would end the process.
   */
  private recordingOf(requestId: string): { exchange: Promise<InspectedExchange>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    let onRecorded: ((exchange: InspectedExchange) => void) | undefined;
    const cancel = (): void => {
      clearTimeout(timer);
      if (onRecorded) this.inspector.recorded.off('recorded', onRecorded);
    };
    const exchange = new Promise<InspectedExchange>((resolve, reject) => {
      timer = setTimeout(() => {
        cancel();
        reject(new GatewayTimeoutException('the replayed request did not finish in time'));
      }, this.config.requestTimeoutMs + REPLAY_GRACE_MS);
      onRecorded = (recorded: InspectedExchange): void => {
        if (recorded.report.requestId !== requestId) return;
        cancel();
        resolve(recorded);
      };
      this.inspector.recorded.on('recorded', onRecorded);
    });
    exchange.catch(() => undefined);
    return { exchange, cancel };
  }

  private listeningAddress(): AddressInfo {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address();
    if (!address || typeof address === 'string') {
      throw new ServiceUnavailableException('the proxy is not listening on a TCP port, so it cannot replay');
    }
    return address;
  }
}

/** The request body to send again, or a 409 when it was not recorded whole. */
function replayableBody(original: InspectedExchange): Buffer | undefined {
  const { report } = original;
  if (report.bytesIn === 0 && !report.requestBody?.size) return undefined;
  const capture = report.requestBody;
  if (!capture) {
    throw new ConflictException(
      `exchange ${original.id} had a ${report.bytesIn}-byte request body that was not recorded (set HARP_INSPECTOR_BODIES=1 to record bodies)`,
    );
  }
  if (capture.truncated) {
    throw new ConflictException(
      `exchange ${original.id} had a ${capture.size}-byte request body of which only ${capture.limit} bytes were recorded (inspectorBodyBytes)`,
    );
  }
  return capture.bytes();
}

/** Where to reach a server from the same machine: its own address, or loopback for "any". */
function loopbackFor(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '::1';
  return address.address;
}
