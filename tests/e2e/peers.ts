/**
 * The end-to-end suite's Python peers (in .venv-e2e, installed by
 * scripts/setup.sh): the avatar that joins a room with the token Tavus is given
 * (tests/e2e/avatar.py, LiveKit's Python rtc SDK) and a livekit-agents worker
 * (tests/e2e/agent_worker.py). Each prints one JSON object per line; here they
 * are collected as events that tests wait for.
 */
import type { AvatarInRoom } from "../standins/tavus.ts";
import { captureSink } from "../deno/capture.ts";

const root = new URL("../..", import.meta.url).pathname;
const PYTHON = Deno.env.get("LTE_E2E_PYTHON") ?? `${root}.venv-e2e/bin/python`;

/** One line a peer printed. */
export type PeerEvent = { event: string } & Record<string, unknown>;

/** A running peer process. */
export interface Peer {
  events: PeerEvent[];
  /** Everything it printed on stderr. */
  stderr: () => string;
  /** Resolves with the first event (past or future) that matches, or throws after `timeoutMs`. */
  waitFor: (match: (e: PeerEvent) => boolean, timeoutMs?: number) => Promise<PeerEvent>;
  /** Whether it has exited. */
  exited: () => boolean;
  /** SIGTERM, SIGKILL after 5 s; resolves when it is gone. Idempotent. */
  stop: () => Promise<void>;
}

/** Starts `python <script> ...args` from the e2e virtualenv. */
export function startPeer(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Peer {
  const child = new Deno.Command(PYTHON, {
    args: ["-u", `${root}tests/e2e/${script}`, ...args],
    env: { ...env, PYTHONUNBUFFERED: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const capture = captureSink("served", `${script.replace(/\W/g, "_")}-${child.pid}.log`);
  const events: PeerEvent[] = [];
  const waiters: Array<() => void> = [];
  let err = "";
  let done = false;
  const decoder = new TextDecoder();
  const readOut = (async () => {
    let buf = "";
    for await (const chunk of child.stdout) {
      capture(chunk);
      buf += decoder.decode(chunk, { stream: true });
      let nl;
      while ((nl = buf.indexOf("\n")) !== -1) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        try {
          events.push(JSON.parse(line));
        } catch {
          // Not an event line.
        }
        for (const w of waiters.splice(0)) w();
      }
    }
  })();
  const readErr = (async () => {
    const d = new TextDecoder();
    for await (const chunk of child.stderr) {
      capture(chunk);
      err += d.decode(chunk, { stream: true });
    }
  })();
  const status = child.status.then((s) => {
    done = true;
    for (const w of waiters.splice(0)) w();
    return s;
  });
  let stopping: Promise<void> | null = null;
  return {
    events,
    stderr: () => err,
    exited: () => done,
    waitFor: async (match, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const found = events.find(match);
        if (found) return found;
        if (done) {
          throw new Error(`${script} exited without the event; stderr:\n${err.slice(-3000)}`);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `${script}: no matching event within ${timeoutMs} ms; events ${
              JSON.stringify(events)
            }; stderr:\n${err.slice(-3000)}`,
          );
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    stop: () =>
      stopping ??= (async () => {
        if (!done) {
          try {
            child.kill("SIGTERM");
          } catch {
            // Already gone.
          }
          const t = setTimeout(() => {
            try {
              child.kill("SIGKILL");
            } catch {
              // Already gone.
            }
          }, 5_000);
          await status;
          clearTimeout(t);
        }
        await Promise.all([readOut, readErr]);
      })(),
  };
}

/**
 * What Tavus does on "create conversation" in LiveKit mode, for the Tavus
 * stand-in's `joinRoom`: the avatar joins with the given token and publishes
 * synthetic video and audio. `avatars` collects every one started.
 */
export function pythonAvatars(): {
  joinRoom: (wsUrl: string, token: string, conversationId: string) => AvatarInRoom;
  avatars: Map<string, Peer>;
} {
  const avatars = new Map<string, Peer>();
  return {
    avatars,
    joinRoom: (wsUrl, token, conversationId) => {
      const peer = startPeer("avatar.py", [wsUrl, token]);
      avatars.set(conversationId, peer);
      return { leave: () => peer.stop() };
    },
  };
}
