//! Minting LiveKit access tokens.
//!
//! [`TokenOptions`] can express every claim and grant of LiveKit's SDKs; the
//! token carries only what was set. Before signing, each rule LiveKit's server
//! would enforce later is checked with its own error code, so a token this
//! module returns is one the server accepts:
//!
//! | rule | code |
//! |---|---|
//! | API key and secret are not empty | `ERR_KEY_MISSING` |
//! | `video.roomJoin` needs an identity | `ERR_IDENTITY_REQUIRED` |
//! | identity, name, room names ≤ 256 bytes | `ERR_GRANT_TOO_LONG` |
//! | metadata ≤ 512 KiB | `ERR_GRANT_METADATA_TOO_LARGE` |
//! | attributes ≤ 64 KiB in total | `ERR_GRANT_ATTRIBUTES_TOO_LARGE` |
//! | lifetime finite, > 0, ≤ 7 days | `ERR_INVALID_TTL` |
//! | no credentials in `roomConfig.egress` unless allowed | `ERR_GRANT_EGRESS_CREDENTIALS` |
//! | `kind`, `canPublishSources` from LiveKit's lists; no unknown option | `ERR_INVALID_OPTION` |
//!
//! A secret shorter than 32 bytes is accepted with [`Warning::WeakSecret`].

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::claims::{
    egress_has_credentials, normalize_opt, AgentEndpointGrant, AgentGrant, AgentThreadGrant,
    Claims, InferenceGrant, ObservabilityGrant, RoomConfiguration, SipGrant, VideoGrant,
    MAX_ATTRIBUTES_BYTES, MAX_METADATA_BYTES, MAX_NAME_BYTES, MAX_TIME, PARTICIPANT_KINDS,
    TRACK_SOURCES,
};
pub use crate::duration::{Ttl, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS};
use crate::error::{Error, Result, Warning};
use crate::jws;

/// Secrets shorter than this (bytes) are accepted with [`Warning::WeakSecret`].
pub use crate::config::MIN_SECRET_BYTES;

/// What a caller may say about the token to mint (camelCase from JavaScript).
///
/// Every field is optional. From JSON or JavaScript, read it with
/// [`TokenOptions::from_deserializer`], which refuses unknown fields at any
/// depth (`canpublish` is a typo, not a flag to ignore).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenOptions {
    /// Participant identity (`sub`); required with `video.roomJoin`.
    pub identity: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Participant metadata (≤ 512 KiB).
    pub metadata: Option<String>,
    /// Participant attributes (≤ 64 KiB in total), e.g. `lk.publish_on_behalf`.
    pub attributes: Option<BTreeMap<String, String>>,
    /// Participant kind: `standard`, `ingress`, `egress`, `sip`, `agent`, `connector`, `bridge`.
    pub kind: Option<String>,
    /// Finer kind details (e.g. `CLOUD_AGENT`).
    pub kind_details: Option<Vec<String>>,
    /// Lifetime: seconds or a duration string; [`DEFAULT_TTL_SECONDS`] when absent.
    pub ttl: Option<Ttl>,
    /// The video grant.
    pub video: Option<VideoGrant>,
    /// The SIP grant.
    pub sip: Option<SipGrant>,
    /// The Cloud Agents grant.
    pub agent: Option<AgentGrant>,
    /// The agent-endpoint grant.
    pub agent_endpoint: Option<AgentEndpointGrant>,
    /// The agent-thread grant.
    pub agent_thread: Option<AgentThreadGrant>,
    /// The inference grant.
    pub inference: Option<InferenceGrant>,
    /// The observability grant.
    pub observability: Option<ObservabilityGrant>,
    /// LiveKit Cloud room preset.
    pub room_preset: Option<String>,
    /// Room configuration (agent dispatch, timeouts, …) used if this join creates the room.
    pub room_config: Option<RoomConfiguration>,
    /// Webhook body hash (standard base64 of SHA-256); see [`crate::webhook::sign_webhook`].
    pub sha256: Option<String>,
    /// Allow credentials inside `roomConfig.egress` (every participant can read them).
    pub allow_room_config_egress: Option<bool>,
}

impl TokenOptions {
    /// Reads options from JSON, refusing unknown fields at any depth (a typo
    /// such as `canpublish` is an error, not a flag to ignore).
    ///
    /// ```
    /// use livekit_tavus_edge::token::TokenOptions;
    /// let options = TokenOptions::from_json(br#"{"identity":"ada","ttl":"10m"}"#).unwrap();
    /// assert_eq!(options.identity.as_deref(), Some("ada"));
    ///
    /// let err = TokenOptions::from_json(br#"{"video":{"canpublish":false}}"#).unwrap_err();
    /// assert_eq!(err.code(), "ERR_INVALID_OPTION");
    /// assert!(err.to_string().contains("video.canpublish"));
    /// ```
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let path = RefCell::new(String::new());
        crate::claims::from_json_slice(json, Some(&path)).map_err(|e| options_error(&e, path))
    }

    /// Reads options from any serde format, refusing unknown fields at any depth.
    ///
    /// ```
    /// use livekit_tavus_edge::token::TokenOptions;
    /// let value = serde_json::json!({"identity": "ada", "kind": "agent"});
    /// let options = TokenOptions::from_deserializer(value).unwrap();
    /// assert_eq!(options.kind.as_deref(), Some("agent"));
    /// ```
    pub fn from_deserializer<'de, D: Deserializer<'de>>(d: D) -> Result<Self> {
        let path = RefCell::new(String::new());
        TokenOptions::deserialize(crate::claims::strict::Strict::new(d, Some(&path)))
            .map_err(|e| options_error(&e, path))
    }
}

fn options_error(e: &dyn std::fmt::Display, path: RefCell<String>) -> Error {
    let message = e.to_string();
    // serde_json's position ("at line 1 column 9") means nothing to the caller.
    let why = crate::verify::redact(message.split(" at line ").next().unwrap_or_default());
    let path = path.into_inner();
    match path.trim_start_matches('.') {
        "" => Error::InvalidOption("options", why),
        path if why.starts_with("is ") => {
            Error::InvalidOption("options", format!("`{path}` {why}"))
        }
        path => Error::InvalidOption("options", format!("`{path}`: {why}")),
    }
}

/// A minted token.
#[derive(Debug, Clone)]
pub struct MintedToken {
    /// The compact JWS.
    pub token: String,
    /// The claims it carries (exactly the signed payload).
    pub claims: Claims,
    /// What was accepted but should be fixed (e.g. a short secret).
    pub warnings: Vec<Warning>,
}

fn check_len(what: &'static str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.len() > MAX_NAME_BYTES => Err(Error::GrantTooLong(what)),
        _ => Ok(()),
    }
}

fn empty_to_none(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// Checks the claims against LiveKit's limits (see the module table).
fn check_claims(claims: &Claims, allow_egress: bool) -> Result<()> {
    let video = claims.video.as_ref();
    if video.and_then(|v| v.room_join) == Some(true) && claims.sub.is_none() {
        return Err(Error::IdentityRequired);
    }
    check_len("identity", claims.sub.as_deref())?;
    check_len("name", claims.name.as_deref())?;
    check_len("video.room", video.and_then(|v| v.room.as_deref()))?;
    check_len(
        "video.destinationRoom",
        video.and_then(|v| v.destination_room.as_deref()),
    )?;
    let room_config = claims.room_config.as_ref();
    check_len(
        "roomConfig.name",
        room_config.and_then(|c| c.name.as_deref()),
    )?;
    if claims
        .metadata
        .as_ref()
        .is_some_and(|m| m.len() > MAX_METADATA_BYTES)
    {
        return Err(Error::GrantMetadataTooLarge);
    }
    if let Some(attributes) = &claims.attributes {
        let total: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > MAX_ATTRIBUTES_BYTES {
            return Err(Error::GrantAttributesTooLarge);
        }
    }
    if let Some(kind) = &claims.kind {
        if !PARTICIPANT_KINDS.contains(&kind.as_str()) {
            return Err(Error::InvalidOption(
                "kind",
                format!("must be one of {}", PARTICIPANT_KINDS.join(", ")),
            ));
        }
    }
    if let Some(sources) = video.and_then(|v| v.can_publish_sources.as_ref()) {
        if let Some(bad) = sources
            .iter()
            .find(|s| !TRACK_SOURCES.contains(&s.as_str()))
        {
            let mut shown = bad.clone();
            shown.truncate(32);
            return Err(Error::InvalidOption(
                "video.canPublishSources",
                format!("unknown source {shown:?}; use {}", TRACK_SOURCES.join(", ")),
            ));
        }
    }
    if !allow_egress
        && room_config
            .and_then(|c| c.egress.as_ref())
            .is_some_and(egress_has_credentials)
    {
        return Err(Error::GrantEgressCredentials);
    }
    Ok(())
}

/// Serialises and signs claims as they are (no checks): the shared last step.
pub(crate) fn sign_claims(claims: &Claims, secret: &str) -> Result<String> {
    let payload = serde_json::to_vec(claims).map_err(|e| Error::InvalidInput(e.to_string()))?;
    let token = jws::sign_hs256(&payload, secret.as_bytes());
    if token.len() > jws::MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge);
    }
    Ok(token)
}

/// Mints an HS256 LiveKit access token at time `now` (seconds since the epoch):
/// `nbf` = `now`, `exp` = `now` + lifetime.
///
/// ```
/// use livekit_tavus_edge::claims::VideoGrant;
/// use livekit_tavus_edge::token::{create_access_token, TokenOptions};
///
/// let options = TokenOptions {
///     identity: Some("user-1".into()),
///     ttl: Some("10m".into()),
///     video: Some(VideoGrant { room_join: Some(true), room: Some("lobby".into()), ..Default::default() }),
///     ..Default::default()
/// };
/// let minted = create_access_token("devkey", "secret", options, 1_700_000_000).unwrap();
/// assert_eq!(minted.claims.exp, Some(1_700_000_000 + 600));
/// assert_eq!(minted.warnings[0].code(), "ERR_KEY_WEAK_SECRET");
/// ```
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options: TokenOptions,
    now: i64,
) -> Result<MintedToken> {
    if api_key.is_empty() {
        return Err(Error::KeyMissing("key"));
    }
    if api_secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    let ttl = crate::duration::ttl_seconds(options.ttl.as_ref())?;
    if !(0..=MAX_TIME - ttl).contains(&now) {
        return Err(Error::InvalidInput(
            "the current time is out of range".into(),
        ));
    }
    let mut claims = Claims {
        iss: api_key.to_owned(),
        sub: empty_to_none(options.identity),
        nbf: Some(now),
        exp: Some(now + ttl),
        name: empty_to_none(options.name),
        kind: empty_to_none(options.kind),
        kind_details: options.kind_details.filter(|k| !k.is_empty()),
        metadata: empty_to_none(options.metadata),
        attributes: options.attributes.filter(|a| !a.is_empty()),
        sha256: empty_to_none(options.sha256),
        video: options.video,
        sip: options.sip,
        agent: options.agent,
        agent_endpoint: options.agent_endpoint,
        agent_thread: options.agent_thread,
        inference: options.inference,
        observability: options.observability,
        room_preset: empty_to_none(options.room_preset),
        room_config: options.room_config,
        ..Default::default()
    };
    normalize_opt(&mut claims.video);
    normalize_opt(&mut claims.sip);
    normalize_opt(&mut claims.agent);
    normalize_opt(&mut claims.agent_endpoint);
    normalize_opt(&mut claims.agent_thread);
    normalize_opt(&mut claims.inference);
    normalize_opt(&mut claims.observability);
    normalize_opt(&mut claims.room_config);
    check_claims(&claims, options.allow_room_config_egress == Some(true))?;
    let token = sign_claims(&claims, api_secret)?;
    let mut warnings = Vec::new();
    if api_secret.len() < MIN_SECRET_BYTES {
        warnings.push(Warning::WeakSecret);
    }
    Ok(MintedToken {
        token,
        claims,
        warnings,
    })
}
