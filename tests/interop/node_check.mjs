// Node 20 + npm livekit-server-sdk (tools/node_modules):
//   1. accepts the tokens and webhooks this package made (<dir>/ours.json) with
//      identical decoded claims and events;
//   2. mints tokens with every grant it supports, and webhooks, for this
//      package to verify (<dir>/node.json).
// Prints one `ok <name>` / `FAIL <name>: <why>` line per check.
import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { createHash } from "node:crypto";
import * as jose from "jose";
import { AccessToken, TokenVerifier, WebhookEvent, WebhookReceiver } from "livekit-server-sdk";
import { RoomAgentDispatch, RoomConfiguration, TrackSource } from "@livekit/protocol";

const dir = process.argv[2];
const ours = JSON.parse(readFileSync(`${dir}/ours.json`, "utf8"));
const show = (v) => JSON.stringify(v);

async function check(name, f) {
  try {
    const why = await f();
    console.log(why ? `FAIL node: ${name}: ${why}` : `ok node: ${name}`);
  } catch (e) {
    console.log(`FAIL node: ${name}: ${e?.message ?? e}`);
  }
}

/** Drops protobuf default values, which protobuf-es leaves out of toJson(). */
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      const c = canon(x);
      const empty = c === 0 || c === "" || c === false || c === "0" ||
        (Array.isArray(c) && c.length === 0) ||
        (c && typeof c === "object" && !Array.isArray(c) && Object.keys(c).length === 0);
      if (!empty) out[k] = c;
    }
    return out;
  }
  return v;
}

for (const t of ours.tokens) {
  await check(`TokenVerifier accepts our "${t.name}" with identical claims`, async () => {
    const claims = await new TokenVerifier(t.key, t.secret).verify(t.token);
    return isDeepStrictEqual(claims, t.claims)
      ? ""
      : `got ${show(claims)}, we decoded ${show(t.claims)}`;
  });
}
for (const w of ours.webhooks) {
  await check(`WebhookReceiver accepts our ${w.name} with an identical event`, async () => {
    const event = await new WebhookReceiver(w.key, w.secret).receive(w.body, w.authorization);
    const theirs = canon(event.toJson());
    return isDeepStrictEqual(theirs, canon(w.event))
      ? ""
      : `got ${show(theirs)}, we decoded ${show(w.event)}`;
  });
}
await check("WebhookReceiver refuses our webhook with a changed body", async () => {
  const w = ours.webhooks[0];
  try {
    await new WebhookReceiver(w.key, w.secret).receive(
      w.body.replace("demo", "dem0"),
      w.authorization,
    );
    return "accepted";
  } catch {
    return "";
  }
});

// Tokens and webhooks minted by the Node SDK, for this package to verify.
const KEY = "APInode";
const SECRET = "a-node-sdk-secret-of-32-bytes-long";
const made = { tokens: [], webhooks: [] };
async function mint(name, build) {
  const t = new AccessToken(KEY, SECRET, build.options);
  build.apply?.(t);
  const token = await t.toJwt();
  made.tokens.push({ name, token, key: KEY, secret: SECRET, payload: jose.decodeJwt(token) });
}
await mint("identity, name, metadata, attributes, ttl string", {
  options: {
    identity: "node-user",
    name: "Node User",
    metadata: '{"a":1}',
    attributes: { "lk.publish_on_behalf": "u1" },
    ttl: "10m",
  },
  apply: (t) => t.addGrant({ roomJoin: true, room: "node-room", canPublish: false }),
});
await mint("every video grant, kind, sha256, roomPreset", {
  options: { identity: "ops", ttl: 600 },
  apply: (t) => {
    t.addGrant({
      roomCreate: true,
      roomList: true,
      roomRecord: true,
      roomAdmin: true,
      roomJoin: true,
      room: "r",
      ingressAdmin: true,
      canPublish: true,
      canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE],
      canSubscribe: true,
      canPublishData: false,
      canUpdateOwnMetadata: true,
      hidden: true,
      recorder: true,
      agent: true,
      canSubscribeMetrics: true,
      canManageAgentSession: false,
      destinationRoom: "r2",
    });
    t.kind = "agent";
    t.sha256 = "abcdefg";
    t.roomPreset = "preset";
  },
});
await mint("sip, inference and observability grants", {
  options: { identity: "svc" },
  apply: (t) => {
    t.addSIPGrant({ admin: true, call: true });
    t.addInferenceGrant({ perform: true });
    t.addObservabilityGrant({ write: true });
  },
});
await mint("roomConfig with agent dispatch (protobuf-es defaults included)", {
  options: { identity: "host" },
  apply: (t) => {
    t.addGrant({ roomJoin: true, room: "conf" });
    t.roomConfig = new RoomConfiguration({
      name: "conf",
      maxParticipants: 10,
      agents: [new RoomAgentDispatch({ agentName: "agent1", metadata: "metadata-1" })],
    });
  },
});
await mint("numeric ttl and no identity", {
  options: { ttl: 3600 },
  apply: (t) => t.addGrant({ roomList: true }),
});

for (
  const [name, body] of [
    [
      "WebhookReceiver.test.ts body",
      '{"event":"room_started", "room":{"sid":"RM_TkVjUvAqgzKz", "name":"mytestroom", "emptyTimeout":300, "creationTime":"1628545903", "turnPassword":"ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N", "enabledCodecs":[{"mime":"audio/opus"}, {"mime":"video/VP8"}]}}',
    ],
    [
      "participant_left",
      JSON.stringify({
        event: "participant_left",
        id: "EV_n",
        createdAt: "1700000000",
        participant: { identity: "ada", sid: "PA_1", disconnectReason: "CLIENT_INITIATED" },
      }),
    ],
  ]
) {
  const t = new AccessToken(KEY, SECRET);
  t.sha256 = createHash("sha256").update(body).digest("base64");
  made.webhooks.push({
    name,
    body,
    authorization: await t.toJwt(),
    key: KEY,
    secret: SECRET,
    event: canon(WebhookEvent.fromJson(JSON.parse(body), { ignoreUnknownFields: true }).toJson()),
  });
}
writeFileSync(`${dir}/node.json`, JSON.stringify(made, null, 2));
