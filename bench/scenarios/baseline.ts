import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../child.js';
import { measure, type Measurement, type Ratio, type Scenario } from '../lib.js';

/**
 * The list call against what the machine can do (SPEC §9): `GET /api/v1/Item?page=1&pageSize=10` with a personal
 * token, next to the bare baseline route (bench/bare.ts: a token map and the same page queries, same database), for
 * one server process and, on PostgreSQL, for two cluster workers; in one run. Every target is measured in twelve short
 * rounds; in each round a setup's bare route and token list run back to back (in alternating order), and each ratio
 * is the median of the per-round ratios, so a neighbour who comes and goes on a shared machine moves both sides of a
 * ratio alike.
 *
 * Goals: token list ≥ 0.8 × bare route (each setup); two workers ≥ 1.2 × one worker (token list, PostgreSQL).
 * The embedded database runs when DATABASE_URL is unset and also when it is set (both databases in one run); the
 * worker figures need DATABASE_URL.
 */
const URL_PATH = '/api/v1/Item?page=1&pageSize=10';

interface Setup {
  label: string;
  server: Awaited<ReturnType<typeof startServer>>;
}

/** CPU time the whole machine has spent busy, in µs (Linux /proc/stat; null elsewhere): server, database, load generator and kernel together. */
function machineBusy(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = fields[3]! + fields[4]!;
    return (fields.reduce((a, b) => a + b, 0) - idle) * (1e6 / 100);
  } catch {
    return null;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const scenario: Scenario = {
  name: 'baseline',
  async run({ seconds, connections }) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-baseline-'));
    const pgUrl = process.env.DATABASE_URL || null;
    const setups: Setup[] = [];
    try {
      setups.push({ label: 'PGlite, 1 process', server: await startServer(dataDir, { databaseUrl: null }) });
      if (pgUrl) {
        setups.push({ label: 'PostgreSQL, 1 process', server: await startServer(dataDir, { databaseUrl: pgUrl, workers: 1 }) });
        setups.push({ label: 'PostgreSQL, 2 workers', server: await startServer(dataDir, { databaseUrl: pgUrl, workers: 2 }) });
      }
      // Two targets per setup: the bare route and the token list.
      const targets = setups.flatMap((s) => [
        {
          label: `${s.label}: bare route`,
          url: `http://127.0.0.1:${s.server.seeded.bare}${URL_PATH}`,
          token: s.server.seeded.token,
          server: s.server,
          which: 'bare' as const,
        },
        {
          label: `${s.label}: Token list`,
          url: `http://127.0.0.1:${s.server.seeded.normal}${URL_PATH}`,
          token: s.server.seeded.token,
          server: s.server,
          which: 'normal' as const,
        },
      ]);
      const opts = { connections };
      for (const t of targets) {
        const warm = await measure(t.label, t.url, { ...opts, seconds: 1, headers: { authorization: `Token ${t.token}` } });
        if (warm.errors) throw new Error(`${t.label}: ${warm.errors} failed requests while warming up`);
      }
      // Twelve rounds of short slices: one round's ratio on this virtual machine ranges over 0.66-0.96 around 0.85, and
      // the median of twelve per-round ratios moves about a fifth less than the median of eight (1/√12 against 1/√8).
      const rounds = 12;
      const slice = Math.max(1, Math.ceil(seconds / 2));
      const perRound: Measurement[][] = [];
      // Server CPU time per request (all of a setup's processes): steadier than throughput on a busy machine.
      const cpuPerRound: number[][] = [];
      // And the machine's CPU per request (everything on it): what two workers can at most get out of the cores.
      const machinePerRound: (number | null)[][] = [];
      for (let round = 0; round < rounds; round++) {
        const row: Measurement[] = [];
        const cpuRow: number[] = [];
        const machineRow: (number | null)[] = [];
        // The setups in rotating order; a setup's two targets back to back, the bare route first in even rounds and
        // the token list first in odd ones, so what drifts between two slices moves both sides of a ratio alike.
        const order = setups.flatMap((_, s) => {
          const setup = (s + round) % setups.length;
          return round % 2 ? [2 * setup + 1, 2 * setup] : [2 * setup, 2 * setup + 1];
        });
        for (const i of order) {
          const t = targets[i]!;
          const before = await t.server.stats();
          const busyBefore = machineBusy();
          row[i] = await measure(t.label, t.url, { ...opts, seconds: slice, headers: { authorization: `Token ${t.token}` } });
          const busyAfter = machineBusy();
          const after = await t.server.stats();
          const used = after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
          const served = Math.max(1, after.served[t.which] - before.served[t.which]);
          cpuRow[i] = used / served;
          machineRow[i] = busyBefore === null || busyAfter === null ? null : (busyAfter - busyBefore) / served;
        }
        perRound.push(row);
        cpuPerRound.push(cpuRow);
        machinePerRound.push(machineRow);
      }
      const measurements: Measurement[] = targets.map((t, i) => ({
        label: t.label,
        requestsPerSec: median(perRound.map((r) => r[i]!.requestsPerSec)),
        p50Ms: median(perRound.map((r) => r[i]!.p50Ms)),
        p99Ms: median(perRound.map((r) => r[i]!.p99Ms)),
        errors: perRound.reduce((n, r) => n + r[i]!.errors, 0),
      }));
      const at_least = (name: string, of: number, base: number, min: number): Ratio => {
        const perRoundRatios = perRound.map((r) => r[of]!.requestsPerSec / r[base]!.requestsPerSec);
        const value = median(perRoundRatios);
        return { name, value, goal: `>= ${min.toFixed(2)}`, ok: value >= min };
      };
      const ratios: Ratio[] = setups.map((s, i) => at_least(`Token list / bare route (${s.label})`, 2 * i + 1, 2 * i, 0.8));
      const notes: string[] = setups.map((s, i) => {
        const bare = median(cpuPerRound.map((r) => r[2 * i]!));
        const token = median(cpuPerRound.map((r) => r[2 * i + 1]!));
        const machine = machinePerRound.every((r) => r[2 * i + 1] != null) ? median(machinePerRound.map((r) => r[2 * i + 1]!)) : null;
        const whole = machine === null ? '' : `; the whole machine ${machine.toFixed(0)} µs per Token list request`;
        return `${s.label}: server CPU per request ${token.toFixed(0)} µs (Token list) vs ${bare.toFixed(0)} µs (bare route): bare/token ${(bare / token).toFixed(3)}${whole}`;
      });
      if (pgUrl) {
        ratios.push(at_least('2 workers / 1 process, Token list (PostgreSQL)', 5, 3, 1.2));
        notes.push(`2 workers / 1 process, bare route (PostgreSQL): ${median(perRound.map((r) => r[4]!.requestsPerSec / r[2]!.requestsPerSec)).toFixed(3)}`);
      } else {
        notes.push('set DATABASE_URL for the PostgreSQL and worker figures (QM_WORKERS runs on PostgreSQL only)');
      }
      // How steady the machine was: the spread of one target's rounds.
      for (const [i, t] of targets.entries()) {
        const xs = perRound.map((r) => r[i]!.requestsPerSec);
        notes.push(`${t.label}: rounds ${xs.map((x) => x.toFixed(0)).join(', ')} req/s`);
      }
      return {
        title: `The list call against a bare Fastify route, GET ${URL_PATH} (${connections} connections, medians of ${rounds} rounds × ${slice}s)`,
        measurements,
        ratios,
        notes,
      };
    } finally {
      for (const s of setups) await s.server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default scenario;
