"""A minimal livekit-agents worker: registers with the LiveKit server for
explicit dispatch under an agent name and, for each job, reports the room and
the dispatch metadata, joins the room and stays until the room ends.

This is the smallest worker that agent mode (AVATAR_MODE=agent) needs on the
other side; a real one would start the Tavus avatar here (with the scenario in
the job's metadata) and run speech-to-text, an LLM and text-to-speech.

    LIVEKIT_URL=ws://... LIVEKIT_API_KEY=... LIVEKIT_API_SECRET=... \
      python tests/e2e/agent_worker.py <agent name>

Prints one JSON line per event on stdout: {"event": "registered"},
{"event": "job", "room", "agent_name", "metadata", "job_id"}, {"event": "joined", "room",
"identity"}, {"event": "job_ended", "job_id", "room", "reason"}.
"""

import asyncio
import json
import logging
import signal
import sys

from livekit import agents
from livekit.agents import AgentServer, JobContext, JobExecutorType


def say(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


async def entrypoint(ctx: JobContext) -> None:
    say("job", job_id=ctx.job.id, room=ctx.job.room.name, agent_name=ctx.job.agent_name,
        metadata=ctx.job.metadata)

    async def _ended(reason: str = "") -> None:
        say("job_ended", job_id=ctx.job.id, room=ctx.job.room.name, reason=str(reason))

    ctx.add_shutdown_callback(_ended)
    await ctx.connect(auto_subscribe=agents.AutoSubscribe.SUBSCRIBE_NONE)
    say("joined", room=ctx.room.name, identity=ctx.room.local_participant.identity)


async def main(agent_name: str) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    server = AgentServer(
        job_executor_type=JobExecutorType.THREAD,
        num_idle_processes=0,
        port=0,
        host="127.0.0.1",
    )
    server.rtc_session(entrypoint, agent_name=agent_name)

    @server.on("worker_registered")
    def _registered(worker_id, server_info) -> None:
        say("registered", worker_id=worker_id, agent_name=agent_name)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    run = asyncio.create_task(server.run(devmode=True))
    await asyncio.wait([run, asyncio.create_task(stop.wait())],
                       return_when=asyncio.FIRST_COMPLETED)
    await server.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
