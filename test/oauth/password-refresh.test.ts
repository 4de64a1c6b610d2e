import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp } from '../helpers/oauth.js';
import { basic, form, FORM, request } from '../helpers/request.js';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema/index.js';

let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;
let staff: Awaited<ReturnType<typeof acc.user>>;
let legacy: Awaited<ReturnType<typeof createApp>>;
let plain: Awaited<ReturnType<typeof createApp>>;

const LEGACY_SCOPE = 'customers shop.products.publishing products images inventories tax_types orders categories';

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  staff = await acc.user({ group: 'staff' });
  legacy = await createApp(t, owner, { name: 'POS', grant_types: ['refresh_token'], allow_password_grant: true, scope: LEGACY_SCOPE });
  plain = await createApp(t, owner, { name: 'Shop', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://shop.example/cb'] });
});
afterAll(() => t?.close());

async function passwordGrant(
  client: { client_id: string; client_secret: string | null },
  username: string,
  password: string,
  extra: Record<string, string> = {},
) {
  // curl -X POST https://…/api/auth/token/ -u '{{client_id}}:{{secret}}' -d 'grant_type=password&username={{email}}&password={{password}}'
  return request(t, {
    method: 'POST',
    url: '/api/auth/token/',
    headers: { ...FORM, authorization: basic(client.client_id, client.client_secret!) },
    payload: `grant_type=password&username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}${Object.entries(extra)
      .map(([k, v]) => `&${k}=${encodeURIComponent(v)}`)
      .join('')}`,
  });
}

async function refresh(client: { client_id: string; client_secret: string | null }, refreshToken: string) {
  // curl -X POST https://…/api/auth/token/ -u '[CLIENT ID]:[CLIENT SECRET]' -d 'grant_type=refresh_token&refresh_token=[REFRESH TOKEN]'
  return request(t, {
    method: 'POST',
    url: '/api/auth/token/',
    headers: { ...FORM, authorization: basic(client.client_id, client.client_secret!) },
    payload: `grant_type=refresh_token&refresh_token=${refreshToken}`,
  });
}

describe('password grant (seed 003, legacy)', () => {
  it('answers access (36000 s), refresh and the legacy scope string for a switched-on client, by email', async () => {
    const res = await passwordGrant(legacy, owner.email, owner.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 36000, scope: LEGACY_SCOPE });
    expect(typeof body.refresh_token).toBe('string');
    const items = await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${body.access_token}` });
    expect(items.statusCode).toBe(200);
  });

  it('is refused for clients without the switch, and for wrong passwords', async () => {
    const off = await passwordGrant(plain, owner.username, owner.password);
    expect(off.statusCode).toBe(400);
    expect(off.json().error).toMatch(/unauthorized_client/);
    const wrong = await passwordGrant(legacy, owner.username, 'nope');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('invalid_grant');
  });

  it('never gives a token more than its user has', async () => {
    const res = await passwordGrant(legacy, staff.username, staff.password, { scope: 'products orders:read users:delete' });
    expect(res.statusCode).toBe(200);
    // staff may not delete products nor users: `products` (all actions on items) and users:delete are dropped
    expect(res.json().scope).toBe('orders:read');
    const bad = await passwordGrant(legacy, staff.username, staff.password, { scope: 'root' });
    expect(bad.json().error).toBe('invalid_scope');
  });

  it('only a user-admin may switch the password grant on', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/App',
      auth: basic(staff.username, staff.password),
      payload: { name: 'x', allow_password_grant: true, grant_types: ['refresh_token'] },
    });
    expect([403]).toContain(res.statusCode);
  });
});

describe('refresh_token rotation (seed 002) and reuse detection (RFC 9700)', () => {
  it('answers a new access and a new refresh token every time; the old refresh token stops working; reuse revokes the family', async () => {
    const first = (await passwordGrant(legacy, owner.username, owner.password)).json();
    const r1 = await refresh(legacy, first.refresh_token);
    expect(r1.statusCode).toBe(200);
    const b1 = r1.json();
    expect(b1.refresh_token).toBeDefined();
    expect(b1.refresh_token).not.toBe(first.refresh_token);
    expect(b1.access_token).not.toBe(first.access_token);
    expect(b1.scope).toBe(LEGACY_SCOPE);
    expect(b1.token_type).toBe('Bearer');

    const r2 = await refresh(legacy, b1.refresh_token);
    expect(r2.statusCode).toBe(200);
    const b2 = r2.json();

    // reuse of an already-rotated refresh token: refused, and the whole family is revoked
    const reuse = await refresh(legacy, first.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().error).toBe('invalid_grant');
    const after = await refresh(legacy, b2.refresh_token);
    expect(after.json().error).toBe('invalid_grant');
    const api = await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${b2.access_token}` });
    expect(api.statusCode).toBe(401);
    expect(api.json().error.key).toBe('token.invalid');
  });

  it('refuses another client refreshing the token', async () => {
    const first = (await passwordGrant(legacy, owner.username, owner.password)).json();
    const res = await refresh(plain, first.refresh_token);
    expect(res.json().error).toBe('invalid_grant');
  });

  it('refuses a refresh asking for more scope than the token has', async () => {
    const first = (await passwordGrant(legacy, staff.username, staff.password, { scope: 'orders:read' })).json();
    const res = await request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: { ...FORM, authorization: basic(legacy.client_id, legacy.client_secret!) },
      payload: form({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'orders:read products:delete' }),
    });
    expect(res.json().error).toBe('invalid_scope');
  });

  it("a disabled user's tokens are rejected at once and cannot be refreshed", async () => {
    const u = await acc.user({ group: 'staff' });
    const first = (await passwordGrant(legacy, u.username, u.password)).json();
    expect((await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${first.access_token}` })).statusCode).toBe(200);
    await t.db.update(users).set({ isActive: false }).where(eq(users.id, u.id));
    await t.services.bus.publish({ t: 'user', id: u.id });
    const res = await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${first.access_token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('user.disabled');
    expect((await refresh(legacy, first.refresh_token)).json().error).toBe('invalid_grant');
    expect((await passwordGrant(legacy, u.username, u.password)).json().error).toBe('invalid_grant');
  });
});
