import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An onSend hook answering JSON as exactly `application/json` (JSON has no charset parameter: it is UTF-8 by
 * definition). Some clients (InvenTree's python client) compare the header as a whole string.
 */
export async function exactJsonContentType(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && /^application\/json\s*;/i.test(type)) reply.header('content-type', 'application/json');
  return payload;
}
