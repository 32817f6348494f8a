#!/usr/bin/env bash
# On-demand benchmark (not part of scripts/test.sh): this package against
# livekit-server-sdk and jose, the HMAC floor, and cold start (bench/bench.mjs),
# under Deno (the Edge Functions' runtime) and then Node, each printing its ratios;
# then the import cost of the main entry against livekit-server-sdk's
# (bench/import-cost.mjs). `bash scripts/bench.sh import` runs only the latter.
# Prints tables; BENCHMARKS.md records a run. Environment: BENCH_ROUND_MS,
# BENCH_ROUNDS, BENCH_COLD_RUNS, BENCH_IMPORT_RUNS, BENCH_EDGE_EXPERIMENT.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/setup.sh
[ -f js/dist/src/mod.js ] || bash scripts/build.sh
if [ "${1:-}" != "import" ]; then
  deno run --quiet -A bench/bench.mjs
  echo
  node bench/bench.mjs
fi
node bench/import-cost.mjs
