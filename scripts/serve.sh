#!/usr/bin/env bash
# The main job: set up, build, and serve every edge function at
# http://127.0.0.1:54321/functions/v1/<name> with the embedded development configuration
# (scripts/dev.env). Any variable already set in the environment (e.g. TAVUS_API_KEY) wins.
# No database needed: without SUPABASE_URL the functions use the embedded scenarios and an
# in-memory session store held by the gateway (development only).
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
deno run --quiet -A scripts/gateway.ts --port "$port" --dev-session-store &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true' EXIT INT TERM
until curl -fs -o /dev/null "$base/livekit-token/health" 2>/dev/null; do
  kill -0 "$gateway" 2>/dev/null || { echo "the gateway failed to start" >&2; exit 1; }
  sleep 0.2
done
jwt="$(deno run --quiet -A scripts/dev-tools.ts jwt)"
user="$(deno run --quiet -A scripts/dev-tools.ts user)"
cat <<TXT

Edge functions are up at $base (avatar mode: $AVATAR_MODE$([ -n "${TAVUS_API_KEY:-}" ] || echo ", Tavus dry-run"))
A development user's access token (24 h, user $user):
  export DEV_JWT='$jwt'
Try:
  curl -s -X POST $base/livekit-token -H "authorization: Bearer \$DEV_JWT" \\
    -H 'content-type: application/json' -d '{"scenario_id":"casual-conversation","participant_name":"Ada"}'
  curl -s $base/livekit-token/health
  curl -s -X POST $base/livekit-token/end -H "authorization: Bearer \$DEV_JWT" \\
    -H 'content-type: application/json' -d '{}'
A sample LiveKit webhook, signed the way LiveKit's server signs it (valid 5 minutes):
  $(deno run --quiet -A scripts/dev-tools.ts webhook "$base" room_finished avatar-sample)
To end a session the way LiveKit would, sign one for its room (the token call's room_name):
  eval "\$(deno run -A scripts/dev-tools.ts webhook $base room_finished <room_name>)"
Press Ctrl-C to stop.
TXT
wait "$gateway"
