// The Supabase side through supabase-js against the PostgREST-shaped stand-in: one
// session-store contract run on both implementations, the exact REST and RPC requests
// (paths, filters, apikey, the caller's JWT for RLS, the service role for RPCs), the
// scenario cache, Vault secrets, JWKS verification of ES256 users, database failures.
import { exportJWK, generateKeyPair } from "jose";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createWebhookHandler } from "../../supabase/functions/_shared/livekit_webhook.ts";
import { signedWebhook, webhookEvent } from "../standins/livekit.ts";
import {
  MemorySessionStore,
  SessionError,
  type SessionStore,
} from "../../supabase/functions/_shared/sessions.ts";
import { SupabaseSessionStore } from "../../supabase/functions/_shared/sessions_supabase.ts";
import { allProblems } from "../standins/common.ts";
import { postgresAvailable, startPostgres, startPostgrest } from "../standins/postgres.ts";
import {
  asymmetricJwt,
  hs256Jwt,
  startSupabase,
  type SupabaseStandIn,
  userClaims,
} from "../standins/supabase.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import {
  ADA,
  auth,
  BOB,
  captureLog,
  devEnv,
  errorOf,
  JWT_SECRET,
  post,
  userJwt,
} from "./fixtures.ts";

const TOKEN = "http://local/livekit-token";

/** A store under test, and a way to make one of its sessions outlive its `expires_at`. */
interface StoreUnderTest {
  store: SessionStore;
  expire: (roomName: string) => Promise<void>;
  close: () => Promise<void>;
}

const past = () => new Date(Date.now() - 1000).toISOString();

/** The implementations: in memory, supabase-js on the stand-in, supabase-js on real Postgres. */
const STORES: [string, () => Promise<StoreUnderTest>, boolean][] = [
  ["memory", () => {
    const store = new MemorySessionStore();
    return Promise.resolve({
      store,
      expire: (room) => {
        store.rows.find((r) => r.roomName === room)!.expiresAt = past();
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }, true],
  ["supabase-js, stand-in", () => {
    const sb = startSupabase({ jwtSecret: JWT_SECRET });
    return Promise.resolve({
      store: new SupabaseSessionStore(
        { url: sb.url, anonKey: sb.anonKey, serviceRoleKey: sb.serviceRoleKey },
        fetch,
        5_000,
      ),
      expire: (room) => {
        sb.tables.avatar_sessions.find((r) => r.room_name === room)!.expires_at = past();
        return Promise.resolve();
      },
      close: async () => {
        assertEquals(allProblems(sb.requests), []);
        await sb.close();
      },
    });
  }, true],
  ["supabase-js, real Postgres and migrations", async () => {
    const db = await startPostgres();
    await db.query("insert into auth.users (id) values ($1), ($2)", [ADA, BOB]);
    const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
    return {
      store: new SupabaseSessionStore(
        { url: api.url, anonKey: api.anonKey, serviceRoleKey: api.serviceRoleKey },
        fetch,
        5_000,
      ),
      expire: async (room) => {
        await db.query(
          "update public.avatar_sessions set expires_at = now() - interval '1 second' where room_name = $1",
          [room],
        );
      },
      close: async () => {
        assertEquals(allProblems(api.requests), []);
        await api.close();
        await db.close();
      },
    };
  }, postgresAvailable()],
];

for (const [name, make, available] of STORES) {
  Deno.test({ name: `session store contract (${name})`, ignore: !available }, async () => {
    const { store, expire, close } = await make();
    try {
      const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
      const claim = (userId: string, scenarioId: string, roomName: string, maxLive = 2) =>
        store.claim({
          userId,
          scenarioId,
          roomName,
          mode: "direct",
          maxLive,
          durationSeconds: 600,
        });
      const a = await claim(ADA, "casual-conversation", "room-a");
      assertEquals([a.reused, a.status, a.roomName, a.conversationId], [
        false,
        "starting",
        "room-a",
        null,
      ]);
      const again = await claim(ADA, "casual-conversation", "room-a2");
      assertEquals([again.id, again.reused, again.roomName], [a.id, true, "room-a"]);
      await claim(ADA, "business-meeting", "room-b");
      await assertRejects(
        () => claim(ADA, "travel-guide", "room-c"),
        (e) => assertEquals((e as SessionError).code, "ERR_SESSION_LIMIT"),
      );
      await assertRejects(
        () => claim(BOB, "travel-guide", "room-a"),
        (e) => assertEquals((e as SessionError).code, "ERR_ROOM_TAKEN"),
      );
      assertEquals(await store.markLive(a.id, "cabc123"), true);
      assertEquals(await store.markLive(a.id, "cabc456"), false);
      assertEquals((await store.findByRoom("room-a"))?.conversationId, "cabc123");
      assertEquals((await store.findByConversation("cabc123"))?.userId, ADA);
      assertEquals(
        (await store.listOpen(ADA, {}, jwt)).map((r) => r.roomName).sort(),
        ["room-a", "room-b"],
      );
      assertEquals(
        (await store.listOpen(ADA, { scenarioId: "business-meeting" }, jwt)).map((r) => r.roomName),
        ["room-b"],
      );
      const ended = await store.end(a.id, "ended_by_user");
      assertEquals(ended, { id: a.id, conversationId: "cabc123", roomName: "room-a", userId: ADA });
      assertEquals(await store.end(a.id, "ended_by_user"), null);
      assertEquals(await store.endForRoom("room-a", "room_finished"), null);
      const b = await store.endForRoom("room-b", "failed: test");
      assertEquals(b?.roomName, "room-b");
      assertEquals((await store.findByRoom("room-b"))?.status, "failed");
      // Both may still have a running conversation (one recorded, one whose create was in
      // flight): they count toward the cap until their Tavus end is settled.
      await assertRejects(
        () => claim(ADA, "travel-guide", "room-x"),
        (e) => assertEquals((e as SessionError).code, "ERR_SESSION_CLEANUP_PENDING"),
      );
      assertEquals(await store.settleTavusEnd(a.id, "cother1"), false);
      assertEquals(await store.recordTavusEndFailure(a.id, "ERR_TAVUS_UNAVAILABLE"), true);
      assertEquals(await store.settleTavusEnd(a.id, "cabc123"), true);
      assertEquals(await store.recordTavusEndFailure(a.id, "ERR_TAVUS_UNAVAILABLE"), false);
      assertEquals(await store.settleTavusEnd(b!.id, null), true);
      assertMatch(await store.deploymentMarker(), /^[0-9a-f]{12}$/);
      assertEquals(await store.recordWebhookEvent("EV_1", "room_finished", "room-b"), true);
      assertEquals(await store.recordWebhookEvent("EV_1", "room_finished", "room-b"), false);
      // Expiry: a session nobody ended is over after its duration.
      const c = await claim(ADA, "travel-guide", "room-c");
      await expire("room-c");
      assertEquals(await store.listOpen(ADA, {}, jwt), []);
      const d = await claim(ADA, "travel-guide", "room-d");
      assert(d.id !== c.id && !d.reused, "an expired session was reused");
      assertEquals((await store.findByRoom("room-c"))?.status, "ended");
    } finally {
      await close();
    }
  });
}

/** The token handler against the stand-in; `without` removes variables from the environment. */
function handlerWith(
  sb: SupabaseStandIn,
  env: Record<string, string> = {},
  without: string[] = [],
) {
  const logs = captureLog();
  const full: Record<string, string> = devEnv({
    SUPABASE_URL: sb.url,
    SUPABASE_ANON_KEY: sb.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: sb.serviceRoleKey,
    AUTH_JWT_ISSUER: `${sb.url}/auth/v1`,
    ...env,
  });
  for (const name of without) delete full[name];
  const handler = createTokenHandler({ env: () => full, log: logs.log });
  return { handler, logs };
}

Deno.test("supabase-js requests: scenarios with the caller's JWT, RPCs with the service role", async () => {
  const sb = startSupabase({ jwtSecret: JWT_SECRET });
  try {
    const { handler } = handlerWith(sb, { SCENARIO_CACHE_SECONDS: "0" });
    const jwt = await hs256Jwt(
      userClaims(ADA, `${sb.url}/auth/v1`),
      JWT_SECRET,
    );
    const res = await handler(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt)));
    assertEquals(res.status, 201);
    const body = await res.json();
    const [read, claim, live] = sb.requests;
    assertEquals(sb.requests.length, 3);
    // The scenario: GET with the filter, the anon key as apikey, the user's JWT (RLS).
    assertEquals([read!.method, read!.path], ["GET", "/rest/v1/avatar_configs"]);
    assertEquals(read!.query.get("scenario_id"), "eq.travel-guide");
    assertMatch(read!.query.get("select")!, /^scenario_id,display_name,replica_id,persona_id,/);
    assertEquals(read!.headers.get("apikey"), sb.anonKey);
    assertEquals(read!.headers.get("authorization"), `Bearer ${jwt}`);
    // The session: RPCs with the service role and the exact parameters.
    for (const r of [claim!, live!]) {
      assertEquals(r.headers.get("apikey"), sb.serviceRoleKey);
      assertEquals(r.headers.get("authorization"), `Bearer ${sb.serviceRoleKey}`);
    }
    assertEquals(claim!.path, "/rest/v1/rpc/claim_avatar_session");
    assertEquals(claim!.body, {
      p_user_id: ADA,
      p_scenario_id: "travel-guide",
      p_room_name: body.room_name,
      p_mode: "direct",
      p_max_live: 2,
      p_duration_seconds: 1200,
    });
    assertEquals(live!.path, "/rest/v1/rpc/mark_avatar_session_live");
    assertEquals(live!.body, {
      p_session_id: body.session_id,
      p_conversation_id: body.conversation_id,
    });
    assertEquals(sb.tables.avatar_sessions.map((s) => [s.user_id, s.status]), [[ADA, "live"]]);
    // The end route reads the caller's sessions under RLS, then ends through the RPC.
    sb.requests.length = 0;
    const end = await handler(post(`${TOKEN}/end`, {}, auth(jwt)));
    assertEquals(end.status, 200);
    const [list, endRpc] = sb.requests;
    assertEquals([list!.path, list!.headers.get("authorization")], [
      "/rest/v1/avatar_sessions",
      `Bearer ${jwt}`,
    ]);
    assertEquals(list!.query.get("user_id"), `eq.${ADA}`);
    assertEquals(list!.query.get("status"), "in.(starting,live)");
    assertEquals(endRpc!.path, "/rest/v1/rpc/end_avatar_session");
    assertEquals(endRpc!.body, { p_session_id: body.session_id, p_reason: "ended_by_user" });
    assertEquals(allProblems(sb.requests), []);
  } finally {
    await sb.close();
  }
});

Deno.test("scenarios are cached per instance; RLS hides disabled ones (404)", async () => {
  const sb = startSupabase({ jwtSecret: JWT_SECRET });
  sb.tables.avatar_configs[1]!.enabled = false;
  try {
    const { handler } = handlerWith(sb, { AVATAR_MODE: "none" });
    const jwt = await userJwt(ADA, { iss: `${sb.url}/auth/v1` }, JWT_SECRET, Date.now());
    for (let i = 0; i < 3; i++) {
      assertEquals((await handler(post(TOKEN, {}, auth(jwt)))).status, 201);
    }
    const reads = sb.requests.filter((r) => r.path === "/rest/v1/avatar_configs");
    assertEquals(reads.length, 1);
    const disabled = post(TOKEN, { scenario_id: "business-meeting" }, auth(jwt));
    assertEquals(await errorOf(await handler(disabled)), {
      status: 404,
      code: "ERR_SCENARIO_NOT_FOUND",
    });
    assertEquals(allProblems(sb.requests), []);
  } finally {
    await sb.close();
  }
});

Deno.test("ES256 users: the JWKS is fetched from Supabase Auth once and reused", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "ES256", use: "sig" };
  const sb = startSupabase({ jwks: { keys: [jwk] } });
  try {
    const { AUTH_JWT_SECRET: _, ...noSecret } = devEnv();
    const logs = captureLog();
    const handler = createTokenHandler({
      env: () => ({
        ...noSecret,
        AUTH_JWT_ISSUER: `${sb.url}/auth/v1`,
        AVATAR_MODE: "none",
        SUPABASE_URL: sb.url,
        SUPABASE_ANON_KEY: sb.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: sb.serviceRoleKey,
      }),
      log: logs.log,
    });
    const claims = userClaims(BOB, `${sb.url}/auth/v1`);
    const jwt = await asymmetricJwt(claims, privateKey, "ES256", "key-1");
    for (let i = 0; i < 2; i++) {
      assertEquals((await handler(post(TOKEN, {}, auth(jwt)))).status, 201);
    }
    const fetches = sb.requests.filter((r) => r.path === "/auth/v1/.well-known/jwks.json");
    assertEquals(fetches.length, 1);
    // A token for an unknown key is refused (after one refetch for a possible rotation).
    const other = await generateKeyPair("ES256");
    const stranger = await asymmetricJwt(claims, other.privateKey, "ES256", "key-2");
    assertEquals(await errorOf(await handler(post(TOKEN, {}, auth(stranger)))), {
      status: 401,
      code: "ERR_AUTH_UNKNOWN_KEY",
    });
    const forged = await asymmetricJwt(claims, other.privateKey, "ES256", "key-1");
    assertEquals(await errorOf(await handler(post(TOKEN, {}, auth(forged)))), {
      status: 401,
      code: "ERR_AUTH_SIGNATURE",
    });
  } finally {
    await sb.close();
  }
});

Deno.test("new API keys win over the legacy ones; a project with legacy keys off works", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "ES256", use: "sig" };
  const sb = startSupabase({
    jwks: { keys: [jwk] },
    secretKey: "sb_secret_test_0123456789abcdef",
    publishableKey: "sb_publishable_test_0123456789",
    legacyKeys: false,
  });
  const secretKey = sb.secretKey!, publishableKey = sb.publishableKey!;
  const { AUTH_JWT_SECRET: _, ...noSecret } = devEnv();
  const newKeys = {
    ...noSecret,
    AUTH_JWT_ISSUER: `${sb.url}/auth/v1`,
    SUPABASE_URL: sb.url,
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: secretKey }),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: publishableKey }),
    // As deployed functions get it: a bare array (Supabase's helpers accept one).
    SUPABASE_JWKS: JSON.stringify([jwk]),
    SCENARIO_CACHE_SECONDS: "0",
  };
  // The legacy keys still in the environment (disabled on the project), and absent.
  const cases: [string, Record<string, string>][] = [
    ["legacy keys set but disabled", {
      ...newKeys,
      SUPABASE_ANON_KEY: sb.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: sb.serviceRoleKey,
    }],
    ["legacy keys absent", newKeys],
  ];
  try {
    for (const [name, env] of cases) {
      sb.requests.length = 0;
      const handler = createTokenHandler({ env: () => env, log: captureLog().log });
      const jwt = await asymmetricJwt(
        userClaims(ADA, `${sb.url}/auth/v1`),
        privateKey,
        "ES256",
        "key-1",
      );
      const res = await handler(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt)));
      assertEquals(res.status, 201, `${name}: ${await res.clone().text()}`);
      const end = await handler(post(`${TOKEN}/end`, {}, auth(jwt)));
      assertEquals(end.status, 200, name);
      // Reads under RLS with the publishable key, RPCs with the secret key; the JWKS
      // came from SUPABASE_JWKS (never fetched); nothing was refused.
      const paths = sb.requests.map((r) => [r.path, r.headers.get("apikey")]);
      assertEquals(paths, [
        ["/rest/v1/avatar_configs", publishableKey],
        ["/rest/v1/rpc/claim_avatar_session", secretKey],
        ["/rest/v1/rpc/mark_avatar_session_live", secretKey],
        ["/rest/v1/avatar_sessions", publishableKey],
        ["/rest/v1/rpc/end_avatar_session", secretKey],
        ["/rest/v1/rpc/settle_tavus_end", secretKey],
      ], name);
      assertEquals(allProblems(sb.requests), [], name);
      // Health: the secret key makes a caller the service role; a disabled legacy key does not.
      const health = async (key: string) =>
        (await (await handler(
          new Request(`${TOKEN}/health`, { headers: { authorization: `Bearer ${key}` } }),
        )).json()).problems !== undefined;
      assertEquals(await health(secretKey), true, name);
      assertEquals(await health(sb.serviceRoleKey), false, name);
    }
    // The old behaviour, for contrast: the legacy keys alone on this project fail (503).
    sb.requests.length = 0;
    const legacyOnly = { ...cases[0]![1] };
    delete legacyOnly.SUPABASE_SECRET_KEYS;
    delete legacyOnly.SUPABASE_PUBLISHABLE_KEYS;
    const handler = createTokenHandler({ env: () => legacyOnly, log: captureLog().log });
    const jwt = await asymmetricJwt(
      userClaims(BOB, `${sb.url}/auth/v1`),
      privateKey,
      "ES256",
      "key-1",
    );
    const refused = await handler(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt)));
    assert(refused.status >= 500, `legacy keys on a legacy-off project: ${refused.status}`);
    assert(sb.requests.length > 0);
    assert(sb.requests.every((r) => r.problems.some((p) => p.includes("legacy keys off"))));
  } finally {
    await sb.close();
  }
});

Deno.test("Vault: secrets read once through get_edge_secrets; a missing one is named", async () => {
  const sb = startSupabase({
    jwtSecret: JWT_SECRET,
    vault: { LIVEKIT_API_KEY: "devkey", LIVEKIT_API_SECRET: "secret", AUTH_JWT_SECRET: JWT_SECRET },
  });
  try {
    const env = { SECRETS_SOURCE: "vault", AVATAR_MODE: "none" };
    const inVault = ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "AUTH_JWT_SECRET"];
    const { handler, logs } = handlerWith(sb, env, inVault);
    const jwt = await userJwt(ADA, { iss: `${sb.url}/auth/v1` }, JWT_SECRET, Date.now());
    for (let i = 0; i < 2; i++) {
      assertEquals((await handler(post(TOKEN, {}, auth(jwt)))).status, 201);
    }
    const vaultCalls = sb.requests.filter((r) => r.path === "/rest/v1/rpc/get_edge_secrets");
    assertEquals(vaultCalls.length, 1);
    assertEquals(
      (vaultCalls[0]!.body as { p_names: string[] }).p_names.sort(),
      [
        "AUTH_JWT_SECRET",
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
        "LIVEKIT_WS_URL",
        "TAVUS_API_KEY",
        "TAVUS_CALLBACK_SECRET",
      ],
    );
    assertEquals(vaultCalls[0]!.headers.get("authorization"), `Bearer ${sb.serviceRoleKey}`);
    assert(!logs.text().includes('secret"'), "a Vault value reached the log");

    // Without the LiveKit secret in Vault: 503 for callers, the variable named for the service role.
    delete sb.vault.LIVEKIT_API_SECRET;
    const { handler: fresh } = handlerWith(sb, env, inVault);
    assertEquals(await errorOf(await fresh(post(TOKEN, {}, auth(jwt)))), {
      status: 503,
      code: "ERR_NOT_CONFIGURED",
    });
    const health = await (await fresh(
      new Request(`${TOKEN}/health`, { headers: auth(sb.serviceRoleKey) }),
    )).json();
    const p = health.problems.find((p: { variable: string }) =>
      p.variable === "LIVEKIT_API_SECRET"
    );
    assertMatch(p.message, /neither Vault nor the environment/);
    assertMatch(p.fix, /vault\.create_secret/);
    assertEquals(allProblems(sb.requests), []);
  } finally {
    await sb.close();
  }
});

Deno.test("database failures and timeouts have codes (503, 504), without supabase-js retries", async () => {
  for (
    const [name, opts, env, status, code, paths] of [
      [
        "refused",
        {
          failWith: (r: { path: string }) =>
            r.path.startsWith("/rest/v1/rpc/")
              ? { status: 500, body: { code: "XX000", message: "boom" } }
              : undefined,
        },
        {},
        503,
        "ERR_DATABASE",
        ["/rest/v1/avatar_configs", "/rest/v1/rpc/claim_avatar_session"],
      ],
      [
        "slow",
        { delayMs: 600 },
        { UPSTREAM_TIMEOUT_MS: "150" },
        504,
        "ERR_DATABASE_TIMEOUT",
        ["/rest/v1/avatar_configs"],
      ],
    ] as const
  ) {
    const sb = startSupabase({ jwtSecret: JWT_SECRET, ...opts });
    try {
      const { handler } = handlerWith(sb, { AVATAR_MODE: "none", ...env });
      const jwt = await userJwt(ADA, { iss: `${sb.url}/auth/v1` }, JWT_SECRET, Date.now());
      assertEquals(
        await errorOf(await handler(post(TOKEN, {}, auth(jwt)))),
        { status, code },
        name,
      );
      // One attempt each: supabase-js's own retries are off, the caller decides.
      assertEquals(sb.requests.map((r) => r.path), [...paths], name);
    } finally {
      await sb.close();
    }
  }
});

Deno.test("Vault refusing a name is a 503 naming the RPC's error, and shows in health", async () => {
  const sb = startSupabase({
    jwtSecret: JWT_SECRET,
    failWith: (r) =>
      r.path === "/rest/v1/rpc/get_edge_secrets"
        ? {
          status: 400,
          body: { code: "P0001", message: "ERR_VAULT_NAME_NOT_ALLOWED", details: null, hint: null },
        }
        : undefined,
  });
  try {
    const { handler } = handlerWith(sb, { SECRETS_SOURCE: "vault" });
    const jwt = await userJwt(ADA, { iss: `${sb.url}/auth/v1` }, JWT_SECRET, Date.now());
    const res = await handler(post(TOKEN, {}, auth(jwt)));
    const body = await res.json();
    assertEquals([res.status, body.error.code], [503, "ERR_CONFIG_VAULT"]);
    assertMatch(body.error.message, /get_edge_secrets: P0001 ERR_VAULT_NAME_NOT_ALLOWED/);
    const health = await (await handler(
      new Request(`${TOKEN}/health`, { headers: auth(sb.serviceRoleKey) }),
    )).json();
    assertEquals(health.ok, false);
    assertEquals(health.problems[0].code, "ERR_CONFIG_VAULT");
  } finally {
    await sb.close();
  }
});

Deno.test({
  name: "the functions against real Postgres: Vault, RLS, the session RPCs, webhook idempotency",
  ignore: !postgresAvailable(),
}, async () => {
  const db = await startPostgres();
  const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
  try {
    await db.query("insert into auth.users (id) values ($1)", [ADA]);
    for (const [name, value] of [["LIVEKIT_API_KEY", "devkey"], ["LIVEKIT_API_SECRET", "secret"]]) {
      await db.query("select vault.create_secret($1, $2)", [value, name]);
    }
    await db.query("select vault.create_secret($1, 'AUTH_JWT_SECRET')", [JWT_SECRET]);
    const env: Record<string, string> = {
      LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
      SUPABASE_URL: api.url,
      SUPABASE_ANON_KEY: api.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: api.serviceRoleKey,
      AUTH_JWT_ISSUER: `${api.url}/auth/v1`,
      SECRETS_SOURCE: "vault",
      SCENARIO_CACHE_SECONDS: "0",
    };
    const deps = { env: () => env, log: captureLog().log };
    const token = createTokenHandler(deps);
    const hook = createWebhookHandler(deps);
    const jwt = await userJwt(ADA, { iss: `${api.url}/auth/v1` }, JWT_SECRET, Date.now());
    const first = await token(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt)));
    assertEquals(first.status, 201);
    const a = await first.json();
    const again = await (await token(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt))))
      .json();
    assertEquals([again.room_name, again.conversation_id, again.reused], [
      a.room_name,
      a.conversation_id,
      true,
    ]);
    const row = async () =>
      (await db.query(
        "select status, conversation_id, end_reason, mode from public.avatar_sessions where room_name = $1",
        [a.room_name],
      )).rows[0];
    assertEquals(await row(), {
      status: "live",
      conversation_id: a.conversation_id,
      end_reason: null,
      mode: "direct",
    });
    const signed = await signedWebhook(webhookEvent("room_finished", a.room_name));
    const deliver = () =>
      hook(new Request("http://local/livekit-webhook", { method: "POST", ...signed }));
    assertEquals((await (await deliver()).json()).action, "ended");
    assertEquals((await (await deliver()).json()).action, "duplicate");
    assertEquals((await row()).status, "ended");
    assertEquals((await row()).end_reason, "room_finished");
    const events = await db.query("select event, room_name from public.livekit_webhook_events");
    assertEquals(events.rows, [{ event: "room_finished", room_name: a.room_name }]);
    // RLS: a disabled scenario is invisible to signed-in users.
    await db.query(
      "update public.avatar_configs set enabled = false where scenario_id = 'travel-guide'",
    );
    assertEquals(
      await errorOf(await token(post(TOKEN, { scenario_id: "travel-guide" }, auth(jwt)))),
      { status: 404, code: "ERR_SCENARIO_NOT_FOUND" },
    );
    assertEquals(allProblems(api.requests), []);
  } finally {
    await api.close();
    await db.close();
  }
});
