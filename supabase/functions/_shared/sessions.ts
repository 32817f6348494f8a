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
import { matchesAnySecret } from "livekit-tavus-edge/avatar";
import { type Code, hex } from "./http.ts";

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
    readonly code:
      | "ERR_SESSION_LIMIT"
      | "ERR_SESSION_CLEANUP_PENDING"
      | "ERR_SESSION_ENDING"
      | "ERR_ROOM_TAKEN",
    message: string,
  ) {
    super(message);
    this.name = "SessionError";
  }
}

/** Messages of the session refusals (shared by every implementation). */
export const SESSION_MESSAGES = {
  ERR_SESSION_LIMIT: "you have reached the maximum number of live sessions: end one first",
  ERR_SESSION_CLEANUP_PENDING:
    "an avatar of an earlier session may still be running and is being stopped: retry in a minute",
  ERR_SESSION_ENDING: "your previous session of this scenario is still ending: retry shortly",
  ERR_ROOM_TAKEN: "that room name is already used",
} as const;

/** A session as the reconciler sees it (ages by the store's clock, in seconds). */
export interface ReconcileSessionRow {
  id: string;
  status: SessionStatus;
  mode: SessionMode;
  conversation_id: string | null;
  room_name: string;
  age_seconds: number;
  ended_age_seconds: number | null;
  expired: boolean;
  tavus_end_pending: boolean;
}

/** A session whose room the reconciler checks. */
export interface RoomCandidateRow {
  id: string;
  status: SessionStatus;
  mode: SessionMode;
  room_name: string;
  age_seconds: number;
}

/** The reconciler's last run and the ends still owed (for GET /health). */
export interface ReconcileStatus {
  last_started_at: string | null;
  last_finished_at: string | null;
  last_ok: boolean | null;
  last_summary: unknown;
  running: boolean;
  seconds_since_finished: number | null;
  pending_tavus_ends: number;
  oldest_pending_seconds: number | null;
}

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
  /** The marker in the name of every conversation this deployment creates (12 hex digits). */
  deploymentMarker(): Promise<string>;
  /**
   * Tavus confirmed the end of `conversationId` (null: nothing was running):
   * clears the session's pending end. True when this call cleared it.
   */
  settleTavusEnd(sessionId: string, conversationId: string | null): Promise<boolean>;
  /** An end attempt failed with `code`: retry later (backoff). */
  recordTavusEndFailure(sessionId: string, code: string): Promise<boolean>;
  /** The reconciler's view of these sessions (unknown ids are left out). */
  reconcileSessions(ids: string[]): Promise<ReconcileSessionRow[]>;
  /** Sessions whose Tavus end is pending and due, oldest first. */
  tavusPending(limit: number): Promise<ReconcileSessionRow[]>;
  /** Open sessions, and recently ended ones whose room was not yet seen gone. */
  roomCandidates(limit: number): Promise<RoomCandidateRow[]>;
  /** Records that these ended sessions' rooms are gone. */
  markRoomsChecked(ids: string[]): Promise<number>;
  /** Ends open sessions past their expiry; the rows this call ended. */
  expireSessions(limit: number): Promise<EndedSession[]>;
  /** Takes the reconciler lease for `ttlSeconds` unless another holder has it. */
  acquireLease(holder: string, ttlSeconds: number): Promise<boolean>;
  /** Releases the lease with the run's report; false when the lease was lost. */
  finishRun(holder: string, ok: boolean, summary: unknown): Promise<boolean>;
  /** The reconciler's last run and the ends still owed. */
  reconcileStatus(): Promise<ReconcileStatus>;
}

const OPEN: SessionStatus[] = ["starting", "live", "ending"];

/** A row of {@linkcode MemorySessionStore}. */
export type MemorySessionRow = SessionRow & {
  endReason: string | null;
  createdAt: number;
  endedAt: number | null;
  tavusEndPending: boolean;
  tavusEndAttempts: number;
  tavusEndError: string | null;
  tavusEndNextAt: number | null;
  roomChecked: boolean;
};

/**
 * Development and test implementation: the same rules as the SQL RPCs, in one
 * process's memory. Sessions are lost on restart and not shared between
 * instances: never the store of a deployment (the functions use it only when
 * no database is configured, and say so in GET /health).
 */
export class MemorySessionStore implements SessionStore {
  readonly rows: MemorySessionRow[] = [];
  readonly webhookEvents = new Map<string, { event: string; roomName: string | null }>();
  /** This store's deployment marker (random per instance: conversations of a store that restarted are foreign). */
  readonly marker: string = hex(crypto.getRandomValues(new Uint8Array(6)));
  readonly lease: {
    holder: string | null;
    until: number;
    lastStartedAt: number | null;
    lastFinishedAt: number | null;
    lastOk: boolean | null;
    lastSummary: unknown;
  } = {
    holder: null,
    until: 0,
    lastStartedAt: null,
    lastFinishedAt: null,
    lastOk: null,
    lastSummary: null,
  };

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The transition of `end_avatar_session`, on a row known to be open. */
  #endRow(r: MemorySessionRow, reason: string, now: number): EndedSession {
    r.tavusEndPending = r.conversationId !== null ||
      (r.status === "starting" && r.mode === "direct");
    r.tavusEndNextAt = null;
    r.status = reason.startsWith("failed") ? "failed" : "ended";
    r.endReason = reason.slice(0, 200);
    r.endedAt = now;
    return { id: r.id, conversationId: r.conversationId, roomName: r.roomName, userId: r.userId };
  }

  claim(a: ClaimArgs): Promise<ClaimedSession> {
    if (!a.userId || !(a.durationSeconds >= 1) || !(a.maxLive >= 0)) {
      return Promise.reject(new Error("ERR_INVALID_ARGUMENT"));
    }
    const now = this.now().getTime();
    for (const r of this.rows) {
      if (r.userId === a.userId && OPEN.includes(r.status) && Date.parse(r.expiresAt) < now) {
        this.#endRow(r, "expired", now);
      }
    }
    const mine = this.rows.filter((r) => r.userId === a.userId);
    const reusable = mine.find((r) =>
      r.scenarioId === a.scenarioId && (r.status === "starting" || r.status === "live")
    );
    if (reusable) return Promise.resolve(this.#claimed(reusable, true));
    if (mine.some((r) => r.scenarioId === a.scenarioId && r.status === "ending")) {
      return Promise.reject(
        new SessionError("ERR_SESSION_ENDING", SESSION_MESSAGES.ERR_SESSION_ENDING),
      );
    }
    const open = mine.filter((r) => r.status === "starting" || r.status === "live").length;
    if (open >= a.maxLive) {
      return Promise.reject(
        new SessionError("ERR_SESSION_LIMIT", SESSION_MESSAGES.ERR_SESSION_LIMIT),
      );
    }
    const pending = mine.filter((r) => r.tavusEndPending && Date.parse(r.expiresAt) > now).length;
    if (open + pending >= a.maxLive) {
      return Promise.reject(
        new SessionError(
          "ERR_SESSION_CLEANUP_PENDING",
          SESSION_MESSAGES.ERR_SESSION_CLEANUP_PENDING,
        ),
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
      endedAt: null,
      tavusEndPending: false,
      tavusEndAttempts: 0,
      tavusEndError: null,
      tavusEndNextAt: null,
      roomChecked: false,
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
    return Promise.resolve(this.#endRow(r, reason, this.now().getTime()));
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

  deploymentMarker(): Promise<string> {
    return Promise.resolve(this.marker);
  }

  settleTavusEnd(sessionId: string, conversationId: string | null): Promise<boolean> {
    const r = this.rows.find((r) =>
      r.id === sessionId && r.tavusEndPending &&
      (r.conversationId === null || r.conversationId === conversationId)
    );
    if (!r) return Promise.resolve(false);
    r.tavusEndPending = false;
    r.tavusEndError = null;
    r.tavusEndNextAt = null;
    return Promise.resolve(true);
  }

  recordTavusEndFailure(sessionId: string, code: string): Promise<boolean> {
    const r = this.rows.find((r) => r.id === sessionId && r.tavusEndPending);
    if (!r) return Promise.resolve(false);
    const wait = Math.min(900, 30 * 2 ** Math.min(r.tavusEndAttempts, 5));
    r.tavusEndAttempts++;
    r.tavusEndError = code.slice(0, 100);
    r.tavusEndNextAt = this.now().getTime() + wait * 1000;
    return Promise.resolve(true);
  }

  #reconcileRow(r: MemorySessionRow, now: number): ReconcileSessionRow {
    return {
      id: r.id,
      status: r.status,
      mode: r.mode,
      conversation_id: r.conversationId,
      room_name: r.roomName,
      age_seconds: (now - r.createdAt) / 1000,
      ended_age_seconds: r.endedAt === null ? null : (now - r.endedAt) / 1000,
      expired: Date.parse(r.expiresAt) <= now,
      tavus_end_pending: r.tavusEndPending,
    };
  }

  reconcileSessions(ids: string[]): Promise<ReconcileSessionRow[]> {
    const now = this.now().getTime();
    return Promise.resolve(
      this.rows.filter((r) => ids.includes(r.id)).map((r) => this.#reconcileRow(r, now)),
    );
  }

  tavusPending(limit: number): Promise<ReconcileSessionRow[]> {
    const now = this.now().getTime();
    return Promise.resolve(
      this.rows.filter((r) =>
        r.tavusEndPending && (r.tavusEndNextAt === null || r.tavusEndNextAt <= now)
      )
        .sort((a, b) =>
          (a.tavusEndNextAt ?? -Infinity) - (b.tavusEndNextAt ?? -Infinity) ||
          (a.endedAt ?? 0) - (b.endedAt ?? 0)
        )
        .slice(0, limit).map((r) => this.#reconcileRow(r, now)),
    );
  }

  roomCandidates(limit: number): Promise<RoomCandidateRow[]> {
    const now = this.now().getTime();
    const row = (r: MemorySessionRow): RoomCandidateRow => ({
      id: r.id,
      status: r.status,
      mode: r.mode,
      room_name: r.roomName,
      age_seconds: (now - r.createdAt) / 1000,
    });
    const open = this.rows.filter((r) => r.status === "starting" || r.status === "live")
      .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt)).slice(0, limit);
    const ended = this.rows.filter((r) =>
      (r.status === "ended" || r.status === "failed") && !r.roomChecked &&
      (r.endedAt ?? 0) > now - 2 * 3600_000
    ).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)).slice(0, limit);
    return Promise.resolve([...open, ...ended].map(row));
  }

  markRoomsChecked(ids: string[]): Promise<number> {
    let n = 0;
    for (const r of this.rows) {
      if (ids.includes(r.id) && (r.status === "ended" || r.status === "failed") && !r.roomChecked) {
        r.roomChecked = true;
        n++;
      }
    }
    return Promise.resolve(n);
  }

  expireSessions(limit: number): Promise<EndedSession[]> {
    const now = this.now().getTime();
    return Promise.resolve(
      this.rows.filter((r) => OPEN.includes(r.status) && Date.parse(r.expiresAt) < now)
        .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt)).slice(0, limit)
        .map((r) => this.#endRow(r, "expired", now)),
    );
  }

  acquireLease(holder: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now().getTime();
    const l = this.lease;
    if (l.holder !== null && l.until >= now && l.holder !== holder) return Promise.resolve(false);
    l.holder = holder;
    l.until = now + Math.max(1, Math.min(ttlSeconds, 3600)) * 1000;
    l.lastStartedAt = now;
    return Promise.resolve(true);
  }

  finishRun(holder: string, ok: boolean, summary: unknown): Promise<boolean> {
    const l = this.lease;
    if (l.holder !== holder) return Promise.resolve(false);
    l.holder = null;
    l.until = 0;
    l.lastFinishedAt = this.now().getTime();
    l.lastOk = ok;
    l.lastSummary = summary;
    return Promise.resolve(true);
  }

  reconcileStatus(): Promise<ReconcileStatus> {
    const now = this.now().getTime();
    const l = this.lease;
    const pending = this.rows.filter((r) => r.tavusEndPending);
    const oldest = Math.min(...pending.map((r) => r.endedAt ?? now));
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return Promise.resolve({
      last_started_at: iso(l.lastStartedAt),
      last_finished_at: iso(l.lastFinishedAt),
      last_ok: l.lastOk,
      last_summary: l.lastSummary,
      running: l.holder !== null && l.until > now,
      seconds_since_finished: l.lastFinishedAt === null ? null : (now - l.lastFinishedAt) / 1000,
      pending_tavus_ends: pending.length,
      oldest_pending_seconds: pending.length === 0 ? null : (now - oldest) / 1000,
    });
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
  "deploymentMarker",
  "settleTavusEnd",
  "recordTavusEndFailure",
  "reconcileSessions",
  "tavusPending",
  "roomCandidates",
  "markRoomsChecked",
  "expireSessions",
  "acquireLease",
  "finishRun",
  "reconcileStatus",
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
  deploymentMarker() {
    return this.#call<string>("deploymentMarker", []);
  }
  settleTavusEnd(id: string, conversationId: string | null) {
    return this.#call<boolean>("settleTavusEnd", [id, conversationId]);
  }
  recordTavusEndFailure(id: string, code: string) {
    return this.#call<boolean>("recordTavusEndFailure", [id, code]);
  }
  reconcileSessions(ids: string[]) {
    return this.#call<ReconcileSessionRow[]>("reconcileSessions", [ids]);
  }
  tavusPending(limit: number) {
    return this.#call<ReconcileSessionRow[]>("tavusPending", [limit]);
  }
  roomCandidates(limit: number) {
    return this.#call<RoomCandidateRow[]>("roomCandidates", [limit]);
  }
  markRoomsChecked(ids: string[]) {
    return this.#call<number>("markRoomsChecked", [ids]);
  }
  expireSessions(limit: number) {
    return this.#call<EndedSession[]>("expireSessions", [limit]);
  }
  acquireLease(holder: string, ttlSeconds: number) {
    return this.#call<boolean>("acquireLease", [holder, ttlSeconds]);
  }
  finishRun(holder: string, ok: boolean, summary: unknown) {
    return this.#call<boolean>("finishRun", [holder, ok, summary]);
  }
  reconcileStatus() {
    return this.#call<ReconcileStatus>("reconcileStatus", []);
  }
}

/**
 * Serves a store to {@linkcode DevSessionStoreClient}s: `POST /<secret>/<method>`
 * with the arguments as a JSON array. Development only, and guarded as if a
 * browser were around: the path carries a random secret (the gateway's
 * `DEV_SESSION_STORE_URL`), only `application/json` is accepted (a cross-site
 * page cannot send it without a preflight), and a request that says it comes
 * from a page (`Origin`, `Sec-Fetch-Site`) is refused.
 */
export async function serveDevSessionStore(
  store: SessionStore,
  req: Request,
  secret: string,
): Promise<Response> {
  const refuse = (status: number, code: Code, message: string) =>
    Response.json({ error: { code, message } }, { status });
  const [, presented, method, ...rest] = new URL(req.url).pathname.split("/");
  if (
    req.method !== "POST" || rest.length > 0 || presented === undefined ||
    !matchesAnySecret(presented, [secret]) ||
    !STORE_METHODS.includes(method as (typeof STORE_METHODS)[number])
  ) {
    return refuse(404, "ERR_NOT_FOUND", "no such method");
  }
  if (req.headers.has("origin") || req.headers.has("sec-fetch-site")) {
    return refuse(403, "ERR_FORBIDDEN", "the development session store is not for web pages");
  }
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    return refuse(415, "ERR_UNSUPPORTED_MEDIA_TYPE", "send the arguments as application/json");
  }
  try {
    const args = await req.json();
    if (!Array.isArray(args)) return refuse(400, "ERR_BAD_JSON", "send the arguments as an array");
    // deno-lint-ignore no-explicit-any
    const fn = store[method as (typeof STORE_METHODS)[number]] as (...a: any[]) => Promise<unknown>;
    const result = await fn.apply(store, args);
    return Response.json({ result });
  } catch (e) {
    const code = e instanceof SessionError ? e.code : "ERR_INTERNAL";
    return Response.json({ error: { code, message: (e as Error).message } });
  }
}
