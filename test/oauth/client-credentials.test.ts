import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { basic, form, FORM, request } from '../helpers/request.js';
import { and, desc, eq } from 'drizzle-orm';
import { auditLog, items } from '../../src/db/schema/index.js';

let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;
let app1: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  app1 = await createApp(t, owner, { name: 'ERP nightly', grant_types: ['client_credentials'] });
  await setIntegrationUser(t, app1.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
  await t.db.insert(items).values({ accountId: acc.account.id, shortId: 'SKU-1', description: 'one', unit: 'pc' });
});
afterAll(() => t?.close());

describe('client_credentials (seed 001)', () => {
  it('answers a 4 h bearer token for form fields, then the token lists items', async () => {
    // curl -X POST https://your-host/api/v1/Token -d "grant_type=client_credentials" -d "client_id=…" -d "client_secret=…"
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: FORM,
      payload: `grant_type=client_credentials&client_id=${app1.client_id}&client_secret=${app1.client_secret}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBeGreaterThanOrEqual(14399);
    expect(body.expires_in).toBeLessThanOrEqual(14400);
    expect(typeof body.access_token).toBe('string');
    const list = await request(t, { method: 'GET', url: '/api/v1/Item?page=1&pageSize=10', auth: `Bearer ${body.access_token}` });
    expect(list.statusCode).toBe(200);
    expect(list.json().value.map((i: { shortID: string }) => i.shortID)).toEqual(['SKU-1']);
    // Seed 004: every request is logged against its user, and here against the client it came through.
    await t.services.audit.flush();
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, app1.integration_user_id!), eq(auditLog.event, 'request')))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry).toMatchObject({
      credentialKind: 'oauth',
      method: 'GET',
      path: '/api/v1/Item?page=1&pageSize=10',
      status: 200,
      detail: { clientId: app1.client_id },
    });
  });

  it('accepts HTTP Basic client authentication (-u CLIENT_ID:SECRET)', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: { ...FORM, authorization: basic(app1.client_id, app1.client_secret!) },
      payload: 'grant_type=client_credentials',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().token_type).toBe('bearer');
  });

  it('answers RFC 6749 errors for a wrong secret, an unknown client, an unknown grant', async () => {
    const wrong = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: app1.client_id, client_secret: 'qm_cs_wrong' }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const unknown = await request(t, {
      method: 'POST',
      url: '/o/token/',
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' }),
    });
    expect(unknown.json().error).toBe('invalid_client');
    const grant = await request(t, {
      method: 'POST',
      url: '/api/auth/token/',
      headers: FORM,
      payload: form({ grant_type: 'magic', client_id: app1.client_id, client_secret: app1.client_secret! }),
    });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');
  });

  it('enforces the integration user: read-only refuses writes, warehouses and scope apply', async () => {
    const ro = await createApp(t, owner, { name: 'RO', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, ro.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.owner.id, readOnly: true });
    const tok = (
      await request(t, {
        method: 'POST',
        url: '/api/v1/Token',
        headers: { ...FORM, authorization: basic(ro.client_id, ro.client_secret!) },
        payload: 'grant_type=client_credentials',
      })
    ).json().access_token;
    const write = await request(t, { method: 'POST', url: '/api/v1/Item', auth: `Bearer ${tok}`, payload: { shortID: 'X' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.key).toBe('user.read_only');
  });

  it('a scoped token gets scope.wrong outside its scope; unknown scopes are invalid_scope; scopes never exceed the user', async () => {
    const res = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: { ...FORM, authorization: basic(app1.client_id, app1.client_secret!) },
      payload: form({ grant_type: 'client_credentials', scope: 'orders:read users:delete' }),
    });
    expect(res.statusCode).toBe(200);
    // staff may read orders but not delete users: the token only carries what its user has
    expect(res.json().scope).toBe('orders:read');
    const items = await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${res.json().access_token}` });
    expect(items.statusCode).toBe(403);
    expect(items.json().error.key).toBe('scope.wrong');
    const bad = await request(t, {
      method: 'POST',
      url: '/api/v1/Token',
      headers: { ...FORM, authorization: basic(app1.client_id, app1.client_secret!) },
      payload: form({ grant_type: 'client_credentials', scope: 'everything:please' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_scope');
  });

  it('answers token.invalid for an unknown bearer token', async () => {
    const res = await request(t, { method: 'GET', url: '/api/v1/Item', auth: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { key: 'token.invalid', description: 'Invalid token', fields: {} } });
  });
});
