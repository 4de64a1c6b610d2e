import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { costRatio, measure, type Scenario } from '../lib.js';

interface Seeded {
  normal: number;
  noAuth: number;
  username: string;
  password: string;
  token: string;
  apiKey: string;
  apiSecret: string;
  items: number;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Starts bench/server.ts in a child process and waits for its JSON line. */
async function startServer(dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, QM_DATA_DIR: dataDir, QM_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const seeded = await new Promise<Seeded>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line) as Seeded));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const stop = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
  return { seeded, stop };
}

/**
 * What authentication costs on a list call (SPEC §9): `GET /api/v1/Item?page=1&pageSize=10` on 1000 items, with
 * auth switched off, then with a personal token, Basic (password, verified-credential cache) and an API key.
 */
const scenario: Scenario = {
  name: 'auth',
  async run({ seconds, connections }) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-'));
    const { seeded: s, stop } = await startServer(dataDir);
    try {
      const path = '/api/v1/Item?page=1&pageSize=10';
      const normal = `http://127.0.0.1:${s.normal}${path}`;
      const noAuthUrl = `http://127.0.0.1:${s.noAuth}${path}`;
      const basic = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
      const opts = { seconds, connections };
      const runs: [string, string, Record<string, string>][] = [
        ['no auth (auth switched off)', noAuthUrl, {}],
        ['Token <personal token>', normal, { authorization: `Token ${s.token}` }],
        ['Basic (password)', normal, { authorization: basic }],
        ['token <api_key>:<api_secret>', normal, { authorization: `token ${s.apiKey}:${s.apiSecret}` }],
      ];
      // Warm up every path once (JIT, caches, connection pools) so order does not favour anyone.
      for (const [label, url, headers] of runs) await measure(label, url, { ...opts, seconds: 1, headers });
      // Interleave two rounds and keep each path's better round: it evens out noise from neighbours on the machine.
      const best = new Map<string, Awaited<ReturnType<typeof measure>>>();
      for (let round = 0; round < 2; round++) {
        for (const [label, url, headers] of runs) {
          const m = await measure(label, url, { ...opts, headers });
          const prev = best.get(label);
          if (!prev || m.requestsPerSec > prev.requestsPerSec) best.set(label, m);
        }
      }
      const [none, token, pass, key] = runs.map(([label]) => best.get(label)!);
      return {
        title: `Auth cost on GET ${path} (${s.items} items, ${connections} connections, best of 2 × ${seconds}s)`,
        measurements: [none!, token!, pass!, key!],
        ratios: [costRatio('Token / no auth', none!, token!, 1.1), costRatio('API key / no auth', none!, key!, 1.1), costRatio('Basic / Token', token!, pass!, 1.15)],
      };
    } finally {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default scenario;
