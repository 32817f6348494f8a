// Runs in the clean Node project where the packed tarball was installed (see
// scripts/test-package.sh): records every file each entry point of the package
// loads (a module hook) and checks that the main entry is the token core only:
// none of the avatar helpers' modules (settings, Supabase auth, scenarios,
// Tavus) nor the doctor come with it, while `livekit-tavus-edge/avatar` and
// `livekit-tavus-edge/doctor` resolve through package.json `exports`, share the
// main entry's core, and every `exports` target is in the package.
// Prints `graph: N passed, N failed`. Usage: node graph.mjs
import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on("message", (url) => loaded.push(url));
port1.unref();
const hooks = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) {
  if (url.startsWith("file:")) port.postMessage(url);
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { port: port2 },
  transferList: [port2],
});

let passed = 0;
let failed = 0;
function check(name, failure) {
  if (failure) {
    failed++;
    console.log(`FAIL ${name}: ${failure}`);
  } else {
    passed++;
  }
}

/** The package's files an import loaded, relative to the package root. */
async function filesOf(specifier) {
  loaded.length = 0;
  const module = await import(specifier);
  // The hook thread's messages arrive asynchronously: let them in.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const marker = "/node_modules/livekit-tavus-edge/";
  const files = loaded
    .map((url) => fileURLToPath(url))
    .filter((path) => path.includes(marker))
    .map((path) => path.slice(path.indexOf(marker) + marker.length));
  return { module, files };
}

const AVATAR_MODULES = ["config.js", "supabase_auth.js", "scenario.js", "tavus.js", "avatar.js"];

const main = await filesOf("livekit-tavus-edge");
check(
  "the main entry loads the token core",
  ["dist/src/mod.js", "dist/src/token.js", "dist/src/sdk.js", "dist/src/core.js"]
    .filter((f) => !main.files.includes(f))
    .map((f) => `${f} not loaded`)
    .join(", "),
);
check(
  "the main entry loads none of the avatar helpers, nor the doctor",
  main.files
    .filter((f) =>
      AVATAR_MODULES.some((m) => f === `dist/src/${m}`) || f.startsWith("dist/src/doctor/")
    )
    .join(", "),
);

const avatar = await filesOf("livekit-tavus-edge/avatar");
check(
  "livekit-tavus-edge/avatar loads the helpers and shares the main entry's core",
  // Imported after the main entry: a second wasm module would show as new dist/gen/ files.
  avatar.files.includes("dist/src/config.js") &&
    !avatar.files.some((f) => f.startsWith("dist/gen/"))
    ? null
    : `loaded ${avatar.files.join(", ")}`,
);
check(
  "livekit-tavus-edge/avatar exports the helpers",
  typeof avatar.module.validateConfig === "function" ? null : "no validateConfig",
);

const doctor = await filesOf("livekit-tavus-edge/doctor");
check(
  "livekit-tavus-edge/doctor resolves",
  typeof doctor.module.runDoctor === "function" ? null : "no runDoctor",
);

const root = join(process.cwd(), "node_modules/livekit-tavus-edge");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const targets = Object.values(manifest.exports).flatMap((t) =>
  typeof t === "string" ? [t] : Object.values(t)
);
check(
  "every exports, main, types and bin target is in the package",
  [...targets, manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})]
    .filter((t) => !existsSync(join(root, t)))
    .join(", "),
);
check(
  "every exports entry but package.json has types before default",
  Object.entries(manifest.exports)
    .filter(([key, t]) =>
      key !== "./package.json" &&
      (typeof t !== "object" || Object.keys(t).join() !== "types,default")
    )
    .map(([key]) => key)
    .join(", "),
);

console.log(`graph: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
