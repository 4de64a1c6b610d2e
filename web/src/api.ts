/**
 * The console's only way to the server: the public API, as a cookie session. Unsafe requests carry the session's
 * CSRF token (kept in memory only: after a reload GET /api/auth/session answers it again).
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Words for the API's error keys, shown to people; the server's description fills in the detail. */
const MESSAGES: Record<string, string> = {
  'auth.required': 'Please log in.',
  'credentials.invalid': 'Wrong username, email, password or PIN.',
  'token.invalid': 'Your session has ended. Please log in again.',
  'token.expired': 'Your session has expired. Please log in again.',
  'user.disabled': 'This user is disabled. Ask an administrator.',
  'csrf.failed': 'Your session could not be verified. Reload the page.',
  'https.required': 'The server only accepts credentials over HTTPS.',
  'scope.wrong': 'Your credential does not allow this.',
  'permission.denied': 'You do not have permission to do this.',
  'warehouse.forbidden': 'You do not have access to this warehouse.',
  'user.read_only': 'Your user is read-only.',
  'validation.failed': 'Please check the highlighted fields.',
  not_found: 'Not found.',
  conflict: 'That conflicts with what already exists.',
  'stock.insufficient': 'Not enough stock.',
  rate_limited: 'Too many failed attempts.',
  internal: 'Something went wrong on the server.',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    readonly description: string,
    readonly fields: Record<string, string[]> = {},
    readonly retryAfter: number | null = null,
  ) {
    super(description);
  }

  /** One sentence for a person: the key's words, plus the server's detail when it adds something. */
  get text(): string {
    const base = MESSAGES[this.key] ?? this.description;
    if (this.key === 'rate_limited' && this.retryAfter) return `${base} Try again in ${Math.ceil(this.retryAfter / 60)} minute(s).`;
    const fieldText = Object.entries(this.fields)
      .map(([f, msgs]) => `${f}: ${msgs.join(', ')}`)
      .join('; ');
    if (fieldText) return `${base} ${fieldText}`;
    if (this.description && this.description !== base && !['credentials.invalid', 'token.invalid', 'token.expired', 'rate_limited'].includes(this.key)) {
      return `${base} ${this.description}`;
    }
    return base;
  }
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.text;
  return err instanceof Error ? err.message : String(err);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

let onUnauthenticated: (() => void) | null = null;
export function whenSessionEnds(fn: () => void) {
  onUnauthenticated = fn;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  // X-Requested-With: the server then leaves Basic out of a 401's challenges, so the browser shows no login prompt.
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(withQuery(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: { key?: string; description?: string; fields?: Record<string, string[]> } } | null)?.error;
    const retry = Number(res.headers.get('retry-after'));
    const err = new ApiError(
      res.status,
      e?.key ?? 'internal',
      e?.description ?? res.statusText,
      e?.fields ?? {},
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthenticated?.();
    throw err;
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, undefined, query);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T = void>(path: string) => api<T>('DELETE', path);

export interface Page<T> {
  value: T[];
  totalCount: number;
  page: number;
  pageSize: number;
  pageCount: number;
  hasMore: boolean;
}
