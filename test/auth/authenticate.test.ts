import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { makeAccount, personalToken, setUser, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';

/**
 * Authentication and the guard are attached to each route that declares access when it registers (one onRequest
 * hook, first among the route's own), and path/query conversion to each route with such values: what a request sees
 * must be what the app-wide hooks gave it.
 */
let t: TestApp;
let app: FastifyInstance;
let owner: TestUser;
let viewer: TestUser;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let token: string;
const seen: { own: number | null; query?: unknown }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  viewer = await acc.user({ group: null });
  token = await personalToken(t, owner);
  // An app with one more route that has its own hooks, to see the order they run in.
  app = await buildApp(t.services, { logger: false });
  app.route({
    method: 'GET',
    url: '/api/v1/HookOrder',
    config: { access: { ruleset: 'item', action: 'view' } },
    schema: { querystring: Type.Object({ n: Type.Optional(Type.Integer()) }) },
    onRequest: async (req: FastifyRequest) => {
      seen.push({ own: req.ctx?.principal.user.id ?? null });
    },
    preValidation: async (req: FastifyRequest) => {
      seen[seen.length - 1]!.query = req.query;
    },
    handler: async () => ({ ok: true }),
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const auth = () => ({ authorization: `Token ${token}` });

describe('the access hook of a declared route', () => {
  it('a route’s own onRequest hook runs after authentication and the guard; its preValidation sees converted query values', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/HookOrder?n=42', headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(seen.at(-1)).toEqual({ own: owner.id, query: { n: 42 } });
    const before = seen.length;
    const refused = await app.inject({ method: 'GET', url: '/api/v1/HookOrder?n=1' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.key).toBe('auth.required');
    expect(seen).toHaveLength(before);
  });

  it('GET and its HEAD twin both authenticate and guard', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      expect((await t.app.inject({ method, url: '/api/v1/Item?page=1&pageSize=1' })).statusCode).toBe(401);
      expect((await t.app.inject({ method, url: '/api/v1/Item?page=1&pageSize=1', headers: auth() })).statusCode).toBe(200);
      const other = await personalToken(t, viewer);
      expect((await t.app.inject({ method, url: '/api/v1/Item?page=1&pageSize=1', headers: { authorization: `Token ${other}` } })).statusCode).toBe(403);
    }
  });

  it('a bad token on a public route is not looked at; on a declared one it is 401 token.invalid', async () => {
    const bad = { authorization: 'Token qm_pat_notatokenatall' };
    expect((await t.app.inject({ method: 'GET', url: '/api-doc/json', headers: bad })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/Item', headers: bad });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.invalid');
  });

  it('a bad percent-escape answers 400 on an unknown path too (the URL check stays app-wide)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/NoSuchThing/%FF' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.key).toBe('validation.failed');
  });
});

describe('a warm personal token (answered without a promise) is still checked in full', () => {
  const list = (tok: string) => t.app.inject({ method: 'GET', url: '/api/v1/Item?page=1&pageSize=1', headers: { authorization: `Token ${tok}` } });

  it('expiry: a warm token past its expiry answers 401 token.expired', async () => {
    const u = await acc.user({ group: 'owner' });
    const tok = await personalToken(t, u, undefined, new Date(Date.now() + 1_500));
    expect((await list(tok)).statusCode).toBe(200);
    expect((await list(tok)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const res = await list(tok);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.expired');
  });

  it('a user disabled while the token is warm answers 401 user.disabled at once', async () => {
    const u = await acc.user({ group: 'owner' });
    const tok = await personalToken(t, u);
    expect((await list(tok)).statusCode).toBe(200);
    await setUser(t, u.id, { isActive: false });
    const res = await list(tok);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('user.disabled');
  });

  it('lower-case scheme, extra spaces and a token with a colon take the whole path with the same answers', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/Item', headers: { authorization: `token ${token}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/Item', headers: { authorization: `Token   ${token}  ` } })).statusCode).toBe(200);
    const colon = await t.app.inject({ method: 'GET', url: '/api/v1/Item', headers: { authorization: `Token ${token}:x` } });
    expect(colon.statusCode).toBe(401);
  });
});
