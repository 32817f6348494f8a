/**
 * The offline checks of `scripts/deploy.sh`, run before anything is sent to Supabase:
 *
 *   deno run --allow-read --allow-env scripts/deploy-check.ts --project-ref REF --env-file FILE
 *
 * - the project ref is one (20 lower-case letters);
 * - the env file reads, names no variable Supabase refuses (`SUPABASE_…`) and, together with what
 *   Supabase sets in a deployed function (URL, keys), passes the core's settings validation with
 *   no error (warnings are printed);
 * - every function folder has an entry in supabase/config.toml and back, each entry's entrypoint
 *   and import map exist, and every path an import map names is there (the vendored package is
 *   built and git-ignored, so a deploy from a clean checkout must build first);
 *   (`--build-pending`: the deploy builds first, so a missing vendored file is not an error);
 * - migration file names are `<14 digits>_<name>.sql`, in order, without a duplicate version.
 * Prints one line per check and exits 1 on the first run with a failure. Never prints a value.
 */
import { parseSettings } from "../js/src/config.ts";
import { parseEnvFile } from "../js/src/doctor/envfile.ts";

const root = new URL("../", import.meta.url);
const args = Deno.args;
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

let failures = 0;
const ok = (what: string) => console.log(`ok    ${what}`);
const warn = (what: string) => console.log(`warn  ${what}`);
const fail = (what: string) => {
  failures++;
  console.log(`FAIL  ${what}`);
};
const exists = (path: string | URL) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

// Project ref.
const ref = arg("--project-ref") ?? "";
if (/^[a-z]{20}$/.test(ref)) ok(`project ref ${ref}`);
else {fail(
    "--project-ref must be the project's ref: 20 lower-case letters (from its dashboard URL)",
  );}

// Env file.
const envPath = arg("--env-file") ?? "";
let env: Record<string, string> = {};
try {
  const parsed = parseEnvFile(Deno.readTextFileSync(envPath));
  env = parsed.values;
  for (const e of parsed.errors) fail(`${envPath}:${e.line}: ${e.message}`);
  ok(`${envPath}: ${Object.keys(env).length} variables`);
} catch (e) {
  fail(`cannot read the env file ${envPath || "(none given)"}: ${(e as Error).name}`);
}
const refused = Object.keys(env).filter((k) => k.startsWith("SUPABASE_"));
if (refused.length) {
  fail(
    `${envPath}: Supabase refuses secrets named SUPABASE_… and sets them itself: ${
      refused.join(", ")
    }`,
  );
}
// What a deployed function also sees: Supabase sets these (placeholders: only their shape counts).
const deployed = {
  ...env,
  SUPABASE_URL: `https://${ref || "projectref"}.supabase.co`,
  SUPABASE_SECRET_KEYS: JSON.stringify({ default: "sb_secret_placeholder" }),
  SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: "sb_publishable_placeholder" }),
};
const { report } = parseSettings(deployed);
for (const p of report.problems) {
  const line = `settings: ${p.variable} ${p.code}: ${p.message} (${p.fix})`;
  if (p.severity === "error") fail(line);
  else warn(line);
}
if (!report.problems.some((p) => p.severity === "error")) {
  ok(
    `settings: LiveKit ${report.livekit_configured ? "configured" : "missing"}, Tavus ${
      report.tavus_configured ? "configured" : "dry-run"
    }, database and auth from the project`,
  );
}

// Functions and config.toml.
const config = Deno.readTextFileSync(new URL("supabase/config.toml", root));
const sections = new Map<string, Record<string, string>>();
let current: Record<string, string> | null = null;
for (const line of config.split("\n")) {
  const head = line.match(/^\[functions\.([A-Za-z0-9_-]+)\]\s*$/);
  if (head) {
    current = {};
    sections.set(head[1]!, current);
    continue;
  }
  if (/^\[/.test(line)) current = null;
  const kv = line.match(/^([a-z_]+)\s*=\s*(.+?)\s*$/);
  if (current && kv) current[kv[1]!] = kv[2]!.replace(/^"(.*)"$/, "$1");
}
const dirs = [...Deno.readDirSync(new URL("supabase/functions/", root))]
  .filter((e) => e.isDirectory && !e.name.startsWith("_") && !e.name.startsWith("."))
  .map((e) => e.name).sort();
for (const d of dirs) {
  if (!sections.has(d)) {
    fail(`supabase/functions/${d} has no [functions.${d}] in supabase/config.toml`);
  }
}
// --build-pending: the deploy builds first, so the vendored package may not exist yet.
const buildPending = args.includes("--build-pending");
for (const [name, s] of sections) {
  const base = new URL("supabase/", root);
  const problems: string[] = [];
  let pending = 0;
  if (s.verify_jwt !== "false") {
    problems.push("verify_jwt must be false (the function checks its callers itself)");
  }
  for (const key of ["entrypoint", "import_map"]) {
    if (!s[key]) problems.push(`no ${key}`);
    else if (!exists(new URL(s[key]!, base))) problems.push(`${key} ${s[key]} is missing`);
  }
  if (s.import_map && exists(new URL(s.import_map, base))) {
    const mapUrl = new URL(s.import_map, base);
    const imports = (JSON.parse(Deno.readTextFileSync(mapUrl)).imports ?? {}) as Record<
      string,
      string
    >;
    for (const [spec, target] of Object.entries(imports)) {
      if (/^(npm|jsr|https?):/.test(target)) continue;
      if (!exists(new URL(target, mapUrl))) {
        if (buildPending && target.includes("/_shared/vendor/")) pending++;
        else problems.push(`${spec} → ${target} is missing (run bash scripts/build.sh)`);
      }
    }
  }
  if (problems.length) fail(`function ${name}: ${problems.join("; ")}`);
  else {
    ok(
      `function ${name}: ${s.entrypoint}, verify_jwt = false, import map targets ${
        pending ? `present but ${pending} made by the build step` : "present"
      }`,
    );
  }
}

// Migrations.
const migrations = [...Deno.readDirSync(new URL("supabase/migrations/", root))]
  .map((e) => e.name).filter((n) => n.endsWith(".sql")).sort();
const bad = migrations.filter((n) => !/^\d{14}_[a-z0-9_]+\.sql$/.test(n));
const versions = migrations.map((n) => n.slice(0, 14));
const dup = versions.filter((v, i) => versions.indexOf(v) !== i);
if (bad.length || dup.length) {
  fail(
    `migrations: ${
      [
        ...bad.map((n) => `bad name ${n}`),
        ...dup.map((v) => `duplicate version ${v}`),
      ].join("; ")
    }`,
  );
} else ok(`migrations: ${migrations.length}, ${migrations[0]} … ${migrations.at(-1)}`);

if (failures) {
  console.log(`deploy checks: ${failures} failed`);
  Deno.exit(1);
}
console.log("deploy checks: all passed");
