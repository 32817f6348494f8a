/**
 * Avatar scenarios (`public.avatar_configs` rows): validation with the same
 * rules as the table's check constraints, and the agent-dispatch metadata.
 *
 * @module
 */
import { core } from "./core.ts";
import { rethrow } from "./errors.ts";

/** One scenario, as stored in `public.avatar_configs`. */
export interface Scenario {
  /** Slug, `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters. */
  scenario_id: string;
  /** Human name, 1..100 characters. */
  display_name: string;
  /** Tavus replica (face) id, `^r[0-9a-z]{2,63}$`. */
  replica_id: string;
  /** Tavus persona (PAL) id, `^p[0-9a-z]{2,63}$`. */
  persona_id?: string | null;
  /** A full lower-case Tavus language name (default `english`). */
  language?: string;
  /** The conversational context, 1..10000 characters. */
  prompt: string;
  /** What the avatar says first, at most 1000 characters. */
  greeting?: string | null;
  /** Hard cap on the conversation, 60..3600 seconds (default 1800). */
  max_call_duration_seconds?: number;
  /** LiveKit agent dispatched in agent mode. */
  agent_name?: string | null;
  /** Disabled scenarios count as unknown (default true). */
  enabled?: boolean;
}

/** A scenario as the core read it: defaults applied. */
export type ValidScenario = Required<Scenario>;

/**
 * Validates a scenario row and returns it with defaults applied.
 *
 * @example
 * ```ts
 * const s = validateScenario(row); // throws EdgeError ERR_SCENARIO_LANGUAGE for "en"
 * console.log(s.max_call_duration_seconds);
 * ```
 * @throws {EdgeError} `ERR_SCENARIO_ID`, `ERR_SCENARIO_REPLICA`, `ERR_SCENARIO_PERSONA`,
 * `ERR_SCENARIO_LANGUAGE`, `ERR_SCENARIO_PROMPT`, `ERR_SCENARIO_GREETING`,
 * `ERR_SCENARIO_DURATION`, `ERR_SCENARIO_AGENT_NAME`, `ERR_SCENARIO_DISPLAY_NAME`.
 */
export function validateScenario(scenario: Scenario): ValidScenario {
  try {
    return core.validateScenario(scenario) as ValidScenario;
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Checks a requested scenario id (a slug) before looking it up.
 *
 * @example
 * ```ts
 * checkScenarioId("casual-conversation");
 * ```
 * @throws {EdgeError} `ERR_SCENARIO_ID`.
 */
export function checkScenarioId(id: string): void {
  try {
    core.checkScenarioId(id);
  } catch (e) {
    rethrow(e);
  }
}

/**
 * The metadata (JSON text) of the agent dispatched in agent mode: replica,
 * persona, language, prompt, greeting and `max_call_duration`, plus the session
 * id and what the client asked to pass on.
 *
 * @example
 * ```ts
 * const metadata = scenarioDispatchMetadata(scenario, { sessionId: session.id });
 * ```
 */
export function scenarioDispatchMetadata(
  scenario: Scenario,
  options: { sessionId?: string; clientMetadata?: string } = {},
): string {
  try {
    return core.scenarioDispatchMetadata(
      scenario,
      options.sessionId,
      options.clientMetadata,
    );
  } catch (e) {
    rethrow(e);
  }
}
