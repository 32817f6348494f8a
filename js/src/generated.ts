// Generated from the Rust core's tables by `cargo test` (src/typescript.rs): do not edit.
// `UPDATE_GENERATED=1 cargo test --lib typescript` rewrites it after a change to the core.
// deno-fmt-ignore-file

/**
 * Every code the core can throw. The same strings appear in Rust
 * (`Error::code`), in thrown `EdgeError`s and in HTTP error bodies.
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
  | "ERR_TAVUS_BAD_CALLBACK"
  | "ERR_BAD_JSON"
  | "ERR_UNKNOWN_FIELD"
  | "ERR_BAD_FIELD"
  | "ERR_FIELD_TOO_LARGE"
  | "ERR_FIELD_NOT_ALLOWED"
  | "ERR_IDENTITY_NOT_ALLOWED"
  | "ERR_AGENT_NOT_ALLOWED"
  | "ERR_NOT_CONFIGURED"
  | "ERR_SCENARIO_NOT_FOUND";

/** The HTTP status each code answers with in the functions. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  ERR_KEY_MISSING: 500,
  ERR_INVALID_OPTION: 500,
  ERR_IDENTITY_REQUIRED: 500,
  ERR_INVALID_TTL: 500,
  ERR_TOKEN_MALFORMED: 401,
  ERR_TOKEN_ALGORITHM: 401,
  ERR_TOKEN_SIGNATURE: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_NOT_YET_VALID: 401,
  ERR_TOKEN_CLAIMS: 401,
  ERR_TOKEN_TOO_LARGE: 401,
  ERR_TOKEN_UNKNOWN_KEY: 401,
  ERR_INVALID_INPUT: 500,
  ERR_GRANT_TOO_LONG: 500,
  ERR_GRANT_METADATA_TOO_LARGE: 500,
  ERR_GRANT_ATTRIBUTES_TOO_LARGE: 500,
  ERR_GRANT_EGRESS_CREDENTIALS: 500,
  ERR_TOKEN_BASE64: 401,
  ERR_TOKEN_JSON: 401,
  ERR_TOKEN_HEADER: 401,
  ERR_TOKEN_EXP_REQUIRED: 401,
  ERR_WEBHOOK_AUTH_MISSING: 401,
  ERR_WEBHOOK_HASH_MISSING: 401,
  ERR_WEBHOOK_HASH_MISMATCH: 401,
  ERR_WEBHOOK_BODY_MALFORMED: 400,
  ERR_WEBHOOK_BODY_TOO_LARGE: 413,
  ERR_WEBHOOK_TOO_OLD: 401,
  ERR_SERVER_API_URL: 500,
  ERR_SERVER_API_METHOD: 500,
  ERR_SERVER_API_BODY: 500,
  ERR_AUTH_MALFORMED: 401,
  ERR_AUTH_ALGORITHM: 401,
  ERR_AUTH_SIGNATURE: 401,
  ERR_AUTH_UNKNOWN_KEY: 401,
  ERR_AUTH_JWKS: 503,
  ERR_AUTH_EXPIRED: 401,
  ERR_AUTH_NOT_YET_VALID: 401,
  ERR_AUTH_CLAIMS: 401,
  ERR_AUTH_AUDIENCE: 401,
  ERR_AUTH_ISSUER: 401,
  ERR_AUTH_ANON_KEY: 401,
  ERR_AUTH_ROLE: 401,
  ERR_AUTH_ANONYMOUS_USER: 403,
  ERR_SCENARIO_ID: 400,
  ERR_SCENARIO_DISPLAY_NAME: 400,
  ERR_SCENARIO_REPLICA: 400,
  ERR_SCENARIO_PERSONA: 400,
  ERR_SCENARIO_LANGUAGE: 400,
  ERR_SCENARIO_PROMPT: 400,
  ERR_SCENARIO_GREETING: 400,
  ERR_SCENARIO_DURATION: 400,
  ERR_SCENARIO_AGENT_NAME: 400,
  ERR_TAVUS_CONCURRENCY: 503,
  ERR_TAVUS_UNAUTHORIZED: 502,
  ERR_TAVUS_REPLICA: 502,
  ERR_TAVUS_PERSONA: 502,
  ERR_TAVUS_RATE_LIMITED: 503,
  ERR_TAVUS_REJECTED: 502,
  ERR_TAVUS_UNAVAILABLE: 502,
  ERR_TAVUS_BAD_RESPONSE: 502,
  ERR_TAVUS_NOT_FOUND: 502,
  ERR_TAVUS_BAD_CALLBACK: 400,
  ERR_BAD_JSON: 400,
  ERR_UNKNOWN_FIELD: 400,
  ERR_BAD_FIELD: 400,
  ERR_FIELD_TOO_LARGE: 400,
  ERR_FIELD_NOT_ALLOWED: 403,
  ERR_IDENTITY_NOT_ALLOWED: 403,
  ERR_AGENT_NOT_ALLOWED: 403,
  ERR_NOT_CONFIGURED: 503,
  ERR_SCENARIO_NOT_FOUND: 404,
};

/**
 * Every other code the edge functions answer with (Rust `error::FUNCTION_CODES`):
 * HTTP plumbing, upstream timeouts, the database, the session rules, the local gateway.
 */
export type FunctionErrorCode =
  | "ERR_AUTH_MISSING"
  | "ERR_AUTH_JWKS_UNAVAILABLE"
  | "ERR_AUTH_SERVICE_ROLE_REQUIRED"
  | "ERR_BAD_ENCODING"
  | "ERR_BODY_TOO_LARGE"
  | "ERR_METHOD_NOT_ALLOWED"
  | "ERR_NOT_FOUND"
  | "ERR_UNSUPPORTED_MEDIA_TYPE"
  | "ERR_RATE_LIMITED"
  | "ERR_INTERNAL"
  | "ERR_CONFIG_VAULT"
  | "ERR_CONFIG_VAULT_TIMEOUT"
  | "ERR_DATABASE"
  | "ERR_DATABASE_TIMEOUT"
  | "ERR_DATABASE_UNAVAILABLE"
  | "ERR_TAVUS_TIMEOUT"
  | "ERR_TAVUS_NETWORK"
  | "ERR_LIVEKIT_UPSTREAM"
  | "ERR_LIVEKIT_TIMEOUT"
  | "ERR_LIVEKIT_NETWORK"
  | "ERR_SESSION_LIMIT"
  | "ERR_SESSION_CLEANUP_PENDING"
  | "ERR_SESSION_ENDING"
  | "ERR_SESSION_CONFLICT"
  | "ERR_SESSION_NOT_FOUND"
  | "ERR_ROOM_TAKEN"
  | "ERR_ROOM_NOT_ALLOWED"
  | "ERR_ROOM_CONFLICT"
  | "ERR_FUNCTION_NOT_FOUND"
  | "ERR_FORBIDDEN";

/** The HTTP status each function code answers with. */
export const FUNCTION_ERROR_STATUS: Readonly<Record<FunctionErrorCode, number>> = {
  ERR_AUTH_MISSING: 401,
  ERR_AUTH_JWKS_UNAVAILABLE: 503,
  ERR_AUTH_SERVICE_ROLE_REQUIRED: 401,
  ERR_BAD_ENCODING: 400,
  ERR_BODY_TOO_LARGE: 413,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_NOT_FOUND: 404,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_INTERNAL: 500,
  ERR_CONFIG_VAULT: 503,
  ERR_CONFIG_VAULT_TIMEOUT: 504,
  ERR_DATABASE: 503,
  ERR_DATABASE_TIMEOUT: 504,
  ERR_DATABASE_UNAVAILABLE: 502,
  ERR_TAVUS_TIMEOUT: 504,
  ERR_TAVUS_NETWORK: 502,
  ERR_LIVEKIT_UPSTREAM: 502,
  ERR_LIVEKIT_TIMEOUT: 504,
  ERR_LIVEKIT_NETWORK: 502,
  ERR_SESSION_LIMIT: 409,
  ERR_SESSION_CLEANUP_PENDING: 409,
  ERR_SESSION_ENDING: 409,
  ERR_SESSION_CONFLICT: 409,
  ERR_SESSION_NOT_FOUND: 404,
  ERR_ROOM_TAKEN: 409,
  ERR_ROOM_NOT_ALLOWED: 403,
  ERR_ROOM_CONFLICT: 409,
  ERR_FUNCTION_NOT_FOUND: 404,
  ERR_FORBIDDEN: 403,
};

/**
 * Codes that are never an HTTP error body (Rust `error::REPORT_CODES`): problems of the
 * configuration and health reports, the reconciler's summary, the SQL functions' refusals.
 */
export const REPORT_CODES = [
  "ERR_CONFIG_MISSING",
  "ERR_CONFIG_WHITESPACE",
  "ERR_CONFIG_MALFORMED",
  "ERR_CONFIG_URL",
  "ERR_CONFIG_URL_SCHEME",
  "ERR_CONFIG_WEAK_SECRET",
  "ERR_CONFIG_INVALID",
  "ERR_CONFIG_NO_DATABASE",
  "ERR_RECONCILER_NOT_RUNNING",
  "ERR_RECONCILER_FAILED",
  "ERR_TAVUS_END_OWED",
  "ERR_TAVUS_END_FAILED",
  "ERR_VAULT_NAME_NOT_ALLOWED",
  "ERR_RECONCILE_NOT_CONFIGURED",
  "ERR_INVALID_ARGUMENT",
] as const;

/** A code of {@linkcode REPORT_CODES}. */
export type ReportCode = (typeof REPORT_CODES)[number];

/** Codes of warnings: accepted, but worth fixing (Rust `Warning::code`). */
export type WarningCode = "ERR_KEY_WEAK_SECRET";

/** The secrets read from Vault when `SECRETS_SOURCE=vault` (the migration's allow-list). */
export const VAULT_SECRET_NAMES = [
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "LIVEKIT_WS_URL",
  "TAVUS_API_KEY",
  "TAVUS_CALLBACK_SECRET",
  "AUTH_JWT_SECRET",
] as const;

/** The name of a track source `canPublishSources` may list. */
export type TrackSourceName =
  | "camera"
  | "microphone"
  | "screen_share"
  | "screen_share_audio";

/** A participant kind. */
export type ParticipantKind =
  | "standard"
  | "ingress"
  | "egress"
  | "sip"
  | "agent"
  | "connector"
  | "bridge";

/** Every event LiveKit's server sends (newer names pass through as strings). */
export type WebhookEventName =
  | "room_started"
  | "room_finished"
  | "participant_joined"
  | "participant_left"
  | "participant_connection_aborted"
  | "track_published"
  | "track_unpublished"
  | "egress_started"
  | "egress_updated"
  | "egress_ended"
  | "ingress_started"
  | "ingress_ended"
  | "agent_job_started"
  | "agent_job_ended";

/** How the avatar reaches the room. */
export type AvatarMode =
  | "direct"
  | "agent"
  | "none";

/** What ending a conversation found; each means it no longer runs. */
export type EndOutcome =
  | "ended"
  | "already_ended"
  | "not_found";

/** A RoomService method the core can build a request for. */
export type RoomServiceMethod =
  | "CreateRoom"
  | "ListRooms"
  | "DeleteRoom"
  | "UpdateRoomMetadata"
  | "ListParticipants"
  | "GetParticipant"
  | "RemoveParticipant"
  | "MutePublishedTrack"
  | "UpdateParticipant"
  | "UpdateSubscriptions"
  | "SendData"
  | "ForwardParticipant"
  | "MoveParticipant"
  | "CreateDispatch"
  | "ListDispatch"
  | "DeleteDispatch";

/** A protobuf enum value: its name (as LiveKit's server writes it) or its number. */
export type ProtoEnum = string | number;

/** The LiveKit claims a token can carry besides the registered JWT claims. */
export type LiveKitGrants = {
  /** Display name (≤ 256 bytes). */
  name?: string;
  /** Participant kind. */
  kind?: ParticipantKind;
  /** Finer kind details, e.g. `"CLOUD_AGENT"`. */
  kindDetails?: string[];
  /** Participant metadata (≤ 512 KiB). */
  metadata?: string;
  /** Participant attributes (≤ 64 KiB in total), e.g. `lk.publish_on_behalf`. */
  attributes?: Record<string, string>;
  /** Webhook body hash: standard base64 of the body's SHA-256. */
  sha256?: string;
  /** The video grant. */
  video?: VideoGrant;
  /** The SIP grant. */
  sip?: SipGrant;
  /** The Cloud Agents grant. */
  agent?: AgentGrant;
  /** The agent-endpoint grant. */
  agentEndpoint?: AgentEndpointGrant;
  /** The agent-thread grant. */
  agentThread?: AgentThreadGrant;
  /** The inference grant. */
  inference?: InferenceGrant;
  /** The observability grant. */
  observability?: ObservabilityGrant;
  /** LiveKit Cloud room preset; `roomConfig` overrides its parameters. */
  roomPreset?: string;
  /** Room configuration (agent dispatch, timeouts) used if this join creates the room. */
  roomConfig?: RoomConfigurationGrant;
};

/** What a new access token's options add to its grants. */
export type AccessTokenOptionFields = {
  /** Participant identity (`sub`, ≤ 256 bytes). Required with `video.roomJoin`. */
  identity?: string;
  /**
   * Lifetime: seconds, or a duration string such as `"10m"`, `"1.5h"`,
   * `"2 days"`. Default 6 hours; zero, negative, non-finite or over 7 days is
   * refused (`ERR_INVALID_TTL`).
   */
  ttl?: number | string;
  /** Allow storage or stream credentials inside `roomConfig.egress`. */
  allowRoomConfigEgress?: boolean;
};

/** The registered JWT claims of a LiveKit access token. */
export type AccessTokenClaimFields = {
  /** The API key that signed the token. */
  iss: string;
  /** Participant identity. */
  sub?: string;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat?: number;
  /** JWT id (LiveKit's identity when `sub` is absent). */
  jti?: string;
};

/**
 * The `video` grant. Plain flags mean "not granted" when absent and are left
 * out of a minted token when `false`; tri-state flags (`canPublish`,
 * `canSubscribe`, `canPublishData`, `canUpdateOwnMetadata`,
 * `canSubscribeMetrics`, `canManageAgentSession`) are written only when set,
 * since LiveKit gives absence its own meaning.
 */
export type VideoGrant = {
  /** May create and delete rooms (server API). */
  roomCreate?: boolean;
  /** May list rooms (server API). */
  roomList?: boolean;
  /** May start recordings (server API). */
  roomRecord?: boolean;
  /** May administer `room` (server API). */
  roomAdmin?: boolean;
  /** May join `room`; needs an identity. */
  roomJoin?: boolean;
  /** The room the grant applies to (≤ 256 bytes). */
  room?: string;
  /** May publish tracks (tri-state; absent: allowed). */
  canPublish?: boolean;
  /** May subscribe (tri-state; absent: allowed). */
  canSubscribe?: boolean;
  /** May publish data (tri-state; absent: follows `canPublish`). */
  canPublishData?: boolean;
  /** Track sources the participant may publish; absent or empty: all. */
  canPublishSources?: TrackSourceName[];
  /** May update its own name, metadata and attributes (tri-state; absent: no). */
  canUpdateOwnMetadata?: boolean;
  /** May administer ingress (server API). */
  ingressAdmin?: boolean;
  /** Hidden from other participants. */
  hidden?: boolean;
  /** Marked as a recorder. */
  recorder?: boolean;
  /** May register as an agent worker. */
  agent?: boolean;
  /** May subscribe to metrics (tri-state; absent: no). */
  canSubscribeMetrics?: boolean;
  /** May manage an agent session (tri-state; absent: no). */
  canManageAgentSession?: boolean;
  /** The room a participant may be moved or forwarded to (server API). */
  destinationRoom?: string;
};

/** The `sip` grant. */
export type SipGrant = {
  /** May manage SIP trunks and dispatch rules. */
  admin?: boolean;
  /** May make outbound calls. */
  call?: boolean;
};

/** The `agent` grant (LiveKit Cloud agents). */
export type AgentGrant = {
  /** May create, update and delete Cloud Agents. */
  admin?: boolean;
  /** May manage agent simulations and scenarios. */
  simulationAdmin?: boolean;
  /** May access the project's agent databases. */
  databaseAdmin?: boolean;
  /** May manage the project's agent dispatch queue. */
  dispatchAdmin?: boolean;
};

/** The `agentEndpoint` grant: calling an agent's private HTTP endpoints. */
export type AgentEndpointGrant = {
  /** May call the endpoints. */
  call?: boolean;
  /** Only this agent (absent: every agent of the project). */
  agentName?: string;
  /** Only this deployment (absent: every deployment). */
  deployment?: string;
};

/** The `agentThread` grant: access to agent conversation threads. */
export type AgentThreadGrant = {
  /** Every thread and scope of the project (the action flags still apply). */
  all?: boolean;
  /** The scope in which threads may be listed and created. */
  scope?: string;
  /** Threads that may be read, written and deleted. */
  threadIds?: string[];
  /** May list threads. */
  list?: boolean;
  /** May create threads. */
  create?: boolean;
  /** May write to threads. */
  write?: boolean;
  /** May read threads. */
  read?: boolean;
  /** May delete threads. */
  delete?: boolean;
};

/** The `inference` grant (LiveKit Inference). */
export type InferenceGrant = {
  /** May perform inference. */
  perform?: boolean;
};

/** The `observability` grant. */
export type ObservabilityGrant = {
  /** May publish observability data. */
  write?: boolean;
};

/** One agent to dispatch when this participant's join creates the room. */
export type RoomAgentDispatchGrant = {
  /** The agent's registered name. */
  agentName?: string;
  /** Job metadata handed to the agent. */
  metadata?: string;
  /** Restart policy, e.g. `"JRP_NEVER"` (or its number; `JRP_ON_FAILURE`, 0, is the default). */
  restartPolicy?: ProtoEnum;
  /** Deployment to dispatch to (LiveKit Cloud). */
  deployment?: string;
  /** Job attributes. */
  attributes?: Record<string, string>;
};

/**
 * Room configuration used when this participant's join creates the room
 * (protobuf-JSON `livekit.RoomConfiguration`). A minted token carries only the
 * fields set to non-default values.
 */
export type RoomConfigurationGrant = {
  /** Room name (≤ 256 bytes). */
  name?: string;
  /** Seconds an empty room stays open. */
  emptyTimeout?: number;
  /** Seconds the room stays open after the last participant leaves. */
  departureTimeout?: number;
  /** Participant limit. */
  maxParticipants?: number;
  /** Room metadata. */
  metadata?: string;
  /**
   * Automatic egress (protobuf-JSON `livekit.RoomEgress`). Credentials in it
   * are refused unless `allowRoomConfigEgress` is set: every participant can
   * read the token.
   */
  egress?: Record<string, unknown>;
  /** Minimum playout delay (ms). */
  minPlayoutDelay?: number;
  /** Maximum playout delay (ms). */
  maxPlayoutDelay?: number;
  /** Synchronise each participant's audio and video. */
  syncStreams?: boolean;
  /** Agents to dispatch when the room is created. */
  agents?: RoomAgentDispatchGrant[];
  /** Room tags. */
  tags?: Record<string, string>;
};

/** A codec enabled in a room. */
export type Codec = {
  /** MIME type, e.g. `audio/opus`. */
  mime?: string;
  /** SDP fmtp line. */
  fmtpLine?: string;
};

/** A version stamp. */
export type TimedVersion = {
  /** Microseconds since the epoch (int64 as a decimal string). */
  unixMicro?: string;
  /** Tie-breaking counter. */
  ticks?: number;
};

/** A room (`livekit.Room`). int64 values are decimal strings. */
export type Room = {
  /** Room id (`RM_…`). */
  sid?: string;
  /** Room name. */
  name?: string;
  /** Seconds an empty room stays open. */
  emptyTimeout?: number;
  /** Seconds the room stays open after the last participant leaves. */
  departureTimeout?: number;
  /** Participant limit. */
  maxParticipants?: number;
  /** Creation time, seconds (int64 string). */
  creationTime?: string;
  /** Creation time, milliseconds (int64 string). */
  creationTimeMs?: string;
  /** TURN password. */
  turnPassword?: string;
  /** Enabled codecs. */
  enabledCodecs?: Codec[];
  /** Room metadata. */
  metadata?: string;
  /** Number of participants. */
  numParticipants?: number;
  /** Number of publishers. */
  numPublishers?: number;
  /** Whether the room is being recorded. */
  activeRecording?: boolean;
  /** Version stamp. */
  version?: TimedVersion;
};

/** What a participant may do (`livekit.ParticipantPermission`). */
export type ParticipantPermission = {
  /** May subscribe. */
  canSubscribe?: boolean;
  /** May publish. */
  canPublish?: boolean;
  /** May publish data. */
  canPublishData?: boolean;
  /** Sources it may publish, e.g. `"CAMERA"`. */
  canPublishSources?: ProtoEnum[];
  /** Hidden from others. */
  hidden?: boolean;
  /** Marked as a recorder. */
  recorder?: boolean;
  /** May update its own metadata. */
  canUpdateMetadata?: boolean;
  /** Is an agent. */
  agent?: boolean;
  /** May subscribe to metrics. */
  canSubscribeMetrics?: boolean;
  /** May manage an agent session. */
  canManageAgentSession?: boolean;
};

/** A published track (`livekit.TrackInfo`). */
export type TrackInfo = {
  /** Track id (`TR_…`). */
  sid?: string;
  /** `AUDIO`, `VIDEO` or `DATA`. */
  type?: ProtoEnum;
  /** Track name. */
  name?: string;
  /** Muted. */
  muted?: boolean;
  /** Video width. */
  width?: number;
  /** Video height. */
  height?: number;
  /** Simulcast. */
  simulcast?: boolean;
  /** DTX disabled. */
  disableDtx?: boolean;
  /** `CAMERA`, `MICROPHONE`, `SCREEN_SHARE`, `SCREEN_SHARE_AUDIO`. */
  source?: ProtoEnum;
  /** MIME type. */
  mimeType?: string;
  /** Media id. */
  mid?: string;
  /** Stereo audio. */
  stereo?: boolean;
  /** RED disabled. */
  disableRed?: boolean;
  /** Encryption type. */
  encryption?: ProtoEnum;
  /** Stream name. */
  stream?: string;
};

/** A participant (`livekit.ParticipantInfo`). int64 values are decimal strings. */
export type ParticipantInfo = {
  /** Participant id (`PA_…`). */
  sid?: string;
  /** Identity. */
  identity?: string;
  /** `JOINING`, `JOINED`, `ACTIVE`, `DISCONNECTED`. */
  state?: ProtoEnum;
  /** Published tracks. */
  tracks?: TrackInfo[];
  /** Metadata. */
  metadata?: string;
  /** Join time, seconds (int64 string). */
  joinedAt?: string;
  /** Join time, milliseconds (int64 string). */
  joinedAtMs?: string;
  /** Display name. */
  name?: string;
  /** Version. */
  version?: number;
  /** Permissions. */
  permission?: ParticipantPermission;
  /** Region. */
  region?: string;
  /** Is a publisher. */
  isPublisher?: boolean;
  /** `STANDARD`, `INGRESS`, `EGRESS`, `SIP`, `AGENT`, … */
  kind?: ProtoEnum;
  /** Attributes. */
  attributes?: Record<string, string>;
  /** Why the participant disconnected. */
  disconnectReason?: ProtoEnum;
  /** Kind details. */
  kindDetails?: ProtoEnum[];
};

/** The state of an agent job. int64 values are decimal strings (nanoseconds). */
export type JobState = {
  /** `JS_PENDING`, `JS_RUNNING`, `JS_SUCCESS`, `JS_FAILED`. */
  status?: ProtoEnum;
  /** Error text of a failed job. */
  error?: string;
  /** Start time, nanoseconds (int64 string). */
  startedAt?: string;
  /** End time, nanoseconds (int64 string). */
  endedAt?: string;
  /** Update time, nanoseconds (int64 string). */
  updatedAt?: string;
  /** Identity of the agent participant. */
  participantIdentity?: string;
  /** Worker id. */
  workerId?: string;
  /** Agent id. */
  agentId?: string;
};

/** An agent job (`agent_job_*` events). */
export type Job = {
  /** Job id. */
  id?: string;
  /** Dispatch id. */
  dispatchId?: string;
  /** `JT_ROOM`, `JT_PUBLISHER`, `JT_PARTICIPANT`. */
  type?: ProtoEnum;
  /** The room. */
  room?: Room;
  /** The participant the job is for. */
  participant?: ParticipantInfo;
  /** Worker namespace. */
  namespace?: string;
  /** Job metadata. */
  metadata?: string;
  /** Agent name. */
  agentName?: string;
  /** Job state. */
  state?: JobState;
  /** Deployment. */
  deployment?: string;
  /** Job attributes. */
  attributes?: Record<string, string>;
};

/**
 * A verified webhook event (`livekit.WebhookEvent`), in protobuf-JSON
 * conventions: camelCase, int64 values as decimal strings, enums as names.
 */
export type WebhookEvent = {
  /** The event name. */
  event: WebhookEventName | (string & Record<never, never>);
  /** Event id (`EV_…`), for idempotency. */
  id?: string;
  /** When the event happened, seconds (int64 string). */
  createdAt?: string;
  /** The room. */
  room?: Room;
  /** The participant (participant and track events). */
  participant?: ParticipantInfo;
  /** The track (track events). */
  track?: TrackInfo;
  /** The agent job (`agent_job_*` events). */
  job?: Job;
  /** Egress details (`egress_*` events), as received. */
  egressInfo?: Record<string, unknown>;
  /** Ingress details (`ingress_*` events), as received. */
  ingressInfo?: Record<string, unknown>;
  /** Events dropped before this one. */
  numDropped?: number;
  /** Why the room ended (`room_finished`). */
  roomEndReason?: ProtoEnum;
};

/** `Authorization: Bearer <10-minute token>` and `Content-Type: application/json`. */
export type ServerApiHeaders = {
  /** `Bearer <token>`. */
  Authorization: string;
  /** `application/json`. */
  "Content-Type": "application/json";
};

/** A ready-to-send server-API request: pass it to `fetch(url, {method, headers, body})`. */
export type ServerApiRequest = {
  /**
   * `{https base}/twirp/livekit.RoomService/{method}` (`livekit.AgentDispatchService` for dispatches).
   */
  url: string;
  /** Always `POST`. */
  method: "POST";
  /** Authorization and content type. */
  headers: ServerApiHeaders;
  /** The JSON body. */
  body: string;
};

/** One thing wrong with the configuration; never contains a secret. */
export type ConfigProblem = {
  /** Stable code, e.g. `ERR_CONFIG_MISSING`. */
  code: string;
  /** The variable concerned. */
  variable: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
  /** `error` blocks the service; `warning` does not. */
  severity: "error" | "warning";
};

/** The redacted configuration report. */
export type ConfigReport = {
  /** LiveKit key, secret and URL are present and well formed. */
  livekit_configured: boolean;
  /** The Tavus API key is present and well formed. */
  tavus_configured: boolean;
  /** Supabase's URL and keys are present: scenarios and sessions live in Postgres. */
  database_configured: boolean;
  /** Callers' JWTs can be verified (JWT secret, JWKS, or a URL to fetch it from). */
  auth_configured: boolean;
  /** LiveKit's server-API base URL, derived from `LIVEKIT_WS_URL`. */
  livekit_api_url?: string;
  /** Everything found wrong, errors first. */
  problems: ConfigProblem[];
};

/**
 * Where a Supabase API key is read from: a variable and, for the JSON key maps
 * (`SUPABASE_SECRET_KEYS`, `SUPABASE_PUBLISHABLE_KEYS`), the entry. Never the key.
 */
export type KeySource = {
  /** The variable, e.g. `SUPABASE_SECRET_KEYS`. */
  variable: string;
  /** The entry of a JSON key map (`default`); null for a plain variable. */
  entry: string | null;
};

/** Every non-secret setting of the functions, parsed, defaults applied. */
export type EdgeSettings = {
  /** `AVATAR_MODE` (default `direct`). */
  avatarMode: AvatarMode;
  /** Direct mode without `TAVUS_API_KEY`: no Tavus call is made. */
  dryRun: boolean;
  /** `AGENT_NAME`. */
  agentName: string | null;
  /** `TOKEN_ALLOWED_AGENTS`. */
  allowedAgents: string[];
  /** `TOKEN_ALLOW_CLIENT_IDENTITY` (default false). */
  allowClientIdentity: boolean;
  /** `TOKEN_ALLOW_CLIENT_ROOM_NAME` (default false). */
  allowClientRoomName: boolean;
  /** `TOKEN_TTL_SECONDS` (default 900). */
  tokenTtlSeconds: number;
  /** `DEFAULT_SCENARIO_ID` (default `casual-conversation`). */
  defaultScenarioId: string;
  /** `AVATAR_IDENTITY` (default `tavus-avatar-agent`). */
  avatarIdentity: string;
  /** `AVATAR_PUBLISH_ON_BEHALF` (default `assistant`). */
  avatarPublishOnBehalf: string;
  /** `MAX_LIVE_SESSIONS_PER_USER` (default 2). */
  maxLiveSessions: number;
  /** `RATE_LIMIT_PER_MINUTE` (default 30; 0: off). */
  rateLimitPerMinute: number;
  /** `ALLOW_ANONYMOUS_USERS` (default false). */
  allowAnonymousUsers: boolean;
  /** `AUTH_JWT_ISSUER` or `{SUPABASE_URL}/auth/v1`; null when off or unknown. */
  authIssuer: string | null;
  /** `CORS_ALLOWED_ORIGINS` (default `["*"]`). */
  corsAllowedOrigins: string[];
  /** `SECRETS_SOURCE` (default `env`). */
  secretsSource: "env" | "vault";
  /** `SECRETS_CACHE_SECONDS` (default 300). */
  secretsCacheSeconds: number;
  /** `SCENARIO_CACHE_SECONDS` (default 30). */
  scenarioCacheSeconds: number;
  /** `LOG_LEVEL` (default `info`): the least level written. */
  logLevel: "debug" | "info" | "warn" | "error";
  /** `UPSTREAM_TIMEOUT_MS` (default 10000). */
  upstreamTimeoutMs: number;
  /** `TAVUS_API_URL` (default `https://tavusapi.com`). */
  tavusApiUrl: string;
  /** `TAVUS_TEST_MODE` (default false). */
  tavusTestMode: boolean;
  /** `{FUNCTIONS_BASE_URL}/tavus-callback` when `TAVUS_CALLBACK_SECRET` is set. */
  tavusCallbackBase: string | null;
  /** `END_ON_PARTICIPANT_LEFT` (default true). */
  endOnParticipantLeft: boolean;
  /** `DELETE_ROOM_ON_END` (default true). */
  deleteRoomOnEnd: boolean;
  /** `SUPABASE_URL` without a trailing slash. */
  supabaseUrl: string | null;
  /** LiveKit's server-API base URL. */
  livekitApiUrl: string | null;
  /**
   * The server key of RPCs and Vault: `SUPABASE_SECRET_KEYS` (its `default`
   * entry, else the first by name) when it holds a key, else the legacy
   * `SUPABASE_SERVICE_ROLE_KEY`. Read it with `apiKeyFrom`.
   */
  supabaseSecretKey: KeySource | null;
  /** The `apikey` of reads under RLS: `SUPABASE_PUBLISHABLE_KEYS`, else `SUPABASE_ANON_KEY`. */
  supabasePublishableKey: KeySource | null;
  /**
   * Keys that make a caller the service role: all of `SUPABASE_SECRET_KEYS`, else the legacy key.
   */
  serviceKeys: KeySource[];
  /** `SUPABASE_JWKS` (a set or a bare array), its EC and RSA keys; null when absent or empty. */
  jwks: JsonWebKeySet | null;
};

/** Settings and the redacted report made from one environment. */
export type LoadedSettings = {
  /** The parsed settings (no secrets). */
  settings: EdgeSettings;
  /** The redacted report. */
  report: ConfigReport;
};

/**
 * What a verified token must say (every field optional: the defaults are a
 * signed-in user's token).
 */
export type SupabaseJwtRules = {
  /** Required audience (default `authenticated`); `null` skips the check. */
  audience?: string | null;
  /** Required role (default `authenticated`). */
  role?: string;
  /** Required `iss`, e.g. `https://<ref>.supabase.co/auth/v1`. */
  issuer?: string;
  /** Accept anonymous sign-ins (default false). */
  allowAnonymous?: boolean;
  /** Require `sub` to be a UUID (default true). */
  requireSubject?: boolean;
  /** Clock leeway in seconds (default 30). */
  leeway?: number;
};

/** A decoded (unverified) JWT header. */
export type JwtHeader = {
  /** `HS256`, `ES256` or `RS256`. */
  alg: string;
  /** Key id, for the JWKS. */
  kid?: string;
  /** `JWT` when present. */
  typ?: string;
};

/** The claims of a token that passed verification and the rules. */
export type SupabaseClaims = {
  /** The user id (lower-case UUID); absent only when `requireSubject` is false. */
  sub?: string;
  /** The role. */
  role: string;
  /** The audiences. */
  aud: string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at. */
  iat?: number;
  /** Issuer. */
  iss?: string;
  /** The user's email. */
  email?: string;
  /** The auth session id. */
  session_id?: string;
  /** Whether this is an anonymous sign-in. */
  is_anonymous: boolean;
};

/** One public key of a JWKS. */
export type Jwk = {
  /** `EC` or `RSA`. */
  kty: string;
  /** Key id. */
  kid?: string;
  /** Algorithm. */
  alg?: string;
  /** `sig` when present. */
  use?: string;
  /** EC curve (`P-256`). */
  crv?: string;
  /** EC x. */
  x?: string;
  /** EC y. */
  y?: string;
  /** RSA modulus. */
  n?: string;
  /** RSA exponent. */
  e?: string;
};

/** A JSON Web Key Set, as served at `{SUPABASE_URL}/auth/v1/.well-known/jwks.json`. */
export type JsonWebKeySet = {
  /** The keys. */
  keys: Jwk[];
};

/** One scenario, as stored in `public.avatar_configs`. */
export type Scenario = {
  /** Slug, `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters. */
  scenario_id: string;
  /** Human name, 1..100 characters. */
  display_name: string;
  /** Tavus replica (face) id, `^r[0-9a-z]{2,63}$`. */
  replica_id: string;
  /** Tavus persona (PAL) id, `^p[0-9a-z]{2,63}$`. */
  persona_id?: string | null;
  /** A full lower-case Tavus language name (default `english`). */
  language?: string;
  /** The conversational context, 1..10000 characters. */
  prompt: string;
  /** What the avatar says first, at most 1000 characters. */
  greeting?: string | null;
  /** Hard cap on the conversation, 60..3600 seconds (default 1800). */
  max_call_duration_seconds?: number;
  /** LiveKit agent dispatched in agent mode. */
  agent_name?: string | null;
  /** Disabled scenarios count as unknown (default true). */
  enabled?: boolean;
};

/** Where the avatar joins. */
export type ConversationOptions = {
  /** The LiveKit WebSocket URL. */
  livekitWsUrl: string;
  /** The avatar's own LiveKit token (kind `agent`, `lk.publish_on_behalf`). */
  livekitRoomToken: string;
  /** A name for Tavus' dashboard. */
  conversationName?: string;
  /** Where Tavus posts conversation events. */
  callbackUrl?: string;
  /** Tavus test mode: created, but no replica joins and nothing is billed. */
  testMode?: boolean;
};

/** Properties of a new conversation; `max_call_duration` is always set. */
export type ConversationProperties = {
  /** Hard cap in seconds. */
  max_call_duration: number;
  /** Full lower-case language name. */
  language: string;
  /** The LiveKit server the avatar joins. */
  livekit_ws_url: string;
  /** The avatar's LiveKit token. */
  livekit_room_token: string;
};

/** The body of `POST /v2/conversations`. */
export type CreateConversationBody = {
  /** The replica. */
  replica_id: string;
  /** The persona. */
  persona_id?: string;
  /** Dashboard name. */
  conversation_name?: string;
  /** The scenario's prompt. */
  conversational_context: string;
  /** The scenario's greeting. */
  custom_greeting?: string;
  /** Event receiver. */
  callback_url?: string;
  /** Present (true) only in test mode. */
  test_mode?: boolean;
  /** Properties; `max_call_duration` is always set. */
  properties: ConversationProperties;
};

/** A conversation Tavus created. */
export type CreatedConversation = {
  /** `c…` */
  conversation_id: string;
  /** Tavus' own meeting URL. */
  conversation_url?: string;
  /** Tavus' status. */
  status?: string;
};

/** A conversation's state. */
export type ConversationState = {
  /** Its id. */
  conversation_id: string;
  /** Tavus' status string. */
  status: string;
  /** Whether it still runs (and bills). */
  active: boolean;
  /** The name it was created with, when Tavus returned one. */
  conversation_name?: string;
};

/** A callback event (unsigned: re-read the conversation before acting). */
export type TavusCallback = {
  /** The conversation. */
  conversation_id: string;
  /** e.g. `system.shutdown`. */
  event_type: string;
  /** e.g. `system`. */
  message_type?: string;
  /** Why it shut down. */
  shutdown_reason?: string;
  /** Whether the event says the conversation is over. */
  ends_conversation: boolean;
};

/** One conversation of a `GET /v2/conversations` page. */
export type ListedConversation = {
  /** Its id (`c…`). */
  conversation_id: string;
  /** The name it was created with (`conversation_name`), when it has one. */
  conversation_name?: string;
  /** Tavus' status string, lower-cased (`active`, `ended`, …). */
  status: string;
};

/** One page of `GET /v2/conversations`. */
export type ConversationPage = {
  /** The conversations of the page, in Tavus' order. */
  conversations: ListedConversation[];
  /** `total_count` when Tavus sent it. */
  total_count?: number;
};

/** Who created a conversation, read from its name. */
export type ConversationOwner = {
  /** The deployment's marker (12 hexadecimal digits). */
  marker: string;
  /** The session row that owns the conversation. */
  session_id: string;
};

/** A session as the reconciler sees it (ages by the database clock). */
export type ReconcileSession = {
  /** The session id. */
  id: string;
  /** `starting`, `live`, `ending`, `ended` or `failed`. */
  status: string;
  /** `direct`, `agent` or `none`. */
  mode: string;
  /** The conversation it recorded. */
  conversation_id?: string | null;
  /** Its LiveKit room (as the store reads it; the plan does not need it). */
  room_name?: string;
  /** Seconds since it was created. */
  age_seconds: number;
  /** Seconds since it ended (none while open). */
  ended_age_seconds?: number | null;
  /** Past its `expires_at`. */
  expired: boolean;
  /** Its Tavus end is owed. */
  tavus_end_pending: boolean;
};

/** A session whose room is checked. */
export type RoomCandidate = {
  /** The session id. */
  id: string;
  /** Its status. */
  status: string;
  /** Its mode. */
  mode: string;
  /** Its LiveKit room. */
  room_name: string;
  /** Seconds since the session was created. */
  age_seconds: number;
};

/** What one pass found. */
export type PlanInput = {
  /** This deployment's marker. */
  marker: string;
  /** `UPSTREAM_TIMEOUT_MS` (the grace period for starting sessions derives from it). */
  upstream_timeout_ms: number;
  /** A Tavus key is configured. */
  tavus_configured: boolean;
  /** Every page of the active listing was read. */
  listing_complete: boolean;
  /** The active conversations listed. */
  conversations: ListedConversation[];
  /** Sessions named by our conversations, and those whose Tavus end is pending. */
  sessions: ReconcileSession[];
  /** LiveKit's rooms could be listed. */
  rooms_listed: boolean;
  /**
   * `DELETE_ROOM_ON_END`: delete the rooms of ended sessions (default `true`). Rooms of
   * failed sessions are deleted either way: nobody was meant to be in them.
   */
  delete_ended_rooms?: boolean;
  /** Sessions whose room was checked. */
  room_candidates?: RoomCandidate[];
  /** Which of the candidates' rooms exist. */
  rooms?: string[];
};

/** A conversation to end. */
export type EndConversation = {
  /** The conversation. */
  conversation_id: string;
  /** The session that owns it, when its row exists. */
  session_id?: string;
  /** Why. */
  reason: "no_session" | "session_over" | "start_abandoned" | "duplicate";
  /** Fail the (stale `starting`) session first. */
  fail_session: boolean;
  /** Clear the session's pending end once Tavus confirmed this end. */
  settle: boolean;
};

/** A conversation left running. */
export type KeptConversation = {
  /** The conversation. */
  conversation_id: string;
  /** Its session. */
  session_id: string;
  /** Why it stays. */
  reason: "live" | "starting";
};

/** A pending end to retry by its known conversation id. */
export type RetryEnd = {
  /** The session. */
  session_id: string;
  /** Its conversation. */
  conversation_id: string;
};

/** A pending end that needs no Tavus call. */
export type Settle = {
  /** The session. */
  session_id: string;
  /** The conversation it recorded, if any. */
  conversation_id?: string;
  /** Why no call is needed. */
  reason: "dry_run" | "nothing_running";
};

/** A session to end, or a room to delete. */
export type RoomAction = {
  /** The session. */
  session_id: string;
  /** Its room. */
  room_name: string;
};

/**
 * What one pass does, in this order: end conversations (failing stale
 * sessions first), retry pending ends, settle, close sessions whose room is
 * gone, delete rooms of sessions that are over, record rooms seen gone.
 */
export type Plan = {
  /** Conversations of ours that no live session holds. */
  end_conversations: EndConversation[];
  /** Conversations of ours that stay. */
  keep: KeptConversation[];
  /** Listed conversations another deployment (or nobody we know) created: never touched. */
  foreign: number;
  /** Pending ends to retry by id. */
  retry_ends: RetryEnd[];
  /** Pending ends to clear without a call. */
  settle: Settle[];
  /** Open sessions whose room no longer exists. */
  close_sessions: RoomAction[];
  /** Rooms that still exist after their session ended. */
  delete_rooms: RoomAction[];
  /**
   * Ended sessions whose room is gone, or kept by `DELETE_ROOM_ON_END=false` (so they are
   * not checked again).
   */
  rooms_checked: string[];
};

/** How a token request's room is chosen. */
export type TokenPlanRoom = {
  /** The room the caller named, if any. */
  requested: string | null;
  /**
   * The name must be the caller's own open session of the scenario
   * (else 403 `ERR_ROOM_NOT_ALLOWED`).
   */
  must_be_own: boolean;
  /** The name for a new session: the caller's (when allowed), else null (generate one). */
  for_new_session: string | null;
};

/** What [`Policy::plan`] decided: a request the handler may carry out. */
export type TokenPlan = {
  /** The scenario (validated; its row: [`Policy::scenario`]). */
  scenario_id: string;
  /** The scenario's cap on a session, seconds. */
  max_call_duration_seconds: number;
  /** The participant identity. */
  identity: string;
  /** The display name to answer with (the identity when none was asked for). */
  participant_name: string;
  /** The room. */
  room: TokenPlanRoom;
  /** `direct`, `agent` or `none`. */
  mode: AvatarMode;
  /** The user token's lifetime, seconds. */
  ttl: number;
  /** The user's token, to mint with [`Policy::mint`] once the session is known. */
  mint: string;
  /**
   * The agents to dispatch when a new session's room is created, for
   * [`Policy::agents`] (absent: none).
   */
  dispatch?: string;
  /** Direct mode: the avatar's token, to mint the same way. */
  avatar_mint?: string;
};

/** A token [`Policy::mint`] made. */
export type MintedToken = {
  /** The token. */
  token: string;
  /** Its expiry, seconds since the epoch. */
  expires_at: number;
};
