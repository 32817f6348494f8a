/**
 * Captures for the leak scan (scripts/leak-scan.ts). When the test command sets
 * `LTE_CAPTURE_DIR` (scripts/test.sh does), tests/deno/served.ts sends every
 * request through a loopback proxy that appends each response's status,
 * headers and body (and the request's method and function) to
 * `$LTE_CAPTURE_DIR/http/<id>.log`, and appends everything
 * the gateway and the functions print to `$LTE_CAPTURE_DIR/served/<id>.log`.
 * Without the variable nothing is captured and nothing is in the way.
 */

/** The capture directory, when the test command set one. */
export const CAPTURE_DIR: string | undefined = Deno.env.get("LTE_CAPTURE_DIR") || undefined;

/** An appender for `$LTE_CAPTURE_DIR/<sub>/<name>`, or a no-op without a capture directory. */
export function captureSink(sub: string, name: string): (data: Uint8Array | string) => void {
  if (!CAPTURE_DIR) return () => {};
  const dir = `${CAPTURE_DIR}/${sub}`;
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}`;
  const encoder = new TextEncoder();
  return (data) => {
    Deno.writeFileSync(path, typeof data === "string" ? encoder.encode(data) : data, {
      append: true,
    });
  };
}

/** Statuses whose response cannot carry a body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A loopback proxy in front of `origin` that records every exchange in
 * `http/<name>`; `null` without a capture directory.
 */
export function captureProxy(
  origin: string,
  name: string,
): { origin: string; close: () => Promise<void> } | null {
  if (!CAPTURE_DIR) return null;
  const sink = captureSink("http", name);
  const decoder = new TextDecoder();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const res = await fetch(`${origin}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: "manual",
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
    // Only the function's name: the rest of the path and the query are the test's own
    // input (a callback path holds a secret), not something the functions sent.
    const fn = url.pathname.split("/").slice(0, 4).join("/");
    sink(`=== ${req.method} ${fn} -> ${res.status}\n${headers}\n\n${decoder.decode(body)}\n`);
    return new Response(NO_BODY.has(res.status) ? null : body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}
