import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirInUseError, migrateDatabase, openDatabase, type Database } from '../db/client.js';

/** Prints a one-line reason and exits for the errors a user can fix (bad config, busy data folder). */
export function exitOnKnownError(err: unknown): never {
  if (err instanceof ConfigError) {
    console.error(`quartermaster: configuration error: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof DataDirInUseError) {
    console.error(`quartermaster: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

/** Config + an open, migrated database: what every command starts from. */
export async function openMigrated(env = process.env): Promise<{ config: Config; database: Database }> {
  try {
    const config = loadConfig(env);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrateDatabase(database, config.databaseUrl);
    } catch (err) {
      await database.close();
      throw err;
    }
    return { config, database };
  } catch (err) {
    exitOnKnownError(err);
  }
}
