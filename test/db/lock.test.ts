import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, inspectLock, lockDataDir, parseLock } from '../../src/db/lock.js';

const hasProc = existsSync('/proc/self/stat');
const dirs: string[] = [];
const children: ChildProcess[] = [];

function folder() {
  const d = mkdtempSync(path.join(tmpdir(), 'qm-lock-'));
  dirs.push(d);
  return d;
}
const lockOf = (dir: string) => path.join(dir, 'quartermaster.pid');
const startTimeOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

/** A live process that is not Quartermaster, with its pid once it runs. */
async function sleeper(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child.pid!;
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the embedded database lock (quartermaster.pid)', () => {
  it('is taken, names this process and its start time, and is released', () => {
    const dir = folder();
    const unlock = lockDataDir(dir, () => {});
    const record = parseLock(readFileSync(lockOf(dir), 'utf8'));
    expect(record?.pid).toBe(process.pid);
    if (hasProc) expect(record?.startTime).toBe(startTimeOf(process.pid));
    unlock();
    expect(existsSync(lockOf(dir))).toBe(false);
  });

  it('a dead process: the lock is taken over, and the notice says it is no longer running', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const dir = folder();
    writeFileSync(lockOf(dir), JSON.stringify({ pid: child.pid, startTime: '1' }));
    const notices: string[] = [];
    const unlock = lockDataDir(dir, (m) => notices.push(m));
    expect(notices).toEqual([expect.stringContaining(`process ${child.pid} is no longer running`)]);
    expect(parseLock(readFileSync(lockOf(dir), 'utf8'))?.pid).toBe(process.pid);
    unlock();
  });

  it.runIf(hasProc)('a live Quartermaster (same pid and start time) keeps it: refused with its pid named', async () => {
    const pid = await sleeper();
    const dir = folder();
    const record = JSON.stringify({ pid, startTime: startTimeOf(pid) });
    writeFileSync(lockOf(dir), record);
    expect(() => lockDataDir(dir, () => {})).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir, () => {})).toThrow(new RegExp(`in use by another Quartermaster process \\(pid ${pid}: sleep 30\\)`));
    // The holder's lock is untouched.
    expect(readFileSync(lockOf(dir), 'utf8')).toBe(record);
  });

  it.runIf(hasProc)('a pid reused by another program (start time differs) is recognised as foreign and taken over', async () => {
    const pid = await sleeper();
    const dir = folder();
    writeFileSync(lockOf(dir), JSON.stringify({ pid, startTime: '12345' }));
    const notices: string[] = [];
    lockDataDir(dir, (m) => notices.push(m))();
    expect(notices[0]).toMatch(new RegExp(`process id ${pid} now belongs to another program \\(sleep 30\\)`));
  });

  it.runIf(hasProc)('an old bare-pid lock naming a live program that is not Node.js is foreign', async () => {
    const pid = await sleeper();
    expect(inspectLock(parseLock(`${pid}\n`))).toEqual({ kind: 'stale', pid, reason: expect.stringContaining('another program (sleep 30)') });
    // A bare pid naming a live Node.js process is trusted.
    expect(inspectLock(parseLock(String(process.ppid)))).toMatchObject({ kind: 'live', pid: process.ppid });
  });

  it.runIf(hasProc)('a zombie (exited, not reaped) is recognised and taken over', async () => {
    // The shell's background child becomes a child of `sleep`, which never reaps it.
    const child = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    const zombie = Number(await new Promise<string>((r) => child.stdout.once('data', (d: Buffer) => r(d.toString()))));
    for (let i = 0; i < 50 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 50));
    const dir = folder();
    writeFileSync(lockOf(dir), JSON.stringify({ pid: zombie, startTime: startTimeOf(zombie) }));
    const notices: string[] = [];
    lockDataDir(dir, (m) => notices.push(m))();
    expect(notices[0]).toMatch(new RegExp(`process ${zombie} has exited \\(a zombie`));
  });

  it('an unreadable lock file is stale', () => {
    const dir = folder();
    writeFileSync(lockOf(dir), 'garbage');
    const notices: string[] = [];
    lockDataDir(dir, (m) => notices.push(m))();
    expect(notices).toEqual([expect.stringContaining('the lock file is unreadable')]);
  });
});
