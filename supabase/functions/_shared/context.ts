/**
 * What every handler is built from: the injected dependencies (environment,
 * clock, network, log, and optionally stores for tests), and the per-instance
 * state derived from them (settings loader, JWKS cache, rate limiter, store
 * and client instances). Shared code never imports a function's `index.ts`.
 */
import { Authenticator } from "./auth.ts";
import { codeOf, hex } from "./http.ts";
import { jsonLogger, leveled, type Logger } from "./log.ts";
import { RateLimiter } from "./rate_limit.ts";
import { EmbeddedScenarios, type ScenarioSource, SupabaseScenarios } from "./scenarios.ts";
import {
  DevSessionStoreClient,
  type EndedSession,
  MemorySessionStore,
  type SessionStore,
} from "./sessions.ts";
import { SupabaseSessionStore } from "./sessions_supabase.ts";
import { type Env, type Settings, SettingsLoader } from "./settings.ts";
import { DRY_RUN_PREFIX, RoomService, TavusClient } from "./upstream.ts";

/** The outside world of a handler; tests pass their own. */
export interface FunctionDeps {
  /** The environment (read once per instance). */
  env: () => Env;
  /** The clock. */
  now?: () => Date;
  /** The network (Tavus, LiveKit, Supabase, JWKS). */
  fetch?: typeof fetch;
  /** Structured log sink. */
  log?: Logger;
  /** Request ids. */
  newId?: () => string;
  /** A session store to use instead of the one the settings choose. */
  sessions?: SessionStore;
  /** A scenario source to use instead of the one the settings choose. */
  scenarios?: ScenarioSource;
  /** Room names for new sessions (default: `avatar-` + 128 random bits). */
  newRoomName?: () => string;
}

/** An unguessable room name: `avatar-` and 32 hex digits (128 random bits). */
export function randomRoomName(): string {
  return "avatar-" + hex(crypto.getRandomValues(new Uint8Array(16)));
}

/** Per-instance state of one function. */
export class Context {
  readonly now: () => Date;
  readonly fetch: typeof fetch;
  readonly log: Logger;
  readonly newRoomName: () => string;
  readonly settings: SettingsLoader;
  readonly auth: Authenticator;
  readonly rateLimiter = new RateLimiter();
  #memory: MemorySessionStore | null = null;
  #stores = new Map<string, SessionStore | ScenarioSource>();

  constructor(readonly deps: FunctionDeps) {
    this.now = deps.now ?? (() => new Date());
    this.fetch = deps.fetch ?? fetch;
    this.log = leveled(deps.log ?? jsonLogger, () => this.settings.base().settings.logLevel);
    this.newRoomName = deps.newRoomName ?? randomRoomName;
    this.settings = new SettingsLoader({ env: deps.env, fetch: this.fetch, now: this.now });
    this.auth = new Authenticator({ fetch: this.fetch, now: this.now, log: this.log });
  }

  /** The allowed CORS origins, as the core parsed them from the environment (once). */
  corsOrigins = (): string[] => this.settings.base().settings.corsAllowedOrigins;

  /** The session store: injected, else Supabase when configured, else in memory (development). */
  sessions(s: Settings): SessionStore {
    if (this.deps.sessions) return this.deps.sessions;
    if (s.supabase) {
      const key = `sessions\n${s.supabase.url}\n${s.supabase.serviceRoleKey}`;
      let store = this.#stores.get(key) as SessionStore | undefined;
      if (!store) {
        store = new SupabaseSessionStore(
          s.supabase,
          this.fetch,
          s.settings.upstreamTimeoutMs,
          this.now,
        );
        this.#stores.set(key, store);
      }
      return store;
    }
    if (s.devSessionStoreUrl) return new DevSessionStoreClient(s.devSessionStoreUrl, this.fetch);
    return this.#memory ??= new MemorySessionStore(this.now);
  }

  /** The scenario source: injected, else Supabase when configured, else the embedded defaults. */
  scenarios(s: Settings): ScenarioSource {
    if (this.deps.scenarios) return this.deps.scenarios;
    if (!s.supabase) return embedded;
    const key = `scenarios\n${s.supabase.url}`;
    let source = this.#stores.get(key) as ScenarioSource | undefined;
    if (!source) {
      source = new SupabaseScenarios(s.supabase, this.fetch, s.settings.upstreamTimeoutMs);
      this.#stores.set(key, source);
    }
    return source;
  }

  /** The Tavus client, or null in dry-run. */
  tavus(s: Settings): TavusClient | null {
    return s.tavusApiKey
      ? new TavusClient(
        s.tavusApiKey,
        s.settings.tavusApiUrl,
        this.fetch,
        s.settings.upstreamTimeoutMs,
      )
      : null;
  }

  /** LiveKit's RoomService, when LiveKit is configured. */
  rooms(s: Settings): RoomService | null {
    return s.livekit
      ? new RoomService(s.livekit, this.fetch, s.settings.upstreamTimeoutMs, this.now)
      : null;
  }

  /**
   * After a session row was ended by this call: ends its Tavus conversation
   * (only one call gets the row) and, when asked and configured, deletes the
   * room so nothing (agent, avatar) stays in it.
   *
   * Ending the row recorded the obligation to end the conversation
   * (`tavus_end_pending`) in the same statement; a confirmed end settles it, a
   * failed one is counted for the reconciler's retries. Failures are logged,
   * not thrown: the row is already ended, and the reconciler ends what is left.
   */
  async finishEnded(
    s: Settings,
    store: SessionStore,
    ended: EndedSession,
    options: { deleteRoom: boolean; requestId: string; reason: string },
  ): Promise<{ tavus: string; room: string }> {
    const tavus = await this.endTavus(s, store, ended.id, ended.conversationId, options.requestId);
    const room = options.deleteRoom
      ? await this.deleteRoom(s, ended.roomName, options.requestId)
      : "kept";
    this.log("info", "session_ended", {
      request_id: options.requestId,
      session_id: ended.id,
      reason: options.reason,
      tavus,
      room,
    });
    return { tavus, room };
  }

  /**
   * Ends a session's conversation (whose end the session row owes) and
   * settles or counts the attempt: `ended`, `already_ended`, `not_found`,
   * `dry_run`, `none` (no conversation), `not_configured` or `failed`.
   */
  async endTavus(
    s: Settings,
    store: SessionStore,
    sessionId: string,
    id: string | null,
    requestId: string,
  ): Promise<string> {
    const settle = async (conversationId: string | null) => {
      try {
        await store.settleTavusEnd(sessionId, conversationId);
      } catch (e) {
        // Still pending: the reconciler ends it again (ending twice is harmless).
        this.log("warn", "tavus_end_settle_failed", {
          request_id: requestId,
          session_id: sessionId,
          code: codeOf(e),
        });
      }
    };
    if (!id) return "none";
    if (id.startsWith(DRY_RUN_PREFIX)) {
      await settle(id);
      return "dry_run";
    }
    const client = this.tavus(s);
    if (!client) {
      this.log("error", "tavus_end_skipped", {
        request_id: requestId,
        conversation_id: id,
        reason: "TAVUS_API_KEY is not set",
      });
      return "not_configured";
    }
    try {
      const outcome = await client.endConversation(id);
      await settle(id);
      return outcome;
    } catch (e) {
      const code = codeOf(e);
      this.log("error", "tavus_end_failed", {
        request_id: requestId,
        conversation_id: id,
        session_id: sessionId,
        code,
      });
      await store.recordTavusEndFailure(sessionId, code).catch(() => {});
      return "failed";
    }
  }

  /** Deletes a room when `DELETE_ROOM_ON_END` (default) and LiveKit is configured. */
  async deleteRoom(s: Settings, roomName: string, requestId: string): Promise<string> {
    let room = "kept";
    if (s.settings.deleteRoomOnEnd) {
      const rooms = this.rooms(s);
      if (rooms) {
        try {
          room = await rooms.deleteRoom(roomName);
        } catch (e) {
          room = "failed";
          this.log("error", "room_delete_failed", {
            request_id: requestId,
            room: roomName,
            code: codeOf(e),
          });
        }
      }
    }
    return room;
  }
}

const embedded = new EmbeddedScenarios();
