import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../child.js';
import { costRatio, measure, type Scenario } from '../lib.js';

/**
 * OAuth: token issuance per second (client_credentials with HTTP Basic client auth, as seed 001 allows), and a
 * bearer-authenticated list call against the same call with a personal token. The server runs in a child process
 * (bench/server.ts), as in the auth scenario, and reports its CPU time per issued token.
 */
const scenario: Scenario = {
  name: 'oauth',
  async run({ seconds, connections }) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qm-bench-oauth-'));
    const server = await startServer(dataDir);
    const s = server.seeded;
    try {
      const base = `http://127.0.0.1:${s.normal}`;
      const list = `${base}/api/v1/Item?page=1&pageSize=10`;
      const tokenRequest = {
        method: 'POST' as const,
        headers: {
          authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      };
      await measure('warm-up', `${base}/api/v1/Token`, { seconds: 1, connections, ...tokenRequest });
      const before = await server.stats();
      const issue = await measure('POST /api/v1/Token client_credentials', `${base}/api/v1/Token`, { seconds, connections, ...tokenRequest });
      const after = await server.stats();
      const served = after.served.normal - before.served.normal;
      const cpuUs = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
      const token = await measure('GET Item list, Token (personal)', list, { seconds, connections, headers: { authorization: `Token ${s.token}` } });
      const bearer = await measure('GET Item list, Bearer (OAuth)', list, { seconds, connections, headers: { authorization: `Bearer ${s.accessToken}` } });
      return {
        title: 'OAuth 2.0: token issuance and bearer-authenticated calls',
        measurements: [issue, token, bearer],
        ratios: [costRatio('Bearer list call vs personal token', token, bearer, 1.1)],
        notes: [
          `database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (temporary folder)'}`,
          `server CPU per issued token: ${served ? Math.round(cpuUs / served) : 0} µs (one Node.js process; issuance scales with instances)`,
        ],
      };
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default scenario;

// `npx tsx bench/scenarios/oauth.ts [seconds] [connections]` runs this scenario alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await scenario.run({ seconds: Number(process.argv[2] ?? 5), connections: Number(process.argv[3] ?? 10) });
  console.log(JSON.stringify(r, null, 2));
}
