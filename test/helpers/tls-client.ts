import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { collectResponse, writeBody } from './http-client.js';
import type { ClientResponse, RequestBody } from './http-client.js';

/** An HTTPS answer, with what the connection was. */
export interface TlsResponse extends ClientResponse {
  /** SHA-256 fingerprint of the certificate the server presented. */
  readonly fingerprint: string;
  /** Whether the request went on a kept-alive connection opened before. */
  readonly reusedSocket: boolean;
  readonly socket: TLSSocket;
}

export interface TlsRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: RequestBody;
  /** The CA to trust (PEM). */
  ca: string;
  /** SNI name and the name the certificate is checked against; default: the URL's host. */
  servername?: string;
  /** A keep-alive agent to reuse connections; default: a fresh connection. */
  agent?: Agent;
}

/** A one-shot HTTPS request, verified against `ca`, the body collected (tests only). */
export function sendTls(url: string, options: TlsRequestOptions): Promise<TlsResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ca: options.ca,
        ...(options.servername === undefined ? {} : { servername: options.servername }),
        agent: options.agent ?? false,
      },
      (res) => {
        // Read while the connection is open: a closed socket has no peer certificate left.
        const socket = res.socket as TLSSocket;
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        collectResponse(res).then((got) => resolve({ ...got, fingerprint, reusedSocket: req.reusedSocket, socket }), reject);
      },
    );
    req.on('error', reject);
    writeBody(req, options.body);
  });
}

/**
 * Completes one TLS handshake with `options` and resolves with the socket's facts, then closes
 * it; rejects with the handshake's error.
 */
export function handshake(port: number, options: ConnectionOptions = {}): Promise<{ fingerprint: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      const result = { fingerprint: socket.getPeerCertificate().fingerprint256, protocol: socket.getProtocol() };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}
