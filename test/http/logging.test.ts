import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLogging } from '../../src/http/logging.js';
import { makeAccount, startTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { basic, request } from '../helpers/request.js';

/** Per-request logging: Fastify's lines, bound to the request id, and nothing built for the lines the level leaves out. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe.each(['info', 'warn'] as const)('request logging at %s', (level) => {
  let t: TestApp;
  let u: TestUser;
  const { lines, stream } = capture();
  beforeAll(async () => {
    t = await startTestApp({ logger: { level, stream } });
    u = await (await makeAccount(t)).user();
  });
  afterAll(() => t.close());

  it('writes the request lines with the request id at info, none at warn', async () => {
    lines.length = 0;
    const res = await request(t, { method: 'GET', url: '/api/v1/Item?page=1&pageSize=1', headers: { authorization: basic(u.username, u.password) } });
    expect(res.statusCode).toBe(200);
    const missing = await request(t, { method: 'GET', url: '/api/v1/NoSuchThing' });
    expect(missing.statusCode).toBe(404);
    const messages = lines.map((l) => l.msg);
    if (level === 'info') {
      expect(messages).toEqual(['incoming request', 'request completed', 'incoming request', 'request completed']);
      // Each request's lines carry its own id.
      expect(lines[0]!.reqId).toBeTruthy();
      expect(lines[1]!.reqId).toBe(lines[0]!.reqId);
      expect(lines[3]!.reqId).toBe(lines[2]!.reqId);
      expect(lines[2]!.reqId).not.toBe(lines[0]!.reqId);
      expect(lines[1]!.res).toEqual({ statusCode: 200 });
      expect(lines[3]!.res).toEqual({ statusCode: 404 });
    } else {
      expect(messages).toEqual([]);
    }
  });
});

describe('a request logger', () => {
  it('writes the enabled levels with its bindings and skips the others', async () => {
    const { lines, stream } = capture();
    const t = await startTestApp({ logger: { level: 'warn', stream } });
    try {
      const { childLoggerFactory } = requestLogging();
      const log = childLoggerFactory!.call(t.app, t.app.log, { reqId: 'req-7' }, {}, {} as never) as FastifyBaseLogger & {
        isLevelEnabled(l: string): boolean;
      };
      expect(log.level).toBe('warn');
      expect(log.isLevelEnabled('info')).toBe(false);
      expect(log.isLevelEnabled('error')).toBe(true);
      log.info('left out');
      log.debug({ a: 1 }, 'left out');
      log.error({ err: new Error('boom') }, 'written');
      log.warn('also written');
      log.child({ extra: 1 }).warn('from a child');
      expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
        ['written', 'req-7'],
        ['also written', 'req-7'],
        ['from a child', 'req-7'],
      ]);
      expect((lines[0]!.err as { message: string }).message).toBe('boom');
      expect(lines[2]!.extra).toBe(1);
      // Its level can be raised for one request, as a pino child's.
      log.level = 'debug';
      log.debug('now written');
      expect(lines.at(-1)).toMatchObject({ msg: 'now written', reqId: 'req-7' });
      expect(t.app.log.level).toBe('warn');
    } finally {
      await t.close();
    }
  });
});
