import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeScope } from '../../access/scope-words.js';
import { ApiError } from '../../http/errors.js';
import { escapeHtml } from '../provider.js';
import { grantableScopes } from '../scopes.js';
import { PUBLIC_PAGE, type InteractionContext } from './context.js';
import { page } from './page.js';

/** The consent page: the scopes in the vocabulary's words (src/access/scope-words.ts), and those not granted. */
export function consentForm(uid: string, clientName: string, granted: string[], dropped: string[]) {
  const items = granted.map((s) => `<li><strong>${escapeHtml(describeScope(s))}</strong> <code>${escapeHtml(s)}</code></li>`).join('');
  const notes = dropped.length ? `<p>Not granted, because your account lacks them: ${dropped.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>` : '';
  return page(
    'Authorize access',
    `<h1>Authorize ${escapeHtml(clientName)}</h1><p><strong>${escapeHtml(clientName)}</strong> asks to:</p>
<ul class="scopes">${items || `<li>${escapeHtml(describeScope('openid'))}</li>`}</ul>${notes}
<form method="post" action="/o/login/${escapeHtml(uid)}/consent">
<button type="submit" name="decision" value="allow" autofocus>Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}

/** What the signed-in user is asked: the scopes missing from the grant, narrowed to the user's rights. */
export async function consentDetails(c: InteractionContext, req: FastifyRequest, reply: FastifyReply) {
  const { interaction, clientName } = await c.details(req, reply);
  const user = await c.app.qm.users.get(Number(interaction.session?.accountId));
  if (!user) throw ApiError.notFound('No such sign-in.');
  const missing = ((interaction.prompt.details.missingOIDCScope as string[] | undefined) ?? []).filter(Boolean);
  const granted = grantableScopes(missing.join(' ') || 'openid', user);
  const dropped = missing.filter((s) => !granted.includes(s));
  return { interaction, clientName, granted: granted.filter((s) => missing.includes(s)), dropped };
}

/** Allow or deny: the grant is saved with the scopes shown, the ones the user lacks rejected. */
export function consentStep(c: InteractionContext) {
  const { app, rt } = c;
  app.post('/o/login/:uid/consent', PUBLIC_PAGE, async (req, reply) => {
    const { uid } = req.params as { uid: string };
    const details = await consentDetails(c, req, reply);
    const { interaction } = details;
    const provider = await rt.get(req);
    if (interaction.prompt.name !== 'consent') return reply.redirect(`/o/login/${uid}`, 303);
    const decision = (req.body as { decision?: string } | undefined)?.decision;
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
    if (details.granted.length) grant.addOIDCScope(details.granted.join(' '));
    if (details.dropped.length) grant.rejectOIDCScope(details.dropped.join(' '));
    const claims = interaction.prompt.details.missingOIDCClaims as string[] | undefined;
    if (claims?.length) grant.addOIDCClaims(claims);
    const grantId = await grant.save();
    await provider.interactionFinished(req.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });
}
