import { isLoopbackAddress } from './loopback.js';

describe('isLoopbackAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::FFFF:127.1.2.3',
    '0:0:0:0:0:ffff:127.0.0.1',
  ])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([
    undefined,
    '',
    '10.0.0.1',
    '128.0.0.1',
    '1.127.0.0',
    '::2',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1', // hex form is never what Node reports; refuse rather than guess
    'fe80::1',
    'localhost',
    '127.0.0.1.evil',
  ])('%s is not loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
