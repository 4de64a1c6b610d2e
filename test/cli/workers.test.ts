import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const servers: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
  for (const c of cleanups) await c();
});

/** Starts the real `quartermaster serve` and resolves once it says where it serves. */
function serve(env: Record<string, string>) {
  const all: Record<string, string> = { ...(process.env as Record<string, string>), PORT: '0', QM_LOG_LEVEL: 'info', ...env };
  if (!env.DATABASE_URL) delete all.DATABASE_URL;
  // node itself (not the tsx wrapper), so that signals reach the primary.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], { cwd: ROOT, env: all });
  servers.push(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<{ child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> }>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) resolve({ child, port: Number(m[1]), output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

/** One request on a new connection (so the cluster hands each to the next worker); gives up after 5 s (a connection handed to a worker as it is killed is lost). */
function get(port: number, url: string, authorization: string): Promise<{ status: number; worker: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: false, headers: { authorization } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, worker: res.headers['x-qm-worker'] as string | undefined, body }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('QM_WORKERS', () => {
  it('on the embedded database the server stays one process and says so in one line', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-workers-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server = await serve({ QM_DATA_DIR: dataDir, QM_WORKERS: '2' });
    const notes = server
      .output()
      .split('\n')
      .filter((l) => l.includes('serving from one process'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('QM_WORKERS=2 applies to PostgreSQL');
    expect(server.output().match(/First start: created superuser/g)).toHaveLength(1);
    const schema = await get(server.port, '/api/schema/', '');
    expect(schema.status).toBe(200);
    expect(JSON.parse(schema.body).openapi).toMatch(/^3\.1/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  // The cluster needs a PostgreSQL server: this runs in the suite's PostgreSQL pass (DATABASE_URL set).
  if (process.env.DATABASE_URL) {
    it(
      'on PostgreSQL two workers share the port, the first admin is printed once, a killed worker is replaced, SIGTERM stops all',
      { timeout: 300_000 },
      async () => {
        const base = process.env.DATABASE_URL!;
        const name = `qm_t_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: base });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        cleanups.push(async () => {
          const c = new pg.Client({ connectionString: base });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        });
        const url = new URL(base);
        url.pathname = `/${name}`;
        // An empty database: the primary migrates it and creates the first admin once, before the workers start.
        const server = await serve({ DATABASE_URL: url.toString(), QM_WORKERS: '2', QM_DEBUG: 'true' });
        expect(server.output()).toContain('2 worker processes');
        const printed = [...server.output().matchAll(/created superuser "admin" with password: (\S+)/g)];
        expect(printed).toHaveLength(1);
        const authorization = `Basic ${Buffer.from(`admin:${printed[0]![1]}`).toString('base64')}`;

        /** Requests on fresh connections until `want` distinct workers have answered, for at most two minutes. */
        const workersSeen = async (want: number, exclude: string[] = []) => {
          const seen = new Set<string>();
          const until = Date.now() + 120_000;
          while (seen.size < want && Date.now() < until) {
            const res = await get(server.port, '/api/user/me/', authorization).catch(() => null);
            await new Promise((r) => setTimeout(r, 200));
            if (!res || !res.worker || exclude.includes(res.worker)) continue;
            expect(res.status).toBe(200);
            expect(JSON.parse(res.body).username).toBe('admin');
            seen.add(res.worker);
          }
          return [...seen];
        };

        const [first, second] = await workersSeen(2);
        expect(first).toBeDefined();
        expect(second).toBeDefined();
        expect([first, second]).not.toContain(String(server.child.pid));

        process.kill(Number(first), 'SIGKILL');
        const after = await workersSeen(2, [first!]);
        expect(after).toHaveLength(2);
        expect(after).toContain(second);
        expect(server.output()).toContain('a worker stopped; starting another');

        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
        for (const pid of after) expect(alive(Number(pid))).toBe(false);
        expect(server.output().match(/First start/g)).toHaveLength(1);
      },
    );
  }
});
