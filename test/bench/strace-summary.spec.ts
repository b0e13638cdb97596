import { parseStraceSummary, perRequest } from '../../bench/strace-summary.js';

const SUMMARY = `strace: Process 123 attached with 11 threads
strace: Process 123 detached
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 61.20    0.512000          12     40000           writev
 20.10    0.168000           4     39000       120 read
  9.00    0.075000           2     30000           epoll_wait
  0.01    0.000100         100         1           futex
------ ----------- ----------- --------- --------- ----------------
100.00    0.836600           7    109001       120 total
`;

describe('parseStraceSummary', () => {
  it('reads the calls column of every row, errors or not, and the total', () => {
    const calls = parseStraceSummary(SUMMARY);
    expect(calls.get('writev')).toBe(40000);
    expect(calls.get('read')).toBe(39000);
    expect(calls.get('futex')).toBe(1);
    expect(calls.get('total')).toBe(109001);
    expect(calls.has('strace')).toBe(false);
  });

  it('divides every count by the number of requests', () => {
    const rates = perRequest(parseStraceSummary(SUMMARY), 20000);
    expect(rates.get('writev')).toBe(2);
    expect(() => perRequest(new Map(), 0)).toThrow('no requests');
  });
});
