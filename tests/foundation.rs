//! End-to-end checks of the first core capabilities: mint → verify, and the redacted report.

use std::collections::BTreeMap;

use livekit_tavus_edge::config::validate_env;
use livekit_tavus_edge::token::create_access_token;
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};

const NOW: i64 = 1_795_608_000;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn minted_token_round_trips_and_emits_only_what_was_set() {
    let options = br#"{"identity":"ada","name":"Ada","ttl":600,"video":{"roomJoin":true,"room":"lobby","canPublish":false}}"#;
    let minted = create_access_token("devkey", "secret", options, NOW).unwrap();
    let payload = minted.token.split('.').nth(1).unwrap();
    use base64::Engine;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&json).unwrap(),
        r#"{"iss":"devkey","sub":"ada","nbf":1795608000,"exp":1795608600,"name":"Ada","video":{"roomJoin":true,"room":"lobby","canPublish":false}}"#
    );
    assert_eq!(minted.claims.as_bytes(), json);
    let keys = |iss: &str| (iss == "devkey").then_some("secret");
    let claims = verify_access_token(
        &minted.token,
        keys,
        VerifyOptions {
            now: NOW,
            leeway: 60,
        },
    )
    .unwrap();
    assert_eq!(claims.json, minted.claims);
}

#[test]
fn report_names_missing_variables_and_never_echoes_values() {
    let report = validate_env(&env(&[("LIVEKIT_API_KEY", "devkey")]));
    assert!(!report.livekit_configured);
    let missing: Vec<_> = report.problems.iter().map(|p| p.variable).collect();
    assert!(missing.contains(&"LIVEKIT_API_SECRET"));
    assert!(missing.contains(&"LIVEKIT_WS_URL"));

    let secret = "a-very-long-secret-value-0123456789abcdef";
    let report = validate_env(&env(&[
        ("LIVEKIT_API_KEY", "APIxyz"),
        ("LIVEKIT_API_SECRET", secret),
        ("LIVEKIT_WS_URL", "wss://demo.livekit.cloud/"),
        ("TAVUS_API_KEY", "tavus-secret-key"),
    ]));
    assert!(report.livekit_configured && report.tavus_configured);
    assert_eq!(
        report.livekit_api_url.as_deref(),
        Some("https://demo.livekit.cloud")
    );
    let text = report.to_json();
    assert!(!text.contains(secret) && !text.contains("tavus-secret-key"));
}
