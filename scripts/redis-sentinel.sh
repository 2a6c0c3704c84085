# A Sentinel group from the installed redis-server: a master on 127.0.0.1:7201, a replica on 7202,
# and three sentinels on 27201–27203 watching it as "fqsuite" (ports of its own, never 6379).
# Sourced by test.sh after lib.sh; `bash scripts/redis-sentinel.sh start|stop` runs it by hand.
REDIS_SENTINEL_DATA_PORTS=(7201 7202)
REDIS_SENTINEL_PORTS=(27201 27202 27203)
REDIS_SENTINEL_GROUP=fqsuite
REDIS_SENTINEL_ADDRESSES="127.0.0.1:27201,127.0.0.1:27202,127.0.0.1:27203"

is_sentinel_group_ok() {
  redis-cli -p "${REDIS_SENTINEL_PORTS[0]}" sentinel replicas "$REDIS_SENTINEL_GROUP" 2>/dev/null |
    grep -q '^master-link-status$' &&
    redis-cli -p "${REDIS_SENTINEL_DATA_PORTS[1]}" info replication 2>/dev/null | grep -q 'master_link_status:up'
}

start_redis_sentinel() {
  if is_sentinel_group_ok; then return 0; fi
  say "starting a Redis Sentinel group (master 7201, replica 7202, sentinels 27201–27203)"
  stop_redis_sentinel
  local root="$ROOT/.data/redis-sentinel" master="${REDIS_SENTINEL_DATA_PORTS[0]}"
  rm -rf "$root" && mkdir -p "$root"
  for port in "${REDIS_SENTINEL_DATA_PORTS[@]}"; do
    local extra=()
    [ "$port" = "$master" ] || extra=(--replicaof 127.0.0.1 "$master")
    mkdir -p "$root/$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$root/$port" --appendonly yes \
      --save "" --repl-diskless-sync-delay 0 --logfile "$root/$port/redis.log" "${extra[@]}"
  done
  for port in "${REDIS_SENTINEL_PORTS[@]}"; do
    printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor %s 127.0.0.1 %s 2\nsentinel down-after-milliseconds %s 5000\n' \
      "$port" "$root" "$REDIS_SENTINEL_GROUP" "$master" "$REDIS_SENTINEL_GROUP" >"$root/sentinel-$port.conf"
    redis-server "$root/sentinel-$port.conf" --sentinel --daemonize yes --logfile "$root/sentinel-$port.log"
  done
  for _ in $(seq 1 60); do
    redis-cli -p "${REDIS_SENTINEL_DATA_PORTS[1]}" info replication 2>/dev/null | grep -q 'master_link_status:up' &&
      redis-cli -p "${REDIS_SENTINEL_PORTS[0]}" sentinel get-master-addr-by-name "$REDIS_SENTINEL_GROUP" >/dev/null 2>&1 &&
      return 0
    sleep 0.5
  done
  echo "the Redis Sentinel group did not come up" >&2
  return 1
}

stop_redis_sentinel() {
  for port in "${REDIS_SENTINEL_PORTS[@]}" "${REDIS_SENTINEL_DATA_PORTS[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  source "$(dirname "$0")/lib.sh"
  case "${1:-}" in
    start) start_redis_sentinel && echo "REDIS_SENTINELS=$REDIS_SENTINEL_ADDRESSES REDIS_SENTINEL_NAME=$REDIS_SENTINEL_GROUP" ;;
    stop) stop_redis_sentinel ;;
    *) echo "usage: bash scripts/redis-sentinel.sh start|stop" >&2; exit 2 ;;
  esac
fi
