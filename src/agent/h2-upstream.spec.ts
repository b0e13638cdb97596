import { fieldsFromH2, h2RequestHeaders, h2TrailerFields } from './h2-upstream.js';

describe('HTTP/2 upstream fields', () => {
  const head = (headers: Array<[string, string]>) => ({ method: 'POST', target: '/pkg.Svc/Call?x=1', headers });

  it('turns Host into :authority and drops the fields of one HTTP/1.1 connection (RFC 9113 §8.2.2)', () => {
    const fields = h2RequestHeaders(
      head([
        ['Host', 'app.example.com'],
        ['Connection', 'keep-alive'],
        ['Keep-Alive', 'timeout=5'],
        ['Transfer-Encoding', 'chunked'],
        ['Upgrade', 'h2c'],
        ['HTTP2-Settings', 'AAMAAABkAAQAAP__'],
        ['Proxy-Connection', 'close'],
        ['Content-Type', 'application/grpc'],
        ['grpc-timeout', '1S'],
      ]),
      'http',
    );
    expect(fields).toEqual({
      ':method': 'POST',
      ':path': '/pkg.Svc/Call?x=1',
      ':scheme': 'http',
      ':authority': 'app.example.com',
      'content-type': 'application/grpc',
      'grpc-timeout': '1S',
      te: 'trailers',
    });
  });

  it('always asks for trailers with TE (gRPC servers require it), whatever TE the request had', () => {
    expect(h2RequestHeaders(head([['TE', 'gzip'], ['Host', 'a']]), 'https')).toMatchObject({ te: 'trailers', ':scheme': 'https' });
  });

  it('keeps repeated fields as a list, and joins cookies into one field', () => {
    const fields = h2RequestHeaders(
      head([
        ['Host', 'a'],
        ['Accept', 'text/html'],
        ['accept', 'application/json'],
        ['Cookie', 'a=1'],
        ['Cookie', 'b=2'],
      ]),
      'http',
    );
    expect([fields.accept, fields.cookie]).toEqual([['text/html', 'application/json'], 'a=1; b=2']);
  });

  it('leaves pseudo-fields and connection fields out of request trailers, names in lower case', () => {
    expect(h2TrailerFields([[':path', '/x'], ['Connection', 'close'], ['X-Checksum', 'abc'], ['grpc-status-details-bin', 'AA']])).toEqual({
      'x-checksum': 'abc',
      'grpc-status-details-bin': 'AA',
    });
  });

  it('reads response fields as pairs, pseudo-fields left out and each value of a list kept', () => {
    const fields = fieldsFromH2({ ':status': 200, 'content-type': 'application/grpc', 'set-cookie': ['a=1', 'b=2'], 'grpc-status': '0' });
    expect(fields).toEqual([
      ['content-type', 'application/grpc'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['grpc-status', '0'],
    ]);
  });
});
