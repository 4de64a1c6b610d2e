import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The embedded database belongs to one process at a time. */
export class DataDirInUseError extends Error {}

/** What the lock file says about the process that wrote it. */
export interface LockRecord {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), when the system exposes it. */
  startTime: string | null;
}

/** A process as /proc shows it, or null where there is no /proc (or the process is gone). */
interface ProcessInfo {
  state: string;
  startTime: string;
  cmdline: string;
}

function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields are counted from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      /* another user's process may hide it */
    }
    return { state: fields[0]!, startTime: fields[19]!, cmdline };
  } catch {
    return null;
  }
}

/** Whether the system has a process with this id (EPERM: it exists but belongs to another user). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type LockHolder = { kind: 'live'; pid: number; cmdline: string | null } | { kind: 'stale'; pid: number | null; reason: string };

/** Reads a lock record: `{"pid":…,"startTime":…}`, or the bare pid older versions wrote. */
export function parseLock(text: string): LockRecord | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTime: null };
  try {
    const r = JSON.parse(trimmed) as Partial<LockRecord>;
    if (Number.isSafeInteger(r.pid) && r.pid! > 0) return { pid: r.pid!, startTime: typeof r.startTime === 'string' ? r.startTime : null };
  } catch {
    /* unreadable: stale */
  }
  return null;
}

/**
 * Who holds a lock: a live Quartermaster process, or nobody (the holder died, is a zombie, or its id now belongs to
 * another program). Where the system has no /proc, a live process id is trusted: refusing to start is the safe side.
 */
export function inspectLock(record: LockRecord | null): LockHolder {
  if (!record) return { kind: 'stale', pid: null, reason: 'the lock file is unreadable' };
  const { pid } = record;
  if (pid === process.pid) return { kind: 'stale', pid, reason: 'it names this very process' };
  if (!exists(pid)) return { kind: 'stale', pid, reason: `process ${pid} is no longer running` };
  const info = processInfo(pid);
  if (!info) return { kind: 'live', pid, cmdline: null };
  if (info.state === 'Z' || info.state === 'X') return { kind: 'stale', pid, reason: `process ${pid} has exited (a zombie not yet reaped by its parent)` };
  const program = info.cmdline ? ` (${info.cmdline.slice(0, 200)})` : '';
  if (record.startTime !== null) {
    if (record.startTime !== info.startTime) return { kind: 'stale', pid, reason: `process id ${pid} now belongs to another program${program}` };
  } else if (info.cmdline && !/\bnode\b|quartermaster|tsx|vitest/i.test(info.cmdline)) {
    // A lock from an older version names only the pid: a live process that is not Node.js is not ours.
    return { kind: 'stale', pid, reason: `process id ${pid} now belongs to another program${program}` };
  }
  return { kind: 'live', pid, cmdline: info.cmdline || null };
}

function ownRecord(): string {
  return JSON.stringify({ pid: process.pid, startTime: processInfo(process.pid)?.startTime ?? null } satisfies LockRecord);
}

/**
 * Takes the data folder's lock file (`quartermaster.pid`), or throws DataDirInUseError naming the live process that
 * holds it. A stale lock is taken over, and `onNotice` is told why. Returns the function that releases the lock.
 */
export function lockDataDir(dataDir: string, onNotice: (message: string) => void = (m) => console.warn(`quartermaster: ${m}`)): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'quartermaster.pid');
  const mine = ownRecord();
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockFile, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    let text: string;
    try {
      text = readFileSync(lockFile, 'utf8');
    } catch {
      continue; // removed between our attempt and this read: try again
    }
    const holder = inspectLock(parseLock(text));
    if (holder.kind === 'live') {
      const what = holder.cmdline ? `: ${holder.cmdline.slice(0, 200)}` : '';
      throw new DataDirInUseError(
        `The data folder ${dataDir} is in use by another Quartermaster process (pid ${holder.pid}${what}). ` +
          'The embedded database allows one process at a time: stop that process, or use DATABASE_URL for a PostgreSQL server.',
      );
    }
    // Remove only the lock just inspected: another process taking over at the same moment may have replaced it.
    try {
      if (readFileSync(lockFile, 'utf8') !== text) continue;
    } catch {
      continue;
    }
    onNotice(`taking over the stale lock of ${dataDir}: ${holder.reason}.`);
    rmSync(lockFile, { force: true });
  }
  return () => {
    try {
      if (readFileSync(lockFile, 'utf8') === mine) rmSync(lockFile);
    } catch {
      /* already gone */
    }
  };
}
