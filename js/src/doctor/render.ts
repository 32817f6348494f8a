/**
 * Printing the report: a table for people (colour only on a terminal, never
 * with `NO_COLOR`), JSON for machines, and a progress line on a terminal's
 * stderr while the network checks run.
 *
 * @module
 */
import type { CheckResult, CheckStatus, DoctorReport, TextSink } from "./types.ts";

const COLOURS: Record<CheckStatus, string> = {
  ok: "\x1b[32m",
  warn: "\x1b[33m",
  fail: "\x1b[31m",
  skip: "\x1b[2m",
};
const RESET = "\x1b[0m";
const BOLD = "\x1b[1m";
const DIM = "\x1b[2m";

/**
 * Whether to colour a stream: a terminal, `NO_COLOR` unset or empty
 * (https://no-color.org), and not turned off by `--no-color`.
 *
 * @example
 * ```ts
 * useColour({ isTTY: true, write() {} }, { NO_COLOR: "1" }, false); // false
 * ```
 */
export function useColour(
  sink: TextSink,
  env: Record<string, string | undefined>,
  noColourFlag: boolean,
): boolean {
  return sink.isTTY === true && !noColourFlag && !(env.NO_COLOR ?? "");
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function sourceLine(report: DoctorReport): string {
  const parts = ["the environment", ...report.sources.env_files];
  let s = `settings from ${parts.join(", ")}`;
  if (report.sources.secrets_source === "vault") {
    s += "; secrets from Vault (SECRETS_SOURCE=vault)";
  }
  return s;
}

/**
 * The report as a table: one line per check (`status  check  found  → fix`),
 * then a summary line.
 *
 * @example
 * ```ts
 * console.log(renderTable(report, { colour: false }));
 * ```
 */
export function renderTable(
  report: DoctorReport,
  opts: { colour: boolean },
): string {
  const c = (code: string, s: string) => opts.colour ? `${code}${s}${RESET}` : s;
  const width = Math.min(
    44,
    Math.max(...report.checks.map((r) => r.title.length), 5),
  );
  const lines: string[] = [];
  lines.push(c(BOLD, "livekit-tavus-edge doctor"));
  lines.push(c(DIM, sourceLine(report)));
  lines.push("");
  for (const r of report.checks) lines.push(renderLine(r, width, c));
  const s = report.summary;
  lines.push("");
  const summary = `${s.ok} ok, ${s.warn} warning${s.warn === 1 ? "" : "s"}, ${s.fail} failed${
    s.skip ? `, ${s.skip} skipped` : ""
  }`;
  lines.push(
    report.ok
      ? c(COLOURS.ok, `${summary}: nothing blocks this deployment`)
      : c(COLOURS.fail, `${summary}: fix the failed checks above`),
  );
  return lines.join("\n") + "\n";
}

function renderLine(
  r: CheckResult,
  width: number,
  c: (code: string, s: string) => string,
): string {
  const status = c(COLOURS[r.status], pad(r.status, 4));
  const title = r.title.length > width ? r.title.slice(0, width - 1) + "…" : pad(r.title, width);
  const fix = r.fix ? `  → ${r.fix}` : "";
  return `${status}  ${title}  ${r.found}${fix}`;
}

/**
 * The report as JSON (docs/doctor.schema.json), one document and a newline.
 *
 * @example
 * ```ts
 * const again = JSON.parse(renderJson(report));
 * ```
 */
export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A one-line progress display on a terminal's stderr; does nothing on a
 * stream that is not a terminal. `update` redraws the line, `done` erases it.
 *
 * @example
 * ```ts
 * const p = progress(stderr);
 * p.update(["LiveKit", "Tavus"]);
 * p.done();
 * ```
 */
export function progress(
  sink: TextSink,
): { update(pending: string[]): void; done(): void } {
  if (sink.isTTY !== true) return { update() {}, done() {} };
  let frame = 0;
  let drawn = false;
  return {
    update(pending: string[]) {
      if (pending.length === 0) return;
      const spin = SPINNER[frame++ % SPINNER.length]!;
      sink.write(`\r\x1b[2K${spin} checking ${pending.join(", ")}…`);
      drawn = true;
    },
    done() {
      if (drawn) sink.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
