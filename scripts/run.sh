#!/usr/bin/env bash
# Start the whole assistant on embedded defaults: action server :5055, Rasa :5005, gateway :8000.
# Ctrl-C stops all three. Logs go to var/log/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
export ECOUTE_DEMO_PAGE="${ECOUTE_DEMO_PAGE:-true}"

cat > var/rasa-endpoints.yml <<YML
action_endpoint:
  url: "http://127.0.0.1:${ECOUTE_ACTION_PORT:-5055}/webhook"
tracker_store:
  type: SQL
  dialect: sqlite
  db: $PWD/var/rasa-tracker.db
YML

# Rasa's HTTP API (handing a conversation back to the bot) is guarded by a token the
# gateway shares: ECOUTE_RASA_TOKEN, or one generated under var/ in development.
RASA_TOKEN=$(.venv/bin/python -c "from bot.settings import load_settings; print(load_settings().rasa_token_value())")

pids=()
cleanup() { trap - EXIT INT TERM; echo; echo "stopping…"; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() { # url name seconds
  for _ in $(seq 1 "$3"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  echo "$2 did not start in $3 s; see var/log/" >&2; exit 1
}

.venv/bin/python -m rasa_sdk --actions actions --port "${ECOUTE_ACTION_PORT:-5055}" >var/log/actions.log 2>&1 &
pids+=($!)
.venv-rasa/bin/rasa run --model models --port 5005 --endpoints var/rasa-endpoints.yml \
  --credentials credentials.yml --enable-api --auth-token "$RASA_TOKEN" >var/log/rasa.log 2>&1 &
pids+=($!)
.venv/bin/ecoute serve >var/log/gateway.log 2>&1 &
pids+=($!)

echo "starting action server, Rasa (about 20 s to load the model) and gateway…"
wait_for "http://127.0.0.1:${ECOUTE_ACTION_PORT:-5055}/health" "action server" 60
wait_for "http://127.0.0.1:8000/health" "gateway" 60
wait_for "http://127.0.0.1:5005/" "Rasa" 180
echo
echo "Ecoute is running: open http://localhost:8000 and pick a demo debtor."
.venv/bin/ecoute demo-agent
echo "Logs: var/log/{actions,rasa,gateway}.log — Ctrl-C to stop."
wait -n "${pids[@]}"
