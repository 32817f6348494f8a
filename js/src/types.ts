/** The `video` grant. Tri-state flags are left out of the token unless set. */
export interface VideoGrant {
  /** May create rooms (server API). */
  roomCreate?: boolean;
  /** May list rooms (server API). */
  roomList?: boolean;
  /** May record (server API). */
  roomRecord?: boolean;
  /** May administer `room` (server API). */
  roomAdmin?: boolean;
  /** May join `room`. */
  roomJoin?: boolean;
  /** The room the grant applies to. */
  room?: string;
  /** May publish tracks (absent: allowed). */
  canPublish?: boolean;
  /** May subscribe (absent: allowed). */
  canSubscribe?: boolean;
  /** May publish data (absent: follows `canPublish`). */
  canPublishData?: boolean;
  /** Track sources the participant may publish. */
  canPublishSources?: Array<
    "camera" | "microphone" | "screen_share" | "screen_share_audio"
  >;
  /** May update its own name, metadata and attributes. */
  canUpdateOwnMetadata?: boolean;
  /** May administer ingress (server API). */
  ingressAdmin?: boolean;
  /** Hidden from other participants. */
  hidden?: boolean;
  /** Marked as a recorder. */
  recorder?: boolean;
  /** Marked as an agent. */
  agent?: boolean;
  /** May subscribe to metrics. */
  canSubscribeMetrics?: boolean;
  /** May manage agent sessions. */
  canManageAgentSession?: boolean;
  /** Destination room for move/forward (server API). */
  destinationRoom?: string;
}

/** What to put in a new access token. */
export interface AccessTokenOptions {
  /** Participant identity (`sub`). Required with `video.roomJoin`. */
  identity?: string;
  /** Display name. */
  name?: string;
  /** Lifetime in seconds (default 6 hours, at most 7 days). */
  ttl?: number;
  /** The video grant. */
  video?: VideoGrant;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/** The claims of a verified access token. */
export interface AccessTokenClaims {
  /** The API key that signed the token. */
  iss: string;
  /** Participant identity. */
  sub?: string;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** JWT id. */
  jti?: string;
  /** Display name. */
  name?: string;
  /** The video grant. */
  video?: VideoGrant;
  /** Participant metadata. */
  metadata?: string;
  /** Participant attributes. */
  attributes?: Record<string, string>;
  /** Participant kind. */
  kind?: string;
  /** Webhook body hash. */
  sha256?: string;
}

/** API key → secret, for verification and key rotation. */
export type KeyMap = Record<string, string>;

/** Options for verifying a token. */
export interface VerifyOptions {
  /** Allowed clock skew in seconds (default 60, as on LiveKit's server). */
  leeway?: number;
  /** The clock: defaults to the current time. */
  currentDate?: Date;
}

/** One thing wrong with the configuration; never contains a secret. */
export interface ConfigProblem {
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
}

/** The redacted configuration report. */
export interface ConfigReport {
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
}
