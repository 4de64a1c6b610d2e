import { beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, type TestApp } from '../helpers/app.js';
import { onPostgres, refusedWithin, useTwoInstances } from '../helpers/instances.js';
import { createApp, setIntegrationUser } from '../helpers/oauth.js';
import { basic, FORM, request } from '../helpers/request.js';

/**
 * Disabling a client or a user rejects its tokens on every instance within one second (SPEC §4). Two server
 * processes on one PostgreSQL database, the change made on one, observed on the other. PGlite is a single-process
 * database, so this runs in the PostgreSQL pass (DATABASE_URL set, as CI does); on PGlite the same invalidation
 * runs in process (see apps.test.ts).
 */
const both = useTwoInstances();
let t: TestApp;
let other: string;
beforeAll(() => {
  ({ t, other } = both);
});

describe(
  onPostgres
    ? 'revocation across two server processes on PostgreSQL'
    : 'revocation across instances (two processes need PostgreSQL: this pass checks the in-process path)',
  () => {
    it('disabling a client, then a user, rejects their tokens on the other instance within 1 s', async () => {
      const acc = await makeAccount(t);
      const owner = await acc.user({ group: 'owner' });
      const target = onPostgres ? other : `http://127.0.0.1:${await listen()}`;
      async function token(a: { client_id: string; client_secret: string | null }) {
        const res = await request(t, {
          method: 'POST',
          url: '/api/v1/Token',
          headers: { ...FORM, authorization: basic(a.client_id, a.client_secret!) },
          payload: 'grant_type=client_credentials',
        });
        return res.json().access_token as string;
      }
      const a = await createApp(t, owner, { name: 'ERP', grant_types: ['client_credentials'] });
      await setIntegrationUser(t, a.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
      const tok = await token(a);
      // warm the other instance's caches
      expect((await fetch(`${target}/api/v1/Item`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(200);
      expect((await fetch(`${target}/api/v1/Item`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(200);
      const off = await request(t, {
        method: 'PATCH',
        url: `/api/v1/App/${a.id}`,
        auth: basic(owner.username, owner.password),
        payload: { disabled: true },
      });
      expect(off.statusCode).toBe(200);
      const r1 = await refusedWithin(target, `Bearer ${tok}`, 1000);
      expect(r1).toMatchObject({ status: 401, key: 'token.invalid' });

      const b = await createApp(t, owner, { name: 'ERP2', grant_types: ['client_credentials'] });
      await setIntegrationUser(t, b.integration_user_id!, { accountId: acc.account.id, groupId: acc.groups.staff.id });
      const tok2 = await token(b);
      expect((await fetch(`${target}/api/v1/Item`, { headers: { authorization: `Bearer ${tok2}` } })).status).toBe(200);
      await setIntegrationUser(t, b.integration_user_id!, { accountId: acc.account.id, active: false });
      const r2 = await refusedWithin(target, `Bearer ${tok2}`, 1000);
      expect(r2).toMatchObject({ status: 401, key: 'user.disabled' });
    });
  },
);

async function listen(): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as { port: number }).port;
}
