/**
 * The edge functions' decisions, made by the core: one {@linkcode EdgePolicy}
 * per set of settings (per isolate) holds the parsed settings, the imported
 * keys and the validated scenarios; each token request is one call to
 * {@linkcode EdgePolicy.plan} that returns what to do or a coded refusal, and
 * the handler does only the I/O around it.
 *
 * @module
 */
import { core, seconds } from "./core.ts";
import { rethrow } from "./errors.ts";
import { envJson } from "./config.ts";
import type {
  LoadedSettings,
  MintedToken,
  RoomAgentDispatchGrant,
  Scenario,
  TokenPlan,
} from "./generated.ts";
import { type JwtOutcome, settle } from "./supabase_auth.ts";
import type { SupabaseClaims } from "./generated.ts";

export type { MintedToken, TokenPlan, TokenPlanRoom } from "./generated.ts";

/** What {@linkcode EdgePolicy.plan} answers: a plan, or the scenario to read first. */
export type PlanStep = TokenPlan | { load: string };

/**
 * The functions' policy for one environment.
 *
 * @example
 * ```ts
 * const policy = new EdgePolicy(Deno.env.toObject());
 * let step = policy.plan(userId, await req.text(), url.searchParams.get("scenario_id"));
 * if ("load" in step) step = policy.plan(userId, body, query, new Date(), await readRow(step.load));
 * ```
 */
export class EdgePolicy {
  readonly #core: core.EdgePolicy;
  /** The settings and their redacted report (parsed once). */
  readonly loaded: LoadedSettings;

  constructor(env: Record<string, string | undefined>) {
    try {
      this.#core = new core.EdgePolicy(envJson(env));
    } catch (e) {
      rethrow(e);
    }
    this.loaded = JSON.parse(this.#core.settings());
  }

  /**
   * Plans a token request (the body's text, `?scenario_id=`): everything the
   * core can decide without I/O. When the scenario is not known yet, answers
   * `{load: id}`: read that row (`null` when there is none) and call again with it.
   *
   * @throws {EdgeError} with the code and HTTP status of the refusal.
   */
  plan(
    userId: string,
    body: string,
    queryScenarioId: string | null | undefined,
    now?: Date,
    row?: unknown,
  ): PlanStep {
    try {
      return JSON.parse(this.#core.plan(
        userId,
        body,
        queryScenarioId ?? undefined,
        seconds(now),
        row === undefined ? undefined : JSON.stringify(row),
      ));
    } catch (e) {
      rethrow(e);
    }
  }

  /**
   * Mints a planned token (`plan.mint` or `plan.avatar_mint`) for its room,
   * living no longer than `notAfter` (e.g. the session's end; at least 1 s).
   */
  mint(plan: string, room: string, now?: Date, notAfter?: Date): MintedToken {
    try {
      return JSON.parse(
        this.#core.mint(plan, room, seconds(now), notAfter && seconds(notAfter)),
      );
    } catch (e) {
      rethrow(e);
    }
  }

  /** The validated row of the scenario a plan named (`plan.scenario_id`). */
  scenario(id: string): Scenario {
    try {
      return JSON.parse(this.#core.scenario(id));
    } catch (e) {
      rethrow(e);
    }
  }

  /**
   * The agents to dispatch when a new session's room is created, from
   * `plan.dispatch`: the scenario's agent (its metadata carries the scenario,
   * the session id and what the caller sent for it) and those the caller asked for.
   */
  agents(dispatch: string, sessionId: string): RoomAgentDispatchGrant[] {
    try {
      return JSON.parse(this.#core.agents(dispatch, sessionId));
    } catch (e) {
      rethrow(e);
    }
  }

  /**
   * Verifies a caller's Supabase JWT with this deployment's JWT secret and
   * rules. `jwks`: the project's JWKS (JSON text) when known; `fetchJwks`
   * is asked for it (once) when the token needs a key it lacks.
   */
  async authenticate(
    token: string,
    jwks: string | undefined,
    fetchJwks: () => Promise<string | undefined>,
    now?: Date,
  ): Promise<SupabaseClaims> {
    let outcome: JwtOutcome;
    try {
      outcome = JSON.parse(this.#core.authenticate(token, jwks, seconds(now), false));
      if ("jwks" in outcome) {
        const fresh = await fetchJwks();
        outcome = JSON.parse(this.#core.authenticate(token, fresh, seconds(now), true));
      }
    } catch (e) {
      rethrow(e);
    }
    return await settle(token, outcome);
  }

  /** Whether `token` is an HS256 `service_role` JWT of this project. */
  isServiceRoleJwt(token: string, now?: Date): boolean {
    return this.#core.isServiceRoleJwt(token, seconds(now));
  }
}
