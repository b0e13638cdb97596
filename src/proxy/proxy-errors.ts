import { ERROR_CATALOGUE, HarpError, type HttpErrorCode } from '../errors/index.js';

/** Every way a proxied exchange can fail before the backend's answer reached the client. */
export type ProxyErrorCode = Exclude<HttpErrorCode, 'request_timeout'>;

/**
 * A failed exchange: a stable code, its HTTP status from the error catalogue, and the cause kept
 * for logs. The message is the catalogue's text, with the detail after a colon.
 */
export class ProxyError extends HarpError<ProxyErrorCode> {
  readonly status: number;

  constructor(code: ProxyErrorCode, detail?: string, options?: { cause?: unknown }) {
    const { status, message } = ERROR_CATALOGUE[code];
    super(code, detail ? `${message}: ${detail}` : message, options);
    this.status = status;
  }
}
