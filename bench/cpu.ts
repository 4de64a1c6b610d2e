/**
 * `tsx bench/cpu.ts`: server CPU time per request of the token list next to the bare route (bench/bare.ts), one
 * server process. CPU time per request holds steady on a busy machine where throughput does not, so this is the
 * figure to steer the hot path by while others load the machine; `npm run bench` remains the measurement of record.
 *
 * Env: DATABASE_URL (PostgreSQL; unset: the embedded database), QM_BENCH_SECONDS (per round, default 3),
 * QM_BENCH_ROUNDS (default 5), QM_BENCH_CONNECTIONS (default 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './child.js';
import { measure } from './lib.js';

const URL_PATH = '/api/v1/Item?page=1&pageSize=10';
const seconds = Number(process.env.QM_BENCH_SECONDS ?? 3);
const rounds = Number(process.env.QM_BENCH_ROUNDS ?? 5);
const connections = Number(process.env.QM_BENCH_CONNECTIONS ?? 10);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-cpu-'));
const server = await startServer(dataDir, { databaseUrl: process.env.DATABASE_URL || null, workers: 1 });
try {
  const { seeded } = server;
  const headers = { authorization: `Token ${seeded.token}` };
  const targets = [
    { label: 'bare route', port: seeded.bare, which: 'bare' as const },
    { label: 'Token list', port: seeded.normal, which: 'normal' as const },
  ];
  for (const t of targets) {
    const warm = await measure(t.label, `http://127.0.0.1:${t.port}${URL_PATH}`, { seconds: 1, connections, headers });
    if (warm.errors) throw new Error(`${t.label}: ${warm.errors} failed requests while warming up`);
  }
  const cpu: number[][] = targets.map(() => []);
  const rps: number[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length;
      const t = targets[i]!;
      const before = await server.stats();
      const m = await measure(t.label, `http://127.0.0.1:${t.port}${URL_PATH}`, { seconds, connections, headers });
      const after = await server.stats();
      const used = after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
      cpu[i]!.push(used / Math.max(1, after.served[t.which] - before.served[t.which]));
      rps[i]!.push(m.requestsPerSec);
    }
  }
  for (const [i, t] of targets.entries()) {
    console.log(
      `${t.label.padEnd(12)} CPU ${median(cpu[i]!).toFixed(0).padStart(5)} µs/request (rounds ${cpu[i]!.map((x) => x.toFixed(0)).join(', ')}); ${median(rps[i]!).toFixed(0)} req/s`,
    );
  }
  console.log(
    `Token list / bare route, CPU: ${(median(cpu[1]!) / median(cpu[0]!)).toFixed(3)} (medians), ${(Math.min(...cpu[1]!) / Math.min(...cpu[0]!)).toFixed(3)} (least)`,
  );
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
