/**
 * The package's types: those the core's tables describe come from
 * `./generated.ts` (written from the Rust core by `cargo test`); the options
 * that exist only on this side of the boundary (the clock, callbacks, key maps)
 * are declared here.
 *
 * @module
 */
import type { EdgeWarning } from "./errors.ts";
import type { RoomConfigurationFields, TrackSource } from "./grants.ts";
import type * as wire from "./generated.ts";
import type {
  AccessTokenClaimFields,
  AccessTokenOptionFields,
  ParticipantKind,
  TrackSourceName,
} from "./generated.ts";

export type {
  AgentEndpointGrant,
  AgentGrant,
  AgentThreadGrant,
  Codec,
  InferenceGrant,
  Job,
  JobState,
  ObservabilityGrant,
  ParticipantInfo,
  ParticipantKind,
  ParticipantPermission,
  ProtoEnum,
  Room,
  RoomAgentDispatchGrant,
  RoomConfigurationGrant,
  RoomServiceMethod,
  ServerApiHeaders,
  ServerApiRequest,
  SipGrant,
  TimedVersion,
  TrackInfo,
  TrackSourceName,
  WebhookEvent,
  WebhookEventName,
} from "./generated.ts";

/**
 * The `video` grant as options take it: `canPublishSources` also takes
 * {@linkcode TrackSource} numbers (a minted token carries the names).
 */
export type VideoGrant = Omit<wire.VideoGrant, "canPublishSources"> & {
  /** Track sources the participant may publish, by name or number; absent or empty: all. */
  canPublishSources?: (TrackSourceName | TrackSource)[];
};

/**
 * The LiveKit claims a token can carry besides the registered JWT claims, as
 * options take them: `roomConfig` may also be a {@linkcode RoomConfiguration}
 * or a `@livekit/protocol` message.
 */
export type LiveKitGrants = Omit<wire.LiveKitGrants, "video" | "roomConfig"> & {
  /** The video grant. */
  video?: VideoGrant;
  /** Room configuration (agent dispatch, timeouts) used if this join creates the room. */
  roomConfig?: RoomConfigurationFields;
};

/** What to put in a new access token. */
export interface AccessTokenOptions extends AccessTokenOptionFields, LiveKitGrants {
  /** Called for each warning, e.g. `ERR_KEY_WEAK_SECRET` for a secret under 32 bytes. */
  onWarning?: (warning: EdgeWarning) => void;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/** The claims of a verified access token, exactly as they were signed. */
export interface AccessTokenClaims
  extends Omit<wire.LiveKitGrants, "kind">, AccessTokenClaimFields {
  /** Participant kind (any string a newer server may write). */
  kind?: ParticipantKind | (string & Record<never, never>);
}

/** Claims decoded without verification: nothing about them can be trusted. */
export type UnverifiedClaims = Omit<AccessTokenClaims, "exp"> & {
  exp?: number;
};

/** API key → secret (an object or a `Map`), for verification and key rotation. */
export type KeyMap = Record<string, string> | Map<string, string>;

/** Options for verifying a token. */
export interface VerifyOptions {
  /** Allowed clock skew in seconds (default 60, as on LiveKit's server; at most 3600). */
  leeway?: number;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/** Options for receiving a webhook. */
export interface WebhookOptions extends VerifyOptions {
  /**
   * Refuse events older than this many seconds, plus the leeway (by `createdAt`, else the
   * token's `nbf`).
   */
  maxAge?: number;
}

/** Options for {@linkcode serverApiRequest}. */
export interface ServerApiOptions {
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}
