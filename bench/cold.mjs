// A fresh process: import a library and mint one token; prints the times (ms).
// Usage: node bench/cold.mjs edge|sdk, or deno run -A bench/cold.mjs edge|sdk
// (run by bench/bench.mjs).
import process from "node:process";

const start = performance.now();
if (process.argv[2] === "edge") {
  const { createAccessToken } = await import("../js/dist/src/mod.js");
  createAccessToken("APIbench1234", "a-benchmark-secret-of-forty-characters!!", {
    identity: "user-1234",
    video: { roomJoin: true, room: "lesson-42" },
  });
} else {
  const sdk = typeof globalThis.Deno !== "undefined"
    ? "livekit-server-sdk"
    : new URL("../tools/node_modules/livekit-server-sdk/dist/index.js", import.meta.url).href;
  const { AccessToken } = await import(sdk);
  const at = new AccessToken("APIbench1234", "a-benchmark-secret-of-forty-characters!!", {
    identity: "user-1234",
  });
  at.addGrant({ roomJoin: true, room: "lesson-42" });
  await at.toJwt();
}
const end = performance.now();
// performance.now() counts from the process's start (its time origin).
console.log(JSON.stringify({ importAndMint: end - start, sinceStart: end }));
