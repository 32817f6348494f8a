/**
 * Configuration validation with a redacted report.
 *
 * @module
 */
import { core } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { ConfigReport } from "./types.ts";

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
export function validateConfig(env: Record<string, string | undefined>): ConfigReport {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") clean[k] = v;
  try {
    return core.validateConfig(clean) as ConfigReport;
  } catch (e) {
    rethrow(e);
  }
}
