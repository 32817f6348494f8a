//! Supabase user-JWT checks through the one JWS pipeline (`auth::verify`,
//! `auth::check_claims`, `auth::select_jwk`, `auth::matches_any_secret`).
//!
//! Input: `mode, rules, now, rest`. Mode 0 verifies `rest` as a token; mode 1
//! signs `header NUL payload` with the project secret; mode 2 signs `rest` as
//! the payload under the standard header. The `rules` byte turns each rule on
//! or off. Oracles: an accepted HS256 token is authentic (MAC recomputed
//! independently) and meets every rule that was on; an ES256/RS256 token gets a
//! key of its algorithm's type and kid from the JWKS, and the claim outcome
//! handed on with it is the one the HS256 path gives for the same payload; a
//! refusal is an `ERR_AUTH_` code without a secret.
#![no_main]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::auth::*;
use livekit_tavus_edge::jws::{HmacKey, Validation};

const ISSUER: &str = "http://127.0.0.1:54321/auth/v1";
const JWKS: &str = r#"{"keys":[
  {"kty":"EC","kid":"ec-1","alg":"ES256","use":"sig","crv":"P-256","x":"x","y":"y"},
  {"kty":"RSA","kid":"rsa-1","use":"sig","n":"n","e":"AQAB"},
  {"kty":"EC","kid":"ec-2","use":"sig","crv":"P-256","x":"x","y":"y"}]}"#;

fn lower_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => matches!(c, b'0'..=b'9' | b'a'..=b'f'),
        })
}

fn header_of(token: &str) -> Option<serde_json::Value> {
    let h = URL_SAFE_NO_PAD.decode(token.split('.').next()?).ok()?;
    serde_json::from_slice(&h).ok()
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mode = r.byte();
    let bits = r.byte();
    let now = r.now();
    let rules = AuthRules {
        audience: (bits & 1 == 0).then(|| "authenticated".into()),
        role: if bits & 2 == 0 {
            "authenticated"
        } else {
            "service_role"
        }
        .into(),
        issuer: (bits & 4 == 0).then(|| ISSUER.into()),
        allow_anonymous: bits & 8 != 0,
        require_subject: bits & 16 == 0,
        leeway: [30, 0, 3600, -5][usize::from(bits >> 5) % 4],
    };
    let secret = if bits & 128 == 0 { SECRET } else { "" };
    let key = (!secret.is_empty()).then(|| HmacKey::new(secret.as_bytes()));
    let rest = r.rest();
    let token = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => {
            let (header, payload) = split2(rest);
            signed(header, payload, SECRET)
        }
        _ => signed(HS256_HEADER, rest, SECRET),
    };

    let text = String::from_utf8_lossy(rest);
    assert_eq!(matches_any_secret(&text, &[SECRET, ""]), text == SECRET);

    let payload = || {
        let p = token.split('.').nth(1).unwrap();
        URL_SAFE_NO_PAD.decode(p).unwrap()
    };
    match verify(&token, key.as_ref(), Some(JWKS), &rules, now, true) {
        Ok(Outcome::Verified(c)) => {
            assert_authentic(&token, secret);
            let c: serde_json::Value = serde_json::from_str(&c).expect("claims are JSON");
            assert_eq!(c["role"], rules.role.as_str());
            let leeway = rules.leeway.max(0) as f64;
            let exp = c["exp"].as_f64().expect("accepted without a numeric exp");
            assert!(exp + leeway >= now as f64, "accepted an expired token");
            if let Some(aud) = &rules.audience {
                assert!(
                    c["aud"].as_array().unwrap().iter().any(|a| a == aud),
                    "accepted another audience"
                );
            }
            if let Some(iss) = &rules.issuer {
                let got = c["iss"].as_str().expect("accepted without iss");
                assert_eq!(got.trim_end_matches('/'), iss.trim_end_matches('/'));
            }
            if rules.require_subject {
                assert!(
                    c["sub"].as_str().is_some_and(lower_uuid),
                    "accepted a bad sub"
                );
            }
            assert!(
                rules.allow_anonymous || c["is_anonymous"] == false,
                "accepted an anonymous user"
            );
        }
        Ok(Outcome::Signature { alg, jwk, claims }) => {
            let header = header_of(&token).expect("a header that decodes");
            assert_eq!(header["alg"], alg.name());
            let jwk: serde_json::Value = serde_json::from_str(&jwk).expect("the key is JSON");
            let kty = if alg.name() == "ES256" { "EC" } else { "RSA" };
            assert_eq!(jwk["kty"], kty, "a {} key for {}", jwk["kty"], alg.name());
            if let Some(kid) = header["kid"].as_str() {
                assert_eq!(jwk["kid"], kid, "a key with another kid");
            }
            // The claim outcome is the HS256 path's for the same payload.
            let v = Validation::supabase(now, rules.leeway);
            let payload = String::from_utf8(payload()).expect("an accepted payload is UTF-8");
            let same = check_claims(&payload, &rules, &v);
            match (&claims, &same) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                _ => panic!("the two paths disagree: {claims:?} vs {same:?}"),
            }
        }
        Ok(Outcome::NeedJwks) => panic!("asked for a JWKS it was given"),
        Err(e) => {
            assert!(e.code().starts_with("ERR_AUTH_"), "code {}", e.code());
            assert_no_leak(&e.to_string(), data);
        }
    }
});
