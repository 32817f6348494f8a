// The per-instance JWKS cache of caller authentication (finding 7 of issue 12): hostile tokens
// cannot make the function fetch the JWKS once per request. Unknown key ids and a failing JWKS
// endpoint cost at most one fetch per 30 s per instance, concurrent requests share one fetch,
// and a token for an unknown key is a 401 (never a 503) while the function has keys.
import { exportJWK, generateKeyPair } from "jose";
import { Authenticator } from "../../supabase/functions/_shared/auth.ts";
import { HttpError } from "../../supabase/functions/_shared/http.ts";
import { settingsFromEnv } from "../../supabase/functions/_shared/settings.ts";
import { asymmetricJwt, userClaims } from "../standins/supabase.ts";
import { assert, assertEquals } from "./assert.ts";
import { BOB, devEnv } from "./fixtures.ts";

const SUPABASE = "http://supabase.invalid";
const ISSUER = `${SUPABASE}/auth/v1`;
const JWKS_URL = `${SUPABASE}/auth/v1/.well-known/jwks.json`;

async function setup() {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "ES256", use: "sig" };
  const stranger = await generateKeyPair("ES256");
  let now = Date.parse("2026-11-25T12:00:00Z");
  let answer: () => Response | Promise<Response> = () => Response.json({ keys: [jwk] });
  const fetches: number[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    assertEquals(String(input), JWKS_URL);
    fetches.push(now);
    await new Promise((r) => setTimeout(r, 20)); // long enough for requests to pile up
    return await answer();
  }) as typeof fetch;
  const { AUTH_JWT_SECRET: _, ...noSecret } = devEnv();
  const s = settingsFromEnv({
    ...noSecret,
    SUPABASE_URL: SUPABASE,
    SUPABASE_ANON_KEY: "anon-test-key",
    SUPABASE_SERVICE_ROLE_KEY: "service-test-key",
    AUTH_JWT_ISSUER: ISSUER,
  });
  const auth = new Authenticator({ fetch: fetchFn, now: () => new Date(now), log: () => {} });
  const claims = () => userClaims(BOB, ISSUER, {}, now);
  const token = (kid: string, key = privateKey) => asymmetricJwt(claims(), key, "ES256", kid);
  const call = async (jwt: string): Promise<number | string> => {
    try {
      await auth.authenticate(
        new Request("http://local/livekit-token", { headers: { authorization: `Bearer ${jwt}` } }),
        s,
        "req",
      );
      return 200;
    } catch (e) {
      assert(e instanceof HttpError, String(e));
      return `${e.status} ${e.code}`;
    }
  };
  return {
    fetches,
    call,
    token,
    strangerKey: stranger.privateKey,
    tick: (seconds: number) => (now += seconds * 1000),
    answer: (f: () => Response | Promise<Response>) => (answer = f),
  };
}

Deno.test("concurrent requests share one JWKS fetch", async () => {
  const t = await setup();
  const jwt = await t.token("key-1");
  const results = await Promise.all(Array.from({ length: 30 }, () => t.call(jwt)));
  assert(results.every((r) => r === 200), JSON.stringify(results));
  assertEquals(t.fetches.length, 1);
});

Deno.test("unknown key ids: one refetch per 30 s, shared, and a 401", async () => {
  const t = await setup();
  assertEquals(await t.call(await t.token("key-1")), 200);
  t.tick(31); // the cache may be refreshed for a rotated key
  const hostile = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => t.call(await t.token(`kid-${i}`, t.strangerKey))),
  );
  assert(hostile.every((r) => r === "401 ERR_AUTH_UNKNOWN_KEY"), JSON.stringify(hostile));
  assertEquals(t.fetches.length, 2, "one refetch for all of them");
  for (let i = 0; i < 20; i++) {
    assertEquals(
      await t.call(await t.token(`more-${i}`, t.strangerKey)),
      "401 ERR_AUTH_UNKNOWN_KEY",
    );
  }
  assertEquals(t.fetches.length, 2, "no refetch within 30 s of the last");
  assertEquals(await t.call(await t.token("key-1")), 200);
});

Deno.test("a failing JWKS endpoint is asked at most once per 30 s", async () => {
  const t = await setup();
  t.answer(() => new Response("upstream down", { status: 500 }));
  const first = await Promise.all(
    Array.from({ length: 10 }, async () => t.call(await t.token("key-1"))),
  );
  assert(first.every((r) => r === "503 ERR_AUTH_JWKS_UNAVAILABLE"), JSON.stringify(first));
  for (let i = 0; i < 20; i++) {
    t.tick(1);
    assertEquals(await t.call(await t.token(`kid-${i}`)), "503 ERR_AUTH_JWKS_UNAVAILABLE");
  }
  assertEquals(t.fetches.length, 1, "the failure is remembered");
  // After the back-off the endpoint is asked again, and recovers.
  t.answer(() => Response.json({ keys: [] }));
  t.tick(15);
  assertEquals(await t.call(await t.token("key-1")), "401 ERR_AUTH_UNKNOWN_KEY");
  assertEquals(t.fetches.length, 2);
});

Deno.test("with keys cached, a failing endpoint never turns a hostile token into a 503", async () => {
  const t = await setup();
  assertEquals(await t.call(await t.token("key-1")), 200);
  t.answer(() => {
    throw new TypeError("connection refused");
  });
  t.tick(31);
  for (let i = 0; i < 25; i++) {
    assertEquals(
      await t.call(await t.token(`kid-${i}`, t.strangerKey)),
      "401 ERR_AUTH_UNKNOWN_KEY",
    );
    t.tick(1);
  }
  assertEquals(t.fetches.length, 2, "one refetch attempt, then the failure is remembered");
  assertEquals(await t.call(await t.token("key-1")), 200, "the cached keys keep working");
});
