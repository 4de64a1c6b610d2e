import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomKey } from './secrets.js';

/**
 * The server key personal tokens are derived from, held outside the database so that a dump of the database
 * (which keeps only each token's hash and salt) cannot rebuild a token. From `QM_SECRET_KEY` when set (what
 * several instances sharing one PostgreSQL database must all be given), else from the key file `secret.key` in
 * the data folder, created on first use (mode 0600; created atomically, so processes starting together agree).
 * Loaded on first use: instances that never issue such a token never touch the file.
 */
export const KEY_FILE = 'secret.key';

export class ServerKey {
  private key: Buffer | null;

  constructor(
    configured: Buffer | null,
    private readonly dataDir: string,
  ) {
    this.key = configured;
  }

  get(): Buffer {
    this.key ??= this.loadOrCreate();
    return this.key;
  }

  private loadOrCreate(): Buffer {
    const file = path.join(this.dataDir, KEY_FILE);
    const existing = readKey(file);
    if (existing) return existing;
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${randomKey(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      linkSync(tmp, file); // fails if another process created the file first: theirs wins
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    const key = readKey(file);
    if (!key) throw new Error(`${file}: not a valid key (expected at least 32 bytes in base64)`);
    return key;
  }
}

function readKey(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length < 32) throw new Error(`${file}: not a valid key (expected at least 32 bytes in base64)`);
  return key;
}
