//! The LiveKit claim and grant model: one table per object ([`crate::json`]),
//! read leniently from verified tokens, strictly from minting options, and
//! written in one fixed order.
//!
//! Field names are camelCase on the wire, as LiveKit's server reads them.
//! Every field is optional, so a verified token comes back exactly as it was
//! signed (minus fields this version does not know): a flag absent from the
//! token stays absent, a flag set to `false` stays `false`. Minting
//! ([`crate::token`]) normalises the other way ([`normalize`]): it leaves out
//! everything that was not set, so a token never carries a default the server
//! or a client could misread (empty strings, `false` plain flags, zero
//! room-configuration numbers, empty lists and maps).
//!
//! `roomConfig` is protobuf-JSON: its fields also accept the proto names
//! (`agent_name`, `empty_timeout`, …), numbers may arrive as strings, and enum
//! values as names or numbers, as LiveKit's server accepts them.

use crate::json::Ty::*;
use crate::json::{self, schema, Val, ALWAYS, CLAIM, OPTION, PROTO, TRI};

/// Identity, name and room names longer than this are refused (bytes).
pub const MAX_NAME_BYTES: usize = 256;
/// Participant metadata larger than this is refused (bytes), LiveKit's default limit.
pub const MAX_METADATA_BYTES: usize = 512 * 1024;
/// Participant attributes larger than this in total (keys and values, bytes) are refused.
pub const MAX_ATTRIBUTES_BYTES: usize = 64 * 1024;
/// The largest time claim accepted: JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_TIME: i64 = json::MAX_TIME;
/// The track sources `canPublishSources` may list.
pub const TRACK_SOURCES: &[&str] = &["camera", "microphone", "screen_share", "screen_share_audio"];
/// The participant kinds `kind` may name.
pub const PARTICIPANT_KINDS: &[&str] = &[
    "standard",
    "ingress",
    "egress",
    "sip",
    "agent",
    "connector",
    "bridge",
];

schema! {
    /// The `video` grant. Plain flags mean "not granted" when absent and are left
    /// out of a minted token when `false`; tri-state flags (`canPublish`,
    /// `canSubscribe`, `canPublishData`, `canUpdateOwnMetadata`,
    /// `canSubscribeMetrics`, `canManageAgentSession`) are written only when set,
    /// since LiveKit gives absence its own meaning.
    pub VIDEO_GRANT("VideoGrant"): Video {
        /// May create and delete rooms (server API).
        RoomCreate "roomCreate": Bool;
        /// May list rooms (server API).
        RoomList "roomList": Bool;
        /// May start recordings (server API).
        RoomRecord "roomRecord": Bool;
        /// May administer `room` (server API).
        RoomAdmin "roomAdmin": Bool;
        /// May join `room`; needs an identity.
        RoomJoin "roomJoin": Bool;
        /// The room the grant applies to (≤ 256 bytes).
        Room "room": Str;
        /// May publish tracks (tri-state; absent: allowed).
        CanPublish "canPublish": Bool, TRI;
        /// May subscribe (tri-state; absent: allowed).
        CanSubscribe "canSubscribe": Bool, TRI;
        /// May publish data (tri-state; absent: follows `canPublish`).
        CanPublishData "canPublishData": Bool, TRI;
        /// Track sources the participant may publish; absent or empty: all.
        CanPublishSources "canPublishSources": OneOfs(TRACK_SOURCES);
        /// May update its own name, metadata and attributes (tri-state; absent: no).
        CanUpdateOwnMetadata "canUpdateOwnMetadata": Bool, TRI;
        /// May administer ingress (server API).
        IngressAdmin "ingressAdmin": Bool;
        /// Hidden from other participants.
        Hidden "hidden": Bool;
        /// Marked as a recorder.
        Recorder "recorder": Bool;
        /// May register as an agent worker.
        Agent "agent": Bool;
        /// May subscribe to metrics (tri-state; absent: no).
        CanSubscribeMetrics "canSubscribeMetrics": Bool, TRI;
        /// May manage an agent session (tri-state; absent: no).
        CanManageAgentSession "canManageAgentSession": Bool, TRI;
        /// The room a participant may be moved or forwarded to (server API).
        DestinationRoom "destinationRoom": Str;
    }
}

schema! {
    /// The `sip` grant.
    pub SIP_GRANT("SipGrant"): Sip {
        /// May manage SIP trunks and dispatch rules.
        Admin "admin": Bool;
        /// May make outbound calls.
        Call "call": Bool;
    }
}

schema! {
    /// The `agent` grant (LiveKit Cloud agents).
    pub AGENT_GRANT("AgentGrant"): AgentG {
        /// May create, update and delete Cloud Agents.
        Admin "admin": Bool;
        /// May manage agent simulations and scenarios.
        SimulationAdmin "simulationAdmin": Bool;
        /// May access the project's agent databases.
        DatabaseAdmin "databaseAdmin": Bool;
        /// May manage the project's agent dispatch queue.
        DispatchAdmin "dispatchAdmin": Bool;
    }
}

schema! {
    /// The `agentEndpoint` grant: calling an agent's private HTTP endpoints.
    pub AGENT_ENDPOINT_GRANT("AgentEndpointGrant"): AgentEndpoint {
        /// May call the endpoints.
        Call "call": Bool;
        /// Only this agent (absent: every agent of the project).
        AgentName "agentName": Str;
        /// Only this deployment (absent: every deployment).
        Deployment "deployment": Str;
    }
}

schema! {
    /// The `agentThread` grant: access to agent conversation threads.
    pub AGENT_THREAD_GRANT("AgentThreadGrant"): AgentThread {
        /// Every thread and scope of the project (the action flags still apply).
        All "all": Bool;
        /// The scope in which threads may be listed and created.
        Scope "scope": Str;
        /// Threads that may be read, written and deleted.
        ThreadIds "threadIds": Strs;
        /// May list threads.
        List "list": Bool;
        /// May create threads.
        Create "create": Bool;
        /// May write to threads.
        Write "write": Bool;
        /// May read threads.
        Read "read": Bool;
        /// May delete threads.
        Delete "delete": Bool;
    }
}

schema! {
    /// The `inference` grant (LiveKit Inference).
    pub INFERENCE_GRANT("InferenceGrant"): Inference {
        /// May perform inference.
        Perform "perform": Bool;
    }
}

schema! {
    /// The `observability` grant.
    pub OBSERVABILITY_GRANT("ObservabilityGrant"): Observability {
        /// May publish observability data.
        Write "write": Bool;
    }
}

schema! {
    /// One agent to dispatch when this participant's join creates the room.
    pub ROOM_AGENT_DISPATCH("RoomAgentDispatchGrant"): Dispatch {
        /// The agent's registered name.
        AgentName "agentName": Str, PROTO;
        /// Job metadata handed to the agent.
        Metadata "metadata": Str;
        /// Restart policy, e.g. `"JRP_NEVER"` (or its number; `JRP_ON_FAILURE`, 0, is the default).
        RestartPolicy "restartPolicy": Enum, PROTO;
        /// Deployment to dispatch to (LiveKit Cloud).
        Deployment "deployment": Str;
        /// Job attributes.
        Attributes "attributes": StrMap;
    }
}

schema! {
    /// Room configuration used when this participant's join creates the room
    /// (protobuf-JSON `livekit.RoomConfiguration`). A minted token carries only the
    /// fields set to non-default values.
    pub ROOM_CONFIGURATION("RoomConfigurationGrant"): RoomConfig {
        /// Room name (≤ 256 bytes).
        Name "name": Str;
        /// Seconds an empty room stays open.
        EmptyTimeout "emptyTimeout": U32, PROTO;
        /// Seconds the room stays open after the last participant leaves.
        DepartureTimeout "departureTimeout": U32, PROTO;
        /// Participant limit.
        MaxParticipants "maxParticipants": U32, PROTO;
        /// Room metadata.
        Metadata "metadata": Str;
        /// Automatic egress (protobuf-JSON `livekit.RoomEgress`). Credentials in it
        /// are refused unless `allowRoomConfigEgress` is set: every participant can
        /// read the token.
        Egress "egress": Raw;
        /// Minimum playout delay (ms).
        MinPlayoutDelay "minPlayoutDelay": U32, PROTO;
        /// Maximum playout delay (ms).
        MaxPlayoutDelay "maxPlayoutDelay": U32, PROTO;
        /// Synchronise each participant's audio and video.
        SyncStreams "syncStreams": Bool, PROTO;
        /// Agents to dispatch when the room is created.
        Agents "agents": Objs(ROOM_AGENT_DISPATCH);
        /// Room tags.
        Tags "tags": StrMap;
    }
}

schema! {
    /// The claims of a LiveKit access token (`CLAIM` fields) and the options of
    /// a new one (`OPTION` fields): one table, so the two cannot drift apart.
    /// Unknown claims are ignored when reading a token, as on LiveKit's server.
    pub CLAIMS("AccessTokenClaims"): C {
        /// The API key that signed the token.
        Iss "iss": Str, CLAIM | ALWAYS;
        /// Participant identity.
        Sub "sub": Str, CLAIM;
        /// Not before, seconds since the epoch.
        Nbf "nbf": Time, CLAIM;
        /// Expiry, seconds since the epoch.
        Exp "exp": Time, CLAIM | ALWAYS;
        /// Issued at, seconds since the epoch.
        Iat "iat": Time, CLAIM;
        /// JWT id (LiveKit's identity when `sub` is absent).
        Jti "jti": Str, CLAIM;
        /// Display name (≤ 256 bytes).
        Name "name": Str;
        /// Participant kind.
        Kind "kind": OneOf(PARTICIPANT_KINDS);
        /// Finer kind details, e.g. `"CLOUD_AGENT"`.
        KindDetails "kindDetails": Strs;
        /// Participant metadata (≤ 512 KiB).
        Metadata "metadata": Str;
        /// Participant attributes (≤ 64 KiB in total), e.g. `lk.publish_on_behalf`.
        Attributes "attributes": StrMap;
        /// Webhook body hash: standard base64 of the body's SHA-256.
        Sha256 "sha256": Str;
        /// The video grant.
        Video "video": Obj(VIDEO_GRANT);
        /// The SIP grant.
        Sip "sip": Obj(SIP_GRANT);
        /// The Cloud Agents grant.
        Agent "agent": Obj(AGENT_GRANT);
        /// The agent-endpoint grant.
        AgentEndpoint "agentEndpoint": Obj(AGENT_ENDPOINT_GRANT);
        /// The agent-thread grant.
        AgentThread "agentThread": Obj(AGENT_THREAD_GRANT);
        /// The inference grant.
        Inference "inference": Obj(INFERENCE_GRANT);
        /// The observability grant.
        Observability "observability": Obj(OBSERVABILITY_GRANT);
        /// LiveKit Cloud room preset; `roomConfig` overrides its parameters.
        RoomPreset "roomPreset": Str;
        /// Room configuration (agent dispatch, timeouts) used if this join creates the room.
        RoomConfig "roomConfig": Obj(ROOM_CONFIGURATION);
        /// Participant identity (`sub`, ≤ 256 bytes). Required with `video.roomJoin`.
        Identity "identity": Str, OPTION;
        /// Lifetime: seconds, or a duration string such as `"10m"`, `"1.5h"`,
        /// `"2 days"`. Default 6 hours; zero, negative, non-finite or over 7 days is
        /// refused (`ERR_INVALID_TTL`).
        Ttl "ttl": Ttl, OPTION;
        /// Allow storage or stream credentials inside `roomConfig.egress`.
        AllowRoomConfigEgress "allowRoomConfigEgress": Bool, OPTION;
    }
}

/// Drops what a minted token leaves out (see the module docs); returns whether
/// nothing of `obj` remains.
pub(crate) fn normalize(schema: &json::Schema, obj: &mut json::Obj<'_>) -> bool {
    obj.fields.retain_mut(|(i, v)| {
        let field = &schema.fields[*i as usize];
        match (field.ty, v) {
            (_, Val::Bool(b)) => *b || field.flags & TRI != 0,
            (_, Val::Str(s)) => !s.is_empty(),
            (_, Val::Int(n)) => *n != 0,
            (_, Val::List(items)) => {
                if let Obj(item) | Objs(item) = field.ty {
                    // A dispatch entry stays even when empty: `{}` dispatches the default agent.
                    for it in items.iter_mut() {
                        if let Val::Obj(o) = it {
                            normalize(item, o);
                        }
                    }
                }
                !items.is_empty()
            }
            (_, Val::Map(m)) => !m.is_empty(),
            (Obj(s), Val::Obj(o)) => !normalize(s, o),
            (_, Val::Raw(text)) => {
                !matches!(json::parse_any(text), Ok(json::Any::Obj(m)) if m.is_empty())
            }
            _ => true,
        }
    });
    obj.fields.is_empty()
}

/// Whether a protobuf-JSON `RoomEgress` carries credentials that every holder
/// of the token could read: storage secrets, GCP credentials, Azure account
/// keys, webhook signing keys, or stream outputs (whose URLs hold stream keys).
pub fn egress_has_credentials(egress: &json::Any<'_>) -> bool {
    use json::Any;
    match egress {
        Any::Obj(o) => o.iter().any(|(k, v)| {
            let secret_key = matches!(
                k.as_ref(),
                "secret"
                    | "sessionToken"
                    | "session_token"
                    | "credentials"
                    | "accountKey"
                    | "account_key"
                    | "signingKey"
                    | "signing_key"
            );
            let stream = matches!(k.as_ref(), "streamOutputs" | "stream_outputs" | "urls");
            (secret_key && !(matches!(v, Any::Null) || v.as_str() == Some("")))
                || (stream && matches!(v, Any::List(a) if !a.is_empty()))
                || egress_has_credentials(v)
        }),
        Any::List(a) => a.iter().any(egress_has_credentials),
        _ => false,
    }
}
