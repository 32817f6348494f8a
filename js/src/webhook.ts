/**
 * LiveKit webhooks: verifying what LiveKit's server posts, and signing bodies
 * the same way (for tests and relays).
 *
 * @module
 */
import { core, seconds } from "./core.ts";
import { EdgeError, rethrow } from "./errors.ts";
import { keysJson } from "./token.ts";
import type { KeyMap, ServerApiOptions, WebhookEvent, WebhookOptions } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `String.prototype.isWellFormed` (ES2024) where the engine has it. */
function wellFormed(s: string): boolean {
  return (s as { isWellFormed?: () => boolean }).isWellFormed?.() === true;
}

/** Refuses a body that is not the raw text or bytes (e.g. JSON a framework already parsed). */
function rawBody(body: unknown): string | Uint8Array {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new EdgeError(
    "ERR_WEBHOOK_BODY_MALFORMED",
    "pass the raw request body (a string or bytes), not parsed JSON: its hash is checked",
  );
}

/**
 * Verifies a webhook and returns its typed event. Pass the raw body, best as
 * the exact bytes received (`new Uint8Array(await req.arrayBuffer())`: a string
 * is UTF-8 encoded, so a body that was not valid UTF-8 would not hash the same),
 * and the `Authorization` header (with or without `Bearer `). The token is
 * verified first, then the body's SHA-256 against its `sha256` claim in
 * constant time, and only then is the event parsed.
 *
 * @example
 * ```ts
 * const event = receiveWebhook(await req.text(), req.headers.get("authorization"), {
 *   [Deno.env.get("LIVEKIT_API_KEY")!]: Deno.env.get("LIVEKIT_API_SECRET")!,
 * }, { maxAge: 300 });
 * if (event.event === "participant_joined") console.log(event.participant?.identity);
 * ```
 * @throws {EdgeError} `ERR_WEBHOOK_AUTH_MISSING`, `ERR_TOKEN_*` (e.g. `ERR_TOKEN_SIGNATURE`,
 * `ERR_TOKEN_EXPIRED`), `ERR_WEBHOOK_HASH_MISSING`, `ERR_WEBHOOK_HASH_MISMATCH`,
 * `ERR_WEBHOOK_BODY_MALFORMED`, `ERR_WEBHOOK_BODY_TOO_LARGE`, `ERR_WEBHOOK_TOO_OLD`.
 */
export function receiveWebhook(
  body: string | Uint8Array,
  authorization: string | null,
  keys: KeyMap,
  options: WebhookOptions = {},
): WebhookEvent {
  try {
    const raw = rawBody(body);
    const auth = authorization ?? undefined;
    const now = seconds(options.currentDate);
    // A well-formed string crosses as text (its UTF-8 is what encode() would
    // give); lone surrogates would become U+FFFD in the hashed bytes, so such
    // a string is encoded first, as bytes always were.
    const text = typeof raw === "string" && wellFormed(raw);
    const event = text
      ? core.receiveWebhookText(
        raw,
        auth,
        keysJson(keys),
        now,
        options.leeway,
        options.maxAge,
      )
      : core.receiveWebhook(
        typeof raw === "string" ? encoder.encode(raw) : raw,
        auth,
        keysJson(keys),
        now,
        options.leeway,
        options.maxAge,
      );
    // "": the body is the event's JSON as it is.
    if (event !== "") return JSON.parse(event);
    return JSON.parse(typeof raw === "string" ? raw : decoder.decode(raw));
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Signs a webhook body as LiveKit's server does and returns the
 * `Authorization` header value: a JWT valid for 5 minutes whose `sha256` claim
 * is the body's hash.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ event: "room_started", room: { name: "demo" } });
 * const authorization = signWebhook(body, "devkey", "secret");
 * await fetch(url, { method: "POST", body, headers: { authorization } });
 * ```
 * @throws {EdgeError} `ERR_KEY_MISSING`.
 */
export function signWebhook(
  body: string | Uint8Array,
  apiKey: string,
  apiSecret: string,
  options: ServerApiOptions = {},
): string {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  try {
    return core.signWebhook(
      bytes,
      apiKey,
      apiSecret,
      seconds(options.currentDate),
    );
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Decodes a webhook body into its event **without verifying anything**: no
 * token, no body hash. The same size limit and event schema as
 * {@linkcode receiveWebhook}, for requests authenticated some other way (the
 * equivalent of livekit-server-sdk's `receive(body, auth, true)`). Never act on
 * an event from an untrusted sender decoded this way.
 *
 * @example
 * ```ts
 * const event = decodeWebhookUnsafe('{"event":"room_started","room":{"name":"demo"}}');
 * console.log(event.event, event.room?.name);
 * ```
 * @throws {EdgeError} `ERR_WEBHOOK_BODY_MALFORMED`, `ERR_WEBHOOK_BODY_TOO_LARGE`.
 */
export function decodeWebhookUnsafe(body: string | Uint8Array): WebhookEvent {
  try {
    const raw = rawBody(body);
    const bytes = typeof raw === "string" ? encoder.encode(raw) : raw;
    return JSON.parse(core.decodeWebhookUnsafe(bytes));
  } catch (e) {
    rethrow(e);
  }
}
