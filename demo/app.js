// The reference integration: sign in with Supabase Auth, get LiveKit credentials from the
// `livekit-token` edge function through livekit-client's TokenSource.endpoint, join the room,
// show the avatar's video and audio and your camera, and leave through `/end` (which ends the
// Tavus conversation and deletes the room). Copy it; replace `config.json` with your project's
// values (functions URL, auth URL, publishable/anon key).
import {
  ConnectionState,
  DisconnectReason,
  ParticipantKind,
  Room,
  RoomEvent,
  TokenSource,
  Track,
} from "./vendor/livekit-client.esm.mjs";

/** What each failure code of the functions (and of this page) means to a user. */
const MESSAGES = {
  ERR_AUTH_MISSING: "You are not signed in: sign in first.",
  ERR_AUTH_EXPIRED: "Your sign-in has expired: sign in again.",
  ERR_AUTH_NOT_YET_VALID: "Your sign-in is not valid yet: check this device's clock.",
  ERR_AUTH_SIGNATURE:
    "Your sign-in was not accepted (wrong project or rotated keys): sign in again.",
  ERR_AUTH_UNKNOWN_KEY:
    "Your sign-in was not accepted (wrong project or rotated keys): sign in again.",
  ERR_AUTH_ISSUER: "Your sign-in belongs to another project: sign in again.",
  ERR_AUTH_AUDIENCE: "Your sign-in is not a user session: sign in again.",
  ERR_AUTH_ROLE: "Your sign-in is not a user session: sign in again.",
  ERR_AUTH_ANON_KEY: "The page sent the project's key instead of your session: sign in first.",
  ERR_AUTH_ANONYMOUS_USER: "Guests cannot start an avatar: sign in with an account.",
  ERR_AUTH_MALFORMED: "Your sign-in token is damaged: sign in again.",
  ERR_AUTH_CLAIMS: "Your sign-in token is missing something: sign in again.",
  ERR_AUTH_ALGORITHM: "Your sign-in token uses an unsupported algorithm: sign in again.",
  ERR_AUTH_JWKS: "The server cannot check sign-ins right now: try again in a moment.",
  ERR_AUTH_JWKS_UNAVAILABLE: "The server cannot check sign-ins right now: try again in a moment.",
  ERR_SCENARIO_NOT_FOUND: "This scenario does not exist or is switched off: pick another.",
  ERR_SCENARIO_ID: "That is not a valid scenario id.",
  ERR_IDENTITY_NOT_ALLOWED: "You can only join as yourself.",
  ERR_ROOM_NOT_ALLOWED: "That room is not one of your sessions.",
  ERR_FIELD_NOT_ALLOWED: "The page asked for something the server does not allow.",
  ERR_AGENT_NOT_ALLOWED: "That agent may not be started from here.",
  ERR_UNKNOWN_FIELD: "The page sent a field the server does not know.",
  ERR_SESSION_LIMIT: "You already have the most sessions allowed: leave one first.",
  ERR_SESSION_ENDING: "Your last session is still ending: try again in a few seconds.",
  ERR_SESSION_CONFLICT: "Your session ended while the avatar was starting: join again.",
  ERR_ROOM_TAKEN: "That room name is in use: pick another.",
  ERR_ROOM_CONFLICT: "You already have a session of this scenario in another room: leave it first.",
  ERR_SESSION_NOT_FOUND: "There is no open session to leave.",
  ERR_RATE_LIMITED: "Too many requests: wait a minute and try again.",
  ERR_TAVUS_CONCURRENCY: "All avatars are busy right now: try again in a few minutes.",
  ERR_TAVUS_RATE_LIMITED: "The avatar service is busy: try again in a moment.",
  ERR_TAVUS_TIMEOUT: "The avatar service did not answer in time: try again.",
  ERR_TAVUS_UNAUTHORIZED: "The avatar service refused this server's key: tell the site's operator.",
  ERR_TAVUS_REPLICA:
    "This scenario's avatar does not exist at the avatar service: tell the site's operator.",
  ERR_TAVUS_PERSONA:
    "This scenario's persona does not exist at the avatar service: tell the site's operator.",
  ERR_TAVUS_REJECTED: "The avatar service refused to start: tell the site's operator.",
  ERR_TAVUS_UNAVAILABLE: "The avatar service is down: try again later.",
  ERR_TAVUS_BAD_RESPONSE: "The avatar service answered strangely: try again later.",
  ERR_TAVUS_NETWORK: "The avatar service cannot be reached: try again later.",
  ERR_LIVEKIT_UPSTREAM: "The video server refused a request: try again.",
  ERR_LIVEKIT_NETWORK: "The video server cannot be reached: try again later.",
  ERR_LIVEKIT_TIMEOUT: "The video server did not answer in time: try again.",
  ERR_DATABASE: "The database is unavailable: try again in a moment.",
  ERR_DATABASE_UNAVAILABLE: "The database is unavailable: try again in a moment.",
  ERR_DATABASE_TIMEOUT: "The database did not answer in time: try again.",
  ERR_NOT_CONFIGURED: "The server is not set up completely: tell the site's operator.",
  ERR_CONFIG_VAULT: "The server cannot read its secrets: tell the site's operator.",
  ERR_CONFIG_VAULT_TIMEOUT: "The server cannot read its secrets: tell the site's operator.",
  ERR_INTERNAL: "Something went wrong on the server: try again.",
  // This page's own codes.
  DEMO_SIGNIN_FAILED: "Sign-in failed: check the email and password.",
  DEMO_NETWORK: "The server cannot be reached: is it running?",
  DEMO_LIVEKIT_CONNECT: "Could not connect to the video room.",
  DEMO_CAMERA_DENIED: "Camera or microphone not allowed: you can still see and hear the avatar.",
};

const $ = (id) => document.getElementById(id);
/** State the page exposes (the end-to-end suite reads it). */
const demo = {
  phase: "signed_out",
  accessToken: null,
  room: null,
  roomName: null,
  error: null,
  errorCode: null,
  disconnectReason: null,
  avatarIdentity: null,
  avatarVideo: false,
  avatarAudio: false,
  localCamera: false,
  events: [],
};
globalThis.demo = demo;

const config = await (await fetch("config.json")).json();
for (const s of config.scenarios) {
  $("scenario").append(new Option(s.display_name, s.scenario_id));
}
// `?scenario=<id>` picks one (also one the list does not show).
const wanted = new URLSearchParams(location.search).get("scenario");
if (wanted && !config.scenarios.some((s) => s.scenario_id === wanted)) {
  $("scenario").append(new Option(wanted, wanted));
}
$("scenario").value = wanted ?? config.defaultScenario;
$("email").value = config.devEmail ?? "";

function setPhase(phase) {
  demo.phase = phase;
  demo.events.push(phase);
  $("state").textContent = phase.replaceAll("_", " ");
  $("join").disabled = phase !== "signed_in" && phase !== "left";
  $("leave").disabled = phase !== "connected" && phase !== "connecting";
}

/** Shows the message for `code` (a functions code in an error's text, or this page's own). */
function showError(code, detail) {
  const found = String(detail ?? "").match(/\bERR_[A-Z_]+\b/)?.[0];
  const c = found ?? code;
  demo.errorCode = c;
  demo.error = `${MESSAGES[c] ?? "Something went wrong."} (${c})`;
  $("error").textContent = demo.error;
  console.error(c, String(detail ?? ""));
}
function clearError() {
  demo.error = demo.errorCode = null;
  $("error").textContent = "";
}

// 1. Sign in: Supabase Auth's password grant (supabase.auth.signInWithPassword does the same).
$("signin").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  clearError();
  try {
    const res = await fetch(`${config.authUrl}/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: config.anonKey },
      body: JSON.stringify({ email: $("email").value, password: $("password").value }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || !body.access_token) {
      return showError("DEMO_SIGNIN_FAILED", body.error_description ?? body.msg ?? res.status);
    }
    demo.accessToken = body.access_token;
    $("user").textContent = `signed in as ${body.user?.email ?? body.user?.id}`;
    setPhase("signed_in");
  } catch (e) {
    showError("DEMO_NETWORK", e);
  }
});

function describeParticipants(room) {
  const people = [room.localParticipant, ...room.remoteParticipants.values()];
  $("participants").textContent = people.map((p) =>
    `${p.identity}${p.kind === ParticipantKind.AGENT ? " (agent)" : ""}`
  ).join(", ");
}

/** The avatar: an agent participant, preferably one publishing on behalf of another. */
function isAvatar(p) {
  return p.kind === ParticipantKind.AGENT || "lk.publish_on_behalf" in (p.attributes ?? {});
}

function showAvatarTrack(track, participant) {
  if (!isAvatar(participant)) return;
  demo.avatarIdentity = participant.identity;
  const el = track.attach();
  el.dataset.identity = participant.identity;
  if (track.kind === Track.Kind.Video) {
    el.id = "avatar-video";
    $("avatar-placeholder").hidden = true;
    $("avatar-tile").prepend(el);
    demo.avatarVideo = true;
  } else if (track.kind === Track.Kind.Audio) {
    el.id = "avatar-audio";
    document.body.append(el);
    demo.avatarAudio = true;
  }
  $("avatar").textContent = `${participant.identity}: ${
    [demo.avatarVideo && "video", demo.avatarAudio && "audio"].filter(Boolean).join(" + ")
  }`;
}

// 2. Join: credentials from livekit-token (the standard endpoint TokenSource), then the room.
$("join").addEventListener("click", async () => {
  clearError();
  setPhase("connecting");
  const scenario = $("scenario").value;
  const source = TokenSource.endpoint(
    `${config.functionsUrl}/livekit-token?scenario_id=${encodeURIComponent(scenario)}`,
    { headers: { Authorization: `Bearer ${demo.accessToken}` } },
  );
  let creds;
  try {
    creds = await source.fetch({ participantName: $("email").value || "guest" });
  } catch (e) {
    setPhase("signed_in");
    return showError(
      /Failed to fetch|NetworkError/.test(String(e)) ? "DEMO_NETWORK" : "ERR_INTERNAL",
      e,
    );
  }
  const room = new Room({ adaptiveStream: true, dynacast: true });
  demo.room = room;
  room
    .on(
      RoomEvent.TrackSubscribed,
      (track, _pub, participant) => showAvatarTrack(track, participant),
    )
    .on(RoomEvent.ParticipantConnected, () => describeParticipants(room))
    .on(RoomEvent.ParticipantDisconnected, (p) => {
      describeParticipants(room);
      if (p.identity === demo.avatarIdentity) $("avatar").textContent = `${p.identity}: left`;
    })
    .on(RoomEvent.ConnectionStateChanged, (s) => {
      if (s === ConnectionState.Reconnecting) setPhase("reconnecting");
      if (s === ConnectionState.Connected && demo.phase === "reconnecting") setPhase("connected");
    })
    .on(RoomEvent.Disconnected, (reason) => {
      demo.disconnectReason = DisconnectReason[reason] ?? String(reason);
      $("room").textContent = `${demo.roomName} (closed: ${demo.disconnectReason})`;
      for (const el of document.querySelectorAll("#avatar-video, #avatar-audio, #local-video")) {
        el.remove();
      }
      $("avatar-placeholder").hidden = $("local-placeholder").hidden = false;
      setPhase("left");
    });
  try {
    await room.connect(creds.serverUrl, creds.participantToken);
  } catch (e) {
    setPhase("signed_in");
    return showError("DEMO_LIVEKIT_CONNECT", e);
  }
  demo.roomName = room.name;
  $("room").textContent = room.name;
  setPhase("connected");
  describeParticipants(room);
  for (const p of room.remoteParticipants.values()) {
    for (const pub of p.trackPublications.values()) {
      if (pub.track) showAvatarTrack(pub.track, p);
    }
  }
  // 3. Your camera and microphone, when the browser allows them (the avatar works without).
  try {
    await room.localParticipant.setMicrophoneEnabled(true);
    const cam = await room.localParticipant.setCameraEnabled(true);
    const el = cam?.track?.attach();
    if (el) {
      el.id = "local-video";
      $("local-placeholder").hidden = true;
      $("local-tile").prepend(el);
      demo.localCamera = true;
    }
  } catch (e) {
    showError("DEMO_CAMERA_DENIED", e);
  }
});

// 4. Leave: /end ends the session (the Tavus conversation) and deletes the room, which
// disconnects everyone in it; disconnect here too in case the server could not.
$("leave").addEventListener("click", async () => {
  clearError();
  setPhase("leaving");
  try {
    const res = await fetch(`${config.functionsUrl}/livekit-token/end`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${demo.accessToken}` },
      body: JSON.stringify({ room_name: demo.roomName }),
    });
    if (!res.ok) showError("ERR_INTERNAL", await res.text());
  } catch (e) {
    showError("DEMO_NETWORK", e);
  }
  const room = demo.room;
  if (room && room.state !== ConnectionState.Disconnected) {
    const gone = new Promise((r) => room.once(RoomEvent.Disconnected, r));
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (room.state !== ConnectionState.Disconnected) await room.disconnect();
  }
});

setPhase("signed_out");
