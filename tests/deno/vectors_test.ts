// Every case of tests/vectors/*.json through the JS API (js/src), with the same
// expected results and error codes as the Rust suite. The runner is shared with
// the packed-tarball checks (tests/package/check.mjs).
import * as main from "livekit-tavus-edge";
import * as avatar from "livekit-tavus-edge/avatar";
import { KINDS, runCase } from "../package/vectors.mjs";
import { assert } from "./assert.ts";

// The token core and the avatar helpers (Supabase JWT vectors) together.
const api = { ...main, ...avatar };
const dir = new URL("../vectors/", import.meta.url);
const files = [...Deno.readDirSync(dir)]
  .filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name)
  .sort();

Deno.test("the vector files exist and use only known kinds", () => {
  assert(files.length > 0, "no tests/vectors/*.json");
  for (const file of files) {
    const { cases } = JSON.parse(Deno.readTextFileSync(new URL(file, dir)));
    assert(Array.isArray(cases) && cases.length > 0, `${file} has no cases`);
    for (const c of cases) assert(KINDS.includes(c.kind), `${file}: unknown kind ${c.kind}`);
  }
});

for (const file of files) {
  const { cases } = JSON.parse(Deno.readTextFileSync(new URL(file, dir)));
  for (const c of cases) {
    Deno.test(`vector ${file}: ${c.name}`, async () => {
      const failure = await runCase(api, c);
      assert(failure === null, `${c.kind}: ${failure}`);
    });
  }
}
