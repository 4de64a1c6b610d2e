import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../child.js';
import { measure, type Measurement, type Ratio, type Scenario } from '../lib.js';

/**
 * What authentication costs on a list call (SPEC §9): `GET /api/v1/Item?page=1&pageSize=10` on 1000 items, with
 * auth switched off, then with a personal token, Basic (password, verified-credential cache) and an API key.
 * Two figures per path: throughput (autocannon) and the server's CPU time per request (process.cpuUsage over IPC).
 */
const scenario: Scenario = {
  name: 'auth',
  async run({ seconds, connections }) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-'));
    const server = await startServer(dataDir);
    const s = server.seeded;
    try {
      const url = '/api/v1/Item?page=1&pageSize=10';
      const normal = `http://127.0.0.1:${s.normal}${url}`;
      const noAuthUrl = `http://127.0.0.1:${s.noAuth}${url}`;
      const basic = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
      const opts = { seconds, connections };
      const runs: [string, string, Record<string, string>, 'normal' | 'noAuth'][] = [
        ['no auth (auth switched off)', noAuthUrl, {}, 'noAuth'],
        ['Token <personal token>', normal, { authorization: `Token ${s.token}` }, 'normal'],
        ['Basic (password)', normal, { authorization: basic }, 'normal'],
        ['token <api_key>:<api_secret>', normal, { authorization: `token ${s.apiKey}:${s.apiSecret}` }, 'normal'],
      ];
      // Warm up every path once (JIT, caches, connection pools) so order does not favour anyone.
      for (const [label, target, headers] of runs) await measure(label, target, { ...opts, seconds: 1, headers });
      // Neighbours on a shared machine come and go: measure the four paths back to back in short rounds (rotating
      // the order), compute each round's ratios from measurements taken moments apart, and report the medians.
      const rounds = 6;
      const slice = Math.max(1, Math.ceil(seconds / 2));
      const perRound: { m: Measurement; cpu: number }[][] = [];
      for (let round = 0; round < rounds; round++) {
        const results: { m: Measurement; cpu: number }[] = [];
        for (let k = 0; k < runs.length; k++) {
          const i = (k + round) % runs.length;
          const [label, target, headers, which] = runs[i]!;
          const before = await server.stats();
          const m = await measure(label, target, { ...opts, seconds: slice, headers });
          const after = await server.stats();
          const used = after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
          results[i] = { m, cpu: used / Math.max(1, after.served[which] - before.served[which]) };
        }
        perRound.push(results);
      }
      const median = (xs: number[]) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const mid = sorted.length >> 1;
        return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      };
      const measurements: Measurement[] = runs.map(([label], i) => ({
        label,
        requestsPerSec: median(perRound.map((r) => r[i]!.m.requestsPerSec)),
        p50Ms: median(perRound.map((r) => r[i]!.m.p50Ms)),
        p99Ms: median(perRound.map((r) => r[i]!.m.p99Ms)),
        errors: perRound.reduce((n, r) => n + r[i]!.m.errors, 0),
      }));
      const cpu = runs.map((_, i) => median(perRound.map((r) => r[i]!.cpu)));
      const ratio = (name: string, base: number, of: number, max: number, kind: 'throughput' | 'cpu'): Ratio => {
        const value = median(perRound.map((r) => (kind === 'throughput' ? r[base]!.m.requestsPerSec / r[of]!.m.requestsPerSec : r[of]!.cpu / r[base]!.cpu)));
        return { name, value, goal: `<= ${max.toFixed(2)}`, ok: value <= max };
      };
      return {
        title: `Auth cost on GET ${url} (${s.items} items, ${connections} connections, medians of ${rounds} rounds × ${slice}s)`,
        measurements,
        ratios: [
          ratio('Token / no auth (throughput)', 0, 1, 1.1, 'throughput'),
          ratio('API key / no auth (throughput)', 0, 3, 1.1, 'throughput'),
          ratio('Basic / Token (throughput)', 1, 2, 1.15, 'throughput'),
          ratio('Token / no auth (server CPU per request)', 0, 1, 1.1, 'cpu'),
          ratio('API key / no auth (server CPU per request)', 0, 3, 1.1, 'cpu'),
          ratio('Basic / Token (server CPU per request)', 1, 2, 1.15, 'cpu'),
        ],
        notes: runs.map(([label], i) => `server CPU per request (median), ${label}: ${cpu[i]!.toFixed(0)} µs`),
      };
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default scenario;
