// The development gateway's shared session store (finding 5 of issue 12): scripts/gateway.ts
// holds one in-memory store for the functions it serves. It must not be reachable from the
// gateway's public port, nor from a web page: a cross-site `text/plain` POST needs no preflight,
// so such a page could otherwise list, end or plant another user's sessions.
import {
  MemorySessionStore,
  serveDevSessionStore,
} from "../../supabase/functions/_shared/sessions.ts";
import { signedWebhook, webhookEvent } from "../standins/livekit.ts";
import { assert, assertEquals } from "./assert.ts";
import { ADA, BOB, devEnv, JWT_SECRET, userJwt } from "./fixtures.ts";
import { serveFunctions } from "./served.ts";

const ENV = devEnv({ AVATAR_MODE: "direct" });

Deno.test("the gateway's public port does not serve the session store", async () => {
  const served = await serveFunctions(ENV, ["--dev-session-store"]);
  try {
    const origin = served.base.replace(/\/functions\/v1$/, "");
    const jwt = await userJwt(ADA, {}, JWT_SECRET, Date.now());
    const started = await (await fetch(`${served.base}/livekit-token`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: "{}",
    })).json();
    assertEquals(started.avatar_status, "dry_run");
    // What a page on another site could send without a preflight.
    const attack = (method: string, args: unknown[]) =>
      fetch(`${origin}/_dev/sessions/${method}`, {
        method: "POST",
        headers: { "content-type": "text/plain", origin: "https://evil.example" },
        body: JSON.stringify(args),
      });
    for (
      const [method, args] of [
        ["listOpen", [ADA, {}]],
        ["findByRoom", [started.room_name]],
        ["end", [started.session_id, "ended_by_attacker"]],
        ["claim", [{
          userId: BOB,
          scenarioId: "casual-conversation",
          roomName: "planted",
          mode: "direct",
          maxLive: 9,
          durationSeconds: 600,
        }]],
      ] as [string, unknown[]][]
    ) {
      const res = await attack(method, args);
      const body = await res.text();
      assertEquals(res.status, 404, `${method}: ${body}`);
      assert(!body.includes(started.session_id), `${method} leaked the session`);
    }
    // The functions still share the store: the webhook ends what the token function started.
    const signed = await signedWebhook(webhookEvent("room_finished", started.room_name));
    const hook =
      await (await fetch(`${served.base}/livekit-webhook`, { method: "POST", ...signed }))
        .json();
    assertEquals([hook.action, hook.session_id], ["ended", started.session_id]);
  } finally {
    await served.close();
  }
});

Deno.test("the store answers only same-machine JSON calls on its secret path", async () => {
  const store = new MemorySessionStore();
  const secret = "0123456789abcdef0123456789abcdef";
  const call = (path: string, init: RequestInit = {}) =>
    serveDevSessionStore(
      store,
      new Request(`http://127.0.0.1:1/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(init.headers ?? {}) },
        body: JSON.stringify([ADA, {}]),
      }),
      secret,
    );
  assertEquals((await call(`${secret}/listOpen`)).status, 200);
  assertEquals((await call("listOpen")).status, 404);
  assertEquals((await call(`${secret.slice(1)}x/listOpen`)).status, 404);
  assertEquals(
    (await call(`${secret}/listOpen`, { headers: { origin: "https://evil.example" } })).status,
    403,
  );
  assertEquals(
    (await call(`${secret}/listOpen`, { headers: { "sec-fetch-site": "cross-site" } })).status,
    403,
  );
  assertEquals(
    (await call(`${secret}/listOpen`, { headers: { "content-type": "text/plain" } })).status,
    415,
  );
});
