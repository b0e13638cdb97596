import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as files and as PEM text. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  /** SHA-256 fingerprint, as `X509Certificate.fingerprint256` and `getPeerCertificate()` give it. */
  readonly fingerprint: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A private certificate authority in a temporary directory, made with `openssl`, and leaf
 * certificates it signs for given names (tests only). `remove()` deletes the directory.
 */
export class TestCa {
  readonly cert: string;
  private serial = 0;

  private constructor(readonly dir: string) {
    this.cert = readFileSync(join(dir, 'ca.crt'), 'utf8');
  }

  get certFile(): string {
    return join(this.dir, 'ca.crt');
  }

  static create(name = 'HARP Test CA'): TestCa {
    const dir = mkdtempSync(join(tmpdir(), 'harp-tls-'));
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', 'ca.crt'], dir);
    return new TestCa(dir);
  }

  /**
   * A leaf certificate for `names` (DNS names, or IP addresses such as `127.0.0.1`), written
   * to `<file>.crt` and `<file>.key` in the CA's directory (the same names replace the files).
   */
  issue(names: readonly string[], file = names[0]!.replace(/[^a-z0-9.-]/gi, '_')): IssuedCertificate {
    const n = ++this.serial;
    const tmp = `leaf-${n}`;
    const san = names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
    writeFileSync(join(this.dir, `${tmp}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${tmp}.key`], this.dir);
    openssl(['req', '-new', '-key', `${tmp}.key`, '-subj', `/CN=${names[0]}`, '-out', `${tmp}.csr`], this.dir);
    openssl(
      ['x509', '-req', '-in', `${tmp}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(1000 + n),
        '-days', '2', '-sha256', '-extfile', `${tmp}.ext`, '-out', `${tmp}.crt`],
      this.dir,
    );
    const cert = readFileSync(join(this.dir, `${tmp}.crt`), 'utf8');
    const key = readFileSync(join(this.dir, `${tmp}.key`), 'utf8');
    const certFile = join(this.dir, `${file}.crt`);
    const keyFile = join(this.dir, `${file}.key`);
    writeFileSync(certFile, cert);
    writeFileSync(keyFile, key);
    return { certFile, keyFile, cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
