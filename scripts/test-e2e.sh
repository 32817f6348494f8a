#!/usr/bin/env bash
# The end-to-end suite (tests/e2e/) against real peers: livekit-server built from its Go module
# (scripts/setup.sh), headless Debian Chromium driven by playwright-core, a livekit-agents worker,
# the LiveKit Python rtc SDK for the avatar, PostgreSQL with the migrations; stand-ins only for
# Tavus and PostgREST. Prints a plain `e2e: N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# The tests skip themselves where PostgreSQL cannot run (not root, no server binaries); this suite
# exists to run them, so a skipped one counts as failed.
SKIPPED_FAILS=1 deno_suite e2e tests/e2e/ "$@"
