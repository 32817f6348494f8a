/**
 * The doctor: diagnoses a deployment's configuration and connectivity in one
 * run. Every effect (environment, HTTP, clock) is injected, so tests call
 * {@linkcode runDoctor} directly; the CLI (`livekit-tavus-edge doctor`) is a
 * thin shell around it.
 *
 * @example
 * ```ts
 * import { renderTable, runDoctor } from "livekit-tavus-edge/doctor";
 * const report = await runDoctor({ env: Deno.env.toObject() });
 * console.log(renderTable(report, { colour: false }));
 * Deno.exit(report.ok ? 0 : 1);
 * ```
 *
 * @module
 */
import { EdgeError } from "../errors.ts";
import { apiKeyFrom, type ConfigProblem, type EdgeSettings, parseSettings } from "../config.ts";
import { type Scenario, validateScenario } from "../scenario.ts";
import { readScenarios, readVault, type SupabaseAccess } from "./database.ts";
import { VAULT_SECRET_NAMES } from "../generated.ts";
import { skipped } from "./check.ts";
import { checkLiveKit, clockCheck } from "./livekit.ts";
import { isSecretVariable, makeRedactor } from "./redact.ts";
import { checkTavus, type ScenarioRef } from "./tavus.ts";
import type { CheckResult, CheckStatus, DoctorOptions, DoctorReport } from "./types.ts";

export type * from "./types.ts";
export { renderJson, renderTable, useColour } from "./render.ts";
export { parseEnvFile } from "./envfile.ts";

/** Variables that get an `ok` line when set and without problems. */
const ESSENTIAL = [
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "LIVEKIT_WS_URL",
  "TAVUS_API_KEY",
  "SUPABASE_URL",
] as const;

type Origin = "the environment" | "Vault" | string;

interface Merged {
  env: Record<string, string>;
  origin: Record<string, Origin>;
  /** Variables set in more than one place, and which one won. */
  overridden: Record<string, Origin[]>;
}

function merge(
  processEnv: Record<string, string | undefined>,
  files: Array<{ path: string; values: Record<string, string> }>,
): Merged {
  const env: Record<string, string> = {};
  const origin: Record<string, Origin> = {};
  const overridden: Record<string, Origin[]> = {};
  const put = (k: string, v: string, from: Origin) => {
    if (k in origin) (overridden[k] ??= [origin[k]!]).push(from);
    env[k] = v;
    origin[k] = from;
  };
  for (const f of files) {
    for (const [k, v] of Object.entries(f.values)) put(k, v, f.path);
  }
  for (const [k, v] of Object.entries(processEnv)) {
    if (typeof v === "string") put(k, v, "the environment");
  }
  return { env, origin, overridden };
}

function settingsLine(p: ConfigProblem): CheckResult {
  return {
    id: `settings.${p.variable}.${p.code}`,
    group: "settings",
    status: p.severity === "error" ? "fail" : "warn",
    code: p.code,
    title: p.variable,
    found: p.message,
    fix: p.fix,
  };
}

function okLine(name: string, origin: Origin, extra: string): CheckResult {
  return {
    id: `settings.${name}`,
    group: "settings",
    status: "ok",
    code: null,
    title: name,
    found: `set (${origin})${extra}`,
    fix: null,
  };
}

/** Validates the scenario rows with the core; returns the lines and the usable scenarios. */
function scenarioLines(
  rows: unknown[],
  source: string,
  defaultScenarioId: string,
): { lines: CheckResult[]; usable: ScenarioRef[] } {
  const lines: CheckResult[] = [];
  const usable: ScenarioRef[] = [];
  rows.forEach((row, i) => {
    const r = (row && typeof row === "object" ? row : {}) as Record<
      string,
      unknown
    >;
    const sid = typeof r.scenario_id === "string" && r.scenario_id
      ? r.scenario_id.slice(0, 64)
      : `#${i + 1}`;
    const enabled = r.enabled !== false;
    const base = {
      id: `scenarios.${sid}`,
      group: "scenarios" as const,
      title: `scenario ${sid}`,
    };
    try {
      validateScenario(row as Scenario);
      lines.push({
        ...base,
        status: "ok",
        code: null,
        found: `valid${enabled ? "" : " (disabled)"}, replica ${r.replica_id}${
          r.persona_id ? `, persona ${r.persona_id}` : ""
        }`,
        fix: null,
      });
      if (enabled) {
        usable.push({
          scenario_id: sid,
          replica_id: String(r.replica_id),
          persona_id: typeof r.persona_id === "string" ? r.persona_id : null,
        });
      }
    } catch (e) {
      if (!(e instanceof EdgeError)) throw e;
      lines.push({
        ...base,
        status: enabled ? "fail" : "warn",
        code: e.code,
        found: `${e.message}${enabled ? "" : " (disabled)"}`,
        fix: `correct the row in ${source} (docs/database.md lists each column's rule)`,
      });
    }
  });
  const def = usable.find((s) => s.scenario_id === defaultScenarioId);
  lines.push(
    def
      ? {
        id: "scenarios.default",
        group: "scenarios",
        status: "ok",
        code: null,
        title: "default scenario",
        found: `${defaultScenarioId} exists and is enabled`,
        fix: null,
      }
      : {
        id: "scenarios.default",
        group: "scenarios",
        status: "fail",
        code: "DOCTOR_SCENARIO_DEFAULT_MISSING",
        title: "default scenario",
        found:
          `DEFAULT_SCENARIO_ID ${defaultScenarioId} is not an enabled, valid scenario in ${source}: requests that name no scenario fail`,
        fix: `set DEFAULT_SCENARIO_ID to one of ${
          usable.map((s) => s.scenario_id).join(", ") || "your scenarios"
        }, or add that scenario`,
      },
  );
  return { lines, usable };
}

/**
 * Runs every check and returns the report. Nothing in it is a secret: the
 * checks never put one in their text, and every string is passed through a
 * redactor that knows the run's secrets in raw, JSON, URL and base64 forms.
 *
 * @example
 * ```ts
 * const report = await runDoctor({ env: { LIVEKIT_WS_URL: "wss://x.livekit.cloud" }, fetch, now: () => new Date() });
 * report.checks.filter((c) => c.status === "fail").forEach((c) => console.log(c.found, c.fix));
 * ```
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const files = options.envFiles ?? [];
  const merged = merge(options.env, files);
  let loaded = parseSettings(merged.env);
  const timeoutMs = options.timeoutMs ?? loaded.settings.upstreamTimeoutMs ??
    10_000;
  const checks: CheckResult[] = [];
  const pending = new Set<string>();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    pending.add(name);
    options.onProgress?.([...pending]);
    try {
      return await run();
    } finally {
      pending.delete(name);
      options.onProgress?.([...pending]);
    }
  };

  const supabase = (): SupabaseAccess | null => {
    const url = loaded.settings.supabaseUrl;
    // The server key the functions use: the core prefers SUPABASE_SECRET_KEYS.
    const source = loaded.settings.supabaseSecretKey;
    const key = source && apiKeyFrom(merged.env, source);
    return url && key ? { url, serviceRoleKey: key, fetch: fetchFn, timeoutMs } : null;
  };

  // Vault first: its secrets change what the other checks see.
  let vaultNames: string[] = [];
  let vaultLine: CheckResult | null = null;
  const secretValues: string[] = [];
  if (loaded.settings.secretsSource === "vault") {
    const access = supabase();
    if (options.noVault) {
      vaultLine = skipped(
        "vault",
        "vault.secrets",
        "Vault secrets",
        "--no-vault: Vault not read; settings from the environment only",
      );
    } else if (!access) {
      vaultLine = skipped(
        "vault",
        "vault.secrets",
        "Vault secrets",
        "SECRETS_SOURCE=vault but SUPABASE_URL or a server key (SUPABASE_SECRET_KEYS, SUPABASE_SERVICE_ROLE_KEY) is missing (see settings)",
      );
    } else {
      const vault = await step(
        "Vault",
        () => readVault(access, VAULT_SECRET_NAMES),
      );
      vaultLine = vault.result;
      for (const [k, v] of Object.entries(vault.values)) {
        if (k in merged.origin) {
          (merged.overridden[k] ??= [merged.origin[k]!]).push("Vault");
        }
        merged.env[k] = v;
        merged.origin[k] = "Vault";
        secretValues.push(v);
      }
      vaultNames = Object.keys(vault.values);
      loaded = parseSettings(merged.env);
    }
  }
  const settings: EdgeSettings = loaded.settings;
  const report = loaded.report;

  // Settings: env-file lines that could not be read, then the core's problems, then what is fine.
  const settingLines: CheckResult[] = [];
  for (const f of files) {
    for (const e of f.errors ?? []) {
      settingLines.push({
        id: `settings.env_file.${f.path}:${e.line}`,
        group: "settings",
        status: "fail",
        code: "DOCTOR_ENV_FILE_LINE",
        title: `${f.path}:${e.line}`,
        found: `line ${e.line} could not be read: ${e.message}`,
        fix: "write it as NAME=value (quote values with spaces or #)",
      });
    }
  }
  settingLines.push(...report.problems.map(settingsLine));
  const withProblem = new Set(report.problems.map((p) => p.variable));
  for (const name of ESSENTIAL) {
    if (withProblem.has(name) || !merged.env[name]?.trim()) continue;
    let extra = "";
    if (name === "LIVEKIT_WS_URL" && report.livekit_api_url) {
      extra = `; server API at ${report.livekit_api_url}`;
    }
    if (name === "SUPABASE_URL" && settings.supabaseUrl) {
      extra = `: ${settings.supabaseUrl}`;
    }
    const over = merged.overridden[name];
    const from = over
      ? `${merged.origin[name]!}, overriding ${over.slice(0, -1).join(", ")}`
      : merged.origin[name]!;
    settingLines.push(okLine(name, from, extra));
  }
  // The server key: the variable the core chose (new keys before the legacy one).
  const server = settings.supabaseSecretKey;
  if (server && !withProblem.has(server.variable)) {
    const entry = server.entry === null ? "" : `; its "${server.entry}" entry is the server key`;
    settingLines.push(okLine(server.variable, merged.origin[server.variable]!, entry));
  }
  checks.push(...settingLines);
  if (vaultLine) checks.push(vaultLine);

  // Network checks, in parallel: LiveKit; the database, then Tavus (which needs the scenarios).
  const livekitRun = report.livekit_configured && report.livekit_api_url
    ? step("LiveKit", () =>
      checkLiveKit({
        apiKey: merged.env.LIVEKIT_API_KEY!,
        apiSecret: merged.env.LIVEKIT_API_SECRET!,
        wsUrl: merged.env.LIVEKIT_WS_URL!,
        fetch: fetchFn,
        now,
        timeoutMs,
      }))
    : Promise.resolve(null);

  const dataRun = (async () => {
    const lines: CheckResult[] = [];
    let scenarios: ScenarioRef[] | null = null;
    const access = supabase();
    if (access) {
      const read = await step("database", () => readScenarios(access));
      lines.push(read.result);
      if (read.rows) {
        const s = scenarioLines(
          read.rows,
          "avatar_configs",
          settings.defaultScenarioId,
        );
        lines.push(...s.lines);
        scenarios = s.usable;
      }
    } else if (options.fallbackScenarios) {
      const source = options.fallbackScenariosSource ?? "the default scenarios";
      lines.push(
        skipped(
          "database",
          "database.avatar_configs",
          "avatar_configs table",
          `no database configured (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY): checking ${source} instead`,
        ),
      );
      const s = scenarioLines(
        options.fallbackScenarios,
        source,
        settings.defaultScenarioId,
      );
      lines.push(...s.lines);
      scenarios = s.usable;
    } else {
      lines.push(
        skipped(
          "database",
          "database.avatar_configs",
          "avatar_configs table",
          "no database configured (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY) and no --scenarios file",
        ),
      );
    }
    let tavus: CheckResult[];
    if (report.tavus_configured) {
      tavus = await step("Tavus", () =>
        checkTavus({
          apiKey: merged.env.TAVUS_API_KEY!,
          baseUrl: settings.tavusApiUrl,
          avatarMode: settings.avatarMode,
          scenarios,
          fetch: fetchFn,
          timeoutMs,
        }));
    } else {
      tavus = [
        skipped(
          "tavus",
          "tavus.api_key",
          "Tavus API key",
          "TAVUS_API_KEY is not usable (see settings): Tavus not checked",
        ),
      ];
    }
    return { lines, tavus };
  })();

  const [livekit, data] = await Promise.all([livekitRun, dataRun]);
  if (livekit) checks.push(livekit.result);
  else {checks.push(
      skipped(
        "livekit",
        "livekit.server_api",
        "LiveKit server API",
        "LiveKit settings are incomplete (see settings): server API not checked",
      ),
    );}
  checks.push(
    clockCheck(
      livekit?.clockOffset ?? null,
      livekit?.clockOffset != null ? "LiveKit" : null,
    ),
  );
  checks.push(...data.lines, ...data.tavus);

  // Redact: every value of a secret-like variable (from any source) and every JWT.
  // The JSON key maps (SUPABASE_SECRET_KEYS, ...) also by each key they hold.
  for (const [k, v] of Object.entries(merged.env)) {
    if (!isSecretVariable(k) || !v) continue;
    secretValues.push(v);
    try {
      const map = JSON.parse(v);
      if (map && typeof map === "object") {
        for (const x of Object.values(map)) if (typeof x === "string" && x) secretValues.push(x);
      }
    } catch {
      // not a JSON map
    }
  }
  const redact = makeRedactor(secretValues);
  const safe = checks.map((c) => ({
    ...c,
    title: redact(c.title),
    found: redact(c.found),
    fix: c.fix === null ? null : redact(c.fix),
  }));
  const summary: Record<CheckStatus, number> = {
    ok: 0,
    warn: 0,
    fail: 0,
    skip: 0,
  };
  for (const c of safe) summary[c.status]++;
  return {
    schema_version: 1,
    ok: summary.fail === 0,
    started_at: startedAt.toISOString(),
    summary,
    sources: {
      env_files: files.map((f) => f.path),
      secrets_source: settings.secretsSource,
      vault_secrets: vaultNames,
    },
    targets: {
      livekit_api_url: report.livekit_api_url ?? null,
      tavus_api_url: settings.tavusApiUrl,
      supabase_url: settings.supabaseUrl ?? null,
      avatar_mode: settings.avatarMode,
    },
    checks: safe,
  };
}
