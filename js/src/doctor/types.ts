/**
 * Types of the doctor: what a check reports and what `runDoctor` needs.
 *
 * @module
 */

/** The verdict of one check. `skip`: it could not run (its cause is reported by another check). */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** The area a check belongs to. */
export type CheckGroup =
  | "settings"
  | "vault"
  | "livekit"
  | "clock"
  | "database"
  | "scenarios"
  | "tavus";

/** One line of the report. Never contains a secret, a token, or a secret's length. */
export interface CheckResult {
  /** Stable identifier, e.g. `livekit.server_api` or `tavus.replica.casual-conversation`. */
  id: string;
  /** The area. */
  group: CheckGroup;
  /** `ok`, `warn`, `fail` or `skip`. */
  status: CheckStatus;
  /**
   * Stable code of the finding: a configuration problem's `ERR_CONFIG_*` /
   * `ERR_SCENARIO_*` code, or a `DOCTOR_*` code (see docs/doctor.md); `null` when all is well.
   */
  code: string | null;
  /** What was checked, for people (e.g. `LiveKit server API`). */
  title: string;
  /** What was found. */
  found: string;
  /** How to fix it; `null` when there is nothing to fix. */
  fix: string | null;
}

/** Where the settings came from. */
export interface DoctorSources {
  /** Env files read, in order (later files win over earlier ones; the process environment wins over all). */
  env_files: string[];
  /** `env` or `vault` (`SECRETS_SOURCE`). */
  secrets_source: "env" | "vault";
  /** Names of the secrets found in Vault (never their values). */
  vault_secrets: string[];
}

/** The whole report, as printed by `--json` (schema: docs/doctor.schema.json). */
export interface DoctorReport {
  /** Version of this shape. */
  schema_version: 1;
  /** `true` when no check failed (the exit code is then 0). */
  ok: boolean;
  /** When the run started (ISO 8601, from the injected clock). */
  started_at: string;
  /** Count of checks per status. */
  summary: Record<CheckStatus, number>;
  /** Where the settings came from. */
  sources: DoctorSources;
  /** Non-secret settings the checks used. */
  targets: {
    livekit_api_url: string | null;
    tavus_api_url: string;
    supabase_url: string | null;
    avatar_mode: string;
  };
  /** Every check, in the order printed. */
  checks: CheckResult[];
}

/** A writable text stream (stdout, stderr). */
export interface TextSink {
  /** Writes text as is. */
  write(text: string): void;
  /** Whether the stream is a terminal (colour, progress line). */
  isTTY?: boolean;
}

/** Inputs of {@linkcode runDoctor}; everything with an effect is injected. */
export interface DoctorOptions {
  /** The process environment (wins over `envFiles`). */
  env: Record<string, string | undefined>;
  /** Parsed env files, in order (later ones win over earlier ones). */
  envFiles?: Array<{
    path: string;
    values: Record<string, string>;
    errors?: Array<{ line: number; message: string }>;
  }>;
  /** The HTTP client (default: `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The clock (default: `() => new Date()`). */
  now?: () => Date;
  /** Timeout of each HTTP request in milliseconds (default: `UPSTREAM_TIMEOUT_MS`, else 10000). */
  timeoutMs?: number;
  /** Scenarios to check when no database is configured (the functions' embedded defaults). */
  fallbackScenarios?: unknown[];
  /** Where they came from, for the report (e.g. a file name). */
  fallbackScenariosSource?: string;
  /** Skip Vault even when `SECRETS_SOURCE=vault`. */
  noVault?: boolean;
  /** Called when a check group starts or finishes, for a progress line. */
  onProgress?: (pending: string[]) => void;
}
