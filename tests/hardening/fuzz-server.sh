#!/usr/bin/env bash
# Schemathesis from outside: a real `eventhub serve --workers 2` on a fresh SQLite database with
# the Bishkek mission, every check, an organiser token for all missions, for four minutes
# (FUZZ_SECONDS). Not part of `make test`: it is CPU heavy. Prints Schemathesis' summary and
# leaves its reports in build/fuzz/. Usage: tests/hardening/fuzz-server.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
SECONDS_BUDGET="${FUZZ_SECONDS:-240}"
WORK="$(mktemp -d -t eventhub-fuzz-XXXXXX)"
REPORTS=build/fuzz
mkdir -p "$REPORTS"
PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export EVENTHUB_DATABASE_URL="sqlite+aiosqlite:///$WORK/fuzz.db"
export EVENTHUB_PUBLIC_URL="http://127.0.0.1:$PORT"
export EVENTHUB_SECRET_KEY="fuzz-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export EVENTHUB_REGISTRATION_RATE_LIMIT=off EVENTHUB_MAIL_SENDER=0
unset EVENTHUB_REDIS_URL EVENTHUB_SMTP_URL

"$BIN/eventhub" db upgrade >/dev/null
"$BIN/eventhub" load fixtures/bishkek-2026.json >/dev/null
TOKEN="$("$BIN/eventhub" token create --name fuzzer --all | tail -n 1)"

"$BIN/eventhub" serve --host 127.0.0.1 --port "$PORT" --workers 2 >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 240); do
  if "$BIN/python" -c "import httpx, sys; sys.exit(httpx.get('$EVENTHUB_PUBLIC_URL/health').status_code != 200)" 2>/dev/null; then break; fi
  sleep 0.5
done

status=0
"$BIN/schemathesis" --config-file tests/hardening/schemathesis.toml run "$EVENTHUB_PUBLIC_URL/schema/openapi.json" \
  --checks all -H "Authorization: Bearer $TOKEN" --max-time "$SECONDS_BUDGET" \
  --report junit --report-dir "$REPORTS" || status=$?
if grep -q "Traceback" "$WORK/server.log"; then
  echo "the server logged tracebacks:"; grep -B2 -A12 "Traceback" "$WORK/server.log" | head -80
  status=1
fi
exit "$status"
