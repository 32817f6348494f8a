// Checks that tests/package/sdk-readme/*.js are livekit-server-sdk's README
// examples as they are: each file, with its import line turned back to
// 'livekit-server-sdk', must be one of the README's ```typescript blocks.
// Prints `readme-source: N passed, N failed`.
// Usage: node readme_source.mjs <examples dir> <livekit-server-sdk README.md>
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const [examplesDir, readmePath] = process.argv.slice(2);
const readme = readFileSync(readmePath, "utf8");
const blocks = [...readme.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);
let passed = 0;
let failed = 0;
for (const file of readdirSync(examplesDir).filter((f) => f.endsWith(".js")).sort()) {
  const text = readFileSync(join(examplesDir, file), "utf8");
  const original = text.replaceAll("from 'livekit-tavus-edge';", "from 'livekit-server-sdk';");
  const changed = text.split("\n").filter((line, i) => line !== original.split("\n")[i]);
  if (!blocks.includes(original)) {
    failed++;
    console.log(`FAIL ${file}: not a code block of ${readmePath} (the README changed?)`);
  } else if (!changed.every((line) => /^import .* from 'livekit-tavus-edge';$/.test(line))) {
    failed++;
    console.log(`FAIL ${file}: changes other than the import line`);
  } else {
    passed++;
  }
}
console.log(`readme-source: ${passed} passed, ${failed} failed`);
process.exitCode = failed || passed === 0 ? 1 : 0;
