/**
 * The package's one error class and the core's error codes (generated from the
 * core's table: `./generated.ts`).
 *
 * @module
 */
import { ERROR_STATUS, type ErrorCode, type WarningCode } from "./generated.ts";

export { ERROR_STATUS };
export type { ErrorCode, WarningCode };

/** A warning: a stable code and a message for people (never containing a secret). */
export interface EdgeWarning {
  /** The stable warning code. */
  code: WarningCode;
  /** What to fix. */
  message: string;
}

/**
 * The one error class the package throws. `code` is stable; `message` is for
 * people and never contains a secret; `status` is the HTTP status the code
 * answers with in the functions.
 *
 * @example
 * ```ts
 * try {
 *   verifyAccessToken(token, { devkey: "secret" });
 * } catch (e) {
 *   if (e instanceof EdgeError && e.code === "ERR_TOKEN_EXPIRED") refresh();
 * }
 * ```
 */
export class EdgeError extends Error {
  /** The stable error code. */
  readonly code: ErrorCode;
  /** The HTTP status of the code (`ERROR_STATUS`). */
  readonly status: number;

  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.name = "EdgeError";
    this.code = code;
    this.status = status ?? ERROR_STATUS[code] ?? 500;
  }
}

/**
 * Re-throws an error from the wasm core (its JSON text `{code, message,
 * status}`) as an {@linkcode EdgeError}; other errors unchanged. Internal to
 * the package.
 *
 * @example
 * ```ts
 * try {
 *   return core.parseDuration(ttl);
 * } catch (e) {
 *   rethrow(e);
 * }
 * ```
 */
export function rethrow(e: unknown): never {
  if (typeof e === "string" && e.startsWith('{"code":')) {
    const { code, message, status } = JSON.parse(e) as {
      code: ErrorCode;
      message: string;
      status: number;
    };
    throw new EdgeError(code, message, status);
  }
  throw e;
}
