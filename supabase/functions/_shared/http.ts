/**
 * HTTP plumbing shared by every function: CORS on every response, a request
 * id on every response, JSON errors `{error: {code, message}}`, and routing
 * relative to the function's own path.
 */

/** An error that becomes an HTTP response with a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Headers browsers need to call the functions from another origin. */
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers":
    "authorization, x-client-info, apikey, content-type, x-retry-count, x-request-id",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-expose-headers": "x-request-id",
  "access-control-max-age": "86400",
};

/** A JSON response with the given status. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** The JSON error response for an {@linkcode HttpError}. */
export function errorResponse(err: HttpError): Response {
  return json({ error: { code: err.code, message: err.message } }, err.status, err.headers);
}

/**
 * The part of the path after the function's name: `/livekit-token/health` → `/health`.
 * Works for the hosted runtime (`/<name>/…`) and the local gateway alike.
 */
export function subPath(url: URL, functionName: string): string {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const at = segments.indexOf(functionName);
  const rest = at === -1 ? segments : segments.slice(at + 1);
  return "/" + rest.join("/");
}

/** A request handler, as given to `Deno.serve`. */
export type Handler = (req: Request) => Response | Promise<Response>;

/**
 * Wraps a handler: answers CORS preflight, turns thrown {@linkcode HttpError}s
 * into JSON errors, hides unexpected errors behind a 500 with a code, and adds
 * CORS and request-id headers to every response.
 */
export function withHttp(
  handler: Handler,
  newId: () => string = () => crypto.randomUUID(),
): Handler {
  return async (req) => {
    const requestId = newId();
    let res: Response;
    if (req.method === "OPTIONS") {
      res = new Response(null, { status: 204 });
    } else {
      try {
        res = await handler(req);
      } catch (e) {
        if (e instanceof HttpError) {
          res = errorResponse(e);
        } else {
          // The error itself may carry request data: log only its class.
          console.error(JSON.stringify({
            level: "error",
            event: "unhandled_error",
            request_id: requestId,
            error: e instanceof Error ? e.name : typeof e,
          }));
          res = errorResponse(new HttpError(500, "ERR_INTERNAL", "internal error"));
        }
      }
    }
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.headers.set(k, v);
    res.headers.set("x-request-id", requestId);
    return res;
  };
}

/** Reads a JSON object body; an empty body is `{}`. */
export async function readJsonObject(
  req: Request,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > maxBytes) {
    throw new HttpError(413, "ERR_BODY_TOO_LARGE", `request body is larger than ${maxBytes} bytes`);
  }
  const text = await readLimited(req, maxBytes);
  if (text.trim() === "") return {};
  if (!/^application\/json\b/i.test(type.trim())) {
    throw new HttpError(415, "ERR_UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "ERR_BAD_JSON", "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "ERR_BAD_JSON", "the body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/** Reads at most `maxBytes` of the body as UTF-8, refusing anything longer. */
export async function readLimited(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new HttpError(
        413,
        "ERR_BODY_TOO_LARGE",
        `request body is larger than ${maxBytes} bytes`,
      );
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "ERR_BAD_ENCODING", "the body is not valid UTF-8");
  }
}
