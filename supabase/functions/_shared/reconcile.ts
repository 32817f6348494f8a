/**
 * The `reconcile` function: ends what nothing else ended. Supabase Cron posts
 * to it every minute (`public.reconcile_tick()`, pg_net); a service-role
 * caller may run it by hand.
 *
 * One pass, under a lease in Postgres (two passes at once: the second skips):
 * 1. ends sessions past their expiry;
 * 2. reads the sessions whose Tavus end is owed (before listing, so every id it
 *    holds predates the listing);
 * 3. lists Tavus' active conversations, every page, and keeps those whose name
 *    carries this deployment's marker (`lte:<marker>:<session id>:…`): never
 *    another deployment's, never a conversation named otherwise;
 * 4. reads the sessions they name, and LiveKit's rooms of open and recently
 *    ended sessions;
 * 5. asks the core for the plan (`reconcilePlan`) and carries it out: ends
 *    conversations no live session holds (failing sessions left `starting` by
 *    a request that died), retries owed ends, settles what needs no call,
 *    closes sessions whose room is gone, deletes rooms left after their
 *    session ended.
 *
 * - `POST /` (service role) → `200 {ok, …summary}`; `{ok: true, skipped:
 *   "lease_held"}` while another pass runs; 401 for anyone else.
 * Each action is a log line (`reconcile_*`), the pass a `reconcile_run` line.
 */
import {
  parseConversationName,
  reconcilePlan,
  type ReconcilePlanInput,
  type ReportCode,
} from "livekit-tavus-edge/avatar";
import { Context, type FunctionDeps } from "./context.ts";
import {
  allowMethods,
  type Code,
  codeOf,
  type Handler,
  HttpError,
  json,
  subPath,
  withHttp,
} from "./http.ts";
import type { EndedSession, ReconcileSessionRow, SessionStore } from "./sessions.ts";
import type { Settings } from "./settings.ts";

const FUNCTION_NAME = "reconcile";
/** Conversations per page of Tavus' listing. */
const PAGE_SIZE = 100;
/** Pages read per pass (20 × 100 active conversations); the rest waits for the next pass. */
const MAX_PAGES = 20;
/** Sessions read per pass for each of: expiry, owed ends, room checks. */
const BATCH = 200;
/** How long the lease lasts: longer than a pass may take. */
const LEASE_SECONDS = 180;
/** After this long a pass starts no new action (the rest waits for the next pass). */
const WORK_BUDGET_MS = 100_000;
/** Upstream calls in flight at once. */
const PARALLEL = 4;

/** What a pass did. */
export interface ReconcileSummary {
  ok: boolean;
  skipped?: "lease_held";
  duration_ms: number;
  expired_sessions: number;
  tavus: {
    configured: boolean;
    pages: number;
    listed: number;
    listing_complete: boolean;
    ours: number;
    foreign: number;
    kept: number;
    ended: number;
    end_failed: number;
  };
  owed_ends: { due: number; retried: number; ended: number; failed: number; settled: number };
  sessions_failed_abandoned: number;
  rooms: {
    listed: boolean;
    checked: number;
    sessions_closed: number;
    deleted: number;
    delete_failed: number;
  };
  /** Codes of what failed (upstream and database), without detail. */
  errors: string[];
  /** True when the work budget ran out and some actions wait for the next pass. */
  truncated: boolean;
}

/**
 * Runs `f` over `items`, `PARALLEL` at a time, stopping new work once `stop()`
 * says so. A failing item (the database, say) is reported to `failed` and the
 * others go on. True when items were left for the next pass.
 */
async function each<T>(
  items: T[],
  stop: () => boolean,
  f: (t: T) => Promise<void>,
  failed: (e: unknown) => void,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      try {
        await f(items[next++]!);
      } catch (e) {
        failed(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return next < items.length;
}

/**
 * One reconciler pass. Throws only when it cannot start (lease or database);
 * each failed action is counted and logged, and the pass carries on.
 */
async function reconcileOnce(
  ctx: Context,
  s: Settings,
  store: SessionStore,
  requestId: string,
): Promise<ReconcileSummary> {
  const started = ctx.now().getTime();
  const elapsed = () => ctx.now().getTime() - started;
  const outOfTime = () => elapsed() > WORK_BUDGET_MS;
  const summary: ReconcileSummary = {
    ok: true,
    duration_ms: 0,
    expired_sessions: 0,
    tavus: {
      configured: false,
      pages: 0,
      listed: 0,
      listing_complete: false,
      ours: 0,
      foreign: 0,
      kept: 0,
      ended: 0,
      end_failed: 0,
    },
    owed_ends: { due: 0, retried: 0, ended: 0, failed: 0, settled: 0 },
    sessions_failed_abandoned: 0,
    rooms: { listed: false, checked: 0, sessions_closed: 0, deleted: 0, delete_failed: 0 },
    errors: [],
    truncated: false,
  };
  const fail = (code: Code | ReportCode) => {
    summary.ok = false;
    if (!summary.errors.includes(code)) summary.errors.push(code);
  };
  const log = ctx.log;
  const itemFailed = (e: unknown) => {
    fail(codeOf(e));
    log("error", "reconcile_action_failed", { request_id: requestId, code: codeOf(e) });
  };

  const holder = requestId;
  if (!await store.acquireLease(holder, LEASE_SECONDS)) {
    summary.skipped = "lease_held";
    summary.duration_ms = elapsed();
    log("info", "reconcile_skipped", { request_id: requestId, reason: "lease_held" });
    return summary;
  }
  try {
    const marker = await store.deploymentMarker();

    // 1. Sessions past their expiry.
    const expired = await store.expireSessions(BATCH);
    summary.expired_sessions = expired.length;
    summary.truncated ||= await each(expired, outOfTime, async (e: EndedSession) => {
      await ctx.finishEnded(s, store, e, { deleteRoom: true, requestId, reason: "expired" });
    }, itemFailed);

    // 2. Owed ends, read before the listing.
    const pending = await store.tavusPending(BATCH);
    summary.owed_ends.due = pending.length;

    // 3. Tavus' active conversations, every page.
    const tavus = ctx.tavus(s);
    summary.tavus.configured = tavus !== null;
    const listed: ReconcilePlanInput["conversations"] = [];
    if (tavus) {
      const seen = new Set<string>();
      try {
        for (let page = 1; page <= MAX_PAGES; page++) {
          const got = await tavus.listConversations("active", page, PAGE_SIZE);
          summary.tavus.pages = page;
          for (const c of got.conversations) {
            if (!seen.has(c.conversation_id)) listed.push(c), seen.add(c.conversation_id);
          }
          const total = got.total_count;
          if (got.conversations.length < PAGE_SIZE || (total !== undefined && seen.size >= total)) {
            summary.tavus.listing_complete = true;
            break;
          }
        }
        if (!summary.tavus.listing_complete) summary.truncated = true;
      } catch (e) {
        fail(codeOf(e));
        log("error", "reconcile_listing_failed", { request_id: requestId, code: codeOf(e) });
      }
    }
    summary.tavus.listed = listed.length;

    // 4. The sessions our conversations name, and the rooms to check.
    const owners = new Set<string>();
    for (const c of listed) {
      const owner = parseConversationName(c.conversation_name ?? "");
      if (owner?.marker === marker) owners.add(owner.session_id);
    }
    const named = await store.reconcileSessions([...owners]);
    const byId = new Map<string, ReconcileSessionRow>();
    for (const r of [...named, ...pending]) byId.set(r.id, r);
    const rooms = ctx.rooms(s);
    const candidates = rooms ? await store.roomCandidates(BATCH) : [];
    let existing: string[] = [];
    if (rooms && candidates.length > 0) {
      try {
        existing = await rooms.existingRooms([...new Set(candidates.map((c) => c.room_name))]);
        summary.rooms.listed = true;
      } catch (e) {
        fail(codeOf(e));
        log("error", "reconcile_rooms_failed", { request_id: requestId, code: codeOf(e) });
      }
    } else if (rooms) {
      summary.rooms.listed = true;
    }

    // 5. The plan, carried out.
    const plan = reconcilePlan({
      marker,
      upstream_timeout_ms: s.settings.upstreamTimeoutMs,
      tavus_configured: tavus !== null,
      listing_complete: summary.tavus.listing_complete,
      conversations: listed,
      sessions: [...byId.values()],
      rooms_listed: summary.rooms.listed,
      delete_ended_rooms: s.settings.deleteRoomOnEnd,
      room_candidates: candidates,
      rooms: existing,
    });
    summary.tavus.foreign = plan.foreign;
    summary.tavus.kept = plan.keep.length;
    summary.tavus.ours = plan.keep.length + plan.end_conversations.length;

    summary.truncated ||= await each(plan.end_conversations, outOfTime, async (e) => {
      if (e.fail_session && e.session_id) {
        const failed = await store.end(e.session_id, "failed: start abandoned");
        if (failed) summary.sessions_failed_abandoned++;
      }
      let outcome: string;
      try {
        outcome = await tavus!.endConversation(e.conversation_id);
      } catch (err) {
        summary.tavus.end_failed++;
        fail(codeOf(err));
        if (e.session_id) await store.recordTavusEndFailure(e.session_id, codeOf(err));
        log("error", "reconcile_end_failed", {
          request_id: requestId,
          conversation_id: e.conversation_id,
          session_id: e.session_id ?? null,
          reason: e.reason,
          code: codeOf(err),
        });
        return;
      }
      summary.tavus.ended++;
      log("warn", "reconcile_conversation_ended", {
        request_id: requestId,
        conversation_id: e.conversation_id,
        session_id: e.session_id ?? null,
        reason: e.reason,
        tavus: outcome,
      });
      // A failure here leaves the end owed: the next pass ends (harmlessly) and settles it.
      if (e.settle && e.session_id) await store.settleTavusEnd(e.session_id, e.conversation_id);
    }, itemFailed);

    summary.truncated ||= await each(plan.retry_ends, outOfTime, async (r) => {
      summary.owed_ends.retried++;
      const outcome = await ctx.endTavus(s, store, r.session_id, r.conversation_id, requestId);
      if (outcome === "failed") {
        summary.owed_ends.failed++;
        fail("ERR_TAVUS_END_FAILED");
      } else {
        summary.owed_ends.ended++;
        log("info", "reconcile_owed_end_done", {
          request_id: requestId,
          session_id: r.session_id,
          conversation_id: r.conversation_id,
          tavus: outcome,
        });
      }
    }, itemFailed);

    for (const t of plan.settle) {
      if (await store.settleTavusEnd(t.session_id, t.conversation_id ?? null)) {
        summary.owed_ends.settled++;
        log("info", "reconcile_settled", {
          request_id: requestId,
          session_id: t.session_id,
          reason: t.reason,
        });
      }
    }

    summary.truncated ||= await each(plan.close_sessions, outOfTime, async (c) => {
      const ended = await store.end(c.session_id, "room_gone");
      if (!ended) return;
      summary.rooms.sessions_closed++;
      log("warn", "reconcile_session_closed", {
        request_id: requestId,
        session_id: c.session_id,
        reason: "room_gone",
      });
      await ctx.finishEnded(s, store, ended, { deleteRoom: false, requestId, reason: "room_gone" });
    }, itemFailed);

    const checked = [...plan.rooms_checked];
    summary.truncated ||= await each(plan.delete_rooms, outOfTime, async (d) => {
      try {
        await rooms!.deleteRoom(d.room_name);
        summary.rooms.deleted++;
        checked.push(d.session_id);
        log("warn", "reconcile_room_deleted", {
          request_id: requestId,
          session_id: d.session_id,
          room: d.room_name,
        });
      } catch (e) {
        summary.rooms.delete_failed++;
        fail(codeOf(e));
        log("error", "reconcile_room_delete_failed", {
          request_id: requestId,
          session_id: d.session_id,
          room: d.room_name,
          code: codeOf(e),
        });
      }
    }, itemFailed);
    summary.rooms.checked = await store.markRoomsChecked(checked);
  } catch (e) {
    fail(codeOf(e));
    log("error", "reconcile_failed", { request_id: requestId, code: codeOf(e) });
    throw e;
  } finally {
    summary.duration_ms = elapsed();
    await store.finishRun(holder, summary.ok, summary).catch(() => {
      log("error", "reconcile_report_failed", { request_id: requestId });
    });
    log(summary.ok ? "info" : "error", "reconcile_run", {
      request_id: requestId,
      ok: summary.ok,
      duration_ms: summary.duration_ms,
      expired_sessions: summary.expired_sessions,
      listed: summary.tavus.listed,
      listing_complete: summary.tavus.listing_complete,
      foreign: summary.tavus.foreign,
      kept: summary.tavus.kept,
      conversations_ended: summary.tavus.ended,
      conversation_end_failed: summary.tavus.end_failed,
      owed_ends_done: summary.owed_ends.ended,
      owed_ends_failed: summary.owed_ends.failed,
      settled: summary.owed_ends.settled,
      sessions_closed: summary.rooms.sessions_closed,
      rooms_deleted: summary.rooms.deleted,
      truncated: summary.truncated,
      errors: summary.errors.join(",") || null,
    });
  }
  return summary;
}

/** Builds the handler for `Deno.serve`. */
export function createReconcileHandler(deps: FunctionDeps): Handler {
  const ctx = new Context(deps);
  return withHttp(async (req, requestId) => {
    const path = subPath(new URL(req.url), FUNCTION_NAME);
    if (path !== "/") throw new HttpError(404, "ERR_NOT_FOUND", `no route ${path}`);
    allowMethods(req, "POST");
    const s = await ctx.settings.load();
    if (!await ctx.auth.isServiceRole(req, s)) {
      throw new HttpError(
        401,
        "ERR_AUTH_SERVICE_ROLE_REQUIRED",
        "the reconciler runs for the service role only (Supabase Cron sends the key from Vault)",
        { "www-authenticate": "Bearer" },
      );
    }
    // The body is ignored (the cron job posts {}); drain it.
    await req.body?.cancel();
    const summary = await reconcileOnce(ctx, s, ctx.sessions(s), requestId);
    return json(summary);
  }, { newId: deps.newId, corsOrigins: ctx.corsOrigins, log: ctx.log });
}
