/**
 * HMAC-SHA256 from the same wasm core that signs tokens.
 *
 * @module
 */
import { core } from "./core.ts";

const encoder = new TextEncoder();

function bytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/**
 * HMAC-SHA256 of `message` under `key` (strings are UTF-8 encoded), computed
 * synchronously in the wasm core. The package's benchmark uses it as the cost
 * floor of signing a token.
 *
 * @example
 * ```ts
 * const mac = hmacSha256("secret", "header.payload");
 * console.log(mac.length); // 32
 * ```
 */
export function hmacSha256(
  key: string | Uint8Array,
  message: string | Uint8Array,
): Uint8Array {
  return core.hmacSha256(bytes(key), bytes(message));
}
