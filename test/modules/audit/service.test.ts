import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount, personalToken, startTestApp, type TestApp, type TestUser } from '../../helpers/app.js';
import { basic, request } from '../../helpers/request.js';

let t: TestApp;
let adminAuth: string;
let clerk: TestUser;
let clerkToken: string;

beforeAll(async () => {
  t = await startTestApp();
  const acct = await makeAccount(t);
  const admin = await acct.user({ group: 'owner' });
  clerk = await acct.user({ group: 'staff' });
  adminAuth = basic(admin.username, admin.password);
  clerkToken = await personalToken(t, clerk);
});
afterAll(() => t.close());

const get = (url: string, authorization: string) => request(t, { method: 'GET', url, headers: { authorization } });

/** `n` audited requests by the clerk, written before returning. */
async function requests(n: number) {
  for (let i = 0; i < n; i++) await get('/api/v1/Item?page=1&pageSize=1', `Token ${clerkToken}`);
  await t.services.audit.flush();
}

describe('GET /api/v1/AuditLog paging', () => {
  it('pages by keyset with `after`: newest first, no row twice or skipped while new rows arrive', async () => {
    await requests(7);
    const first = await get(`/api/v1/AuditLog?userId=${clerk.id}&pageSize=3`, adminAuth);
    expect(first.statusCode).toBe(200);
    const p1 = first.json();
    expect(p1).toMatchObject({ page: 1, pageSize: 3, hasMore: true });
    expect(p1.value).toHaveLength(3);
    expect(typeof p1.next).toBe('string');
    const ids1: number[] = p1.value.map((e: { id: number }) => e.id);
    expect([...ids1].sort((a, b) => b - a)).toEqual(ids1);

    // New entries arrive at the top: an offset page 2 would now repeat rows of page 1; the cursor continues exactly.
    await requests(4);
    const byOffset = (await get(`/api/v1/AuditLog?userId=${clerk.id}&pageSize=3&page=2`, adminAuth)).json();
    expect(byOffset.value.some((e: { id: number }) => ids1.includes(e.id))).toBe(true);

    const seen = [...ids1];
    let next: string | undefined = p1.next;
    while (next) {
      const res = await get(`/api/v1/AuditLog?userId=${clerk.id}&pageSize=3&after=${next}`, adminAuth);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.page).toBe(1);
      seen.push(...body.value.map((e: { id: number }) => e.id));
      next = body.next;
      expect(next === undefined).toBe(!body.hasMore);
    }
    // Exactly the entries that existed when the walk began, in order.
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(seen.every((id) => id <= ids1[0]!)).toBe(true);
    const all = (await get(`/api/v1/AuditLog?userId=${clerk.id}&pageSize=500`, adminAuth)).json();
    const before: number[] = all.value.map((e: { id: number }) => e.id).filter((id: number) => id <= ids1[0]!);
    expect(seen).toEqual(before);
  });

  it('refuses a cursor that is not one, naming `after`', async () => {
    const res = await get('/api/v1/AuditLog?after=bm90LWEtY3Vyc29y', adminAuth);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ key: 'validation.failed', fields: { after: expect.any(Array) } });
    const both = await get(`/api/v1/AuditLog?page=2&after=${Buffer.from('[null,null,5]').toString('base64url')}`, adminAuth);
    expect(both.statusCode).toBe(400);
  });
});
