// Serves the functions on loopback and checks the token with the official
// livekit-server-sdk, an independent verifier.
import { TokenVerifier } from "livekit-server-sdk";
import { assert, assertEquals } from "./assert.ts";
import { serveFunctions } from "./served.ts";

const ENV = {
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "secret",
  LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
  PATH: Deno.env.get("PATH") ?? "",
  HOME: Deno.env.get("HOME") ?? "",
  DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
};

Deno.test("served livekit-token: livekit-server-sdk's TokenVerifier accepts the token", async () => {
  const served = await serveFunctions(ENV);
  try {
    const res = await fetch(`${served.base}/livekit-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        room_name: "practice-room",
        participant_identity: "learner-1",
        participant_name: "Ada",
      }),
    });
    assertEquals(res.status, 201);
    assertEquals(res.headers.get("access-control-allow-origin"), "*");
    const body = await res.json();
    assertEquals(body.server_url, "ws://127.0.0.1:7880");
    const claims = await new TokenVerifier("devkey", "secret").verify(body.participant_token);
    assertEquals(claims.sub, "learner-1");
    assertEquals(claims.name, "Ada");
    assertEquals(claims.video?.room, "practice-room");
    assertEquals(claims.video?.roomJoin, true);
    assertEquals(claims.video?.canPublish, true);
    assertEquals(claims.video?.canSubscribe, true);
    assert(typeof claims.exp === "number" && claims.exp > Date.now() / 1000);
  } finally {
    await served.close();
  }
});

Deno.test("served health: a missing secret is named, a present one never echoed", async () => {
  const { LIVEKIT_API_SECRET: _, ...missing } = ENV;
  let served = await serveFunctions(missing);
  try {
    const report = await (await fetch(`${served.base}/livekit-token/health`)).json();
    assertEquals(report.livekit_configured, false);
    assert(report.problems.some((p: { variable: string }) => p.variable === "LIVEKIT_API_SECRET"));
  } finally {
    await served.close();
  }
  const secrets = {
    LIVEKIT_API_SECRET: "a-long-development-secret-of-forty-bytes!",
    TAVUS_API_KEY: "tvs-test-key-9f8e7d6c5b4a",
  };
  served = await serveFunctions({ ...ENV, ...secrets });
  try {
    const res = await fetch(`${served.base}/livekit-token/health`);
    const raw = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(raw) + [...res.headers].join("\n");
    const report = JSON.parse(new TextDecoder().decode(raw));
    assertEquals([report.livekit_configured, report.tavus_configured], [true, true]);
    for (const secret of Object.values(secrets)) {
      assert(!text.includes(secret), "a secret was echoed");
    }
    assert(!served.logs().includes(secrets.LIVEKIT_API_SECRET));
  } finally {
    await served.close();
  }
});
