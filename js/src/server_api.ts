/**
 * LiveKit's server API (Twirp over HTTP): base URLs and ready-to-send
 * RoomService requests. No I/O: pass the result to `fetch`.
 *
 * @module
 */
import { core, json, seconds } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { RoomServiceMethod, ServerApiOptions, ServerApiRequest } from "./types.ts";

/**
 * The HTTP(S) base URL of LiveKit's server API for a LiveKit URL:
 * `wss://` → `https://`, `ws://` → `http://`, a bare host → `https://`;
 * trailing slashes, query and fragment dropped.
 *
 * @example
 * ```ts
 * livekitHttpUrl("wss://demo.livekit.cloud/"); // "https://demo.livekit.cloud"
 * ```
 * @throws {EdgeError} `ERR_SERVER_API_URL`.
 */
export function livekitHttpUrl(wsUrl: string): string {
  try {
    return core.livekitHttpUrl(wsUrl);
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Builds a RoomService (or AgentDispatchService) request whose 10-minute
 * token carries only the grant the method needs (`ListRooms` → `roomList`;
 * `CreateRoom`/`DeleteRoom` → `roomCreate`; participant calls,
 * `UpdateRoomMetadata` and the dispatch calls → `roomAdmin` + `room`;
 * `MoveParticipant`/`ForwardParticipant` also `destinationRoom`).
 *
 * @example
 * ```ts
 * const req = serverApiRequest("RemoveParticipant", "wss://demo.livekit.cloud", key, secret, {
 *   room: "lobby",
 *   identity: "avatar-1",
 * });
 * const res = await fetch(req.url, req);
 * ```
 * @throws {EdgeError} `ERR_SERVER_API_METHOD`, `ERR_SERVER_API_URL`, `ERR_SERVER_API_BODY`,
 * `ERR_KEY_MISSING`, `ERR_GRANT_TOO_LONG`.
 */
export function serverApiRequest(
  method: RoomServiceMethod,
  wsUrl: string,
  apiKey: string,
  apiSecret: string,
  body?: Record<string, unknown>,
  options: ServerApiOptions = {},
): ServerApiRequest {
  try {
    return JSON.parse(core.serverApiRequest(
      method,
      wsUrl,
      apiKey,
      apiSecret,
      body === undefined || body === null ? undefined : json(body, "ERR_SERVER_API_BODY"),
      seconds(options.currentDate),
    ));
  } catch (e) {
    rethrow(e);
  }
}
