/**
 * `npm run bench`: runs every scenario in bench/scenarios/ (each file's default export), one after another in one
 * process, and prints their measurements and ratios in one table (SPEC §9: same machine, same run).
 *
 * Env: QM_BENCH_SECONDS (per measurement, default 5), QM_BENCH_CONNECTIONS (default 10), QM_BENCH_ONLY (a name),
 * QM_BENCH_LOADGEN (wrk or autocannon; default wrk when it is installed).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGenerator, type Scenario, type ScenarioResult } from './lib.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${name} must be a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const seconds = positiveInt('QM_BENCH_SECONDS', 5);
const connections = positiveInt('QM_BENCH_CONNECTIONS', 10);
const only = process.env.QM_BENCH_ONLY?.trim() || null;

const dir = path.join(import.meta.dirname, 'scenarios');
const scenarios: Scenario[] = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: Scenario };
  if (!mod.default?.run) {
    console.error(`bench: ${file} has no default Scenario export; skipped`);
    continue;
  }
  if (!only || mod.default.name === only) scenarios.push(mod.default);
}
if (!scenarios.length) {
  console.error(only ? `bench: no scenario named "${only}"` : 'bench: no scenarios found');
  process.exit(2);
}

const results: { name: string; result?: ScenarioResult; error?: unknown }[] = [];
for (const s of scenarios) {
  console.error(`bench: running ${s.name} (${seconds}s per measurement, ${connections} connections, load from ${loadGenerator()})…`);
  try {
    results.push({ name: s.name, result: await s.run({ seconds, connections }) });
  } catch (error) {
    console.error(`bench: ${s.name} failed:`, error);
    results.push({ name: s.name, error });
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const lines: string[] = [`load generator: ${loadGenerator()}`, ''];
lines.push(`${pad('scenario', 10)} ${pad('measurement', 44)} ${lpad('req/s', 10)} ${lpad('p50 ms', 8)} ${lpad('p99 ms', 8)} ${lpad('errors', 7)}`);
lines.push('-'.repeat(92));
for (const { name, result, error } of results) {
  if (!result) {
    lines.push(`${pad(name, 10)} FAILED: ${String((error as Error)?.message ?? error)}`);
    continue;
  }
  lines.push(`${pad(name, 10)} ${result.title}`);
  for (const m of result.measurements) {
    lines.push(
      `${pad('', 10)} ${pad(m.label, 44)} ${lpad(m.requestsPerSec.toFixed(0), 10)} ${lpad(m.p50Ms.toFixed(1), 8)} ${lpad(m.p99Ms.toFixed(1), 8)} ${lpad(String(m.errors), 7)}`,
    );
  }
  for (const n of result.notes ?? []) lines.push(`${pad('', 10)} note: ${n}`);
}
lines.push('');
lines.push(`${pad('scenario', 10)} ${pad('ratio', 44)} ${lpad('value', 10)} ${lpad('goal', 8)} ${lpad('', 8)}`);
lines.push('-'.repeat(92));
let failed = false;
for (const { name, result } of results) {
  for (const r of result?.ratios ?? []) {
    if (!r.ok) failed = true;
    lines.push(`${pad(name, 10)} ${pad(r.name, 44)} ${lpad(r.value.toFixed(3), 10)} ${lpad(r.goal, 8)} ${lpad(r.ok ? 'ok' : 'MISSED', 8)}`);
  }
}
console.log(lines.join('\n'));
if (results.some((r) => r.error)) process.exitCode = 1;
else if (failed) process.exitCode = 3;
