//! Minting LiveKit access tokens.
//!
//! The options ([`crate::claims::CLAIMS`], `OPTION` and grant fields) can
//! express every claim and grant of LiveKit's SDKs; they are read strictly (an
//! unknown field at any depth is an error naming its path: `canpublish` is a
//! typo, not a flag to ignore) and the token carries only what was set. Before
//! signing, each rule LiveKit's server would enforce later is checked with its
//! own error code, so a token this module returns is one the server accepts:
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

use crate::claims::{
    egress_has_credentials, normalize, RoomConfig, Video, C, CLAIMS, MAX_ATTRIBUTES_BYTES,
    MAX_METADATA_BYTES, MAX_NAME_BYTES, MAX_TIME, PARTICIPANT_KINDS, TRACK_SOURCES,
};
pub use crate::duration::{Ttl, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS};
use crate::error::{Error, Result, Warning};
use crate::json::{self, Mode, Obj, Val};
use crate::jws::{self, HmacKey};

/// Secrets shorter than this (bytes) are accepted with [`Warning::WeakSecret`].
pub use crate::config::MIN_SECRET_BYTES;

/// A minted token.
#[derive(Debug, Clone)]
pub struct MintedToken {
    /// The compact JWS.
    pub token: String,
    /// The claims it carries: exactly the signed payload's JSON.
    pub claims: String,
    /// What was accepted but should be fixed (e.g. a short secret).
    pub warnings: Vec<Warning>,
}

/// The warnings for an API secret (a weak one is accepted, as LiveKit's server does).
pub fn secret_warnings(api_secret: &[u8]) -> Vec<Warning> {
    if api_secret.len() < MIN_SECRET_BYTES {
        vec![Warning::WeakSecret]
    } else {
        Vec::new()
    }
}

/// An options error at `path` (`video.canpublish`), as `ERR_INVALID_OPTION`.
pub(crate) fn options_error(e: &json::ReadError) -> Error {
    Error::InvalidOption(
        "options",
        match &e.kind {
            json::ReadErrorKind::Unknown => format!("`{}` is not a known option", e.path),
            _ => e.to_string(),
        },
    )
}

fn check_len(what: &'static str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.len() > MAX_NAME_BYTES => Err(Error::GrantTooLong(what)),
        _ => Ok(()),
    }
}

/// Checks normalised claims against LiveKit's limits (see the module table).
fn check_claims(claims: &Obj<'_>, allow_egress: bool) -> Result<()> {
    let video = claims.obj(C::Video);
    let room_config = claims.obj(C::RoomConfig);
    if video.and_then(|v| v.bool(Video::RoomJoin)) == Some(true) && claims.str(C::Sub).is_none() {
        return Err(Error::IdentityRequired);
    }
    check_len("identity", claims.str(C::Sub))?;
    check_len("name", claims.str(C::Name))?;
    check_len("video.room", video.and_then(|v| v.str(Video::Room)))?;
    check_len(
        "video.destinationRoom",
        video.and_then(|v| v.str(Video::DestinationRoom)),
    )?;
    check_len(
        "roomConfig.name",
        room_config.and_then(|c| c.str(RoomConfig::Name)),
    )?;
    if claims
        .str(C::Metadata)
        .is_some_and(|m| m.len() > MAX_METADATA_BYTES)
    {
        return Err(Error::GrantMetadataTooLarge);
    }
    if let Some(attributes) = claims.map(C::Attributes) {
        let total: usize = attributes.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > MAX_ATTRIBUTES_BYTES {
            return Err(Error::GrantAttributesTooLarge);
        }
    }
    if let Some(kind) = claims.str(C::Kind) {
        if !PARTICIPANT_KINDS.contains(&kind) {
            return Err(Error::InvalidOption(
                "kind",
                format!(
                    "must be one of {}",
                    crate::text::join(PARTICIPANT_KINDS, ", ")
                ),
            ));
        }
    }
    if let Some(sources) = video.and_then(|v| v.list(Video::CanPublishSources)) {
        for s in sources {
            if let Val::Str(s) = s {
                if !TRACK_SOURCES.contains(&s.as_ref()) {
                    let mut end = s.len().min(32);
                    while !s.is_char_boundary(end) {
                        end -= 1;
                    }
                    let mut shown = String::from("unknown source ");
                    json::push_str(&mut shown, &s[..end]);
                    shown.push_str("; use ");
                    shown.push_str(&crate::text::join(TRACK_SOURCES, ", "));
                    return Err(Error::InvalidOption("video.canPublishSources", shown));
                }
            }
        }
    }
    if !allow_egress {
        if let Some(egress) = room_config.and_then(|c| c.raw(RoomConfig::Egress)) {
            // Read when it was written: it is JSON.
            if json::parse_any(egress).is_ok_and(|e| egress_has_credentials(&e)) {
                return Err(Error::GrantEgressCredentials);
            }
        }
    }
    Ok(())
}

/// Signs claims JSON as it is (no checks): the shared last step.
pub(crate) fn sign_claims(claims_json: &str, key: &HmacKey) -> Result<String> {
    let token = jws::sign_hs256(claims_json.as_bytes(), key);
    if token.len() > jws::MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge);
    }
    Ok(token)
}

/// Mints an HS256 LiveKit access token at time `now` (seconds since the epoch)
/// from options JSON: `nbf` = `now`, `exp` = `now` + lifetime.
///
/// ```
/// use livekit_tavus_edge::token::create_access_token;
///
/// let options = br#"{"identity":"user-1","ttl":"10m","video":{"roomJoin":true,"room":"lobby"}}"#;
/// let minted = create_access_token("devkey", "secret", options, 1_700_000_000).unwrap();
/// assert!(minted.claims.contains(r#""exp":1700000600"#));
/// assert_eq!(minted.warnings[0].code(), "ERR_KEY_WEAK_SECRET");
///
/// let typo = create_access_token("devkey", "secret", br#"{"video":{"canpublish":false}}"#, 0);
/// assert!(typo.unwrap_err().to_string().contains("video.canpublish"));
/// ```
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options_json: &[u8],
    now: i64,
) -> Result<MintedToken> {
    let key = HmacKey::new(api_secret.as_bytes());
    let mut minted = mint(api_key, api_secret.as_bytes(), &key, options_json, now)?;
    minted.warnings = secret_warnings(api_secret.as_bytes());
    Ok(minted)
}

/// [`create_access_token`] with an imported key (`api_secret` is only checked
/// for emptiness) and no warnings: the hot path.
pub fn mint(
    api_key: &str,
    api_secret: &[u8],
    key: &HmacKey,
    options_json: &[u8],
    now: i64,
) -> Result<MintedToken> {
    let Ok(text) = std::str::from_utf8(options_json) else {
        return Err(options_error(&json::ReadError {
            path: String::new(),
            kind: json::ReadErrorKind::Syntax("invalid UTF-8"),
        }));
    };
    mint_text(api_key, api_secret, key, text, now)
}

/// [`mint`] of options given as text (no second UTF-8 check).
pub fn mint_text(
    api_key: &str,
    api_secret: &[u8],
    key: &HmacKey,
    options_json: &str,
    now: i64,
) -> Result<MintedToken> {
    let options = json::read_str(options_json, CLAIMS, Mode::Strict)
        .map_err(|e| options_error(&e))?
        .obj;
    mint_obj(api_key, api_secret, key, options, now)
}

/// [`mint`] of options already read.
pub(crate) fn mint_obj<'a>(
    api_key: &'a str,
    api_secret: &[u8],
    key: &HmacKey,
    mut options: Obj<'a>,
    now: i64,
) -> Result<MintedToken> {
    if api_key.is_empty() {
        return Err(Error::KeyMissing("key"));
    }
    if api_secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    let ttl = match options.take(C::Ttl) {
        None => DEFAULT_TTL_SECONDS,
        Some(Val::Num(seconds)) => crate::duration::number_seconds(&seconds)?,
        Some(Val::Int(seconds)) => crate::duration::check_seconds(seconds as f64)?,
        Some(Val::Str(text)) => crate::duration::parse_duration(&text)?,
        Some(_) => return Err(Error::InvalidTtl("expected a number or a string".into())),
    };
    if !(0..=MAX_TIME - ttl).contains(&now) {
        return Err(Error::InvalidInput(
            "the current time is out of range".into(),
        ));
    }
    let allow_egress = matches!(
        options.take(C::AllowRoomConfigEgress),
        Some(Val::Bool(true))
    );
    let identity = options.take(C::Identity);
    normalize(CLAIMS, &mut options);
    if let Some(Val::Str(identity)) = identity.filter(|i| !matches!(i, Val::Str(s) if s.is_empty()))
    {
        options.set(C::Sub, Val::Str(identity));
    }
    check_claims(&options, allow_egress)?;
    options.set_str(C::Iss, api_key);
    options.set(C::Nbf, Val::Int(now));
    options.set(C::Exp, Val::Int(now + ttl));
    // Room for a full claim set at once (no regrowth while writing).
    let claims = json::write_sized(CLAIMS, &options, 1024);
    let token = sign_claims(&claims, key)?;
    Ok(MintedToken {
        token,
        claims,
        warnings: Vec::new(),
    })
}
