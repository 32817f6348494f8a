//! Attack cases that cannot be vectors: tokens over the 1 MiB limit (a data
//! file would be megabytes). The rest of the attack suite is data:
//! tests/vectors/attacks_*.json (see SECURITY.md).

use livekit_tavus_edge::auth::{verify, AuthRules};
use livekit_tavus_edge::jws::{sign_hs256, HmacKey, MAX_TOKEN_BYTES};
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
use livekit_tavus_edge::webhook::{receive_webhook, WebhookOptions};

const NOW: i64 = 1_800_000_000;
const SECRET: &str = "attack-livekit-secret-0123456789abcdefghijklmnop";

/// A correctly signed token of just over 1 MiB (the size lies in a claim).
fn oversized() -> String {
    let pad = "A".repeat(MAX_TOKEN_BYTES * 3 / 4);
    let payload = format!(
        r#"{{"iss":"attack-key","sub":"7c9e6679-7425-40de-944b-e07fc1f90ae7","role":"authenticated","aud":"authenticated","exp":{},"pad":"{pad}"}}"#,
        NOW + 600
    );
    let token = sign_hs256(payload.as_bytes(), &HmacKey::new(SECRET.as_bytes()));
    assert!(token.len() > MAX_TOKEN_BYTES && token.len() < MAX_TOKEN_BYTES + 1024);
    token
}

#[test]
fn signed_tokens_over_one_mebibyte_are_refused_before_any_work() {
    let token = oversized();
    let keys = |iss: &str| (iss == "attack-key").then_some(SECRET);
    let err = verify_access_token(&token, keys, VerifyOptions::at(NOW)).unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_TOO_LARGE");

    let err = receive_webhook(
        b"{}",
        Some(&format!("Bearer {token}")),
        keys,
        WebhookOptions::at(NOW),
    )
    .unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_TOO_LARGE");

    let key = HmacKey::new(SECRET.as_bytes());
    let err = verify(&token, Some(&key), None, &AuthRules::default(), NOW, true).unwrap_err();
    assert_eq!(err.code(), "ERR_AUTH_MALFORMED");
    assert!(err.to_string().contains("1 MiB"), "{err}");

    // Only the size decides: the same token cut under the limit gets past it.
    let cut = &token[..MAX_TOKEN_BYTES];
    let err = verify_access_token(cut, keys, VerifyOptions::at(NOW)).unwrap_err();
    assert_ne!(err.code(), "ERR_TOKEN_TOO_LARGE");
}

#[test]
fn an_oversized_token_is_never_echoed() {
    let token = oversized();
    let keys = |_: &str| Some(SECRET);
    let err = verify_access_token(&token, keys, VerifyOptions::at(NOW)).unwrap_err();
    let message = err.to_string();
    assert!(message.len() < 200, "{} bytes of message", message.len());
    assert!(!message.contains(SECRET));
}
