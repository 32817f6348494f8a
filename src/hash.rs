//! SHA-256 and HMAC-SHA256 on `sha2`'s block function alone, and the strict
//! base64 of [`lte_engine::base64`] (re-exported here).
//!
//! An [`HmacKey`] is a secret imported once: the SHA-256 states after its
//! inner and outer pads, so each MAC afterwards hashes only the message (and
//! one outer block).

pub use lte_engine::base64::{b64_encode, b64url_decode, b64url_encode_into};

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
}
