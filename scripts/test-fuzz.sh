#!/usr/bin/env bash
# Bounded cargo-fuzz run of every target in fuzz/ (see SECURITY.md), then a plain
# `fuzz: N passed, N failed` line. A target passes when it ran its time without a crash.
#
#   bash scripts/test-fuzz.sh                      # every target, FUZZ_SECONDS (default 40) each
#   FUZZ_SECONDS=3600 bash scripts/test-fuzz.sh verify_token webhook   # the long run, some targets
#
# New inputs go to a scratch corpus; fuzz/corpus/<target>/ (the committed seeds) is only read.
# A crash leaves its input in fuzz/artifacts/<target>/ and is printed in base64.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

seconds="${FUZZ_SECONDS:-40}"
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v -- '-fuzz$')
fi
logs="${LTE_CAPTURE_DIR:-$ROOT/target}/fuzz"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$logs"

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "cargo-fuzz needs the nightly toolchain: rustup toolchain install nightly" >&2
  echo "fuzz: 0 passed, ${#targets[@]} failed"
  exit 1
fi
log "building the fuzz targets (nightly, AddressSanitizer, debug assertions)"
if ! cargo +nightly fuzz build -a >"$logs/build.log" 2>&1; then
  tail -n 40 "$logs/build.log" >&2
  echo "fuzz: 0 passed, ${#targets[@]} failed"
  exit 1
fi

passed=0
failed=0
results=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  # -timeout: one input running over 10 s counts as a hang (a crash); -rss_limit_mb: likewise memory.
  cargo +nightly fuzz run -a "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    >"$logs/$t.log" 2>&1
  rc=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -n 1)"
  cov="$(grep -oE 'DONE +cov: [0-9]+' "$logs/$t.log" | grep -oE '[0-9]+$' | tail -n 1)"
  if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
    passed=$((passed + 1))
    printf 'fuzz %-14s ok      %10s executions in %ss, %s coverage points\n' "$t" "$runs" "$seconds" "${cov:-?}"
    results+=("| \`$t\` | ${seconds} s | $runs | ${cov:-?} | no crash |")
  else
    failed=$((failed + 1))
    printf 'fuzz %-14s FAILED (exit %s) after %s executions\n' "$t" "$rc" "${runs:-?}" >&2
    grep -E "panicked at|^SUMMARY|Test unit written to" -A2 "$logs/$t.log" | head -n 20 >&2
    for crash in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$logs/$t.log"); do
      [ -f "$crash" ] && printf 'crash input (base64): %s\n' "$(base64 -w0 "$crash" | head -c 4096)" >&2
    done
    results+=("| \`$t\` | ${seconds} s | ${runs:-?} | ${cov:-?} | **crash** (exit $rc) |")
  fi
done

printf '\n| target | time | executions | coverage | result |\n|---|---|---|---|---|\n'
printf '%s\n' "${results[@]}"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
