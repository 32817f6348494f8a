//! The reconciler's decisions, without I/O: which Tavus conversations this
//! deployment created (their name), and what to do about each conversation,
//! pending end and room it is shown.
//!
//! Every conversation the functions create is named
//! `lte:<marker>:<session id>:<scenario id>`: `marker` is 12 hexadecimal digits
//! random per database (`public.avatar_deployment`), so the name says both that
//! this deployment created the conversation and which session row owns it,
//! even when the create's answer (and so the conversation id) was lost.
//!
//! A conversation is kept only while its session is `live` with that
//! conversation (or `starting`, younger than the grace period: its create may
//! still be in flight). Anything else of ours is ended. Conversations with
//! another marker, or another name, are never touched.

use crate::auth::is_uuid;
use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Mode, ObjWriter, Val, ALWAYS, NULLABLE};
use crate::scenario::is_scenario_id;
use crate::tavus::{is_over, Listed, ListedConversation, LISTED_CONVERSATION};

/// The first part of every conversation name of this project.
pub const NAME_PREFIX: &str = "lte";

/// Conversation ids made up in dry-run (no Tavus call was made for them).
pub const DRY_RUN_PREFIX: &str = "cdryrun";

/// Whether `m` is a deployment marker: 12 lower-case hexadecimal digits.
pub fn is_marker(m: &str) -> bool {
    m.len() == 12 && m.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_session_id(s: &str) -> bool {
    is_uuid(s) && !s.bytes().any(|b| b.is_ascii_uppercase())
}

/// The name of a new conversation: `lte:<marker>:<session id>:<scenario id>`.
///
/// ```
/// use livekit_tavus_edge::reconcile::conversation_name;
/// let name = conversation_name("0a1b2c3d4e5f", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "travel-guide").unwrap();
/// assert_eq!(name, "lte:0a1b2c3d4e5f:7c9e6679-7425-40de-944b-e07fc1f90ae7:travel-guide");
/// assert_eq!(conversation_name("nope", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "x").unwrap_err().code(), "ERR_INVALID_INPUT");
/// ```
pub fn conversation_name(marker: &str, session_id: &str, scenario_id: &str) -> Result<String> {
    if !is_marker(marker) {
        return Err(Error::InvalidInput(
            "the deployment marker must be 12 lower-case hexadecimal digits".into(),
        ));
    }
    if !is_session_id(session_id) {
        return Err(Error::InvalidInput(
            "the session id must be a lower-case UUID".into(),
        ));
    }
    if !is_scenario_id(scenario_id) {
        return Err(Error::InvalidInput("the scenario id is not a slug".into()));
    }
    Ok(format!("{NAME_PREFIX}:{marker}:{session_id}:{scenario_id}"))
}

schema! {
    /// Who created a conversation, read from its name.
    pub CONVERSATION_OWNER("ConversationOwner"): Owner {
        /// The deployment's marker (12 hexadecimal digits).
        Marker "marker": Str, ALWAYS;
        /// The session row that owns the conversation.
        SessionId "session_id": Str, ALWAYS;
    }
}

/// Who created a conversation, read from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationOwner {
    /// The deployment's marker.
    pub marker: String,
    /// The session row that owns the conversation.
    pub session_id: String,
}

impl ConversationOwner {
    /// As JSON (the `ConversationOwner` type).
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("marker", &self.marker)
            .str("session_id", &self.session_id)
            .finish()
    }
}

/// The owner a conversation name names, or `None` for a name this project did
/// not write (exactly `lte:<12 hex>:<lower-case uuid>` with an optional
/// `:<scenario id>`).
///
/// ```
/// use livekit_tavus_edge::reconcile::parse_conversation_name;
/// let o = parse_conversation_name("lte:0a1b2c3d4e5f:7c9e6679-7425-40de-944b-e07fc1f90ae7:travel-guide").unwrap();
/// assert_eq!(o.session_id, "7c9e6679-7425-40de-944b-e07fc1f90ae7");
/// assert!(parse_conversation_name("travel-guide avatar-0123").is_none());
/// assert!(parse_conversation_name("LTE:0a1b2c3d4e5f:7c9e6679-7425-40de-944b-e07fc1f90ae7").is_none());
/// ```
pub fn parse_conversation_name(name: &str) -> Option<ConversationOwner> {
    let mut parts = name.split(':');
    let (prefix, marker, session_id) = (parts.next()?, parts.next()?, parts.next()?);
    let scenario = parts.next();
    if parts.next().is_some()
        || prefix != NAME_PREFIX
        || !is_marker(marker)
        || !is_session_id(session_id)
        || scenario.is_some_and(|s| !is_scenario_id(s))
    {
        return None;
    }
    Some(ConversationOwner {
        marker: marker.to_owned(),
        session_id: session_id.to_owned(),
    })
}

/// The grace period, in seconds, during which a `starting` session's create may
/// still be in flight: the longest a token request can take after its claim
/// (three upstream calls) plus a margin, and at least a minute.
pub fn grace_seconds(upstream_timeout_ms: u64) -> f64 {
    let calls = 3.0 * (upstream_timeout_ms as f64) / 1000.0;
    (calls + 30.0).max(60.0).ceil()
}

schema! {
    /// A session as the reconciler sees it (ages by the database clock).
    pub RECONCILE_SESSION("ReconcileSession"): Sess {
        /// The session id.
        Id "id": Str, ALWAYS;
        /// `starting`, `live`, `ending`, `ended` or `failed`.
        Status "status": Str, ALWAYS;
        /// `direct`, `agent` or `none`.
        Mode "mode": Str, ALWAYS;
        /// The conversation it recorded.
        ConversationId "conversation_id": Str, NULLABLE;
        /// Its LiveKit room (as the store reads it; the plan does not need it).
        RoomName "room_name": Str;
        /// Seconds since it was created.
        AgeSeconds "age_seconds": Num, ALWAYS;
        /// Seconds since it ended (none while open).
        EndedAgeSeconds "ended_age_seconds": Num, NULLABLE;
        /// Past its `expires_at`.
        Expired "expired": Bool, ALWAYS;
        /// Its Tavus end is owed.
        TavusEndPending "tavus_end_pending": Bool, ALWAYS;
    }
}

/// A session as the reconciler sees it (ages by the database clock).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    /// The session id.
    pub id: String,
    /// `starting`, `live`, `ending`, `ended` or `failed`.
    pub status: String,
    /// `direct`, `agent` or `none`.
    pub mode: String,
    /// The conversation it recorded.
    pub conversation_id: Option<String>,
    /// Seconds since it was created.
    pub age_seconds: f64,
    /// Seconds since it ended (none while open).
    pub ended_age_seconds: Option<f64>,
    /// Past its `expires_at`.
    pub expired: bool,
    /// Its Tavus end is owed.
    pub tavus_end_pending: bool,
}

schema! {
    /// A session whose room is checked.
    pub ROOM_CANDIDATE("RoomCandidate"): Cand {
        /// The session id.
        Id "id": Str, ALWAYS;
        /// Its status.
        Status "status": Str, ALWAYS;
        /// Its mode.
        Mode "mode": Str, ALWAYS;
        /// Its LiveKit room.
        RoomName "room_name": Str, ALWAYS;
        /// Seconds since the session was created.
        AgeSeconds "age_seconds": Num, ALWAYS;
    }
}

/// A session whose room the reconciler checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomCandidate {
    /// The session id.
    pub id: String,
    /// Its status.
    pub status: String,
    /// Its mode.
    pub mode: String,
    /// Its LiveKit room.
    pub room_name: String,
    /// Seconds since the session was created.
    pub age_seconds: f64,
}

schema! {
    /// What one pass found.
    pub PLAN_INPUT("PlanInput"): In {
        /// This deployment's marker.
        Marker "marker": Str, ALWAYS;
        /// `UPSTREAM_TIMEOUT_MS` (the grace period for starting sessions derives from it).
        UpstreamTimeoutMs "upstream_timeout_ms": Int, ALWAYS;
        /// A Tavus key is configured.
        TavusConfigured "tavus_configured": Bool, ALWAYS;
        /// Every page of the active listing was read.
        ListingComplete "listing_complete": Bool, ALWAYS;
        /// The active conversations listed.
        Conversations "conversations": Objs(LISTED_CONVERSATION), ALWAYS;
        /// Sessions named by our conversations, and those whose Tavus end is pending.
        Sessions "sessions": Objs(RECONCILE_SESSION), ALWAYS;
        /// LiveKit's rooms could be listed.
        RoomsListed "rooms_listed": Bool, ALWAYS;
        /// `DELETE_ROOM_ON_END`: delete the rooms of ended sessions (default `true`). Rooms of
        /// failed sessions are deleted either way: nobody was meant to be in them.
        DeleteEndedRooms "delete_ended_rooms": Bool;
        /// Sessions whose room was checked.
        RoomCandidates "room_candidates": Objs(ROOM_CANDIDATE);
        /// Which of the candidates' rooms exist.
        Rooms "rooms": Strs;
    }
}

/// Everything one pass found.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    /// This deployment's marker.
    pub marker: String,
    /// `UPSTREAM_TIMEOUT_MS`, for the grace period.
    pub upstream_timeout_ms: u64,
    /// Whether a Tavus key is configured (without one nothing can be ended).
    pub tavus_configured: bool,
    /// Whether every page of the active listing was read.
    pub listing_complete: bool,
    /// The active conversations Tavus listed (possibly incomplete).
    pub conversations: Vec<ListedConversation>,
    /// The sessions named by our conversations, and those whose end is pending.
    pub sessions: Vec<SessionView>,
    /// Whether LiveKit's rooms could be listed.
    pub rooms_listed: bool,
    /// Whether the rooms of ended sessions are deleted (`DELETE_ROOM_ON_END`); rooms of failed
    /// sessions always are.
    pub delete_ended_rooms: bool,
    /// Sessions whose room to check.
    pub room_candidates: Vec<RoomCandidate>,
    /// Which of the candidates' rooms exist.
    pub rooms: Vec<String>,
}

impl PlanInput {
    /// Reads a pass's findings from JSON (the `PlanInput` type), strictly.
    pub fn from_json(input: &[u8]) -> Result<Self> {
        let r = json::read(input, PLAN_INPUT, Mode::Strict)
            .map_err(|e| Error::InvalidInput(format!("reconcile input: {e}")))?
            .obj;
        fn objs<'a, 'b>(list: Option<&'b [Val<'a>]>) -> impl Iterator<Item = &'b json::Obj<'a>> {
            list.unwrap_or_default().iter().filter_map(|v| match v {
                Val::Obj(o) => Some(o),
                _ => None,
            })
        }
        let text = |o: &json::Obj<'_>, i: u8| o.str(i).unwrap_or_default().to_owned();
        let num = |o: &json::Obj<'_>, i: u8| o.num(i).map(json::approx);
        let conversations = objs(r.list(In::Conversations))
            .map(|o| ListedConversation {
                conversation_id: text(o, Listed::ConversationId.into()),
                conversation_name: o.str(Listed::ConversationName).map(str::to_owned),
                status: text(o, Listed::Status.into()),
            })
            .collect();
        let sessions = objs(r.list(In::Sessions))
            .map(|o| SessionView {
                id: text(o, Sess::Id.into()),
                status: text(o, Sess::Status.into()),
                mode: text(o, Sess::Mode.into()),
                conversation_id: o.str(Sess::ConversationId).map(str::to_owned),
                age_seconds: num(o, Sess::AgeSeconds.into()).unwrap_or_default(),
                ended_age_seconds: num(o, Sess::EndedAgeSeconds.into()),
                expired: o.bool(Sess::Expired).unwrap_or(false),
                tavus_end_pending: o.bool(Sess::TavusEndPending).unwrap_or(false),
            })
            .collect();
        let room_candidates = objs(r.list(In::RoomCandidates))
            .map(|o| RoomCandidate {
                id: text(o, Cand::Id.into()),
                status: text(o, Cand::Status.into()),
                mode: text(o, Cand::Mode.into()),
                room_name: text(o, Cand::RoomName.into()),
                age_seconds: num(o, Cand::AgeSeconds.into()).unwrap_or_default(),
            })
            .collect();
        let rooms = r
            .list(In::Rooms)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| match v {
                Val::Str(s) => Some(s.to_string()),
                _ => None,
            })
            .collect();
        Ok(PlanInput {
            marker: r.str(In::Marker).unwrap_or_default().to_owned(),
            upstream_timeout_ms: r.int(In::UpstreamTimeoutMs).unwrap_or(0).max(0) as u64,
            tavus_configured: r.bool(In::TavusConfigured).unwrap_or(false),
            listing_complete: r.bool(In::ListingComplete).unwrap_or(false),
            conversations,
            sessions,
            rooms_listed: r.bool(In::RoomsListed).unwrap_or(false),
            delete_ended_rooms: r.bool(In::DeleteEndedRooms).unwrap_or(true),
            room_candidates,
            rooms,
        })
    }
}

/// A conversation to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndConversation {
    /// The conversation.
    pub conversation_id: String,
    /// The session that owns it, when its row exists.
    pub session_id: Option<String>,
    /// Why: `no_session`, `session_over`, `start_abandoned`, `duplicate`.
    pub reason: &'static str,
    /// Fail the (stale `starting`) session first.
    pub fail_session: bool,
    /// Clear the session's pending end once Tavus confirmed this end.
    pub settle: bool,
}

/// A conversation left running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptConversation {
    /// The conversation.
    pub conversation_id: String,
    /// Its session.
    pub session_id: String,
    /// `live` or `starting`.
    pub reason: &'static str,
}

/// A pending end to retry by its known conversation id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryEnd {
    /// The session.
    pub session_id: String,
    /// Its conversation.
    pub conversation_id: String,
}

/// A pending end that needs no Tavus call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settle {
    /// The session.
    pub session_id: String,
    /// The conversation it recorded, if any.
    pub conversation_id: Option<String>,
    /// `dry_run` or `nothing_running`.
    pub reason: &'static str,
}

/// A session to end, or a room to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomAction {
    /// The session.
    pub session_id: String,
    /// Its room.
    pub room_name: String,
}

/// What one pass should do, in this order: end conversations (failing stale
/// sessions first), retry pending ends, settle, close sessions whose room is
/// gone, delete rooms of sessions that are over, record rooms seen gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Conversations of ours that no live session holds.
    pub end_conversations: Vec<EndConversation>,
    /// Conversations of ours that stay.
    pub keep: Vec<KeptConversation>,
    /// Listed conversations another deployment (or nobody we know) created: never touched.
    pub foreign: u32,
    /// Pending ends to retry by id.
    pub retry_ends: Vec<RetryEnd>,
    /// Pending ends to clear without a call.
    pub settle: Vec<Settle>,
    /// Open sessions whose room no longer exists.
    pub close_sessions: Vec<RoomAction>,
    /// Rooms that still exist after their session ended.
    pub delete_rooms: Vec<RoomAction>,
    /// Ended sessions whose room is gone, or kept by `DELETE_ROOM_ON_END=false` (not checked again).
    pub rooms_checked: Vec<String>,
}

schema! {
    /// A conversation to end.
    pub END_CONVERSATION("EndConversation"): EndC {
        /// The conversation.
        ConversationId "conversation_id": Str, ALWAYS;
        /// The session that owns it, when its row exists.
        SessionId "session_id": Str;
        /// Why.
        Reason "reason": OneOf(&["no_session", "session_over", "start_abandoned", "duplicate"]), ALWAYS;
        /// Fail the (stale `starting`) session first.
        FailSession "fail_session": Bool, ALWAYS;
        /// Clear the session's pending end once Tavus confirmed this end.
        Settle "settle": Bool, ALWAYS;
    }
}

schema! {
    /// A conversation left running.
    pub KEPT_CONVERSATION("KeptConversation"): KeptC {
        /// The conversation.
        ConversationId "conversation_id": Str, ALWAYS;
        /// Its session.
        SessionId "session_id": Str, ALWAYS;
        /// Why it stays.
        Reason "reason": OneOf(&["live", "starting"]), ALWAYS;
    }
}

schema! {
    /// A pending end to retry by its known conversation id.
    pub RETRY_END("RetryEnd"): RetryE {
        /// The session.
        SessionId "session_id": Str, ALWAYS;
        /// Its conversation.
        ConversationId "conversation_id": Str, ALWAYS;
    }
}

schema! {
    /// A pending end that needs no Tavus call.
    pub SETTLE("Settle"): SettleF {
        /// The session.
        SessionId "session_id": Str, ALWAYS;
        /// The conversation it recorded, if any.
        ConversationId "conversation_id": Str;
        /// Why no call is needed.
        Reason "reason": OneOf(&["dry_run", "nothing_running"]), ALWAYS;
    }
}

schema! {
    /// A session to end, or a room to delete.
    pub ROOM_ACTION("RoomAction"): RoomA {
        /// The session.
        SessionId "session_id": Str, ALWAYS;
        /// Its room.
        RoomName "room_name": Str, ALWAYS;
    }
}

schema! {
    /// What one pass does, in this order: end conversations (failing stale
    /// sessions first), retry pending ends, settle, close sessions whose room is
    /// gone, delete rooms of sessions that are over, record rooms seen gone.
    pub RECONCILE_PLAN("Plan"): PlanF {
        /// Conversations of ours that no live session holds.
        EndConversations "end_conversations": Objs(END_CONVERSATION), ALWAYS;
        /// Conversations of ours that stay.
        Keep "keep": Objs(KEPT_CONVERSATION), ALWAYS;
        /// Listed conversations another deployment (or nobody we know) created: never touched.
        Foreign "foreign": Int, ALWAYS;
        /// Pending ends to retry by id.
        RetryEnds "retry_ends": Objs(RETRY_END), ALWAYS;
        /// Pending ends to clear without a call.
        Settle "settle": Objs(SETTLE), ALWAYS;
        /// Open sessions whose room no longer exists.
        CloseSessions "close_sessions": Objs(ROOM_ACTION), ALWAYS;
        /// Rooms that still exist after their session ended.
        DeleteRooms "delete_rooms": Objs(ROOM_ACTION), ALWAYS;
        /// Ended sessions whose room is gone, or kept by `DELETE_ROOM_ON_END=false` (so they are
        /// not checked again).
        RoomsChecked "rooms_checked": Strs, ALWAYS;
    }
}

fn list<T>(items: &[T], one: impl Fn(&T, &mut ObjWriter)) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut w = ObjWriter::new();
        one(item, &mut w);
        out.push_str(&w.finish());
    }
    out.push(']');
    out
}

impl Plan {
    /// As JSON (the `Plan` type).
    pub fn to_json(&self) -> String {
        let room = |r: &RoomAction, w: &mut ObjWriter| {
            w.str("session_id", &r.session_id)
                .str("room_name", &r.room_name);
        };
        ObjWriter::new()
            .raw(
                "end_conversations",
                &list(&self.end_conversations, |e, w| {
                    w.str("conversation_id", &e.conversation_id)
                        .some_str("session_id", e.session_id.as_deref())
                        .str("reason", e.reason)
                        .bool("fail_session", e.fail_session)
                        .bool("settle", e.settle);
                }),
            )
            .raw(
                "keep",
                &list(&self.keep, |k, w| {
                    w.str("conversation_id", &k.conversation_id)
                        .str("session_id", &k.session_id)
                        .str("reason", k.reason);
                }),
            )
            .int("foreign", self.foreign.into())
            .raw(
                "retry_ends",
                &list(&self.retry_ends, |r, w| {
                    w.str("session_id", &r.session_id)
                        .str("conversation_id", &r.conversation_id);
                }),
            )
            .raw(
                "settle",
                &list(&self.settle, |s, w| {
                    w.str("session_id", &s.session_id)
                        .some_str("conversation_id", s.conversation_id.as_deref())
                        .str("reason", s.reason);
                }),
            )
            .raw("close_sessions", &list(&self.close_sessions, room))
            .raw("delete_rooms", &list(&self.delete_rooms, room))
            .strs("rooms_checked", &self.rooms_checked)
            .finish()
    }
}

/// Decides one pass. Pure: the same input always gives the same plan.
///
/// ```
/// use livekit_tavus_edge::reconcile::{plan, PlanInput};
/// let input = PlanInput::from_json(br#"{
///   "marker": "0a1b2c3d4e5f", "upstream_timeout_ms": 10000, "tavus_configured": true,
///   "listing_complete": true, "rooms_listed": false,
///   "conversations": [
///     {"conversation_id": "c1", "conversation_name": "lte:0a1b2c3d4e5f:7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "active"},
///     {"conversation_id": "c2", "conversation_name": "someone else's", "status": "active"}],
///   "sessions": [{"id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "status": "ended", "mode": "direct",
///     "conversation_id": "c1", "age_seconds": 900, "ended_age_seconds": 5, "expired": false,
///     "tavus_end_pending": true}]
/// }"#).unwrap();
/// let p = plan(&input);
/// assert!(p.to_json().starts_with(r#"{"end_conversations":[{"conversation_id":"c1""#));
/// assert_eq!(p.end_conversations[0].conversation_id, "c1");
/// assert_eq!(p.foreign, 1);
/// assert!(p.retry_ends.is_empty()); // the end above covers the pending one
/// ```
pub fn plan(input: &PlanInput) -> Plan {
    let grace = grace_seconds(input.upstream_timeout_ms);
    let session = |id: &str| input.sessions.iter().find(|s| s.id == id);
    let mut p = Plan::default();
    let mut seen: Vec<&str> = Vec::new();
    // Sessions that one of our active conversations names.
    let mut named: Vec<&str> = Vec::new();

    for c in &input.conversations {
        if is_over(&c.status) || seen.contains(&c.conversation_id.as_str()) {
            continue;
        }
        seen.push(&c.conversation_id);
        let owner = c
            .conversation_name
            .as_deref()
            .and_then(parse_conversation_name)
            .filter(|o| o.marker == input.marker);
        let Some(owner) = owner else {
            p.foreign += 1;
            continue;
        };
        let end = |session_id: Option<&str>, reason, fail_session, settle| EndConversation {
            conversation_id: c.conversation_id.clone(),
            session_id: session_id.map(str::to_owned),
            reason,
            fail_session,
            settle,
        };
        let Some(s) = session(&owner.session_id) else {
            p.end_conversations
                .push(end(None, "no_session", false, false));
            continue;
        };
        named.push(&s.id);
        let live = s.status == "live" && !s.expired;
        let recorded = s.conversation_id.as_deref() == Some(c.conversation_id.as_str());
        let keep = |reason| KeptConversation {
            conversation_id: c.conversation_id.clone(),
            session_id: s.id.clone(),
            reason,
        };
        if recorded || (s.conversation_id.is_none() && s.mode == "agent") {
            // Its own conversation (an agent worker names its conversation for the session).
            if live {
                p.keep.push(keep("live"));
            } else {
                p.end_conversations
                    .push(end(Some(&s.id), "session_over", false, true));
            }
        } else if s.status == "starting" && !s.expired {
            if s.age_seconds < grace {
                p.keep.push(keep("starting"));
            } else {
                p.end_conversations
                    .push(end(Some(&s.id), "start_abandoned", true, true));
            }
        } else if live {
            // A live session that recorded another conversation: this one is extra.
            p.end_conversations
                .push(end(Some(&s.id), "duplicate", false, false));
        } else {
            let settle = s.conversation_id.is_none();
            p.end_conversations
                .push(end(Some(&s.id), "session_over", false, settle));
        }
    }

    for s in input.sessions.iter().filter(|s| s.tavus_end_pending) {
        match s.conversation_id.as_deref() {
            Some(id) if id.starts_with(DRY_RUN_PREFIX) => p.settle.push(Settle {
                session_id: s.id.clone(),
                conversation_id: Some(id.to_owned()),
                reason: "dry_run",
            }),
            Some(id) => {
                let covered = p
                    .end_conversations
                    .iter()
                    .any(|e| e.conversation_id == id && e.settle);
                if !covered && input.tavus_configured {
                    p.retry_ends.push(RetryEnd {
                        session_id: s.id.clone(),
                        conversation_id: id.to_owned(),
                    });
                }
            }
            None => {
                // The create's answer was lost. Its conversation, if Tavus made one, carries
                // the session id in its name: ended above when listed. Nothing listed after a
                // complete listing, well after the session ended: nothing runs.
                let over_long_enough = s.ended_age_seconds.is_some_and(|a| a >= grace);
                let nothing_listed = !named.contains(&s.id.as_str());
                if (input.listing_complete || !input.tavus_configured)
                    && nothing_listed
                    && over_long_enough
                {
                    p.settle.push(Settle {
                        session_id: s.id.clone(),
                        conversation_id: None,
                        reason: "nothing_running",
                    });
                }
            }
        }
    }

    if input.rooms_listed {
        for r in &input.room_candidates {
            let exists = input.rooms.contains(&r.room_name);
            let action = RoomAction {
                session_id: r.id.clone(),
                room_name: r.room_name.clone(),
            };
            let open = r.status == "starting" || r.status == "live";
            if open {
                if !exists && r.age_seconds >= grace {
                    p.close_sessions.push(action);
                }
            } else if exists && (input.delete_ended_rooms || r.status == "failed") {
                p.delete_rooms.push(action);
            } else {
                p.rooms_checked.push(r.id.clone());
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "0a1b2c3d4e5f";
    const S1: &str = "11111111-1111-4111-8111-111111111111";
    const S2: &str = "22222222-2222-4222-8222-222222222222";

    fn name(session: &str) -> Option<String> {
        Some(conversation_name(M, session, "demo").unwrap())
    }

    fn listed(id: &str, name: Option<String>) -> ListedConversation {
        ListedConversation {
            conversation_id: id.into(),
            conversation_name: name,
            status: "active".into(),
        }
    }

    fn session(id: &str, status: &str, conversation: Option<&str>, age: f64) -> SessionView {
        SessionView {
            id: id.into(),
            status: status.into(),
            mode: "direct".into(),
            conversation_id: conversation.map(str::to_owned),
            age_seconds: age,
            ended_age_seconds: (status == "ended" || status == "failed").then_some(age),
            expired: false,
            tavus_end_pending: status == "ended" || status == "failed",
        }
    }

    fn input(conversations: Vec<ListedConversation>, sessions: Vec<SessionView>) -> PlanInput {
        PlanInput {
            marker: M.into(),
            upstream_timeout_ms: 10_000,
            tavus_configured: true,
            listing_complete: true,
            conversations,
            sessions,
            rooms_listed: false,
            delete_ended_rooms: true,
            room_candidates: vec![],
            rooms: vec![],
        }
    }

    #[test]
    fn names_round_trip_and_refuse_near_misses() {
        let n = conversation_name(M, S1, "travel-guide").unwrap();
        assert_eq!(
            parse_conversation_name(&n),
            Some(ConversationOwner {
                marker: M.into(),
                session_id: S1.into()
            })
        );
        for bad in [
            "",
            "lte",
            "lte:0a1b2c3d4e5f",
            "lte:0a1b2c3d4e5F:11111111-1111-4111-8111-111111111111",
            "lte:0a1b2c3d4e5:11111111-1111-4111-8111-111111111111",
            "lte:0a1b2c3d4e5f:11111111-1111-4111-8111-11111111111A",
            "lte:0a1b2c3d4e5f:11111111-1111-4111-8111-111111111111:Demo",
            "lte:0a1b2c3d4e5f:11111111-1111-4111-8111-111111111111:demo:x",
            " lte:0a1b2c3d4e5f:11111111-1111-4111-8111-111111111111",
            "travel-guide avatar-0123",
        ] {
            assert_eq!(parse_conversation_name(bad), None, "{bad:?}");
        }
        assert!(conversation_name(M, "11111111-1111-4111-8111-11111111111A", "d").is_err());
        assert!(conversation_name(M, S1, "Not A Slug").is_err());
    }

    #[test]
    fn plan_json_matches_its_schema() {
        let p = plan(&input(
            vec![
                listed("ca", name(S1)),
                listed("cb", name(S2)),
                listed("cc", None),
            ],
            vec![
                session(S1, "live", Some("ca"), 10.0),
                session(S2, "ended", Some("cb"), 10.0),
            ],
        ));
        json::read(p.to_json().as_bytes(), RECONCILE_PLAN, Mode::Strict).unwrap();
        let owner = parse_conversation_name(&name(S1).unwrap()).unwrap();
        json::read(owner.to_json().as_bytes(), CONVERSATION_OWNER, Mode::Strict).unwrap();
    }

    #[test]
    fn grace_covers_three_upstream_calls() {
        assert_eq!(grace_seconds(100), 60.0);
        assert_eq!(grace_seconds(10_000), 60.0);
        assert_eq!(grace_seconds(30_000), 120.0);
    }

    #[test]
    fn only_a_live_session_keeps_its_conversation() {
        let p = plan(&input(
            vec![listed("ca", name(S1)), listed("cb", name(S2))],
            vec![
                session(S1, "live", Some("ca"), 10.0),
                session(S2, "ended", Some("cb"), 10.0),
            ],
        ));
        assert_eq!(p.keep.len(), 1);
        assert_eq!(p.keep[0].conversation_id, "ca");
        assert_eq!(p.end_conversations.len(), 1);
        let e = &p.end_conversations[0];
        assert_eq!(
            (e.conversation_id.as_str(), e.reason, e.settle),
            ("cb", "session_over", true)
        );
        // Its pending end is covered by that end: no separate retry.
        assert!(p.retry_ends.is_empty());
    }

    #[test]
    fn expired_live_sessions_lose_their_conversation() {
        let mut s = session(S1, "live", Some("ca"), 4000.0);
        s.expired = true;
        let p = plan(&input(vec![listed("ca", name(S1))], vec![s]));
        assert_eq!(p.end_conversations[0].reason, "session_over");
    }

    #[test]
    fn a_lost_create_is_kept_while_in_flight_then_ended_with_its_session_failed() {
        let young = plan(&input(
            vec![listed("ca", name(S1))],
            vec![session(S1, "starting", None, 5.0)],
        ));
        assert_eq!(young.keep[0].reason, "starting");
        assert!(young.end_conversations.is_empty());
        let old = plan(&input(
            vec![listed("ca", name(S1))],
            vec![session(S1, "starting", None, 61.0)],
        ));
        let e = &old.end_conversations[0];
        assert_eq!(
            (e.reason, e.fail_session, e.settle),
            ("start_abandoned", true, true)
        );
    }

    #[test]
    fn a_failed_session_with_an_unknown_create_gets_its_conversation_ended() {
        // The create timed out, the row failed without an id; Tavus did create it.
        let p = plan(&input(
            vec![listed("ca", name(S1))],
            vec![session(S1, "failed", None, 5.0)],
        ));
        let e = &p.end_conversations[0];
        assert_eq!(
            (e.reason, e.session_id.as_deref(), e.settle),
            ("session_over", Some(S1), true)
        );
        assert!(p.settle.is_empty());
    }

    #[test]
    fn extra_conversations_of_a_live_session_are_ended_and_unknown_sessions_too() {
        let p = plan(&input(
            vec![
                listed("ca", name(S1)),
                listed("cz", name(S1)),
                listed("cx", name(S2)),
            ],
            vec![session(S1, "live", Some("ca"), 10.0)],
        ));
        let reasons: Vec<_> = p
            .end_conversations
            .iter()
            .map(|e| (e.conversation_id.as_str(), e.reason))
            .collect();
        assert_eq!(reasons, [("cz", "duplicate"), ("cx", "no_session")]);
    }

    #[test]
    fn foreign_conversations_are_never_touched() {
        let other = Some(conversation_name("ffffffffffff", S1, "demo").unwrap());
        let p = plan(&input(
            vec![
                listed("ca", other),
                listed("cb", None),
                listed("cc", Some("demo avatar-1".into())),
            ],
            vec![session(S1, "ended", None, 10.0)],
        ));
        assert_eq!(p.foreign, 3);
        assert!(p.end_conversations.is_empty());
    }

    #[test]
    fn pending_ends_are_retried_or_settled() {
        let mut dry = session(S2, "ended", Some("cdryrun0011"), 10.0);
        dry.tavus_end_pending = true;
        let p = plan(&input(
            vec![],
            vec![session(S1, "ended", Some("ca"), 10.0), dry],
        ));
        assert_eq!(p.retry_ends.len(), 1);
        assert_eq!(p.retry_ends[0].conversation_id, "ca");
        assert_eq!(p.settle[0].reason, "dry_run");
        // No id: settled once the session is over long enough and a complete listing shows nothing.
        let recent = plan(&input(vec![], vec![session(S1, "failed", None, 10.0)]));
        assert!(recent.settle.is_empty());
        let old = plan(&input(vec![], vec![session(S1, "failed", None, 600.0)]));
        assert_eq!(old.settle[0].reason, "nothing_running");
        let mut partial = input(vec![], vec![session(S1, "failed", None, 600.0)]);
        partial.listing_complete = false;
        assert!(plan(&partial).settle.is_empty());
    }

    #[test]
    fn rooms_close_gone_sessions_and_delete_leftovers() {
        let mut i = input(vec![], vec![]);
        i.rooms_listed = true;
        let cand = |id: &str, status: &str, room: &str, age| RoomCandidate {
            id: id.into(),
            status: status.into(),
            mode: "agent".into(),
            room_name: room.into(),
            age_seconds: age,
        };
        i.room_candidates = vec![
            cand(S1, "live", "r-gone", 120.0),
            cand(S2, "live", "r-young", 5.0),
            cand("a", "live", "r-here", 120.0),
            cand("b", "ended", "r-left", 120.0),
            cand("c", "failed", "r-deleted", 120.0),
        ];
        i.rooms = vec!["r-here".into(), "r-left".into()];
        let p = plan(&i);
        assert_eq!(p.close_sessions.len(), 1);
        assert_eq!(p.close_sessions[0].room_name, "r-gone");
        assert_eq!(p.delete_rooms.len(), 1);
        assert_eq!(p.delete_rooms[0].room_name, "r-left");
        assert_eq!(p.rooms_checked, ["c"]);
        // DELETE_ROOM_ON_END=false keeps an ended session's room (checked, not asked again),
        // never a failed session's.
        i.delete_ended_rooms = false;
        i.room_candidates
            .push(cand("d", "failed", "r-failed", 120.0));
        i.rooms.push("r-failed".into());
        let kept = plan(&i);
        assert_eq!(kept.delete_rooms.len(), 1);
        assert_eq!(kept.delete_rooms[0].room_name, "r-failed");
        assert_eq!(kept.rooms_checked, ["b", "c"]);
        i.rooms_listed = false;
        assert_eq!(plan(&i), Plan::default());
    }
}
