# Request signing with openssl, written from docs/signing.md alone. Source it, then:
#   sign_v1 SECRET METHOD PATH BODY TIMESTAMP
#   sign_v2 SECRET KEY_ID METHOD PATH QUERY TIMESTAMP NONCE BODY   (prints "v2=<hex>")

sign_v1() {
  printf '%s%s%s%s' "$2" "$3" "$4" "$5" | openssl dgst -sha256 -hmac "$1" -hex | sed 's/^.* //'
}

sign_v2() {
  local body_hash
  body_hash=$(printf '%s' "$8" | openssl dgst -sha256 -hex | sed 's/^.* //')
  printf 'v2\n%s\n%s\n%s\n%s\n%s\n%s\n%s' "$3" "$4" "$5" "$6" "$7" "$2" "$body_hash" \
    | openssl dgst -sha256 -hmac "$1" -hex | sed 's/^.* //;s/^/v2=/'
}

new_nonce() {
  openssl rand -hex 16
}

# A JSON string literal for any text: backslashes, quotes and control characters escaped, so a
# query with quotes, backslashes or line breaks stays one valid JSON value.
json_string() {
  local s=$1 out='' c i code
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  # Any other control character (rare in SQL) as \u00XX, one character at a time.
  if [[ $s =~ [[:cntrl:]] ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c =~ [[:cntrl:]] ]]; then
        printf -v code '%d' "'$c"
        printf -v c '\\u%04x' "$code"
      fi
      out+=$c
    done
    s=$out
  fi
  printf '"%s"' "$s"
}
