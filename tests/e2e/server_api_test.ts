// Every server-API request the package builds (serverApiRequest, one core call: src/server_api.rs)
// sent to the real livekit-server, in a room with two participants publishing video and audio
// (LiveKit's Python rtc SDK), and the effect checked through the same API. Then the doctor's
// LiveKit check against the real server: passes with the right pair, names a wrong secret and a
// wrong URL.
import { createAccessToken, type RoomServiceMethod, serverApiRequest } from "livekit-tavus-edge";
import { runDoctor } from "../../js/src/doctor/mod.ts";
import { assert, assertEquals } from "../deno/assert.ts";
import { freeTcpPort, startLiveKitServer } from "./livekit_server.ts";
import { startPeer } from "./peers.ts";

const KEY = "e2e-api-key";
const SECRET = "an-e2e-api-secret-that-is-long-enough-0123";

/** Every method; deno check fails here when the package learns one this list lacks. */
const METHODS = [
  "CreateRoom",
  "ListRooms",
  "DeleteRoom",
  "UpdateRoomMetadata",
  "ListParticipants",
  "GetParticipant",
  "RemoveParticipant",
  "MutePublishedTrack",
  "UpdateParticipant",
  "UpdateSubscriptions",
  "SendData",
  "ForwardParticipant",
  "MoveParticipant",
  "CreateDispatch",
  "ListDispatch",
  "DeleteDispatch",
] as const satisfies readonly RoomServiceMethod[];
type Missing = Exclude<RoomServiceMethod, typeof METHODS[number]>;
const _everyMethod: [Missing] extends [never] ? true : Missing = true;

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...opts,
  name:
    "server API: every request the package builds is accepted by the real server and does what it says",
  fn: async () => {
    const lk = await startLiveKitServer({ keys: { [KEY]: SECRET }, emptyTimeout: 60 });
    const peers: ReturnType<typeof startPeer>[] = [];
    const called = new Set<string>();
    const call = async (method: RoomServiceMethod, body: Record<string, unknown>) => {
      const req = serverApiRequest(method, lk.wsUrl, KEY, SECRET, body);
      const res = await fetch(req.url, req);
      const text = await res.text();
      assertEquals(res.status, 200, `${method}: ${res.status} ${text}`);
      called.add(method);
      return JSON.parse(text || "{}");
    };
    const join = (room: string, identity: string) => {
      const token = createAccessToken(KEY, SECRET, {
        identity,
        video: { roomJoin: true, room, canPublish: true, canSubscribe: true },
        ttl: 600,
      });
      const peer = startPeer("avatar.py", [lk.wsUrl, token]);
      peers.push(peer);
      return peer;
    };
    try {
      const room = "api-room";
      const other = "api-other-room";
      const created = await call("CreateRoom", { name: room, emptyTimeout: 60, metadata: "m0" });
      assertEquals([created.name, created.metadata], [room, "m0"]);
      await call("CreateRoom", { name: other, emptyTimeout: 60 });
      await Promise.all(
        [join(room, "alice"), join(room, "bob")].map((p) =>
          p.waitFor((e) => e.event === "published")
        ),
      );

      const rooms = await call("ListRooms", {});
      assertEquals(rooms.rooms.map((r: { name: string }) => r.name).sort(), [other, room]);
      const meta = await call("UpdateRoomMetadata", { room, metadata: "m1" });
      assertEquals(meta.metadata, "m1");

      const listed = await call("ListParticipants", { room });
      assertEquals(
        listed.participants.map((p: { identity: string }) => p.identity).sort(),
        ["alice", "bob"],
      );
      let alice = await call("GetParticipant", { room, identity: "alice" });
      await lkUntil(async () => {
        alice = await call("GetParticipant", { room, identity: "alice" });
        return alice.tracks?.length === 2;
      });
      const audio = alice.tracks.find((t: { type?: string }) => (t.type ?? "AUDIO") === "AUDIO");
      const video = alice.tracks.find((t: { type?: string }) => t.type === "VIDEO");
      assert(audio && video, JSON.stringify(alice.tracks));

      const updated = await call("UpdateParticipant", {
        room,
        identity: "alice",
        metadata: "role=host",
        attributes: { team: "blue" },
        name: "Alice",
      });
      assertEquals([updated.metadata, updated.attributes?.team, updated.name], [
        "role=host",
        "blue",
        "Alice",
      ]);
      const muted = await call("MutePublishedTrack", {
        room,
        identity: "alice",
        trackSid: audio.sid,
        muted: true,
      });
      assertEquals(muted.track?.muted, true);
      await call("UpdateSubscriptions", {
        room,
        identity: "bob",
        trackSids: [video.sid],
        subscribe: true,
      });
      await call("SendData", {
        room,
        data: btoa("hello"),
        kind: "RELIABLE",
        destinationIdentities: ["bob"],
        topic: "e2e",
      });

      const dispatch = await call("CreateDispatch", {
        room,
        agentName: "e2e-nobody",
        metadata: "{}",
      });
      assert(typeof dispatch.id === "string" && dispatch.id !== "", JSON.stringify(dispatch));
      const dispatches = await call("ListDispatch", { room });
      assert(
        // Twirp answers with the proto field names.
        (dispatches.agent_dispatches ?? dispatches.agentDispatches).some((d: { id: string }) =>
          d.id === dispatch.id
        ),
        JSON.stringify(dispatches),
      );
      await call("DeleteDispatch", { room, dispatchId: dispatch.id });

      // Forward/Move: the open-source server checks the token (roomAdmin on the room and
      // destinationRoom) and the body, then answers that it does not implement them (LiveKit
      // Cloud does). The package's request gets that far; one without the destinationRoom
      // grant is refused before.
      for (const method of ["ForwardParticipant", "MoveParticipant"] as const) {
        const body = { room, identity: "alice", destinationRoom: other };
        const req = serverApiRequest(method, lk.wsUrl, KEY, SECRET, body);
        const res = await fetch(req.url, req);
        assertEquals(
          [res.status, await res.json()],
          [500, { code: "unknown", msg: "twirp error unknown: not implemented" }],
          method,
        );
        called.add(method);
        const noDestination = createAccessToken(KEY, SECRET, {
          video: { roomAdmin: true, room },
          ttl: 600,
        });
        const refused = await fetch(req.url, {
          ...req,
          headers: { ...req.headers, Authorization: `Bearer ${noDestination}` },
        });
        assertEquals([method, refused.status], [method, 401], await refused.text());
      }
      await call("RemoveParticipant", { room, identity: "bob" });
      const left = await call("ListParticipants", { room });
      assertEquals(left.participants.map((p: { identity: string }) => p.identity), ["alice"]);
      await call("DeleteRoom", { room });
      await call("DeleteRoom", { room: other });
      const after = await call("ListRooms", {});
      assertEquals(after.rooms ?? [], []);
      assertEquals([...called].sort(), [...METHODS].sort());
    } finally {
      await Promise.all(peers.map((p) => p.stop()));
      await lk.close();
    }
  },
});

async function lkUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("timed out");
}

Deno.test({
  ...opts,
  name:
    "doctor: the LiveKit check passes against the real server and names a wrong secret and a wrong URL",
  fn: async () => {
    const lk = await startLiveKitServer({ keys: { [KEY]: SECRET } });
    try {
      const check = async (env: Record<string, string>) => {
        const report = await runDoctor({
          env: {
            LIVEKIT_API_KEY: KEY,
            LIVEKIT_API_SECRET: SECRET,
            LIVEKIT_WS_URL: lk.wsUrl,
            ...env,
          },
          timeoutMs: 5_000,
        });
        const r = report.checks.find((c) => c.id === "livekit.server_api");
        assert(r, JSON.stringify(report.checks.map((c) => c.id)));
        return r;
      };
      const good = await check({});
      assertEquals([good.status, good.code], ["ok", null], JSON.stringify(good));
      const wrongSecret = await check({ LIVEKIT_API_SECRET: `${SECRET}-not-this-one` });
      assertEquals(wrongSecret.status, "fail");
      assertEquals(wrongSecret.code, "DOCTOR_LIVEKIT_WRONG_SECRET", JSON.stringify(wrongSecret));
      const wrongKey = await check({ LIVEKIT_API_KEY: "not-a-key-of-this-server" });
      assertEquals(wrongKey.code, "DOCTOR_LIVEKIT_UNKNOWN_KEY", JSON.stringify(wrongKey));
      const closed = await check({ LIVEKIT_WS_URL: `ws://127.0.0.1:${freeTcpPort()}` });
      assertEquals([closed.status, closed.code], ["fail", "DOCTOR_LIVEKIT_REFUSED"]);
      // A URL where some other web server answers (here: a plain 404 server).
      const other = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () => new Response("not found", { status: 404 }),
      );
      try {
        const notLk = await check({ LIVEKIT_WS_URL: `ws://127.0.0.1:${other.addr.port}` });
        assertEquals([notLk.status, notLk.code], ["fail", "DOCTOR_LIVEKIT_NOT_LIVEKIT"]);
      } finally {
        await other.shutdown();
      }
    } finally {
      await lk.close();
    }
  },
});
