/**
 * Instantiates the wasm core synchronously from the bytes embedded in
 * `../gen/wasm_bytes.js`: no file or network read. Internal to the package.
 *
 * @module
 */
import * as core from "../gen/livekit_tavus_edge.js";
import { wasmBytes } from "../gen/wasm_bytes.js";

core.initSync({ module: wasmBytes });

export { core };

/**
 * Seconds since the epoch for an optional injected date (`undefined` lets the
 * core read the clock).
 *
 * @example
 * ```ts
 * seconds(new Date("2026-01-01T00:00:00Z")); // 1767225600
 * ```
 */
export function seconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}
