//! Supabase user-JWT checks (`auth::verify_hs256`, `auth::check_verified_claims`,
//! `auth::decode_header`, `auth::select_jwk`, `auth::matches_any_secret`).
//!
//! Input: `mode, rules, now, rest`. Mode 0 verifies `rest` as a token; mode 1
//! signs `header NUL payload` with the project secret; mode 2 signs `rest` as
//! the payload under the standard header. The `rules` byte turns each rule on
//! or off. Oracles: an accepted token is authentic (MAC recomputed
//! independently), HS256, and meets every rule that was on; the HS256 path and
//! the "signature already checked" path agree on authentic tokens; a refusal is
//! an `ERR_AUTH_` code without a secret.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::auth::*;

const ISSUER: &str = "http://127.0.0.1:54321/auth/v1";

fn jwks() -> Jwks {
    let key = |kty: &str, kid: &str, alg: Option<&str>| Jwk {
        kty: kty.into(),
        kid: Some(kid.into()),
        alg: alg.map(Into::into),
        key_use: Some("sig".into()),
        crv: (kty == "EC").then(|| "P-256".into()),
        x: (kty == "EC").then(|| "x".into()),
        y: (kty == "EC").then(|| "y".into()),
        n: (kty == "RSA").then(|| "n".into()),
        e: (kty == "RSA").then(|| "AQAB".into()),
    };
    Jwks {
        keys: vec![key("EC", "ec-1", Some("ES256")), key("RSA", "rsa-1", None), key("EC", "ec-2", None)],
    }
}

fn lower_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => matches!(c, b'0'..=b'9' | b'a'..=b'f'),
        })
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mode = r.byte();
    let bits = r.byte();
    let now = r.now();
    let rules = AuthRules {
        audience: (bits & 1 == 0).then(|| "authenticated".into()),
        role: if bits & 2 == 0 { "authenticated" } else { "service_role" }.into(),
        issuer: (bits & 4 == 0).then(|| ISSUER.into()),
        allow_anonymous: bits & 8 != 0,
        require_subject: bits & 16 == 0,
        leeway: [30, 0, 3600, -5][usize::from(bits >> 5) % 4],
    };
    let secret = if bits & 128 == 0 { SECRET } else { "" };
    let rest = r.rest();
    let token = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => {
            let (header, payload) = split2(rest);
            signed(header, payload, SECRET)
        }
        _ => signed(HS256_HEADER, rest, SECRET),
    };

    if let Ok(header) = decode_header(&token) {
        assert!(ACCEPTED_ALGORITHMS.contains(&header.alg.as_str()));
        if let Ok(key) = select_jwk(&jwks(), &header) {
            let kty = if header.alg == "ES256" { "EC" } else { "RSA" };
            assert_eq!(key.kty, kty, "a {} key for {}", key.kty, header.alg);
            if let Some(kid) = &header.kid {
                assert_eq!(key.kid.as_ref(), Some(kid), "a key with another kid");
            }
        }
    }
    let text = String::from_utf8_lossy(rest);
    assert_eq!(
        matches_any_secret(&text, &[SECRET.to_owned(), String::new()]),
        text == SECRET
    );

    let result = verify_hs256(&token, secret.as_bytes(), &rules, now);
    match &result {
        Ok(c) => {
            assert_authentic(&token, secret);
            assert_eq!(c.role, rules.role);
            let leeway = rules.leeway.max(0) as f64;
            assert!(c.exp + leeway >= now as f64, "accepted an expired token");
            if let Some(aud) = &rules.audience {
                assert!(c.aud.contains(aud), "accepted another audience");
            }
            if let Some(iss) = &rules.issuer {
                let got = c.iss.as_deref().expect("accepted without iss");
                assert_eq!(got.trim_end_matches('/'), iss.trim_end_matches('/'));
            }
            if rules.require_subject {
                assert!(c.sub.as_deref().is_some_and(lower_uuid), "accepted a bad sub");
            }
            assert!(rules.allow_anonymous || !c.is_anonymous, "accepted an anonymous user");
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_AUTH_"), "code {}", e.code());
            assert_no_leak(&e.to_string(), data);
        }
    }
    // On a token whose MAC is right, the WebCrypto path's claim check agrees.
    if !secret.is_empty() && mode % 3 != 0 {
        if let Ok(h) = decode_header(&token) {
            if h.alg == "HS256" {
                let other = check_verified_claims(&token, &rules, now);
                match (&result, &other) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b),
                    (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                    _ => panic!("the two paths disagree: {result:?} vs {other:?}"),
                }
            }
        }
    }
});
