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
  | "ERR_GRANT_TOO_LONG"
  | "ERR_GRANT_METADATA_TOO_LARGE"
  | "ERR_GRANT_ATTRIBUTES_TOO_LARGE"
  | "ERR_GRANT_EGRESS_CREDENTIALS"
  | "ERR_TOKEN_BASE64"
  | "ERR_TOKEN_JSON"
  | "ERR_TOKEN_HEADER"
  | "ERR_TOKEN_EXP_REQUIRED"
  | "ERR_WEBHOOK_AUTH_MISSING"
  | "ERR_WEBHOOK_HASH_MISSING"
  | "ERR_WEBHOOK_HASH_MISMATCH"
  | "ERR_WEBHOOK_BODY_MALFORMED"
  | "ERR_WEBHOOK_BODY_TOO_LARGE"
  | "ERR_WEBHOOK_TOO_OLD"
  | "ERR_SERVER_API_URL"
  | "ERR_SERVER_API_METHOD"
  | "ERR_SERVER_API_BODY"
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
 * Codes of warnings: accepted, but worth fixing (Rust `Warning::code`).
 * `createAccessToken` reports them through its `onWarning` option.
 */
export type WarningCode = "ERR_KEY_WEAK_SECRET";

/** A warning: a stable code and a message for people (never containing a secret). */
export interface EdgeWarning {
  /** The stable warning code. */
  code: WarningCode;
  /** What to fix. */
  message: string;
}

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

/**
 * Re-throws an error from the wasm core as an {@linkcode EdgeError} (other
 * errors unchanged). Internal to the package.
 *
 * @example
 * ```ts
 * try {
 *   return core.parseTtl(ttl);
 * } catch (e) {
 *   rethrow(e);
 * }
 * ```
 */
export function rethrow(e: unknown): never {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === "string") {
    throw new EdgeError(code as ErrorCode, e.message);
  }
  throw e;
}
