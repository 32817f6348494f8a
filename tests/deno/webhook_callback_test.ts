// The livekit-webhook and tavus-callback handlers with injected stores and loopback
// Tavus/LiveKit stand-ins: signed deliveries end sessions exactly once, duplicates and
// replays are harmless, bad signatures and secrets are refused and logged, and an
// unsigned Tavus callback ends nothing until Tavus confirms it.
import { signWebhook } from "livekit-tavus-edge";
import { createTokenHandler } from "../../supabase/functions/_shared/livekit_token.ts";
import { createWebhookHandler } from "../../supabase/functions/_shared/livekit_webhook.ts";
import { createTavusCallbackHandler } from "../../supabase/functions/_shared/tavus_callback.ts";
import { MemorySessionStore } from "../../supabase/functions/_shared/sessions.ts";
import { signedWebhook, webhookEvent } from "../standins/livekit.ts";
import { assert, assertEquals } from "./assert.ts";
import {
  ADA,
  auth,
  BOB,
  captureLog,
  devEnv,
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

function world(env: Record<string, string> = {}) {
  const up = upstreams();
  const { tavus, livekit } = up;
  const sessions = new MemorySessionStore();
  const logs = captureLog();
  const deps = {
    env: () => up.env({ TAVUS_CALLBACK_SECRET: SECRET, ...env }),
    sessions,
    log: logs.log,
  };
  const token = createTokenHandler(deps);
  const hook = createWebhookHandler(deps);
  const callback = createTavusCallbackHandler(deps);
  const start = async (user = ADA) => {
    const jwt = await userJwt(user, {}, JWT_SECRET, Date.now());
    const res = await token(post(TOKEN, {}, auth(jwt)));
    assertEquals(res.status, 201);
    const body = await res.json();
    livekit.rooms.add(body.room_name);
    return body as { room_name: string; conversation_id: string; session_id: string };
  };
  const deliver = async (event: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const signed = await signedWebhook(event);
    return hook(
      new Request(HOOK, {
        method: "POST",
        headers: { ...signed.headers, ...headers },
        body: signed.body,
      }),
    );
  };
  return {
    tavus,
    livekit,
    sessions,
    logs,
    start,
    deliver,
    hook,
    callback,
    close: up.close,
  };
}

Deno.test("room_finished ends the session and its conversation exactly once", async () => {
  const w = world();
  try {
    const s = await w.start();
    const event = webhookEvent("room_finished", s.room_name);
    const res = await w.deliver(event);
    const body = await res.json();
    assertEquals(res.status, 200);
    assertEquals([body.action, body.tavus, body.room], ["ended", "ended", "kept"]);
    // The same delivery again (LiveKit retries), then a later event for the ended room.
    assertEquals((await (await w.deliver(event)).json()).action, "duplicate");
    const left = webhookEvent("participant_left", s.room_name, { participant: { identity: ADA } });
    assertEquals((await (await w.deliver(left)).json()).action, "none");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 1);
    assertEquals(w.sessions.rows[0]!.status, "ended");
    assertEquals(w.sessions.rows[0]!.endReason, "room_finished");
    assertEquals(w.sessions.webhookEvents.size, 2);
  } finally {
    await w.close();
  }
});

Deno.test("the user leaving ends the session and deletes the room; others leaving do not", async () => {
  const w = world();
  try {
    const s = await w.start();
    for (const identity of ["tavus-avatar-agent", BOB]) {
      const ev = webhookEvent("participant_left", s.room_name, { participant: { identity } });
      assertEquals((await (await w.deliver(ev)).json()).action, "none", identity);
    }
    assertEquals(w.sessions.rows[0]!.status, "live");
    const ev = webhookEvent("participant_left", s.room_name, { participant: { identity: ADA } });
    const body = await (await w.deliver(ev)).json();
    assertEquals([body.action, body.tavus, body.room], ["ended", "ended", "deleted"]);
    assertEquals(w.livekit.deleted, [s.room_name]);
    // The room_finished that deleting the room causes changes nothing.
    const finished = await (await w.deliver(webhookEvent("room_finished", s.room_name))).json();
    assertEquals(finished.action, "none");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 1);
  } finally {
    await w.close();
  }
});

Deno.test("END_ON_PARTICIPANT_LEFT=false keeps the session until the room finishes", async () => {
  const w = world({ END_ON_PARTICIPANT_LEFT: "false" });
  try {
    const s = await w.start();
    const ev = webhookEvent("participant_left", s.room_name, { participant: { identity: ADA } });
    assertEquals((await (await w.deliver(ev)).json()).action, "none");
    assertEquals(w.sessions.rows[0]!.status, "live");
  } finally {
    await w.close();
  }
});

Deno.test("bad signatures, tampered bodies and replays are refused with 401 and logged", async () => {
  const w = world();
  try {
    const s = await w.start();
    const good = await signedWebhook(webhookEvent("room_finished", s.room_name));
    const forged = await signedWebhook(webhookEvent("room_finished", s.room_name), {
      apiSecret: "not-the-secret",
    });
    const unknownKey = await signedWebhook(webhookEvent("room_finished", s.room_name), {
      apiKey: "APIother",
    });
    const old = await signedWebhook(
      webhookEvent("room_finished", s.room_name, {
        createdAt: String(Math.floor(Date.now() / 1000) - 7200),
      }),
    );
    const cases: [string, RequestInit, number, string][] = [
      ["replayed (2 h old)", { headers: old.headers, body: old.body }, 401, "ERR_WEBHOOK_TOO_OLD"],
      ["forged", { headers: forged.headers, body: forged.body }, 401, "ERR_TOKEN_SIGNATURE"],
      [
        "unknown key",
        { headers: unknownKey.headers, body: unknownKey.body },
        401,
        "ERR_TOKEN_UNKNOWN_KEY",
      ],
      [
        "tampered",
        {
          headers: good.headers,
          body: good.body.replace("room_finished", "room_started"),
        },
        401,
        "ERR_WEBHOOK_HASH_MISMATCH",
      ],
      [
        "no signature",
        {
          headers: { "content-type": "application/webhook+json" },
          body: good.body,
        },
        401,
        "ERR_WEBHOOK_AUTH_MISSING",
      ],
      [
        "wrong type",
        { headers: { ...good.headers, "content-type": "text/plain" }, body: good.body },
        415,
        "ERR_UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "too large",
        { headers: good.headers, body: "x".repeat(300_000) },
        413,
        "ERR_BODY_TOO_LARGE",
      ],
    ];
    for (const [name, init, status, code] of cases) {
      const res = await w.hook(new Request(HOOK, { method: "POST", ...init }));
      assertEquals(await errorOf(res), { status, code }, name);
    }
    assertEquals(await errorOf(await w.hook(new Request(HOOK))), {
      status: 405,
      code: "ERR_METHOD_NOT_ALLOWED",
    });
    const rejected = w.logs.lines.filter((l) => l.event === "webhook_rejected");
    assertEquals(rejected.map((l) => l.fields.code), [
      "ERR_WEBHOOK_TOO_OLD",
      "ERR_TOKEN_SIGNATURE",
      "ERR_TOKEN_UNKNOWN_KEY",
      "ERR_WEBHOOK_HASH_MISMATCH",
      "ERR_WEBHOOK_AUTH_MISSING",
    ]);
    assert(!w.logs.text().includes(forged.headers.authorization!), "a token reached the log");
    assertEquals(w.sessions.rows[0]!.status, "live");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 0);
  } finally {
    await w.close();
  }
});

Deno.test("the body hash covers the exact bytes received: a BOM or re-encoding breaks it", async () => {
  const w = world();
  try {
    const s = await w.start();
    const enc = new TextEncoder();
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const withBom = (text: string) =>
      new Uint8Array([...bom, ...enc.encode(text)]) as Uint8Array<ArrayBuffer>;
    const send = (headers: Record<string, string>, body: Uint8Array) =>
      w.hook(new Request(HOOK, { method: "POST", headers, body: new Uint8Array(body) }));
    // A genuine delivery with a BOM put in front: not the bytes LiveKit signed.
    const good = await signedWebhook(webhookEvent("room_finished", s.room_name));
    assertEquals(await errorOf(await send(good.headers, withBom(good.body))), {
      status: 401,
      code: "ERR_WEBHOOK_HASH_MISMATCH",
    });
    // Bytes signed with their BOM: the hash matches, the body is then not a JSON object.
    const event = JSON.stringify(webhookEvent("room_finished", s.room_name));
    const bytes = withBom(event);
    const authorization = signWebhook(bytes, "devkey", "secret");
    assertEquals(
      await errorOf(
        await send({ authorization, "content-type": "application/webhook+json" }, bytes),
      ),
      { status: 400, code: "ERR_WEBHOOK_BODY_MALFORMED" },
    );
    assertEquals(w.sessions.rows[0]!.status, "live");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 0);
  } finally {
    await w.close();
  }
});

Deno.test("a webhook without LiveKit configured is a 503; a Tavus outage is logged, not retried", async () => {
  const { LIVEKIT_API_SECRET: _, ...noLiveKit } = devEnv();
  const hook = createWebhookHandler({ env: () => noLiveKit, log: captureLog().log });
  const signed = await signedWebhook(webhookEvent("room_finished", "r"));
  const res = await hook(new Request(HOOK, { method: "POST", ...signed }));
  assertEquals(await errorOf(res), { status: 503, code: "ERR_NOT_CONFIGURED" });

  const w = world();
  try {
    const s = await w.start();
    await w.tavus.close(); // Tavus goes away.
    const body = await (await w.deliver(webhookEvent("room_finished", s.room_name))).json();
    assertEquals([body.action, body.tavus], ["ended", "failed"]);
    const line = w.logs.lines.find((l) => l.event === "tavus_end_failed");
    assertEquals(line?.fields.conversation_id, s.conversation_id);
  } finally {
    w.tavus.requests.length = 0;
    await w.close();
  }
});

Deno.test("tavus-callback: the secret path is the gate; a shutdown is confirmed with Tavus first", async () => {
  const w = world();
  try {
    const s = await w.start();
    const shutdown = JSON.stringify({
      conversation_id: s.conversation_id,
      event_type: "system.shutdown",
      message_type: "system",
      timestamp: new Date().toISOString(),
      properties: { shutdown_reason: "max_call_duration" },
    });
    const send = (path: string, body = shutdown) =>
      w.callback(new Request(`${CALLBACK}${path}`, { method: "POST", body }));
    for (const path of ["", "/wrong-secret-0123456789abcdefgh", `/${SECRET}x`]) {
      assertEquals(await errorOf(await send(path)), { status: 404, code: "ERR_NOT_FOUND" }, path);
    }
    assertEquals(
      w.logs.lines.filter((l) => l.event === "callback_rejected").length,
      3,
    );
    assert(!w.logs.text().includes(SECRET), "the secret reached the log");
    // Forged: Tavus says the conversation still runs, so nothing ends.
    const forged = await (await send(`/${SECRET}`)).json();
    assertEquals([forged.action, forged.reason], ["none", "still active"]);
    assertEquals(w.sessions.rows[0]!.status, "live");
    // Real: Tavus ended it (max_call_duration); the session follows, once.
    w.tavus.conversations.get(s.conversation_id)!.status = "ended";
    assertEquals((await (await send(`/${SECRET}`)).json()).action, "ended");
    assertEquals(w.sessions.rows[0]!.endReason, "tavus_max_call_duration");
    assertEquals((await (await send(`/${SECRET}`)).json()).action, "none");
    assertEquals(w.tavus.conversations.get(s.conversation_id)!.endCalls, 0);
    // Other events and bad bodies.
    const joined = JSON.stringify({
      conversation_id: s.conversation_id,
      event_type: "system.replica_joined",
    });
    assertEquals((await (await send(`/${SECRET}`, joined)).json()).action, "none");
    assertEquals(await errorOf(await send(`/${SECRET}`, "{nope")), {
      status: 400,
      code: "ERR_TAVUS_BAD_CALLBACK",
    });
  } finally {
    await w.close();
  }
});
