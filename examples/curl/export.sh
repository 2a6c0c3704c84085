#!/usr/bin/env bash
# A v1-signed export request with curl and openssl, written from the signing spec alone:
#   signature = hex(HMAC-SHA256(API_SECRET, METHOD + PATH + BODY + TIMESTAMP))
# Usage: examples/curl/export.sh [--print-only] ['SQL']
set -euo pipefail
PRINT_ONLY=false
if [ "${1:-}" = "--print-only" ]; then PRINT_ONLY=true; shift; fi
BASE_URL="${BASE_URL:-http://127.0.0.1:${SERVER_PORT:-8080}}"
SECRET="${API_SECRET:-devsecret}"
QUERY="${1:-SELECT * FROM users LIMIT 10}"
BODY=$(printf '{"query":"%s","email":"admin@example.com","format":"csv"}' "$QUERY")

sign() { # METHOD PATH BODY TIMESTAMP
  printf '%s%s%s%s' "$1" "$2" "$3" "$4" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //'
}

TS=$(date +%s)
SIG=$(sign POST /export "$BODY" "$TS")
POST=(curl -sS -X POST "$BASE_URL/export" -H "Content-Type: application/json" -H "X-Timestamp: $TS" -H "X-Signature: $SIG" --data-binary "$BODY")

if $PRINT_ONLY; then
  echo
  echo "Try a signed export (valid for 5 minutes):"
  echo "  curl -sS -X POST '$BASE_URL/export' -H 'Content-Type: application/json' \\"
  echo "    -H 'X-Timestamp: $TS' -H 'X-Signature: $SIG' \\"
  echo "    --data-binary '$BODY'"

  echo
  echo "Or run the whole round trip (request, poll, show the file): bash examples/curl/export.sh"
  echo "Dashboard: $BASE_URL/admin/queues (user admin, password admin in development)"
  exit 0
fi

RESPONSE=$("${POST[@]}")
echo "POST /export -> $RESPONSE"
JOB_ID=$(printf '%s' "$RESPONSE" | sed -n 's/.*"job_id":"\([^"]*\)".*/\1/p')
[ -n "$JOB_ID" ] || exit 1

for _ in $(seq 1 120); do
  TS=$(date +%s)
  SIG=$(sign GET "/export/$JOB_ID" "" "$TS")
  STATUS=$(curl -sS "$BASE_URL/export/$JOB_ID" -H "X-Timestamp: $TS" -H "X-Signature: $SIG")
  case "$STATUS" in
    *'"status":"COMPLETED"'* | *'"status":"FAILED"'* | *'"status":"CANCELLED"'*) echo "GET /export/$JOB_ID -> $STATUS"; break ;;
  esac
  sleep 0.5
done
LOCATION=$(printf '%s' "$STATUS" | sed -n 's/.*"location":"\([^"]*\)".*/\1/p')
if [ -n "$LOCATION" ] && [ -f "$LOCATION" ]; then
  echo "--- first lines of $LOCATION"
  head -n 5 "$LOCATION"
fi
