import { isReservedPath, isReservedUrl, RESERVED_PREFIX } from './reserved-prefix.js';

describe('isReservedPath', () => {
  it.each(['/_harp', '/_harp/', '/_harp/healthz', '/_harp/anything/unknown', '/_harp//x'])('%j is reserved', (p) => {
    expect(isReservedPath(p)).toBe(true);
  });

  it.each(['/', '/_harpoon', '/_harp-x', '/_HARP/x', '/x/_harp', '/%5Fharp/x', '_harp'])('%j is not', (p) => {
    expect(isReservedPath(p)).toBe(false);
  });
});

describe('isReservedUrl', () => {
  it.each(['/_harp', '/_harp/', '/_harp/healthz', '/_harp?x=1', '/_harp#frag', '/_harp/api/agents?limit=2'])(
    '%j is reserved',
    (url) => {
      expect(isReservedUrl(url)).toBe(true);
    },
  );

  it.each([undefined, '', '/', '/_harpoon', '/_harp-x', '/_HARP/x', 'http://h/_harp'])('%j is not', (url) => {
    expect(isReservedUrl(url)).toBe(false);
  });
});

it('the prefix is /_harp/', () => {
  expect(RESERVED_PREFIX).toBe('/_harp/');
});
