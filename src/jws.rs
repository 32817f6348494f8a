//! HS256 compact JWS (RFC 7515): base64url, signing and constant-time verification.
//!
//! Only one header is ever produced, `{"alg":"HS256","typ":"JWT"}`, and only
//! HS256 is accepted when verifying; every other `alg` is refused before any
//! signature work.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// The base64url form of `{"alg":"HS256","typ":"JWT"}`.
pub const HS256_HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

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

/// A compact token split into its parts, with the header and payload decoded
/// but nothing verified yet.
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

/// Strict base64url decoding: no padding, no whitespace, canonical trailing bits.
pub fn b64url_decode(segment: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Error::TokenMalformed(what))
}

/// Splits a compact JWS into three decoded segments.
pub fn split(token: &str) -> Result<Parts<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TokenTooLarge);
    }
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Error::TokenMalformed(
            "expected three dot-separated segments",
        ));
    };
    if h.is_empty() || p.is_empty() || s.is_empty() {
        return Err(Error::TokenMalformed("empty segment"));
    }
    let header = b64url_decode(h, "header is not base64url")?;
    let payload = b64url_decode(p, "payload is not base64url")?;
    let signature = b64url_decode(s, "signature is not base64url")?;
    Ok(Parts {
        signing_input: &token[..h.len() + 1 + p.len()],
        header,
        payload,
        signature,
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
