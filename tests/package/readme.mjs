// Runs the examples of livekit-server-sdk's README (tests/package/sdk-readme/,
// copied from the pinned SDK's README.md with only the import line changed:
// scripts/test-package.sh checks that they still match it) inside a clean
// project, against the package installed there by name, under Node, Deno or
// Bun. Each example runs as its own module, unchanged; what it leaves undefined
// (`participantName`, `v`, `receiver`, `app`, the names it does not import) is
// declared around it, and what it produced is checked afterwards: the tokens'
// claims, their verification, and the webhook handler's event with a signed,
// a tampered and an unsigned request.
// Usage: <runtime> readme.mjs <examples dir> <summary name> [<package name>]
// The package name defaults to livekit-tavus-edge; `livekit-server-sdk` runs the
// same examples and checks against the SDK itself (the control).
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [examplesDir, summary, packageName = "livekit-tavus-edge"] = process.argv.slice(2);
const pkg = await import(packageName);
let passed = 0;
let failed = 0;

async function check(name, fn) {
  let failure;
  try {
    failure = await fn();
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

function payloadOf(token) {
  const b64 = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(b64 + "===".slice((b64.length + 3) % 4)));
}

/** JSON with object keys sorted: claims compare by value, not by key order. */
function stable(value) {
  return JSON.stringify(
    value,
    (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

function same(actual, expected, what) {
  const a = stable(actual);
  const e = stable(expected);
  return a === e ? null : `${what}: expected ${e}, got ${a}`;
}

// LiveKit's webhook signature, made here with WebCrypto so that neither library
// under test signs what it then verifies: an HS256 JWT (5 minutes) whose sha256
// claim is the standard base64 of the body's SHA-256.
async function signWebhook(body, apiKey, apiSecret) {
  const enc = new TextEncoder();
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
      /=+$/,
      "",
    );
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(body)));
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: apiKey,
    nbf: now,
    exp: now + 300,
    sha256: btoa(String.fromCharCode(...hash)),
  };
  const input = `${b64url(enc.encode('{"alg":"HS256","typ":"JWT"}'))}.${
    b64url(enc.encode(JSON.stringify(claims)))
  }`;
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(apiSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(input)));
  return `${input}.${b64url(mac)}`;
}

// An express-like `app`: `app.post(path, handler)` keeps the handler.
globalThis.__readme = {
  app() {
    const routes = {};
    return { routes, post: (path, handler) => void (routes[path] = handler) };
  },
};

// What an example may use without declaring it, and how it is declared around it.
const CONTEXT = {
  participantName: "const participantName = 'user-name';",
  roomName: "const roomName = 'name-of-room';",
  v: "const v = new TokenVerifier('api-key', 'secret-key');",
  receiver: "const receiver = new WebhookReceiver('apikey', 'apisecret');",
  app: "const app = globalThis.__readme.app();",
};
const CLASSES = ["AccessToken", "TokenVerifier", "WebhookReceiver"];
const SCOPE = ["at", "token", "grants", "receiver", "app"];

/** Runs one example as a module of its own; returns its top-level bindings and its console output. */
async function runExample(file) {
  let text = readFileSync(join(examplesDir, file), "utf8");
  if (packageName !== "livekit-tavus-edge") {
    text = text.replaceAll("from 'livekit-tavus-edge';", `from '${packageName}';`);
  }
  const declares = (name) =>
    new RegExp(`\\b(const|let|var)\\s+${name}\\b`).test(text) ||
    new RegExp(`import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(text);
  const imports = CLASSES.filter((name) => !declares(name));
  const prelude = [
    imports.length ? `import { ${imports.join(", ")} } from '${packageName}';` : "",
    ...Object.entries(CONTEXT).filter(([name]) => !declares(name)).map(([, line]) => line),
  ].join("\n");
  const epilogue = `\nexport const __scope = { ${
    SCOPE.map((n) => `${n}: typeof ${n} === "undefined" ? undefined : ${n}`).join(", ")
  } };\n`;
  // Next to the project's node_modules, so that the package resolves by name.
  const path = join(process.cwd(), `.readme-${file.replace(/\W/g, "_")}.mjs`);
  writeFileSync(path, `${prelude}\n${text}\n${epilogue}`);
  const logged = [];
  const log = console.log;
  console.log = (...args) => logged.push(args);
  try {
    const { __scope } = await import(pathToFileURL(path).href);
    return { scope: __scope, logged };
  } finally {
    console.log = log;
    rmSync(path, { force: true });
  }
}

/** The join token every example mints: user-name in name-of-room for 6 hours. */
async function checkJoinToken(token, extraVideo = {}) {
  if (typeof token !== "string") return `no token (got ${typeof token})`;
  const claims = payloadOf(token);
  const shape = same(
    [claims.iss, claims.sub, claims.exp - claims.nbf, claims.video],
    ["api-key", "user-name", 6 * 3600, { roomJoin: true, room: "name-of-room", ...extraVideo }],
    "claims",
  );
  if (shape) return shape;
  const verified = await new pkg.TokenVerifier("api-key", "secret-key").verify(token);
  return same([verified.sub, verified.video?.room], ["user-name", "name-of-room"], "verified");
}

/** Drives the example's webhook handler: a signed request, a tampered one and an unsigned one. */
async function checkWebhookHandler(scope) {
  const handler = scope.app?.routes["/webhook-endpoint"];
  if (typeof handler !== "function") return "no handler registered for /webhook-endpoint";
  let event;
  const receive = scope.receiver.receive.bind(scope.receiver);
  scope.receiver.receive = async (...args) => (event = await receive(...args));
  const request = (body, headers) => ({
    body,
    get: (name) => headers[name.toLowerCase()],
  });
  const body = JSON.stringify({
    event: "participant_joined",
    id: "EV_readme",
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: "RM_1", name: "name-of-room" },
    participant: { sid: "PA_1", identity: "user-name" },
  });
  const authorization = await signWebhook(body, "apikey", "apisecret");
  await handler(request(body, { authorization }), {});
  const got = same(
    [event?.event, event?.id, event?.room?.name, event?.participant?.identity],
    ["participant_joined", "EV_readme", "name-of-room", "user-name"],
    "event",
  );
  if (got) return got;
  for (
    const [what, req] of [
      ["a tampered body", request(body.replace("user-name", "intruder"), { authorization })],
      ["no Authorization header", request(body, {})],
    ]
  ) {
    event = undefined;
    try {
      await handler(req, {});
    } catch {
      continue;
    }
    return `the handler accepted ${what}`;
  }
  return null;
}

const files = readdirSync(examplesDir).filter((f) => f.endsWith(".js")).sort();
await check("the README examples are there", () => files.length === 4 ? null : `found ${files}`);

for (const file of files) {
  let run;
  await check(`${file}: runs unchanged`, async () => {
    run = await runExample(file);
    return null;
  });
  if (!run) continue;
  const { scope, logged } = run;
  if (file.includes("access-token")) {
    await check(`${file}: prints a join token`, () => {
      const line = logged.find((args) => args[0] === "access token");
      return line ? checkJoinToken(line[1]) : "nothing printed";
    });
  }
  if (file.includes("permissions")) {
    await check(
      `${file}: subscribe only`,
      async () => checkJoinToken(await scope.at.toJwt(), { canPublish: false, canSubscribe: true }),
    );
  }
  if (file.includes("migrate")) {
    await check(
      `${file}: the token and its verified grants`,
      async () =>
        await checkJoinToken(scope.token) ??
          same(
            [scope.grants?.sub, scope.grants?.video?.room],
            ["user-name", "name-of-room"],
            "grants",
          ),
    );
  }
  if (file.includes("webhooks") || file.includes("migrate")) {
    await check(
      `${file}: the webhook handler receives verified events only`,
      () => checkWebhookHandler(scope),
    );
  }
}

console.log(`${summary}: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
