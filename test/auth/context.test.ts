import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Invalidation } from '../../src/auth/invalidation.js';
import { auditLog, groups } from '../../src/db/schema/index.js';
import { contextOf, makeAccount, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
const seen: Invalidation[] = [];

beforeAll(async () => {
  t = await startTestApp();
  owner = await (await makeAccount(t)).user({ group: 'owner' });
  other = await (await makeAccount(t, 'Other')).user({ group: 'owner' });
  t.services.bus.on((e) => seen.push(e));
});
afterAll(() => t.close());

async function entries(userId: number, event: 'apikey.revoked') {
  await t.services.audit.flush();
  return t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.userId, userId), eq(auditLog.event, event)));
}

describe('the request context', () => {
  it("scopes queries to the caller's account", async () => {
    const ctx = await contextOf(t, owner);
    const mine = await ctx.db.select({ accountId: groups.accountId }).from(groups).where(ctx.inAccount(groups));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((g) => g.accountId === owner.accountId)).toBe(true);
    const [theirs] = await t.db.select().from(groups).where(eq(groups.accountId, other.accountId)).limit(1);
    expect(await ctx.db.select().from(groups).where(ctx.byId(groups, theirs!.id))).toEqual([]);
  });

  it('in a transaction, audit entries and invalidations wait for the commit', async () => {
    const ctx = await contextOf(t, owner);
    const before = seen.length;
    const name = `tx${Date.now()}`;
    await ctx.tx(async (tx) => {
      await tx.db.insert(groups).values({ accountId: tx.accountId, name, permissions: {} });
      tx.audit('apikey.revoked', {});
      await tx.invalidate({ t: 'account', id: tx.accountId });
      // Not yet: the transaction is still open.
      expect(seen.length).toBe(before);
    });
    expect(seen.slice(before)).toContainEqual({ t: 'account', id: owner.accountId });
    expect(await entries(owner.id, 'apikey.revoked')).toHaveLength(1);
    expect(await t.db.select().from(groups).where(eq(groups.name, name))).toHaveLength(1);
  });

  it('a rolled-back transaction is neither recorded nor announced', async () => {
    const ctx = await contextOf(t, other);
    const before = seen.length;
    const name = `rb${Date.now()}`;
    await expect(
      ctx.tx(async (tx) => {
        await tx.db.insert(groups).values({ accountId: tx.accountId, name, permissions: {} });
        tx.audit('apikey.revoked', {});
        await tx.invalidate({ t: 'user', id: other.id });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(seen.slice(before)).toEqual([]);
    expect(await entries(other.id, 'apikey.revoked')).toEqual([]);
    expect(await t.db.select().from(groups).where(eq(groups.name, name))).toEqual([]);
  });
});
