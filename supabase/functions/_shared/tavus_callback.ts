/**
 * The `tavus-callback` function (`verify_jwt = false`): Tavus posts
 * conversation events to `…/tavus-callback/<TAVUS_CALLBACK_SECRET>`. Callbacks
 * are unsigned, so the secret path segment is the only gate and the state is
 * re-read from Tavus before anything changes: a forged "shutdown" for a
 * conversation that still runs ends nothing.
 *
 * - `POST /<secret>[/<session id>]` → `200 {ok, action}` (`ended` when Tavus
 *   confirms the conversation is over and its session was still open;
 *   `ended_stray` when a conversation no session recorded, named for a session
 *   that is not live with it, was ended)
 */
import { EdgeError } from "livekit-tavus-edge";
import {
  matchesAnySecret,
  parseConversationName,
  parseTavusCallback,
  type TavusCallback,
} from "livekit-tavus-edge/avatar";
import { Context, type FunctionDeps } from "./context.ts";
import {
  allowMethods,
  fromEdgeError,
  type Handler,
  HttpError,
  json,
  readLimited,
  subPath,
  withHttp,
} from "./http.ts";
import { clientIp } from "./log.ts";
import type { SessionStore } from "./sessions.ts";
import type { Settings } from "./settings.ts";
import { DRY_RUN_PREFIX } from "./upstream.ts";

const FUNCTION_NAME = "tavus-callback";
const MAX_BODY_BYTES = 64 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An event about a conversation no session recorded: typically one whose
 * create answer was lost (the request timed out, the session failed without
 * its id). The callback path names the session it was created for; Tavus is
 * asked for the conversation's state and name, and if the name says this
 * deployment created it for that session and the session is not live with
 * it, it is ended now rather than at the reconciler's next pass.
 */
async function strayConversation(
  ctx: Context,
  s: Settings,
  store: SessionStore,
  event: TavusCallback,
  pathSession: string | null,
  requestId: string,
): Promise<Record<string, unknown>> {
  const none = (reason: string) => ({ ok: true, event: event.event_type, action: "none", reason });
  const tavus = ctx.tavus(s);
  if (!pathSession || !tavus) return none("unknown conversation");
  let state;
  try {
    state = await tavus.getConversation(event.conversation_id);
  } catch (e) {
    if (e instanceof HttpError && e.code === "ERR_TAVUS_NOT_FOUND") return none("unknown to Tavus");
    throw e;
  }
  const owner = parseConversationName(state.conversation_name ?? "");
  const [row] = await store.reconcileSessions([pathSession]);
  if (!owner || owner.session_id !== pathSession || !row) return none("not ours");
  if (owner.marker !== await store.deploymentMarker()) return none("not ours");
  if (row.status === "starting") return none("session starting"); // its request may still record it
  if (!state.active) {
    if (row.conversation_id === null) await store.settleTavusEnd(row.id, null);
    return none("already ended");
  }
  const outcome = await ctx.endTavus(s, store, row.id, event.conversation_id, requestId);
  ctx.log("warn", "stray_conversation_ended", {
    request_id: requestId,
    session_id: row.id,
    conversation_id: event.conversation_id,
    session_status: row.status,
    tavus: outcome,
  });
  return { ok: true, event: event.event_type, action: "ended_stray", tavus: outcome };
}

/** Builds the handler for `Deno.serve`. */
export function createTavusCallbackHandler(deps: FunctionDeps): Handler {
  const ctx = new Context(deps);
  return withHttp(async (req, requestId) => {
    const path = subPath(new URL(req.url), FUNCTION_NAME);
    const s = await ctx.settings.load();
    // `/<secret>`, or `/<secret>/<session id>` as the functions send it since the session
    // id went into the callback URL.
    const [secret = "", pathSession, ...rest] = path.slice(1).split("/");
    // Unknown path, no secret configured, or the wrong one: the same 404, and a log line.
    if (
      !s.callbackSecret || rest.length > 0 || !matchesAnySecret(secret, [s.callbackSecret]) ||
      (pathSession !== undefined && !UUID.test(pathSession))
    ) {
      ctx.log("warn", "callback_rejected", {
        request_id: requestId,
        code: "ERR_NOT_FOUND",
        ip: clientIp(req),
      });
      throw new HttpError(404, "ERR_NOT_FOUND", "no such route");
    }
    allowMethods(req, "POST");
    let event;
    try {
      event = parseTavusCallback(await readLimited(req, MAX_BODY_BYTES));
    } catch (e) {
      if (e instanceof EdgeError) throw fromEdgeError(e, 400);
      throw e;
    }
    const store = ctx.sessions(s);
    const session = await store.findByConversation(event.conversation_id);
    if (session?.conversationId?.startsWith(DRY_RUN_PREFIX)) {
      return json({ ok: true, event: event.event_type, action: "none" });
    }
    if (!session) {
      return json(await strayConversation(ctx, s, store, event, pathSession ?? null, requestId));
    }
    if (!event.ends_conversation) {
      return json({ ok: true, event: event.event_type, action: "none" });
    }
    const tavus = ctx.tavus(s);
    if (!tavus) {
      throw new HttpError(503, "ERR_NOT_CONFIGURED", "TAVUS_API_KEY is needed to re-check");
    }
    let active: boolean;
    try {
      active = (await tavus.getConversation(event.conversation_id)).active;
    } catch (e) {
      if (e instanceof HttpError && e.code === "ERR_TAVUS_NOT_FOUND") active = false;
      else throw e;
    }
    if (active) {
      ctx.log("warn", "callback_not_confirmed", {
        request_id: requestId,
        conversation_id: event.conversation_id,
      });
      return json({ ok: true, event: event.event_type, action: "none", reason: "still active" });
    }
    const reason = `tavus_${event.shutdown_reason ?? "shutdown"}`.slice(0, 200);
    const ended = await store.end(session.id, reason);
    // Tavus confirmed it is over: nothing is owed for it any more.
    await store.settleTavusEnd(session.id, event.conversation_id);
    if (ended) {
      ctx.log("info", "session_ended", {
        request_id: requestId,
        session_id: ended.id,
        reason,
        tavus: "already_ended",
        room: "kept",
      });
    }
    return json({
      ok: true,
      event: event.event_type,
      action: ended ? "ended" : "none",
      ...(ended && { session_id: ended.id }),
    });
  }, { newId: deps.newId, corsOrigins: ctx.corsOrigins, log: ctx.log });
}
