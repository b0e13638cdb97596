import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { savedToken, saveToken, urlStateKey, urlStatePath } from './url-state.js';

describe('the --reuse-url state file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'harp-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under XDG_STATE_HOME, else ~/.local/state', () => {
    expect(urlStatePath({ XDG_STATE_HOME: '/s' })).toBe('/s/harp/urls.json');
    expect(urlStatePath({ HOME: '/home/u' })).toBe('/home/u/.local/state/harp/urls.json');
  });

  it('keys entries by the settings, without the key or server in clear', () => {
    const a = urlStateKey({ servers: ['ws://p:8080'], key: 'k1', upstream: 'http://127.0.0.1:3000', path: '/' });
    expect(urlStateKey({ servers: ['ws://p:8080'], key: 'k1', upstream: 'http://127.0.0.1:3000', path: '/' })).toBe(a);
    expect(urlStateKey({ servers: ['ws://p:8080'], key: 'k2', upstream: 'http://127.0.0.1:3000', path: '/' })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });

  it('saves and reads back a token, in a file only its owner reads', () => {
    const file = join(dir, 'harp', 'urls.json');
    expect(savedToken(file, 'x')).toBeUndefined();
    saveToken(file, 'x', 'v1.a.b.c');
    saveToken(file, 'y', 'v1.d.e.f');
    saveToken(file, 'x', 'v1.a.b.g');
    expect(savedToken(file, 'x')).toBe('v1.a.b.g');
    expect(savedToken(file, 'y')).toBe('v1.d.e.f');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
