import { IpList, isIpOrCidr } from './ip-list.js';

describe('IpList', () => {
  const list = new IpList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1']);

  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['::ffff:10.9.9.9', true], // IPv4 on a dual-stack socket
    ['2001:db8:1::5', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['::2', false],
    ['unknown', false],
    ['10.1.2.3:5555', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(list.has(address)).toBe(expected);
  });

  it('refuses an entry that is not an address or block', () => {
    expect(() => new IpList(['10.0.0.0/33'])).toThrow(TypeError);
  });
});

describe('isIpOrCidr', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['10.0.0.1', true],
    ['fd00::/8', true],
    ['::/0', true],
    ['0.0.0.0/0', true],
    ['10.0.0.0/33', false],
    ['fd00::/129', false],
    ['10.0.0.0/8/8', false],
    ['10.0.0.0/', false],
    ['example.com', false],
    ['', false],
  ])('%s → %s', (entry, expected) => {
    expect(isIpOrCidr(entry)).toBe(expected);
  });
});
