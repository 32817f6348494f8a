//! Avatar scenarios (`public.avatar_configs` rows): validation and the agent
//! dispatch metadata built from them.
//!
//! The rules are the table's check constraints, so a row the database accepts
//! is a scenario the functions accept, and the embedded defaults are held to
//! the same rules as the table.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Tavus conversation languages: full lower-case names, as `properties.language`
/// takes them. The same list as the `avatar_configs_language_supported` check.
pub const TAVUS_LANGUAGES: [&str; 33] = [
    "arabic",
    "bulgarian",
    "chinese",
    "croatian",
    "czech",
    "danish",
    "dutch",
    "english",
    "filipino",
    "finnish",
    "french",
    "german",
    "greek",
    "hindi",
    "hungarian",
    "indonesian",
    "italian",
    "japanese",
    "korean",
    "malay",
    "norwegian",
    "polish",
    "portuguese",
    "romanian",
    "russian",
    "slovak",
    "spanish",
    "swedish",
    "tamil",
    "turkish",
    "ukrainian",
    "vietnamese",
    "multilingual",
];

/// Longest scenario id, in characters.
pub const MAX_SCENARIO_ID_CHARS: usize = 64;
/// Longest prompt, in characters.
pub const MAX_PROMPT_CHARS: usize = 10_000;
/// Longest greeting, in characters.
pub const MAX_GREETING_CHARS: usize = 1_000;
/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// Shortest allowed `max_call_duration_seconds`.
pub const MIN_CALL_SECONDS: i64 = 60;
/// Longest allowed `max_call_duration_seconds` (Tavus' own default is 3600).
pub const MAX_CALL_SECONDS: i64 = 3_600;

fn default_language() -> String {
    "english".to_owned()
}

fn default_duration() -> i64 {
    1_800
}

fn default_enabled() -> bool {
    true
}

/// One scenario, as stored in `public.avatar_configs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// Slug, `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters.
    pub scenario_id: String,
    /// Human name, 1..100 characters.
    pub display_name: String,
    /// Tavus replica (face) id, `^r[0-9a-z]{2,63}$`.
    pub replica_id: String,
    /// Tavus persona (PAL) id, `^p[0-9a-z]{2,63}$`.
    #[serde(default)]
    pub persona_id: Option<String>,
    /// Tavus language name, one of [`TAVUS_LANGUAGES`].
    #[serde(default = "default_language")]
    pub language: String,
    /// The conversational context given to the avatar, 1..10000 characters.
    pub prompt: String,
    /// What the avatar says first, at most 1000 characters.
    #[serde(default)]
    pub greeting: Option<String>,
    /// Hard cap on the conversation, 60..3600 seconds.
    #[serde(default = "default_duration")]
    pub max_call_duration_seconds: i64,
    /// LiveKit agent dispatched in agent mode, `^[A-Za-z0-9_.-]{1,128}$`.
    #[serde(default)]
    pub agent_name: Option<String>,
    /// Disabled scenarios are treated as unknown.
    #[serde(default = "default_enabled")]
    pub enabled: bool,
}

/// Whether `id` is a scenario slug: lower-case letters and digits in groups
/// joined by single hyphens, at most 64 characters.
///
/// ```
/// use livekit_tavus_edge::scenario::is_scenario_id;
/// assert!(is_scenario_id("casual-conversation"));
/// assert!(!is_scenario_id("Casual"));
/// assert!(!is_scenario_id("a--b"));
/// ```
pub fn is_scenario_id(id: &str) -> bool {
    id.len() <= MAX_SCENARIO_ID_CHARS
        && !id.is_empty()
        && id.split('-').all(|g| {
            !g.is_empty()
                && g.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Whether `id` is `prefix` followed by 2..63 lower-case letters or digits
/// (Tavus ids: replicas `r…`, personas `p…`, conversations `c…`).
///
/// ```
/// use livekit_tavus_edge::scenario::is_tavus_id;
/// assert!(is_tavus_id("r6ae5b6efc9d", 'r'));
/// assert!(!is_tavus_id("p6ae5b6efc9d", 'r'));
/// assert!(!is_tavus_id("r6AE", 'r'));
/// ```
pub fn is_tavus_id(id: &str, prefix: char) -> bool {
    let Some(rest) = id.strip_prefix(prefix) else {
        return false;
    };
    (2..=63).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Whether `name` is a LiveKit agent name this project accepts:
/// `^[A-Za-z0-9_.-]{1,128}$`.
pub fn is_agent_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Checks a requested scenario id before looking it up.
pub fn check_scenario_id(id: &str) -> Result<()> {
    if is_scenario_id(id) {
        Ok(())
    } else {
        Err(Error::ScenarioId(
            "scenario_id must be lower-case letters and digits joined by single hyphens, \
             at most 64 characters"
                .into(),
        ))
    }
}

/// Validates a scenario against the `avatar_configs` check constraints.
///
/// Returns the first rule broken, with a code naming it
/// (`ERR_SCENARIO_REPLICA`, `ERR_SCENARIO_LANGUAGE`, …) and a message naming
/// the scenario.
///
/// ```
/// use livekit_tavus_edge::scenario::{validate_scenario, Scenario};
/// let mut s = Scenario {
///     scenario_id: "demo".into(),
///     display_name: "Demo".into(),
///     replica_id: "r6ae5b6efc9d".into(),
///     persona_id: Some("p2fbd605ade0".into()),
///     language: "english".into(),
///     prompt: "Be kind.".into(),
///     greeting: None,
///     max_call_duration_seconds: 600,
///     agent_name: None,
///     enabled: true,
/// };
/// assert!(validate_scenario(&s).is_ok());
/// s.language = "en".into();
/// assert_eq!(validate_scenario(&s).unwrap_err().code(), "ERR_SCENARIO_LANGUAGE");
/// ```
pub fn validate_scenario(s: &Scenario) -> Result<()> {
    check_scenario_id(&s.scenario_id)?;
    let id = &s.scenario_id;
    let n = s.display_name.chars().count();
    if n == 0 || n > MAX_DISPLAY_NAME_CHARS {
        return Err(Error::ScenarioDisplayName(format!(
            "scenario {id}: display_name must be 1..{MAX_DISPLAY_NAME_CHARS} characters"
        )));
    }
    if !is_tavus_id(&s.replica_id, 'r') {
        return Err(Error::ScenarioReplica(format!(
            "scenario {id}: replica_id must look like r<2..63 lower-case letters or digits>"
        )));
    }
    if let Some(p) = &s.persona_id {
        if !is_tavus_id(p, 'p') {
            return Err(Error::ScenarioPersona(format!(
                "scenario {id}: persona_id must look like p<2..63 lower-case letters or digits>"
            )));
        }
    }
    if !TAVUS_LANGUAGES.contains(&s.language.as_str()) {
        return Err(Error::ScenarioLanguage(format!(
            "scenario {id}: language must be a full lower-case Tavus language name \
                 such as \"english\" or \"multilingual\", not an ISO code"
        )));
    }
    let n = s.prompt.chars().count();
    if n == 0 || n > MAX_PROMPT_CHARS {
        return Err(Error::ScenarioPrompt(format!(
            "scenario {id}: prompt must be 1..{MAX_PROMPT_CHARS} characters"
        )));
    }
    if let Some(g) = &s.greeting {
        if g.chars().count() > MAX_GREETING_CHARS {
            return Err(Error::ScenarioGreeting(format!(
                "scenario {id}: greeting must be at most {MAX_GREETING_CHARS} characters"
            )));
        }
    }
    if !(MIN_CALL_SECONDS..=MAX_CALL_SECONDS).contains(&s.max_call_duration_seconds) {
        return Err(Error::ScenarioDuration(format!(
            "scenario {id}: max_call_duration_seconds must be \
                 {MIN_CALL_SECONDS}..{MAX_CALL_SECONDS}"
        )));
    }
    if let Some(a) = &s.agent_name {
        if !is_agent_name(a) {
            return Err(Error::ScenarioAgentName(format!(
                "scenario {id}: agent_name must match ^[A-Za-z0-9_.-]{{1,128}}$"
            )));
        }
    }
    Ok(())
}

/// The metadata given to the agent dispatched in agent mode: everything the
/// worker needs to start the avatar itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DispatchMetadata<'a> {
    /// The scenario.
    pub scenario_id: &'a str,
    /// Tavus replica id.
    pub replica_id: &'a str,
    /// Tavus persona id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persona_id: Option<&'a str>,
    /// Tavus language name.
    pub language: &'a str,
    /// The conversational context.
    pub prompt: &'a str,
    /// The greeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greeting: Option<&'a str>,
    /// The cap the worker must set on its Tavus conversation.
    pub max_call_duration: i64,
    /// The session row, for the worker's own bookkeeping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<&'a str>,
    /// Metadata the client asked to pass to this agent, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<&'a str>,
}

/// The JSON metadata string for agent dispatch in agent mode.
///
/// ```
/// use livekit_tavus_edge::scenario::{dispatch_metadata, Scenario};
/// let s = Scenario {
///     scenario_id: "demo".into(), display_name: "Demo".into(),
///     replica_id: "r6ae5b6efc9d".into(), persona_id: None, language: "english".into(),
///     prompt: "Be kind.".into(), greeting: None, max_call_duration_seconds: 600,
///     agent_name: None, enabled: true,
/// };
/// let json = dispatch_metadata(&s, None, None);
/// assert!(json.contains(r#""replica_id":"r6ae5b6efc9d""#));
/// assert!(json.contains(r#""max_call_duration":600"#));
/// ```
pub fn dispatch_metadata(
    s: &Scenario,
    session_id: Option<&str>,
    client_metadata: Option<&str>,
) -> String {
    let meta = DispatchMetadata {
        scenario_id: &s.scenario_id,
        replica_id: &s.replica_id,
        persona_id: s.persona_id.as_deref(),
        language: &s.language,
        prompt: &s.prompt,
        greeting: s.greeting.as_deref(),
        max_call_duration: s.max_call_duration_seconds,
        session_id,
        client_metadata,
    };
    // Serialising borrowed strings and integers cannot fail.
    serde_json::to_string(&meta).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario {
            scenario_id: "casual-conversation".into(),
            display_name: "Casual".into(),
            replica_id: "r6ae5b6efc9d".into(),
            persona_id: Some("p2fbd605ade0".into()),
            language: "english".into(),
            prompt: "x".into(),
            greeting: Some("hi".into()),
            max_call_duration_seconds: 1800,
            agent_name: Some("tutor.v1".into()),
            enabled: true,
        }
    }

    #[test]
    fn each_rule_has_its_code_and_bounds_are_inclusive() {
        type Edit = fn(&mut Scenario);
        let cases: [(Edit, Option<&str>); 18] = [
            (|s| s.scenario_id = "a".repeat(64), None),
            (|s| s.scenario_id = "a".repeat(65), Some("ERR_SCENARIO_ID")),
            (|s| s.scenario_id = "-a".into(), Some("ERR_SCENARIO_ID")),
            (
                |s| s.display_name = String::new(),
                Some("ERR_SCENARIO_DISPLAY_NAME"),
            ),
            (|s| s.replica_id = "r12".into(), None),
            (|s| s.replica_id = "r1".into(), Some("ERR_SCENARIO_REPLICA")),
            (
                |s| s.replica_id = format!("r{}", "a".repeat(64)),
                Some("ERR_SCENARIO_REPLICA"),
            ),
            (
                |s| s.persona_id = Some("P123".into()),
                Some("ERR_SCENARIO_PERSONA"),
            ),
            (|s| s.persona_id = None, None),
            (
                |s| s.language = "English".into(),
                Some("ERR_SCENARIO_LANGUAGE"),
            ),
            (|s| s.prompt = "é".repeat(10_000), None),
            (
                |s| s.prompt = "é".repeat(10_001),
                Some("ERR_SCENARIO_PROMPT"),
            ),
            (
                |s| s.greeting = Some("g".repeat(1_001)),
                Some("ERR_SCENARIO_GREETING"),
            ),
            (|s| s.max_call_duration_seconds = 60, None),
            (
                |s| s.max_call_duration_seconds = 59,
                Some("ERR_SCENARIO_DURATION"),
            ),
            (
                |s| s.max_call_duration_seconds = 3_601,
                Some("ERR_SCENARIO_DURATION"),
            ),
            (
                |s| s.agent_name = Some("a b".into()),
                Some("ERR_SCENARIO_AGENT_NAME"),
            ),
            (
                |s| s.agent_name = Some("a".repeat(129)),
                Some("ERR_SCENARIO_AGENT_NAME"),
            ),
        ];
        for (i, (edit, want)) in cases.iter().enumerate() {
            let mut s = scenario();
            edit(&mut s);
            let got = validate_scenario(&s).err().map(|e| e.code());
            assert_eq!(got, *want, "case {i}");
        }
    }

    #[test]
    fn dispatch_metadata_carries_the_scenario_and_the_client_part() {
        let json = dispatch_metadata(&scenario(), Some("s-1"), Some("{\"level\":2}"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["persona_id"], "p2fbd605ade0");
        assert_eq!(v["session_id"], "s-1");
        assert_eq!(v["client_metadata"], "{\"level\":2}");
        assert_eq!(v["language"], "english");
    }
}
