import { pathForms } from './path-forms.js';

describe('pathForms', () => {
  it.each([
    ['/', ['/']],
    ['/admin', ['/admin']],
    ['/admin/', ['/admin/']],
    ['/%61dmin', ['/%61dmin', '/admin']],
    ['/%2e%2e/admin', ['/%2e%2e/admin', '/admin']],
    ['//admin', ['//admin', '/admin']],
    ['/x/../admin', ['/x/../admin', '/admin']],
    ['/./admin/.', ['/./admin/.', '/admin/']],
    ['/a%2fb', ['/a%2fb', '/a%2Fb']], // an encoded slash stays a character of its segment
    ['/caf%C3%A9', ['/caf%C3%A9']],
  ])('%s → %j', (raw, expected) => {
    expect(pathForms(raw)).toEqual(expected);
  });
});
