/**
 * Supabase user JWTs: verify a caller's session token the way Supabase's own
 * gateway would, inside any runtime (so a function also works with
 * `verify_jwt = false`, e.g. after a signing-key rotation).
 *
 * One call into the core decodes the header once and applies everything: an
 * HS256 token (the project's legacy "JWT secret") is verified there; for an
 * ES256/RS256 token (the project's JWKS) the core picks the key and computes
 * the claim rules' outcome, and this module checks the signature with
 * WebCrypto before it trusts that outcome. The rules: `exp`/`nbf`/`iat` with
 * leeway, `role` and `aud` = `authenticated`, `sub` a UUID, `iss` when known,
 * anonymous sign-ins refused unless allowed.
 *
 * @module
 */
import { core, json, seconds } from "./core.ts";
import { EdgeError, rethrow } from "./errors.ts";
import type {
  JsonWebKeySet,
  Jwk,
  JwtHeader,
  SupabaseClaims,
  SupabaseJwtRules,
} from "./generated.ts";

export type {
  JsonWebKeySet,
  Jwk,
  JwtHeader,
  SupabaseClaims,
  SupabaseJwtRules,
} from "./generated.ts";

/** How to verify a Supabase JWT. */
export interface SupabaseJwtOptions extends SupabaseJwtRules {
  /** The project's legacy HS256 JWT secret (`AUTH_JWT_SECRET`). */
  secret?: string;
  /** The project's JWKS, for ES256/RS256 tokens (`{keys: [...]}` or a bare array of keys). */
  jwks?: JsonWebKeySet | Jwk[];
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/**
 * What the core answers about a caller's token (one decode of its header):
 * verified claims, or the key to check its signature with and what to trust
 * afterwards, or a request for the project's JWKS.
 */
export type JwtOutcome =
  | { claims: SupabaseClaims }
  | {
    alg: "ES256" | "RS256";
    jwk: Jwk;
    claims?: SupabaseClaims;
    error?: { code: string; message: string; status: number };
  }
  | { jwks: true };

/**
 * Decodes a token's header (and checks its shape) without verifying anything;
 * refuses algorithms other than HS256, ES256 and RS256.
 *
 * @example
 * ```ts
 * const { alg, kid } = decodeSupabaseJwtHeader(accessToken);
 * ```
 * @throws {EdgeError} `ERR_AUTH_MALFORMED`, `ERR_AUTH_ALGORITHM`.
 */
export function decodeSupabaseJwtHeader(token: string): JwtHeader {
  try {
    return JSON.parse(core.decodeSupabaseJwtHeader(token));
  } catch (e) {
    rethrow(e);
  }
}

const b64url = (s: string): Uint8Array<ArrayBuffer> => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};

const keyCache = new Map<string, Promise<CryptoKey>>();

function importJwk(jwk: Jwk, alg: string): Promise<CryptoKey> {
  const { kty, crv, x, y, n, e } = jwk;
  const id = JSON.stringify([alg, kty, crv, x, y, n, e]);
  let key = keyCache.get(id);
  if (!key) {
    const params = alg === "ES256"
      ? { name: "ECDSA", namedCurve: "P-256" }
      : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    key = crypto.subtle.importKey(
      "jwk",
      { kty, crv, x, y, n, e, ext: true },
      params,
      false,
      ["verify"],
    );
    key.catch(() => keyCache.delete(id));
    if (keyCache.size > 32) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/**
 * Finishes an ES256/RS256 outcome of the core: checks the signature with
 * WebCrypto, then returns the claims or throws the refusal the core had found.
 * Internal to the package and the functions.
 *
 * @example
 * ```ts
 * const claims = await settle(token, JSON.parse(outcomeJson));
 * ```
 */
export async function settle(token: string, outcome: JwtOutcome): Promise<SupabaseClaims> {
  if ("jwks" in outcome) {
    throw new EdgeError(
      "ERR_AUTH_UNKNOWN_KEY",
      "the Authorization token cannot be verified: no key of the project's JWKS matches it",
    );
  }
  if (!("alg" in outcome)) return outcome.claims;
  let key: CryptoKey;
  try {
    key = await importJwk(outcome.jwk, outcome.alg);
  } catch {
    throw new EdgeError(
      "ERR_AUTH_JWKS",
      "the project's JWKS is unusable: a key could not be imported",
    );
  }
  const dot = token.lastIndexOf(".");
  const params = outcome.alg === "ES256"
    ? { name: "ECDSA", hash: "SHA-256" }
    : { name: "RSASSA-PKCS1-v1_5" };
  const ok = await crypto.subtle.verify(
    params,
    key,
    b64url(token.slice(dot + 1)),
    new TextEncoder().encode(token.slice(0, dot)),
  );
  if (!ok) {
    throw new EdgeError(
      "ERR_AUTH_SIGNATURE",
      "the Authorization token's signature does not verify",
    );
  }
  if (outcome.error) rethrow(JSON.stringify(outcome.error));
  return outcome.claims!;
}

/**
 * Verifies a Supabase JWT (HS256 with `secret`, ES256/RS256 with `jwks`) and
 * applies the claim rules. Resolves to the claims; rejects with an
 * {@linkcode EdgeError} whose code says why.
 *
 * @example
 * ```ts
 * const user = await verifySupabaseJwt(accessToken, {
 *   jwks: await (await fetch(`${url}/auth/v1/.well-known/jwks.json`)).json(),
 *   issuer: `${url}/auth/v1`,
 * });
 * console.log(user.sub);
 * ```
 * @throws {EdgeError} `ERR_AUTH_*`: `ERR_AUTH_EXPIRED`, `ERR_AUTH_SIGNATURE`,
 * `ERR_AUTH_ANON_KEY` (the anon key instead of a session), `ERR_AUTH_UNKNOWN_KEY`, …
 */
export async function verifySupabaseJwt(
  token: string,
  options: SupabaseJwtOptions = {},
): Promise<SupabaseClaims> {
  const { secret, jwks, currentDate, ...rules } = options;
  if (rules.leeway !== undefined) rules.leeway = Math.trunc(rules.leeway);
  let outcome: JwtOutcome;
  try {
    outcome = JSON.parse(core.verifySupabaseJwt(
      token,
      secret,
      jwks === undefined ? undefined : json(jwks, "ERR_AUTH_JWKS"),
      json(rules, "ERR_INVALID_INPUT"),
      seconds(currentDate),
    ));
  } catch (e) {
    rethrow(e);
  }
  return await settle(token, outcome);
}

/**
 * Whether `presented` equals one of `candidates` (e.g. the project's service
 * keys), compared in constant time. Empty values never match.
 *
 * @example
 * ```ts
 * const isService = matchesAnySecret(bearer, [env.SUPABASE_SERVICE_ROLE_KEY ?? ""]);
 * ```
 */
export function matchesAnySecret(presented: string, candidates: string[]): boolean {
  return core.matchesAnySecret(presented, JSON.stringify(candidates));
}
