// The whole flow through the served functions (scripts/gateway.ts runs each function's
// unmodified index.ts in its own process), against loopback stand-ins of Supabase
// (PostgREST + Auth), Tavus and LiveKit that check every request they get:
// sign in → token (direct mode) → avatar created once despite a retry → LiveKit
// room_finished webhook → conversation ended exactly once → session row ended; and the
// same in agent mode with the agent dispatched by the server on the session's room.
import { TokenVerifier } from "livekit-server-sdk";
import { allProblems } from "../standins/common.ts";
import { signedWebhook, startLiveKit, webhookEvent } from "../standins/livekit.ts";
import { hs256Jwt, startSupabase, userClaims } from "../standins/supabase.ts";
import { startTavus } from "../standins/tavus.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { ADA, JWT_SECRET } from "./fixtures.ts";
import { serveFunctions } from "./served.ts";

async function stack(mode: "direct" | "agent") {
  const supabase = startSupabase({ jwtSecret: JWT_SECRET });
  const tavus = startTavus();
  const livekit = startLiveKit({ apiSecret: "a-development-secret-of-thirty-two-bytes" });
  const env = {
    LIVEKIT_API_KEY: "devkey",
    LIVEKIT_API_SECRET: "a-development-secret-of-thirty-two-bytes",
    LIVEKIT_WS_URL: livekit.wsUrl,
    TAVUS_API_KEY: tavus.apiKey,
    TAVUS_API_URL: tavus.url,
    SUPABASE_URL: supabase.url,
    SUPABASE_ANON_KEY: supabase.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey,
    AUTH_JWT_SECRET: JWT_SECRET,
    AVATAR_MODE: mode,
    AGENT_NAME: "tutor",
  };
  const served = await serveFunctions(env);
  const signIn = () => hs256Jwt(userClaims(ADA, `${supabase.url}/auth/v1`), JWT_SECRET);
  const token = async (jwt: string, body: unknown = { scenario_id: "travel-guide" }) => {
    const res = await fetch(`${served.base}/livekit-token`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify(body),
    });
    assertEquals(res.status, 201, await res.clone().text());
    return await res.json();
  };
  const webhook = async (event: Record<string, unknown>) => {
    const signed = await signedWebhook(event, {
      apiKey: env.LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET,
    });
    const res = await fetch(`${served.base}/livekit-webhook`, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
    });
    assertEquals(res.status, 200);
    return await res.json();
  };
  const close = async () => {
    await served.close();
    await Promise.all([supabase.close(), tavus.close(), livekit.close()]);
  };
  return { supabase, tavus, livekit, served, env, signIn, token, webhook, close };
}

Deno.test("served, direct mode: one avatar per session, ended exactly once by room_finished", async () => {
  const s = await stack("direct");
  try {
    const jwt = await s.signIn();
    const first = await s.token(jwt);
    const retry = await s.token(jwt);
    assertEquals([retry.room_name, retry.conversation_id, retry.reused], [
      first.room_name,
      first.conversation_id,
      true,
    ]);
    assertEquals(first.avatar_status, "live");
    assertEquals(s.tavus.requests.filter((r) => r.path === "/v2/conversations").length, 1);
    // The user's token verifies with the official SDK for the session's room.
    const claims = await new TokenVerifier("devkey", s.env.LIVEKIT_API_SECRET).verify(
      retry.participant_token,
    );
    assertEquals([claims.sub, claims.video?.room], [ADA, first.room_name]);
    const row = () =>
      s.supabase.tables.avatar_sessions.find((r) => r.room_name === first.room_name)!;
    assertEquals([row().status, row().conversation_id], ["live", first.conversation_id]);

    const event = webhookEvent("room_finished", first.room_name);
    const ended = await s.webhook(event);
    assertEquals([ended.action, ended.tavus], ["ended", "ended"]);
    assertEquals((await s.webhook(event)).action, "duplicate");
    assertEquals((await s.webhook(webhookEvent("room_finished", first.room_name))).action, "none");
    const ends = s.tavus.requests.filter((r) => r.path.endsWith("/end"));
    assertEquals(ends.map((r) => r.path), [`/v2/conversations/${first.conversation_id}/end`]);
    assertEquals(s.tavus.conversations.get(first.conversation_id)!.status, "ended");
    assertEquals([row().status, row().end_reason], ["ended", "room_finished"]);
    assert(row().ended_at !== null);
    assertEquals(s.supabase.tables.livekit_webhook_events.length, 2);

    // Every request each stand-in got followed its documented API.
    assertEquals(allProblems([...s.supabase.requests, ...s.tavus.requests]), []);
    const logs = s.served.logs();
    for (const secret of [s.env.LIVEKIT_API_SECRET, s.env.TAVUS_API_KEY, JWT_SECRET, jwt]) {
      assert(!logs.includes(secret), "a secret or token reached the function logs");
    }
    assertMatch(logs, /"event":"session_ended"/);
  } finally {
    await s.close();
  }
});

Deno.test("served, agent mode: the server dispatches the agent and the webhook ends the row", async () => {
  const s = await stack("agent");
  try {
    const jwt = await s.signIn();
    const body = await s.token(jwt, {
      scenario_id: "casual-conversation",
      room_config: { agents: [{ agent_name: "tutor", metadata: '{"level":"b1"}' }] },
    });
    assertEquals([body.avatar_mode, body.avatar_status], ["agent", "dispatched"]);
    const claims = await new TokenVerifier("devkey", s.env.LIVEKIT_API_SECRET).verify(
      body.participant_token,
    );
    // The token only joins; the server created the room with the agent dispatched.
    assertEquals(claims.roomConfig, undefined);
    assertEquals(s.livekit.created.map((c) => c.name), [body.room_name]);
    const agents = s.livekit.dispatches;
    assertEquals(agents.map((a) => a.agentName), ["tutor"]);
    const meta = JSON.parse(agents[0]!.metadata);
    assertEquals(
      [meta.scenario_id, meta.replica_id, meta.persona_id, meta.language, meta.max_call_duration],
      ["casual-conversation", "r6ae5b6efc9d", "p2fbd605ade0", "english", 1800],
    );
    assertEquals(meta.client_metadata, '{"level":"b1"}');
    assertEquals(s.tavus.requests.length, 0);
    const ended = await s.webhook(webhookEvent("room_finished", body.room_name));
    assertEquals([ended.action, ended.tavus], ["ended", "none"]);
    const row = s.supabase.tables.avatar_sessions[0]!;
    assertEquals([row.mode, row.status], ["agent", "ended"]);
    assertEquals(allProblems(s.supabase.requests), []);
  } finally {
    await s.close();
  }
});
