// The JS face of LiveKit tokens, webhooks and the server API, run against the real wasm.
import {
  type AccessTokenClaims,
  createAccessToken,
  decodeAccessTokenUnsafe,
  EdgeError,
  type EdgeWarning,
  livekitHttpUrl,
  parseTtl,
  receiveWebhook,
  serverApiRequest,
  signWebhook,
  verifyAccessToken,
} from "livekit-tavus-edge";
import { assert, assertEquals } from "./assert.ts";

const KEY = "APIdeno";
const SECRET = "a-deno-test-secret-of-32-bytes-ok!";
const KEYS = { [KEY]: SECRET };
const NOW = new Date(1_700_000_000_000);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert(e instanceof EdgeError, `not an EdgeError: ${e}`);
    return e.code;
  }
  throw new Error("no error thrown");
}

function payload(token: string): unknown {
  const segment = token.split(".")[1]!.replaceAll("-", "+").replaceAll(
    "_",
    "/",
  );
  return JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(segment), (c) => c.charCodeAt(0)),
    ),
  );
}

Deno.test("an avatar agent token carries exactly what was set", () => {
  const token = createAccessToken(KEY, SECRET, {
    identity: "avatar-1",
    name: undefined,
    kind: "agent",
    ttl: "10m",
    attributes: { "lk.publish_on_behalf": "user-1" },
    video: {
      roomJoin: true,
      room: "s-1",
      canPublish: true,
      canSubscribe: false,
      hidden: false,
    },
    roomConfig: {
      agents: [{ agentName: "tutor", metadata: '{"a":1}' }],
      emptyTimeout: 0,
    },
    currentDate: NOW,
  });
  const expected: AccessTokenClaims = {
    iss: KEY,
    sub: "avatar-1",
    nbf: 1_700_000_000,
    exp: 1_700_000_600,
    kind: "agent",
    attributes: { "lk.publish_on_behalf": "user-1" },
    video: {
      roomJoin: true,
      room: "s-1",
      canPublish: true,
      canSubscribe: false,
    },
    roomConfig: { agents: [{ agentName: "tutor", metadata: '{"a":1}' }] },
  };
  assertEquals(payload(token), expected);
  assertEquals(verifyAccessToken(token, KEYS, { currentDate: NOW }), expected);
  assertEquals(
    verifyAccessToken(token, new Map([[KEY, SECRET]]), { currentDate: NOW }),
    expected,
  );
  assertEquals(decodeAccessTokenUnsafe(token), expected);
});

Deno.test("a short secret is accepted and reported through onWarning", () => {
  const warnings: EdgeWarning[] = [];
  createAccessToken("devkey", "secret", { onWarning: (w) => warnings.push(w) });
  assertEquals(warnings.map((w) => w.code), ["ERR_KEY_WEAK_SECRET"]);
  assert(
    !warnings[0]!.message.includes('secret"'),
    "the message names no secret",
  );
  const none: EdgeWarning[] = [];
  createAccessToken(KEY, SECRET, { onWarning: (w) => none.push(w) });
  assertEquals(none, []);
});

Deno.test("minting refuses what LiveKit's server would refuse, each with its code", () => {
  const mint = (options: Parameters<typeof createAccessToken>[2]) => () =>
    createAccessToken(KEY, SECRET, { currentDate: NOW, ...options });
  assertEquals(codeOf(() => createAccessToken("", SECRET)), "ERR_KEY_MISSING");
  assertEquals(codeOf(() => createAccessToken(KEY, "")), "ERR_KEY_MISSING");
  assertEquals(
    codeOf(mint({ video: { roomJoin: true } })),
    "ERR_IDENTITY_REQUIRED",
  );
  assertEquals(
    codeOf(mint({ identity: "x".repeat(257) })),
    "ERR_GRANT_TOO_LONG",
  );
  assertEquals(
    codeOf(mint({ metadata: "m".repeat(512 * 1024 + 1) })),
    "ERR_GRANT_METADATA_TOO_LARGE",
  );
  assertEquals(
    codeOf(mint({ attributes: { k: "v".repeat(64 * 1024) } })),
    "ERR_GRANT_ATTRIBUTES_TOO_LARGE",
  );
  for (
    const ttl of [
      0,
      -1,
      NaN,
      Infinity,
      -Infinity,
      7 * 86400 + 1,
      "0s",
      "8d",
      "600",
      "soon",
    ]
  ) {
    assertEquals(codeOf(mint({ ttl })), "ERR_INVALID_TTL", `ttl ${ttl}`);
  }
  assertEquals(
    codeOf(
      mint({ roomConfig: { egress: { tracks: { s3: { secret: "SK" } } } } }),
    ),
    "ERR_GRANT_EGRESS_CREDENTIALS",
  );
  assertEquals(codeOf(mint({ kind: "robot" as never })), "ERR_INVALID_OPTION");
  assertEquals(
    codeOf(mint({ video: { canpublish: false } as never })),
    "ERR_INVALID_OPTION",
  );
  assertEquals(
    codeOf(mint({ video: { roomJoin: "yes" } as never })),
    "ERR_INVALID_OPTION",
  );
  assertEquals(
    codeOf(mint({ metadata: (() => 1) as never })),
    "ERR_INVALID_OPTION",
  );
});

Deno.test("verification errors are EdgeErrors with distinct codes", () => {
  const token = createAccessToken(KEY, SECRET, { ttl: 60, currentDate: NOW });
  const at = (seconds: number) => ({ currentDate: new Date(seconds * 1000) });
  assertEquals(
    codeOf(() => verifyAccessToken(token, KEYS, at(1_700_000_120))),
    "ERR_TOKEN_EXPIRED",
  );
  assertEquals(
    codeOf(() => verifyAccessToken(token, KEYS, at(1_699_999_000))),
    "ERR_TOKEN_NOT_YET_VALID",
  );
  assertEquals(
    codeOf(() => verifyAccessToken(token, { other: SECRET })),
    "ERR_TOKEN_UNKNOWN_KEY",
  );
  assertEquals(
    codeOf(() => verifyAccessToken(token, { [KEY]: "wrong" })),
    "ERR_TOKEN_SIGNATURE",
  );
  assertEquals(
    codeOf(() => verifyAccessToken("a.b", KEYS)),
    "ERR_TOKEN_MALFORMED",
  );
  assertEquals(
    codeOf(() => verifyAccessToken("x".repeat(1024 * 1024 + 1), KEYS)),
    "ERR_TOKEN_TOO_LARGE",
  );
  assertEquals(
    codeOf(() => verifyAccessToken(token, KEYS, { leeway: -1 })),
    "ERR_INVALID_OPTION",
  );
  // A key inherited from Object.prototype is no key.
  assertEquals(
    codeOf(() => verifyAccessToken(token, {} as Record<string, string>)),
    "ERR_TOKEN_UNKNOWN_KEY",
  );
});

Deno.test("parseTtl reads seconds and duration strings", () => {
  assertEquals(
    [
      parseTtl(90),
      parseTtl(0.5),
      parseTtl("10m"),
      parseTtl("1.5h"),
      parseTtl("2 days"),
    ],
    [
      90,
      1,
      600,
      5400,
      172800,
    ],
  );
  assertEquals(codeOf(() => parseTtl("500ms")), "ERR_INVALID_TTL");
});

Deno.test("webhooks: string and byte bodies, Bearer or not, tampering and age caught", () => {
  const body = JSON.stringify({
    event: "agent_job_started",
    createdAt: 1_700_000_000,
    job: {
      id: "AJ_1",
      state: { status: "JS_RUNNING", startedAt: "1700000000123456789" },
    },
  });
  const auth = signWebhook(body, KEY, SECRET, { currentDate: NOW });
  const opts = { currentDate: new Date(1_700_000_010_000) };
  const expected = {
    event: "agent_job_started",
    createdAt: "1700000000",
    job: {
      id: "AJ_1",
      state: { status: "JS_RUNNING", startedAt: "1700000000123456789" },
    },
  };
  assertEquals(receiveWebhook(body, auth, KEYS, opts), expected);
  assertEquals(
    receiveWebhook(
      new TextEncoder().encode(body),
      `Bearer ${auth}`,
      KEYS,
      opts,
    ),
    expected,
  );
  assertEquals(
    codeOf(() => receiveWebhook(body, null, KEYS, opts)),
    "ERR_WEBHOOK_AUTH_MISSING",
  );
  assertEquals(
    codeOf(() => receiveWebhook(body.replace("AJ_1", "AJ_2"), auth, KEYS, opts)),
    "ERR_WEBHOOK_HASH_MISMATCH",
  );
  assertEquals(
    codeOf(() =>
      receiveWebhook(body, auth, KEYS, {
        currentDate: new Date(1_700_000_400_000),
      })
    ),
    "ERR_TOKEN_EXPIRED",
  );
  assertEquals(
    codeOf(() => receiveWebhook(body, auth, KEYS, { ...opts, maxAge: 5, leeway: 0 })),
    "ERR_WEBHOOK_TOO_OLD",
  );
  const notJson = "not json";
  assertEquals(
    codeOf(() =>
      receiveWebhook(
        notJson,
        signWebhook(notJson, KEY, SECRET, { currentDate: NOW }),
        KEYS,
        opts,
      )
    ),
    "ERR_WEBHOOK_BODY_MALFORMED",
  );
});

Deno.test("server-API requests carry only the grant their method needs", () => {
  const req = serverApiRequest(
    "ListRooms",
    "wss://demo.livekit.cloud/",
    KEY,
    SECRET,
    undefined,
    {
      currentDate: NOW,
    },
  );
  assertEquals(
    req.url,
    "https://demo.livekit.cloud/twirp/livekit.RoomService/ListRooms",
  );
  assertEquals(req.method, "POST");
  assertEquals(req.body, "{}");
  assertEquals(req.headers["Content-Type"], "application/json");
  const token = req.headers.Authorization.replace(/^Bearer /, "");
  assertEquals(verifyAccessToken(token, KEYS, { currentDate: NOW }), {
    iss: KEY,
    nbf: 1_700_000_000,
    exp: 1_700_000_600,
    video: { roomList: true },
  });
  const move = serverApiRequest(
    "MoveParticipant",
    "ws://127.0.0.1:7880",
    KEY,
    SECRET,
    {
      room: "a",
      identity: "b",
      destinationRoom: "c",
    },
    { currentDate: NOW },
  );
  assertEquals(JSON.parse(move.body), {
    room: "a",
    identity: "b",
    destinationRoom: "c",
  });
  const claims = verifyAccessToken(move.headers.Authorization.slice(7), KEYS, {
    currentDate: NOW,
  });
  assertEquals(claims.video, {
    roomAdmin: true,
    room: "a",
    destinationRoom: "c",
  });
  assertEquals(
    codeOf(() =>
      serverApiRequest("RemoveParticipant", "wss://x", KEY, SECRET, {
        room: "a",
      })
    ),
    "ERR_SERVER_API_BODY",
  );
  assertEquals(
    codeOf(() => serverApiRequest("Nope" as never, "wss://x", KEY, SECRET)),
    "ERR_SERVER_API_METHOD",
  );
  assertEquals(livekitHttpUrl("ws://127.0.0.1:7880/"), "http://127.0.0.1:7880");
  assertEquals(codeOf(() => livekitHttpUrl("ftp://x")), "ERR_SERVER_API_URL");
});
