//! The scenario rules against their other sources of truth: the SQL check
//! constraints of the migration and the embedded default scenarios.

use livekit_tavus_edge::scenario::{validate_scenario, Scenario, TAVUS_LANGUAGES};

const SCHEMA: &str = include_str!("../supabase/migrations/20261125000000_avatar_schema.sql");
const DEFAULTS: &str = include_str!("../supabase/functions/_shared/default_scenarios.json");

/// The quoted names inside `check (language in (...))` of the migration.
fn sql_languages() -> Vec<String> {
    let start = SCHEMA
        .find("check (language in (")
        .expect("the migration has the language check");
    let list = &SCHEMA[start..];
    let list = &list[..list.find("))").expect("the check closes")];
    list.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn tavus_languages_match_the_sql_check_constraint() {
    let sql = sql_languages();
    assert!(sql.len() > 30, "parsed only {} names", sql.len());
    assert_eq!(sql, TAVUS_LANGUAGES.to_vec());
}

#[test]
fn embedded_default_scenarios_pass_the_validator() {
    let rows: Vec<serde_json::Value> = serde_json::from_str(DEFAULTS).unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let s = Scenario::from_json(row.to_string().as_bytes()).unwrap();
        validate_scenario(&s).unwrap_or_else(|e| panic!("{}: {e}", s.scenario_id));
    }
}

#[test]
fn sql_regexes_and_rust_checks_agree_on_boundaries() {
    // The migration's patterns, spelled out: ^r[0-9a-z]{2,63}$, ^p[0-9a-z]{2,63}$.
    assert!(SCHEMA.contains("replica_id ~ '^r[0-9a-z]{2,63}$'"));
    assert!(SCHEMA.contains("persona_id ~ '^p[0-9a-z]{2,63}$'"));
    assert!(SCHEMA.contains("char_length(prompt) between 1 and 10000"));
    assert!(SCHEMA.contains("max_call_duration_seconds between 60 and 3600"));
    use livekit_tavus_edge::scenario::is_tavus_id;
    for (id, ok) in [
        ("r12", true),
        ("r1", false),
        (&*format!("r{}", "9".repeat(63)), true),
        (&*format!("r{}", "9".repeat(64)), false),
        ("r-12", false),
    ] {
        assert_eq!(is_tavus_id(id, 'r'), ok, "{id}");
    }
}
