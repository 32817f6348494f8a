// The official livekit-client package's endpoint TokenSource, fetching from the served
// function: it sends protobuf-named JSON (its agentName/agentMetadata options as
// room_config.agents[{agent_name, metadata}], dispatched by the server on the session's
// room), reads {server_url, participant_token}, decodes the token and caches it.
// livekit-client 2.23 imports and runs under Deno 2.9 as is: TokenSource needs only
// fetch, no browser globals.
import { TokenSource } from "livekit-client";
import { TokenVerifier } from "livekit-server-sdk";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { ADA, JWT_SECRET, userJwt } from "./fixtures.ts";
import { serveFunctions } from "./served.ts";
import { startLiveKit } from "../standins/livekit.ts";

Deno.test("livekit-client TokenSource.endpoint gets a usable token from the served function", async () => {
  const livekit = startLiveKit();
  const served = await serveFunctions({
    LIVEKIT_API_KEY: "devkey",
    LIVEKIT_API_SECRET: "secret",
    LIVEKIT_WS_URL: livekit.wsUrl,
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_JWT_ISSUER: "http://127.0.0.1:54321/auth/v1",
    AVATAR_MODE: "agent",
    AGENT_NAME: "tutor",
  });
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const source = TokenSource.endpoint(
      `${served.base}/livekit-token?scenario_id=business-meeting`,
      { headers: { Authorization: `Bearer ${jwt}` } },
    );
    const options = { participantName: "Ada", agentName: "tutor", agentMetadata: "level=b2" };
    const got = await source.fetch(options);
    assertEquals(got.serverUrl, livekit.wsUrl);
    const claims = await new TokenVerifier("devkey", "secret").verify(got.participantToken);
    assertEquals([claims.sub, claims.name], [ADA, "Ada"]);
    // The agent the client asked for is dispatched by the server on the session's room;
    // the token itself only joins.
    assertEquals(claims.roomConfig, undefined);
    const agent = livekit.dispatches[0];
    assertEquals([agent?.agentName, agent?.room], ["tutor", claims.video?.room]);
    const meta = JSON.parse(agent!.metadata);
    assertEquals([meta.scenario_id, meta.client_metadata], ["business-meeting", "level=b2"]);
    // Same options: the client's cache answers (the token is valid for 15 minutes).
    const cached = await source.fetch(options);
    assertEquals(cached.participantToken, got.participantToken);
    // New options: a new request, the same session and room, a new token.
    const renamed = await source.fetch({ ...options, participantName: "Ada L." });
    assert(renamed.participantToken !== got.participantToken);
    const again = await new TokenVerifier("devkey", "secret").verify(renamed.participantToken);
    assertEquals([again.name, again.video?.room], ["Ada L.", claims.video?.room]);
    // The endpoint's refusals reach the client as errors with the code in the text.
    const other = TokenSource.endpoint(`${served.base}/livekit-token`, {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    await assertRejects(
      () => other.fetch({ agentName: "someone-else" }),
      (e) => assert(String(e).includes("ERR_AGENT_NOT_ALLOWED"), String(e)),
    );
    const anonymous = TokenSource.endpoint(`${served.base}/livekit-token`);
    await assertRejects(
      () => anonymous.fetch({}),
      (e) => assert(String(e).includes("401") && String(e).includes("ERR_AUTH_MISSING"), String(e)),
    );
    assertEquals(livekit.dispatches.length, 1);
  } finally {
    await served.close();
    await livekit.close();
  }
});
