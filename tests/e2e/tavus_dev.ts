/**
 * The Tavus stand-in for local development (scripts/serve.sh with SERVE_FAKE_TAVUS=1): answers
 * Tavus' API on a fixed loopback port and, like Tavus, joins each conversation's LiveKit room with
 * the token it was given, publishing a synthetic avatar (tests/e2e/avatar.py), so the demo page
 * shows an avatar without a Tavus account. Prints `ready` when up; stops on SIGINT/SIGTERM.
 *
 *   deno run -A tests/e2e/tavus_dev.ts --port 54322
 */
import { startTavus } from "../standins/tavus.ts";
import { pythonAvatars } from "./peers.ts";

const i = Deno.args.indexOf("--port");
const port = i === -1 ? 54322 : Number(Deno.args[i + 1]);
const { joinRoom, avatars } = pythonAvatars();
const tavus = startTavus({ joinRoom, apiKey: Deno.env.get("TAVUS_API_KEY") });
// The stand-in listens on a free port; the fixed one passes requests on to it.
const front = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  const res = await fetch(`${tavus.url}${url.pathname}${url.search}`, {
    method: req.method,
    headers: req.headers,
    body: req.body,
  });
  return new Response(res.body, { status: res.status, headers: res.headers });
});
console.log(`Tavus stand-in at http://127.0.0.1:${port} ready`);
const stop = async () => {
  await Promise.all([...avatars.values()].map((a) => a.stop()));
  await front.shutdown();
  await tavus.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
