// End to end in direct mode, against the real livekit-server: a user signs in on the demo page
// in headless Chromium and joins through livekit-token; the Tavus stand-in's avatar joins with
// the token the function minted for it and publishes video and audio, which the browser plays;
// Leave calls /end, which deletes the room on the server; closing the tab instead lets the
// server's own webhooks end the session. The tests share one stack and run in order.
import { type Page } from "playwright-core";
import { serverApiRequest } from "livekit-tavus-edge";
import { assert, assertEquals } from "../deno/assert.ts";
import { payloadOf } from "../deno/fixtures.ts";
import {
  API_KEY,
  API_SECRET,
  ARTEFACTS,
  canRun,
  type Stack,
  startStack,
  USER_ID,
} from "./stack.ts";

/** The room a conversation's avatar token joins (its name carries the session, not the room). */
function roomOf(body: Record<string, unknown>): unknown {
  const token = (body.properties as { livekit_room_token?: string } | undefined)
    ?.livekit_room_token;
  if (token === undefined) return undefined;
  return (payloadOf(token).video as { room?: string } | undefined)?.room;
}

const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !canRun };

let stack: Stack | null = null;
let page: Page | null = null;
let roomName = "";

async function api(method: string, body: Record<string, unknown>) {
  const req = serverApiRequest(
    method as Parameters<typeof serverApiRequest>[0],
    stack!.livekit.wsUrl,
    API_KEY,
    API_SECRET,
    body,
  );
  const res = await fetch(req.url, req);
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}

type DemoState = {
  phase: string;
  error: string | null;
  errorCode: string | null;
  disconnectReason: string | null;
  avatarIdentity: string | null;
  avatarVideo: boolean;
  avatarAudio: boolean;
  localCamera: boolean;
  roomName: string;
};
const demoState = (p: Page) =>
  p.evaluate(() => {
    const d = (globalThis as unknown as { demo: DemoState }).demo;
    return { ...d, room: undefined } as DemoState;
  });

Deno.test({
  ...opts,
  name:
    "browser: the demo page signs in, joins through TokenSource.endpoint; ListParticipants shows the token's identity",
  fn: async () => {
    stack = await startStack("direct");
    page = await stack.openDemo();
    roomName = await stack.signInAndJoin(page);
    assert(roomName.startsWith("avatar-"), roomName);
    const listed = await api("ListParticipants", { room: roomName });
    assertEquals(listed.status, 200, JSON.stringify(listed.body));
    const identities = listed.body.participants.map((p: { identity: string }) => p.identity);
    assert(identities.includes(USER_ID), `participants: ${identities}`);
    await stack.until("the local camera", async () => (await demoState(page!)).localCamera);
  },
});

Deno.test({
  ...opts,
  name:
    "avatar: the Tavus stand-in joins with the function's token (kind agent, publish_on_behalf) and the browser plays its video and audio",
  fn: async () => {
    assert(stack && page, "the browser test ran first");
    const conversation = [...stack.tavus.conversations.values()].find((c) =>
      roomOf(c.body) === roomName
    );
    assert(conversation, "a Tavus conversation was created for the room");
    const avatar = stack.avatars.get(conversation.conversation_id);
    assert(avatar, "the stand-in's avatar started");
    const joined = await avatar.waitFor((e) => e.event === "joined");
    assertEquals(joined.room, roomName);
    await avatar.waitFor((e) => e.event === "published");
    // The server enforces the grants: the avatar is in the room as an agent with its attribute.
    // The SDK reports a track published when the server accepted it; the participant record the
    // API reads may follow a moment later.
    let got = await api("GetParticipant", { room: roomName, identity: joined.identity });
    await stack.until("both avatar tracks on the server", async () => {
      got = await api("GetParticipant", { room: roomName, identity: joined.identity });
      return got.status === 200 && got.body.tracks?.length === 2;
    });
    assertEquals(got.status, 200, JSON.stringify(got.body));
    assertEquals(got.body.kind, "AGENT");
    assert(got.body.attributes?.["lk.publish_on_behalf"], JSON.stringify(got.body.attributes));
    assertEquals(
      got.body.tracks.map((t: { type?: string }) => t.type ?? "AUDIO").sort(),
      ["AUDIO", "VIDEO"],
    );
    await stack.until("the avatar's video and audio in the page", async () => {
      const s = await demoState(page!);
      return s.avatarVideo && s.avatarAudio;
    });
    // Frames are decoded: the video element has the avatar's size and counts frames.
    await stack.until("decoded avatar frames", () =>
      page!.evaluate<boolean>(`(() => {
        const v = document.getElementById("avatar-video");
        return !!v && v.videoWidth === 320 && v.getVideoPlaybackQuality().totalVideoFrames > 5;
      })()`));
    const s = await demoState(page);
    assertEquals(s.avatarIdentity, joined.identity);
    await page.screenshot({ path: `${ARTEFACTS}/joined.png` });
  },
});

Deno.test({
  ...opts,
  name:
    "leave: /end ends the conversation, deletes the room on the server and the browser is disconnected",
  fn: async () => {
    assert(stack && page, "the browser test ran first");
    const conversation = [...stack.tavus.conversations.values()].find((c) =>
      roomOf(c.body) === roomName
    )!;
    await page.click("#leave");
    await stack.until("the page to leave", async () => (await demoState(page!)).phase === "left");
    const s = await demoState(page);
    assertEquals(s.disconnectReason, "ROOM_DELETED");
    assertEquals(s.error, null);
    const rooms = await api("ListRooms", {});
    assertEquals(rooms.status, 200);
    assert(
      !(rooms.body.rooms ?? []).some((r: { name: string }) => r.name === roomName),
      "the room is gone",
    );
    // The room's deletion may reach the page before /end has answered: wait for the end call.
    await stack.until("the conversation to end", () => conversation.status === "ended");
    assertEquals(conversation.endCalls, 1);
    const avatar = stack.avatars.get(conversation.conversation_id)!;
    await stack.until("the avatar to leave", () => avatar.exited());
    await page.close();
    page = null;
  },
});

Deno.test({
  ...opts,
  name:
    "webhooks: the server's participant_joined/left and room_finished pass verification and end the session when the tab closes",
  fn: async () => {
    assert(stack, "the browser test ran first");
    const p = await stack.openDemo();
    const room = await stack.signInAndJoin(p);
    assert(room !== roomName, "a new session gets a new room");
    const conversation = [...stack.tavus.conversations.values()].find((c) =>
      roomOf(c.body) === room
    );
    assert(conversation, "a conversation for the new room");
    await stack.avatars.get(conversation.conversation_id)!.waitFor((e) => e.event === "published");
    await stack.until(
      "participant_joined for the user",
      () => stack!.deliveries.some((d) => d.event === "participant_joined" && d.room === room),
    );
    // The user goes away without Leave: the browser tab closes.
    await p.close();
    await stack.until(
      "room_finished",
      () => stack!.deliveries.some((d) => d.event === "room_finished" && d.room === room),
      45_000,
    );
    await stack.until("the conversation to end", () => conversation.status === "ended");
    const mine = stack.deliveries.filter((d) => d.room === room);
    const left = mine.find((d) => d.event === "participant_left" && d.identity === USER_ID);
    assert(left, `participant_left for the user: ${JSON.stringify(mine)}`);
    assertEquals(left.status, 200);
    assertEquals(left.answer.action, "ended", JSON.stringify(left.answer));
    for (const d of mine) assertEquals(d.status, 200, JSON.stringify(d));
    const events = new Set(mine.map((d) => d.event));
    for (const e of ["room_started", "participant_joined", "participant_left", "room_finished"]) {
      assert(events.has(e), `${e} delivered: ${[...events]}`);
    }
    assertEquals(conversation.endCalls, 1);
    const active = [...stack.tavus.conversations.values()].filter((c) => c.status === "active");
    assertEquals(active.map((c) => c.conversation_id), []);
    const avatar = stack.avatars.get(conversation.conversation_id)!;
    await stack.until("the avatar to leave", () => avatar.exited());
  },
});

Deno.test({
  ...opts,
  name: "errors: the page shows a clear message for a wrong password and for an unknown scenario",
  fn: async () => {
    assert(stack, "the browser test ran first");
    const p = await stack.openDemo("?scenario=no-such-scenario");
    await p.fill("#password", "not-the-password");
    await p.click("#signin-button");
    await p.waitForFunction(() =>
      (globalThis as unknown as { demo: DemoState }).demo.errorCode !== null
    );
    let s = await demoState(p);
    assertEquals(s.errorCode, "DEMO_SIGNIN_FAILED");
    assertEquals(await p.textContent("#error"), s.error);
    assert(s.error!.includes("check the email and password"), s.error!);
    assertEquals(await p.inputValue("#scenario"), "no-such-scenario");
    await p.fill("#password", "e2e-password");
    await p.click("#signin-button");
    await p.waitForFunction(() =>
      (globalThis as unknown as { demo: DemoState }).demo.phase === "signed_in"
    );
    await p.click("#join");
    await p.waitForFunction(() =>
      (globalThis as unknown as { demo: DemoState }).demo.errorCode !== null
    );
    s = await demoState(p);
    assertEquals([s.errorCode, s.phase], ["ERR_SCENARIO_NOT_FOUND", "signed_in"]);
    assert(s.error!.includes("does not exist or is switched off"), s.error!);
    await p.close();
  },
});

Deno.test({
  ...opts,
  name: "teardown: every process stops; the stand-ins saw no request off the documented API",
  fn: async () => {
    assert(stack, "the stack started");
    const problems = stack.problems();
    const leftover = [...stack.avatars.values()].filter((a) => !a.exited());
    await stack.close();
    assertEquals(problems, []);
    assertEquals(leftover.length, 0);
  },
});
