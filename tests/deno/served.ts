/**
 * Starts the local functions gateway (scripts/gateway.ts) on a free loopback
 * port with the given environment, for tests that go through real HTTP.
 */
import { captureProxy, captureSink } from "./capture.ts";
export interface Served {
  base: string;
  /** Everything the functions and gateway printed, for leak scans. */
  logs: () => string;
  close: () => Promise<void>;
}

const root = new URL("../..", import.meta.url).pathname;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** What the gateway and its functions need of this process's environment to run Deno at all. */
const PROCESS_ENV = Object.fromEntries(
  ["PATH", "HOME", "DENO_DIR"].map((k) => [k, Deno.env.get(k) ?? ""]),
);

/**
 * Serves every function with `env` as the whole environment (besides
 * `PATH`, `HOME` and `DENO_DIR`, passed on from this process).
 */
export async function serveFunctions(
  env: Record<string, string>,
  gatewayArgs: string[] = [],
): Promise<Served> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      `${root}scripts/gateway.ts`,
      "--port",
      String(port),
      ...gatewayArgs,
    ],
    env: { ...PROCESS_ENV, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // With LTE_CAPTURE_DIR (scripts/test.sh), logs and responses go to the leak scan.
  const id = `${port}-${crypto.randomUUID().slice(0, 8)}.log`;
  const capture = captureSink("served", id);
  let logs = "";
  const decoder = new TextDecoder();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => ready = r);
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      capture(chunk);
      logs += decoder.decode(chunk, { stream: true });
      if (logs.includes("ready\n")) ready();
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const timeout = setTimeout(() => ready(), 60_000);
  await Promise.race([isReady, child.status]);
  clearTimeout(timeout);
  if (!logs.includes("ready\n")) {
    throw new Error(`gateway did not start:\n${logs}`);
  }
  const proxy = captureProxy(`http://127.0.0.1:${port}`, id);
  return {
    base: `${proxy?.origin ?? `http://127.0.0.1:${port}`}/functions/v1`,
    logs: () => logs,
    close: async () => {
      await proxy?.close();
      child.kill("SIGTERM");
      await child.status;
      await pumps;
    },
  };
}
