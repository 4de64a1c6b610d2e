import type { Static } from '@sinclair/typebox';
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../auth/principal.js';
import { apiKeys, auditLog, oauthAppTokens, oauthClients, personalTokens, users } from '../../db/schema/index.js';
import { inAccount } from '../../db/scoped.js';
import { ApiError } from '../../http/errors.js';
import type { SummaryQuery } from './routes.js';

export const CREDENTIAL_KINDS = ['password', 'token', 'apikey', 'session', 'oauth'] as const;
export const REFUSAL_STATUSES = [401, 403, 429] as const;
const FAILURE_EVENTS = ['login.failed', 'pin.failed'];
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const MAX_BUCKETS = 800;
const UNUSED_DAYS = 90;

/** Start of the bucket (UTC) holding `t`. */
function floorTo(t: number, bucket: 'hour' | 'day') {
  return Math.floor(t / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

/** The same bucket key in SQL, as the ISO string JavaScript's toISOString() writes. */
function bucketKey(bucket: 'hour' | 'day'): SQL<string> {
  const unit = bucket === 'hour' ? sql.raw(`'hour'`) : sql.raw(`'day'`);
  return sql<string>`to_char(date_trunc(${unit}, ${auditLog.at} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00.000"Z"')`;
}

/**
 * What the console's overview charts show, computed from the audit log of the caller's account: requests per
 * bucket by credential kind, refusals (401/403/429) per bucket, the busiest credentials and apps in the range, and,
 * as of now, the tokens expiring soon and the credentials unused for 90 days. Failed logins and PINs count as 401.
 */
export async function auditSummary(ctx: RequestContext, q: Static<typeof SummaryQuery>) {
  const bucket = q.bucket ?? 'hour';
  const now = Date.now();
  const to = q.to ? new Date(q.to).getTime() : now;
  const from = q.from ? new Date(q.from).getTime() : to - (bucket === 'hour' ? 24 : 30) * BUCKET_MS[bucket];
  if (!(from < to)) throw ApiError.validation({ from: ['must be before to'] });
  const first = floorTo(from, bucket);
  const buckets = Math.ceil((to - first) / BUCKET_MS[bucket]);
  if (buckets > MAX_BUCKETS) throw ApiError.validation({ bucket: [`the range spans ${buckets} ${bucket}s; at most ${MAX_BUCKETS}`] });

  const inRange = inAccount(ctx, auditLog, gte(auditLog.at, new Date(from)), lt(auditLog.at, new Date(to)));
  const isRequest = eq(auditLog.event, 'request');
  const isRefusal = or(and(isRequest, inArray(auditLog.status, [...REFUSAL_STATUSES])), inArray(auditLog.event, FAILURE_EVENTS));
  const key = bucketKey(bucket);
  const refusalStatus = sql<number>`coalesce(${auditLog.status}, 401)`;
  const clientId = sql<string>`${auditLog.detail}->>'clientId'`;
  const soon = new Date(now + (q.expiringWithinDays ?? 7) * 86_400_000);
  const unusedSince = new Date(now - UNUSED_DAYS * 86_400_000);

  const [requestRows, refusalRows, credentialRows, appRows, expiringTokens, expiringAppTokens, unusedTokens, unusedKeys] = await Promise.all([
    ctx.db.select({ at: key, kind: auditLog.credentialKind, n: count() }).from(auditLog).where(and(inRange, isRequest)).groupBy(key, auditLog.credentialKind),
    ctx.db.select({ at: key, status: refusalStatus, n: count() }).from(auditLog).where(and(inRange, isRefusal)).groupBy(key, refusalStatus),
    ctx.db
      .select({ kind: auditLog.credentialKind, id: auditLog.credentialId, userId: auditLog.userId, username: auditLog.username, n: count() })
      .from(auditLog)
      .where(and(inRange, isRequest))
      .groupBy(auditLog.credentialKind, auditLog.credentialId, auditLog.userId, auditLog.username)
      .orderBy(desc(count()))
      .limit(10),
    ctx.db
      .select({ clientId, n: count() })
      .from(auditLog)
      .where(and(inRange, isRequest, isNotNull(clientId)))
      .groupBy(clientId)
      .orderBy(desc(count()))
      .limit(10),
    ctx.db
      .select({ id: personalTokens.id, name: personalTokens.name, username: users.username, expires: personalTokens.expiresAt })
      .from(personalTokens)
      .innerJoin(users, eq(users.id, personalTokens.userId))
      .where(inAccount(ctx, personalTokens, isNull(personalTokens.revokedAt), gte(personalTokens.expiresAt, new Date(now)), lt(personalTokens.expiresAt, soon)))
      .orderBy(asc(personalTokens.expiresAt))
      .limit(50),
    ctx.db
      .select({
        id: oauthAppTokens.id,
        name: oauthAppTokens.name,
        username: users.username,
        clientId: oauthAppTokens.clientId,
        expires: oauthAppTokens.expiresAt,
      })
      .from(oauthAppTokens)
      .innerJoin(users, eq(users.id, oauthAppTokens.userId))
      .where(inAccount(ctx, oauthAppTokens, isNull(oauthAppTokens.revokedAt), gte(oauthAppTokens.expiresAt, new Date(now)), lt(oauthAppTokens.expiresAt, soon)))
      .orderBy(asc(oauthAppTokens.expiresAt))
      .limit(50),
    ctx.db
      .select({
        id: personalTokens.id,
        name: personalTokens.name,
        username: users.username,
        created: personalTokens.createdAt,
        lastUsed: personalTokens.lastUsedAt,
      })
      .from(personalTokens)
      .innerJoin(users, eq(users.id, personalTokens.userId))
      .where(
        inAccount(
          ctx,
          personalTokens,
          isNull(personalTokens.revokedAt),
          or(isNull(personalTokens.expiresAt), gte(personalTokens.expiresAt, new Date(now))),
          lt(sql`coalesce(${personalTokens.lastUsedAt}, ${personalTokens.createdAt})`, unusedSince),
        ),
      )
      .orderBy(asc(personalTokens.id))
      .limit(50),
    ctx.db
      .select({ id: apiKeys.id, name: apiKeys.apiKey, username: users.username, created: apiKeys.createdAt, lastUsed: apiKeys.lastUsedAt })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(inAccount(ctx, apiKeys, isNull(apiKeys.revokedAt), lt(sql`coalesce(${apiKeys.lastUsedAt}, ${apiKeys.createdAt})`, unusedSince)))
      .orderBy(asc(apiKeys.id))
      .limit(50),
  ]);

  // Dense series: every bucket of the range, zeros included, so a chart's time axis is even.
  const keys = Array.from({ length: buckets }, (_, i) => new Date(first + i * BUCKET_MS[bucket]).toISOString());
  const requests = new Map(keys.map((k) => [k, Object.fromEntries(CREDENTIAL_KINDS.map((c) => [c, 0])) as Record<string, number>]));
  for (const r of requestRows) {
    const slot = requests.get(r.at);
    if (slot && r.kind) slot[r.kind] = (slot[r.kind] ?? 0) + Number(r.n);
  }
  const refusals = new Map(keys.map((k) => [k, Object.fromEntries(REFUSAL_STATUSES.map((s) => [String(s), 0])) as Record<string, number>]));
  for (const r of refusalRows) {
    const slot = refusals.get(r.at);
    const status = String(r.status);
    if (slot && status in slot) slot[status]! += Number(r.n);
  }

  const clientIds = appRows.map((r) => r.clientId);
  const names = clientIds.length
    ? await ctx.db
        .select({ clientId: oauthClients.clientId, name: oauthClients.name })
        .from(oauthClients)
        .where(and(inArray(oauthClients.clientId, clientIds), or(eq(oauthClients.accountId, ctx.accountId), isNull(oauthClients.accountId))))
    : [];
  const nameOf = new Map(names.map((n) => [n.clientId, n.name]));
  const appTokenClients = [...new Set(expiringAppTokens.map((t) => t.clientId))];
  const appTokenNames = appTokenClients.length
    ? await ctx.db
        .select({ clientId: oauthClients.clientId, name: oauthClients.name })
        .from(oauthClients)
        .where(inAccount(ctx, oauthClients, inArray(oauthClients.clientId, appTokenClients)))
    : [];
  for (const n of appTokenNames) nameOf.set(n.clientId, n.name);
  const iso = (d: Date | null) => d?.toISOString() ?? null;

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket,
    requests: keys.map((at) => ({ at, ...requests.get(at)! })),
    refusals: keys.map((at) => ({ at, ...refusals.get(at)! })),
    busiestCredentials: credentialRows.map((r) => ({ kind: r.kind ?? 'unknown', id: r.id, userId: r.userId, username: r.username, requests: Number(r.n) })),
    busiestApps: appRows.map((r) => ({ clientId: r.clientId, name: nameOf.get(r.clientId) ?? null, requests: Number(r.n) })),
    expiringSoon: [
      ...expiringTokens.map((t) => ({ kind: 'token', id: t.id, name: t.name, username: t.username, app: null, expires: iso(t.expires)! })),
      ...expiringAppTokens.map((t) => ({
        kind: 'app_token',
        id: t.id,
        name: t.name,
        username: t.username,
        app: nameOf.get(t.clientId) ?? t.clientId,
        expires: iso(t.expires)!,
      })),
    ].sort((a, b) => a.expires.localeCompare(b.expires)),
    unused: [
      ...unusedTokens.map((t) => ({ kind: 'token', id: t.id, name: t.name, username: t.username, created: iso(t.created)!, lastUsed: iso(t.lastUsed) })),
      ...unusedKeys.map((k) => ({ kind: 'apikey', id: k.id, name: k.name, username: k.username, created: iso(k.created)!, lastUsed: iso(k.lastUsed) })),
    ],
  };
}
