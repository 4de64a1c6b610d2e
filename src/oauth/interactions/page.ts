import type { FastifyReply } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { BRAND_MARK, PAGE_CSS } from '../../http/look.js';
import { escapeHtml } from '../provider.js';

/** One sign-in page in the console's look. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Quartermaster</title>
<style>${PAGE_CSS}</style></head><body><main>${BRAND_MARK}${body}</main></body></html>`;
}

export const errorBox = (msg?: string) => (msg ? `<p class="error" role="alert" id="error">${escapeHtml(msg)}</p>` : '');

/** Answers a page: never cached, never framed. */
export function sendPage(reply: FastifyReply, body: string, code = 200) {
  return reply.code(code).header('cache-control', 'no-store').header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(body);
}

/** What the login service's refusals say on the pages. */
export function signInError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.key === 'rate_limited') return 'Too many failed attempts. Try again later.';
    if (err.key === 'credentials.invalid') return err.message.includes('PIN') ? 'Wrong PIN.' : 'Wrong username or password.';
    if (err.key === 'user.disabled') return 'This user is disabled.';
    return err.message;
  }
  throw err;
}
