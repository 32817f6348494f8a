//! Minting from options JSON (`token::create_access_token`: the strict schema
//! reader, normalisation, limits and the claim writer).
//!
//! Input: `now, rest`, `rest` read as the options' JSON text. Oracles: an
//! accepted option set mints a token that verifies (with the `hmac` crate's MAC
//! recomputed independently) to exactly the claims JSON the core returned, whose
//! payload has no `false` plain flag, no empty string and no empty collection;
//! the same options with their members in another order mint the same token
//! (unless they carry `roomConfig.egress`, kept as given); a refusal has a code
//! and never echoes the secret.
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
            assert!(!o.is_empty() || path.contains("agents["), "{path} is an empty object");
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
        serde_json::Value::String(s) => assert!(!s.is_empty(), "{path} is empty"),
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
            assert_eq!(verified.json, minted.claims, "verified claims differ from the minted ones");
            let claims: serde_json::Value = serde_json::from_str(&minted.claims).unwrap();
            assert_eq!(claims["iss"], "devkey");
            assert_eq!(claims["nbf"], now);
            only_set(&claims, "");
            // `roomConfig.egress` is kept as given, byte for byte (its members' order and
            // spacing included), so only options without one are reordered.
            let value = serde_json::from_slice::<serde_json::Value>(options).ok().filter(|v| {
                ["/roomConfig/egress", "/room_config/egress"].iter().all(|p| v.pointer(p).is_none())
            });
            if let Some(value) = value {
                let again = create_access_token("devkey", SECRET, reversed(&value).as_bytes(), now)
                    .expect("the same options in another order mint");
                assert_eq!(again.token, minted.token, "the order of the options changed the token");
            }
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_"));
            assert_no_leak(&e.to_string(), data);
        }
    }
});
