/**
 * The `tavus-callback` function (`verify_jwt = false`): Tavus posts
 * conversation events to `…/tavus-callback/<TAVUS_CALLBACK_SECRET>`. Callbacks
 * are unsigned, so the secret path segment is the only gate and the state is
 * re-read from Tavus before anything changes: a forged "shutdown" for a
 * conversation that still runs ends nothing.
 *
 * - `POST /<secret>` → `200 {ok, action}` (`ended` when Tavus confirms the
 *   conversation is over and its session was still open)
 */
import { EdgeError } from "livekit-tavus-edge";
import { matchesAnySecret, parseTavusCallback } from "livekit-tavus-edge/avatar";
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
import { DRY_RUN_PREFIX } from "./upstream.ts";

const FUNCTION_NAME = "tavus-callback";
const MAX_BODY_BYTES = 64 * 1024;

/** Builds the handler for `Deno.serve`. */
export function createTavusCallbackHandler(deps: FunctionDeps): Handler {
  const ctx = new Context(deps);
  return withHttp(async (req, requestId) => {
    const path = subPath(new URL(req.url), FUNCTION_NAME);
    const s = await ctx.settings.load();
    const secret = path.slice(1);
    // Unknown path, no secret configured, or the wrong one: the same 404, and a log line.
    if (
      !s.callbackSecret || secret.includes("/") || !matchesAnySecret(secret, [s.callbackSecret])
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
    if (!event.ends_conversation) {
      return json({ ok: true, event: event.event_type, action: "none" });
    }
    const store = ctx.sessions(s);
    const session = await store.findByConversation(event.conversation_id);
    if (!session || session.conversationId?.startsWith(DRY_RUN_PREFIX)) {
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
