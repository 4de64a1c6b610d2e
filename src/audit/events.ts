/**
 * Every event the audit trail records, and what each one's `detail` holds: one closed list, like the error keys
 * (src/http/errors.ts). A name not in it is a type error wherever an entry is written. Never put a secret in a detail.
 */

/** The user an administrator acted on, named in the detail of the events that change a user. */
interface Target {
  targetUserId: number;
  targetUsername: string;
}

/** Who acted, when an administrator revokes another user's credentials (the entry is written against the user). */
interface By {
  by?: { id: number; username: string };
}

/** A grant of the OAuth provider (client_credentials, password, authorization_code, refresh_token, token_manager). */
interface Grant {
  grant_type?: string;
  client_id?: string;
}

export interface AuditDetails {
  /** Every request made with a credential (seed 004); names the OAuth client when the credential came from one. */
  request: { clientId: string } | null;
  /** A session opened by a password (and PIN) login. */
  login: { kind: 'cookie' | 'token'; method?: string; via?: string; [more: string]: unknown };
  /** A wrong password or unknown login (no detail: the attempted login is the entry's username). */
  'login.failed': null;
  /** A wrong PIN. */
  'pin.failed': null;
  /** A session ended: by logout, by its user, or by an administrator (all of a user's sessions). */
  'session.revoked': ({ sessionId?: number | null; logout?: boolean; via?: string } | { all: true; count: number }) & By;
  /** A personal token created or rotated, or OAuth tokens issued by a grant or the token manager. */
  'token.issued': ({ tokenId: number; name: string; rotated?: boolean; expires?: string | null } | Grant) & By;
  /** A personal token revoked, or OAuth tokens revoked (by grant, or the token manager's `tokens` count). */
  'token.revoked': ({ tokenId: number } | (Grant & { tokens?: number })) & By;
  'apikey.generated': { apiKeyId: number; regenerated: boolean } & By;
  'apikey.revoked': By;
  'user.created': Target & { superuser: boolean };
  'user.updated': Target & { fields: string[] };
  'user.password_set': Target;
  'user.pin_set': Target;
  'user.pin_removed': Target;
  'user.enabled': Target;
  'user.disabled': Target;
  'user.groups_set': Target & { groupIds: number[] };
  'user.warehouses_set': Target & { warehouseIds: number[] };
  'user.deleted': Target;
  /** A user changed their own password (PUT /api/user/me/password/). */
  'password.changed': Target;
  'group.created': { groupId: number; name: string; permissions: unknown; reports: string[] };
  'group.updated': { groupId: number; name: string; permissions: unknown; reports: string[] };
  'group.deleted': { groupId: number; name: string };
  /** A superuser rotated an application's client secret (All applications; the secret is never in the trail). */
  'app.secret_rotated': { client_id: string };
  /** A superuser deleted an application (All applications). */
  'app.deleted': { client_id: string };
}

export type AuditEvent = keyof AuditDetails;

/** The list at run time (the event filter of GET /api/audit/, the tests). */
export const AUDIT_EVENTS = Object.freeze([
  'request',
  'login',
  'login.failed',
  'pin.failed',
  'session.revoked',
  'token.issued',
  'token.revoked',
  'apikey.generated',
  'apikey.revoked',
  'user.created',
  'user.updated',
  'user.password_set',
  'user.pin_set',
  'user.pin_removed',
  'user.enabled',
  'user.disabled',
  'user.groups_set',
  'user.warehouses_set',
  'user.deleted',
  'password.changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'app.secret_rotated',
  'app.deleted',
] as const satisfies readonly AuditEvent[]);

// Every event of the type is in the list, and the list names nothing else.
type Missing = Exclude<AuditEvent, (typeof AUDIT_EVENTS)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

export function isAuditEvent(name: string): name is AuditEvent {
  return (AUDIT_EVENTS as readonly string[]).includes(name);
}
