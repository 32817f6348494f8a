/**
 * Serves the demo page (demo/index.html, demo/app.js) with livekit-client from
 * the pinned npm package (no CDN), its `config.json`, and a development
 * sign-in for one user at `/auth/v1/token?grant_type=password`.
 *
 * The sign-in is a stand-in for Supabase Auth's password grant (same request,
 * same answer shape, an HS256 access token with the claims Supabase Auth puts
 * in one, signed with AUTH_JWT_SECRET): Supabase Auth itself cannot be built
 * here (its Go module is not served by this machine's Go module proxy). Against
 * a real project, point `authUrl` at `https://<ref>.supabase.co/auth/v1`.
 *
 *   deno run -A demo/server.ts --port 54320 --functions http://127.0.0.1:54321/functions/v1
 *
 * Reads AUTH_JWT_SECRET, AUTH_JWT_ISSUER, DEV_USER_EMAIL, DEV_USER_PASSWORD
 * (scripts/dev.env) from the environment.
 */
import { DEV_USER, devAccessToken } from "../scripts/dev-tools.ts";

const demoDir = new URL(".", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;

/** The development user of scripts/serve.sh (scripts/dev-tools.ts). */
export const DEV_USER_ID = DEV_USER;
/** What the page sends as `apikey` (a real page sends the project's publishable key). */
export const DEMO_ANON_KEY = "sb_publishable_demo-local-development-key";

/** Options of {@linkcode startDemoServer}. */
export interface DemoOptions {
  /** Port (default: a free one). */
  port?: number;
  /** The functions' base, `http://127.0.0.1:54321/functions/v1`. */
  functionsUrl: string;
  /** The secret user access tokens are signed with (AUTH_JWT_SECRET). */
  jwtSecret: string;
  /** Their `iss` (AUTH_JWT_ISSUER). */
  issuer: string;
  /** The development user's sign-in. */
  email: string;
  password: string;
  /** Its user id (default {@linkcode DEV_USER_ID}). */
  userId?: string;
}

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  map: "application/json",
};

function file(path: string): Response {
  try {
    const body = Deno.readFileSync(path);
    const ext = path.slice(path.lastIndexOf(".") + 1);
    return new Response(body, {
      headers: {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": "no-store",
      },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

/** GoTrue's error shape for a refused sign-in. */
function authError(status: number, errorCode: string, msg: string): Response {
  return Response.json({ code: status, error_code: errorCode, msg }, { status });
}

/** Starts the demo server on loopback. */
export function startDemoServer(o: DemoOptions): DemoServer {
  const userId = o.userId ?? DEV_USER_ID;
  const scenarios = JSON.parse(
    Deno.readTextFileSync(`${root}supabase/functions/_shared/default_scenarios.json`),
  ) as { scenario_id: string; display_name: string; enabled?: boolean }[];
  const vendor = `${root}tools/node_modules/livekit-client/dist/`;
  let base = "";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: o.port ?? 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const path = url.pathname;
      if (req.method === "GET" && (path === "/" || path === "/index.html")) {
        return file(`${demoDir}index.html`);
      }
      if (req.method === "GET" && (path === "/app.js" || path === "/messages.js")) {
        return file(`${demoDir}${path.slice(1)}`);
      }
      const v = path.match(/^\/vendor\/(livekit-client\.esm\.mjs(?:\.map)?)$/);
      if (req.method === "GET" && v) return file(`${vendor}${v[1]}`);
      if (req.method === "GET" && path === "/config.json") {
        return Response.json({
          functionsUrl: o.functionsUrl,
          authUrl: `${base}/auth/v1`,
          anonKey: DEMO_ANON_KEY,
          devEmail: o.email,
          defaultScenario: scenarios.find((s) => s.enabled !== false)?.scenario_id,
          scenarios: scenarios.filter((s) => s.enabled !== false).map((s) => ({
            scenario_id: s.scenario_id,
            display_name: s.display_name,
          })),
        }, { headers: { "cache-control": "no-store" } });
      }
      if (req.method === "POST" && path === "/auth/v1/token") {
        if (url.searchParams.get("grant_type") !== "password") {
          return authError(400, "validation_failed", "unsupported grant_type");
        }
        if (req.headers.get("apikey") !== DEMO_ANON_KEY) {
          return authError(401, "no_authorization", "No API key found in request");
        }
        const body = await req.json().catch(() => null) as
          | { email?: unknown; password?: unknown }
          | null;
        if (body?.email !== o.email || body?.password !== o.password) {
          return authError(400, "invalid_credentials", "Invalid login credentials");
        }
        const now = Math.floor(Date.now() / 1000);
        const expiresIn = 3600;
        const accessToken = await devAccessToken({
          sub: userId,
          secret: o.jwtSecret,
          issuer: o.issuer,
          email: o.email,
          expiresIn,
          now,
        });
        return Response.json({
          access_token: accessToken,
          token_type: "bearer",
          expires_in: expiresIn,
          expires_at: now + expiresIn,
          refresh_token: crypto.randomUUID().replaceAll("-", ""),
          user: { id: userId, aud: "authenticated", role: "authenticated", email: o.email },
        });
      }
      return new Response("not found", { status: 404 });
    },
  );
  base = `http://127.0.0.1:${server.addr.port}`;
  return { url: `${base}/`, close: () => server.shutdown() };
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i === -1 ? undefined : Deno.args[i + 1];
  };
  const need = (name: string) => {
    const v = Deno.env.get(name);
    if (!v) {
      console.error(`demo: ${name} is not set (scripts/serve.sh sets it from scripts/dev.env)`);
      Deno.exit(2);
    }
    return v;
  };
  const demo = startDemoServer({
    port: Number(arg("--port") ?? "54320"),
    functionsUrl: arg("--functions") ?? "http://127.0.0.1:54321/functions/v1",
    jwtSecret: need("AUTH_JWT_SECRET"),
    issuer: need("AUTH_JWT_ISSUER"),
    email: need("DEV_USER_EMAIL"),
    password: need("DEV_USER_PASSWORD"),
  });
  console.log(`demo page at ${demo.url}`);
}
