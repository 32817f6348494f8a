/**
 * Structured JSON logs, one line per event. Callers pass named fields only
 * (codes, ids, paths): never a header, a body, a token, a key or a secret.
 * Security events (`auth_failed`, `rate_limited`, `webhook_rejected`,
 * `callback_rejected`) go through here so they can be counted and alerted on.
 */

/** Values a log field may hold. */
export type LogValue = string | number | boolean | null | undefined;

/** The levels, least severe first (`LOG_LEVEL` names the least one written). */
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** A log sink: level, event name, fields. */
export type Logger = (
  level: (typeof LOG_LEVELS)[number],
  event: string,
  fields: Record<string, LogValue>,
) => void;

/** Writes one JSON object per line to the console (what Supabase's log explorer reads). */
export const jsonLogger: Logger = (level, event, fields) => {
  const line = JSON.stringify({ level, event, ...fields, time: new Date().toISOString() });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

/**
 * `sink` without the lines below the least level `least()` names (asked once,
 * on the first line: `LOG_LEVEL`, parsed with the settings).
 */
export function leveled(sink: Logger, least: () => string): Logger {
  let min = -1;
  return (level, event, fields) => {
    if (min < 0) min = Math.max(0, LOG_LEVELS.indexOf(least() as (typeof LOG_LEVELS)[number]));
    if (LOG_LEVELS.indexOf(level) >= min) sink(level, event, fields);
  };
}

/** The client address as the platform's proxy reports it (first `x-forwarded-for` hop). */
export function clientIp(req: Request): string | null {
  const fwd = req.headers.get("x-forwarded-for");
  return fwd ? fwd.split(",")[0]!.trim().slice(0, 64) : null;
}
