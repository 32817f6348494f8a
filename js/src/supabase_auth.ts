/**
 * Supabase user JWTs: verify a caller's session token the way Supabase's own
 * gateway would, inside any runtime (so a function also works with
 * `verify_jwt = false`, e.g. after a signing-key rotation).
 *
 * HS256 tokens (the project's legacy "JWT secret") are verified in the wasm
 * core. ES256/RS256 tokens (the project's JWKS) are verified with WebCrypto on
 * the key the core selects; either way the claims then pass the same rules in
 * the core: `exp`/`nbf`/`iat` with leeway, `role` and `aud` = `authenticated`,
 * `sub` a UUID, `iss` when known, anonymous sign-ins refused unless allowed.
 *
 * @module
 */
import { core, seconds } from "./core.ts";
import { EdgeError, rethrow } from "./errors.ts";

/** A decoded (unverified) JWT header. */
export interface JwtHeader {
  /** `HS256`, `ES256` or `RS256`. */
  alg: string;
  /** Key id, for the JWKS. */
  kid?: string;
  /** `JWT` when present. */
  typ?: string;
}

/** One public key of a JWKS. */
export interface Jwk {
  /** `EC` or `RSA`. */
  kty: string;
  /** Key id. */
  kid?: string;
  /** Algorithm. */
  alg?: string;
  /** `sig` when present. */
  use?: string;
  /** EC curve (`P-256`). */
  crv?: string;
  /** EC x. */
  x?: string;
  /** EC y. */
  y?: string;
  /** RSA modulus. */
  n?: string;
  /** RSA exponent. */
  e?: string;
}

/** A JSON Web Key Set, as served at `{SUPABASE_URL}/auth/v1/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  /** The keys. */
  keys: Jwk[];
}

/** The claims of a token that passed verification and the rules. */
export interface SupabaseClaims {
  /** The user id (lower-case UUID); absent only when `requireSubject` is false. */
  sub?: string;
  /** The role. */
  role: string;
  /** The audiences. */
  aud: string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at. */
  iat?: number;
  /** Issuer. */
  iss?: string;
  /** The user's email. */
  email?: string;
  /** The auth session id. */
  session_id?: string;
  /** Whether this is an anonymous sign-in. */
  is_anonymous: boolean;
}

/** How to verify a Supabase JWT. */
export interface SupabaseJwtOptions {
  /** The project's legacy HS256 JWT secret (`AUTH_JWT_SECRET`). */
  secret?: string;
  /** The project's JWKS, for ES256/RS256 tokens. */
  jwks?: JsonWebKeySet;
  /** Required `iss`, e.g. `https://<ref>.supabase.co/auth/v1`. */
  issuer?: string;
  /** Required audience (default `authenticated`); `null` skips the check. */
  audience?: string | null;
  /** Required role (default `authenticated`). */
  role?: string;
  /** Accept anonymous sign-ins (default false). */
  allowAnonymous?: boolean;
  /** Require `sub` to be a UUID (default true). */
  requireSubject?: boolean;
  /** Clock leeway in seconds (default 30). */
  leeway?: number;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/**
 * Decodes a token's header without verifying anything; refuses algorithms
 * other than HS256, ES256 and RS256.
 *
 * @example
 * ```ts
 * const { alg, kid } = decodeSupabaseJwtHeader(accessToken);
 * ```
 * @throws {EdgeError} `ERR_AUTH_MALFORMED`, `ERR_AUTH_ALGORITHM`.
 */
export function decodeSupabaseJwtHeader(token: string): JwtHeader {
  try {
    return core.decodeSupabaseJwtHeader(token) as JwtHeader;
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
      [
        "verify",
      ],
    );
    key.catch(() => keyCache.delete(id));
    if (keyCache.size > 32) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

function rules(options: SupabaseJwtOptions) {
  const r: Record<string, unknown> = {};
  if (options.audience !== undefined) r.audience = options.audience;
  if (options.role !== undefined) r.role = options.role;
  if (options.issuer !== undefined) r.issuer = options.issuer;
  if (options.allowAnonymous !== undefined) {
    r.allowAnonymous = options.allowAnonymous;
  }
  if (options.requireSubject !== undefined) {
    r.requireSubject = options.requireSubject;
  }
  if (options.leeway !== undefined) r.leeway = Math.trunc(options.leeway);
  return r;
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
  const header = decodeSupabaseJwtHeader(token);
  const now = seconds(options.currentDate);
  try {
    if (header.alg === "HS256") {
      return core.verifySupabaseJwtHs256(
        token,
        options.secret ?? "",
        rules(options),
        now,
      ) as SupabaseClaims;
    }
    if (!options.jwks) {
      throw new EdgeError(
        "ERR_AUTH_UNKNOWN_KEY",
        `the Authorization token cannot be verified: the token is ${header.alg} and no JWKS is configured`,
      );
    }
    const jwk = core.selectSupabaseJwk(options.jwks, header) as Jwk;
    let key: CryptoKey;
    try {
      key = await importJwk(jwk, header.alg);
    } catch {
      throw new EdgeError(
        "ERR_AUTH_JWKS",
        "the project's JWKS is unusable: a key could not be imported",
      );
    }
    const dot = token.lastIndexOf(".");
    const params = header.alg === "ES256"
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
    return core.checkVerifiedSupabaseJwt(
      token,
      rules(options),
      now,
    ) as SupabaseClaims;
  } catch (e) {
    if (e instanceof EdgeError) throw e;
    rethrow(e);
  }
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
export function matchesAnySecret(
  presented: string,
  candidates: string[],
): boolean {
  try {
    return core.matchesAnySecret(presented, candidates);
  } catch (e) {
    rethrow(e);
  }
}
