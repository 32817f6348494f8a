/**
 * The command line: `livekit-tavus-edge doctor [options]`. {@linkcode main}
 * takes its inputs and outputs as arguments (no global state), so tests call
 * it directly; `bin.ts` connects it to the running process under Node or Deno.
 *
 * @module
 */
import { parseEnvFile } from "./envfile.ts";
import { renderJson, renderTable, runDoctor, useColour } from "./mod.ts";
import { progress } from "./render.ts";
import type { DoctorOptions, TextSink } from "./types.ts";

/** What the command line reads and writes. */
export interface CliIo {
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** Reads a text file (env files, `--scenarios`); rejects when it cannot. */
  readTextFile(path: string): Promise<string>;
  /** Standard output: the report. */
  stdout: TextSink;
  /** Standard error: usage errors and, on a terminal, the progress line. */
  stderr: TextSink;
  /** The HTTP client (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
}

/** Exit codes: nothing failed, a check failed, the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `Usage: livekit-tavus-edge doctor [options]

Checks a deployment's settings and whether LiveKit, Tavus and the Supabase
database answer as they should. Exit code 0 when no check failed, 1 when one
did, 2 for a wrong command line.

Options:
  --env-file <file>    read variables from a dotenv file (repeatable; later files
                       win, the process environment wins over all files)
  --scenarios <file>   JSON array of scenarios to check when no database is
                       configured (the functions' embedded defaults)
  --no-vault           do not read Vault even when SECRETS_SOURCE=vault
  --timeout <ms>       limit per HTTP request (default UPSTREAM_TIMEOUT_MS, else 10000)
  --json               print the report as JSON (docs/doctor.schema.json)
  --no-color           no colour (also: NO_COLOR=1); colour is only used on a terminal
  -h, --help           this text
`;

interface Args {
  envFiles: string[];
  scenarios?: string;
  noVault: boolean;
  timeoutMs?: number;
  json: boolean;
  noColour: boolean;
  help: boolean;
}

/**
 * Parses the arguments after `doctor`; throws a message for people on a mistake.
 *
 * @example
 * ```ts
 * parseArgs(["--env-file", "a.env", "--json"]).envFiles; // ["a.env"]
 * ```
 */
export function parseArgs(argv: string[]): Args {
  const args: Args = {
    envFiles: [],
    noVault: false,
    json: false,
    noColour: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--env-file":
        args.envFiles.push(value());
        break;
      case "--scenarios":
        args.scenarios = value();
        break;
      case "--timeout": {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 100 || n > 120_000) {
          throw new Error("--timeout takes milliseconds from 100 to 120000");
        }
        args.timeoutMs = n;
        break;
      }
      case "--no-vault":
        args.noVault = true;
        break;
      case "--json":
        args.json = true;
        break;
      case "--no-color":
      case "--no-colour":
        args.noColour = true;
        break;
      case "-h":
      case "--help":
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(raw.slice(0, 40))}`);
    }
  }
  return args;
}

function errorMessage(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (
    code === "ENOENT" || (e as { name?: unknown } | null)?.name === "NotFound"
  ) return "no such file";
  if (
    code === "EACCES" ||
    (e as { name?: unknown } | null)?.name === "PermissionDenied"
  ) {
    return "permission denied";
  }
  return e instanceof Error ? e.message.split("\n")[0]!.slice(0, 120) : "cannot read it";
}

/**
 * Runs the command line and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await main(["doctor", "--env-file", "supabase/functions/.env"], {
 *   env: Deno.env.toObject(),
 *   readTextFile: Deno.readTextFile,
 *   stdout: { write: (s) => console.log(s), isTTY: false },
 *   stderr: { write: (s) => console.error(s), isTTY: false },
 * });
 * ```
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help" || command === "help") {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command !== "doctor") {
    io.stderr.write(
      `${
        command === undefined
          ? "no command"
          : `unknown command ${JSON.stringify(command.slice(0, 40))}`
      }\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  let args: Args;
  try {
    args = parseArgs(rest);
  } catch (e) {
    io.stderr.write(`doctor: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }

  const options: DoctorOptions = {
    env: io.env,
    envFiles: [],
    noVault: args.noVault,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.now ? { now: io.now } : {}),
    ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}),
  };
  for (const path of args.envFiles) {
    try {
      options.envFiles!.push({
        path,
        ...parseEnvFile(await io.readTextFile(path)),
      });
    } catch (e) {
      io.stderr.write(
        `doctor: cannot read --env-file ${path}: ${errorMessage(e)}\n`,
      );
      return EXIT.usage;
    }
  }
  if (args.scenarios) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await io.readTextFile(args.scenarios));
    } catch (e) {
      io.stderr.write(
        `doctor: cannot read --scenarios ${args.scenarios}: ${errorMessage(e)}\n`,
      );
      return EXIT.usage;
    }
    if (!Array.isArray(parsed)) {
      io.stderr.write(
        `doctor: --scenarios ${args.scenarios} must hold a JSON array of scenarios\n`,
      );
      return EXIT.usage;
    }
    options.fallbackScenarios = parsed;
    options.fallbackScenariosSource = args.scenarios;
  }

  const line = progress(io.stderr);
  let pending: string[] = [];
  const timer = io.stderr.isTTY ? setInterval(() => line.update(pending), 120) : undefined;
  options.onProgress = (p) => {
    pending = p;
    line.update(p);
  };
  let report;
  try {
    report = await runDoctor(options);
  } finally {
    if (timer !== undefined) clearInterval(timer);
    line.done();
  }
  io.stdout.write(
    args.json ? renderJson(report) : renderTable(report, {
      colour: useColour(io.stdout, io.env, args.noColour),
    }),
  );
  return report.ok ? EXIT.ok : EXIT.failed;
}
