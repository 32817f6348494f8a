//! The LiveKit claim and grant model.
//!
//! Field names are camelCase on the wire. Only what was set is emitted: empty
//! strings, `false` plain flags, unset tri-state flags and empty collections are
//! all left out, so a token never carries a default the server or a client
//! could misread.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The `video` grant.
///
/// Plain flags are absent when false. Tri-state flags (`Option<bool>`) are
/// absent unless set, because LiveKit gives absence its own meaning (for example
/// `canPublish` absent means "allowed").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VideoGrant {
    /// May create rooms (server API).
    #[serde(skip_serializing_if = "is_false")]
    pub room_create: bool,
    /// May list rooms (server API).
    #[serde(skip_serializing_if = "is_false")]
    pub room_list: bool,
    /// May record (server API).
    #[serde(skip_serializing_if = "is_false")]
    pub room_record: bool,
    /// May administer `room` (server API).
    #[serde(skip_serializing_if = "is_false")]
    pub room_admin: bool,
    /// May join `room`.
    #[serde(skip_serializing_if = "is_false")]
    pub room_join: bool,
    /// The room this grant applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// May publish tracks (absent: allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish: Option<bool>,
    /// May subscribe to tracks (absent: allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe: Option<bool>,
    /// May publish data (absent: follows `canPublish`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_data: Option<bool>,
    /// Track sources the participant may publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_publish_sources: Option<Vec<String>>,
    /// May update its own name, metadata and attributes (absent: not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_update_own_metadata: Option<bool>,
    /// May administer ingress (server API).
    #[serde(skip_serializing_if = "is_false")]
    pub ingress_admin: bool,
    /// Hidden from other participants.
    #[serde(skip_serializing_if = "is_false")]
    pub hidden: bool,
    /// Marked as a recorder.
    #[serde(skip_serializing_if = "is_false")]
    pub recorder: bool,
    /// Marked as an agent.
    #[serde(skip_serializing_if = "is_false")]
    pub agent: bool,
    /// May subscribe to metrics (absent: not allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_subscribe_metrics: Option<bool>,
    /// May manage agent sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_manage_agent_session: Option<bool>,
    /// Destination room for move/forward (server API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_room: Option<String>,
}

/// The claims of a LiveKit access token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    /// Issuer: the API key.
    pub iss: String,
    /// Subject: the participant identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Not before (seconds since the Unix epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Expiry (seconds since the Unix epoch). Required when verifying.
    pub exp: i64,
    /// JWT id; LiveKit falls back to it when `sub` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The video grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoGrant>,
    /// Participant metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Participant attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
    /// Participant kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Webhook body hash (base64 of SHA-256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}
