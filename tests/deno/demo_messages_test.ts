// The demo page (demo/) has a sentence for every code livekit-token can answer with: each code
// the status table of docs/http-api.md names, and every ERR_AUTH_* / ERR_SCENARIO_* code of the
// package's ErrorCode union (the table names those by pattern).
import { MESSAGES } from "../../demo/messages.js";
import { ERROR_STATUS } from "../../js/src/generated.ts";
import { assert, assertEquals } from "./assert.ts";

const root = new URL("../../", import.meta.url);

/** Codes a caller of livekit-token can get; webhook, callback and reconcile codes are not theirs. */
function tokenRouteCodes(): string[] {
  const doc = Deno.readTextFileSync(new URL("docs/http-api.md", root));
  const start = doc.indexOf("HTTP statuses of the avatar flow");
  assert(start >= 0, "docs/http-api.md has no status table");
  const table = doc.slice(start, doc.indexOf("\n\n", doc.indexOf("| status", start)));
  const listed = [...table.matchAll(/`(ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]!);
  const patterned = Object.keys(ERROR_STATUS).filter((c) => /^ERR_(AUTH|SCENARIO)_/.test(c));
  return [...new Set([...listed, ...patterned])]
    .filter((c) => !/^ERR_(WEBHOOK|TOKEN)_/.test(c))
    .filter((c) => !["ERR_TAVUS_BAD_CALLBACK", "ERR_AUTH_SERVICE_ROLE_REQUIRED"].includes(c))
    .sort();
}

Deno.test("the demo page has a message for every code livekit-token answers with", () => {
  const codes = tokenRouteCodes();
  assert(codes.length > 40, `only ${codes.length} codes found`);
  assertEquals(codes.filter((c) => !(c in MESSAGES)), []);
  for (const [code, text] of Object.entries(MESSAGES)) {
    assert(/^(ERR|DEMO)_[A-Z0-9_]+$/.test(code), code);
    assert(text.length > 10 && !text.includes("undefined"), `${code}: ${text}`);
  }
});
