//! Verifying LiveKit access tokens.

use serde::Deserialize;

use crate::claims::Claims;
use crate::error::{Error, Result};
use crate::jws;

/// Default clock leeway in seconds, as on LiveKit's server.
pub const DEFAULT_LEEWAY_SECONDS: i64 = 60;

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Options for [`verify_access_token`].
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions {
    /// Current time in seconds since the Unix epoch.
    pub now: i64,
    /// Allowed clock skew in seconds.
    pub leeway: i64,
}

/// Verifies an HS256 LiveKit token, looking up the secret by its `iss`.
///
/// ```
/// use livekit_tavus_edge::token::{create_access_token, TokenOptions};
/// use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
///
/// let minted = create_access_token("devkey", "secret", &TokenOptions::default(), 1_000).unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let claims = verify_access_token(&minted.token, keys, VerifyOptions { now: 1_000, leeway: 60 }).unwrap();
/// assert_eq!(claims.iss, "devkey");
/// ```
pub fn verify_access_token<'k>(
    token: &str,
    keys: impl Fn(&str) -> Option<&'k str>,
    options: VerifyOptions,
) -> Result<Claims> {
    let parts = jws::split(token)?;
    let header: Header = serde_json::from_slice(&parts.header)
        .map_err(|_| Error::TokenMalformed("header is not a JSON object with `alg`"))?;
    if header.alg != "HS256" {
        return Err(Error::TokenAlgorithm(format!(
            "alg must be HS256, got {:?}",
            header.alg
        )));
    }
    // Read `iss` before checking the signature, only to pick the key.
    #[derive(Deserialize)]
    struct Issuer {
        iss: Option<String>,
    }
    let issuer: Issuer = serde_json::from_slice(&parts.payload)
        .map_err(|_| Error::TokenMalformed("payload is not a JSON object"))?;
    let iss = issuer
        .iss
        .ok_or_else(|| Error::TokenClaims("`iss` is missing".into()))?;
    let secret = keys(&iss).ok_or(Error::TokenUnknownKey)?;
    jws::verify_signature(&parts, secret.as_bytes())?;
    let claims: Claims =
        serde_json::from_slice(&parts.payload).map_err(|e| Error::TokenClaims(e.to_string()))?;
    if options.now > claims.exp.saturating_add(options.leeway) {
        return Err(Error::TokenExpired);
    }
    if let Some(nbf) = claims.nbf {
        if nbf > options.now.saturating_add(options.leeway) {
            return Err(Error::TokenNotYetValid);
        }
    }
    Ok(claims)
}
