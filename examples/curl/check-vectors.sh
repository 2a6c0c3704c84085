#!/usr/bin/env bash
# Checks sign.sh against docs/signing-vectors.json (python3 only reads the JSON).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/sign.sh"
VECTORS="$HERE/../../docs/signing-vectors.json"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][int(sys.argv[3])][sys.argv[4]], end="")' "$VECTORS" "$@"; }
count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$VECTORS" "$1"; }
failed=0
for i in $(seq 0 $(( $(count v1) - 1 ))); do
  got=$(sign_v1 "$(field v1 "$i" secret)" "$(field v1 "$i" method)" "$(field v1 "$i" path)" "$(field v1 "$i" body)" "$(field v1 "$i" timestamp)")
  [ "$got" = "$(field v1 "$i" signature)" ] && echo "ok   v1 $(field v1 "$i" name)" || { echo "FAIL v1 $(field v1 "$i" name): $got"; failed=1; }
done
for i in $(seq 0 $(( $(count v2) - 1 ))); do
  got=$(sign_v2 "$(field v2 "$i" secret)" "$(field v2 "$i" keyId)" "$(field v2 "$i" method)" "$(field v2 "$i" path)" \
    "$(field v2 "$i" query)" "$(field v2 "$i" timestamp)" "$(field v2 "$i" nonce)" "$(field v2 "$i" body)")
  [ "$got" = "$(field v2 "$i" signature)" ] && echo "ok   v2 $(field v2 "$i" name)" || { echo "FAIL v2 $(field v2 "$i" name): $got"; failed=1; }
done
exit $failed
