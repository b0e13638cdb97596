import { policiesFor, type OperatorRule } from './operator-rules.js';
import { storedPolicy } from './policy-builder.js';

const full = (source: string, flags = '') => new RegExp(`^(?:${source})$`, flags);
const rule = (hosts: string[], paths: string[]): OperatorRule => ({
  hosts: hosts.map((h) => full(h, 'i')),
  paths: paths.map((p) => full(p)),
  policy: storedPolicy({ realm: `${hosts.join()} ${paths.join()}` }),
});

describe('policiesFor', () => {
  const admin = rule(['.*'], ['/admin(/.*)?']);
  const shop = rule(['shop\\.example\\.com'], ['.*']);
  const rules = [admin, shop];

  it.each<[string | undefined, string, OperatorRule[]]>([
    ['app.example.com', '/', []],
    ['app.example.com', '/admin', [admin]],
    ['app.example.com', '/admin/users', [admin]],
    ['app.example.com', '/administrator', []],
    ['shop.example.com', '/', [shop]],
    ['shop.example.com', '/admin', [admin, shop]],
    ['app.example.com', '/%61dmin', [admin]],
    ['app.example.com', '//admin', [admin]],
    ['app.example.com', '/x/../admin/', [admin]],
    [undefined, '/admin', [admin]],
  ])('%s %s', (host, path, expected) => {
    expect(policiesFor(rules, host, path)).toEqual(expected.map((r) => r.policy));
  });
});
