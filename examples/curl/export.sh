#!/usr/bin/env bash
# A signed export request with curl and openssl, written from docs/signing.md alone: the request
# is signed with v2 (key id, nonce, body hash); --print-only prints a v1 request, as existing
# clients send it.
# Usage: examples/curl/export.sh [--print-only] ['SQL']
set -euo pipefail
source "$(dirname "$0")/sign.sh"
PRINT_ONLY=false
if [ "${1:-}" = "--print-only" ]; then PRINT_ONLY=true; shift; fi
BASE_URL="${BASE_URL:-http://127.0.0.1:${SERVER_PORT:-8080}}"
SECRET="${API_SECRET:-devsecret}"
KEY_ID="${KEY_ID:-default}"
QUERY="${1:-SELECT * FROM users LIMIT 10}"
BODY=$(printf '{"query":"%s","email":"admin@example.com","format":"csv"}' "$QUERY")

TS=$(date +%s)
SIG=$(sign_v1 "$SECRET" POST /export "$BODY" "$TS")

if $PRINT_ONLY; then
  echo
  echo "Try a signed export (v1; valid once, within 5 minutes):"
  echo "  curl -sS -X POST '$BASE_URL/export' -H 'Content-Type: application/json' \\"
  echo "    -H 'X-Timestamp: $TS' -H 'X-Signature: $SIG' \\"
  echo "    --data-binary '$BODY'"

  echo
  echo "Or run the whole round trip (request, poll, show the file): bash examples/curl/export.sh"
  echo "Dashboard: $BASE_URL/admin/queues (user admin, password admin in development)"
  exit 0
fi

NONCE=$(new_nonce)
RESPONSE=$(curl -sS -X POST "$BASE_URL/export" -H "Content-Type: application/json" -H "X-Key-Id: $KEY_ID" \
  -H "X-Timestamp: $TS" -H "X-Nonce: $NONCE" -H "X-Signature: $(sign_v2 "$SECRET" "$KEY_ID" POST /export "" "$TS" "$NONCE" "$BODY")" \
  --data-binary "$BODY")
echo "POST /export -> $RESPONSE"
JOB_ID=$(printf '%s' "$RESPONSE" | sed -n 's/.*"job_id":"\([^"]*\)".*/\1/p')
[ -n "$JOB_ID" ] || exit 1

for _ in $(seq 1 120); do
  TS=$(date +%s)
  NONCE=$(new_nonce)
  SIG=$(sign_v2 "$SECRET" "$KEY_ID" GET "/export/$JOB_ID" "" "$TS" "$NONCE" "")
  STATUS=$(curl -sS "$BASE_URL/export/$JOB_ID" -H "X-Key-Id: $KEY_ID" -H "X-Timestamp: $TS" -H "X-Nonce: $NONCE" -H "X-Signature: $SIG")
  case "$STATUS" in
    *'"status":"COMPLETED"'* | *'"status":"FAILED"'* | *'"status":"CANCELLED"'*) echo "GET /export/$JOB_ID -> $STATUS"; break ;;
  esac
  sleep 0.5
done
# The file is behind its download link: streamed by the api, or a redirect to S3 (-L follows it).
URL=$(printf '%s' "$STATUS" | sed -n 's/.*"download_url":"\([^"]*\)".*/\1/p')
NAME=$(printf '%s' "$STATUS" | sed -n 's/.*"file_name":"\([^"]*\)".*/\1/p')
if [ -n "$URL" ] && [ -n "$NAME" ]; then
  OUT="$(mktemp -d)/$NAME"
  curl -sSfL -o "$OUT" "$URL"
  echo "--- downloaded $OUT ($(wc -c < "$OUT") bytes); first lines:"
  case "$NAME" in
    *.gz) gzip -dc "$OUT" | head -n 5 ;;
    *.xlsx) echo "(an Excel workbook)" ;;
    *) head -n 5 "$OUT" ;;
  esac
fi
