//! LiveKit webhooks: verification and the event model.
//!
//! LiveKit's server posts the protobuf-JSON of a `livekit.WebhookEvent` with an
//! `Authorization` header holding a short-lived JWT whose `sha256` claim is the
//! standard base64 of the SHA-256 of the exact body bytes. [`receive_webhook`]
//! checks, in this order and each with its own code:
//!
//! 1. the body is at most 1 MiB (`ERR_WEBHOOK_BODY_TOO_LARGE`) and the header is
//!    present (`ERR_WEBHOOK_AUTH_MISSING`), with or without `Bearer `;
//! 2. the JWT, exactly as [`crate::verify::verify_access_token`] does (`ERR_TOKEN_*`,
//!    e.g. `ERR_TOKEN_SIGNATURE`, `ERR_TOKEN_EXPIRED`);
//! 3. the body hash, compared in constant time (`ERR_WEBHOOK_HASH_MISSING`,
//!    `ERR_WEBHOOK_HASH_MISMATCH`);
//! 4. only then the event JSON (`ERR_WEBHOOK_BODY_MALFORMED`), unknown fields ignored;
//!    [`receive_webhook_json`] returns it in protobuf-JSON form (what JavaScript
//!    gets), [`receive_webhook`] as typed structs;
//! 5. optionally its age (`ERR_WEBHOOK_TOO_OLD`).
//!
//! The event model keeps protobuf-JSON's conventions, so it reads the same in
//! Rust and JavaScript: camelCase names (proto names are accepted too), int64
//! values as decimal strings (they may arrive as numbers or strings; strings
//! keep nanosecond timestamps exact in JavaScript), enums as names.
//! `egressInfo` and `ingressInfo` are kept as the JSON objects that arrived.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use serde_json::{Map, Value};

use crate::claims::{num, Claims, ProtoEnum};
use crate::error::{Error, Result};
use crate::verify::{redact, verify_access_token, VerifyOptions};

/// The largest webhook body accepted, in bytes.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;
/// Lifetime of the tokens [`sign_webhook`] mints: 5 minutes, as LiveKit's server.
pub const WEBHOOK_TOKEN_TTL_SECONDS: i64 = 5 * 60;

/// Every event LiveKit's server sends.
pub const EVENT_NAMES: [&str; 14] = [
    "room_started",
    "room_finished",
    "participant_joined",
    "participant_left",
    "participant_connection_aborted",
    "track_published",
    "track_unpublished",
    "egress_started",
    "egress_updated",
    "egress_ended",
    "ingress_started",
    "ingress_ended",
    "agent_job_started",
    "agent_job_ended",
];

/// A codec enabled in a room.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Codec {
    /// MIME type, e.g. `audio/opus`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// SDP fmtp line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fmtp_line: Option<String>,
}

/// A version stamp of a room or participant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimedVersion {
    /// Microseconds since the epoch (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub unix_micro: Option<i64>,
    /// Tie-breaking counter.
    #[serde(
        default,
        deserialize_with = "num::i32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ticks: Option<i32>,
}

/// A room (`livekit.Room`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    /// Room id (`RM_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Room name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Seconds an empty room stays open.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub empty_timeout: Option<u32>,
    /// Seconds the room stays open after the last participant leaves.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub departure_timeout: Option<u32>,
    /// Participant limit.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_participants: Option<u32>,
    /// Creation time, seconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<i64>,
    /// Creation time, milliseconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub creation_time_ms: Option<i64>,
    /// TURN password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn_password: Option<String>,
    /// Enabled codecs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_codecs: Option<Vec<Codec>>,
    /// Room metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Number of participants.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_participants: Option<u32>,
    /// Number of publishers.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_publishers: Option<u32>,
    /// Whether the room is being recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_recording: Option<bool>,
    /// Version stamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<TimedVersion>,
}

/// What a participant may do (`livekit.ParticipantPermission`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantPermission {
    /// May subscribe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe: Option<bool>,
    /// May publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish: Option<bool>,
    /// May publish data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_data: Option<bool>,
    /// Sources it may publish (enum names such as `CAMERA`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_sources: Option<Vec<ProtoEnum>>,
    /// Hidden from others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Marked as a recorder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<bool>,
    /// May update its own metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_update_metadata: Option<bool>,
    /// Is an agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<bool>,
    /// May subscribe to metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe_metrics: Option<bool>,
    /// May manage an agent session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_manage_agent_session: Option<bool>,
}

/// A published track (`livekit.TrackInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackInfo {
    /// Track id (`TR_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `AUDIO`, `VIDEO` or `DATA`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProtoEnum>,
    /// Track name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Muted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// Video width.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<u32>,
    /// Video height.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<u32>,
    /// Simulcast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulcast: Option<bool>,
    /// DTX disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_dtx: Option<bool>,
    /// `CAMERA`, `MICROPHONE`, `SCREEN_SHARE`, `SCREEN_SHARE_AUDIO`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ProtoEnum>,
    /// MIME type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Media id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mid: Option<String>,
    /// Stereo audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stereo: Option<bool>,
    /// RED disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_red: Option<bool>,
    /// Encryption type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption: Option<ProtoEnum>,
    /// Stream name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
}

/// A participant (`livekit.ParticipantInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantInfo {
    /// Participant id (`PA_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// `JOINING`, `JOINED`, `ACTIVE`, `DISCONNECTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ProtoEnum>,
    /// Published tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracks: Option<Vec<TrackInfo>>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Join time, seconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<i64>,
    /// Join time, milliseconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub joined_at_ms: Option<i64>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Version.
    #[serde(
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<u32>,
    /// Permissions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<ParticipantPermission>,
    /// Region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Is a publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_publisher: Option<bool>,
    /// `STANDARD`, `INGRESS`, `EGRESS`, `SIP`, `AGENT`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProtoEnum>,
    /// Attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// Why the participant disconnected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_reason: Option<ProtoEnum>,
    /// Kind details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_details: Option<Vec<ProtoEnum>>,
}

/// The state of an agent job (`livekit.JobState`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobState {
    /// `JS_PENDING`, `JS_RUNNING`, `JS_SUCCESS`, `JS_FAILED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ProtoEnum>,
    /// Error text of a failed job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Start time, nanoseconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    /// End time, nanoseconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// Update time, nanoseconds (int64).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Identity of the agent participant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_identity: Option<String>,
    /// Worker id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<String>,
    /// Agent id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

/// An agent job (`livekit.Job`), in `agent_job_*` events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// Job id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Dispatch id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_id: Option<String>,
    /// `JT_ROOM`, `JT_PUBLISHER`, `JT_PARTICIPANT`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProtoEnum>,
    /// The room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
    /// The participant the job is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<ParticipantInfo>,
    /// Worker namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Job metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Agent name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Job state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<JobState>,
    /// Deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Job attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// A webhook event (`livekit.WebhookEvent`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// The event name, one of [`EVENT_NAMES`] (newer names are passed through).
    pub event: String,
    /// Event id (`EV_…`), for idempotency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the event happened, seconds (int64, as a decimal string).
    #[serde(default, with = "num::int64", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// The room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
    /// The participant (participant and track events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<ParticipantInfo>,
    /// The track (track events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub track: Option<TrackInfo>,
    /// The agent job (`agent_job_*` events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<Job>,
    /// Egress details (`egress_*` events), as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_info: Option<serde_json::Value>,
    /// Ingress details (`ingress_*` events), as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_info: Option<serde_json::Value>,
    /// Events dropped before this one.
    #[serde(
        default,
        deserialize_with = "num::i32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_dropped: Option<i32>,
    /// Why the room ended (`room_finished`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_end_reason: Option<ProtoEnum>,
}

/// Options for [`receive_webhook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Current time in seconds since the epoch, and the leeway for the token's times.
    pub verify: VerifyOptions,
    /// Refuse events older than this many seconds plus the leeway (by `createdAt`,
    /// else the token's `nbf`).
    pub max_age: Option<i64>,
}

impl WebhookOptions {
    /// Options at time `now`: default leeway, no age limit.
    pub fn at(now: i64) -> Self {
        WebhookOptions {
            verify: VerifyOptions::at(now),
            max_age: None,
        }
    }
}

/// Standard base64 (padded) of the SHA-256 of `body`: the `sha256` claim.
///
/// ```
/// let hash = livekit_tavus_edge::webhook::body_sha256(b"{}");
/// assert_eq!(hash, "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=");
/// ```
pub fn body_sha256(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The token in an `Authorization` header value, with or without `Bearer `.
fn bearer(authorization: Option<&str>) -> Result<&str> {
    let value = authorization.unwrap_or("").trim();
    // `get` returns `None` unless byte 6 is a character boundary, so the slice is safe.
    let token = match value.get(..6) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("bearer")
                && value[6..]
                    .chars()
                    .next()
                    .is_none_or(|c| c == ' ' || c == '\t') =>
        {
            value[6..].trim_start()
        }
        _ => value,
    };
    if token.is_empty() {
        return Err(Error::WebhookAuthMissing);
    }
    Ok(token)
}

fn check_hash(claims: &Claims, body: &[u8]) -> Result<()> {
    let claimed = claims.sha256.as_deref().ok_or(Error::WebhookHashMissing)?;
    let mut decoded = [0u8; 33];
    let ok = matches!(STANDARD.decode_slice(claimed, &mut decoded), Ok(32));
    let actual = Sha256::digest(body);
    if ok && bool::from(decoded[..32].ct_eq(actual.as_slice())) {
        Ok(())
    } else {
        Err(Error::WebhookHashMismatch)
    }
}

/// Field types of the event schema [`normalize`] applies.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    Int64,
    U32,
    I32,
    Enum,
    StrMap,
    Obj(&'static [F]),
    List(&'static [F]),
    EnumList,
    Raw,
}

/// A field: its camelCase name (the proto name is derived) and its type.
type F = (&'static str, Ty);

use Ty::*;

const CODEC: &[F] = &[("mime", Str), ("fmtpLine", Str)];
const TIMED_VERSION: &[F] = &[("unixMicro", Int64), ("ticks", I32)];
const ROOM: &[F] = &[
    ("sid", Str),
    ("name", Str),
    ("emptyTimeout", U32),
    ("departureTimeout", U32),
    ("maxParticipants", U32),
    ("creationTime", Int64),
    ("creationTimeMs", Int64),
    ("turnPassword", Str),
    ("enabledCodecs", List(CODEC)),
    ("metadata", Str),
    ("numParticipants", U32),
    ("numPublishers", U32),
    ("activeRecording", Bool),
    ("version", Obj(TIMED_VERSION)),
];
const PERMISSION: &[F] = &[
    ("canSubscribe", Bool),
    ("canPublish", Bool),
    ("canPublishData", Bool),
    ("canPublishSources", EnumList),
    ("hidden", Bool),
    ("recorder", Bool),
    ("canUpdateMetadata", Bool),
    ("agent", Bool),
    ("canSubscribeMetrics", Bool),
    ("canManageAgentSession", Bool),
];
const TRACK: &[F] = &[
    ("sid", Str),
    ("type", Enum),
    ("name", Str),
    ("muted", Bool),
    ("width", U32),
    ("height", U32),
    ("simulcast", Bool),
    ("disableDtx", Bool),
    ("source", Enum),
    ("mimeType", Str),
    ("mid", Str),
    ("stereo", Bool),
    ("disableRed", Bool),
    ("encryption", Enum),
    ("stream", Str),
];
const PARTICIPANT: &[F] = &[
    ("sid", Str),
    ("identity", Str),
    ("state", Enum),
    ("tracks", List(TRACK)),
    ("metadata", Str),
    ("joinedAt", Int64),
    ("joinedAtMs", Int64),
    ("name", Str),
    ("version", U32),
    ("permission", Obj(PERMISSION)),
    ("region", Str),
    ("isPublisher", Bool),
    ("kind", Enum),
    ("attributes", StrMap),
    ("disconnectReason", Enum),
    ("kindDetails", EnumList),
];
const JOB_STATE: &[F] = &[
    ("status", Enum),
    ("error", Str),
    ("startedAt", Int64),
    ("endedAt", Int64),
    ("updatedAt", Int64),
    ("participantIdentity", Str),
    ("workerId", Str),
    ("agentId", Str),
];
const JOB: &[F] = &[
    ("id", Str),
    ("dispatchId", Str),
    ("type", Enum),
    ("room", Obj(ROOM)),
    ("participant", Obj(PARTICIPANT)),
    ("namespace", Str),
    ("metadata", Str),
    ("agentName", Str),
    ("state", Obj(JOB_STATE)),
    ("deployment", Str),
    ("attributes", StrMap),
];
const EVENT: &[F] = &[
    ("event", Str),
    ("id", Str),
    ("createdAt", Int64),
    ("room", Obj(ROOM)),
    ("participant", Obj(PARTICIPANT)),
    ("track", Obj(TRACK)),
    ("job", Obj(JOB)),
    ("egressInfo", Raw),
    ("ingressInfo", Raw),
    ("numDropped", I32),
    ("roomEndReason", Enum),
];

/// Whether `key` is `camel` or its proto name (`createdAt` ↔ `created_at`).
fn names(key: &str, camel: &str) -> bool {
    if key == camel {
        return true;
    }
    let mut k = key.bytes();
    for c in camel.bytes() {
        if c.is_ascii_uppercase() {
            if k.next() != Some(b'_') || k.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
        } else if k.next() != Some(c) {
            return false;
        }
    }
    k.next().is_none()
}

/// A whole number from protobuf-JSON (a JSON number or a decimal string).
fn integer(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.3e18)
                    .map(|f| f as i128)
            }),
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            let ok = !digits.is_empty()
                && digits.len() <= 20
                && digits.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| s.parse().ok()).flatten()
        }
        _ => None,
    }
}

fn convert(v: Value, ty: Ty, path: &mut String) -> std::result::Result<Value, &'static str> {
    Ok(match (ty, v) {
        (Str, v @ Value::String(_)) | (Bool, v @ Value::Bool(_)) | (Raw, v @ Value::Object(_)) => v,
        (Int64, v) => {
            let n = integer(&v)
                .and_then(|n| i64::try_from(n).ok())
                .ok_or("expected an int64")?;
            Value::String(n.to_string())
        }
        (U32, v) => {
            let n = integer(&v)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or("expected a uint32")?;
            Value::from(n)
        }
        (I32, v) => {
            let n = integer(&v)
                .and_then(|n| i32::try_from(n).ok())
                .ok_or("expected an int32")?;
            Value::from(n)
        }
        (Enum, v @ Value::String(_)) => v,
        (Enum, v) => {
            let n = integer(&v)
                .and_then(|n| i32::try_from(n).ok())
                .ok_or("expected an enum")?;
            Value::from(n)
        }
        (StrMap, Value::Object(o)) => {
            if !o.values().all(Value::is_string) {
                return Err("expected a map of strings");
            }
            Value::Object(o)
        }
        (Obj(schema), Value::Object(o)) => Value::Object(normalize(o, schema, path)?),
        (List(schema), Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let Value::Object(o) = item else {
                    return Err("expected a list of objects");
                };
                out.push(Value::Object(normalize(o, schema, path)?));
            }
            Value::Array(out)
        }
        (EnumList, Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|item| convert(item, Enum, path))
                .collect::<std::result::Result<_, _>>()?,
        ),
        (Str, _) => return Err("expected a string"),
        (Bool, _) => return Err("expected a boolean"),
        (Raw | Obj(_), _) => return Err("expected an object"),
        (StrMap, _) => return Err("expected a map of strings"),
        (List(_) | EnumList, _) => return Err("expected a list"),
    })
}

/// Applies an event schema: known fields (camelCase or proto names) type-checked
/// and written in protobuf-JSON form (camelCase, int64 as decimal strings),
/// `null` as absent, unknown fields dropped, a field given twice refused.
fn normalize(
    object: Map<String, Value>,
    schema: &'static [F],
    path: &mut String,
) -> std::result::Result<Map<String, Value>, &'static str> {
    let mut out = Map::new();
    let mut seen = 0u64;
    let base = path.len();
    for (key, value) in object {
        let Some(i) = schema.iter().position(|(camel, _)| names(&key, camel)) else {
            continue;
        };
        if seen & (1 << i) != 0 {
            path.push('.');
            path.push_str(&key);
            return Err("given twice");
        }
        seen |= 1 << i;
        if value.is_null() {
            continue;
        }
        let (camel, ty) = schema[i];
        path.push('.');
        path.push_str(camel);
        let value = convert(value, ty, path)?;
        path.truncate(base);
        out.insert(camel.to_owned(), value);
    }
    Ok(out)
}

/// The event of a body whose authenticity is settled (or deliberately not
/// checked): JSON object, schema applied, `event` present.
fn parse_event(body: &[u8]) -> Result<Map<String, Value>> {
    if !crate::jws::is_json_object(body) {
        return Err(Error::WebhookBodyMalformed("not a JSON object".into()));
    }
    let Value::Object(object) = crate::claims::from_json_slice::<Value>(body, None)
        .map_err(|e| Error::WebhookBodyMalformed(redact(&e.to_string())))?
    else {
        return Err(Error::WebhookBodyMalformed("not a JSON object".into()));
    };
    let mut path = String::new();
    let event = normalize(object, EVENT, &mut path).map_err(|why| {
        Error::WebhookBodyMalformed(format!("`{}`: {why}", path.trim_start_matches('.')))
    })?;
    if event
        .get("event")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(Error::WebhookBodyMalformed(
            "`event` is missing or empty".into(),
        ));
    }
    Ok(event)
}

/// Decodes a webhook body into its event **without verifying anything**: no
/// token, no body hash. The same size limit, schema and event check as
/// [`receive_webhook_json`], for callers that authenticate the request some
/// other way (livekit-server-sdk's `receive(body, auth, skipAuth = true)`).
/// Never act on an event from an untrusted sender decoded this way.
///
/// ```
/// use livekit_tavus_edge::webhook::dangerous_decode_webhook_unverified;
///
/// let event = dangerous_decode_webhook_unverified(br#"{"event":"room_started","created_at":1700000000}"#).unwrap();
/// assert_eq!(event["createdAt"], "1700000000");
/// let err = dangerous_decode_webhook_unverified(b"[]").unwrap_err();
/// assert_eq!(err.code(), "ERR_WEBHOOK_BODY_MALFORMED");
/// ```
pub fn dangerous_decode_webhook_unverified(body: &[u8]) -> Result<Value> {
    if body.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::WebhookBodyTooLarge);
    }
    parse_event(body).map(Value::Object)
}

/// Verifies a webhook (see the module docs) and returns the event as
/// protobuf-JSON: the shape the JavaScript API returns.
///
/// ```
/// use livekit_tavus_edge::webhook::{receive_webhook_json, sign_webhook, WebhookOptions};
///
/// let body = br#"{"event":"participant_joined","created_at":1700000000,"participant":{"identity":"ada"}}"#;
/// let auth = sign_webhook(body, "devkey", "secret", 1_700_000_000).unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let event = receive_webhook_json(body, Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap();
/// assert_eq!(event["createdAt"], "1700000000");
/// ```
pub fn receive_webhook_json<S: AsRef<[u8]>>(
    body: &[u8],
    authorization: Option<&str>,
    keys: impl Fn(&str) -> Option<S>,
    options: WebhookOptions,
) -> Result<Value> {
    if body.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::WebhookBodyTooLarge);
    }
    if options.max_age.is_some_and(|a| a <= 0) {
        return Err(Error::InvalidOption(
            "maxAge",
            "must be greater than zero".into(),
        ));
    }
    let token = bearer(authorization)?;
    let claims = verify_access_token(token, keys, options.verify)?;
    check_hash(&claims, body)?;
    let event = parse_event(body)?;
    if let Some(max_age) = options.max_age {
        let created = event
            .get("createdAt")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<i64>().ok());
        let Some(at) = created.or(claims.nbf).or(claims.iat) else {
            return Err(Error::WebhookTooOld);
        };
        let now = options.verify.now;
        if now.saturating_sub(at) > max_age.saturating_add(options.verify.leeway) {
            return Err(Error::WebhookTooOld);
        }
    }
    Ok(Value::Object(event))
}

/// Verifies a webhook and returns its typed event; `keys` maps API keys to secrets.
///
/// ```
/// use livekit_tavus_edge::webhook::{receive_webhook, sign_webhook, WebhookOptions};
///
/// let body = br#"{"event":"room_started","room":{"name":"demo"},"createdAt":"1700000000"}"#;
/// let auth = sign_webhook(body, "devkey", "secret", 1_700_000_000).unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let event = receive_webhook(body, Some(&auth), keys, WebhookOptions::at(1_700_000_005)).unwrap();
/// assert_eq!(event.event, "room_started");
/// assert_eq!(event.created_at, Some(1_700_000_000));
///
/// let tampered = br#"{"event":"room_finished","room":{"name":"demo"}}"#;
/// let err = receive_webhook(tampered, Some(&auth), keys, WebhookOptions::at(1_700_000_005)).unwrap_err();
/// assert_eq!(err.code(), "ERR_WEBHOOK_HASH_MISMATCH");
/// ```
pub fn receive_webhook<S: AsRef<[u8]>>(
    body: &[u8],
    authorization: Option<&str>,
    keys: impl Fn(&str) -> Option<S>,
    options: WebhookOptions,
) -> Result<WebhookEvent> {
    let event = receive_webhook_json(body, authorization, keys, options)?;
    serde_json::from_value(event).map_err(|e| Error::WebhookBodyMalformed(redact(&e.to_string())))
}

/// Signs a webhook body as LiveKit's server does: returns the `Authorization`
/// header value (a JWT valid for 5 minutes from `now` with the body's `sha256`).
///
/// ```
/// let auth = livekit_tavus_edge::webhook::sign_webhook(b"{}", "devkey", "secret", 1_000).unwrap();
/// assert!(auth.starts_with("eyJ"));
/// ```
pub fn sign_webhook(body: &[u8], api_key: &str, api_secret: &str, now: i64) -> Result<String> {
    if api_key.is_empty() {
        return Err(Error::KeyMissing("key"));
    }
    if api_secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    if !(0..=crate::claims::MAX_TIME - WEBHOOK_TOKEN_TTL_SECONDS).contains(&now) {
        return Err(Error::InvalidInput(
            "the current time is out of range".into(),
        ));
    }
    let claims = Claims {
        iss: api_key.to_owned(),
        nbf: Some(now),
        exp: Some(now + WEBHOOK_TOKEN_TTL_SECONDS),
        sha256: Some(body_sha256(body)),
        ..Default::default()
    };
    crate::token::sign_claims(&claims, api_secret)
}
