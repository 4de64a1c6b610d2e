import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { auditLog } from '../../../src/db/schema/index.js';
import { loadConfig } from '../../../src/config.js';
import { startAuditRetention, sweepAuditLog } from '../../../src/modules/audit/retention.js';
import { AuditEntriesDropped, AuditWriter } from '../../../src/audit/writer.js';
import type { AuditEvent } from '../../../src/audit/events.js';
import { makeAccount, startTestApp, type TestApp, unique } from '../../helpers/app.js';
import { request } from '../../helpers/request.js';

let t: TestApp;
let accountId: number;

beforeAll(async () => {
  // Ten years: the app's own background sweep never touches the rows these tests plant.
  t = await startTestApp({ env: { QM_AUDIT_RETENTION_DAYS: '3650' } });
  accountId = (await makeAccount(t)).account.id;
});
afterAll(() => t.close());

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

async function plant(event: string, ages: number[]) {
  const rows = await t.db
    .insert(auditLog)
    .values(ages.map((d) => ({ accountId, event, at: daysAgo(d) })))
    .returning({ id: auditLog.id });
  return rows.map((r) => r.id);
}
const left = async (event: string) => (await t.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.event, event))).map((r) => r.id);

describe('audit retention', () => {
  it('deletes entries older than the retention, oldest first in small batches, and keeps the rest', async () => {
    const event = unique('sweep.');
    const old = await plant(event, [200, 150, 120, 100, 91]);
    const kept = await plant(event, [89, 10, 0]);
    const deleted = await sweepAuditLog(t.db, 90, { batchSize: 2, pauseMs: 0 });
    expect(deleted).toBe(old.length);
    expect((await left(event)).sort()).toEqual(kept.sort());
    // Nothing more is due: a second sweep deletes nothing.
    expect(await sweepAuditLog(t.db, 90, { batchSize: 2, pauseMs: 0 })).toBe(0);
  });

  it('retention 0 keeps everything', async () => {
    const event = unique('forever.');
    const ids = await plant(event, [5000, 1]);
    expect(await sweepAuditLog(t.db, 0)).toBe(0);
    expect((await left(event)).sort()).toEqual(ids.sort());
  });

  it('runs in the background once started, and stops', async () => {
    const event = unique('bg.');
    await plant(event, [40]);
    const kept = await plant(event, [1]);
    const errors: unknown[] = [];
    const stop = startAuditRetention(t.db, 30, (e) => errors.push(e), 50);
    for (let i = 0; i < 100 && (await left(event)).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect(await left(event)).toEqual(kept);
    expect(errors).toEqual([]);
  });

  it('QM_AUDIT_RETENTION_DAYS defaults to 90 and refuses nonsense', () => {
    expect(loadConfig({}).auditRetentionDays).toBe(90);
    expect(loadConfig({ QM_AUDIT_RETENTION_DAYS: '0' }).auditRetentionDays).toBe(0);
    for (const bad of ['-1', '1.5', 'ninety', '99999']) expect(() => loadConfig({ QM_AUDIT_RETENTION_DAYS: bad })).toThrow(/QM_AUDIT_RETENTION_DAYS/);
  });

  it('the API document says how long entries are kept', async () => {
    const doc = (await request(t, { method: 'GET', url: '/api/schema/' })).json();
    const op = Object.entries(doc.paths as Record<string, { get?: { description?: string } }>).find(([p]) => p.toLowerCase() === '/api/v1/auditlog')![1];
    expect(op.get!.description).toContain('kept for 3650 days (QM_AUDIT_RETENTION_DAYS)');
  });
});

describe('the audit writer', () => {
  it('a batch with one entry the database refuses keeps the good ones, and reports the bad one without its content', async () => {
    const errors: unknown[] = [];
    const writer = new AuditWriter(t.db, 60_000, 1_000, (e) => errors.push(e));
    // Names outside the closed list: the writer stores whatever it is given.
    const event = unique('batch.') as AuditEvent;
    writer.write({ accountId, event, username: 'first', path: '/a' });
    // PostgreSQL refuses NUL in text: this row fails the whole multi-row insert.
    writer.write({ accountId, event, username: 'secret\u0000name', path: '/b' });
    writer.write({ accountId, event, username: 'third', path: '/c' });
    await writer.close();
    const rows = await t.db.select({ username: auditLog.username }).from(auditLog).where(eq(auditLog.event, event));
    expect(rows.map((r) => r.username).sort()).toEqual(['first', 'third']);
    expect(errors).toHaveLength(1);
    const err = errors[0] as AuditEntriesDropped;
    expect(err).toBeInstanceOf(AuditEntriesDropped);
    expect(err.dropped).toEqual([{ event, accountId, code: expect.stringMatching(/^[0-9A-Z]{5}$|^error$/) }]);
    expect(err.message).toContain('1 audit entry refused');
    expect(err.message).not.toContain('secret');
  });

  it('keeps writing after a failed batch', async () => {
    const writer = new AuditWriter(t.db, 60_000, 1_000, () => {
      throw new Error('a throwing error sink');
    });
    const event = unique('after.') as AuditEvent;
    writer.write({ accountId, event: `${event}\u0000` as AuditEvent });
    await writer.flush();
    writer.write({ accountId, event });
    await writer.close();
    expect(
      await t.db
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(inArray(auditLog.event, [event])),
    ).toHaveLength(1);
  });
});
