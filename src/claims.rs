//! The LiveKit claim and grant model.
//!
//! Field names are camelCase on the wire, as LiveKit's server reads them. Every
//! field is optional, so a verified token comes back exactly as it was signed:
//! a flag absent from the token is `None`, a flag set to `false` is
//! `Some(false)`. Minting ([`crate::token`]) normalises the other way: it leaves
//! out everything that was not set, so a token never carries a default the
//! server or a client could misread (empty strings, `false` plain flags, zero
//! room-configuration numbers, empty lists and maps).
//!
//! `roomConfig` is protobuf-JSON: its fields also accept the proto names
//! (`agent_name`, `empty_timeout`, …), numbers may arrive as strings, and enum
//! values as names or numbers, as LiveKit's server accepts them.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Identity, name and room names longer than this are refused (bytes).
pub const MAX_NAME_BYTES: usize = 256;
/// Participant metadata larger than this is refused (bytes), LiveKit's default limit.
pub const MAX_METADATA_BYTES: usize = 512 * 1024;
/// Participant attributes larger than this in total (keys and values, bytes) are refused.
pub const MAX_ATTRIBUTES_BYTES: usize = 64 * 1024;
/// The largest time claim accepted: JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_TIME: i64 = (1 << 53) - 1;
/// The track sources `canPublishSources` may list.
pub const TRACK_SOURCES: [&str; 4] = ["camera", "microphone", "screen_share", "screen_share_audio"];
/// The participant kinds `kind` may name.
pub const PARTICIPANT_KINDS: [&str; 7] = [
    "standard",
    "ingress",
    "egress",
    "sip",
    "agent",
    "connector",
    "bridge",
];

/// A protobuf enum value as protobuf-JSON carries it: a name, or a number.
///
/// The value is kept as it came, so a verified token's claims equal what was
/// signed (LiveKit's Node SDK writes enum numbers, protobuf-JSON writes names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ProtoEnum {
    /// The enum value's name, e.g. `"JR_ON_FAILURE"`.
    Name(String),
    /// The enum value's number.
    Number(i32),
}

impl<'de> Deserialize<'de> for ProtoEnum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ProtoEnum;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an enum name or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProtoEnum, E> {
                Ok(ProtoEnum::Name(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ProtoEnum, E> {
                Ok(ProtoEnum::Name(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ProtoEnum, E> {
                i32::try_from(v)
                    .map(ProtoEnum::Number)
                    .map_err(|_| E::custom("enum number out of range"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ProtoEnum, E> {
                i32::try_from(v)
                    .map(ProtoEnum::Number)
                    .map_err(|_| E::custom("enum number out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ProtoEnum, E> {
                if v.fract() == 0.0 && v >= i32::MIN as f64 && v <= i32::MAX as f64 {
                    Ok(ProtoEnum::Number(v as i32))
                } else {
                    Err(E::custom("enum number out of range"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl ProtoEnum {
    /// Whether this is the enum's default (number 0, or an empty name).
    pub fn is_default(&self) -> bool {
        matches!(self, ProtoEnum::Number(0)) || matches!(self, ProtoEnum::Name(n) if n.is_empty())
    }
}

/// Serde helpers for the number encodings of JWT and protobuf-JSON.
pub(crate) mod num {
    use super::*;

    /// A whole number from protobuf-JSON: a JSON number or a decimal string.
    fn proto_int<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = i128;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer (number or decimal string)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
                Ok(v.into())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
                Ok(v.into())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<i128, E> {
                if v.fract() == 0.0 && v.abs() < 9.3e18 {
                    Ok(v as i128)
                } else {
                    Err(E::custom("not an integer"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<i128, E> {
                let digits = v.strip_prefix('-').unwrap_or(v);
                if digits.is_empty()
                    || digits.len() > 20
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(E::custom("not a decimal integer string"));
                }
                v.parse()
                    .map_err(|_| E::custom("not a decimal integer string"))
            }
        }
        d.deserialize_any(V)
    }

    /// `Option<i64>` from a protobuf-JSON int64 (number or string), written as a string.
    pub mod int64 {
        use super::*;

        /// Reads a number or a decimal string.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
            let v = proto_int(d)?;
            i64::try_from(v)
                .map(Some)
                .map_err(|_| de::Error::custom("int64 out of range"))
        }

        /// Writes a decimal string, as protobuf-JSON does (lossless in JavaScript).
        pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(n) => s.collect_str(n),
                None => s.serialize_none(),
            }
        }
    }

    /// `Option<u32>` from a protobuf-JSON uint32 (number or string).
    pub fn u32_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        let v = proto_int(d)?;
        u32::try_from(v)
            .map(Some)
            .map_err(|_| de::Error::custom("uint32 out of range"))
    }

    /// `Option<i32>` from a protobuf-JSON int32 (number or string).
    pub fn i32_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        let v = proto_int(d)?;
        i32::try_from(v)
            .map(Some)
            .map_err(|_| de::Error::custom("int32 out of range"))
    }

    /// A JWT time claim: a JSON integer and nothing else (a string, a float or
    /// `null` is an error, never a skipped check).
    pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = i64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer number of seconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
                Ok(v)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
                i64::try_from(v).map_err(|_| E::custom("time claim out of range"))
            }
        }
        let v = d.deserialize_i64(V)?;
        if !(0..=MAX_TIME).contains(&v) {
            return Err(de::Error::custom(
                "time claims must be integers from 0 to 2^53-1",
            ));
        }
        Ok(Some(v))
    }
}

/// The `video` grant.
///
/// Plain flags (`roomCreate`, `roomJoin`, `hidden`, …) mean "not granted" when
/// absent. Tri-state flags (`canPublish`, `canSubscribe`, `canPublishData`,
/// `canUpdateOwnMetadata`, `canSubscribeMetrics`, `canManageAgentSession`) give
/// absence its own meaning on LiveKit's server (for example `canPublish` absent
/// means "allowed"), so they are only written when set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoGrant {
    /// May create and delete rooms (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_create: Option<bool>,
    /// May list rooms (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_list: Option<bool>,
    /// May start recordings (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_record: Option<bool>,
    /// May administer `room` (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_admin: Option<bool>,
    /// May join `room`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_join: Option<bool>,
    /// The room this grant applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// May publish tracks (tri-state; absent: allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish: Option<bool>,
    /// May subscribe to tracks (tri-state; absent: allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe: Option<bool>,
    /// May publish data (tri-state; absent: follows `canPublish`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_data: Option<bool>,
    /// Track sources the participant may publish (`camera`, `microphone`,
    /// `screen_share`, `screen_share_audio`); absent or empty: all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_sources: Option<Vec<String>>,
    /// May update its own name, metadata and attributes (tri-state; absent: not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_update_own_metadata: Option<bool>,
    /// May administer ingress (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_admin: Option<bool>,
    /// Hidden from other participants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Marked as a recorder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<bool>,
    /// May register as an agent worker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<bool>,
    /// May subscribe to metrics (tri-state; absent: not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe_metrics: Option<bool>,
    /// May manage an agent session (tri-state; absent: not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_manage_agent_session: Option<bool>,
    /// The room a participant may be moved or forwarded to (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_room: Option<String>,
}

/// The `sip` grant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SipGrant {
    /// May manage SIP trunks and dispatch rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// May make outbound calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<bool>,
}

/// The `agent` grant (LiveKit Cloud agents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentGrant {
    /// May create, update and delete Cloud Agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// May manage agent simulations and scenarios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation_admin: Option<bool>,
    /// May access the project's agent databases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_admin: Option<bool>,
    /// May manage the project's agent dispatch queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch_admin: Option<bool>,
}

/// The `agentEndpoint` grant: calling an agent's private HTTP endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentEndpointGrant {
    /// May call the endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<bool>,
    /// Only this agent (absent: every agent of the project).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Only this deployment (absent: every deployment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
}

/// The `agentThread` grant: access to agent conversation threads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentThreadGrant {
    /// Every thread and scope of the project (the action flags still apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all: Option<bool>,
    /// The scope in which threads may be listed and created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Threads that may be read, written and deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_ids: Option<Vec<String>>,
    /// May list threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<bool>,
    /// May create threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<bool>,
    /// May write to threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<bool>,
    /// May read threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// May delete threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<bool>,
}

/// The `inference` grant (LiveKit Inference).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceGrant {
    /// May perform inference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perform: Option<bool>,
}

/// The `observability` grant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservabilityGrant {
    /// May publish observability data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<bool>,
}

/// One agent to dispatch when this participant's join creates the room
/// (`roomConfig.agents[]`). An existing room ignores it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomAgentDispatch {
    /// The agent's registered name.
    #[serde(alias = "agent_name", skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Job metadata handed to the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Restart policy (`JR_ON_FAILURE`, `JR_NEVER`, … or its number).
    #[serde(alias = "restart_policy", skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<ProtoEnum>,
    /// Deployment to dispatch to (LiveKit Cloud).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Job attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// Room configuration applied when this participant's join creates the room
/// (`roomConfig`, protobuf-JSON `livekit.RoomConfiguration`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomConfiguration {
    /// Room name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Seconds an empty room stays open.
    #[serde(
        alias = "empty_timeout",
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub empty_timeout: Option<u32>,
    /// Seconds the room stays open after the last participant leaves.
    #[serde(
        alias = "departure_timeout",
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub departure_timeout: Option<u32>,
    /// Participant limit.
    #[serde(
        alias = "max_participants",
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_participants: Option<u32>,
    /// Room metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Automatic egress (protobuf-JSON `livekit.RoomEgress`), kept as given.
    /// Minting refuses credentials here unless explicitly allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress: Option<serde_json::Value>,
    /// Minimum playout delay (ms).
    #[serde(
        alias = "min_playout_delay",
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_playout_delay: Option<u32>,
    /// Maximum playout delay (ms).
    #[serde(
        alias = "max_playout_delay",
        default,
        deserialize_with = "num::u32_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_playout_delay: Option<u32>,
    /// Synchronise audio and video of each participant.
    #[serde(alias = "sync_streams", skip_serializing_if = "Option::is_none")]
    pub sync_streams: Option<bool>,
    /// Agents to dispatch when the room is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<RoomAgentDispatch>>,
    /// Room tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// The claims of a LiveKit access token.
///
/// Unknown claims are ignored when reading, as on LiveKit's server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// Issuer: the API key.
    pub iss: String,
    /// Subject: the participant identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Not before (seconds since the Unix epoch).
    #[serde(
        default,
        deserialize_with = "num::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<i64>,
    /// Expiry (seconds since the Unix epoch); verification requires it.
    #[serde(
        default,
        deserialize_with = "num::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub exp: Option<i64>,
    /// Issued at (seconds since the Unix epoch).
    #[serde(
        default,
        deserialize_with = "num::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub iat: Option<i64>,
    /// JWT id; LiveKit takes the identity from it when `sub` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Participant kind (`standard`, `ingress`, `egress`, `sip`, `agent`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Finer participant kind details (e.g. `CLOUD_AGENT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_details: Option<Vec<String>>,
    /// Participant metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Participant attributes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// Webhook body hash: standard base64 of the SHA-256 of the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The video grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoGrant>,
    /// The SIP grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip: Option<SipGrant>,
    /// The Cloud Agents grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentGrant>,
    /// The agent-endpoint grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_endpoint: Option<AgentEndpointGrant>,
    /// The agent-thread grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_thread: Option<AgentThreadGrant>,
    /// The inference grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<InferenceGrant>,
    /// The observability grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observability: Option<ObservabilityGrant>,
    /// LiveKit Cloud room preset; `roomConfig` overrides its parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_preset: Option<String>,
    /// Room configuration used when this participant's join creates the room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_config: Option<RoomConfiguration>,
}

/// Makes `None` of a set-but-default value, and says whether anything is left.
pub(crate) trait Normalize {
    /// Drops defaults; returns `true` when nothing remains.
    fn normalize(&mut self) -> bool;
}

fn flag(f: &mut Option<bool>) -> bool {
    if *f == Some(false) {
        *f = None;
    }
    f.is_none()
}

fn text(s: &mut Option<String>) -> bool {
    if s.as_deref() == Some("") {
        *s = None;
    }
    s.is_none()
}

fn list<T>(v: &mut Option<Vec<T>>) -> bool {
    if v.as_ref().is_some_and(Vec::is_empty) {
        *v = None;
    }
    v.is_none()
}

fn map(m: &mut Option<BTreeMap<String, String>>) -> bool {
    if m.as_ref().is_some_and(BTreeMap::is_empty) {
        *m = None;
    }
    m.is_none()
}

fn zero(n: &mut Option<u32>) -> bool {
    if *n == Some(0) {
        *n = None;
    }
    n.is_none()
}

/// Normalises an optional grant: `None` when nothing of it remains.
pub(crate) fn normalize_opt<T: Normalize>(g: &mut Option<T>) {
    if g.as_mut().is_some_and(Normalize::normalize) {
        *g = None;
    }
}

impl Normalize for VideoGrant {
    fn normalize(&mut self) -> bool {
        // Tri-state flags keep `Some(false)`: it differs from absent.
        let tri = [
            self.can_publish,
            self.can_subscribe,
            self.can_publish_data,
            self.can_update_own_metadata,
            self.can_subscribe_metrics,
            self.can_manage_agent_session,
        ]
        .iter()
        .all(Option::is_none);
        let plain = [
            flag(&mut self.room_create),
            flag(&mut self.room_list),
            flag(&mut self.room_record),
            flag(&mut self.room_admin),
            flag(&mut self.room_join),
            flag(&mut self.ingress_admin),
            flag(&mut self.hidden),
            flag(&mut self.recorder),
            flag(&mut self.agent),
        ]
        .iter()
        .all(|&b| b);
        let rest = [
            text(&mut self.room),
            text(&mut self.destination_room),
            list(&mut self.can_publish_sources),
        ]
        .iter()
        .all(|&b| b);
        tri && plain && rest
    }
}

impl Normalize for SipGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.admin) & flag(&mut self.call)
    }
}

impl Normalize for AgentGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.admin)
            & flag(&mut self.simulation_admin)
            & flag(&mut self.database_admin)
            & flag(&mut self.dispatch_admin)
    }
}

impl Normalize for AgentEndpointGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.call) & text(&mut self.agent_name) & text(&mut self.deployment)
    }
}

impl Normalize for AgentThreadGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.all)
            & text(&mut self.scope)
            & list(&mut self.thread_ids)
            & flag(&mut self.list)
            & flag(&mut self.create)
            & flag(&mut self.write)
            & flag(&mut self.read)
            & flag(&mut self.delete)
    }
}

impl Normalize for InferenceGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.perform)
    }
}

impl Normalize for ObservabilityGrant {
    fn normalize(&mut self) -> bool {
        flag(&mut self.write)
    }
}

impl Normalize for RoomAgentDispatch {
    fn normalize(&mut self) -> bool {
        if self
            .restart_policy
            .as_ref()
            .is_some_and(ProtoEnum::is_default)
        {
            self.restart_policy = None;
        }
        text(&mut self.agent_name)
            & text(&mut self.metadata)
            & self.restart_policy.is_none()
            & text(&mut self.deployment)
            & map(&mut self.attributes)
    }
}

impl Normalize for RoomConfiguration {
    fn normalize(&mut self) -> bool {
        // A dispatch entry stays even when empty: `{}` dispatches the default agent.
        if let Some(agents) = &mut self.agents {
            for a in agents.iter_mut() {
                a.normalize();
            }
        }
        if matches!(&self.egress, Some(serde_json::Value::Null))
            || matches!(&self.egress, Some(serde_json::Value::Object(o)) if o.is_empty())
        {
            self.egress = None;
        }
        if self.sync_streams == Some(false) {
            self.sync_streams = None;
        }
        text(&mut self.name)
            & zero(&mut self.empty_timeout)
            & zero(&mut self.departure_timeout)
            & zero(&mut self.max_participants)
            & text(&mut self.metadata)
            & self.egress.is_none()
            & zero(&mut self.min_playout_delay)
            & zero(&mut self.max_playout_delay)
            & self.sync_streams.is_none()
            & list(&mut self.agents)
            & map(&mut self.tags)
    }
}

/// Whether a protobuf-JSON `RoomEgress` carries credentials that every holder
/// of the token could read: storage secrets, GCP credentials, Azure account
/// keys, webhook signing keys, or stream outputs (whose URLs hold stream keys).
pub fn egress_has_credentials(egress: &serde_json::Value) -> bool {
    use serde_json::Value;
    match egress {
        Value::Object(o) => o.iter().any(|(k, v)| {
            let secret_key = matches!(
                k.as_str(),
                "secret"
                    | "sessionToken"
                    | "session_token"
                    | "credentials"
                    | "accountKey"
                    | "account_key"
                    | "signingKey"
                    | "signing_key"
            );
            let stream = matches!(k.as_str(), "streamOutputs" | "stream_outputs" | "urls");
            (secret_key && !(v.is_null() || v.as_str() == Some("")))
                || (stream && matches!(v, Value::Array(a) if !a.is_empty()))
                || egress_has_credentials(v)
        }),
        Value::Array(a) => a.iter().any(egress_has_credentials),
        _ => false,
    }
}

/// Parses JSON into a type that borrows from it, leniently (unknown fields skipped).
pub(crate) fn from_json_slice_borrowed<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(strict::Strict::new(&mut de, None))?;
    de.end()?;
    Ok(value)
}

/// Parses JSON bytes into `T` through [`strict::Strict`]: with `path`, unknown
/// fields are refused and `path` names where; without, they are skipped.
pub(crate) fn from_json_slice<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    path: Option<&std::cell::RefCell<String>>,
) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(strict::Strict::new(&mut de, path))?;
    de.end()?;
    Ok(value)
}

/// A deserializer adapter that reads structs as maps and, when given a path
/// buffer, refuses unknown fields at every depth (naming their path). Claims,
/// webhook events and token options all parse through it over the same
/// `serde_json` deserializer, so each type's parsing code exists once in the
/// wasm binary whether it is read strictly (options) or leniently (tokens).
pub(crate) mod strict {
    use std::cell::RefCell;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    /// Where the reader is (`video.canPublish`, `roomConfig.agents[0]`), tracked
    /// only in strict mode.
    #[derive(Clone, Copy)]
    struct Path<'p>(Option<&'p RefCell<String>>);

    impl Path<'_> {
        fn len(self) -> usize {
            self.0.map_or(0, |p| p.borrow().len())
        }
        fn truncate(self, len: usize) {
            if let Some(p) = self.0 {
                p.borrow_mut().truncate(len);
            }
        }
        fn push_key(self, key: &str) {
            if let Some(p) = self.0 {
                let mut p = p.borrow_mut();
                p.push('.');
                p.push_str(key);
            }
        }
        fn push_index(self, index: usize) {
            if let Some(p) = self.0 {
                let mut p = p.borrow_mut();
                p.push('[');
                let start = p.len();
                let mut v = index;
                loop {
                    p.insert(start, char::from(b'0' + (v % 10) as u8));
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
                p.push(']');
            }
        }
    }

    /// The wrapped deserializer. With a path buffer, unknown fields are refused
    /// and the buffer names where the reader stopped; without, unknown fields
    /// are skipped as usual.
    pub(crate) struct Strict<'p, D> {
        de: D,
        path: Path<'p>,
        key: bool,
    }

    impl<'p, D> Strict<'p, D> {
        pub(crate) fn new(de: D, path: Option<&'p RefCell<String>>) -> Self {
            Strict {
                de,
                path: Path(path),
                key: false,
            }
        }

        fn wrap<V>(&self, inner: V) -> Wrap<'p, V> {
            Wrap {
                inner,
                path: self.path,
                key: self.key,
            }
        }
    }

    struct Wrap<'p, V> {
        inner: V,
        path: Path<'p>,
        key: bool,
    }

    struct Seed<'p, S> {
        inner: S,
        path: Path<'p>,
        key: bool,
    }

    struct Map<'p, A> {
        inner: A,
        path: Path<'p>,
        base: usize,
    }

    struct Seq<'p, A> {
        inner: A,
        path: Path<'p>,
        base: usize,
        index: usize,
    }

    macro_rules! forward {
        ($($method:ident)*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let v = self.wrap(visitor);
                self.de.$method(v)
            }
        )*};
    }

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, D> {
        type Error = D::Error;

        forward! {
            deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
            deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
            deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
            deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
            deserialize_option deserialize_unit deserialize_seq deserialize_map
            deserialize_identifier
        }

        fn deserialize_unit_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = self.wrap(visitor);
            self.de.deserialize_unit_struct(name, v)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = self.wrap(visitor);
            self.de.deserialize_newtype_struct(name, v)
        }

        fn deserialize_tuple<V: Visitor<'de>>(
            self,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = self.wrap(visitor);
            self.de.deserialize_tuple(len, v)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = self.wrap(visitor);
            self.de.deserialize_tuple_struct(name, len, v)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = self.wrap(visitor);
            self.de.deserialize_map(v)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            // No option is a serde enum; their contents are not checked further.
            self.de.deserialize_enum(name, variants, visitor)
        }

        fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
            match self.path.0 {
                Some(_) => Err(de::Error::custom("is not a known option")),
                None => self.de.deserialize_ignored_any(v),
            }
        }

        fn is_human_readable(&self) -> bool {
            self.de.is_human_readable()
        }
    }

    impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
        type Value = S::Value;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
            self.inner.deserialize(Strict {
                de: d,
                path: self.path,
                key: self.key,
            })
        }
    }

    impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
        type Error = A::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, A::Error> {
            self.path.truncate(self.base);
            let seed = Seed {
                inner: seed,
                path: self.path,
                key: true,
            };
            self.inner.next_key_seed(seed)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(
            &mut self,
            seed: V,
        ) -> Result<V::Value, A::Error> {
            let seed = Seed {
                inner: seed,
                path: self.path,
                key: false,
            };
            self.inner.next_value_seed(seed)
        }

        fn size_hint(&self) -> Option<usize> {
            self.inner.size_hint()
        }
    }

    impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
        type Error = A::Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, A::Error> {
            self.path.truncate(self.base);
            self.path.push_index(self.index);
            self.index += 1;
            let seed = Seed {
                inner: seed,
                path: self.path,
                key: false,
            };
            let next = self.inner.next_element_seed(seed)?;
            if next.is_none() {
                self.path.truncate(self.base);
            }
            Ok(next)
        }

        fn size_hint(&self) -> Option<usize> {
            self.inner.size_hint()
        }
    }

    macro_rules! visit {
        ($($method:ident($ty:ty))*) => {$(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.inner.$method(v)
            }
        )*};
    }

    impl<V> Wrap<'_, V> {
        /// Records an object key in the path (strict mode only).
        fn record(&self, key: &str) {
            if self.key {
                self.path.push_key(key);
            }
        }
    }

    impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.inner.expecting(f)
        }

        visit! {
            visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
            visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
            visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char)
            visit_bytes(&[u8]) visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
            self.record(v);
            self.inner.visit_str(v)
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
            self.record(v);
            self.inner.visit_borrowed_str(v)
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
            self.record(&v);
            self.inner.visit_string(v)
        }

        fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
            self.inner.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
            self.inner.visit_unit()
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
            self.inner.visit_some(Strict {
                de: d,
                path: self.path,
                key: self.key,
            })
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
            self.inner.visit_newtype_struct(Strict {
                de: d,
                path: self.path,
                key: self.key,
            })
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
            let base = self.path.len();
            self.inner.visit_seq(Seq {
                inner: seq,
                path: self.path,
                base,
                index: 0,
            })
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            let base = self.path.len();
            self.inner.visit_map(Map {
                inner: map,
                path: self.path,
                base,
            })
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
            self.inner.visit_enum(data)
        }
    }
}
