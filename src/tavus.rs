//! The Tavus API, without I/O: request bodies and paths, and the
//! classification of its answers into stable error codes.
//!
//! The caller does the HTTP (`x-api-key` header, JSON body, a timeout) and
//! hands the status and body text back here. Tavus error bodies carry the
//! reason in `error` or in `message`; both are read. Upstream text is never
//! copied into an error message: it could echo a token from the request.

use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Any, Mode, ObjWriter, ALWAYS};
use crate::scenario::{is_tavus_id, validate_scenario, Scenario};

/// Tavus' API base URL.
pub const DEFAULT_TAVUS_API_URL: &str = "https://tavusapi.com";

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

schema! {
    /// Where the avatar joins.
    pub CONVERSATION_OPTIONS("ConversationOptions"): Opt {
        /// The LiveKit WebSocket URL.
        LivekitWsUrl "livekitWsUrl": Str, ALWAYS;
        /// The avatar's own LiveKit token (kind `agent`, `lk.publish_on_behalf`).
        LivekitRoomToken "livekitRoomToken": Str, ALWAYS;
        /// A name for Tavus' dashboard.
        ConversationName "conversationName": Str;
        /// Where Tavus posts conversation events.
        CallbackUrl "callbackUrl": Str;
        /// Tavus test mode: created, but no replica joins and nothing is billed.
        TestMode "testMode": Bool;
    }
}

/// Where the avatar joins: everything besides the scenario that a
/// conversation in a LiveKit room needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationOptions {
    /// The LiveKit WebSocket URL the avatar connects to.
    pub livekit_ws_url: String,
    /// The avatar's own LiveKit token (kind `agent`, `lk.publish_on_behalf`).
    pub livekit_room_token: String,
    /// A name for the conversation in Tavus' dashboard.
    pub conversation_name: Option<String>,
    /// Where Tavus posts conversation events.
    pub callback_url: Option<String>,
    /// Tavus test mode: the conversation is created but no replica joins.
    pub test_mode: bool,
}

impl ConversationOptions {
    /// Reads options from JSON (the `ConversationOptions` type), strictly.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let r = json::read(json, CONVERSATION_OPTIONS, Mode::Strict)
            .map_err(|e| Error::InvalidInput(format!("conversation options: {e}")))?
            .obj;
        Ok(ConversationOptions {
            livekit_ws_url: r.str(Opt::LivekitWsUrl).unwrap_or_default().to_owned(),
            livekit_room_token: r.str(Opt::LivekitRoomToken).unwrap_or_default().to_owned(),
            conversation_name: r.str(Opt::ConversationName).map(str::to_owned),
            callback_url: r.str(Opt::CallbackUrl).map(str::to_owned),
            test_mode: r.bool(Opt::TestMode).unwrap_or(false),
        })
    }
}

/// `properties` of a new conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationProperties {
    /// Hard cap in seconds: always set, so a conversation nobody ends still stops.
    pub max_call_duration: i64,
    /// Full lower-case language name.
    pub language: String,
    /// The LiveKit server the avatar joins.
    pub livekit_ws_url: String,
    /// The avatar's LiveKit token.
    pub livekit_room_token: String,
}

schema! {
    /// Properties of a new conversation; `max_call_duration` is always set.
    pub CONVERSATION_PROPERTIES("ConversationProperties"): Props {
        /// Hard cap in seconds.
        MaxCallDuration "max_call_duration": I32, ALWAYS;
        /// Full lower-case language name.
        Language "language": Str, ALWAYS;
        /// The LiveKit server the avatar joins.
        LivekitWsUrl "livekit_ws_url": Str, ALWAYS;
        /// The avatar's LiveKit token.
        LivekitRoomToken "livekit_room_token": Str, ALWAYS;
    }
}

schema! {
    /// The body of `POST /v2/conversations`.
    pub CREATE_CONVERSATION_BODY("CreateConversationBody"): Body {
        /// The replica.
        ReplicaId "replica_id": Str, ALWAYS;
        /// The persona.
        PersonaId "persona_id": Str;
        /// Dashboard name.
        ConversationName "conversation_name": Str;
        /// The scenario's prompt.
        ConversationalContext "conversational_context": Str, ALWAYS;
        /// The scenario's greeting.
        CustomGreeting "custom_greeting": Str;
        /// Event receiver.
        CallbackUrl "callback_url": Str;
        /// Present (true) only in test mode.
        TestMode "test_mode": Bool;
        /// Properties; `max_call_duration` is always set.
        Properties "properties": Obj(CONVERSATION_PROPERTIES), ALWAYS;
    }
}

/// The body of `POST /v2/conversations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateConversationBody {
    /// The replica (face).
    pub replica_id: String,
    /// The persona (PAL).
    pub persona_id: Option<String>,
    /// Dashboard name.
    pub conversation_name: Option<String>,
    /// The scenario's prompt.
    pub conversational_context: String,
    /// The scenario's greeting.
    pub custom_greeting: Option<String>,
    /// Event receiver.
    pub callback_url: Option<String>,
    /// Test mode, only when on.
    pub test_mode: bool,
    /// Conversation properties.
    pub properties: ConversationProperties,
}

impl CreateConversationBody {
    /// The body as JSON.
    pub fn to_json(&self) -> String {
        let p = &self.properties;
        let properties = ObjWriter::new()
            .int("max_call_duration", p.max_call_duration)
            .str("language", &p.language)
            .str("livekit_ws_url", &p.livekit_ws_url)
            .str("livekit_room_token", &p.livekit_room_token)
            .finish();
        let mut w = ObjWriter::new();
        w.str("replica_id", &self.replica_id)
            .some_str("persona_id", self.persona_id.as_deref())
            .some_str("conversation_name", self.conversation_name.as_deref())
            .str("conversational_context", &self.conversational_context)
            .some_str("custom_greeting", self.custom_greeting.as_deref())
            .some_str("callback_url", self.callback_url.as_deref());
        if self.test_mode {
            w.bool("test_mode", true);
        }
        w.raw("properties", &properties).finish()
    }
}

/// The body of `POST /v2/conversations` for `scenario` in the LiveKit room the
/// avatar token grants.
///
/// ```
/// use livekit_tavus_edge::scenario::Scenario;
/// use livekit_tavus_edge::tavus::{create_conversation_body, ConversationOptions};
/// let s = Scenario {
///     scenario_id: "demo".into(), display_name: "Demo".into(),
///     replica_id: "r6ae5b6efc9d".into(), persona_id: Some("p2fbd605ade0".into()),
///     language: "spanish".into(), prompt: "Habla despacio.".into(), greeting: None,
///     max_call_duration_seconds: 600, agent_name: None, enabled: true,
/// };
/// let body = create_conversation_body(&s, &ConversationOptions {
///     livekit_ws_url: "wss://demo.livekit.cloud".into(),
///     livekit_room_token: "eyJ...".into(),
///     ..Default::default()
/// }).unwrap();
/// assert_eq!(body.properties.max_call_duration, 600);
/// assert_eq!(body.properties.language, "spanish");
/// assert_eq!(body.conversational_context, "Habla despacio.");
/// ```
pub fn create_conversation_body(
    scenario: &Scenario,
    options: &ConversationOptions,
) -> Result<CreateConversationBody> {
    validate_scenario(scenario)?;
    let url = options.livekit_ws_url.to_ascii_lowercase();
    if !(url.starts_with("wss://") || url.starts_with("ws://")) {
        return Err(Error::InvalidOption(
            "livekitWsUrl",
            "must be the ws:// or wss:// URL of the LiveKit server".into(),
        ));
    }
    if options.livekit_room_token.is_empty() {
        return Err(Error::InvalidOption(
            "livekitRoomToken",
            "the avatar needs its own LiveKit token".into(),
        ));
    }
    if let Some(cb) = &options.callback_url {
        let cb = cb.to_ascii_lowercase();
        if !(cb.starts_with("https://") || cb.starts_with("http://")) {
            return Err(Error::InvalidOption(
                "callbackUrl",
                "must be an http(s) URL".into(),
            ));
        }
    }
    Ok(CreateConversationBody {
        replica_id: scenario.replica_id.clone(),
        persona_id: scenario.persona_id.clone(),
        conversation_name: options.conversation_name.clone().filter(|n| !n.is_empty()),
        conversational_context: scenario.prompt.clone(),
        custom_greeting: scenario.greeting.clone().filter(|g| !g.is_empty()),
        callback_url: options.callback_url.clone(),
        test_mode: options.test_mode,
        properties: ConversationProperties {
            max_call_duration: scenario.max_call_duration_seconds,
            language: scenario.language.clone(),
            livekit_ws_url: options.livekit_ws_url.clone(),
            livekit_room_token: options.livekit_room_token.clone(),
        },
    })
}

fn checked_id(conversation_id: &str) -> Result<&str> {
    if is_tavus_id(conversation_id, 'c') {
        Ok(conversation_id)
    } else {
        Err(Error::TavusNotFound)
    }
}

/// The path that ends a conversation: `/v2/conversations/{id}/end`. The id is
/// checked first, so nothing else can reach the path.
///
/// ```
/// use livekit_tavus_edge::tavus::end_conversation_path;
/// assert_eq!(end_conversation_path("c123abc").unwrap(), "/v2/conversations/c123abc/end");
/// assert!(end_conversation_path("c1/../x").is_err());
/// ```
pub fn end_conversation_path(conversation_id: &str) -> Result<String> {
    Ok(format!(
        "/v2/conversations/{}/end",
        checked_id(conversation_id)?
    ))
}

/// The path of one conversation: `/v2/conversations/{id}`.
pub fn conversation_path(conversation_id: &str) -> Result<String> {
    Ok(format!(
        "/v2/conversations/{}",
        checked_id(conversation_id)?
    ))
}

schema! {
    /// A conversation Tavus created.
    pub CREATED_CONVERSATION("CreatedConversation"): Created {
        /// `c…`
        ConversationId "conversation_id": Str, ALWAYS;
        /// Tavus' own meeting URL.
        ConversationUrl "conversation_url": Str;
        /// Tavus' status.
        Status "status": Str;
    }
}

/// A conversation Tavus created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedConversation {
    /// Its id, `c…`.
    pub conversation_id: String,
    /// Tavus' own meeting URL (unused in LiveKit mode).
    pub conversation_url: Option<String>,
    /// Its status as Tavus reported it.
    pub status: Option<String>,
}

impl CreatedConversation {
    /// As JSON.
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("conversation_id", &self.conversation_id)
            .some_str("conversation_url", self.conversation_url.as_deref())
            .some_str("status", self.status.as_deref())
            .finish()
    }
}

/// The reason Tavus gave, lower-cased (`error` or `message`, whichever is a string).
fn reason(body: &str) -> String {
    let v = json::parse_any(body).unwrap_or(Any::Null);
    crate::text::join(
        ["error", "message", "detail"]
            .iter()
            .filter_map(|k| v.get(k).and_then(Any::as_str)),
        " ",
    )
    .to_ascii_lowercase()
}

/// Whether the answer's text mentions `needle`.
fn has(why: &str, needle: &str) -> bool {
    crate::text::contains(why, needle)
}

/// Errors every call shares: key, concurrency, rate limit, server side.
fn common_error(status: u16, why: &str) -> Option<Error> {
    if status == 401 || status == 403 || has(why, "access token") || has(why, "api key") {
        return Some(Error::TavusUnauthorized);
    }
    if has(why, "concurrent") {
        return Some(Error::TavusConcurrency);
    }
    if status == 429 {
        return Some(Error::TavusRateLimited);
    }
    if status >= 500 {
        return Some(Error::TavusUnavailable(status));
    }
    None
}

fn object(body: &str) -> Result<Any<'_>> {
    let v = json::parse_any(body)
        .map_err(|_| Error::TavusBadResponse("the body is not JSON".into()))?;
    // Some single-object answers are documented wrapped in `data: [...]`.
    let v = match v.get("data") {
        Some(Any::List(items)) if v.get("conversation_id").is_none() => {
            items.first().cloned().unwrap_or(Any::Null)
        }
        Some(data @ Any::Obj(_)) if v.get("conversation_id").is_none() => data.clone(),
        _ => v,
    };
    if matches!(v, Any::Obj(_)) {
        Ok(v)
    } else {
        Err(Error::TavusBadResponse(
            "the body is not a JSON object".into(),
        ))
    }
}

fn opt_string(v: &Any<'_>, k: &str) -> Option<String> {
    v.get(k).and_then(Any::as_str).map(str::to_owned)
}

/// Classifies the answer to `POST /v2/conversations` for `scenario`.
///
/// Unknown replica or persona name the scenario (`ERR_TAVUS_REPLICA`,
/// `ERR_TAVUS_PERSONA`); the concurrency cap is `ERR_TAVUS_CONCURRENCY`; a bad
/// key `ERR_TAVUS_UNAUTHORIZED`.
///
/// ```
/// use livekit_tavus_edge::scenario::Scenario;
/// use livekit_tavus_edge::tavus::parse_create_response;
/// let s = Scenario {
///     scenario_id: "demo".into(), display_name: "Demo".into(),
///     replica_id: "r6ae5b6efc9d".into(), persona_id: None, language: "english".into(),
///     prompt: "Be kind.".into(), greeting: None, max_call_duration_seconds: 600,
///     agent_name: None, enabled: true,
/// };
/// let ok = parse_create_response(200, r#"{"conversation_id":"c12345","status":"active"}"#, &s).unwrap();
/// assert_eq!(ok.conversation_id, "c12345");
/// let cap = parse_create_response(400, r#"{"message":"User has reached maximum concurrent conversations"}"#, &s);
/// assert_eq!(cap.unwrap_err().code(), "ERR_TAVUS_CONCURRENCY");
/// ```
pub fn parse_create_response(
    status: u16,
    body: &str,
    scenario: &Scenario,
) -> Result<CreatedConversation> {
    if (200..300).contains(&status) {
        let v = object(body)?;
        let id = opt_string(&v, "conversation_id").unwrap_or_default();
        if !is_tavus_id(&id, 'c') {
            return Err(Error::TavusBadResponse(
                "no valid conversation_id in the answer".into(),
            ));
        }
        return Ok(CreatedConversation {
            conversation_id: id,
            conversation_url: opt_string(&v, "conversation_url"),
            status: opt_string(&v, "status"),
        });
    }
    let why = reason(body);
    if let Some(e) = common_error(status, &why) {
        return Err(e);
    }
    let id = &scenario.scenario_id;
    if has(&why, "replica") || has(&why, "face") {
        return Err(Error::TavusReplica(format!(
            "Tavus does not know replica {} of scenario {id}",
            scenario.replica_id
        )));
    }
    if has(&why, "persona") || has(&why, "pal_id") || has(&why, "pal ") {
        return Err(Error::TavusPersona(format!(
            "Tavus does not know persona {} of scenario {id}",
            scenario.persona_id.as_deref().unwrap_or("(none)")
        )));
    }
    Err(Error::TavusRejected(format!(
        "Tavus refused to create the conversation for scenario {id} (HTTP {status})"
    )))
}

/// What ending a conversation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndOutcome {
    /// This call ended it.
    Ended,
    /// It had already ended.
    AlreadyEnded,
    /// Tavus does not know it (deleted, or never existed): nothing runs.
    NotFound,
}

/// The names of [`EndOutcome`]s, as JavaScript sees them.
pub const END_OUTCOMES: &[&str] = &["ended", "already_ended", "not_found"];

impl EndOutcome {
    /// Its name: `ended`, `already_ended` or `not_found`.
    pub fn name(self) -> &'static str {
        END_OUTCOMES[self as usize]
    }
}

/// Classifies the answer to `POST /v2/conversations/{id}/end`. Every outcome
/// means the conversation no longer runs; errors mean it may still run.
///
/// ```
/// use livekit_tavus_edge::tavus::{parse_end_response, EndOutcome};
/// assert_eq!(parse_end_response(200, "").unwrap(), EndOutcome::Ended);
/// assert_eq!(parse_end_response(400, r#"{"error":"Invalid conversation_id"}"#).unwrap(), EndOutcome::NotFound);
/// assert_eq!(parse_end_response(503, "").unwrap_err().code(), "ERR_TAVUS_UNAVAILABLE");
/// ```
pub fn parse_end_response(status: u16, body: &str) -> Result<EndOutcome> {
    if (200..300).contains(&status) {
        return Ok(EndOutcome::Ended);
    }
    let why = reason(body);
    if conversation_unknown(status, &why) {
        return Ok(EndOutcome::NotFound);
    }
    if has(&why, "already") || has(&why, "has ended") || has(&why, "not active") {
        return Ok(EndOutcome::AlreadyEnded);
    }
    Err(conversation_refusal(status, &why, "end"))
}

/// Whether an error answer about one conversation says Tavus does not know it.
fn conversation_unknown(status: u16, why: &str) -> bool {
    status == 404 || has(why, "invalid conversation") || has(why, "not found")
}

/// The error for any other refusal of a call about one conversation.
fn conversation_refusal(status: u16, why: &str, doing: &str) -> Error {
    common_error(status, why).unwrap_or_else(|| {
        Error::TavusRejected(format!(
            "Tavus refused to {doing} the conversation (HTTP {status})"
        ))
    })
}

schema! {
    /// A conversation's state.
    pub CONVERSATION_STATE("ConversationState"): State {
        /// Its id.
        ConversationId "conversation_id": Str, ALWAYS;
        /// Tavus' status string.
        Status "status": Str, ALWAYS;
        /// Whether it still runs (and bills).
        Active "active": Bool, ALWAYS;
        /// The name it was created with, when Tavus returned one.
        ConversationName "conversation_name": Str;
    }
}

/// A conversation's state, from `GET /v2/conversations/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationState {
    /// Its id.
    pub conversation_id: String,
    /// Tavus' status string (`active`, `ended`, …).
    pub status: String,
    /// Whether it still runs (and bills).
    pub active: bool,
    /// The name it was created with, when Tavus returned one.
    pub conversation_name: Option<String>,
}

impl ConversationState {
    /// As JSON.
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("conversation_id", &self.conversation_id)
            .str("status", &self.status)
            .bool("active", self.active)
            .some_str("conversation_name", self.conversation_name.as_deref())
            .finish()
    }
}

/// Classifies the answer to `GET /v2/conversations/{id}`.
///
/// ```
/// use livekit_tavus_edge::tavus::parse_conversation_response;
/// let s = parse_conversation_response(200, r#"{"conversation_id":"c123","status":"ended"}"#).unwrap();
/// assert!(!s.active);
/// ```
pub fn parse_conversation_response(status: u16, body: &str) -> Result<ConversationState> {
    if (200..300).contains(&status) {
        let v = object(body)?;
        let id = opt_string(&v, "conversation_id").unwrap_or_default();
        if !is_tavus_id(&id, 'c') {
            return Err(Error::TavusBadResponse(
                "no valid conversation_id in the answer".into(),
            ));
        }
        let st = opt_string(&v, "status")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let active = !is_over(&st);
        return Ok(ConversationState {
            conversation_id: id,
            status: st,
            active,
            conversation_name: opt_string(&v, "conversation_name")
                .filter(|n| crate::text::chars(n) <= MAX_LISTED_NAME_CHARS),
        });
    }
    let why = reason(body);
    if conversation_unknown(status, &why) {
        return Err(Error::TavusNotFound);
    }
    Err(conversation_refusal(status, &why, "read"))
}

schema! {
    /// One conversation of a `GET /v2/conversations` page.
    pub LISTED_CONVERSATION("ListedConversation"): Listed {
        /// Its id (`c…`).
        ConversationId "conversation_id": Str, ALWAYS;
        /// The name it was created with (`conversation_name`), when it has one.
        ConversationName "conversation_name": Str;
        /// Tavus' status string, lower-cased (`active`, `ended`, …).
        Status "status": Str, ALWAYS;
    }
}

schema! {
    /// One page of `GET /v2/conversations`.
    pub CONVERSATION_PAGE("ConversationPage"): Page {
        /// The conversations of the page, in Tavus' order.
        Conversations "conversations": Objs(LISTED_CONVERSATION), ALWAYS;
        /// `total_count` when Tavus sent it.
        TotalCount "total_count": Int;
    }
}

/// One conversation of a `GET /v2/conversations` page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedConversation {
    /// Its id (`c…`).
    pub conversation_id: String,
    /// The name it was created with (`conversation_name`), when it has one.
    pub conversation_name: Option<String>,
    /// Tavus' status string, lower-cased (`active`, `ended`, …).
    pub status: String,
}

impl ListedConversation {
    fn write(&self, out: &mut ObjWriter) {
        out.str("conversation_id", &self.conversation_id)
            .some_str("conversation_name", self.conversation_name.as_deref())
            .str("status", &self.status);
    }
}

/// One page of `GET /v2/conversations?status=…&limit=…&page=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPage {
    /// The conversations of the page, in Tavus' order.
    pub conversations: Vec<ListedConversation>,
    /// `total_count` when Tavus sent it.
    pub total_count: Option<u64>,
}

impl ConversationPage {
    /// As JSON (the `ConversationPage` type).
    pub fn to_json(&self) -> String {
        let mut list = String::from("[");
        for (i, c) in self.conversations.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let mut w = ObjWriter::new();
            c.write(&mut w);
            list.push_str(&w.finish());
        }
        list.push(']');
        let mut w = ObjWriter::new();
        w.raw("conversations", &list);
        if let Some(n) = self.total_count {
            w.int("total_count", n.min(i64::MAX as u64) as i64);
        }
        w.finish()
    }
}

/// The longest conversation name kept from a listing (longer names are not ours).
const MAX_LISTED_NAME_CHARS: usize = 256;

/// Classifies the answer to `GET /v2/conversations` (`{data: [...], total_count}`).
///
/// Entries without a valid `c…` id are an `ERR_TAVUS_BAD_RESPONSE` (a listing
/// we cannot trust is not acted on); a name that is not a string, or longer
/// than 256 characters, is dropped (such a conversation cannot be one of ours).
///
/// ```
/// use livekit_tavus_edge::tavus::parse_conversation_list;
/// let page = parse_conversation_list(200, r#"{"data":[{"conversation_id":"c1a2b3","conversation_name":"x","status":"active"}],"total_count":1}"#).unwrap();
/// assert_eq!(page.conversations[0].conversation_id, "c1a2b3");
/// assert_eq!(page.total_count, Some(1));
/// assert_eq!(parse_conversation_list(401, r#"{"message":"Invalid access token"}"#).unwrap_err().code(), "ERR_TAVUS_UNAUTHORIZED");
/// ```
pub fn parse_conversation_list(status: u16, body: &str) -> Result<ConversationPage> {
    if !(200..300).contains(&status) {
        let why = reason(body);
        return Err(common_error(status, &why).unwrap_or_else(|| {
            Error::TavusRejected(format!(
                "Tavus refused to list conversations (HTTP {status})"
            ))
        }));
    }
    let v = json::parse_any(body)
        .map_err(|_| Error::TavusBadResponse("the body is not JSON".into()))?;
    let Some(Any::List(items)) = v.get("data") else {
        return Err(Error::TavusBadResponse(
            "the listing has no `data` array".into(),
        ));
    };
    let mut conversations = Vec::with_capacity(items.len());
    for item in items {
        let id = opt_string(item, "conversation_id").unwrap_or_default();
        if !is_tavus_id(&id, 'c') {
            return Err(Error::TavusBadResponse(
                "a listed conversation has no valid conversation_id".into(),
            ));
        }
        let conversation_name = opt_string(item, "conversation_name")
            .filter(|n| crate::text::chars(n) <= MAX_LISTED_NAME_CHARS);
        let status = opt_string(item, "status")
            .unwrap_or_default()
            .to_ascii_lowercase();
        conversations.push(ListedConversation {
            conversation_id: id,
            conversation_name,
            status,
        });
    }
    let total_count = match v.get("total_count") {
        Some(Any::Num(n)) if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
        _ => None,
    };
    Ok(ConversationPage {
        conversations,
        total_count,
    })
}

/// Whether a Tavus status string means the conversation no longer runs.
pub fn is_over(status: &str) -> bool {
    matches!(
        status.to_ascii_lowercase().as_str(),
        "ended" | "error" | "deleted" | "completed"
    )
}

schema! {
    /// A callback event (unsigned: re-read the conversation before acting).
    pub TAVUS_CALLBACK("TavusCallback"): Callback {
        /// The conversation.
        ConversationId "conversation_id": Str, ALWAYS;
        /// e.g. `system.shutdown`.
        EventType "event_type": Str, ALWAYS;
        /// e.g. `system`.
        MessageType "message_type": Str;
        /// Why it shut down.
        ShutdownReason "shutdown_reason": Str;
        /// Whether the event says the conversation is over.
        EndsConversation "ends_conversation": Bool, ALWAYS;
    }
}

/// A conversation event Tavus posted to the callback URL. Unsigned: act on it
/// only after re-reading the conversation from Tavus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TavusCallback {
    /// The conversation concerned.
    pub conversation_id: String,
    /// e.g. `system.replica_joined`, `system.shutdown`.
    pub event_type: String,
    /// e.g. `system`, `application`.
    pub message_type: Option<String>,
    /// `properties.shutdown_reason` of `system.shutdown`.
    pub shutdown_reason: Option<String>,
    /// Whether the event says the conversation is over.
    pub ends_conversation: bool,
}

impl TavusCallback {
    /// As JSON.
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("conversation_id", &self.conversation_id)
            .str("event_type", &self.event_type)
            .some_str("message_type", self.message_type.as_deref())
            .some_str("shutdown_reason", self.shutdown_reason.as_deref())
            .bool("ends_conversation", self.ends_conversation)
            .finish()
    }
}

/// Parses a Tavus callback body.
///
/// ```
/// use livekit_tavus_edge::tavus::parse_callback;
/// let cb = parse_callback(r#"{"conversation_id":"c123","event_type":"system.shutdown","message_type":"system","properties":{"shutdown_reason":"max_call_duration"}}"#).unwrap();
/// assert!(cb.ends_conversation);
/// assert_eq!(cb.shutdown_reason.as_deref(), Some("max_call_duration"));
/// ```
pub fn parse_callback(body: &str) -> Result<TavusCallback> {
    let v = json::parse_any(body)
        .map_err(|_| Error::TavusBadCallback("the body is not JSON".into()))?;
    let id = opt_string(&v, "conversation_id").unwrap_or_default();
    if !is_tavus_id(&id, 'c') {
        return Err(Error::TavusBadCallback("no valid conversation_id".into()));
    }
    let event_type = opt_string(&v, "event_type")
        .filter(|e| !e.is_empty() && e.len() <= 128)
        .ok_or_else(|| Error::TavusBadCallback("no event_type".into()))?;
    let shutdown_reason = v
        .get("properties")
        .and_then(|p| p.get("shutdown_reason"))
        .and_then(Any::as_str)
        .map(|s| s.chars().take(200).collect());
    Ok(TavusCallback {
        conversation_id: id,
        ends_conversation: event_type == "system.shutdown",
        event_type,
        message_type: opt_string(&v, "message_type"),
        shutdown_reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario {
            scenario_id: "travel-guide".into(),
            display_name: "Travel".into(),
            replica_id: "rb17cf590e15".into(),
            persona_id: Some("p9a95912ab10".into()),
            language: "spanish".into(),
            prompt: "Eres Lucía.".into(),
            greeting: Some("¡Hola!".into()),
            max_call_duration_seconds: 1200,
            agent_name: None,
            enabled: true,
        }
    }

    #[test]
    fn conversation_listings_are_read_strictly() {
        let page = parse_conversation_list(
            200,
            r#"{"data":[{"conversation_id":"c1a2b3","conversation_name":"lte:x","status":"Active","extra":1},
                         {"conversation_id":"c4d5e6","conversation_name":7,"status":"ended"}],
                "total_count":12}"#,
        )
        .unwrap();
        assert_eq!(page.total_count, Some(12));
        assert_eq!(page.conversations[0].status, "active");
        assert_eq!(page.conversations[1].conversation_name, None);
        let long = format!(
            r#"{{"data":[{{"conversation_id":"c1a2b3","conversation_name":"{}"}}]}}"#,
            "n".repeat(300)
        );
        assert_eq!(
            parse_conversation_list(200, &long).unwrap().conversations[0].conversation_name,
            None
        );
        for bad in [
            "[]",
            "{}",
            r#"{"data":{}}"#,
            r#"{"data":[{"conversation_id":"x1"}]}"#,
            "not json",
        ] {
            assert_eq!(
                parse_conversation_list(200, bad).unwrap_err().code(),
                "ERR_TAVUS_BAD_RESPONSE",
                "{bad}"
            );
        }
        assert_eq!(
            parse_conversation_list(500, "").unwrap_err().code(),
            "ERR_TAVUS_UNAVAILABLE"
        );
        assert_eq!(
            parse_conversation_list(400, r#"{"error":"bad page"}"#)
                .unwrap_err()
                .code(),
            "ERR_TAVUS_REJECTED"
        );
    }

    #[test]
    fn create_answers_map_to_codes() {
        let cases: [(u16, &str, &str); 10] = [
            (
                400,
                r#"{"message":"User has reached maximum concurrent conversations"}"#,
                "ERR_TAVUS_CONCURRENCY",
            ),
            (
                401,
                r#"{"message":"Invalid access token"}"#,
                "ERR_TAVUS_UNAUTHORIZED",
            ),
            (
                400,
                r#"{"error":"Invalid replica_id"}"#,
                "ERR_TAVUS_REPLICA",
            ),
            (
                400,
                r#"{"error":"Invalid persona_id"}"#,
                "ERR_TAVUS_PERSONA",
            ),
            (404, r#"{"message":"Face not found"}"#, "ERR_TAVUS_REPLICA"),
            (
                429,
                r#"{"message":"Too many requests"}"#,
                "ERR_TAVUS_RATE_LIMITED",
            ),
            (500, "oops", "ERR_TAVUS_UNAVAILABLE"),
            (
                400,
                r#"{"error":"Invalid properties"}"#,
                "ERR_TAVUS_REJECTED",
            ),
            (200, r#"{"status":"active"}"#, "ERR_TAVUS_BAD_RESPONSE"),
            (201, "not json", "ERR_TAVUS_BAD_RESPONSE"),
        ];
        for (status, body, code) in cases {
            let e = parse_create_response(status, body, &scenario()).unwrap_err();
            assert_eq!(e.code(), code, "{status} {body}");
        }
        let e = parse_create_response(400, r#"{"error":"Invalid replica_id"}"#, &scenario())
            .unwrap_err();
        assert!(e.to_string().contains("travel-guide") && e.to_string().contains("rb17cf590e15"));
    }

    #[test]
    fn upstream_text_is_never_echoed() {
        let body = r#"{"error":"Invalid livekit_room_token eyJhbGciOiJIUzI1NiJ9.secret.sig"}"#;
        let e = parse_create_response(400, body, &scenario()).unwrap_err();
        assert!(!e.to_string().contains("eyJ"));
    }

    #[test]
    fn body_has_every_required_field() {
        let body = create_conversation_body(
            &scenario(),
            &ConversationOptions {
                livekit_ws_url: "wss://x.livekit.cloud".into(),
                livekit_room_token: "tok".into(),
                conversation_name: Some("travel-guide room-1".into()),
                callback_url: Some("https://p.supabase.co/functions/v1/tavus-callback/s".into()),
                test_mode: false,
            },
        )
        .unwrap();
        let json = body.to_json();
        json::read(json.as_bytes(), CREATE_CONVERSATION_BODY, Mode::Strict).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["replica_id"], "rb17cf590e15");
        assert_eq!(v["persona_id"], "p9a95912ab10");
        assert_eq!(v["custom_greeting"], "¡Hola!");
        assert_eq!(v["properties"]["max_call_duration"], 1200);
        assert_eq!(v["properties"]["livekit_room_token"], "tok");
        assert!(v.get("test_mode").is_none());
        let bad = ConversationOptions {
            livekit_ws_url: "https://x".into(),
            livekit_room_token: "t".into(),
            ..Default::default()
        };
        assert!(create_conversation_body(&scenario(), &bad).is_err());
    }

    #[test]
    fn end_and_get_answers() {
        assert_eq!(
            parse_end_response(400, r#"{"message":"Conversation has already ended"}"#).unwrap(),
            EndOutcome::AlreadyEnded
        );
        assert_eq!(parse_end_response(404, "").unwrap(), EndOutcome::NotFound);
        assert_eq!(
            parse_end_response(401, "").unwrap_err().code(),
            "ERR_TAVUS_UNAUTHORIZED"
        );
        assert_eq!(
            parse_conversation_response(400, r#"{"error":"Invalid conversation_id"}"#)
                .unwrap_err()
                .code(),
            "ERR_TAVUS_NOT_FOUND"
        );
        let wrapped = r#"{"data":[{"conversation_id":"cabc","status":"active"}]}"#;
        assert!(parse_conversation_response(200, wrapped).unwrap().active);
        assert!(parse_callback(r#"{"conversation_id":"x","event_type":"e"}"#).is_err());
    }
}
