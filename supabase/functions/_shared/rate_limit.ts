/**
 * A per-user, per-instance request limit (fixed one-minute windows). An
 * optimisation against bursts, not a guarantee: each instance counts alone and
 * may forget at any time. The per-user session cap that must hold across
 * instances is enforced in Postgres (`claim_avatar_session`).
 */
import { HttpError } from "./http.ts";
import type { Logger } from "./log.ts";

const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;
const EVICT_BATCH = 100;

/** Counts requests per key in one-minute windows. */
export class RateLimiter {
  #windows = new Map<string, { start: number; count: number }>();

  /**
   * Counts one request for `key`; throws 429 `ERR_RATE_LIMITED` (with
   * `retry-after`) beyond `limit` per minute. A limit of 0 turns it off.
   */
  check(key: string, limit: number, nowMs: number, log: Logger, requestId: string): void {
    if (limit <= 0) return;
    let w = this.#windows.get(key);
    if (!w || nowMs - w.start >= WINDOW_MS) {
      if (this.#windows.size >= MAX_KEYS) this.#evict(nowMs, limit);
      w = { start: nowMs, count: 0 };
      this.#windows.set(key, w);
    }
    w.count++;
    if (w.count > limit) {
      const retry = Math.max(1, Math.ceil((w.start + WINDOW_MS - nowMs) / 1000));
      log("warn", "rate_limited", { request_id: requestId, user_id: key, limit });
      throw new HttpError(
        429,
        "ERR_RATE_LIMITED",
        `more than ${limit} requests in a minute: retry in ${retry} s`,
        { "retry-after": String(retry) },
      );
    }
  }

  /** How many keys are counted. */
  get size(): number {
    return this.#windows.size;
  }

  /**
   * Makes room for one key. Expired windows go first; then, oldest first,
   * windows of keys within their limit (they lose at most a partial count);
   * a key over its limit is dropped only when every counted key is over it,
   * and then the one whose window ends first. Never everyone at once: clearing
   * the table would hand every limited caller a fresh budget.
   */
  #evict(nowMs: number, limit: number): void {
    for (const [k, w] of this.#windows) {
      if (nowMs - w.start >= WINDOW_MS) this.#windows.delete(k);
    }
    if (this.#windows.size < MAX_KEYS) return;
    const byAge = [...this.#windows].sort(([, a], [, b]) => a.start - b.start);
    // A batch at a time, so the sort is paid once per hundred new keys, not for each.
    const excess = this.#windows.size - MAX_KEYS + EVICT_BATCH;
    let removed = 0;
    for (const [k, w] of byAge) {
      if (removed >= excess) return;
      if (w.count <= limit) this.#windows.delete(k), removed++;
    }
    for (const [k] of byAge) {
      if (removed >= excess) return;
      if (this.#windows.delete(k)) removed++;
    }
  }
}
