// What scripts/serve.sh prints works: the development user's JWT (scripts/dev-tools.ts jwt)
// is accepted by the token function configured from scripts/dev.env, and the printed
// signed-webhook curl line is accepted by the webhook function and ends that session.
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createWebhookHandler } from "../../supabase/functions/_shared/livekit_webhook.ts";
import { MemorySessionStore } from "../../supabase/functions/_shared/sessions.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { auth, captureLog, post } from "./fixtures.ts";

const root = new URL("../../", import.meta.url);

/** scripts/dev.env as serve.sh reads it. */
function devEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of Deno.readTextFileSync(new URL("scripts/dev.env", root)).split("\n")) {
    const m = line.match(/^([A-Z_]+)=(.*)$/);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

async function devTools(env: Record<string, string>, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", new URL("scripts/dev-tools.ts", root).pathname, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("serve.sh's printed JWT and signed webhook curl line work against dev.env", async () => {
  const env = devEnv();
  assert(env.AUTH_JWT_SECRET && env.LIVEKIT_API_SECRET, "dev.env has the development secrets");
  const sessions = new MemorySessionStore();
  const deps = { env: () => env, sessions, log: captureLog().log };
  const token = createTokenHandler(deps);
  const hook = createWebhookHandler(deps);

  const jwt = await devTools(env, "jwt");
  const user = await devTools(env, "user");
  const res = await token(post("http://local/livekit-token", {}, auth(jwt)));
  assertEquals(res.status, 201);
  const body = await res.json();
  assertEquals([body.avatar_mode, body.avatar_status], ["direct", "dry_run"]);
  assertEquals(sessions.rows[0]!.userId, user);

  const line = await devTools(env, "webhook", "http://local", "room_finished", body.room_name);
  assertMatch(line, /^curl -s -X POST http:\/\/local\/livekit-webhook /);
  const authorization = line.match(/-H 'authorization: ([^']+)'/)![1]!;
  const data = line.match(/--data-binary '([^']+)'$/)![1]!;
  const delivered = await hook(
    new Request("http://local/livekit-webhook", {
      method: "POST",
      headers: { authorization, "content-type": "application/webhook+json" },
      body: data,
    }),
  );
  assertEquals(delivered.status, 200);
  assertEquals((await delivered.json()).action, "ended");
  assertEquals(sessions.rows[0]!.status, "ended");
});
