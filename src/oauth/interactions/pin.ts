import { ApiError } from '../../http/errors.js';
import { pinStep, pinStepOpen } from '../../modules/session/login.js';
import { escapeHtml } from '../provider.js';
import { PUBLIC_PAGE, type InteractionContext } from './context.js';
import { loginForm } from './login.js';
import { errorBox, page, sendPage, signInError } from './page.js';

export function pinForm(uid: string, error?: string) {
  return page(
    'Enter your PIN',
    `<h1>Enter your PIN</h1>${errorBox(error)}
<form method="post" action="/o/login/${escapeHtml(uid)}/pin">
<label for="pin">PIN</label><input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button></form>`,
  );
}

/**
 * The PIN step of the login page, on the login service's PIN step: the same attempt limit as the API's PIN token.
 * Once it is spent (or expired, or the user disabled) the sign-in starts over at the password.
 */
export function pinStepPage(c: InteractionContext) {
  const { app } = c;
  app.post('/o/login/:uid/pin', PUBLIC_PAGE, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const { interaction, clientName } = await c.details(req, reply);
    if (!app.qm.https.isSecure(req)) throw new ApiError('https.required');
    const held = await c.heldPinStep(uid);
    if (interaction.prompt.name !== 'login' || !held) return reply.redirect(`/o/login/${uid}`, 303);
    const startOver = async (message: string) => {
      await c.dropPinStep(uid);
      return sendPage(reply, loginForm(uid, clientName, message), 401);
    };
    let row;
    try {
      row = await pinStep(c.deps, { challengeId: held.challengeId }, String((req.body as { pin?: string } | undefined)?.pin ?? ''), req.ip);
    } catch (err) {
      if (err instanceof ApiError && err.key === 'token.invalid') return startOver('Too many wrong PINs. Sign in again.');
      if (err instanceof ApiError && err.key === 'token.expired') return startOver('The PIN step has expired. Sign in again.');
      if (err instanceof ApiError && err.key === 'user.disabled') return startOver(signInError(err));
      if (!(await pinStepOpen(c.db, held.challengeId))) return startOver('Too many wrong PINs. Sign in again.');
      return sendPage(reply, pinForm(uid, signInError(err)), 401);
    }
    return c.finishLogin(req, reply, row.id);
  });
}
