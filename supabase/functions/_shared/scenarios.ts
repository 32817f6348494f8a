/**
 * Where scenarios come from: `public.avatar_configs` read with the caller's
 * JWT (row level security shows signed-in users the enabled rows); or, without
 * a database, the embedded defaults (`default_scenarios.json`, the same rows as
 * `supabase/seed.sql`). These only read rows: the core validates each row once
 * when it is loaded and keeps it for `SCENARIO_CACHE_SECONDS`
 * (`EdgePolicy.plan`), and asks for a row only when it has none.
 */
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Scenario } from "livekit-tavus-edge/avatar";
import defaults from "./default_scenarios.json" with { type: "json" };
import { HttpError, timedFetch } from "./http.ts";
import type { SupabaseSettings } from "./settings.ts";

/** Reads scenario rows by id. */
export interface ScenarioSource {
  /** The row, or null when there is none (or row level security hides it). */
  load(scenarioId: string, callerJwt: string): Promise<Scenario | null>;
}

const COLUMNS =
  "scenario_id,display_name,replica_id,persona_id,language,prompt,greeting,max_call_duration_seconds,agent_name,enabled";

/** The embedded defaults (no database). */
export class EmbeddedScenarios implements ScenarioSource {
  readonly #rows: Scenario[];

  constructor(rows: Scenario[] = defaults as Scenario[]) {
    this.#rows = rows;
  }

  load(scenarioId: string): Promise<Scenario | null> {
    return Promise.resolve(this.#rows.find((r) => r.scenario_id === scenarioId) ?? null);
  }
}

/** `public.avatar_configs` through supabase-js with the caller's JWT. */
export class SupabaseScenarios implements ScenarioSource {
  /** One client per instance; the caller's JWT is set on each query. */
  readonly #client: SupabaseClient;

  constructor(supabase: SupabaseSettings, fetchFn: typeof fetch, timeoutMs: number) {
    this.#client = createClient(supabase.url, supabase.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      db: { retry: false },
      global: {
        fetch: timedFetch(fetchFn, timeoutMs, "Supabase", {
          timeout: "ERR_DATABASE_TIMEOUT",
          network: "ERR_DATABASE_UNAVAILABLE",
        }),
      },
    });
  }

  async load(scenarioId: string, callerJwt: string): Promise<Scenario | null> {
    try {
      return (await this.#client.from("avatar_configs").select(COLUMNS)
        .eq("scenario_id", scenarioId).maybeSingle()
        .setHeader("Authorization", `Bearer ${callerJwt}`).throwOnError()).data as Scenario | null;
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
  }
}
