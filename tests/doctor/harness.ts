/**
 * Runs the doctor's command line in-process with captured streams, and scans
 * every output for the secrets of the run. Every output any doctor test
 * produces goes through {@linkcode scanForSecrets}.
 */
import { type CliIo, main } from "../../js/src/doctor/cli.ts";
import { assert } from "../deno/assert.ts";

function randomToken(length: number, prefix = ""): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const bytes = crypto.getRandomValues(new Uint8Array(length - prefix.length));
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * The secrets of this test run: random, fresh per run, with lengths that no
 * other number in the output is likely to equal (so a printed length shows).
 */
export const SECRETS = {
  LIVEKIT_API_KEY: randomToken(43, "API"),
  LIVEKIT_API_SECRET: randomToken(47),
  TAVUS_API_KEY: randomToken(51),
  SUPABASE_SERVICE_ROLE_KEY: randomToken(53, "sb_secret_"),
  SUPABASE_ANON_KEY: randomToken(57, "sb_publishable_"),
  TAVUS_CALLBACK_SECRET: randomToken(59),
  /** Only in Vault (never in the environment) in the Vault tests. */
  VAULT_LIVEKIT_API_SECRET: randomToken(61),
  /** A wrong secret for the same key. */
  WRONG_LIVEKIT_API_SECRET: randomToken(67),
  AUTH_JWT_SECRET: randomToken(71),
} as const;

function b64(s: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Every form a secret could leak in: raw, JSON, URL-encoded, base64, base64url (padded or not). */
function leakForms(secret: string): string[] {
  const std = b64(secret);
  const url = std.replaceAll("+", "-").replaceAll("/", "_");
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    std,
    std.replace(/=+$/, ""),
    url,
    url.replace(/=+$/, ""),
  ];
}

let scanned = 0;

/** How many outputs were scanned so far. */
export function outputsScanned(): number {
  return scanned;
}

/** Throws if `text` contains any secret of the run in any form, or a secret's length as a number. */
export function scanForSecrets(text: string, what: string): void {
  scanned++;
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const form of leakForms(secret)) {
      assert(
        !text.includes(form),
        `${what} leaks ${name} (as ${form === secret ? "is" : "an encoding"})`,
      );
    }
    // Also a fragment long enough to identify it.
    for (let i = 0; i + 16 <= secret.length; i += 8) {
      assert(
        !text.includes(secret.slice(i, i + 16)),
        `${what} leaks part of ${name}`,
      );
    }
    const len = new RegExp(`(?<![\\w.:])${secret.length}(?![\\w.:])`).exec(
      text,
    );
    assert(
      len === null,
      `${what} contains the number ${secret.length}, the length of ${name}: …${
        text.slice(Math.max(0, (len?.index ?? 0) - 40), (len?.index ?? 0) + 40)
      }…`,
    );
  }
}

/** What one command-line run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunOptions {
  /** Whether stdout / stderr claim to be terminals. */
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  /** Files `readTextFile` can read (path → text); other paths are "not found". */
  files?: Record<string, string>;
  now?: () => Date;
  fetch?: typeof fetch;
}

/**
 * Runs `main(argv)` with `env` and captured streams; scans both streams for
 * secrets before returning.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string>,
  opts: RunOptions = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    env,
    readTextFile: (path) => {
      const text = opts.files?.[path];
      if (text === undefined) {
        return Promise.reject(
          Object.assign(new Error(`open '${path}'`), { code: "ENOENT" }),
        );
      }
      return Promise.resolve(text);
    },
    stdout: {
      write: (s) => void (stdout += s),
      isTTY: opts.stdoutTTY ?? false,
    },
    stderr: {
      write: (s) => void (stderr += s),
      isTTY: opts.stderrTTY ?? false,
    },
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  const code = await main(argv, io);
  scanForSecrets(stdout, `stdout of doctor ${argv.join(" ")}`);
  scanForSecrets(stderr, `stderr of doctor ${argv.join(" ")}`);
  return { code, stdout, stderr };
}

/** The table line of a check, found by its title (the second column). */
export function lineOf(stdout: string, title: string): string {
  const line = stdout.split("\n").find((l) => {
    const cols = l.split(/ {2,}/);
    return cols[1]?.trim() === title || cols[1]?.trim().startsWith(title);
  });
  assert(
    line !== undefined,
    `no line for ${JSON.stringify(title)} in:\n${stdout}`,
  );
  return line;
}

const repo = new URL("../../", import.meta.url).pathname;

/**
 * Compiles the doctor's executable (js/src/doctor/bin.ts and what it imports)
 * with the package's tsconfig into a temporary directory, next to a copy of
 * js/gen, as the npm package lays it out: the result runs under plain Node.
 */
export async function compileForNode(): Promise<{ bin: string; remove: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "doctor-node-" });
  const tsconfig = {
    extends: `${repo}js/tsconfig.json`,
    compilerOptions: { outDir: `${dir}/dist`, rootDir: `${repo}js`, declaration: false },
    files: [`${repo}js/src/doctor/bin.ts`],
    include: [],
  };
  await Deno.writeTextFile(`${dir}/tsconfig.json`, JSON.stringify(tsconfig));
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify({ type: "module" }));
  const tsc = await new Deno.Command(`${repo}tools/node_modules/.bin/tsc`, {
    args: ["-p", `${dir}/tsconfig.json`],
  }).output();
  const dec = new TextDecoder();
  assert(tsc.success, `tsc: ${dec.decode(tsc.stdout)}${dec.decode(tsc.stderr)}`);
  const cp = await new Deno.Command("cp", { args: ["-R", `${repo}js/gen`, `${dir}/dist/gen`] })
    .output();
  assert(cp.success, "copying js/gen failed");
  return {
    bin: `${dir}/dist/src/doctor/bin.js`,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Runs a command with exactly `env`, scans its output for secrets, returns what it printed. */
export async function runProcess(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<CliRun> {
  const out = await new Deno.Command(cmd, {
    args,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const run = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  scanForSecrets(run.stdout, `stdout of ${cmd} ${args.join(" ")}`);
  scanForSecrets(run.stderr, `stderr of ${cmd} ${args.join(" ")}`);
  return run;
}
