import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { oauthPayloads, users } from '../db/schema/index.js';
import { verifyLogin, verifyPin } from '../auth/schemes/basic.js';
import { ApiError } from '../http/errors.js';
import { escapeHtml } from './provider.js';
import { describeScope, grantableScopes } from './scopes.js';
import { LIFETIMES } from '../defaults.js';
import { BRAND_MARK, PAGE_CSS } from '../http/look.js';

const PIN_STEP_TTL_MS = LIFETIMES.oauthPinStep * 1000;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Quartermaster</title>
<style>${PAGE_CSS}</style></head><body><main>${BRAND_MARK}${body}</main></body></html>`;
}

const errorBox = (msg?: string) => (msg ? `<p class="error" role="alert" id="error">${escapeHtml(msg)}</p>` : '');

function loginForm(uid: string, clientName: string, error?: string, login = '') {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <strong>${escapeHtml(clientName)}</strong></p>${errorBox(error)}
<form method="post" action="/o/login/${escapeHtml(uid)}/login">
<label for="login">Username or email</label><input id="login" name="login" autocomplete="username" required autofocus value="${escapeHtml(login)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

function pinForm(uid: string, error?: string) {
  return page(
    'Enter your PIN',
    `<h1>Enter your PIN</h1>${errorBox(error)}
<form method="post" action="/o/login/${escapeHtml(uid)}/pin">
<label for="pin">PIN</label><input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button></form>`,
  );
}

function consentForm(uid: string, clientName: string, granted: string[], dropped: string[]) {
  const items = granted.map((s) => `<li><strong>${escapeHtml(describeScope(s))}</strong> <code>${escapeHtml(s)}</code></li>`).join('');
  const notes = dropped.length ? `<p>Not granted, because your account lacks them: ${dropped.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>` : '';
  return page(
    'Authorize access',
    `<h1>Authorize ${escapeHtml(clientName)}</h1><p><strong>${escapeHtml(clientName)}</strong> asks to:</p>
<ul class="scopes">${items || '<li>Know who you are</li>'}</ul>${notes}
<form method="post" action="/o/login/${escapeHtml(uid)}/consent">
<button type="submit" name="decision" value="allow" autofocus>Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}

function loginError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.key === 'rate_limited') return 'Too many failed attempts. Try again later.';
    if (err.key === 'credentials.invalid') return err.message.includes('PIN') ? 'Wrong PIN.' : 'Wrong username or password.';
    return err.message;
  }
  throw err;
}

/** Login (password, then PIN when the user has one) and consent pages for the authorization endpoint. */
export async function interactionRoutes(app: FastifyInstance) {
  const rt = app.oauth;
  const { db } = app.qm;
  const deps = app.qm.machinery;
  const html = (reply: FastifyReply, body: string, code = 200) =>
    reply.code(code).header('cache-control', 'no-store').header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(body);

  async function details(req: FastifyRequest, reply: FastifyReply) {
    const provider = await rt.get(req);
    rt.adapt(req);
    const interaction = await provider.interactionDetails(req.raw, reply.raw);
    const { uid } = req.params as { uid: string };
    if (interaction.uid !== uid) throw ApiError.notFound('No such sign-in.');
    const client = await provider.Client.find(String(interaction.params.client_id));
    return { provider, interaction, clientName: client?.clientName ?? String(interaction.params.client_id) };
  }

  const pinKey = (uid: string) => `QmPinStep:${uid}`;
  async function pendingPin(uid: string): Promise<number | null> {
    const [row] = await db
      .select()
      .from(oauthPayloads)
      .where(eq(oauthPayloads.key, pinKey(uid)))
      .limit(1);
    if (!row || !row.expiresAt || row.expiresAt.getTime() < Date.now()) return null;
    return row.userId;
  }

  async function finishLogin(req: FastifyRequest, reply: FastifyReply, userId: number) {
    const { provider } = await details(req, reply);
    await db.delete(oauthPayloads).where(eq(oauthPayloads.key, pinKey((req.params as { uid: string }).uid)));
    reply.hijack();
    await provider.interactionFinished(req.raw, reply.raw, { login: { accountId: String(userId) } }, { mergeWithLastSubmission: false });
  }

  async function consentPage(req: FastifyRequest, reply: FastifyReply) {
    const { interaction, clientName } = await details(req, reply);
    const user = await app.qm.users.get(Number(interaction.session?.accountId));
    if (!user) throw ApiError.notFound('No such sign-in.');
    const missing = ((interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? []).filter(Boolean);
    const granted = grantableScopes(missing.join(' ') || 'openid', user);
    const dropped = missing.filter((s) => !granted.includes(s));
    return { interaction, clientName, granted: granted.filter((s) => missing.includes(s)), dropped };
  }

  const access = { access: 'public' as const };

  // These are pages: their errors are pages too (an expired or replayed sign-in, HTTPS required, …).
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'sign-in page failed');
    const text =
      err instanceof ApiError && err.key === 'https.required'
        ? 'Sign in over HTTPS.'
        : status === 500
          ? 'Something went wrong. Try again.'
          : 'This sign-in has expired or was already used. Go back to the application and start again.';
    return html(reply, page('Sign-in problem', `<h1>Sign-in problem</h1><p role="alert">${escapeHtml(text)}</p>`), status);
  });

  app.get('/o/login/:uid', { config: access, schema: { hide: true } as never }, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const { interaction, clientName } = await details(req, reply);
    if (interaction.prompt.name === 'login') {
      return html(reply, (await pendingPin(uid)) ? pinForm(uid) : loginForm(uid, clientName));
    }
    const c = await consentPage(req, reply);
    return html(reply, consentForm(uid, c.clientName, c.granted, c.dropped));
  });

  app.post('/o/login/:uid/login', { config: access, schema: { hide: true } as never }, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as { login?: string; password?: string };
    if (!app.qm.https.isSecure(req)) throw new ApiError('https.required');
    const { interaction, clientName } = await details(req, reply);
    if (interaction.prompt.name !== 'login') return reply.redirect(`/o/login/${uid}`, 303);
    let row;
    try {
      row = await verifyLogin(deps, String(body.login ?? ''), String(body.password ?? ''), req.ip);
    } catch (err) {
      return html(reply, loginForm(uid, clientName, loginError(err), String(body.login ?? '')), 401);
    }
    const user = await app.qm.users.get(row.id);
    if (!user?.active) return html(reply, loginForm(uid, clientName, 'This user is disabled.'), 401);
    // An account's app signs in that account's users only (the default client serves every account).
    const client = await rt.clients.get(String(interaction.params.client_id));
    if (client?.accountId != null && client.accountId !== user.accountId) {
      return html(reply, loginForm(uid, clientName, 'This app belongs to another account.'), 403);
    }
    if (row.pinHash) {
      const values = { key: pinKey(uid), model: 'QmPinStep', userId: row.id, payload: {}, expiresAt: new Date(Date.now() + PIN_STEP_TTL_MS) };
      await db
        .insert(oauthPayloads)
        .values(values)
        .onConflictDoUpdate({ target: oauthPayloads.key, set: { userId: row.id, expiresAt: values.expiresAt } });
      return reply.redirect(`/o/login/${uid}`, 303);
    }
    return finishLogin(req, reply, row.id);
  });

  app.post('/o/login/:uid/pin', { config: access, schema: { hide: true } as never }, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const { interaction } = await details(req, reply);
    if (!app.qm.https.isSecure(req)) throw new ApiError('https.required');
    const userId = await pendingPin(uid);
    if (interaction.prompt.name !== 'login' || !userId) return reply.redirect(`/o/login/${uid}`, 303);
    const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
    try {
      await verifyPin(
        deps,
        { id: u!.id, accountId: u!.accountId, username: u!.username, pinHash: u!.pinHash },
        String((req.body as { pin?: string })?.pin ?? ''),
        req.ip,
      );
    } catch (err) {
      return html(reply, pinForm(uid, loginError(err)), 401);
    }
    return finishLogin(req, reply, userId);
  });

  app.post('/o/login/:uid/consent', { config: access, schema: { hide: true } as never }, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const c = await consentPage(req, reply);
    const { interaction } = c;
    const provider = await rt.get(req);
    if (interaction.prompt.name !== 'consent') return reply.redirect(`/o/login/${uid}`, 303);
    const decision = (req.body as { decision?: string })?.decision;
    reply.hijack();
    if (decision !== 'allow') {
      await provider.interactionFinished(
        req.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'The user denied access.' },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    const accountId = String(interaction.session!.accountId);
    const grant = interaction.grantId
      ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId: String(interaction.params.client_id) }))
      : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
    if (c.granted.length) grant.addOIDCScope(c.granted.join(' '));
    if (c.dropped.length) grant.rejectOIDCScope(c.dropped.join(' '));
    const claims = interaction.prompt.details.missingOIDCClaims as string[] | undefined;
    if (claims?.length) grant.addOIDCClaims(claims);
    const grantId = await grant.save();
    await provider.interactionFinished(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });
}
