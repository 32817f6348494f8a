/**
 * LiveKit access tokens, their verification and webhooks, computed by a Rust
 * core compiled to WebAssembly. The module's bytes are embedded: importing
 * this package reads no file and makes no request.
 *
 * This entry is the token core only. The avatar flow's helpers (settings,
 * Supabase user JWTs, scenarios, Tavus) are in `livekit-tavus-edge/avatar`;
 * the doctor in `livekit-tavus-edge/doctor`.
 *
 * livekit-server-sdk users switch by changing the import: `AccessToken`,
 * `TokenVerifier` and `WebhookReceiver` keep the SDK's names and methods.
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
export { EdgeError, ERROR_STATUS } from "./errors.ts";
export type { EdgeWarning, ErrorCode, WarningCode } from "./errors.ts";
export type * from "./types.ts";
export {
  createAccessToken,
  decodeAccessTokenUnsafe,
  parseTtl,
  verifyAccessToken,
} from "./token.ts";
export { decodeWebhookUnsafe, receiveWebhook, signWebhook } from "./webhook.ts";
export { livekitHttpUrl, serverApiRequest } from "./server_api.ts";
export { hmacSha256 } from "./hmac.ts";
export { AccessToken, TokenVerifier, WebhookReceiver } from "./sdk.ts";
export type { ClaimGrants, SIPGrant, WebhookEventNames } from "./sdk.ts";
export { JobRestartPolicy, RoomAgentDispatch, RoomConfiguration, TrackSource } from "./grants.ts";
export type { RoomAgentDispatchFields, RoomConfigurationFields } from "./grants.ts";
