//! Verifying LiveKit access tokens.
//!
//! The order of the checks, each with its own code:
//!
//! 1. size (≤ 1 MiB: `ERR_TOKEN_TOO_LARGE`) and shape (three segments: `ERR_TOKEN_MALFORMED`);
//! 2. the header, before any signature work: HS256 only (`ERR_TOKEN_ALGORITHM`), no
//!    `crit`/`b64`, `typ` absent or `JWT` (`ERR_TOKEN_HEADER`);
//! 3. strict base64url of every segment (`ERR_TOKEN_BASE64`), JSON objects (`ERR_TOKEN_JSON`),
//!    parsed once into [`Claims`];
//! 4. the key named by `iss` (`ERR_TOKEN_UNKNOWN_KEY`), then the HMAC compared in constant
//!    time (`ERR_TOKEN_SIGNATURE`);
//! 5. claim types (`ERR_TOKEN_CLAIMS`; reported only for authentic tokens): `exp`, `nbf`, `iat`
//!    must be JSON integers, a string or a float is an error, never a skipped check;
//! 6. times: `exp` required (`ERR_TOKEN_EXP_REQUIRED`), `now < exp + leeway`
//!    (`ERR_TOKEN_EXPIRED`), `nbf` and `iat` ≤ `now + leeway` (`ERR_TOKEN_NOT_YET_VALID`).
//!
//! Unknown claims are ignored, as on LiveKit's server.

use std::borrow::Cow;

use serde::Deserialize;

use crate::claims::Claims;
use crate::error::{Error, Result};
use crate::jws::{self, Segments};

/// Default clock leeway in seconds, as on LiveKit's server.
pub const DEFAULT_LEEWAY_SECONDS: i64 = 60;
/// The largest leeway accepted: one hour.
pub const MAX_LEEWAY_SECONDS: i64 = 3600;

/// Options for [`verify_access_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Current time in seconds since the Unix epoch.
    pub now: i64,
    /// Allowed clock skew in seconds (0 to [`MAX_LEEWAY_SECONDS`]).
    pub leeway: i64,
}

impl VerifyOptions {
    /// Options at time `now` with the default leeway.
    pub fn at(now: i64) -> Self {
        VerifyOptions {
            now,
            leeway: DEFAULT_LEEWAY_SECONDS,
        }
    }
}

/// A serde error message without the offending value (which is token content):
/// `invalid type: string "x", expected i64` becomes `invalid type, expected i64`.
pub(crate) fn redact(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let expected = rest.find(", expected ").map_or("", |i| &rest[i..]);
            return format!("{}{expected}", prefix.trim_end_matches([':', ' ']));
        }
    }
    message.to_owned()
}

fn authenticate<S: AsRef<[u8]>>(
    parts: &Segments<'_>,
    signature: Option<&[u8; 32]>,
    iss: &str,
    keys: impl Fn(&str) -> Option<S>,
) -> Result<()> {
    if iss.is_empty() {
        return Err(Error::TokenClaims("`iss` is empty".into()));
    }
    let secret = keys(iss).ok_or(Error::TokenUnknownKey)?;
    let secret = secret.as_ref();
    if secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    jws::verify_mac(parts, signature, secret)
}

fn check_times(claims: &Claims, options: VerifyOptions) -> Result<()> {
    let VerifyOptions { now, leeway } = options;
    let exp = claims.exp.ok_or(Error::TokenExpRequired)?;
    if now >= exp.saturating_add(leeway) {
        return Err(Error::TokenExpired);
    }
    for t in [claims.nbf, claims.iat].into_iter().flatten() {
        if t > now.saturating_add(leeway) {
            return Err(Error::TokenNotYetValid);
        }
    }
    Ok(())
}

/// Decodes the payload segment into [`Claims`], keeping serde's error for later.
fn decode_payload(parts: &Segments<'_>) -> Result<(Vec<u8>, serde_json::Result<Claims>)> {
    let payload = jws::b64url_decode(parts.payload, "payload")?;
    if !jws::is_json_object(&payload) {
        return Err(Error::TokenJson("payload is not a JSON object"));
    }
    // serde skips unknown claims without checking their UTF-8: check it all here.
    if std::str::from_utf8(&payload).is_err() {
        return Err(Error::TokenJson("payload is not UTF-8"));
    }
    let claims = crate::claims::from_json_slice::<Claims>(&payload, None);
    if let Err(e) = &claims {
        if !e.is_data() {
            return Err(Error::TokenJson("payload is not valid JSON"));
        }
    }
    Ok((payload, claims))
}

/// Verifies an HS256 LiveKit token and returns its claims; `keys` maps an API
/// key (the token's `iss`) to its secret, so several keys can be live at once.
///
/// ```
/// use std::collections::BTreeMap;
/// use livekit_tavus_edge::token::{create_access_token, TokenOptions};
/// use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
///
/// let minted = create_access_token("devkey", "secret", TokenOptions::default(), 1_000).unwrap();
/// let keys = BTreeMap::from([("devkey".to_string(), "secret".to_string()),
///                            ("newkey".to_string(), "newsecret".to_string())]);
/// let claims = verify_access_token(&minted.token, |iss| keys.get(iss), VerifyOptions::at(1_000)).unwrap();
/// assert_eq!(claims.iss, "devkey");
///
/// let late = VerifyOptions::at(1_000 + 6 * 3600 + 60);
/// let err = verify_access_token(&minted.token, |iss| keys.get(iss), late).unwrap_err();
/// assert_eq!(err.code(), "ERR_TOKEN_EXPIRED");
/// ```
pub fn verify_access_token<S: AsRef<[u8]>>(
    token: &str,
    keys: impl Fn(&str) -> Option<S>,
    options: VerifyOptions,
) -> Result<Claims> {
    if !(0..=MAX_LEEWAY_SECONDS).contains(&options.leeway) {
        return Err(Error::InvalidOption(
            "leeway",
            format!("must be between 0 and {MAX_LEEWAY_SECONDS} seconds"),
        ));
    }
    let parts = jws::split_segments(token)?;
    jws::check_header(&parts)?;
    let signature = jws::decode_signature(&parts)?;
    let (payload, parsed) = decode_payload(&parts)?;
    let claims = match parsed {
        Ok(claims) => {
            authenticate(&parts, signature.as_ref(), &claims.iss, keys)?;
            claims
        }
        Err(e) => {
            // Authenticate first: only the holder of the key learns what is wrong inside.
            #[derive(Deserialize)]
            struct Issuer<'a> {
                #[serde(borrow)]
                iss: Cow<'a, str>,
            }
            let claims_error = Error::TokenClaims(redact(&e.to_string()));
            let issuer: Issuer<'_> =
                serde_json::from_slice(&payload).map_err(|_| claims_error.clone())?;
            authenticate(&parts, signature.as_ref(), &issuer.iss, keys)?;
            return Err(claims_error);
        }
    };
    check_times(&claims, options)?;
    Ok(claims)
}

/// Decodes a token's claims **without verifying anything**: not the signature,
/// not the algorithm, not the times. For display and debugging only; never
/// base an access decision on its result.
///
/// ```
/// use livekit_tavus_edge::token::{create_access_token, TokenOptions};
/// use livekit_tavus_edge::verify::dangerous_decode_unverified;
///
/// let minted = create_access_token("devkey", "secret", TokenOptions::default(), 1_000).unwrap();
/// assert_eq!(dangerous_decode_unverified(&minted.token).unwrap().iss, "devkey");
/// ```
pub fn dangerous_decode_unverified(token: &str) -> Result<Claims> {
    let parts = jws::split_segments(token)?;
    let (_, parsed) = decode_payload(&parts)?;
    parsed.map_err(|e| Error::TokenClaims(redact(&e.to_string())))
}
