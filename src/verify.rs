//! Verifying LiveKit access tokens, through the one JWS pipeline ([`crate::jws`]).
//!
//! The order of the checks, each with its own code:
//!
//! 1. size (≤ 1 MiB: `ERR_TOKEN_TOO_LARGE`) and shape (three segments: `ERR_TOKEN_MALFORMED`);
//! 2. the header, before any signature work: HS256 only (`ERR_TOKEN_ALGORITHM`), no
//!    `crit`/`b64`, `typ` absent or `JWT` (`ERR_TOKEN_HEADER`);
//! 3. strict base64url of every segment (`ERR_TOKEN_BASE64`), JSON objects (`ERR_TOKEN_JSON`),
//!    read once against the claim table ([`crate::claims::CLAIMS`]);
//! 4. the key named by `iss` (`ERR_TOKEN_UNKNOWN_KEY`), then the HMAC compared in constant
//!    time (`ERR_TOKEN_SIGNATURE`);
//! 5. claim types (`ERR_TOKEN_CLAIMS`; reported only for authentic tokens): `exp`, `nbf`, `iat`
//!    must be JSON integers, a string or a float is an error, never a skipped check;
//! 6. times: `exp` required (`ERR_TOKEN_EXP_REQUIRED`), `now < exp + leeway`
//!    (`ERR_TOKEN_EXPIRED`), `nbf` and `iat` ≤ `now + leeway` (`ERR_TOKEN_NOT_YET_VALID`).
//!
//! Unknown claims are ignored (and left out of the result), as on LiveKit's server.

use crate::claims::{C, CLAIMS};
use crate::error::{Error, Result};
use crate::json::{self, schema, Mode, ReadError};
use crate::jws::{self, HmacKey, Token, Validation};

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

    /// The validation object of LiveKit tokens at these options.
    pub fn validation(&self) -> Result<Validation> {
        if !(0..=MAX_LEEWAY_SECONDS).contains(&self.leeway) {
            return Err(Error::InvalidOption(
                "leeway",
                format!("must be between 0 and {MAX_LEEWAY_SECONDS} seconds"),
            ));
        }
        Ok(Validation::livekit(self.now, self.leeway))
    }
}

/// The claims of a verified (or decoded) token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The claims as JSON text, in the token's own form (unknown claims left out).
    pub json: String,
}

schema! {
    /// The issuer alone, to authenticate a token whose other claims are wrong.
    pub(crate) ISSUER("Issuer"): Issuer {
        /// The API key.
        Iss "iss": Str;
    }
}
use crate::json::Ty::Str;

/// A key for `iss`: its secret, or an imported key.
pub trait Secret {
    /// The secret's bytes are empty.
    fn is_empty(&self) -> bool;
    /// The imported key.
    fn key(&self) -> HmacKey;
}

impl<T: AsRef<[u8]> + ?Sized> Secret for T {
    fn is_empty(&self) -> bool {
        self.as_ref().is_empty()
    }
    fn key(&self) -> HmacKey {
        HmacKey::new(self.as_ref())
    }
}

fn authenticate<K: Secret>(
    token: &Token<'_>,
    v: &Validation,
    iss: Option<&str>,
    keys: impl Fn(&str) -> Option<K>,
) -> Result<()> {
    let iss = match iss {
        None => return Err(Error::TokenClaims("`iss` is missing".into())),
        Some("") => return Err(Error::TokenClaims("`iss` is empty".into())),
        Some(iss) => iss,
    };
    let secret = keys(iss).ok_or(Error::TokenUnknownKey)?;
    if secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    token.verify_hmac(&secret.key(), v)
}

/// A claims error without the offending value (which is token content).
fn claims_error(e: &ReadError, v: &Validation) -> Error {
    v.err(jws::Fail::Claims(e.to_string()))
}

/// Verifies an HS256 LiveKit token and returns its claims; `keys` maps an API
/// key (the token's `iss`) to its secret (or an imported [`HmacKey`] through
/// [`Secret`]), so several keys can be live at once.
///
/// ```
/// use std::collections::BTreeMap;
/// use livekit_tavus_edge::token::create_access_token;
/// use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
///
/// let minted = create_access_token("devkey", "secret", b"{}", 1_000).unwrap();
/// let keys = BTreeMap::from([("devkey".to_string(), "secret".to_string()),
///                            ("newkey".to_string(), "newsecret".to_string())]);
/// let claims = verify_access_token(&minted.token, |iss| keys.get(iss), VerifyOptions::at(1_000)).unwrap();
/// assert!(claims.json.starts_with(r#"{"iss":"devkey","nbf":1000,"exp":22600"#));
///
/// let late = VerifyOptions::at(1_000 + 6 * 3600 + 60);
/// let err = verify_access_token(&minted.token, |iss| keys.get(iss), late).unwrap_err();
/// assert_eq!(err.code(), "ERR_TOKEN_EXPIRED");
/// ```
pub fn verify_access_token<K: Secret>(
    token: &str,
    keys: impl Fn(&str) -> Option<K>,
    options: VerifyOptions,
) -> Result<Claims> {
    verify_with(token, keys, options, claims_of)
}

/// Verifies `token` and hands its payload and claims to `f`.
pub(crate) fn verify_with<K: Secret, R>(
    token: &str,
    keys: impl Fn(&str) -> Option<K>,
    options: VerifyOptions,
    f: impl FnOnce(&str, json::Read<'_>) -> R,
) -> Result<R> {
    let v = options.validation()?;
    let t = jws::decode(token, &v)?;
    let read = match json::read_str(&t.payload, CLAIMS, Mode::Lenient) {
        Ok(read) => read,
        Err(e) if e.is_syntax() => return Err(Error::TokenJson("payload is not valid JSON")),
        Err(e) => {
            // Authenticate first: only the holder of the key learns what is wrong inside.
            let Ok(issuer) = json::read_str(&t.payload, ISSUER, Mode::Lenient) else {
                return Err(claims_error(&e, &v));
            };
            authenticate(&t, &v, issuer.obj.str(Issuer::Iss), keys)?;
            return Err(claims_error(&e, &v));
        }
    };
    authenticate(&t, &v, read.obj.str(C::Iss), keys)?;
    let time = |c: C| read.obj.int(c).map(|t| t as f64);
    v.check_times(time(C::Exp), time(C::Nbf), time(C::Iat))?;
    Ok(f(&t.payload, read))
}

/// The claims JSON: the payload itself when it already is exactly that.
fn claims_of(payload: &str, read: json::Read<'_>) -> Claims {
    let json = if read.canonical {
        payload.to_owned()
    } else {
        json::write(CLAIMS, &read.obj)
    };
    Claims { json }
}

/// Decodes a token's claims **without verifying anything**: not the signature,
/// not the algorithm, not the times. For display and debugging only; never
/// base an access decision on its result.
///
/// ```
/// use livekit_tavus_edge::token::create_access_token;
/// use livekit_tavus_edge::verify::dangerous_decode_unverified;
///
/// let minted = create_access_token("devkey", "secret", b"{}", 1_000).unwrap();
/// assert!(dangerous_decode_unverified(&minted.token).unwrap().json.contains(r#""iss":"devkey""#));
/// ```
pub fn dangerous_decode_unverified(token: &str) -> Result<Claims> {
    let v = Validation::livekit(0, 0);
    if token.len() > jws::MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge);
    }
    let mut it = token.split('.');
    let (Some(head), Some(payload), Some(_), None) = (it.next(), it.next(), it.next(), it.next())
    else {
        return Err(Error::TokenMalformed(
            "expected three dot-separated segments",
        ));
    };
    if head.is_empty() || payload.is_empty() {
        return Err(Error::TokenMalformed("empty header or payload segment"));
    }
    let payload = jws::b64url_decode(payload).ok_or(Error::TokenBase64("payload"))?;
    if !jws::is_json_object(&payload) {
        return Err(Error::TokenJson("payload is not a JSON object"));
    }
    let Ok(payload) = String::from_utf8(payload) else {
        return Err(Error::TokenJson("payload is not UTF-8"));
    };
    match json::read_str(&payload, CLAIMS, Mode::Lenient) {
        Ok(read) => Ok(claims_of(&payload, read)),
        Err(e) if e.is_syntax() => Err(Error::TokenJson("payload is not valid JSON")),
        Err(e) => Err(claims_error(&e, &v)),
    }
}
