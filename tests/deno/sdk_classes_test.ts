// The livekit-server-sdk-compatible classes (js/src/sdk.ts, js/src/grants.ts)
// side by side with livekit-server-sdk 2.19.2 itself: the same calls on both
// must give the same token claims (apart from the documented differences,
// which are asserted as such), each verifies the other's tokens, and both
// receive the same webhooks. Every refusal has its stable code.
import * as sdk from "livekit-server-sdk";
import * as edge from "livekit-tavus-edge";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";

type Lib = typeof sdk | typeof edge;

const KEY = "api-key";
const SECRET = "secret-key-of-at-least-thirty-two-bytes";

function payload(token: string): Record<string, unknown> {
  const part = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
}

function code(expected: string) {
  return (e: unknown) => {
    assert(e instanceof edge.EdgeError, `expected an EdgeError, got ${e}`);
    assertEquals(e.code, expected);
  };
}

/** Both tokens' claims, with `nbf` checked to be now and `exp - nbf` returned as `ttl`. */
function comparable(token: string): Record<string, unknown> {
  const { nbf, exp, ...rest } = payload(token) as { nbf: number; exp: number };
  const now = Date.now() / 1000;
  assert(Math.abs(nbf - now) < 5, `nbf ${nbf} is not now (${now})`);
  return { ...rest, ttl: exp - nbf };
}

// Each scenario is written once and run against both libraries: the calls are
// those of livekit-server-sdk's README and tests.
const scenarios: Record<string, (lib: Lib) => Promise<string>> = {
  "README: a token to join a room"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "user-name" });
    at.addGrant({ roomJoin: true, room: "name-of-room" });
    return at.toJwt();
  },
  "README: permissions"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "user-name" });
    at.addGrant({ roomJoin: true, room: "name-of-room", canPublish: false, canSubscribe: true });
    return at.toJwt();
  },
  "every option, setter and grant method"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, {
      identity: "ada",
      name: "Ada",
      metadata: '{"plan":"pro"}',
      attributes: { team: "blue" },
      ttl: "10m",
    });
    at.kind = "agent";
    at.sha256 = "abcdefg";
    at.roomPreset = "preset-1";
    at.addGrant({ roomCreate: true });
    at.addGrant({ roomJoin: true, room: "demo", canPublishData: true, hidden: true });
    at.addGrant({ canUpdateOwnMetadata: true, canSubscribeMetrics: true, destinationRoom: "b" });
    at.addSIPGrant({ admin: true, call: true });
    at.addInferenceGrant({ perform: true });
    at.addObservabilityGrant({ write: true });
    return at.toJwt();
  },
  "setters after construction"(lib) {
    const at = new lib.AccessToken(KEY, SECRET);
    at.identity = "late";
    at.ttl = "2 days";
    at.name = "Late";
    at.metadata = "m";
    at.attributes = { a: "b" };
    at.addGrant({ roomJoin: true, room: "r" });
    return at.toJwt();
  },
  "ttl as a number of seconds"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "n", ttl: 600 });
    return at.toJwt();
  },
  "ttl as a fractional duration"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "n", ttl: "1.5h" });
    return at.toJwt();
  },
  "no identity for a server-API grant"(lib) {
    const at = new lib.AccessToken(KEY, SECRET);
    at.addGrant({ roomCreate: true, roomList: true, roomAdmin: true, room: "r" });
    return at.toJwt();
  },
  "canPublishSources as TrackSource values"(lib) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "ts" });
    at.addGrant({
      roomJoin: true,
      canPublishSources: [
        lib.TrackSource.CAMERA,
        lib.TrackSource.MICROPHONE,
        lib.TrackSource.SCREEN_SHARE,
        lib.TrackSource.SCREEN_SHARE_AUDIO,
      ],
    });
    return at.toJwt();
  },
};

for (const [name, run] of Object.entries(scenarios)) {
  Deno.test(`AccessToken as in livekit-server-sdk: ${name}`, async () => {
    const theirs = await run(sdk);
    const ours = await run(edge);
    assertEquals(comparable(ours), comparable(theirs));
    // Each library verifies the other's token with the same claims.
    const byEdge = await new edge.TokenVerifier(KEY, SECRET).verify(theirs);
    const bySdk = await new sdk.TokenVerifier(KEY, SECRET).verify(ours);
    assertEquals<unknown>(byEdge, payload(theirs));
    assertEquals<unknown>(bySdk, payload(ours));
  });
}

Deno.test("AccessToken: RoomConfiguration and RoomAgentDispatch, theirs and ours", async () => {
  // The same code, once with each library's classes.
  const build = (lib: Lib) => {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "test-identity" });
    at.addGrant({ roomJoin: true, room: "test-room" });
    if (lib === sdk) {
      at.roomConfig = new sdk.RoomConfiguration({
        name: "test-room",
        maxParticipants: 10,
        agents: [
          new sdk.RoomAgentDispatch({ agentName: "agent1", metadata: "metadata-1" }),
          new sdk.RoomAgentDispatch({ agentName: "agent2", metadata: "metadata-2" }),
        ],
      });
    } else {
      at.roomConfig = new edge.RoomConfiguration({
        name: "test-room",
        maxParticipants: 10,
        agents: [
          new edge.RoomAgentDispatch({ agentName: "agent1", metadata: "metadata-1" }),
          new edge.RoomAgentDispatch({ agentName: "agent2", metadata: "metadata-2" }),
        ],
      });
    }
    return at;
  };
  const theirs = payload(await build(sdk).toJwt());
  const ours = payload(await build(edge).toJwt());
  const set = {
    name: "test-room",
    maxParticipants: 10,
    agents: [
      { agentName: "agent1", metadata: "metadata-1" },
      { agentName: "agent2", metadata: "metadata-2" },
    ],
  };
  // Documented difference: livekit-server-sdk writes every default of the
  // protobuf message (empty strings, zeros, `syncStreams: false`, `tags: {}`,
  // each agent's `restartPolicy` and `deployment`); this package only what is set.
  assertEquals(ours.roomConfig, set);
  const defaults = theirs.roomConfig as Record<string, unknown>;
  assertEquals(defaults.emptyTimeout, 0);
  assertEquals(defaults.syncStreams, false);
  assertEquals(defaults.name, "test-room");
  assertEquals(
    (defaults.agents as Record<string, unknown>[]).map((a) => [a.agentName, a.metadata]),
    [["agent1", "metadata-1"], ["agent2", "metadata-2"]],
  );

  // A @livekit/protocol message (what livekit-server-sdk exports) set on this
  // package's AccessToken, and given to createAccessToken: read through its
  // protobuf-JSON, only the set fields written.
  const at = new edge.AccessToken(KEY, SECRET, { identity: "test-identity" });
  at.addGrant({ roomJoin: true, room: "test-room" });
  at.roomConfig = build(sdk).roomConfig;
  assertEquals(payload(await at.toJwt()).roomConfig, set);
  const minted = edge.createAccessToken(KEY, SECRET, {
    identity: "x",
    roomConfig: new sdk.RoomConfiguration({
      emptyTimeout: 30,
      agents: [
        new sdk.RoomAgentDispatch({
          agentName: "a",
          restartPolicy: sdk.JobRestartPolicy.JRP_NEVER,
        }),
      ],
    }),
  });
  assertEquals(payload(minted).roomConfig, {
    emptyTimeout: 30,
    agents: [{ agentName: "a", restartPolicy: "JRP_NEVER" }],
  });

  // Plain objects, as JavaScript users of the SDK also pass them.
  const plain = new edge.AccessToken(KEY, SECRET, { identity: "p" });
  plain.roomConfig = {
    agents: [{ agentName: "tutor", restartPolicy: edge.JobRestartPolicy.JRP_NEVER }],
  };
  assertEquals(payload(await plain.toJwt()).roomConfig, {
    agents: [{ agentName: "tutor", restartPolicy: 1 }],
  });
  assertEquals(plain.roomConfig, { agents: [{ agentName: "tutor", restartPolicy: 1 }] });
});

Deno.test("AccessToken: the SDK's public fields read back as in livekit-server-sdk", () => {
  for (const lib of [sdk, edge] as Lib[]) {
    const at = new lib.AccessToken(KEY, SECRET, { identity: "i", ttl: 90, name: "N" });
    assertEquals([at.identity, at.ttl, at.name], ["i", "90s", "N"]);
    assertEquals(new lib.AccessToken(KEY, SECRET).ttl, "6h");
    at.kind = "agent";
    at.metadata = "m";
    at.attributes = { a: "b" };
    at.sha256 = "h";
    at.roomPreset = "p";
    assertEquals([at.kind, at.metadata, at.attributes, at.sha256, at.roomPreset], [
      "agent",
      "m",
      { a: "b" },
      "h",
      "p",
    ]);
  }
});

Deno.test("AccessToken: the key and secret default to LIVEKIT_API_KEY / LIVEKIT_API_SECRET", async () => {
  const saved = [Deno.env.get("LIVEKIT_API_KEY"), Deno.env.get("LIVEKIT_API_SECRET")];
  try {
    Deno.env.set("LIVEKIT_API_KEY", "env-key");
    Deno.env.set("LIVEKIT_API_SECRET", SECRET);
    const token = await new edge.AccessToken(undefined, undefined, { identity: "e" }).toJwt();
    const theirs = await new sdk.AccessToken(undefined, undefined, { identity: "e" }).toJwt();
    assertEquals(payload(token).iss, "env-key");
    assertEquals(payload(theirs).iss, "env-key");
    Deno.env.delete("LIVEKIT_API_SECRET");
    // livekit-server-sdk throws a plain Error here; this package its coded EdgeError.
    assertThrows(() => new sdk.AccessToken());
    assertThrows(() => new edge.AccessToken(), code("ERR_KEY_MISSING"));
    assertThrows(() => new edge.AccessToken("k"), code("ERR_KEY_MISSING"));
  } finally {
    for (const [name, value] of [["LIVEKIT_API_KEY", saved[0]], ["LIVEKIT_API_SECRET", saved[1]]]) {
      if (value === undefined) Deno.env.delete(name!);
      else Deno.env.set(name!, value);
    }
  }
});

Deno.test("AccessToken: errors are promise rejections with their codes", async () => {
  const at = (options: edge.AccessTokenOptions) => new edge.AccessToken(KEY, SECRET, options);
  // As in livekit-server-sdk: a join grant without identity is refused.
  const join = at({});
  join.addGrant({ roomJoin: true, room: "r" });
  const pending = join.toJwt();
  assert(pending instanceof Promise, "toJwt() returns a promise");
  await assertRejects(() => pending, code("ERR_IDENTITY_REQUIRED"));
  const theirs = new sdk.AccessToken(KEY, SECRET);
  theirs.addGrant({ roomJoin: true, room: "r" });
  await assertRejects(() => theirs.toJwt());

  // Stricter than livekit-server-sdk (which accepts or ignores all of these).
  await assertRejects(() => at({ identity: "i", ttl: 0 }).toJwt(), (e) => {
    code("ERR_INVALID_TTL")(e);
    assert(String((e as Error).message).includes("livekit-server-sdk silently uses 6 h"));
  });
  await assertRejects(() => at({ identity: "i", ttl: "" }).toJwt(), code("ERR_INVALID_TTL"));
  await assertRejects(() => at({ identity: "i", ttl: NaN }).toJwt(), code("ERR_INVALID_TTL"));
  await assertRejects(() => at({ identity: "i", ttl: -60 }).toJwt(), code("ERR_INVALID_TTL"));
  await assertRejects(() => at({ identity: "i", ttl: "30 days" }).toJwt(), code("ERR_INVALID_TTL"));
  await assertRejects(
    // deno-lint-ignore no-explicit-any
    () => at({ identity: "i", bogus: true } as any).toJwt(),
    code("ERR_INVALID_OPTION"),
  );
  const typo = at({ identity: "i" });
  // deno-lint-ignore no-explicit-any
  typo.addGrant({ canpublish: true } as any);
  await assertRejects(() => typo.toJwt(), code("ERR_INVALID_OPTION"));
  const kind = at({ identity: "i" });
  kind.kind = "robot";
  await assertRejects(() => kind.toJwt(), code("ERR_INVALID_OPTION"));
  const unknownSource = at({ identity: "i" });
  unknownSource.addGrant({ canPublishSources: [edge.TrackSource.UNKNOWN] });
  await assertRejects(() => unknownSource.toJwt(), code("ERR_INVALID_OPTION"));
  await assertRejects(
    () => at({ identity: "x".repeat(257) }).toJwt(),
    code("ERR_GRANT_TOO_LONG"),
  );
  await assertRejects(
    () => at({ identity: "i", metadata: "x".repeat(512 * 1024 + 1) }).toJwt(),
    code("ERR_GRANT_METADATA_TOO_LARGE"),
  );
  const egress = at({ identity: "i" });
  egress.roomConfig = { egress: { room: { fileOutputs: [{ s3: { secret: "s3-secret" } }] } } };
  await assertRejects(() => egress.toJwt(), code("ERR_GRANT_EGRESS_CREDENTIALS"));
});

Deno.test("AccessToken: a number assigned to ttl later is a lifetime, not an absolute exp", async () => {
  const theirs = new sdk.AccessToken(KEY, SECRET, { identity: "t" });
  theirs.ttl = 3600;
  const ours = new edge.AccessToken(KEY, SECRET, { identity: "t" });
  ours.ttl = 3600;
  // Documented difference: livekit-server-sdk hands the number to jose's
  // setExpirationTime, which reads it as a timestamp.
  assertEquals(payload(await theirs.toJwt()).exp, 3600);
  const claims = payload(await ours.toJwt()) as { nbf: number; exp: number };
  assertEquals(claims.exp - claims.nbf, 3600);
});

Deno.test("AccessToken: currentDate and onWarning pass through to the core", async () => {
  const warnings: string[] = [];
  const token = await new edge.AccessToken(KEY, "short", {
    identity: "w",
    ttl: 60,
    currentDate: new Date("2026-01-01T00:00:00Z"),
    onWarning: (w) => warnings.push(w.code),
  }).toJwt();
  assertEquals([payload(token).nbf, payload(token).exp], [1767225600, 1767225660]);
  assertEquals(warnings, ["ERR_KEY_WEAK_SECRET"]);
});

/** A token signed with `header` and `claims` (for what neither library mints). */
async function handMade(header: object, claims: object, secret = SECRET): Promise<string> {
  const b64 = (b: Uint8Array) =>
    btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const text = (o: object) => b64(new TextEncoder().encode(JSON.stringify(o)));
  const input = `${text(header)}.${text(claims)}`;
  const hash = { HS256: "SHA-256", HS512: "SHA-512" }[(header as { alg: string }).alg]!;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${b64(new Uint8Array(mac))}`;
}

Deno.test("TokenVerifier: clock tolerance as in livekit-server-sdk (10 s default, strings)", async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await handMade({ alg: "HS256", typ: "JWT" }, {
    iss: KEY,
    sub: "s",
    exp: now - 5,
  });
  const older = await handMade({ alg: "HS256", typ: "JWT" }, { iss: KEY, sub: "s", exp: now - 30 });
  for (const lib of [sdk, edge] as Lib[]) {
    const v = new lib.TokenVerifier(KEY, SECRET);
    assertEquals((await v.verify(expired)).sub, "s");
    await assertRejects(() => v.verify(older));
    assertEquals((await v.verify(older, 60)).sub, "s");
    assertEquals((await v.verify(older, "1m")).sub, "s");
    await assertRejects(() => v.verify(expired, 0));
  }
  const v = new edge.TokenVerifier(KEY, SECRET);
  await assertRejects(() => v.verify(older), code("ERR_TOKEN_EXPIRED"));
  await assertRejects(() => v.verify(expired, "0s"), code("ERR_TOKEN_EXPIRED"));
  await assertRejects(() => v.verify(expired, "soon"), code("ERR_INVALID_OPTION"));
  await assertRejects(() => v.verify(expired, 7200), code("ERR_INVALID_OPTION"));
});

Deno.test("TokenVerifier: refusals, with codes where livekit-server-sdk throws plain errors", async () => {
  const now = Math.floor(Date.now() / 1000);
  const v = new edge.TokenVerifier(KEY, SECRET);
  const theirs = new sdk.TokenVerifier(KEY, SECRET);
  const noExp = await handMade({ alg: "HS256" }, { iss: KEY, sub: "s" });
  const otherKey = await handMade({ alg: "HS256" }, { iss: "other", sub: "s", exp: now + 60 });
  const wrongSecret = await handMade({ alg: "HS256" }, { iss: KEY, exp: now + 60 }, "another");
  const future = await handMade({ alg: "HS256" }, { iss: KEY, nbf: now + 600, exp: now + 900 });
  for (
    const [token, expected] of [
      [noExp, "ERR_TOKEN_EXP_REQUIRED"],
      [otherKey, "ERR_TOKEN_UNKNOWN_KEY"],
      [wrongSecret, "ERR_TOKEN_SIGNATURE"],
      [future, "ERR_TOKEN_NOT_YET_VALID"],
      ["not-a-token", "ERR_TOKEN_MALFORMED"],
    ] as const
  ) {
    await assertRejects(() => theirs.verify(token));
    await assertRejects(() => v.verify(token), code(expected));
  }
  // Stricter: livekit-server-sdk accepts any HS* algorithm and string times.
  const hs512 = await handMade({ alg: "HS512" }, { iss: KEY, sub: "s", exp: now + 60 });
  assertEquals((await theirs.verify(hs512)).sub, "s");
  await assertRejects(() => v.verify(hs512), code("ERR_TOKEN_ALGORITHM"));
  const floatExp = await handMade({ alg: "HS256" }, { iss: KEY, sub: "s", exp: now + 60.5 });
  await assertRejects(() => v.verify(floatExp), code("ERR_TOKEN_CLAIMS"));
});

function webhookBody(now: number): string {
  return JSON.stringify({
    event: "participant_joined",
    id: "EV_1",
    createdAt: String(now),
    room: { sid: "RM_1", name: "demo", numParticipants: 2 },
    participant: { sid: "PA_1", identity: "ada", state: "ACTIVE", kind: "STANDARD" },
  });
}

Deno.test("WebhookReceiver: the README's receive, side by side with livekit-server-sdk", async () => {
  const now = Math.floor(Date.now() / 1000);
  const body = webhookBody(now);
  const auth = edge.signWebhook(body, "apikey", "apisecret");
  const theirs = await new sdk.WebhookReceiver("apikey", "apisecret").receive(body, auth);
  const ours = await new edge.WebhookReceiver("apikey", "apisecret").receive(body, auth);
  // The fields a handler reads are the same...
  assertEquals(
    [ours.event, ours.id, ours.room?.name, ours.room?.numParticipants, ours.participant?.identity],
    [
      theirs.event,
      theirs.id,
      theirs.room?.name,
      theirs.room?.numParticipants,
      theirs.participant?.identity,
    ],
  );
  // ...and the documented differences are exactly these: int64 as a decimal
  // string (theirs: bigint), enums as names (theirs: numbers), a plain object
  // without the protobuf defaults (theirs: a WebhookEvent instance).
  assertEquals(ours.createdAt, String(now));
  assert(theirs.createdAt === BigInt(now), "livekit-server-sdk gives a bigint");
  assertEquals([ours.participant?.state, ours.participant?.kind], ["ACTIVE", "STANDARD"]);
  assertEquals([theirs.participant?.state, theirs.participant?.kind], [2, 0]);
  assertEquals(Object.getPrototypeOf(ours), Object.prototype);
  assertEquals(ours.room?.numPublishers, undefined);
  assertEquals(theirs.room?.numPublishers, 0);

  // With bytes (express.raw gives a Buffer) and with `Bearer `.
  const bytes = new TextEncoder().encode(body);
  const fromBytes = await new edge.WebhookReceiver("apikey", "apisecret").receive(bytes, auth);
  assertEquals(fromBytes, ours);
  const bearer = await new edge.WebhookReceiver("apikey", "apisecret").receive(
    body,
    `Bearer ${auth}`,
  );
  assertEquals(bearer, ours);
});

Deno.test("WebhookReceiver: skipAuth, clock tolerance and refusals", async () => {
  const now = Math.floor(Date.now() / 1000);
  const body = webhookBody(now);
  const receiver = new edge.WebhookReceiver("apikey", "apisecret");
  const skipped = await receiver.receive(body, undefined, true);
  const theirs = await new sdk.WebhookReceiver("apikey", "apisecret").receive(
    body,
    undefined,
    true,
  );
  assertEquals([skipped.event, skipped.participant?.identity], [
    theirs.event,
    theirs.participant?.identity,
  ]);
  assertEquals(edge.decodeWebhookUnsafe(body), skipped);

  // The webhook token expired 5 s ago (LiveKit's are valid 5 minutes): within the default 10 s.
  const late = edge.signWebhook(body, "apikey", "apisecret", {
    currentDate: new Date((now - 305) * 1000),
  });
  assertEquals((await receiver.receive(body, late)).event, "participant_joined");
  await assertRejects(() => receiver.receive(body, late, false, 0), code("ERR_TOKEN_EXPIRED"));
  await assertRejects(() => receiver.receive(body, late, false, "1s"), code("ERR_TOKEN_EXPIRED"));

  const auth = edge.signWebhook(body, "apikey", "apisecret");
  await assertRejects(() => receiver.receive(body), code("ERR_WEBHOOK_AUTH_MISSING"));
  await assertRejects(() => receiver.receive(body, ""), code("ERR_WEBHOOK_AUTH_MISSING"));
  await assertRejects(
    () => receiver.receive(body.replace("ada", "eve"), auth),
    code("ERR_WEBHOOK_HASH_MISMATCH"),
  );
  await assertRejects(
    () => new edge.WebhookReceiver("apikey", "wrong").receive(body, auth),
    code("ERR_TOKEN_SIGNATURE"),
  );
  await assertRejects(
    // deno-lint-ignore no-explicit-any
    () => receiver.receive(JSON.parse(body) as any, auth),
    code("ERR_WEBHOOK_BODY_MALFORMED"),
  );
  await assertRejects(
    () => receiver.receive("[]", undefined, true),
    code("ERR_WEBHOOK_BODY_MALFORMED"),
  );
});

Deno.test("createAccessToken takes the same SDK-style values as the classes", () => {
  const token = edge.createAccessToken(KEY, SECRET, {
    identity: "c",
    video: { roomJoin: true, canPublishSources: [edge.TrackSource.CAMERA, "microphone"] },
    roomConfig: new edge.RoomConfiguration({
      agents: [new edge.RoomAgentDispatch({ agentName: "a" })],
    }),
  });
  const claims = payload(token);
  assertEquals((claims.video as { canPublishSources: string[] }).canPublishSources, [
    "camera",
    "microphone",
  ]);
  assertEquals(claims.roomConfig, { agents: [{ agentName: "a" }] });
  assertEquals(
    edge.TrackSource[edge.TrackSource.SCREEN_SHARE],
    sdk.TrackSource[sdk.TrackSource.SCREEN_SHARE],
  );
  for (
    const name of ["UNKNOWN", "CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"] as const
  ) {
    assertEquals(edge.TrackSource[name], sdk.TrackSource[name], name);
  }
  assertEquals(edge.JobRestartPolicy.JRP_NEVER, sdk.JobRestartPolicy.JRP_NEVER);
});
