#!/usr/bin/env bash
# A FluxQuery Export client with curl and openssl, written from docs/signing.md alone.
#
# Usage:  examples/curl/export.sh QUERY [FORMAT] [COMPRESSION]
#         examples/curl/export.sh --print-only [QUERY]    (print a v1 request, as existing clients send it)
# Environment: BASE_URL (http://127.0.0.1:8080), API_SECRET (devsecret), KEY_ID (default), EMAIL.
# Signs every request (v2), submits, polls at most once a second, prints the download link,
# fetches the file into the current folder, checks its sha256, and exits 0 only when it has it.
set -euo pipefail
LC_ALL=C.UTF-8
source "$(dirname "$0")/sign.sh"
PRINT_ONLY=false
if [ "${1:-}" = "--print-only" ]; then PRINT_ONLY=true; shift; fi
BASE_URL="${BASE_URL:-http://127.0.0.1:${SERVER_PORT:-8080}}"
SECRET="${API_SECRET:-devsecret}"
KEY_ID="${KEY_ID:-default}"
QUERY="${1:-SELECT * FROM users LIMIT 10}"
FORMAT="${2:-csv}"
COMPRESSION="${3:-}"
BODY="{\"query\":$(json_string "$QUERY"),\"email\":$(json_string "${EMAIL:-admin@example.com}"),\"format\":$(json_string "$FORMAT")"
[ -z "$COMPRESSION" ] || BODY+=",\"compression\":$(json_string "$COMPRESSION")"
BODY+="}"

if $PRINT_ONLY; then
  TS=$(date +%s)
  SIG=$(sign_v1 "$SECRET" POST /export "$BODY" "$TS")
  QUOTED_BODY="'${BODY//\'/\'\\\'\'}'"
  echo
  echo "Try a signed export (v1; valid once, within 5 minutes):"
  echo "  curl -sS -X POST '$BASE_URL/export' -H 'Content-Type: application/json' \\"
  echo "    -H 'X-Timestamp: $TS' -H 'X-Signature: $SIG' \\"
  echo "    --data-binary $QUOTED_BODY"
  echo
  echo "Or run the whole round trip (request, poll, download): bash examples/curl/export.sh"
  echo "Dashboard: $BASE_URL/admin/queues (user admin, password admin in development)"
  exit 0
fi

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

ANSWER=$(signed POST /export "$BODY")
CODE=${ANSWER##*$'\n'}
RESPONSE=${ANSWER%$'\n'*}
echo "POST /export -> $CODE $RESPONSE"
[ "$CODE" = 202 ] || exit 1
JOB_ID=$(field "$RESPONSE" job_id)

while :; do
  ANSWER=$(signed GET "/export/$JOB_ID")
  CODE=${ANSWER##*$'\n'}
  STATUS=${ANSWER%$'\n'*}
  case "$CODE" in
    200) ;;
    429 | 503) sleep 1; continue ;;
    *) echo "GET /export/$JOB_ID -> $CODE $STATUS" >&2; exit 1 ;;
  esac
  STATE=$(printf '%s' "$STATUS" | sed -n 's/^{"job_id":"[^"]*","status":"\([A-Z]*\)".*/\1/p')
  echo "$STATE $(printf '%s' "$STATUS" | sed -n 's/.*"progress":{"rows":\([0-9]*\).*/rows=\1/p')"
  case "$STATE" in COMPLETED | FAILED | CANCELLED) break ;; esac
  sleep 1
done
if [ "$STATE" != COMPLETED ]; then
  echo "the export ended $STATE: $STATUS" >&2
  exit 1
fi

# The file is behind its download link: streamed by the api, or a redirect to S3 (-L follows it).
URL=$(field "$STATUS" download_url)
NAME=$(field "$STATUS" file_name)
SHA=$(field "$STATUS" sha256)
echo "download link: $URL"
curl -sSfL -o "$NAME.partial" "$URL"
if [ "$(openssl dgst -sha256 -hex < "$NAME.partial" | sed 's/^.* //')" != "$SHA" ]; then
  rm -f "$NAME.partial"
  echo "the file's sha256 does not match the status" >&2
  exit 1
fi
mv "$NAME.partial" "$NAME"
echo "downloaded $NAME: $(wc -c < "$NAME") bytes, sha256 matches"
