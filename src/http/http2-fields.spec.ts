import { http1RequestFields, http2HeadText, http2ResponseFields, isHttp2Request } from './http2-fields.js';

describe('http1RequestFields', () => {
  it('drops pseudo-header fields and carries :authority as Host, first', () => {
    const raw = [':method', 'GET', ':path', '/a', ':scheme', 'https', ':authority', 'app.test:8443', 'accept', '*/*'];
    expect(http1RequestFields(raw)).toEqual({ fields: ['Host', 'app.test:8443', 'accept', '*/*'], host: 'app.test:8443' });
  });

  it('keeps a Host that names the same host as :authority, and no second one', () => {
    const raw = [':authority', 'App.test', 'host', 'app.test', 'x', '1'];
    expect(http1RequestFields(raw)).toEqual({ fields: ['host', 'app.test', 'x', '1'], host: 'app.test' });
  });

  it('refuses a Host that differs from :authority, and several Host fields', () => {
    expect(http1RequestFields([':authority', 'a.test', 'host', 'b.test'])).toBe('Host and :authority name different hosts');
    expect(http1RequestFields(['host', 'a.test', 'host', 'a.test'])).toBe('more than one Host field');
  });

  it('joins split cookie-pairs into one Cookie field where the first was', () => {
    const raw = [':authority', 'a.test', 'cookie', 'a=1', 'accept', 'x', 'cookie', 'b=2', 'cookie', 'c=3'];
    expect(http1RequestFields(raw)).toEqual({ fields: ['Host', 'a.test', 'cookie', 'a=1; b=2; c=3', 'accept', 'x'], host: 'a.test' });
  });

  it('leaves the host undefined when the request names none', () => {
    expect(http1RequestFields([':method', 'GET', ':path', '/'])).toEqual({ fields: [], host: undefined });
  });
});

describe('http2ResponseFields', () => {
  it('removes every connection-specific field, whatever its spelling, and keeps the order of the rest', () => {
    const raw = ['Content-Type', 'text/plain', 'Connection', 'close', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked',
      'Upgrade', 'h2c', 'Proxy-Connection', 'keep-alive', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
    expect(http2ResponseFields(raw)).toEqual(['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  });
});

describe('http2HeadText', () => {
  it('writes a status line without reason phrase and one line per field', () => {
    expect(http2HeadText(404, ['content-type', 'text/plain', 'x-a', '1'])).toBe('HTTP/2 404\r\ncontent-type: text/plain\r\nx-a: 1\r\n\r\n');
  });
});

describe('isHttp2Request', () => {
  it('is true only for a request of major version 2 on a stream', () => {
    expect(isHttp2Request({ httpVersionMajor: 2, stream: {} } as never)).toBe(true);
    // An HTTP/1 request line that says HTTP/2.0 is still an HTTP/1 message.
    expect(isHttp2Request({ httpVersionMajor: 2 })).toBe(false);
    expect(isHttp2Request({ httpVersionMajor: 1, stream: {} } as never)).toBe(false);
  });
});
