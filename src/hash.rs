//! SHA-256, HMAC-SHA256 and base64, on `sha2`'s block function alone.
//!
//! An [`HmacKey`] is a secret imported once: the SHA-256 states after its
//! inner and outer pads, so each MAC afterwards hashes only the message (and
//! one outer block). Base64 is strict: base64url without padding, canonical
//! trailing bits, nothing but the alphabet.

use sha2::digest::generic_array::GenericArray;

const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

fn block(state: &mut [u32; 8], b: &[u8]) {
    sha2::compress256(state, core::slice::from_ref(GenericArray::from_slice(b)));
}

/// SHA-256 from `state` (which has hashed `done` bytes already) over `data`.
fn finish(mut state: [u32; 8], done: u64, data: &[u8]) -> [u8; 32] {
    let mut chunks = data.chunks_exact(64);
    for b in &mut chunks {
        block(&mut state, b);
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 128];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] = 0x80;
    let n = if rest.len() < 56 { 64 } else { 128 };
    let bits = (done + data.len() as u64) * 8;
    last[n - 8..n].copy_from_slice(&bits.to_be_bytes());
    for b in last[..n].chunks_exact(64) {
        block(&mut state, b);
    }
    let mut out = [0u8; 32];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_be_bytes());
    }
    out
}

/// SHA-256 of `data`.
///
/// ```
/// let d = livekit_tavus_edge::hash::sha256(b"abc");
/// assert_eq!(d[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
pub fn sha256(data: &[u8]) -> [u8; 32] {
    finish(H0, 0, data)
}

/// An HMAC-SHA256 key with its inner and outer pads already hashed: import a
/// secret once, then sign or verify with it many times.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Imports a secret (of any length).
    pub fn new(secret: &[u8]) -> Self {
        let mut key = [0u8; 64];
        if secret.len() > 64 {
            key[..32].copy_from_slice(&sha256(secret));
        } else {
            key[..secret.len()].copy_from_slice(secret);
        }
        let pad = |x: u8| {
            let mut state = H0;
            let mut b = key;
            b.iter_mut().for_each(|k| *k ^= x);
            block(&mut state, &b);
            state
        };
        HmacKey {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// The MAC of `message`.
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(self.inner, 64, message);
        finish(self.outer, 64, &inner)
    }
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey(…)")
    }
}

/// HMAC-SHA256 of `message` under `key`.
///
/// ```
/// let mac = livekit_tavus_edge::hash::hmac_sha256(b"key", b"message");
/// assert_eq!(mac.len(), 32);
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(message)
}

const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Each byte's base64url value; 64 for bytes outside the alphabet.
const DECODE: [u8; 256] = {
    let mut t = [64u8; 256];
    let mut i = 0;
    while i < 64 {
        t[URL[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn encode(alphabet: &[u8; 64], data: &[u8], out: &mut String, pad: bool) {
    let whole = data.len() / 3 * 3;
    let rest = data.len() - whole;
    let len = whole / 3 * 4
        + match (rest, pad) {
            (0, _) => 0,
            (_, true) => 4,
            (r, false) => r + 1,
        };
    // Written by index into a buffer of the final length: one allocation, no
    // per-character appends, no iterator calls in the loop.
    let mut bytes = vec![b'='; len];
    let (mut i, mut at) = (0, 0);
    while i < whole {
        let n = u32::from(data[i]) << 16 | u32::from(data[i + 1]) << 8 | u32::from(data[i + 2]);
        bytes[at] = alphabet[(n >> 18) as usize & 63];
        bytes[at + 1] = alphabet[(n >> 12) as usize & 63];
        bytes[at + 2] = alphabet[(n >> 6) as usize & 63];
        bytes[at + 3] = alphabet[n as usize & 63];
        i += 3;
        at += 4;
    }
    if rest > 0 {
        let n = u32::from(data[i]) << 16
            | if rest == 2 {
                u32::from(data[i + 1]) << 8
            } else {
                0
            };
        bytes[at] = alphabet[(n >> 18) as usize & 63];
        bytes[at + 1] = alphabet[(n >> 12) as usize & 63];
        if rest == 2 {
            bytes[at + 2] = alphabet[(n >> 6) as usize & 63];
        }
    }
    // Only alphabet bytes (and padding) were written.
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
}

/// Appends the base64url of `data`, without padding.
pub fn b64url_encode_into(data: &[u8], out: &mut String) {
    encode(URL, data, out, false);
}

/// The standard (padded) base64 of `data`.
pub fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    encode(STD, data, &mut out, true);
    out
}

/// Strict base64url decoding: no padding, no whitespace, canonical trailing bits.
///
/// ```
/// use livekit_tavus_edge::hash::b64url_decode;
/// assert_eq!(b64url_decode("aGk").unwrap(), b"hi");
/// assert!(b64url_decode("aGk=").is_none());
/// assert!(b64url_decode("aGl").is_none());
/// ```
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    let rest = s.len() % 4;
    if rest == 1 {
        return None;
    }
    let whole = s.len() - rest;
    let mut out = vec![0u8; whole / 4 * 3 + rest.saturating_sub(1)];
    let (mut i, mut at) = (0, 0);
    while i < whole {
        let (a, b, c, d) = (
            DECODE[s[i] as usize],
            DECODE[s[i + 1] as usize],
            DECODE[s[i + 2] as usize],
            DECODE[s[i + 3] as usize],
        );
        if (a | b | c | d) & 64 != 0 {
            return None;
        }
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        out[at] = (n >> 16) as u8;
        out[at + 1] = (n >> 8) as u8;
        out[at + 2] = n as u8;
        i += 4;
        at += 3;
    }
    if rest > 0 {
        let mut n = 0u32;
        for &b in &s[whole..] {
            let v = DECODE[b as usize];
            if v == 64 {
                return None;
            }
            n = n << 6 | u32::from(v);
        }
        n <<= 6 * (4 - rest) as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = rest - 1;
        // The bits past the last whole byte must be zero (one encoding per value).
        if bytes[keep..].iter().any(|&b| b != 0) {
            return None;
        }
        out[at..].copy_from_slice(&bytes[..keep]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_and_hmac_known_answers() {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        use hmac::Mac;
        use sha2::Digest;
        let long: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, 300] {
            // Against the sha2 and hmac crates' own padding and construction.
            assert_eq!(sha256(&long[..n])[..], sha2::Sha256::digest(&long[..n])[..]);
            for k in [0, 20, 64, 65, 100] {
                let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(&long[..k]).unwrap();
                m.update(&long[..n]);
                assert_eq!(
                    hmac_sha256(&long[..k], &long[..n])[..],
                    m.finalize().into_bytes()[..]
                );
            }
        }
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // RFC 4231 test case 6: a key longer than a block.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn base64_round_trips_and_is_strict() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut s = String::new();
            b64url_encode_into(&data, &mut s);
            assert_eq!(b64url_decode(&s).unwrap(), data);
            assert!(!s.contains('='));
        }
        for bad in ["a", "aGk=", "aG k", "aGl", "a+b/", "AB=="] {
            assert!(b64url_decode(bad).is_none(), "{bad}");
        }
        assert_eq!(b64_encode(b"hi"), "aGk=");
        assert_eq!(b64_encode(&[0xfb, 0xff]), "+/8=");
    }
}
