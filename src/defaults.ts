/**
 * Every tuning default of the server in one place: credential lifetimes, the lockout policy, the credential caches,
 * invalidation timing, and the background writers' batches and intervals. Each entry says why it has its value.
 * Code imports these names instead of writing numbers; the README's "Defaults" section lists them.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY_S = 86_400;

/** Lifetimes of issued credentials, in seconds (SPEC §4 and the seeds). */
export const LIFETIMES = {
  /** Seed 001: client_credentials tokens live 4 h (`expires_in` 14399-14400). */
  clientCredentialsToken: 14_400,
  /** Seed 003: password-grant access tokens (and their refreshes) live 36000 s. */
  passwordGrantToken: 36_000,
  /** Seed 002: the token manager's access tokens live 24 h. */
  appToken: DAY_S,
  /** Authorization-code access tokens: short, since the client can refresh. */
  accessToken: 3_600,
  /** Refresh tokens: a month of inactivity ends the grant. */
  refreshToken: 30 * DAY_S,
  /** Authorization codes are exchanged at once by the client; a minute covers slow networks. */
  authorizationCode: 60,
  /** id_tokens prove a login, they are not access: an hour. */
  idToken: 3_600,
  /** The OAuth login session (the "remember me" of the authorize endpoint). */
  oauthLoginSession: 14 * DAY_S,
  /** A consent grant is remembered for a year. */
  oauthGrant: 365 * DAY_S,
  /** Seed 002: the console/POS session (cookie or `qm_ses_` bearer) lives as long as its access token, 36000 s. */
  session: 36_000,
  /**
   * Seed 002: a PIN step lives 5 minutes: long enough to type a PIN, short enough to be useless when stolen. The
   * same for every login with a PIN (the API's PIN token, Frappe's `tmp_id`, the OAuth login page).
   */
  pinToken: 300,
} as const;

/** Wrong PINs tolerated per PIN step before it is spent (seed 002: "PIN attempts are limited"), at every entry point. */
export const PIN_ATTEMPTS = 5;

/**
 * Password and PIN guessing limits. Five tries per name or user is what a person with a typo needs; fifty per address
 * lets an office behind one NAT log in while stopping a spray; fifteen minutes makes online guessing useless.
 */
export const LOCKOUT = {
  windowMs: 15 * MINUTE,
  lockMs: 15 * MINUTE,
  perUser: 5,
  perAddress: 50,
} as const;

/** One credential cache's bounds: see src/auth/cache.ts. */
export interface CachePolicy {
  /** Most positive entries kept; the least recently used goes first. */
  max: number;
  /** A positive entry is re-read after this long even if no invalidation arrived (a missed event heals itself). */
  ttlMs: number;
  /** Most negative entries (well-formed secrets that are unknown or revoked); kept apart so a flood cannot evict warm ones. */
  negativeMax: number;
  /** How long "no such credential" is believed; revocation is final, so as long as a positive entry. */
  negativeTtlMs: number;
}

/**
 * The in-process caches of the authenticate hook. A warm credential costs no database round trip; invalidation
 * (revocation, disable, password or group change) drops entries at once on every instance, so TTLs only bound how
 * long a lost event could matter. Sizes are entries; the LRU preallocates some 45 bytes of bookkeeping per slot (all
 * the caches together about 13 MB), and an entry holds 100-300 bytes.
 */
export const CACHES = {
  /** Personal tokens (`Token …`), by SHA-256 of the token. */
  personalTokens: { max: 50_000, ttlMs: MINUTE, negativeMax: 10_000, negativeTtlMs: MINUTE },
  /** API keys (`token key:secret`, Basic key:secret), by key. */
  apiKeys: { max: 50_000, ttlMs: MINUTE, negativeMax: 10_000, negativeTtlMs: MINUTE },
  /** Login sessions (cookie and `Bearer qm_ses_…`), by SHA-256 of the secret. */
  sessions: { max: 50_000, ttlMs: MINUTE, negativeMax: 10_000, negativeTtlMs: MINUTE },
  /** OAuth access tokens (`Bearer …`), by SHA-256 of the token. */
  oauthTokens: { max: 50_000, ttlMs: MINUTE, negativeMax: 10_000, negativeTtlMs: MINUTE },
  /**
   * Basic auth's verified-credential cache, by HMAC of the header: saves an argon2 verify (~15 ms of CPU) per
   * request. Longer-lived, because each use re-checks the user's security stamp. No negative entries: a wrong
   * password must reach the lockout counter every time.
   */
  verifiedPasswords: { max: 20_000, ttlMs: 5 * MINUTE, negativeMax: 0, negativeTtlMs: 0 },
  /** User states (rights, warehouses, flags), by user id; shared by every scheme. */
  users: { max: 20_000, ttlMs: 30 * SECOND, negativeMax: 5_000, negativeTtlMs: 30 * SECOND },
  /** OAuth client rows, by client_id. */
  oauthClients: { max: 5_000, ttlMs: 30 * SECOND, negativeMax: 5_000, negativeTtlMs: 30 * SECOND },
} as const satisfies Record<string, CachePolicy>;

/**
 * Cross-instance invalidation (PostgreSQL LISTEN/NOTIFY). The SPEC promises one second from a revocation to its
 * refusal on every instance, also through a dropped connection: the listening connection proves it is alive with a
 * heartbeat, and the caches are trusted only for `leaseMs` after the last proof (while the connection is down or
 * silent, credentials are re-read on every use).
 */
export const INVALIDATION = {
  /** How often the listening connection is asked a trivial query; three per lease, so one slow answer costs nothing. */
  heartbeatMs: 300,
  /** How long a heartbeat vouches for the caches: under the one-second bound, with room for the notify itself. */
  leaseMs: 900,
  /** A heartbeat unanswered this long means a dead connection: it is dropped and made again. */
  deadAfterMs: 5 * SECOND,
  /** First reconnect delay; doubles after each failed attempt. */
  reconnectMinMs: 100,
  /** Reconnect delay ceiling: a restarting database is retried every few seconds, not hammered. */
  reconnectMaxMs: 5 * SECOND,
} as const;

/** Background writers and sweepers: batched, off the request path. */
export const BACKGROUND = {
  /** "Last used" of tokens, keys and sessions: one UPDATE per table this often (the console shows minutes). */
  usageFlushMs: 5 * SECOND,
  /** Audit entries reach the database within about a second. */
  auditFlushMs: SECOND,
  /** Audit rows per INSERT; a full queue flushes early. */
  auditBatch: 1_000,
  /** Expired sessions, PIN tokens, failure counters and OAuth payloads are swept this often. */
  sweepIntervalMs: 15 * MINUTE,
  /** Expired credentials are kept this long so a late request still hears `token.expired`. */
  sweepAfterMs: DAY_S * SECOND,
  /** `quartermaster seed` rows per statement: large enough to run at the database's insert speed. */
  seedBatch: 10_000,
} as const;

/** Request-level limits of the authenticate hook. */
export const LIMITS = {
  /** No credential of ours comes near this; longer Authorization headers are refused before any decoding or lookup. */
  authorizationHeader: 4_096,
  /** No user has a longer name or email (RFC 5321 caps an address at 254). */
  loginLength: 254,
} as const;
