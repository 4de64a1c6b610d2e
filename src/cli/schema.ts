import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { migrateDatabase, openDatabase } from '../db/client.js';
import { schemaDocument } from '../http/openapi.js';
import { createServices } from '../services.js';
import { exitOnKnownError } from './runtime.js';

/**
 * `schema --output FILE [--format json|yaml]`: writes the OpenAPI document without listening. The app is built on
 * a throw-away in-memory database, so this works beside a running server and never touches its data.
 */
export async function schema(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' }, format: { type: 'string' } } });
  const output = values.output;
  if (!output) fail('give --output FILE (use - for standard output)');
  const format = (values.format ?? (/\.ya?ml$/i.test(output) ? 'yaml' : 'json')) as 'json' | 'yaml';
  if (format !== 'json' && format !== 'yaml') fail(`--format must be json or yaml, got "${values.format}"`);

  let config;
  try {
    config = { ...loadConfig(process.env), databaseUrl: null, logLevel: 'silent' as const };
  } catch (err) {
    exitOnKnownError(err);
  }
  const database = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
  await migrateDatabase(database, null);
  const services = await createServices(config, database);
  try {
    const app = await buildApp(services, { logger: false });
    await app.ready();
    const text = schemaDocument(app, format);
    if (output === '-') process.stdout.write(text);
    else {
      writeFileSync(output, text);
      console.error(`Wrote the OpenAPI ${format.toUpperCase()} document to ${path.resolve(output)}.`);
    }
    await app.close();
  } finally {
    await services.close();
    await database.close();
  }
}

function fail(message: string): never {
  console.error(`schema: ${message}`);
  process.exit(2);
}
