//! Minting from options JSON (`token::create_access_token`: the strict schema
//! reader, normalisation, limits and the claim writer).
//!
//! Input: `now, rest`, `rest` read as the options' JSON text. Oracles: an
//! accepted option set mints a token that verifies (with the `hmac` crate's MAC
//! recomputed independently) to exactly the claims JSON the core returned, whose
//! payload has no `false` plain flag, no empty string (an attribute's value
//! aside) and no empty collection;
//! the same options written with their members in two different orders mint
//! the same token or both fail (unless they carry
//! `roomConfig.egress`, kept as given); a refusal has a code and never echoes
//! the secret.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::token::create_access_token;
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};

/// The same JSON with every object's members in reverse order.
fn reversed(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", serde_json::Value::from(k.as_str()), reversed(v)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        serde_json::Value::Array(a) => {
            format!("[{}]", a.iter().map(reversed).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

/// Whether a number in `v` is held as an f64 (so written back inexactly).
fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_float),
        serde_json::Value::Object(o) => o.values().any(has_float),
        _ => false,
    }
}

fn only_set(v: &serde_json::Value, path: &str) {
    const TRI: [&str; 6] = [
        "canPublish",
        "canSubscribe",
        "canPublishData",
        "canUpdateOwnMetadata",
        "canSubscribeMetrics",
        "canManageAgentSession",
    ];
    match v {
        serde_json::Value::Object(o) => {
            assert!(
                !o.is_empty() || path.contains("agents["),
                "{path} is an empty object"
            );
            for (k, item) in o {
                if path.ends_with("egress") || path.contains(".egress.") {
                    continue;
                }
                assert!(
                    item != false || TRI.contains(&k.as_str()),
                    "{path}.{k} is a false plain flag"
                );
                only_set(item, &format!("{path}.{k}"));
            }
        }
        serde_json::Value::Array(a) => {
            assert!(!a.is_empty(), "{path} is an empty list");
            for (i, item) in a.iter().enumerate() {
                only_set(item, &format!("{path}[{i}]"));
            }
        }
        // An attribute's value is the caller's data, kept as given even when empty
        // (livekit-server-sdk and the Go SDK keep such entries too).
        serde_json::Value::String(s) if !path.contains(".attributes.") => {
            assert!(!s.is_empty(), "{path} is empty")
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let now = r.now();
    let options = r.rest();
    match create_access_token("devkey", SECRET, options, now) {
        Ok(minted) => {
            assert_authentic(&minted.token, SECRET);
            let verified = verify_access_token(&minted.token, keys, VerifyOptions::at(now))
                .expect("a minted token verifies");
            assert_eq!(
                verified.json, minted.claims,
                "verified claims differ from the minted ones"
            );
            let claims: serde_json::Value = serde_json::from_str(&minted.claims).unwrap();
            assert_eq!(claims["iss"], "devkey");
            assert_eq!(claims["nbf"], now);
            only_set(&claims, "");
            // `roomConfig.egress` is kept as given, byte for byte (its members' order and
            // spacing included), so only options without one are reordered. serde_json
            // writes numbers back through f64 (`13000.000…0002` becomes `13000.0`, a
            // lifetime the core, rounding the exact decimal up, reads one second
            // shorter), so both orders are written by serde_json and compared with each
            // other, not with the original text.
            let value = serde_json::from_slice::<serde_json::Value>(options)
                .ok()
                .filter(|v| {
                    ["/roomConfig/egress", "/room_config/egress"]
                        .iter()
                        .all(|p| v.pointer(p).is_none())
                });
            if let Some(value) = value {
                // Which error comes first may follow the members' order; whether the
                // options mint, and the token they mint, may not.
                let outcome = |text: String| {
                    create_access_token("devkey", SECRET, text.as_bytes(), now)
                        .ok()
                        .map(|m| m.token)
                };
                let forward = outcome(value.to_string());
                assert_eq!(
                    outcome(reversed(&value)),
                    forward,
                    "the order of the options changed the token"
                );
                // With no number serde_json holds as an f64, its writing is exact: the
                // same token as the original text's.
                if !has_float(&value) {
                    assert_eq!(
                        forward.as_deref(),
                        Some(minted.token.as_str()),
                        "written again in another order, the options minted another token"
                    );
                }
            }
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_"));
            assert_no_leak(&e.to_string(), data);
        }
    }
});
