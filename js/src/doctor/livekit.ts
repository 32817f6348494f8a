/**
 * The LiveKit check: `ListRooms` on the server API with a 10-minute token
 * carrying only `roomList`, and the clock comparison with the server's `Date`.
 *
 * @module
 */
import { EdgeError } from "../errors.ts";
import { serverApiRequest } from "../server_api.ts";
import type { ServerApiRequest } from "../types.ts";
import { describeFailure, humanSeconds, parseJson, request, serverClockOffset } from "./net.ts";
import type { CheckResult } from "./types.ts";

/** What the LiveKit check needs. */
export interface LiveKitCheckInput {
  apiKey: string;
  apiSecret: string;
  /** `LIVEKIT_WS_URL`: the core maps it to the server-API URL (`wss://` → `https://`). */
  wsUrl: string;
  fetch: typeof fetch;
  now: () => Date;
  timeoutMs: number;
}

/** The LiveKit result, plus the server's clock offset when it answered. */
export interface LiveKitCheckOutput {
  result: CheckResult;
  /** Seconds LiveKit's clock is ahead of ours (`Date` header), `null` without an answer. */
  clockOffset: number | null;
}

/** LiveKit's server accepts tokens up to 60 s outside `nbf`/`exp`. */
export const LIVEKIT_LEEWAY_SECONDS = 60;

const ID = "livekit.server_api";
const TITLE = "LiveKit server API";
const PAIR_FIX =
  "copy LIVEKIT_API_KEY and LIVEKIT_API_SECRET together from the LiveKit project that LIVEKIT_WS_URL points at (LiveKit Cloud → Settings → API keys)";

function result(
  status: CheckResult["status"],
  code: string | null,
  found: string,
  fix: string | null,
): CheckResult {
  return { id: ID, group: "livekit", status, code, title: TITLE, found, fix };
}

/**
 * What a 401 from LiveKit means. LiveKit's auth middleware answers with the
 * reason as text (`invalid API key: …`, `invalid token: …, error: go-jose/…:
 * validation failed, token is expired (exp)`); Twirp-style servers put it in a
 * JSON `{code, msg}`. The token an error may echo is cut out before matching.
 *
 * @example
 * ```ts
 * classifyUnauthorized('{"code":"unauthenticated","msg":"invalid API key: APIxyz"}'); // "unknown_key"
 * ```
 */
export function classifyUnauthorized(
  body: string,
): "unknown_key" | "wrong_secret" | "token_time" | "unknown" {
  const json = parseJson(body) as
    | { msg?: unknown; message?: unknown }
    | undefined;
  const raw = typeof json?.msg === "string"
    ? json.msg
    : typeof json?.message === "string"
    ? json.message
    : body;
  const text = raw.replace(
    /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
    " ",
  ).toLowerCase();
  if (
    /invalid api key|unknown api key|api key not found|no such key|unknown key/
      .test(text)
  ) {
    return "unknown_key";
  }
  if (
    /token is expired|not valid yet|issued in the future|\((exp|nbf|iat)\)|"(exp|nbf|iat)" claim|claim timestamp check failed|jwtexpired/
      .test(text)
  ) {
    return "token_time";
  }
  if (/signature|cryptographic primitive|invalid hmac/.test(text)) {
    return "wrong_secret";
  }
  return "unknown";
}

function roomCount(body: string): number | null {
  const json = parseJson(body) as { rooms?: unknown } | undefined;
  if (!json || typeof json !== "object") return null;
  // Protobuf-JSON leaves out empty lists: `{}` is zero rooms.
  if (json.rooms === undefined) return 0;
  return Array.isArray(json.rooms) ? json.rooms.length : null;
}

/**
 * Calls `ListRooms` and says what its answer (or its absence) means.
 *
 * @example
 * ```ts
 * const { result } = await checkLiveKit({ apiKey, apiSecret, wsUrl: "wss://x.livekit.cloud",
 *   fetch, now: () => new Date(), timeoutMs: 5000 });
 * console.log(result.status, result.found);
 * ```
 */
export async function checkLiveKit(
  input: LiveKitCheckInput,
): Promise<LiveKitCheckOutput> {
  const now = input.now();
  let req: ServerApiRequest;
  try {
    // The URL, a 10-minute token with only `roomList`, and the body `{}`, all from the core.
    req = serverApiRequest("ListRooms", input.wsUrl, input.apiKey, input.apiSecret, undefined, {
      currentDate: now,
    });
  } catch (e) {
    if (!(e instanceof EdgeError)) throw e;
    return {
      result: result(
        "fail",
        e.code,
        e.message,
        "correct LIVEKIT_WS_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (see settings)",
      ),
      clockOffset: null,
    };
  }
  const url = req.url;
  const apiUrl = url.slice(0, url.lastIndexOf("/twirp/"));
  const answer = await request(input.fetch, url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
  }, input.timeoutMs);
  if ("failure" in answer) {
    const d = describeFailure(answer.failure, "LiveKit", url, "LIVEKIT_WS_URL");
    return {
      result: result("fail", d.code, d.found, d.fix),
      clockOffset: null,
    };
  }
  const offset = serverClockOffset(answer.headers, now);
  const skewed = offset !== null && Math.abs(offset) > LIVEKIT_LEEWAY_SECONDS;
  const skewText = offset === null
    ? ""
    : ` (this machine's clock is ${humanSeconds(offset)} ${
      offset > 0 ? "behind" : "ahead of"
    } LiveKit's)`;
  const { status } = answer;
  if (status === 200) {
    const rooms = roomCount(answer.text);
    if (rooms === null) {
      return {
        result: result(
          "fail",
          "DOCTOR_LIVEKIT_NOT_LIVEKIT",
          `${url} answered 200 but not with a ListRooms response`,
          "LIVEKIT_WS_URL must be the LiveKit server's own URL (wss://<project>.livekit.cloud), not a proxy or web page",
        ),
        clockOffset: offset,
      };
    }
    return {
      result: result(
        "ok",
        null,
        `ListRooms answered at ${apiUrl}: ${rooms} room${rooms === 1 ? "" : "s"}`,
        null,
      ),
      clockOffset: offset,
    };
  }
  if (status === 401) {
    const why = classifyUnauthorized(answer.text);
    if (why === "unknown_key") {
      return {
        result: result(
          "fail",
          "DOCTOR_LIVEKIT_UNKNOWN_KEY",
          "LiveKit does not know LIVEKIT_API_KEY",
          PAIR_FIX,
        ),
        clockOffset: offset,
      };
    }
    if (why === "token_time" || (why === "unknown" && skewed)) {
      return {
        result: result(
          "fail",
          "DOCTOR_LIVEKIT_CLOCK_SKEW",
          `LiveKit refused the token's validity time${skewText}`,
          "set this machine's clock right (NTP: `timedatectl set-ntp true`, or your OS's automatic time); LiveKit allows 60 s",
        ),
        clockOffset: offset,
      };
    }
    if (why === "wrong_secret") {
      return {
        result: result(
          "fail",
          "DOCTOR_LIVEKIT_WRONG_SECRET",
          "LiveKit knows LIVEKIT_API_KEY but the signature does not match: LIVEKIT_API_SECRET is not its secret",
          PAIR_FIX,
        ),
        clockOffset: offset,
      };
    }
    return {
      result: result(
        "fail",
        "DOCTOR_LIVEKIT_UNAUTHORIZED",
        "LiveKit refused the credentials (401)",
        PAIR_FIX,
      ),
      clockOffset: offset,
    };
  }
  if (status === 403) {
    return {
      result: result(
        "fail",
        "DOCTOR_LIVEKIT_FORBIDDEN",
        "LiveKit accepted the key but refused ListRooms (403)",
        "use an API key with server-API permissions (LiveKit Cloud → Settings → API keys)",
      ),
      clockOffset: offset,
    };
  }
  if (status === 404 || status === 405) {
    return {
      result: result(
        "fail",
        "DOCTOR_LIVEKIT_NOT_LIVEKIT",
        `no LiveKit server API at ${apiUrl} (${status})`,
        "set LIVEKIT_WS_URL to the server's root URL, e.g. wss://<project>.livekit.cloud, without a path",
      ),
      clockOffset: offset,
    };
  }
  if (status >= 300 && status < 400) {
    return {
      result: result(
        "fail",
        "DOCTOR_LIVEKIT_REDIRECT",
        `${apiUrl} redirects (${status}) instead of answering`,
        "set LIVEKIT_WS_URL to the URL the server answers on (often wss:// instead of ws://)",
      ),
      clockOffset: offset,
    };
  }
  return {
    result: result(
      "fail",
      "DOCTOR_LIVEKIT_HTTP",
      `LiveKit answered ${status}${status >= 500 ? " (a server error)" : ""}`,
      status >= 500
        ? "retry later; if it persists, check the LiveKit server's logs or status page"
        : "check LIVEKIT_WS_URL and the key pair",
    ),
    clockOffset: offset,
  };
}

/**
 * The `clock` line: our clock against a server's `Date` header (seconds the
 * server is ahead; `null` without an answer).
 *
 * @example
 * ```ts
 * clockCheck(3600, "LiveKit").status; // "fail"
 * ```
 */
export function clockCheck(
  offset: number | null,
  server: string | null,
): CheckResult {
  const base = { id: "clock", group: "clock" as const, title: "Clock" };
  if (offset === null || server === null) {
    return {
      ...base,
      status: "skip",
      code: null,
      found: "no server answered with a Date header to compare with",
      fix: null,
    };
  }
  const a = Math.abs(offset);
  const side = offset > 0 ? "behind" : "ahead of";
  if (a <= 5) {
    return {
      ...base,
      status: "ok",
      code: null,
      found: `within ${Math.max(a, 1)} s of ${server}'s clock`,
      fix: null,
    };
  }
  const found = `this machine's clock is ${humanSeconds(offset)} ${side} ${server}'s`;
  const fix =
    "turn on automatic time (NTP: `timedatectl set-ntp true`); tokens minted here carry this clock's nbf/exp";
  if (a <= LIVEKIT_LEEWAY_SECONDS) {
    return { ...base, status: "warn", code: "DOCTOR_CLOCK_SKEW", found, fix };
  }
  return { ...base, status: "fail", code: "DOCTOR_CLOCK_SKEW", found, fix };
}
