import { userGroups, userWarehouses, users } from '../../src/db/schema/index.js';
import { eq } from 'drizzle-orm';
import { basic, type TestApp, type TestUser } from './app.js';

export interface CreatedApp {
  id: number;
  client_id: string;
  client_secret: string | null;
  integration_user_id: number | null;
}

/** Creates an app through the API, as `owner`. */
export async function createApp(t: TestApp, owner: TestUser, body: Record<string, unknown>): Promise<CreatedApp> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/App', headers: { authorization: basic(owner.username, owner.password) }, payload: body });
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

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
