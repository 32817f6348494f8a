/**
 * LiveKit access tokens: minting and verification.
 *
 * @module
 */
import { core, seconds } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { AccessTokenClaims, AccessTokenOptions, KeyMap, VerifyOptions } from "./types.ts";

/**
 * Mints an HS256 LiveKit access token.
 *
 * @example
 * ```ts
 * const jwt = createAccessToken("devkey", "secret", {
 *   identity: "user-1",
 *   name: "Ada",
 *   ttl: 600,
 *   video: { roomJoin: true, room: "lobby", canPublish: true },
 * });
 * ```
 * @throws {EdgeError} `ERR_KEY_MISSING`, `ERR_IDENTITY_REQUIRED`, `ERR_INVALID_TTL`, `ERR_INVALID_OPTION`.
 */
export function createAccessToken(
  apiKey: string,
  apiSecret: string,
  options: AccessTokenOptions = {},
): string {
  const { currentDate, ...claims } = options;
  try {
    return core.createAccessToken(apiKey, apiSecret, claims, seconds(currentDate));
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Verifies a LiveKit access token and returns its claims.
 *
 * @example
 * ```ts
 * const claims = verifyAccessToken(jwt, { devkey: "secret" });
 * console.log(claims.sub, claims.video?.room);
 * ```
 * @throws {EdgeError} `ERR_TOKEN_*` codes.
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
