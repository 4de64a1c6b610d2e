import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthRuntime, SIGNING_KEYS_CHANGED } from './runtime.js';
import { rotateSigningKey } from './keys.js';
import { PATHS } from './provider.js';
import { interactionRoutes } from './interactions/index.js';
import { appRoutes } from '../modules/app/routes.js';
import { allApplicationRoutes } from '../modules/app/all.js';

/** Where each public URL lands inside oidc-provider. The seeds' token URLs are all the one token endpoint. */
const MOUNTS: [string, string][] = [
  ['/api/v1/Token', PATHS.token], // seed 001
  ['/api/auth/token', PATHS.token], // seeds 002/003
  ['/o/token', PATHS.token],
  ['/o/authorize', PATHS.authorization],
  ['/o/authorize/:uid', ''],
  ['/o/userinfo', PATHS.userinfo],
  ['/o/jwks', PATHS.jwks],
  ['/o/revoke', PATHS.revocation],
  ['/o/introspect', PATHS.introspection],
  ['/.well-known/openid-configuration', '/.well-known/openid-configuration'],
];

declare module 'fastify' {
  interface FastifyInstance {
    oauth: OAuthRuntime;
  }
}

/** The OAuth 2.0 / OpenID Connect provider, its interaction pages, and the apps API. */
export async function oauthRoutes(app: FastifyInstance) {
  const runtime = new OAuthRuntime(app.qm, app);
  app.qm.contexts.machinery.oauth = runtime;
  app.decorate('oauth', runtime);
  app.addHook('onClose', async () => runtime.close());

  // oidc-provider reads its own request bodies: inside this context no body is parsed before it.
  await app.register(async (mount) => {
    mount.removeAllContentTypeParsers();
    mount.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    for (const [url, target] of MOUNTS) {
      mount.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url,
        config: { access: 'public' },
        schema: { hide: true },
        handler: async (req: FastifyRequest, reply: FastifyReply) => {
          // Credentials over plain HTTP are refused (SPEC §5), in RFC 6749's error format.
          if (target !== PATHS.jwks && target.startsWith('/o/') && !app.qm.https.isSecure(req) && (req.method === 'POST' || req.headers.authorization)) {
            return reply
              .code(400)
              .header('cache-control', 'no-store')
              .send({ error: 'invalid_request', error_description: 'Credentials must be sent over HTTPS.' });
          }
          const handle = await runtime.callback(req);
          runtime.adapt(req);
          const raw = req.raw.url ?? '/';
          const q = raw.indexOf('?');
          const query = q >= 0 ? raw.slice(q) : '';
          const path = target || (q >= 0 ? raw.slice(0, q) : raw).replace(/\/+$/, '');
          req.raw.url = path + query;
          reply.hijack();
          await handle(req.raw, reply.raw);
        },
      });
    }
  });

  // Signing key rotation (superusers): a new key signs from now on; old keys stay in the JWKS.
  app.route({
    method: 'POST',
    url: '/o/jwks/rotate',
    config: { access: { ruleset: 'app', action: 'change', superuser: true } },
    schema: {
      summary: 'Rotate the OpenID Connect signing key (superusers)',
      response: { 200: Type.Object({ kid: Type.String({ description: 'The new key id; old keys stay in the JWKS.' }) }) },
    },
    handler: async () => {
      const kid = await rotateSigningKey(app.qm.db);
      await app.qm.bus.publish({ t: 'client', id: SIGNING_KEYS_CHANGED });
      return { kid };
    },
  });

  await app.register(interactionRoutes);
  await app.register(appRoutes);
  await app.register(allApplicationRoutes);
}
// Not encapsulated (what fastify-plugin does), so `app.oauth` is visible to the whole application.
(oauthRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
