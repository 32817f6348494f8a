//! Scenario validation (`scenario::validate_scenario`, `check_scenario_id`,
//! `is_tavus_id`, `is_agent_name`, `auth::is_uuid`, `dispatch_metadata`).
//!
//! Input: `mode, rest`. Mode 0 reads `rest` as a scenario row in JSON; mode 1
//! builds one from NUL-separated fields (so the fuzzer reaches every rule);
//! mode 2 checks `rest` as an id against small reference implementations of the
//! documented patterns. Oracles: the validator agrees with the references, a
//! valid scenario's dispatch metadata is JSON carrying its fields, and an error
//! message never carries the prompt.
#![no_main]

use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::auth::is_uuid;
use livekit_tavus_edge::scenario::*;

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 bytes, as a state machine.
fn ref_scenario_id(s: &str) -> bool {
    let mut after_char = false;
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' => after_char = true,
            b'-' if after_char => after_char = false,
            _ => return false,
        }
    }
    after_char && s.len() <= 64
}

/// `^<prefix>[0-9a-z]{2,63}$`.
fn ref_tavus_id(s: &str, prefix: u8) -> bool {
    let b = s.as_bytes();
    b.first() == Some(&prefix)
        && (3..=64).contains(&b.len())
        && b[1..]
            .iter()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9'))
}

/// `^[A-Za-z0-9_.-]{1,128}$`.
fn ref_agent_name(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|c| matches!(c, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-'))
}

/// 8-4-4-4-12 hexadecimal digits.
fn ref_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

fn check_ids(s: &str) {
    assert_eq!(is_scenario_id(s), ref_scenario_id(s), "scenario id {s:?}");
    assert_eq!(check_scenario_id(s).is_ok(), ref_scenario_id(s));
    assert_eq!(
        is_tavus_id(s, 'r'),
        ref_tavus_id(s, b'r'),
        "replica id {s:?}"
    );
    assert_eq!(
        is_tavus_id(s, 'p'),
        ref_tavus_id(s, b'p'),
        "persona id {s:?}"
    );
    assert_eq!(is_agent_name(s), ref_agent_name(s), "agent name {s:?}");
    assert_eq!(is_uuid(s), ref_uuid(s), "uuid {s:?}");
}

fn check(s: &Scenario) {
    match validate_scenario(s) {
        Ok(()) => {
            assert!(ref_scenario_id(&s.scenario_id));
            assert!(ref_tavus_id(&s.replica_id, b'r'));
            assert!(s
                .persona_id
                .as_deref()
                .is_none_or(|p| ref_tavus_id(p, b'p')));
            assert!(TAVUS_LANGUAGES.contains(&s.language.as_str()));
            assert!((1..=100).contains(&s.display_name.chars().count()));
            assert!((1..=10_000).contains(&s.prompt.chars().count()));
            assert!(s
                .greeting
                .as_deref()
                .is_none_or(|g| g.chars().count() <= 1_000));
            assert!((60..=3_600).contains(&s.max_call_duration_seconds));
            assert!(s.agent_name.as_deref().is_none_or(ref_agent_name));
            let meta = dispatch_metadata(s, Some("session"), Some("{\"x\":1}"));
            let v: serde_json::Value = serde_json::from_str(&meta).expect("metadata is JSON");
            assert_eq!(v["scenario_id"], s.scenario_id.as_str());
            assert_eq!(v["replica_id"], s.replica_id.as_str());
            assert_eq!(v["prompt"], s.prompt.as_str());
            assert_eq!(v["max_call_duration"], s.max_call_duration_seconds);
        }
        Err(e) => {
            assert!(e.code().starts_with("ERR_SCENARIO_"), "code {}", e.code());
            if s.prompt.len() > 70 {
                assert!(!e.to_string().contains(&s.prompt), "the prompt is echoed");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok(s) = Scenario::from_json(rest) {
                check(&s);
                // What the core writes, it reads back the same.
                assert_eq!(Scenario::from_json(s.to_json().as_bytes()).unwrap(), s);
            }
        }
        1 => {
            let mut f = rest
                .split(|&b| b == 0)
                .map(|b| String::from_utf8_lossy(b).into_owned());
            let mut next = || f.next().unwrap_or_default();
            let opt = |s: String| (!s.is_empty()).then_some(s);
            let duration_field = next();
            let s = Scenario {
                scenario_id: next(),
                display_name: next(),
                replica_id: next(),
                persona_id: opt(next()),
                language: next(),
                prompt: next(),
                greeting: opt(next()),
                max_call_duration_seconds: duration_field
                    .bytes()
                    .fold(0i64, |a, b| a.wrapping_mul(31).wrapping_add(i64::from(b)))
                    % 4_000,
                agent_name: opt(next()),
                enabled: mode & 4 == 0,
            };
            check(&s);
        }
        _ => check_ids(&String::from_utf8_lossy(rest)),
    }
});
