import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { REDACTED_PATHS } from '../../src/app.js';
import { hashSecret, secretMatches } from '../../src/auth/secrets.js';
import { makeAccount, PASSWORD, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

/** "A secret never appears in logs or responses after creation": every flow, with a trace-level logger. */
let t: TestApp;
let logText = '';
let admin: TestUser;
let u: TestUser;
const PIN = '97531';
const WRONG_PASSWORD = 'Tr0ub4dor&3-wrong';

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  t = await startTestApp({
    logger: {
      level: 'trace',
      stream,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Log request headers too, to prove the redaction (Fastify's default serializer leaves them out).
      serializers: { req: (req: { method: string; url: string; headers: unknown }) => ({ method: req.method, url: req.url, headers: req.headers }) },
    },
  });
  const acct = await makeAccount(t);
  admin = await acct.user();
  u = await acct.user({ pin: PIN });
});
afterAll(() => t.close());

describe('secrets stay out of logs and later responses', () => {
  it('after token, API key, login, PIN and session flows', async () => {
    const secrets: string[] = [PASSWORD, WRONG_PASSWORD, PIN];
    const inject = async (opts: InjectOptions) => {
      const res = await request(t, opts);
      expect(res.statusCode, JSON.stringify(opts).slice(0, 80)).toBeLessThan(500);
      return res;
    };
    const as = basic(u.username, PASSWORD);
    secrets.push(as.slice(6), basic(u.username, WRONG_PASSWORD).slice(6));

    const seedToken = (await inject({ method: 'GET', url: '/api/user/token/?name=seed', headers: { authorization: as } })).json().token;
    const created = (
      await inject({ method: 'POST', url: '/api/user/tokens/', headers: { authorization: as }, payload: { name: 'ci', expiresIn: 600 } })
    ).json();
    const key = (await inject({ method: 'POST', url: '/api/user/apikey/', headers: { authorization: as } })).json();
    secrets.push(seedToken, created.token, key.api_secret);
    await inject({ method: 'GET', url: '/api/user/me/', headers: { authorization: `Token ${seedToken}` } });
    await inject({ method: 'GET', url: '/api/user/me/', headers: { authorization: `token ${key.api_key}:${key.api_secret}` } });
    await inject({ method: 'GET', url: '/api/user/me/', headers: { authorization: basic(key.api_key, key.api_secret) } });
    await inject({ method: 'GET', url: '/api/user/me/', headers: { authorization: basic(u.username, WRONG_PASSWORD) } });

    await inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: WRONG_PASSWORD } });
    const pinToken = (await inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: PASSWORD } })).json().pin_token;
    secrets.push(pinToken);
    await inject({ method: 'POST', url: '/api/auth/pin', payload: { pin_token: pinToken, pin: '00000' } });
    const cookieLogin = await inject({ method: 'POST', url: '/api/auth/pin', payload: { pin_token: pinToken, pin: PIN } });
    const session = cookieLogin.cookies[0]!.value;
    const csrf = cookieLogin.json().csrf_token;
    secrets.push(session, csrf);
    const formPin = (
      await inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=${u.username}&password=${encodeURIComponent(PASSWORD)}`,
      })
    ).json().pin_token;
    const bearer = (await inject({ method: 'POST', url: '/api/auth/pin?token=1', payload: { pin_token: formPin, pin: PIN } })).json().access_token;
    secrets.push(formPin, bearer);
    await inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `qm_session=${session}` } });
    await inject({ method: 'POST', url: '/api/v1/Item', headers: { cookie: `qm_session=${session}`, 'x-csrf-token': csrf }, payload: { shortID: 'LOG-1' } });
    await inject({ method: 'GET', url: '/api/v1/Item', headers: { authorization: `Bearer ${bearer}` } });

    // What may be read back later: lists and metadata.
    const later = [
      await inject({ method: 'GET', url: '/api/user/tokens/', headers: { authorization: as } }),
      await inject({ method: 'GET', url: '/api/user/apikey/', headers: { authorization: as } }),
      await inject({ method: 'GET', url: '/api/user/me/', headers: { authorization: as } }),
      await inject({ method: 'GET', url: `/api/v1/User/${u.id}/Credentials`, headers: { authorization: basic(admin.username, PASSWORD) } }),
    ];
    await inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${bearer}` } });
    await inject({ method: 'DELETE', url: `/api/user/tokens/${created.id}`, headers: { authorization: as } });
    await inject({ method: 'DELETE', url: '/api/user/apikey/', headers: { authorization: as } });

    await t.services.audit.flush();
    const audit = JSON.stringify(await t.db.execute(sql`select * from audit_log`));
    const stored = JSON.stringify(await t.db.execute(sql`select * from personal_tokens, api_keys, sessions, login_challenges`));

    expect(logText).toContain('incoming request'); // the logger did capture the traffic
    expect(logText).toContain('[redacted]');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(3);
      expect(logText.includes(secret), `log contains ${secret.slice(0, 10)}`).toBe(false);
      for (const res of later) expect(res.body.includes(secret), `${res.raw.req.url} contains ${secret.slice(0, 10)}`).toBe(false);
      expect(audit.includes(secret), `audit contains ${secret.slice(0, 10)}`).toBe(false);
      expect(stored.includes(secret), `database stores ${secret.slice(0, 10)}`).toBe(false);
    }
  });
});

describe('the stored form of a secret', () => {
  it('is SHA-256 in base64url, as stored by every earlier version', () => {
    // SHA-256("abc") is the FIPS 180-2 test vector ba7816bf…15ad.
    expect(hashSecret('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
    expect(secretMatches('qm_pat_example', hashSecret('qm_pat_example'))).toBe(true);
    expect(secretMatches('qm_pat_examplf', hashSecret('qm_pat_example'))).toBe(false);
  });
});
