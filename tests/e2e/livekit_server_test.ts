// The real livekit-server harness (tests/e2e/livekit_server.ts) itself: the binary built by
// scripts/setup.sh starts on free loopback ports, answers the server API with the given keys and
// refuses a token signed with another secret, and stops cleanly.
import { serverApiRequest } from "livekit-tavus-edge";
import { assert, assertEquals } from "../deno/assert.ts";
import { startLiveKitServer } from "./livekit_server.ts";

const KEY = "e2e-key";
const SECRET = "an-e2e-secret-of-at-least-thirty-two-bytes";

Deno.test("livekit-server: starts on loopback and checks server-API tokens by key and secret", async () => {
  const lk = await startLiveKitServer({ keys: { [KEY]: SECRET } });
  try {
    assert(lk.wsUrl.startsWith("ws://127.0.0.1:"), lk.wsUrl);
    const ok = serverApiRequest("ListRooms", lk.wsUrl, KEY, SECRET, {});
    const res = await fetch(ok.url, ok);
    assertEquals([res.status, await res.json()], [200, { rooms: [] }]);
    const bad = serverApiRequest("ListRooms", lk.wsUrl, KEY, `${SECRET}-wrong`, {});
    const refused = await fetch(bad.url, bad);
    await refused.body?.cancel();
    assertEquals(refused.status, 401);
    assert(lk.logs().includes("starting LiveKit server"), lk.logs());
  } finally {
    await lk.close();
  }
});
