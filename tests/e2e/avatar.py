"""What Tavus does with the `livekit_room_token` it is given: join the room and
publish the avatar's video and audio. Here the frames are synthetic (a moving
colour bar and a quiet tone), published with LiveKit's Python rtc SDK.

    python tests/e2e/avatar.py <ws_url> <token>

Prints one JSON line per event on stdout ({"event": "joined" | "published" |
"disconnected", ...}); runs until the room disconnects it or it is terminated.
"""

import asyncio
import json
import math
import signal
import sys

from livekit import rtc

WIDTH, HEIGHT, FPS = 320, 240, 15
RATE, SAMPLES = 48000, 480  # 10 ms of mono audio


def say(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


async def main(url: str, token: str) -> None:
    room = rtc.Room()
    done = asyncio.Event()

    @room.on("disconnected")
    def _on_disconnected(reason) -> None:
        say("disconnected", reason=str(reason))
        done.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)

    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=False))
    me = room.local_participant
    say("joined", identity=me.identity, kind=int(me.kind), attributes=dict(me.attributes),
        room=room.name)

    video = rtc.VideoSource(WIDTH, HEIGHT)
    vtrack = rtc.LocalVideoTrack.create_video_track("avatar-video", video)
    await me.publish_track(vtrack, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA))
    audio = rtc.AudioSource(RATE, 1)
    atrack = rtc.LocalAudioTrack.create_audio_track("avatar-audio", audio)
    await me.publish_track(atrack,
                           rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
    say("published", tracks=["avatar-video", "avatar-audio"])

    async def video_loop() -> None:
        n = 0
        row = bytearray(WIDTH * 4)
        while not done.is_set():
            x0 = (n * 8) % WIDTH
            for x in range(WIDTH):
                on = x0 <= x < x0 + 40
                row[x * 4:x * 4 + 4] = bytes((255, 80, 0, 255) if on else (20, 40, 90, 255))
            frame = rtc.VideoFrame(WIDTH, HEIGHT, rtc.VideoBufferType.RGBA, bytes(row) * HEIGHT)
            video.capture_frame(frame)
            n += 1
            await asyncio.sleep(1 / FPS)

    async def audio_loop() -> None:
        t = 0
        while not done.is_set():
            frame = rtc.AudioFrame.create(RATE, 1, SAMPLES)
            data = frame.data
            for i in range(SAMPLES):
                data[i] = int(2000 * math.sin(2 * math.pi * 440 * (t + i) / RATE))
            t += SAMPLES
            await audio.capture_frame(frame)

    tasks = [asyncio.create_task(video_loop()), asyncio.create_task(audio_loop())]
    await done.wait()
    for t in tasks:
        t.cancel()
    await room.disconnect()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
