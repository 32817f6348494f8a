/**
 * A loopback stand-in for Tavus' API (https://tavusapi.com): conversations
 * (create, list with `status`/`limit`/`page`, read, end, delete),
 * and reading replicas and personas (`GET /v2/replicas`, `/v2/replicas/{id}`,
 * `/v2/personas/{id}`), as
 * documented: `x-api-key` header, JSON bodies, ids `r…`/`p…`/`c…`, error bodies
 * with `error` or `message`, 401 `{"message":"Invalid access token"}`, the
 * concurrency cap `400 {"message":"User has reached maximum concurrent conversations"}`.
 *
 * Besides answering like Tavus, it checks what this project promises to send
 * and records every deviation in the request's `problems`: `max_call_duration`
 * always set and in range, a full language name, a LiveKit URL and an avatar
 * token of kind `agent` with `lk.publish_on_behalf` for the conversation's room.
 *
 * With `joinRoom`, it also does what Tavus does with a LiveKit conversation: on
 * create, the avatar joins the room with `properties.livekit_room_token` (the
 * end-to-end suite passes one that runs tests/e2e/avatar.py, which publishes
 * synthetic video and audio), and leaves when the conversation is ended or deleted.
 */
import { decodeJwt } from "jose";
import { type RecordedRequest, reply, serveStandIn, type StandIn } from "./common.ts";

/** A conversation the stand-in holds. */
export interface TavusConversation {
  conversation_id: string;
  status: "active" | "ended" | "deleted";
  replica_id: string;
  persona_id?: string;
  /** The create body as received. */
  body: Record<string, unknown>;
  /** How many end calls it received. */
  endCalls: number;
  /** `conversation_name` as created (Tavus' default when none was sent). */
  conversation_name: string;
  /** Creation time (ISO). */
  created_at: string;
  /** The avatar in the LiveKit room, with `joinRoom`. */
  avatar?: AvatarInRoom;
}

/** What happened to conversations, in order (for tests that check overlaps). */
export interface TavusHistoryEntry {
  event: "created" | "ended" | "deleted";
  conversation_id: string;
  /** A counter, increasing with each entry. */
  seq: number;
}

/** An avatar that joined a LiveKit room for a conversation (`TavusOptions.joinRoom`). */
export interface AvatarInRoom {
  /** Leaves the room (idempotent); resolves once it is out. */
  leave: () => Promise<void>;
}

/** Failure modes and data. */
export interface TavusOptions {
  /** The valid key (default `tavus-test-key`). */
  apiKey?: string;
  /** Known replica ids (default: those of default_scenarios.json). */
  replicas?: string[];
  /** Known persona ids (default: those of default_scenarios.json). */
  personas?: string[];
  /** Concurrent active conversations before the cap error (default unlimited). */
  maxConcurrent?: number;
  /** Training status of replicas by id (default `completed`): `GET /v2/replicas/{id}`. */
  replicaStatus?: Record<string, "started" | "completed" | "error">;
  /** Fields of personas by id (default: set up for LiveKit, `echo` pipeline): `GET /v2/personas/{id}`. */
  personaDetails?: Record<string, Record<string, unknown>>;
  /** `data` (default): `GET /v2/personas/{id}` answers `{data: [persona]}` as documented; `top`: the fields at the top level. */
  personaShape?: "data" | "top";
  /** Delay before answering (ms), or per request. */
  delayMs?: number | ((rec: RecordedRequest) => number);
  /** Answer this instead (status, body) when it returns something. */
  failWith?: (rec: RecordedRequest) => { status: number; body: unknown } | undefined;
  /**
   * Join the conversation's LiveKit room as Tavus does, with the URL and token of
   * the create body (called after the create was accepted, not awaited).
   */
  joinRoom?: (wsUrl: string, token: string, conversationId: string) => AvatarInRoom;
  /**
   * After a conversation was created (it exists and bills): answer this instead
   * of the created conversation, e.g. a 502 from a gateway, or wait `delayMs`
   * first (the caller's timeout fires; the conversation exists all the same).
   */
  afterCreate?: (
    rec: RecordedRequest,
    conversation: TavusConversation,
  ) => { status?: number; body?: unknown; delayMs?: number } | undefined;
}

/** The running stand-in. */
export interface TavusStandIn extends StandIn {
  /** Conversations by id. */
  conversations: Map<string, TavusConversation>;
  /** The valid key. */
  apiKey: string;
  /** Creations and ends of conversations through the API, in order. */
  history: TavusHistoryEntry[];
  /** Tavus ends a conversation on its own (max_call_duration, participant timeout). */
  endOnItsOwn: (conversationId: string) => Promise<void>;
}

const LANGUAGES = new Set(
  ("arabic bulgarian chinese croatian czech danish dutch english filipino finnish french german " +
    "greek hindi hungarian indonesian italian japanese korean malay norwegian polish portuguese " +
    "romanian russian slovak spanish swedish tamil turkish ukrainian vietnamese multilingual")
    .split(" "),
);

const DEFAULTS = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../supabase/functions/_shared/default_scenarios.json", import.meta.url),
  ),
) as { replica_id: string; persona_id: string }[];

function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(5));
  return "c" + [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Checks the LiveKit part of a create body; returns the problems. */
function checkLiveKit(props: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const url = props.livekit_ws_url;
  if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
    problems.push("properties.livekit_ws_url is not a ws(s):// URL");
  }
  const token = props.livekit_room_token;
  if (typeof token !== "string") {
    problems.push("properties.livekit_room_token is missing");
    return problems;
  }
  try {
    const c = decodeJwt(token) as Record<string, unknown> & {
      video?: { roomJoin?: boolean; room?: string };
      attributes?: Record<string, string>;
    };
    if (c.kind !== "agent") problems.push("avatar token: kind is not agent");
    if (!c.attributes?.["lk.publish_on_behalf"]) {
      problems.push("avatar token: no lk.publish_on_behalf attribute");
    }
    if (c.video?.roomJoin !== true || !c.video?.room) {
      problems.push("avatar token: no roomJoin grant for a room");
    }
    if (typeof c.sub !== "string" || c.sub === "") problems.push("avatar token: no identity");
    if (typeof c.exp !== "number") problems.push("avatar token: no exp");
  } catch {
    problems.push("properties.livekit_room_token is not a JWT");
  }
  return problems;
}

/** Starts the stand-in on a free loopback port. */
export function startTavus(options: TavusOptions = {}): TavusStandIn {
  const apiKey = options.apiKey ?? "tavus-test-key";
  const replicas = new Set(options.replicas ?? DEFAULTS.map((d) => d.replica_id));
  const personas = new Set(options.personas ?? DEFAULTS.map((d) => d.persona_id));
  const conversations = new Map<string, TavusConversation>();
  const history: TavusHistoryEntry[] = [];

  const server = serveStandIn(async (_req, rec) => {
    if (rec.headers.get("x-api-key") !== apiKey) {
      if (!rec.headers.get("x-api-key")) rec.problems.push("no x-api-key header");
      return reply({ message: "Invalid access token" }, 401);
    }
    const injected = options.failWith?.(rec);
    if (injected) return reply(injected.body, injected.status);

    if (rec.method === "POST" && rec.path === "/v2/conversations") {
      if (!/^application\/json/i.test(rec.headers.get("content-type") ?? "")) {
        rec.problems.push("content-type is not application/json");
      }
      const b = rec.body as Record<string, unknown> | null;
      if (!b || typeof b !== "object") return reply({ error: "Invalid request body" }, 400);
      if (typeof b.replica_id !== "string" || !replicas.has(b.replica_id)) {
        return reply({ error: "Invalid replica_id" }, 400);
      }
      if (b.persona_id !== undefined && !personas.has(b.persona_id as string)) {
        return reply({ error: "Invalid persona_id" }, 400);
      }
      const props = (b.properties ?? {}) as Record<string, unknown>;
      const max = props.max_call_duration;
      if (!Number.isInteger(max) || (max as number) < 60 || (max as number) > 3600) {
        rec.problems.push("properties.max_call_duration is not set to 60..3600 seconds");
      }
      if (typeof props.language !== "string" || !LANGUAGES.has(props.language)) {
        rec.problems.push(`properties.language ${JSON.stringify(props.language)} is not a name`);
      }
      if (typeof b.conversational_context !== "string" || b.conversational_context === "") {
        rec.problems.push("conversational_context is missing");
      }
      rec.problems.push(...checkLiveKit(props));
      const active = [...conversations.values()].filter((c) => c.status === "active").length;
      if (active >= (options.maxConcurrent ?? Infinity)) {
        return reply({ message: "User has reached maximum concurrent conversations" }, 400);
      }
      if (b.conversation_name !== undefined && typeof b.conversation_name !== "string") {
        rec.problems.push("conversation_name is not a string");
      }
      const id = newId();
      const conversation: TavusConversation = {
        conversation_id: id,
        status: "active",
        replica_id: b.replica_id,
        persona_id: b.persona_id as string | undefined,
        body: b,
        endCalls: 0,
        conversation_name: typeof b.conversation_name === "string"
          ? b.conversation_name
          : "New Conversation",
        created_at: new Date().toISOString(),
      };
      conversations.set(id, conversation);
      history.push({ event: "created", conversation_id: id, seq: history.length });
      const { livekit_ws_url: wsUrl, livekit_room_token: token } = props;
      if (options.joinRoom && typeof wsUrl === "string" && typeof token === "string") {
        conversation.avatar = options.joinRoom(wsUrl, token, id);
      }
      const answer = reply({
        conversation_id: id,
        conversation_name: conversation.conversation_name,
        conversation_url: `https://tavus.daily.co/${id}`,
        status: "active",
        callback_url: b.callback_url ?? "",
        created_at: conversation.created_at,
      });
      const after = options.afterCreate?.(rec, conversation);
      if (!after) return answer;
      return (async () => {
        if (after.delayMs) await new Promise((r) => setTimeout(r, after.delayMs));
        return after.status === undefined ? answer : reply(after.body ?? {}, after.status);
      })();
    }

    // The account's conversations, as documented: `status` (active|ended) filters,
    // `limit` (default 10) and `page` (default 1, counted from 1) page them, newest first.
    if (rec.method === "GET" && rec.path === "/v2/conversations") {
      for (const key of rec.query.keys()) {
        if (!["status", "limit", "page"].includes(key)) {
          rec.problems.push(`unknown query parameter ${key}`);
        }
      }
      const status = rec.query.get("status");
      if (status !== null && status !== "active" && status !== "ended") {
        rec.problems.push(`status ${JSON.stringify(status)} is not active or ended`);
      }
      const int = (name: string, fallback: number) => {
        const raw = rec.query.get(name);
        if (raw === null) return fallback;
        const n = Number(raw);
        if (!/^[0-9]+$/.test(raw) || !Number.isInteger(n) || n < 1) {
          rec.problems.push(`${name} ${JSON.stringify(raw)} is not a positive integer`);
          return fallback;
        }
        return n;
      };
      const limit = int("limit", 10);
      const page = int("page", 1);
      const all = [...conversations.values()]
        .filter((c) =>
          c.status !== "deleted" &&
          (status === null || (status === "active") === (c.status === "active"))
        )
        .reverse();
      return reply({
        data: all.slice((page - 1) * limit, page * limit).map((c) => ({
          conversation_id: c.conversation_id,
          conversation_name: c.conversation_name,
          conversation_url: `https://tavus.daily.co/${c.conversation_id}`,
          status: c.status,
          callback_url: (c.body.callback_url as string | undefined) ?? "",
          replica_id: c.replica_id,
          persona_id: c.persona_id ?? null,
          created_at: c.created_at,
        })),
        total_count: all.length,
      });
    }

    if (rec.method === "GET" && rec.path.startsWith("/v2/replicas")) {
      const replica = (id: string) => {
        const status = options.replicaStatus?.[id] ?? "completed";
        return {
          replica_id: id,
          replica_name: `Replica ${id}`,
          status,
          training_progress: status === "completed" ? "100/100" : "40/100",
        };
      };
      if (rec.path === "/v2/replicas") {
        const limit = Number(rec.query.get("limit") ?? "10");
        if (!Number.isInteger(limit) || limit < 1) {
          rec.problems.push("limit is not a positive integer");
        }
        return reply({
          data: [...replicas].slice(0, limit).map(replica),
          total_count: replicas.size,
        });
      }
      const id = rec.path.match(/^\/v2\/replicas\/([^/]+)$/)?.[1];
      if (id) {
        return replicas.has(id) ? reply(replica(id)) : reply({ error: "Invalid replica_id" }, 400);
      }
    }
    const personaId = rec.path.match(/^\/v2\/personas\/([^/]+)$/)?.[1];
    if (rec.method === "GET" && personaId) {
      // Unknown ids: the same 400 as for replicas (not documented for personas).
      if (!personas.has(personaId)) return reply({ error: "Invalid persona_id" }, 400);
      const persona = {
        persona_id: personaId,
        persona_name: `Persona ${personaId}`,
        ...(options.personaDetails?.[personaId] ??
          { pipeline_mode: "echo", layers: { transport: { transport_type: "livekit" } } }),
      };
      return reply(options.personaShape === "top" ? persona : { data: [persona] });
    }

    const m = rec.path.match(/^\/v2\/conversations\/([^/]+)(\/end)?$/);
    if (m) {
      const c = conversations.get(m[1]!);
      if (!c || c.status === "deleted") return reply({ error: "Invalid conversation_id" }, 400);
      if (rec.method === "POST" && m[2]) {
        c.endCalls++;
        if (c.status === "active") {
          history.push({ event: "ended", conversation_id: c.conversation_id, seq: history.length });
        }
        c.status = "ended";
        await c.avatar?.leave();
        return reply({});
      }
      if (rec.method === "GET" && !m[2]) {
        return reply({
          conversation_id: c.conversation_id,
          conversation_name: c.conversation_name,
          status: c.status,
          replica_id: c.replica_id,
          persona_id: c.persona_id,
          created_at: c.created_at,
        });
      }
      if (rec.method === "DELETE" && !m[2]) {
        if (c.status === "active") {
          history.push({
            event: "deleted",
            conversation_id: c.conversation_id,
            seq: history.length,
          });
        }
        c.status = "deleted";
        await c.avatar?.leave();
        return new Response(null, { status: 204 });
      }
    }
    rec.problems.push("not a Tavus API call");
    return reply({ message: "Not found" }, 404);
  }, options.delayMs);

  const endOnItsOwn = async (id: string) => {
    const c = conversations.get(id);
    if (!c || c.status !== "active") return;
    c.status = "ended";
    history.push({ event: "ended", conversation_id: id, seq: history.length });
    await c.avatar?.leave();
  };
  return { ...server, conversations, apiKey, history, endOnItsOwn };
}
