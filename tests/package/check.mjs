// Runs inside a clean project where the packed tarball was installed (Node,
// Deno or Bun; see scripts/test-package.sh): imports the package by its name,
// as a user would, and checks minting, verification, webhooks, validation and
// every shared test vector. Prints `<runtime>: N passed, N failed`.
// Usage: <runtime> check.mjs <vectors dir> <runtime name>
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import * as main from "livekit-tavus-edge";
import * as avatar from "livekit-tavus-edge/avatar";
import { difference, payloadOf, runVectors } from "./vectors.mjs";

const [vectorsDir, runtime] = process.argv.slice(2);
const api = { ...main, ...avatar };
let passed = 0;
let failed = 0;

function check(name, fn) {
  let failure;
  try {
    failure = fn();
  } catch (e) {
    failure = `threw ${e?.code ?? ""} ${e?.stack ?? e}`;
  }
  if (failure) {
    failed++;
    console.log(`FAIL ${name}: ${failure}`);
  } else {
    passed++;
  }
}

function throwsCode(fn, code) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof api.EdgeError)) return `threw a non-EdgeError: ${e}`;
    return e.code === code ? null : `expected ${code}, got ${e.code}`;
  }
  return `expected ${code}, nothing thrown`;
}

const NOW = new Date("2026-01-02T03:04:05Z");
const SECONDS = NOW.getTime() / 1000;
const KEYS = { devkey: "secret-of-at-least-32-characters!" };

check("the main entry exports the token core", () => {
  const want = [
    "EdgeError",
    "createAccessToken",
    "verifyAccessToken",
    "decodeAccessTokenUnsafe",
    "receiveWebhook",
    "signWebhook",
    "parseTtl",
    "livekitHttpUrl",
    "serverApiRequest",
    "hmacSha256",
  ];
  const missing = want.filter((name) => typeof main[name] !== "function");
  return missing.length ? `missing ${missing.join(", ")}` : null;
});

check("the avatar helpers are on the avatar subpath, not on the main entry", () => {
  const want = [
    "validateConfig",
    "parseSettings",
    "verifySupabaseJwt",
    "validateScenario",
    "createConversationBody",
    "parseTavusCallback",
  ];
  const missing = want.filter((name) => typeof avatar[name] !== "function");
  if (missing.length) return `avatar: missing ${missing.join(", ")}`;
  const leaked = want.filter((name) => name in main);
  return leaked.length ? `the main entry also exports ${leaked.join(", ")}` : null;
});

let token;
check("mint with a full claim set", () => {
  token = api.createAccessToken("devkey", KEYS.devkey, {
    identity: "ada",
    name: "Ada",
    metadata: '{"plan":"pro"}',
    attributes: { team: "blue" },
    kind: "standard",
    ttl: "10m",
    video: { roomJoin: true, room: "demo", canPublish: true, canPublishSources: ["camera"] },
    roomConfig: { agents: [{ agentName: "tutor", metadata: "{}" }] },
    currentDate: NOW,
  });
  return difference(payloadOf(token), {
    iss: "devkey",
    sub: "ada",
    nbf: SECONDS,
    exp: SECONDS + 600,
    name: "Ada",
    metadata: '{"plan":"pro"}',
    attributes: { team: "blue" },
    kind: "standard",
    video: { roomJoin: true, room: "demo", canPublish: true, canPublishSources: ["camera"] },
    roomConfig: { agents: [{ agentName: "tutor", metadata: "{}" }] },
  });
});

check("verify returns the typed claims", () => {
  const claims = api.verifyAccessToken(token, KEYS, { currentDate: NOW });
  return difference([claims.sub, claims.video?.room, claims.exp], ["ada", "demo", SECONDS + 600]);
});

check("verify refuses an expired token with ERR_TOKEN_EXPIRED", () =>
  throwsCode(
    () => api.verifyAccessToken(token, KEYS, { currentDate: new Date(NOW.getTime() + 3_600_000) }),
    "ERR_TOKEN_EXPIRED",
  ));

check("verify refuses a wrong secret with ERR_TOKEN_SIGNATURE", () =>
  throwsCode(
    () => api.verifyAccessToken(token, { devkey: "another-secret" }, { currentDate: NOW }),
    "ERR_TOKEN_SIGNATURE",
  ));

check("a signed webhook is received as a typed event", () => {
  const body = JSON.stringify({
    event: "room_started",
    id: "EV_1",
    createdAt: String(SECONDS),
    room: { sid: "RM_1", name: "demo" },
  });
  const authorization = api.signWebhook(body, "devkey", KEYS.devkey, { currentDate: NOW });
  const event = api.receiveWebhook(body, authorization, KEYS, { currentDate: NOW });
  return difference([event.event, event.room?.name], ["room_started", "demo"]);
});

check("a webhook whose body changed is refused", () => {
  const authorization = api.signWebhook('{"event":"room_started"}', "devkey", KEYS.devkey, {
    currentDate: NOW,
  });
  try {
    api.receiveWebhook('{"event":"room_finished"}', authorization, KEYS, { currentDate: NOW });
  } catch (e) {
    return e instanceof api.EdgeError && e.code.startsWith("ERR_") ? null : `threw ${e}`;
  }
  return "accepted a changed body";
});

check("validateConfig reports problems without the secret", () => {
  const secret = "a-secret-that-must-not-appear-anywhere";
  const report = api.validateConfig({ LIVEKIT_API_KEY: "key", LIVEKIT_API_SECRET: secret });
  if (!Array.isArray(report.problems) || report.problems.length === 0) return "no problems";
  if (JSON.stringify(report).includes(secret)) return "the report contains the secret";
  return report.problems.every((p) => typeof p.code === "string") ? null : "a problem has no code";
});

check("hmacSha256 matches RFC 4231 test case 2", () => {
  const mac = api.hmacSha256("Jefe", "what do ya want for nothing?");
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  return difference(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
});

let files = [];
check("the shared vectors are there", () => {
  files = readdirSync(vectorsDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, vectors: JSON.parse(readFileSync(join(vectorsDir, file), "utf8")) }));
  return files.length ? null : `none in ${vectorsDir}`;
});
for (const r of await runVectors(api, files)) {
  check(`vector ${r.file}: ${r.name}`, () => r.failure);
}

console.log(`${runtime}: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
