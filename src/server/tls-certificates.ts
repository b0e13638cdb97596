import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import { ConfigError } from '../config/index.js';
import type { HarpConfig } from '../config/index.js';
import { CertificateIndex } from './certificate-selection.js';

/** Oldest protocol the HTTPS listener speaks: TLS 1.0 and 1.1 are deprecated (RFC 8996). */
export const MIN_TLS_VERSION = 'TLSv1.2';

/** One certificate and its key, as files and as read. */
export interface CertificatePair {
  /** Where it is configured, for messages: `tlsCert`/`tlsKey` or `tlsCertificates[i].cert`/`.key`. */
  readonly certKey: string;
  readonly keyKey: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Every configured certificate, read, parsed and made into contexts. */
export interface CertificateSet {
  /** What the server's own context is made from: the default pair. */
  readonly defaultOptions: SecureContextOptions;
  /** The contexts of `tlsCertificates`, in order. */
  readonly contexts: readonly SecureContext[];
  readonly index: CertificateIndex;
  /** A digest of every file's bytes: equal digests, nothing to reload. */
  readonly digest: string;
  /** One line per certificate for the log: subject, names, expiry. */
  readonly summary: readonly string[];
}

/** The default pair first, then each entry of `tlsCertificates`. */
export function certificatePairs(config: HarpConfig): CertificatePair[] {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return [];
  return [
    { certKey: 'tlsCert', keyKey: 'tlsKey', certFile: config.tlsCert, keyFile: config.tlsKey },
    ...config.tlsCertificates.map((entry, i) => ({
      certKey: `tlsCertificates[${i}].cert`,
      keyKey: `tlsCertificates[${i}].key`,
      certFile: entry.cert,
      keyFile: entry.key,
    })),
  ];
}

/**
 * Reads and checks every configured certificate and key.
 * @throws ConfigError naming the key and the file that cannot be read or parsed, or the pair
 *   whose key does not belong to its certificate
 */
export function loadCertificates(config: HarpConfig): CertificateSet {
  const [first, ...entries] = certificatePairs(config);
  if (first === undefined) throw new ConfigError(['tlsCert: not set']);
  const digest = createHash('sha256');
  const summary: string[] = [];
  const read = (pair: CertificatePair): SecureContextOptions => {
    const options = readPair(pair);
    digest.update(options.cert as Buffer).update(options.key as Buffer);
    summary.push(describe(pair, options.cert as Buffer));
    return options;
  };
  const defaultOptions = read(first);
  const contexts = entries.map((pair) => createSecureContext(read(pair)));
  return { defaultOptions, contexts, index: new CertificateIndex(config.tlsCertificates), digest: digest.digest('hex'), summary };
}

function readPair(pair: CertificatePair): SecureContextOptions {
  const cert = readPem(pair.certKey, pair.certFile);
  const key = readPem(pair.keyKey, pair.keyFile);
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError([`${pair.certKey}: ${pair.certFile} is not a PEM certificate (${reason(err)})`], { cause: err });
  }
  try {
    createPrivateKey(key);
  } catch (err) {
    throw new ConfigError([`${pair.keyKey}: ${pair.keyFile} is not an unencrypted PEM private key (${reason(err)})`], { cause: err });
  }
  const options: SecureContextOptions = { cert, key, minVersion: MIN_TLS_VERSION };
  try {
    createSecureContext(options); // also checks that the key is the certificate's
  } catch (err) {
    throw new ConfigError([`${pair.keyKey}: ${pair.keyFile} is not the key of ${pair.certFile} (${reason(err)})`], { cause: err });
  }
  return options;
}

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError([`${key}: cannot read ${file} (${reason(err)})`], { cause: err });
  }
}

function describe(pair: CertificatePair, cert: Buffer): string {
  const x509 = new X509Certificate(cert);
  const names = x509.subjectAltName ?? x509.subject.replace(/\n/g, ', ');
  return `${pair.certKey} ${pair.certFile}: ${names}, valid until ${new Date(x509.validTo).toISOString()}`;
}

// Node's file errors end with `, open '<path>'`: the path is named already.
function reason(err: unknown): string {
  const { code, message = String(err) } = err as { code?: string; message?: string };
  const text = message.replace(/, \w+ '.*'$/, '');
  return code && !text.startsWith(code) ? `${code}: ${text}` : text;
}
