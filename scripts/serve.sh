#!/usr/bin/env bash
# The main job: set up, build, and serve every edge function at
# http://127.0.0.1:54321/functions/v1/<name> with the embedded development configuration
# (scripts/dev.env), beside a real livekit-server in dev mode (ws://127.0.0.1:7880, ICE on TCP 7881
# and UDP 7882; webhooks to the served livekit-webhook) and the demo page at http://127.0.0.1:54320/.
# Any variable already set in the environment (e.g. TAVUS_API_KEY, PORT, DEMO_PORT,
# LIVEKIT_WS_URL, SERVE_FAKE_TAVUS=1) wins.
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
demo_port="${DEMO_PORT:-54320}"
mkdir -p .cache/serve
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null' EXIT INT TERM

# Optional: the Tavus stand-in, whose avatars join the room for real (synthetic video and audio).
if [ "${SERVE_FAKE_TAVUS:-0}" = 1 ] && [ -z "${TAVUS_API_KEY:-}" ]; then
  tavus_port="${TAVUS_STANDIN_PORT:-54322}"
  export TAVUS_API_KEY="dev-fake-tavus-key" TAVUS_API_URL="http://127.0.0.1:$tavus_port"
  deno run --quiet -A tests/e2e/tavus_dev.ts --port "$tavus_port" >.cache/serve/tavus.log 2>&1 &
  pids+=($!)
fi

deno run --quiet -A scripts/gateway.ts --port "$port" --dev-session-store &
pids+=($!)
gateway=$!
until curl -fs -o /dev/null "$base/livekit-token/health" 2>/dev/null; do
  kill -0 "$gateway" 2>/dev/null || { echo "the gateway failed to start" >&2; exit 1; }
  sleep 0.2
done

# A real LiveKit server (built by setup.sh from its Go module) in dev mode on loopback, with the
# keys above and its webhooks sent to the served livekit-webhook; only when LIVEKIT_WS_URL names
# this machine (point it at LiveKit Cloud and none is started).
livekit_note="not started: LIVEKIT_WS_URL=$LIVEKIT_WS_URL is not a loopback URL"
if [[ "$LIVEKIT_WS_URL" =~ ^ws://(127\.0\.0\.1|localhost):([0-9]+)/?$ ]]; then
  lk_port="${BASH_REMATCH[2]}"
  deno run --quiet -A tests/e2e/livekit_server.ts --dev --port "$lk_port" \
    --rtc-tcp "${LIVEKIT_RTC_TCP_PORT:-7881}" --rtc-udp "${LIVEKIT_RTC_UDP_PORT:-7882}" \
    --webhook "$base/livekit-webhook" --log .cache/serve/livekit.log &
  pids+=($!)
  until curl -fs -o /dev/null "http://127.0.0.1:$lk_port/" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || {
      echo "livekit-server failed to start; its log: .cache/serve/livekit.log" >&2
      tail -n 20 .cache/serve/livekit.log >&2
      exit 1
    }
    sleep 0.2
  done
  livekit_note="$LIVEKIT_WS_URL (livekit-server $(.cache/bin/livekit-server --version | awk '{print $3}'), dev mode, log .cache/serve/livekit.log)"
fi

# The demo page: the reference integration (demo/), with a development sign-in.
deno run --quiet -A demo/server.ts --port "$demo_port" --functions "$base" >/dev/null &
pids+=($!)
until curl -fs -o /dev/null "http://127.0.0.1:$demo_port/config.json" 2>/dev/null; do
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "the demo page server failed to start" >&2; exit 1; }
  sleep 0.2
done

jwt="$(deno run --quiet -A scripts/dev-tools.ts jwt)"
user="$(deno run --quiet -A scripts/dev-tools.ts user)"
if [ -n "${TAVUS_API_URL:-}" ] && [ "${SERVE_FAKE_TAVUS:-0}" = 1 ]; then
  tavus_note="the Tavus stand-in at $TAVUS_API_URL (synthetic avatars join the room)"
elif [ -n "${TAVUS_API_KEY:-}" ]; then
  tavus_note="Tavus (TAVUS_API_KEY set)"
else
  tavus_note="Tavus dry-run (no avatar joins; SERVE_FAKE_TAVUS=1 for a synthetic one)"
fi
cat <<TXT

Edge functions are up at $base (avatar mode: $AVATAR_MODE, $tavus_note)
LiveKit: $livekit_note
Demo page: http://127.0.0.1:$demo_port/  (sign in as $DEV_USER_EMAIL / $DEV_USER_PASSWORD)
A development user's access token (24 h, user $user):
  export DEV_JWT='$jwt'
Try:
  curl -s -X POST $base/livekit-token -H "authorization: Bearer \$DEV_JWT" \\
    -H 'content-type: application/json' -d '{"scenario_id":"casual-conversation","participant_name":"Ada"}'
  (its participant_token joins the room at its server_url)
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
