//! Webhook verification (`webhook::receive_webhook`).
//!
//! Input: `mode, now, max_age, rest`. Mode 0 splits `rest` into
//! `authorization NUL body`; mode 1 signs `rest` as the body the way LiveKit's
//! server does; mode 2 splits `rest` into `claims NUL body` and signs the claims
//! JSON as given (so the fuzzer controls `sha256`, `exp`, …). Oracles: an
//! accepted event came with an authentic token whose `sha256` is the body's
//! (recomputed independently), and its event model survives a JSON round trip.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::verify::{dangerous_decode_unverified, VerifyOptions};
use livekit_tavus_edge::webhook::{receive_webhook, sign_webhook, WebhookOptions};

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mode = r.byte();
    let now = r.now();
    let max_age = match r.byte() {
        0 => None,
        b => Some(i64::from(b) * 10 - 50),
    };
    let rest = r.rest();
    let (authorization, body): (Option<String>, &[u8]) = match mode % 3 {
        0 => {
            let (auth, body) = split2(rest);
            let auth = (mode & 8 == 0).then(|| String::from_utf8_lossy(auth).into_owned());
            (auth, body)
        }
        1 => {
            let signed_at = now.saturating_sub(i64::from(mode >> 2) * 7);
            (sign_webhook(rest, "devkey", SECRET, signed_at).ok(), rest)
        }
        _ => {
            let (claims, body) = split2(rest);
            (
                Some(format!("Bearer {}", signed(HS256_HEADER, claims, SECRET))),
                body,
            )
        }
    };
    let options = WebhookOptions {
        verify: VerifyOptions::at(now),
        max_age,
    };
    match receive_webhook(body, authorization.as_deref(), keys, options) {
        Ok(event) => {
            let auth = authorization.expect("accepted without Authorization");
            let token = auth.trim();
            let token = match token.get(..7) {
                Some(s) if s.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
                _ => token,
            };
            let claims = dangerous_decode_unverified(token).expect("accepted token decodes");
            let claims: serde_json::Value = serde_json::from_str(&claims.json).unwrap();
            assert_authentic(
                token,
                keys(claims["iss"].as_str().unwrap()).expect("known key"),
            );
            assert_eq!(
                claims["sha256"].as_str(),
                Some(sha256_b64(body).as_str()),
                "accepted a body its token does not hash"
            );
            let value: serde_json::Value = serde_json::from_str(&event).expect("the event is JSON");
            assert!(value["event"].as_str().is_some_and(|e| !e.is_empty()));
            // The event model is stable: the event read again as a body is the same event.
            let again = sign_webhook(event.as_bytes(), "devkey", SECRET, now).unwrap();
            let back = receive_webhook(
                event.as_bytes(),
                Some(&again),
                keys,
                WebhookOptions::at(now),
            )
            .expect("the event reads back");
            assert_eq!(back, event, "event changed through a JSON round trip");
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_"));
            assert_no_leak(&e.to_string(), data);
        }
    }
});
