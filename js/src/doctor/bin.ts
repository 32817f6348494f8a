#!/usr/bin/env node
/**
 * The `livekit-tavus-edge` executable (package.json `bin`; `deno task doctor`):
 * connects {@linkcode main} to the running process under Node (>= 20) or Deno.
 *
 * @example
 * ```sh
 * npx livekit-tavus-edge doctor --env-file supabase/functions/.env
 * deno run --allow-net --allow-env --allow-read js/src/doctor/bin.ts doctor --json
 * ```
 *
 * @module
 */
import { type CliIo, main } from "./cli.ts";

/** The parts of Deno's global this file uses. */
interface DenoLike {
  args: string[];
  env: { toObject(): Record<string, string> };
  readTextFile(path: string): Promise<string>;
  stdout: { writeSync(b: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(b: Uint8Array): number; isTerminal(): boolean };
  exit(code: number): never;
}

/** The parts of Node's `process` this file uses. */
interface NodeStream {
  write(s: string): boolean;
  isTTY?: boolean;
}
interface ProcessLike {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: NodeStream;
  stderr: NodeStream;
  exitCode?: number;
}

const g = globalThis as unknown as { Deno?: DenoLike; process?: ProcessLike };

function denoSink(out: DenoLike["stdout"]) {
  const enc = new TextEncoder();
  return {
    write(s: string) {
      let bytes = enc.encode(s);
      while (bytes.length > 0) bytes = bytes.subarray(out.writeSync(bytes));
    },
    isTTY: out.isTerminal(),
  };
}

async function run(): Promise<void> {
  const deno = g.Deno;
  if (deno) {
    const io: CliIo = {
      env: deno.env.toObject(),
      readTextFile: (p) => deno.readTextFile(p),
      stdout: denoSink(deno.stdout),
      stderr: denoSink(deno.stderr),
    };
    deno.exit(await main(deno.args, io));
  }
  const proc = g.process;
  if (!proc) throw new Error("livekit-tavus-edge: needs Node >= 20 or Deno");
  // A variable specifier keeps type checkers from needing Node's types.
  const fsModule = "node:fs/promises";
  const fs = await import(fsModule) as {
    readFile(path: string, encoding: "utf8"): Promise<string>;
  };
  const io: CliIo = {
    env: proc.env,
    readTextFile: (p) => fs.readFile(p, "utf8"),
    stdout: {
      write: (s) => void proc.stdout.write(s),
      isTTY: proc.stdout.isTTY === true,
    },
    stderr: {
      write: (s) => void proc.stderr.write(s),
      isTTY: proc.stderr.isTTY === true,
    },
  };
  // exitCode (not exit()) lets Node flush stdout when it is a pipe.
  proc.exitCode = await main(proc.argv.slice(2), io);
}

await run();
