/**
 * Shared pieces of the function tests: a development environment, signed-in
 * users, captured logs, and requests. The handlers get their dependencies
 * injected (env, clock, fetch, log, stores), so tests call them directly.
 */
import { hs256Jwt, userClaims } from "../standins/supabase.ts";
import { allProblems } from "../standins/common.ts";
import { startLiveKit } from "../standins/livekit.ts";
import { startTavus, type TavusOptions } from "../standins/tavus.ts";
import type { Logger, LogValue } from "../../supabase/functions/_shared/log.ts";
import { assert, assertEquals } from "./assert.ts";

/** The development auth secret (also in scripts/dev.env). */
export const JWT_SECRET = "dev-only-jwt-secret-for-local-functions-0123456789";
/** The issuer of development user tokens. */
export const ISSUER = "http://127.0.0.1:54321/auth/v1";

/** The clock of the handler tests. */
export const T0 = new Date("2026-11-25T12:00:00Z");

export const ADA = "6f1d2c3b-4a59-4e7d-8c21-0b9a8f7e6d5c";
export const BOB = "0c4d9e1f-2b3a-4c5d-9e8f-7a6b5c4d3e2f";

/** A development environment: LiveKit dev keys, the dev auth secret, no database. */
export function devEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LIVEKIT_API_KEY: "devkey",
    LIVEKIT_API_SECRET: "secret",
    LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_JWT_ISSUER: ISSUER,
    ...extra,
  };
}

/**
 * The upstreams of the handlers on loopback: the Tavus and LiveKit stand-ins,
 * {@linkcode devEnv} pointed at them, and a `close` that fails the test when
 * either received a request off the documented API.
 */
export function upstreams(tavusOptions: TavusOptions = {}) {
  const tavus = startTavus(tavusOptions);
  const livekit = startLiveKit();
  return {
    tavus,
    livekit,
    env: (extra: Record<string, string> = {}) =>
      devEnv({
        LIVEKIT_WS_URL: livekit.wsUrl,
        TAVUS_API_KEY: tavus.apiKey,
        TAVUS_API_URL: tavus.url,
        ...extra,
      }),
    close: async () => {
      try {
        assertEquals(allProblems([...tavus.requests, ...livekit.requests]), []);
      } finally {
        await tavus.close();
        await livekit.close();
      }
    },
  };
}

/** A signed-in user's access token (HS256 with the dev secret), issued at `now` (default T0). */
export function userJwt(
  sub = ADA,
  extra: Record<string, unknown> = {},
  secret = JWT_SECRET,
  now = T0.getTime(),
): Promise<string> {
  return hs256Jwt(userClaims(sub, ISSUER, extra, now), secret);
}

/** One captured log line. */
export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, LogValue>;
}

/** A logger that keeps every line, and the lines as one JSON text for leak scans. */
export function captureLog(): { log: Logger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  return {
    log: (level, event, fields) => lines.push({ level, event, fields }),
    lines,
    text: () => JSON.stringify(lines),
  };
}

/** A POST with a JSON body (a string is sent as is). */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string"
      ? body
      : body instanceof Uint8Array
      ? new Uint8Array(body)
      : JSON.stringify(body),
  });
}

/** `Authorization: Bearer <jwt>`. */
export const auth = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

/** The error body's code, asserting the JSON error shape. */
export async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  const body = await res.json();
  assert(
    typeof body?.error?.code === "string" && typeof body.error.message === "string",
    `not an error body: ${JSON.stringify(body)}`,
  );
  return { status: res.status, code: body.error.code };
}

/** Decodes a JWT's payload without verifying it (to look at a token's claims). */
export function payloadOf(jwt: string): Record<string, unknown> {
  const p = jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(p + "=".repeat((4 - p.length % 4) % 4)));
}

/** A loopback URL on which nothing listens. */
export function closedUrl(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `http://127.0.0.1:${port}`;
}
