import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { oauthPayloads } from '../../db/schema/index.js';
import { ApiError } from '../../http/errors.js';
import type { PinChallenge } from '../../modules/session/login.js';

/** A sign-in waiting for its PIN: the user who passed the password step and the login service's PIN step. */
export interface HeldPinStep {
  userId: number;
  challengeId: number;
}

/** What the login, PIN and consent steps share: the sign-in (oidc-provider's interaction) and its PIN step. */
export function interactionContext(app: FastifyInstance) {
  const rt = app.oauth;
  const { db } = app.qm;

  /** The sign-in of this request (its cookie must match the URL's uid) and the client's name. */
  async function details(req: FastifyRequest, reply: FastifyReply) {
    const provider = await rt.get(req);
    rt.adapt(req);
    const interaction = await provider.interactionDetails(req.raw, reply.raw);
    const { uid } = req.params as { uid: string };
    if (interaction.uid !== uid) throw ApiError.notFound('No such sign-in.');
    const client = await provider.Client.find(String(interaction.params.client_id));
    return { provider, interaction, clientName: client?.clientName ?? String(interaction.params.client_id) };
  }

  // The PIN step of a sign-in is kept on the server, next to the provider's own state, keyed by the sign-in's uid.
  const pinKey = (uid: string) => `QmPinStep:${uid}`;

  async function holdPinStep(uid: string, userId: number, challenge: PinChallenge): Promise<void> {
    const values = { key: pinKey(uid), model: 'QmPinStep', userId, payload: { challengeId: challenge.id }, expiresAt: challenge.expiresAt };
    await db
      .insert(oauthPayloads)
      .values(values)
      .onConflictDoUpdate({ target: oauthPayloads.key, set: { userId, payload: values.payload, expiresAt: values.expiresAt } });
  }

  async function heldPinStep(uid: string): Promise<HeldPinStep | null> {
    const [row] = await db
      .select()
      .from(oauthPayloads)
      .where(eq(oauthPayloads.key, pinKey(uid)))
      .limit(1);
    if (!row || !row.userId || !row.expiresAt || row.expiresAt.getTime() < Date.now()) return null;
    const challengeId = row.payload.challengeId;
    return typeof challengeId === 'number' ? { userId: row.userId, challengeId } : null;
  }

  async function dropPinStep(uid: string): Promise<void> {
    await db.delete(oauthPayloads).where(eq(oauthPayloads.key, pinKey(uid)));
  }

  /** The user is signed in: back to the provider, which goes on to consent or to the client. */
  async function finishLogin(req: FastifyRequest, reply: FastifyReply, userId: number) {
    const { provider } = await details(req, reply);
    await dropPinStep((req.params as { uid: string }).uid);
    reply.hijack();
    await provider.interactionFinished(req.raw, reply.raw, { login: { accountId: String(userId) } }, { mergeWithLastSubmission: false });
  }

  return { app, rt, db, deps: app.qm.machinery, details, holdPinStep, heldPinStep, dropPinStep, finishLogin };
}

export type InteractionContext = ReturnType<typeof interactionContext>;

/** The interaction pages are public: who is signing in is what they find out. */
export const PUBLIC_PAGE = { config: { access: 'public' as const }, schema: { hide: true } as never };
