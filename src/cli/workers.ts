import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

/**
 * How many server processes `serve` runs: QM_WORKERS, else one per CPU core; always 1 on the embedded database,
 * which belongs to one process.
 */
export function workerCount(config: Config): { workers: number; note: string | null } {
  const wanted = config.workers ?? availableParallelism();
  if (!config.databaseUrl && wanted > 1) {
    return { workers: 1, note: `embedded database: serving from one process (QM_WORKERS=${wanted} applies to PostgreSQL, set DATABASE_URL)` };
  }
  return { workers: wanted, note: null };
}

/** How long a worker may take to finish its requests and close on shutdown before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * The primary of `serve` with QM_WORKERS > 1 (node:cluster): forks the workers, which share the port; replaces a
 * worker that dies once it has served, gives up (exit 1) when one dies before it ever listened (a start-up error
 * would only repeat), and on SIGTERM/SIGINT asks every worker to stop and exits when they have.
 * `onListening` runs once, when every worker of the first generation listens.
 */
export function superviseWorkers(n: number, log: Logger, onListening: (address: { address: string; port: number }) => void): void {
  let stopping = false;
  let firstListening = 0;
  const listened = new WeakSet<Worker>();

  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', (address) => {
      listened.add(worker);
      log.debug({ worker: worker.process.pid }, 'worker listening');
      if (++firstListening === n) onListening({ address: address.address ?? '', port: address.port });
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!listened.has(worker)) {
      log.error({ worker: worker.process.pid, code, signal }, 'a worker stopped before it could serve; shutting down');
      void stop(1);
      return;
    }
    log.warn({ worker: worker.process.pid, code, signal }, 'a worker stopped; starting another');
    fork();
  });

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((done) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log.info({ signal }, 'shutting down');
      void stop(0);
    });
  }

  for (let i = 0; i < n; i++) fork();
}
