import { ApiError } from '../../http/errors.js';
import { openPinStep, passwordStep } from '../../modules/session/login.js';
import { escapeHtml } from '../provider.js';
import { PUBLIC_PAGE, type InteractionContext } from './context.js';
import { errorBox, page, sendPage, signInError } from './page.js';

export function loginForm(uid: string, clientName: string, error?: string, login = '') {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <strong>${escapeHtml(clientName)}</strong></p>${errorBox(error)}
<form method="post" action="/o/login/${escapeHtml(uid)}/login">
<label for="login">Username or email</label><input id="login" name="login" autocomplete="username" required autofocus value="${escapeHtml(login)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
  );
}

/** The password step of the login page, on the login service: then the PIN step when the user has a PIN. */
export function loginStep(c: InteractionContext) {
  const { app, rt } = c;
  app.post('/o/login/:uid/login', PUBLIC_PAGE, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const body = (req.body ?? {}) as { login?: string; password?: string };
    if (!app.qm.https.isSecure(req)) throw new ApiError('https.required');
    const { interaction, clientName } = await c.details(req, reply);
    if (interaction.prompt.name !== 'login') return reply.redirect(`/o/login/${uid}`, 303);
    const login = String(body.login ?? '');
    let row;
    try {
      row = await passwordStep(c.deps, login, String(body.password ?? ''), req.ip);
    } catch (err) {
      if (err instanceof ApiError && err.key === 'user.disabled') return sendPage(reply, loginForm(uid, clientName, signInError(err)), 401);
      return sendPage(reply, loginForm(uid, clientName, signInError(err), login), 401);
    }
    // An account's app signs in that account's users only (the default client serves every account).
    const client = await rt.clients.get(String(interaction.params.client_id));
    if (client?.accountId != null && client.accountId !== row.accountId) {
      return sendPage(reply, loginForm(uid, clientName, 'This app belongs to another account.'), 403);
    }
    if (row.pinHash) {
      await c.holdPinStep(uid, row.id, await openPinStep(c.db, row));
      return reply.redirect(`/o/login/${uid}`, 303);
    }
    return c.finishLogin(req, reply, row.id);
  });
}
