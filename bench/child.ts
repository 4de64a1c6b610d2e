import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** What bench/server.ts prints once it is seeded and listening. */
export interface Seeded {
  normal: number;
  noAuth: number;
  /** The bare baseline route (bench/bare.ts). */
  bare: number;
  /** Server processes behind the ports (QM_BENCH_WORKERS). */
  workers: number;
  username: string;
  password: string;
  token: string;
  apiKey: string;
  apiSecret: string;
  /** A client_credentials app whose integration user is in the owner group, and one access token of it. */
  clientId: string;
  clientSecret: string;
  accessToken: string;
  items: number;
}

export interface Stats {
  cpu: NodeJS.CpuUsage;
  served: { normal: number; noAuth: number; bare: number };
}

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Starts bench/server.ts in a child process (so autocannon does not share its event loop) and waits for its JSON line.
 * `databaseUrl`: PostgreSQL (default: DATABASE_URL as inherited), or null for the embedded database in `dataDir`.
 * `workers` > 1 (PostgreSQL only) serves from that many cluster workers.
 */
export async function startServer(dataDir: string, opts: { databaseUrl?: string | null; workers?: number } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, QM_DATA_DIR: dataDir, QM_LOG_LEVEL: 'warn', QM_BENCH_WORKERS: String(opts.workers ?? 1) };
  if (opts.databaseUrl === null) delete env.DATABASE_URL;
  else if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const seeded = await new Promise<Seeded>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line) as Seeded));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const stop = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
  return { seeded, stop, stats: () => statsOf(child) };
}

function statsOf(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Stats));
    child.send('stats');
  });
}
