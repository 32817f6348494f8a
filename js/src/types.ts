import type { EdgeWarning } from "./errors.ts";
import type { RoomConfigurationFields, TrackSource } from "./grants.ts";

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

/**
 * The `video` grant. Plain flags mean "not granted" when absent and are left
 * out of a minted token when `false`; tri-state flags (`canPublish`,
 * `canSubscribe`, `canPublishData`, `canUpdateOwnMetadata`,
 * `canSubscribeMetrics`, `canManageAgentSession`) are written only when set,
 * since LiveKit gives absence its own meaning.
 */
export interface VideoGrant {
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
  /**
   * Track sources the participant may publish, by name or as
   * {@linkcode TrackSource} numbers (a minted token carries names); absent or
   * empty: all.
   */
  canPublishSources?: (TrackSourceName | TrackSource)[];
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
}

/** The `sip` grant. */
export interface SipGrant {
  /** May manage SIP trunks and dispatch rules. */
  admin?: boolean;
  /** May make outbound calls. */
  call?: boolean;
}

/** The `agent` grant (LiveKit Cloud agents). */
export interface AgentGrant {
  /** May create, update and delete Cloud Agents. */
  admin?: boolean;
  /** May manage agent simulations and scenarios. */
  simulationAdmin?: boolean;
  /** May access the project's agent databases. */
  databaseAdmin?: boolean;
  /** May manage the project's agent dispatch queue. */
  dispatchAdmin?: boolean;
}

/** The `agentEndpoint` grant: calling an agent's private HTTP endpoints. */
export interface AgentEndpointGrant {
  /** May call the endpoints. */
  call?: boolean;
  /** Only this agent (absent: every agent of the project). */
  agentName?: string;
  /** Only this deployment (absent: every deployment). */
  deployment?: string;
}

/** The `agentThread` grant: access to agent conversation threads. */
export interface AgentThreadGrant {
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
}

/** The `inference` grant (LiveKit Inference). */
export interface InferenceGrant {
  /** May perform inference. */
  perform?: boolean;
}

/** The `observability` grant. */
export interface ObservabilityGrant {
  /** May publish observability data. */
  write?: boolean;
}

/** A protobuf enum value: its name (as LiveKit's server writes it) or its number. */
export type ProtoEnum = string | number;

/** The LiveKit claims a token can carry besides the registered JWT claims. */
export interface LiveKitGrants {
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
  /**
   * Room configuration (agent dispatch, timeouts) used if this join creates the
   * room: a plain object, a {@linkcode RoomConfiguration} or a
   * `@livekit/protocol` message.
   */
  roomConfig?: RoomConfigurationFields;
}

/** What to put in a new access token. */
export interface AccessTokenOptions extends LiveKitGrants {
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
  /** Called for each warning, e.g. `ERR_KEY_WEAK_SECRET` for a secret under 32 bytes. */
  onWarning?: (warning: EdgeWarning) => void;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/** The claims of a verified access token, exactly as they were signed. */
export interface AccessTokenClaims extends Omit<LiveKitGrants, "kind"> {
  /** Participant kind (any string a newer server may write). */
  kind?: ParticipantKind | (string & Record<never, never>);
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

/** A codec enabled in a room. */
export interface Codec {
  /** MIME type, e.g. `audio/opus`. */
  mime?: string;
  /** SDP fmtp line. */
  fmtpLine?: string;
}

/** A version stamp. */
export interface TimedVersion {
  /** Microseconds since the epoch (int64 as a decimal string). */
  unixMicro?: string;
  /** Tie-breaking counter. */
  ticks?: number;
}

/** A room (`livekit.Room`). int64 values are decimal strings. */
export interface Room {
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
}

/** What a participant may do (`livekit.ParticipantPermission`). */
export interface ParticipantPermission {
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
}

/** A published track (`livekit.TrackInfo`). */
export interface TrackInfo {
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
}

/** A participant (`livekit.ParticipantInfo`). int64 values are decimal strings. */
export interface ParticipantInfo {
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
}

/** The state of an agent job. int64 values are decimal strings (nanoseconds). */
export interface JobState {
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
}

/** An agent job (`agent_job_*` events). */
export interface Job {
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
}

/**
 * A verified webhook event (`livekit.WebhookEvent`), in protobuf-JSON
 * conventions: camelCase, int64 values as decimal strings, enums as names.
 */
export interface WebhookEvent {
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
}

/**
 * A server-API method {@linkcode serverApiRequest} can build: RoomService's,
 * and AgentDispatchService's `CreateDispatch`/`ListDispatch`/`DeleteDispatch`.
 */
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

/** A ready-to-send server-API request: pass it to `fetch(url, {method, headers, body})`. */
export interface ServerApiRequest {
  /** `{https base}/twirp/livekit.RoomService/{method}` (`livekit.AgentDispatchService` for dispatches). */
  url: string;
  /** Always `POST`. */
  method: "POST";
  /** `Authorization: Bearer <10-minute token>` and `Content-Type: application/json`. */
  headers: { Authorization: string; "Content-Type": "application/json" };
  /** The JSON body. */
  body: string;
}

/** Options for {@linkcode serverApiRequest}. */
export interface ServerApiOptions {
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}
