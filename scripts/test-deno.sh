#!/usr/bin/env bash
# Runs the Deno test suites and prints a plain `deno: N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

deno_suite deno tests/deno/
