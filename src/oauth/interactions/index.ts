import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { escapeHtml } from '../provider.js';
import { PUBLIC_PAGE, interactionContext } from './context.js';
import { consentDetails, consentForm, consentStep } from './consent.js';
import { loginForm, loginStep } from './login.js';
import { pinForm, pinStepPage } from './pin.js';
import { page, sendPage } from './page.js';

/**
 * The pages the authorization endpoint sends users to, at `/o/login/{uid}`: login (password, then the PIN when the
 * user has one, both on the login service of src/modules/session/login.ts) and consent. One file per step.
 */
export async function interactionRoutes(app: FastifyInstance) {
  const c = interactionContext(app);

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
    return sendPage(reply, page('Sign-in problem', `<h1>Sign-in problem</h1><p role="alert">${escapeHtml(text)}</p>`), status);
  });

  // The page for where the sign-in stands: password, PIN or consent.
  app.get('/o/login/:uid', PUBLIC_PAGE, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const { interaction, clientName } = await c.details(req, reply);
    if (interaction.prompt.name === 'login') {
      return sendPage(reply, (await c.heldPinStep(uid)) ? pinForm(uid) : loginForm(uid, clientName));
    }
    const consent = await consentDetails(c, req, reply);
    return sendPage(reply, consentForm(uid, consent.clientName, consent.granted, consent.dropped));
  });

  loginStep(c);
  pinStepPage(c);
  consentStep(c);
}
