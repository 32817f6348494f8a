// The JS `ErrorCode` union (js/src/errors.ts) must list exactly the codes that
// Rust's `Error::code` (src/error.rs) returns, so the two cannot drift apart.
import { assert, assertEquals } from "./assert.ts";

const root = new URL("../../", import.meta.url);

function rustCodes(): string[] {
  const src = Deno.readTextFileSync(new URL("src/error.rs", root));
  const start = src.indexOf("pub fn code(&self)");
  assert(start >= 0, "src/error.rs has no `pub fn code(&self)`");
  // The body of `code`: up to the first line that closes the function.
  const body = src.slice(start, src.indexOf("\n    }\n", start));
  return [...body.matchAll(/=>\s*"(ERR_[A-Z0-9_]+)"/g)].map((m) => m[1]!);
}

function tsCodes(): string[] {
  const src = Deno.readTextFileSync(new URL("js/src/errors.ts", root));
  const start = src.indexOf("export type ErrorCode =");
  assert(start >= 0, "js/src/errors.ts has no `export type ErrorCode =`");
  const body = src.slice(start, src.indexOf(";", start));
  return [...body.matchAll(/"(ERR_[A-Z0-9_]+)"/g)].map((m) => m[1]!);
}

Deno.test("ErrorCode lists exactly the codes of Rust's Error::code", () => {
  const rust = rustCodes();
  const ts = tsCodes();
  assert(rust.length >= 10, `found only ${rust.length} codes in src/error.rs`);
  assertEquals(new Set(ts).size, ts.length, "ErrorCode repeats a code");
  assertEquals([...new Set(rust)].sort(), [...ts].sort());
});
