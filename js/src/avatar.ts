/**
 * The avatar flow's helpers, as the project's Supabase Edge Functions use
 * them: environment settings and their redacted report, Supabase user-JWT
 * verification, avatar scenarios and Tavus request bodies and answers. The
 * same wasm core as the main entry (`livekit-tavus-edge`), whose token
 * functions and {@linkcode EdgeError} these helpers share.
 *
 * @example
 * ```ts
 * import { validateConfig } from "livekit-tavus-edge/avatar";
 * const report = validateConfig(Deno.env.toObject());
 * if (!report.livekit_configured) console.error(report.problems);
 * ```
 *
 * @module
 */
export { apiKeyFrom, parseSettings, validateConfig } from "./config.ts";
export type {
  AvatarMode,
  ConfigProblem,
  ConfigReport,
  EdgeSettings,
  KeySource,
  LoadedSettings,
} from "./config.ts";
export { decodeSupabaseJwtHeader, matchesAnySecret, verifySupabaseJwt } from "./supabase_auth.ts";
export type {
  JsonWebKeySet,
  Jwk,
  JwtHeader,
  JwtOutcome,
  SupabaseClaims,
  SupabaseJwtOptions,
  SupabaseJwtRules,
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
export {
  conversationName,
  parseConversationList,
  parseConversationName,
  reconcilePlan,
} from "./reconcile.ts";
export type {
  ConversationOwner,
  ConversationPage,
  ListedConversation,
  Plan as ReconcilePlan,
  PlanInput as ReconcilePlanInput,
  ReconcileSession,
  RoomCandidate,
} from "./reconcile.ts";
export { EdgePolicy } from "./policy.ts";
export type { MintedToken, PlanStep, TokenPlan, TokenPlanRoom } from "./policy.ts";
export { FUNCTION_ERROR_STATUS, REPORT_CODES, VAULT_SECRET_NAMES } from "./generated.ts";
export type { FunctionErrorCode, ReportCode } from "./generated.ts";
