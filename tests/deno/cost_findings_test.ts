// Issue 12's findings about conversations that outlive their session, each reproduced
// through the handlers with loopback stand-ins that check every request:
// 1. a Tavus create that times out after Tavus made the conversation;
// 2. a webhook whose work fails must be handled again when LiveKit redelivers it.
// (3, agent mode replay: avatar_modes_test.ts and tests/e2e/agent_replay_test.ts;
// 4, failed ends retried: reconcile_test.ts; 5-8: gateway, rate limiter, JWKS, webhook bytes.)
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createWebhookHandler } from "../../supabase/functions/_shared/livekit_webhook.ts";
import { createTavusCallbackHandler } from "../../supabase/functions/_shared/tavus_callback.ts";
import { HttpError } from "../../supabase/functions/_shared/http.ts";
import {
  MemorySessionStore,
  type SessionStore,
} from "../../supabase/functions/_shared/sessions.ts";
import { signedWebhook, webhookEvent } from "../standins/livekit.ts";
import type { TavusOptions } from "../standins/tavus.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  ADA,
  auth,
  captureLog,
  errorOf,
  JWT_SECRET,
  post,
  upstreams,
  userJwt,
} from "./fixtures.ts";

const TOKEN = "http://local/livekit-token";
const HOOK = "http://local/livekit-webhook";
const CALLBACK = "http://local/tavus-callback";
const SECRET = "cb-secret-0123456789abcdefghij";

/** A store whose next calls of a method fail like a database that timed out. */
function flaky(store: SessionStore) {
  const failures = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const left = failures.get(String(prop)) ?? 0;
        if (left > 0) {
          failures.set(String(prop), left - 1);
          return Promise.reject(
            new HttpError(504, "ERR_DATABASE_TIMEOUT", "Supabase did not answer within 10000 ms"),
          );
        }
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, failNext: (method: string, n = 1) => failures.set(method, n) };
}

function world(tavusOptions: TavusOptions = {}, env: Record<string, string> = {}) {
  const up = upstreams(tavusOptions);
  const { tavus, livekit } = up;
  const memory = new MemorySessionStore();
  const db = flaky(memory);
  const logs = captureLog();
  const deps = {
    env: () =>
      up.env({
        TAVUS_CALLBACK_SECRET: SECRET,
        FUNCTIONS_BASE_URL: "https://abc.supabase.co/functions/v1",
        ...env,
      }),
    sessions: db.store,
    log: logs.log,
  };
  const token = createTokenHandler(deps);
  const hook = createWebhookHandler(deps);
  const callback = createTavusCallbackHandler(deps);
  const deliver = async (event: Record<string, unknown>) => {
    const signed = await signedWebhook(event);
    return await hook(new Request(HOOK, { method: "POST", ...signed }));
  };
  const active = () => [...tavus.conversations.values()].filter((c) => c.status === "active");
  return {
    tavus,
    livekit,
    memory,
    db,
    logs,
    token,
    deliver,
    callback,
    active,
    close: up.close,
  };
}

Deno.test("finding 1: a create that times out after Tavus made the conversation is not lost", async () => {
  // Tavus creates the first conversation, then answers after the function gave up.
  let creates = 0;
  const w = world(
    { afterCreate: () => (creates++ === 0 ? { delayMs: 600 } : undefined) },
    { UPSTREAM_TIMEOUT_MS: "200", MAX_LIVE_SESSIONS_PER_USER: "1" },
  );
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const first = await w.token(post(TOKEN, {}, auth(jwt)));
    assertEquals(await errorOf(first), { status: 504, code: "ERR_TAVUS_TIMEOUT" });
    assertEquals(w.active().length, 1, "Tavus made the conversation all the same");
    const [row] = w.memory.rows;
    assertEquals([row!.status, row!.conversationId], ["failed", null]);
    // Its name says whose it is, although its id never reached the function.
    assertMatch(w.active()[0]!.conversation_name, new RegExp(`^lte:[0-9a-f]{12}:${row!.id}:`));
    // The client retries: the conversation that may run still counts toward the cap
    // (of one), so no second avatar starts.
    const retry = await w.token(post(TOKEN, {}, auth(jwt)));
    assertEquals(await errorOf(retry), { status: 409, code: "ERR_SESSION_CLEANUP_PENDING" });
    assertEquals(w.tavus.requests.filter((r) => r.path === "/v2/conversations").length, 1);
    // A callback about the unknown conversation reaches its failed session (the callback
    // URL carries the session id) and ends it at once.
    const conversation = w.active()[0]!;
    assertEquals(
      conversation.body.callback_url,
      `https://abc.supabase.co/functions/v1/tavus-callback/${SECRET}/${row!.id}`,
    );
    const joined = JSON.stringify({
      conversation_id: conversation.conversation_id,
      event_type: "system.replica_joined",
      message_type: "system",
    });
    const res = await w.callback(
      new Request(`${CALLBACK}/${SECRET}/${row!.id}`, { method: "POST", body: joined }),
    );
    const body = await res.json();
    assertEquals(
      [res.status, body.action, body.tavus],
      [200, "ended_stray", "ended"],
      JSON.stringify(body),
    );
    assertEquals(w.active().length, 0);
    assertEquals(conversation.endCalls, 1);
    // Settled: the user can start again (one conversation, one live session).
    assertEquals((await w.token(post(TOKEN, {}, auth(jwt)))).status, 201);
    assertEquals(w.active().length, 1);
    assertEquals(w.memory.rows.map((r) => [r.status, r.tavusEndPending]), [
      ["failed", false],
      ["live", false],
    ]);
  } finally {
    await w.close();
  }
});

Deno.test("finding 1: a callback can end only this deployment's conversation of a session that is not live", async () => {
  const w = world({}, {});
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const s = await (await w.token(post(TOKEN, {}, auth(jwt)))).json();
    const send = async (conversationId: string, session: string) => {
      const res = await w.callback(
        new Request(`${CALLBACK}/${SECRET}/${session}`, {
          method: "POST",
          body: JSON.stringify({ conversation_id: conversationId, event_type: "system.shutdown" }),
        }),
      );
      return await res.json();
    };
    // A conversation of another deployment (another marker), claimed for this session.
    const other = [...w.tavus.conversations.values()][0]!;
    const foreignId = "cf0reign1";
    w.tavus.conversations.set(foreignId, {
      ...other,
      conversation_id: foreignId,
      conversation_name: `lte:ffffffffffff:${s.session_id}:casual-conversation`,
      endCalls: 0,
    });
    assertEquals((await send(foreignId, s.session_id)).reason, "not ours");
    // Its own live conversation is not a stray: a forged shutdown changes nothing.
    assertEquals((await send(s.conversation_id, s.session_id)).reason, "still active");
    // A malformed session segment is the same 404 as a wrong secret.
    const bad = await w.callback(
      new Request(`${CALLBACK}/${SECRET}/not-a-uuid`, { method: "POST", body: "{}" }),
    );
    assertEquals(await errorOf(bad), { status: 404, code: "ERR_NOT_FOUND" });
    assertEquals(w.active().length, 2);
    assertEquals(w.memory.rows[0]!.status, "live");
  } finally {
    await w.close();
  }
});

Deno.test("finding 2: a room_finished whose work failed is handled when LiveKit redelivers it", async () => {
  const w = world();
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const s = await (await w.token(post(TOKEN, {}, auth(jwt)))).json();
    const event = webhookEvent("room_finished", s.room_name);
    w.db.failNext("endForRoom");
    const failed = await w.deliver(event);
    assertEquals(await errorOf(failed), { status: 504, code: "ERR_DATABASE_TIMEOUT" });
    assertEquals(w.memory.rows[0]!.status, "live");
    // LiveKit redelivers the same event: it is handled now, not answered as a duplicate.
    const again = await (await w.deliver(event)).json();
    assertEquals([again.action, again.tavus], ["ended", "ended"]);
    assertEquals(w.memory.rows[0]!.status, "ended");
    assertEquals(w.active().length, 0);
    // Once handled, a further redelivery is the duplicate it is.
    assertEquals((await (await w.deliver(event)).json()).action, "duplicate");
  } finally {
    await w.close();
  }
});

Deno.test("finding 2: a participant_left whose work failed is handled when LiveKit redelivers it", async () => {
  const w = world();
  try {
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const s = await (await w.token(post(TOKEN, {}, auth(jwt)))).json();
    w.livekit.rooms.add(s.room_name);
    const event = webhookEvent("participant_left", s.room_name, { participant: { identity: ADA } });
    for (const method of ["findByRoom", "end"]) {
      w.db.failNext(method);
      assertEquals((await w.deliver(event)).status, 504, method);
      assertEquals(w.memory.rows[0]!.status, "live", method);
    }
    // The event id is recorded only after its work: a failure there is retried too.
    w.db.failNext("recordWebhookEvent");
    assertEquals((await w.deliver(event)).status, 504);
    assertEquals(w.memory.rows[0]!.status, "ended");
    assertEquals(w.active().length, 0);
    const last = await (await w.deliver(event)).json();
    assertEquals(last.action, "none", "the work was done; recording it now");
    assertEquals((await (await w.deliver(event)).json()).action, "duplicate");
    assert(w.livekit.deleted.includes(s.room_name));
  } finally {
    await w.close();
  }
});
