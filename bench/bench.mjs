// One-process benchmark: this package against livekit-server-sdk and jose for
// minting (a full claim set), verifying and receiving a webhook, with an
// HMAC-SHA256-only call into the same wasm as the floor; then cold start
// (a fresh process: import and first token) for this package and for
// livekit-server-sdk. Runs under Node (`node bench/bench.mjs`) and Deno
// (`deno run -A bench/bench.mjs`, the Edge Functions' runtime); on demand with
// `bash scripts/bench.sh`, which runs both (not a test).
import { spawnSync } from "node:child_process";
import os from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as edge from "../js/dist/src/mod.js";

// The contenders at the same versions: under Node those pinned in tools/ (their ESM
// entry points, as `import` resolves them), under Deno the npm: specifiers of deno.json.
const isDeno = typeof globalThis.Deno !== "undefined";
const tools = new URL("../tools/node_modules/", import.meta.url);
const jose = await import(isDeno ? "jose" : new URL("jose/dist/webapi/index.js", tools).href);
const {
  AccessToken,
  RoomAgentDispatch,
  RoomConfiguration,
  TokenVerifier,
  TrackSource,
  WebhookReceiver,
} = await import(
  isDeno ? "livekit-server-sdk" : new URL("livekit-server-sdk/dist/index.js", tools).href
);
const runtime = isDeno ? `Deno ${globalThis.Deno.version.deno}` : `Node ${process.version}`;

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);

const API_KEY = "APIbench1234";
const API_SECRET = "a-benchmark-secret-of-forty-characters!!";
const NOW = Math.floor(Date.now() / 1000);

// The same claims for every library: identity, name, metadata, attributes,
// kind, a ten-minute lifetime, a video grant with sources, and agent dispatch.
const CLAIMS = {
  identity: "user-1234",
  name: "Ada Lovelace",
  metadata: '{"plan":"pro","locale":"en"}',
  attributes: { team: "blue", role: "student" },
  kind: "standard",
  video: {
    roomJoin: true,
    room: "lesson-42",
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
    canPublishSources: ["camera", "microphone"],
  },
  agent: { agentName: "tutor", metadata: '{"scenario":"casual-conversation"}' },
};

function mintEdge() {
  return edge.createAccessToken(API_KEY, API_SECRET, {
    identity: CLAIMS.identity,
    name: CLAIMS.name,
    metadata: CLAIMS.metadata,
    attributes: CLAIMS.attributes,
    kind: CLAIMS.kind,
    ttl: 600,
    video: CLAIMS.video,
    roomConfig: { agents: [CLAIMS.agent] },
  });
}

function mintSdk() {
  const at = new AccessToken(API_KEY, API_SECRET, {
    identity: CLAIMS.identity,
    name: CLAIMS.name,
    metadata: CLAIMS.metadata,
    attributes: CLAIMS.attributes,
    ttl: 600,
  });
  at.kind = CLAIMS.kind;
  at.addGrant({
    ...CLAIMS.video,
    canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
  });
  at.roomConfig = new RoomConfiguration({ agents: [new RoomAgentDispatch(CLAIMS.agent)] });
  return at.toJwt();
}

// jose at its best: the key imported once, outside the timed loop.
const joseKey = await crypto.subtle.importKey(
  "raw",
  new TextEncoder().encode(API_SECRET),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["sign", "verify"],
);

function mintJose() {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({
    name: CLAIMS.name,
    metadata: CLAIMS.metadata,
    attributes: CLAIMS.attributes,
    kind: CLAIMS.kind,
    video: CLAIMS.video,
    roomConfig: { agents: [CLAIMS.agent] },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(API_KEY)
    .setSubject(CLAIMS.identity)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .sign(joseKey);
}

const token = mintEdge();
const signingInput = token.slice(0, token.lastIndexOf("."));
const keys = { [API_KEY]: API_SECRET };
const verifier = new TokenVerifier(API_KEY, API_SECRET);

const webhookBody = JSON.stringify({
  event: "participant_joined",
  id: "EV_3kJvQwXxYzAb",
  createdAt: String(NOW),
  room: {
    sid: "RM_hycBMAjmt6Ub",
    name: "lesson-42",
    emptyTimeout: 300,
    creationTime: String(NOW - 30),
    numParticipants: 1,
  },
  participant: {
    sid: "PA_39FqXYJ5Eh4Y",
    identity: "user-1234",
    name: "Ada Lovelace",
    state: "ACTIVE",
    joinedAt: String(NOW),
    metadata: '{"plan":"pro"}',
    attributes: { team: "blue" },
    kind: "STANDARD",
  },
});
const webhookAuth = edge.signWebhook(webhookBody, API_KEY, API_SECRET);
const receiver = new WebhookReceiver(API_KEY, API_SECRET);

async function webhookJose() {
  const { payload } = await jose.jwtVerify(webhookAuth, joseKey, { algorithms: ["HS256"] });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(webhookBody));
  const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  if (hash !== payload.sha256) throw new Error("hash mismatch");
  return JSON.parse(webhookBody);
}

// Sanity: every contender accepts what the others produce.
edge.verifyAccessToken(await mintSdk(), keys);
edge.verifyAccessToken(await mintJose(), keys);
await verifier.verify(token);
await receiver.receive(webhookBody, webhookAuth);
edge.receiveWebhook(webhookBody, webhookAuth, keys);
await webhookJose();

/** Microseconds per call of `fn` over about `ms` milliseconds, in batches of `batch`. */
async function round(fn, isAsync, batch, ms) {
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    if (isAsync) { for (let i = 0; i < batch; i++) await fn(); }
    else for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - start;
  }
  const { user, system } = process.cpuUsage(cpuStart);
  return { us: (elapsed * 1000) / calls, cpu: (user + system) / calls, calls };
}

/**
 * Median microseconds per call of each contender, by the wall clock and in CPU
 * time (all of the process's threads: WebCrypto work runs on libuv's pool).
 * The contenders take turns round by round, so a change in the machine's load
 * hits them alike.
 * @param {Array<[Function, boolean]>} contenders (function, is it async)
 */
async function measure(contenders) {
  const batches = [];
  for (const [fn, isAsync] of contenders) {
    // Warm-up, which also sizes a batch to about a tenth of a round.
    const { calls } = await round(fn, isAsync, 16, ROUND_MS);
    await round(fn, isAsync, 16, ROUND_MS / 2);
    batches.push(Math.max(1, Math.round(calls / 10)));
  }
  const samples = contenders.map(() => ({ us: [], cpu: [] }));
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const [fn, isAsync] = contenders[i];
      const { us, cpu } = await round(fn, isAsync, batches[i], ROUND_MS);
      samples[i].us.push(us);
      samples[i].cpu.push(cpu);
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return samples.map((s) => ({ us: median(s.us), cpu: median(s.cpu) }));
}

const secretBytes = new TextEncoder().encode(API_SECRET);
const rows = [];
const cases = [
  ["mint (full claim set)", mintEdge, mintSdk, mintJose],
  [
    "verify",
    () => edge.verifyAccessToken(token, keys),
    () => verifier.verify(token),
    () => jose.jwtVerify(token, joseKey, { algorithms: ["HS256"] }),
  ],
  [
    "webhook receive",
    () => edge.receiveWebhook(webhookBody, webhookAuth, keys),
    () => receiver.receive(webhookBody, webhookAuth),
    webhookJose,
  ],
];
let hmac;
for (const [name, ours, sdk, josefn] of cases) {
  const contenders = [[ours, false], [sdk, true], [josefn, true]];
  // The floor takes its turns with the mint, which it bounds.
  if (!hmac) contenders.push([() => edge.hmacSha256(secretBytes, signingInput), false]);
  const [a, b, c, floor] = await measure(contenders);
  if (floor !== undefined) hmac = floor;
  rows.push({ name, ours: a, sdk: b, jose: c });
}

/**
 * Cold start: a fresh Node process imports the library and mints one token.
 * The two libraries alternate, run after run.
 */
function coldStarts() {
  const script = fileURLToPath(new URL("./cold.mjs", import.meta.url));
  const samples = { edge: [], sdk: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const which of ["edge", "sdk"]) {
      const args = isDeno ? ["run", "-A", script, which] : [script, which];
      const r = spawnSync(process.execPath, args, { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`cold ${which}: ${r.stderr}`);
      samples[which].push(JSON.parse(r.stdout));
    }
  }
  const median = (list, key) => list.map((s) => s[key]).sort((x, y) => x - y)[list.length >> 1];
  const summary = (list) => ({
    importAndMint: median(list, "importAndMint"),
    sinceStart: median(list, "sinceStart"),
  });
  return { edge: summary(samples.edge), sdk: summary(samples.sdk) };
}
const { edge: coldEdge, sdk: coldSdk } = coldStarts();

const us = (v) => v.toFixed(2).padStart(9);
const ms = (v) => v.toFixed(1).padStart(7);
const x = (v) => `${v.toFixed(1)}x`.padStart(7);
const out = [];
out.push(
  `${runtime}, ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} cores), ` +
    `load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, ${new Date().toISOString()}`,
);
for (const [metric, label] of [["us", "wall clock"], ["cpu", "CPU time"]]) {
  out.push("");
  out.push(
    `| ${label}: µs per call (median) | livekit-tavus-edge | livekit-server-sdk | jose | vs sdk | vs jose |`,
  );
  out.push("|---|--:|--:|--:|--:|--:|");
  for (const r of rows) {
    const [a, b, c] = [r.ours[metric], r.sdk[metric], r.jose[metric]];
    out.push(`| ${r.name} | ${us(a)} | ${us(b)} | ${us(c)} | ${x(b / a)} | ${x(c / a)} |`);
  }
  out.push(
    `| HMAC-SHA256 floor (same wasm, ${signingInput.length}-byte input) | ${
      us(hmac[metric])
    } | | | | |`,
  );
  for (const [r, target] of [[rows[0], 2.0], [rows[1], 2.0], [rows[2], 2.5]]) {
    const ratio = r.ours[metric] / hmac[metric];
    out.push(
      `| ${r.name} / HMAC floor (target <= ${target.toFixed(1)}x) | ${x(ratio)} | ${
        ratio <= target ? "met" : "missed"
      } | | | |`,
    );
  }
}
out.push("");
out.push(
  "| cold start (ms, median of " + COLD_RUNS +
    " fresh processes) | import + first token | since process start |",
);
out.push("|---|--:|--:|");
out.push(`| livekit-tavus-edge | ${ms(coldEdge.importAndMint)} | ${ms(coldEdge.sinceStart)} |`);
out.push(`| livekit-server-sdk | ${ms(coldSdk.importAndMint)} | ${ms(coldSdk.sinceStart)} |`);
out.push(
  `| ratio (edge / sdk; target <= 0.20) | ${
    (coldEdge.importAndMint / coldSdk.importAndMint).toFixed(2)
  } | ${(coldEdge.sinceStart / coldSdk.sinceStart).toFixed(2)} |`,
);
console.log(out.join("\n"));
