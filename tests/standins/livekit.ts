/**
 * A loopback stand-in for LiveKit's server API (Twirp: `POST
 * /twirp/livekit.RoomService/<Method>`, and AgentDispatchService's dispatch
 * calls). Every request's `Authorization:
 * Bearer <token>` is verified with the official livekit-server-sdk
 * (`TokenVerifier`), and the grant each method needs is checked: ListRooms
 * `roomList`; CreateRoom/DeleteRoom `roomCreate`; participant calls and
 * UpdateRoomMetadata and the dispatch calls `roomAdmin` for the target room. Errors use Twirp's
 * `{code, msg}` bodies. Also signs webhooks the way LiveKit's server does.
 */
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { type RecordedRequest, reply, serveStandIn, type StandIn } from "./common.ts";

/** Failure modes and data. */
export interface LiveKitOptions {
  /** The API key (default `devkey`). */
  apiKey?: string;
  /** The API secret (default `secret`). */
  apiSecret?: string;
  /** Rooms that exist at start. */
  rooms?: string[];
  /** Delay before answering (ms), or per request. */
  delayMs?: number | ((rec: RecordedRequest) => number);
  /** Answer this instead when it returns something. */
  failWith?: (rec: RecordedRequest) => { status: number; body: unknown } | undefined;
}

/** The running stand-in. */
export interface LiveKitStandIn extends StandIn {
  /** `ws://127.0.0.1:<port>`: what LIVEKIT_WS_URL is set to. */
  wsUrl: string;
  /** Rooms that exist. */
  rooms: Set<string>;
  /** Rooms deleted, in order. */
  deleted: string[];
  /** Rooms created by CreateRoom, in order, with the request body. */
  created: { name: string; body: Record<string, unknown> }[];
  /** Agent dispatches (CreateRoom with agents, CreateDispatch), in order. */
  dispatches: { room: string; agentName: string; metadata: string }[];
}

const DISPATCH = new Set(["CreateDispatch", "ListDispatch", "DeleteDispatch"]);

const ROOM_ADMIN = new Set([
  "UpdateRoomMetadata",
  "ListParticipants",
  "GetParticipant",
  "RemoveParticipant",
  "MutePublishedTrack",
  "UpdateParticipant",
  "UpdateSubscriptions",
  "SendData",
]);

/** Starts the stand-in on a free loopback port. */
export function startLiveKit(options: LiveKitOptions = {}): LiveKitStandIn {
  const apiKey = options.apiKey ?? "devkey";
  const apiSecret = options.apiSecret ?? "secret";
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const rooms = new Set(options.rooms ?? []);
  const deleted: string[] = [];
  const created: LiveKitStandIn["created"] = [];
  const dispatches: LiveKitStandIn["dispatches"] = [];
  const twirp = (status: number, code: string, msg: string) => reply({ code, msg }, status);

  const server = serveStandIn(async (_req, rec) => {
    const m = rec.path.match(/^\/twirp\/livekit\.(RoomService|AgentDispatchService)\/([A-Za-z]+)$/);
    if (rec.method !== "POST" || !m) {
      rec.problems.push("not a RoomService or AgentDispatchService call");
      return twirp(404, "bad_route", "no handler for path");
    }
    const service = m[1]!;
    const method = m[2]!;
    if ((service === "AgentDispatchService") !== DISPATCH.has(method)) {
      rec.problems.push(`${method} is not a method of ${service}`);
      return twirp(404, "bad_route", "no handler for path");
    }
    const auth = rec.headers.get("authorization") ?? "";
    if (!auth.startsWith("Bearer ")) {
      rec.problems.push("Authorization is not `Bearer <token>`");
      return twirp(401, "unauthenticated", "authorization header must be Bearer");
    }
    let claims;
    try {
      claims = await verifier.verify(auth.slice(7));
    } catch {
      rec.problems.push("the token does not verify");
      return twirp(401, "unauthenticated", "invalid token");
    }
    if (!/^application\/json/i.test(rec.headers.get("content-type") ?? "")) {
      rec.problems.push("content-type is not application/json");
    }
    const body = (rec.body ?? {}) as Record<string, unknown>;
    const v = claims.video ?? {};
    const granted = method === "ListRooms"
      ? v.roomList === true
      : method === "CreateRoom" || method === "DeleteRoom"
      ? v.roomCreate === true
      : ROOM_ADMIN.has(method) || DISPATCH.has(method)
      ? v.roomAdmin === true && v.room === body.room
      : false;
    if (!granted) {
      rec.problems.push(`the token lacks the grant ${method} needs`);
      return twirp(403, "permission_denied", "permissions denied");
    }
    const injected = options.failWith?.(rec);
    if (injected) return reply(injected.body, injected.status);
    switch (method) {
      case "DeleteRoom": {
        if (typeof body.room !== "string") {
          rec.problems.push("DeleteRoom without room");
          return twirp(400, "invalid_argument", "room is required");
        }
        if (!rooms.delete(body.room)) {
          return twirp(404, "not_found", "requested room does not exist");
        }
        deleted.push(body.room);
        return reply({});
      }
      case "CreateRoom": {
        if (typeof body.name !== "string" || body.name === "") {
          rec.problems.push("CreateRoom without name");
          return twirp(400, "invalid_argument", "name is required");
        }
        const name = body.name;
        if (!rooms.has(name)) {
          rooms.add(name);
          // Agents in CreateRoom are dispatched when this call creates the room.
          const agents = Array.isArray(body.agents) ? body.agents : [];
          for (const a of agents as Record<string, unknown>[]) {
            const agentName = a.agentName ?? a.agent_name;
            if (typeof agentName !== "string" || agentName === "") {
              rec.problems.push("CreateRoom: an agent without agentName");
              continue;
            }
            dispatches.push({ room: name, agentName, metadata: String(a.metadata ?? "") });
          }
          created.push({ name, body });
        }
        return reply({ name, sid: `RM_${crypto.randomUUID().slice(0, 12)}` });
      }
      case "CreateDispatch": {
        const agentName = body.agentName ?? body.agent_name;
        if (typeof agentName !== "string" || agentName === "" || typeof body.room !== "string") {
          rec.problems.push("CreateDispatch without room and agent_name");
          return twirp(400, "invalid_argument", "room and agent_name are required");
        }
        const d = { room: body.room, agentName, metadata: String(body.metadata ?? "") };
        dispatches.push(d);
        return reply({ id: `AD_${dispatches.length}`, agent_name: agentName, room: body.room });
      }
      case "ListDispatch":
        return reply({
          agentDispatches: dispatches.filter((d) => d.room === body.room).map((d, i) => ({
            id: `AD_${i + 1}`,
            agentName: d.agentName,
            room: d.room,
            metadata: d.metadata,
          })),
        });
      case "ListRooms": {
        const names = Array.isArray(body.names) ? new Set(body.names.map(String)) : null;
        return reply({
          rooms: [...rooms].filter((n) => !names || names.has(n)).map((name) => ({ name })),
        });
      }
      default:
        return reply({});
    }
  }, options.delayMs);

  return {
    ...server,
    wsUrl: server.url.replace(/^http/, "ws"),
    rooms,
    deleted,
    created,
    dispatches,
  };
}

/** A webhook delivery as LiveKit's server sends it: body, `Authorization` JWT, content type. */
export async function signedWebhook(
  event: Record<string, unknown>,
  options: { apiKey?: string; apiSecret?: string } = {},
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify(event);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const at = new AccessToken(options.apiKey ?? "devkey", options.apiSecret ?? "secret", {
    ttl: "5m",
  });
  at.sha256 = btoa(String.fromCharCode(...new Uint8Array(digest)));
  return {
    body,
    headers: {
      authorization: await at.toJwt(),
      "content-type": "application/webhook+json",
    },
  };
}

/** A webhook event in LiveKit's protobuf-JSON shape (int64 as strings). */
export function webhookEvent(
  event: string,
  room: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event,
    id: `EV_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: "RM_stand1n", name: room, emptyTimeout: 300, creationTime: "1764072000" },
    ...extra,
  };
}
