import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { ConfigError } from '../../src/config/index.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { TestCa } from '../helpers/certificates.js';
import type { IssuedCertificate } from '../helpers/certificates.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { closedPort } from '../helpers/ports.js';
import { handshake, sendTls } from '../helpers/tls-client.js';

/** A Nest logger that keeps the warnings. */
class WarningLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

/** Replaces `file` the way `mv` and most editors do: a new file renamed over the old one. */
function replaceFile(file: string, text: string): void {
  const temporary = `${file}.new`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

describe('TLS certificates: SNI, reload, bad files', () => {
  const h = new Harness();
  let ca: TestCa;
  let byDefault: IssuedCertificate;
  let wildcard: IssuedCertificate;
  let api: IssuedCertificate;

  beforeAll(() => {
    ca = TestCa.create();
    byDefault = ca.issue(['localhost', '127.0.0.1'], 'default');
    wildcard = ca.issue(['*.example.test'], 'wildcard');
    api = ca.issue(['api.example.test'], 'api');
  });
  afterAll(() => ca.remove());
  afterEach(() => h.closeAll());

  async function proxy(overrides: Partial<HarpConfigInput> = {}, logger: LoggerService | false = false): Promise<HarpServer> {
    const server = await startHarpServer({
      env: {},
      overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY, tlsCert: byDefault.certFile, tlsKey: byDefault.keyFile, tlsPort: 0, ...overrides },
      logger,
    });
    h.defer(() => server.close());
    return server;
  }

  it('picks the certificate by the name the client asks for, the default for other names and none', async () => {
    const server = await proxy({
      tlsCertificates: [
        { hosts: ['*.example.test'], cert: wildcard.certFile, key: wildcard.keyFile },
        { hosts: ['api.example.test'], cert: api.certFile, key: api.keyFile },
      ],
    });
    const port = server.tlsPort!;
    expect((await handshake(port, { servername: 'www.example.test' })).fingerprint).toBe(wildcard.fingerprint);
    expect((await handshake(port, { servername: 'API.example.test' })).fingerprint).toBe(api.fingerprint);
    expect((await handshake(port, { servername: 'a.b.example.test' })).fingerprint).toBe(byDefault.fingerprint);
    expect((await handshake(port, { servername: 'other.test' })).fingerprint).toBe(byDefault.fingerprint);
    expect((await handshake(port)).fingerprint).toBe(byDefault.fingerprint); // an IP: no SNI sent
    // Verified against the CA, with the name the request is for.
    const verified = await sendTls(`https://127.0.0.1:${port}/_harp/healthz`, { ca: ca.cert, servername: 'api.example.test' });
    expect(verified.status).toBe(200);
    expect(verified.fingerprint).toBe(api.fingerprint);
  });

  it('serves renewed certificates to new handshakes and keeps connections opened before', async () => {
    const rotating = ca.issue(['localhost', '127.0.0.1'], 'rotating');
    const rotatingApi = ca.issue(['api.example.test'], 'rotating-api');
    const server = await proxy({
      tlsCert: rotating.certFile,
      tlsKey: rotating.keyFile,
      tlsCertificates: [{ hosts: ['api.example.test'], cert: rotatingApi.certFile, key: rotatingApi.keyFile }],
    });
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    h.defer(() => keepAlive.destroy());
    const url = `${server.tlsUrl}/_harp/healthz`;
    const before = await sendTls(url, { ca: ca.cert, agent: keepAlive });
    expect(before.fingerprint).toBe(rotating.fingerprint);

    // A renewal: new certificates issued elsewhere, moved over the files in use (key first).
    const renewed = ca.issue(['localhost', '127.0.0.1'], 'renewed');
    const renewedApi = ca.issue(['api.example.test'], 'renewed-api');
    replaceFile(rotating.keyFile, renewed.key);
    replaceFile(rotating.certFile, renewed.cert);
    replaceFile(rotatingApi.keyFile, renewedApi.key);
    replaceFile(rotatingApi.certFile, renewedApi.cert);
    await eventually(
      async () => (await handshake(server.tlsPort!)).fingerprint === renewed.fingerprint,
      5000,
      'a new handshake to get the renewed default certificate',
    );
    await eventually(
      async () => (await handshake(server.tlsPort!, { servername: 'api.example.test' })).fingerprint === renewedApi.fingerprint,
      5000,
      'a new handshake to get the renewed SNI certificate',
    );

    // The connection opened before the renewal still serves, on its old certificate.
    const after = await sendTls(url, { ca: ca.cert, agent: keepAlive });
    expect(after.status).toBe(200);
    expect(after.reusedSocket).toBe(true);
    expect(after.socket).toBe(before.socket);
    expect(after.fingerprint).toBe(rotating.fingerprint);

    // Written in place (not replaced) works as well.
    const again = ca.issue(['localhost', '127.0.0.1'], 'again');
    writeFileSync(rotating.keyFile, again.key);
    writeFileSync(rotating.certFile, again.cert);
    await eventually(async () => (await handshake(server.tlsPort!)).fingerprint === again.fingerprint, 5000, 'the certificate written in place');
  });

  it('reloads at once when asked (SIGHUP in harp serve), before any file event is handled', async () => {
    const asked = ca.issue(['localhost', '127.0.0.1'], 'asked');
    const server = await proxy({ tlsCert: asked.certFile, tlsKey: asked.keyFile });
    expect(server.reloadCertificates()).toBe(false); // nothing changed
    const renewed = ca.issue(['localhost', '127.0.0.1'], 'asked-renewed');
    replaceFile(asked.keyFile, renewed.key);
    replaceFile(asked.certFile, renewed.cert);
    expect(server.reloadCertificates()).toBe(true);
    expect((await handshake(server.tlsPort!)).fingerprint).toBe(renewed.fingerprint);
  });

  // Kubernetes mounts a secret as `tls.crt -> ..data/tls.crt`, and updates it by pointing the
  // `..data` symlink at a new directory: the files named in the configuration never change.
  it('follows a secret volume whose data symlink is swapped', async () => {
    const volume = join(ca.dir, 'volume');
    const first = ca.issue(['localhost', '127.0.0.1'], 'secret-1');
    const second = ca.issue(['localhost', '127.0.0.1'], 'secret-2');
    const version = (name: string, leaf: IssuedCertificate): void => {
      mkdirSync(join(volume, name), { recursive: true });
      writeFileSync(join(volume, name, 'tls.crt'), leaf.cert);
      writeFileSync(join(volume, name, 'tls.key'), leaf.key);
    };
    version('v1', first);
    symlinkSync('v1', join(volume, '..data'));
    symlinkSync('..data/tls.crt', join(volume, 'tls.crt'));
    symlinkSync('..data/tls.key', join(volume, 'tls.key'));
    const server = await proxy({ tlsCert: join(volume, 'tls.crt'), tlsKey: join(volume, 'tls.key') });
    expect((await handshake(server.tlsPort!)).fingerprint).toBe(first.fingerprint);
    version('v2', second);
    symlinkSync('v2', join(volume, '..data_tmp'));
    renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
    await eventually(async () => (await handshake(server.tlsPort!)).fingerprint === second.fingerprint, 5000, 'the swapped secret');
  });

  it('keeps the certificate in use when a new file is broken, and logs why', async () => {
    const current = ca.issue(['localhost', '127.0.0.1'], 'current');
    const log = new WarningLog();
    const server = await proxy({ tlsCert: current.certFile, tlsKey: current.keyFile }, log);
    replaceFile(current.keyFile, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    await eventually(() => log.warnings.some((line) => line.includes(current.keyFile)), 5000, 'a warning naming the broken key');
    expect(log.warnings.find((line) => line.includes(current.keyFile))).toMatch(/certificates not reloaded, the ones in use are kept: tlsKey: .* is not an unencrypted PEM private key/);
    expect((await handshake(server.tlsPort!)).fingerprint).toBe(current.fingerprint);
    // A key of another certificate is refused the same way.
    replaceFile(current.keyFile, wildcard.key);
    await eventually(() => log.warnings.some((line) => line.includes(`is not the key of ${current.certFile}`)), 5000, 'a warning about the mismatched key');
    expect((await handshake(server.tlsPort!)).fingerprint).toBe(current.fingerprint);
    // And a good pair is taken again.
    const fixed = ca.issue(['localhost', '127.0.0.1'], 'fixed');
    replaceFile(current.keyFile, fixed.key);
    replaceFile(current.certFile, fixed.cert);
    await eventually(async () => (await handshake(server.tlsPort!)).fingerprint === fixed.fingerprint, 5000, 'the fixed certificate');
  });

  describe('a certificate that cannot be used stops start-up with a ConfigError naming the file', () => {
    const start = (overrides: Partial<HarpConfigInput>): Promise<HarpServer> => proxy(overrides);

    it('a missing file', async () => {
      const missing = join(ca.dir, 'missing.crt');
      await expect(start({ tlsCert: missing })).rejects.toThrow(ConfigError);
      await expect(start({ tlsCert: missing })).rejects.toThrow(`tlsCert: cannot read ${missing} (ENOENT: no such file or directory)`);
    });

    it('a file that is not a certificate', async () => {
      const garbage = join(ca.dir, 'garbage.crt');
      writeFileSync(garbage, 'hello');
      await expect(start({ tlsCert: garbage })).rejects.toThrow(`tlsCert: ${garbage} is not a PEM certificate`);
    });

    it('and a TLS port in use stops it too, leaving the plain port closed', async () => {
      const taken = await h.upstream(() => undefined);
      const busyPort = Number(new URL(taken.url).port);
      const plainPort = await closedPort();
      await expect(start({ port: plainPort, tlsPort: busyPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await expect(handshake(plainPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });

    it('a key that is not the certificate’s, in an SNI entry', async () => {
      const entry = { hosts: ['api.example.test'], cert: api.certFile, key: wildcard.keyFile };
      await expect(start({ tlsCertificates: [entry] })).rejects.toThrow(
        `tlsCertificates[0].key: ${wildcard.keyFile} is not the key of ${api.certFile}`,
      );
    });
  });
});
