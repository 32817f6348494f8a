/**
 * HTTP plumbing shared by every function: CORS on every response (preflight
 * and errors included), a request id on every response, JSON errors
 * `{error: {code, message}}`, body limits, and routing relative to the
 * function's own path.
 */
import { EdgeError, type ErrorCode } from "livekit-tavus-edge";
import type { FunctionErrorCode } from "livekit-tavus-edge/avatar";
import { jsonLogger, type Logger } from "./log.ts";

/**
 * Every code an HTTP error body of the functions can carry: the core's and the
 * functions' own, both generated from the core's tables (`js/src/generated.ts`).
 */
export type Code = ErrorCode | FunctionErrorCode;

/** An error that becomes an HTTP response with a stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * The code of a caught error for a log line or a summary: an
 * {@linkcode HttpError}'s own, else `ERR_INTERNAL` (never the error's text,
 * which may carry request data).
 */
export function codeOf(e: unknown): Code {
  return e instanceof HttpError ? e.code : "ERR_INTERNAL";
}

/**
 * An {@linkcode EdgeError} from the core as an {@linkcode HttpError}: the core
 * gives each code its status (the table in the Rust core, `ERROR_STATUS`); a
 * code whose status there is the generic 500 takes `fallbackStatus` (e.g. 502
 * for what an upstream answer made the core refuse).
 */
export function fromEdgeError(e: EdgeError, fallbackStatus = 500): HttpError {
  const status = e.status !== 500 ? e.status : fallbackStatus;
  const headers: Record<string, string> = status === 401
    ? { "www-authenticate": 'Bearer error="invalid_token"' }
    : status === 503
    ? { "retry-after": "30" }
    : {};
  return new HttpError(status, e.code, e.message, headers);
}

/** Headers every response carries whatever the origin. */
const CORS_BASE: Record<string, string> = {
  "access-control-allow-headers":
    "authorization, x-client-info, apikey, content-type, x-retry-count, x-request-id",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-expose-headers": "x-request-id, retry-after",
  "access-control-max-age": "86400",
};

/** The CORS headers when every origin is allowed (the same for every request). */
const CORS_ANY: Readonly<Record<string, string>> = Object.freeze({
  ...CORS_BASE,
  "access-control-allow-origin": "*",
});

/**
 * CORS headers for a request from `origin`: `*` when every origin is allowed,
 * the origin itself (with `vary: origin`) when it is listed, and no
 * `access-control-allow-origin` at all otherwise (the browser then blocks it).
 */
export function corsHeaders(origin: string | null, allowed: string[]): Record<string, string> {
  if (allowed.includes("*")) return CORS_ANY;
  const headers: Record<string, string> = { ...CORS_BASE, vary: "origin" };
  if (origin !== null && allowed.includes(origin)) {
    headers["access-control-allow-origin"] = origin;
  }
  return headers;
}

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

/** Bytes as lower-case hex digits, two a byte. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
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

/** A handler that also receives the request id. */
export type InnerHandler = (req: Request, requestId: string) => Response | Promise<Response>;

/** Options of {@linkcode withHttp}. */
export interface HttpOptions {
  /** Makes request ids. */
  newId?: () => string;
  /** The allowed CORS origins (parsed once by the caller). */
  corsOrigins?: () => string[];
  /** Where unexpected errors are logged. */
  log?: Logger;
}

/**
 * Wraps a handler: answers CORS preflight, turns thrown {@linkcode HttpError}s
 * (and core {@linkcode EdgeError}s) into JSON errors, hides unexpected errors
 * behind a 500 with a code, and adds CORS and request-id headers to every
 * response.
 */
export function withHttp(handler: InnerHandler, options: HttpOptions = {}): Handler {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const log = options.log ?? jsonLogger;
  return async (req) => {
    const requestId = newId();
    let res: Response;
    if (req.method === "OPTIONS") {
      res = new Response(null, { status: 204 });
    } else {
      try {
        res = await handler(req, requestId);
      } catch (e) {
        if (e instanceof HttpError) {
          res = errorResponse(e);
        } else if (e instanceof EdgeError) {
          res = errorResponse(fromEdgeError(e));
        } else {
          // The error itself may carry request data: log only its class.
          log("error", "unhandled_error", {
            request_id: requestId,
            error: e instanceof Error ? e.name : typeof e,
          });
          res = errorResponse(new HttpError(500, "ERR_INTERNAL", "internal error"));
        }
      }
    }
    let origins: string[];
    try {
      origins = options.corsOrigins?.() ?? ["*"];
    } catch {
      origins = ["*"];
    }
    for (const [k, v] of Object.entries(corsHeaders(req.headers.get("origin"), origins))) {
      res.headers.set(k, v);
    }
    res.headers.set("x-request-id", requestId);
    return res;
  };
}

/** 405 unless the method is one of `allowed`. */
export function allowMethods(req: Request, ...allowed: string[]): void {
  if (!allowed.includes(req.method)) {
    throw new HttpError(405, "ERR_METHOD_NOT_ALLOWED", `use ${allowed.join(" or ")}`, {
      allow: [...allowed, "OPTIONS"].join(", "),
    });
  }
}

/**
 * Reads a body meant to be a JSON object as text, for the core to parse: at
 * most `maxBytes` (413), UTF-8 (400), `application/json` unless empty (415).
 */
export async function readJsonText(req: Request, maxBytes: number): Promise<string> {
  const text = await readLimited(req, maxBytes);
  const type = req.headers.get("content-type") ?? "";
  if (text.trim() !== "" && !/^application\/json\b/i.test(type.trim())) {
    throw new HttpError(415, "ERR_UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  }
  return text;
}

/** Reads a JSON object body; an empty body is `{}`. */
export async function readJsonObject(
  req: Request,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const text = await readJsonText(req, maxBytes);
  if (text.trim() === "") return {};
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

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "ERR_BODY_TOO_LARGE", `request body is larger than ${maxBytes} bytes`);
}

/** Reads at most `maxBytes` of the body as UTF-8, refusing anything longer. */
export async function readLimited(req: Request, maxBytes: number): Promise<string> {
  // A body whose length the request declares (and the server enforces) within the
  // limit is read whole; one declared larger is refused unread; only one without a
  // length (chunked) is counted as it streams.
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes);
  }
  const bytes = declared !== null && Number(declared) <= maxBytes
    ? new Uint8Array(await req.arrayBuffer())
    : await readLimitedBytes(req, maxBytes);
  if (bytes.byteLength > maxBytes) {
    throw tooLarge(maxBytes);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "ERR_BAD_ENCODING", "the body is not valid UTF-8");
  }
}

/**
 * Reads at most `maxBytes` of the body as the exact bytes received (nothing
 * decoded, no byte-order mark stripped), refusing anything longer. What a
 * signature or hash covers must be checked on these bytes.
 */
export async function readLimitedBytes(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/**
 * `fetch` with a deadline: aborts after `timeoutMs` and throws an
 * {@linkcode HttpError} 504 with `timeoutCode`; a network failure becomes a
 * 502 with `networkCode`. The message names the service, never the URL's
 * query or any header.
 */
export async function fetchWithTimeout(
  fetchFn: typeof fetch,
  input: string | URL,
  init: RequestInit,
  timeoutMs: number,
  service: string,
  codes: { timeout: FunctionErrorCode; network: FunctionErrorCode },
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(input, { ...init, signal: controller.signal });
    // The deadline covers the body too.
    const body = await res.arrayBuffer();
    return new Response(body, { status: res.status, headers: res.headers });
  } catch (e) {
    if (controller.signal.aborted) {
      throw new HttpError(504, codes.timeout, `${service} did not answer within ${timeoutMs} ms`);
    }
    if (e instanceof HttpError) throw e;
    throw new HttpError(502, codes.network, `${service} could not be reached`);
  } finally {
    clearTimeout(timer);
  }
}

/** A `fetch` that applies {@linkcode fetchWithTimeout} to every call (for supabase-js). */
export function timedFetch(
  fetchFn: typeof fetch,
  timeoutMs: number,
  service: string,
  codes: { timeout: FunctionErrorCode; network: FunctionErrorCode },
): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    if (input instanceof Request) {
      return fetchWithTimeout(
        fetchFn,
        input.url,
        { method: input.method, headers: input.headers, body: input.body, ...init },
        timeoutMs,
        service,
        codes,
      );
    }
    return fetchWithTimeout(fetchFn, input, init ?? {}, timeoutMs, service, codes);
  }) as typeof fetch;
}
