import { CertificateIndex } from './certificate-selection.js';

describe('CertificateIndex', () => {
  const index = new CertificateIndex([
    { hosts: ['*.example.com', 'example.com'] },
    { hosts: ['api.example.com'] },
    { hosts: ['*.example.com', 'other.test'] },
    { hosts: ['*.b.example.com'] },
  ]);

  it.each<[string | undefined, number | undefined, string]>([
    ['api.example.com', 1, 'an exact name wins over a wildcard listed before it'],
    ['www.example.com', 0, 'a wildcard covers one label, the first entry that lists it'],
    ['example.com', 0, 'the bare domain only when it is listed itself'],
    ['a.b.example.com', 3, 'a wildcard of a deeper domain'],
    ['x.y.b.example.com', undefined, 'a wildcard never covers two labels'],
    ['deep.www.example.com', undefined, 'nor does the shallower one'],
    ['other.test', 2, 'an exact name of a later entry'],
    ['API.Example.COM', 1, 'names compare without case'],
    ['api.example.com.', 1, 'a fully qualified name is the same name'],
    ['nothing.invalid', undefined, 'no match: the default'],
    ['.example.com', undefined, 'an empty first label is no name'],
    ['', undefined, 'no name at all: the default'],
    [undefined, undefined, 'a client that sent no name: the default'],
  ])('%s → %s (%s)', (name, expected) => {
    expect(index.select(name)).toBe(expected);
  });
});
