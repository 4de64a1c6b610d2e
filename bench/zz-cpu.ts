import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './child.js';
import { measure } from './lib.js';
const server = await startServer(mkdtempSync(path.join(tmpdir(), 'qmz-')), { databaseUrl: process.env.DATABASE_URL ?? null });
const s = server.seeded;
const url = '/api/v1/Item?page=1&pageSize=10';
const targets = [['bare', s.bare], ['noAuth', s.noAuth], ['normal', s.normal]] as const;
for (let round = 0; round < 3; round++) {
  const out: string[] = [];
  for (const [which, port] of targets) {
    const b = await server.stats();
    const m = await measure(which, `http://127.0.0.1:${port}${url}`, { seconds: 2, connections: 10, headers: { authorization: `Token ${s.token}` } });
    const a = await server.stats();
    const cpu = (a.cpu.user - b.cpu.user + a.cpu.system - b.cpu.system) / (a.served[which] - b.served[which]);
    out.push(`${which} ${m.requestsPerSec.toFixed(0)} req/s ${cpu.toFixed(0)} µs/req (user ${((a.cpu.user - b.cpu.user) / (a.served[which] - b.served[which])).toFixed(0)})`);
  }
  console.log(out.join(' | '));
}
await server.stop();
