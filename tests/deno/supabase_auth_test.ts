// verifySupabaseJwt against tokens signed by jose (an independent signer): HS256 with the
// legacy secret, ES256 and RS256 with a JWKS, and every rejection code.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { EdgeError } from "livekit-tavus-edge";
import { type JsonWebKeySet, matchesAnySecret, verifySupabaseJwt } from "livekit-tavus-edge/avatar";

const USER = "0b6d4c1e-8f1a-4c56-9a55-2f1b7d9e3c10";
const NOW = new Date("2026-11-25T12:00:00Z");
const T = NOW.getTime() / 1000;
const SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
const ISS = "http://127.0.0.1:54321/auth/v1";

function claims(extra: Record<string, unknown> = {}) {
  return {
    sub: USER,
    role: "authenticated",
    aud: "authenticated",
    iss: ISS,
    iat: T - 10,
    exp: T + 3600,
    email: "ada@example.com",
    session_id: "5f0c9d3a-1111-4222-8333-944455556666",
    is_anonymous: false,
    ...extra,
  };
}

function hs256(payload: Record<string, unknown>, secret = SECRET) {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

async function code(p: Promise<unknown>): Promise<string> {
  let got = "";
  await assertRejects(() => p, (e) => {
    assert(e instanceof EdgeError, `not an EdgeError: ${e}`);
    got = e.code;
  });
  return got;
}

Deno.test("HS256: a user's session token passes; every broken rule has its code", async () => {
  const ok = await verifySupabaseJwt(await hs256(claims()), {
    secret: SECRET,
    issuer: ISS,
    currentDate: NOW,
  });
  assertEquals([ok.sub, ok.role, ok.aud, ok.email], [USER, "authenticated", [
    "authenticated",
  ], "ada@example.com"]);
  const cases: [Record<string, unknown>, string, Record<string, unknown>?][] = [
    [claims({ exp: T - 31 }), "ERR_AUTH_EXPIRED"],
    [claims({ nbf: T + 120 }), "ERR_AUTH_NOT_YET_VALID"],
    [claims({ aud: "other" }), "ERR_AUTH_AUDIENCE"],
    [claims({ iss: "https://evil.example/auth/v1" }), "ERR_AUTH_ISSUER"],
    [claims({ sub: "not-a-uuid" }), "ERR_AUTH_CLAIMS"],
    [claims({ exp: String(T + 60) }), "ERR_AUTH_CLAIMS"],
    [claims({ is_anonymous: true }), "ERR_AUTH_ANONYMOUS_USER"],
    [{ iss: "supabase", ref: "x", role: "anon", iat: T, exp: T + 60 }, "ERR_AUTH_ANON_KEY"],
    [{ iss: "supabase", role: "service_role", iat: T, exp: T + 60 }, "ERR_AUTH_ROLE"],
  ];
  for (const [payload, want] of cases) {
    assertEquals(
      await code(verifySupabaseJwt(await hs256(payload), {
        secret: SECRET,
        issuer: ISS,
        currentDate: NOW,
      })),
      want,
      JSON.stringify(payload),
    );
  }
  assertEquals(
    await code(
      verifySupabaseJwt(await hs256(claims(), "another-secret-of-enough-length-000000"), {
        secret: SECRET,
        currentDate: NOW,
      }),
    ),
    "ERR_AUTH_SIGNATURE",
  );
  assertEquals(
    await code(verifySupabaseJwt(await hs256(claims()), { currentDate: NOW })),
    "ERR_AUTH_UNKNOWN_KEY",
  );
  const anon = await verifySupabaseJwt(await hs256(claims({ is_anonymous: true })), {
    secret: SECRET,
    allowAnonymous: true,
    currentDate: NOW,
  });
  assertEquals(anon.is_anonymous, true);
});

Deno.test("ES256 and RS256 through the JWKS, with key rotation by kid", async () => {
  const ec = await generateKeyPair("ES256", { extractable: true });
  const ec2 = await generateKeyPair("ES256", { extractable: true });
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const jwks: JsonWebKeySet = {
    keys: [
      { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
      { ...(await exportJWK(ec2.publicKey)), kid: "ec-2", alg: "ES256", use: "sig" },
      { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256" },
    ] as JsonWebKeySet["keys"],
  };
  const sign = (alg: string, kid: string, key: CryptoKey, payload = claims()) =>
    new SignJWT(payload).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(key);
  for (
    const [alg, kid, key] of [["ES256", "ec-1", ec.privateKey], ["ES256", "ec-2", ec2.privateKey], [
      "RS256",
      "rsa-1",
      rsa.privateKey,
    ]] as const
  ) {
    const c = await verifySupabaseJwt(await sign(alg, kid, key), {
      jwks,
      issuer: ISS,
      currentDate: NOW,
    });
    assertEquals(c.sub, USER, `${alg} ${kid}`);
  }
  // Signed by ec-2's key but claiming ec-1: the signature check catches it.
  assertEquals(
    await code(verifySupabaseJwt(await sign("ES256", "ec-1", ec2.privateKey), {
      jwks,
      currentDate: NOW,
    })),
    "ERR_AUTH_SIGNATURE",
  );
  assertEquals(
    await code(verifySupabaseJwt(await sign("ES256", "gone", ec.privateKey), {
      jwks,
      currentDate: NOW,
    })),
    "ERR_AUTH_UNKNOWN_KEY",
  );
  assertEquals(
    await code(verifySupabaseJwt(await sign("ES256", "ec-1", ec.privateKey), { currentDate: NOW })),
    "ERR_AUTH_UNKNOWN_KEY",
  );
  // The claim rules apply to asymmetric tokens too.
  assertEquals(
    await code(
      verifySupabaseJwt(await sign("ES256", "ec-1", ec.privateKey, claims({ exp: T - 100 })), {
        jwks,
        currentDate: NOW,
      }),
    ),
    "ERR_AUTH_EXPIRED",
  );
  assertEquals(
    await code(
      verifySupabaseJwt(
        await sign("RS256", "rsa-1", rsa.privateKey, claims({ role: "anon" })),
        { jwks, currentDate: NOW },
      ),
    ),
    "ERR_AUTH_ANON_KEY",
  );
  // alg none and other algorithms never reach a key.
  const none = `${btoa('{"alg":"none"}').replace(/=+$/, "")}.${
    btoa(JSON.stringify(claims())).replace(/=+$/, "")
  }.`;
  assertEquals(await code(verifySupabaseJwt(none, { jwks, secret: SECRET })), "ERR_AUTH_MALFORMED");
  assertEquals(
    await code(verifySupabaseJwt("not-a-jwt", { secret: SECRET })),
    "ERR_AUTH_MALFORMED",
  );
});

Deno.test("matchesAnySecret compares whole values only", () => {
  assert(matchesAnySecret("sb_secret_abc", ["x", "sb_secret_abc"]));
  assert(!matchesAnySecret("sb_secret_ab", ["sb_secret_abc"]));
  assert(!matchesAnySecret("", [""]));
});
