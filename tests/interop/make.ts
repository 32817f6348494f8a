// Mints tokens and signs webhooks through this package's JS API (the real wasm)
// and writes them, with what this package decodes from them, to <dir>/ours.json.
// The Node and Python SDKs then check them (node_check.mjs, py_check.py).
import {
  createAccessToken,
  receiveWebhook,
  serverApiRequest,
  signWebhook,
  verifyAccessToken,
} from "livekit-tavus-edge";
import { KEY, SECRET, TOKENS, WEBHOOKS } from "./cases.ts";

const dir = Deno.args[0];
if (!dir) throw new Error("usage: make.ts <dir>");

const keys = { [KEY]: SECRET };
const tokens = Object.entries(TOKENS).map(([name, options]) => {
  const token = createAccessToken(KEY, SECRET, options);
  return { name, token, key: KEY, secret: SECRET, claims: verifyAccessToken(token, keys) };
});
// A development secret (shorter than 32 bytes) works with every SDK too.
const dev = createAccessToken("devkey", "secret", { identity: "dev", video: { roomJoin: true } });
tokens.push({
  name: "development key and short secret",
  token: dev,
  key: "devkey",
  secret: "secret",
  claims: verifyAccessToken(dev, { devkey: "secret" }),
});
for (const method of ["ListRooms", "CreateRoom", "MoveParticipant"] as const) {
  const req = serverApiRequest(method, "wss://example.livekit.cloud", KEY, SECRET, {
    name: "r",
    room: "r",
    identity: "i",
    destinationRoom: "r2",
  });
  const token = req.headers.Authorization.slice("Bearer ".length);
  tokens.push({
    name: `serverApiRequest ${method}`,
    token,
    key: KEY,
    secret: SECRET,
    claims: verifyAccessToken(token, keys),
  });
}

const webhooks = Object.entries(WEBHOOKS).map(([name, event]) => {
  const body = JSON.stringify(event);
  const authorization = signWebhook(body, KEY, SECRET);
  return {
    name,
    body,
    authorization,
    key: KEY,
    secret: SECRET,
    event: receiveWebhook(body, authorization, keys),
  };
});

await Deno.writeTextFile(`${dir}/ours.json`, JSON.stringify({ tokens, webhooks }, null, 2));
console.log(`made ${tokens.length} tokens and ${webhooks.length} webhooks`);
