import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, oauthPayloads, users } from '../../../src/db/schema/index.js';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { createApp, setIntegrationUser, type CreatedApp } from '../../helpers/oauth.js';
import { basic, FORM, request } from '../../helpers/request.js';

const DEFAULT_CLIENT = 'zDFnsiRheJIOKNx6aCQ0quBxECg1QBHtVFDPloJ6';

let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let other: Awaited<ReturnType<typeof makeAccount>>;
let su: TestUser;
let owner: TestUser;
let foreignSu: TestUser;
const auth = (u: TestUser) => ({ authorization: basic(u.username, u.password) });
const call = (u: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string) => request(t, { method, url, headers: auth(u) });

async function ccToken(app: { client_id: string; client_secret: string | null }, secret = app.client_secret!) {
  return request(t, {
    method: 'POST',
    url: '/api/v1/Token',
    headers: { ...FORM, authorization: basic(app.client_id, secret) },
    payload: 'grant_type=client_credentials',
  });
}
/** A client-credentials app whose integration user may look at items (as an admin would set it up). */
async function ccApp(u: TestUser, name: string, account = acc): Promise<CreatedApp> {
  const app = await createApp(t, u, { name, grant_types: ['client_credentials'] });
  await setIntegrationUser(t, app.integration_user_id!, { accountId: account.account.id, groupId: account.groups.staff.id });
  return app;
}
const items = (token: string) => request(t, { method: 'GET', url: '/api/v1/Item?page=1&pageSize=10', headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t, 'Harbour Supplies');
  other = await makeAccount(t, 'Other store');
  su = await acc.user({ group: 'owner', superuser: true });
  owner = await acc.user({ group: 'owner' });
  foreignSu = await other.user({ group: 'owner', superuser: true });
  await request(t, { method: 'GET', url: '/.well-known/openid-configuration' }); // first OAuth use creates the default client
});
afterAll(() => t?.close());

describe('GET /api/v1/Application (superusers)', () => {
  it("lists the account's apps and the instance-wide client, with owner, integration user and last use; never another account's", async () => {
    const erp = await ccApp(owner, 'ERP nightly');
    const theirs = await ccApp(foreignSu, 'Their shop', other);
    const token = (await ccToken(erp)).json().access_token as string;
    expect((await items(token)).statusCode).toBe(200);
    await items((await ccToken(theirs)).json().access_token as string);
    await t.services.audit.flush();

    const res = await call(su, 'GET', '/api/v1/Application');
    expect(res.statusCode).toBe(200);
    const list = res.json<{ client_id: string; account_id: number | null; owner: unknown; integration_user: unknown; last_used: string | null }[]>();
    const ids = list.map((a) => a.client_id);
    expect(ids).toContain(DEFAULT_CLIENT);
    expect(ids).not.toContain(theirs.client_id);
    const mine = list.find((a) => a.client_id === erp.client_id)!;
    expect(mine).toMatchObject({
      name: 'ERP nightly',
      account_id: acc.account.id,
      grant_types: ['client_credentials'],
      owner: { id: owner.id, username: owner.username },
      integration_user: { id: erp.integration_user_id, username: `app-${erp.client_id}` },
    });
    expect(Date.parse(mine.last_used!)).toBeGreaterThan(Date.now() - 60_000);
    expect(list.find((a) => a.client_id === DEFAULT_CLIENT)).toMatchObject({ account_id: null, owner: null, integration_user: null });

    // The other account's superuser sees theirs, not ours.
    const foreign = (await call(foreignSu, 'GET', '/api/v1/Application')).json<{ client_id: string }[]>();
    expect(foreign.map((a) => a.client_id)).toContain(theirs.client_id);
    expect(foreign.map((a) => a.client_id)).not.toContain(erp.client_id);
  });

  it('refuses a non-superuser, even an owner with every app right, in the documented format', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/Application'],
      ['POST', '/api/v1/Application/1/secret'],
      ['DELETE', '/api/v1/Application/1/Token'],
      ['DELETE', '/api/v1/Application/1'],
    ] as const) {
      const res = await call(owner, method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.key).toBe('permission.denied');
    }
    expect((await request(t, { method: 'GET', url: '/api/v1/Application' })).statusCode).toBe(401);
  });

  it('is in the OpenAPI document, superusers only', async () => {
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const op = doc.paths['/api/v1/Application'].get;
    expect(op.description ?? '').toMatch(/Superusers only/);
    expect(Object.keys(op.responses)).toContain('200');
  });
});

describe('actions on an application (superusers)', () => {
  it('rotates the secret: the new one works, the old one is refused; the rotation is audited without the secret', async () => {
    const app = await ccApp(owner, 'Rotating');
    const res = await call(su, 'POST', `/api/v1/Application/${app.id}/secret`);
    expect(res.statusCode).toBe(200);
    const { client_secret } = res.json<{ client_secret: string }>();
    expect(client_secret).not.toBe(app.client_secret);
    expect((await ccToken(app)).statusCode).toBe(401);
    expect((await ccToken(app, client_secret)).statusCode).toBe(200);
    await t.services.audit.flush();
    const events = await t.db.select().from(auditLog).where(eq(auditLog.event, 'app.secret_rotated'));
    const mine = events.filter((e) => e.detail?.client_id === app.client_id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ accountId: acc.account.id, userId: su.id });
    expect(JSON.stringify(mine[0])).not.toContain(client_secret);
  });

  it('revokes every token the app issued: its client-credentials token stops working at once', async () => {
    const app = await ccApp(owner, 'Revoked');
    const token = (await ccToken(app)).json().access_token as string;
    expect((await items(token)).statusCode).toBe(200);
    const res = await call(su, 'DELETE', `/api/v1/Application/${app.id}/Token`);
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toBeGreaterThanOrEqual(1);
    expect((await items(token)).statusCode).toBe(401);
    // The app itself stays and may get a new token.
    expect((await ccToken(app)).statusCode).toBe(200);
  });

  it('deletes an app of the account with its integration user; the instance-wide client cannot be deleted', async () => {
    const app = await ccApp(owner, 'Doomed');
    expect((await call(su, 'DELETE', `/api/v1/Application/${app.id}`)).statusCode).toBe(204);
    expect((await call(su, 'GET', '/api/v1/Application')).json().map((a: { id: number }) => a.id)).not.toContain(app.id);
    expect(await t.db.select().from(users).where(eq(users.id, app.integration_user_id!))).toHaveLength(0);
    expect((await ccToken(app)).statusCode).toBe(401);

    const list = (await call(su, 'GET', '/api/v1/Application')).json<{ id: number; client_id: string }[]>();
    const instance = list.find((a) => a.client_id === DEFAULT_CLIENT)!;
    const refused = await call(su, 'DELETE', `/api/v1/Application/${instance.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.key).toBe('conflict');
    const rotate = await call(su, 'POST', `/api/v1/Application/${instance.id}/secret`);
    expect(rotate.statusCode).toBe(409);
  });

  it("revoking the instance-wide client's tokens ends this account's grants only; other accounts keep theirs", async () => {
    const list = (await call(su, 'GET', '/api/v1/Application')).json<{ id: number; client_id: string }[]>();
    const instance = list.find((a) => a.client_id === DEFAULT_CLIENT)!;
    const grant = (key: string, userId: number) => ({ key: `Grant:${key}`, model: 'Grant', grantId: key, clientId: DEFAULT_CLIENT, userId, payload: {} });
    await t.db.insert(oauthPayloads).values([grant('ours-1', owner.id), grant('theirs-1', foreignSu.id)]);
    const res = await call(su, 'DELETE', `/api/v1/Application/${instance.id}/Token`);
    expect(res.statusCode).toBe(200);
    expect(res.json().revoked).toBe(1);
    const left = await t.db.select({ key: oauthPayloads.key }).from(oauthPayloads).where(eq(oauthPayloads.clientId, DEFAULT_CLIENT));
    expect(left.map((r) => r.key)).toContain('Grant:theirs-1');
    expect(left.map((r) => r.key)).not.toContain('Grant:ours-1');
  });

  it("a superuser of another account can neither rotate, revoke nor delete this account's app (404, nothing changes)", async () => {
    const app = await ccApp(owner, 'Ours');
    const token = (await ccToken(app)).json().access_token as string;
    for (const [method, url] of [
      ['POST', `/api/v1/Application/${app.id}/secret`],
      ['DELETE', `/api/v1/Application/${app.id}/Token`],
      ['DELETE', `/api/v1/Application/${app.id}`],
    ] as const) {
      const res = await call(foreignSu, method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.key).toBe('not_found');
    }
    expect((await items(token)).statusCode).toBe(200);
    expect((await ccToken(app)).statusCode).toBe(200);
    expect((await call(owner, 'GET', `/api/v1/App/${app.id}`)).statusCode).toBe(200);
  });

  it('answers 400 in the documented format for an id that is not a number', async () => {
    const res = await call(su, 'DELETE', '/api/v1/Application/abc');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.key).toBe('validation.failed');
  });
});
