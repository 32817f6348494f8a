/**
 * Avatar sessions: the store interface the handlers use, and its development
 * and test implementation kept in memory.
 *
 * The deployed implementation is {@linkcode SupabaseSessionStore}
 * (`sessions_supabase.ts`): the RPCs of
 * `supabase/migrations/20261125000100_avatar_session_rpcs.sql`, which enforce
 * across all instances what {@linkcode MemorySessionStore} enforces only
 * inside one process: one open session per user and scenario, the per-user
 * cap, ending exactly once, webhook idempotency.
 */

/** How the avatar reaches the room. */
export type SessionMode = "direct" | "agent" | "none";

/** A session's lifecycle. */
export type SessionStatus = "starting" | "live" | "ending" | "ended" | "failed";

/** What `claim` needs. */
export interface ClaimArgs {
  userId: string;
  scenarioId: string;
  /** The room of a new session (ignored when an open one is reused). */
  roomName: string;
  mode: SessionMode;
  /** The per-user cap on starting/live sessions. */
  maxLive: number;
  /** Seconds until the session counts as over. */
  durationSeconds: number;
}

/** The session `claim` returned. */
export interface ClaimedSession {
  id: string;
  roomName: string;
  conversationId: string | null;
  status: "starting" | "live";
  /** ISO time. */
  expiresAt: string;
  /** True when an open session of this user and scenario was returned. */
  reused: boolean;
}

/** The row an `end` call transitioned (returned to that call only). */
export interface EndedSession {
  id: string;
  conversationId: string | null;
  roomName: string;
  userId: string;
}

/** A session row. */
export interface SessionRow {
  id: string;
  userId: string;
  scenarioId: string;
  roomName: string;
  mode: SessionMode;
  conversationId: string | null;
  status: SessionStatus;
  /** ISO time. */
  expiresAt: string;
}

/** A refusal of the session rules, with a stable code. */
export class SessionError extends Error {
  constructor(
    readonly code: "ERR_SESSION_LIMIT" | "ERR_SESSION_ENDING" | "ERR_ROOM_TAKEN",
    message: string,
  ) {
    super(message);
    this.name = "SessionError";
  }
}

/** Messages of the session refusals (shared by every implementation). */
export const SESSION_MESSAGES = {
  ERR_SESSION_LIMIT: "you have reached the maximum number of live sessions: end one first",
  ERR_SESSION_ENDING: "your previous session of this scenario is still ending: retry shortly",
  ERR_ROOM_TAKEN: "that room name is already used",
} as const;

/** Where sessions live. Every method may throw an `HttpError` 502/503/504 for the database. */
export interface SessionStore {
  /**
   * The open (starting/live) session of the user for the scenario (`reused`),
   * or a new `starting` one. Ends the user's expired sessions first. Throws
   * {@linkcode SessionError} `ERR_SESSION_LIMIT`, `ERR_SESSION_ENDING`, `ERR_ROOM_TAKEN`.
   */
  claim(args: ClaimArgs): Promise<ClaimedSession>;
  /**
   * `starting` → `live` with the conversation id (null when the session has no
   * Tavus conversation of its own: agent and none modes); true only for the
   * call that changed it.
   */
  markLive(sessionId: string, conversationId: string | null): Promise<boolean>;
  /** Ends an open session (`failed` when the reason starts with `failed`); the row only to the call that ended it. */
  end(sessionId: string, reason: string): Promise<EndedSession | null>;
  /** `end` for the (at most one) session of a room. */
  endForRoom(roomName: string, reason: string): Promise<EndedSession | null>;
  /** True when the webhook event id is new. */
  recordWebhookEvent(eventId: string, event: string, roomName: string | null): Promise<boolean>;
  /** The session of a room (service role). */
  findByRoom(roomName: string): Promise<SessionRow | null>;
  /** The session of a Tavus conversation (service role). */
  findByConversation(conversationId: string): Promise<SessionRow | null>;
  /** The caller's starting/live sessions, read with the caller's JWT (RLS) where there is a database. */
  listOpen(
    userId: string,
    filter: { roomName?: string; scenarioId?: string },
    callerJwt: string,
  ): Promise<SessionRow[]>;
}

const OPEN: SessionStatus[] = ["starting", "live", "ending"];

/**
 * Development and test implementation: the same rules as the SQL RPCs, in one
 * process's memory. Sessions are lost on restart and not shared between
 * instances: never the store of a deployment (the functions use it only when
 * no database is configured, and say so in GET /health).
 */
export class MemorySessionStore implements SessionStore {
  readonly rows: (SessionRow & { endReason: string | null; createdAt: number })[] = [];
  readonly webhookEvents = new Map<string, { event: string; roomName: string | null }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  claim(a: ClaimArgs): Promise<ClaimedSession> {
    if (!a.userId || !(a.durationSeconds >= 1) || !(a.maxLive >= 0)) {
      return Promise.reject(new Error("ERR_INVALID_ARGUMENT"));
    }
    const now = this.now().getTime();
    for (const r of this.rows) {
      if (r.userId === a.userId && OPEN.includes(r.status) && Date.parse(r.expiresAt) < now) {
        r.status = "ended";
        r.endReason = "expired";
      }
    }
    const mine = this.rows.filter((r) => r.userId === a.userId);
    const open = mine.find((r) =>
      r.scenarioId === a.scenarioId && (r.status === "starting" || r.status === "live")
    );
    if (open) return Promise.resolve(this.#claimed(open, true));
    if (mine.some((r) => r.scenarioId === a.scenarioId && r.status === "ending")) {
      return Promise.reject(
        new SessionError("ERR_SESSION_ENDING", SESSION_MESSAGES.ERR_SESSION_ENDING),
      );
    }
    if (mine.filter((r) => r.status === "starting" || r.status === "live").length >= a.maxLive) {
      return Promise.reject(
        new SessionError("ERR_SESSION_LIMIT", SESSION_MESSAGES.ERR_SESSION_LIMIT),
      );
    }
    if (this.rows.some((r) => r.roomName === a.roomName)) {
      return Promise.reject(new SessionError("ERR_ROOM_TAKEN", SESSION_MESSAGES.ERR_ROOM_TAKEN));
    }
    const row = {
      id: crypto.randomUUID(),
      userId: a.userId,
      scenarioId: a.scenarioId,
      roomName: a.roomName,
      mode: a.mode,
      conversationId: null,
      status: "starting" as const,
      expiresAt: new Date(now + a.durationSeconds * 1000).toISOString(),
      endReason: null,
      createdAt: now,
    };
    this.rows.push(row);
    return Promise.resolve(this.#claimed(row, false));
  }

  markLive(sessionId: string, conversationId: string | null): Promise<boolean> {
    if (conversationId !== null && !/^c[0-9a-z]{2,63}$/.test(conversationId)) {
      return Promise.reject(new Error("avatar_sessions_conversation_id_format"));
    }
    const r = this.rows.find((r) => r.id === sessionId && r.status === "starting");
    if (!r) return Promise.resolve(false);
    r.status = "live";
    r.conversationId = conversationId;
    return Promise.resolve(true);
  }

  end(sessionId: string, reason: string): Promise<EndedSession | null> {
    const r = this.rows.find((r) => r.id === sessionId && OPEN.includes(r.status));
    if (!r) return Promise.resolve(null);
    r.status = reason.startsWith("failed") ? "failed" : "ended";
    r.endReason = reason.slice(0, 200);
    return Promise.resolve({
      id: r.id,
      conversationId: r.conversationId,
      roomName: r.roomName,
      userId: r.userId,
    });
  }

  endForRoom(roomName: string, reason: string): Promise<EndedSession | null> {
    const r = this.rows.find((r) => r.roomName === roomName);
    return r ? this.end(r.id, reason) : Promise.resolve(null);
  }

  recordWebhookEvent(eventId: string, event: string, roomName: string | null): Promise<boolean> {
    if (this.webhookEvents.has(eventId)) return Promise.resolve(false);
    this.webhookEvents.set(eventId, { event, roomName });
    return Promise.resolve(true);
  }

  findByRoom(roomName: string): Promise<SessionRow | null> {
    return Promise.resolve(this.#row(this.rows.find((r) => r.roomName === roomName)));
  }

  findByConversation(conversationId: string): Promise<SessionRow | null> {
    return Promise.resolve(
      this.#row(this.rows.find((r) => r.conversationId === conversationId)),
    );
  }

  listOpen(
    userId: string,
    filter: { roomName?: string; scenarioId?: string },
  ): Promise<SessionRow[]> {
    return Promise.resolve(
      this.rows.filter((r) =>
        r.userId === userId && (r.status === "starting" || r.status === "live") &&
        (filter.roomName === undefined || r.roomName === filter.roomName) &&
        (filter.scenarioId === undefined || r.scenarioId === filter.scenarioId) &&
        Date.parse(r.expiresAt) >= this.now().getTime()
      ).map((r) => this.#row(r)!),
    );
  }

  #claimed(r: SessionRow, reused: boolean): ClaimedSession {
    return {
      id: r.id,
      roomName: r.roomName,
      conversationId: r.conversationId,
      status: r.status as "starting" | "live",
      expiresAt: r.expiresAt,
      reused,
    };
  }

  #row(r: SessionRow | undefined): SessionRow | null {
    if (!r) return null;
    const { id, userId, scenarioId, roomName, mode, conversationId, status, expiresAt } = r;
    return { id, userId, scenarioId, roomName, mode, conversationId, status, expiresAt };
  }
}

/** The store methods, for the development bridge below. */
export const STORE_METHODS = [
  "claim",
  "markLive",
  "end",
  "endForRoom",
  "recordWebhookEvent",
  "findByRoom",
  "findByConversation",
  "listOpen",
] as const;

/**
 * Development only: a {@linkcode MemorySessionStore} held by the local gateway
 * (scripts/gateway.ts, `DEV_SESSION_STORE_URL`) and shared by the functions it
 * serves, each of which runs in its own process, so that `bash scripts/serve.sh`
 * shows the whole flow (token → webhook ends the session) without a database.
 */
export class DevSessionStoreClient implements SessionStore {
  constructor(private readonly url: string, private readonly fetchFn: typeof fetch = fetch) {}

  async #call<T>(method: (typeof STORE_METHODS)[number], args: unknown[]): Promise<T> {
    const res = await this.fetchFn(`${this.url}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args),
    });
    const body = await res.json();
    if (body.error) {
      if (body.error.code in SESSION_MESSAGES) {
        throw new SessionError(body.error.code, body.error.message);
      }
      throw new Error(body.error.message);
    }
    return body.result as T;
  }

  claim(a: ClaimArgs) {
    return this.#call<ClaimedSession>("claim", [a]);
  }
  markLive(id: string, conversationId: string | null) {
    return this.#call<boolean>("markLive", [id, conversationId]);
  }
  end(id: string, reason: string) {
    return this.#call<EndedSession | null>("end", [id, reason]);
  }
  endForRoom(room: string, reason: string) {
    return this.#call<EndedSession | null>("endForRoom", [room, reason]);
  }
  recordWebhookEvent(id: string, event: string, room: string | null) {
    return this.#call<boolean>("recordWebhookEvent", [id, event, room]);
  }
  findByRoom(room: string) {
    return this.#call<SessionRow | null>("findByRoom", [room]);
  }
  findByConversation(id: string) {
    return this.#call<SessionRow | null>("findByConversation", [id]);
  }
  listOpen(userId: string, filter: { roomName?: string; scenarioId?: string }) {
    return this.#call<SessionRow[]>("listOpen", [userId, filter]);
  }
}

/** Serves a store to {@linkcode DevSessionStoreClient}s: `POST /<method>` with the arguments. */
export async function serveDevSessionStore(store: SessionStore, req: Request): Promise<Response> {
  const method = new URL(req.url).pathname.split("/").pop() as (typeof STORE_METHODS)[number];
  if (req.method !== "POST" || !STORE_METHODS.includes(method)) {
    return Response.json({ error: { code: "ERR_NOT_FOUND", message: "no such method" } }, {
      status: 404,
    });
  }
  try {
    const args = await req.json();
    // deno-lint-ignore no-explicit-any
    const result = await (store[method] as (...a: any[]) => Promise<unknown>)(...args);
    return Response.json({ result });
  } catch (e) {
    const code = e instanceof SessionError ? e.code : "ERR_INTERNAL";
    return Response.json({ error: { code, message: (e as Error).message } });
  }
}
