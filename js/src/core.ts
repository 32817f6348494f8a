/**
 * Instantiates the wasm core synchronously from the bytes embedded in
 * `../gen/wasm_bytes.js`: no file or network read. Internal to the package.
 *
 * Structured values cross the boundary as JSON text both ways (the engine's
 * own `JSON.stringify` and `JSON.parse` on this side); the clock is read here,
 * never in the core.
 *
 * @module
 */
import * as core from "../gen/livekit_tavus_edge.js";
import { wasmBytes } from "../gen/wasm_bytes.js";
import { EdgeError, type ErrorCode } from "./errors.ts";

core.initSync({ module: wasmBytes });

export { core };

/**
 * Seconds since the epoch of an injected date, else of the current time (the
 * core floors it).
 *
 * @example
 * ```ts
 * seconds(new Date("2026-01-01T00:00:00Z")); // 1767225600
 * ```
 */
export function seconds(date: Date | undefined): number {
  return (date === undefined ? Date.now() : date.getTime()) / 1000;
}

/** Built-in objects `JSON.stringify` would drop or convert. */
const BUILT_INS: (abstract new (...args: never[]) => unknown)[] = [
  Date,
  Map,
  Set,
  WeakMap,
  WeakSet,
  RegExp,
  Promise,
  ArrayBuffer,
  Error,
];

/**
 * What in `v` JSON cannot carry (a function, a symbol, a `BigInt`, a `Date`, a
 * `Map`, a typed array, an object with `toJSON`…, or nesting past 64 levels: a cycle), as its path and
 * kind, or null. `JSON.stringify` would drop or convert these silently.
 */
function unsendable(v: unknown, path: string, depth: number): string | null {
  if (typeof v !== "object" || v === null) {
    const t = typeof v;
    return t === "function" || t === "symbol" || t === "bigint"
      ? `${path || "the value"} is a ${t}`
      : null;
  }
  if (depth > 64) return `${path || "the value"} is nested too deeply (or a cycle)`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unsendable(v[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (BUILT_INS.some((t) => v instanceof t) || ArrayBuffer.isView(v)) {
    return `${path || "the value"} is a ${(v as object).constructor?.name ?? "built-in object"}`;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") {
    return `${path || "the value"} has a toJSON method`;
  }
  // Plain objects and class instances (e.g. RoomConfiguration): their own fields.
  for (const k of Object.keys(v)) {
    const bad = unsendable((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/**
 * Whether JSON carries `v` exactly: `unsendable(v, "", depth) === null`,
 * without building a path string per member (the hot path; the path is built
 * only for the message, when something cannot be sent). A plain object (its
 * prototype `Object.prototype` or `null`) cannot be an instance of a built-in.
 */
function sendable(v: unknown, depth: number): boolean {
  if (typeof v !== "object") {
    return typeof v !== "function" && typeof v !== "symbol" && typeof v !== "bigint";
  }
  if (v === null) return true;
  if (depth > 64) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!sendable(v[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null && BUILT_INS.some((t) => v instanceof t)) {
    return false;
  }
  if (ArrayBuffer.isView(v) || typeof (v as { toJSON?: unknown }).toJSON === "function") {
    return false;
  }
  for (const k of Object.keys(v)) {
    if (!sendable((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

/**
 * `value` as JSON text for the core; a value JSON cannot carry (see
 * `unsendable`) is an {@linkcode EdgeError} with `code`, naming where it is.
 *
 * @example
 * ```ts
 * core.createAccessToken(key, secret, json(options, "ERR_INVALID_OPTION"), seconds(undefined));
 * ```
 */
export function json(value: unknown, code: ErrorCode): string {
  const bad = sendable(value, 0) ? null : unsendable(value, "", 0);
  if (bad !== null) {
    throw new EdgeError(
      code,
      code === "ERR_INVALID_OPTION"
        ? `option \`options\`: ${bad}, which JSON cannot carry`
        : `invalid input: ${bad}, which JSON cannot carry`,
    );
  }
  return JSON.stringify(value) ?? "null";
}
