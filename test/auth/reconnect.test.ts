import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/auth/cache.js';
import { InvalidationBus } from '../../src/auth/invalidation.js';
import { openDatabase } from '../../src/db/client.js';
import { listenerApplicationName } from '../../src/db/listener.js';
import { CACHES, INVALIDATION } from '../../src/defaults.js';
import { makeAccount, personalToken, type TestApp } from '../helpers/app.js';
import { onPostgres, refusedWithin, statusAt, useTwoInstances } from '../helpers/instances.js';
import { basic, request } from '../helpers/request.js';
import { rowsOf } from '../helpers/rows.js';

/**
 * Revocation survives a dropped LISTEN connection (SPEC §8): an instance whose listening connection is killed
 * (`pg_terminate_backend`) re-reads credentials until the connection is back, reconnects, and so still refuses a
 * disabled user's token and a revoked token within the SPEC's one second. Two server processes on one PostgreSQL
 * database. The embedded database (PGlite) runs in one process with no listening connection to drop, so on PGlite
 * only the last test applies (its caches never wait on another instance).
 */
const BOUND_MS = 1_000; // SPEC §4: within one second on every instance

const both = useTwoInstances();
let t: TestApp;
let child: ChildProcess | null;
let other: string;
beforeAll(() => {
  ({ t, child, other } = both);
});

/** Backend pids of a process's listening connection. */
async function listenerPids(pid: number): Promise<number[]> {
  const rows = await rowsOf<{ pid: number }>(t.db, sql`select pid from pg_stat_activity where application_name = ${listenerApplicationName(pid)}`);
  return rows.map((row) => Number(row.pid));
}

async function terminateListener(pid: number): Promise<number[]> {
  const before = await listenerPids(pid);
  expect(before.length).toBe(1);
  await t.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${listenerApplicationName(pid)}`);
  return before;
}

async function waitForNewListener(pid: number, old: number[], ms = 10_000): Promise<number[]> {
  const start = Date.now();
  for (;;) {
    const now = await listenerPids(pid);
    if (now.length === 1 && !old.includes(now[0]!)) return now;
    if (Date.now() - start > ms) return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('revocation through a dropped LISTEN connection', () => {
  it.skipIf(!onPostgres)('a disabled user and a revoked token are refused within 1 s on an instance whose listening connection was killed', async () => {
    const acc = await makeAccount(t);
    const admin = await acc.user({ group: 'owner' });
    const staff = await acc.user({ group: 'staff' });
    const holder = await acc.user({ group: 'staff' });
    const staffToken = `Token ${await personalToken(t, staff)}`;
    const revoked = await personalToken(t, holder, 'revoked');
    const revokedToken = `Token ${revoked}`;
    // Warm the other instance's caches.
    for (let i = 0; i < 2; i++) {
      expect(await statusAt(other, staffToken)).toBe(200);
      expect(await statusAt(other, revokedToken)).toBe(200);
    }

    const old = await terminateListener(child!.pid!);

    // Changed on this instance while the other one's connection is down (its NOTIFY reaches no one there).
    const disable = await request(t, {
      method: 'POST',
      url: `/api/v1/User/${staff.id}/disable`,
      auth: basic(admin.username, admin.password),
    });
    expect(disable.statusCode).toBe(200);
    const list = await request(t, { method: 'GET', url: '/api/user/tokens/', auth: basic(holder.username, holder.password) });
    const target = list.json<{ name: string; id: number }[]>().find((r) => r.name === 'revoked')!;
    const del = await request(t, {
      method: 'DELETE',
      url: `/api/user/tokens/${target.id}`,
      auth: basic(holder.username, holder.password),
    });
    expect(del.statusCode).toBe(204);

    const [r1, r2] = await Promise.all([refusedWithin(other, staffToken, BOUND_MS), refusedWithin(other, revokedToken, BOUND_MS)]);
    expect(r1).toMatchObject({ status: 401, key: 'user.disabled' });
    expect(r2).toMatchObject({ status: 401, key: 'token.invalid' });

    // The connection is made again (a new backend), and revocations keep arriving through it.
    const now = await waitForNewListener(child!.pid!, old);
    expect(now).toHaveLength(1);
    expect(old).not.toContain(now[0]);
    const later = await acc.user({ group: 'staff' });
    const laterToken = `Token ${await personalToken(t, later)}`;
    expect(await statusAt(other, laterToken)).toBe(200);
    expect(await statusAt(other, laterToken)).toBe(200);
    const off = await request(t, {
      method: 'POST',
      url: `/api/v1/User/${later.id}/disable`,
      auth: basic(admin.username, admin.password),
    });
    expect(off.statusCode).toBe(200);
    expect(await refusedWithin(other, laterToken, BOUND_MS)).toMatchObject({ status: 401, key: 'user.disabled' });
  });

  it.skipIf(!onPostgres)('an instance stops trusting its caches the moment its listening connection drops, and trusts them again once it is back', async () => {
    const { bus } = t.services;
    expect(bus.trustedUntil).toBeGreaterThan(Date.now());
    const acc = await makeAccount(t);
    const u = await acc.user();
    const token = await personalToken(t, u);
    expect((await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Token ${token}` })).statusCode).toBe(200);
    expect(t.services.authenticator.tokens.cache.size.positive).toBeGreaterThan(0);

    const old = await terminateListener(process.pid);
    const start = Date.now();
    while (bus.trustedUntil > Date.now() && Date.now() - start < BOUND_MS) await new Promise((r) => setTimeout(r, 5));
    expect(bus.trustedUntil).toBeLessThanOrEqual(Date.now());
    expect(t.services.authenticator.tokens.cache.size.positive).toBe(0);
    // Meanwhile requests still work, from the database.
    expect((await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Token ${token}` })).statusCode).toBe(200);

    const now = await waitForNewListener(process.pid, old);
    expect(now).toHaveLength(1);
    expect(old).not.toContain(now[0]);
    const back = Date.now();
    while (bus.trustedUntil <= Date.now() && Date.now() - back < 2_000) await new Promise((r) => setTimeout(r, 10));
    expect(bus.trustedUntil).toBeGreaterThan(Date.now());
    expect(bus.trustedUntil).toBeLessThanOrEqual(Date.now() + INVALIDATION.leaseMs);
    expect((await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Token ${token}` })).statusCode).toBe(200);
    expect(t.services.authenticator.tokens.cache.size.positive).toBeGreaterThan(0);
  });

  it.skipIf(!onPostgres)(
    'a listening connection that goes silent stops vouching for the caches within 1 s, and is replaced',
    async () => {
      // A TCP relay to PostgreSQL that can freeze its connections: the socket stays open, nothing gets through (a
      // network partition, not a closed connection).
      const target = new URL(t.databaseUrl!);
      const sockets: net.Socket[] = [];
      const relay = net.createServer((inbound) => {
        const outbound = net.connect(Number(target.port || 5432), target.hostname);
        sockets.push(inbound, outbound);
        for (const [a, b] of [
          [inbound, outbound],
          [outbound, inbound],
        ] as const) {
          a.on('data', (chunk) => {
            if (!frozenSockets.has(a)) b.write(chunk);
          });
          a.on('error', () => b.destroy());
          a.on('close', () => b.destroy());
        }
      });
      const frozenSockets = new Set<net.Socket>();
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      const viaRelay = new URL(t.databaseUrl!);
      viaRelay.host = `127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
      const database = await openDatabase({ databaseUrl: viaRelay.toString(), dataDir: '', poolSize: 1 });
      const bus = new InvalidationBus(database);
      try {
        await bus.start();
        const cache = new CredentialCache<string, { n: number }>(CACHES.personalTokens, bus);
        cache.set('warm', { n: 1 });
        expect(cache.get('warm')).toEqual({ n: 1 });

        for (const sock of sockets) frozenSockets.add(sock);
        const frozenAt = Date.now();
        while (cache.get('warm') !== undefined && Date.now() - frozenAt < 3 * BOUND_MS) await new Promise((r) => setTimeout(r, 10));
        expect(cache.get('warm')).toBeUndefined();
        // The last answered heartbeat vouched until `trustedUntil`: that is when the caches stopped being believed.
        expect(bus.trustedUntil - frozenAt).toBeLessThanOrEqual(BOUND_MS);

        // After `deadAfterMs` without an answer the connection is abandoned and made again (new relay connections flow).
        const start = Date.now();
        while (bus.trustedUntil <= Date.now() && Date.now() - start < INVALIDATION.deadAfterMs + 10_000) await new Promise((r) => setTimeout(r, 50));
        expect(bus.trustedUntil).toBeGreaterThan(Date.now());
        expect(cache.get('warm')).toBeUndefined(); // cleared on reconnection: events sent meanwhile were lost
        cache.set('warm', { n: 2 });
        expect(cache.get('warm')).toEqual({ n: 2 });
      } finally {
        for (const sock of sockets) sock.destroy();
        await bus.close();
        await database.close();
        await new Promise((r) => relay.close(r));
      }
    },
    30_000,
  );

  it.skipIf(onPostgres)('on the embedded database there is no listening connection to lose: the caches are always trusted', () => {
    expect(t.services.database.kind).toBe('pglite');
    expect(t.services.bus.trustedUntil).toBe(Number.POSITIVE_INFINITY);
  });
});
