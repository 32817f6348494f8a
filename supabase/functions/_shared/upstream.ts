/**
 * The two upstream APIs the functions call, with timeouts: Tavus
 * (conversations) and LiveKit's RoomService (creating a session's room with
 * its agents, deleting it when the session ends, listing rooms for the
 * reconciler). Bodies and answers are built and classified by the core.
 */
import {
  EdgeError,
  type RoomAgentDispatch,
  type RoomServiceMethod,
  serverApiRequest,
} from "livekit-tavus-edge";
import {
  type ConversationOptions,
  type ConversationPage,
  type ConversationState,
  createConversationBody,
  type CreatedConversation,
  type EndOutcome,
  parseConversationList,
  parseConversationResponse,
  parseCreateConversationResponse,
  parseEndConversationResponse,
  tavusConversationPath,
  type ValidScenario,
} from "livekit-tavus-edge/avatar";
import { fetchWithTimeout, fromEdgeError, hex, HttpError } from "./http.ts";
import type { LiveKitSettings } from "./settings.ts";

const TAVUS_CODES = { timeout: "ERR_TAVUS_TIMEOUT", network: "ERR_TAVUS_NETWORK" } as const;
const LIVEKIT_CODES = { timeout: "ERR_LIVEKIT_TIMEOUT", network: "ERR_LIVEKIT_NETWORK" } as const;

function coded<T>(f: () => T, status = 502): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EdgeError) throw fromEdgeError(e, status);
    throw e;
  }
}

/** Tavus' conversation API. */
export class TavusClient {
  constructor(
    private readonly apiKey: string,
    private readonly apiUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly timeoutMs: number,
  ) {}

  #call(path: string, init: RequestInit): Promise<Response> {
    return fetchWithTimeout(
      this.fetchFn,
      `${this.apiUrl}${path}`,
      { ...init, headers: { "x-api-key": this.apiKey, "content-type": "application/json" } },
      this.timeoutMs,
      "Tavus",
      TAVUS_CODES,
    );
  }

  /** Creates the conversation of `scenario` in a LiveKit room; coded HTTP errors on failure. */
  async createConversation(
    scenario: ValidScenario,
    options: ConversationOptions,
  ): Promise<CreatedConversation> {
    const body = coded(() => createConversationBody(scenario, options), 500);
    const res = await this.#call("/v2/conversations", {
      method: "POST",
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return coded(() => parseCreateConversationResponse(res.status, text, scenario));
  }

  /** Ends a conversation; every outcome means it no longer runs. */
  async endConversation(conversationId: string): Promise<EndOutcome> {
    const path = coded(() => tavusConversationPath(conversationId, { end: true }));
    const res = await this.#call(path, { method: "POST" });
    const text = await res.text();
    return coded(() => parseEndConversationResponse(res.status, text));
  }

  /**
   * One page of the account's conversations with `status` (`active` or
   * `ended`), as documented: `GET /v2/conversations?status=…&limit=…&page=…`
   * (pages count from 1).
   */
  async listConversations(
    status: "active" | "ended",
    page: number,
    limit: number,
  ): Promise<ConversationPage> {
    const query = new URLSearchParams({ status, limit: String(limit), page: String(page) });
    const res = await this.#call(`/v2/conversations?${query}`, { method: "GET" });
    const text = await res.text();
    return coded(() => parseConversationList(res.status, text));
  }

  /** A conversation's current state. */
  async getConversation(conversationId: string): Promise<ConversationState> {
    const path = coded(() => tavusConversationPath(conversationId));
    const res = await this.#call(path, { method: "GET" });
    const text = await res.text();
    return coded(() => parseConversationResponse(res.status, text));
  }
}

/** LiveKit's RoomService, for what the functions need of it. */
export class RoomService {
  constructor(
    private readonly livekit: LiveKitSettings,
    private readonly fetchFn: typeof fetch,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
  ) {}

  async #call(
    method: RoomServiceMethod,
    body: Record<string, unknown>,
  ): Promise<{ res: Response; text: string }> {
    const req = coded(() =>
      serverApiRequest(
        method,
        this.livekit.wsUrl,
        this.livekit.apiKey,
        this.livekit.apiSecret,
        body,
        { currentDate: this.now() },
      ), 500);
    const res = await fetchWithTimeout(
      this.fetchFn,
      req.url,
      { method: req.method, headers: req.headers, body: req.body },
      this.timeoutMs,
      "LiveKit",
      LIVEKIT_CODES,
    );
    return { res, text: await res.text() };
  }

  /**
   * Creates a room with agents dispatched on it (LiveKit dispatches them when
   * this call creates the room; for a room that already exists it changes
   * nothing). The way agent mode starts an agent: server-side, once per
   * session, never through a token a user holds.
   */
  async createRoom(room: string, agents: RoomAgentDispatch[]): Promise<"created"> {
    const { res } = await this.#call("CreateRoom", {
      name: room,
      ...(agents.length > 0 && {
        agents: agents.map((a) => ({
          agentName: a.agentName,
          ...(a.metadata !== undefined && { metadata: a.metadata }),
        })),
      }),
    });
    if (res.ok) return "created";
    throw new HttpError(
      502,
      "ERR_LIVEKIT_UPSTREAM",
      `LiveKit refused CreateRoom (HTTP ${res.status})`,
    );
  }

  /** The names of those of `names` that exist as rooms (`ListRooms` filtered by name). */
  async existingRooms(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const { res, text } = await this.#call("ListRooms", { names });
    if (!res.ok) {
      throw new HttpError(
        502,
        "ERR_LIVEKIT_UPSTREAM",
        `LiveKit refused ListRooms (HTTP ${res.status})`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const rooms = (body as { rooms?: unknown } | null)?.rooms ?? [];
    if (!Array.isArray(rooms)) {
      throw new HttpError(502, "ERR_LIVEKIT_UPSTREAM", "LiveKit's ListRooms answer has no rooms");
    }
    const wanted = new Set(names);
    return rooms.map((r) => (r as { name?: unknown })?.name)
      .filter((n): n is string => typeof n === "string" && wanted.has(n));
  }

  /** Deletes a room (everyone in it is disconnected); `not_found` when it is already gone. */
  async deleteRoom(room: string): Promise<"deleted" | "not_found"> {
    const { res, text } = await this.#call("DeleteRoom", { room });
    if (res.ok) return "deleted";
    if (res.status === 404 || text.includes('"not_found"')) return "not_found";
    throw new HttpError(
      502,
      "ERR_LIVEKIT_UPSTREAM",
      `LiveKit refused DeleteRoom (HTTP ${res.status})`,
    );
  }
}

/** Conversation ids made up in dry-run (no Tavus call was made for them). */
export const DRY_RUN_PREFIX = "cdryrun";

/**
 * Whether a failed create may still have made a conversation: the answer was
 * lost (timeout, network), Tavus failed on its side (5xx, which a gateway can
 * answer after the work was done), or a 2xx could not be read. Refusals
 * (4xx: cap, key, replica, persona, rate limit) made nothing.
 */
export function createOutcomeUnknown(code: string): boolean {
  return [
    "ERR_TAVUS_TIMEOUT",
    "ERR_TAVUS_NETWORK",
    "ERR_TAVUS_UNAVAILABLE",
    "ERR_TAVUS_BAD_RESPONSE",
    "ERR_INTERNAL",
  ].includes(code);
}

/** A dry-run conversation id: valid for the table, recognisably not from Tavus. */
export function dryRunConversationId(): string {
  return DRY_RUN_PREFIX + hex(crypto.getRandomValues(new Uint8Array(8)));
}
