/**
 * A second Quartermaster instance in its own process, on the PostgreSQL database named by DATABASE_URL, for the
 * two-process revocation test. Prints `{"port":N}` once it listens.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { createServices } from '../../src/services.js';

const config = loadConfig({ ...process.env, QM_LOG_LEVEL: 'silent' });
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: '', poolSize: 3 });
const services = await createServices(config, database);
const app = await buildApp(services, { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: (app.server.address() as { port: number }).port }) + '\n');
const stop = async () => {
  await app.close();
  await services.close();
  await database.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
