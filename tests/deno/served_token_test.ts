// Serves the functions on loopback (scripts/gateway.ts) and checks the token with the
// official livekit-server-sdk, an independent verifier.
import { TokenVerifier } from "livekit-server-sdk";
import { assert, assertEquals } from "./assert.ts";
import { signedWebhook, webhookEvent } from "../standins/livekit.ts";
import { ADA, JWT_SECRET, userJwt } from "./fixtures.ts";
import { serveFunctions } from "./served.ts";

const ENV = {
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "secret",
  LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
  AUTH_JWT_SECRET: JWT_SECRET,
  AUTH_JWT_ISSUER: "http://127.0.0.1:54321/auth/v1",
  AVATAR_MODE: "none",
};

Deno.test("served livekit-token: livekit-server-sdk's TokenVerifier accepts the token", async () => {
  const served = await serveFunctions(ENV);
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const res = await fetch(`${served.base}/livekit-token`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ participant_name: "Ada" }),
    });
    assertEquals(res.status, 201);
    assertEquals(res.headers.get("access-control-allow-origin"), "*");
    const body = await res.json();
    assertEquals(body.server_url, "ws://127.0.0.1:7880");
    const claims = await new TokenVerifier("devkey", "secret").verify(body.participant_token);
    assertEquals(claims.sub, ADA);
    assertEquals(claims.name, "Ada");
    assertEquals(claims.video?.room, body.room_name);
    assertEquals(claims.video?.roomJoin, true);
    assertEquals(claims.video?.canPublish, true);
    assertEquals(claims.video?.canSubscribe, true);
    assert(typeof claims.exp === "number" && claims.exp > Date.now() / 1000);
    // Without a session token the gateway-less function still answers with CORS and a code.
    const anon = await fetch(`${served.base}/livekit-token`, { method: "POST" });
    assertEquals(anon.status, 401);
    assertEquals(anon.headers.get("access-control-allow-origin"), "*");
    assertEquals((await anon.json()).error.code, "ERR_AUTH_MISSING");
  } finally {
    await served.close();
  }
});

Deno.test("served health: booleans for anyone; secrets never echoed", async () => {
  const { LIVEKIT_API_SECRET: _, ...missing } = ENV;
  let served = await serveFunctions(missing);
  try {
    const report = await (await fetch(`${served.base}/livekit-token/health`)).json();
    assertEquals(report.livekit_configured, false);
    assertEquals(report.problems, undefined);
  } finally {
    await served.close();
  }
  const secrets = {
    LIVEKIT_API_SECRET: "a-long-development-secret-of-forty-bytes!",
    TAVUS_API_KEY: "tvs-test-key-9f8e7d6c5b4a",
    SUPABASE_SERVICE_ROLE_KEY: "service-role-key-for-the-served-test",
  };
  served = await serveFunctions({ ...ENV, ...secrets });
  try {
    const res = await fetch(`${served.base}/livekit-token/health`, {
      headers: { authorization: `Bearer ${secrets.SUPABASE_SERVICE_ROLE_KEY}` },
    });
    const raw = await res.text();
    const text = raw + [...res.headers].join("\n");
    const report = JSON.parse(raw);
    assertEquals([report.livekit_configured, report.tavus_configured], [true, true]);
    assert(report.problems.some((p: { variable: string }) => p.variable === "SUPABASE_URL"));
    for (const secret of Object.values(secrets)) {
      assert(!text.includes(secret), "a secret was echoed");
      assert(!served.logs().includes(secret), "a secret was logged");
    }
  } finally {
    await served.close();
  }
});

Deno.test("served like serve.sh (no database): the webhook ends what the token function started", async () => {
  const served = await serveFunctions({ ...ENV, AVATAR_MODE: "direct" }, ["--dev-session-store"]);
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const post = (path: string, body: unknown) =>
      fetch(`${served.base}/livekit-token${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
        body: JSON.stringify(body),
      });
    const started = await (await post("", {})).json();
    assertEquals(started.avatar_status, "dry_run");
    const signed = await signedWebhook(webhookEvent("room_finished", started.room_name));
    const hook = await fetch(`${served.base}/livekit-webhook`, { method: "POST", ...signed });
    const body = await hook.json();
    assertEquals([hook.status, body.action, body.session_id], [200, "ended", started.session_id]);
    assertEquals((await (await post("/end", {})).json()).error.code, "ERR_SESSION_NOT_FOUND");
  } finally {
    await served.close();
  }
});
