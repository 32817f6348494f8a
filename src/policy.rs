//! The functions' decisions, made once per request in one call: what a caller
//! may ask LiveKit's standard token endpoint for, and what goes in the token.
//!
//! A [`Policy`] is built once per set of settings (per isolate): it holds the
//! parsed settings, the imported keys (LiveKit's API secret, the project's JWT
//! secret) and the validated scenarios it has seen. [`Policy::plan`] reads a
//! request body and decides everything that needs no I/O: the body's fields and
//! limits (400 `ERR_BAD_JSON`, `ERR_UNKNOWN_FIELD`, `ERR_BAD_FIELD`,
//! `ERR_FIELD_TOO_LARGE`), what the caller may set (403 `ERR_FIELD_NOT_ALLOWED`,
//! `ERR_IDENTITY_NOT_ALLOWED`, `ERR_AGENT_NOT_ALLOWED`), the scenario (400
//! `ERR_SCENARIO_ID`, 404 `ERR_SCENARIO_NOT_FOUND`), the configuration it needs
//! (503 `ERR_NOT_CONFIGURED`), and the tokens to mint once the session is known
//! ([`Policy::mint`]). The handler only does the I/O between the two.

use std::borrow::Cow;

use crate::auth::{self, AuthRules};
use crate::claims::{Dispatch, Video, C, CLAIMS};
use crate::config::{load_settings, AvatarMode, Env, LoadedSettings};
use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{
    self, schema, Mode, Obj, ObjWriter, ReadErrorKind, Val, ALWAYS, NULLABLE, PROTO,
};
use crate::jws::HmacKey;
use crate::scenario::{self, Scenario};

/// Largest participant name, identity or room name a caller may send, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Largest participant or agent metadata a caller may set, in bytes.
pub const MAX_METADATA_BYTES: usize = 4096;
/// Largest total of participant attributes (keys and values), in bytes.
pub const MAX_ATTRIBUTES_BYTES: usize = 4096;
/// Most participant attributes.
pub const MAX_ATTRIBUTES: usize = 32;
/// Most agent dispatches in `room_config.agents`.
pub const MAX_AGENTS: usize = 4;
/// Longest agent name a caller may send, in bytes.
pub const MAX_AGENT_NAME_BYTES: usize = 128;
/// The avatar's token outlives the conversation's cap by this much.
pub const AVATAR_TOKEN_MARGIN_SECONDS: i64 = 300;
/// Most scenarios a policy remembers (then it forgets them all).
const MAX_SCENARIOS: usize = 500;

schema! {
    /// One agent dispatch a caller asks for.
    pub REQUEST_AGENT("TokenRequestAgent"): ReqAgent {
        /// The agent's name (required).
        AgentName "agentName": Str, PROTO;
        /// Metadata for the agent.
        Metadata "metadata": Str;
    }
}

schema! {
    /// `room_config` of a token request: only agent dispatch.
    pub REQUEST_ROOM_CONFIG("TokenRequestRoomConfig"): ReqRoomConfig {
        /// Agents to dispatch.
        Agents "agents": Objs(REQUEST_AGENT);
    }
}

schema! {
    /// The body of LiveKit's standard token endpoint (protobuf names as the
    /// client SDKs send them, or camelCase), plus `scenario_id`.
    pub TOKEN_REQUEST("TokenRequest"): Req {
        /// The room of the caller's open session.
        RoomName "roomName": Str, PROTO;
        /// The participant identity (the caller's user id unless the deployment allows others).
        ParticipantIdentity "participantIdentity": Str, PROTO;
        /// The display name.
        ParticipantName "participantName": Str, PROTO;
        /// Participant metadata.
        ParticipantMetadata "participantMetadata": Str, PROTO;
        /// Participant attributes.
        ParticipantAttributes "participantAttributes": StrMap, PROTO;
        /// Room configuration: agent dispatch only.
        RoomConfig "roomConfig": Obj(REQUEST_ROOM_CONFIG), PROTO;
        /// The scenario (an extension; also `?scenario_id=`).
        ScenarioId "scenarioId": Str, PROTO;
    }
}

schema! {
    /// How a token request's room is chosen.
    pub PLAN_ROOM("TokenPlanRoom"): PlanRoom {
        /// The room the caller named, if any.
        Requested "requested": Str, ALWAYS | NULLABLE;
        /// The name must be the caller's own open session of the scenario
        /// (else 403 `ERR_ROOM_NOT_ALLOWED`).
        MustBeOwn "must_be_own": Bool, ALWAYS;
        /// The name for a new session: the caller's (when allowed), else null (generate one).
        ForNewSession "for_new_session": Str, ALWAYS | NULLABLE;
    }
}

schema! {
    /// What [`Policy::plan`] decided: a request the handler may carry out.
    pub TOKEN_PLAN("TokenPlan"): Plan {
        /// The scenario (validated; its row: [`Policy::scenario`]).
        ScenarioId "scenario_id": Str, ALWAYS;
        /// The scenario's cap on a session, seconds.
        MaxCallDurationSeconds "max_call_duration_seconds": Int, ALWAYS;
        /// The participant identity.
        Identity "identity": Str, ALWAYS;
        /// The display name to answer with (the identity when none was asked for).
        ParticipantName "participant_name": Str, ALWAYS;
        /// The room.
        Room "room": Obj(PLAN_ROOM), ALWAYS;
        /// `direct`, `agent` or `none`.
        Mode "mode": OneOf(crate::config::AVATAR_MODES), ALWAYS;
        /// The user token's lifetime, seconds.
        Ttl "ttl": U32, ALWAYS;
        /// The user's token, to mint with [`Policy::mint`] once the session is known.
        Mint "mint": Str, ALWAYS;
        /// The agents to dispatch when a new session's room is created, for
        /// [`Policy::agents`] (absent: none).
        Dispatch "dispatch": Str;
        /// Direct mode: the avatar's token, to mint the same way.
        AvatarMint "avatar_mint": Str;
    }
}

schema! {
    /// A token to mint once its room is known: opaque to the handler.
    MINT_PLAN("MintPlan"): MintPlan {
        /// The token options, minus the room.
        Options "options": Obj(CLAIMS), ALWAYS;
    }
}

schema! {
    /// The agents of a new session's room: opaque to the handler.
    DISPATCH_PLAN("DispatchPlan"): DispatchPlan {
        /// The agents, the scenario's first.
        Agents "agents": Objs(crate::claims::ROOM_AGENT_DISPATCH), ALWAYS;
        /// The scenario agent's metadata up to the session id.
        Scenario "scenario": Str;
        /// What the caller asked to pass to the scenario's agent.
        ClientMetadata "client_metadata": Str;
    }
}

schema! {
    /// A token [`Policy::mint`] made.
    pub MINTED("MintedToken"): MintedField {
        /// The token.
        Token "token": Str, ALWAYS;
        /// Its expiry, seconds since the epoch.
        ExpiresAt "expires_at": Time, ALWAYS;
    }
}

/// A token [`Policy::mint`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    /// The token.
    pub token: String,
    /// Its expiry, seconds since the epoch.
    pub expires_at: i64,
}

impl Minted {
    /// As JSON (the `MintedToken` type).
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("token", &self.token)
            .int("expires_at", self.expires_at)
            .finish()
    }
}

struct LiveKit {
    api_key: String,
    secret: Vec<u8>,
    key: HmacKey,
}

struct Cached {
    id: String,
    at: i64,
    scenario: Option<Scenario>,
}

/// The decisions of the functions for one set of settings; see the module docs.
pub struct Policy {
    /// The settings and their redacted report.
    pub loaded: LoadedSettings,
    livekit: Option<LiveKit>,
    jwt_secret: Option<HmacKey>,
    scenarios: Vec<Cached>,
}

fn bad_field(why: String) -> Error {
    Error::BadField(why)
}

/// The request body's field names as a caller wrote them: `room_config.agents[0].agent_name`.
fn read_error(e: &json::ReadError) -> Error {
    let path = e.path.as_str();
    let in_room_config = path.starts_with("room_config") || path.starts_with("roomConfig");
    match &e.kind {
        ReadErrorKind::Syntax(_) if path.is_empty() => {
            Error::BadJson("the body is not valid JSON".into())
        }
        ReadErrorKind::Type(_) if path.is_empty() => {
            Error::BadJson("the body must be a JSON object".into())
        }
        ReadErrorKind::Unknown if crate::text::contains(path, "agents[") => Error::FieldNotAllowed(
            format!("{path} may not be set by the caller (agent_name and metadata only)"),
        ),
        ReadErrorKind::Unknown if in_room_config => Error::FieldNotAllowed(format!(
            "{path} may not be set by the caller (only agent dispatch is accepted)"
        )),
        ReadErrorKind::Unknown => Error::UnknownField(format!("unknown field {path}")),
        ReadErrorKind::Twice => bad_field(format!(
            "{path} is given twice (under its protobuf and camelCase names)"
        )),
        ReadErrorKind::Type(want) => bad_field(format!("{path} must be {want}")),
        ReadErrorKind::Syntax(why) => bad_field(format!("{path}: {why}")),
    }
}

/// A caller's string: at most `max` bytes; `""` is absent (protobuf-JSON leaves empty strings out).
fn text<'a>(v: Option<&'a str>, name: &str, max: usize) -> Result<Option<&'a str>> {
    match v {
        Some(s) if s.len() > max => Err(Error::FieldTooLarge(format!(
            "{name} is larger than {max} bytes"
        ))),
        Some("") | None => Ok(None),
        Some(s) => Ok(Some(s)),
    }
}

/// Control characters are never part of an identity, a name or a room name.
fn printable<'a>(v: Option<&'a str>, name: &str) -> Result<Option<&'a str>> {
    if v.is_some_and(|s| s.bytes().any(|b| b < 0x20 || b == 0x7f)) {
        return Err(bad_field(format!("{name} contains control characters")));
    }
    Ok(v)
}

impl Policy {
    /// Parses the settings of `env` and imports the keys.
    pub fn new(env: &dyn Env) -> Self {
        let loaded = load_settings(env);
        let value = |k: &str| env.var(k).filter(|v| !v.trim().is_empty());
        let livekit = match (
            value(crate::config::LIVEKIT_API_KEY),
            value(crate::config::LIVEKIT_API_SECRET),
        ) {
            (Some(key), Some(secret)) if loaded.report.livekit_configured => Some(LiveKit {
                api_key: key.to_owned(),
                secret: secret.as_bytes().to_vec(),
                key: HmacKey::new(secret.as_bytes()),
            }),
            _ => None,
        };
        let jwt_secret = value(crate::config::AUTH_JWT_SECRET).map(|s| HmacKey::new(s.as_bytes()));
        Policy {
            loaded,
            livekit,
            jwt_secret,
            scenarios: Vec::new(),
        }
    }

    /// The rules a signed-in user's token must pass here.
    pub fn auth_rules(&self) -> AuthRules {
        AuthRules {
            issuer: self.loaded.settings.auth_issuer.clone(),
            allow_anonymous: self.loaded.settings.allow_anonymous_users,
            ..AuthRules::default()
        }
    }

    /// Verifies a caller's Supabase JWT with the imported JWT secret and this
    /// deployment's rules; see [`auth::verify`].
    pub fn authenticate(
        &self,
        token: &str,
        jwks: Option<&str>,
        now: i64,
        final_try: bool,
    ) -> Result<auth::Outcome> {
        auth::verify(
            token,
            self.jwt_secret.as_ref(),
            jwks,
            &self.auth_rules(),
            now,
            final_try,
        )
    }

    /// Whether `token` is an HS256 `service_role` JWT signed with the project's JWT secret.
    pub fn is_service_role_jwt(&self, token: &str, now: i64) -> bool {
        let rules = AuthRules {
            audience: None,
            role: "service_role".into(),
            require_subject: false,
            ..AuthRules::default()
        };
        self.jwt_secret.is_some()
            && matches!(
                auth::verify(token, self.jwt_secret.as_ref(), None, &rules, now, true),
                Ok(auth::Outcome::Verified(_))
            )
    }

    /// Remembers a scenario row read from storage (`None`: unknown or disabled),
    /// validated now; a row that breaks a rule is a misconfiguration (500).
    pub fn put_scenario(
        &mut self,
        id: &str,
        row: Option<&[u8]>,
        now: i64,
    ) -> Result<Option<&Scenario>> {
        let scenario = match row {
            None => None,
            Some(row) => {
                let s = Scenario::from_json(row).map_err(|e| Error::Misconfigured(Box::new(e)))?;
                scenario::validate_scenario(&s).map_err(|e| Error::Misconfigured(Box::new(e)))?;
                Some(s).filter(|s| s.enabled && s.scenario_id == id)
            }
        };
        self.scenarios.retain(|c| c.id != id);
        if self.scenarios.len() >= MAX_SCENARIOS {
            self.scenarios.clear();
        }
        self.scenarios.push(Cached {
            id: id.to_owned(),
            at: now,
            scenario,
        });
        Ok(self.scenarios.last().and_then(|c| c.scenario.as_ref()))
    }

    fn cached_scenario(&self, id: &str, now: i64) -> Option<Option<&Scenario>> {
        let ttl = i64::from(self.loaded.settings.scenario_cache_seconds);
        self.scenarios
            .iter()
            .find(|c| c.id == id && now.saturating_sub(c.at) < ttl)
            .map(|c| c.scenario.as_ref())
    }

    /// Plans a token request (see the module docs): `Ok(Err(id))` when scenario
    /// `id` must be loaded first (then call again with its row).
    pub fn plan(
        &mut self,
        user_id: &str,
        body: &str,
        query_scenario_id: Option<&str>,
        now: i64,
        loaded_row: Option<Option<&[u8]>>,
    ) -> Result<std::result::Result<String, String>> {
        if !(0..=crate::claims::MAX_TIME - crate::duration::MAX_TTL_SECONDS).contains(&now) {
            return Err(Error::InvalidInput(
                "the current time is out of range".into(),
            ));
        }
        let body = if body.trim().is_empty() { "{}" } else { body };
        let r = json::read(body.as_bytes(), TOKEN_REQUEST, Mode::Strict)
            .map_err(|e| read_error(&e))?
            .obj;
        let from_body = r.str(Req::ScenarioId);
        if let (Some(q), Some(b)) = (query_scenario_id, from_body) {
            if q != b {
                return Err(bad_field(
                    "scenario_id differs between the URL and the body".into(),
                ));
            }
        }
        let requested_scenario = text(from_body.or(query_scenario_id), "scenario_id", 64)?;
        let room_name = printable(
            text(r.str(Req::RoomName), "room_name", MAX_NAME_BYTES)?,
            "room_name",
        )?;
        let identity = printable(
            text(
                r.str(Req::ParticipantIdentity),
                "participant_identity",
                MAX_NAME_BYTES,
            )?,
            "participant_identity",
        )?;
        let name = printable(
            text(
                r.str(Req::ParticipantName),
                "participant_name",
                MAX_NAME_BYTES,
            )?,
            "participant_name",
        )?;
        let metadata = text(
            r.str(Req::ParticipantMetadata),
            "participant_metadata",
            MAX_METADATA_BYTES,
        )?;
        let attributes = match r.map(Req::ParticipantAttributes) {
            None => None,
            Some(entries) => {
                if entries.len() > MAX_ATTRIBUTES {
                    return Err(Error::FieldTooLarge(format!(
                        "participant_attributes has more than {MAX_ATTRIBUTES} entries"
                    )));
                }
                let mut total = 0;
                for (k, v) in entries {
                    if k.is_empty() {
                        return Err(bad_field(
                            "participant_attributes must map non-empty names to strings".into(),
                        ));
                    }
                    if k.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("lk.")) {
                        return Err(Error::FieldNotAllowed(format!(
                            "participant_attributes.{k}: lk.* attributes are reserved for LiveKit"
                        )));
                    }
                    total += k.len() + v.len();
                }
                if total > MAX_ATTRIBUTES_BYTES {
                    return Err(Error::FieldTooLarge(format!(
                        "participant_attributes exceed {MAX_ATTRIBUTES_BYTES} bytes"
                    )));
                }
                Some(entries).filter(|e| !e.is_empty())
            }
        };
        let mut agents: Vec<(&str, Option<&str>)> = Vec::new();
        if let Some(list) = r
            .obj(Req::RoomConfig)
            .and_then(|c| c.list(ReqRoomConfig::Agents))
        {
            if list.len() > MAX_AGENTS {
                return Err(Error::FieldTooLarge(format!(
                    "room_config.agents has more than {MAX_AGENTS} entries"
                )));
            }
            for (i, a) in list.iter().enumerate() {
                let Val::Obj(a) = a else { continue };
                let at = format!("room_config.agents[{i}].");
                let agent_name = text(
                    a.str(ReqAgent::AgentName),
                    &format!("{at}agent_name"),
                    MAX_AGENT_NAME_BYTES,
                )?
                .ok_or_else(|| bad_field(format!("{at}agent_name is required")))?;
                let metadata = text(
                    a.str(ReqAgent::Metadata),
                    &format!("{at}metadata"),
                    MAX_METADATA_BYTES,
                )?;
                agents.push((agent_name, metadata));
            }
        }

        if self.livekit.is_none() {
            return Err(Error::NotConfigured(
                "LiveKit is not configured: see GET /livekit-token/health (as the service role) \
                 for what is missing"
                    .into(),
            ));
        }
        let settings = &self.loaded.settings;
        let identity = match identity {
            Some(i) if i != user_id && !settings.allow_client_identity => {
                return Err(Error::IdentityNotAllowed)
            }
            Some(i) => i,
            None => user_id,
        };
        let scenario_id = requested_scenario
            .unwrap_or(&settings.default_scenario_id)
            .to_owned();
        let scenario_id = scenario_id.as_str();
        scenario::check_scenario_id(scenario_id)?;

        let found = match loaded_row {
            Some(row) => self.put_scenario(scenario_id, row, now)?.cloned(),
            None => match self.cached_scenario(scenario_id, now) {
                Some(s) => s.cloned(),
                None => return Ok(Err(scenario_id.to_owned())),
            },
        };
        let Some(scenario) = found else {
            return Err(Error::ScenarioNotFound(scenario_id.to_owned()));
        };
        let settings = &self.loaded.settings;

        let mode = settings.avatar_mode;
        let agent_name = match mode {
            AvatarMode::Agent => Some(
                scenario
                    .agent_name
                    .as_deref()
                    .or(settings.agent_name.as_deref())
                    .ok_or_else(|| {
                        Error::NotConfigured(format!(
                            "no agent to dispatch for scenario {scenario_id}: set AGENT_NAME or \
                             the scenario's agent_name"
                        ))
                    })?,
            ),
            _ => None,
        };
        for (a, _) in &agents {
            if !settings.allowed_agents.iter().any(|x| x == a) && Some(*a) != agent_name {
                return Err(Error::AgentNotAllowed(format!(
                    "agent {a} may not be dispatched (TOKEN_ALLOWED_AGENTS lists the agents \
                     callers may ask for)"
                )));
            }
        }

        // The user's token: everything but the room. Agents are never in it:
        // the server dispatches them when it creates the session's room, so a
        // token replayed after its session ended can never start one.
        let mut options = Obj::default();
        options.set_str(C::Identity, identity);
        if let Some(n) = name {
            options.set_str(C::Name, n);
        }
        if let Some(m) = metadata {
            options.set_str(C::Metadata, m);
        }
        if let Some(a) = attributes {
            options.set(C::Attributes, Val::Map(a.to_vec()));
        }
        options.set(C::Ttl, Val::Int(settings.token_ttl_seconds.into()));
        let mut video = Obj::default();
        video.set(Video::RoomJoin, Val::Bool(true));
        video.set(Video::CanPublish, Val::Bool(true));
        video.set(Video::CanSubscribe, Val::Bool(true));
        video.set(Video::CanPublishData, Val::Bool(true));
        options.set(C::Video, Val::Obj(video));
        let mint = ObjWriter::new()
            .raw("options", &json::write(CLAIMS, &options))
            .finish();

        // The agents to dispatch on a new session's room: the scenario's agent
        // first (its metadata completed with the session id by `agents`).
        let mut list = String::from("[");
        let mut push = |agent: &str, metadata: Option<&str>| {
            if list.len() > 1 {
                list.push(',');
            }
            list.push_str(
                &ObjWriter::new()
                    .str("agentName", agent)
                    .some_str("metadata", metadata)
                    .finish(),
            );
        };
        let mut dispatch = None;
        if let Some(agent) = agent_name {
            push(agent, None);
            let client_metadata = agents
                .iter()
                .find(|(a, _)| *a == agent)
                .and_then(|(_, m)| *m);
            dispatch = Some(client_metadata);
        }
        for (a, m) in &agents {
            if Some(*a) != agent_name {
                push(a, *m);
            }
        }
        list.push(']');
        let dispatch = (list.len() > 2).then(|| {
            let mut d = ObjWriter::new();
            d.raw("agents", &list);
            if let Some(client_metadata) = dispatch {
                let full = scenario::dispatch_metadata(&scenario, None, None);
                // The metadata up to its closing brace: the session id follows.
                d.str("scenario", &full[..full.len() - 1]);
                d.some_str("client_metadata", client_metadata);
            }
            d.finish()
        });

        let avatar_mint = (mode == AvatarMode::Direct).then(|| {
            let mut o = Obj::default();
            o.set_str(C::Identity, settings.avatar_identity.as_str());
            o.set_str(C::Name, scenario.display_name.as_str());
            o.set_str(C::Kind, "agent");
            o.set(
                C::Attributes,
                Val::Map(vec![(
                    Cow::Borrowed("lk.publish_on_behalf"),
                    Cow::Borrowed(settings.avatar_publish_on_behalf.as_str()),
                )]),
            );
            o.set(
                C::Ttl,
                Val::Int(scenario.max_call_duration_seconds + AVATAR_TOKEN_MARGIN_SECONDS),
            );
            let mut video = Obj::default();
            video.set(Video::RoomJoin, Val::Bool(true));
            video.set(Video::CanPublish, Val::Bool(true));
            video.set(Video::CanSubscribe, Val::Bool(true));
            o.set(C::Video, Val::Obj(video));
            ObjWriter::new()
                .raw("options", &json::write(CLAIMS, &o))
                .finish()
        });

        let for_new = (settings.allow_client_room_name)
            .then_some(room_name)
            .flatten();
        let room = ObjWriter::new()
            .opt_str("requested", room_name)
            .bool(
                "must_be_own",
                room_name.is_some() && !settings.allow_client_room_name,
            )
            .opt_str("for_new_session", for_new)
            .finish();
        let mut plan = ObjWriter::new();
        plan.str("scenario_id", &scenario.scenario_id)
            .int(
                "max_call_duration_seconds",
                scenario.max_call_duration_seconds,
            )
            .str("identity", identity)
            .str("participant_name", name.unwrap_or(identity))
            .raw("room", &room)
            .str("mode", mode.name())
            .int("ttl", settings.token_ttl_seconds.into())
            .str("mint", &mint)
            .some_str("dispatch", dispatch.as_deref())
            .some_str("avatar_mint", avatar_mint.as_deref());
        Ok(Ok(plan.finish()))
    }

    /// Mints a planned token ([`Policy::plan`]'s `mint` or `avatar_mint`) for
    /// `room` at `now`, living no longer than `not_after` (seconds, e.g. the
    /// session's end; at least one second). Returns the token and its expiry.
    pub fn mint(&self, plan: &str, room: &str, now: i64, not_after: Option<i64>) -> Result<Minted> {
        let livekit = self
            .livekit
            .as_ref()
            .ok_or_else(|| Error::NotConfigured("LiveKit is not configured".into()))?;
        let read = json::read(plan.as_bytes(), MINT_PLAN, Mode::Strict)
            .map_err(|e| Error::InvalidInput(format!("mint plan: {e}")))?;
        let Some(Val::Obj(options)) = read.obj.get(MintPlan::Options) else {
            return Err(Error::InvalidInput("mint plan: no options".into()));
        };
        let mut options = options.clone();
        if let Some(Val::Obj(v)) = options.get_mut(C::Video) {
            v.set_str(Video::Room, room);
        }
        // The planned lifetime: whole seconds, as `plan` wrote it.
        let planned = match options.get(C::Ttl) {
            Some(Val::Int(t)) => Some(*t),
            Some(Val::Num(t)) => t.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| Error::InvalidInput("mint plan: no ttl in whole seconds".into()))?;
        let ttl = match not_after {
            Some(end) => planned.min(end.saturating_sub(now)).max(1),
            None => planned,
        };
        options.set(C::Ttl, Val::Int(ttl));
        crate::token::mint_obj(
            &livekit.api_key,
            &livekit.secret,
            &livekit.key,
            options,
            now,
        )
        .map(|m| Minted {
            token: m.token,
            expires_at: now + ttl,
        })
    }

    /// The validated row (JSON) of scenario `id`, as the last [`Policy::plan`]
    /// that named it read it: for the Tavus conversation of a new session.
    pub fn scenario(&self, id: &str) -> Result<String> {
        self.scenarios
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.scenario.as_ref())
            .map(Scenario::to_json)
            .ok_or_else(|| Error::ScenarioNotFound(id.to_owned()))
    }

    /// The agents to dispatch on a new session's room (JSON list of
    /// `RoomAgentDispatchGrant`) from [`Policy::plan`]'s `dispatch`: the
    /// scenario's agent gets the scenario, the session id and the caller's
    /// metadata for it as its metadata.
    pub fn agents(&self, dispatch: &str, session_id: &str) -> Result<String> {
        let read = json::read(dispatch.as_bytes(), DISPATCH_PLAN, Mode::Strict)
            .map_err(|e| Error::InvalidInput(format!("dispatch plan: {e}")))?;
        let d = read.obj;
        let Some(Val::List(agents)) = d.get(DispatchPlan::Agents) else {
            return Err(Error::InvalidInput("dispatch plan: no agents".into()));
        };
        let mut agents = agents.clone();
        if let (Some(prefix), Some(Val::Obj(first))) =
            (d.str(DispatchPlan::Scenario), agents.first_mut())
        {
            let mut m = String::from(prefix);
            for (k, v) in [
                ("session_id", Some(session_id)),
                ("client_metadata", d.str(DispatchPlan::ClientMetadata)),
            ] {
                if let Some(v) = v {
                    m.push(',');
                    json::push_str(&mut m, k);
                    m.push(':');
                    json::push_str(&mut m, v);
                }
            }
            m.push('}');
            first.set(Dispatch::Metadata, Val::Str(Cow::Owned(m)));
        }
        let mut out = String::from("[");
        for (i, a) in agents.iter().enumerate() {
            if let Val::Obj(a) = a {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json::write(crate::claims::ROOM_AGENT_DISPATCH, a));
            }
        }
        out.push(']');
        Ok(out)
    }
}
