import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let dataDir: string;
const servers: ChildProcess[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'qm-cli-'));
});
afterAll(() => {
  for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The CLI's environment: the temp data folder, never a PostgreSQL server from the test run. */
function env(extra: Record<string, string> = {}) {
  const e: Record<string, string> = { ...(process.env as Record<string, string>), QM_DATA_DIR: dataDir, PORT: '0', QM_LOG_LEVEL: 'info', ...extra };
  delete e.DATABASE_URL;
  return e;
}

function run(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['src/main.ts', ...args], { cwd: ROOT, env: env(extra) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `serve` and resolves once it logs the address it listens on. */
function serve(): Promise<{ child: ChildProcess; port: number; output: () => string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/main.ts', 'serve'], { cwd: ROOT, env: env() });
    servers.push(child);
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        resolve({
          child,
          port: Number(m[1]),
          output: () => output,
          stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('command line', () => {
  it('a configuration error is one clear line and exit code 2', async () => {
    const res = await run(['migrate'], { PORT: 'abc' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual(['quartermaster: configuration error: PORT must be an integer between 0 and 65535, got "abc"']);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('migrate applies migrations and says so', async () => {
    const res = await run(['migrate']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe('Migrations applied.');
  });

  it('serve: prints the first admin password once; a second process on the folder is told it is in use', async () => {
    const first = await serve();
    const printed = first.output().match(/created superuser "admin" with password: (\S+)/g) ?? [];
    expect(printed).toHaveLength(1);
    const password = /with password: (\S+)/.exec(printed[0]!)![1]!;
    const me = await fetch(`http://127.0.0.1:${first.port}/api/v1/User?page=1&pageSize=10`, { headers: { authorization: basic('admin', password) } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { value: unknown[] }).value[0]).toMatchObject({ username: 'admin', superuser: true });

    const busy = await run(['migrate']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/data folder .* is in use by another Quartermaster process \(pid \d+: .*node.*\)/);
    expect(busy.stderr.trim().split('\n')).toHaveLength(1);
    await first.stop();

    const second = await serve();
    expect(second.output()).not.toContain('password');
    await second.stop();
  });

  it('createsuperuser joins the named account, and Basic login with the new user works', async () => {
    const made = await run(['createsuperuser', '--username', 'boss', '--email', 'boss@example.test', '--password', 'boss password 1', '--account', 'Default']);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/Created superuser "boss" \(id \d+\) in the existing account "Default"/);
    const dup = await run(['createsuperuser', '--username', 'BOSS', '--email', 'other@example.test', '--password', 'boss password 1']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const short = await run(['createsuperuser', '--username', 'x', '--email', 'x@example.test', '--password', 'short']);
    expect(short.code).toBe(2);

    const server = await serve();
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/User?q=admin`, { headers: { authorization: basic('boss', 'boss password 1') } });
      expect(res.status).toBe(200);
      // Same account as the first admin: boss sees admin.
      expect(((await res.json()) as { value: { username: string }[] }).value.map((u: { username: string }) => u.username)).toEqual(['admin']);
    } finally {
      await server.stop();
    }
  });

  it('schema --output writes valid JSON and YAML', async () => {
    const json = path.join(dataDir, 'openapi.json');
    const yaml = path.join(dataDir, 'openapi.yaml');
    const [a, b] = await Promise.all([run(['schema', '--output', json]), run(['schema', '--output', yaml, '--format', 'yaml'])]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/Item'].get.security).toContainEqual({ oauth2: ['products:read'] });
    expect(YAML.parse(readFileSync(yaml, 'utf8'))).toEqual(doc);
    const missing = await run(['schema']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--output');
  });
});
