/**
 * The deployed {@linkcode SessionStore}: supabase-js against the project's
 * PostgREST. Writes go through the service-role RPCs of
 * `supabase/migrations/20261125000100_avatar_session_rpcs.sql`; the caller's
 * own sessions are read with the caller's JWT, so row level security decides
 * what they see.
 *
 * Tables, columns and RPC signatures come from `database.types.ts`, which
 * `supabase gen types typescript` makes from the migrations (scripts/test-db.sh
 * checks it is current), so a column or argument renamed in SQL fails deno check here.
 */
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database, Json, Tables } from "./database.types.ts";
import { HttpError, timedFetch } from "./http.ts";
import {
  type ClaimArgs,
  type ClaimedSession,
  type EndedSession,
  type ReconcileSessionRow,
  type ReconcileStatus,
  type RoomCandidateRow,
  SESSION_MESSAGES,
  SessionError,
  type SessionRow,
  type SessionStore,
} from "./sessions.ts";
import type { SupabaseSettings } from "./settings.ts";

const CLIENT_OPTIONS = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  // Fail fast with a code: the caller retries, not supabase-js behind our deadline.
  db: { retry: false },
} as const;

const ROW_COLUMNS =
  "id,user_id,scenario_id,room_name,mode,conversation_id,status,expires_at" as const;

const DB_CODES = { timeout: "ERR_DATABASE_TIMEOUT", network: "ERR_DATABASE_UNAVAILABLE" } as const;

type Rpc = Database["public"]["Functions"];
type DbRow = Pick<
  Tables<"avatar_sessions">,
  | "id"
  | "user_id"
  | "scenario_id"
  | "room_name"
  | "mode"
  | "conversation_id"
  | "status"
  | "expires_at"
>;

function toRow(r: DbRow | null | undefined): SessionRow | null {
  if (!r) return null;
  return {
    id: r.id,
    userId: r.user_id,
    scenarioId: r.scenario_id,
    roomName: r.room_name,
    // The table's check constraints allow only these values.
    mode: r.mode as SessionRow["mode"],
    conversationId: r.conversation_id,
    status: r.status as SessionRow["status"],
    expiresAt: r.expires_at,
  };
}

/** A row of reconcile_sessions / reconcile_tavus_pending (nullable columns typed by the generator as required). */
function reconcileRow(
  r: Rpc["reconcile_sessions"]["Returns"][number],
): ReconcileSessionRow {
  return {
    id: r.id,
    // The table's check constraints allow only these values.
    status: r.status as ReconcileSessionRow["status"],
    mode: r.mode as ReconcileSessionRow["mode"],
    conversation_id: r.conversation_id ?? null,
    room_name: r.room_name,
    age_seconds: r.age_seconds,
    ended_age_seconds: r.ended_age_seconds ?? null,
    expired: r.expired,
    tavus_end_pending: r.tavus_end_pending,
  };
}

function toEnded(rows: Rpc["end_avatar_session"]["Returns"] | null): EndedSession | null {
  const r = rows?.[0];
  return r
    ? { id: r.id, conversationId: r.conversation_id, roomName: r.room_name, userId: r.user_id }
    : null;
}

/**
 * Turns a supabase-js failure into a coded error: the RPCs' `P0001 ERR_…`
 * refusals become {@linkcode SessionError}s, a duplicate room name
 * `ERR_ROOM_TAKEN`, anything else a 503 naming the call and the SQLSTATE only.
 */
function dbError(e: unknown, call: string): Error {
  if (e instanceof HttpError) return e;
  const code = (e as { code?: unknown })?.code;
  const message = (e as { message?: unknown })?.message;
  if (
    code === "P0001" &&
    (message === "ERR_SESSION_LIMIT" || message === "ERR_SESSION_ENDING" ||
      message === "ERR_SESSION_CLEANUP_PENDING")
  ) {
    return new SessionError(message, SESSION_MESSAGES[message]);
  }
  if (code === "23505" && typeof message === "string" && message.includes("room_name")) {
    return new SessionError("ERR_ROOM_TAKEN", SESSION_MESSAGES.ERR_ROOM_TAKEN);
  }
  return new HttpError(
    503,
    "ERR_DATABASE",
    `the database refused ${call} (${typeof code === "string" && code ? code : "no code"})`,
    { "retry-after": "10" },
  );
}

/** Sessions in Postgres through PostgREST. */
export class SupabaseSessionStore implements SessionStore {
  readonly #service: SupabaseClient<Database>;
  /** Reads made with a caller's JWT (set per query): one client, not one per request. */
  readonly #user: SupabaseClient<Database>;
  #marker: string | null = null;

  constructor(
    supabase: SupabaseSettings,
    fetchFn: typeof fetch,
    timeoutMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    const global = { fetch: timedFetch(fetchFn, timeoutMs, "Supabase", DB_CODES) };
    this.#service = createClient<Database>(supabase.url, supabase.serviceRoleKey, {
      ...CLIENT_OPTIONS,
      global,
    });
    this.#user = createClient<Database>(supabase.url, supabase.anonKey, {
      ...CLIENT_OPTIONS,
      global,
    });
  }

  async #rpc<N extends keyof Rpc>(name: N, args: Rpc[N]["Args"]): Promise<Rpc[N]["Returns"]> {
    try {
      return (await this.#service.rpc(name, args).throwOnError()).data as Rpc[N]["Returns"];
    } catch (e) {
      throw dbError(e, name);
    }
  }

  async claim(a: ClaimArgs): Promise<ClaimedSession> {
    const rows = await this.#rpc("claim_avatar_session", {
      p_user_id: a.userId,
      p_scenario_id: a.scenarioId,
      p_room_name: a.roomName,
      p_mode: a.mode,
      p_max_live: a.maxLive,
      p_duration_seconds: a.durationSeconds,
    });
    const r = rows?.[0];
    if (!r) throw dbError({ code: "no row" }, "claim_avatar_session");
    return {
      id: r.id,
      roomName: r.room_name,
      // A function's result columns are nullable in SQL; these never are null.
      conversationId: r.conversation_id,
      status: r.status as ClaimedSession["status"],
      expiresAt: r.expires_at,
      reused: r.reused,
    };
  }

  async markLive(sessionId: string, conversationId: string | null): Promise<boolean> {
    return (await this.#rpc("mark_avatar_session_live", {
      p_session_id: sessionId,
      // SQL functions take null for any argument; the generator types them as required.
      p_conversation_id: conversationId as string,
    })) === true;
  }

  async end(sessionId: string, reason: string): Promise<EndedSession | null> {
    return toEnded(
      await this.#rpc("end_avatar_session", { p_session_id: sessionId, p_reason: reason }),
    );
  }

  async endForRoom(roomName: string, reason: string): Promise<EndedSession | null> {
    return toEnded(
      await this.#rpc("end_avatar_sessions_for_room", {
        p_room_name: roomName,
        p_reason: reason,
      }),
    );
  }

  async recordWebhookEvent(
    eventId: string,
    event: string,
    roomName: string | null,
  ): Promise<boolean> {
    return (await this.#rpc("record_webhook_event", {
      p_event_id: eventId,
      p_event: event,
      p_room_name: roomName as string,
    })) === true;
  }

  async #findOne(
    column: "room_name" | "conversation_id",
    value: string,
    call: string,
  ): Promise<SessionRow | null> {
    try {
      const { data } = await this.#service.from("avatar_sessions").select(ROW_COLUMNS)
        .eq(column, value).maybeSingle().throwOnError();
      return toRow(data);
    } catch (e) {
      throw dbError(e, call);
    }
  }

  findByRoom(roomName: string): Promise<SessionRow | null> {
    return this.#findOne("room_name", roomName, "avatar_sessions by room");
  }

  findByConversation(conversationId: string): Promise<SessionRow | null> {
    return this.#findOne("conversation_id", conversationId, "avatar_sessions by conversation");
  }

  async deploymentMarker(): Promise<string> {
    // It never changes: one read per instance.
    if (this.#marker === null) {
      const marker: unknown = await this.#rpc("avatar_deployment_marker", {});
      if (typeof marker !== "string" || !/^[0-9a-f]{12}$/.test(marker)) {
        throw dbError({ code: "no marker" }, "avatar_deployment_marker");
      }
      this.#marker = marker;
    }
    return this.#marker;
  }

  async settleTavusEnd(sessionId: string, conversationId: string | null): Promise<boolean> {
    return (await this.#rpc("settle_tavus_end", {
      p_session_id: sessionId,
      // SQL functions take null for any argument; the generator types them as required.
      p_conversation_id: conversationId as string,
    })) === true;
  }

  async recordTavusEndFailure(sessionId: string, code: string): Promise<boolean> {
    return (await this.#rpc("record_tavus_end_failure", {
      p_session_id: sessionId,
      p_code: code,
    })) === true;
  }

  async reconcileSessions(ids: string[]): Promise<ReconcileSessionRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.#rpc("reconcile_sessions", { p_ids: ids });
    return (rows ?? []).map(reconcileRow);
  }

  async tavusPending(limit: number): Promise<ReconcileSessionRow[]> {
    const rows = await this.#rpc("reconcile_tavus_pending", { p_limit: limit });
    return (rows ?? []).map(reconcileRow);
  }

  async roomCandidates(limit: number): Promise<RoomCandidateRow[]> {
    const rows = await this.#rpc("reconcile_room_candidates", { p_limit: limit });
    return (rows ?? []).map((r) => ({
      id: r.id,
      // The table's check constraints allow only these values.
      status: r.status as RoomCandidateRow["status"],
      mode: r.mode as RoomCandidateRow["mode"],
      room_name: r.room_name,
      age_seconds: r.age_seconds,
    }));
  }

  async markRoomsChecked(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.#rpc("mark_rooms_checked", { p_ids: ids })) || 0;
  }

  async expireSessions(limit: number): Promise<EndedSession[]> {
    const rows = await this.#rpc("reconcile_expire_sessions", { p_limit: limit });
    return (rows ?? []).map((r) => toEnded([r])!);
  }

  async acquireLease(holder: string, ttlSeconds: number): Promise<boolean> {
    return (await this.#rpc("acquire_reconcile_lease", {
      p_holder: holder,
      p_ttl_seconds: ttlSeconds,
    })) === true;
  }

  async finishRun(holder: string, ok: boolean, summary: unknown): Promise<boolean> {
    return (await this.#rpc("finish_reconcile_run", {
      p_holder: holder,
      p_ok: ok,
      p_summary: summary as Json,
    })) === true;
  }

  async reconcileStatus(): Promise<ReconcileStatus> {
    const r = (await this.#rpc("reconcile_status", {}))?.[0];
    if (!r) throw dbError({ code: "no row" }, "reconcile_status");
    return r;
  }

  async listOpen(
    userId: string,
    filter: { roomName?: string; scenarioId?: string },
    callerJwt: string,
  ): Promise<SessionRow[]> {
    let q = this.#user.from("avatar_sessions").select(ROW_COLUMNS).eq("user_id", userId)
      .in("status", ["starting", "live"]).gt("expires_at", this.now().toISOString());
    if (filter.roomName !== undefined) q = q.eq("room_name", filter.roomName);
    if (filter.scenarioId !== undefined) q = q.eq("scenario_id", filter.scenarioId);
    try {
      const { data } = await q.order("created_at", { ascending: false }).limit(20)
        .setHeader("Authorization", `Bearer ${callerJwt}`).throwOnError();
      return (data ?? []).map((r) => toRow(r)!);
    } catch (e) {
      throw dbError(e, "avatar_sessions of the caller");
    }
  }
}
