import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { AUDIT_EVENTS, isAuditEvent, type AuditDetails, type AuditEvent } from '../../src/audit/events.js';
import { auditLog } from '../../src/db/schema/index.js';
import { contextOf, makeAccount, PASSWORD, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { createApp } from '../helpers/oauth.js';
import { basic, request } from '../helpers/request.js';

/** Type-level: what `ctx.audit` accepts. An unknown name, or a detail of another event, does not compile. */
function typed<E extends AuditEvent>(event: E, detail: AuditDetails[E]): [E, AuditDetails[E]] {
  return [event, detail];
}
typed('apikey.revoked', {});
typed('user.updated', { targetUserId: 1, targetUsername: 'a', fields: ['email'] });
// @ts-expect-error: not an event of the list
typed('user.renamed', {});
// @ts-expect-error: the detail of user.updated names the fields
typed('user.updated', { targetUserId: 1, targetUsername: 'a' });
// @ts-expect-error: login.failed carries no detail
typed('login.failed', { password: 'x' });

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('the audit event list', () => {
  it('names each event once', () => {
    expect(new Set(AUDIT_EVENTS).size).toBe(AUDIT_EVENTS.length);
    expect(isAuditEvent('token.issued')).toBe(true);
    expect(isAuditEvent('token.minted')).toBe(false);
  });

  it('every event name the server writes (ctx.audit, the writer, the OAuth provider) is in the list', () => {
    const written = new Set<string>();
    for (const file of sources(path.resolve(import.meta.dirname, '../../src'))) {
      // The writer's table of column types (`event: 'text'`) names SQL types, not events.
      const text = readFileSync(file, 'utf8').replace(/const COLUMN_TYPES[\s\S]*?\n};/, '');
      for (const m of text.matchAll(/\.audit\(\s*'([^']+)'/g)) written.add(m[1]!);
      for (const m of text.matchAll(/\bevent: '([^']+)'/g)) written.add(m[1]!);
      for (const m of text.matchAll(/auditFor\(ctx, '([^']+)'\)/g)) written.add(m[1]!);
      for (const m of text.matchAll(/changeUser\(\s*ctx,\s*[^,]+,\s*([^,]+),/g)) for (const n of m[1]!.matchAll(/'([^']+)'/g)) written.add(n[1]!);
    }
    // The scan finds the writers of every kind: requests, logins, credentials, users, groups.
    for (const e of ['request', 'login', 'login.failed', 'token.issued', 'apikey.revoked', 'user.pin_removed', 'user.disabled', 'group.deleted'])
      expect(written).toContain(e);
    expect([...written].filter((e) => !isAuditEvent(e))).toEqual([]);
  });
});

describe('the events the API writes', () => {
  let t: TestApp;
  let owner: TestUser;
  let withPin: TestUser;
  let acct: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await startTestApp();
    acct = await makeAccount(t);
    owner = await acct.user({ group: 'owner' });
    withPin = await acct.user({ group: 'staff', pin: '1234' });
  });
  afterAll(() => t.close());

  it('are all in the list', async () => {
    const as = { authorization: basic(owner.username, PASSWORD) };
    const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      request(t, { method, url, headers: as, ...(payload ? { payload } : {}) });
    await request(t, { method: 'POST', url: '/api/auth/login', payload: { username: withPin.username, password: 'not the password' } });
    const { pin_token } = (await request(t, { method: 'POST', url: '/api/auth/login', payload: { username: withPin.username, password: PASSWORD } })).json();
    await request(t, { method: 'POST', url: '/api/auth/pin', payload: { pin_token, pin: '0000' } });
    expect((await request(t, { method: 'POST', url: '/api/auth/pin', payload: { pin_token, pin: '1234' } })).statusCode).toBe(200);
    expect((await inject('GET', '/api/user/token/?name=events')).statusCode).toBe(200);
    const token = (await inject('POST', '/api/user/tokens/', { name: 'once' })).json();
    expect((await inject('DELETE', `/api/user/tokens/${token.id}`)).statusCode).toBe(204);
    expect((await inject('POST', '/api/user/apikey/')).statusCode).toBe(201);
    expect((await inject('DELETE', '/api/user/apikey/')).statusCode).toBe(204);
    const user = (await inject('POST', '/api/v1/User', { username: `ev${Date.now()}`, email: `ev${Date.now()}@example.test` })).json();
    expect((await inject('PATCH', `/api/v1/User/${user.id}`, { email: `ev2${Date.now()}@example.test` })).statusCode).toBe(200);
    expect((await inject('POST', `/api/v1/User/${user.id}/disable`)).statusCode).toBe(200);
    expect((await inject('DELETE', `/api/v1/User/${user.id}`)).statusCode).toBe(204);
    const group = (await inject('POST', '/api/v1/Group', { name: `g${Date.now()}`, permissions: { report: ['view'] } })).json();
    expect((await inject('DELETE', `/api/v1/Group/${group.id}`)).statusCode).toBe(204);
    const app = await createApp(t, owner, { name: 'Events', grant_types: ['refresh_token'] });
    expect((await inject('POST', `/api/v1/App/${app.id}/Token`, { name: 'pos', scope: 'products:read' })).statusCode).toBe(201);
    expect((await inject('DELETE', `/api/v1/App/${app.id}/Token`)).statusCode).toBe(200);

    await t.services.audit.flush();
    const rows = await t.db.selectDistinct({ event: auditLog.event }).from(auditLog).where(eq(auditLog.accountId, acct.account.id));
    const events = rows.map((r) => r.event);
    for (const e of ['request', 'login', 'login.failed', 'pin.failed', 'token.issued', 'token.revoked', 'apikey.generated', 'apikey.revoked'])
      expect(events).toContain(e);
    for (const e of ['user.created', 'user.updated', 'user.disabled', 'user.deleted', 'group.created', 'group.deleted']) expect(events).toContain(e);
    expect(events.filter((e) => !isAuditEvent(e))).toEqual([]);
  });

  it('an admin event records the request line and the caller', async () => {
    const group = (
      await request(t, {
        method: 'POST',
        url: '/api/v1/Group?x=1',
        headers: { authorization: basic(owner.username, PASSWORD) },
        payload: { name: `line${Date.now()}`, permissions: { report: ['view'] } },
      })
    ).json();
    await t.services.audit.flush();
    const all = await t.db.select().from(auditLog).where(eq(auditLog.event, 'group.created'));
    const mine = all.find((r) => (r.detail as { groupId?: number } | null)?.groupId === group.id);
    expect(mine).toMatchObject({ method: 'POST', path: '/api/v1/Group', userId: owner.id, credentialKind: 'password', ip: '127.0.0.1' });
  });

  it('a context outside a request writes without a request line', async () => {
    const ctx = await contextOf(t, owner);
    ctx.audit('apikey.revoked', {});
    await t.services.audit.flush();
    const rows = await t.db.select().from(auditLog).where(eq(auditLog.userId, owner.id));
    const last = rows.sort((a, b) => a.id - b.id).at(-1)!;
    expect(last).toMatchObject({ event: 'apikey.revoked', method: null, path: null, credentialKind: 'password' });
  });
});
