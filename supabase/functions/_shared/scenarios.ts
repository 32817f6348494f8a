/**
 * Where scenarios come from: `public.avatar_configs` read with the caller's
 * JWT (row level security shows signed-in users the enabled rows), cached
 * briefly per instance; or, without a database, the embedded defaults
 * (`default_scenarios.json`, the same rows as `supabase/seed.sql`). Every row
 * passes the core's validator before use.
 */
import { createClient } from "@supabase/supabase-js";
import { EdgeError } from "livekit-tavus-edge";
import { type Scenario, validateScenario, type ValidScenario } from "livekit-tavus-edge/avatar";
import defaults from "./default_scenarios.json" with { type: "json" };
import { HttpError, timedFetch } from "./http.ts";
import type { SupabaseSettings } from "./settings.ts";

/** Looks scenarios up by id. */
export interface ScenarioSource {
  /** The enabled, valid scenario, or null when unknown or disabled. */
  get(scenarioId: string, callerJwt: string): Promise<ValidScenario | null>;
}

const COLUMNS =
  "scenario_id,display_name,replica_id,persona_id,language,prompt,greeting,max_call_duration_seconds,agent_name,enabled";

/** A stored row that breaks the rules is a server-side problem: 500 with the rule's code. */
function checked(row: Scenario): ValidScenario {
  try {
    return validateScenario(row);
  } catch (e) {
    if (e instanceof EdgeError) {
      throw new HttpError(500, e.code, `scenario is misconfigured: ${e.message}`);
    }
    throw e;
  }
}

/** The embedded defaults (no database). */
export class EmbeddedScenarios implements ScenarioSource {
  readonly #rows: Scenario[];

  constructor(rows: Scenario[] = defaults as Scenario[]) {
    this.#rows = rows;
  }

  get(scenarioId: string): Promise<ValidScenario | null> {
    const row = this.#rows.find((r) => r.scenario_id === scenarioId && r.enabled !== false);
    return Promise.resolve(row ? checked(row) : null);
  }
}

/**
 * `public.avatar_configs` through supabase-js with the caller's JWT, cached per
 * instance for `ttlSeconds` (every signed-in user sees the same enabled rows,
 * so one cache serves all callers; unknown ids are cached too).
 */
export class SupabaseScenarios implements ScenarioSource {
  readonly #cache = new Map<string, { at: number; value: ValidScenario | null }>();
  readonly #fetch: typeof fetch;

  constructor(
    private readonly supabase: SupabaseSettings,
    fetchFn: typeof fetch,
    timeoutMs: number,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#fetch = timedFetch(fetchFn, timeoutMs, "Supabase", {
      timeout: "ERR_DATABASE_TIMEOUT",
      network: "ERR_DATABASE_UNAVAILABLE",
    });
  }

  async get(scenarioId: string, callerJwt: string): Promise<ValidScenario | null> {
    const now = this.now().getTime();
    const hit = this.#cache.get(scenarioId);
    if (hit && now - hit.at < this.ttlSeconds * 1000) return hit.value;
    const client = createClient(this.supabase.url, this.supabase.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      db: { retry: false },
      global: { fetch: this.#fetch, headers: { Authorization: `Bearer ${callerJwt}` } },
    });
    let data: unknown;
    try {
      data = (await client.from("avatar_configs").select(COLUMNS).eq("scenario_id", scenarioId)
        .maybeSingle().throwOnError()).data;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      const code = (e as { code?: unknown })?.code;
      throw new HttpError(
        503,
        "ERR_DATABASE",
        `the database refused avatar_configs (${
          typeof code === "string" && code ? code : "no code"
        })`,
        { "retry-after": "10" },
      );
    }
    const row = data as Scenario | null;
    const value = row && row.enabled !== false ? checked(row) : null;
    if (this.#cache.size > 500) this.#cache.clear();
    this.#cache.set(scenarioId, { at: now, value });
    return value;
  }
}
