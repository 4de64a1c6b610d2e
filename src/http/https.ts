import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/**
 * Credentials travel only over HTTPS (seed 001). Plain HTTP is allowed from loopback (local tools, tests), and
 * behind a trusted proxy only when the proxy reports that the client used HTTPS (X-Forwarded-Proto).
 */
export class HttpsPolicy {
  private readonly trusted = new BlockList();
  private readonly hasTrusted: boolean;

  constructor(trustProxy: string[]) {
    for (const entry of trustProxy) {
      const [addr, bits] = entry.split('/') as [string, string | undefined];
      const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
      if (bits !== undefined) this.trusted.addSubnet(addr, Number(bits), type);
      else this.trusted.addAddress(addr, type);
    }
    this.hasTrusted = trustProxy.length > 0;
  }

  isTrustedProxy(address: string): boolean {
    if (!this.hasTrusted) return false;
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    return this.trusted.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  }

  static isLoopback(address: string): boolean {
    return address === '127.0.0.1' || address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  }

  isSecure(request: FastifyRequest): boolean {
    if ((request.raw.socket as { encrypted?: boolean }).encrypted) return true;
    const peer = request.raw.socket.remoteAddress ?? '';
    if (this.isTrustedProxy(peer)) {
      const proto = request.headers['x-forwarded-proto'];
      const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
      return first === 'https';
    }
    return HttpsPolicy.isLoopback(peer);
  }

  assertSecure(request: FastifyRequest): void {
    if (!this.isSecure(request)) throw new ApiError('https.required');
  }
}
