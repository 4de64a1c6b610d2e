import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { KEY_FILE, ServerKey } from '../../src/auth/server-key.js';
import { deriveSecret, isWellFormed } from '../../src/auth/secrets.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'qm-key-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the server key personal tokens are derived from', () => {
  it('without QM_SECRET_KEY: created on first use in the data folder (mode 0600), and the same key on the next start', () => {
    const dir = tempDir();
    const first = new ServerKey(null, dir).get();
    expect(first.length).toBe(32);
    const file = path.join(dir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(new ServerKey(null, dir).get().equals(first)).toBe(true);
  });

  it('QM_SECRET_KEY (base64 or hex, at least 32 bytes) wins, and no file is written', () => {
    const dir = tempDir();
    const hex = 'ab'.repeat(32);
    const config = loadConfig({ QM_SECRET_KEY: hex, QM_DATA_DIR: dir });
    expect(new ServerKey(config.secretKey, config.dataDir).get().equals(Buffer.from(hex, 'hex'))).toBe(true);
    expect(() => statSync(path.join(dir, KEY_FILE))).toThrow();
    expect(loadConfig({ QM_SECRET_KEY: Buffer.alloc(40, 1).toString('base64') }).secretKey!.length).toBe(40);
    expect(() => loadConfig({ QM_SECRET_KEY: 'short' })).toThrow(ConfigError);
  });

  it('a derived token is well-formed, stable for key and salt, and different for another key or salt', () => {
    const key = Buffer.alloc(32, 1);
    const a = deriveSecret('pat', key, 'salt-1');
    expect(isWellFormed(a, 'pat')).toBe(true);
    expect(deriveSecret('pat', key, 'salt-1')).toBe(a);
    expect(deriveSecret('pat', key, 'salt-2')).not.toBe(a);
    expect(deriveSecret('pat', Buffer.alloc(32, 2), 'salt-1')).not.toBe(a);
  });
});
