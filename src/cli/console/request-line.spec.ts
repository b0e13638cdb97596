import { exchangeLine } from '../output.js';
import { terminalExchangeLine } from './request-line.js';

describe('terminalExchangeLine', () => {
  it.each([
    [200, '\x1b[32m200\x1b[39m'],
    [204, '\x1b[32m204\x1b[39m'],
    [301, '\x1b[36m301\x1b[39m'],
    [404, '\x1b[33m404\x1b[39m'],
    [502, '\x1b[31m502\x1b[39m'],
    [0, '\x1b[31mERR\x1b[39m'],
  ])('colours status %d', (status, painted) => {
    const record = { method: 'GET', target: '/a b', status, ms: 12, ...(status === 0 ? { error: 'refused' } : {}) };
    const tail = status === 0 ? ' 12ms (refused)\n' : ' 12ms\n';
    expect(terminalExchangeLine(record, true)).toBe(`GET /a b ${painted}${tail}`);
  });

  it('is harp http\'s plain line without colour', () => {
    const record = { method: 'POST', target: '/x', status: 201, ms: 3.25 };
    expect(terminalExchangeLine(record, false)).toBe(exchangeLine(record));
  });
});
