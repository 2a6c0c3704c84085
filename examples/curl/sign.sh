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
