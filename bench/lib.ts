import autocannon from 'autocannon';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

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

/**
 * The load generator. It runs on the machine it measures, so what it costs per request is taken from the cores the
 * server and the database share: wrk (Debian's `wrk`, in C) costs about 20 µs of CPU per request on the 2-core
 * development machine, autocannon (in Node.js) 40-50 µs. wrk when it is on PATH, autocannon otherwise;
 * `QM_BENCH_LOADGEN=wrk|autocannon` chooses. Decided on first use (importing this file runs nothing).
 */
export function loadGenerator(): 'wrk' | 'autocannon' {
  return (chosen ??= chooseLoadGenerator());
}

let chosen: 'wrk' | 'autocannon' | undefined;

function chooseLoadGenerator(): 'wrk' | 'autocannon' {
  const asked = process.env.QM_BENCH_LOADGEN?.trim() || null;
  if (asked !== null && asked !== 'wrk' && asked !== 'autocannon') {
    console.error(`bench: QM_BENCH_LOADGEN must be wrk or autocannon, got "${asked}"`);
    process.exit(2);
  }
  // `wrk --version` prints its version and exits with 1; a missing program is an error of spawnSync itself.
  const found = !spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error;
  if (asked === 'wrk' && !found) {
    console.error('bench: QM_BENCH_LOADGEN=wrk, but wrk is not installed (apt-get install wrk)');
    process.exit(2);
  }
  return asked === 'autocannon' || !found ? 'autocannon' : 'wrk';
}

interface Load {
  seconds: number;
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** Load one URL on a real socket with the load generator; non-2xx responses (wrk: non-2xx-or-3xx), socket errors and timeouts count as errors. */
export async function measure(label: string, url: string, opts: Load): Promise<Measurement> {
  return loadGenerator() === 'wrk' ? withWrk(label, url, opts) : withAutocannon(label, url, opts);
}

async function withAutocannon(label: string, url: string, opts: Load): Promise<Measurement> {
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

/** One wrk thread: it keeps well over 10,000 requests a second going, so a second would only add its own switching. */
async function withWrk(label: string, url: string, opts: Load): Promise<Measurement> {
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--timeout', '10s', '--latency'];
  for (const [name, value] of Object.entries(opts.headers ?? {})) args.push('-H', `${name}: ${value}`);
  let dir: string | null = null;
  try {
    if ((opts.method ?? 'GET') !== 'GET' || opts.body !== undefined) {
      // Method and body go through a Lua script; the body is read from a file, so it needs no quoting.
      dir = mkdtempSync(path.join(tmpdir(), 'qm-bench-wrk-'));
      const bodyFile = path.join(dir, 'body');
      writeFileSync(bodyFile, opts.body ?? '');
      const script = path.join(dir, 'request.lua');
      writeFileSync(
        script,
        `wrk.method = ${JSON.stringify(opts.method ?? 'GET')}\nlocal f = assert(io.open(${JSON.stringify(bodyFile)}, "rb"))\nwrk.body = f:read("*a")\nf:close()\n`,
      );
      args.push('-s', script);
    }
    const { stdout } = await execFileAsync('wrk', [...args, url], { maxBuffer: 1 << 20 }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`${label}: wrk failed: ${error.stderr?.trim() || error.message}`);
    });
    return { label, ...parseWrk(stdout) };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const TIME_UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** wrk's report: `Requests/sec:`, the `--latency` distribution, `Non-2xx or 3xx responses:` and `Socket errors:`. */
export function parseWrk(out: string): Omit<Measurement, 'label'> {
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  if (!rate) throw new Error(`wrk printed no request rate:\n${out}`);
  const percentile = (p: number) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(out);
    return m ? Number(m[1]) * TIME_UNIT_MS[m[2]!]! : NaN;
  };
  const non2xx = Number(/^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(out)?.[1] ?? 0);
  const socket = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/m.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  return { requestsPerSec: Number(rate[1]), p50Ms: percentile(50), p99Ms: percentile(99), errors: non2xx + socketErrors };
}

/** cost ratio = baseline throughput / measured throughput (1.10 means 10% more time per request). */
export function costRatio(name: string, baseline: Measurement, measured: Measurement, max: number): Ratio {
  const value = baseline.requestsPerSec / measured.requestsPerSec;
  return { name, value, goal: `<= ${max.toFixed(2)}`, ok: value <= max };
}
