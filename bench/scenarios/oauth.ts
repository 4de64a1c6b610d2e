import { pathToFileURL } from 'node:url';
import { costRatio, measure, type Scenario } from '../lib.js';
import { items, userGroups } from '../../src/db/schema/index.js';
import { basic, makeAccount, personalToken, startTestApp } from '../../test/helpers/app.js';

/**
 * OAuth: token issuance per second (client_credentials, real socket, HTTP Basic client auth), and a
 * bearer-authenticated list call against the same call with a personal token.
 */
const scenario: Scenario = {
  name: 'oauth',
  async run({ seconds, connections }) {
    const t = await startTestApp({ env: { QM_LOG_LEVEL: 'silent' } });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      const acc = await makeAccount(t, 'Bench store');
      const owner = await acc.user({ group: 'owner' });
      await t.db.insert(items).values(Array.from({ length: 50 }, (_, i) => ({ accountId: acc.account.id, shortId: `B-${i}`, description: `item ${i}`, unit: 'pc' })));
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/App', headers: { authorization: basic(owner.username, owner.password) }, payload: { name: 'bench', grant_types: ['client_credentials'] } });
      const app = created.json() as { client_id: string; client_secret: string; integration_user_id: number };
      await t.db.insert(userGroups).values({ accountId: acc.account.id, userId: app.integration_user_id, groupId: acc.groups.owner.id });
      await t.services.bus.publish({ t: 'user', id: app.integration_user_id });
      const tokenRes = await fetch(`${base}/api/v1/Token`, { method: 'POST', headers: { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const pat = await personalToken(t, owner);
      const list = `${base}/api/v1/Item?page=1&pageSize=10`;

      const issue = await measure('POST /api/v1/Token client_credentials', `${base}/api/v1/Token`, {
        seconds,
        connections,
        method: 'POST',
        headers: { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const token = await measure('GET Item list, Token (personal)', list, { seconds, connections, headers: { authorization: `Token ${pat}` } });
      const bearer = await measure('GET Item list, Bearer (OAuth)', list, { seconds, connections, headers: { authorization: `Bearer ${access_token}` } });
      return {
        title: 'OAuth 2.0: token issuance and bearer-authenticated calls',
        measurements: [issue, token, bearer],
        ratios: [costRatio('Bearer list call vs personal token', token, bearer, 1.1)],
        notes: [`database: ${t.databaseUrl ? 'PostgreSQL' : 'PGlite (in memory)'}`],
      };
    } finally {
      await t.close();
    }
  },
};
export default scenario;

// `npx tsx bench/scenarios/oauth.ts [seconds] [connections]` runs this scenario alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await scenario.run({ seconds: Number(process.argv[2] ?? 5), connections: Number(process.argv[3] ?? 10) });
  console.log(JSON.stringify(r, null, 2));
}
