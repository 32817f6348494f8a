// The error codes are one list, in the Rust core (src/error.rs); `js/src/generated.ts` is
// written from it by `cargo test`, which also fails when the file is out of date. Here,
// without reading any Rust: the list is well formed, every code the package throws for bad
// input is in it with its status, and the documentation names every code.
import {
  createAccessToken,
  EdgeError,
  ERROR_STATUS,
  parseTtl,
  receiveWebhook,
  serverApiRequest,
  verifyAccessToken,
} from "livekit-tavus-edge";
import { validateScenario } from "livekit-tavus-edge/avatar";
import { assert, assertEquals } from "./assert.ts";

const codes = Object.keys(ERROR_STATUS);

Deno.test("ERROR_STATUS: every code once, ERR_ names, an HTTP error status each", () => {
  assert(codes.length >= 60, `only ${codes.length} codes`);
  assertEquals(new Set(codes).size, codes.length);
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    assert(/^ERR_[A-Z0-9_]+$/.test(code), code);
    assert(status >= 400 && status <= 599, `${code}: ${status}`);
  }
});

Deno.test("what the package throws is in the list, with the list's status", () => {
  const thrown: EdgeError[] = [];
  const attempt = (f: () => unknown) => {
    try {
      f();
      throw new Error("no error thrown");
    } catch (e) {
      assert(e instanceof EdgeError, `not an EdgeError: ${e}`);
      thrown.push(e);
    }
  };
  attempt(() => createAccessToken("", "secret"));
  attempt(() => createAccessToken("k", "secret", { ttl: 0 }));
  attempt(() => createAccessToken("k", "secret", { video: { canpublish: true } as never }));
  attempt(() => createAccessToken("k", "secret", { video: { roomJoin: true } }));
  attempt(() => parseTtl("soon"));
  attempt(() => verifyAccessToken("a.b", { k: "s" }));
  attempt(() => verifyAccessToken("eyJhbGciOiJub25lIn0.e30.", { k: "s" }));
  attempt(() => receiveWebhook("{}", null, { k: "s" }));
  attempt(() => serverApiRequest("DropTables" as never, "wss://x", "k", "s"));
  attempt(() => validateScenario({} as never));
  assert(thrown.length === 10);
  for (const e of thrown) {
    assert(e.code in ERROR_STATUS, `${e.code} is not in ERROR_STATUS`);
    assertEquals(e.status, ERROR_STATUS[e.code], e.code);
  }
});

Deno.test("the documentation names every code", () => {
  const root = new URL("../../", import.meta.url);
  const docs = [...Deno.readDirSync(new URL("docs/", root))]
    .filter((e) => e.name.endsWith(".md"))
    .map((e) => Deno.readTextFileSync(new URL(`docs/${e.name}`, root)))
    .concat(Deno.readTextFileSync(new URL("README.md", root)))
    .join("\n");
  // Families are documented as `ERR_SCENARIO_ID` / `_DISPLAY_NAME` / …: accept the suffix form.
  const missing = codes.filter((c) => {
    if (docs.includes(c)) return false;
    const family = c.split("_").slice(0, 2).join("_");
    return !(docs.includes(family) && docs.includes(c.slice(family.length)));
  });
  assertEquals(missing, [], "codes the documentation does not name");
});
