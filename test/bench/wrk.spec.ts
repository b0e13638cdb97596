import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWrk, postScript, writePostScript, wrkArgs } from '../../bench/wrk.js';

// wrk 4.1's report with --latency, as it prints it (socket errors and non-2xx lines appear only when there are any).
const REPORT = `Running 3s test @ http://127.0.0.1:8080/1k
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.34us  201.22us   8.91ms   88.12%
    Req/Sec    26.12k     1.03k   28.40k    70.00%
  Latency Distribution
     50%  580.00us
     75%  690.00us
     90%  810.00us
     99%    1.41ms
  156000 requests in 3.00s, 195.00MB read
Requests/sec:  52000.00
Transfer/sec:     65.00MB
`;

const opts = { url: 'http://127.0.0.1:8080/1k', connections: 32, bodyBytes: 1024 };

describe('parseWrk', () => {
  it('reads totals, rates, percentiles and the mean latency, in ms and bytes (wrk\'s MB is 2^20)', () => {
    const r = parseWrk(REPORT, opts);
    expect(r).toMatchObject({ requests: 156000, seconds: 3, bytes: 195 * 2 ** 20, errors: 0, timeouts: 0, non2xx: 0, problems: [] });
    expect(r.requestsPerSec).toBeCloseTo(52000);
    expect(r.bytesPerSec).toBeCloseTo((195 * 2 ** 20) / 3);
    expect(r.latencyP50Ms).toBeCloseTo(0.58);
    expect(r.latencyP99Ms).toBeCloseTo(1.41);
    expect(r.latencyMeanMs).toBeCloseTo(0.61234);
  });

  it('counts socket errors (timeouts included) and non-2xx responses as problems', () => {
    const text = REPORT.replace('read\n', 'read\n  Socket errors: connect 1, read 3, write 0, timeout 2\n  Non-2xx or 3xx responses: 7\n');
    const r = parseWrk(text, opts);
    expect(r).toMatchObject({ errors: 6, timeouts: 2, non2xx: 7 });
    expect(r.problems).toEqual(['6 socket errors (2 timeouts)', '7 non-2xx responses']);
  });

  it('flags responses shorter than the body on average (wrk does not check bodies)', () => {
    const r = parseWrk(REPORT.replace('195.00MB', '100.00MB'), opts);
    expect(r.problems).toEqual([expect.stringMatching(/^responses average \d+ bytes, body is 1024$/)]);
  });

  it('reads seconds and minutes, and says when nothing completed', () => {
    const r = parseWrk(REPORT.replace('156000 requests in 3.00s, 195.00MB', '0 requests in 1.00m, 0.00B').replace('1.41ms', '2.00s'), opts);
    expect(r.seconds).toBe(60);
    expect(r.latencyP99Ms).toBe(2000);
    expect(r.problems).toContain('no request completed');
  });

  it('throws on output without the totals line, so that a failed run is not read as zero', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n', opts)).toThrow(/requests in/);
  });
});

describe('wrkArgs', () => {
  it('uses at most one thread per connection, two in all, with latency percentiles', () => {
    expect(wrkArgs({ url: 'http://h/1k', connections: 1, seconds: 3 })).toEqual(['-t1', '-c1', '-d3s', '--timeout', '30s', '--latency', 'http://h/1k']);
    expect(wrkArgs({ url: 'http://h/1k', connections: 256, seconds: 5 }).slice(0, 3)).toEqual(['-t2', '-c256', '-d5s']);
  });

  it('passes a script before the URL', () => {
    expect(wrkArgs({ url: 'http://h/echo', connections: 8, seconds: 3, script: '/tmp/post.lua' }).slice(-3)).toEqual(['-s', '/tmp/post.lua', 'http://h/echo']);
  });
});

describe('postScript', () => {
  it('makes every request a POST with a body of the given size', () => {
    const lua = postScript(1048576);
    expect(lua).toContain('wrk.method = "POST"');
    expect(lua).toContain('wrk.body = string.rep("x", 1048576)');
    expect(lua).toContain('wrk.headers["Content-Type"] = "application/octet-stream"');
  });

  it('refuses a size that is not a whole number of bytes', () => {
    expect(() => postScript(1.5)).toThrow(/non-negative integer/);
    expect(() => postScript(-1)).toThrow(/non-negative integer/);
  });

  it('is written into a directory as one file per body size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harp-wrk-spec-'));
    try {
      const file = writePostScript(dir, 2048);
      expect(file).toBe(join(dir, 'post-2048.lua'));
      expect(readFileSync(file, 'utf8')).toBe(postScript(2048));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
