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
 * Imported, it gives the development user and its access tokens to the demo
 * page's sign-in (demo/server.ts).
 */
import { SignJWT } from "jose";
import { signWebhook } from "livekit-tavus-edge";

/** The development user of scripts/serve.sh (and of the demo page's sign-in). */
export const DEV_USER = "00000000-0000-4000-8000-00000000da7a";

/** What a development access token is made of. */
export interface DevTokenOptions {
  /** The user id (`sub`). */
  sub: string;
  /** `AUTH_JWT_SECRET`. */
  secret: string;
  /** `iss` (`AUTH_JWT_ISSUER`). */
  issuer: string;
  email: string;
  /** Lifetime in seconds. */
  expiresIn: number;
  /** Seconds since the epoch (default: now). */
  now?: number;
}

/**
 * A signed-in user's access token as Supabase Auth issues one: HS256 with the
 * project's JWT secret and its claims (role and audience `authenticated`, a
 * session id, `aal1`, the password sign-in in `amr`).
 */
export function devAccessToken(o: DevTokenOptions): Promise<string> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: o.sub,
    role: "authenticated",
    aud: "authenticated",
    iss: o.issuer,
    email: o.email,
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    iat: now,
    exp: now + o.expiresIn,
  }).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(o.secret));
}

function need(name: string): string {
  const v = Deno.env.get(name);
  if (!v) {
    console.error(`dev-tools: ${name} is not set (scripts/serve.sh sets it from scripts/dev.env)`);
    Deno.exit(2);
  }
  return v;
}

const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

async function main(command: string | undefined, args: string[]): Promise<void> {
  if (command === "user") {
    console.log(DEV_USER);
  } else if (command === "jwt") {
    console.log(
      await devAccessToken({
        sub: args[0] ?? DEV_USER,
        secret: need("AUTH_JWT_SECRET"),
        issuer: Deno.env.get("AUTH_JWT_ISSUER") ?? "http://127.0.0.1:54321/auth/v1",
        email: Deno.env.get("DEV_USER_EMAIL") ?? "dev@example.com",
        expiresIn: 24 * 3600,
      }),
    );
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
}

if (import.meta.main) await main(Deno.args[0], Deno.args.slice(1));
