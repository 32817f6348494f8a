/**
 * The end-to-end stack, all on loopback: a real livekit-server (its webhooks
 * pointed at the served livekit-webhook through a recorder), PostgreSQL with
 * the migrations behind the PostgREST stand-in, the functions served by
 * scripts/gateway.ts, the Tavus stand-in whose avatars join the room for real,
 * the demo page (demo/server.ts), and headless Debian Chromium driven by
 * playwright-core.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { DEV_USER_ID, startDemoServer } from "../../demo/server.ts";
import { allProblems } from "../standins/common.ts";
import { postgresAvailable, startPostgres, startPostgrest } from "../standins/postgres.ts";
import { startTavus, type TavusStandIn } from "../standins/tavus.ts";
import { serveFunctions } from "../deno/served.ts";
import { type LiveKitServer, startLiveKitServer } from "./livekit_server.ts";
import { type Peer, pythonAvatars } from "./peers.ts";

export const API_KEY = "e2e-api-key";
export const API_SECRET = "an-e2e-api-secret-that-is-long-enough-0123";
export const JWT_SECRET = "an-e2e-auth-jwt-secret-that-is-long-enough-0123456789";
export const ISSUER = "http://127.0.0.1:54321/auth/v1";
export const EMAIL = "dev@example.com";
export const PASSWORD = "e2e-password";
export const USER_ID = DEV_USER_ID;
export const AGENT_NAME = "e2e-avatar-agent";

const root = new URL("../..", import.meta.url).pathname;
/** Screenshots and other artefacts the suite keeps. */
export const ARTEFACTS = `${root}target/e2e`;

/** One webhook delivery of the real server, as the recorder passed it on. */
export interface Delivery {
  event: string;
  room?: string;
  identity?: string;
  status: number;
  answer: Record<string, unknown>;
}

/** The whole stack. */
export interface Stack {
  livekit: LiveKitServer;
  tavus: TavusStandIn;
  avatars: Map<string, Peer>;
  functionsUrl: string;
  demoUrl: string;
  deliveries: Delivery[];
  browser: Browser;
  /** A new page with the demo loaded (query string optional). */
  openDemo: (query?: string) => Promise<Page>;
  /** Signs the development user in on the page and joins; returns the room name. */
  signInAndJoin: (page: Page) => Promise<string>;
  /** Waits until `check` is true (polled), or throws with `what`. */
  until: (
    what: string,
    check: () => boolean | Promise<boolean>,
    timeoutMs?: number,
  ) => Promise<void>;
  close: () => Promise<void>;
  problems: () => string[];
  logs: () => string;
}

export const canRun = postgresAvailable();

/** Polls `check` every 100 ms. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Starts the stack in `mode` (`direct`: Tavus avatars; `agent`: dispatch to AGENT_NAME). */
export async function startStack(mode: "direct" | "agent"): Promise<Stack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => console.error("cleanup:", e));
  };
  try {
    const db = await startPostgres();
    cleanups.push(() => db.close());
    await db.query("insert into auth.users (id, email) values ($1, $2)", [USER_ID, EMAIL]);
    const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
    cleanups.push(() => api.close());

    const { joinRoom, avatars } = pythonAvatars();
    const tavus = startTavus({ joinRoom });
    cleanups.push(async () => {
      await Promise.all([...avatars.values()].map((a) => a.stop()));
      await tavus.close();
    });

    // LiveKit's webhooks go through a recorder that passes the exact bytes on.
    const deliveries: Delivery[] = [];
    let webhookTarget = "";
    const recorder = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const body = new Uint8Array(await req.arrayBuffer());
        const res = await fetch(webhookTarget, { method: "POST", headers: req.headers, body });
        const text = await res.text();
        const event = JSON.parse(new TextDecoder().decode(body));
        let answer: Record<string, unknown> = {};
        try {
          answer = JSON.parse(text);
        } catch {
          answer = { text };
        }
        deliveries.push({
          event: event.event,
          room: event.room?.name,
          identity: event.participant?.identity,
          status: res.status,
          answer,
        });
        return new Response(text, { status: res.status, headers: res.headers });
      },
    );
    cleanups.push(() => recorder.shutdown());

    const livekit = await startLiveKitServer({
      keys: { [API_KEY]: API_SECRET },
      webhookUrls: [`http://127.0.0.1:${recorder.addr.port}/`],
      departureTimeout: 1,
      emptyTimeout: 30,
    });
    cleanups.push(() => livekit.close());

    const served = await serveFunctions({
      LIVEKIT_API_KEY: API_KEY,
      LIVEKIT_API_SECRET: API_SECRET,
      LIVEKIT_WS_URL: livekit.wsUrl,
      TAVUS_API_KEY: tavus.apiKey,
      TAVUS_API_URL: tavus.url,
      SUPABASE_URL: api.url,
      SUPABASE_ANON_KEY: api.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: api.serviceRoleKey,
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_JWT_ISSUER: ISSUER,
      AVATAR_MODE: mode,
      AGENT_NAME,
    });
    cleanups.push(() => served.close());
    webhookTarget = `${served.base}/livekit-webhook`;

    const demo = startDemoServer({
      functionsUrl: served.base,
      jwtSecret: JWT_SECRET,
      issuer: ISSUER,
      email: EMAIL,
      password: PASSWORD,
    });
    cleanups.push(() => demo.close());

    const browser = await chromium.launch({
      executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
    cleanups.push(() => browser.close());
    Deno.mkdirSync(ARTEFACTS, { recursive: true });

    const openDemo = async (query = "") => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      page.on("console", (m) => {
        if (m.type() === "error") console.error(`[page] ${m.text()}`);
      });
      await page.goto(`${demo.url}${query}`);
      await page.waitForFunction(() => (globalThis as { demo?: unknown }).demo !== undefined);
      return page;
    };
    const signInAndJoin = async (page: Page) => {
      await page.fill("#password", PASSWORD);
      await page.click("#signin-button");
      await page.waitForFunction(() =>
        (globalThis as unknown as { demo: { phase: string } }).demo.phase === "signed_in"
      );
      await page.click("#join");
      await page.waitForFunction(
        () => {
          const d = (globalThis as unknown as { demo: { phase: string; error: string | null } })
            .demo;
          return d.phase === "connected" || d.error !== null;
        },
        undefined,
        { timeout: 30_000 },
      );
      const state = await page.evaluate(() =>
        (globalThis as unknown as { demo: { phase: string; error: string; roomName: string } })
          .demo
      );
      if (state.phase !== "connected") throw new Error(`the page did not join: ${state.error}`);
      return state.roomName;
    };

    return {
      livekit,
      tavus,
      avatars,
      functionsUrl: served.base,
      demoUrl: demo.url,
      deliveries,
      browser,
      openDemo,
      signInAndJoin,
      until,
      close,
      problems: () => [...allProblems(tavus.requests), ...allProblems(api.requests)],
      logs: () => `${served.logs()}\n--- livekit-server ---\n${livekit.logs()}`,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
