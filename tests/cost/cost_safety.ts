/**
 * The cost-safety suite: the whole avatar flow through randomized fault schedules, then one
 * reconciler pass, then the check that matters for the bill: no Tavus conversation is active
 * without a live session that holds it.
 *
 * Real parts: the functions' handlers (livekit-token, livekit-webhook, tavus-callback,
 * reconcile) with the real session store on the real migrations (PostgreSQL behind the
 * PostgREST-shaped stand-in), and pg_cron running the reconcile job. Stand-ins: Tavus and
 * LiveKit's server API (they check every request), and the faults, injected into the
 * functions' `fetch`:
 * - Tavus: create and end time out before or after Tavus did the work, answer 5xx before or
 *   after it, or fail on the network; listings and reads fail;
 * - the database: a call fails before its transaction, or its answer is lost after the commit;
 * - LiveKit: the server API fails;
 * - a request dies mid-flow (its process is killed: it never goes on), and the process restarts
 *   (new handler instances, in-flight requests killed);
 * - webhooks are redelivered (as LiveKit does after a failure), duplicated, reordered and lost;
 *   Tavus callbacks are lost or arrive; Tavus ends conversations on its own;
 * - requests run concurrently: token requests of one user at once, /end against webhooks,
 *   reconciler passes in the middle.
 *
 * After each schedule the faults stop, time moves past the reconciler's grace period and its
 * lease (the rows move into the past), one pass runs, and the schedule passes when no active
 * conversation lacks a live session holding it, no user ever had more conversations running
 * than MAX_LIVE_SESSIONS_PER_USER, another deployment's conversation was never touched, and
 * every request the stand-ins got followed the documented API.
 *
 * Seeded: the seed fixes every schedule and every fault decision (concurrent requests may still
 * interleave differently between runs). `COST_SEED=<seed>` re-runs a run, `COST_ONLY=<i>` one
 * schedule of it, `COST_SCHEDULES=<n>` sets how many (default 200).
 *
 * Prints `cost-safety: N passed, N failed` and `orphaned conversations: N`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createWebhookHandler } from "../../supabase/functions/_shared/livekit_webhook.ts";
import { createTavusCallbackHandler } from "../../supabase/functions/_shared/tavus_callback.ts";
import { createReconcileHandler } from "../../supabase/functions/_shared/reconcile.ts";
import type { Handler } from "../../supabase/functions/_shared/http.ts";
import { allProblems } from "../standins/common.ts";
import { signedWebhook, startLiveKit } from "../standins/livekit.ts";
import {
  pgCronAvailable,
  type Postgres,
  postgresAvailable,
  type PostgrestStandIn,
  startPostgres,
  startPostgrest,
} from "../standins/postgres.ts";
import { hs256Jwt, userClaims } from "../standins/supabase.ts";
import { startTavus } from "../standins/tavus.ts";

const JWT_SECRET = "cost-safety-jwt-secret-of-enough-length-0123456789";
const LK_KEY = "cost-api-key";
const LK_SECRET = "cost-safety-livekit-secret-long-enough-0123";
const CALLBACK_SECRET = "cost-callback-secret-0123456789abcdef";
const FUNCTIONS = "https://functions.invalid/functions/v1";
const SCENARIOS = ["casual-conversation", "business-meeting", "travel-guide"];
const UPSTREAM_TIMEOUT_MS = 150;
/** How far the rows move into the past before the final pass: past the grace period (60 s)
 * and the reconciler's lease (180 s) of a pass that was killed. */
const TIME_TRAVEL_SECONDS = 240;

// ---------------------------------------------------------------------------
// Seeded randomness.
// ---------------------------------------------------------------------------
type Rng = () => number;

function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(a: number, b: number): number {
  return (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;

// ---------------------------------------------------------------------------
// Faults, decided per upstream call from the calling request's own random stream.
// ---------------------------------------------------------------------------
type Call = "db" | "tavus_create" | "tavus_end" | "tavus_read" | "livekit";

interface Rates {
  /** Per call: fails without doing the work. */
  before: number;
  /** Per call: does the work, then the answer is lost or is an error. */
  after: number;
  /** Per call: the request's process dies here. */
  kill: number;
}

interface RequestCtx {
  rng: Rng;
  rates: Rates;
  /** The process this request runs in. */
  instance: { dead: boolean };
  /** Resolves when the request was killed. */
  killed: () => void;
  /** What happened, for the report of a failing schedule. */
  trace: string[];
}

const als = new AsyncLocalStorage<RequestCtx>();

/** What the run injected, for its summary line. */
const injected = {
  before: 0,
  after: 0,
  killed: 0,
  restarts: 0,
  deliveries: 0,
  redeliveries: 0,
  lost: 0,
  duplicated: 0,
  concurrent: 0,
  tavusEnded: 0,
};
const never = () => new Promise<Response>(() => {});

function abortWith(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    if (!signal) return; // hangs forever, as a server that never answers
    const fail = () => reject(new DOMException("aborted", "AbortError"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

function classify(url: URL, method: string, hosts: Hosts): Call | null {
  if (url.origin === hosts.db) return "db";
  if (url.origin === hosts.livekit) return "livekit";
  if (url.origin === hosts.tavus) {
    if (method === "POST" && url.pathname === "/v2/conversations") return "tavus_create";
    if (method === "POST" && url.pathname.endsWith("/end")) return "tavus_end";
    return "tavus_read";
  }
  return null;
}

interface Hosts {
  db: string;
  tavus: string;
  livekit: string;
}

/** The functions' `fetch`: the network, with the faults of the calling request. */
function faultyFetch(hosts: Hosts): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET"))
      .toUpperCase();
    const ctx = als.getStore();
    const call = classify(url, method, hosts);
    if (!ctx || !call) return await fetch(input, init);
    if (ctx.instance.dead) {
      ctx.killed();
      return await never();
    }
    const r = ctx.rng();
    const { before, after, kill } = ctx.rates;
    const say = (what: string) => ctx.trace.push(`${call} ${url.pathname}: ${what}`);
    if (r < kill) {
      injected.killed++;
      say("killed");
      ctx.killed();
      return await never();
    }
    if (r < kill + before) {
      injected.before++;
      const how = ctx.rng();
      if (how < 0.4) {
        say("timeout before");
        return await abortWith(init?.signal);
      }
      if (how < 0.7) {
        say("network error before");
        throw new TypeError("connection refused");
      }
      say("5xx before");
      return call === "db"
        ? Response.json(
          { code: "57014", message: "canceling statement due to statement timeout" },
          {
            status: 500,
          },
        )
        : Response.json({ message: "bad gateway" }, { status: 502 });
    }
    if (r < kill + before + after) {
      injected.after++;
      const res = await fetch(input, init);
      await res.arrayBuffer();
      const how = ctx.rng();
      if (how < 0.5) {
        say(`done (${res.status}), answer lost (timeout)`);
        return await abortWith(init?.signal);
      }
      if (how < 0.75 && ctx.rng() < 0.5) {
        say(`done (${res.status}), then the process died`);
        ctx.killed();
        return await never();
      }
      say(`done (${res.status}), answered 502`);
      return Response.json({ message: "bad gateway" }, { status: 502 });
    }
    return await fetch(input, init);
  }) as typeof fetch;
}

// ---------------------------------------------------------------------------
// A schedule: its steps are drawn up front from its seed.
// ---------------------------------------------------------------------------
type Step =
  | { kind: "token"; user: number; scenario: string; copies: number }
  | { kind: "end"; user: number }
  | { kind: "leave"; pick: number }
  | { kind: "deliver"; fraction: number }
  | { kind: "tavus_ends"; pick: number; callback: boolean }
  | { kind: "stray_callback"; pick: number }
  | { kind: "reconcile" }
  | { kind: "restart" }
  | { kind: "together"; a: Step; b: Step };

interface Schedule {
  index: number;
  seed: number;
  users: string[];
  maxLive: number;
  rates: Rates;
  webhookLoss: number;
  steps: Step[];
}

function uuidFrom(rng: Rng): string {
  const h = () => Math.floor(rng() * 16).toString(16);
  const s = Array.from({ length: 32 }, h);
  s[12] = "4";
  s[16] = "89ab"[Math.floor(rng() * 4)]!;
  const j = s.join("");
  return `${j.slice(0, 8)}-${j.slice(8, 12)}-${j.slice(12, 16)}-${j.slice(16, 20)}-${j.slice(20)}`;
}

function makeSchedule(runSeed: number, index: number): Schedule {
  const seed = mix(runSeed, index);
  const rng = rngOf(seed);
  const users = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => uuidFrom(rng));
  const heavy = chance(rng, 0.3);
  const rates: Rates = {
    before: heavy ? 0.2 : 0.08,
    after: heavy ? 0.2 : 0.08,
    kill: heavy ? 0.05 : 0.02,
  };
  const one = (): Step => {
    const r = rng();
    const user = Math.floor(rng() * users.length);
    if (r < 0.34) {
      return {
        kind: "token",
        user,
        scenario: pick(rng, SCENARIOS),
        copies: chance(rng, 0.25) ? 2 + Math.floor(rng() * 2) : 1,
      };
    }
    if (r < 0.47) return { kind: "end", user };
    if (r < 0.57) return { kind: "leave", pick: rng() };
    if (r < 0.74) return { kind: "deliver", fraction: 0.3 + rng() * 0.7 };
    if (r < 0.8) return { kind: "tavus_ends", pick: rng(), callback: chance(rng, 0.6) };
    if (r < 0.85) return { kind: "stray_callback", pick: rng() };
    if (r < 0.91) return { kind: "reconcile" };
    if (r < 0.95) return { kind: "restart" };
    return { kind: "token", user, scenario: pick(rng, SCENARIOS), copies: 1 };
  };
  const steps: Step[] = [];
  const n = 8 + Math.floor(rng() * 13);
  for (let i = 0; i < n; i++) {
    steps.push(chance(rng, 0.12) ? { kind: "together", a: one(), b: one() } : one());
  }
  steps.push({ kind: "deliver", fraction: 1 });
  return {
    index,
    seed,
    users,
    maxLive: 1 + Math.floor(rng() * 3),
    rates,
    webhookLoss: chance(rng, 0.5) ? 0.15 : 0,
    steps,
  };
}

function describe(step: Step): string {
  switch (step.kind) {
    case "token":
      return `token(u${step.user}, ${step.scenario}${step.copies > 1 ? ` x${step.copies}` : ""})`;
    case "end":
      return `end(u${step.user})`;
    case "leave":
      return "leave";
    case "deliver":
      return `deliver(${step.fraction.toFixed(2)})`;
    case "tavus_ends":
      return `tavus_ends(${step.callback ? "callback" : "no callback"})`;
    case "stray_callback":
      return "stray_callback";
    case "together":
      return `[${describe(step.a)} || ${describe(step.b)}]`;
    default:
      return step.kind;
  }
}

// ---------------------------------------------------------------------------
// Running one schedule.
// ---------------------------------------------------------------------------
interface Env {
  db: Postgres;
  api: PostgrestStandIn;
}

interface Outcome {
  ok: boolean;
  orphans: string[];
  problems: string[];
  trace: string[];
}

async function runSchedule(env: Env, s: Schedule): Promise<Outcome> {
  const tavus = startTavus();
  const livekit = startLiveKit({ apiKey: LK_KEY, apiSecret: LK_SECRET });
  const trace: string[] = [];
  const problems: string[] = [];
  const orphans: string[] = [];
  const hosts = { db: env.api.url, tavus: tavus.url, livekit: livekit.url };
  const fetchFn = faultyFetch(hosts);
  for (const u of s.users) {
    await env.db.query("insert into auth.users (id) values ($1) on conflict do nothing", [u]);
  }
  const functionEnv = {
    LIVEKIT_API_KEY: LK_KEY,
    LIVEKIT_API_SECRET: LK_SECRET,
    LIVEKIT_WS_URL: livekit.wsUrl,
    TAVUS_API_KEY: tavus.apiKey,
    TAVUS_API_URL: tavus.url,
    TAVUS_CALLBACK_SECRET: CALLBACK_SECRET,
    FUNCTIONS_BASE_URL: FUNCTIONS,
    SUPABASE_URL: env.api.url,
    SUPABASE_ANON_KEY: env.api.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: env.api.serviceRoleKey,
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_JWT_ISSUER: `${env.api.url}/auth/v1`,
    AVATAR_MODE: "direct",
    MAX_LIVE_SESSIONS_PER_USER: String(s.maxLive),
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    RATE_LIMIT_PER_MINUTE: "0",
  };
  const log: string[] = [];
  // One "process": the four functions, as one instance each.
  let instance = { dead: false };
  const boot = () => {
    instance = { dead: false };
    const deps = {
      env: () => functionEnv,
      fetch: fetchFn,
      log: (level: string, event: string, fields: Record<string, unknown>) =>
        log.push(`${level} ${event} ${JSON.stringify(fields)}`),
    };
    return {
      token: createTokenHandler(deps),
      webhook: createWebhookHandler(deps),
      callback: createTavusCallbackHandler(deps),
      reconcile: createReconcileHandler(deps),
    };
  };
  let fns = boot();
  // A foreign conversation on the same Tavus account: it must never be touched.
  const foreignId = "cf0re1gn";
  tavus.conversations.set(foreignId, {
    conversation_id: foreignId,
    status: "active",
    replica_id: "r6ae5b6efc9d",
    body: {},
    endCalls: 0,
    conversation_name: `lte:ffffffffffff:${s.users[0]}:casual-conversation`,
    created_at: new Date().toISOString(),
  });

  let requestNo = 0;
  /** Runs `req` through `handler` as a request of the current process, with its own faults. */
  const request = (
    name: string,
    handler: () => Handler,
    req: () => Request | Promise<Request>,
    rates: Rates = s.rates,
  ) => {
    const no = requestNo++;
    const rng = rngOf(mix(s.seed, 1000 + no));
    let killed!: () => void;
    const dead = new Promise<"killed">((r) => killed = () => r("killed"));
    const ctx: RequestCtx = { rng, rates, instance, killed, trace };
    const h = handler();
    const done = (async () => {
      const r = await req();
      return await als.run(ctx, () => h(r));
    })();
    return Promise.race([done, dead]).then(async (res) => {
      if (res === "killed") {
        trace.push(`#${no} ${name}: killed`);
        return null;
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      trace.push(
        `#${no} ${name}: ${res.status} ${
          (body.error as { code?: string } | undefined)?.code ?? body.action ?? ""
        }`,
      );
      return { status: res.status, body };
    }).catch((e) => {
      trace.push(`#${no} ${name}: threw ${(e as Error).name}`);
      return null;
    });
  };

  const jwts = await Promise.all(
    s.users.map((u) => hs256Jwt(userClaims(u, `${env.api.url}/auth/v1`), JWT_SECRET)),
  );
  const tokenRequest = (user: number, scenario: string) =>
    request(`token(u${user})`, () => fns.token, () =>
      new Request(`${FUNCTIONS}/livekit-token`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${jwts[user]}` },
        body: JSON.stringify({ scenario_id: scenario }),
      }));
  const endRequest = (user: number) =>
    request(`end(u${user})`, () => fns.token, () =>
      new Request(`${FUNCTIONS}/livekit-token/end`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${jwts[user]}` },
        body: "{}",
      }));
  const reconcileRequest = (faults = true) => {
    const r = request(
      faults ? "reconcile" : "final reconcile",
      () => fns.reconcile,
      () =>
        new Request(`${FUNCTIONS}/reconcile`, {
          method: "POST",
          headers: { authorization: `Bearer ${env.api.serviceRoleKey}` },
          body: "{}",
        }),
      faults ? s.rates : { before: 0, after: 0, kill: 0 },
    );
    return r;
  };

  // Webhooks LiveKit owes: generated from what happened to rooms, delivered later.
  const rng = rngOf(mix(s.seed, 7));
  let queue: { event: Record<string, unknown>; attempts: number }[] = [];
  let eventNo = 0;
  const roomEvent = (event: string, room: string, extra: Record<string, unknown> = {}) => ({
    event,
    id: `EV_${s.index}_${eventNo++}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: `RM_${room.slice(-8)}`, name: room },
    ...extra,
  });
  let deletedSeen = 0;
  const collectDeleted = () => {
    for (; deletedSeen < livekit.deleted.length; deletedSeen++) {
      queue.push({ event: roomEvent("room_finished", livekit.deleted[deletedSeen]!), attempts: 0 });
    }
  };
  const deliverOne = async (item: { event: Record<string, unknown>; attempts: number }) => {
    item.attempts++;
    injected.deliveries++;
    if (item.attempts > 1) injected.redeliveries++;
    const signed = await signedWebhook(item.event, { apiKey: LK_KEY, apiSecret: LK_SECRET });
    const res = await request(
      `webhook ${item.event.event}`,
      () => fns.webhook,
      () => new Request(`${FUNCTIONS}/livekit-webhook`, { method: "POST", ...signed }),
    );
    // LiveKit redelivers what was not answered 2xx.
    if ((!res || res.status >= 300) && item.attempts < 6) queue.push(item);
  };
  const sessionRooms = async () =>
    (await env.db.query(
      "select room_name, user_id from public.avatar_sessions where user_id = any($1) order by created_at",
      [s.users],
    )).rows as { room_name: string; user_id: string }[];

  const run = async (step: Step): Promise<void> => {
    switch (step.kind) {
      case "token": {
        const all = Array.from(
          { length: step.copies },
          () => tokenRequest(step.user, step.scenario),
        );
        for (const r of await Promise.all(all)) {
          // The avatar (and the user) join: the room exists.
          const room = r?.body.room_name;
          if (r?.status === 201 && typeof room === "string") livekit.rooms.add(room);
        }
        break;
      }
      case "end":
        await endRequest(step.user);
        collectDeleted();
        break;
      case "leave": {
        // Everyone leaves a room: LiveKit closes it and sends participant_left, room_finished.
        const rooms = (await sessionRooms()).filter((r) => livekit.rooms.has(r.room_name));
        if (rooms.length === 0) break;
        const r = rooms[Math.floor(step.pick * rooms.length)]!;
        livekit.rooms.delete(r.room_name);
        queue.push({
          event: roomEvent("participant_left", r.room_name, {
            participant: { identity: r.user_id, sid: "PA_user" },
          }),
          attempts: 0,
        });
        queue.push({ event: roomEvent("room_finished", r.room_name), attempts: 0 });
        break;
      }
      case "deliver": {
        collectDeleted();
        // Reordered, some duplicated, some lost.
        const now = queue;
        queue = [];
        for (let i = now.length - 1; i > 0; i--) {
          const j = Math.floor(rng() * (i + 1));
          [now[i], now[j]] = [now[j]!, now[i]!];
        }
        const cut = Math.ceil(now.length * step.fraction);
        queue.push(...now.slice(cut));
        const batch = now.slice(0, cut).filter(() => !chance(rng, s.webhookLoss));
        injected.lost += cut - batch.length;
        const dups = batch.filter(() => chance(rng, 0.2)).map((e) => ({ ...e }));
        injected.duplicated += dups.length;
        await Promise.all([...batch, ...dups].map(deliverOne));
        break;
      }
      case "tavus_ends": {
        const active = [...tavus.conversations.values()].filter((c) =>
          c.status === "active" && c.conversation_id !== foreignId
        );
        if (active.length === 0) break;
        const c = active[Math.floor(step.pick * active.length)]!;
        await tavus.endOnItsOwn(c.conversation_id);
        injected.tavusEnded++;
        trace.push(`tavus ended ${c.conversation_id} on its own`);
        if (step.callback && typeof c.body.callback_url === "string") {
          const path = c.body.callback_url.slice(FUNCTIONS.length);
          await request(
            "callback shutdown",
            () => fns.callback,
            () =>
              new Request(`${FUNCTIONS}${path}`, {
                method: "POST",
                body: JSON.stringify({
                  conversation_id: c.conversation_id,
                  event_type: "system.shutdown",
                  message_type: "system",
                  properties: { shutdown_reason: "participant_left_timeout" },
                }),
              }),
          );
        }
        break;
      }
      case "stray_callback": {
        // Tavus tells about a conversation (replica joined), whichever it is.
        const mine = [...tavus.conversations.values()].filter((c) =>
          c.conversation_id !== foreignId && typeof c.body.callback_url === "string"
        );
        if (mine.length === 0) break;
        const c = mine[Math.floor(step.pick * mine.length)]!;
        const path = (c.body.callback_url as string).slice(FUNCTIONS.length);
        await request(
          "callback replica_joined",
          () => fns.callback,
          () =>
            new Request(`${FUNCTIONS}${path}`, {
              method: "POST",
              body: JSON.stringify({
                conversation_id: c.conversation_id,
                event_type: "system.replica_joined",
                message_type: "system",
              }),
            }),
        );
        break;
      }
      case "reconcile":
        await reconcileRequest();
        collectDeleted();
        break;
      case "restart":
        // The process dies: every request still in flight in it dies with it.
        instance.dead = true;
        injected.restarts++;
        trace.push("restart");
        fns = boot();
        break;
      case "together":
        injected.concurrent++;
        await Promise.all([run(step.a), run(step.b)]);
        break;
    }
  };

  try {
    for (const step of s.steps) {
      trace.push(`> ${describe(step)}`);
      await run(step);
    }
    // The faults stop, the process restarts (what was in flight is gone), time passes.
    instance.dead = true;
    fns = boot();
    await env.db.query(
      `update public.avatar_sessions
          set created_at = created_at - make_interval(secs => $2),
              ended_at = ended_at - make_interval(secs => $2),
              expires_at = expires_at - make_interval(secs => $2),
              tavus_end_next_at = tavus_end_next_at - make_interval(secs => $2)
        where user_id = any($1)`,
      [s.users, TIME_TRAVEL_SECONDS],
    );
    await env.db.query(
      "update public.reconciler_runs set lease_until = lease_until - make_interval(secs => $1)",
      [TIME_TRAVEL_SECONDS],
    );
    trace.push("> final reconciler pass");
    const final = await reconcileRequest(false);
    if (!final || final.status !== 200 || final.body.ok !== true) {
      problems.push(`the final pass did not succeed: ${JSON.stringify(final)}`);
    }

    // The check: every active conversation has a live session holding it.
    const rows = (await env.db.query(
      `select id, user_id, status, conversation_id, expires_at > now() as unexpired
         from public.avatar_sessions where user_id = any($1)`,
      [s.users],
    )).rows as {
      id: string;
      user_id: string;
      status: string;
      conversation_id: string | null;
      unexpired: boolean;
    }[];
    const owner = (name: string) => name.split(":")[2];
    for (const c of tavus.conversations.values()) {
      if (c.conversation_id === foreignId || c.status !== "active") continue;
      const row = rows.find((r) => r.id === owner(c.conversation_name));
      const held = row?.status === "live" && row.conversation_id === c.conversation_id &&
        row.unexpired;
      if (!held) {
        orphans.push(
          `${c.conversation_id} (${c.conversation_name}): session ${
            row ? `${row.status} with ${row.conversation_id}` : "missing"
          }`,
        );
      }
    }
    const foreign = tavus.conversations.get(foreignId)!;
    if (foreign.status !== "active" || foreign.endCalls !== 0) {
      problems.push("another deployment's conversation was touched");
    }
    // The cap: never more conversations running for a user than MAX_LIVE_SESSIONS_PER_USER.
    const userOf = new Map<string, string>();
    for (const c of tavus.conversations.values()) {
      const row = rows.find((r) => r.id === owner(c.conversation_name));
      if (row) userOf.set(c.conversation_id, row.user_id);
    }
    const running = new Map<string, number>();
    for (const h of tavus.history) {
      const u = userOf.get(h.conversation_id);
      if (!u) continue;
      const n = (running.get(u) ?? 0) + (h.event === "created" ? 1 : -1);
      running.set(u, n);
      if (n > s.maxLive) {
        problems.push(`user ${u} had ${n} conversations running (cap ${s.maxLive})`);
        break;
      }
    }
    problems.push(...allProblems([...tavus.requests, ...livekit.requests]));
  } catch (e) {
    problems.push(`the schedule broke: ${(e as Error).stack ?? e}`);
  } finally {
    // Leave nothing behind for the next schedule.
    await env.db.query(
      `update public.avatar_sessions
          set status = case when status in ('ended', 'failed') then status else 'ended' end,
              ended_at = coalesce(ended_at, now()), end_reason = coalesce(end_reason, 'suite teardown'),
              tavus_end_pending = false, room_checked = true
        where user_id = any($1)`,
      [s.users],
    ).catch((e) => problems.push(`teardown: ${e}`));
    await env.db.query(
      "update public.reconciler_runs set holder = null, lease_until = null",
    ).catch(() => {});
    await tavus.close();
    await livekit.close();
  }
  if (orphans.length > 0 || problems.length > 0) {
    trace.push(...log.slice(-60).map((l) => `  log ${l}`));
  }
  return { ok: orphans.length === 0 && problems.length === 0, orphans, problems, trace };
}

// ---------------------------------------------------------------------------
// Supabase Cron: the job runs in pg_cron and its request reaches the reconcile function.
// ---------------------------------------------------------------------------
async function checkCron(env: Env): Promise<string[]> {
  const problems: string[] = [];
  const job = (await env.db.query(
    "select jobid, schedule, command from cron.job where jobname = 'livekit-tavus-edge-reconcile'",
  )).rows[0] as { jobid: number; schedule: string; command: string } | undefined;
  if (!job) return ["the migration did not schedule the reconcile job"];
  if (job.schedule !== "* * * * *" || job.command !== "select public.reconcile_tick()") {
    problems.push(`unexpected job: ${JSON.stringify(job)}`);
  }
  // pg_cron 1.4 runs jobs on minute boundaries: wait for a run if the suite was quicker.
  const deadline = Date.now() + 75_000;
  let run: { status: string; return_message: string } | undefined;
  while (Date.now() < deadline) {
    run = (await env.db.query(
      `select status, return_message from cron.job_run_details where jobid = $1
        order by start_time desc limit 1`,
      [job.jobid],
    )).rows[0];
    if (run && run.status !== "running" && run.status !== "starting") break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!run || run.status !== "succeeded") {
    return [...problems, `pg_cron did not run the job successfully: ${JSON.stringify(run)}`];
  }
  const queued = (await env.db.query(
    `select method, url, headers, convert_from(body, 'utf8') as body, timeout_milliseconds
       from net.http_request_queue order by id desc limit 1`,
  )).rows[0] as {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
    timeout_milliseconds: number;
  } | undefined;
  if (!queued) return [...problems, "the job queued no request"];
  if (queued.method !== "POST" || queued.url !== `${FUNCTIONS}/reconcile`) {
    problems.push(`the job posted to ${queued.method} ${queued.url}`);
  }
  // What pg_net would send, delivered to the reconcile function.
  const tavus = startTavus();
  const livekit = startLiveKit({ apiKey: LK_KEY, apiSecret: LK_SECRET });
  try {
    const handler = createReconcileHandler({
      env: () => ({
        LIVEKIT_API_KEY: LK_KEY,
        LIVEKIT_API_SECRET: LK_SECRET,
        LIVEKIT_WS_URL: livekit.wsUrl,
        TAVUS_API_KEY: tavus.apiKey,
        TAVUS_API_URL: tavus.url,
        SUPABASE_URL: env.api.url,
        SUPABASE_ANON_KEY: env.api.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: env.api.serviceRoleKey,
        AUTH_JWT_SECRET: JWT_SECRET,
      }),
      log: () => {},
    });
    const res = await handler(
      new Request(queued.url, {
        method: queued.method,
        headers: queued.headers,
        body: queued.body,
      }),
    );
    const body = await res.json();
    if (res.status !== 200 || body.ok !== true || body.skipped) {
      problems.push(`the job's request got ${res.status} ${JSON.stringify(body)}`);
    }
    problems.push(...allProblems([...tavus.requests, ...livekit.requests]));
  } finally {
    await tavus.close();
    await livekit.close();
  }
  return problems;
}

// ---------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------
async function main(): Promise<number> {
  if (!postgresAvailable()) {
    console.log("cost-safety: PostgreSQL cannot run here (needs root and PostgreSQL 15)");
    console.log("cost-safety: 0 passed, 1 failed");
    return 1;
  }
  const seedText = Deno.env.get("COST_SEED");
  const runSeed = seedText
    ? Number(seedText) >>> 0
    : crypto.getRandomValues(new Uint32Array(1))[0]!;
  const count = Number(Deno.env.get("COST_SCHEDULES") ?? "200");
  const only = Deno.env.get("COST_ONLY");
  const indices = only !== undefined ? [Number(only)] : Array.from({ length: count }, (_, i) => i);
  console.log(
    `cost-safety: seed ${runSeed}, ${indices.length} schedule(s)` +
      ` (re-run: COST_SEED=${runSeed} bash scripts/test-cost.sh; one: COST_ONLY=<i>)`,
  );
  const cron = pgCronAvailable();
  const db = await startPostgres({ cron });
  const api = startPostgrest(db, { jwtSecret: JWT_SECRET });
  const env = { db, api };
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  let orphaned = 0;
  try {
    if (cron) {
      // The job's Vault secrets, so that pg_cron's runs during the suite queue a request.
      await db.query("select vault.create_secret($1, 'RECONCILE_URL', 'cost-safety suite')", [
        `${FUNCTIONS}/reconcile`,
      ]);
      await db.query("select vault.create_secret($1, 'RECONCILE_KEY', 'cost-safety suite')", [
        api.serviceRoleKey,
      ]);
    }
    const stats = { steps: 0, requests: 0 };
    for (const i of indices) {
      const s = makeSchedule(runSeed, i);
      stats.steps += s.steps.length;
      const out = await runSchedule(env, s);
      orphaned += out.orphans.length;
      if (out.ok) {
        passed++;
      } else {
        failed++;
        console.log(`\nschedule ${i} FAILED (COST_SEED=${runSeed} COST_ONLY=${i}):`);
        console.log(
          `  users ${s.users.length}, cap ${s.maxLive}, faults ${JSON.stringify(s.rates)}`,
        );
        for (const o of out.orphans) console.log(`  orphan: ${o}`);
        for (const p of out.problems) console.log(`  problem: ${p}`);
        for (const t of out.trace) console.log(`  ${t}`);
      }
      if ((i + 1) % 50 === 0) {
        console.log(`  ... ${i + 1} schedules, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    console.log(
      `cost-safety: ${indices.length} schedules, ${stats.steps} steps, ${
        Math.round((Date.now() - started) / 1000)
      } s`,
    );
    const f = injected;
    console.log(
      `cost-safety: injected ${f.before} failures before and ${f.after} after the work, ` +
        `${f.killed} killed requests, ${f.restarts} restarts, ${f.concurrent} concurrent steps, ` +
        `${f.deliveries} webhook deliveries (${f.redeliveries} redeliveries, ${f.duplicated} ` +
        `duplicates, ${f.lost} lost), ${f.tavusEnded} ends by Tavus itself`,
    );
    if (cron) {
      const cronProblems = await checkCron(env);
      if (cronProblems.length === 0) {
        passed++;
        console.log("cost-safety: pg_cron ran the reconcile job; its request reached the function");
      } else {
        failed++;
        for (const p of cronProblems) console.log(`  cron problem: ${p}`);
      }
    } else {
      // scripts/setup.sh installs it: without it the schedule is not checked, which fails.
      failed++;
      console.log(
        "cost-safety: pg_cron is not installed (bash scripts/setup.sh): cron not checked",
      );
    }
  } finally {
    await api.close();
    await db.close();
  }
  console.log(
    `cost-safety: ${passed} passed, ${failed} failed (${indices.length} schedules${
      cron ? " and the cron job" : ""
    })`,
  );
  console.log(`orphaned conversations: ${orphaned}`);
  return failed === 0 ? 0 : 1;
}

Deno.exit(await main());
