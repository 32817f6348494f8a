//! Strict base64: base64url without padding, canonical trailing bits, nothing
//! but the alphabet (tokens); standard padded base64 (webhook body hashes).

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
    // Written by index straight into `out`, grown once to its final length:
    // no temporary buffer, no per-character appends, no bounds checks.
    // SAFETY: only alphabet bytes and `=` (ASCII) are written below.
    let v = unsafe { out.as_mut_vec() };
    v.reserve(len);
    let start = v.len();
    let a = alphabet.as_ptr();
    // SAFETY: `len` bytes were reserved after `start`; `i + 2 < whole <= data.len()`;
    // every alphabet index is masked to 0..64.
    unsafe {
        let dst = v.as_mut_ptr().add(start);
        let src = data.as_ptr();
        let (mut i, mut at) = (0, 0);
        while i < whole {
            let n = u32::from(*src.add(i)) << 16
                | u32::from(*src.add(i + 1)) << 8
                | u32::from(*src.add(i + 2));
            *dst.add(at) = *a.add((n >> 18) as usize & 63);
            *dst.add(at + 1) = *a.add((n >> 12) as usize & 63);
            *dst.add(at + 2) = *a.add((n >> 6) as usize & 63);
            *dst.add(at + 3) = *a.add(n as usize & 63);
            i += 3;
            at += 4;
        }
        if rest > 0 {
            let n = u32::from(*src.add(i)) << 16
                | if rest == 2 {
                    u32::from(*src.add(i + 1)) << 8
                } else {
                    0
                };
            *dst.add(at) = *a.add((n >> 18) as usize & 63);
            *dst.add(at + 1) = *a.add((n >> 12) as usize & 63);
            if rest == 2 {
                *dst.add(at + 2) = *a.add((n >> 6) as usize & 63);
            }
            let mut end = at + rest + 1;
            while end < len {
                *dst.add(end) = b'=';
                end += 1;
            }
        }
        v.set_len(start + len);
    }
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
/// use lte_engine::base64::b64url_decode;
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
    let len = whole / 4 * 3 + rest.saturating_sub(1);
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let (mut i, mut at) = (0, 0);
    let (src, dst, table) = (s.as_ptr(), out.as_mut_ptr(), DECODE.as_ptr());
    while i < whole {
        // SAFETY: `i + 3 < whole <= s.len()`, `at + 2 < whole / 4 * 3 <= len`
        // (the capacity), and a byte indexes the 256-entry table.
        unsafe {
            let (a, b, c, d) = (
                *table.add(*src.add(i) as usize),
                *table.add(*src.add(i + 1) as usize),
                *table.add(*src.add(i + 2) as usize),
                *table.add(*src.add(i + 3) as usize),
            );
            if (a | b | c | d) & 64 != 0 {
                return None;
            }
            let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
            *dst.add(at) = (n >> 16) as u8;
            *dst.add(at + 1) = (n >> 8) as u8;
            *dst.add(at + 2) = n as u8;
        }
        i += 4;
        at += 3;
    }
    // SAFETY: the first `at` bytes were written; `at <= len`.
    unsafe { out.set_len(at) };
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
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_is_strict() {
        // A reference encoder, one bit at a time.
        let reference = |data: &[u8], alphabet: &[u8; 64]| {
            let bits: Vec<u8> = data
                .iter()
                .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1))
                .collect();
            bits.chunks(6)
                .map(|c| {
                    let v = c.iter().fold(0, |n, b| n << 1 | b) << (6 - c.len());
                    alphabet[v as usize] as char
                })
                .collect::<String>()
        };
        for n in 0..80 {
            let data: Vec<u8> = (0..n).map(|i| (i * 151 + 7) as u8).collect();
            let mut s = String::new();
            b64url_encode_into(&data, &mut s);
            assert_eq!(s, reference(&data, URL), "{n}");
            assert_eq!(b64url_decode(&s).unwrap(), data, "{n}");
            let padded = b64_encode(&data);
            assert_eq!(padded.trim_end_matches('='), reference(&data, STD), "{n}");
            assert_eq!(padded.len() % 4, 0);
            // One character outside the alphabet anywhere is refused.
            for at in 0..s.len() {
                let mut bad = s.clone().into_bytes();
                bad[at] = b'+';
                assert!(b64url_decode(std::str::from_utf8(&bad).unwrap()).is_none());
            }
        }
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
