import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { HTTP_LIMITS } from './http/limits.js';

/** Everything the server reads from the environment, validated once at start. */
export interface Config {
  databaseUrl: string | null;
  dataDir: string;
  host: string;
  port: number;
  debug: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  tls: { cert: Buffer; key: Buffer } | null;
  trustProxy: string[];
  publicUrl: string | null;
  /** Deadline for receiving a whole request (headers and body), ms. */
  requestTimeoutMs: number;
  /** Audit entries older than this many days are deleted; 0 keeps them forever. */
  auditRetentionDays: number;
  /** QM_WORKERS: server processes on one port (PostgreSQL only); null = one per CPU core. */
  workers: number | null;
  /** QM_SECRET_KEY: the server key personal tokens are derived from (null: the key file in dataDir). */
  secretKey: Buffer | null;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** A duration in seconds (decimals allowed) within [min, max], or the default when unset. */
function seconds(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number of seconds between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

function readPem(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const port = env.PORT === undefined || env.PORT === '' ? 8000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }

  const host = env.HOST?.trim() || '127.0.0.1';

  const logLevel = (env.QM_LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`QM_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.QM_LOG_LEVEL}"`);
  }

  const certFile = env.QM_TLS_CERT?.trim();
  const keyFile = env.QM_TLS_KEY?.trim();
  if (!!certFile !== !!keyFile) throw new ConfigError('QM_TLS_CERT and QM_TLS_KEY must be set together');
  const tls = certFile && keyFile ? { cert: readPem('QM_TLS_CERT', certFile), key: readPem('QM_TLS_KEY', keyFile) } : null;

  const trustProxy = (env.QM_TRUST_PROXY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of trustProxy) {
    const [addr, bits] = entry.split('/');
    if (!isIP(addr!) || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new ConfigError(`QM_TRUST_PROXY must list IP addresses or CIDR ranges, got "${entry}"`);
    }
  }

  let publicUrl = env.QM_PUBLIC_URL?.trim() || null;
  if (publicUrl) {
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
      publicUrl = u.origin + u.pathname.replace(/\/+$/, '');
    } catch {
      throw new ConfigError(`QM_PUBLIC_URL must be an http(s) URL, got "${env.QM_PUBLIC_URL}"`);
    }
  }

  const requestTimeout = seconds('QM_REQUEST_TIMEOUT', env.QM_REQUEST_TIMEOUT, HTTP_LIMITS.requestTimeoutMs / 1000, 0.1, 3600);

  const retention = env.QM_AUDIT_RETENTION_DAYS?.trim() || '90';
  if (!/^\d{1,5}$/.test(retention) || Number(retention) > 36_500) {
    throw new ConfigError(`QM_AUDIT_RETENTION_DAYS must be a whole number of days between 0 (keep forever) and 36500, got "${env.QM_AUDIT_RETENTION_DAYS}"`);
  }

  const workersRaw = env.QM_WORKERS?.trim();
  const workers = workersRaw ? Number(workersRaw) : null;
  if (workers !== null && (!Number.isInteger(workers) || workers < 1 || workers > 256)) {
    throw new ConfigError(`QM_WORKERS must be an integer between 1 and 256, got "${env.QM_WORKERS}"`);
  }

  let secretKey: Buffer | null = null;
  const rawKey = env.QM_SECRET_KEY?.trim();
  if (rawKey) {
    secretKey = /^[0-9a-f]+$/i.test(rawKey) && rawKey.length % 2 === 0 ? Buffer.from(rawKey, 'hex') : Buffer.from(rawKey, 'base64');
    if (secretKey.length < 32) throw new ConfigError('QM_SECRET_KEY must be at least 32 random bytes, in base64 or hex (e.g. `openssl rand -base64 32`)');
  }

  return {
    databaseUrl,
    dataDir: path.resolve(env.QM_DATA_DIR?.trim() || './data'),
    host,
    port,
    debug: flag('QM_DEBUG', env.QM_DEBUG),
    logLevel,
    tls,
    trustProxy,
    publicUrl,
    requestTimeoutMs: Math.round(requestTimeout * 1000),
    auditRetentionDays: Number(retention),
    workers,
    secretKey,
  };
}
