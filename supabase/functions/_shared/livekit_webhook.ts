/**
 * The `livekit-webhook` function (`verify_jwt = false`: LiveKit signs its own
 * requests). Verifies each delivery with the core (`receiveWebhook`: the JWT
 * in `Authorization`, then the SHA-256 of the exact body bytes), ends the
 * avatar session when the room finishes or its user leaves, and only then
 * records the event id: a delivery whose work failed is answered 5xx and
 * handled again when LiveKit redelivers it.
 *
 * - `POST /` → `200 {ok, event, action}`; 401 for a bad signature (and a
 *   `webhook_rejected` security log line)
 */
import { EdgeError, receiveWebhook, type WebhookEvent } from "livekit-tavus-edge";
import { Context, type FunctionDeps } from "./context.ts";
import {
  allowMethods,
  fromEdgeError,
  type Handler,
  hex,
  HttpError,
  json,
  readLimitedBytes,
  subPath,
  withHttp,
} from "./http.ts";
import { clientIp } from "./log.ts";
import type { EndedSession } from "./sessions.ts";
import { type LiveKitSettings, requireLiveKit } from "./settings.ts";

const FUNCTION_NAME = "livekit-webhook";
/** LiveKit's events are small; this is far above any of them. */
const MAX_BODY_BYTES = 256 * 1024;
/** Deliveries older than this are refused (replays of captured requests). */
const MAX_AGE_SECONDS = 3600;

/** Events that mean the room's user is gone. */
const LEFT = new Set(["participant_left", "participant_connection_aborted"]);

/** One key map per LiveKit settings (parsed once per isolate), so the package's key cache holds. */
const keyMaps = new WeakMap<LiveKitSettings, Readonly<Record<string, string>>>();

function keyMap(lk: LiveKitSettings): Readonly<Record<string, string>> {
  let keys = keyMaps.get(lk);
  if (keys === undefined) {
    keys = Object.freeze({ [lk.apiKey]: lk.apiSecret });
    keyMaps.set(lk, keys);
  }
  return keys;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/** Builds the handler for `Deno.serve`. */
export function createWebhookHandler(deps: FunctionDeps): Handler {
  const ctx = new Context(deps);
  return withHttp(async (req, requestId) => {
    const path = subPath(new URL(req.url), FUNCTION_NAME);
    if (path !== "/") throw new HttpError(404, "ERR_NOT_FOUND", `no route ${path}`);
    allowMethods(req, "POST");
    const s = await ctx.settings.load();
    const lk = requireLiveKit(s);
    const type = (req.headers.get("content-type") ?? "").trim();
    if (type !== "" && !/^application\/(webhook\+)?json\b/i.test(type)) {
      throw new HttpError(
        415,
        "ERR_UNSUPPORTED_MEDIA_TYPE",
        "LiveKit webhooks are application/webhook+json",
      );
    }
    // The signed hash covers the exact bytes LiveKit sent: verify those, not a
    // decoded text (a decoder strips a byte-order mark, for one).
    const body = await readLimitedBytes(req, MAX_BODY_BYTES);
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new HttpError(400, "ERR_BAD_ENCODING", "the body is not valid UTF-8");
    }
    let event: WebhookEvent;
    try {
      event = receiveWebhook(body, req.headers.get("authorization"), keyMap(lk), {
        currentDate: ctx.now(),
        maxAge: MAX_AGE_SECONDS,
      });
    } catch (e) {
      if (!(e instanceof EdgeError)) throw e;
      if (e.code === "ERR_WEBHOOK_BODY_MALFORMED") throw fromEdgeError(e, 400);
      if (e.code === "ERR_WEBHOOK_BODY_TOO_LARGE") throw fromEdgeError(e, 413);
      ctx.log("warn", "webhook_rejected", {
        request_id: requestId,
        code: e.code,
        ip: clientIp(req),
      });
      throw new HttpError(401, e.code, e.message);
    }

    const room = event.room?.name ?? null;
    const store = ctx.sessions(s);
    const eventId = event.id || `sha256:${await sha256Hex(body)}`;

    // The work first, the event id after: an event counts as handled only once its work
    // succeeded. A failure answers 5xx and LiveKit redelivers; the work is idempotent (a
    // session is ended by one call only), so a redelivery of a handled event does nothing.
    let ended: EndedSession | null = null;
    let reason = "";
    if (event.event === "room_finished" && room) {
      reason = "room_finished";
      ended = await store.endForRoom(room, reason);
    } else if (LEFT.has(event.event) && room && s.settings.endOnParticipantLeft) {
      const session = await store.findByRoom(room);
      const who = event.participant?.identity;
      if (session && who && who === session.userId) {
        reason = event.event;
        ended = await store.end(session.id, reason);
      }
    }
    // The room is already gone after room_finished; after the user left, delete it
    // so an agent and the avatar do not stay on alone. A failed Tavus end stays owed
    // on the row (the reconciler retries it), so it does not fail the delivery.
    const result = ended
      ? await ctx.finishEnded(s, store, ended, {
        deleteRoom: reason !== "room_finished",
        requestId,
        reason,
      })
      : null;
    const first = await store.recordWebhookEvent(eventId, event.event, room);
    if (ended) {
      return json({
        ok: true,
        event: event.event,
        action: "ended",
        session_id: ended.id,
        ...result,
      });
    }
    return json({ ok: true, event: event.event, action: first ? "none" : "duplicate" });
  }, { newId: deps.newId, corsOrigins: ctx.corsOrigins, log: ctx.log });
}
