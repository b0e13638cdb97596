import { isBasicUser, isBearerToken, parseAuthorization } from './authorization.js';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('parseAuthorization', () => {
  it.each([
    ['Basic', basic('alice:secret'), { scheme: 'basic', user: 'alice', password: 'secret' }],
    ['a colon in the password', basic('alice:a:b'), { scheme: 'basic', user: 'alice', password: 'a:b' }],
    ['an empty password', basic('alice:'), { scheme: 'basic', user: 'alice', password: '' }],
    ['UTF-8 (RFC 7617 §2.1)', basic('jöhn:pässwörd'), { scheme: 'basic', user: 'jöhn', password: 'pässwörd' }],
    ['the scheme in any case', `bAsIc ${Buffer.from('a:b').toString('base64')}`, { scheme: 'basic', user: 'a', password: 'b' }],
    ['Bearer', 'Bearer abc.DEF-123_~+/=', { scheme: 'bearer', token: 'abc.DEF-123_~+/=' }],
    ['bearer in lower case', 'bearer t0k', { scheme: 'bearer', token: 't0k' }],
  ])('reads %s', (_name, value, expected) => {
    expect(parseAuthorization(value)).toEqual(expected);
  });

  it.each([
    ['no field', undefined],
    ['two fields', [basic('a:b'), basic('a:b')]],
    ['another scheme', 'Digest username="a"'],
    ['Basic without a colon', basic('alice')],
    ['Basic that is not base64', 'Basic !!!!'],
    ['Basic with bad padding', 'Basic YTpi='],
    ['a control character', basic('al\x01ce:pw')],
    ['no credentials', 'Basic'],
    ['no space', 'BasicYTpi'],
    ['auth-params', 'Bearer realm="x", token="y"'],
  ])('refuses %s', (_name, value) => {
    expect(parseAuthorization(value)).toBeUndefined();
  });
});

describe('credential syntax', () => {
  it.each([
    ['alice', true],
    ['', false],
    ['a:b', false],
    ['a\tb', false],
  ])('user %j → %s', (user, expected) => expect(isBasicUser(user)).toBe(expected));

  it.each([
    ['abc-._~+/', true],
    ['abc==', true],
    ['a b', false],
    ['', false],
    ['=abc', false],
  ])('token %j → %s', (token, expected) => expect(isBearerToken(token)).toBe(expected));
});
