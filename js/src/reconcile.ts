/**
 * The reconciler's pure part: the names that mark the Tavus conversations a
 * deployment created, a page of Tavus' conversation listing, and the plan of
 * one pass (what to end, keep, retry, settle, close and delete). The project's
 * `reconcile` edge function does the I/O around it.
 *
 * @module
 */
import { core } from "./core.ts";
import { rethrow } from "./errors.ts";

/** One conversation of a `GET /v2/conversations` page. */
export interface ListedConversation {
  /** `c…` */
  conversation_id: string;
  /** The name it was created with. */
  conversation_name?: string;
  /** Tavus' status, lower-cased. */
  status: string;
}

/** One page of Tavus' conversation listing. */
export interface ConversationPage {
  /** The page's conversations. */
  conversations: ListedConversation[];
  /** `total_count`, when Tavus sent it. */
  total_count?: number;
}

/** Who created a conversation, read from its name. */
export interface ConversationOwner {
  /** The deployment's marker (12 hexadecimal digits). */
  marker: string;
  /** The session row that owns the conversation. */
  session_id: string;
}

/** A session as the reconciler sees it (ages by the database clock). */
export interface ReconcileSession {
  id: string;
  status: string;
  mode: string;
  conversation_id?: string | null;
  age_seconds: number;
  ended_age_seconds?: number | null;
  expired: boolean;
  tavus_end_pending: boolean;
}

/** A session whose room is checked. */
export interface RoomCandidate {
  id: string;
  status: string;
  mode: string;
  room_name: string;
  age_seconds: number;
}

/** What one pass found. */
export interface PlanInput {
  /** This deployment's marker. */
  marker: string;
  /** `UPSTREAM_TIMEOUT_MS` (the grace period for starting sessions derives from it). */
  upstream_timeout_ms: number;
  /** A Tavus key is configured. */
  tavus_configured: boolean;
  /** Every page of the active listing was read. */
  listing_complete: boolean;
  /** The active conversations listed. */
  conversations: ListedConversation[];
  /** Sessions named by our conversations, and those whose Tavus end is pending. */
  sessions: ReconcileSession[];
  /** LiveKit's rooms could be listed. */
  rooms_listed: boolean;
  /** Sessions whose room was checked. */
  room_candidates?: RoomCandidate[];
  /** Which of the candidates' rooms exist. */
  rooms?: string[];
}

/** What one pass does. */
export interface Plan {
  end_conversations: {
    conversation_id: string;
    session_id?: string;
    reason: "no_session" | "session_over" | "start_abandoned" | "duplicate";
    fail_session: boolean;
    settle: boolean;
  }[];
  keep: { conversation_id: string; session_id: string; reason: "live" | "starting" }[];
  foreign: number;
  retry_ends: { session_id: string; conversation_id: string }[];
  settle: {
    session_id: string;
    conversation_id?: string;
    reason: "dry_run" | "nothing_running";
  }[];
  close_sessions: { session_id: string; room_name: string }[];
  delete_rooms: { session_id: string; room_name: string }[];
  rooms_checked: string[];
}

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
    return core.reconcileParseConversationName(name) as ConversationOwner | null;
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
    return core.tavusParseConversationList(status, body) as ConversationPage;
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
    return core.reconcilePlan(input) as Plan;
  } catch (e) {
    rethrow(e);
  }
}
