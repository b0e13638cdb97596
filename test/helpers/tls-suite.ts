import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { TestCa } from './certificates.js';
import type { IssuedCertificate } from './certificates.js';
import type { Harness } from './harness.js';

/** What a suite on the TLS port shares: one CA, one leaf it signed, and proxies that serve the leaf. */
export interface TlsSuite {
  readonly ca: TestCa;
  /** The leaf for `localhost` and `127.0.0.1` the proxies present. */
  readonly leaf: IssuedCertificate;
  /** The proxy settings that serve `leaf` on a TLS port the system picks. */
  readonly listener: Pick<HarpConfigInput, 'tlsCert' | 'tlsKey' | 'tlsPort'>;
  /** A proxy of `h` with the TLS port open (`listener`), and `overrides`. */
  proxy(overrides?: Partial<HarpConfigInput>): Promise<HarpServer>;
}

/**
 * Call inside a `describe`: makes the CA and the leaf before the suite's tests (one `openssl` run
 * for all of them, not one a test) and removes them after. The CA, the leaf and the listener can
 * be read from inside tests and hooks only, once `beforeAll` has run.
 */
export function tlsSuite(h: Harness): TlsSuite {
  let made: { ca: TestCa; leaf: IssuedCertificate } | undefined;
  beforeAll(() => {
    const ca = TestCa.create();
    made = { ca, leaf: ca.issue(['localhost', '127.0.0.1']) };
  });
  afterAll(() => made?.ca.remove());
  const certificates = (): { ca: TestCa; leaf: IssuedCertificate } => {
    if (!made) throw new Error('tlsSuite: the certificates are made in beforeAll; read them in tests and hooks');
    return made;
  };
  return {
    get ca() {
      return certificates().ca;
    },
    get leaf() {
      return certificates().leaf;
    },
    get listener() {
      const { leaf } = certificates();
      return { tlsCert: leaf.certFile, tlsKey: leaf.keyFile, tlsPort: 0 };
    },
    proxy(overrides = {}) {
      return h.proxy({ ...this.listener, ...overrides });
    },
  };
}
