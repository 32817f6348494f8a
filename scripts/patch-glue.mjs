// Passes strings into wasm with the engine's `TextEncoder.encodeInto` instead of
// wasm-bindgen's character-by-character copy of their ASCII prefix: under Node 20
// that loop costs about 2 ns a character (0.9 µs for a mint's 450-character
// options, 1.5 µs for a token), encodeInto about 60 ns in all (BENCHMARKS.md).
// Same bytes, same allocations. Fails the build when the generated glue (of the
// pinned wasm-bindgen) does not have the loop exactly once.
// Usage: node scripts/patch-glue.mjs <livekit_tavus_edge.js>
import { readFileSync, writeFileSync } from "node:fs";

const [file] = process.argv.slice(2);
const glue = readFileSync(file, "utf8");
const loop = `    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }`;
const encodeInto = `    // patched by scripts/patch-glue.mjs: the engine's encodeInto, not a loop.
    const first = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);`;
const at = glue.indexOf(loop);
if (at < 0 || glue.indexOf(loop, at + 1) >= 0) {
  console.error(`patch-glue: wasm-bindgen's string loop not found exactly once in ${file}`);
  process.exit(1);
}
writeFileSync(file, glue.slice(0, at) + encodeInto + glue.slice(at + loop.length));
