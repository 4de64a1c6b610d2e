import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { basic, form, FORM, request } from '../helpers/request.js';

let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;
let staff: Awaited<ReturnType<typeof acc.user>>;
let stranger: Awaited<ReturnType<typeof acc.user>>;
const auth = (u: { username: string; password: string }) => ({ authorization: basic(u.username, u.password) });

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  other = await makeAccount(t, 'Other store');
  owner = await acc.user({ group: 'owner' });
  staff = await acc.user({ group: 'staff' });
  stranger = await other.user({ group: 'owner' });
});
afterAll(() => t?.close());

async function ccToken(app: { client_id: string; client_secret: string | null }) {
  return request(t, {
    method: 'POST',
    url: '/api/v1/Token',
    headers: { ...FORM, authorization: basic(app.client_id, app.client_secret!) },
    payload: 'grant_type=client_credentials',
  });
}
const items = (token: string) => request(t, { method: 'GET', url: '/api/v1/Item?page=1&pageSize=10', auth: `Bearer ${token}` });

describe('apps (seed 002)', () => {
  it('creates an app answering client_id and client_secret once; lists it without the secret', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/App',
      headers: auth(owner),
      payload: {
        name: 'Web shop',
        redirect_uris: ['https://shop.example/cb'],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'orders:read orders:create',
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.client_id).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(body.client_secret).toMatch(/^qm_cs_/);
    const list = await request(t, { method: 'GET', url: '/api/v1/App', headers: auth(owner) });
    expect(list.json().map((a: { client_id: string }) => a.client_id)).toContain(body.client_id);
    expect(list.body).not.toContain(body.client_secret);
  });

  it("refuses another account's app (404) and validates input", async () => {
    const a = await createApp(t, owner, { name: 'Mine', grant_types: ['client_credentials'] });
    const res = await request(t, { method: 'GET', url: `/api/v1/App/${a.id}`, headers: auth(stranger) });
    expect(res.statusCode).toBe(404);
    const del = await request(t, { method: 'DELETE', url: `/api/v1/App/${a.id}`, headers: auth(stranger) });
    expect(del.statusCode).toBe(404);
    const bad = await request(t, {
      method: 'POST',
      url: '/api/v1/App',
      headers: auth(owner),
      payload: { name: 'x', grant_types: ['implicit'], redirect_uris: ['http://evil.example/cb'], scope: 'root' },
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['grant_types', 'redirect_uris', 'scope']);
  });

  it('rotating the secret keeps issued tokens valid; the old secret stops working', async () => {
    const a = await createApp(t, owner, { name: 'ERP', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await ccToken(a)).json().access_token;
    const rot = await request(t, { method: 'POST', url: `/api/v1/App/${a.id}/secret`, headers: auth(owner) });
    expect(rot.statusCode).toBe(200);
    const fresh = rot.json().client_secret;
    expect(fresh).not.toBe(a.client_secret);
    expect((await items(tok)).statusCode).toBe(200);
    expect((await ccToken(a)).json().error).toBe('invalid_client');
    expect((await ccToken({ ...a, client_secret: fresh })).statusCode).toBe(200);
  });

  it('disabling an app refuses new tokens and rejects existing ones at once', async () => {
    const a = await createApp(t, owner, { name: 'ERP2', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await ccToken(a)).json().access_token;
    expect((await items(tok)).statusCode).toBe(200);
    const off = await request(t, { method: 'PATCH', url: `/api/v1/App/${a.id}`, headers: auth(owner), payload: { disabled: true } });
    expect(off.statusCode).toBe(200);
    expect((await items(tok)).json().error.key).toBe('token.invalid');
    expect((await ccToken(a)).json().error).toBe('invalid_client');
  });

  it("disabling the integration user refuses new tokens and rejects the user's existing ones", async () => {
    const a = await createApp(t, owner, { name: 'ERP3', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await ccToken(a)).json().access_token;
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, active: false });
    const res = await items(tok);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('user.disabled');
    expect((await ccToken(a)).json().error).toBe('invalid_grant');
  });

  it('the integration user is limited to its warehouses', async () => {
    const w1 = await acc.warehouse();
    const a = await createApp(t, owner, { name: 'ERP4', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id, warehouses: [w1.id] });
    const tok = (await ccToken(a)).json().access_token;
    const me = await t.services.users.get(a.integration_user_id!);
    expect([...(me!.warehouses ?? [])]).toEqual([w1.id]);
    expect((await items(tok)).statusCode).toBe(200);
  });
});

describe('token manager (seed 002)', () => {
  it('creates tokens with scopes within the user, lists them, refreshes with the app, revokes one and all', async () => {
    const a = await createApp(t, owner, { name: 'Shop', grant_types: ['refresh_token'] });
    const mk = await request(t, {
      method: 'POST',
      url: `/api/v1/App/${a.id}/Token`,
      headers: auth(owner),
      payload: { name: 'shop token', scope: 'products:read orders:read' },
    });
    expect(mk.statusCode).toBe(201);
    const tok = mk.json();
    expect(tok).toMatchObject({ name: 'shop token', scope: 'products:read orders:read', token_type: 'Bearer', expires_in: 86400 });
    expect(typeof tok.refresh_token).toBe('string');
    expect((await items(tok.access_token)).statusCode).toBe(200);
    // seed 002: refresh with the app's client credentials
    const r = await request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
      payload: `grant_type=refresh_token&refresh_token=${tok.refresh_token}`,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().refresh_token).not.toBe(tok.refresh_token);
    expect(r.json().scope).toBe('products:read orders:read');

    const second = (
      await request(t, { method: 'POST', url: `/api/v1/App/${a.id}/Token`, headers: auth(owner), payload: { name: 'second', scope: 'orders:read' } })
    ).json();
    await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${second.access_token}` });
    await t.app.oauth.bearer.flushUsage();
    const list = (await request(t, { method: 'GET', url: `/api/v1/App/${a.id}/Token`, headers: auth(owner) })).json();
    expect(list.map((x: { name: string }) => x.name)).toEqual(['second', 'shop token']);
    expect(list[1]).toMatchObject({ scope: 'products:read orders:read' });
    expect(list[1].created).toBeTruthy();
    expect(list[1].expires).toBeTruthy();
    expect(list[1].last_used).toBeTruthy();

    const one = await request(t, { method: 'DELETE', url: `/api/v1/App/${a.id}/Token/${tok.id}`, headers: auth(owner) });
    expect(one.json()).toEqual({ revoked: 1 });
    expect((await items(r.json().access_token)).json().error.key).toBe('token.invalid');
    expect((await items(second.access_token)).statusCode).toBe(403); // scope.wrong: items need products:read
    const all = await request(t, { method: 'DELETE', url: `/api/v1/App/${a.id}/Token`, headers: auth(owner) });
    expect(all.json()).toEqual({ revoked: 1 });
    expect((await items(second.access_token)).json().error.key).toBe('token.invalid');
  });

  it('refuses scopes the user lacks, and a narrow OAuth token cannot mint a wider one', async () => {
    const a = await createApp(t, owner, { name: 'Shop2', grant_types: ['refresh_token'] });
    const res = await request(t, { method: 'POST', url: `/api/v1/App/${a.id}/Token`, headers: auth(staff), payload: { name: 'x', scope: 'users:delete' } });
    expect(res.statusCode).toBe(403);
    const narrow = (
      await request(t, {
        method: 'POST',
        url: `/api/v1/App/${a.id}/Token`,
        headers: auth(owner),
        payload: { name: 'narrow', scope: 'apps:create apps:read' },
      })
    ).json();
    const esc = await request(t, {
      method: 'POST',
      url: `/api/v1/App/${a.id}/Token`,
      auth: `Bearer ${narrow.access_token}`,
      payload: { name: 'wide', scope: 'products:delete' },
    });
    expect(esc.statusCode).toBe(403);
  });

  it('deleting an app revokes everything it issued', async () => {
    const a = await createApp(t, owner, { name: 'Gone', grant_types: ['client_credentials', 'refresh_token'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const cc = (await ccToken(a)).json().access_token;
    const mk = (
      await request(t, { method: 'POST', url: `/api/v1/App/${a.id}/Token`, headers: auth(owner), payload: { name: 't', scope: 'products:read' } })
    ).json();
    const del = await request(t, { method: 'DELETE', url: `/api/v1/App/${a.id}`, headers: auth(owner) });
    expect(del.statusCode).toBe(204);
    expect((await items(cc)).json().error.key).toBe('token.invalid');
    expect((await items(mk.access_token)).json().error.key).toBe('token.invalid');
    const r = await request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
      payload: form({ grant_type: 'refresh_token', refresh_token: mk.refresh_token }),
    });
    expect(r.json().error).toBe('invalid_client');
  });
});

describe('/o/applications/ (superusers)', () => {
  it('lists every application, including the default PKCE client, as JSON and as a page; others are refused', async () => {
    const su = await acc.user({ group: 'owner', superuser: true });
    await request(t, { method: 'GET', url: '/.well-known/openid-configuration' }); // first OAuth use creates the default client
    const json = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'application/json' } });
    expect(json.statusCode).toBe(200);
    expect(json.json().map((a: { client_id: string }) => a.client_id)).toContain('zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6');
    const page = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'text/html' } });
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<table>');
    const denied = await request(t, { method: 'GET', url: '/o/applications/', headers: auth(owner) });
    expect(denied.statusCode).toBe(403);
  });

  it("a superuser of another account neither sees nor changes nor deletes this account's applications", async () => {
    const mine = await request(t, {
      method: 'POST',
      url: '/api/v1/App',
      headers: auth(owner),
      payload: { name: 'Mine', grant_types: ['client_credentials'] },
    });
    expect(mine.statusCode).toBe(201);
    const other = await makeAccount(t, 'Other store');
    const foreignSu = await other.user({ group: 'owner', superuser: true });
    const list = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(foreignSu), accept: 'application/json' } });
    expect(list.statusCode).toBe(200);
    const ids = list.json().map((a: { client_id: string }) => a.client_id);
    expect(ids).not.toContain(mine.json().client_id);
    expect(ids).toContain('zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6');
    const id = mine.json().id;
    const patch = await request(t, { method: 'PATCH', url: `/o/applications/${id}`, headers: auth(foreignSu), payload: { disabled: true } });
    expect(patch.statusCode).toBe(404);
    const del = await request(t, { method: 'DELETE', url: `/o/applications/${id}`, headers: auth(foreignSu) });
    expect(del.statusCode).toBe(404);
    const still = await request(t, { method: 'GET', url: `/api/v1/App/${id}`, headers: auth(owner) });
    expect(still.statusCode).toBe(200);
    expect(still.json().disabled).toBe(false);
  });

  it('no superuser deletes the instance-wide client, which serves every account: 409, and it stays', async () => {
    const su = await acc.user({ group: 'owner', superuser: true });
    // The provider registers the instance-wide client when it first starts.
    expect((await request(t, { method: 'GET', url: '/.well-known/openid-configuration' })).statusCode).toBe(200);
    const list = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'application/json' } });
    const shared = list.json().find((a: { client_id: string }) => a.client_id === 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6');
    expect(shared).toBeDefined();
    const del = await request(t, { method: 'DELETE', url: `/o/applications/${shared.id}`, headers: auth(su) });
    expect(del.statusCode).toBe(409);
    expect(del.json().error.key).toBe('conflict');
    const after = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'application/json' } });
    expect(after.json().map((a: { client_id: string }) => a.client_id)).toContain('zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6');
  });

  it('no superuser disables the instance-wide client either: 409, and every account can still sign in through it', async () => {
    const su = await acc.user({ group: 'owner', superuser: true });
    expect((await request(t, { method: 'GET', url: '/.well-known/openid-configuration' })).statusCode).toBe(200);
    const listed = async () =>
      (await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'application/json' } }))
        .json()
        .find((a: { client_id: string }) => a.client_id === 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6');
    const shared = await listed();
    const patch = await request(t, { method: 'PATCH', url: `/o/applications/${shared.id}`, headers: auth(su), payload: { disabled: true } });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().error.key).toBe('conflict');
    expect((await listed()).disabled).toBe(false);
    // The page offers no button for it.
    const page = await request(t, { method: 'GET', url: '/o/applications/', headers: { ...auth(su), accept: 'text/html' } });
    const row = page.body.split('<tr>').find((tr) => tr.includes('zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6'))!;
    expect(row).toContain('serves every account');
    expect(row).not.toContain('<button');
    // The provider still knows the client: its authorization endpoint answers with the sign-in page, not an invalid client.
    const authorize = await request(t, {
      method: 'GET',
      url: `/o/authorize/?response_type=code&client_id=zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6&redirect_uri=${encodeURIComponent('http://127.0.0.1/callback')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&scope=openid`,
    });
    expect(authorize.statusCode).toBe(303);
  });
});
