// What this package mints for the interop check: tokens and webhooks made through
// the JS API (the real wasm), which the Node and Python SDKs must accept with
// identical decoded claims and events. Used by make.ts.
import type { AccessTokenOptions } from "livekit-tavus-edge";

export const KEY = "APIinterop";
export const SECRET = "an-interop-secret-that-is-32-bytes+";

/** Token options covering every claim and grant the SDKs can decode. */
export const TOKENS: Record<string, AccessTokenOptions> = {
  "join token with tri-state flags": {
    identity: "ada",
    name: "Ada Lovelace",
    ttl: "10m",
    video: { roomJoin: true, room: "lobby", canPublish: false, canSubscribe: true },
  },
  "avatar agent with publish-on-behalf and agent dispatch": {
    identity: "avatar-1",
    name: "Tavus avatar",
    kind: "agent",
    ttl: "1h",
    attributes: { "lk.publish_on_behalf": "user-1", role: "avatar" },
    video: {
      roomJoin: true,
      room: "session-1",
      canPublish: true,
      canPublishData: true,
      agent: true,
    },
    roomConfig: {
      agents: [{
        agentName: "tutor",
        metadata: '{"scenario":"intro"}',
        attributes: { tier: "gold" },
      }],
    },
  },
  "every video flag and every other grant": {
    identity: "ops",
    metadata: '{"team":"ops"}',
    sha256: "CoEQz1chqJ9bnZRcORddjplkvpjmPujmLTR42DbefYI=",
    roomPreset: "preset-a",
    video: {
      roomCreate: true,
      roomList: true,
      roomRecord: true,
      roomAdmin: true,
      roomJoin: true,
      room: "r",
      canPublish: true,
      canSubscribe: true,
      canPublishData: false,
      canPublishSources: ["camera", "microphone", "screen_share", "screen_share_audio"],
      canUpdateOwnMetadata: true,
      ingressAdmin: true,
      hidden: true,
      recorder: true,
      agent: true,
      canSubscribeMetrics: true,
      canManageAgentSession: true,
      destinationRoom: "r2",
    },
    sip: { admin: true, call: true },
    agent: { admin: true, simulationAdmin: true, databaseAdmin: true, dispatchAdmin: true },
    agentEndpoint: { call: true, agentName: "tutor", deployment: "prod" },
    agentThread: {
      scope: "s",
      threadIds: ["t1"],
      list: true,
      create: true,
      write: true,
      read: true,
    },
    inference: { perform: true },
    observability: { write: true },
  },
  "room configuration": {
    identity: "host",
    video: { roomJoin: true, room: "conf" },
    roomConfig: {
      name: "conf",
      emptyTimeout: 120,
      departureTimeout: 20,
      maxParticipants: 5,
      metadata: '{"topic":"x"}',
      minPlayoutDelay: 100,
      maxPlayoutDelay: 500,
      syncStreams: true,
      agents: [{ agentName: "a" }, { agentName: "b", metadata: "m" }],
      tags: { team: "blue" },
    },
  },
  "non-ASCII identity, name, metadata and attributes": {
    identity: "zoë-🎙",
    name: "Zoë Ünïcödé",
    metadata: '{"note":"ключ"}',
    attributes: { "ключ": "значение" },
    video: { roomJoin: true, room: "комната" },
  },
  "server-API style token without identity": { ttl: 600, video: { roomList: true } },
};

/** Webhook bodies (protobuf-JSON as LiveKit's server writes them). */
export const WEBHOOKS: Record<string, unknown> = {
  room_started: {
    event: "room_started",
    id: "EV_1",
    createdAt: "1700000000",
    room: {
      sid: "RM_1",
      name: "demo",
      emptyTimeout: 300,
      creationTime: "1700000000",
      turnPassword: "pw",
      enabledCodecs: [{ mime: "audio/opus" }, { mime: "video/VP8" }],
      numParticipants: 1,
    },
  },
  participant_joined: {
    event: "participant_joined",
    id: "EV_2",
    createdAt: "1700000001",
    room: { sid: "RM_1", name: "demo" },
    participant: {
      sid: "PA_1",
      identity: "avatar-1",
      state: "ACTIVE",
      joinedAt: "1700000001",
      name: "Avatar",
      kind: "AGENT",
      attributes: { "lk.publish_on_behalf": "user-1" },
      permission: { canSubscribe: true, canPublish: true, canPublishData: true, agent: true },
      isPublisher: true,
    },
  },
  track_published: {
    event: "track_published",
    id: "EV_3",
    createdAt: "1700000002",
    room: { sid: "RM_1", name: "demo" },
    participant: { sid: "PA_1", identity: "avatar-1" },
    track: {
      sid: "TR_1",
      type: "VIDEO",
      name: "avatar",
      width: 1280,
      height: 720,
      source: "CAMERA",
      mimeType: "video/VP8",
      simulcast: true,
    },
  },
  room_finished: {
    event: "room_finished",
    id: "EV_4",
    createdAt: "1700000003",
    room: { sid: "RM_1", name: "demo" },
  },
  agent_job_started: {
    event: "agent_job_started",
    id: "EV_5",
    createdAt: "1700000004",
    job: {
      id: "AJ_1",
      dispatchId: "AD_1",
      type: "JT_PUBLISHER",
      room: { sid: "RM_1", name: "demo" },
      namespace: "ns",
      metadata: '{"scenario":"intro"}',
      agentName: "tutor",
      state: {
        status: "JS_RUNNING",
        startedAt: "1700000004123456789",
        updatedAt: "1700000004123456789",
        participantIdentity: "agent-AJ_1",
        workerId: "AW_1",
      },
    },
  },
  egress_ended: {
    event: "egress_ended",
    id: "EV_6",
    createdAt: "1700000005",
    egressInfo: {
      egressId: "EG_1",
      roomId: "RM_1",
      roomName: "demo",
      status: "EGRESS_COMPLETE",
      startedAt: "1700000000000000000",
      endedAt: "1700000005000000000",
    },
  },
};
