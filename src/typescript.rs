//! The package's TypeScript types and lists, generated from the core's own
//! tables (`js/src/generated.ts`): error codes and their HTTP statuses, Vault
//! secret names, the closed lists, and one interface per [`Schema`].
//!
//! `cargo test` fails when the committed file differs from what the tables
//! say; `UPDATE_GENERATED=1 cargo test --lib typescript` rewrites it. Nothing
//! here reads Rust source: the values are the ones the core uses.

use crate::json::{Schema, Ty, ALWAYS, CLAIM, NULLABLE, OPEN, OPTION};

const HEADER: &str = "\
// Generated from the Rust core's tables by `cargo test` (src/typescript.rs): do not edit.
// `UPDATE_GENERATED=1 cargo test --lib typescript` rewrites it after a change to the core.
// deno-fmt-ignore-file
";

/// Closed lists with a name of their own.
fn named_lists() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    vec![
        (
            "TrackSourceName",
            "The name of a track source `canPublishSources` may list.",
            crate::claims::TRACK_SOURCES,
        ),
        (
            "ParticipantKind",
            "A participant kind.",
            crate::claims::PARTICIPANT_KINDS,
        ),
        (
            "WebhookEventName",
            "Every event LiveKit's server sends (newer names pass through as strings).",
            crate::webhook::EVENT_NAMES,
        ),
        (
            "AvatarMode",
            "How the avatar reaches the room.",
            crate::config::AVATAR_MODES,
        ),
        (
            "EndOutcome",
            "What ending a conversation found; each means it no longer runs.",
            crate::tavus::END_OUTCOMES,
        ),
    ]
}

fn doc(out: &mut String, indent: &str, text: &str) {
    let lines: Vec<&str> = text.trim_end().lines().map(str::trim).collect();
    if lines.is_empty() {
        return;
    }
    let one = format!("{indent}/** {} */", lines[0]);
    if lines.len() == 1 && one.len() <= 100 {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(indent);
    out.push_str("/**\n");
    for l in lines {
        out.push_str(indent);
        out.push_str(if l.is_empty() { " *" } else { " * " });
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(" */\n");
}

fn union(list: &[&str]) -> String {
    list.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn list_type(list: &'static [&'static str]) -> String {
    match named_lists().iter().find(|(_, _, l)| *l == list) {
        Some((name, _, _)) => (*name).to_owned(),
        None => union(list),
    }
}

fn ts_type(ty: Ty) -> String {
    match ty {
        Ty::Bool => "boolean".into(),
        Ty::Str => "string".into(),
        Ty::Time | Ty::Num | Ty::Int | Ty::U32 | Ty::I32 => "number".into(),
        Ty::Int64 => "string".into(),
        Ty::Enum => "ProtoEnum".into(),
        Ty::OneOf(list) => list_type(list),
        Ty::Strs => "string[]".into(),
        Ty::Aud => "string | string[]".into(),
        Ty::OneOfs(list) => match named_lists().iter().find(|(_, _, l)| *l == list) {
            Some((name, _, _)) => format!("{name}[]"),
            None => format!("({})[]", union(list)),
        },
        Ty::Enums => "ProtoEnum[]".into(),
        Ty::StrMap => "Record<string, string>".into(),
        Ty::Obj(s) => s.ts.into(),
        Ty::Objs(s) => format!("{}[]", s.ts),
        Ty::Raw => "Record<string, unknown>".into(),
        Ty::Any => "unknown".into(),
        Ty::Ttl => "number | string".into(),
    }
}

fn quoted_name(name: &str) -> String {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        name.to_owned()
    } else {
        format!("\"{name}\"")
    }
}

/// One object type: the fields of `schema` whose flags pass `keep`. (A type
/// alias rather than an interface: its values are assignable to records, e.g.
/// the request headers to `fetch`'s `HeadersInit`.)
fn interface(out: &mut String, name: &str, text: &str, schema: &Schema, keep: impl Fn(u8) -> bool) {
    out.push('\n');
    doc(out, "", text);
    out.push_str(&format!("export type {name} = {{\n"));
    for (f, d) in schema.fields.iter().zip(schema.docs) {
        if !keep(f.flags) {
            continue;
        }
        doc(out, "  ", d);
        let mut ty = ts_type(f.ty);
        if f.flags & OPEN != 0 {
            ty.push_str(" | (string & Record<never, never>)");
        }
        if f.flags & NULLABLE != 0 {
            ty.push_str(" | null");
        }
        let optional = if f.flags & ALWAYS != 0 { "" } else { "?" };
        out.push_str(&format!("  {}{optional}: {ty};\n", quoted_name(f.name)));
    }
    out.push_str("};\n");
}

/// Every schema that crosses the boundary, in the order the file lists them.
fn schemas() -> Vec<&'static Schema> {
    use crate::{auth, claims, config, policy, reconcile, scenario, server_api, tavus, webhook};
    vec![
        claims::VIDEO_GRANT,
        claims::SIP_GRANT,
        claims::AGENT_GRANT,
        claims::AGENT_ENDPOINT_GRANT,
        claims::AGENT_THREAD_GRANT,
        claims::INFERENCE_GRANT,
        claims::OBSERVABILITY_GRANT,
        claims::ROOM_AGENT_DISPATCH,
        claims::ROOM_CONFIGURATION,
        webhook::CODEC,
        webhook::TIMED_VERSION,
        webhook::ROOM,
        webhook::PARTICIPANT_PERMISSION,
        webhook::TRACK_INFO,
        webhook::PARTICIPANT_INFO,
        webhook::JOB_STATE,
        webhook::JOB,
        webhook::EVENT,
        server_api::SERVER_API_HEADERS,
        server_api::SERVER_API_REQUEST,
        config::CONFIG_PROBLEM,
        config::CONFIG_REPORT,
        config::KEY_SOURCE,
        config::EDGE_SETTINGS,
        config::LOADED_SETTINGS,
        auth::AUTH_RULES,
        auth::JWT_HEADER,
        auth::SUPABASE_CLAIMS,
        auth::JWK,
        auth::JWKS,
        scenario::SCENARIO,
        tavus::CONVERSATION_OPTIONS,
        tavus::CONVERSATION_PROPERTIES,
        tavus::CREATE_CONVERSATION_BODY,
        tavus::CREATED_CONVERSATION,
        tavus::CONVERSATION_STATE,
        tavus::TAVUS_CALLBACK,
        tavus::LISTED_CONVERSATION,
        tavus::CONVERSATION_PAGE,
        reconcile::CONVERSATION_OWNER,
        reconcile::RECONCILE_SESSION,
        reconcile::ROOM_CANDIDATE,
        reconcile::PLAN_INPUT,
        reconcile::END_CONVERSATION,
        reconcile::KEPT_CONVERSATION,
        reconcile::RETRY_END,
        reconcile::SETTLE,
        reconcile::ROOM_ACTION,
        reconcile::RECONCILE_PLAN,
        policy::PLAN_ROOM,
        policy::TOKEN_PLAN,
        policy::MINTED,
    ]
}

/// The whole file.
pub fn render() -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    doc(
        &mut out,
        "",
        "Every code the core can throw. The same strings appear in Rust\n\
         (`Error::code`), in thrown `EdgeError`s and in HTTP error bodies.",
    );
    out.push_str("export type ErrorCode =\n");
    let codes: Vec<(&str, u16)> = crate::error::CODES
        .iter()
        .copied()
        .filter(|(c, _)| !c.is_empty())
        .collect();
    for (i, (code, _)) in codes.iter().enumerate() {
        out.push_str(&format!(
            "  | \"{code}\"{}\n",
            if i + 1 == codes.len() { ";" } else { "" }
        ));
    }
    out.push('\n');
    doc(
        &mut out,
        "",
        "The HTTP status each code answers with in the functions.",
    );
    out.push_str("export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {\n");
    for (code, status) in &codes {
        out.push_str(&format!("  {code}: {status},\n"));
    }
    out.push_str("};\n\n");
    doc(
        &mut out,
        "",
        "Every other code the edge functions answer with (Rust `error::FUNCTION_CODES`):\n\
         HTTP plumbing, upstream timeouts, the database, the session rules, the local gateway.",
    );
    out.push_str("export type FunctionErrorCode =\n");
    for (i, (code, _)) in crate::error::FUNCTION_CODES.iter().enumerate() {
        out.push_str(&format!(
            "  | \"{code}\"{}\n",
            if i + 1 == crate::error::FUNCTION_CODES.len() {
                ";"
            } else {
                ""
            }
        ));
    }
    out.push('\n');
    doc(
        &mut out,
        "",
        "The HTTP status each function code answers with.",
    );
    out.push_str(
        "export const FUNCTION_ERROR_STATUS: Readonly<Record<FunctionErrorCode, number>> = {\n",
    );
    for (code, status) in crate::error::FUNCTION_CODES {
        out.push_str(&format!("  {code}: {status},\n"));
    }
    out.push_str("};\n\n");
    doc(
        &mut out,
        "",
        "Codes that are never an HTTP error body (Rust `error::REPORT_CODES`): problems of the\n\
         configuration and health reports, the reconciler's summary, the SQL functions' refusals.",
    );
    out.push_str("export const REPORT_CODES = [\n");
    for code in crate::error::REPORT_CODES {
        out.push_str(&format!("  \"{code}\",\n"));
    }
    out.push_str("] as const;\n\n");
    doc(&mut out, "", "A code of {@linkcode REPORT_CODES}.");
    out.push_str("export type ReportCode = (typeof REPORT_CODES)[number];\n\n");
    doc(
        &mut out,
        "",
        "Codes of warnings: accepted, but worth fixing (Rust `Warning::code`).",
    );
    out.push_str(&format!(
        "export type WarningCode = {};\n",
        union(&crate::error::Warning::ALL.map(|w| w.code()))
    ));
    out.push('\n');
    doc(
        &mut out,
        "",
        "The secrets read from Vault when `SECRETS_SOURCE=vault` (the migration's allow-list).",
    );
    out.push_str("export const VAULT_SECRET_NAMES = [\n");
    for n in crate::config::VAULT_SECRET_NAMES {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n");
    for (name, text, list) in named_lists() {
        out.push('\n');
        doc(&mut out, "", text);
        out.push_str(&format!("export type {name} =\n"));
        for (i, v) in list.iter().enumerate() {
            out.push_str(&format!(
                "  | \"{v}\"{}\n",
                if i + 1 == list.len() { ";" } else { "" }
            ));
        }
    }
    out.push('\n');
    doc(
        &mut out,
        "",
        "A RoomService method the core can build a request for.",
    );
    out.push_str("export type RoomServiceMethod =\n");
    let methods: Vec<&str> = crate::server_api::room_service_methods().collect();
    for (i, m) in methods.iter().enumerate() {
        out.push_str(&format!(
            "  | \"{m}\"{}\n",
            if i + 1 == methods.len() { ";" } else { "" }
        ));
    }
    out.push('\n');
    doc(
        &mut out,
        "",
        "A protobuf enum value: its name (as LiveKit's server writes it) or its number.",
    );
    out.push_str("export type ProtoEnum = string | number;\n");
    let claims = crate::claims::CLAIMS;
    interface(
        &mut out,
        "LiveKitGrants",
        "The LiveKit claims a token can carry besides the registered JWT claims.",
        claims,
        |f| f & (CLAIM | OPTION) == 0,
    );
    interface(
        &mut out,
        "AccessTokenOptionFields",
        "What a new access token's options add to its grants.",
        claims,
        |f| f & OPTION != 0,
    );
    interface(
        &mut out,
        "AccessTokenClaimFields",
        "The registered JWT claims of a LiveKit access token.",
        claims,
        |f| f & CLAIM != 0,
    );
    for s in schemas() {
        interface(&mut out, s.ts, s.doc, s, |_| true);
    }
    out
}

#[test]
fn generated_typescript_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/js/src/generated.ts");
    let want = render();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "js/src/generated.ts is out of date: run `UPDATE_GENERATED=1 cargo test --lib typescript`"
    );
}

#[test]
fn every_schema_has_its_docs_and_a_unique_name() {
    let mut names = std::collections::BTreeSet::new();
    for s in schemas() {
        assert!(names.insert(s.ts), "two schemas named {}", s.ts);
        assert!(!s.doc.trim().is_empty(), "{} has no doc", s.ts);
        assert_eq!(s.docs.len(), s.fields.len(), "{}", s.ts);
        for (f, d) in s.fields.iter().zip(s.docs) {
            assert!(!d.trim().is_empty(), "{}.{} has no doc", s.ts, f.name);
            // json::write_into writes names without escaping them.
            assert!(
                f.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                "{}.{} is not a plain name",
                s.ts,
                f.name
            );
        }
    }
    // Every object type a field names is declared too.
    for s in schemas().into_iter().chain([crate::claims::CLAIMS]) {
        for f in s.fields {
            assert!(
                f.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                "{}.{} is not a plain name",
                s.ts,
                f.name
            );
            if let Ty::Obj(o) | Ty::Objs(o) = f.ty {
                assert!(
                    names.contains(o.ts),
                    "{}.{} names {}, which is not generated",
                    s.ts,
                    f.name,
                    o.ts
                );
            }
        }
    }
    let codes: Vec<&str> = crate::error::CODES
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !c.is_empty())
        .collect();
    let unique: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "a code appears twice");
}

/// The reader looks a key up from the last field it found onwards
/// (`json::Parser::object`): that finds the same field as a search from the
/// start only when no key names two fields of a schema.
#[test]
fn no_key_names_two_fields() {
    fn snake(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
    let mut all = schemas();
    all.extend([
        crate::claims::CLAIMS,
        crate::jws::HEADER,
        crate::verify::ISSUER,
    ]);
    for s in all {
        let mut keys = std::collections::BTreeSet::new();
        for f in s.fields {
            assert!(keys.insert(f.name.to_owned()), "{}.{} twice", s.ts, f.name);
        }
        for f in s
            .fields
            .iter()
            .filter(|f| f.flags & crate::json::PROTO != 0)
        {
            let proto = snake(f.name);
            if proto != f.name {
                assert!(
                    keys.insert(proto),
                    "{}.{}: its proto name is taken",
                    s.ts,
                    f.name
                );
            }
        }
    }
}
