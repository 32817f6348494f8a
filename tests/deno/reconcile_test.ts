// The reconcile function through its handler, with loopback Tavus and LiveKit stand-ins that
// check every request (the listing's status/limit/page included): it ends what nothing else
// ended (finding 4: a failed end is retried; finding 1: a conversation whose create answer was
// lost is found by its name), never touches a conversation it did not create, closes sessions
// whose room is gone, deletes rooms left behind, runs once under its lease, answers the
// service role only, and reports what it did. On the in-memory store and on the real
// migrations (PostgreSQL behind the PostgREST-shaped stand-in).
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createReconcileHandler } from "../../supabase/functions/_shared/reconcile.ts";
import {
  MemorySessionStore,
  type SessionStore,
} from "../../supabase/functions/_shared/sessions.ts";
import { SupabaseSessionStore } from "../../supabase/functions/_shared/sessions_supabase.ts";
import { HttpError } from "../../supabase/functions/_shared/http.ts";
import { EmbeddedScenarios } from "../../supabase/functions/_shared/scenarios.ts";
import { allProblems } from "../standins/common.ts";
import { postgresAvailable, startPostgres, startPostgrest } from "../standins/postgres.ts";
import type { startTavus, TavusConversation, TavusOptions } from "../standins/tavus.ts";
import { assert, assertEquals } from "./assert.ts";
import {
  ADA,
  auth,
  BOB,
  captureLog,
  devEnv,
  errorOf,
  JWT_SECRET,
  post,
  upstreams,
  userJwt,
} from "./fixtures.ts";

const TOKEN = "http://local/livekit-token";
const RECONCILE = "http://local/reconcile";
const SERVICE_KEY = "sb_secret_reconcile_test_0123456789";

interface Store {
  store: SessionStore;
  /** Moves the store's clock (the database's) forward. */
  advance: (seconds: number) => Promise<void>;
  /** The rows, as the test sees them. */
  rows: () => Promise<
    { id: string; status: string; pending: boolean; conversation: string | null; room: string }[]
  >;
  close: () => Promise<void>;
}

function memoryStore(): Store {
  let offset = 0;
  const store = new MemorySessionStore(() => new Date(Date.now() + offset));
  return {
    store,
    advance: (s) => Promise.resolve(void (offset += s * 1000)),
    rows: () =>
      Promise.resolve(store.rows.map((r) => ({
        id: r.id,
        status: r.status,
        pending: r.tavusEndPending,
        conversation: r.conversationId,
        room: r.roomName,
      }))),
    close: () => Promise.resolve(),
  };
}

async function postgresStore(): Promise<Store> {
  const db = await startPostgres();
  await db.query("insert into auth.users (id) values ($1), ($2)", [ADA, BOB]);
  const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
  return {
    store: new SupabaseSessionStore(
      { url: api.url, anonKey: api.anonKey, serviceRoleKey: api.serviceRoleKey },
      fetch,
      5_000,
    ),
    // The database's clock cannot move: move the rows into the past instead.
    advance: async (s) => {
      await db.query(
        `update public.avatar_sessions set created_at = created_at - make_interval(secs => $1),
                updated_at = updated_at - make_interval(secs => $1),
                ended_at = ended_at - make_interval(secs => $1),
                expires_at = expires_at - make_interval(secs => $1)`,
        [s],
      );
    },
    rows: async () =>
      (await db.query(
        `select id, status, tavus_end_pending as pending, conversation_id as conversation,
                room_name as room from public.avatar_sessions order by created_at`,
      )).rows,
    close: async () => {
      assertEquals(allProblems(api.requests), []);
      await api.close();
      await db.close();
    },
  };
}

const STORES: [string, () => Promise<Store>, boolean][] = [
  ["memory", () => Promise.resolve(memoryStore()), true],
  ["real Postgres and migrations", postgresStore, postgresAvailable()],
];

async function world(
  make: () => Promise<Store>,
  tavusOptions: TavusOptions = {},
  env: Record<string, string> = {},
) {
  const up = upstreams(tavusOptions);
  const { tavus, livekit } = up;
  const db = await make();
  const logs = captureLog();
  const deps = {
    env: () => up.env({ SUPABASE_SECRET_KEYS: JSON.stringify({ default: SERVICE_KEY }), ...env }),
    sessions: db.store,
    scenarios: new EmbeddedScenarios(),
    log: logs.log,
  };
  const token = createTokenHandler(deps);
  const reconcileHandler = createReconcileHandler(deps);
  const reconcile = async (key = SERVICE_KEY) => {
    const res = await reconcileHandler(
      new Request(RECONCILE, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: "{}",
      }),
    );
    return { status: res.status, body: await res.json() };
  };
  const start = async (user = ADA, body: unknown = {}) => {
    const jwt = await userJwt(user, {}, JWT_SECRET, Date.now());
    return await token(post(TOKEN, body, auth(jwt)));
  };
  const active = () => [...tavus.conversations.values()].filter((c) => c.status === "active");
  return {
    tavus,
    livekit,
    db,
    logs,
    token,
    start,
    reconcile,
    active,
    close: async () => {
      try {
        await up.close();
      } finally {
        await db.close();
      }
    },
  };
}

/** A conversation made by someone else on the same Tavus account. */
function foreign(tavus: ReturnType<typeof startTavus>, id: string, name: string) {
  const c: TavusConversation = {
    conversation_id: id,
    status: "active",
    replica_id: "r6ae5b6efc9d",
    body: {},
    endCalls: 0,
    conversation_name: name,
    created_at: new Date().toISOString(),
  };
  tavus.conversations.set(id, c);
  return c;
}

for (const [name, make, available] of STORES) {
  Deno.test({
    name: `reconcile (${name}): a failed end is retried until Tavus confirms it (finding 4)`,
    ignore: !available,
  }, async () => {
    let endsFail = true;
    const w = await world(make, {
      failWith: (rec) =>
        endsFail && rec.path.endsWith("/end")
          ? { status: 502, body: { message: "bad gateway" } }
          : undefined,
    });
    try {
      const s = await (await w.start()).json();
      w.livekit.rooms.add(s.room_name);
      const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
      const ended = await (await w.token(post(`${TOKEN}/end`, {}, auth(jwt)))).json();
      assertEquals(ended.ended[0].tavus, "failed");
      assertEquals((await w.db.rows()).map((r) => [r.status, r.pending]), [["ended", true]]);
      // Tavus is still failing: the pass tries, counts the failure, reports it.
      const failing = await w.reconcile();
      assertEquals(failing.status, 200);
      assertEquals([failing.body.ok, failing.body.tavus.end_failed], [false, 1]);
      assertEquals(failing.body.errors, ["ERR_TAVUS_UNAVAILABLE"]);
      assertEquals(w.active().length, 1);
      // Tavus recovers: the next pass ends it and settles the row.
      endsFail = false;
      const done = await w.reconcile();
      assertEquals([done.body.ok, done.body.tavus.ended, done.body.tavus.ours], [true, 1, 1]);
      assertEquals(w.active().length, 0);
      assertEquals((await w.db.rows()).map((r) => [r.status, r.pending]), [["ended", false]]);
      const line = w.logs.lines.find((l) => l.event === "reconcile_conversation_ended");
      assertEquals([line?.fields.conversation_id, line?.fields.reason], [
        s.conversation_id,
        "session_over",
      ]);
      // Nothing left: a further pass does nothing.
      const idle = await w.reconcile();
      assertEquals([idle.body.tavus.ours, idle.body.owed_ends.due], [0, 0]);
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name:
      `reconcile (${name}): a conversation whose create answer was lost is ended by its name (finding 1)`,
    ignore: !available,
  }, async () => {
    let creates = 0;
    const w = await world(
      make,
      {
        afterCreate:
          () => (creates++ === 0 ? { status: 504, body: { message: "timeout" } } : undefined),
      },
      { MAX_LIVE_SESSIONS_PER_USER: "1" },
    );
    try {
      assertEquals(await errorOf(await w.start()), { status: 502, code: "ERR_TAVUS_UNAVAILABLE" });
      assertEquals(w.active().length, 1);
      assertEquals(await errorOf(await w.start()), {
        status: 409,
        code: "ERR_SESSION_CLEANUP_PENDING",
      });
      const pass = await w.reconcile();
      assertEquals([pass.body.ok, pass.body.tavus.ended], [true, 1], JSON.stringify(pass.body));
      assertEquals(w.active().length, 0);
      const [row] = await w.db.rows();
      assertEquals([row!.status, row!.pending, row!.conversation], ["failed", false, null]);
      // The cap is free again.
      assertEquals((await w.start()).status, 201);
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name:
      `reconcile (${name}): a session left starting keeps its conversation while in flight, then loses both`,
    ignore: !available,
  }, async () => {
    const w = await world(make);
    try {
      // A request claimed, Tavus made the conversation, and the request died before it
      // could record it.
      const claimed = await w.db.store.claim({
        userId: ADA,
        scenarioId: "casual-conversation",
        roomName: "avatar-dead0000000000000000000000000000",
        mode: "direct",
        maxLive: 2,
        durationSeconds: 1800,
      });
      const marker = await w.db.store.deploymentMarker();
      const c = foreign(w.tavus, "cdead01", `lte:${marker}:${claimed.id}:casual-conversation`);
      const young = await w.reconcile();
      assertEquals([young.body.tavus.kept, young.body.tavus.ended], [1, 0]);
      assertEquals(c.status, "active");
      // Well past the time a request can take: the start was abandoned.
      await w.db.advance(61);
      const old = await w.reconcile();
      assertEquals([old.body.tavus.ended, old.body.sessions_failed_abandoned], [1, 1]);
      assertEquals(c.status, "ended");
      assertEquals((await w.db.rows()).map((r) => [r.status, r.pending]), [["failed", false]]);
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name: `reconcile (${name}): expired sessions, rooms that are gone and rooms left behind`,
    ignore: !available,
  }, async () => {
    const w = await world(make, {}, { AVATAR_MODE: "direct" });
    try {
      const a = await (await w.start(ADA, { scenario_id: "casual-conversation" })).json();
      const b = await (await w.start(ADA, { scenario_id: "business-meeting" })).json();
      const c = await (await w.start(BOB, { scenario_id: "travel-guide" })).json();
      // a's room exists; b's room never came up; c ended but its room was left behind.
      w.livekit.rooms.add(a.room_name);
      w.livekit.rooms.add(c.room_name);
      await w.db.store.end(c.session_id, "room_finished");
      await w.db.store.settleTavusEnd(c.session_id, c.conversation_id);
      w.tavus.conversations.get(c.conversation_id)!.status = "ended";
      // Young sessions keep their rooms' benefit of the doubt.
      const early = await w.reconcile();
      assertEquals(early.body.rooms.sessions_closed, 0);
      assertEquals(early.body.rooms.deleted, 1);
      assertEquals(w.livekit.deleted, [c.room_name]);
      await w.db.advance(61);
      const later = await w.reconcile();
      assertEquals(later.body.rooms.sessions_closed, 1, JSON.stringify(later.body));
      const rows = await w.db.rows();
      assertEquals(rows.find((r) => r.id === b.session_id)!.status, "ended");
      assertEquals(w.tavus.conversations.get(b.conversation_id)!.status, "ended");
      assertEquals(w.tavus.conversations.get(a.conversation_id)!.status, "active");
      // Past its expiry (casual-conversation lasts 1800 s), a is over too.
      await w.db.advance(1800);
      const expired = await w.reconcile();
      assertEquals(expired.body.expired_sessions, 1);
      assertEquals(w.tavus.conversations.get(a.conversation_id)!.status, "ended");
      assertEquals(w.active().length, 0);
      assertEquals((await w.db.rows()).filter((r) => r.pending).length, 0);
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name: `reconcile (${name}): DELETE_ROOM_ON_END=false keeps an ended session's room`,
    ignore: !available,
  }, async () => {
    const w = await world(make, {}, { AVATAR_MODE: "direct", DELETE_ROOM_ON_END: "false" });
    try {
      const s = await (await w.start(ADA)).json();
      w.livekit.rooms.add(s.room_name);
      await w.db.store.end(s.session_id, "room_finished");
      const first = await w.reconcile();
      // The conversation is still ended (it bills); the room the deployment keeps is not
      // deleted, and is not asked about again.
      assertEquals(w.tavus.conversations.get(s.conversation_id)!.status, "ended");
      assertEquals([first.body.rooms.deleted, first.body.rooms.checked], [0, 1]);
      assertEquals(w.livekit.deleted, []);
      const second = await w.reconcile();
      assertEquals([second.body.rooms.deleted, second.body.rooms.checked], [0, 0]);
      assert(w.livekit.rooms.has(s.room_name));
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name: `reconcile (${name}): two passes at once do the work once (the lease)`,
    ignore: !available,
  }, async () => {
    const w = await world(make, { delayMs: (rec) => (rec.method === "GET" ? 150 : 0) });
    try {
      const s = await (await w.start()).json();
      await w.db.store.end(s.session_id, "ended_by_user"); // ended, its conversation left running
      const [one, two] = await Promise.all([w.reconcile(), w.reconcile()]);
      const bodies = [one.body, two.body];
      assertEquals(bodies.filter((b) => b.skipped === "lease_held").length, 1);
      assertEquals(bodies.filter((b) => b.tavus?.ended === 1).length, 1);
      assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 1);
      // The lease was released: the next pass runs.
      assertEquals((await w.reconcile()).body.skipped, undefined);
      const status = await w.db.store.reconcileStatus();
      assertEquals([status.running, status.last_ok, status.pending_tavus_ends], [false, true, 0]);
    } finally {
      await w.close();
    }
  });

  Deno.test({
    name: `reconcile (${name}): other deployments' conversations are never touched`,
    ignore: !available,
  }, async () => {
    const w = await world(make);
    try {
      const s = await (await w.start()).json();
      w.livekit.rooms.add(s.room_name);
      const marker = await w.db.store.deploymentMarker();
      const others = [
        foreign(w.tavus, "cother01", `lte:ffffffffffff:${s.session_id}:casual-conversation`),
        foreign(w.tavus, "cother02", "casual-conversation avatar-0123"),
        foreign(w.tavus, "cother03", "New Conversation"),
        foreign(w.tavus, "cother04", `lte:${marker}:${s.session_id.toUpperCase()}`),
        foreign(w.tavus, "cother05", `xlte:${marker}:${s.session_id}`),
      ];
      const pass = await w.reconcile();
      assertEquals([pass.body.tavus.foreign, pass.body.tavus.kept, pass.body.tavus.ended], [
        5,
        1,
        0,
      ]);
      assert(others.every((c) => c.status === "active" && c.endCalls === 0));
      assertEquals(w.tavus.requests.filter((r) => r.path.endsWith("/end")).length, 0);
    } finally {
      await w.close();
    }
  });
}

Deno.test("reconcile: only the service role may run it", async () => {
  const w = await world(() => Promise.resolve(memoryStore()));
  try {
    for (
      const key of ["", "not-the-key", JWT_SECRET, await userJwt(ADA, {}, JWT_SECRET, Date.now())]
    ) {
      const res = await w.reconcile(key);
      assertEquals([res.status, res.body.error?.code], [401, "ERR_AUTH_SERVICE_ROLE_REQUIRED"]);
    }
    const handler = createReconcileHandler({ env: () => devEnv() });
    assertEquals(await errorOf(await handler(new Request(RECONCILE))), {
      status: 405,
      code: "ERR_METHOD_NOT_ALLOWED",
    });
    assertEquals(w.tavus.requests.length, 0);
    assert(!w.logs.text().includes(SERVICE_KEY), "the service key reached a log");
  } finally {
    await w.close();
  }
});

Deno.test("reconcile: every page of the listing is read, as documented", async () => {
  const w = await world(() => Promise.resolve(memoryStore()));
  try {
    const s = await (await w.start()).json();
    await w.db.store.end(s.session_id, "ended_by_user");
    for (let i = 0; i < 230; i++) {
      foreign(w.tavus, `cf${String(i).padStart(4, "0")}`, `someone else's ${i}`);
    }
    const pass = await w.reconcile();
    assertEquals(
      [pass.body.tavus.pages, pass.body.tavus.listed, pass.body.tavus.listing_complete],
      [3, 231, true],
    );
    assertEquals([pass.body.tavus.foreign, pass.body.tavus.ended], [230, 1]);
    const lists = w.tavus.requests.filter((r) =>
      r.method === "GET" && r.path === "/v2/conversations"
    );
    assertEquals(lists.map((r) => r.query.toString()), [
      "status=active&limit=100&page=1",
      "status=active&limit=100&page=2",
      "status=active&limit=100&page=3",
    ]);
  } finally {
    await w.close();
  }
});

Deno.test("reconcile: a failed listing still retries known ends and settles nothing unknown", async () => {
  let listFails = false;
  let createTimesOut = false;
  const w = await world(() => Promise.resolve(memoryStore()), {
    failWith: (rec) =>
      listFails && rec.method === "GET" && rec.path === "/v2/conversations"
        ? { status: 500, body: { message: "internal" } }
        : undefined,
    afterCreate: () => (createTimesOut ? { status: 502, body: {} } : undefined),
  });
  try {
    const s = await (await w.start()).json();
    await w.db.store.end(s.session_id, "ended_by_user");
    createTimesOut = true;
    assertEquals((await w.start(BOB)).status, 502);
    listFails = true;
    await w.db.advance(600);
    const pass = await w.reconcile();
    assertEquals([pass.body.ok, pass.body.tavus.listing_complete], [false, false]);
    assertEquals(pass.body.errors, ["ERR_TAVUS_UNAVAILABLE"]);
    assertEquals(pass.body.owed_ends.ended, 1, "the known id was ended anyway");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.status, "ended");
    // BOB's conversation is only known by its name: without a listing it stays owed.
    assertEquals((await w.db.rows()).map((r) => r.pending), [false, true]);
    listFails = false;
    const next = await w.reconcile();
    assertEquals([next.body.ok, next.body.tavus.ended], [true, 1]);
    assertEquals(w.active().length, 0);
    assertEquals((await w.db.rows()).map((r) => r.pending), [false, false]);
    const run = w.logs.lines.filter((l) => l.event === "reconcile_run");
    assertEquals(run.map((l) => l.fields.ok), [false, true]);
  } finally {
    await w.close();
  }
});

Deno.test("health shows the service role whether the reconciler runs and what is owed", async () => {
  let tavusDown = false;
  const w = await world(() => Promise.resolve(memoryStore()), {
    failWith: (rec) =>
      tavusDown && rec.path !== "/v2/conversations" || tavusDown && rec.method === "GET"
        ? { status: 503, body: { message: "unavailable" } }
        : undefined,
  }, {
    // A database is configured (the store is injected): the cron job is expected to run.
    SUPABASE_URL: "http://127.0.0.1:9",
    SUPABASE_ANON_KEY: "anon-test-key",
    SUPABASE_SERVICE_ROLE_KEY: "service-test-key",
  });
  try {
    const health = async (key = SERVICE_KEY) => {
      const res = await w.token(
        new Request(`${TOKEN}/health`, { headers: { authorization: `Bearer ${key}` } }),
      );
      const body = await res.json();
      const codes = (body.problems ?? []).map((p: { code: string }) => p.code)
        .filter((c: string) => /RECONCILER|END_OWED/.test(c));
      return { body, codes };
    };
    assertEquals((await health()).codes, ["ERR_RECONCILER_NOT_RUNNING"]);
    assertEquals((await health("not-a-key")).body.reconciler, undefined);
    assertEquals((await w.reconcile()).body.ok, true);
    const fine = await health();
    assertEquals(fine.codes, []);
    assertEquals([fine.body.reconciler.last_ok, fine.body.reconciler.pending_tavus_ends], [
      true,
      0,
    ]);
    // Tavus fails (its listing and ends, not creates): an end owed for long is named.
    const started = await w.start();
    assertEquals(started.status, 201);
    const s = await started.json();
    tavusDown = true;
    await w.db.store.end(s.session_id, "ended_by_user");
    assertEquals((await w.reconcile()).body.ok, false);
    await w.db.advance(16 * 60);
    const bad = await health();
    assert(bad.codes.includes("ERR_TAVUS_END_OWED"), JSON.stringify(bad.codes));
    assert(bad.codes.includes("ERR_RECONCILER_NOT_RUNNING"), "the last pass is 16 minutes old");
    tavusDown = false;
    await w.reconcile();
    assertEquals((await health()).codes, []);
    assert(!JSON.stringify(bad.body).includes(SERVICE_KEY), "a key in the health report");
  } finally {
    await w.close();
  }
});

Deno.test("health: a failed last pass names its error codes", async () => {
  const w = await world(() => Promise.resolve(memoryStore()), {
    failWith: (rec) =>
      rec.method === "GET" && rec.path === "/v2/conversations"
        ? { status: 401, body: { message: "Invalid access token" } }
        : undefined,
  }, {
    SUPABASE_URL: "http://127.0.0.1:9",
    SUPABASE_ANON_KEY: "anon-test-key",
    SUPABASE_SERVICE_ROLE_KEY: "service-test-key",
  });
  try {
    assertEquals((await w.reconcile()).body.errors, ["ERR_TAVUS_UNAUTHORIZED"]);
    const res = await w.token(
      new Request(`${TOKEN}/health`, { headers: { authorization: `Bearer ${SERVICE_KEY}` } }),
    );
    const p = (await res.json()).problems.find((p: { code: string }) =>
      p.code === "ERR_RECONCILER_FAILED"
    );
    assert(p && /ERR_TAVUS_UNAUTHORIZED/.test(p.message), JSON.stringify(p));
  } finally {
    await w.close();
  }
});

Deno.test("reconcile: a database failure on one action does not stop the others", async () => {
  const memory = memoryStore();
  let failures = 1;
  const flaky: Store = {
    ...memory,
    store: new Proxy(memory.store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "settleTavusEnd" && typeof value === "function") {
          return (...args: unknown[]) =>
            failures-- > 0
              ? Promise.reject(new HttpError(504, "ERR_DATABASE_TIMEOUT", "no answer"))
              : value.apply(target, args);
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    }),
  };
  const w = await world(() => Promise.resolve(flaky));
  try {
    const a = await (await w.start(ADA)).json();
    const b = await (await w.start(BOB)).json();
    await memory.store.end(a.session_id, "ended_by_user");
    await memory.store.end(b.session_id, "ended_by_user");
    const pass = await w.reconcile();
    assertEquals(
      [pass.status, pass.body.ok, pass.body.tavus.ended, pass.body.tavus.end_failed],
      [200, false, 2, 0],
    );
    assertEquals(pass.body.errors, ["ERR_DATABASE_TIMEOUT"]);
    assertEquals(w.active().length, 0, "both conversations ended");
    // The one whose settle failed is still owed: the next pass settles it.
    assertEquals((await memory.rows()).filter((r) => r.pending).length, 1);
    const next = await w.reconcile();
    assertEquals(next.body.ok, true, JSON.stringify(next.body));
    assertEquals(
      (await memory.rows()).filter((r) => r.pending).length,
      0,
      JSON.stringify(next.body),
    );
  } finally {
    await w.close();
  }
});
