/**
 * Avatar scenarios (`public.avatar_configs` rows): validation with the same
 * rules as the table's check constraints, and the agent-dispatch metadata.
 *
 * @module
 */
import { core, json } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { Scenario } from "./generated.ts";

export type { Scenario } from "./generated.ts";

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
    return JSON.parse(core.validateScenario(json(scenario, "ERR_INVALID_INPUT")));
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
      json(scenario, "ERR_INVALID_INPUT"),
      options.sessionId,
      options.clientMetadata,
    );
  } catch (e) {
    rethrow(e);
  }
}
