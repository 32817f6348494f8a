//! Property tests: minting and verifying round-trip for arbitrary claims, any
//! change to a token or a webhook body is caught, duration strings are exact.

use livekit_tavus_edge::claims::TRACK_SOURCES;
use livekit_tavus_edge::duration::{parse_duration, MAX_TTL_SECONDS};
use livekit_tavus_edge::token::create_access_token;
use livekit_tavus_edge::verify::{dangerous_decode_unverified, verify_access_token, VerifyOptions};
use livekit_tavus_edge::webhook::{receive_webhook, sign_webhook, WebhookOptions};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const KEY: &str = "APIprop";
const SECRET: &str = "a-property-test-secret-of-32-bytes!";

fn keys(iss: &str) -> Option<&'static str> {
    (iss == KEY).then_some(SECRET)
}

/// Printable text, non-ASCII included, up to `max` characters (≤ 256 bytes for max ≤ 64).
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Z0-9 _.:/{{}}\"\\\\é€🎙-]{{1,{max}}}")).unwrap()
}

fn flag() -> impl Strategy<Value = Option<bool>> {
    option::of(any::<bool>())
}

/// An object of the fields that are set.
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    let map: Map<String, Value> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    Value::Object(map)
}

fn b(f: Option<bool>) -> Option<Value> {
    f.map(Value::Bool)
}

fn s(t: Option<String>) -> Option<Value> {
    t.map(Value::String)
}

fn video() -> impl Strategy<Value = Value> {
    (
        (flag(), flag(), flag(), flag(), flag(), option::of(text(40))),
        (flag(), flag(), flag(), flag(), flag(), flag()),
        (flag(), flag(), flag(), flag(), option::of(text(40))),
        option::of(proptest::sample::subsequence(TRACK_SOURCES.to_vec(), 0..=4)),
    )
        .prop_map(|(a, bb, c, sources)| {
            object(vec![
                ("roomCreate", b(a.0)),
                ("roomList", b(a.1)),
                ("roomRecord", b(a.2)),
                ("roomAdmin", b(a.3)),
                // roomJoin needs an identity; the strategy below always gives one.
                ("roomJoin", b(a.4)),
                ("room", s(a.5)),
                ("canPublish", b(bb.0)),
                ("canSubscribe", b(bb.1)),
                ("canPublishData", b(bb.2)),
                ("canUpdateOwnMetadata", b(bb.3)),
                ("canSubscribeMetrics", b(bb.4)),
                ("canManageAgentSession", b(bb.5)),
                ("ingressAdmin", b(c.0)),
                ("hidden", b(c.1)),
                ("recorder", b(c.2)),
                ("agent", b(c.3)),
                ("destinationRoom", s(c.4)),
                ("canPublishSources", sources.map(|s| json!(s))),
            ])
        })
}

fn room_config() -> impl Strategy<Value = Value> {
    (
        option::of(text(40)),
        option::of(0u32..100_000),
        option::of(0u32..1000),
        option::of(vec(
            (
                option::of(text(20)),
                option::of(text(60)),
                option::of(btree_map(text(10), text(20), 0..3)),
            ),
            0..3,
        )),
        option::of(btree_map(text(10), text(10), 0..3)),
        flag(),
    )
        .prop_map(
            |(name, empty_timeout, max_participants, agents, tags, sync)| {
                object(vec![
                    ("name", s(name)),
                    ("emptyTimeout", empty_timeout.map(|n| json!(n))),
                    ("maxParticipants", max_participants.map(|n| json!(n))),
                    (
                        "agents",
                        agents.map(|a| {
                            Value::Array(
                                a.into_iter()
                                    .map(|(agent_name, metadata, attributes)| {
                                        object(vec![
                                            ("agentName", s(agent_name)),
                                            ("metadata", s(metadata)),
                                            ("attributes", attributes.map(|m| json!(m))),
                                        ])
                                    })
                                    .collect(),
                            )
                        }),
                    ),
                    ("tags", tags.map(|m| json!(m))),
                    ("syncStreams", b(sync)),
                ])
            },
        )
}

/// Options as the JS API sends them, and their lifetime in seconds.
fn options() -> impl Strategy<Value = (Value, i64)> {
    (
        (
            text(64),
            option::of(text(64)),
            option::of(text(200)),
            option::of(btree_map(text(20), text(40), 0..5)),
            option::of(proptest::sample::select(vec![
                "standard", "agent", "sip", "egress",
            ])),
            1i64..=MAX_TTL_SECONDS,
        ),
        (
            option::of(video()),
            option::of((flag(), flag())),
            option::of((flag(), flag(), flag(), flag())),
            option::of(flag()),
            option::of(flag()),
            option::of(text(20)),
            option::of(room_config()),
        ),
    )
        .prop_map(|(a, bb)| {
            let value = object(vec![
                ("identity", Some(json!(a.0))),
                ("name", s(a.1)),
                ("metadata", s(a.2)),
                ("attributes", a.3.map(|m| json!(m))),
                ("kind", a.4.map(|k| json!(k))),
                ("ttl", Some(json!(a.5))),
                ("video", bb.0),
                (
                    "sip",
                    bb.1.map(|(admin, call)| object(vec![("admin", b(admin)), ("call", b(call))])),
                ),
                (
                    "agent",
                    bb.2.map(|f| {
                        object(vec![
                            ("admin", b(f.0)),
                            ("simulationAdmin", b(f.1)),
                            ("databaseAdmin", b(f.2)),
                            ("dispatchAdmin", b(f.3)),
                        ])
                    }),
                ),
                ("inference", bb.3.map(|p| object(vec![("perform", b(p))]))),
                ("observability", bb.4.map(|w| object(vec![("write", b(w))]))),
                ("roomPreset", s(bb.5)),
                ("roomConfig", bb.6),
            ]);
            (value, a.5)
        })
}

fn payload(token: &str) -> Value {
    use base64::Engine;
    let p = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap(),
    )
    .unwrap()
}

/// The same object with every object's keys in reverse order.
fn reversed(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", json!(k), reversed(v)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(reversed).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// No plain flag is `false`, no string empty, no collection empty: only what was set.
fn only_set(value: &serde_json::Value, path: &str) -> Result<(), String> {
    const TRI_STATE: [&str; 6] = [
        "canPublish",
        "canSubscribe",
        "canPublishData",
        "canUpdateOwnMetadata",
        "canSubscribeMetrics",
        "canManageAgentSession",
    ];
    match value {
        serde_json::Value::Object(o) => {
            if o.is_empty() && !path.contains("agents[") {
                return Err(format!("{path} is an empty object"));
            }
            for (k, v) in o {
                if v == &serde_json::Value::Bool(false) && !TRI_STATE.contains(&k.as_str()) {
                    return Err(format!("{path}.{k} is a false plain flag"));
                }
                if path.starts_with(".roomConfig") && !path.contains("tags") && v == 0 {
                    return Err(format!("{path}.{k} is a zero default"));
                }
                only_set(v, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        serde_json::Value::Array(a) if a.is_empty() => Err(format!("{path} is an empty list")),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| only_set(v, &format!("{path}[{i}]"))),
        serde_json::Value::String(s) if s.is_empty() => Err(format!("{path} is empty")),
        _ => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn minted_tokens_verify_to_the_claims_they_carry((options, ttl) in options(), now in 0i64..4_000_000_000) {
        let minted = create_access_token(KEY, SECRET, options.to_string().as_bytes(), now).unwrap();
        prop_assert!(minted.warnings.is_empty());
        let carried = payload(&minted.token);
        prop_assert_eq!(&serde_json::from_str::<Value>(&minted.claims).unwrap(), &carried);
        let verified = verify_access_token(&minted.token, keys, VerifyOptions::at(now)).unwrap();
        prop_assert_eq!(&serde_json::from_str::<Value>(&verified.json).unwrap(), &carried);
        prop_assert_eq!(dangerous_decode_unverified(&minted.token).unwrap(), verified.clone());
        prop_assert_eq!((&carried["nbf"], &carried["exp"]), (&json!(now), &json!(now + ttl)));
        if let Err(why) = only_set(&carried, "") {
            prop_assert!(false, "{}", why);
        }
    }

    #[test]
    fn the_order_of_the_options_does_not_change_the_token((options, _) in options(), now in 0i64..4_000_000_000) {
        let a = create_access_token(KEY, SECRET, options.to_string().as_bytes(), now).unwrap();
        let b = create_access_token(KEY, SECRET, reversed(&options).as_bytes(), now).unwrap();
        prop_assert_eq!(a.token, b.token);
    }

    #[test]
    fn any_changed_byte_fails_verification((options, _) in options(), index in any::<prop::sample::Index>(), replacement in any::<u8>()) {
        let minted = create_access_token(KEY, SECRET, options.to_string().as_bytes(), 1_700_000_000).unwrap();
        let mut bytes = minted.token.clone().into_bytes();
        let i = index.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        if let Ok(tampered) = String::from_utf8(bytes) {
            prop_assert!(verify_access_token(&tampered, keys, VerifyOptions::at(1_700_000_000)).is_err());
        }
    }

    #[test]
    fn duration_strings_are_exact(n in 1u64..200_000, unit in proptest::sample::select(vec![
        ("s", 1u64), ("sec", 1), ("seconds", 1), ("m", 60), ("min", 60), ("minutes", 60),
        ("h", 3600), ("hrs", 3600), ("hours", 3600), ("d", 86_400), ("days", 86_400), ("w", 604_800),
    ]), space in proptest::bool::ANY) {
        let text = format!("{n}{}{}", if space { " " } else { "" }, unit.0);
        let seconds = n * unit.1;
        match parse_duration(&text) {
            Ok(parsed) => prop_assert_eq!(parsed as u64, seconds),
            Err(e) => {
                prop_assert!(seconds > MAX_TTL_SECONDS as u64, "{} refused: {}", text, e);
                prop_assert_eq!(e.code(), "ERR_INVALID_TTL");
            }
        }
    }

    #[test]
    fn webhook_bodies_round_trip_and_any_change_is_caught(
        name in text(40),
        event in proptest::sample::select(livekit_tavus_edge::webhook::EVENT_NAMES.to_vec()),
        created in 0i64..4_000_000_000,
        index in any::<prop::sample::Index>(),
    ) {
        let body = json!({"event": event, "room": {"name": name}, "createdAt": created.to_string()})
            .to_string();
        let auth = sign_webhook(body.as_bytes(), KEY, SECRET, 1_700_000_000).unwrap();
        let got = receive_webhook(body.as_bytes(), Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap();
        let got: Value = serde_json::from_str(&got).unwrap();
        prop_assert_eq!(&got["event"], &json!(event));
        prop_assert_eq!(&got["room"]["name"], &json!(name));
        prop_assert_eq!(&got["createdAt"], &json!(created.to_string()));
        let mut changed = body.into_bytes();
        let i = index.index(changed.len());
        changed[i] ^= 0x01;
        let err = receive_webhook(&changed, Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap_err();
        prop_assert_eq!(err.code(), "ERR_WEBHOOK_HASH_MISMATCH");
    }
}

#[test]
fn attribute_maps_keep_every_entry() {
    let attributes: Map<String, Value> = (0..50)
        .map(|i| (format!("k{i}"), json!(format!("v{i}"))))
        .collect();
    let options = json!({"identity": "a", "attributes": attributes});
    let minted = create_access_token(KEY, SECRET, options.to_string().as_bytes(), 1_000).unwrap();
    let claims = verify_access_token(&minted.token, keys, VerifyOptions::at(1_000)).unwrap();
    let claims: Value = serde_json::from_str(&claims.json).unwrap();
    assert_eq!(claims["attributes"], Value::Object(attributes));
}
