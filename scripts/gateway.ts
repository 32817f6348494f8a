/**
 * A local stand-in for Supabase's functions gateway: serves every function in
 * supabase/functions at http://127.0.0.1:<port>/functions/v1/<name>.
 *
 * Each function runs its own unmodified index.ts in its own Deno process (as
 * the edge runtime runs each function in its own worker); the gateway forwards
 * `/functions/v1/<name>/rest` to it as `/<name>/rest`, the path the hosted
 * runtime gives a function.
 *
 * With --dev-session-store and no SUPABASE_URL, the gateway also holds one
 * in-memory session store (the development implementation of the functions'
 * SessionStore) and gives the functions its address in DEV_SESSION_STORE_URL,
 * so that sessions started by livekit-token are seen by livekit-webhook, which
 * runs in another process. Development only. The store listens on its own
 * loopback port (never the gateway's), under a path with a random secret made
 * at start, and takes only application/json without Origin or Sec-Fetch-Site
 * headers: neither a web page nor another user's client can list, end or plant
 * sessions through it.
 *
 * Usage: deno run -A scripts/gateway.ts [--port 54321] [--dev-session-store]
 */
import {
  MemorySessionStore,
  serveDevSessionStore,
} from "../supabase/functions/_shared/sessions.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const functionsDir = `${root}/supabase/functions`;

function argValue(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i === -1 ? undefined : Deno.args[i + 1];
}

const port = Number(argValue("--port") ?? "54321");
const host = "127.0.0.1";
const devStore = Deno.args.includes("--dev-session-store") && !Deno.env.get("SUPABASE_URL")
  ? new MemorySessionStore()
  : null;
// The store's own loopback server: a free port and a random secret path, known only to the
// functions this gateway starts.
const devStoreSecret = [...crypto.getRandomValues(new Uint8Array(24))]
  .map((b) => b.toString(16).padStart(2, "0")).join("");
const devStoreServer = devStore
  ? Deno.serve(
    { hostname: host, port: 0, onListen: () => {} },
    (req) => serveDevSessionStore(devStore, req, devStoreSecret),
  )
  : null;

function functionNames(): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith("_")) continue;
    try {
      Deno.statSync(`${functionsDir}/${entry.name}/index.ts`);
      names.push(entry.name);
    } catch {
      // Not a function.
    }
  }
  return names.sort();
}

function freePort(): number {
  const l = Deno.listen({ hostname: host, port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

async function waitUntilUp(p: number, child: Deno.ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: host, port: p });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGTERM");
  throw new Error(`function ${name} did not start listening`);
}

const children: Deno.ChildProcess[] = [];
const upstream = new Map<string, number>();

for (const name of functionNames()) {
  const p = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--no-prompt",
      "--config",
      `${functionsDir}/${name}/deno.json`,
      `${functionsDir}/${name}/index.ts`,
    ],
    env: {
      DENO_SERVE_ADDRESS: `tcp:${host}:${p}`,
      ...(devStoreServer && {
        DEV_SESSION_STORE_URL: `http://${host}:${devStoreServer.addr.port}/${devStoreSecret}`,
      }),
    },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  children.push(child);
  await waitUntilUp(p, child, name);
  upstream.set(name, p);
}

function shutdown() {
  for (const c of children) {
    try {
      c.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  }
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);

Deno.serve({ hostname: host, port, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  const m = url.pathname.match(/^\/functions\/v1\/([^/]+)(\/.*)?$/);
  const target = m ? upstream.get(m[1]) : undefined;
  if (!m || target === undefined) {
    return Response.json(
      { error: { code: "ERR_FUNCTION_NOT_FOUND", message: "no such function" } },
      { status: 404 },
    );
  }
  const forward = new URL(`http://${host}:${target}/${m[1]}${m[2] ?? ""}${url.search}`);
  const headers = new Headers(req.headers);
  headers.set("x-forwarded-for", "127.0.0.1");
  const res = await fetch(forward, {
    method: req.method,
    headers,
    body: req.body,
    redirect: "manual",
  });
  return new Response(res.body, { status: res.status, headers: res.headers });
});

const base = `http://${host}:${port}/functions/v1`;
console.log(`functions served at ${base}/{${[...upstream.keys()].join(",")}}`);
console.log("ready");
