import autocannon from 'autocannon';

/**
 * The benchmark's shared parts. Each scenario in bench/scenarios/ exports `default: Scenario`; bench/run.ts runs
 * them in one process, one after another, and prints every figure and ratio together (SPEC §9: same machine,
 * same run, ratios).
 */
export interface Measurement {
  label: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface Ratio {
  name: string;
  value: number;
  /** e.g. "<= 1.10" */
  goal: string;
  ok: boolean;
}

export interface ScenarioResult {
  title: string;
  measurements: Measurement[];
  ratios: Ratio[];
  notes?: string[];
}

export interface Scenario {
  name: string;
  run(opts: { seconds: number; connections: number }): Promise<ScenarioResult>;
}

/** Load one URL on a real socket with autocannon; non-2xx responses count as errors. */
export async function measure(
  label: string,
  url: string,
  opts: { seconds: number; connections: number; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<Measurement> {
  const result = await autocannon({
    url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections,
    duration: opts.seconds,
    pipelining: 1,
  });
  return {
    label,
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** cost ratio = baseline throughput / measured throughput (1.10 means 10% more time per request). */
export function costRatio(name: string, baseline: Measurement, measured: Measurement, max: number): Ratio {
  const value = baseline.requestsPerSec / measured.requestsPerSec;
  return { name, value, goal: `<= ${max.toFixed(2)}`, ok: value <= max };
}
