// The per-instance rate limiter (finding 6 of issue 12): its key table is bounded, and making
// room never hands a limited user a fresh budget.
import { RateLimiter } from "../../supabase/functions/_shared/rate_limit.ts";
import { HttpError } from "../../supabase/functions/_shared/http.ts";
import { assert, assertEquals } from "./assert.ts";

const quiet = () => {};

function allowed(l: RateLimiter, key: string, limit: number, now: number): boolean {
  try {
    l.check(key, limit, now, quiet, "req");
    return true;
  } catch (e) {
    assert(e instanceof HttpError && e.code === "ERR_RATE_LIMITED", String(e));
    return false;
  }
}

Deno.test("a limited user stays limited when the key table overflows", () => {
  const l = new RateLimiter();
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) assert(allowed(l, "mallory", 3, t0));
  assert(!allowed(l, "mallory", 3, t0), "the fourth request in the minute is refused");
  // Ten thousand other users (or one attacker with many accounts) in the same minute.
  for (let i = 0; i < 10_000; i++) allowed(l, `user-${i}`, 3, t0 + 1);
  assert(l.size <= 10_000, `the table is bounded (${l.size})`);
  assert(!allowed(l, "mallory", 3, t0 + 2), "still limited after the table overflowed");
  // Once her window is over she may go on.
  assert(allowed(l, "mallory", 3, t0 + 60_000));
});

Deno.test("the table is bounded even when every entry is a limited user", () => {
  const l = new RateLimiter();
  const t0 = 5_000_000;
  for (let i = 0; i < 10_050; i++) {
    allowed(l, `u${i}`, 1, t0);
    allowed(l, `u${i}`, 1, t0); // limited
  }
  assert(l.size <= 10_000, `bounded: ${l.size}`);
  // The most recent limited users are still limited.
  assertEquals(allowed(l, "u10049", 1, t0 + 1), false);
});

Deno.test("windows reset after a minute; a limit of 0 turns it off", () => {
  const l = new RateLimiter();
  assert(allowed(l, "a", 1, 0));
  assert(!allowed(l, "a", 1, 59_999));
  assert(allowed(l, "a", 1, 60_000));
  for (let i = 0; i < 100; i++) assert(allowed(l, "b", 0, 0));
});
