//! Avatar scenarios (`public.avatar_configs` rows): validation and the agent
//! dispatch metadata built from them.
//!
//! The rules are the table's check constraints, so a row the database accepts
//! is a scenario the functions accept, and the embedded defaults are held to
//! the same rules as the table.

use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Mode, ObjWriter, Val, ALWAYS, NULLABLE};

/// Tavus conversation languages: full lower-case names, as `properties.language`
/// takes them. The same list as the `avatar_configs_language_supported` check.
pub const TAVUS_LANGUAGES: &[&str] = &[
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

/// The language of a scenario that names none.
pub const DEFAULT_LANGUAGE: &str = "english";
/// The cap of a scenario that sets none, in seconds.
pub const DEFAULT_CALL_SECONDS: i64 = 1_800;

schema! {
    /// One scenario, as stored in `public.avatar_configs`.
    pub SCENARIO("Scenario"): Sc {
        /// Slug, `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters.
        ScenarioId "scenario_id": Str, ALWAYS;
        /// Human name, 1..100 characters.
        DisplayName "display_name": Str, ALWAYS;
        /// Tavus replica (face) id, `^r[0-9a-z]{2,63}$`.
        ReplicaId "replica_id": Str, ALWAYS;
        /// Tavus persona (PAL) id, `^p[0-9a-z]{2,63}$`.
        PersonaId "persona_id": Str, NULLABLE;
        /// A full lower-case Tavus language name (default `english`).
        Language "language": Str;
        /// The conversational context, 1..10000 characters.
        Prompt "prompt": Str, ALWAYS;
        /// What the avatar says first, at most 1000 characters.
        Greeting "greeting": Str, NULLABLE;
        /// Hard cap on the conversation, 60..3600 seconds (default 1800).
        MaxCallDurationSeconds "max_call_duration_seconds": I32;
        /// LiveKit agent dispatched in agent mode.
        AgentName "agent_name": Str, NULLABLE;
        /// Disabled scenarios count as unknown (default true).
        Enabled "enabled": Bool;
    }
}

/// One scenario, as stored in `public.avatar_configs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Slug, `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters.
    pub scenario_id: String,
    /// Human name, 1..100 characters.
    pub display_name: String,
    /// Tavus replica (face) id, `^r[0-9a-z]{2,63}$`.
    pub replica_id: String,
    /// Tavus persona (PAL) id, `^p[0-9a-z]{2,63}$`.
    pub persona_id: Option<String>,
    /// Tavus language name, one of [`TAVUS_LANGUAGES`].
    pub language: String,
    /// The conversational context given to the avatar, 1..10000 characters.
    pub prompt: String,
    /// What the avatar says first, at most 1000 characters.
    pub greeting: Option<String>,
    /// Hard cap on the conversation, 60..3600 seconds.
    pub max_call_duration_seconds: i64,
    /// LiveKit agent dispatched in agent mode, `^[A-Za-z0-9_.-]{1,128}$`.
    pub agent_name: Option<String>,
    /// Disabled scenarios are treated as unknown.
    pub enabled: bool,
}

impl Scenario {
    /// Reads a row (JSON, the `Scenario` type), defaults applied, not validated
    /// yet; a missing required column reads as empty and fails its rule.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let r = json::read(json, SCENARIO, Mode::Lenient)
            .map_err(|e| Error::InvalidInput(format!("scenario: {e}")))?
            .obj;
        let text = |i: Sc| r.str(i).unwrap_or_default().to_owned();
        let opt = |i: Sc| r.str(i).map(str::to_owned);
        Ok(Scenario {
            scenario_id: text(Sc::ScenarioId),
            display_name: text(Sc::DisplayName),
            replica_id: text(Sc::ReplicaId),
            persona_id: opt(Sc::PersonaId),
            language: r.str(Sc::Language).unwrap_or(DEFAULT_LANGUAGE).to_owned(),
            prompt: text(Sc::Prompt),
            greeting: opt(Sc::Greeting),
            max_call_duration_seconds: r
                .int(Sc::MaxCallDurationSeconds)
                .unwrap_or(DEFAULT_CALL_SECONDS),
            agent_name: opt(Sc::AgentName),
            enabled: !matches!(r.get(Sc::Enabled), Some(Val::Bool(false))),
        })
    }

    /// The scenario as JSON (every column, defaults applied).
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("scenario_id", &self.scenario_id)
            .str("display_name", &self.display_name)
            .str("replica_id", &self.replica_id)
            .opt_str("persona_id", self.persona_id.as_deref())
            .str("language", &self.language)
            .str("prompt", &self.prompt)
            .opt_str("greeting", self.greeting.as_deref())
            .int("max_call_duration_seconds", self.max_call_duration_seconds)
            .opt_str("agent_name", self.agent_name.as_deref())
            .bool("enabled", self.enabled)
            .finish()
    }
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
    let n = crate::text::chars(&s.display_name);
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
    let n = crate::text::chars(&s.prompt);
    if n == 0 || n > MAX_PROMPT_CHARS {
        return Err(Error::ScenarioPrompt(format!(
            "scenario {id}: prompt must be 1..{MAX_PROMPT_CHARS} characters"
        )));
    }
    if let Some(g) = &s.greeting {
        if crate::text::chars(g) > MAX_GREETING_CHARS {
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

/// The JSON metadata string for agent dispatch in agent mode: everything the
/// worker needs to start the avatar itself.
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
    ObjWriter::new()
        .str("scenario_id", &s.scenario_id)
        .str("replica_id", &s.replica_id)
        .some_str("persona_id", s.persona_id.as_deref())
        .str("language", &s.language)
        .str("prompt", &s.prompt)
        .some_str("greeting", s.greeting.as_deref())
        .int("max_call_duration", s.max_call_duration_seconds)
        .some_str("session_id", session_id)
        .some_str("client_metadata", client_metadata)
        .finish()
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
