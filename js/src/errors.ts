/**
 * Every code the core can throw. The same strings appear in Rust
 * (`Error::code`), in thrown {@linkcode EdgeError}s and in HTTP error bodies.
 */
export type ErrorCode =
  | "ERR_KEY_MISSING"
  | "ERR_INVALID_OPTION"
  | "ERR_IDENTITY_REQUIRED"
  | "ERR_INVALID_TTL"
  | "ERR_TOKEN_MALFORMED"
  | "ERR_TOKEN_ALGORITHM"
  | "ERR_TOKEN_SIGNATURE"
  | "ERR_TOKEN_EXPIRED"
  | "ERR_TOKEN_NOT_YET_VALID"
  | "ERR_TOKEN_CLAIMS"
  | "ERR_TOKEN_TOO_LARGE"
  | "ERR_TOKEN_UNKNOWN_KEY"
  | "ERR_INVALID_INPUT"
  | "ERR_AUTH_MALFORMED"
  | "ERR_AUTH_ALGORITHM"
  | "ERR_AUTH_SIGNATURE"
  | "ERR_AUTH_UNKNOWN_KEY"
  | "ERR_AUTH_JWKS"
  | "ERR_AUTH_EXPIRED"
  | "ERR_AUTH_NOT_YET_VALID"
  | "ERR_AUTH_CLAIMS"
  | "ERR_AUTH_AUDIENCE"
  | "ERR_AUTH_ISSUER"
  | "ERR_AUTH_ANON_KEY"
  | "ERR_AUTH_ROLE"
  | "ERR_AUTH_ANONYMOUS_USER"
  | "ERR_SCENARIO_ID"
  | "ERR_SCENARIO_DISPLAY_NAME"
  | "ERR_SCENARIO_REPLICA"
  | "ERR_SCENARIO_PERSONA"
  | "ERR_SCENARIO_LANGUAGE"
  | "ERR_SCENARIO_PROMPT"
  | "ERR_SCENARIO_GREETING"
  | "ERR_SCENARIO_DURATION"
  | "ERR_SCENARIO_AGENT_NAME"
  | "ERR_TAVUS_CONCURRENCY"
  | "ERR_TAVUS_UNAUTHORIZED"
  | "ERR_TAVUS_REPLICA"
  | "ERR_TAVUS_PERSONA"
  | "ERR_TAVUS_RATE_LIMITED"
  | "ERR_TAVUS_REJECTED"
  | "ERR_TAVUS_UNAVAILABLE"
  | "ERR_TAVUS_BAD_RESPONSE"
  | "ERR_TAVUS_NOT_FOUND"
  | "ERR_TAVUS_BAD_CALLBACK";

/**
 * The one error class the package throws. `code` is stable; `message` is for
 * people and never contains a secret.
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

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "EdgeError";
    this.code = code;
  }
}

/** Re-throws an error from the wasm core as an {@linkcode EdgeError}. */
export function rethrow(e: unknown): never {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === "string") {
    throw new EdgeError(code as ErrorCode, e.message);
  }
  throw e;
}
