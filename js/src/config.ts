/**
 * Configuration: every setting of the functions parsed and validated by the
 * core, with a redacted report.
 *
 * @module
 */
import { core, json } from "./core.ts";
import { rethrow } from "./errors.ts";
import type { ConfigReport, KeySource, LoadedSettings } from "./generated.ts";

export type {
  AvatarMode,
  ConfigProblem,
  ConfigReport,
  EdgeSettings,
  KeySource,
  LoadedSettings,
} from "./generated.ts";

/**
 * The variables of `env` that hold strings (undefined ones are absent), as
 * JSON for the core. Internal to the package.
 *
 * @example
 * ```ts
 * envJson({ AVATAR_MODE: "agent", UNSET: undefined }); // '{"AVATAR_MODE":"agent"}'
 * ```
 */
export function envJson(env: Record<string, string | undefined>): string {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === "string") clean[k] = v;
  }
  return json(clean, "ERR_INVALID_INPUT");
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
export function parseSettings(env: Record<string, string | undefined>): LoadedSettings {
  try {
    return JSON.parse(core.parseSettings(envJson(env)));
  } catch (e) {
    rethrow(e);
  }
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
export function validateConfig(env: Record<string, string | undefined>): ConfigReport {
  return parseSettings(env).report;
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
