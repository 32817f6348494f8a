//! Property tests: minting and verifying round-trip for arbitrary claims, any
//! change to a token or a webhook body is caught, duration strings are exact.

use std::collections::BTreeMap;

use livekit_tavus_edge::claims::{
    AgentGrant, Claims, InferenceGrant, ObservabilityGrant, RoomAgentDispatch, RoomConfiguration,
    SipGrant, VideoGrant, TRACK_SOURCES,
};
use livekit_tavus_edge::duration::{parse_duration, MAX_TTL_SECONDS};
use livekit_tavus_edge::token::{create_access_token, TokenOptions, Ttl};
use livekit_tavus_edge::verify::{dangerous_decode_unverified, verify_access_token, VerifyOptions};
use livekit_tavus_edge::webhook::{receive_webhook, sign_webhook, WebhookOptions};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

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

fn video() -> impl Strategy<Value = VideoGrant> {
    (
        (flag(), flag(), flag(), flag(), flag(), option::of(text(40))),
        (flag(), flag(), flag(), flag(), flag(), flag()),
        (flag(), flag(), flag(), flag(), option::of(text(40))),
        option::of(proptest::sample::subsequence(TRACK_SOURCES.to_vec(), 0..=4)),
    )
        .prop_map(|(a, b, c, sources)| VideoGrant {
            room_create: a.0,
            room_list: a.1,
            room_record: a.2,
            room_admin: a.3,
            // roomJoin needs an identity; the strategy below always gives one.
            room_join: a.4,
            room: a.5,
            can_publish: b.0,
            can_subscribe: b.1,
            can_publish_data: b.2,
            can_update_own_metadata: b.3,
            can_subscribe_metrics: b.4,
            can_manage_agent_session: b.5,
            ingress_admin: c.0,
            hidden: c.1,
            recorder: c.2,
            agent: c.3,
            destination_room: c.4,
            can_publish_sources: sources.map(|s| s.into_iter().map(String::from).collect()),
        })
}

fn room_config() -> impl Strategy<Value = RoomConfiguration> {
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
            |(name, empty_timeout, max_participants, agents, tags, sync)| RoomConfiguration {
                name,
                empty_timeout,
                max_participants,
                agents: agents.map(|a| {
                    a.into_iter()
                        .map(|(agent_name, metadata, attributes)| RoomAgentDispatch {
                            agent_name,
                            metadata,
                            attributes,
                            ..Default::default()
                        })
                        .collect()
                }),
                tags,
                sync_streams: sync,
                ..Default::default()
            },
        )
}

fn options() -> impl Strategy<Value = TokenOptions> {
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
        .prop_map(|(a, b)| TokenOptions {
            identity: Some(a.0),
            name: a.1,
            metadata: a.2,
            attributes: a.3,
            kind: a.4.map(String::from),
            ttl: Some(Ttl::from(a.5)),
            video: b.0,
            sip: b.1.map(|(admin, call)| SipGrant { admin, call }),
            agent: b.2.map(|f| AgentGrant {
                admin: f.0,
                simulation_admin: f.1,
                database_admin: f.2,
                dispatch_admin: f.3,
            }),
            inference: b.3.map(|perform| InferenceGrant { perform }),
            observability: b.4.map(|write| ObservabilityGrant { write }),
            room_preset: b.5,
            room_config: b.6,
            ..Default::default()
        })
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
    fn minted_tokens_verify_to_the_claims_they_carry(options in options(), now in 0i64..4_000_000_000) {
        let ttl = match options.ttl { Some(Ttl::Seconds(s)) => s as i64, _ => unreachable!() };
        let minted = create_access_token(KEY, SECRET, options, now).unwrap();
        prop_assert!(minted.warnings.is_empty());
        let verified = verify_access_token(&minted.token, keys, VerifyOptions::at(now)).unwrap();
        prop_assert_eq!(&verified, &minted.claims);
        prop_assert_eq!(dangerous_decode_unverified(&minted.token).unwrap(), verified.clone());
        prop_assert_eq!((verified.nbf, verified.exp), (Some(now), Some(now + ttl)));
        let json = serde_json::to_value(&verified).unwrap();
        if let Err(why) = only_set(&json, "") {
            prop_assert!(false, "{}", why);
        }
    }

    #[test]
    fn options_read_from_json_mint_the_same_token(options in options(), now in 0i64..4_000_000_000) {
        // Serialise the options as the JS API would send them, read them back strictly.
        let mut value = serde_json::to_value(claims_as_options(&options)).unwrap();
        if let Some(Ttl::Seconds(s)) = options.ttl {
            value["ttl"] = serde_json::json!(s as i64);
        }
        let read = TokenOptions::from_json(&serde_json::to_vec(&value).unwrap()).unwrap();
        let a = create_access_token(KEY, SECRET, options, now).unwrap();
        let b = create_access_token(KEY, SECRET, read, now).unwrap();
        prop_assert_eq!(a.token, b.token);
    }

    #[test]
    fn any_changed_byte_fails_verification(options in options(), index in any::<prop::sample::Index>(), replacement in any::<u8>()) {
        let minted = create_access_token(KEY, SECRET, options, 1_700_000_000).unwrap();
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
        let body = serde_json::json!({"event": event, "room": {"name": name}, "createdAt": created.to_string()})
            .to_string();
        let auth = sign_webhook(body.as_bytes(), KEY, SECRET, 1_700_000_000).unwrap();
        let got = receive_webhook(body.as_bytes(), Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap();
        prop_assert_eq!(got.event.as_str(), event);
        prop_assert_eq!(got.room.unwrap().name.unwrap(), name);
        prop_assert_eq!(got.created_at, Some(created));
        let mut changed = body.into_bytes();
        let i = index.index(changed.len());
        changed[i] ^= 0x01;
        let err = receive_webhook(&changed, Some(&auth), keys, WebhookOptions::at(1_700_000_000)).unwrap_err();
        prop_assert_eq!(err.code(), "ERR_WEBHOOK_HASH_MISMATCH");
    }
}

/// The JS-API option object for `options` (the claims model's camelCase plus `identity`).
fn claims_as_options(options: &TokenOptions) -> serde_json::Value {
    let claims = Claims {
        iss: String::new(),
        sub: None,
        name: options.name.clone(),
        kind: options.kind.clone(),
        metadata: options.metadata.clone(),
        attributes: options.attributes.clone(),
        video: options.video.clone(),
        sip: options.sip.clone(),
        agent: options.agent.clone(),
        inference: options.inference.clone(),
        observability: options.observability.clone(),
        room_preset: options.room_preset.clone(),
        room_config: options.room_config.clone(),
        ..Default::default()
    };
    let mut value = serde_json::to_value(claims).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("iss");
    if let Some(identity) = &options.identity {
        object.insert("identity".into(), identity.clone().into());
    }
    value
}

#[test]
fn attribute_maps_keep_every_entry() {
    let attributes: BTreeMap<String, String> = (0..50)
        .map(|i| (format!("k{i}"), format!("v{i}")))
        .collect();
    let options = TokenOptions {
        identity: Some("a".into()),
        attributes: Some(attributes.clone()),
        ..Default::default()
    };
    let minted = create_access_token(KEY, SECRET, options, 1_000).unwrap();
    let claims = verify_access_token(&minted.token, keys, VerifyOptions::at(1_000)).unwrap();
    assert_eq!(claims.attributes, Some(attributes));
}
