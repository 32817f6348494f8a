/**
 * Shared plumbing of the loopback stand-ins: a server on 127.0.0.1 with a free
 * port, a record of every request it received (with the problems found in it),
 * and optional delays.
 */

/** One request a stand-in received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** Parsed JSON body, or the raw text when it was not JSON, or null when empty. */
  body: unknown;
  /** What did not follow the documented API (empty when the request was right). */
  problems: string[];
}

/** What every `start…()` returns. */
export interface StandIn {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Stops the server. */
  close: () => Promise<void>;
}

/** A handler of a stand-in: gets the recorded request to add problems to. */
export type StandInHandler = (
  req: Request,
  rec: RecordedRequest,
) => Response | Promise<Response>;

/** Starts a loopback server; `delayMs` (a number or per request) slows every answer. */
export function serveStandIn(
  handler: StandInHandler,
  delayMs: number | ((rec: RecordedRequest) => number) = 0,
): StandIn {
  const requests: RecordedRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      let body: unknown = null;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const rec: RecordedRequest = {
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        problems: [],
      };
      requests.push(rec);
      const wait = typeof delayMs === "function" ? delayMs(rec) : delayMs;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return await handler(new Request(req.url, { method: req.method, headers: req.headers }), rec);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** A JSON response. */
export function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Every problem found in any request, prefixed with the request line. */
export function allProblems(requests: RecordedRequest[]): string[] {
  return requests.flatMap((r) => r.problems.map((p) => `${r.method} ${r.path}: ${p}`));
}
