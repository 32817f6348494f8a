/**
 * Development helpers for the served functions (scripts/serve.sh prints their output):
 *
 *   deno run -A scripts/dev-tools.ts user
 *     the development user's id
 *   deno run -A scripts/dev-tools.ts jwt [<user uuid>]
 *     a signed-in user's access token, HS256 with AUTH_JWT_SECRET (24 h, the
 *     claims Supabase Auth puts in one, iss AUTH_JWT_ISSUER)
 *   deno run -A scripts/dev-tools.ts webhook <functions base URL> <event> <room> [<identity>]
 *     a `curl` line posting a LiveKit webhook signed with LIVEKIT_API_KEY/SECRET
 *     the way LiveKit's server signs it (valid for 5 minutes)
 *
 * Reads the same environment as the functions; never for production secrets.
 */
import { SignJWT } from "jose";
import { signWebhook } from "livekit-tavus-edge";

/** The development user of scripts/serve.sh. */
export const DEV_USER = "00000000-0000-4000-8000-00000000da7a";

function need(name: string): string {
  const v = Deno.env.get(name);
  if (!v) {
    console.error(`dev-tools: ${name} is not set (scripts/serve.sh sets it from scripts/dev.env)`);
    Deno.exit(2);
  }
  return v;
}

const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

const [command, ...args] = Deno.args;
if (command === "user") {
  console.log(DEV_USER);
} else if (command === "jwt") {
  const sub = args[0] ?? DEV_USER;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    sub,
    role: "authenticated",
    aud: "authenticated",
    iss: Deno.env.get("AUTH_JWT_ISSUER") ?? "http://127.0.0.1:54321/auth/v1",
    email: "dev@example.com",
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    iat: now,
    exp: now + 24 * 3600,
  }).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(need("AUTH_JWT_SECRET")));
  console.log(jwt);
} else if (command === "webhook" && args.length >= 3) {
  const [base, event, room, identity] = args as [string, string, string, string?];
  const body = JSON.stringify({
    event,
    id: `EV_dev${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: room },
    ...(identity && { participant: { identity } }),
  });
  const authorization = signWebhook(body, need("LIVEKIT_API_KEY"), need("LIVEKIT_API_SECRET"));
  console.log(
    `curl -s -X POST ${base}/livekit-webhook -H 'content-type: application/webhook+json' ` +
      `-H ${quote(`authorization: ${authorization}`)} --data-binary ${quote(body)}`,
  );
} else {
  console.error(
    "usage: dev-tools.ts user | jwt [<user uuid>] | webhook <functions base> <event> <room> [<identity>]",
  );
  Deno.exit(2);
}
