#!/usr/bin/env node
// `npm run test:pg`: runs a command (default: the test suite) against a fresh PostgreSQL database, created here
// and dropped afterwards, whatever the outcome. The server: QM_TEST_POSTGRES (a postgres:// URL of a database to
// connect to for creating others), default postgres://postgres@127.0.0.1:5432/postgres.
// The suite's helper creates one more database per test file under the same server.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const server = process.env.QM_TEST_POSTGRES || 'postgres://postgres@127.0.0.1:5432/postgres';
const [command = 'vitest', ...args] = process.argv.slice(2).length ? process.argv.slice(2) : ['vitest', 'run'];
const name = `qm_test_${Date.now()}_${randomBytes(3).toString('hex')}`;

async function admin(sql) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

try {
  await admin(`create database ${name}`);
} catch (err) {
  console.error(`test:pg: cannot create a database on ${new URL(server).host} (${err.message}); is PostgreSQL running? (QM_TEST_POSTGRES)`);
  process.exit(2);
}
const url = new URL(server);
url.pathname = `/${name}`;
const child = spawn(command, args, { stdio: 'inherit', shell: false, env: { ...process.env, DATABASE_URL: url.toString() } });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await admin(`drop database if exists ${name} with (force)`).catch((err) => console.error(`test:pg: could not drop ${name}: ${err.message}`));
process.exit(code);
