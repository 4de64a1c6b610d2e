import { eq } from 'drizzle-orm';
import { userGroups, userWarehouses, users } from '../../src/db/schema/index.js';
import type { TestApp, TestUser } from './app.js';
import { request } from './request.js';

/** OAuth fixtures made the way an admin makes them: through the API. */

export interface CreatedApp {
  id: number;
  client_id: string;
  client_secret: string | null;
  integration_user_id: number | null;
}

/** Creates an app through the API, as `owner`. */
export async function createApp(t: TestApp, owner: TestUser, body: Record<string, unknown>): Promise<CreatedApp> {
  const res = await request(t, { method: 'POST', url: '/api/v1/App', auth: owner, payload: body });
  if (res.statusCode !== 201) throw new Error(`create app: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** What an admin does in the admin API: put the integration user in a group, limit warehouses, read-only. */
export async function setIntegrationUser(
  t: TestApp,
  userId: number,
  o: { accountId: number; groupId?: number; warehouses?: number[]; readOnly?: boolean; active?: boolean },
) {
  if (o.groupId) await t.db.insert(userGroups).values({ accountId: o.accountId, userId, groupId: o.groupId });
  for (const w of o.warehouses ?? []) await t.db.insert(userWarehouses).values({ accountId: o.accountId, userId, warehouseId: w });
  if (o.readOnly !== undefined || o.active !== undefined) {
    await t.db
      .update(users)
      .set({ ...(o.readOnly !== undefined ? { isReadOnly: o.readOnly } : {}), ...(o.active !== undefined ? { isActive: o.active } : {}) })
      .where(eq(users.id, userId));
  }
  await t.services.bus.publish({ t: 'user', id: userId });
}

/** A real OAuth access token from the token manager (seed 002), with the scope asked for. */
export async function appToken(t: TestApp, owner: TestUser, scope: string): Promise<string> {
  const app = await request(t, {
    method: 'POST',
    url: '/api/v1/App',
    auth: owner,
    payload: { name: `App ${scope}`, redirect_uris: ['https://shop.example/cb'], grant_types: ['authorization_code', 'refresh_token'], scope },
  });
  if (app.statusCode !== 201) throw new Error(`app: ${app.body}`);
  const tok = await request(t, { method: 'POST', url: `/api/v1/App/${app.json().id}/Token`, auth: owner, payload: { name: 'test', scope } });
  if (tok.statusCode >= 300) throw new Error(`token: ${tok.body}`);
  return tok.json().access_token as string;
}
