#!/usr/bin/env bash
# The cost-safety suite (tests/cost/cost_safety.ts): the avatar flow through randomized fault
# schedules on the real migrations, one reconciler pass after each, and the check that no Tavus
# conversation is left running without a live session. Prints `cost-safety: N passed, N failed`
# and `orphaned conversations: N`. COST_SEED=<seed> re-runs a run, COST_ONLY=<i> one schedule,
# COST_SCHEDULES=<n> sets how many (default 200).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

deno run --quiet --allow-all tests/cost/cost_safety.ts "$@"
