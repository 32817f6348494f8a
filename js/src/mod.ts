/**
 * LiveKit access tokens and configuration checks, computed by a Rust core
 * compiled to WebAssembly. The module's bytes are embedded: importing this
 * file reads no file and makes no request.
 *
 * @example
 * ```ts
 * import { createAccessToken } from "livekit-tavus-edge";
 * const token = createAccessToken("devkey", "secret", {
 *   identity: "user-1",
 *   video: { roomJoin: true, room: "lobby" },
 * });
 * ```
 *
 * @module
 */
import * as core from "../gen/livekit_tavus_edge.js";
import { wasmBytes } from "../gen/wasm_bytes.js";
import { rethrow } from "./errors.ts";
import type {
  AccessTokenClaims,
  AccessTokenOptions,
  ConfigReport,
  KeyMap,
  VerifyOptions,
} from "./types.ts";

core.initSync({ module: wasmBytes });

export { EdgeError } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export type * from "./types.ts";

function seconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}

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

/**
 * Validates LiveKit and Tavus settings and returns a report that never
 * contains a secret.
 *
 * @example
 * ```ts
 * const report = validateConfig(Deno.env.toObject());
 * if (!report.livekit_configured) console.error(report.problems);
 * ```
 */
export function validateConfig(env: Record<string, string | undefined>): ConfigReport {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") clean[k] = v;
  try {
    return core.validateConfig(clean) as ConfigReport;
  } catch (e) {
    rethrow(e);
  }
}
