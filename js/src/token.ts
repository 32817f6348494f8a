/**
 * LiveKit access tokens: minting, verification, lifetimes.
 *
 * @module
 */
import { core, json, seconds } from "./core.ts";
import { EdgeError, type EdgeWarning, rethrow } from "./errors.ts";
import { plainGrants } from "./grants.ts";
import type {
  AccessTokenClaims,
  AccessTokenOptions,
  KeyMap,
  UnverifiedClaims,
  VerifyOptions,
} from "./types.ts";

/**
 * A key map as the core reads it: JSON of API key → secret. Internal to the package.
 *
 * @example
 * ```ts
 * keysJson(new Map([["devkey", "secret"]])); // '{"devkey":"secret"}'
 * ```
 */
export function keysJson(keys: KeyMap): string {
  if (keys === null || typeof keys !== "object") {
    throw new EdgeError(
      "ERR_INVALID_INPUT",
      "invalid input: keys must be an object mapping API keys to secrets",
    );
  }
  // The same key map is usually passed again and again: its JSON is kept with
  // a copy of its entries, and used while the entries are still those.
  const cached = keysSeen.get(keys);
  const entries = keys instanceof Map ? [...keys] : undefined;
  if (cached !== undefined && sameEntries(keys, entries, cached.entries)) {
    return cached.json;
  }
  const text = entries !== undefined
    ? JSON.stringify(Object.fromEntries(entries))
    : json(keys, "ERR_INVALID_INPUT");
  const copy = entries ?? Object.entries(keys);
  // Only string values are kept: anything else is compared by reference only.
  if (copy.every(([, v]) => typeof v === "string")) {
    keysSeen.set(keys, { json: text, entries: copy });
  }
  return text;
}

/** Key maps already written as JSON, with the entries they had then. */
const keysSeen = new WeakMap<
  object,
  { json: string; entries: [string, unknown][] }
>();

/** Whether `keys` (or a Map's `entries`) still has exactly the entries `then`. */
function sameEntries(
  keys: KeyMap,
  entries: [string, unknown][] | undefined,
  then: [string, unknown][],
): boolean {
  if (entries !== undefined) {
    return entries.length === then.length &&
      entries.every(([k, v], i) => k === then[i]![0] && v === then[i]![1]);
  }
  const names = Object.keys(keys);
  if (names.length !== then.length) return false;
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (
      k !== then[i]![0] || (keys as Record<string, unknown>)[k] !== then[i]![1]
    ) return false;
  }
  return true;
}

/**
 * Mints an HS256 LiveKit access token (`nbf` = now, `exp` = now + `ttl`).
 * Only what was set is written; every limit LiveKit's server enforces is
 * checked first, each with its own error code.
 *
 * @example
 * ```ts
 * const jwt = createAccessToken("devkey", "secret", {
 *   identity: "avatar-1",
 *   kind: "agent",
 *   ttl: "10m",
 *   attributes: { "lk.publish_on_behalf": "user-1" },
 *   video: { roomJoin: true, room: "lobby", canPublish: true },
 *   roomConfig: { agents: [{ agentName: "tutor", metadata: '{"lang":"en"}' }] },
 *   onWarning: (w) => console.warn(w.code, w.message),
 * });
 * ```
 * @throws {EdgeError} `ERR_KEY_MISSING`, `ERR_IDENTITY_REQUIRED`, `ERR_INVALID_TTL`,
 * `ERR_GRANT_TOO_LONG`, `ERR_GRANT_METADATA_TOO_LARGE`, `ERR_GRANT_ATTRIBUTES_TOO_LARGE`,
 * `ERR_GRANT_EGRESS_CREDENTIALS`, `ERR_INVALID_OPTION` (unknown option, kind or source).
 */
export function createAccessToken(
  apiKey: string,
  apiSecret: string,
  options: AccessTokenOptions = {},
): string {
  const { currentDate, onWarning } = options;
  // A plain object without them (the usual case) is sent as it is: no copy.
  const proto = Object.getPrototypeOf(options);
  const given: Omit<AccessTokenOptions, "currentDate" | "onWarning"> =
    currentDate === undefined && onWarning === undefined &&
      (proto === Object.prototype || proto === null)
      ? options
      : withoutLocal(options);
  try {
    const claims = plainGrants(given);
    // JSON cannot carry NaN or Infinity: let the core refuse them as lifetimes.
    if (typeof claims.ttl === "number" && !Number.isFinite(claims.ttl)) {
      core.ttlSeconds(claims.ttl);
    }
    const token = core.createAccessToken(
      apiKey,
      apiSecret,
      json(claims, "ERR_INVALID_OPTION"),
      seconds(currentDate),
    );
    if (onWarning) {
      for (
        const w of JSON.parse(core.secretWarnings(apiSecret)) as EdgeWarning[]
      ) onWarning(w);
    }
    return token;
  } catch (e) {
    rethrow(e);
  }
}

/** The options without the two that stay on this side. */
function withoutLocal(
  options: AccessTokenOptions,
): Omit<AccessTokenOptions, "currentDate" | "onWarning"> {
  const { currentDate: _date, onWarning: _warn, ...given } = options;
  return given;
}

/**
 * Verifies a LiveKit access token and returns its claims exactly as signed.
 * HS256 only; `exp` required; `keys` maps API keys (the token's `iss`) to
 * secrets, so several keys can be live during a rotation.
 *
 * @example
 * ```ts
 * const claims = verifyAccessToken(jwt, { devkey: "secret" }, { leeway: 60 });
 * console.log(claims.sub, claims.video?.room);
 * ```
 * @throws {EdgeError} `ERR_TOKEN_*` codes, `ERR_INVALID_OPTION` for a bad leeway.
 */
export function verifyAccessToken(
  token: string,
  keys: KeyMap,
  options: VerifyOptions = {},
): AccessTokenClaims {
  try {
    return JSON.parse(
      core.verifyAccessToken(
        token,
        keysJson(keys),
        seconds(options.currentDate),
        options.leeway,
      ),
    );
  } catch (e) {
    rethrow(e);
  }
}

/**
 * Decodes a token's claims **without verifying anything** (signature,
 * algorithm, times). For display and debugging only: never base an access
 * decision on the result.
 *
 * @example
 * ```ts
 * const { sub, exp } = decodeAccessTokenUnsafe(jwt);
 * ```
 * @throws {EdgeError} `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_BASE64`, `ERR_TOKEN_JSON`, `ERR_TOKEN_CLAIMS`.
 */
export function decodeAccessTokenUnsafe(token: string): UnverifiedClaims {
  try {
    return JSON.parse(core.decodeAccessTokenUnsafe(token));
  } catch (e) {
    rethrow(e);
  }
}

/**
 * A token lifetime in whole seconds (rounded up): a number of seconds or a
 * duration string such as `"10m"`, `"1.5h"`, `"2 days"`.
 *
 * @example
 * ```ts
 * parseTtl("1.5h"); // 5400
 * parseTtl(90); // 90
 * ```
 * @throws {EdgeError} `ERR_INVALID_TTL` for zero, negative, non-finite, unparsable or over 7 days.
 */
export function parseTtl(ttl: number | string): number {
  try {
    if (typeof ttl === "number") return core.ttlSeconds(ttl);
    if (typeof ttl === "string") return core.parseDuration(ttl);
  } catch (e) {
    rethrow(e);
  }
  throw new EdgeError(
    "ERR_INVALID_TTL",
    "invalid token lifetime: expected a number of seconds or a duration string",
  );
}
