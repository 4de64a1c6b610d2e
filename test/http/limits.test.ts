import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_LIMITS } from '../../src/http/limits.js';
import { loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await startTestApp({ env: { QM_REQUEST_TIMEOUT: '1' } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

/** Opens a raw connection, sends `head`, then one byte of body every `everyMs`; resolves with what the server answered and when it closed. */
function trickle(head: string, everyMs: number): Promise<{ answer: string; closedAfterMs: number; bytesSent: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    let bytesSent = 0;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
    });
    const timer = setInterval(() => {
      if (!socket.destroyed) {
        socket.write('x');
        bytesSent++;
      }
    }, everyMs);
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started, bytesSent });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`still open after 10 s; got ${JSON.stringify(answer)}`));
    }, 10_000).unref();
  });
}

describe('HTTP limits', () => {
  it('a body trickled in a byte at a time is cut off with 408 request.timeout in the error shape', async () => {
    const head = 'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    const { answer, closedAfterMs, bytesSent } = await trickle(head, 200);
    expect(answer.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { key: 'request.timeout', description: expect.stringContaining('1 s'), fields: {} } });
    // The deadline is 1 s from the first byte; the server checks deadlines every 250 ms here.
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3_000);
    expect(bytesSent).toBeLessThan(15);
  });

  it('slow headers are cut off the same way', async () => {
    const { answer, closedAfterMs } = await trickle('GET /api/v1/Item HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 200);
    expect(answer.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.key).toBe('request.timeout');
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it('a request sent at once is answered normally on a kept-alive connection', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/Item`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { key: string } }).error.key).toBe('auth.required');
    await new Promise((r) => setTimeout(r, 1_500));
    // An idle keep-alive connection is governed by the keep-alive limit, not the request deadline.
    const again = await fetch(`http://127.0.0.1:${port}/api/v1/Item`);
    expect(((await again.json()) as { error: { key: string } }).error.key).toBe('auth.required');
  });

  it('headers over the size limit are refused before any route runs', async () => {
    const head = `GET /api/v1/Item HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(HTTP_LIMITS.headerBytes + 10)}\r\n\r\n`;
    const { answer } = await trickle(head, 5_000);
    expect(answer.startsWith('HTTP/1.1 431 ')).toBe(true);
  });
});

describe('QM_REQUEST_TIMEOUT', () => {
  it('defaults to the documented limit and accepts seconds', () => {
    expect(loadConfig({}).requestTimeoutMs).toBe(HTTP_LIMITS.requestTimeoutMs);
    expect(loadConfig({ QM_REQUEST_TIMEOUT: '2.5' }).requestTimeoutMs).toBe(2_500);
  });

  it('refuses nonsense with the variable named', () => {
    for (const bad of ['0', '-1', 'soon', '1e3', '99999']) {
      expect(() => loadConfig({ QM_REQUEST_TIMEOUT: bad })).toThrow(/QM_REQUEST_TIMEOUT/);
    }
  });
});
