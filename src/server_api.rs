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

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::claims::{Claims, VideoGrant, MAX_NAME_BYTES, MAX_TIME};
use crate::error::{Error, Result};

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
    let (scheme, rest) = match ws_url.split_once("://") {
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
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
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

/// Headers of a server-API request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerApiHeaders {
    /// `Bearer <token>`.
    #[serde(rename = "Authorization")]
    pub authorization: String,
    /// `application/json`.
    #[serde(rename = "Content-Type")]
    pub content_type: &'static str,
}

/// A ready-to-send server-API request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerApiRequest {
    /// `{base}/twirp/livekit.RoomService/{Method}`.
    pub url: String,
    /// Always `POST`.
    pub method: &'static str,
    /// Authorization and content type.
    pub headers: ServerApiHeaders,
    /// The JSON body.
    pub body: String,
}

/// The body fields the grants and checks need (camelCase or proto names).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields<'a> {
    #[serde(borrow)]
    room: Option<Cow<'a, str>>,
    #[serde(borrow)]
    identity: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, alias = "destination_room")]
    destination_room: Option<Cow<'a, str>>,
    #[serde(borrow, alias = "track_sid")]
    track_sid: Option<Cow<'a, str>>,
    #[serde(borrow, alias = "agent_name")]
    agent_name: Option<Cow<'a, str>>,
    #[serde(borrow, alias = "dispatch_id")]
    dispatch_id: Option<Cow<'a, str>>,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "room" => self.room.as_deref(),
            "identity" => self.identity.as_deref(),
            "name" => self.name.as_deref(),
            "destinationRoom" => self.destination_room.as_deref(),
            "agentName" => self.agent_name.as_deref(),
            "dispatchId" => self.dispatch_id.as_deref(),
            _ => self.track_sid.as_deref(),
        }
        .filter(|s| !s.is_empty())
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
/// let token = req.headers.authorization.strip_prefix("Bearer ").unwrap();
/// let keys = |iss: &str| (iss == "devkey").then_some("secret");
/// let claims = verify_access_token(token, keys, VerifyOptions::at(1_000)).unwrap();
/// let video = claims.video.unwrap();
/// assert_eq!((video.room_admin, video.room.as_deref()), (Some(true), Some("demo")));
/// assert_eq!(claims.exp, Some(1_600));
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
    let fields: Fields<'_> = crate::claims::from_json_slice_borrowed(text.as_bytes())
        .map_err(|e| Error::ServerApiBody(crate::verify::redact(&e.to_string())))?;
    let field = |name: &str| {
        fields.get(name).ok_or_else(|| {
            Error::ServerApiBody(format!("{method_name} needs `{name}` (a non-empty string)"))
        })
    };
    for need in needs {
        field(need)?;
    }
    let mut video = VideoGrant::default();
    match grant {
        Grant::List => video.room_list = Some(true),
        Grant::Create => video.room_create = Some(true),
        Grant::Admin | Grant::AdminWithDestination => {
            let room = field("room")?;
            if room.len() > MAX_NAME_BYTES {
                return Err(Error::GrantTooLong("room"));
            }
            video.room_admin = Some(true);
            video.room = Some(room.to_owned());
            if grant == Grant::AdminWithDestination {
                let destination = field("destinationRoom")?;
                if destination.len() > MAX_NAME_BYTES {
                    return Err(Error::GrantTooLong("destinationRoom"));
                }
                video.destination_room = Some(destination.to_owned());
            }
        }
    }
    if !(0..=MAX_TIME - SERVER_API_TTL_SECONDS).contains(&now) {
        return Err(Error::InvalidInput(
            "the current time is out of range".into(),
        ));
    }
    let claims = Claims {
        iss: api_key.to_owned(),
        nbf: Some(now),
        exp: Some(now + SERVER_API_TTL_SECONDS),
        video: Some(video),
        ..Default::default()
    };
    let token = crate::token::sign_claims(&claims, api_secret)?;
    let body = text.to_owned();
    Ok(ServerApiRequest {
        url: format!("{base}/twirp/livekit.{service}/{method_name}"),
        method: "POST",
        headers: ServerApiHeaders {
            authorization: format!("Bearer {token}"),
            content_type: "application/json",
        },
        body,
    })
}
