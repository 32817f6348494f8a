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
export type { EdgeWarning, ErrorCode, WarningCode } from "./errors.ts";
export type * from "./types.ts";
export {
  createAccessToken,
  decodeAccessTokenUnsafe,
  parseTtl,
  verifyAccessToken,
} from "./token.ts";
export { receiveWebhook, signWebhook } from "./webhook.ts";
export { livekitHttpUrl, serverApiRequest } from "./server_api.ts";
export { parseSettings, validateConfig } from "./config.ts";
export type { AvatarMode, EdgeSettings, LoadedSettings } from "./config.ts";
export { decodeSupabaseJwtHeader, matchesAnySecret, verifySupabaseJwt } from "./supabase_auth.ts";
export type {
  JsonWebKeySet,
  Jwk,
  JwtHeader,
  SupabaseClaims,
  SupabaseJwtOptions,
} from "./supabase_auth.ts";
export { checkScenarioId, scenarioDispatchMetadata, validateScenario } from "./scenario.ts";
export type { Scenario, ValidScenario } from "./scenario.ts";
export {
  createConversationBody,
  parseConversationResponse,
  parseCreateConversationResponse,
  parseEndConversationResponse,
  parseTavusCallback,
  tavusConversationPath,
} from "./tavus.ts";
export type {
  ConversationOptions,
  ConversationState,
  CreateConversationBody,
  CreatedConversation,
  EndOutcome,
  TavusCallback,
} from "./tavus.ts";
export { hmacSha256 } from "./hmac.ts";
