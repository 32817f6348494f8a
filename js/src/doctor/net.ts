/**
 * HTTP for the doctor: one request with a timeout, and a transport failure
 * sorted into what an operator can act on (DNS, refused, TLS, timeout).
 *
 * @module
 */

/** Why a request got no HTTP answer. */
export type NetFailureKind = "dns" | "refused" | "tls" | "timeout" | "network";

/** A request that got no HTTP answer. */
export interface NetFailure {
  /** What went wrong. */
  kind: NetFailureKind;
  /** A short description without URLs' query strings, headers or bodies. */
  detail: string;
}

/** An HTTP answer, body read as text. */
export interface HttpAnswer {
  /** The status code. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The body (at most 64 KiB are kept). */
  text: string;
}

const MAX_BODY = 64 * 1024;

/** Every `message` and `code` along an error's `cause` chain, lower-cased. */
function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 6; depth++) {
    if (typeof cur === "object") {
      const o = cur as {
        name?: unknown;
        message?: unknown;
        code?: unknown;
        cause?: unknown;
      };
      for (const v of [o.name, o.code, o.message]) {
        if (typeof v === "string") parts.push(v);
      }
      cur = o.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(" | ");
}

/**
 * Sorts a `fetch` rejection into a {@linkcode NetFailureKind}. Knows Deno's
 * messages (`dns error`, `Connection refused`, `invalid peer certificate`) and
 * Node's (undici) error codes (`ENOTFOUND`, `ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …).
 *
 * @example
 * ```ts
 * classifyFetchError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })).kind; // "refused"
 * ```
 */
export function classifyFetchError(e: unknown): NetFailure {
  const text = errorText(e);
  const t = text.toLowerCase();
  const name = (e as { name?: unknown } | null)?.name;
  let kind: NetFailureKind = "network";
  if (
    name === "TimeoutError" ||
    /timed? ?out|etimedout|und_err_connect_timeout/.test(t)
  ) {
    kind = "timeout";
  } else if (
    /dns error|enotfound|eai_again|eai_noname|eai_nodata|getaddrinfo|name or service not known|failed to lookup address|no such host|name resolution/
      .test(t)
  ) {
    kind = "dns";
  } else if (
    /econnrefused|connection refused|os error 111\b|os error 10061\b/.test(t)
  ) {
    kind = "refused";
  } else if (
    /certificate|cert_|_cert\b|self[- ]signed|unknownissuer|tls|ssl|handshake|err_tls|unable_to_verify|unable_to_get_issuer|altname|wrong version number/
      .test(t)
  ) {
    kind = "tls";
  }
  return { kind, detail: shortDetail(kind, text) };
}

/** A short human detail for a failure, without URLs. */
function shortDetail(kind: NetFailureKind, text: string): string {
  const noUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>");
  if (kind === "tls") {
    const cert = noUrls.match(
      /invalid peer certificate: ([A-Za-z()]+)|([A-Z_]*CERT[A-Z_]*)|(self[- ]signed certificate[^|]*)/,
    );
    const what = cert?.[1] ?? cert?.[2] ?? cert?.[3];
    return what ? `certificate not trusted (${what.trim()})` : "TLS handshake failed";
  }
  const last = noUrls.split(" | ").filter((p) => p && p !== "TypeError" && p !== "Error").pop();
  return (last ?? kind).slice(0, 160);
}

/**
 * Sends one request with a timeout and reads the body as text. Never throws
 * for a transport failure: returns `{ failure }` instead.
 *
 * @example
 * ```ts
 * const r = await request(fetch, "https://tavusapi.com/v2/replicas?limit=1", { headers }, 5000);
 * if ("failure" in r) console.log(r.failure.kind);
 * ```
 */
export async function request(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<HttpAnswer | { failure: NetFailure }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, {
      ...init,
      signal: controller.signal,
      redirect: "manual",
    });
    let text = await res.text();
    if (text.length > MAX_BODY) text = text.slice(0, MAX_BODY);
    return { status: res.status, headers: res.headers, text };
  } catch (e) {
    if (controller.signal.aborted) {
      return {
        failure: {
          kind: "timeout",
          detail: `no answer within ${timeoutMs} ms`,
        },
      };
    }
    return { failure: classifyFetchError(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Parses JSON, or returns `undefined`.
 *
 * @example
 * ```ts
 * parseJson("{not json"); // undefined
 * ```
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Seconds the server's clock is ahead of ours (negative: behind), from an
 * HTTP `Date` header; `null` without a usable header.
 *
 * @example
 * ```ts
 * serverClockOffset(new Headers({ date: "Wed, 25 Nov 2026 13:00:00 GMT" }), new Date("2026-11-25T12:00:00Z")); // 3600
 * ```
 */
export function serverClockOffset(headers: Headers, now: Date): number | null {
  const date = headers.get("date");
  if (!date) return null;
  const t = Date.parse(date);
  if (!Number.isFinite(t)) return null;
  return Math.round((t - now.getTime()) / 1000);
}

/**
 * A duration for people: `45 s`, `60 min`, `2 h 5 min`, `3 days`.
 *
 * @example
 * ```ts
 * humanSeconds(-7500); // "2 h 5 min"
 * ```
 */
export function humanSeconds(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) {
    return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  }
  return `${Math.round(s / 86400)} days`;
}

/**
 * `host:port` of a URL, for messages.
 *
 * @example
 * ```ts
 * hostOf("https://127.0.0.1:8443/twirp"); // "127.0.0.1:8443"
 * ```
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the server";
  }
}

/**
 * What to tell an operator about a transport failure to `url` of a service:
 * a `DOCTOR_<SERVICE>_<KIND>` code, what was found, and the fix.
 *
 * @example
 * ```ts
 * describeFailure({ kind: "dns", detail: "…" }, "LiveKit", "https://x.invalid/twirp", "LIVEKIT_WS_URL").code;
 * // "DOCTOR_LIVEKIT_DNS"
 * ```
 */
export function describeFailure(
  f: NetFailure,
  service: string,
  url: string,
  variable: string,
): { code: string; found: string; fix: string } {
  const host = hostOf(url);
  const area = service.toUpperCase().replace(/[^A-Z]/g, "");
  switch (f.kind) {
    case "dns":
      return {
        code: `DOCTOR_${area}_DNS`,
        found: `DNS lookup of ${new URL(url).hostname} failed (${f.detail})`,
        fix: `check the host name in ${variable}, and this machine's DNS`,
      };
    case "refused":
      return {
        code: `DOCTOR_${area}_REFUSED`,
        found: `connection to ${host} refused: nothing listens there`,
        fix: `check the port in ${variable}, and that the ${service} server is running`,
      };
    case "tls":
      return {
        code: `DOCTOR_${area}_TLS`,
        found: `TLS with ${host} failed: ${f.detail}`,
        fix:
          `use the ${service} server's public https/wss host name with a certificate from a trusted CA (or ws:// / http:// for a local server without TLS) in ${variable}`,
      };
    case "timeout":
      return {
        code: `DOCTOR_${area}_TIMEOUT`,
        found: `${host} did not answer in time (${f.detail})`,
        fix:
          `check that ${host} is reachable from here (firewall, proxy, VPN); raise the limit with --timeout`,
      };
    default:
      return {
        code: `DOCTOR_${area}_NETWORK`,
        found: `could not reach ${host}: ${f.detail}`,
        fix: `check ${variable} and this machine's network`,
      };
  }
}
