// Every function and class the package's modules export (js/src/**)
// carries JSDoc with an example: editors show it, and the package promises it.
import { assert } from "./assert.ts";

const root = new URL("../../js/src/", import.meta.url);

function* sources(dir: URL): Generator<URL> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) yield* sources(new URL(`${entry.name}/`, dir));
    else if (entry.name.endsWith(".ts")) yield new URL(entry.name, dir);
  }
}

Deno.test("every exported function and class has JSDoc with @example", () => {
  const missing: string[] = [];
  let count = 0;
  for (const file of sources(root)) {
    const text = Deno.readTextFileSync(file);
    const name = file.pathname.slice(root.pathname.length);
    for (const m of text.matchAll(/^export (?:async )?(?:function|class) (\w+)/gm)) {
      count++;
      // The comment that ends right before the declaration.
      const before = text.slice(0, m.index).trimEnd();
      const doc = before.endsWith("*/") ? before.slice(before.lastIndexOf("/**")) : "";
      if (!doc.includes("@example")) missing.push(`${name}: ${m[1]}`);
    }
  }
  assert(count > 20, `found only ${count} exports`);
  assert(missing.length === 0, `no JSDoc @example on: ${missing.join(", ")}`);
});
