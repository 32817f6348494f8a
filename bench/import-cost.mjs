// Import cost of the package's main entry next to livekit-server-sdk's, in one
// run: the module graph each import loads (files, raw bytes, gzip), then the
// time a fresh process takes to import it and to mint its first token, under
// Node, Deno and Bun (those present), the two libraries alternating run after
// run. Run on demand: `bash scripts/bench.sh import` (not a test).
// Environment: BENCH_IMPORT_RUNS (fresh processes per library and runtime,
// default 15); BENCH_EDGE_EXPERIMENT (another build of js/dist, e.g. with a
// smaller wasm, measured as a third contender in the same run).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const root = fileURLToPath(new URL("../", import.meta.url));
const tools = join(root, "tools/node_modules");
const experiment = process.env.BENCH_EDGE_EXPERIMENT;

// What a user's `import ... from "<name>"` loads: this package's main entry
// (package.json `exports["."]`, the built js/dist), and livekit-server-sdk by its
// name from tools/ (linked as the measuring directory's node_modules), which each
// runtime resolves to its ESM entry.
const SDK = "livekit-server-sdk";
const ENTRIES = {
  "livekit-tavus-edge": pathToFileURL(join(root, "js/dist/src/mod.js")).href,
  ...(experiment
    ? { "livekit-tavus-edge (experiment)": pathToFileURL(join(experiment, "src/mod.js")).href }
    : {}),
  [SDK]: "livekit-server-sdk",
};
const EDGES = Object.keys(ENTRIES).filter((name) => name !== SDK);

// ---------------------------------------------------------------------------
// Bytes: every file Node loads for the import (a module hook records them).
// ---------------------------------------------------------------------------

const work = mkdtempSync(join(os.tmpdir(), "import-cost-"));
symlinkSync(tools, join(work, "node_modules"));
// Deno resolves bare names from that node_modules when a deno.json asks for it.
writeFileSync(join(work, "deno.json"), '{ "nodeModulesDir": "manual" }');
const importer = join(work, "import.mjs");
writeFileSync(importer, "await import(process.env.GRAPH_ENTRY);\n");
const hooks = join(work, "hooks.mjs");
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith("file:")) appendFileSync(out, url + "\\n");
  return next(url, context);
}
`,
);
const register = join(work, "register.mjs");
writeFileSync(
  register,
  `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { out: process.env.GRAPH_OUT } });
`,
);

function graph(entry) {
  const out = join(work, `graph-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(out, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, importer], {
    encoding: "utf8",
    env: { ...process.env, GRAPH_OUT: out, GRAPH_ENTRY: entry },
  });
  if (r.status !== 0) throw new Error(`graph of ${entry}: ${r.stderr}`);
  const files = [...new Set(readFileSync(out, "utf8").split("\n").filter(Boolean))]
    .map((url) => fileURLToPath(url));
  let raw = 0;
  let gzip = 0;
  const all = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    all.push(bytes);
  }
  // As one bundle would ship it: every file in one gzip stream.
  const bundled = gzipSync(Buffer.concat(all), { level: 9 }).length;
  return { files: files.length, raw, gzip, bundled };
}

// ---------------------------------------------------------------------------
// Time: a fresh process imports the entry, then mints one token.
// ---------------------------------------------------------------------------

const child = join(work, "child.mjs");
writeFileSync(
  child,
  `const entry = process.argv[2];
const t0 = performance.now();
const lib = await import(entry);
const t1 = performance.now();
const at = new lib.AccessToken("APIbench1234", "a-benchmark-secret-of-forty-characters!!", {
  identity: "user-1234",
});
at.addGrant({ roomJoin: true, room: "lesson-42" });
const token = await at.toJwt();
const t2 = performance.now();
if (typeof token !== "string" || token.split(".").length !== 3) throw new Error("no token");
console.log(JSON.stringify({ importMs: t1 - t0, firstTokenMs: t2 - t0, sinceStartMs: t2 }));
`,
);

// `process` is a global in Node, Deno 2 and Bun; performance.now() counts from the process's start.
const RUNTIMES = [
  ["node", [process.execPath, child]],
  ["deno", ["deno", "run", "--quiet", "--allow-read", "--allow-env", child]],
  ["bun", ["bun", child]],
].filter(([name, [cmd]]) => {
  const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
  if (r.status !== 0) console.error(`${name}: not available, not measured`);
  return r.status === 0;
});

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function times() {
  const results = {};
  for (const [runtime, command] of RUNTIMES) {
    const samples = Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, entry] of Object.entries(ENTRIES)) {
        const r = spawnSync(command[0], [...command.slice(1), entry], {
          encoding: "utf8",
          cwd: work,
        });
        if (r.status !== 0) throw new Error(`${runtime} ${name}: ${r.stderr}`);
        samples[name].push(JSON.parse(r.stdout.trim().split("\n").pop()));
      }
    }
    results[runtime] = Object.fromEntries(
      Object.entries(samples).map(([name, list]) => [name, {
        importMs: median(list.map((s) => s.importMs)),
        firstTokenMs: median(list.map((s) => s.firstTokenMs)),
        sinceStartMs: median(list.map((s) => s.sinceStartMs)),
      }]),
    );
  }
  return results;
}

try {
  const bytes = Object.fromEntries(
    Object.entries(ENTRIES).map(([name, entry]) => [name, graph(entry)]),
  );
  const timed = times();

  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  const ms = (n) => n.toFixed(1);
  const ratio = (a, b) => (a / b).toFixed(2);
  const out = [];
  out.push(
    `Node ${process.version}, ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} cores), ` +
      `load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, ${new Date().toISOString()}` +
      (experiment ? `; experiment: ${experiment}` : ""),
  );
  out.push("");
  out.push(
    "| module graph of the main entry | files | raw | gzip -9 per file | gzip -9 as one bundle |",
  );
  out.push("|---|--:|--:|--:|--:|");
  for (const name of Object.keys(ENTRIES)) {
    const b = bytes[name];
    out.push(`| ${name} | ${b.files} | ${kb(b.raw)} | ${kb(b.gzip)} | ${kb(b.bundled)} |`);
  }
  for (const edge of EDGES) {
    out.push(
      `| ratio ${edge} / sdk | | ${ratio(bytes[edge].raw, bytes[SDK].raw)} | ${
        ratio(bytes[edge].gzip, bytes[SDK].gzip)
      } | ${ratio(bytes[edge].bundled, bytes[SDK].bundled)} |`,
    );
  }
  out.push("");
  out.push(
    `| fresh process, ms (median of ${RUNS}) | import | import + first token | since process start |`,
  );
  out.push("|---|--:|--:|--:|");
  for (const [runtime, r] of Object.entries(timed)) {
    for (const name of Object.keys(ENTRIES)) {
      const t = r[name];
      out.push(
        `| ${runtime}: ${name} | ${ms(t.importMs)} | ${ms(t.firstTokenMs)} | ${
          ms(t.sinceStartMs)
        } |`,
      );
    }
    for (const edge of EDGES) {
      out.push(
        `| ${runtime}: ratio ${edge} / sdk | ${ratio(r[edge].importMs, r[SDK].importMs)} | ${
          ratio(r[edge].firstTokenMs, r[SDK].firstTokenMs)
        } | ${ratio(r[edge].sinceStartMs, r[SDK].sinceStartMs)} |`,
      );
    }
  }
  console.log(out.join("\n"));
} finally {
  rmSync(work, { recursive: true, force: true });
}
