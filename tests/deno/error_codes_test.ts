// The error codes are one list, in the Rust core (src/error.rs: the core's own `CODES`, the
// functions' `FUNCTION_CODES`, the reports' `REPORT_CODES`); `js/src/generated.ts` is written
// from it by `cargo test`, which also fails when the file is out of date, and the functions'
// HttpError takes no other code (deno check). Here, without reading any Rust: the list is well
// formed, every code the package throws for bad input is in it with its status, the
// documentation names every code and no other, and its status table agrees with the list.
import {
  createAccessToken,
  EdgeError,
  ERROR_STATUS,
  parseTtl,
  receiveWebhook,
  serverApiRequest,
  verifyAccessToken,
} from "livekit-tavus-edge";
import { FUNCTION_ERROR_STATUS, REPORT_CODES, validateScenario } from "livekit-tavus-edge/avatar";
import { assert, assertEquals } from "./assert.ts";

const codes = Object.keys(ERROR_STATUS);
/** Every code of the project: the core's, the functions' and the reports'. */
const everyCode = [...codes, ...Object.keys(FUNCTION_ERROR_STATUS), ...REPORT_CODES];
const root = new URL("../../", import.meta.url);
/** The documentation: README.md, SECURITY.md, docs/*.md, the package's and the demo's READMEs. */
const docs = [...Deno.readDirSync(new URL("docs/", root))]
  .filter((e) => e.name.endsWith(".md"))
  .map((e) => `docs/${e.name}`)
  .concat(["README.md", "SECURITY.md", "js/README.md", "demo/README.md"])
  .map((path) => ({ path, text: Deno.readTextFileSync(new URL(path, root)) }));

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

Deno.test("the lists do not overlap, and the functions' statuses are HTTP error statuses", () => {
  assertEquals(new Set(everyCode).size, everyCode.length, "a code in two lists");
  for (const [code, status] of Object.entries(FUNCTION_ERROR_STATUS)) {
    assert(/^ERR_[A-Z0-9_]+$/.test(code), code);
    assert(status >= 400 && status <= 599, `${code}: ${status}`);
  }
});

Deno.test("the documentation names every code", () => {
  const text = docs.map((d) => d.text).join("\n");
  // The scenario family is documented as `ERR_SCENARIO_ID` / `_DISPLAY_NAME` / …:
  // its members may be named by their suffix, in backticks. Every other code in full.
  const missing = everyCode.filter((c) =>
    !text.includes(c) &&
    !(c.startsWith("ERR_SCENARIO_") && text.includes(`\`${c.slice("ERR_SCENARIO".length)}\``))
  );
  assertEquals(missing, [], "codes the documentation does not name");
});

Deno.test("every code the documentation names is one of the project's", () => {
  const known = new Set<string>([...everyCode, "ERR_KEY_WEAK_SECRET"]);
  const unknown: string[] = [];
  for (const { path, text } of docs) {
    text.split("\n").forEach((line, i) => {
      // jose's own codes, named where the package README compares the two.
      if (/\bjose's\b/.test(line)) return;
      for (const [code] of line.matchAll(/\bERR_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!known.has(code)) unknown.push(`${path}:${i + 1}: ${code}`);
      }
    });
  }
  assertEquals(
    unknown,
    [],
    "codes the lists do not have (a typo, or a code to add to src/error.rs)",
  );
});

Deno.test("docs/http-api.md's status table agrees with the lists", () => {
  const doc = docs.find((d) => d.path === "docs/http-api.md")!.text;
  const start = doc.indexOf("| status ", doc.indexOf("HTTP statuses of the avatar flow"));
  assert(start >= 0, "no status table");
  const table = doc.slice(start, doc.indexOf("\n\n", start)).split("\n").slice(2);
  const status: Record<string, number> = { ...ERROR_STATUS, ...FUNCTION_ERROR_STATUS };
  let checked = 0;
  const wrong: string[] = [];
  for (const row of table) {
    const [, cell, list] = row.split("|").map((c) => c.trim());
    const statuses = cell!.split("/").map((c) => Number(c.trim()));
    // A row of several statuses lists one code group per status, in order (`A` / `B` / `C`).
    const groups = statuses.length > 1 ? list!.split(" / ") : [list!];
    assertEquals(groups.length, statuses.length, row);
    groups.forEach((group, i) => {
      for (const [, code] of group.matchAll(/`(ERR_[A-Z0-9_]+)`/g)) {
        // Stored scenario rows answer 500 with the validator's code (400 for a request).
        if (statuses[i] === 500 && code!.startsWith("ERR_SCENARIO_")) continue;
        checked++;
        if (status[code!] !== statuses[i]) {
          wrong.push(`${code}: ${statuses[i]} vs ${status[code!]}`);
        }
      }
    });
  }
  assert(checked > 40, `only ${checked} codes in the table`);
  assertEquals(wrong, [], "the table's status differs from the list's");
});
