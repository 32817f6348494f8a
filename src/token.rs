//! Minting LiveKit access tokens.

use serde::Deserialize;

use crate::claims::{Claims, VideoGrant};
use crate::error::{Error, Result};
use crate::jws;

/// Default token lifetime: 6 hours, as in LiveKit's SDKs.
pub const DEFAULT_TTL_SECONDS: i64 = 6 * 60 * 60;
/// The longest lifetime accepted: 7 days.
pub const MAX_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;
/// Identity, name and room names longer than this are refused (bytes).
pub const MAX_NAME_BYTES: usize = 256;

/// What a caller may say about the token to mint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TokenOptions {
    /// Participant identity (`sub`).
    pub identity: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Lifetime in seconds; [`DEFAULT_TTL_SECONDS`] when absent.
    pub ttl: Option<f64>,
    /// The video grant.
    pub video: Option<VideoGrant>,
}

/// A minted token.
#[derive(Debug, Clone)]
pub struct MintedToken {
    /// The compact JWS.
    pub token: String,
    /// The claims it carries.
    pub claims: Claims,
}

fn check_len(name: &'static str, value: &Option<String>) -> Result<()> {
    match value {
        Some(v) if v.len() > MAX_NAME_BYTES => Err(Error::InvalidOption(
            name,
            format!("longer than {MAX_NAME_BYTES} bytes"),
        )),
        _ => Ok(()),
    }
}

fn ttl_seconds(ttl: Option<f64>) -> Result<i64> {
    let Some(t) = ttl else {
        return Ok(DEFAULT_TTL_SECONDS);
    };
    if !t.is_finite() {
        return Err(Error::InvalidTtl("not a finite number".into()));
    }
    if t <= 0.0 {
        return Err(Error::InvalidTtl("must be greater than zero".into()));
    }
    if t > MAX_TTL_SECONDS as f64 {
        return Err(Error::InvalidTtl(format!(
            "longer than the maximum of {MAX_TTL_SECONDS} seconds"
        )));
    }
    // Whole seconds: JWT times are integers.
    Ok((t.ceil()) as i64)
}

/// Mints an HS256 LiveKit access token at time `now` (seconds since the epoch).
///
/// ```
/// use livekit_tavus_edge::claims::VideoGrant;
/// use livekit_tavus_edge::token::{create_access_token, TokenOptions};
///
/// let options = TokenOptions {
///     identity: Some("user-1".into()),
///     video: Some(VideoGrant { room_join: true, room: Some("lobby".into()), ..Default::default() }),
///     ..Default::default()
/// };
/// let minted = create_access_token("devkey", "secret", &options, 1_700_000_000).unwrap();
/// assert_eq!(minted.claims.exp, 1_700_000_000 + 6 * 3600);
/// ```
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options: &TokenOptions,
    now: i64,
) -> Result<MintedToken> {
    if api_key.is_empty() {
        return Err(Error::KeyMissing("key"));
    }
    if api_secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    check_len("identity", &options.identity)?;
    check_len("name", &options.name)?;
    if let Some(video) = &options.video {
        check_len("video.room", &video.room)?;
        if video.room_join && options.identity.as_deref().is_none_or(str::is_empty) {
            return Err(Error::IdentityRequired);
        }
    }
    let ttl = ttl_seconds(options.ttl)?;
    let claims = Claims {
        iss: api_key.to_owned(),
        sub: options.identity.clone().filter(|s| !s.is_empty()),
        nbf: Some(now),
        exp: now + ttl,
        name: options.name.clone().filter(|s| !s.is_empty()),
        video: options.video.clone(),
        ..Default::default()
    };
    let payload = serde_json::to_vec(&claims).map_err(|e| Error::InvalidInput(e.to_string()))?;
    Ok(MintedToken {
        token: jws::sign_hs256(&payload, api_secret.as_bytes()),
        claims,
    })
}
