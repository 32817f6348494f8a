/**
 * Where a token request's time goes, in-process (no HTTP, no load generator):
 * the core's calls (the policy built once, as the handler does per isolate) and
 * the whole `livekit-token` handler, next to the `jose`/`livekit-server-sdk`
 * calls the comparison route makes. `scripts/load.sh`
 * runs it after the load; it prints a Markdown table of microseconds per call.
 *
 *   deno run -A tests/load/phases.ts <user JWT>   (with the functions' environment)
 */
import { jwtVerify } from "jose";
import { AccessToken } from "livekit-server-sdk";
import { createAccessToken } from "livekit-tavus-edge";
import { EdgePolicy, type TokenPlan } from "livekit-tavus-edge/avatar";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import scenarios from "../../supabase/functions/_shared/default_scenarios.json" with {
  type: "json",
};

const env = Deno.env.toObject();
const jwt = Deno.args[0];
if (!jwt) throw new Error("usage: phases.ts <user JWT>");
const N = Number(Deno.env.get("PHASE_ITERATIONS") ?? 20000);
const VIDEO = {
  roomJoin: true,
  room: "r",
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
};
const rows: [string, string, number][] = [];

async function time(side: string, name: string, f: () => unknown): Promise<void> {
  for (let i = 0; i < N / 10; i++) await f();
  const t = performance.now();
  for (let i = 0; i < N; i++) await f();
  rows.push([side, name, (performance.now() - t) * 1000 / N]);
}

const handler = createTokenHandler({ env: () => env, log: () => {} });
const key = new TextEncoder().encode(env.AUTH_JWT_SECRET);
// The policy the handler builds once per isolate: settings parsed, keys imported.
const policy = new EdgePolicy(env);
const userId = (await policy.authenticate(jwt, undefined, () => Promise.resolve(undefined))).sub!;
let step = policy.plan(userId, "{}", null);
if ("load" in step) {
  const id = step.load;
  step = policy.plan(userId, "{}", null, new Date(), scenarios.find((r) => r.scenario_id === id));
}
const plan = step as TokenPlan;
await time(
  "wasm core",
  "EdgePolicy.authenticate (the caller's HS256 JWT: one header decode, rules)",
  () => policy.authenticate(jwt, undefined, () => Promise.resolve(undefined)),
);
await time(
  "wasm core",
  "EdgePolicy.plan (body, limits, what the caller may set, scenario cached)",
  () => policy.plan(userId, "{}", null),
);
await time("wasm core", "EdgePolicy.mint (the planned token)", () => policy.mint(plan.mint, "r"));
await time(
  "wasm core",
  "createAccessToken (the package API, same claims)",
  () =>
    createAccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, {
      identity: "u",
      ttl: 900,
      video: VIDEO,
    }),
);
await time("function", "the whole livekit-token handler (session reused, logs off)", async () => {
  const res = await handler(
    new Request("http://127.0.0.1/livekit-token", {
      method: "POST",
      // As a client sends it: with its length (the server would add it too).
      headers: {
        authorization: `Bearer ${jwt}`,
        "content-type": "application/json",
        "content-length": "2",
      },
      body: "{}",
    }),
  );
  if (res.status !== 201) throw new Error(`handler answered ${res.status}`);
  await res.arrayBuffer();
});
await time(
  "SDK",
  "jose jwtVerify (HS256)",
  () => jwtVerify(jwt, key, { algorithms: ["HS256"], audience: "authenticated" }),
);
await time("SDK", "AccessToken + toJwt", () => {
  const at = new AccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, {
    identity: "u",
    ttl: 900,
  });
  at.addGrant(VIDEO);
  return at.toJwt();
});

console.log(`\n| side | call | µs per call (${N} calls) |\n|---|---|--:|`);
for (const [side, name, us] of rows) console.log(`| ${side} | ${name} | ${us.toFixed(0)} |`);
