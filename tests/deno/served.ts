/**
 * Starts the local functions gateway (scripts/gateway.ts) on a free loopback
 * port with the given environment, for tests that go through real HTTP.
 */
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
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let logs = "";
  const decoder = new TextDecoder();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => ready = r);
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
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
  return {
    base: `http://127.0.0.1:${port}/functions/v1`,
    logs: () => logs,
    close: async () => {
      child.kill("SIGTERM");
      await child.status;
      await pumps;
    },
  };
}
