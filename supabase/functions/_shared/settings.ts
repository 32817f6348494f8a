/**
 * Settings: read from the environment (`Deno.env` when deployed) once per
 * instance or, with `SECRETS_SOURCE=vault`, the secrets from Supabase Vault
 * through the service-role RPC `get_edge_secrets` (cached per instance). Parsed
 * and validated by the Rust core once per set of values, into the policy object
 * that decides every request (`EdgePolicy`: settings, imported keys,
 * validated scenarios). Secrets stay in this object and never reach a response
 * or a log line.
 */
import { createClient } from "@supabase/supabase-js";
import {
  apiKeyFrom,
  type ConfigReport,
  EdgePolicy,
  type EdgeSettings,
  VAULT_SECRET_NAMES,
} from "livekit-tavus-edge/avatar";
import { HttpError, timedFetch } from "./http.ts";

/** A snapshot of environment variables. */
export type Env = Record<string, string | undefined>;

/** Everything the functions need to know about LiveKit. */
export interface LiveKitSettings {
  apiKey: string;
  apiSecret: string;
  /** The WebSocket URL clients (and the avatar) connect to. */
  wsUrl: string;
}

/**
 * Supabase's URL and keys: the new `sb_publishable_…` / `sb_secret_…` keys when
 * the project has them (`SUPABASE_PUBLISHABLE_KEYS`, `SUPABASE_SECRET_KEYS`),
 * else the legacy JWT keys; the core decides which (`config::load_settings`).
 */
export interface SupabaseSettings {
  url: string;
  /** The `apikey` of reads made with a caller's JWT (RLS applies). */
  anonKey: string;
  /** RPCs and Vault. */
  serviceRoleKey: string;
}

/** Validated settings with the secrets the handlers use. */
export interface Settings {
  /** The core's policy for these settings: every decision of a request. */
  policy: EdgePolicy;
  /** Every non-secret setting, parsed, defaults applied. */
  settings: EdgeSettings;
  /** The redacted report. */
  report: ConfigReport;
  /** LiveKit credentials, when configured. */
  livekit: LiveKitSettings | null;
  /** The Tavus API key, when configured (direct mode is a dry-run without it). */
  tavusApiKey: string | null;
  /** Supabase, when configured (otherwise the in-memory development stores). */
  supabase: SupabaseSettings | null;
  /** The legacy HS256 JWT secret. */
  jwtSecret: string | null;
  /** `SUPABASE_JWKS` (its EC and RSA keys, as JSON text for the core), when it holds one. */
  jwks: string | null;
  /** The Tavus callback URL's secret segment. */
  callbackSecret: string | null;
  /** Keys that make a caller the service role (service-role key, secret keys). */
  serviceKeys: string[];
  /** Development only: a shared in-memory session store (scripts/gateway.ts). */
  devSessionStoreUrl: string | null;
}

const nonEmpty = (v: string | undefined): string | null =>
  v !== undefined && v.trim() !== "" ? v : null;

/**
 * Parses `env` with the core (once: the result is frozen and reused for the
 * instance's life) and extracts what the handlers use.
 */
export function settingsFromEnv(env: Env): Settings {
  const policy = new EdgePolicy(env);
  const { settings, report } = policy.loaded;
  const livekit = report.livekit_configured
    ? {
      apiKey: env.LIVEKIT_API_KEY!,
      apiSecret: env.LIVEKIT_API_SECRET!,
      wsUrl: env.LIVEKIT_WS_URL!,
    }
    : null;
  const supabase = report.database_configured
    ? {
      url: settings.supabaseUrl!,
      anonKey: apiKeyFrom(env, settings.supabasePublishableKey!)!,
      serviceRoleKey: apiKeyFrom(env, settings.supabaseSecretKey!)!,
    }
    : null;
  return Object.freeze({
    policy,
    settings,
    report,
    livekit,
    tavusApiKey: report.tavus_configured ? env.TAVUS_API_KEY! : null,
    supabase,
    jwtSecret: nonEmpty(env.AUTH_JWT_SECRET),
    jwks: settings.jwks && JSON.stringify(settings.jwks),
    callbackSecret: nonEmpty(env.TAVUS_CALLBACK_SECRET),
    serviceKeys: settings.serviceKeys.map((k) => apiKeyFrom(env, k)).filter((k) => k !== null),
    devSessionStoreUrl: nonEmpty(env.DEV_SESSION_STORE_URL),
  });
}

/** What {@linkcode SettingsLoader} needs. */
export interface SettingsDeps {
  /** The environment, read once (an instance's environment does not change). */
  env: () => Env;
  /** The network (Vault reads). */
  fetch?: typeof fetch;
  /** The clock (Vault cache). */
  now?: () => Date;
}

/**
 * The settings of an instance: the environment read and parsed once, and with
 * `SECRETS_SOURCE=vault` the secrets from Vault (values in Vault win over the
 * environment; the read is cached for `SECRETS_CACHE_SECONDS`, and the settings
 * are parsed again only when the secrets changed).
 */
export class SettingsLoader {
  #cache: { key: string; at: number; secrets: Record<string, string> } | null = null;
  #env: Env | null = null;
  #base: Settings | null = null;
  #withVault: { secrets: Record<string, string>; key: string; value: Settings } | null = null;

  constructor(private readonly deps: SettingsDeps) {}

  /** The environment, read once. */
  env(): Env {
    return this.#env ??= { ...this.deps.env() };
  }

  /** The settings of the environment alone (no Vault), parsed once. */
  base(): Settings {
    return this.#base ??= settingsFromEnv(this.env());
  }

  /** The settings for this request. */
  async load(): Promise<Settings> {
    const base = this.base();
    if (base.settings.secretsSource !== "vault" || base.supabase === null) return base;
    const secrets = await this.#vault(base);
    // The same object while the Vault read is cached: compared by reference, and
    // by content only after a new read.
    if (this.#withVault?.secrets === secrets) return this.#withVault.value;
    const key = JSON.stringify(secrets);
    if (this.#withVault?.key !== key) {
      this.#withVault = {
        secrets,
        key,
        value: settingsFromEnv({ ...this.env(), ...secrets, SECRETS_SOURCE: "vault" }),
      };
    } else {
      this.#withVault.secrets = secrets;
    }
    return this.#withVault.value;
  }

  async #vault(base: Settings): Promise<Record<string, string>> {
    const sb = base.supabase!;
    const key = `${sb.url}\n${sb.serviceRoleKey}`;
    const now = (this.deps.now?.() ?? new Date()).getTime();
    const ttl = base.settings.secretsCacheSeconds * 1000;
    if (this.#cache && this.#cache.key === key && now - this.#cache.at < ttl) {
      return this.#cache.secrets;
    }
    const client = createClient(sb.url, sb.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      db: { retry: false },
      global: {
        fetch: timedFetch(
          this.deps.fetch ?? fetch,
          base.settings.upstreamTimeoutMs,
          "Supabase (Vault)",
          { timeout: "ERR_CONFIG_VAULT_TIMEOUT", network: "ERR_CONFIG_VAULT" },
        ),
      },
    });
    let data: unknown;
    try {
      data = (await client.rpc("get_edge_secrets", { p_names: [...VAULT_SECRET_NAMES] })
        .throwOnError()).data;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      // Name the SQLSTATE and the RPC's own ERR_ message (never a value): e.g.
      // `P0001 ERR_VAULT_NAME_NOT_ALLOWED` when the migration's allow-list lacks a name.
      const code = (e as { code?: unknown })?.code;
      const msg = (e as { message?: unknown })?.message;
      const why = [
        typeof code === "string" && code !== "" ? code : "no SQLSTATE",
        ...(typeof msg === "string" && /^ERR_[A-Z_]+$/.test(msg) ? [msg] : []),
      ].join(" ");
      throw new HttpError(
        503,
        "ERR_CONFIG_VAULT",
        `could not read secrets from Vault (get_edge_secrets: ${why})`,
        { "retry-after": "30" },
      );
    }
    const secrets: Record<string, string> = {};
    if (data && typeof data === "object" && !Array.isArray(data)) {
      for (const name of VAULT_SECRET_NAMES) {
        const v = (data as Record<string, unknown>)[name];
        if (typeof v === "string" && v !== "") secrets[name] = v;
      }
    }
    this.#cache = { key, at: now, secrets };
    return secrets;
  }
}

/** 503 unless LiveKit is configured. */
export function requireLiveKit(s: Settings): LiveKitSettings {
  if (!s.livekit) {
    throw new HttpError(
      503,
      "ERR_NOT_CONFIGURED",
      "LiveKit is not configured: see GET /livekit-token/health (as the service role) for what is missing",
      { "retry-after": "60" },
    );
  }
  return s.livekit;
}
