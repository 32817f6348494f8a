//! LiveKit's server API (Twirp over HTTP): the base URL and a ready-to-send
//! request for each RoomService and AgentDispatchService method, with no I/O.
//!
//! Each request carries a short-lived token (10 minutes) with only the grant
//! its method needs, as LiveKit's SDKs send it:
//!
//! | method | grant |
//! |---|---|
//! | `ListRooms` | `roomList` |
//! | `CreateRoom`, `DeleteRoom` | `roomCreate` |
//! | `UpdateRoomMetadata`, `ListParticipants`, `GetParticipant`, `RemoveParticipant`, `MutePublishedTrack`, `UpdateParticipant`, `UpdateSubscriptions`, `SendData` | `roomAdmin` + `room` |
//! | `MoveParticipant`, `ForwardParticipant` | `roomAdmin` + `room` + `destinationRoom` |
//! | `CreateDispatch`, `ListDispatch`, `DeleteDispatch` (AgentDispatchService) | `roomAdmin` + `room` |

use crate::claims::{Video, C, CLAIMS, MAX_NAME_BYTES, MAX_TIME};
use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Mode, Obj, ObjWriter, Val, ALWAYS, PROTO};
use crate::jws::HmacKey;

/// Lifetime of server-API tokens: 10 minutes, as in LiveKit's SDKs.
pub const SERVER_API_TTL_SECONDS: i64 = 10 * 60;

/// The HTTP(S) server-API base URL for a LiveKit URL.
///
/// `wss://` becomes `https://`, `ws://` becomes `http://`, `http(s)://` stays,
/// and a bare host gets `https://`. The host, port and path are kept; trailing
/// slashes, the query and the fragment are dropped. A URL without a host, with
/// credentials (`user@`), a bad port, whitespace or another scheme is refused.
///
/// ```
/// use livekit_tavus_edge::server_api::http_url;
/// assert_eq!(http_url("wss://demo.livekit.cloud/").unwrap(), "https://demo.livekit.cloud");
/// assert_eq!(http_url("ws://127.0.0.1:7880").unwrap(), "http://127.0.0.1:7880");
/// assert_eq!(http_url("demo.livekit.cloud").unwrap(), "https://demo.livekit.cloud");
/// assert_eq!(http_url("wss://example.com/livekit//").unwrap(), "https://example.com/livekit");
/// assert_eq!(http_url("ftp://example.com").unwrap_err().code(), "ERR_SERVER_API_URL");
/// ```
pub fn http_url(ws_url: &str) -> Result<String> {
    let bad = |why: &str| Error::ServerApiUrl(why.to_owned());
    if ws_url.is_empty() {
        return Err(bad("it is empty"));
    }
    if ws_url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let (scheme, rest) = match crate::text::split_once(ws_url, "://") {
        Some((scheme, rest)) => {
            let scheme =
                if scheme.eq_ignore_ascii_case("wss") || scheme.eq_ignore_ascii_case("https") {
                    "https"
                } else if scheme.eq_ignore_ascii_case("ws") || scheme.eq_ignore_ascii_case("http") {
                    "http"
                } else {
                    return Err(bad("the scheme must be wss, ws, https or http"));
                };
            (scheme, rest)
        }
        None => ("https", ws_url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return Err(bad("it must not contain credentials"));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("unclosed IPv6 address"))?;
            if addr.is_empty()
                || !addr
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return Err(bad("invalid IPv6 address"));
            }
            match after {
                "" => (authority, None),
                p => (
                    authority,
                    Some(p.strip_prefix(':').ok_or_else(|| bad("invalid port"))?),
                ),
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if !host.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') || !c.is_ascii())
    {
        return Err(bad("the host has characters a host name cannot have"));
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err(bad("invalid port"));
        }
    }
    let path = path.trim_end_matches('/');
    Ok(format!("{scheme}://{authority}{path}"))
}

/// The grant a RoomService method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    List,
    Create,
    Admin,
    AdminWithDestination,
}

/// The Twirp service of the RoomService methods.
const ROOM_SERVICE: &str = "RoomService";
/// The Twirp service of agent dispatch.
const AGENT_DISPATCH: &str = "AgentDispatchService";

/// Server-API methods: service, name, grant, the body fields it needs
/// (camelCase; proto snake_case names are accepted too).
const METHODS: [(&str, &str, Grant, &[&str]); 16] = [
    (ROOM_SERVICE, "CreateRoom", Grant::Create, &["name"]),
    (ROOM_SERVICE, "ListRooms", Grant::List, &[]),
    (ROOM_SERVICE, "DeleteRoom", Grant::Create, &["room"]),
    (ROOM_SERVICE, "UpdateRoomMetadata", Grant::Admin, &["room"]),
    (ROOM_SERVICE, "ListParticipants", Grant::Admin, &["room"]),
    (
        ROOM_SERVICE,
        "GetParticipant",
        Grant::Admin,
        &["room", "identity"],
    ),
    (
        ROOM_SERVICE,
        "RemoveParticipant",
        Grant::Admin,
        &["room", "identity"],
    ),
    (
        ROOM_SERVICE,
        "MutePublishedTrack",
        Grant::Admin,
        &["room", "identity", "trackSid"],
    ),
    (
        ROOM_SERVICE,
        "UpdateParticipant",
        Grant::Admin,
        &["room", "identity"],
    ),
    (
        ROOM_SERVICE,
        "UpdateSubscriptions",
        Grant::Admin,
        &["room", "identity"],
    ),
    (ROOM_SERVICE, "SendData", Grant::Admin, &["room"]),
    (
        ROOM_SERVICE,
        "ForwardParticipant",
        Grant::AdminWithDestination,
        &["room", "identity", "destinationRoom"],
    ),
    (
        ROOM_SERVICE,
        "MoveParticipant",
        Grant::AdminWithDestination,
        &["room", "identity", "destinationRoom"],
    ),
    (
        AGENT_DISPATCH,
        "CreateDispatch",
        Grant::Admin,
        &["room", "agentName"],
    ),
    (AGENT_DISPATCH, "ListDispatch", Grant::Admin, &["room"]),
    (
        AGENT_DISPATCH,
        "DeleteDispatch",
        Grant::Admin,
        &["room", "dispatchId"],
    ),
];

/// The names of the server-API methods [`room_service_request`] knows
/// (RoomService and AgentDispatchService).
pub fn room_service_methods() -> impl Iterator<Item = &'static str> {
    METHODS.iter().map(|(_, name, _, _)| *name)
}

/// The Twirp service of a method [`room_service_request`] knows
/// (`RoomService` or `AgentDispatchService`).
pub fn service_of(method: &str) -> Option<&'static str> {
    METHODS
        .iter()
        .find(|(_, name, _, _)| *name == method)
        .map(|(service, _, _, _)| *service)
}

schema! {
    /// `Authorization: Bearer <10-minute token>` and `Content-Type: application/json`.
    pub SERVER_API_HEADERS("ServerApiHeaders"): Headers {
        /// `Bearer <token>`.
        Authorization "Authorization": Str, ALWAYS;
        /// `application/json`.
        ContentType "Content-Type": OneOf(&["application/json"]), ALWAYS;
    }
}

schema! {
    /// A ready-to-send server-API request: pass it to `fetch(url, {method, headers, body})`.
    pub SERVER_API_REQUEST("ServerApiRequest"): Request {
        /// `{https base}/twirp/livekit.RoomService/{method}` (`livekit.AgentDispatchService` for dispatches).
        Url "url": Str, ALWAYS;
        /// Always `POST`.
        Method "method": OneOf(&["POST"]), ALWAYS;
        /// Authorization and content type.
        Headers "headers": Obj(SERVER_API_HEADERS), ALWAYS;
        /// The JSON body.
        Body "body": Str, ALWAYS;
    }
}

/// A ready-to-send server-API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerApiRequest {
    /// `{base}/twirp/livekit.{Service}/{Method}`.
    pub url: String,
    /// `Bearer <token>`.
    pub authorization: String,
    /// The JSON body.
    pub body: String,
}

impl ServerApiRequest {
    /// As JSON (the `ServerApiRequest` type).
    pub fn to_json(&self) -> String {
        let headers = ObjWriter::new()
            .str("Authorization", &self.authorization)
            .str("Content-Type", "application/json")
            .finish();
        ObjWriter::new()
            .str("url", &self.url)
            .str("method", "POST")
            .raw("headers", &headers)
            .str("body", &self.body)
            .finish()
    }
}

schema! {
    /// The body fields the grants and checks need (camelCase or proto names).
    FIELDS("ServerApiFields"): F {
        /// The room.
        Room "room": Str;
        /// The participant.
        Identity "identity": Str;
        /// A new room's name.
        Name "name": Str;
        /// Where a participant goes.
        DestinationRoom "destinationRoom": Str, PROTO;
        /// A track.
        TrackSid "trackSid": Str, PROTO;
        /// An agent to dispatch.
        AgentName "agentName": Str, PROTO;
        /// A dispatch.
        DispatchId "dispatchId": Str, PROTO;
    }
}

fn field_index(name: &str) -> F {
    match name {
        "room" => F::Room,
        "identity" => F::Identity,
        "name" => F::Name,
        "destinationRoom" => F::DestinationRoom,
        "agentName" => F::AgentName,
        "dispatchId" => F::DispatchId,
        _ => F::TrackSid,
    }
}

/// True when `method` names a service other than `service` (`livekit.X/Method`).
fn wrong_service(method: &str, service: &str) -> bool {
    method
        .strip_prefix("livekit.")
        .and_then(|m| m.split_once('/'))
        .is_some_and(|(named, _)| named != service)
}

/// Builds a server-API request (RoomService or AgentDispatchService; the
/// method's bare name or `livekit.<Service>/<Method>`): URL, headers with a 10-minute token carrying
/// only the grant `method` needs, and the JSON body (a JSON object; `{}` when
/// `None`). The fields the method needs must be non-empty strings
/// (`ERR_SERVER_API_BODY`); the body is sent as given.
///
/// ```
/// use livekit_tavus_edge::server_api::room_service_request;
/// use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};
///
/// let body = r#"{"room":"demo","identity":"ada"}"#;
/// let req = room_service_request("RemoveParticipant", "wss://x.livekit.cloud", "devkey", "secret",
///                                Some(body), 1_000).unwrap();
/// assert_eq!(req.url, "https://x.livekit.cloud/twirp/livekit.RoomService/RemoveParticipant");
/// let token = req.authorization.strip_prefix("Bearer ").unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let claims = verify_access_token(token, keys, VerifyOptions::at(1_000)).unwrap();
/// assert_eq!(claims.json, r#"{"iss":"devkey","nbf":1000,"exp":1600,"video":{"roomAdmin":true,"room":"demo"}}"#);
/// ```
pub fn room_service_request(
    method: &str,
    ws_url: &str,
    api_key: &str,
    api_secret: &str,
    body: Option<&str>,
    now: i64,
) -> Result<ServerApiRequest> {
    let name = method
        .strip_prefix("livekit.RoomService/")
        .or_else(|| method.strip_prefix("livekit.AgentDispatchService/"))
        .unwrap_or(method);
    let Some(&(service, method_name, grant, needs)) = METHODS
        .iter()
        .find(|(service, n, _, _)| *n == name && !wrong_service(method, service))
    else {
        let mut shown = method.to_owned();
        shown.truncate(64);
        return Err(Error::ServerApiMethod(shown));
    };
    let base = http_url(ws_url)?;
    if api_key.is_empty() {
        return Err(Error::KeyMissing("key"));
    }
    if api_secret.is_empty() {
        return Err(Error::KeyMissing("secret"));
    }
    let text = body.unwrap_or("{}");
    if !crate::jws::is_json_object(text.as_bytes()) {
        return Err(Error::ServerApiBody("must be a JSON object".into()));
    }
    let fields = json::read(text.as_bytes(), FIELDS, Mode::Lenient)
        .map_err(|e| Error::ServerApiBody(e.to_string()))?
        .obj;
    let field = |name: &str| {
        fields
            .str(field_index(name))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::ServerApiBody(format!("{method_name} needs `{name}` (a non-empty string)"))
            })
    };
    for need in needs {
        field(need)?;
    }
    let mut video = Obj::default();
    match grant {
        Grant::List => video.set(Video::RoomList, Val::Bool(true)),
        Grant::Create => video.set(Video::RoomCreate, Val::Bool(true)),
        Grant::Admin | Grant::AdminWithDestination => {
            let room = field("room")?;
            if room.len() > MAX_NAME_BYTES {
                return Err(Error::GrantTooLong("room"));
            }
            video.set(Video::RoomAdmin, Val::Bool(true));
            video.set_str(Video::Room, room);
            if grant == Grant::AdminWithDestination {
                let destination = field("destinationRoom")?;
                if destination.len() > MAX_NAME_BYTES {
                    return Err(Error::GrantTooLong("destinationRoom"));
                }
                video.set_str(Video::DestinationRoom, destination);
            }
        }
    }
    if !(0..=MAX_TIME - SERVER_API_TTL_SECONDS).contains(&now) {
        return Err(Error::InvalidInput(
            "the current time is out of range".into(),
        ));
    }
    let mut claims = Obj::default();
    claims.set_str(C::Iss, api_key);
    claims.set(C::Nbf, Val::Int(now));
    claims.set(C::Exp, Val::Int(now + SERVER_API_TTL_SECONDS));
    claims.set(C::Video, Val::Obj(video));
    let token = crate::token::sign_claims(
        &json::write(CLAIMS, &claims),
        &HmacKey::new(api_secret.as_bytes()),
    )?;
    Ok(ServerApiRequest {
        url: format!("{base}/twirp/livekit.{service}/{method_name}"),
        authorization: format!("Bearer {token}"),
        body: text.to_owned(),
    })
}
