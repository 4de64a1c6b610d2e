import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browsable API (seed 000, debug mode only): an API URL opened in a browser answers its JSON — success or
 * error — as a readable HTML page. Everything from the response is escaped; only http(s) and same-site paths
 * become links. Clients asking for JSON (or anything, `*\/*`) get JSON as always.
 */
export function registerBrowsableApi(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!wantsHtml(request) || !isJson(reply)) return payload;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (text === null) return payload;
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    reply.header('vary', 'Accept');
    reply.removeHeader('content-length');
    return renderPage(request.method, request.url, reply.statusCode, text);
  });
}

function isJson(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type);
}

function isApiUrl(url: string): boolean {
  const lower = url.toLowerCase();
  return lower.startsWith('/api/') || lower === '/api' || lower.startsWith('/o/');
}

/** True when Accept ranks text/html above JSON (a browser), never for `*\/*` alone (curl, scripts). */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH' && request.method !== 'DELETE')
    return false;
  if (!isApiUrl(request.url)) return false;
  const accept = request.headers.accept;
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, q);
    else if (range === 'application/json' || range === 'application/*' || range === '*/*') json = Math.max(json, q);
  }
  return html > json;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const LINKABLE = /^(?:https?:\/\/[^\s<>"']+|\/(?!\/)[^\s<>"']*)$/;

/** Pretty JSON as HTML: every token escaped, string values that are URLs made into links. */
function prettyJson(text: string): string {
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return escapeHtml(text);
  }
  let out = '';
  let last = 0;
  for (const m of pretty.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    out += escapeHtml(pretty.slice(last, m.index));
    const token = m[0];
    const value = JSON.parse(token) as string;
    const isKey = pretty.slice(m.index + token.length).startsWith(':');
    out +=
      !isKey && LINKABLE.test(value)
        ? `"<a href="${escapeHtml(value)}">${escapeHtml(token.slice(1, -1))}</a>"`
        : `<span class="${isKey ? 'k' : 's'}">${escapeHtml(token)}</span>`;
    last = m.index + token.length;
  }
  return out + escapeHtml(pretty.slice(last));
}

function renderPage(method: string, url: string, status: number, json: string): string {
  const title = `${method} ${url}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — Quartermaster API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.1rem}pre{background:#f6f8fa;padding:1rem;border-radius:6px;overflow:auto}
.status{font-weight:bold;color:${status < 400 ? '#17803d' : '#b42318'}}.k{color:#7c3aed}.s{color:#0a5c36}a{color:#1d4ed8}</style></head>
<body><h1>Quartermaster API</h1>
<p><code>${escapeHtml(method)} ${escapeHtml(url)}</code></p>
<p>HTTP <span class="status">${status}</span></p>
<pre>${prettyJson(json)}</pre>
<p><small>Browsable API (debug mode). Send <code>Accept: application/json</code> for the raw response; see <a href="/api-doc/">/api-doc/</a>.</small></p>
</body></html>
`;
}
