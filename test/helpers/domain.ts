import type { TestApp } from './app.js';
import { basic, makeAccount } from './app.js';

/** A logged-in caller: inject with its Basic header. */
export function caller(t: TestApp, u: { username: string; password: string }) {
  const authorization = basic(u.username, u.password);
  return {
    authorization,
    get: (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization } }),
    send: (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url, headers: { authorization }, ...(payload === undefined ? {} : { payload: payload as object }) }),
  };
}
export type Caller = ReturnType<typeof caller>;

export async function ownerOf(t: TestApp) {
  const acc = await makeAccount(t);
  const owner = await acc.user({ group: 'owner' });
  return { acc, owner, api: caller(t, owner) };
}
