import type { Db } from '../db/client.js';
import type { AuditWriter } from '../audit/writer.js';
import type { InvalidationBus } from './invalidation.js';
import type { Lockout } from './lockout.js';
import type { UserDirectory, UserState } from './principal.js';
import type { UsageRecorder } from './usage.js';
import { ApiError } from '../http/errors.js';

/** What the authentication schemes share. */
export interface AuthDeps {
  db: Db;
  users: UserDirectory;
  bus: InvalidationBus;
  lockout: Lockout;
  usage: UsageRecorder;
  audit: AuditWriter;
  /** Instance-wide HMAC key (CSRF tokens), the same on every instance. */
  serverKey: Buffer;
}

/** The user behind a credential, refused if gone or disabled. */
export async function activeUser(deps: AuthDeps, userId: number, missing: 'token.invalid' | 'credentials.invalid'): Promise<UserState> {
  const user = deps.users.peek(userId) ?? (await deps.users.get(userId));
  if (!user) throw new ApiError(missing);
  if (!user.active) throw new ApiError('user.disabled');
  return user;
}
