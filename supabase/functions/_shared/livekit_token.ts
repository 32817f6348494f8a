/**
 * The `livekit-token` function: LiveKit's standard token endpoint behind
 * Supabase auth, with the avatar coming.
 *
 * - `POST /` → `201 {server_url, participant_token, room_name, participant_name, expires_at, …}`
 * - `POST /end` → ends the caller's session(s) and their avatars
 * - `GET /health` → booleans for anyone; the redacted problem list for the service role
 */
import type { RoomAgentDispatchGrant } from "livekit-tavus-edge";
import {
  conversationName as makeConversationName,
  type ReportCode,
  type TokenPlan,
  type ValidScenario,
} from "livekit-tavus-edge/avatar";
import { type Caller } from "./auth.ts";
import { Context, type FunctionDeps } from "./context.ts";
import {
  allowMethods,
  type Code,
  codeOf,
  type Handler,
  HttpError,
  json,
  readJsonObject,
  readJsonText,
  subPath,
  withHttp,
} from "./http.ts";
import {
  type ClaimArgs,
  type ClaimedSession,
  SessionError,
  type SessionStore,
} from "./sessions.ts";
import { type LiveKitSettings, type Settings } from "./settings.ts";
import { createOutcomeUnknown, DRY_RUN_PREFIX, dryRunConversationId } from "./upstream.ts";

export type { FunctionDeps as TokenDeps } from "./context.ts";

const FUNCTION_NAME = "livekit-token";
const MAX_BODY_BYTES = 64 * 1024;

/** Builds the handler for `Deno.serve`. */
export function createTokenHandler(deps: FunctionDeps): Handler {
  const ctx = new Context(deps);
  return withHttp(async (req, requestId) => {
    const url = new URL(req.url);
    const path = subPath(url, FUNCTION_NAME);
    if (path === "/health") {
      allowMethods(req, "GET");
      return await health(ctx, req);
    }
    if (path === "/end") {
      allowMethods(req, "POST");
      return await endRoute(ctx, req, requestId);
    }
    if (path !== "/") throw new HttpError(404, "ERR_NOT_FOUND", `no route ${path}`);
    allowMethods(req, "POST");
    return await tokenRoute(ctx, req, url, requestId);
  }, { newId: deps.newId, corsOrigins: ctx.corsOrigins, log: ctx.log });
}

/** Settings, authentication and the per-user rate limit: the start of every user route. */
async function signedIn(
  ctx: Context,
  req: Request,
  requestId: string,
): Promise<{ s: Settings; caller: Caller }> {
  const s = await ctx.settings.load();
  const caller = await ctx.auth.authenticate(req, s, requestId);
  ctx.rateLimiter.check(
    caller.userId,
    s.settings.rateLimitPerMinute,
    ctx.now().getTime(),
    ctx.log,
    requestId,
  );
  return { s, caller };
}

function sessionError(e: unknown): never {
  if (e instanceof SessionError) {
    throw new HttpError(409, e.code, e.message, { "retry-after": "5" });
  }
  throw e;
}

/**
 * `POST /`: one call into the core decides everything about the request (its
 * fields and limits, what the caller may set, the scenario, the tokens to
 * mint, each refusal's code and status: `EdgePolicy.plan`); this handler only
 * does the I/O the plan needs (the scenario row when the core has none, the
 * session, the avatar) and mints the planned token for the session's room.
 */
async function tokenRoute(
  ctx: Context,
  req: Request,
  url: URL,
  requestId: string,
): Promise<Response> {
  const { s, caller } = await signedIn(ctx, req, requestId);
  const body = await readJsonText(req, MAX_BODY_BYTES);
  const query = url.searchParams.get("scenario_id");
  let step = s.policy.plan(caller.userId, body, query, ctx.now());
  if ("load" in step) {
    const row = await ctx.scenarios(s).load(step.load, caller.jwt);
    step = s.policy.plan(caller.userId, body, query, ctx.now(), row ?? null);
  }
  const plan = step as TokenPlan;
  const lk = s.livekit!;
  const mode = plan.mode;

  const store = ctx.sessions(s);
  const session = await claimSession(ctx, s, store, caller, plan);

  // Agents are dispatched by the server when the session's room is created,
  // never through the user's token: a token replayed after the session ended
  // (or past the per-user cap) can join a room but never start an avatar.
  let conversationId = session.conversationId;
  let avatarStatus: string;
  if (!session.reused && plan.dispatch !== undefined) {
    const agents = s.policy.agents(plan.dispatch, session.id);
    await openRoom(ctx, s, store, session, agents, requestId);
  }
  if (mode === "direct") {
    if (!session.reused) {
      conversationId = await startAvatar(ctx, s, lk, store, plan, session, requestId);
    }
    avatarStatus = conversationId === null
      ? "starting"
      : conversationId.startsWith(DRY_RUN_PREFIX)
      ? "dry_run"
      : "live";
  } else {
    if (!session.reused) await markLive(ctx, store, session, null, requestId);
    avatarStatus = mode === "agent" ? "dispatched" : "none";
  }

  // The token lets its holder join this room only, and never outlives the session.
  const minted = s.policy.mint(
    plan.mint,
    session.roomName,
    ctx.now(),
    new Date(session.expiresAt),
  );
  // A new session's token is worth a line; a refreshed token of the same session
  // (every client retry or reconnect) only at LOG_LEVEL=debug.
  ctx.log(session.reused ? "debug" : "info", "token_issued", {
    request_id: requestId,
    user_id: caller.userId,
    session_id: session.id,
    scenario_id: plan.scenario_id,
    reused: session.reused,
    avatar_status: avatarStatus,
  });
  return json({
    server_url: lk.wsUrl,
    participant_token: minted.token,
    room_name: session.roomName,
    participant_name: plan.participant_name,
    expires_at: new Date(minted.expires_at * 1000).toISOString(),
    scenario_id: plan.scenario_id,
    session_id: session.id,
    session_expires_at: session.expiresAt,
    avatar_mode: mode,
    avatar_status: avatarStatus,
    conversation_id: conversationId,
    dry_run: avatarStatus === "dry_run",
    reused: session.reused,
  }, 201);
}

/**
 * The caller's open session of the scenario, or a new one in a fresh room.
 * A `room_name` from the caller must name that open session, unless
 * `TOKEN_ALLOW_CLIENT_ROOM_NAME` lets callers choose the room of a new one
 * (the plan says which). In direct mode, a session left `starting` by a
 * request that died (no conversation recorded well after the upstream timeout)
 * is failed and replaced.
 */
async function claimSession(
  ctx: Context,
  s: Settings,
  store: SessionStore,
  caller: Caller,
  plan: TokenPlan,
): Promise<ClaimedSession> {
  const scenarioId = plan.scenario_id;
  const requested = plan.room.requested;
  if (plan.room.must_be_own) {
    const own = await store.listOpen(
      caller.userId,
      { roomName: requested!, scenarioId },
      caller.jwt,
    );
    if (own.length === 0) {
      throw new HttpError(
        403,
        "ERR_ROOM_NOT_ALLOWED",
        "room_name may only name your own open session of this scenario: leave it out to get a room",
      );
    }
  }
  const duration = plan.max_call_duration_seconds;
  const args = (): ClaimArgs => ({
    userId: caller.userId,
    scenarioId,
    roomName: plan.room.for_new_session ?? ctx.newRoomName(),
    mode: plan.mode,
    maxLive: s.settings.maxLiveSessions,
    durationSeconds: duration,
  });
  let session = await store.claim(args()).catch(sessionError);
  const startedAt = Date.parse(session.expiresAt) - duration * 1000;
  const staleAfterMs = 3 * s.settings.upstreamTimeoutMs + 5_000;
  if (
    plan.mode === "direct" && session.reused && session.status === "starting" &&
    ctx.now().getTime() - startedAt > staleAfterMs
  ) {
    // The dead request may have created a conversation: its end stays owed (the
    // reconciler finds it by name). Without Tavus (dry run) nothing can run.
    await store.end(session.id, "failed: start abandoned");
    if (!ctx.tavus(s)) await store.settleTavusEnd(session.id, null);
    session = await store.claim(args()).catch(sessionError);
  }
  if (requested !== null && session.roomName !== requested) {
    throw new HttpError(
      409,
      "ERR_ROOM_CONFLICT",
      "you already have an open session of this scenario in another room: end it first",
    );
  }
  return session;
}

/**
 * A new session's room, created by the server with its agents dispatched on
 * it. On failure the session is failed (and a room LiveKit may have created
 * before the answer was lost is deleted), so no agent runs for a session that
 * is not live.
 */
async function openRoom(
  ctx: Context,
  s: Settings,
  store: SessionStore,
  session: ClaimedSession,
  agents: RoomAgentDispatchGrant[],
  requestId: string,
): Promise<void> {
  const rooms = ctx.rooms(s);
  if (!rooms) throw new HttpError(503, "ERR_NOT_CONFIGURED", "LiveKit is not configured");
  try {
    await rooms.createRoom(session.roomName, agents);
  } catch (e) {
    const code = codeOf(e);
    ctx.log("error", "room_create_failed", {
      request_id: requestId,
      session_id: session.id,
      code,
    });
    await store.end(session.id, `failed: ${code}`).catch(() => {
      ctx.log("error", "session_fail_failed", { request_id: requestId, session_id: session.id });
    });
    await rooms.deleteRoom(session.roomName).catch(() => {
      ctx.log("error", "room_delete_failed", { request_id: requestId, room: session.roomName });
    });
    throw e;
  }
}

/** `starting` → `live`; a session that ended meanwhile is a 409 (the caller retries). */
async function markLive(
  ctx: Context,
  store: SessionStore,
  session: ClaimedSession,
  conversationId: string | null,
  requestId: string,
): Promise<void> {
  if (!await store.markLive(session.id, conversationId)) {
    ctx.log("warn", "session_ended_while_starting", {
      request_id: requestId,
      session_id: session.id,
    });
    throw new HttpError(
      409,
      "ERR_SESSION_CONFLICT",
      "the session ended while its avatar was starting: retry",
    );
  }
}

/**
 * Direct mode, new session: mint the avatar's token, create the Tavus
 * conversation in the room (or make up a dry-run id without a key), record it.
 * On any failure the session is marked failed, and a conversation that was
 * created is ended, so no row claims an avatar that is not there and no
 * conversation runs unrecorded.
 */
async function startAvatar(
  ctx: Context,
  s: Settings,
  lk: LiveKitSettings,
  store: SessionStore,
  plan: TokenPlan,
  session: ClaimedSession,
  requestId: string,
): Promise<string> {
  const scenario = s.policy.scenario(plan.scenario_id) as ValidScenario;
  const tavus = ctx.tavus(s);
  let created: string | null = null;
  let sent = false;
  try {
    let conversationId: string;
    if (!tavus) {
      conversationId = dryRunConversationId();
    } else {
      // The name carries this deployment's marker and the session id: even if the
      // answer is lost, the reconciler (and the callback) can tell whose it is.
      const conversationName = makeConversationName(
        await store.deploymentMarker(),
        session.id,
        scenario.scenario_id,
      );
      const avatarToken = s.policy.mint(plan.avatar_mint!, session.roomName, ctx.now()).token;
      // The session id in the callback path lets a callback about a conversation whose
      // create answer was lost reach its session.
      const callbackUrl = s.settings.tavusCallbackBase && s.callbackSecret
        ? `${s.settings.tavusCallbackBase}/${s.callbackSecret}/${session.id}`
        : undefined;
      sent = true;
      const conversation = await tavus.createConversation(scenario, {
        livekitWsUrl: lk.wsUrl,
        livekitRoomToken: avatarToken,
        conversationName,
        ...(callbackUrl && { callbackUrl }),
        testMode: s.settings.tavusTestMode,
      });
      conversationId = created = conversation.conversation_id;
    }
    await markLive(ctx, store, session, conversationId, requestId);
    return conversationId;
  } catch (e) {
    const code = codeOf(e);
    ctx.log("error", "avatar_start_failed", {
      request_id: requestId,
      session_id: session.id,
      scenario_id: scenario.scenario_id,
      code,
    });
    // Failing a direct session that was starting records that its conversation may run
    // (tavus_end_pending): it counts toward the user's cap until that is settled.
    await store.end(session.id, `failed: ${code}`).catch(() => {
      ctx.log("error", "session_fail_failed", { request_id: requestId, session_id: session.id });
    });
    if (created !== null) {
      await ctx.endTavus(s, store, session.id, created, requestId);
    } else if (!sent || !createOutcomeUnknown(code)) {
      // Tavus refused (or was never asked): nothing runs.
      await store.settleTavusEnd(session.id, null).catch(() => {});
    } else {
      // The answer was lost: Tavus may have created it. The reconciler finds it by its
      // name and ends it; until then the session counts toward the cap.
      ctx.log("warn", "tavus_create_outcome_unknown", {
        request_id: requestId,
        session_id: session.id,
        code,
      });
    }
    throw e;
  }
}

/** `POST /end`: ends the caller's open session(s), optionally only one room's or scenario's. */
async function endRoute(ctx: Context, req: Request, requestId: string): Promise<Response> {
  const { s, caller } = await signedIn(ctx, req, requestId);
  const body = await readJsonObject(req, MAX_BODY_BYTES);
  for (const key of Object.keys(body)) {
    if (!["room_name", "roomName", "scenario_id", "scenarioId"].includes(key)) {
      throw new HttpError(400, "ERR_UNKNOWN_FIELD", `unknown field ${key}`);
    }
  }
  const pick = (a: string, b: string): string | undefined => {
    const v = body[a] ?? body[b];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw new HttpError(400, "ERR_BAD_FIELD", `${a} must be a string`);
    }
    return (v as string | null | undefined) ?? undefined;
  };
  const roomName = pick("room_name", "roomName");
  const scenarioId = pick("scenario_id", "scenarioId");
  const filter = {
    ...(roomName !== undefined && { roomName }),
    ...(scenarioId !== undefined && { scenarioId }),
  };
  const store = ctx.sessions(s);
  const open = await store.listOpen(caller.userId, filter, caller.jwt);
  if (open.length === 0) {
    throw new HttpError(404, "ERR_SESSION_NOT_FOUND", "you have no open session to end");
  }
  const ended = [];
  for (const row of open) {
    const e = await store.end(row.id, "ended_by_user");
    const result = e
      ? await ctx.finishEnded(s, store, e, {
        deleteRoom: true,
        requestId,
        reason: "ended_by_user",
      })
      : { tavus: "already_ended", room: "kept" };
    ended.push({
      session_id: row.id,
      room_name: row.roomName,
      scenario_id: row.scenarioId,
      conversation_id: row.conversationId,
      ...result,
    });
  }
  return json({ ended });
}

/** `GET /health`: booleans for anyone, the full redacted report for the service role. */
async function health(ctx: Context, req: Request): Promise<Response> {
  let s: Settings;
  let vaultProblem: Record<string, string> | null = null;
  try {
    s = await ctx.settings.load();
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    s = ctx.settings.base();
    vaultProblem = {
      code: e.code,
      variable: "SECRETS_SOURCE",
      message: e.message,
      fix: "check that the migrations are applied and the secrets are in Vault",
      severity: "error",
    };
  }
  const r = s.report;
  const body: Record<string, unknown> = {
    ok: r.livekit_configured && r.auth_configured && vaultProblem === null,
    livekit_configured: r.livekit_configured,
    tavus_configured: r.tavus_configured,
    database_configured: r.database_configured,
    auth_configured: r.auth_configured,
    avatar_mode: s.settings.avatarMode,
    dry_run: s.settings.dryRun,
  };
  if (await ctx.auth.isServiceRole(req, s)) {
    body.livekit_api_url = r.livekit_api_url ?? null;
    body.secrets_source = s.settings.secretsSource;
    const problems = vaultProblem ? [vaultProblem, ...r.problems] : [...r.problems];
    if (vaultProblem === null) {
      const { status, problems: found } = await reconcilerHealth(ctx, s);
      body.reconciler = status;
      // Without a database (development) no cron runs the reconciler: state only.
      if (s.supabase) problems.push(...found);
    }
    body.problems = problems;
  }
  return json(body);
}

/** A reconciler that has not finished a pass for this long is reported as not running. */
const RECONCILER_STALE_SECONDS = 300;
/** An owed Tavus end older than this is reported. */
const OWED_END_STALE_SECONDS = 900;

/**
 * The reconciler's state for the service role's health report: its last pass
 * and the Tavus ends still owed, with a problem when it does not run, its last
 * pass failed, or an end has been owed for long.
 */
async function reconcilerHealth(
  ctx: Context,
  s: Settings,
): Promise<{ status: unknown; problems: Record<string, string>[] }> {
  const problem = (code: Code | ReportCode, message: string, fix: string) => ({
    code,
    variable: "RECONCILER",
    message,
    fix,
    severity: "error",
  });
  let st;
  try {
    st = await ctx.sessions(s).reconcileStatus();
  } catch (e) {
    const code = codeOf(e);
    return {
      status: null,
      problems: [problem(code, "the reconciler's state could not be read", "check the database")],
    };
  }
  const problems: Record<string, string>[] = [];
  const schedule = "check the cron job livekit-tavus-edge-reconcile and RECONCILE_URL / " +
    "RECONCILE_KEY in Vault (docs/reconciler.md)";
  if (st.seconds_since_finished === null || st.seconds_since_finished > RECONCILER_STALE_SECONDS) {
    problems.push(
      problem(
        "ERR_RECONCILER_NOT_RUNNING",
        st.last_finished_at === null
          ? "the reconciler has never finished a pass"
          : `the reconciler's last pass finished ${Math.round(st.seconds_since_finished!)} s ago`,
        schedule,
      ),
    );
  } else if (st.last_ok === false) {
    const errors = (st.last_summary as { errors?: unknown } | null)?.errors;
    problems.push(
      problem(
        "ERR_RECONCILER_FAILED",
        `the reconciler's last pass failed (${
          Array.isArray(errors) ? errors.filter((e) => typeof e === "string").join(", ") : "?"
        })`,
        "see its reconcile_run log line; Tavus or LiveKit may be unreachable",
      ),
    );
  }
  if ((st.oldest_pending_seconds ?? 0) > OWED_END_STALE_SECONDS) {
    problems.push(
      problem(
        "ERR_TAVUS_END_OWED",
        `${st.pending_tavus_ends} Tavus conversation end(s) owed, the oldest for ${
          Math.round(st.oldest_pending_seconds!)
        } s`,
        "check the Tavus key and Tavus' status; the reconciler retries them",
      ),
    );
  }
  return {
    status: {
      last_finished_at: st.last_finished_at,
      last_ok: st.last_ok,
      seconds_since_finished: st.seconds_since_finished,
      running: st.running,
      pending_tavus_ends: st.pending_tavus_ends,
      oldest_pending_seconds: st.oldest_pending_seconds,
    },
    problems,
  };
}
