import { assert, assertEquals, assertMatch } from "./assert.ts";
import { verifyAccessToken } from "livekit-tavus-edge";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";

const DEV_ENV = {
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "secret",
  LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
};
const NOW = new Date("2026-11-25T12:00:00Z");
const BASE = "http://local/livekit-token";

function handler(env: Record<string, string> = DEV_ENV) {
  return createTokenHandler({ env: () => env, now: () => NOW });
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request(BASE, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function errorCode(res: Response): Promise<string> {
  const body = await res.json();
  return body.error.code;
}

Deno.test("POST mints a token for the requested room and identity", async () => {
  const res = await handler()(post({ room_name: "demo", participant_identity: "ada" }));
  assertEquals(res.status, 201);
  const body = await res.json();
  assertEquals(body.server_url, DEV_ENV.LIVEKIT_WS_URL);
  assertEquals(body.room_name, "demo");
  const claims = verifyAccessToken(body.participant_token, { devkey: "secret" }, {
    currentDate: NOW,
  });
  assertEquals(claims.sub, "ada");
  assertEquals(claims.video?.room, "demo");
  assertEquals(claims.video?.roomJoin, true);
  assertEquals(claims.nbf, NOW.getTime() / 1000);
  assertEquals(body.expires_at, new Date(claims.exp * 1000).toISOString());
});

Deno.test("every response carries CORS and a request id", async () => {
  for (
    const req of [
      post({}),
      new Request(BASE, { method: "OPTIONS" }),
      new Request(BASE, { method: "PUT" }),
      new Request(`${BASE}/nowhere`),
    ]
  ) {
    const res = await handler()(req);
    await res.body?.cancel();
    assertEquals(res.headers.get("access-control-allow-origin"), "*", req.method);
    assertMatch(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  }
});

Deno.test("errors have the right status and code", async () => {
  const cases: [Request, number, string][] = [
    [new Request(BASE, { method: "PUT" }), 405, "ERR_METHOD_NOT_ALLOWED"],
    [new Request(`${BASE}/nowhere`), 404, "ERR_NOT_FOUND"],
    [post("{not json"), 400, "ERR_BAD_JSON"],
    [post("[1,2]"), 400, "ERR_BAD_JSON"],
    [post({ room_name: 5 }), 400, "ERR_BAD_FIELD"],
    [post("{}", { "content-type": "text/plain" }), 415, "ERR_UNSUPPORTED_MEDIA_TYPE"],
    [post({ pad: "x".repeat(70_000) }), 413, "ERR_BODY_TOO_LARGE"],
  ];
  for (const [req, status, code] of cases) {
    const res = await handler()(req);
    assertEquals([res.status, await errorCode(res)], [status, code], `${req.method} ${req.url}`);
  }
});

Deno.test("an unconfigured deployment answers 503 and health names the variable", async () => {
  const env = { LIVEKIT_API_KEY: "devkey", LIVEKIT_WS_URL: "ws://127.0.0.1:7880" };
  const res = await handler(env)(post({}));
  assertEquals([res.status, await errorCode(res)], [503, "ERR_NOT_CONFIGURED"]);
  const health = await (await handler(env)(new Request(`${BASE}/health`))).json();
  assertEquals(health.livekit_configured, false);
  assert(
    health.problems.some((p: { variable: string; code: string }) =>
      p.variable === "LIVEKIT_API_SECRET" && p.code === "ERR_CONFIG_MISSING"
    ),
  );
});

Deno.test("health never contains a secret value", async () => {
  const env = {
    LIVEKIT_API_KEY: "APIa1b2c3d4e5f6",
    LIVEKIT_API_SECRET: "s3cr3t-value-that-must-never-leak-0123456789",
    LIVEKIT_WS_URL: "wss://demo.livekit.cloud",
    TAVUS_API_KEY: "tavus-key-that-must-never-leak-42",
  };
  const res = await handler(env)(new Request(`${BASE}/health`));
  const text = await res.text();
  const report = JSON.parse(text);
  assertEquals([report.livekit_configured, report.tavus_configured], [true, true]);
  for (const secret of [env.LIVEKIT_API_SECRET, env.TAVUS_API_KEY]) {
    assert(!text.includes(secret), "secret echoed");
    assert(!text.includes(String(secret.length)), "secret length echoed");
  }
});
