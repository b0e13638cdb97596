import { z } from 'zod';
import { text } from './config.fields.js';

/**
 * A server name a certificate of `tlsCertificates` is chosen for: an exact name
 * (`api.example.com`) or a wildcard of one leftmost label (`*.example.com`), as a certificate's
 * own names are written (RFC 6125 §6.4.3). Lower case is not required; names compare without case.
 */
export const TLS_HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

const tlsHost = z.string().regex(TLS_HOST_PATTERN, {
  error: 'expected a server name such as api.example.com or *.example.com',
});

/** One entry of `tlsCertificates`: the PEM files served to clients asking for one of `hosts`. */
export const tlsCertificateSchema = z.strictObject({
  hosts: z.array(tlsHost, { error: 'expected a list of server names' }).min(1, { error: 'expected at least one server name' }),
  cert: text('the path of a PEM certificate file'),
  key: text('the path of a PEM private key file'),
});

/** The TLS keys as the cross-field rule reads them. */
interface TlsKeys {
  readonly port: number;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsPort: number;
  readonly httpRedirect: boolean;
  readonly tlsCertificates: readonly unknown[];
}

/**
 * TLS is on with both files of the default pair, which also answers names no entry of
 * `tlsCertificates` matches (and clients that send no name); the redirect sends clients to a
 * port that must exist; and the two ports cannot be one.
 */
export function checkTls<T extends TlsKeys>(config: T, ctx: z.RefinementCtx<T>): void {
  const problem = (path: string, message: string, input?: unknown): void =>
    ctx.addIssue({ code: 'custom', path: [path], input, message });
  if (config.tlsCert !== undefined && config.tlsKey === undefined) problem('tlsCert', 'needs tlsKey (HARP_TLS_KEY) as well: the private key of the certificate');
  if (config.tlsKey !== undefined && config.tlsCert === undefined) problem('tlsKey', 'needs tlsCert (HARP_TLS_CERT) as well: the certificate of the key');
  const on = config.tlsCert !== undefined && config.tlsKey !== undefined;
  if (config.tlsCertificates.length > 0 && !on) {
    problem('tlsCertificates', 'needs tlsCert and tlsKey as well: the default certificate, for names no entry matches');
  }
  if (config.httpRedirect && !on) problem('httpRedirect', 'needs TLS on (tlsCert and tlsKey): the redirect points at the HTTPS port', true);
  if (on && config.tlsPort !== 0 && config.tlsPort === config.port) {
    problem('tlsPort', `must differ from port (${config.port}): the plain and the HTTPS listener cannot share one`, config.tlsPort);
  }
}
