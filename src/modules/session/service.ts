import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AuthDeps } from '../../auth/deps.js';
import { hashSecret, makeSecret } from '../../auth/secrets.js';
import type { AuditDetails } from '../../audit/events.js';
import { sessions, users } from '../../db/schema/index.js';
import { LIFETIMES } from '../../defaults.js';

/** Seed 002: console cookies and `qm_ses_` tokens live as long as its access tokens, 36000 s (src/defaults.ts). */
export const SESSION_TTL_S = LIFETIMES.session;

interface LoginUser {
  id: number;
  accountId: number;
}

/** A console cookie session or a PIN-login access token (`qm_ses_…`), stored hashed. */
export async function createSession(deps: AuthDeps, user: LoginUser, kind: 'cookie' | 'token', userAgent: string | undefined) {
  const secret = makeSecret('ses');
  const [row] = await deps.db
    .insert(sessions)
    .values({
      accountId: user.accountId,
      userId: user.id,
      kind,
      tokenHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + SESSION_TTL_S * 1000),
      userAgent: userAgent?.slice(0, 300) ?? null,
    })
    .returning({ id: sessions.id });
  await deps.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { secret, id: row!.id };
}

/** Ends one session by id (logout); publishes so every instance forgets it at once. */
export async function endSession(deps: AuthDeps, accountId: number, sessionId: number): Promise<boolean> {
  const rows = await deps.db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
    .returning({ tokenHash: sessions.tokenHash });
  for (const r of rows) await deps.bus.publish({ t: 'credential', hash: r.tokenHash });
  return rows.length > 0;
}

/**
 * Opens a session after a successful login and writes the `login` audit event. The writer takes it directly: the
 * login row names the user, and no request context exists before the session does.
 */
export async function openSession(
  req: FastifyRequest,
  row: { id: number; accountId: number; username: string },
  kind: 'cookie' | 'token',
  detail: Omit<AuditDetails['login'], 'kind'>,
) {
  const { machinery, audit } = req.server.qm;
  const session = await createSession(machinery, row, kind, req.headers['user-agent']);
  audit.write({
    accountId: row.accountId,
    userId: row.id,
    username: row.username,
    event: 'login',
    credentialKind: 'session',
    credentialId: session.id,
    ip: req.ip,
    detail: { ...detail, kind },
  });
  return session;
}
