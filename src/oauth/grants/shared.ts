import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Services } from '../../services.js';
import type { ClientStore } from '../clients.js';
import { errors } from '../engine.js';
import { ScopeError } from '../scopes.js';

/** What the grants are built on. */
export interface GrantDeps {
  services: Services;
  clients: ClientStore;
}

/** An unknown scope asked for at the token endpoint: RFC 6749's invalid_scope. */
export function wantScopeError(err: unknown): never {
  if (err instanceof ScopeError) throw new errors.InvalidScope('requested scope is not known', err.message.replace(/^unknown scope "|"$/g, ''));
  throw err;
}

/** Writes an auth event (SPEC §5) for the grant of this request: its user, client and grant type, never a token value. */
export async function auditGrantEvent({ services }: GrantDeps, ctx: KoaContextWithOIDC, event: 'token.issued' | 'token.revoked'): Promise<void> {
  const sub = ctx.oidc?.entities?.Account?.accountId ?? (ctx.oidc?.entities?.RefreshToken as { accountId?: string } | undefined)?.accountId;
  const user = sub && /^\d+$/.test(sub) ? await services.users.get(Number(sub)) : null;
  const detail = { grant_type: ctx.oidc?.params?.grant_type as string | undefined, client_id: ctx.oidc?.client?.clientId };
  services.audit.write({
    accountId: user?.accountId ?? null,
    userId: user?.id ?? null,
    username: user?.username ?? null,
    event,
    credentialKind: 'oauth',
    ip: ctx.ip,
    detail,
  });
}

/** `token.issued` for a token this request's grant made for a user (client_credentials: its integration user). */
export function auditIssued({ services }: GrantDeps, ctx: KoaContextWithOIDC, user: { id: number; accountId: number; username: string }, grantType: string) {
  services.audit.write({
    accountId: user.accountId,
    userId: user.id,
    username: user.username,
    event: 'token.issued',
    credentialKind: 'oauth',
    ip: ctx.ip,
    detail: { grant_type: grantType, client_id: ctx.oidc.client!.clientId },
  });
}
