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
//! 4. only then the event JSON (`ERR_WEBHOOK_BODY_MALFORMED`), read against the
//!    event table ([`EVENT`]), unknown fields ignored, and returned in
//!    protobuf-JSON form (what JavaScript gets);
//! 5. optionally its age (`ERR_WEBHOOK_TOO_OLD`).
//!
//! The event model is one set of tables (the package's TypeScript types are
//! generated from them) and keeps protobuf-JSON's conventions: camelCase names
//! (proto names are accepted too), int64 values as decimal strings (they may
//! arrive as numbers or strings; strings keep nanosecond timestamps exact in
//! JavaScript), enums as names. `egressInfo` and `ingressInfo` are kept as the
//! JSON objects that arrived.

use std::borrow::Cow;

use subtle::ConstantTimeEq;

use crate::claims::{C, CLAIMS};
use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Mode, Obj, Val, ALWAYS, OPEN, PROTO};
use crate::jws::HmacKey;
use crate::verify::{verify_with, Secret, VerifyOptions};

/// The largest webhook body accepted, in bytes.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 1024 * 1024;
/// Lifetime of the tokens [`sign_webhook`] mints: 5 minutes, as LiveKit's server.
pub const WEBHOOK_TOKEN_TTL_SECONDS: i64 = 5 * 60;

/// Every event LiveKit's server sends.
pub const EVENT_NAMES: &[&str] = &[
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

schema! {
    /// A codec enabled in a room.
    pub CODEC("Codec"): Codec {
        /// MIME type, e.g. `audio/opus`.
        Mime "mime": Str, PROTO;
        /// SDP fmtp line.
        FmtpLine "fmtpLine": Str, PROTO;
    }
}

schema! {
    /// A version stamp.
    pub TIMED_VERSION("TimedVersion"): TimedVersion {
        /// Microseconds since the epoch (int64 as a decimal string).
        UnixMicro "unixMicro": Int64, PROTO;
        /// Tie-breaking counter.
        Ticks "ticks": I32, PROTO;
    }
}

schema! {
    /// A room (`livekit.Room`). int64 values are decimal strings.
    pub ROOM("Room"): Room {
        /// Room id (`RM_…`).
        Sid "sid": Str, PROTO;
        /// Room name.
        Name "name": Str, PROTO;
        /// Seconds an empty room stays open.
        EmptyTimeout "emptyTimeout": U32, PROTO;
        /// Seconds the room stays open after the last participant leaves.
        DepartureTimeout "departureTimeout": U32, PROTO;
        /// Participant limit.
        MaxParticipants "maxParticipants": U32, PROTO;
        /// Creation time, seconds (int64 string).
        CreationTime "creationTime": Int64, PROTO;
        /// Creation time, milliseconds (int64 string).
        CreationTimeMs "creationTimeMs": Int64, PROTO;
        /// TURN password.
        TurnPassword "turnPassword": Str, PROTO;
        /// Enabled codecs.
        EnabledCodecs "enabledCodecs": Objs(CODEC), PROTO;
        /// Room metadata.
        Metadata "metadata": Str, PROTO;
        /// Number of participants.
        NumParticipants "numParticipants": U32, PROTO;
        /// Number of publishers.
        NumPublishers "numPublishers": U32, PROTO;
        /// Whether the room is being recorded.
        ActiveRecording "activeRecording": Bool, PROTO;
        /// Version stamp.
        Version "version": Obj(TIMED_VERSION), PROTO;
    }
}

schema! {
    /// What a participant may do (`livekit.ParticipantPermission`).
    pub PARTICIPANT_PERMISSION("ParticipantPermission"): Permission {
        /// May subscribe.
        CanSubscribe "canSubscribe": Bool, PROTO;
        /// May publish.
        CanPublish "canPublish": Bool, PROTO;
        /// May publish data.
        CanPublishData "canPublishData": Bool, PROTO;
        /// Sources it may publish, e.g. `"CAMERA"`.
        CanPublishSources "canPublishSources": Enums, PROTO;
        /// Hidden from others.
        Hidden "hidden": Bool, PROTO;
        /// Marked as a recorder.
        Recorder "recorder": Bool, PROTO;
        /// May update its own metadata.
        CanUpdateMetadata "canUpdateMetadata": Bool, PROTO;
        /// Is an agent.
        Agent "agent": Bool, PROTO;
        /// May subscribe to metrics.
        CanSubscribeMetrics "canSubscribeMetrics": Bool, PROTO;
        /// May manage an agent session.
        CanManageAgentSession "canManageAgentSession": Bool, PROTO;
    }
}

schema! {
    /// A published track (`livekit.TrackInfo`).
    pub TRACK_INFO("TrackInfo"): Track {
        /// Track id (`TR_…`).
        Sid "sid": Str, PROTO;
        /// `AUDIO`, `VIDEO` or `DATA`.
        Type "type": Enum, PROTO;
        /// Track name.
        Name "name": Str, PROTO;
        /// Muted.
        Muted "muted": Bool, PROTO;
        /// Video width.
        Width "width": U32, PROTO;
        /// Video height.
        Height "height": U32, PROTO;
        /// Simulcast.
        Simulcast "simulcast": Bool, PROTO;
        /// DTX disabled.
        DisableDtx "disableDtx": Bool, PROTO;
        /// `CAMERA`, `MICROPHONE`, `SCREEN_SHARE`, `SCREEN_SHARE_AUDIO`.
        Source "source": Enum, PROTO;
        /// MIME type.
        MimeType "mimeType": Str, PROTO;
        /// Media id.
        Mid "mid": Str, PROTO;
        /// Stereo audio.
        Stereo "stereo": Bool, PROTO;
        /// RED disabled.
        DisableRed "disableRed": Bool, PROTO;
        /// Encryption type.
        Encryption "encryption": Enum, PROTO;
        /// Stream name.
        Stream "stream": Str, PROTO;
    }
}

schema! {
    /// A participant (`livekit.ParticipantInfo`). int64 values are decimal strings.
    pub PARTICIPANT_INFO("ParticipantInfo"): Participant {
        /// Participant id (`PA_…`).
        Sid "sid": Str, PROTO;
        /// Identity.
        Identity "identity": Str, PROTO;
        /// `JOINING`, `JOINED`, `ACTIVE`, `DISCONNECTED`.
        State "state": Enum, PROTO;
        /// Published tracks.
        Tracks "tracks": Objs(TRACK_INFO), PROTO;
        /// Metadata.
        Metadata "metadata": Str, PROTO;
        /// Join time, seconds (int64 string).
        JoinedAt "joinedAt": Int64, PROTO;
        /// Join time, milliseconds (int64 string).
        JoinedAtMs "joinedAtMs": Int64, PROTO;
        /// Display name.
        Name "name": Str, PROTO;
        /// Version.
        Version "version": U32, PROTO;
        /// Permissions.
        Permission "permission": Obj(PARTICIPANT_PERMISSION), PROTO;
        /// Region.
        Region "region": Str, PROTO;
        /// Is a publisher.
        IsPublisher "isPublisher": Bool, PROTO;
        /// `STANDARD`, `INGRESS`, `EGRESS`, `SIP`, `AGENT`, …
        Kind "kind": Enum, PROTO;
        /// Attributes.
        Attributes "attributes": StrMap, PROTO;
        /// Why the participant disconnected.
        DisconnectReason "disconnectReason": Enum, PROTO;
        /// Kind details.
        KindDetails "kindDetails": Enums, PROTO;
    }
}

schema! {
    /// The state of an agent job. int64 values are decimal strings (nanoseconds).
    pub JOB_STATE("JobState"): JobState {
        /// `JS_PENDING`, `JS_RUNNING`, `JS_SUCCESS`, `JS_FAILED`.
        Status "status": Enum, PROTO;
        /// Error text of a failed job.
        Error "error": Str, PROTO;
        /// Start time, nanoseconds (int64 string).
        StartedAt "startedAt": Int64, PROTO;
        /// End time, nanoseconds (int64 string).
        EndedAt "endedAt": Int64, PROTO;
        /// Update time, nanoseconds (int64 string).
        UpdatedAt "updatedAt": Int64, PROTO;
        /// Identity of the agent participant.
        ParticipantIdentity "participantIdentity": Str, PROTO;
        /// Worker id.
        WorkerId "workerId": Str, PROTO;
        /// Agent id.
        AgentId "agentId": Str, PROTO;
    }
}

schema! {
    /// An agent job (`agent_job_*` events).
    pub JOB("Job"): Job {
        /// Job id.
        Id "id": Str, PROTO;
        /// Dispatch id.
        DispatchId "dispatchId": Str, PROTO;
        /// `JT_ROOM`, `JT_PUBLISHER`, `JT_PARTICIPANT`.
        Type "type": Enum, PROTO;
        /// The room.
        Room "room": Obj(ROOM), PROTO;
        /// The participant the job is for.
        Participant "participant": Obj(PARTICIPANT_INFO), PROTO;
        /// Worker namespace.
        Namespace "namespace": Str, PROTO;
        /// Job metadata.
        Metadata "metadata": Str, PROTO;
        /// Agent name.
        AgentName "agentName": Str, PROTO;
        /// Job state.
        State "state": Obj(JOB_STATE), PROTO;
        /// Deployment.
        Deployment "deployment": Str, PROTO;
        /// Job attributes.
        Attributes "attributes": StrMap, PROTO;
    }
}

schema! {
    /// A verified webhook event (`livekit.WebhookEvent`), in protobuf-JSON
    /// conventions: camelCase, int64 values as decimal strings, enums as names.
    pub EVENT("WebhookEvent"): Event {
        /// The event name.
        Event "event": OneOf(EVENT_NAMES), ALWAYS | OPEN;
        /// Event id (`EV_…`), for idempotency.
        Id "id": Str, PROTO;
        /// When the event happened, seconds (int64 string).
        CreatedAt "createdAt": Int64, PROTO;
        /// The room.
        Room "room": Obj(ROOM), PROTO;
        /// The participant (participant and track events).
        Participant "participant": Obj(PARTICIPANT_INFO), PROTO;
        /// The track (track events).
        Track "track": Obj(TRACK_INFO), PROTO;
        /// The agent job (`agent_job_*` events).
        Job "job": Obj(JOB), PROTO;
        /// Egress details (`egress_*` events), as received.
        EgressInfo "egressInfo": Raw, PROTO;
        /// Ingress details (`ingress_*` events), as received.
        IngressInfo "ingressInfo": Raw, PROTO;
        /// Events dropped before this one.
        NumDropped "numDropped": I32, PROTO;
        /// Why the room ended (`room_finished`).
        RoomEndReason "roomEndReason": Enum, PROTO;
    }
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
    crate::hash::b64_encode(&crate::hash::sha256(body))
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

fn check_hash(claimed: Option<&str>, body: &[u8]) -> Result<()> {
    let claimed = claimed.ok_or(Error::WebhookHashMissing)?;
    // Canonical padded base64 has one spelling per digest: compare the spellings.
    let actual = body_sha256(body);
    if claimed.len() == actual.len() && bool::from(claimed.as_bytes().ct_eq(actual.as_bytes())) {
        Ok(())
    } else {
        Err(Error::WebhookHashMismatch)
    }
}

/// The event of a body whose authenticity is settled (or deliberately not
/// checked): JSON object, schema applied, `event` present. With it, the body
/// as text (its UTF-8 checked here, once).
fn parse_event(body: &[u8]) -> Result<(&str, json::Read<'_>)> {
    let malformed = |why: String| Error::WebhookBodyMalformed(why);
    if !crate::jws::is_json_object(body) {
        return Err(malformed("not a JSON object".into()));
    }
    let text = std::str::from_utf8(body).map_err(|_| malformed("invalid UTF-8".into()))?;
    let read = json::read_str(text, EVENT, Mode::Lenient).map_err(|e| malformed(e.to_string()))?;
    if read.obj.str(Event::Event).is_none_or(str::is_empty) {
        return Err(malformed("`event` is missing or empty".into()));
    }
    Ok((text, read))
}

/// The event's JSON text: the body itself when it already is exactly the event
/// model (the usual case: LiveKit writes the same fields), else rewritten.
fn event_json<'a>(text: &'a str, read: &json::Read<'_>) -> Cow<'a, str> {
    if read.canonical {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(json::write(EVENT, &read.obj))
    }
}

/// Decodes a webhook body into its event (JSON text) **without verifying
/// anything**: no token, no body hash. The same size limit, schema and event
/// check as [`receive_webhook`], for callers that authenticate the request some
/// other way (livekit-server-sdk's `receive(body, auth, skipAuth = true)`).
/// Never act on an event from an untrusted sender decoded this way.
///
/// ```
/// use livekit_tavus_edge::webhook::dangerous_decode_webhook_unverified;
///
/// let event = dangerous_decode_webhook_unverified(br#"{"event":"room_started","created_at":1700000000}"#).unwrap();
/// assert_eq!(event, r#"{"event":"room_started","createdAt":"1700000000"}"#);
/// let err = dangerous_decode_webhook_unverified(b"[]").unwrap_err();
/// assert_eq!(err.code(), "ERR_WEBHOOK_BODY_MALFORMED");
/// ```
pub fn dangerous_decode_webhook_unverified(body: &[u8]) -> Result<String> {
    if body.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::WebhookBodyTooLarge);
    }
    parse_event(body).map(|(text, read)| event_json(text, &read).into_owned())
}

/// Verifies a webhook (see the module docs) and returns the event as
/// protobuf-JSON text: the shape the JavaScript API returns. `body` is the
/// exact bytes received (a byte-order mark is part of them).
///
/// ```
/// use livekit_tavus_edge::webhook::{receive_webhook, sign_webhook, WebhookOptions};
///
/// let body = br#"{"event":"participant_joined","created_at":1700000000,"participant":{"identity":"ada"}}"#;
/// let auth = sign_webhook(body, "devkey", "secret", 1_700_000_000).unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let event = receive_webhook(body, Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap();
/// assert_eq!(event, r#"{"event":"participant_joined","createdAt":"1700000000","participant":{"identity":"ada"}}"#);
///
/// let tampered = br#"{"event":"room_finished"}"#;
/// let err = receive_webhook(tampered, Some(&auth), keys, WebhookOptions::at(1_700_000_005)).unwrap_err();
/// assert_eq!(err.code(), "ERR_WEBHOOK_HASH_MISMATCH");
/// ```
pub fn receive_webhook<K: Secret>(
    body: &[u8],
    authorization: Option<&str>,
    keys: impl Fn(&str) -> Option<K>,
    options: WebhookOptions,
) -> Result<String> {
    receive_webhook_event(body, authorization, keys, options).map(Cow::into_owned)
}

/// [`receive_webhook`], borrowing the body when it is the event's JSON as it is
/// (so that a caller holding the body's text needs no copy of it).
pub fn receive_webhook_event<'a, K: Secret>(
    body: &'a [u8],
    authorization: Option<&str>,
    keys: impl Fn(&str) -> Option<K>,
    options: WebhookOptions,
) -> Result<Cow<'a, str>> {
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
    let (hash, nbf, iat) = verify_with(token, keys, options.verify, |_, read| {
        (
            read.obj.str(C::Sha256).map(str::to_owned),
            read.obj.int(C::Nbf),
            read.obj.int(C::Iat),
        )
    })?;
    check_hash(hash.as_deref(), body)?;
    let (text, read) = parse_event(body)?;
    if let Some(max_age) = options.max_age {
        let Some(at) = read.obj.int(Event::CreatedAt).or(nbf).or(iat) else {
            return Err(Error::WebhookTooOld);
        };
        let now = options.verify.now;
        if now.saturating_sub(at) > max_age.saturating_add(options.verify.leeway) {
            return Err(Error::WebhookTooOld);
        }
    }
    Ok(event_json(text, &read))
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
    let mut claims = Obj::default();
    claims.set_str(C::Iss, api_key);
    claims.set(C::Nbf, Val::Int(now));
    claims.set(C::Exp, Val::Int(now + WEBHOOK_TOKEN_TTL_SECONDS));
    claims.set_str(C::Sha256, body_sha256(body));
    crate::token::sign_claims(
        &json::write(CLAIMS, &claims),
        &HmacKey::new(api_secret.as_bytes()),
    )
}
