#!/usr/bin/env bash
# The end-to-end suite (tests/e2e/) against real peers: livekit-server built from its Go module
# (scripts/setup.sh), headless Debian Chromium driven by playwright-core, a livekit-agents worker,
# the LiveKit Python rtc SDK for the avatar, PostgreSQL with the migrations; stand-ins only for
# Tavus and PostgREST. Prints a plain `e2e: N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
deno test --quiet --allow-all tests/e2e/ "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)"
passed="$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")"
ignored="$(sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p' <<<"$summary")"
passed="${passed:-0}"
failed="${failed:-0}"
# The tests skip themselves where PostgreSQL cannot run (not root, no server binaries); this suite
# exists to run them, so a skipped one counts as failed.
if [ "${ignored:-0}" -gt 0 ]; then
  echo "e2e: $ignored test(s) skipped: they need root and PostgreSQL 15 (bash scripts/setup.sh)" >&2
  failed=$((failed + ignored))
  rc=1
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "e2e: $passed passed, $failed failed"
if [ -z "$summary" ] && [ "$rc" -eq 0 ]; then
  echo "deno test printed no summary" >&2
  exit 1
fi
exit "$rc"
