import { REDACTED } from '../http/redaction.js';
import { fieldRedactor, fieldViews } from './redaction.js';

describe('fieldRedactor', () => {
  const isSecret = fieldRedactor(['X-Api-Key', ' x-session ']);

  it.each(['authorization', 'Authorization', 'PROXY-AUTHORIZATION', 'Cookie', 'set-cookie', 'Set-Cookie'])(
    'always treats %s as secret',
    (name) => expect(isSecret(name)).toBe(true),
  );

  it.each(['x-api-key', 'X-API-KEY', 'X-Session'])('treats the configured %s as secret, whatever its case', (name) =>
    expect(isSecret(name)).toBe(true),
  );

  it.each(['content-type', 'x-api-key-id', 'authorizations', ''])('shows %j', (name) =>
    expect(isSecret(name)).toBe(false),
  );

  it('still redacts the always-secret fields with nothing configured', () => {
    expect(fieldRedactor([])('cookie')).toBe(true);
  });
});

describe('fieldViews', () => {
  it('pairs a raw list in order and spelling, redacting secret values', () => {
    const raw = ['Host', 'a.test', 'Cookie', 'sid=1', 'X-Api-Key', 'k', 'cookie', 'b=2'];
    expect(fieldViews(raw, fieldRedactor(['x-api-key']))).toEqual([
      { name: 'Host', value: 'a.test' },
      { name: 'Cookie', value: REDACTED.inspector },
      { name: 'X-Api-Key', value: REDACTED.inspector },
      { name: 'cookie', value: REDACTED.inspector },
    ]);
  });

  it('drops a dangling name', () => {
    expect(fieldViews(['A', '1', 'B'], () => false)).toEqual([{ name: 'A', value: '1' }]);
  });
});
