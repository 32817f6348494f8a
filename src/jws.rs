//! HS256 compact JWS (RFC 7515): base64url, signing and constant-time verification.
//!
//! Only one header is ever produced, `{"alg":"HS256","typ":"JWT"}`, and only
//! HS256 is accepted when verifying: every other `alg` (`none`, `HS384`,
//! `RS256`, …), a `crit` or `b64` member, or a `typ` other than `JWT` is refused
//! before any signature work. Base64url is strict: no padding, no whitespace,
//! canonical trailing bits.

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeSliceError, Engine};
use hmac::{Hmac, Mac};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// The base64url form of `{"alg":"HS256","typ":"JWT"}`.
pub const HS256_HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Headers accepted without parsing: the exact bytes LiveKit's SDKs write.
const KNOWN_GOOD_HEADERS: [&str; 3] = [
    HS256_HEADER_B64,
    // {"alg":"HS256"} (jose, used by the Node SDK)
    "eyJhbGciOiJIUzI1NiJ9",
    // {"typ":"JWT","alg":"HS256"}
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
];

/// The largest compact token accepted for verification, in bytes.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;

/// HMAC-SHA256 of `message` under `key`.
///
/// ```
/// let mac = livekit_tavus_edge::jws::hmac_sha256(b"key", b"message");
/// assert_eq!(mac.len(), 32);
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Signs a JSON payload: returns `header.payload.signature` with the HS256 header.
///
/// ```
/// let token = livekit_tavus_edge::jws::sign_hs256(br#"{"iss":"k"}"#, b"secret");
/// assert_eq!(token.split('.').count(), 3);
/// ```
pub fn sign_hs256(payload_json: &[u8], secret: &[u8]) -> String {
    let mut out = String::with_capacity(
        HS256_HEADER_B64.len() + 2 + (payload_json.len() * 4).div_ceil(3) + 43,
    );
    out.push_str(HS256_HEADER_B64);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(payload_json, &mut out);
    let mac = hmac_sha256(secret, out.as_bytes());
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(mac, &mut out);
    out
}

/// A compact token split into its three segments, nothing decoded or verified yet.
#[derive(Debug, Clone, Copy)]
pub struct Segments<'a> {
    /// The header segment (base64url).
    pub header: &'a str,
    /// The payload segment (base64url).
    pub payload: &'a str,
    /// The signature segment (base64url; empty for `alg: none` tokens).
    pub signature: &'a str,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
}

/// Strict base64url decoding: no padding, no whitespace, canonical trailing bits.
///
/// ```
/// use livekit_tavus_edge::jws::b64url_decode;
/// assert_eq!(b64url_decode("aGk", "payload").unwrap(), b"hi");
/// assert_eq!(b64url_decode("aGk=", "payload").unwrap_err().code(), "ERR_TOKEN_BASE64");
/// ```
pub fn b64url_decode(segment: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Error::TokenBase64(what))
}

/// Splits a compact JWS into its segments, checking only its size and shape.
/// The signature segment may be empty (it then fails verification, after the
/// header check has refused an `alg: none` token).
pub fn split_segments(token: &str) -> Result<Segments<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge);
    }
    let mut it = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (it.next(), it.next(), it.next(), it.next())
    else {
        return Err(Error::TokenMalformed(
            "expected three dot-separated segments",
        ));
    };
    if header.is_empty() || payload.is_empty() {
        return Err(Error::TokenMalformed("empty header or payload segment"));
    }
    Ok(Segments {
        header,
        payload,
        signature,
        signing_input: &token[..header.len() + 1 + payload.len()],
    })
}

/// A compact token split into its parts, with the header, payload and
/// signature decoded but nothing verified yet.
#[derive(Debug)]
pub struct Parts<'a> {
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// Decoded header JSON bytes.
    pub header: Vec<u8>,
    /// Decoded payload JSON bytes.
    pub payload: Vec<u8>,
    /// Decoded signature bytes.
    pub signature: Vec<u8>,
}

fn b64_malformed(segment: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Error::TokenMalformed(what))
}

/// Splits a compact JWS into three decoded segments (none may be empty);
/// every failure is `ERR_TOKEN_MALFORMED` (or `ERR_TOKEN_TOO_LARGE`).
pub fn split(token: &str) -> Result<Parts<'_>> {
    let s = split_segments(token)?;
    if s.signature.is_empty() {
        return Err(Error::TokenMalformed("empty segment"));
    }
    Ok(Parts {
        signing_input: s.signing_input,
        header: b64_malformed(s.header, "header is not base64url")?,
        payload: b64_malformed(s.payload, "payload is not base64url")?,
        signature: b64_malformed(s.signature, "signature is not base64url")?,
    })
}

/// Checks the signature of `parts` under `secret` in constant time.
pub fn verify_signature(parts: &Parts<'_>, secret: &[u8]) -> Result<()> {
    let expected = hmac_sha256(secret, parts.signing_input.as_bytes());
    if parts.signature.len() == expected.len() && bool::from(parts.signature.ct_eq(&expected)) {
        Ok(())
    } else {
        Err(Error::TokenSignature)
    }
}

/// Any JSON value: only its presence matters.
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow, default)]
    alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    typ: Option<Cow<'a, str>>,
    #[serde(default)]
    crit: Present,
    #[serde(default)]
    b64: Present,
}

/// Whether JSON bytes start (after whitespace) with `{`.
pub(crate) fn is_json_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

/// Checks the header: HS256 only, no `crit`, no `b64`, `typ` absent or `JWT`.
pub fn check_header(parts: &Segments<'_>) -> Result<()> {
    if KNOWN_GOOD_HEADERS.contains(&parts.header) {
        return Ok(());
    }
    let bytes = b64url_decode(parts.header, "header")?;
    if !is_json_object(&bytes) {
        return Err(Error::TokenJson("header is not a JSON object"));
    }
    // serde skips ignored members without checking their UTF-8: check it all here.
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Error::TokenJson("header is not UTF-8"));
    }
    let header: Header<'_> = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_data() {
            Error::TokenHeader("a header member has the wrong type or is repeated".into())
        } else {
            Error::TokenJson("header is not valid JSON")
        }
    })?;
    match header.alg.as_deref() {
        Some("HS256") => {}
        Some(other) => {
            let mut shown = other.to_owned();
            shown.truncate(16);
            return Err(Error::TokenAlgorithm(format!(
                "alg must be HS256, got {shown:?}"
            )));
        }
        None => return Err(Error::TokenAlgorithm("the header has no alg".into())),
    }
    if header.crit.0 {
        return Err(Error::TokenHeader("crit is not supported".into()));
    }
    if header.b64.0 {
        return Err(Error::TokenHeader("b64 is not supported".into()));
    }
    if let Some(typ) = header.typ {
        if !typ.eq_ignore_ascii_case("JWT") {
            return Err(Error::TokenHeader("typ must be JWT".into()));
        }
    }
    Ok(())
}

/// Decodes the signature segment. `None` when it is valid base64url but not
/// 32 bytes long (such a token can only fail verification).
pub fn decode_signature(parts: &Segments<'_>) -> Result<Option<[u8; 32]>> {
    let mut buf = [0u8; 48];
    match URL_SAFE_NO_PAD.decode_slice(parts.signature, &mut buf) {
        Ok(32) => {
            let mut sig = [0u8; 32];
            sig.copy_from_slice(&buf[..32]);
            Ok(Some(sig))
        }
        Ok(_) => Ok(None),
        Err(DecodeSliceError::OutputSliceTooSmall) => {
            // Too long to be an HS256 MAC; still refuse it as base64 if it is not.
            b64url_decode(parts.signature, "signature").map(|_| None)
        }
        Err(DecodeSliceError::DecodeError(_)) => Err(Error::TokenBase64("signature")),
    }
}

/// Checks a decoded `signature` over the signing input under `secret`, in constant time.
pub fn verify_mac(parts: &Segments<'_>, signature: Option<&[u8; 32]>, secret: &[u8]) -> Result<()> {
    let expected = hmac_sha256(secret, parts.signing_input.as_bytes());
    match signature {
        Some(sig) if bool::from(sig.ct_eq(&expected)) => Ok(()),
        _ => Err(Error::TokenSignature),
    }
}
