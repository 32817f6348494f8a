#!/usr/bin/env bash
# On-demand benchmark (not part of scripts/test.sh): this package against
# livekit-server-sdk and jose, the HMAC floor, and cold start. Prints a table;
# BENCHMARKS.md records a run. Environment: BENCH_ROUND_MS, BENCH_ROUNDS,
# BENCH_COLD_RUNS.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/setup.sh
[ -f js/dist/src/mod.js ] || bash scripts/build.sh
node bench/bench.mjs
