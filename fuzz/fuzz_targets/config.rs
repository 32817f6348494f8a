//! Environment settings (`config::load_settings`, `config::validate_env`).
//!
//! Input: lines `<name byte><value>`; the name byte picks one of the variables
//! the functions read (or an unknown one). Oracles: the report is the one
//! `validate_env` gives; every problem has an `ERR_CONFIG_` code; and no secret
//! reaches the output: a marker prefixed to every secret value never appears,
//! and changing the secrets' content (same kind of value) changes nothing in the
//! serialised settings and report.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::config::*;

const NAMES: [&str; 38] = [
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
    LIVEKIT_WS_URL,
    TAVUS_API_KEY,
    AUTH_JWT_SECRET,
    AUTH_JWT_ISSUER,
    ALLOW_ANONYMOUS_USERS,
    SUPABASE_URL,
    SUPABASE_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY,
    SUPABASE_JWKS,
    AVATAR_MODE,
    AGENT_NAME,
    TOKEN_ALLOWED_AGENTS,
    TOKEN_ALLOW_CLIENT_IDENTITY,
    TOKEN_ALLOW_CLIENT_ROOM_NAME,
    TOKEN_TTL_SECONDS,
    DEFAULT_SCENARIO_ID,
    AVATAR_IDENTITY,
    AVATAR_PUBLISH_ON_BEHALF,
    MAX_LIVE_SESSIONS_PER_USER,
    RATE_LIMIT_PER_MINUTE,
    CORS_ALLOWED_ORIGINS,
    SECRETS_SOURCE,
    SECRETS_CACHE_SECONDS,
    SCENARIO_CACHE_SECONDS,
    UPSTREAM_TIMEOUT_MS,
    TAVUS_API_URL,
    TAVUS_TEST_MODE,
    TAVUS_CALLBACK_SECRET,
    FUNCTIONS_BASE_URL,
    END_ON_PARTICIPANT_LEFT,
    DELETE_ROOM_ON_END,
    LOG_LEVEL,
    "LIVEKIT_URL",
    "PATH",
    "livekit_api_secret",
    "",
];

const SECRETS: [&str; 5] = [
    LIVEKIT_API_SECRET,
    AUTH_JWT_SECRET,
    TAVUS_API_KEY,
    TAVUS_CALLBACK_SECRET,
    SUPABASE_SERVICE_ROLE_KEY,
];

const MARKER: &str = "Zq9xMARK";

/// Another value of the same kind: same emptiness, same surrounding whitespace,
/// same control characters, on the same side of the length thresholds, but
/// other letters and digits (and, when long, one byte longer).
fn variant(v: &str) -> String {
    let mapped: String = v
        .chars()
        .map(|c| match c {
            'a'..='y' | 'A'..='Y' | '0'..='8' => (c as u8 + 1) as char,
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            c => c,
        })
        .collect();
    if mapped.len() >= 40 && mapped.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!("Q{mapped}")
    } else {
        mapped
    }
}

fn output(env: &BTreeMap<String, String>) -> String {
    let loaded = load_settings(env);
    assert_eq!(validate_env(env), loaded.report, "validate_env disagrees");
    for p in &loaded.report.problems {
        assert!(p.code.starts_with("ERR_CONFIG_"), "problem code {}", p.code);
    }
    let json = loaded.to_json();
    serde_json::from_str::<serde_json::Value>(&json).expect("settings are JSON");
    json
}

fuzz_target!(|data: &[u8]| {
    let mut env = BTreeMap::new();
    for line in data.split(|&b| b == b'\n') {
        let Some((&name, value)) = line.split_first() else {
            continue;
        };
        let name = NAMES[usize::from(name) % NAMES.len()];
        let value = String::from_utf8_lossy(value).into_owned();
        env.insert(name.to_owned(), value);
    }
    let out = output(&env);

    // Marked secrets never come out, whatever the rest of the environment says.
    let mut marked = env.clone();
    for name in SECRETS {
        if let Some(v) = marked.get_mut(name) {
            *v = format!("{MARKER}{v}");
        }
    }
    let others_clean = env
        .iter()
        .filter(|(k, _)| !SECRETS.contains(&k.as_str()))
        .all(|(_, v)| !v.contains("Zq9"));
    if others_clean {
        assert!(
            !output(&marked).contains(MARKER),
            "a secret value reached the output"
        );
    }

    // Non-interference: other secret content (and length) yields the same output.
    let mut changed = env.clone();
    for name in SECRETS {
        if let Some(v) = changed.get_mut(name) {
            *v = variant(v);
        }
    }
    assert_eq!(
        output(&changed),
        out,
        "the output depends on a secret's content"
    );
});
