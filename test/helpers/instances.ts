/**
 * Two server instances on one database: this test file's app (in process) and, on PostgreSQL, a second server
 * process (./instance.ts) on the same database, reached over a real socket. PGlite is a single-process database, so
 * there is no second process on it: tests check the in-process path there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';

export const onPostgres = !!process.env.DATABASE_URL;

export interface TwoInstances {
  /** The app in this process. */
  t: TestApp;
  /** The second server process (PostgreSQL only). */
  child: ChildProcess | null;
  /** The second instance's base URL, `http://127.0.0.1:<port>` (PostgreSQL only, else ''). */
  other: string;
}

/** Starts a server process on `databaseUrl`; answers it and its base URL once it listens. */
export async function startSecondInstance(databaseUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/instance.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /^\{"port":(\d+)\}$/.exec(line.trim());
    if (m) return { child, base: `http://127.0.0.1:${m[1]}` };
  }
  throw new Error('second instance did not start');
}

/**
 * Registers the file's beforeAll/afterAll: the app, and on PostgreSQL the second process on its database. The
 * object answered is filled in by beforeAll.
 */
export function useTwoInstances(opts: TestAppOptions = {}): TwoInstances {
  const both: TwoInstances = { t: undefined as unknown as TestApp, child: null, other: '' };
  beforeAll(async () => {
    both.t = await startTestApp(opts);
    if (onPostgres) {
      const { child, base } = await startSecondInstance(both.t.databaseUrl!);
      both.child = child;
      both.other = base;
    }
  });
  afterAll(async () => {
    both.child?.kill('SIGTERM');
    await both.t?.close();
  });
  return both;
}

/** GET `path` on `base` (a real socket) with `authorization`: the status. */
export async function statusAt(base: string, authorization: string, path = '/api/v1/Item'): Promise<number> {
  const res = await fetch(`${base}${path}`, { headers: { authorization } });
  await res.arrayBuffer();
  return res.status;
}

/** Asks `base` with `authorization` until it answers 401, for at most `ms`: the status, error key and time taken. */
export async function refusedWithin(base: string, authorization: string, ms: number, path = '/api/v1/Item') {
  const start = Date.now();
  for (;;) {
    const res = await fetch(`${base}${path}`, { headers: { authorization } });
    if (res.status === 401) return { status: 401, key: ((await res.json()) as { error: { key: string } }).error.key, after: Date.now() - start };
    await res.arrayBuffer();
    if (Date.now() - start > ms) return { status: res.status, key: '', after: Date.now() - start };
    await new Promise((r) => setTimeout(r, 20));
  }
}
