/**
 * LiveKit access tokens, webhooks and configuration checks, computed by a
 * Rust core compiled to WebAssembly. The module's bytes are embedded:
 * importing this package reads no file and makes no request.
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
export { EdgeError } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export type * from "./types.ts";
export { createAccessToken, verifyAccessToken } from "./token.ts";
export { validateConfig } from "./config.ts";
export { hmacSha256 } from "./hmac.ts";
