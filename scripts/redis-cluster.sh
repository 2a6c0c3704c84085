# A Redis Cluster of three masters and three replicas from the installed redis-server, on
# 127.0.0.1:7101–7106 (ports of its own, never the single node's 6379). Sourced by test.sh
# after lib.sh; `bash scripts/redis-cluster.sh start|stop|nodes` runs it by hand.
REDIS_CLUSTER_PORTS=(7101 7102 7103 7104 7105 7106)
REDIS_CLUSTER_NODES="127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103"

is_cluster_ok() {
  redis-cli -p "${REDIS_CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

start_redis_cluster() {
  if is_cluster_ok; then return 0; fi
  say "starting a Redis Cluster (3 masters, 3 replicas) on 127.0.0.1:${REDIS_CLUSTER_PORTS[0]}–${REDIS_CLUSTER_PORTS[5]}"
  stop_redis_cluster
  local addresses=()
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    local dir="$ROOT/.data/redis-cluster/$port"
    rm -rf "$dir" && mkdir -p "$dir"
    # Append-only, as docs/operations.md asks of every Redis that holds jobs.
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 3000 --appendonly yes --save "" \
      --logfile "$dir/redis.log"
    addresses+=("127.0.0.1:$port")
  done
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do wait_for_port "$port" "Redis Cluster node"; done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
  for _ in $(seq 1 60); do
    is_cluster_ok && return 0
    sleep 0.5
  done
  echo "the Redis Cluster did not reach cluster_state:ok" >&2
  return 1
}

stop_redis_cluster() {
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
}

# How many commands the cluster refused with CROSSSLOT since it started: any is a failure.
count_crossslot_errors() {
  local total=0 count
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    count="$(redis-cli -p "$port" info errorstats 2>/dev/null | sed -n 's/^errorstat_CROSSSLOT:count=\([0-9]*\).*/\1/p')" || count=0
    total=$((total + ${count:-0}))
  done
  echo "$total"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  source "$(dirname "$0")/lib.sh"
  case "${1:-}" in
    start) start_redis_cluster && echo "REDIS_CLUSTER_NODES=$REDIS_CLUSTER_NODES" ;;
    stop) stop_redis_cluster ;;
    nodes) echo "$REDIS_CLUSTER_NODES" ;;
    *) echo "usage: bash scripts/redis-cluster.sh start|stop|nodes" >&2; exit 2 ;;
  esac
fi
