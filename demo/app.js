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
import { MESSAGES } from "./messages.js";

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
