/**
 * The Supabase checks, through PostgREST with the service-role key: Vault
 * secrets (`rpc/get_edge_secrets`) and the scenarios (`avatar_configs`).
 *
 * @module
 */
import { describeFailure, type HttpAnswer, type NetFailure, parseJson, request } from "./net.ts";
import { line } from "./check.ts";
import type { CheckResult } from "./types.ts";

/** Supabase's URL and the service-role key. */
export interface SupabaseAccess {
  /** `SUPABASE_URL` without a trailing slash. */
  url: string;
  serviceRoleKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

function headers(a: SupabaseAccess): Record<string, string> {
  return {
    "apikey": a.serviceRoleKey,
    "authorization": `Bearer ${a.serviceRoleKey}`,
    "accept": "application/json",
  };
}

/** PostgREST's error body: `{code, message, details, hint}`; Supabase's gateway: `{message}`. */
function restError(text: string): { code: string; message: string } {
  const j = parseJson(text) as {
    code?: unknown;
    message?: unknown;
    msg?: unknown;
  } | undefined;
  const message = typeof j?.message === "string"
    ? j.message
    : typeof j?.msg === "string"
    ? j.msg
    : "";
  return {
    code: typeof j?.code === "string" ? j.code : "",
    message: message.slice(0, 160),
  };
}

const KEY_FIX =
  "use a secret key (sb_secret_…, in SUPABASE_SECRET_KEYS) or the legacy service_role key (SUPABASE_SERVICE_ROLE_KEY) from Project Settings → API keys; it must belong to the project at SUPABASE_URL";

/** What a transport failure or a refused key means, as `[code, found, fix]`. */
function commonFailure(
  answer: HttpAnswer | { failure: NetFailure },
  url: string,
  forbidden: [string, string, string],
): [string, string, string] | null {
  if ("failure" in answer) {
    const d = describeFailure(answer.failure, "Supabase", url, "SUPABASE_URL");
    return [d.code, d.found, d.fix];
  }
  if (answer.status !== 401 && answer.status !== 403) return null;
  // 42501: the role lacks the grant (not the service role, or grants changed).
  if (restError(answer.text).code === "42501") return forbidden;
  return [
    "DOCTOR_SUPABASE_UNAUTHORIZED",
    `Supabase refused the service-role key (${answer.status})`,
    KEY_FIX,
  ];
}

/** The result of reading Vault: the values (for the settings) and the line to print. */
export interface VaultRead {
  /** Name → value of the secrets found. Never printed. */
  values: Record<string, string>;
  result: CheckResult;
}

/**
 * Reads the allow-listed secrets from Vault through `rpc/get_edge_secrets`.
 *
 * @example
 * ```ts
 * const { values, result } = await readVault(access, ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]);
 * ```
 */
export async function readVault(
  a: SupabaseAccess,
  names: readonly string[],
): Promise<VaultRead> {
  const fail = (code: string, found: string, fix: string): VaultRead => ({
    values: {},
    result: line(
      "vault",
      "vault.secrets",
      "Vault secrets",
      "fail",
      code,
      found,
      fix,
    ),
  });
  const url = `${a.url}/rest/v1/rpc/get_edge_secrets`;
  const answer = await request(a.fetch, url, {
    method: "POST",
    headers: { ...headers(a), "content-type": "application/json" },
    body: JSON.stringify({ p_names: names }),
  }, a.timeoutMs);
  const common = commonFailure(answer, url, [
    "DOCTOR_VAULT_FORBIDDEN",
    "the key is not the service role: get_edge_secrets is granted to service_role only",
    KEY_FIX,
  ]);
  if (common) return fail(...common);
  const { status, text } = answer as HttpAnswer;
  const e = restError(text);
  if (status === 404) {
    return fail(
      "DOCTOR_VAULT_NO_FUNCTION",
      "the database has no get_edge_secrets function: the Vault bridge migration is not applied",
      "apply the migrations: `supabase db push` (or `supabase migration up` locally)",
    );
  }
  if (status === 400 && e.message.includes("ERR_VAULT_NAME_NOT_ALLOWED")) {
    return fail(
      "DOCTOR_VAULT_ALLOW_LIST",
      "get_edge_secrets refuses names this version reads: the database's allow-list is older than the functions",
      "apply the latest migrations: `supabase db push`",
    );
  }
  const json = status === 200 ? parseJson(text) : undefined;
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    return fail(
      "DOCTOR_SUPABASE_HTTP",
      `rpc/get_edge_secrets answered ${status}${e.message ? `: ${e.message}` : ""}`,
      "check SUPABASE_URL (https://<project>.supabase.co) and the migrations",
    );
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (names.includes(k) && typeof v === "string" && v !== "") values[k] = v;
  }
  const found = names.filter((n) => n in values);
  const missing = names.filter((n) => !(n in values));
  const listed = found.length ? `: ${found.join(", ")}` : "";
  const absent = missing.length ? `; not in Vault: ${missing.join(", ")}` : "";
  return {
    values,
    result: line(
      "vault",
      "vault.secrets",
      "Vault secrets",
      "ok",
      null,
      `${found.length} of ${names.length} in Vault${listed}${absent}`,
      null,
    ),
  };
}

/** The scenarios read from `avatar_configs`, and the line to print. */
export interface ScenariosRead {
  /** The rows; `null` when they could not be read. */
  rows: unknown[] | null;
  result: CheckResult;
}

/**
 * Reads `avatar_configs` with the service role (which bypasses RLS, so disabled rows are seen too).
 *
 * @example
 * ```ts
 * const { rows, result } = await readScenarios(access);
 * ```
 */
export async function readScenarios(a: SupabaseAccess): Promise<ScenariosRead> {
  const id = "database.avatar_configs";
  const title = "avatar_configs table";
  const fail = (code: string, found: string, fix: string): ScenariosRead => ({
    rows: null,
    result: line("database", id, title, "fail", code, found, fix),
  });
  const url = `${a.url}/rest/v1/avatar_configs?select=*`;
  const answer = await request(a.fetch, url, {
    method: "GET",
    headers: headers(a),
  }, a.timeoutMs);
  const common = commonFailure(answer, url, [
    "DOCTOR_DATABASE_FORBIDDEN",
    "permission denied for avatar_configs: the key is not the service role, or the grants were changed",
    `${KEY_FIX}; re-apply the migrations (\`supabase db push\`) to restore the grants`,
  ]);
  if (common) return fail(...common);
  const { status, text } = answer as HttpAnswer;
  const e = restError(text);
  if (status === 404 || e.code === "PGRST205" || e.code === "42P01") {
    return fail(
      "DOCTOR_DATABASE_NO_TABLE",
      "the database has no avatar_configs table: the migrations are not applied",
      "apply the migrations: `supabase db push` (or `supabase migration up` locally), then the seed",
    );
  }
  const rows = status === 200 ? parseJson(text) : undefined;
  if (!Array.isArray(rows)) {
    return fail(
      "DOCTOR_SUPABASE_HTTP",
      `GET /rest/v1/avatar_configs answered ${status}${e.message ? `: ${e.message}` : ""}`,
      "check SUPABASE_URL (https://<project>.supabase.co)",
    );
  }
  if (rows.length === 0) {
    return {
      rows,
      result: line(
        "database",
        id,
        title,
        "fail",
        "DOCTOR_DATABASE_NO_SCENARIOS",
        "avatar_configs is empty: no session can start",
        'load the seed (`psql "$SUPABASE_DB_URL" -f supabase/seed.sql`) or insert your scenarios',
      ),
    };
  }
  const enabled = rows.filter((r) => (r as { enabled?: unknown })?.enabled !== false).length;
  const plural = rows.length === 1 ? "" : "s";
  return {
    rows,
    result: line(
      "database",
      id,
      title,
      "ok",
      null,
      `readable: ${rows.length} scenario${plural}, ${enabled} enabled`,
      null,
    ),
  };
}
