/**
 * livekit-server-sdk's token classes, backed by the core: `AccessToken`,
 * `TokenVerifier` and `WebhookReceiver` with the SDK's names, constructor
 * arguments, option names, grant shapes and promise-returning methods, so that
 * switching is a change of the import. Where this package is stricter (limits,
 * unknown options, `exp` required, HS256 only), the promise rejects with an
 * {@linkcode EdgeError} whose `code` names the rule; the package README
 * ("Switching from livekit-server-sdk") lists every difference.
 *
 * @module
 */
import { EdgeError } from "./errors.ts";
import { createAccessToken, parseTtl, verifyAccessToken } from "./token.ts";
import { decodeWebhookUnsafe, receiveWebhook } from "./webhook.ts";
import type { RoomConfigurationFields } from "./grants.ts";
import type {
  AccessTokenClaims,
  AccessTokenOptions,
  AgentGrant,
  InferenceGrant,
  LiveKitGrants,
  ObservabilityGrant,
  ParticipantKind,
  SipGrant,
  VideoGrant,
  WebhookEvent,
  WebhookEventName,
} from "./types.ts";

/** The claims {@linkcode TokenVerifier.verify} returns (livekit-server-sdk's name). */
export type ClaimGrants = AccessTokenClaims;
/** The SIP grant (livekit-server-sdk's name). */
export type SIPGrant = SipGrant;
/** Every webhook event name (livekit-server-sdk's name). */
export type WebhookEventNames = WebhookEventName;

/** livekit-server-sdk's default token lifetime. */
const DEFAULT_TTL = "6h";
/** livekit-server-sdk's default clock tolerance for verification, in seconds. */
const DEFAULT_CLOCK_TOLERANCE = 10;

/**
 * An environment variable from Node's or Bun's `process.env`, else Deno's
 * `Deno.env`; `undefined` when unset or not readable (no permission).
 */
function envVar(name: string): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    const value = g.process?.env?.[name];
    if (typeof value === "string") return value;
  } catch {
    // Deno without --allow-env: as if unset.
  }
  try {
    const value = g.Deno?.env?.get(name);
    if (typeof value === "string") return value;
  } catch {
    // no permission: as if unset
  }
  return undefined;
}

/**
 * A clock tolerance as livekit-server-sdk takes it (seconds, or a duration
 * string such as `"10s"`, `"1m"`), in whole seconds for the core.
 */
function toleranceSeconds(tolerance: string | number): number {
  if (typeof tolerance === "number") return tolerance;
  if (typeof tolerance !== "string") {
    throw new EdgeError(
      "ERR_INVALID_OPTION",
      'clockTolerance must be a number of seconds or a duration string such as "10s"',
    );
  }
  try {
    return parseTtl(tolerance);
  } catch (e) {
    // A lifetime of zero is refused; a tolerance of zero is fine.
    if (Number.parseFloat(tolerance) === 0) return 0;
    if (e instanceof EdgeError) {
      throw new EdgeError("ERR_INVALID_OPTION", `clockTolerance: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Whether livekit-server-sdk would have replaced this ttl by its default
 * (`options.ttl || "6h"`): 0, NaN and "" (a number reads back as `"<n>s"`).
 */
function sdkDefaultsTtl(ttl: number | string): boolean {
  return ttl === "" || ttl === "0s" || ttl === "NaNs" || (typeof ttl === "number" && !ttl);
}

/** Keeps only the entries that are set. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * livekit-server-sdk's `AccessToken`: collect an identity, a lifetime and
 * grants, then `await toJwt()`. The constructor takes the API key and secret
 * (else `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET` from the environment) and
 * the SDK's options (`identity`, `name`, `metadata`, `attributes`, `ttl`),
 * plus every option of {@linkcode createAccessToken} (`kind`, `video`,
 * `roomConfig`, `currentDate`, `onWarning`, ...). `toJwt()` mints through the
 * core: every limit is checked and an unknown option or grant field is
 * refused (`ERR_INVALID_OPTION`) instead of being ignored.
 *
 * @example
 * ```ts
 * import { AccessToken } from "livekit-tavus-edge";
 *
 * const at = new AccessToken("api-key", "secret-key", { identity: "user-name" });
 * at.addGrant({ roomJoin: true, room: "name-of-room" });
 * const token = await at.toJwt();
 * ```
 */
export class AccessToken {
  #apiKey: string;
  #apiSecret: string;
  #grants: LiveKitGrants & Record<string, unknown>;
  #settings: Pick<
    AccessTokenOptions,
    "currentDate" | "onWarning" | "allowRoomConfigEgress"
  >;

  /** The participant identity (`sub`); required for `roomJoin`. */
  identity?: string;

  /**
   * The lifetime: seconds or a duration string such as `"10m"`, `"2 days"`.
   * Default `"6h"`; a number given to the constructor reads back as `"<n>s"`,
   * as in livekit-server-sdk. Zero, negative or over 7 days is refused by
   * `toJwt()` (`ERR_INVALID_TTL`).
   */
  ttl: number | string;

  /**
   * @param apiKey the API key, else `LIVEKIT_API_KEY` from the environment
   * @param apiSecret its secret, else `LIVEKIT_API_SECRET` from the environment
   * @param options identity, name, metadata, attributes, ttl, and any other
   * option of {@linkcode createAccessToken}
   * @throws {EdgeError} `ERR_KEY_MISSING` when neither gives a key and a secret.
   */
  constructor(
    apiKey?: string,
    apiSecret?: string,
    options?: AccessTokenOptions,
  ) {
    const key = apiKey || envVar("LIVEKIT_API_KEY");
    const secret = apiSecret || envVar("LIVEKIT_API_SECRET");
    if (!key || !secret) {
      throw new EdgeError(
        "ERR_KEY_MISSING",
        "api-key and api-secret must be set (as arguments, or as LIVEKIT_API_KEY and " +
          "LIVEKIT_API_SECRET in the environment)",
      );
    }
    this.#apiKey = key;
    this.#apiSecret = secret;
    const {
      identity,
      ttl,
      currentDate,
      onWarning,
      allowRoomConfigEgress,
      ...grants
    } = options ??
      {};
    this.identity = identity;
    this.ttl = ttl === undefined ? DEFAULT_TTL : typeof ttl === "number" ? `${ttl}s` : ttl;
    this.#grants = grants;
    this.#settings = defined({ currentDate, onWarning, allowRoomConfigEgress });
  }

  /** Adds video-grant fields to this token (merged with those already added). */
  addGrant(grant: VideoGrant): void {
    this.#grants.video = { ...this.#grants.video, ...grant };
  }

  /** Adds SIP-grant fields to this token (merged with those already added). */
  addSIPGrant(grant: SIPGrant): void {
    this.#grants.sip = { ...this.#grants.sip, ...grant };
  }

  /** Adds inference-grant fields to this token (merged with those already added). */
  addInferenceGrant(grant: InferenceGrant): void {
    this.#grants.inference = { ...this.#grants.inference, ...grant };
  }

  /** Adds observability-grant fields to this token (merged with those already added). */
  addObservabilityGrant(grant: ObservabilityGrant): void {
    this.#grants.observability = { ...this.#grants.observability, ...grant };
  }

  /** Adds Cloud Agents grant fields to this token (merged with those already added). */
  addAgentGrant(grant: AgentGrant): void {
    this.#grants.agent = { ...this.#grants.agent, ...grant };
  }

  /** The participant's display name. */
  get name(): string | undefined {
    return this.#grants.name;
  }
  set name(name: string | undefined) {
    this.#grants.name = name;
  }

  /** Participant metadata, used when joining the room. */
  get metadata(): string | undefined {
    return this.#grants.metadata;
  }
  set metadata(metadata: string | undefined) {
    this.#grants.metadata = metadata;
  }

  /** Participant attributes. */
  get attributes(): Record<string, string> | undefined {
    return this.#grants.attributes;
  }
  set attributes(attributes: Record<string, string> | undefined) {
    this.#grants.attributes = attributes;
  }

  /** The participant kind; `toJwt()` refuses a kind LiveKit does not define. */
  get kind(): string | undefined {
    return this.#grants.kind;
  }
  set kind(kind: string | undefined) {
    this.#grants.kind = kind as ParticipantKind | undefined;
  }

  /** Webhook body hash: standard base64 of the body's SHA-256. */
  get sha256(): string | undefined {
    return this.#grants.sha256;
  }
  set sha256(sha: string | undefined) {
    this.#grants.sha256 = sha;
  }

  /** LiveKit Cloud room preset. */
  get roomPreset(): string | undefined {
    return this.#grants.roomPreset;
  }
  set roomPreset(preset: string | undefined) {
    this.#grants.roomPreset = preset;
  }

  /**
   * Room configuration (agent dispatch, timeouts) used if this join creates
   * the room: a {@linkcode RoomConfiguration}, a plain object or a
   * `@livekit/protocol` message. Only fields set to non-default values are
   * written.
   */
  get roomConfig(): RoomConfigurationFields | undefined {
    return this.#grants.roomConfig;
  }
  set roomConfig(config: RoomConfigurationFields | undefined) {
    this.#grants.roomConfig = config;
  }

  /**
   * Mints the token: `iss` = the API key, `sub` = `identity`, `nbf` = now,
   * `exp` = now + `ttl`, and the grants.
   *
   * @returns a promise of the compact HS256 token
   * @throws {EdgeError} (as a rejection) `ERR_IDENTITY_REQUIRED`, `ERR_INVALID_TTL`,
   * `ERR_INVALID_OPTION`, `ERR_GRANT_*`, ... as {@linkcode createAccessToken}.
   */
  // deno-lint-ignore require-await
  async toJwt(): Promise<string> {
    const options: AccessTokenOptions = {
      ...this.#grants,
      ttl: this.ttl,
      ...this.#settings,
    };
    if (this.identity) options.identity = this.identity;
    try {
      return createAccessToken(this.#apiKey, this.#apiSecret, options);
    } catch (e) {
      // Say why code that worked with livekit-server-sdk fails here.
      if (e instanceof EdgeError && e.code === "ERR_INVALID_TTL" && sdkDefaultsTtl(this.ttl)) {
        throw new EdgeError(
          "ERR_INVALID_TTL",
          `${e.message} (livekit-server-sdk silently uses 6 h for a ttl of 0, NaN or ""; ` +
            "this package refuses it: give the lifetime you mean, or leave ttl out for 6 h)",
        );
      }
      throw e;
    }
  }
}

/**
 * livekit-server-sdk's `TokenVerifier`: verifies a token signed with this API
 * key's secret and resolves to its claims. Stricter than the SDK: HS256 only
 * (`ERR_TOKEN_ALGORITHM`), numeric `exp`/`nbf`/`iat` required to be integers
 * (`ERR_TOKEN_CLAIMS`), a token signed by another key is `ERR_TOKEN_UNKNOWN_KEY`.
 *
 * @example
 * ```ts
 * import { TokenVerifier } from "livekit-tavus-edge";
 *
 * const verifier = new TokenVerifier("api-key", "secret-key");
 * const grants = await verifier.verify(token);
 * console.log(grants.sub, grants.video?.room);
 * ```
 */
export class TokenVerifier {
  #keys: Map<string, string>;

  /**
   * @param apiKey the API key the tokens must be issued by (`iss`)
   * @param apiSecret its secret
   */
  constructor(apiKey: string, apiSecret: string) {
    this.#keys = new Map([[apiKey, apiSecret]]);
  }

  /**
   * Verifies `token` and resolves to its claims, exactly as signed.
   *
   * @param token the compact JWT
   * @param clockTolerance allowed clock skew: seconds or a duration string
   * (default 10 s, as in livekit-server-sdk; at most 3600 s)
   * @throws {EdgeError} (as a rejection) `ERR_TOKEN_*` codes such as `ERR_TOKEN_EXPIRED`,
   * `ERR_TOKEN_SIGNATURE`, `ERR_TOKEN_EXP_REQUIRED`.
   */
  // deno-lint-ignore require-await
  async verify(
    token: string,
    clockTolerance: string | number = DEFAULT_CLOCK_TOLERANCE,
  ): Promise<ClaimGrants> {
    return verifyAccessToken(token, this.#keys, {
      leeway: toleranceSeconds(clockTolerance),
    });
  }
}

/**
 * livekit-server-sdk's `WebhookReceiver`: verifies the `Authorization` JWT,
 * then the SHA-256 of the exact body against its `sha256` claim, then parses
 * the event. The event is a plain object in protobuf-JSON form (int64 values
 * as decimal strings, enums as names), not a protobuf class instance.
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "livekit-tavus-edge";
 *
 * const receiver = new WebhookReceiver("apikey", "apisecret");
 * Deno.serve(async (req) => {
 *   const event = await receiver.receive(await req.text(), req.headers.get("Authorization") ?? undefined);
 *   console.log(event.event, event.room?.name);
 *   return new Response(null, { status: 204 });
 * });
 * ```
 */
export class WebhookReceiver {
  #keys: Map<string, string>;

  /**
   * @param apiKey the API key LiveKit signs webhooks with (`iss`)
   * @param apiSecret its secret
   */
  constructor(apiKey: string, apiSecret: string) {
    this.#keys = new Map([[apiKey, apiSecret]]);
  }

  /**
   * @param body the raw posted body, as a string or bytes (never re-serialised JSON)
   * @param authHeader the `Authorization` header (with or without `Bearer `)
   * @param skipAuth `true` decodes the event without verifying anything
   * @param clockTolerance allowed clock skew: seconds or a duration string (default 10 s)
   * @returns a promise of the event
   * @throws {EdgeError} (as a rejection) `ERR_WEBHOOK_AUTH_MISSING`, `ERR_TOKEN_*`,
   * `ERR_WEBHOOK_HASH_MISSING`, `ERR_WEBHOOK_HASH_MISMATCH`, `ERR_WEBHOOK_BODY_MALFORMED`,
   * `ERR_WEBHOOK_BODY_TOO_LARGE`.
   */
  // deno-lint-ignore require-await
  async receive(
    body: string | Uint8Array,
    authHeader?: string | null,
    skipAuth: boolean = false,
    clockTolerance?: string | number,
  ): Promise<WebhookEvent> {
    if (skipAuth) return decodeWebhookUnsafe(body);
    return receiveWebhook(body, authHeader ?? null, this.#keys, {
      leeway: toleranceSeconds(clockTolerance ?? DEFAULT_CLOCK_TOLERANCE),
    });
  }
}
