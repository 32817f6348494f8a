/**
 * The reconciler's pure part: the names that mark the Tavus conversations a
 * deployment created, a page of Tavus' conversation listing, and the plan of
 * one pass (what to end, keep, retry, settle, close and delete). The project's
 * `reconcile` edge function does the I/O around it.
 *
 * @module
 */
import { core, json } from "./core.ts";
import { rethrow } from "./errors.ts";

import type { ConversationOwner, ConversationPage, Plan, PlanInput } from "./generated.ts";

export type {
  ConversationOwner,
  ConversationPage,
  EndConversation,
  KeptConversation,
  ListedConversation,
  Plan,
  PlanInput,
  ReconcileSession,
  RetryEnd,
  RoomAction,
  RoomCandidate,
  Settle,
} from "./generated.ts";

/**
 * The name of a new conversation: `lte:<marker>:<session id>:<scenario id>`.
 *
 * @example
 * ```ts
 * conversationName("0a1b2c3d4e5f", sessionId, "travel-guide");
 * ```
 * @throws {EdgeError} `ERR_INVALID_INPUT` for a malformed marker, session id or scenario id.
 */
export function conversationName(marker: string, sessionId: string, scenarioId: string): string {
  try {
    return core.reconcileConversationName(marker, sessionId, scenarioId);
  } catch (e) {
    rethrow(e);
  }
}

/**
 * The owner a conversation name names, or null for a name this project did not write.
 *
 * @example
 * ```ts
 * const owner = parseConversationName(conversation.conversation_name ?? "");
 * if (owner?.marker === marker) console.log(owner.session_id);
 * ```
 */
export function parseConversationName(name: string): ConversationOwner | null {
  try {
    return JSON.parse(core.reconcileParseConversationName(name));
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Classifies one page of `GET /v2/conversations`.
 *
 * @example
 * ```ts
 * const page = parseConversationList(res.status, await res.text());
 * ```
 * @throws {EdgeError} `ERR_TAVUS_BAD_RESPONSE` for a listing that cannot be trusted, and the
 * shared `ERR_TAVUS_*` codes.
 */
export function parseConversationList(status: number, body: string): ConversationPage {
  try {
    return JSON.parse(core.tavusParseConversationList(status, body));
  } catch (e) {
    rethrow(e);
  }
}

/**
 * One reconciler pass's plan. Pure: the same input gives the same plan.
 *
 * @example
 * ```ts
 * const plan = reconcilePlan({ marker, upstream_timeout_ms: 10000, tavus_configured: true,
 *   listing_complete: true, conversations, sessions, rooms_listed: false });
 * for (const e of plan.end_conversations) await endConversation(e.conversation_id);
 * ```
 * @throws {EdgeError} `ERR_INVALID_INPUT` for an input of the wrong shape.
 */
export function reconcilePlan(input: PlanInput): Plan {
  try {
    return JSON.parse(core.reconcilePlan(json(input, "ERR_INVALID_INPUT")));
  } catch (e) {
    rethrow(e);
  }
}
