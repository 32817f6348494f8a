// The livekit-token handler called directly with injected dependencies: the standard
// endpoint's answer, every status and code of its routes, CORS and request ids, the
// token-endpoint policy, health's two audiences, and security logs without secrets.
import { verifyAccessToken } from "livekit-tavus-edge";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { MemorySessionStore } from "../../supabase/functions/_shared/sessions.ts";
import { EmbeddedScenarios } from "../../supabase/functions/_shared/scenarios.ts";
import { generateKeyPair, SignJWT } from "jose";
import { hs256Jwt, userClaims } from "../standins/supabase.ts";
import { startLiveKit } from "../standins/livekit.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  ADA,
  auth,
  BOB,
  captureLog,
  closedUrl,
  devEnv,
  errorOf,
  ISSUER,
  JWT_SECRET,
  payloadOf,
  post,
  T0,
  userJwt,
} from "./fixtures.ts";

const BASE = "http://local/livekit-token";

function setup(
  env: Record<string, string> = devEnv(),
  opts: { scenarios?: EmbeddedScenarios; now?: number } = {},
) {
  let now = opts.now ?? T0.getTime();
  const sessions = new MemorySessionStore(() => new Date(now));
  const logs = captureLog();
  const handler = createTokenHandler({
    env: () => env,
    now: () => new Date(now),
    log: logs.log,
    sessions,
    ...(opts.scenarios && { scenarios: opts.scenarios }),
  });
  return { handler, sessions, logs, tick: (s: number) => (now += s * 1000) };
}

Deno.test("POST mints a standard-endpoint answer for the signed-in user in a fresh room", async () => {
  const { handler, sessions } = setup();
  const jwt = await userJwt(ADA);
  const res = await handler(post(BASE, { participant_name: "Ada" }, auth(jwt)));
  assertEquals(res.status, 201);
  const body = await res.json();
  assertEquals(body.server_url, "ws://127.0.0.1:7880");
  assertMatch(body.room_name, /^avatar-[0-9a-f]{32}$/);
  assertEquals([body.participant_name, body.scenario_id], ["Ada", "casual-conversation"]);
  const claims = verifyAccessToken(body.participant_token, { devkey: "secret" }, {
    currentDate: T0,
  });
  assertEquals(claims.sub, ADA);
  assertEquals(claims.name, "Ada");
  assertEquals(claims.video?.room, body.room_name);
  assertEquals(claims.video?.roomJoin, true);
  assertEquals(claims.nbf, T0.getTime() / 1000);
  assertEquals(claims.exp, T0.getTime() / 1000 + 900);
  assertEquals(body.expires_at, new Date(claims.exp * 1000).toISOString());
  // Direct mode without TAVUS_API_KEY: a dry run, recorded like a live session.
  assertEquals([body.avatar_mode, body.avatar_status, body.dry_run], ["direct", "dry_run", true]);
  assertMatch(body.conversation_id, /^cdryrun[0-9a-f]{16}$/);
  assertEquals(sessions.rows.length, 1);
  assertEquals(sessions.rows[0]!.status, "live");
  assertEquals(sessions.rows[0]!.userId, ADA);
  // The token carries nothing the caller did not ask for.
  assertEquals(payloadOf(body.participant_token).roomConfig, undefined);
  assertEquals(payloadOf(body.participant_token).metadata, undefined);
});

Deno.test("a retry or refresh returns the same room and conversation with a fresh token", async () => {
  const { handler, sessions, tick } = setup();
  const jwt = await userJwt(ADA);
  const first = await (await handler(post(BASE, {}, auth(jwt)))).json();
  tick(120);
  const again = await (await handler(post(BASE, { room_name: first.room_name }, auth(jwt))))
    .json();
  assertEquals([again.room_name, again.conversation_id, again.reused], [
    first.room_name,
    first.conversation_id,
    true,
  ]);
  assert(again.participant_token !== first.participant_token, "the token was not renewed");
  assertEquals(payloadOf(again.participant_token).nbf, T0.getTime() / 1000 + 120);
  assertEquals(sessions.rows.length, 1);
  // Another scenario is another session and room.
  const other = await (await handler(
    post(BASE, { scenario_id: "travel-guide" }, auth(jwt)),
  )).json();
  assert(other.room_name !== first.room_name);
  assertEquals(sessions.rows.length, 2);
});

Deno.test("proto and camelCase field names are both accepted", async () => {
  const livekit = startLiveKit();
  const { handler } = setup(
    devEnv({ TOKEN_ALLOWED_AGENTS: "helper", LIVEKIT_WS_URL: livekit.wsUrl }),
    { now: Date.now() },
  );
  const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
  for (
    const body of [
      {
        participant_name: "Ada",
        participant_metadata: "m",
        participant_attributes: { level: "b2" },
        room_config: { agents: [{ agent_name: "helper", metadata: "x" }] },
      },
      {
        participantName: "Ada",
        participantMetadata: "m",
        participantAttributes: { level: "b2" },
        roomConfig: { agents: [{ agentName: "helper", metadata: "x" }] },
      },
    ]
  ) {
    const res = await handler(post(BASE, body, auth(jwt)));
    assertEquals(res.status, 201, JSON.stringify(body));
    const c = payloadOf((await res.json()).participant_token);
    assertEquals(c.name, "Ada");
    assertEquals(c.metadata, "m");
    assertEquals(c.attributes, { level: "b2" });
    // The agent is dispatched by the server on the new room, not through the token.
    assertEquals(c.roomConfig, undefined);
    await handler(post(`${BASE}/end`, {}, auth(jwt)));
  }
  await livekit.close();
  assertEquals(livekit.dispatches.map((d) => [d.agentName, d.metadata]), [
    ["helper", "x"],
    ["helper", "x"],
  ]);
});

Deno.test("every response carries CORS and a request id; origins are configurable", async () => {
  const { handler } = setup();
  for (
    const req of [
      post(BASE, {}),
      new Request(BASE, { method: "OPTIONS" }),
      new Request(BASE, { method: "PUT" }),
      new Request(`${BASE}/nowhere`),
      new Request(`${BASE}/health`),
    ]
  ) {
    const res = await handler(req);
    await res.body?.cancel();
    assertEquals(res.headers.get("access-control-allow-origin"), "*", req.method);
    assertMatch(res.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assertMatch(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  }
  const { handler: strict } = setup(
    devEnv({ CORS_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:5173" }),
  );
  const from = (origin: string) =>
    strict(new Request(BASE, { method: "OPTIONS", headers: { origin } }));
  const ok = await from("https://app.example.com");
  assertEquals(ok.status, 204);
  assertEquals(ok.headers.get("access-control-allow-origin"), "https://app.example.com");
  assertEquals(ok.headers.get("vary"), "origin");
  const no = await from("https://evil.example");
  assertEquals(no.headers.get("access-control-allow-origin"), null);
  const err = await strict(post(BASE, {}, { origin: "http://localhost:5173" }));
  assertEquals(err.status, 401);
  assertEquals(err.headers.get("access-control-allow-origin"), "http://localhost:5173");
});

Deno.test("every error status and code of the token route", async () => {
  const ada = await userJwt(ADA);
  const anonKey = await hs256Jwt(
    { iss: "supabase", ref: "local", role: "anon", iat: T0.getTime() / 1000, exp: 2e9 },
    JWT_SECRET,
  );
  const forged = await userJwt(ADA, {}, "another-secret-of-the-same-length-0123456789ab");
  const expired = await userJwt(ADA, { exp: T0.getTime() / 1000 - 120 });
  const otherIss = await userJwt(ADA, { iss: "https://other.supabase.co/auth/v1" });
  const anonymous = await userJwt(ADA, { is_anonymous: true });
  const early = await userJwt(ADA, { nbf: T0.getTime() / 1000 + 600 });
  const otherAud = await userJwt(ADA, { aud: "storage" });
  const noSub = await userJwt(ADA, { sub: undefined });
  const hs512 = await new SignJWT(userClaims(ADA, ISSUER, {}, T0.getTime()))
    .setProtectedHeader({ alg: "HS512" }).sign(new TextEncoder().encode(JWT_SECRET));
  const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]); // {"\xe9":1}
  const cases: [string, () => Request, number, string][] = [
    [
      "PUT",
      () => new Request(BASE, { method: "PUT", headers: auth(ada) }),
      405,
      "ERR_METHOD_NOT_ALLOWED",
    ],
    ["unknown route", () => new Request(`${BASE}/nowhere`), 404, "ERR_NOT_FOUND"],
    ["no Authorization", () => post(BASE, {}), 401, "ERR_AUTH_MISSING"],
    [
      "not Bearer",
      () => post(BASE, {}, { authorization: `Basic ${ada}` }),
      401,
      "ERR_AUTH_MISSING",
    ],
    ["garbage token", () => post(BASE, {}, auth("abc.def")), 401, "ERR_AUTH_MALFORMED"],
    [
      "forged",
      () =>
        post(
          BASE,
          {},
          auth(forged),
        ),
      401,
      "ERR_AUTH_SIGNATURE",
    ],
    [
      "expired",
      () => post(BASE, {}, auth(expired)),
      401,
      "ERR_AUTH_EXPIRED",
    ],
    ["anon key", () => post(BASE, {}, auth(anonKey)), 401, "ERR_AUTH_ANON_KEY"],
    [
      "wrong issuer",
      () => post(BASE, {}, auth(otherIss)),
      401,
      "ERR_AUTH_ISSUER",
    ],
    [
      "anonymous sign-in",
      () => post(BASE, {}, auth(anonymous)),
      403,
      "ERR_AUTH_ANONYMOUS_USER",
    ],
    ["bad JSON", () => post(BASE, "{nope", auth(ada)), 400, "ERR_BAD_JSON"],
    ["array body", () => post(BASE, "[1]", auth(ada)), 400, "ERR_BAD_JSON"],
    ["wrong type", () => post(BASE, { room_name: 5 }, auth(ada)), 400, "ERR_BAD_FIELD"],
    [
      "both spellings",
      () => post(BASE, { room_name: "a", roomName: "b" }, auth(ada)),
      400,
      "ERR_BAD_FIELD",
    ],
    ["unknown field", () => post(BASE, { room: "x" }, auth(ada)), 400, "ERR_UNKNOWN_FIELD"],
    [
      "text/plain",
      () => post(BASE, "{}", { ...auth(ada), "content-type": "text/plain" }),
      415,
      "ERR_UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "huge body",
      () => post(BASE, { participant_metadata: "x".repeat(70_000) }, auth(ada)),
      413,
      "ERR_BODY_TOO_LARGE",
    ],
    [
      "big metadata",
      () => post(BASE, { participant_metadata: "x".repeat(5000) }, auth(ada)),
      400,
      "ERR_FIELD_TOO_LARGE",
    ],
    [
      "another identity",
      () => post(BASE, { participant_identity: BOB }, auth(ada)),
      403,
      "ERR_IDENTITY_NOT_ALLOWED",
    ],
    [
      "lk. attribute",
      () => post(BASE, { participant_attributes: { "lk.agent.state": "x" } }, auth(ada)),
      403,
      "ERR_FIELD_NOT_ALLOWED",
    ],
    [
      "room_config.egress",
      () => post(BASE, { room_config: { egress: {} } }, auth(ada)),
      403,
      "ERR_FIELD_NOT_ALLOWED",
    ],
    [
      "agent deployment",
      () =>
        post(BASE, { room_config: { agents: [{ agent_name: "a", deployment: "d" }] } }, auth(ada)),
      403,
      "ERR_FIELD_NOT_ALLOWED",
    ],
    [
      "agent not allowed",
      () => post(BASE, { room_config: { agents: [{ agent_name: "other" }] } }, auth(ada)),
      403,
      "ERR_AGENT_NOT_ALLOWED",
    ],
    [
      "someone's room",
      () => post(BASE, { room_name: "avatar-guess" }, auth(ada)),
      403,
      "ERR_ROOM_NOT_ALLOWED",
    ],
    [
      "bad scenario id",
      () => post(BASE, { scenario_id: "Not A Slug" }, auth(ada)),
      400,
      "ERR_SCENARIO_ID",
    ],
    [
      "unknown scenario",
      () => post(BASE, { scenario_id: "no-such-scenario" }, auth(ada)),
      404,
      "ERR_SCENARIO_NOT_FOUND",
    ],
    ["not yet valid", () => post(BASE, {}, auth(early)), 401, "ERR_AUTH_NOT_YET_VALID"],
    ["other audience", () => post(BASE, {}, auth(otherAud)), 401, "ERR_AUTH_AUDIENCE"],
    ["no sub", () => post(BASE, {}, auth(noSub)), 401, "ERR_AUTH_CLAIMS"],
    ["HS512", () => post(BASE, {}, auth(hs512)), 401, "ERR_AUTH_ALGORITHM"],
    ["not UTF-8", () => post(BASE, latin1, auth(ada)), 400, "ERR_BAD_ENCODING"],
  ];
  const { handler } = setup();
  for (const [name, make, status, code] of cases) {
    const res = await handler(make());
    assertEquals(await errorOf(res), { status, code }, name);
    if (status === 401) assertMatch(res.headers.get("www-authenticate") ?? "", /^Bearer/, name);
  }
});

Deno.test("a disabled scenario is unknown; a stored row that breaks the rules is a 500 naming it", async () => {
  const rows = JSON.parse(
    Deno.readTextFileSync(
      new URL("../../supabase/functions/_shared/default_scenarios.json", import.meta.url),
    ),
  );
  rows[1].enabled = false;
  rows[2].language = "es";
  const { handler } = setup(devEnv(), { scenarios: new EmbeddedScenarios(rows) });
  const jwt = await userJwt(ADA);
  assertEquals(
    await errorOf(await handler(post(BASE, { scenario_id: "business-meeting" }, auth(jwt)))),
    { status: 404, code: "ERR_SCENARIO_NOT_FOUND" },
  );
  const res = await handler(post(BASE, { scenario_id: "travel-guide" }, auth(jwt)));
  const body = await res.json();
  assertEquals([res.status, body.error.code], [500, "ERR_SCENARIO_LANGUAGE"]);
  assertMatch(body.error.message, /travel-guide/);
});

Deno.test("429 past the per-user rate limit, with retry-after and a security log line", async () => {
  const { handler, logs, tick } = setup(devEnv({ RATE_LIMIT_PER_MINUTE: "3" }));
  const ada = await userJwt(ADA);
  for (let i = 0; i < 3; i++) {
    assertEquals((await handler(post(BASE, {}, auth(ada)))).status, 201);
  }
  const res = await handler(post(BASE, {}, auth(ada)));
  assertEquals(await errorOf(res), { status: 429, code: "ERR_RATE_LIMITED" });
  assertEquals(res.headers.get("retry-after"), "60");
  // Another user has their own budget; a minute later Ada has hers back.
  assertEquals((await handler(post(BASE, {}, auth(await userJwt(BOB))))).status, 201);
  tick(60);
  assertEquals((await handler(post(BASE, {}, auth(ada)))).status, 201);
  const line = logs.lines.find((l) => l.event === "rate_limited");
  assertEquals([line?.level, line?.fields.user_id], ["warn", ADA]);
});

Deno.test("409 past the per-user session cap; ending one frees a place", async () => {
  const { handler } = setup(devEnv({ MAX_LIVE_SESSIONS_PER_USER: "2" }));
  const ada = await userJwt(ADA);
  for (const scenario_id of ["casual-conversation", "business-meeting"]) {
    assertEquals((await handler(post(BASE, { scenario_id }, auth(ada)))).status, 201);
  }
  const third = post(BASE, { scenario_id: "travel-guide" }, auth(ada));
  assertEquals(await errorOf(await handler(third)), { status: 409, code: "ERR_SESSION_LIMIT" });
  const end = await handler(post(`${BASE}/end`, { scenario_id: "business-meeting" }, auth(ada)));
  assertEquals(end.status, 200);
  const again = post(BASE, { scenario_id: "travel-guide" }, auth(ada));
  assertEquals((await handler(again)).status, 201);
});

Deno.test("503 with a code when LiveKit or caller authentication is not configured", async () => {
  const ada = await userJwt(ADA);
  const { LIVEKIT_API_SECRET: _, ...noSecret } = devEnv();
  assertEquals(
    await errorOf(await setup(noSecret).handler(post(BASE, {}, auth(ada)))),
    { status: 503, code: "ERR_NOT_CONFIGURED" },
  );
  const { AUTH_JWT_SECRET: __, ...noAuth } = devEnv();
  assertEquals(
    await errorOf(await setup(noAuth).handler(post(BASE, {}, auth(ada)))),
    { status: 503, code: "ERR_NOT_CONFIGURED" },
  );
});

Deno.test("the end route ends only the caller's sessions", async () => {
  const { handler, sessions } = setup();
  const ada = await userJwt(ADA);
  const bob = await userJwt(BOB);
  const a = await (await handler(post(BASE, {}, auth(ada)))).json();
  await handler(post(BASE, {}, auth(bob)));
  // Bob cannot end Ada's room: it is not among his sessions.
  assertEquals(
    await errorOf(await handler(post(`${BASE}/end`, { room_name: a.room_name }, auth(bob)))),
    { status: 404, code: "ERR_SESSION_NOT_FOUND" },
  );
  const res = await handler(post(`${BASE}/end`, { room_name: a.room_name }, auth(ada)));
  const body = await res.json();
  assertEquals(res.status, 200);
  assertEquals(body.ended.length, 1);
  assertEquals([body.ended[0].room_name, body.ended[0].tavus], [a.room_name, "dry_run"]);
  assertEquals(sessions.rows.filter((r) => r.status === "live").map((r) => r.userId), [BOB]);
  assertEquals(
    await errorOf(await handler(post(`${BASE}/end`, {}, auth(ada)))),
    { status: 404, code: "ERR_SESSION_NOT_FOUND" },
  );
  assertEquals(
    await errorOf(await handler(post(`${BASE}/end`, { room: "x" }, auth(ada)))),
    { status: 400, code: "ERR_UNKNOWN_FIELD" },
  );
  assertEquals(
    await errorOf(await handler(new Request(`${BASE}/end`, { headers: auth(ada) }))),
    { status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  );
  assertEquals(
    await errorOf(await handler(post(`${BASE}/end`, {}))),
    { status: 401, code: "ERR_AUTH_MISSING" },
  );
});

Deno.test("health: booleans for anyone, the redacted problem list for the service role only", async () => {
  const env = devEnv({
    LIVEKIT_API_SECRET: "s3cr3t-value-that-must-never-leak-0123456789",
    TAVUS_API_KEY: "tavus-key-that-must-never-leak-42",
    SUPABASE_SERVICE_ROLE_KEY: "service-role-key-never-leaked-000",
  });
  const { handler } = setup(env);
  const anyone = await (await handler(new Request(`${BASE}/health`))).json();
  assertEquals(anyone, {
    ok: true,
    livekit_configured: true,
    tavus_configured: true,
    database_configured: false,
    auth_configured: true,
    avatar_mode: "direct",
    dry_run: false,
  });
  const user = await (await handler(
    new Request(`${BASE}/health`, { headers: auth(await userJwt(ADA)) }),
  )).json();
  assertEquals(user.problems, undefined);
  const res = await handler(
    new Request(`${BASE}/health`, { headers: auth(env.SUPABASE_SERVICE_ROLE_KEY!) }),
  );
  const text = await res.text();
  const service = JSON.parse(text);
  assert(Array.isArray(service.problems), "the service role sees the problems");
  const p = service.problems.find((p: { code: string }) => p.code === "ERR_CONFIG_NO_DATABASE");
  assert(p && p.variable && p.message && p.fix, "problems have code, variable, message, fix");
  for (const secret of [env.LIVEKIT_API_SECRET!, env.TAVUS_API_KEY!, JWT_SECRET]) {
    assert(!text.includes(secret), "a secret was echoed");
  }
  assertEquals(
    await errorOf(await handler(post(`${BASE}/health`, {}))),
    { status: 405, code: "ERR_METHOD_NOT_ALLOWED" },
  );
});

Deno.test("security log lines name the failure and never contain a token or secret", async () => {
  const { handler, logs } = setup();
  const forged = await userJwt(ADA, {}, "another-secret-of-the-same-length-0123456789ab");
  await handler(post(BASE, {}, { ...auth(forged), "x-forwarded-for": "203.0.113.7, 10.0.0.1" }));
  const line = logs.lines.find((l) => l.event === "auth_failed");
  assertEquals(line?.fields.code, "ERR_AUTH_SIGNATURE");
  assertEquals(line?.fields.ip, "203.0.113.7");
  assert(typeof line?.fields.request_id === "string");
  const text = logs.text();
  for (const s of [forged, forged.split(".")[2]!, JWT_SECRET, 'secret"']) {
    assert(!text.includes(s), "a secret reached the log");
  }
});

Deno.test("the token policy's relaxations: client identity and client room names", async () => {
  const { handler } = setup(
    devEnv({ TOKEN_ALLOW_CLIENT_IDENTITY: "true", TOKEN_ALLOW_CLIENT_ROOM_NAME: "true" }),
  );
  const ada = await userJwt(ADA);
  const res = await handler(
    post(BASE, { participant_identity: "ada-laptop", room_name: "ada-practice" }, auth(ada)),
  );
  const body = await res.json();
  assertEquals(res.status, 201);
  assertEquals(body.room_name, "ada-practice");
  assertEquals(payloadOf(body.participant_token).sub, "ada-laptop");
  // Bob cannot take Ada's room name.
  const bob = await handler(post(BASE, { room_name: "ada-practice" }, auth(await userJwt(BOB))));
  assertEquals(await errorOf(bob), { status: 409, code: "ERR_ROOM_TAKEN" });
});

Deno.test("a participant name over LiveKit's 256-byte limit is refused before signing", async () => {
  const { handler, sessions } = setup();
  const res = await handler(
    post(BASE, { participant_name: "é".repeat(129) }, auth(await userJwt())),
  );
  assertEquals(await errorOf(res), { status: 400, code: "ERR_FIELD_TOO_LARGE" });
  assertEquals(sessions.rows.length, 0);
});

Deno.test("unreachable upstreams: Tavus 502, database 502, JWKS 503, each with its code", async () => {
  const down = closedUrl();
  const ada = await userJwt(ADA);
  const tavusDown = setup(devEnv({ TAVUS_API_KEY: "k", TAVUS_API_URL: down }));
  assertEquals(await errorOf(await tavusDown.handler(post(BASE, {}, auth(ada)))), {
    status: 502,
    code: "ERR_TAVUS_NETWORK",
  });
  assertEquals(tavusDown.sessions.rows.map((r) => r.status), ["failed"]);
  const dbDown = createTokenHandler({
    env: () =>
      devEnv({
        SUPABASE_URL: down,
        SUPABASE_ANON_KEY: "a",
        SUPABASE_SERVICE_ROLE_KEY: "s",
        AUTH_JWT_ISSUER: ISSUER,
      }),
    now: () => T0,
    log: captureLog().log,
  });
  assertEquals(await errorOf(await dbDown(post(BASE, {}, auth(ada)))), {
    status: 502,
    code: "ERR_DATABASE_UNAVAILABLE",
  });
  const { AUTH_JWT_SECRET: _, ...noSecret } = devEnv({ SUPABASE_URL: down });
  const jwksDown = setup(noSecret);
  const { privateKey } = await generateKeyPair("ES256");
  const es256 = await new SignJWT(userClaims(ADA, ISSUER, {}, T0.getTime()))
    .setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(privateKey);
  const res = await jwksDown.handler(post(BASE, {}, auth(es256)));
  assertEquals(await errorOf(res), { status: 503, code: "ERR_AUTH_JWKS_UNAVAILABLE" });
  assertEquals(res.headers.get("retry-after"), "30");
});

Deno.test("409s of the session rules: ending, room conflict", async () => {
  const { handler, sessions } = setup(devEnv({ TOKEN_ALLOW_CLIENT_ROOM_NAME: "true" }));
  const ada = await userJwt(ADA);
  const first = await (await handler(post(BASE, { room_name: "ada-room" }, auth(ada)))).json();
  assertEquals(first.room_name, "ada-room");
  // The same scenario in another room while the first is open.
  assertEquals(await errorOf(await handler(post(BASE, { room_name: "other" }, auth(ada)))), {
    status: 409,
    code: "ERR_ROOM_CONFLICT",
  });
  // A session of the scenario that is still shutting down blocks a new one.
  sessions.rows[0]!.status = "ending";
  const res = await handler(post(BASE, {}, auth(ada)));
  assertEquals(await errorOf(res), { status: 409, code: "ERR_SESSION_ENDING" });
  assertEquals(res.headers.get("retry-after"), "5");
});
