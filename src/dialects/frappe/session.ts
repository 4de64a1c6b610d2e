import type { FastifyReply, FastifyRequest } from 'fastify';
import { SID_COOKIE } from '../../auth/schemes/session.js';
import { ApiError } from '../../http/errors.js';
import { clearCookie, setCookie } from '../../http/cookies.js';
import { endSession, openSession, SESSION_TTL_S } from '../../modules/session/service.js';
import { createPinChallenge, passwordStep, pinStep } from '../../modules/session/login.js';

/**
 * Frappe's login (`usr` + `pwd`, then for a user with a PIN Frappe's two-factor step: `tmp_id` + `otp`) on the same
 * login steps as `/api/auth/login`: lockout, PIN rule and audit are the same. The session is a cookie named `sid`,
 * as Frappe's; see `checkSameSite` for how it is kept safe from cross-site requests.
 */
export interface LoginFields {
  usr?: unknown;
  pwd?: unknown;
  tmp_id?: unknown;
  otp?: unknown;
}

const field = (v: unknown, name: string, max: number) => {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw ApiError.validation({ [name]: [`is required (text, at most ${max} characters)`] });
  return v;
};

export async function frappeLogin(req: FastifyRequest, reply: FastifyReply, body: LoginFields) {
  const { machinery: deps, https } = req.server.qm;
  https.assertSecure(req);
  let row;
  if (body.tmp_id !== undefined || body.otp !== undefined) {
    row = await pinStep(deps, { pinToken: field(body.tmp_id, 'tmp_id', 200) }, field(body.otp, 'otp', 32), req.ip);
  } else {
    row = await passwordStep(deps, field(body.usr, 'usr', 254), field(body.pwd, 'pwd', 1024), req.ip);
    if (row.pinHash) {
      const challenge = await createPinChallenge(deps.db, row);
      return reply.code(200).send({
        message: 'Enter your PIN',
        verification: { method: 'PIN', setup: true, prompt: 'Send tmp_id and your PIN as otp to /api/method/login.' },
        tmp_id: challenge.pin_token,
      });
    }
  }
  const { secret } = await openSession(req, row, 'cookie', { method: row.pinHash ? 'password+pin' : 'password', via: 'frappe' });
  setCookie(reply, SID_COOKIE, secret, { httpOnly: true, secure: req.protocol === 'https', sameSite: 'strict', path: '/', maxAge: SESSION_TTL_S });
  return reply.code(200).send({ message: 'Logged In', home_page: '/', full_name: row.username });
}

/** Ends the session the request came with (a `sid` cookie or a `qm_ses_` token); other credentials have nothing to end. */
export async function frappeLogout(req: FastifyRequest, reply: FastifyReply) {
  const ctx = req.ctx;
  if (ctx && ctx.principal.credential.kind === 'session' && ctx.principal.credential.id !== null) {
    await endSession(req.server.qm.machinery, ctx.accountId, ctx.principal.credential.id);
    ctx.audit('session.revoked', { logout: true, via: 'frappe' });
  }
  clearCookie(reply, SID_COOKIE, { path: '/' });
  return reply.code(200).send({});
}
