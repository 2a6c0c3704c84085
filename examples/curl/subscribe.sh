#!/usr/bin/env bash
# A recurring export with curl and openssl: subscribe to a query on a schedule, run it once now,
# and read its runs (docs/subscriptions.md).
#
# Usage:  examples/curl/subscribe.sh QUERY [CRON] [TIME_ZONE]
#         (default: every Monday at 08:00, Europe/Berlin)
# Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
# Prints the subscription (with its next run), the run started now, and its runs once that run has
# an outcome; exits 0 only when the run was delivered. Delete it with:
#   fluxquery subscriptions delete <subscription_id>
set -euo pipefail
LC_ALL=C.UTF-8
source "$(dirname "$0")/sign.sh"
BASE_URL="${BASE_URL:-http://127.0.0.1:${SERVER_PORT:-8080}}"
SECRET="${API_SECRET:-devsecret}"
KEY_ID="${KEY_ID:-default}"
QUERY="${1:-SELECT * FROM users LIMIT 10}"
CRON="${2:-0 8 * * 1}"
ZONE="${3:-Europe/Berlin}"
BODY="{\"name\":\"Weekly users\",\"query\":$(json_string "$QUERY"),\"email\":$(json_string "${EMAIL:-admin@example.com}")"
BODY+=",\"schedule\":{\"cron\":$(json_string "$CRON"),\"time_zone\":$(json_string "$ZONE")},\"condition\":\"rows\"}"

# One signed request (v2); prints the body, then the HTTP status on a line of its own.
signed() {
  local method=$1 path=$2 body=${3:-} ts nonce
  ts=$(date +%s)
  nonce=$(new_nonce)
  curl -sS -X "$method" "$BASE_URL$path" -H "Content-Type: application/json" -H "X-Key-Id: $KEY_ID" \
    -H "X-Timestamp: $ts" -H "X-Nonce: $nonce" \
    -H "X-Signature: $(sign_v2 "$SECRET" "$KEY_ID" "$method" "$path" "" "$ts" "$nonce" "$body")" \
    ${body:+--data-binary "$body"} -w '\n%{http_code}'
}
field() { printf '%s' "$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"; }
# Calls, prints `METHOD PATH -> CODE BODY`, and fails unless the code is the one expected.
call() {
  local expected=$1 answer code
  shift
  answer=$(signed "$@")
  code=${answer##*$'\n'}
  RESPONSE=${answer%$'\n'*}
  echo "$1 $2 -> $code $RESPONSE"
  [ "$code" = "$expected" ]
}

call 201 POST /subscriptions "$BODY"
ID=$(field "$RESPONSE" subscription_id)
echo "subscription $ID: next run at $(field "$RESPONSE" next_run_at)"

call 202 POST "/subscriptions/$ID/run"
JOB_ID=$(field "$RESPONSE" job_id)
for _ in $(seq 1 60); do
  call 200 GET "/subscriptions/$ID/runs" > /dev/null
  OUTCOME=$(printf '%s' "$RESPONSE" | sed -n "s/.*\"outcome\":\"\([a-z]*\)\",\"reason\":[^,]*,\"job_id\":\"$JOB_ID\".*/\1/p")
  [ "$OUTCOME" = running ] || break
  sleep 1
done
echo "runs: $RESPONSE"
echo "the run of job $JOB_ID: $OUTCOME"
[ "$OUTCOME" = delivered ]
