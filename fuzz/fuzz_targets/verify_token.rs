//! LiveKit token decoding and verification (`verify::verify_access_token`,
//! `verify::dangerous_decode_unverified`, `jws::b64url_decode`).
//!
//! Input: `mode, now, leeway, rest`. Mode 0 verifies `rest` as a token; mode 1
//! signs `header NUL payload` (both raw JSON bytes) with a live key first, so
//! the fuzzer reaches the claim checks behind the MAC; mode 2 signs `rest` as a
//! payload under the standard header. Oracles: an accepted token is authentic
//! (MAC recomputed independently), HS256, unexpired, and its claims survive a
//! re-sign round trip unchanged; a refusal has an `ERR_` code and no secret.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::jws;
use livekit_tavus_edge::verify::{dangerous_decode_unverified, verify_access_token, VerifyOptions};

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mode = r.byte();
    let now = r.now();
    let leeway = match r.byte() {
        255 => -1,
        254 => 3601,
        b => i64::from(b) * 10,
    };
    let signer = if mode & 4 == 0 { SECRET } else { SECRET2 };
    let rest = r.rest();
    let token = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => {
            let (header, payload) = split2(rest);
            signed(header, payload, signer)
        }
        _ => signed(HS256_HEADER, rest, signer),
    };
    let options = VerifyOptions { now, leeway };
    let _ = dangerous_decode_unverified(&token);
    for segment in token.split('.').take(4) {
        let _ = jws::b64url_decode(segment);
    }
    match verify_access_token(&token, keys, options) {
        Ok(claims) => {
            assert!((0..=3600).contains(&leeway), "accepted leeway {leeway}");
            let value: serde_json::Value =
                serde_json::from_str(&claims.json).expect("the claims are JSON");
            let iss = value["iss"].as_str().expect("accepted a token without iss");
            let secret = keys(iss).expect("verified under an unknown iss");
            assert_authentic(&token, secret);
            let exp = value["exp"]
                .as_i64()
                .expect("accepted a token without an integer exp");
            assert!(
                now < exp.saturating_add(leeway),
                "accepted an expired token"
            );
            for t in ["nbf", "iat"] {
                if let Some(t) = value.get(t) {
                    let t = t.as_i64().expect("accepted a time that is not an integer");
                    assert!(t <= now.saturating_add(leeway), "accepted a future nbf/iat");
                }
            }
            let again = jws::sign_hs256(
                claims.json.as_bytes(),
                &jws::HmacKey::new(secret.as_bytes()),
            );
            let back = verify_access_token(&again, keys, options).expect("re-signed claims verify");
            assert_eq!(
                back, claims,
                "claims changed through a sign/verify round trip"
            );
            let decoded = dangerous_decode_unverified(&token).expect("a verified token decodes");
            assert_eq!(
                decoded, claims,
                "decoding and verifying read different claims"
            );
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_"));
            assert_no_leak(&e.to_string(), data);
        }
    }
});
