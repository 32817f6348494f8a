/**
 * The one constructor of report lines, shared by the checks.
 *
 * @module
 */
import type { CheckGroup, CheckResult, CheckStatus } from "./types.ts";

/**
 * A report line. `code` and `fix` are `null` for `ok` and `skip` lines.
 *
 * @example
 * ```ts
 * line("tavus", "tavus.api_key", "Tavus API key", "ok", null, "key accepted", null);
 * ```
 */
export function line(
  group: CheckGroup,
  id: string,
  title: string,
  status: CheckStatus,
  code: string | null,
  found: string,
  fix: string | null,
): CheckResult {
  return { id, group, status, code, title, found, fix };
}

/**
 * A line of a check that could not run; `found` says which other line holds the cause.
 *
 * @example
 * ```ts
 * skipped("livekit", "livekit.server_api", "LiveKit server API", "LiveKit settings are incomplete");
 * ```
 */
export function skipped(
  group: CheckGroup,
  id: string,
  title: string,
  found: string,
): CheckResult {
  return line(group, id, title, "skip", null, found, null);
}
