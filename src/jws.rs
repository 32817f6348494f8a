//! The one JWS pipeline: compact tokens (RFC 7515) for LiveKit access tokens,
//! LiveKit webhooks and Supabase user JWTs alike.
//!
//! [`decode`] checks a token against a [`Validation`] in a fixed order, before
//! any signature work: size, three segments, the header (one decode: the
//! algorithm allow-list, no `crit`, no `b64`, `typ` absent or `JWT`, no member
//! given twice), then strict base64url of the signature and the payload, and a
//! UTF-8 JSON object as payload. The caller then authenticates the token
//! ([`Token::verify_hmac`], or WebCrypto for ES256/RS256), reads the claims and
//! checks the times with [`Validation::check_times`]. The validation object says
//! which algorithms are allowed, the clock and its leeway, and the token family
//! ([`Family`]), which decides the error codes (`ERR_TOKEN_*` for LiveKit,
//! `ERR_AUTH_*` for a caller's Supabase JWT). Only one header is ever produced,
//! `{"alg":"HS256","typ":"JWT"}`.

use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
pub use crate::hash::{b64url_decode, hmac_sha256, HmacKey};

/// The base64url form of `{"alg":"HS256","typ":"JWT"}`.
pub const HS256_HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Headers accepted without parsing: the exact bytes the SDKs write.
const KNOWN_HS256_HEADERS: [&str; 3] = [
    HS256_HEADER_B64,
    // {"alg":"HS256"} (jose, used by the Node SDK)
    "eyJhbGciOiJIUzI1NiJ9",
    // {"typ":"JWT","alg":"HS256"}
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
];

/// The largest compact token accepted for verification, in bytes.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;

/// A signature algorithm this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// HMAC-SHA256, verified here.
    HS256,
    /// ECDSA P-256 with SHA-256 (verified by the caller, e.g. with WebCrypto).
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (verified by the caller).
    RS256,
}

impl Alg {
    /// Its `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::ES256 => "ES256",
            Alg::RS256 => "RS256",
        }
    }
}

/// Which kind of token is being checked: decides the error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// LiveKit access tokens and webhook tokens: `ERR_TOKEN_*`; times are JSON
    /// integers; expired when `now >= exp + leeway`.
    LiveKit,
    /// A caller's Supabase JWT: `ERR_AUTH_*`; times are NumericDates (fractions
    /// allowed); expired when `now > exp + leeway`.
    Supabase,
}

/// What a token must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validation {
    /// The family (error codes and time rules).
    pub family: Family,
    /// The algorithms accepted in the header; any other is refused before any signature work.
    pub algorithms: &'static [Alg],
    /// Current time, seconds since the Unix epoch.
    pub now: i64,
    /// Allowed clock skew in seconds.
    pub leeway: i64,
}

/// Why a token was refused, before its family's code is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    TooLarge,
    Shape(&'static str),
    Base64(&'static str),
    NotJson(&'static str),
    NoAlg,
    Alg(String),
    Crit,
    B64,
    Typ,
    Repeated,
    Signature,
    ExpRequired,
    Expired,
    NotYetValid,
    Claims(String),
}

impl Validation {
    /// LiveKit tokens: HS256 only.
    pub fn livekit(now: i64, leeway: i64) -> Self {
        Validation {
            family: Family::LiveKit,
            algorithms: &[Alg::HS256],
            now,
            leeway,
        }
    }

    /// A caller's Supabase JWT: HS256 (the project's JWT secret), ES256 or RS256 (its JWKS).
    pub fn supabase(now: i64, leeway: i64) -> Self {
        Validation {
            family: Family::Supabase,
            algorithms: &[Alg::HS256, Alg::ES256, Alg::RS256],
            now,
            leeway,
        }
    }

    /// The family's error for `fail`.
    pub(crate) fn err(&self, fail: Fail) -> Error {
        match self.family {
            Family::LiveKit => match fail {
                Fail::TooLarge => Error::TokenTooLarge,
                Fail::Shape(why) => Error::TokenMalformed(why),
                Fail::Base64(what) => Error::TokenBase64(what),
                Fail::NotJson(why) => Error::TokenJson(why),
                Fail::NoAlg => Error::TokenAlgorithm("the header has no alg".into()),
                Fail::Alg(shown) => {
                    Error::TokenAlgorithm(format!("alg must be HS256, got {shown}"))
                }
                Fail::Crit => Error::TokenHeader("crit is not supported".into()),
                Fail::B64 => Error::TokenHeader("b64 is not supported".into()),
                Fail::Typ => Error::TokenHeader("typ must be JWT".into()),
                Fail::Repeated => {
                    Error::TokenHeader("a header member has the wrong type or is repeated".into())
                }
                Fail::Signature => Error::TokenSignature,
                Fail::ExpRequired => Error::TokenExpRequired,
                Fail::Expired => Error::TokenExpired,
                Fail::NotYetValid => Error::TokenNotYetValid,
                Fail::Claims(why) => Error::TokenClaims(why),
            },
            Family::Supabase => match fail {
                Fail::TooLarge => Error::AuthMalformed("the token is larger than 1 MiB"),
                Fail::Shape(why) => Error::AuthMalformed(why),
                Fail::Base64(what) => Error::AuthMalformed(match what {
                    "header" => "the header is not base64url",
                    "payload" => "the payload is not base64url",
                    _ => "the signature is not base64url",
                }),
                Fail::NotJson(why) => Error::AuthMalformed(why),
                Fail::NoAlg => Error::AuthMalformed("the header has no string `alg`"),
                Fail::Alg(shown) => Error::AuthAlgorithm(format!(
                    "alg {shown} is not accepted (HS256, ES256 or RS256)"
                )),
                Fail::Crit => {
                    Error::AuthAlgorithm("critical header extensions are not supported".into())
                }
                Fail::B64 => Error::AuthAlgorithm("the b64 header is not supported".into()),
                Fail::Typ => Error::AuthMalformed("the header's typ is not JWT"),
                Fail::Repeated => Error::AuthAlgorithm("a header member is repeated".into()),
                Fail::Signature => Error::AuthSignature,
                Fail::ExpRequired => Error::AuthClaims("`exp` is missing".into()),
                Fail::Expired => Error::AuthExpired,
                Fail::NotYetValid => Error::AuthNotYetValid,
                Fail::Claims(why) => Error::AuthClaims(why),
            },
        }
    }

    /// `exp` (required), `nbf` and `iat` against the clock with the leeway.
    pub fn check_times(&self, exp: Option<f64>, nbf: Option<f64>, iat: Option<f64>) -> Result<()> {
        let exp = exp.ok_or_else(|| self.err(Fail::ExpRequired))?;
        let now = self.now as f64;
        let leeway = self.leeway.max(0) as f64;
        let expired = match self.family {
            Family::LiveKit => now >= exp + leeway,
            Family::Supabase => now > exp + leeway,
        };
        if expired {
            return Err(self.err(Fail::Expired));
        }
        if [nbf, iat].into_iter().flatten().any(|t| t > now + leeway) {
            return Err(self.err(Fail::NotYetValid));
        }
        Ok(())
    }
}

/// Signs a JSON payload with the HS256 header: `header.payload.signature`.
///
/// ```
/// use livekit_tavus_edge::jws::{sign_hs256, HmacKey};
/// let token = sign_hs256(br#"{"iss":"k"}"#, &HmacKey::new(b"secret"));
/// assert_eq!(token.split('.').count(), 3);
/// ```
pub fn sign_hs256(payload_json: &[u8], key: &HmacKey) -> String {
    let mut out = String::with_capacity(
        HS256_HEADER_B64.len() + 2 + (payload_json.len() * 4).div_ceil(3) + 43,
    );
    out.push_str(HS256_HEADER_B64);
    out.push('.');
    crate::hash::b64url_encode_into(payload_json, &mut out);
    let mac = key.mac(out.as_bytes());
    out.push('.');
    crate::hash::b64url_encode_into(&mac, &mut out);
    out
}

/// The header members that decide how a token is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The algorithm, one of the validation's.
    pub alg: Alg,
    /// The key id (JWKS lookup), when present and a string.
    pub kid: Option<String>,
    /// The token type, when present (`JWT` in any case).
    pub typ: Option<String>,
}

/// A token that passed [`decode`]: nothing authenticated yet.
#[derive(Debug)]
pub struct Token<'a> {
    /// The header.
    pub header: Header,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// The signature segment (base64url, checked).
    pub signature_b64: &'a str,
    /// The decoded HS256 MAC (`None` when it is not 32 bytes: it can only fail).
    mac: Option<[u8; 32]>,
    /// The decoded payload: a UTF-8 JSON object (checked up to its first byte).
    pub payload: String,
}

impl Token<'_> {
    /// Checks the HS256 MAC under `key` in constant time.
    pub fn verify_hmac(&self, key: &HmacKey, v: &Validation) -> Result<()> {
        let expected = key.mac(self.signing_input.as_bytes());
        match &self.mac {
            Some(mac) if bool::from(mac.ct_eq(&expected)) => Ok(()),
            _ => Err(v.err(Fail::Signature)),
        }
    }
}

/// Whether JSON bytes start (after whitespace) with `{`.
pub(crate) fn is_json_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

/// A JSON header's members, read once (any member may appear; none twice).
fn parse_header(bytes: &[u8], v: &Validation) -> Result<Header> {
    use crate::json::Any;
    if !is_json_object(bytes) {
        return Err(v.err(Fail::NotJson(match v.family {
            Family::LiveKit => "header is not a JSON object",
            Family::Supabase => "the header is not JSON",
        })));
    }
    // The parser skips unknown members: check the UTF-8 of all of it here.
    if std::str::from_utf8(bytes).is_err() {
        return Err(v.err(Fail::NotJson(match v.family {
            Family::LiveKit => "header is not UTF-8",
            Family::Supabase => "the header is not JSON",
        })));
    }
    let members = crate::json::read(bytes, HEADER, crate::json::Mode::Lenient).map_err(|e| {
        if e.is_syntax() {
            v.err(Fail::NotJson(match v.family {
                Family::LiveKit => "header is not valid JSON",
                Family::Supabase => "the header is not JSON",
            }))
        } else {
            // A member given twice is refused: another reader could keep the other one.
            v.err(Fail::Repeated)
        }
    })?;
    let m = members.obj;
    let member = |i: H| m.raw(i).and_then(|t| crate::json::parse_any(t).ok());
    let alg = member(H::Alg);
    let typ = member(H::Typ);
    // LiveKit tokens select no key by `kid`: whatever it holds is ignored.
    let kid = member(H::Kid).filter(|_| v.family == Family::Supabase);
    let text = |a: &Option<Any<'_>>| matches!(a, None | Some(Any::Null | Any::Str(_)));
    if !text(&alg) || !text(&typ) || !text(&kid) {
        return Err(v.err(match v.family {
            Family::LiveKit => Fail::Repeated,
            Family::Supabase if !text(&typ) => Fail::Typ,
            Family::Supabase => Fail::NoAlg,
        }));
    }
    let Some(Any::Str(alg)) = alg else {
        return Err(v.err(Fail::NoAlg));
    };
    let Some(alg) = v.algorithms.iter().copied().find(|k| k.name() == alg) else {
        let mut end = alg.len().min(16);
        while !alg.is_char_boundary(end) {
            end -= 1;
        }
        let mut shown = String::new();
        crate::json::push_str(&mut shown, &alg[..end]);
        return Err(v.err(Fail::Alg(shown)));
    };
    if m.get(H::Crit).is_some() {
        return Err(v.err(Fail::Crit));
    }
    if m.get(H::B64).is_some() {
        return Err(v.err(Fail::B64));
    }
    if let Some(Any::Str(t)) = &typ {
        if !t.eq_ignore_ascii_case("JWT") {
            return Err(v.err(Fail::Typ));
        }
    }
    let kid = match kid {
        Some(Any::Str(k)) => Some(k.into_owned()),
        _ => None,
    };
    let typ = match typ {
        Some(Any::Str(t)) => Some(t.into_owned()),
        _ => None,
    };
    Ok(Header { alg, kid, typ })
}

crate::json::schema! {
    /// The header members that decide how a token is checked (others are skipped).
    pub(crate) HEADER("JwsHeader"): H {
        /// The algorithm.
        Alg "alg": crate::json::Ty::Any, crate::json::NULLABLE;
        /// The type.
        Typ "typ": crate::json::Ty::Any;
        /// The key id.
        Kid "kid": crate::json::Ty::Any;
        /// Critical extensions (refused).
        Crit "crit": crate::json::Ty::Any, crate::json::NULLABLE;
        /// Unencoded payload (refused).
        B64 "b64": crate::json::Ty::Any, crate::json::NULLABLE;
    }
}

/// The header of `segment` (base64url): the SDKs' HS256 headers without parsing.
fn header(segment: &str, v: &Validation) -> Result<Header> {
    if KNOWN_HS256_HEADERS.contains(&segment) && v.algorithms.contains(&Alg::HS256) {
        return Ok(Header {
            alg: Alg::HS256,
            kid: None,
            // Two of the three known headers carry `"typ":"JWT"`.
            typ: (segment != KNOWN_HS256_HEADERS[1]).then(|| "JWT".to_owned()),
        });
    }
    let bytes = b64url_decode(segment).ok_or_else(|| v.err(Fail::Base64("header")))?;
    parse_header(&bytes, v)
}

/// Splits `token` and checks everything that needs no key, in the order the
/// module describes; see [`Validation`].
pub fn decode<'a>(token: &'a str, v: &Validation) -> Result<Token<'a>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(v.err(Fail::TooLarge));
    }
    let mut it = token.split('.');
    let (Some(head), Some(payload), Some(signature), None) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        return Err(v.err(Fail::Shape(match v.family {
            Family::LiveKit => "expected three dot-separated segments",
            Family::Supabase => "expected three base64url segments",
        })));
    };
    if head.is_empty() || payload.is_empty() {
        return Err(v.err(Fail::Shape(match v.family {
            Family::LiveKit => "empty header or payload segment",
            Family::Supabase => "empty segment",
        })));
    }
    let signing_input = &token[..head.len() + 1 + payload.len()];
    if v.family == Family::Supabase {
        // A caller's token is refused whole when a segment is malformed,
        // before its header is read (`alg: none` tokens have no signature).
        if signature.is_empty() {
            return Err(v.err(Fail::Shape("empty segment")));
        }
        for (segment, what) in [
            (head, "header"),
            (payload, "payload"),
            (signature, "signature"),
        ] {
            if !is_b64url(segment) {
                return Err(v.err(Fail::Base64(what)));
            }
        }
    }
    let header = header(head, v)?;
    let mac = decode_mac(signature, v)?;
    let payload = b64url_decode(payload).ok_or_else(|| v.err(Fail::Base64("payload")))?;
    if !is_json_object(&payload) {
        return Err(v.err(Fail::NotJson(match v.family {
            Family::LiveKit => "payload is not a JSON object",
            Family::Supabase => "the payload is not a JSON object",
        })));
    }
    // The reader skips unknown claims: check the UTF-8 of all of it here (once).
    let Ok(payload) = String::from_utf8(payload) else {
        return Err(v.err(Fail::NotJson(match v.family {
            Family::LiveKit => "payload is not UTF-8",
            Family::Supabase => "the payload is not JSON",
        })));
    };
    Ok(Token {
        header,
        signing_input,
        signature_b64: signature,
        mac,
        payload,
    })
}

/// Whether `s` is strict base64url (decodes canonically).
fn is_b64url(s: &str) -> bool {
    b64url_decode(s).is_some()
}

/// The signature segment as an HS256 MAC: `None` when it is valid base64url
/// but not 32 bytes long (such a token can only fail verification).
fn decode_mac(segment: &str, v: &Validation) -> Result<Option<[u8; 32]>> {
    let mac = b64url_decode(segment).ok_or_else(|| v.err(Fail::Base64("signature")))?;
    Ok(<[u8; 32]>::try_from(mac.as_slice()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(header: &str, payload: &str) -> String {
        let enc = |b: &[u8]| {
            let mut s = String::new();
            crate::hash::b64url_encode_into(b, &mut s);
            s
        };
        let (h, p) = (enc(header.as_bytes()), enc(payload.as_bytes()));
        let mac = hmac_sha256(b"s", format!("{h}.{p}").as_bytes());
        format!("{h}.{p}.{}", enc(&mac))
    }

    #[test]
    fn one_header_decode_per_family() {
        let lk = Validation::livekit(0, 0);
        let sb = Validation::supabase(0, 0);
        let t = tok(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#, "{}");
        assert_eq!(decode(&t, &lk).unwrap_err().code(), "ERR_TOKEN_ALGORITHM");
        let h = decode(&t, &sb).unwrap().header;
        assert_eq!((h.alg, h.kid.as_deref()), (Alg::ES256, Some("k1")));
        for (header, lk_code, sb_code) in [
            (
                r#"{"alg":"none"}"#,
                "ERR_TOKEN_ALGORITHM",
                "ERR_AUTH_ALGORITHM",
            ),
            (
                r#"{"alg":"HS256","crit":["x"]}"#,
                "ERR_TOKEN_HEADER",
                "ERR_AUTH_ALGORITHM",
            ),
            (
                r#"{"alg":"HS256","typ":"at+jwt"}"#,
                "ERR_TOKEN_HEADER",
                "ERR_AUTH_MALFORMED",
            ),
            (
                r#"{"alg":"none","alg":"HS256"}"#,
                "ERR_TOKEN_HEADER",
                "ERR_AUTH_ALGORITHM",
            ),
            (
                r#"{"typ":"JWT"}"#,
                "ERR_TOKEN_ALGORITHM",
                "ERR_AUTH_MALFORMED",
            ),
            (r#"[1]"#, "ERR_TOKEN_JSON", "ERR_AUTH_MALFORMED"),
        ] {
            let t = tok(header, "{}");
            assert_eq!(decode(&t, &lk).unwrap_err().code(), lk_code, "{header}");
            assert_eq!(decode(&t, &sb).unwrap_err().code(), sb_code, "{header}");
        }
        let t = tok(r#"{"alg":"HS256"}"#, r#"{"a":1}"#);
        let d = decode(&t, &lk).unwrap();
        assert!(d.verify_hmac(&HmacKey::new(b"s"), &lk).is_ok());
        assert_eq!(
            d.verify_hmac(&HmacKey::new(b"t"), &lk).unwrap_err().code(),
            "ERR_TOKEN_SIGNATURE"
        );
    }

    #[test]
    fn times_per_family() {
        let lk = Validation::livekit(100, 10);
        assert!(lk.check_times(Some(111.0), None, None).is_ok());
        assert_eq!(
            lk.check_times(Some(90.0), None, None).unwrap_err().code(),
            "ERR_TOKEN_EXPIRED"
        );
        let sb = Validation::supabase(100, 10);
        assert!(sb.check_times(Some(90.0), None, None).is_ok());
        assert_eq!(
            sb.check_times(None, None, None).unwrap_err().code(),
            "ERR_AUTH_CLAIMS"
        );
        assert_eq!(
            sb.check_times(Some(200.0), Some(111.0), None)
                .unwrap_err()
                .code(),
            "ERR_AUTH_NOT_YET_VALID"
        );
    }
}
