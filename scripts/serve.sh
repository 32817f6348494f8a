#!/usr/bin/env bash
# The main job: set up, build, and serve every edge function at
# http://127.0.0.1:54321/functions/v1/<name> with the embedded development configuration.
# Any variable already set in the environment (e.g. TAVUS_API_KEY) wins over the defaults.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh

while IFS='=' read -r name value; do
  case "$name" in '' | \#*) continue ;; esac
  if [ -z "${!name:-}" ]; then export "$name=$value"; fi
done <scripts/dev.env

port="${PORT:-54321}"
base="http://127.0.0.1:$port/functions/v1"
deno run --quiet -A scripts/gateway.ts --port "$port" &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true' EXIT INT TERM
until curl -fs -o /dev/null "$base/livekit-token/health" 2>/dev/null; do
  kill -0 "$gateway" 2>/dev/null || { echo "the gateway failed to start" >&2; exit 1; }
  sleep 0.2
done
cat <<TXT

Edge functions are up at $base
Try:
  curl -s -X POST $base/livekit-token -H 'content-type: application/json' \\
    -d '{"room_name":"demo","participant_identity":"ada","participant_name":"Ada"}'
  curl -s $base/livekit-token/health
Press Ctrl-C to stop.
TXT
wait "$gateway"
