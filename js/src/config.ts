/**
 * Configuration validation with a redacted report.
 *
 * @module
 */
import { core } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { JsonWebKeySet } from "./supabase_auth.ts";

/** One thing wrong with the configuration; never contains a secret. */
export interface ConfigProblem {
  /** Stable code, e.g. `ERR_CONFIG_MISSING`. */
  code: string;
  /** The variable concerned. */
  variable: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
  /** `error` blocks the service; `warning` does not. */
  severity: "error" | "warning";
}

/** The redacted configuration report. */
export interface ConfigReport {
  /** LiveKit key, secret and URL are present and well formed. */
  livekit_configured: boolean;
  /** The Tavus API key is present and well formed. */
  tavus_configured: boolean;
  /** Supabase's URL and keys are present: scenarios and sessions live in Postgres. */
  database_configured: boolean;
  /** Callers' JWTs can be verified (JWT secret, JWKS, or a URL to fetch it from). */
  auth_configured: boolean;
  /** LiveKit's server-API base URL, derived from `LIVEKIT_WS_URL`. */
  livekit_api_url?: string;
  /** Everything found wrong, errors first. */
  problems: ConfigProblem[];
}

/**
 * Validates LiveKit and Tavus settings and returns a report that never
 * contains a secret.
 *
 * @example
 * ```ts
 * const report = validateConfig(Deno.env.toObject());
 * if (!report.livekit_configured) console.error(report.problems);
 * ```
 */
export function validateConfig(
  env: Record<string, string | undefined>,
): ConfigReport {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === "string") clean[k] = v;
  }
  try {
    return core.validateConfig(clean) as ConfigReport;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Where a Supabase API key is read from: a variable and, for the JSON key maps
 * (`SUPABASE_SECRET_KEYS`, `SUPABASE_PUBLISHABLE_KEYS`), the entry. Never the key.
 */
export interface KeySource {
  /** The variable, e.g. `SUPABASE_SECRET_KEYS`. */
  variable: string;
  /** The entry of a JSON key map (`default`); null for a plain variable. */
  entry: string | null;
}

/**
 * The key a {@linkcode KeySource} points at in `env`, or null when it is not there.
 *
 * @example
 * ```ts
 * const { settings } = parseSettings(Deno.env.toObject());
 * const serverKey = settings.supabaseSecretKey &&
 *   apiKeyFrom(Deno.env.toObject(), settings.supabaseSecretKey);
 * ```
 */
export function apiKeyFrom(
  env: Record<string, string | undefined>,
  source: KeySource,
): string | null {
  const raw = env[source.variable];
  if (typeof raw !== "string") return null;
  let key: unknown = raw;
  if (source.entry !== null) {
    try {
      key = (JSON.parse(raw) as Record<string, unknown>)?.[source.entry];
    } catch {
      return null;
    }
  }
  return typeof key === "string" && key.trim() !== "" ? key.trim() : null;
}

/** How the avatar reaches the room. */
export type AvatarMode = "direct" | "agent" | "none";

/** Every non-secret setting of the functions, parsed, defaults applied. */
export interface EdgeSettings {
  /** `AVATAR_MODE` (default `direct`). */
  avatarMode: AvatarMode;
  /** Direct mode without `TAVUS_API_KEY`: no Tavus call is made. */
  dryRun: boolean;
  /** `AGENT_NAME`. */
  agentName: string | null;
  /** `TOKEN_ALLOWED_AGENTS`. */
  allowedAgents: string[];
  /** `TOKEN_ALLOW_CLIENT_IDENTITY` (default false). */
  allowClientIdentity: boolean;
  /** `TOKEN_ALLOW_CLIENT_ROOM_NAME` (default false). */
  allowClientRoomName: boolean;
  /** `TOKEN_TTL_SECONDS` (default 900). */
  tokenTtlSeconds: number;
  /** `DEFAULT_SCENARIO_ID` (default `casual-conversation`). */
  defaultScenarioId: string;
  /** `AVATAR_IDENTITY` (default `tavus-avatar-agent`). */
  avatarIdentity: string;
  /** `AVATAR_PUBLISH_ON_BEHALF` (default `assistant`). */
  avatarPublishOnBehalf: string;
  /** `MAX_LIVE_SESSIONS_PER_USER` (default 2). */
  maxLiveSessions: number;
  /** `RATE_LIMIT_PER_MINUTE` (default 30; 0: off). */
  rateLimitPerMinute: number;
  /** `ALLOW_ANONYMOUS_USERS` (default false). */
  allowAnonymousUsers: boolean;
  /** `AUTH_JWT_ISSUER` or `{SUPABASE_URL}/auth/v1`; null when off or unknown. */
  authIssuer: string | null;
  /** `CORS_ALLOWED_ORIGINS` (default `["*"]`). */
  corsAllowedOrigins: string[];
  /** `SECRETS_SOURCE` (default `env`). */
  secretsSource: "env" | "vault";
  /** `SECRETS_CACHE_SECONDS` (default 300). */
  secretsCacheSeconds: number;
  /** `SCENARIO_CACHE_SECONDS` (default 30). */
  scenarioCacheSeconds: number;
  /** `UPSTREAM_TIMEOUT_MS` (default 10000). */
  upstreamTimeoutMs: number;
  /** `TAVUS_API_URL` (default `https://tavusapi.com`). */
  tavusApiUrl: string;
  /** `TAVUS_TEST_MODE` (default false). */
  tavusTestMode: boolean;
  /** `{FUNCTIONS_BASE_URL}/tavus-callback` when `TAVUS_CALLBACK_SECRET` is set. */
  tavusCallbackBase: string | null;
  /** `END_ON_PARTICIPANT_LEFT` (default true). */
  endOnParticipantLeft: boolean;
  /** `DELETE_ROOM_ON_END` (default true). */
  deleteRoomOnEnd: boolean;
  /** `SUPABASE_URL` without a trailing slash. */
  supabaseUrl: string | null;
  /** LiveKit's server-API base URL. */
  livekitApiUrl: string | null;
  /**
   * The server key of RPCs and Vault: `SUPABASE_SECRET_KEYS` (its `default`
   * entry, else the first by name) when it holds a key, else the legacy
   * `SUPABASE_SERVICE_ROLE_KEY`. Read it with {@linkcode apiKeyFrom}.
   */
  supabaseSecretKey: KeySource | null;
  /** The `apikey` of reads under RLS: `SUPABASE_PUBLISHABLE_KEYS`, else `SUPABASE_ANON_KEY`. */
  supabasePublishableKey: KeySource | null;
  /** Keys that make a caller the service role: all of `SUPABASE_SECRET_KEYS`, else the legacy key. */
  serviceKeys: KeySource[];
  /** `SUPABASE_JWKS` (a set or a bare array), its EC and RSA keys; null when absent or empty. */
  jwks: JsonWebKeySet | null;
}

/** Settings and the redacted report made from one environment. */
export interface LoadedSettings {
  /** The parsed settings (no secrets). */
  settings: EdgeSettings;
  /** The redacted report. */
  report: ConfigReport;
}

/**
 * Parses and validates every setting the functions read (invalid values fall
 * back to their defaults and are reported), with the redacted report.
 *
 * @example
 * ```ts
 * const { settings, report } = parseSettings(Deno.env.toObject());
 * if (settings.avatarMode === "direct" && settings.dryRun) console.warn("Tavus dry-run");
 * ```
 */
export function parseSettings(
  env: Record<string, string | undefined>,
): LoadedSettings {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === "string") clean[k] = v;
  }
  try {
    return core.parseSettings(clean) as LoadedSettings;
  } catch (e) {
    rethrow(e);
  }
}
