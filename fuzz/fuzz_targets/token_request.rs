//! The token endpoint's policy (`policy::Policy::plan` and `mint`): request
//! bodies of any shape against deployments with each relaxation on or off.
//!
//! Input: `bits, now, rest`: `bits` picks the settings (client identity, client
//! room names, allowed agents, avatar mode), `rest` is the request body. Oracles:
//! a refusal has an `ERR_` code and a 4xx/5xx status and echoes no secret; a
//! plan names the caller as identity unless client identities are allowed, keeps
//! `lk.` attributes out and agents out of the user's token, dispatches only
//! allowed agents, and its token mints and verifies with exactly the planned
//! identity, room and grants, never outliving its session.
#![no_main]

mod common;

use std::collections::BTreeMap;

use common::*;
use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::policy::Policy;
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};

const USER: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const ROW: &str = r#"{"scenario_id":"casual-conversation","display_name":"Casual","replica_id":"r6ae5b6efc9d","persona_id":"p2fbd605ade0","language":"english","prompt":"Be kind.","max_call_duration_seconds":600,"agent_name":"tutor"}"#;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let bits = r.byte();
    let now = r.now();
    let body = String::from_utf8_lossy(r.rest()).into_owned();
    let mut env = BTreeMap::from([
        ("LIVEKIT_API_KEY".to_string(), "devkey".to_string()),
        ("LIVEKIT_API_SECRET".to_string(), SECRET.to_string()),
        (
            "LIVEKIT_WS_URL".to_string(),
            "ws://127.0.0.1:7880".to_string(),
        ),
        ("AUTH_JWT_SECRET".to_string(), SECRET2.to_string()),
        (
            "AVATAR_MODE".to_string(),
            ["direct", "agent", "none"][usize::from(bits % 3)].to_string(),
        ),
    ]);
    let allow_identity = bits & 4 != 0;
    let allow_room = bits & 8 != 0;
    if allow_identity {
        env.insert("TOKEN_ALLOW_CLIENT_IDENTITY".into(), "true".into());
    }
    if allow_room {
        env.insert("TOKEN_ALLOW_CLIENT_ROOM_NAME".into(), "true".into());
    }
    if bits & 16 != 0 {
        env.insert("TOKEN_ALLOWED_AGENTS".into(), "helper".into());
    }
    let mut policy = Policy::new(&env);
    let query = (bits & 32 != 0).then_some("casual-conversation");
    let row = (bits & 64 == 0).then_some(ROW.as_bytes());
    match policy.plan(USER, &body, query, now, Some(row)) {
        Ok(Ok(plan)) => {
            let plan: serde_json::Value = serde_json::from_str(&plan).expect("a plan is JSON");
            let identity = plan["identity"].as_str().unwrap();
            assert!(
                allow_identity || identity == USER,
                "another identity without the setting"
            );
            let room = "avatar-0123456789abcdef0123456789abcdef";
            let not_after = (bits & 128 != 0).then_some(now + 30);
            let minted = policy
                .mint(plan["mint"].as_str().unwrap(), room, now, not_after)
                .expect("a planned token mints");
            let token = minted.token;
            assert!(minted.expires_at > now, "a token that is born expired");
            assert!(
                not_after.is_none_or(|end| minted.expires_at <= end),
                "outlives its session"
            );
            assert_authentic(&token, SECRET);
            let claims = verify_access_token(&token, keys, VerifyOptions::at(now)).unwrap();
            let c: serde_json::Value = serde_json::from_str(&claims.json).unwrap();
            assert_eq!(c["sub"], identity);
            assert_eq!(c["exp"], minted.expires_at);
            assert_eq!(c["video"]["room"], room);
            assert_eq!(c["video"]["roomJoin"], true);
            assert!(c.get("roomConfig").is_none(), "agents in the user's token");
            if let Some(attrs) = c["attributes"].as_object() {
                assert!(attrs
                    .keys()
                    .all(|k| !k.to_ascii_lowercase().starts_with("lk.")));
            }
            if let Some(dispatch) = plan["dispatch"].as_str() {
                let agents = policy
                    .agents(dispatch, "session-1")
                    .expect("planned agents");
                let agents: serde_json::Value = serde_json::from_str(&agents).unwrap();
                for a in agents.as_array().unwrap() {
                    let name = a["agentName"].as_str().unwrap();
                    assert!(["tutor", "helper"].contains(&name), "dispatched {name}");
                }
            }
            if let Some(avatar) = plan["avatar_mint"].as_str() {
                let minted = policy
                    .mint(avatar, room, now, None)
                    .expect("the avatar's token mints");
                assert_authentic(&minted.token, SECRET);
            }
        }
        Ok(Err(id)) => panic!("asked to load scenario {id} it was given"),
        Err(e) => {
            assert!(e.code().starts_with("ERR_"), "code {}", e.code());
            assert!((400..600).contains(&e.status()), "status {}", e.status());
            assert_no_leak(&e.to_string(), data);
        }
    }
});
