/**
 * The one way tests make requests to the app: `fastify.inject` (no socket), with the credential said once.
 *
 *   request(t, { method: 'POST', url: '/api/v1/Item', auth: owner, payload: { shortID: 'A' } })
 *   as(t, tokenAuth(token)).get('/api/v1/Item')
 *   expectError(await as(t, staff).send('DELETE', url), 403, 'permission.denied')
 *
 * `auth` is any of: a user (`{ username, password }`: HTTP Basic), an Authorization header value (`basic(…)`,
 * `tokenAuth(…)`, `apiKeyAuth(…)`, `bearer(…)`, or anything a test wants to send verbatim), or a console session
 * (`{ cookie, csrf }` from `consoleLogin`: the cookie, and the CSRF header on writes).
 */
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { TestApp, TestUser } from './app.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A console session: the `qm_session` cookie header and its CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

export type Auth = string | { username: string; password: string } | Session;

export type RequestOptions = InjectOptions & {
  /** The credential (see above); headers given in `headers` win over the ones it makes. */
  auth?: Auth;
  /** A form body (application/x-www-form-urlencoded), instead of `payload`. */
  form?: Record<string, string>;
};

export type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

/** `Basic base64(user:password)`: a username or email with the password, an API key with its secret, a client id with its secret. */
export function basic(userOrKey: string, password: string): string {
  return `Basic ${Buffer.from(`${userOrKey}:${password}`).toString('base64')}`;
}
/** `Token <personal token>` (seed 000). */
export const tokenAuth = (token: string) => `Token ${token}`;
/** `token <api_key>:<api_secret>` (seed 004). */
export const apiKeyAuth = (key: { api_key: string; api_secret: string }) => `token ${key.api_key}:${key.api_secret}`;
/** `Bearer <access token>`. */
export const bearer = (token: string) => `Bearer ${token}`;

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The headers a credential is sent with (for `method`: a session sends its CSRF token on writes). */
export function authHeaders(auth: Auth | undefined, method = 'GET'): Record<string, string> {
  if (auth === undefined) return {};
  if (typeof auth === 'string') return { authorization: auth };
  if ('cookie' in auth) return WRITES.has(method.toUpperCase()) ? { cookie: auth.cookie, 'x-csrf-token': auth.csrf } : { cookie: auth.cookie };
  return { authorization: basic(auth.username, auth.password) };
}

/** One request to the app. Everything but `auth` and `form` goes to `inject` as given. */
export function request(t: Pick<TestApp, 'app'>, opts: RequestOptions): Promise<Response> {
  const { auth, form: fields, ...rest } = opts;
  const method = String(rest.method ?? 'GET');
  const headers = { ...authHeaders(auth, method), ...(fields ? FORM : {}), ...(rest.headers as Record<string, string> | undefined) };
  return t.app.inject({ ...rest, headers, ...(fields ? { payload: form(fields) } : {}) } as InjectOptions);
}

/** A caller with one credential: `get`, `send` (JSON body when given) and `call` (any method, extra headers). */
export function as(t: Pick<TestApp, 'app'>, auth: Auth) {
  const authorization = typeof auth === 'string' ? auth : 'username' in auth ? basic(auth.username, auth.password) : undefined;
  const call = (method: Method, url: string, payload?: unknown, headers?: Record<string, string>) =>
    request(t, { method, url, auth, ...(headers ? { headers } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    auth,
    /** The Authorization header value (undefined for a session). */
    authorization,
    call,
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    send: (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => call(method, url, payload),
  };
}
export type Caller = ReturnType<typeof as>;

/** A logged-in user as a caller (HTTP Basic with their password). */
export const caller = (t: Pick<TestApp, 'app'>, u: { username: string; password: string }) => as(t, u);

/** The documented error body (src/http/errors.ts), with the status and key expected; answers the error. */
export function expectError(res: { statusCode: number; json: () => any }, status: number, key: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body).toEqual({ error: { key, description: expect.any(String), fields: expect.any(Object) } });
  return body.error as { key: string; description: string; fields: Record<string, string[]> };
}

/** Logs in as the console does (`POST /api/auth/login`): the session cookie and its CSRF token. */
export async function consoleLogin(t: Pick<TestApp, 'app'>, u: Pick<TestUser, 'username' | 'password'>, userAgent = 'test-browser'): Promise<Session> {
  const res = await request(t, {
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'user-agent': userAgent },
    payload: { username: u.username, password: u.password },
  });
  expect(res.statusCode).toBe(200);
  return { cookie: `qm_session=${res.cookies.find((c) => c.name === 'qm_session')!.value}`, csrf: res.json().csrf_token as string };
}
