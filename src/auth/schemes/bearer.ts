import { ApiError } from '../../http/errors.js';
import type { Principal } from '../principal.js';
import type { SessionScheme } from './session.js';

/** Resolves an OAuth access token to a principal, or null when it is not one of the resolver's tokens. */
export type BearerResolver = (token: string, ip: string) => Promise<Principal | null>;

/**
 * `Authorization: Bearer …`: the PIN login's access tokens (`qm_ses_…`) and OAuth 2.0 access tokens, which the
 * OAuth module registers a resolver for.
 */
export class BearerScheme {
  private readonly resolvers: BearerResolver[] = [];

  constructor(private readonly sessions: SessionScheme) {}

  addResolver(resolver: BearerResolver): void {
    this.resolvers.push(resolver);
  }

  async authenticate(token: string, ip: string): Promise<Principal> {
    if (token.startsWith('qm_ses_')) return this.sessions.authenticate(token, 'token', ip);
    for (const resolve of this.resolvers) {
      const principal = await resolve(token, ip);
      if (principal) return principal;
    }
    throw new ApiError('token.invalid');
  }
}
