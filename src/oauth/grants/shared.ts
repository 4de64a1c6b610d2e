import type { KoaContextWithOIDC } from 'oidc-provider';
import type { UserState } from '../../auth/principal.js';
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

/** The context of the user an OAuth grant acts for, to write its audit entries (no request line, as for every grant). */
const grantContext = (services: Services, ctx: KoaContextWithOIDC, user: UserState) =>
  services.contexts.for({ user, credential: { kind: 'oauth', id: null }, scope: null }, ctx.ip);

/** Writes an auth event (SPEC §5) for the grant of this request: its user, client and grant type, never a token value. */
export async function auditGrantEvent({ services }: GrantDeps, ctx: KoaContextWithOIDC, event: 'token.issued' | 'token.revoked'): Promise<void> {
  const sub = ctx.oidc?.entities?.Account?.accountId ?? (ctx.oidc?.entities?.RefreshToken as { accountId?: string } | undefined)?.accountId;
  const user = sub && /^\d+$/.test(sub) ? await services.users.get(Number(sub)) : null;
  const detail = { grant_type: ctx.oidc?.params?.grant_type as string | undefined, client_id: ctx.oidc?.client?.clientId };
  if (user) return grantContext(services, ctx, user).audit(event, detail);
  // A grant without a user (a client's own token revoked): nobody to act as, so the entry names none.
  services.audit.write({ accountId: null, userId: null, username: null, event, credentialKind: 'oauth', ip: ctx.ip, detail });
}

/** `token.issued` for a token this request's grant made for a user (client_credentials: its integration user). */
export function auditIssued({ services }: GrantDeps, ctx: KoaContextWithOIDC, user: UserState, grantType: string) {
  grantContext(services, ctx, user).audit('token.issued', { grant_type: grantType, client_id: ctx.oidc.client!.clientId });
}
