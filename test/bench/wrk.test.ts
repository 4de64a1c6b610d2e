import { describe, expect, it } from 'vitest';
import { parseWrk } from '../../bench/lib.js';

/** The benchmark reads wrk's text report (wrk 4.1 with --latency); these are reports in that shape. */
describe('bench: reading a wrk report', () => {
  it('takes the request rate and the 50th and 99th percentiles, in milliseconds whatever unit wrk chose', () => {
    const report = [
      'Running 3s test @ http://127.0.0.1:41234/api/v1/Item?page=1&pageSize=10',
      '  1 threads and 10 connections',
      '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
      '    Latency     2.01ms    1.12ms  21.40ms   91.02%',
      '    Req/Sec     5.01k   312.45     5.52k    80.00%',
      '  Latency Distribution',
      '     50%  843.00us',
      '     75%    2.10ms',
      '     90%    3.02ms',
      '     99%    1.20s',
      '  15012 requests in 3.00s, 40.12MB read',
      'Requests/sec:   5003.87',
      'Transfer/sec:     13.37MB',
    ].join('\n');
    expect(parseWrk(report)).toEqual({ requestsPerSec: 5003.87, p50Ms: 0.843, p99Ms: 1200, errors: 0 });
  });

  it('counts non-2xx-or-3xx responses and every kind of socket error as errors', () => {
    const report = [
      '  Latency Distribution',
      '     50%    1.00ms',
      '     99%    2.00m',
      '  9000 requests in 3.00s, 2.01MB read',
      '  Socket errors: connect 1, read 2, write 3, timeout 4',
      '  Non-2xx or 3xx responses: 8990',
      'Requests/sec:   3000.00',
    ].join('\n');
    expect(parseWrk(report)).toEqual({ requestsPerSec: 3000, p50Ms: 1, p99Ms: 120_000, errors: 8990 + 1 + 2 + 3 + 4 });
  });

  it('refuses a report without a request rate rather than reading it as zero', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(/no request rate/);
  });
});
