/**
 * A real livekit-server for tests: the binary `scripts/setup.sh` builds from
 * its Go module (`.cache/bin/livekit-server`, see tools/go/livekit-server),
 * started on free loopback ports with the given keys and webhook URLs.
 *
 * ```ts
 * const lk = await startLiveKitServer({ keys: { devkey: "secret" }, webhookUrls: [url] });
 * // lk.wsUrl (ws://127.0.0.1:<port>), lk.httpUrl (server API), lk.logs()
 * await lk.close();
 * ```
 *
 * Run directly, it serves until stopped (scripts/serve.sh):
 *
 *   deno run -A tests/e2e/livekit_server.ts --port 7880 --rtc-tcp 7881 --rtc-udp 7882 \
 *     --webhook http://127.0.0.1:54321/functions/v1/livekit-webhook --dev --log .cache/serve/livekit.log
 *
 * with the keys in LIVEKIT_API_KEY / LIVEKIT_API_SECRET.
 */
import { captureSink } from "../deno/capture.ts";

const root = new URL("../..", import.meta.url).pathname;

/** Where setup.sh puts the binary (override with `LIVEKIT_SERVER_BIN`). */
export function livekitServerBinary(): string {
  return Deno.env.get("LIVEKIT_SERVER_BIN") ?? `${root}.cache/bin/livekit-server`;
}

/** Options of {@linkcode startLiveKitServer}. */
export interface LiveKitServerOptions {
  /** API keys and secrets the server accepts (default `{devkey: "secret"}`). */
  keys?: Record<string, string>;
  /** Where the server posts its webhooks (none by default). */
  webhookUrls?: string[];
  /** The key webhooks are signed with (default: the first of `keys`). */
  webhookApiKey?: string;
  /** Seconds an empty room lives before it closes (server default 300; here 10). */
  emptyTimeout?: number;
  /** Seconds a room lives after its last participant left (server default 20; here 1). */
  departureTimeout?: number;
  /** Rooms are created by the first join (default true). */
  autoCreate?: boolean;
  /** The signalling/API port (default a free one). */
  port?: number;
  /** The ICE TCP and UDP ports (default free ones). */
  rtcTcpPort?: number;
  rtcUdpPort?: number;
  /** Start with `--dev` (as scripts/serve.sh does). */
  dev?: boolean;
  /** Log level (default `info`). */
  logLevel?: string;
  /** Pass the server's output through to this process' stderr as well. */
  inheritOutput?: boolean;
  /** Append the server's output to this file instead of keeping it in memory (`logs()` is then empty). */
  logFile?: string;
}

/** A running server. */
export interface LiveKitServer {
  /** `ws://127.0.0.1:<port>`: what clients and tokens use. */
  wsUrl: string;
  /** `http://127.0.0.1:<port>`: the server API (Twirp). */
  httpUrl: string;
  /** The keys it accepts. */
  keys: Record<string, string>;
  /** Everything it printed so far. */
  logs: () => string;
  /** The process id. */
  pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  close: () => Promise<void>;
}

/** A free loopback TCP port. */
export function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * A free loopback UDP port: a port the kernel just handed out for TCP that no
 * UDP socket holds either (`Deno.listenDatagram` needs `--unstable-net`).
 */
export function freeUdpPort(): number {
  const used = new Set<number>();
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    try {
      for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
        const local = line.trim().split(/\s+/)[1];
        if (local) used.add(parseInt(local.split(":")[1]!, 16));
      }
    } catch {
      // No such table here.
    }
  }
  for (let i = 0; i < 50; i++) {
    const p = freeTcpPort();
    if (!used.has(p)) return p;
  }
  throw new Error("no free UDP port found");
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** The server's YAML configuration for these options (JSON strings are valid YAML). */
export function livekitConfig(
  o:
    & Required<Pick<LiveKitServerOptions, "keys" | "port" | "rtcTcpPort" | "rtcUdpPort">>
    & LiveKitServerOptions,
): string {
  const keys = Object.entries(o.keys).map(([k, v]) => `  ${yamlString(k)}: ${yamlString(v)}`);
  const lines = [
    `port: ${o.port}`,
    `bind_addresses: ["127.0.0.1"]`,
    `rtc:`,
    `  tcp_port: ${o.rtcTcpPort}`,
    `  udp_port: ${o.rtcUdpPort}`,
    `  use_external_ip: false`,
    `  node_ip: 127.0.0.1`,
    `  enable_loopback_candidate: true`,
    `  use_mdns: false`,
    `keys:`,
    ...keys,
    `room:`,
    `  auto_create: ${o.autoCreate ?? true}`,
    `  empty_timeout: ${o.emptyTimeout ?? 10}`,
    `  departure_timeout: ${o.departureTimeout ?? 1}`,
    `turn:`,
    `  enabled: false`,
    `logging:`,
    `  level: ${o.logLevel ?? "info"}`,
    `  json: false`,
  ];
  if (o.webhookUrls && o.webhookUrls.length > 0) {
    lines.push(
      `webhook:`,
      `  api_key: ${yamlString(o.webhookApiKey ?? Object.keys(o.keys)[0]!)}`,
      `  urls:`,
      ...o.webhookUrls.map((u) => `    - ${yamlString(u)}`),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Starts the cached livekit-server binary and waits until its HTTP port
 * answers (`GET /` → `OK`). Throws with the server's output if it exits or is
 * not up within 30 s.
 */
export async function startLiveKitServer(
  options: LiveKitServerOptions = {},
): Promise<LiveKitServer> {
  // A free port can be taken by another process between the probe and the server's bind (the
  // machine is shared): try again on new ports, unless the caller fixed them.
  const fixed = options.port !== undefined || options.rtcTcpPort !== undefined ||
    options.rtcUdpPort !== undefined;
  for (let attempt = 1;; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      if (fixed || attempt >= 3 || !String(e).includes("address already in use")) throw e;
    }
  }
}

async function startOnce(options: LiveKitServerOptions): Promise<LiveKitServer> {
  const bin = livekitServerBinary();
  try {
    Deno.statSync(bin);
  } catch {
    throw new Error(
      `no livekit-server at ${bin}: run bash scripts/setup.sh (it builds it from its Go module)`,
    );
  }
  const keys = options.keys ?? { devkey: "secret" };
  const port = options.port ?? freeTcpPort();
  const o = {
    ...options,
    keys,
    port,
    rtcTcpPort: options.rtcTcpPort ?? freeTcpPort(),
    rtcUdpPort: options.rtcUdpPort ?? freeUdpPort(),
  };
  const dir = Deno.makeTempDirSync({ prefix: "lte-livekit-" });
  const configPath = `${dir}/livekit.yaml`;
  Deno.writeTextFileSync(configPath, livekitConfig(o));
  const child = new Deno.Command(bin, {
    args: [...(options.dev ? ["--dev"] : []), "--config", configPath],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const capture = captureSink("served", `livekit-${port}.log`);
  let logs = "";
  const decoder = new TextDecoder();
  const logFile = options.logFile
    ? Deno.openSync(options.logFile, { append: true, create: true })
    : null;
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      capture(chunk);
      if (options.inheritOutput) await Deno.stderr.write(chunk);
      if (logFile) logFile.writeSync(chunk);
      else logs += decoder.decode(chunk, { stream: true });
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let up = false;
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(`${httpUrl}/`);
      const text = await res.text();
      if (res.ok && text.trim() === "OK") {
        up = true;
        break;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const close = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, 5_000);
      await status;
      clearTimeout(timer);
    }
    await pumps;
    logFile?.close();
    Deno.removeSync(dir, { recursive: true });
  };
  if (!up) {
    await close();
    const printed = logFile ? Deno.readTextFileSync(options.logFile!) : logs;
    throw new Error(`livekit-server did not come up on ${httpUrl}:\n${printed.slice(-4000)}`);
  }
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl,
    keys,
    logs: () => logs,
    pid: child.pid,
    close,
  };
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i === -1 ? undefined : Deno.args[i + 1];
  };
  const num = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  const key = Deno.env.get("LIVEKIT_API_KEY") ?? "devkey";
  const secret = Deno.env.get("LIVEKIT_API_SECRET") ?? "secret";
  const webhook = arg("--webhook");
  const lk = await startLiveKitServer({
    keys: { [key]: secret },
    port: num("--port"),
    rtcTcpPort: num("--rtc-tcp"),
    rtcUdpPort: num("--rtc-udp"),
    webhookUrls: webhook ? [webhook] : [],
    dev: Deno.args.includes("--dev"),
    departureTimeout: 20,
    emptyTimeout: 300,
    logFile: arg("--log"),
  });
  console.log(`livekit-server ${lk.wsUrl} ready`);
  const stop = async () => {
    await lk.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
