/**
 * The `livekit-token` function: LiveKit's standard token endpoint.
 *
 * - `POST /` → `201 {server_url, participant_token, room_name, participant_name}`
 * - `GET /health` → the redacted configuration report
 */
import { createAccessToken } from "livekit-tavus-edge";
import { type Handler, HttpError, json, readJsonObject, subPath, withHttp } from "./http.ts";
import { type Env, loadSettings } from "./settings.ts";

/** What the handler needs from the outside world; tests pass their own. */
export interface TokenDeps {
  /** The environment, read on every request. */
  env: () => Env;
  /** The clock. */
  now?: () => Date;
}

const FUNCTION_NAME = "livekit-token";
const MAX_BODY_BYTES = 64 * 1024;
const TOKEN_TTL_SECONDS = 15 * 60;

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    throw new HttpError(400, "ERR_BAD_FIELD", `${field} must be a string`);
  }
  return v;
}

/** Builds the handler for `Deno.serve`. */
export function createTokenHandler(deps: TokenDeps): Handler {
  const now = deps.now ?? (() => new Date());
  return withHttp(async (req) => {
    const path = subPath(new URL(req.url), FUNCTION_NAME);
    const settings = loadSettings(deps.env());
    if (path === "/health") {
      if (req.method !== "GET") {
        throw new HttpError(405, "ERR_METHOD_NOT_ALLOWED", "use GET", { allow: "GET, OPTIONS" });
      }
      return json(settings.report);
    }
    if (path !== "/") throw new HttpError(404, "ERR_NOT_FOUND", `no route ${path}`);
    if (req.method !== "POST") {
      throw new HttpError(405, "ERR_METHOD_NOT_ALLOWED", "use POST", { allow: "POST, OPTIONS" });
    }
    const body = await readJsonObject(req, MAX_BODY_BYTES);
    const lk = settings.livekit;
    if (!lk) {
      throw new HttpError(
        503,
        "ERR_NOT_CONFIGURED",
        "LiveKit is not configured: see GET /health for what is missing",
      );
    }
    const roomName = optionalString(body, "room_name") ?? `room-${crypto.randomUUID()}`;
    const identity = optionalString(body, "participant_identity") ??
      `guest-${crypto.randomUUID()}`;
    const name = optionalString(body, "participant_name");
    const issuedAt = now();
    const token = createAccessToken(lk.apiKey, lk.apiSecret, {
      identity,
      name,
      ttl: TOKEN_TTL_SECONDS,
      video: { roomJoin: true, room: roomName, canPublish: true, canSubscribe: true },
      currentDate: issuedAt,
    });
    return json({
      server_url: lk.wsUrl,
      participant_token: token,
      room_name: roomName,
      participant_name: name ?? identity,
      expires_at: new Date(
        (Math.floor(issuedAt.getTime() / 1000) + TOKEN_TTL_SECONDS) * 1000,
      ).toISOString(),
    }, 201);
  });
}
