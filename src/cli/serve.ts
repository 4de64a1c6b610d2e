import cluster from 'node:cluster';
import { pino } from 'pino';
import { buildApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { ensureFirstAdmin } from '../modules/account/service.js';
import { createServices } from '../services.js';
import { exitOnKnownError, openMigrated } from './runtime.js';
import { superviseWorkers, workerCount } from './workers.js';

/**
 * `quartermaster serve`: one server process, or with QM_WORKERS > 1 on PostgreSQL a primary that migrates, creates
 * the first admin and then forks the workers that serve (src/cli/workers.ts).
 */
export async function serve(): Promise<void> {
  if (cluster.isWorker) return serveWorker();
  const { config, database } = await openMigrated();
  const admin = await ensureFirstAdmin(database.db);
  const { workers, note } = workerCount(config);
  if (workers === 1) {
    const { app, port } = await startServer(config, database, note);
    if (admin) printFirstAdmin(admin);
    app.log.info(`Quartermaster serving on ${origin(config, port)} (${where(config)})`);
    return;
  }
  // Migrations and the first admin are done once, here; the workers only serve.
  await database.close();
  const log = pino({ level: config.logLevel });
  superviseWorkers(workers, log, ({ port }) => {
    if (admin) printFirstAdmin(admin);
    log.info(`Quartermaster serving on ${origin(config, port)} (${where(config)}, ${workers} worker processes)`);
  });
}

/** A cluster worker: opens the (already migrated) database and serves on the port it shares with the others. */
async function serveWorker(): Promise<void> {
  let config: Config;
  let database: Database;
  try {
    config = loadConfig(process.env);
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    exitOnKnownError(err);
  }
  await startServer(config, database, null);
}

async function startServer(config: Config, database: Database, note: string | null) {
  const services = await createServices(config, database);
  const app = await buildApp(services);
  if (note) app.log.info(note);
  if (config.debug && cluster.isWorker) {
    // Which worker answered: lets a developer (and the tests) see the load spread over the processes.
    app.addHook('onSend', async (_req, reply) => {
      reply.header('x-qm-worker', String(process.pid));
    });
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await services.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A worker whose primary is gone (killed outright) stops too rather than serve unsupervised.
  if (cluster.isWorker) process.on('disconnect', () => void stop('disconnect'));
  await app.listen({ host: config.host, port: config.port });
  // With PORT=0 the system picks the port: report the one actually bound.
  const bound = app.server.address();
  const port = bound && typeof bound === 'object' ? bound.port : config.port;
  return { app, port };
}

function printFirstAdmin(admin: { username: string; password: string }) {
  // Printed once, on the first start of an empty database: it is stored only as an argon2 hash.
  process.stdout.write(
    `\n  First start: created superuser "${admin.username}" with password: ${admin.password}\n` + '  Change it after logging in; it is not shown again.\n\n',
  );
}

const origin = (config: Config, port: number) => `${config.tls ? 'https' : 'http'}://${config.host}:${port}`;
const where = (config: Config) => (config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`);
