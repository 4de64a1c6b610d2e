import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { basic, FORM, request } from '../helpers/request.js';
import { auditLog, oauthPayloads } from '../../src/db/schema/index.js';
import { hashSecret } from '../../src/auth/secrets.js';

let t: TestApp;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;

beforeAll(async () => {
  t = await startTestApp();
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
});
afterAll(() => t?.close());

const cc = (a: { client_id: string; client_secret: string | null }, remoteAddress?: string) =>
  request(t, {
    method: 'POST',
    url: '/api/v1/Token',
    headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
    payload: 'grant_type=client_credentials',
    ...(remoteAddress ? { remoteAddress } : {}),
  });

describe('token lifecycle', () => {
  it('an expired token answers 401 token.expired', async () => {
    const a = await createApp(t, owner, { name: 'ERP', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await cc(a)).json().access_token as string;
    await t.db
      .update(oauthPayloads)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthPayloads.key, `ClientCredentials:${hashSecret(tok)}`));
    const res = await request(t, { method: 'GET', url: '/api/v1/Item', auth: `Bearer ${tok}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.key).toBe('token.expired');
  });

  it('stores no usable token: rows are keyed by the SHA-256 and hold no id', async () => {
    const a = await createApp(t, owner, { name: 'ERP2', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await cc(a)).json().access_token as string;
    const rows = await t.db.select().from(oauthPayloads);
    expect(JSON.stringify(rows)).not.toContain(tok);
    const mine = rows.find((r) => r.key === `ClientCredentials:${hashSecret(tok)}`)!;
    expect(typeof mine.payload).toBe('object');
    expect(mine.payload.jti).toBeUndefined();
    expect(mine.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 14_000_000);
  });

  it('per-client lifetimes override the grant default', async () => {
    const a = await createApp(t, owner, { name: 'Short', grant_types: ['client_credentials'], access_token_ttl: 600 });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    expect((await cc(a)).json().expires_in).toBe(600);
  });

  it('refuses client credentials over plain HTTP from a non-loopback address', async () => {
    const a = await createApp(t, owner, { name: 'Remote', grant_types: ['client_credentials'] });
    const res = await cc(a, '203.0.113.7');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', error_description: 'Credentials must be sent over HTTPS.' });
  });

  it('rotates the signing key: the new key signs, the old one stays published', async () => {
    const su = await acc.user({ group: 'owner', superuser: true });
    const before = (await request(t, { method: 'GET', url: '/o/jwks' })).json().keys.map((k: { kid: string }) => k.kid);
    const res = await request(t, { method: 'POST', url: '/o/jwks/rotate', auth: basic(su.username, su.password) });
    expect(res.statusCode).toBe(200);
    const after = (await request(t, { method: 'GET', url: '/o/jwks' })).json().keys.map((k: { kid: string }) => k.kid);
    expect(after[0]).toBe(res.json().kid);
    expect(after).toEqual(expect.arrayContaining(before));
    const denied = await request(t, { method: 'POST', url: '/o/jwks/rotate', auth: basic(owner.username, owner.password) });
    expect(denied.statusCode).toBe(403);
  });

  it('audits token issuance without the token', async () => {
    const a = await createApp(t, owner, { name: 'Audited', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const tok = (await cc(a)).json().access_token as string;
    await t.services.audit.flush();
    const rows = await t.db.select().from(auditLog).where(eq(auditLog.userId, a.integration_user_id!));
    expect(rows.map((r) => r.event)).toContain('token.issued');
    expect(rows.find((r) => r.event === 'token.issued')!.detail).toMatchObject({ grant_type: 'client_credentials', client_id: a.client_id });
    expect(JSON.stringify(rows)).not.toContain(tok);
  });
});
