//! Shared by every fuzz target: test keys, an input reader, and independent
//! oracles (HMAC, SHA-256 and base64 computed here, not by the core).
#![allow(dead_code)]

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret of the key `devkey` (a test value).
pub const SECRET: &str = "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz";
/// The secret of the key `k2` (a test value).
pub const SECRET2: &str = "second-fuzz-secret-ABCDEFGHIJKLMNOPQRSTUVWX";
/// The fixed clock around which inputs move `now`.
pub const NOW: i64 = 1_800_000_000;
/// The HS256 header LiveKit's SDKs write.
pub const HS256_HEADER: &[u8] = br#"{"alg":"HS256","typ":"JWT"}"#;

/// The key store the targets verify against: two live keys and one empty secret.
pub fn keys(iss: &str) -> Option<&'static str> {
    match iss {
        "devkey" => Some(SECRET),
        "k2" => Some(SECRET2),
        "empty" => Some(""),
        _ => None,
    }
}

/// Reads an input front to back; missing bytes read as zero.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    /// The next eight bytes as a little-endian `i64`.
    pub fn i64(&mut self) -> i64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.byte();
        }
        i64::from_le_bytes(b)
    }

    /// A clock value: near [`NOW`] (one byte), or any `i64` (byte 255, then eight bytes).
    pub fn now(&mut self) -> i64 {
        match self.byte() {
            255 => self.i64(),
            b => NOW + (i64::from(b) - 128) * 97,
        }
    }

    /// Everything not read yet.
    pub fn rest(self) -> &'a [u8] {
        self.0
    }
}

/// Splits at the first NUL byte (the second part is empty without one).
pub fn split2(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Base64url without padding.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The base64url HMAC-SHA256 of `signing_input`, computed with the `hmac` crate.
pub fn mac_b64url(secret: &str, signing_input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    b64url(&mac.finalize().into_bytes())
}

/// A compact JWS of these exact header and payload bytes, correctly signed.
pub fn signed(header: &[u8], payload: &[u8], secret: &str) -> String {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let sig = mac_b64url(secret, &input);
    format!("{input}.{sig}")
}

/// Asserts that an accepted token is authentic: three segments, the last one
/// exactly the MAC of the first two under `secret`, and a header whose `alg` is
/// HS256 with no `crit` or `b64`.
pub fn assert_authentic(token: &str, secret: &str) {
    assert!(!secret.is_empty(), "accepted under an empty secret");
    let token = token.trim();
    let (input, sig) = token
        .rsplit_once('.')
        .expect("accepted a token without dots");
    assert_eq!(
        input.matches('.').count(),
        1,
        "accepted a token without three segments"
    );
    assert_eq!(
        sig,
        mac_b64url(secret, input),
        "accepted a MAC the key did not make"
    );
    let header = URL_SAFE_NO_PAD
        .decode(input.split('.').next().unwrap())
        .expect("accepted a header that is not base64url");
    let header: serde_json::Value = serde_json::from_slice(&header).expect("header JSON");
    assert_eq!(header["alg"], "HS256", "accepted alg {}", header["alg"]);
    assert!(header.get("crit").is_none(), "accepted crit");
    assert!(header.get("b64").is_none(), "accepted b64");
}

/// Asserts `text` contains no test secret in any encoding, unless the input
/// itself carried it (then echoing it back is no leak).
pub fn assert_no_leak(text: &str, input: &[u8]) {
    for secret in [SECRET, SECRET2] {
        let forms = [
            secret.to_owned(),
            STANDARD.encode(secret),
            URL_SAFE.encode(secret),
            URL_SAFE_NO_PAD.encode(secret),
        ];
        for form in forms {
            let needle = &form[..24.min(form.len())];
            if contains(input, needle.as_bytes()) {
                continue;
            }
            assert!(!text.contains(needle), "an error message carries a secret");
        }
    }
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// The standard base64 SHA-256 of `body`, computed with the `sha2` crate.
pub fn sha256_b64(body: &[u8]) -> String {
    use sha2::Digest;
    STANDARD.encode(Sha256::digest(body))
}
