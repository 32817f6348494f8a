// This package (JS API, real wasm) verifies what the Node and Python SDKs minted
// (<dir>/node.json, <dir>/py.json): tokens with identical claims, webhooks with
// identical events. Prints one `ok <name>` / `FAIL <name>: <why>` line per check.
import { receiveWebhook, verifyAccessToken } from "livekit-tavus-edge";

const dir = Deno.args[0];
if (!dir) throw new Error("usage: check.ts <dir>");

interface Made {
  tokens: { name: string; token: string; key: string; secret: string; payload: unknown }[];
  webhooks: {
    name: string;
    body: string;
    authorization: string;
    key: string;
    secret: string;
    event: unknown;
  }[];
}

function canonical(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) =>
      x && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
        : x,
  );
}

/** Drops protobuf default values, which the SDKs' JSON leaves out. */
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const c = canon(x);
      const empty = c === 0 || c === "" || c === false || c === "0" ||
        (Array.isArray(c) && c.length === 0) ||
        (c !== null && typeof c === "object" && !Array.isArray(c) && Object.keys(c).length === 0);
      if (!empty) out[k] = c;
    }
    return out;
  }
  return v;
}

function check(name: string, f: () => string) {
  let why: string;
  try {
    why = f();
  } catch (e) {
    why = `${(e as { code?: string }).code ?? ""} ${(e as Error).message}`;
  }
  console.log(why ? `FAIL ${name}: ${why}` : `ok ${name}`);
}

for (const sdk of ["node", "py"]) {
  const made: Made = JSON.parse(await Deno.readTextFile(`${dir}/${sdk}.json`));
  const label = sdk === "py" ? "python" : "node";
  for (const t of made.tokens) {
    check(`we verify ${label}'s "${t.name}" with identical claims`, () => {
      const claims = verifyAccessToken(t.token, { [t.key]: t.secret });
      return canonical(claims) === canonical(t.payload)
        ? ""
        : `got ${canonical(claims)}, ${label} wrote ${canonical(t.payload)}`;
    });
  }
  for (const w of made.webhooks) {
    check(`we receive ${label}'s ${w.name} webhook with an identical event`, () => {
      const event = receiveWebhook(w.body, w.authorization, { [w.key]: w.secret });
      return canonical(canon(event)) === canonical(w.event)
        ? ""
        : `got ${canonical(canon(event))}, ${label} decoded ${canonical(w.event)}`;
    });
    check(`we refuse ${label}'s ${w.name} webhook with one changed byte`, () => {
      try {
        receiveWebhook(w.body.replace("e", "E"), w.authorization, { [w.key]: w.secret });
        return "accepted";
      } catch (e) {
        const code = (e as { code?: string }).code;
        return code === "ERR_WEBHOOK_HASH_MISMATCH" ? "" : `wrong code ${code}`;
      }
    });
  }
}
