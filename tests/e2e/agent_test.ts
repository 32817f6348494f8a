// End to end in agent mode, against the real livekit-server: a livekit-agents worker
// (tests/e2e/agent_worker.py) registers for explicit dispatch under AGENT_NAME; a user joins
// through the demo page, and the worker's job arrives in the session's room with the
// scenario's metadata, however the dispatch happens (the user's token or the server API).
import { serverApiRequest } from "livekit-tavus-edge";
import { assert, assertEquals } from "../deno/assert.ts";
import { startPeer } from "./peers.ts";
import { AGENT_NAME, API_KEY, API_SECRET, canRun, startStack, USER_ID } from "./stack.ts";

Deno.test({
  name:
    "agent mode: a livekit-agents worker gets the job in the session's room with the scenario's metadata",
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: !canRun,
  fn: async () => {
    const stack = await startStack("agent");
    const worker = startPeer("agent_worker.py", [AGENT_NAME], {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      LIVEKIT_URL: stack.livekit.wsUrl,
      LIVEKIT_API_KEY: API_KEY,
      LIVEKIT_API_SECRET: API_SECRET,
    });
    try {
      await worker.waitFor((e) => e.event === "registered", 60_000);
      const page = await stack.openDemo("?scenario=business-meeting");
      const room = await stack.signInAndJoin(page);
      const job = await worker.waitFor((e) => e.event === "job", 30_000);
      assertEquals([job.room, job.agent_name], [room, AGENT_NAME]);
      const meta = JSON.parse(String(job.metadata));
      assertEquals(meta.scenario_id, "business-meeting");
      assert(typeof meta.session_id === "string" && meta.session_id !== "", job.metadata as string);
      for (const k of ["replica_id", "persona_id", "language", "max_call_duration"]) {
        assert(meta[k] !== undefined, `metadata has ${k}: ${job.metadata}`);
      }
      const joined = await worker.waitFor((e) => e.event === "joined");
      assertEquals(joined.room, room);
      // The server sees the worker's participant in the room as an agent, beside the user.
      const req = serverApiRequest("ListParticipants", stack.livekit.wsUrl, API_KEY, API_SECRET, {
        room,
      });
      await stack.until("the agent in ListParticipants", async () => {
        const res = await fetch(req.url, req);
        const body = await res.json();
        const kinds = (body.participants ?? []).map((p: { identity: string; kind?: string }) =>
          `${p.identity}:${p.kind ?? "STANDARD"}`
        );
        return kinds.includes(`${USER_ID}:STANDARD`) &&
          kinds.some((k: string) => k.endsWith(":AGENT"));
      });
      // No Tavus conversation in agent mode: the worker starts the avatar.
      assertEquals(stack.tavus.conversations.size, 0);
      await page.click("#leave");
      await stack.until(
        "the page to leave",
        () => page.evaluate<boolean>(`globalThis.demo.phase === "left"`),
      );
      assertEquals(await page.evaluate<string>(`globalThis.demo.disconnectReason`), "ROOM_DELETED");
      assertEquals(stack.problems(), []);
    } finally {
      await worker.stop();
      await stack.close();
    }
  },
});
