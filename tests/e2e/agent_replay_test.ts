// Agent mode cannot be replayed (finding 3 of issue 12), against the real livekit-server with
// a real livekit-agents worker registered for the agent: the function creates the session's room
// and dispatches the agent itself, and the user's token only joins. A start/end loop gets
// exactly one job per session; with the per-user cap reached no room and no dispatch are made;
// after /end (the room is deleted) the user's old token, still within its lifetime, joins again:
// the server re-creates the room, and no agent is dispatched.
import { AgentDispatchClient, RoomServiceClient } from "livekit-server-sdk";
import { assert, assertEquals } from "../deno/assert.ts";
import { payloadOf } from "../deno/fixtures.ts";
import { serveFunctions } from "../deno/served.ts";
import { hs256Jwt, userClaims } from "../standins/supabase.ts";
import { postgresAvailable, startPostgres, startPostgrest } from "../standins/postgres.ts";
import { startLiveKitServer } from "./livekit_server.ts";
import { type Peer, type PeerEvent, startPeer } from "./peers.ts";

const API_KEY = "replay-api-key";
const API_SECRET = "a-replay-api-secret-that-is-long-enough-0123";
const JWT_SECRET = "a-replay-auth-jwt-secret-that-is-long-enough-012345";
const ISSUER = "http://127.0.0.1:54321/auth/v1";
const USER = "5a1d6e2b-3c4f-4a5b-8c6d-7e8f9a0b1c2d";
const AGENT = "replay-avatar-agent";

Deno.test({
  name:
    "agent mode: a user's old token re-creates an ended session's room but dispatches no agent; the cap holds",
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: !postgresAvailable(),
  fn: async () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    const peers: Peer[] = [];
    try {
      const db = await startPostgres();
      cleanups.push(() => db.close());
      await db.query("insert into auth.users (id) values ($1)", [USER]);
      const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
      cleanups.push(() => api.close());
      const livekit = await startLiveKitServer({
        keys: { [API_KEY]: API_SECRET },
        autoCreate: true,
        emptyTimeout: 30,
        departureTimeout: 1,
      });
      cleanups.push(() => livekit.close());
      const served = await serveFunctions({
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: API_SECRET,
        LIVEKIT_WS_URL: livekit.wsUrl,
        SUPABASE_URL: api.url,
        SUPABASE_ANON_KEY: api.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: api.serviceRoleKey,
        AUTH_JWT_SECRET: JWT_SECRET,
        AUTH_JWT_ISSUER: ISSUER,
        AVATAR_MODE: "agent",
        AGENT_NAME: AGENT,
        MAX_LIVE_SESSIONS_PER_USER: "1",
      });
      cleanups.push(() => served.close());

      // This livekit-server build stops handing a worker connection new jobs once a user has
      // joined a room it served (a fresh registration gets them again; see the report), so
      // each step below starts with a freshly registered worker: a dispatch, if there is one,
      // reaches it.
      let worker: Peer | null = null;
      const allJobs: PeerEvent[] = [];
      const freshWorker = async () => {
        if (worker) {
          await worker.stop();
          allJobs.push(...worker.events.filter((e) => e.event === "job"));
        }
        worker = startPeer("agent_worker.py", [AGENT], {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "",
          LIVEKIT_URL: livekit.wsUrl,
          LIVEKIT_API_KEY: API_KEY,
          LIVEKIT_API_SECRET: API_SECRET,
        });
        peers.push(worker);
        await worker.waitFor((e) => e.event === "registered", 90_000);
        return worker;
      };

      const jwt = await hs256Jwt(userClaims(USER, ISSUER), JWT_SECRET);
      const call = async (path: string, body: unknown) => {
        const res = await fetch(`${served.base}/livekit-token${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      };
      // The server's own view, through the official SDK.
      const roomService = new RoomServiceClient(livekit.httpUrl, API_KEY, API_SECRET);
      const dispatchService = new AgentDispatchClient(livekit.httpUrl, API_KEY, API_SECRET);
      const rooms = async () => (await roomService.listRooms()).map((r) => r.name);
      // Dispatches of our agent. (The server also records its automatic dispatch for unnamed
      // agents, agentName "", on every room created without explicit agents; no unnamed worker
      // runs here, and none would start an avatar.)
      const dispatches = async (room: string) =>
        (await dispatchService.listDispatch(room)).filter((d) => d.agentName === AGENT).length;
      const jobs = () => [...allJobs, ...(worker?.events.filter((e) => e.event === "job") ?? [])];
      /** Joins with a token as a client does (LiveKit's Python rtc SDK). */
      const join = async (token: string) => {
        const p = startPeer("avatar.py", [livekit.wsUrl, token], {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "",
        });
        peers.push(p);
        await p.waitFor((e) => e.event === "joined", 60_000);
        await p.waitFor((e) => e.event === "published", 30_000);
        return p;
      };

      // 1. Three sessions, one after the other (a start/end loop). Each time the function
      //    creates the room with the agent dispatched, the worker gets one job with the
      //    session, the user's token carries no dispatch, and /end deletes the room.
      const ended: { room: string; token: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const w = await freshWorker();
        const started = await call("", { scenario_id: "business-meeting" });
        assertEquals(started.status, 201, JSON.stringify(started.body));
        const room = started.body.room_name;
        const token = started.body.participant_token;
        assertEquals(payloadOf(token).roomConfig, undefined, "the token only joins");
        assert((await rooms()).includes(room), "the function created the room");
        const job = await w.waitFor((e) => e.event === "job" && e.room === room, 30_000);
        assertEquals(JSON.parse(String(job.metadata)).session_id, started.body.session_id);
        const user = await join(token);
        await w.waitFor((e) => e.event === "joined" && e.room === room, 30_000);
        if (i === 0) {
          // The cap (1): another scenario is refused; nothing is created or dispatched.
          const refused = await call("", { scenario_id: "travel-guide" });
          assertEquals([refused.status, refused.body.error?.code], [409, "ERR_SESSION_LIMIT"]);
          assertEquals(await rooms(), [room]);
        }
        const end = await call("/end", {});
        assertEquals([end.status, end.body.ended[0].room], [200, "deleted"]);
        await user.waitFor((e) => e.event === "disconnected", 30_000);
        await w.waitFor((e) => e.event === "job_ended" && e.room === room, 30_000);
        assertEquals(await rooms(), []);
        ended.push({ room, token });
      }
      assertEquals(jobs().length, 3, "one job per session");

      // 2. The first session's old token, still within its lifetime, joins again: the server
      //    re-creates the room on the join, and no agent comes to it.
      await freshWorker();
      const first = ended[0]!;
      assert((payloadOf(first.token).exp as number) * 1000 > Date.now() + 60_000, "still valid");
      const replay = await join(first.token);
      assert((await rooms()).includes(first.room), "the join re-created the room");
      await new Promise((r) => setTimeout(r, 5_000));
      assertEquals(jobs().length, 3, "no job for the worker in the re-created room");
      assertEquals(await dispatches(first.room), 0, "no dispatch on the re-created room");
      await replay.stop();
      // The other old tokens: re-created rooms without a dispatch either.
      for (const e of ended.slice(1)) {
        const again = await join(e.token);
        assertEquals(await dispatches(e.room), 0);
        await again.stop();
      }
      const sessions = await db.query("select status from public.avatar_sessions");
      assertEquals(sessions.rows.length, 3);
      assert(
        sessions.rows.every((r: { status: string }) => r.status === "ended"),
        JSON.stringify(sessions.rows),
      );
    } finally {
      for (const p of peers.reverse()) await p.stop().catch(() => {});
      for (const c of cleanups.reverse()) await c().catch((e) => console.error("cleanup:", e));
    }
  },
});
