import { afterAll, beforeAll, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { authFailures, loginChallenges, sessions } from '../../src/db/schema/index.js';
import { sweepExpiredAuthState } from '../../src/auth/sweeper.js';
import { makeAccount, startTestApp, type TestApp, unique } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

it('drops sessions, PIN tokens and failure counters a day past their end, and keeps everything still meaningful', async () => {
  const acc = await makeAccount(t);
  const u = await acc.user();
  const owner = { accountId: acc.account.id, userId: u.id };
  const ses = await t.db
    .insert(sessions)
    .values([
      { ...owner, kind: 'cookie', tokenHash: unique('old'), expiresAt: hoursAgo(30) },
      { ...owner, kind: 'token', tokenHash: unique('recent'), expiresAt: hoursAgo(2) },
      { ...owner, kind: 'cookie', tokenHash: unique('live'), expiresAt: hoursAgo(-5) },
    ])
    .returning({ id: sessions.id, tokenHash: sessions.tokenHash });
  const pins = await t.db
    .insert(loginChallenges)
    .values([
      { ...owner, tokenHash: unique('pin-old'), expiresAt: hoursAgo(25) },
      { ...owner, tokenHash: unique('pin-live'), expiresAt: hoursAgo(-0.05) },
    ])
    .returning({ id: loginChallenges.id });
  const keys = [unique('login:stale'), unique('login:locked'), unique('ip:fresh')];
  await t.db.insert(authFailures).values([
    { key: keys[0]!, failures: 3, windowStart: hoursAgo(48) },
    { key: keys[1]!, failures: 9, windowStart: hoursAgo(48), lockedUntil: hoursAgo(-1) },
    { key: keys[2]!, failures: 1, windowStart: hoursAgo(1) },
  ]);

  await sweepExpiredAuthState(t.db);

  const leftSessions = await t.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      inArray(
        sessions.id,
        ses.map((s) => s.id),
      ),
    );
  expect(leftSessions.map((s) => s.id).sort()).toEqual([ses[1]!.id, ses[2]!.id].sort());
  const leftPins = await t.db
    .select({ id: loginChallenges.id })
    .from(loginChallenges)
    .where(
      inArray(
        loginChallenges.id,
        pins.map((p) => p.id),
      ),
    );
  expect(leftPins.map((p) => p.id)).toEqual([pins[1]!.id]);
  const leftKeys = await t.db.select({ key: authFailures.key }).from(authFailures).where(inArray(authFailures.key, keys));
  expect(leftKeys.map((k) => k.key).sort()).toEqual([keys[1]!, keys[2]!].sort());
});
