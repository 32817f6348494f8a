/**
 * The Tavus API without I/O: request bodies and paths, and the answers
 * classified into stable codes. Bring your own `fetch` (with a timeout) and
 * pass the status and body text back.
 *
 * @module
 */
import { core, json } from "./core.ts";
import { rethrow } from "./errors.ts";
import type {
  ConversationOptions,
  ConversationState,
  CreateConversationBody,
  CreatedConversation,
  EndOutcome,
  Scenario,
  TavusCallback,
} from "./generated.ts";

export type {
  ConversationOptions,
  ConversationProperties,
  ConversationState,
  CreateConversationBody,
  CreatedConversation,
  EndOutcome,
  TavusCallback,
} from "./generated.ts";

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
    return JSON.parse(core.tavusCreateConversationBody(
      json(scenario, "ERR_INVALID_INPUT"),
      json(options, "ERR_INVALID_INPUT"),
    ));
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
    return JSON.parse(core.tavusParseCreateResponse(
      status,
      body,
      json(scenario, "ERR_INVALID_INPUT"),
    ));
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
    return JSON.parse(core.tavusParseConversationResponse(status, body));
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
    return JSON.parse(core.tavusParseCallback(body));
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
