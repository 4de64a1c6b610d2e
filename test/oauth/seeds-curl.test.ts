import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { makeAccount, startTestApp, type TestApp } from '../helpers/app.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { items } from '../../src/db/schema/index.js';

/**
 * The seeds' curl examples, run with the real curl binary against a listening server (host aside), and the same
 * grants through openid-client.
 */
const run = promisify(execFile);
let t: TestApp;
let host: string;
let acc: Awaited<ReturnType<typeof makeAccount>>;
let owner: Awaited<ReturnType<typeof acc.user>>;

async function curl(...args: string[]) {
  const { stdout } = await run('curl', ['-s', ...args]);
  return JSON.parse(stdout);
}

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  host = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  acc = await makeAccount(t);
  owner = await acc.user({ group: 'owner' });
  await t.db.insert(items).values({ accountId: acc.account.id, shortId: 'SEED-1', description: 'seed', unit: 'pc' });
});
afterAll(() => t?.close());

describe('seed 001 (client credentials), verbatim', () => {
  it('form fields, then Basic, then the list call', async () => {
    const app = await createApp(t, owner, { name: 'ERP', grant_types: ['client_credentials'] });
    await setIntegrationUser(t, app.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    // curl -X POST https://your-host/api/v1/Token -d "grant_type=client_credentials" -d "client_id=YOUR_CLIENT_ID" -d "client_secret=YOUR_CLIENT_SECRET"
    const a = await curl(
      '-X',
      'POST',
      `${host}/api/v1/Token`,
      '-d',
      'grant_type=client_credentials',
      '-d',
      `client_id=${app.client_id}`,
      '-d',
      `client_secret=${app.client_secret}`,
    );
    expect(a).toMatchObject({ token_type: 'bearer', expires_in: 14400 });
    // You can also authenticate using HTTP Basic (-u "CLIENT_ID:SECRET") instead of form fields.
    const b = await curl('-X', 'POST', `${host}/api/v1/Token`, '-u', `${app.client_id}:${app.client_secret}`, '-d', 'grant_type=client_credentials');
    expect(b.token_type).toBe('bearer');
    // curl https://your-host/api/v1/Item?page=1&pageSize=10 -H "Authorization: Bearer …"
    const list = await curl(`${host}/api/v1/Item?page=1&pageSize=10`, '-H', `Authorization: Bearer ${b.access_token}`);
    expect(list.value.map((i: { shortID: string }) => i.shortID)).toEqual(['SEED-1']);
  });
});

describe('seeds 002/003 (password and refresh), verbatim', () => {
  it('password grant with -u, refresh with -u, bearer call', async () => {
    const app = await createApp(t, owner, { name: 'POS', grant_types: ['refresh_token'], allow_password_grant: true });
    // curl -X POST https://app.inventorum.com/api/auth/token/ -u '{{client_id}}:{{secret}}' -d 'grant_type=password&username={{email}}&password={{password}}'
    const tok = await curl(
      '-X',
      'POST',
      `${host}/api/auth/token/`,
      '-u',
      `${app.client_id}:${app.client_secret}`,
      '-d',
      `grant_type=password&username=${owner.email}&password=${encodeURIComponent(owner.password)}`,
    );
    expect(tok).toMatchObject({ token_type: 'Bearer', expires_in: 36000 });
    expect(tok.refresh_token).toBeTruthy();
    expect(tok.scope).toContain('products:read');
    // curl -X POST https://app.inventorum.com/api/auth/token/ -u '[CLIENT ID]:[CLIENT SECRET]' -d 'grant_type=refresh_token&refresh_token=[REFRESH TOKEN]'
    const r = await curl(
      '-X',
      'POST',
      `${host}/api/auth/token/`,
      '-u',
      `${app.client_id}:${app.client_secret}`,
      '-d',
      `grant_type=refresh_token&refresh_token=${tok.refresh_token}`,
    );
    expect(r.refresh_token).not.toBe(tok.refresh_token);
    // curl -X GET '…?page=1' -H 'Accept: application/json' -H 'Authorization: Bearer [ACCESS TOKEN]'
    const list = await curl('-X', 'GET', `${host}/api/v1/Item?page=1`, '-H', 'Accept: application/json', '-H', `Authorization: Bearer ${r.access_token}`);
    expect(list.value).toHaveLength(1);
    // Sample response for invalid token
    const bad = await curl(
      '-X',
      'GET',
      `${host}/api/v1/Item?page=1`,
      '-H',
      'Accept: application/json',
      '-H',
      'Authorization: Bearer THIS_IS_NOT_A_TOKEN_AT_ALL',
    );
    expect(bad).toEqual({ error: { key: 'token.invalid', description: 'Invalid token', fields: {} } });
  });
});

describe('the same grants through openid-client', () => {
  it('client_credentials and the password grant', async () => {
    const app = await createApp(t, owner, { name: 'Both', grant_types: ['client_credentials', 'refresh_token'], allow_password_grant: true });
    await setIntegrationUser(t, app.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
    const config = await oidc.discovery(new URL(host), app.client_id, undefined, oidc.ClientSecretPost(app.client_secret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const cc = await oidc.clientCredentialsGrant(config, { scope: 'products:read' });
    expect(cc.token_type).toBe('bearer');
    expect(cc.scope).toBe('products:read');
    const pw = await oidc.genericGrantRequest(config, 'password', { username: owner.username, password: owner.password, scope: 'orders:read' });
    expect(pw.expires_in).toBe(36000);
    const refreshed = await oidc.refreshTokenGrant(config, pw.refresh_token!);
    expect(refreshed.scope).toBe('orders:read');
    await expect(oidc.refreshTokenGrant(config, pw.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
