#!/usr/bin/env bash
# Load run, on demand (not a step of scripts/test.sh): LOAD_REQUESTS (20,000) token requests at
# LOAD_CONCURRENCY (64) from oha, on loopback, to
#   1. livekit-token through the local gateway, as scripts/serve.sh serves it;
#   2. livekit-token on its own (the same index.ts, no gateway hop);
#   3. the comparison route on livekit-server-sdk + jose (tests/load/sdk_token.ts), on its own;
# all with the embedded configuration (scripts/dev.env) and the development user's JWT, in one run.
# Prints requests/s, p50 and p99 per target (BENCHMARKS.md records them), a table of where a
# request's time goes in-process (tests/load/phases.ts), and `load: N passed, N failed`; a target
# fails on any error or any answer other than 201. The machine's other load skews the numbers: the
# run prints the load average it started under.
#
#   bash scripts/load.sh
#   LOAD_REQUESTS=5000 LOAD_CONCURRENCY=16 bash scripts/load.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

requests="${LOAD_REQUESTS:-20000}"
concurrency="${LOAD_CONCURRENCY:-64}"
oha_version=1.16.0
if [ "$(oha --version 2>/dev/null | awk '{print $2}')" != "$oha_version" ]; then
  log "installing oha $oha_version from crates.io (several minutes, once)"
  cargo install oha --version "$oha_version" --locked
fi
bash scripts/setup.sh
[ -f supabase/functions/_shared/vendor/livekit-tavus-edge/src/mod.ts ] || bash scripts/build.sh

while IFS='=' read -r name value; do
  case "$name" in '' | \#*) continue ;; esac
  if [ -z "${!name:-}" ]; then export "$name=$value"; fi
done <scripts/dev.env
# The per-user rate limit exists to refuse one user's 20,000 requests a minute: off for this run.
export RATE_LIMIT_PER_MINUTE=0

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_up() { # url name
  for _ in $(seq 300); do
    if curl -s -o /dev/null -X OPTIONS "$1"; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not start:" >&2
  cat "$work/$2.log" >&2
  exit 1
}

gateway_port="$(free_port)"
deno run --quiet -A scripts/gateway.ts --port "$gateway_port" --dev-session-store \
  >"$work/gateway.log" 2>&1 &
pids+=($!)
direct_port="$(free_port)"
DENO_SERVE_ADDRESS="tcp:127.0.0.1:$direct_port" deno run --quiet --allow-net --allow-env \
  --allow-read --config supabase/functions/livekit-token/deno.json \
  supabase/functions/livekit-token/index.ts >"$work/direct.log" 2>&1 &
pids+=($!)
sdk_port="$(free_port)"
DENO_SERVE_ADDRESS="tcp:127.0.0.1:$sdk_port" deno run --quiet --allow-net --allow-env \
  tests/load/sdk_token.ts >"$work/sdk.log" 2>&1 &
pids+=($!)

names=("livekit-token via the gateway (wasm core)" "livekit-token on its own (wasm core)"
  "comparison on livekit-server-sdk + jose")
urls=("http://127.0.0.1:$gateway_port/functions/v1/livekit-token"
  "http://127.0.0.1:$direct_port/livekit-token" "http://127.0.0.1:$sdk_port/livekit-token")
wait_up "${urls[0]}" gateway
wait_up "${urls[1]}" direct
wait_up "${urls[2]}" sdk

jwt="$(deno run --quiet -A scripts/dev-tools.ts jwt)"
# Every target answers a real token that LiveKit's own SDK accepts, before any load.
for url in "${urls[@]}"; do
  curl -s -X POST "$url" -H "authorization: Bearer $jwt" -H 'content-type: application/json' \
    -d '{}' >"$work/sample.json"
  deno run --quiet --allow-env --allow-read - "$work/sample.json" <<'TS' || exit 1
import { TokenVerifier } from "livekit-server-sdk";
const body = JSON.parse(Deno.readTextFileSync(Deno.args[0]));
const v = new TokenVerifier(Deno.env.get("LIVEKIT_API_KEY")!, Deno.env.get("LIVEKIT_API_SECRET")!);
const claims = await v.verify(body.participant_token);
if (!claims.video?.roomJoin || claims.video.room !== body.room_name) {
  console.error("load: a target's token does not grant its room");
  Deno.exit(1);
}
TS
done

hit() { # url count out
  oha -n "$2" -c "$concurrency" --no-tui --output-format json -m POST \
    -H "authorization: Bearer $jwt" -H 'content-type: application/json' -d '{}' "$1" >"$3"
}
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for i in "${!urls[@]}"; do
  log "${names[$i]}: warm-up, then $requests requests at concurrency $concurrency"
  hit "${urls[$i]}" 2000 "$work/warm-$i.json"
  hit "${urls[$i]}" "$requests" "$work/run-$i.json"
done

log "where the time goes, in-process (tests/load/phases.ts)"
deno run --quiet -A tests/load/phases.ts "$jwt"

python3 - "$work" "$requests" "$concurrency" "${names[@]}" <<'PY'
import json, sys
work, requests, concurrency, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
ms = lambda s: f"{s * 1000:.1f} ms"
print(f"\n| target | requests | concurrency | requests/s | p50 | p99 | non-201 or errors |")
print("|---|--:|--:|--:|--:|--:|--:|")
passed = failed = 0
for i, name in enumerate(names):
    r = json.load(open(f"{work}/run-{i}.json"))
    codes = r.get("statusCodeDistribution", {})
    errors = sum(r.get("errorDistribution", {}).values())
    bad = errors + sum(n for code, n in codes.items() if code != "201")
    ok = codes.get("201", 0)
    p = r["latencyPercentiles"]
    print(f"| {name} | {ok + bad} | {concurrency} | {r['summary']['requestsPerSec']:,.0f} "
          f"| {ms(p['p50'])} | {ms(p['p99'])} | {bad} |")
    if bad == 0 and ok == requests:
        passed += 1
    else:
        failed += 1
        print(f"  {name}: status codes {codes}, errors {r.get('errorDistribution')}", file=sys.stderr)
print(f"\nload: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
