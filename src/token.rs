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
    /// Reads options from any serde format, refusing unknown fields at any depth.
    ///
    /// ```
    /// use livekit_tavus_edge::token::TokenOptions;
    /// let json = r#"{"identity":"ada","video":{"roomJoin":true,"room":"demo"}}"#;
    /// let options = TokenOptions::from_deserializer(&mut serde_json::Deserializer::from_str(json)).unwrap();
    /// assert_eq!(options.identity.as_deref(), Some("ada"));
    ///
    /// let typo = r#"{"video":{"canpublish":false}}"#;
    /// let err = TokenOptions::from_deserializer(&mut serde_json::Deserializer::from_str(typo)).unwrap_err();
    /// assert_eq!(err.code(), "ERR_INVALID_OPTION");
    /// assert!(err.to_string().contains("video.canpublish"));
    /// ```
    pub fn from_deserializer<'de, D: Deserializer<'de>>(d: D) -> Result<Self> {
        StrictTokenOptions::deserialize(d)
            .map(|s| s.0)
            .map_err(|e| Error::InvalidOption("options", e.to_string()))
    }
}

/// [`TokenOptions`] whose `Deserialize` refuses unknown fields at any depth and
/// reads structs as maps; the error message names the offending path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrictTokenOptions(pub TokenOptions);

impl<'de> Deserialize<'de> for StrictTokenOptions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let path = RefCell::new(String::new());
        TokenOptions::deserialize(strict::Strict::new(d, &path))
            .map(StrictTokenOptions)
            .map_err(|e| {
                let why = crate::verify::redact(&e.to_string());
                let path = path.into_inner();
                match path.trim_start_matches('.') {
                    "" => serde::de::Error::custom(why),
                    path => serde::de::Error::custom(format!("`{path}`: {why}")),
                }
            })
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

/// A deserializer adapter that refuses unknown fields at every depth and reads
/// structs as maps (in JavaScript this visits only the keys that are present,
/// instead of probing every declared field).
mod strict {
    use std::cell::RefCell;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    /// The wrapped deserializer; `path` tracks where it is, for error messages.
    pub(super) struct Strict<'p, D> {
        de: D,
        path: &'p RefCell<String>,
        key: bool,
    }

    impl<'p, D> Strict<'p, D> {
        pub(super) fn new(de: D, path: &'p RefCell<String>) -> Self {
            Strict {
                de,
                path,
                key: false,
            }
        }
    }

    struct Wrap<'p, V> {
        inner: V,
        path: &'p RefCell<String>,
        key: bool,
    }

    struct Seed<'p, S> {
        inner: S,
        path: &'p RefCell<String>,
        key: bool,
    }

    struct Map<'p, A> {
        inner: A,
        path: &'p RefCell<String>,
        base: usize,
    }

    struct Seq<'p, A> {
        inner: A,
        path: &'p RefCell<String>,
        base: usize,
        index: usize,
    }

    macro_rules! forward {
        ($($method:ident)*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let v = Wrap { inner: visitor, path: self.path, key: self.key };
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
            let v = Wrap {
                inner: visitor,
                path: self.path,
                key: self.key,
            };
            self.de.deserialize_unit_struct(name, v)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = Wrap {
                inner: visitor,
                path: self.path,
                key: self.key,
            };
            self.de.deserialize_newtype_struct(name, v)
        }

        fn deserialize_tuple<V: Visitor<'de>>(
            self,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = Wrap {
                inner: visitor,
                path: self.path,
                key: self.key,
            };
            self.de.deserialize_tuple(len, v)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = Wrap {
                inner: visitor,
                path: self.path,
                key: self.key,
            };
            self.de.deserialize_tuple_struct(name, len, v)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            let v = Wrap {
                inner: visitor,
                path: self.path,
                key: self.key,
            };
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

        fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
            Err(de::Error::custom("not a known option"))
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
            self.path.borrow_mut().truncate(self.base);
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
            {
                use std::fmt::Write;
                let mut path = self.path.borrow_mut();
                path.truncate(self.base);
                let _ = write!(path, "[{}]", self.index);
            }
            self.index += 1;
            let seed = Seed {
                inner: seed,
                path: self.path,
                key: false,
            };
            let next = self.inner.next_element_seed(seed)?;
            if next.is_none() {
                self.path.borrow_mut().truncate(self.base);
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
            if self.key {
                let mut path = self.path.borrow_mut();
                path.push('.');
                path.push_str(v);
            }
            self.inner.visit_str(v)
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
            if self.key {
                let mut path = self.path.borrow_mut();
                path.push('.');
                path.push_str(v);
            }
            self.inner.visit_borrowed_str(v)
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
            if self.key {
                let mut path = self.path.borrow_mut();
                path.push('.');
                path.push_str(&v);
            }
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
            let base = self.path.borrow().len();
            self.inner.visit_seq(Seq {
                inner: seq,
                path: self.path,
                base,
                index: 0,
            })
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            let base = self.path.borrow().len();
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
