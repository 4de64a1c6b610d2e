import { buildApp } from '../app.js';
import { ensureFirstAdmin } from '../modules/account/service.js';
import { createServices } from '../services.js';
import { openMigrated } from './runtime.js';

export async function serve(): Promise<void> {
  const { config, database } = await openMigrated();
  const admin = await ensureFirstAdmin(database.db);
  const services = await createServices(config, database);
  const app = await buildApp(services);
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
  await app.listen({ host: config.host, port: config.port });
  // With PORT=0 the system picks the port: report the one actually bound.
  const bound = app.server.address();
  const port = bound && typeof bound === 'object' ? bound.port : config.port;
  if (admin) {
    // Printed once, on the first start of an empty database: it is stored only as an argon2 hash.
    process.stdout.write(
      `\n  First start: created superuser "${admin.username}" with password: ${admin.password}\n` +
        '  Change it after logging in; it is not shown again.\n\n',
    );
  }
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
  app.log.info(`Quartermaster serving on ${config.tls ? 'https' : 'http'}://${config.host}:${port} (${where})`);
}
