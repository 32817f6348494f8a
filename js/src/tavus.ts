/**
 * The Tavus API without I/O: request bodies and paths, and the answers
 * classified into stable codes. Bring your own `fetch` (with a timeout) and
 * pass the status and body text back.
 *
 * @module
 */
import { core } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { Scenario } from "./scenario.ts";

/** Where the avatar joins. */
export interface ConversationOptions {
  /** The LiveKit WebSocket URL. */
  livekitWsUrl: string;
  /** The avatar's own LiveKit token (kind `agent`, `lk.publish_on_behalf`). */
  livekitRoomToken: string;
  /** A name for Tavus' dashboard. */
  conversationName?: string;
  /** Where Tavus posts conversation events. */
  callbackUrl?: string;
  /** Tavus test mode: created, but no replica joins and nothing is billed. */
  testMode?: boolean;
}

/** The body of `POST /v2/conversations`. */
export interface CreateConversationBody {
  /** The replica. */
  replica_id: string;
  /** The persona. */
  persona_id?: string;
  /** Dashboard name. */
  conversation_name?: string;
  /** The scenario's prompt. */
  conversational_context: string;
  /** The scenario's greeting. */
  custom_greeting?: string;
  /** Event receiver. */
  callback_url?: string;
  /** Present (true) only in test mode. */
  test_mode?: boolean;
  /** Properties; `max_call_duration` is always set. */
  properties: {
    max_call_duration: number;
    language: string;
    livekit_ws_url: string;
    livekit_room_token: string;
  };
}

/** A conversation Tavus created. */
export interface CreatedConversation {
  /** `c…` */
  conversation_id: string;
  /** Tavus' own meeting URL. */
  conversation_url?: string;
  /** Tavus' status. */
  status?: string;
}

/** What ending a conversation found; each means it no longer runs. */
export type EndOutcome = "ended" | "already_ended" | "not_found";

/** A conversation's state. */
export interface ConversationState {
  /** Its id. */
  conversation_id: string;
  /** Tavus' status string. */
  status: string;
  /** Whether it still runs (and bills). */
  active: boolean;
  /** The name it was created with, when Tavus returned one. */
  conversation_name?: string;
}

/** A callback event (unsigned: re-read the conversation before acting). */
export interface TavusCallback {
  /** The conversation. */
  conversation_id: string;
  /** e.g. `system.shutdown`. */
  event_type: string;
  /** e.g. `system`. */
  message_type?: string;
  /** Why it shut down. */
  shutdown_reason?: string;
  /** Whether the event says the conversation is over. */
  ends_conversation: boolean;
}

/**
 * The body of `POST /v2/conversations` for a scenario in a LiveKit room.
 *
 * @example
 * ```ts
 * const body = createConversationBody(scenario, {
 *   livekitWsUrl: "wss://demo.livekit.cloud",
 *   livekitRoomToken: avatarToken,
 * });
 * await fetch("https://tavusapi.com/v2/conversations", {
 *   method: "POST",
 *   headers: { "x-api-key": key, "content-type": "application/json" },
 *   body: JSON.stringify(body),
 * });
 * ```
 * @throws {EdgeError} `ERR_SCENARIO_*` for an invalid scenario, `ERR_INVALID_OPTION`.
 */
export function createConversationBody(
  scenario: Scenario,
  options: ConversationOptions,
): CreateConversationBody {
  try {
    return core.tavusCreateConversationBody(
      scenario,
      options,
    ) as CreateConversationBody;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Classifies the answer to `POST /v2/conversations`.
 *
 * @example
 * ```ts
 * const { conversation_id } = parseCreateConversationResponse(res.status, await res.text(), scenario);
 * ```
 * @throws {EdgeError} `ERR_TAVUS_CONCURRENCY`, `ERR_TAVUS_REPLICA` / `ERR_TAVUS_PERSONA`
 * (naming the scenario), `ERR_TAVUS_UNAUTHORIZED`, `ERR_TAVUS_RATE_LIMITED`,
 * `ERR_TAVUS_REJECTED`, `ERR_TAVUS_UNAVAILABLE`, `ERR_TAVUS_BAD_RESPONSE`.
 */
export function parseCreateConversationResponse(
  status: number,
  body: string,
  scenario: Scenario,
): CreatedConversation {
  try {
    return core.tavusParseCreateResponse(
      status,
      body,
      scenario,
    ) as CreatedConversation;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Classifies the answer to `POST /v2/conversations/{id}/end`.
 *
 * @example
 * ```ts
 * const outcome = parseEndConversationResponse(res.status, await res.text()); // "ended"
 * ```
 * @throws {EdgeError} when the conversation may still run: `ERR_TAVUS_UNAUTHORIZED`,
 * `ERR_TAVUS_UNAVAILABLE`, `ERR_TAVUS_RATE_LIMITED`, `ERR_TAVUS_REJECTED`.
 */
export function parseEndConversationResponse(
  status: number,
  body: string,
): EndOutcome {
  try {
    return core.tavusParseEndResponse(status, body) as EndOutcome;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Classifies the answer to `GET /v2/conversations/{id}`.
 *
 * @example
 * ```ts
 * if (!parseConversationResponse(res.status, await res.text()).active) markEnded();
 * ```
 * @throws {EdgeError} `ERR_TAVUS_NOT_FOUND` and the shared `ERR_TAVUS_*` codes.
 */
export function parseConversationResponse(
  status: number,
  body: string,
): ConversationState {
  try {
    return core.tavusParseConversationResponse(
      status,
      body,
    ) as ConversationState;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Parses a Tavus callback body.
 *
 * @example
 * ```ts
 * const event = parseTavusCallback(await req.text());
 * if (event.ends_conversation) await recheck(event.conversation_id);
 * ```
 * @throws {EdgeError} `ERR_TAVUS_BAD_CALLBACK`.
 */
export function parseTavusCallback(body: string): TavusCallback {
  try {
    return core.tavusParseCallback(body) as TavusCallback;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * The path of a conversation (`/v2/conversations/{id}`), or of ending it
 * (`…/end`), with the id checked so nothing else can reach the path.
 *
 * @example
 * ```ts
 * const url = "https://tavusapi.com" + tavusConversationPath(id, { end: true });
 * ```
 * @throws {EdgeError} `ERR_TAVUS_NOT_FOUND` for a malformed id.
 */
export function tavusConversationPath(
  conversationId: string,
  options: { end?: boolean } = {},
) {
  try {
    return core.tavusConversationPath(conversationId, options.end === true);
  } catch (e) {
    rethrow(e);
  }
}
