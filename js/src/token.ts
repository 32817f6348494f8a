/**
 * LiveKit access tokens: minting, verification, lifetimes.
 *
 * @module
 */
import { core, seconds } from "./core.ts";
import { rethrow } from "./errors.ts";
import { plainGrants } from "./grants.ts";
import type {
  AccessTokenClaims,
  AccessTokenOptions,
  KeyMap,
  UnverifiedClaims,
  VerifyOptions,
} from "./types.ts";

/**
 * Mints an HS256 LiveKit access token (`nbf` = now, `exp` = now + `ttl`).
 * Only what was set is written; every limit LiveKit's server enforces is
 * checked first, each with its own error code.
 *
 * @example
 * ```ts
 * const jwt = createAccessToken("devkey", "secret", {
 *   identity: "avatar-1",
 *   kind: "agent",
 *   ttl: "10m",
 *   attributes: { "lk.publish_on_behalf": "user-1" },
 *   video: { roomJoin: true, room: "lobby", canPublish: true },
 *   roomConfig: { agents: [{ agentName: "tutor", metadata: '{"lang":"en"}' }] },
 *   onWarning: (w) => console.warn(w.code, w.message),
 * });
 * ```
 * @throws {EdgeError} `ERR_KEY_MISSING`, `ERR_IDENTITY_REQUIRED`, `ERR_INVALID_TTL`,
 * `ERR_GRANT_TOO_LONG`, `ERR_GRANT_METADATA_TOO_LARGE`, `ERR_GRANT_ATTRIBUTES_TOO_LARGE`,
 * `ERR_GRANT_EGRESS_CREDENTIALS`, `ERR_INVALID_OPTION` (unknown option, kind or source).
 */
export function createAccessToken(
  apiKey: string,
  apiSecret: string,
  options: AccessTokenOptions = {},
): string {
  const { currentDate, onWarning, ...given } = options;
  try {
    const claims = plainGrants(given);
    // JSON cannot carry NaN or Infinity: let the core refuse them as lifetimes.
    if (typeof claims.ttl === "number" && !Number.isFinite(claims.ttl)) {
      core.parseTtl(claims.ttl);
    }
    return core.createAccessToken(
      apiKey,
      apiSecret,
      claims,
      seconds(currentDate),
      onWarning,
    );
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Verifies a LiveKit access token and returns its claims exactly as signed.
 * HS256 only; `exp` required; `keys` maps API keys (the token's `iss`) to
 * secrets, so several keys can be live during a rotation.
 *
 * @example
 * ```ts
 * const claims = verifyAccessToken(jwt, { devkey: "secret" }, { leeway: 60 });
 * console.log(claims.sub, claims.video?.room);
 * ```
 * @throws {EdgeError} `ERR_TOKEN_*` codes, `ERR_INVALID_OPTION` for a bad leeway.
 */
export function verifyAccessToken(
  token: string,
  keys: KeyMap,
  options: VerifyOptions = {},
): AccessTokenClaims {
  try {
    return core.verifyAccessToken(
      token,
      keys,
      seconds(options.currentDate),
      options.leeway,
    ) as AccessTokenClaims;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Decodes a token's claims **without verifying anything** (signature,
 * algorithm, times). For display and debugging only: never base an access
 * decision on the result.
 *
 * @example
 * ```ts
 * const { sub, exp } = decodeAccessTokenUnsafe(jwt);
 * ```
 * @throws {EdgeError} `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_BASE64`, `ERR_TOKEN_JSON`, `ERR_TOKEN_CLAIMS`.
 */
export function decodeAccessTokenUnsafe(token: string): UnverifiedClaims {
  try {
    return core.decodeAccessTokenUnsafe(token) as UnverifiedClaims;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * A token lifetime in whole seconds (rounded up): a number of seconds or a
 * duration string such as `"10m"`, `"1.5h"`, `"2 days"`.
 *
 * @example
 * ```ts
 * parseTtl("1.5h"); // 5400
 * parseTtl(90); // 90
 * ```
 * @throws {EdgeError} `ERR_INVALID_TTL` for zero, negative, non-finite, unparsable or over 7 days.
 */
export function parseTtl(ttl: number | string): number {
  try {
    return core.parseTtl(ttl);
  } catch (e) {
    rethrow(e);
  }
}
