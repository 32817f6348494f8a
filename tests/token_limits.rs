//! Size limits and inputs JSON vectors cannot carry (large values, non-finite numbers),
//! plus the guarantees about error messages and key rotation.

use std::collections::BTreeMap;

use livekit_tavus_edge::claims::{MAX_ATTRIBUTES_BYTES, MAX_METADATA_BYTES};
use livekit_tavus_edge::duration::{ttl_seconds, Ttl};
use livekit_tavus_edge::jws::{sign_hs256, HmacKey, MAX_TOKEN_BYTES};
use livekit_tavus_edge::server_api::{room_service_methods, room_service_request, service_of};
use livekit_tavus_edge::token::create_access_token;
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
use livekit_tavus_edge::webhook::{
    receive_webhook, sign_webhook, WebhookOptions, MAX_WEBHOOK_BODY_BYTES,
};
use serde_json::{json, Value};

const KEY: &str = "APIlimits";
const SECRET: &str = "a-limits-test-secret-of-32-bytes!!";
const NOW: i64 = 1_700_000_000;

fn code<T: std::fmt::Debug>(r: livekit_tavus_edge::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn mint(options: Value) -> livekit_tavus_edge::Result<String> {
    create_access_token(KEY, SECRET, options.to_string().as_bytes(), NOW).map(|m| m.token)
}

fn claims(json: &str) -> Value {
    serde_json::from_str(json).unwrap()
}

#[test]
fn metadata_limit_is_512_kib() {
    let at = |n: usize| json!({ "metadata": "m".repeat(n) });
    assert!(mint(at(MAX_METADATA_BYTES)).is_ok());
    assert_eq!(
        code(mint(at(MAX_METADATA_BYTES + 1))),
        "ERR_GRANT_METADATA_TOO_LARGE"
    );
}

#[test]
fn attributes_limit_is_64_kib_in_total() {
    // Keys count too: 2 keys of 1 byte plus values.
    let at = |n: usize| json!({ "attributes": { "a": "x".repeat(n / 2), "b": "y".repeat(n - n / 2 - 2) } });
    assert!(mint(at(MAX_ATTRIBUTES_BYTES)).is_ok());
    assert_eq!(
        code(mint(at(MAX_ATTRIBUTES_BYTES + 1))),
        "ERR_GRANT_ATTRIBUTES_TOO_LARGE"
    );
}

#[test]
fn tokens_over_1_mib_are_refused_before_any_work() {
    let payload = format!(
        r#"{{"iss":"{KEY}","exp":{},"metadata":"{}"}}"#,
        NOW + 60,
        "x".repeat(MAX_TOKEN_BYTES)
    );
    let token = sign_hs256(payload.as_bytes(), &HmacKey::new(SECRET.as_bytes()));
    let keys = |iss: &str| (iss == KEY).then_some(SECRET);
    assert_eq!(
        code(verify_access_token(&token, keys, VerifyOptions::at(NOW))),
        "ERR_TOKEN_TOO_LARGE"
    );
    // Minting never produces a token this core would refuse.
    let huge = json!({
        "metadata": "m".repeat(MAX_METADATA_BYTES),
        "roomConfig": { "metadata": "r".repeat(MAX_TOKEN_BYTES) },
    });
    assert_eq!(code(mint(huge)), "ERR_TOKEN_TOO_LARGE");
}

#[test]
fn webhook_bodies_over_1_mib_are_refused() {
    let body = vec![b' '; MAX_WEBHOOK_BODY_BYTES + 1];
    let auth = sign_webhook(&body, KEY, SECRET, NOW).unwrap();
    let keys = |iss: &str| (iss == KEY).then_some(SECRET);
    assert_eq!(
        code(receive_webhook(
            &body,
            Some(&auth),
            keys,
            WebhookOptions::at(NOW)
        )),
        "ERR_WEBHOOK_BODY_TOO_LARGE"
    );
}

#[test]
fn non_finite_and_out_of_range_lifetimes_are_refused_not_replaced() {
    for ttl in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        -1.0,
        1e300,
    ] {
        assert_eq!(
            code(ttl_seconds(Some(&Ttl::Seconds(ttl)))),
            "ERR_INVALID_TTL",
            "{ttl}"
        );
    }
    // What JSON can carry goes through the options the same way.
    for ttl in ["0", "-0", "-1", "1e300", "0.0", "604800.000000001"] {
        let options = format!(r#"{{"ttl":{ttl}}}"#);
        assert_eq!(
            code(create_access_token(KEY, SECRET, options.as_bytes(), NOW)),
            "ERR_INVALID_TTL",
            "{ttl}"
        );
    }
    // Exactly, not through a float: a hair above a whole second rounds up.
    let minted = create_access_token(KEY, SECRET, br#"{"ttl":600.0000000000000001}"#, NOW).unwrap();
    assert_eq!(claims(&minted.claims)["exp"], NOW + 601);
    let minted = create_access_token(KEY, SECRET, br#"{"ttl":6e2}"#, NOW).unwrap();
    assert_eq!(claims(&minted.claims)["exp"], NOW + 600);
}

#[test]
fn clock_outside_the_jwt_range_is_refused() {
    assert_eq!(
        code(create_access_token(KEY, SECRET, b"{}", -1)),
        "ERR_INVALID_INPUT"
    );
    assert_eq!(
        code(create_access_token(KEY, SECRET, b"{}", 1 << 53)),
        "ERR_INVALID_INPUT"
    );
}

#[test]
fn key_rotation_accepts_both_keys_and_nothing_else() {
    let keys = BTreeMap::from([
        (
            "APIold".to_string(),
            "old-secret-old-secret-old-secret!!".to_string(),
        ),
        (
            "APInew".to_string(),
            "new-secret-new-secret-new-secret!!".to_string(),
        ),
    ]);
    for (key, secret) in &keys {
        let token = create_access_token(key, secret, b"{}", NOW).unwrap().token;
        let verified =
            verify_access_token(&token, |iss| keys.get(iss), VerifyOptions::at(NOW)).unwrap();
        assert_eq!(claims(&verified.json)["iss"], json!(key));
    }
    // A token whose iss names one key but is signed with the other is refused.
    let forged = create_access_token("APIold", &keys["APInew"], b"{}", NOW)
        .unwrap()
        .token;
    assert_eq!(
        code(verify_access_token(
            &forged,
            |iss| keys.get(iss),
            VerifyOptions::at(NOW)
        )),
        "ERR_TOKEN_SIGNATURE"
    );
}

#[test]
fn no_error_message_contains_the_secret_or_the_token() {
    let secret = "s3cr3t-value-that-must-never-appear-anywhere";
    let token = create_access_token(KEY, secret, b"{}", NOW).unwrap().token;
    let wrong = |iss: &str| (iss == KEY).then_some("another-secret-value-entirely-xxxxx");
    let messages = [
        verify_access_token(&token, wrong, VerifyOptions::at(NOW))
            .unwrap_err()
            .to_string(),
        verify_access_token(&token, |_| Some(secret), VerifyOptions::at(NOW + 99_999))
            .unwrap_err()
            .to_string(),
        receive_webhook(
            b"{}",
            Some(&token),
            |_| Some(secret),
            WebhookOptions::at(NOW),
        )
        .unwrap_err()
        .to_string(),
        create_access_token(KEY, secret, br#"{"ttl":"forever"}"#, NOW)
            .unwrap_err()
            .to_string(),
    ];
    for m in &messages {
        assert!(!m.contains(secret) && !m.contains(&token), "{m}");
        assert!(!m.contains(&secret.len().to_string()), "{m}");
    }
}

#[test]
fn claim_type_errors_do_not_echo_claim_values() {
    let payload = format!(r#"{{"iss":"{KEY}","exp":"private-value-123","sub":"x"}}"#);
    let token = sign_hs256(payload.as_bytes(), &HmacKey::new(SECRET.as_bytes()));
    let err = verify_access_token(&token, |_| Some(SECRET), VerifyOptions::at(NOW)).unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_CLAIMS");
    assert!(!err.to_string().contains("private-value-123"), "{err}");
}

#[test]
fn claim_type_errors_are_reported_only_for_authentic_tokens() {
    // A forged token with a bad claim type gets the signature error, not the claim error.
    let payload = format!(r#"{{"iss":"{KEY}","exp":"soon"}}"#);
    let token = sign_hs256(payload.as_bytes(), &HmacKey::new(b"not-the-secret"));
    let err = verify_access_token(&token, |_| Some(SECRET), VerifyOptions::at(NOW)).unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_SIGNATURE");
}

#[test]
fn every_room_service_method_carries_only_its_grant() {
    let body = r#"{"room":"r1","identity":"ada","name":"r1","destinationRoom":"r2","trackSid":"TR_1","agentName":"tutor","dispatchId":"AD_1"}"#;
    let keys = |iss: &str| (iss == KEY).then_some(SECRET);
    for method in room_service_methods() {
        let req = room_service_request(
            method,
            "wss://x.livekit.cloud/",
            KEY,
            SECRET,
            Some(body),
            NOW,
        )
        .unwrap();
        let service = if method.ends_with("Dispatch") {
            "AgentDispatchService"
        } else {
            "RoomService"
        };
        assert_eq!(service_of(method), Some(service));
        assert_eq!(
            req.url,
            format!("https://x.livekit.cloud/twirp/livekit.{service}/{method}")
        );
        let request: Value = serde_json::from_str(&req.to_json()).unwrap();
        assert_eq!(request["method"], "POST");
        assert_eq!(request["headers"]["Content-Type"], "application/json");
        assert_eq!(req.body, body);
        let token = req.authorization.strip_prefix("Bearer ").unwrap();
        let c = claims(
            &verify_access_token(token, keys, VerifyOptions::at(NOW))
                .unwrap()
                .json,
        );
        assert_eq!((&c["nbf"], &c["exp"]), (&json!(NOW), &json!(NOW + 600)));
        assert_eq!(c.get("sub"), None);
        let expected = match method {
            "ListRooms" => json!({"roomList": true}),
            "CreateRoom" | "DeleteRoom" => json!({"roomCreate": true}),
            "MoveParticipant" | "ForwardParticipant" => {
                json!({"roomAdmin": true, "room": "r1", "destinationRoom": "r2"})
            }
            _ => json!({"roomAdmin": true, "room": "r1"}),
        };
        assert_eq!(c["video"], expected, "{method}");
    }
}

#[test]
fn room_service_requests_check_their_body() {
    let req = |method: &str, body: Option<&str>| {
        room_service_request(method, "wss://x.livekit.cloud", KEY, SECRET, body, NOW)
    };
    assert_eq!(req("ListRooms", None).unwrap().body, "{}");
    assert_eq!(
        code(req("RemoveParticipant", Some(r#"{"room":"r"}"#))),
        "ERR_SERVER_API_BODY"
    );
    assert_eq!(
        code(req(
            "RemoveParticipant",
            Some(r#"{"room":"r","identity":""}"#)
        )),
        "ERR_SERVER_API_BODY"
    );
    assert_eq!(
        code(req("DeleteRoom", Some(r#"{"room":5}"#))),
        "ERR_SERVER_API_BODY"
    );
    assert_eq!(code(req("DeleteRoom", Some("[]"))), "ERR_SERVER_API_BODY");
    assert_eq!(code(req("DeleteRoom", Some("{"))), "ERR_SERVER_API_BODY");
    assert_eq!(
        code(req(
            "MoveParticipant",
            Some(r#"{"room":"a","identity":"b"}"#)
        )),
        "ERR_SERVER_API_BODY"
    );
    // Proto field names are accepted.
    let moved = req(
        "MoveParticipant",
        Some(r#"{"room":"a","identity":"b","destination_room":"c"}"#),
    )
    .unwrap();
    assert!(moved.url.ends_with("/MoveParticipant"));
    assert_eq!(code(req("DropAllTables", None)), "ERR_SERVER_API_METHOD");
    assert_eq!(code(req("listrooms", None)), "ERR_SERVER_API_METHOD");
    let long_room = format!(r#"{{"room":"{}"}}"#, "r".repeat(257));
    assert_eq!(
        code(req("ListParticipants", Some(&long_room))),
        "ERR_GRANT_TOO_LONG"
    );
    assert_eq!(
        code(room_service_request(
            "ListRooms",
            "wss://x",
            KEY,
            "",
            None,
            NOW
        )),
        "ERR_KEY_MISSING"
    );
    assert_eq!(
        code(room_service_request(
            "ListRooms",
            "gopher://x",
            KEY,
            SECRET,
            None,
            NOW
        )),
        "ERR_SERVER_API_URL"
    );
}

#[test]
fn agent_dispatch_requests_name_their_service_and_need_room_and_agent() {
    let req = |method: &str, body: &str| {
        room_service_request(
            method,
            "wss://x.livekit.cloud",
            KEY,
            SECRET,
            Some(body),
            NOW,
        )
    };
    let created = req(
        "livekit.AgentDispatchService/CreateDispatch",
        r#"{"room":"r1","agent_name":"tutor","metadata":"{}"}"#,
    )
    .unwrap();
    assert_eq!(
        created.url,
        "https://x.livekit.cloud/twirp/livekit.AgentDispatchService/CreateDispatch"
    );
    assert_eq!(
        code(req("CreateDispatch", r#"{"room":"r1"}"#)),
        "ERR_SERVER_API_BODY"
    );
    assert_eq!(
        code(req("DeleteDispatch", r#"{"room":"r1"}"#)),
        "ERR_SERVER_API_BODY"
    );
    // A method under the other service's name is refused, not sent to the wrong URL.
    assert_eq!(
        code(req(
            "livekit.RoomService/CreateDispatch",
            r#"{"room":"r1","agentName":"a"}"#
        )),
        "ERR_SERVER_API_METHOD"
    );
    assert_eq!(
        code(req(
            "livekit.AgentDispatchService/DeleteRoom",
            r#"{"room":"r1"}"#
        )),
        "ERR_SERVER_API_METHOD"
    );
}
