// The avatar of each mode, with loopback Tavus and LiveKit stand-ins that check every
// request: direct mode creates exactly one conversation per session (retries and races
// included) and maps each Tavus failure to its code without leaving a live row; agent
// mode creates the room with its agents dispatched server-side; none mode only mints.
import type { RoomConfiguration } from "livekit-tavus-edge";
import type { CreateConversationBody } from "livekit-tavus-edge/avatar";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { MemorySessionStore } from "../../supabase/functions/_shared/sessions.ts";
import { allProblems } from "../standins/common.ts";
import { startLiveKit } from "../standins/livekit.ts";
import { startTavus, type TavusOptions } from "../standins/tavus.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  ADA,
  auth,
  captureLog,
  devEnv,
  errorOf,
  JWT_SECRET,
  payloadOf,
  post,
  userJwt,
} from "./fixtures.ts";

const BASE = "http://local/livekit-token";
// The LiveKit stand-in verifies server-API tokens against the real clock, so these tests
// run on it too.
const START = Date.now();
const signIn = () => userJwt(ADA, {}, JWT_SECRET, START);

async function withStandIns(
  tavusOptions: TavusOptions,
  env: Record<string, string>,
  run: (t: {
    handler: (req: Request) => Promise<Response>;
    tavus: ReturnType<typeof startTavus>;
    livekit: ReturnType<typeof startLiveKit>;
    sessions: MemorySessionStore;
    logs: ReturnType<typeof captureLog>;
    tick: (s: number) => void;
  }) => Promise<void>,
) {
  const tavus = startTavus(tavusOptions);
  const livekit = startLiveKit();
  let now = START;
  const sessions = new MemorySessionStore(() => new Date(now));
  const logs = captureLog();
  const handler = createTokenHandler({
    env: () =>
      devEnv({
        LIVEKIT_WS_URL: livekit.wsUrl,
        TAVUS_API_KEY: tavus.apiKey,
        TAVUS_API_URL: tavus.url,
        ...env,
      }),
    now: () => new Date(now),
    sessions,
    log: logs.log,
  });
  try {
    await run({
      handler: async (r) => await handler(r),
      tavus,
      livekit,
      sessions,
      logs,
      tick: (s) => (now += s * 1000),
    });
    assertEquals(allProblems([...tavus.requests, ...livekit.requests]), []);
  } finally {
    await tavus.close();
    await livekit.close();
  }
}

Deno.test("direct: one Tavus conversation per session, whatever the retries", async () => {
  await withStandIns({}, {}, async ({ handler, tavus, livekit, sessions, tick }) => {
    const jwt = await signIn();
    const first = await handler(post(BASE, { scenario_id: "travel-guide" }, auth(jwt)));
    assertEquals(first.status, 201);
    const a = await first.json();
    assertMatch(a.conversation_id, /^c[0-9a-f]{10}$/);
    assertEquals([a.avatar_status, a.dry_run], ["live", false]);
    tick(30);
    const b = await (await handler(post(BASE, { scenario_id: "travel-guide" }, auth(jwt)))).json();
    assertEquals([b.room_name, b.conversation_id, b.reused], [
      a.room_name,
      a.conversation_id,
      true,
    ]);
    const creates = tavus.requests.filter((r) => r.path === "/v2/conversations");
    assertEquals(creates.length, 1);
    // The create body: the scenario, the room, the avatar's own token, a cap always set.
    const body = creates[0]!.body as CreateConversationBody;
    assertEquals(creates[0]!.headers.get("x-api-key"), tavus.apiKey);
    assertEquals(body.replica_id, "rb17cf590e15");
    assertEquals(body.persona_id, "p9a95912ab10");
    assertMatch(body.conversational_context, /^Eres Lucía/);
    assertEquals(body.properties.language, "spanish");
    assertEquals(body.properties.max_call_duration, 1200);
    assertEquals(body.properties.livekit_ws_url, livekit.wsUrl);
    const avatar = payloadOf(body.properties.livekit_room_token) as unknown as {
      kind: string;
      sub: string;
      attributes: Record<string, string>;
      video: { room: string };
      exp: number;
      nbf: number;
    };
    assertEquals(avatar.kind, "agent");
    assertEquals(avatar.sub, "tavus-avatar-agent");
    assertEquals(avatar.attributes, { "lk.publish_on_behalf": "assistant" });
    assertEquals(avatar.video.room, a.room_name);
    assertEquals(avatar.exp - avatar.nbf, 1200 + 300);
    assertEquals(sessions.rows[0]!.conversationId, a.conversation_id);
    assertEquals(livekit.requests.length, 0);
  });
});

Deno.test("direct: two requests racing for one session start one conversation", async () => {
  await withStandIns({ delayMs: 150 }, {}, async ({ handler, tavus }) => {
    const jwt = await signIn();
    const [r1, r2] = await Promise.all([
      handler(post(BASE, {}, auth(jwt))),
      handler(post(BASE, {}, auth(jwt))),
    ]);
    const [a, b] = [await r1.json(), await r2.json()];
    assertEquals([r1.status, r2.status], [201, 201]);
    assertEquals(a.room_name, b.room_name);
    // One of them started the avatar; the other saw it starting.
    assertEquals([a.avatar_status, b.avatar_status].sort(), ["live", "starting"]);
    assertEquals(tavus.conversations.size, 1);
  });
});

Deno.test("direct: each Tavus failure has its code and leaves no row claiming a live avatar", async () => {
  const cases: [string, TavusOptions, Record<string, string>, number, string, RegExp?][] = [
    ["concurrency cap", { maxConcurrent: 0 }, {}, 503, "ERR_TAVUS_CONCURRENCY"],
    ["unknown replica", { replicas: [] }, {}, 502, "ERR_TAVUS_REPLICA", /casual-conversation/],
    ["unknown persona", { personas: [] }, {}, 502, "ERR_TAVUS_PERSONA", /casual-conversation/],
    ["bad key", {}, { TAVUS_API_KEY: "wrong-key" }, 502, "ERR_TAVUS_UNAUTHORIZED"],
    [
      "server error",
      {
        failWith: () => ({ status: 500, body: { message: "internal" } }),
      },
      {},
      502,
      "ERR_TAVUS_UNAVAILABLE",
    ],
    [
      "rate limit",
      {
        failWith: () => ({ status: 429, body: { message: "slow down" } }),
      },
      {},
      503,
      "ERR_TAVUS_RATE_LIMITED",
    ],
    [
      "no conversation id",
      {
        failWith: () => ({ status: 200, body: { status: "active" } }),
      },
      {},
      502,
      "ERR_TAVUS_BAD_RESPONSE",
    ],
    ["slow answer", { delayMs: 800 }, { UPSTREAM_TIMEOUT_MS: "200" }, 504, "ERR_TAVUS_TIMEOUT"],
  ];
  for (const [name, tavusOptions, env, status, code, message] of cases) {
    await withStandIns(tavusOptions, env, async ({ handler, sessions, tavus, logs }) => {
      const res = await handler(post(BASE, {}, auth(await signIn())));
      const body = await res.json();
      assertEquals([res.status, body.error?.code], [status, code], name);
      if (message) assertMatch(body.error.message, message, name);
      if (status === 503) assert(res.headers.get("retry-after"), `${name}: retry-after`);
      assertEquals(sessions.rows.map((r) => r.status), ["failed"], name);
      assertEquals(sessions.rows[0]!.endReason, `failed: ${code}`, name);
      assert(logs.lines.some((l) => l.event === "avatar_start_failed"), name);
      assert(!logs.text().includes(tavus.apiKey), `${name}: key logged`);
      if (name === "bad key") tavus.requests.length = 0; // the stand-in's 401 is the point
    });
  }
});

Deno.test("direct: after a failure, the next request starts a new session and avatar", async () => {
  let fail = true;
  await withStandIns(
    {
      failWith: (rec) =>
        rec.path === "/v2/conversations" && fail
          ? { status: 400, body: { message: "User has reached maximum concurrent conversations" } }
          : undefined,
    },
    {},
    async ({ handler, sessions }) => {
      const jwt = await signIn();
      assertEquals((await handler(post(BASE, {}, auth(jwt)))).status, 503);
      fail = false;
      const ok = await handler(post(BASE, {}, auth(jwt)));
      assertEquals(ok.status, 201);
      assertEquals(sessions.rows.map((r) => r.status), ["failed", "live"]);
    },
  );
});

Deno.test("direct: a session left starting by a request that died is replaced", async () => {
  await withStandIns({}, {}, async ({ handler, sessions, tavus, tick }) => {
    const jwt = await signIn();
    // A request that claimed and died before Tavus answered.
    await sessions.claim({
      userId: ADA,
      scenarioId: "casual-conversation",
      roomName: "avatar-dead",
      mode: "direct",
      maxLive: 2,
      durationSeconds: 1800,
    });
    const soon = await (await handler(post(BASE, {}, auth(jwt)))).json();
    assertEquals([soon.room_name, soon.avatar_status], ["avatar-dead", "starting"]);
    tick(60);
    const later = await (await handler(post(BASE, {}, auth(jwt)))).json();
    assert(later.room_name !== "avatar-dead");
    assertEquals(later.avatar_status, "live");
    assertEquals(sessions.rows.map((r) => [r.status, r.endReason]), [
      ["failed", "failed: start abandoned"],
      ["live", null],
    ]);
    assertEquals(tavus.conversations.size, 1);
  });
});

Deno.test("direct: the end route ends the conversation once and deletes the room", async () => {
  await withStandIns({}, {}, async ({ handler, tavus, livekit }) => {
    const jwt = await signIn();
    const a = await (await handler(post(BASE, {}, auth(jwt)))).json();
    livekit.rooms.add(a.room_name);
    const res = await handler(post(`${BASE}/end`, {}, auth(jwt)));
    const body = await res.json();
    assertEquals(res.status, 200);
    assertEquals(body.ended[0].conversation_id, a.conversation_id);
    assertEquals([body.ended[0].tavus, body.ended[0].room], ["ended", "deleted"]);
    assertEquals(tavus.conversations.get(a.conversation_id)!.endCalls, 1);
    assertEquals(tavus.conversations.get(a.conversation_id)!.status, "ended");
    assertEquals(livekit.deleted, [a.room_name]);
    // The LiveKit stand-in verified the server-API token and its roomCreate grant.
    assertEquals(livekit.requests.map((r) => r.path), ["/twirp/livekit.RoomService/DeleteRoom"]);
    assertEquals((await handler(post(`${BASE}/end`, {}, auth(jwt)))).status, 404);
    assertEquals(tavus.conversations.get(a.conversation_id)!.endCalls, 1);
  });
});

Deno.test("direct: the Tavus callback URL carries the secret when one is configured", async () => {
  await withStandIns({}, {
    TAVUS_CALLBACK_SECRET: "cb-secret-0123456789abcdefghij",
    FUNCTIONS_BASE_URL: "https://abc.supabase.co/functions/v1",
    TAVUS_TEST_MODE: "true",
  }, async ({ handler, tavus, logs, sessions }) => {
    await handler(post(BASE, {}, auth(await signIn())));
    const body = tavus.requests[0]!.body as Record<string, unknown>;
    // The session id after the secret lets a callback about a conversation whose create
    // answer was lost reach its session.
    const [session] = await sessions.listOpen(ADA, {});
    assertEquals(
      body.callback_url,
      `https://abc.supabase.co/functions/v1/tavus-callback/cb-secret-0123456789abcdefghij/${
        session!.id
      }`,
    );
    assertEquals(body.test_mode, true);
    assert(!logs.text().includes("cb-secret"), "the callback secret reached a log");
  });
});

Deno.test("agent: the room's dispatch carries the scenario; no Tavus call", async () => {
  await withStandIns({}, {
    AVATAR_MODE: "agent",
    AGENT_NAME: "tutor",
    TOKEN_ALLOWED_AGENTS: "note-taker",
  }, async ({ handler, tavus, livekit }) => {
    const jwt = await signIn();
    const res = await handler(post(BASE, {
      scenario_id: "business-meeting",
      room_config: {
        agents: [{ agent_name: "tutor", metadata: "level=b2" }, { agent_name: "note-taker" }],
      },
    }, auth(jwt)));
    assertEquals(res.status, 201);
    const body = await res.json();
    assertEquals([body.avatar_mode, body.avatar_status, body.conversation_id], [
      "agent",
      "dispatched",
      null,
    ]);
    const agents = (livekit.created[0]!.body as RoomConfiguration).agents!;
    assertEquals(agents.map((a) => a.agentName), ["tutor", "note-taker"]);
    const meta = JSON.parse(agents[0]!.metadata!);
    assertEquals(meta, {
      scenario_id: "business-meeting",
      replica_id: "r3a47ce45e68",
      persona_id: "p5d11710002a",
      language: "english",
      prompt: meta.prompt,
      greeting: "Good morning, thanks for joining. Shall we start with your update?",
      max_call_duration: 1800,
      session_id: body.session_id,
      client_metadata: "level=b2",
    });
    assertMatch(meta.prompt, /^You are Daniel/);
    assertEquals(agents[1]!.metadata, undefined);
    assertEquals(tavus.requests.length, 0);
    // Another agent is refused.
    const other = post(BASE, { room_config: { agents: [{ agent_name: "x" }] } }, auth(jwt));
    assertEquals(await errorOf(await handler(other)), {
      status: 403,
      code: "ERR_AGENT_NOT_ALLOWED",
    });
  });
});

Deno.test("agent: the server creates the room and dispatches; the user's token only joins", async () => {
  await withStandIns({}, {
    AVATAR_MODE: "agent",
    AGENT_NAME: "tutor",
    TOKEN_ALLOWED_AGENTS: "note-taker",
  }, async ({ handler, livekit, sessions, tick }) => {
    const jwt = await signIn();
    const ask = { room_config: { agents: [{ agent_name: "note-taker" }] } };
    const res = await handler(post(BASE, ask, auth(jwt)));
    assertEquals(res.status, 201);
    const a = await res.json();
    // Nothing in the user's hands can dispatch an agent: a replayed join after the
    // session ended cannot start another avatar.
    const claims = payloadOf(a.participant_token);
    assertEquals(claims.roomConfig, undefined);
    assertEquals((claims.video as Record<string, unknown>).roomCreate, undefined);
    // The room was created once, server-side, with both agents dispatched on it.
    assertEquals(livekit.created.map((c) => c.name), [a.room_name]);
    assertEquals(livekit.dispatches.map((d) => [d.room, d.agentName]), [
      [a.room_name, "tutor"],
      [a.room_name, "note-taker"],
    ]);
    assertEquals(JSON.parse(livekit.dispatches[0]!.metadata).session_id, a.session_id);
    assertEquals([a.avatar_status, sessions.rows[0]!.status], ["dispatched", "live"]);
    // A refresh reuses the room: no second room, no second dispatch.
    tick(1500);
    const b = await (await handler(post(BASE, ask, auth(jwt)))).json();
    assertEquals([b.room_name, b.reused], [a.room_name, true]);
    assertEquals(livekit.dispatches.length, 2);
    // The token never outlives the session (business-meeting lasts 1800 s).
    assertEquals(
      payloadOf(b.participant_token).exp,
      Math.floor(Date.parse(a.session_expires_at) / 1000),
    );
  });
});

Deno.test("agent: a room LiveKit refuses to create fails the session and issues no token", async () => {
  await withStandIns({}, { AVATAR_MODE: "agent", AGENT_NAME: "tutor" }, async (t) => {
    await t.livekit.close();
    const res = await t.handler(post(BASE, {}, auth(await signIn())));
    assertEquals(await errorOf(res), { status: 502, code: "ERR_LIVEKIT_NETWORK" });
    assertEquals(t.sessions.rows.map((r) => r.status), ["failed"]);
  });
});

Deno.test("agent: without an agent name the scenario cannot start (503)", async () => {
  await withStandIns({}, { AVATAR_MODE: "agent" }, async ({ handler }) => {
    assertEquals(await errorOf(await handler(post(BASE, {}, auth(await signIn())))), {
      status: 503,
      code: "ERR_NOT_CONFIGURED",
    });
  });
});

Deno.test("none: tokens only, still one room per session", async () => {
  await withStandIns({}, { AVATAR_MODE: "none" }, async ({ handler, tavus, sessions }) => {
    const jwt = await signIn();
    const a = await (await handler(post(BASE, {}, auth(jwt)))).json();
    const b = await (await handler(post(BASE, {}, auth(jwt)))).json();
    assertEquals([a.avatar_status, a.conversation_id, b.room_name], ["none", null, a.room_name]);
    assertEquals(payloadOf(a.participant_token).roomConfig, undefined);
    assertEquals(tavus.requests.length, 0);
    assertEquals(sessions.rows.map((r) => [r.mode, r.status]), [["none", "live"]]);
  });
});
