import { LRUCache } from 'lru-cache';
import type { CachePolicy } from '../defaults.js';

/**
 * Whether cached credential state may be believed right now. The invalidation bus vouches for the caches only while
 * it is sure it hears every other instance's events; until `trustedUntil` (a `Date.now()` reading) lookups hit,
 * after it they miss and every use re-reads the database. It clears the registered caches when events may have been
 * lost.
 */
export interface CacheTrust {
  readonly trustedUntil: number;
  register(cache: { clear(): void }): void;
}

/** For caches of one process with no other writer (and for tests): always believed. */
export const ALWAYS_TRUSTED: CacheTrust = { trustedUntil: Number.POSITIVE_INFINITY, register() {} };

/**
 * The one cache type of the authentication layer: an LRU with a TTL for credentials that exist, and a separate,
 * smaller LRU of negative entries for well-formed secrets that are unknown or revoked (so a replayed revoked token
 * costs no database round trip, and a flood of made-up ones cannot evict the warm entries).
 *
 * `get` is synchronous and allocation-free for the warm path: a value, `null` (known not to exist) or `undefined`
 * (ask the database, through `load`). Invalidation (`delete`, `deleteWhere`, `clear`) takes effect at once, and a
 * load that was already reading the database when an invalidation arrived is answered but not remembered.
 */
export class CredentialCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly positive: LRUCache<K, V>;
  private readonly negative: LRUCache<K, true> | null;
  private readonly loading = new Map<K, Promise<V | null>>();
  /** Bumped by every invalidation: loads started before it do not store their (possibly stale) result. */
  private version = 0;

  constructor(
    policy: CachePolicy,
    private readonly trust: CacheTrust = ALWAYS_TRUSTED,
  ) {
    // ttlResolution 0: an entry's age is read from the clock at each look-up (cheap), where the default caches the
    // clock for a millisecond behind a timer, which cost a timer every few requests.
    this.positive = new LRUCache<K, V>({ max: policy.max, ttl: policy.ttlMs, ttlResolution: 0, updateAgeOnGet: false });
    this.negative =
      policy.negativeMax > 0 ? new LRUCache<K, true>({ max: policy.negativeMax, ttl: policy.negativeTtlMs, ttlResolution: 0, updateAgeOnGet: false }) : null;
    trust.register(this);
  }

  /** The cached value, `null` for a known-absent key, `undefined` when the database must be asked. */
  get(key: K): V | null | undefined {
    if (this.trust.trustedUntil <= Date.now()) return undefined;
    const value = this.positive.get(key);
    if (value !== undefined) return value;
    return this.negative?.get(key) ? null : undefined;
  }

  /** Remembers a value, or with `null` that the key names nothing (a negative entry). Ignored while untrusted. */
  set(key: K, value: V | null): void {
    if (this.trust.trustedUntil <= Date.now()) return;
    if (value === null) {
      this.positive.delete(key);
      this.negative?.set(key, true);
    } else {
      this.negative?.delete(key);
      this.positive.set(key, value);
    }
  }

  /**
   * The cached answer, or the loader's (one database read however many requests ask at once), remembered unless an
   * invalidation arrived while it was reading.
   */
  load(key: K, loader: () => Promise<V | null>): Promise<V | null> {
    const hit = this.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const version = this.version;
    const pending = loader()
      .then((value) => {
        if (this.version === version) this.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === pending) this.loading.delete(key);
      });
    this.loading.set(key, pending);
    return pending;
  }

  /** Drops one key, positive or negative. */
  delete(key: K): void {
    this.version++;
    this.loading.delete(key);
    this.positive.delete(key);
    this.negative?.delete(key);
  }

  /** Drops every positive entry the predicate picks (negative entries hold no value to test, and stay). */
  deleteWhere(pick: (value: V, key: K) => boolean): void {
    this.version++;
    this.loading.clear();
    const doomed: K[] = [];
    this.positive.forEach((value, key) => {
      if (pick(value, key)) doomed.push(key);
    });
    for (const key of doomed) this.positive.delete(key);
  }

  clear(): void {
    this.version++;
    this.loading.clear();
    this.positive.clear();
    this.negative?.clear();
  }

  /** Entries held (positive, negative): for tests and diagnostics. */
  get size(): { positive: number; negative: number } {
    return { positive: this.positive.size, negative: this.negative?.size ?? 0 };
  }
}
