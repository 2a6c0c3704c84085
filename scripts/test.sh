#!/usr/bin/env bash
# `npm test`: installs what is missing, starts MariaDB and Redis if they are down, then runs
# the type check, lint and every test (unit and integration) against the real services; then the
# integration and end-to-end suites again on a three-master Redis Cluster (scripts/redis-cluster.sh),
# failing if any node refused a command with CROSSSLOT, and on a Sentinel group
# (scripts/redis-sentinel.sh). With arguments (jest's own), only the first run, on what they select.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/redis-cluster.sh"
source "$(dirname "$0")/redis-sentinel.sh"
ensure_pnpm
install_and_build
ensure_services
ensure_test_tools
say "type-checking tests"
pnpm exec tsc -p tsconfig.test.json
say "linting"
pnpm run lint

results="$(mktemp)"
trap 'rm -f "$results" "$results.cluster" "$results.sentinel"' EXIT
status=0
say "running tests (one Redis node)"
pnpm exec jest --json --outputFile="$results" "$@" || status=$?

crossslot=0
if [ $# -eq 0 ]; then
  start_redis_cluster
  before="$(count_crossslot_errors)"
  say "running the integration suites on the Redis Cluster ($REDIS_CLUSTER_NODES)"
  TEST_REDIS_CLUSTER_NODES="$REDIS_CLUSTER_NODES" pnpm exec jest --json --outputFile="$results.cluster" int.test ||
    status=$?
  crossslot=$(($(count_crossslot_errors) - before))
  if [ "$crossslot" -gt 0 ]; then
    echo "the Redis Cluster refused $crossslot command(s) with CROSSSLOT: keys of one command in different slots" >&2
    status=1
  fi
  start_redis_sentinel
  say "running the integration suites on the Redis Sentinel group ($REDIS_SENTINEL_ADDRESSES)"
  TEST_REDIS_SENTINELS="$REDIS_SENTINEL_ADDRESSES" TEST_REDIS_SENTINEL_NAME="$REDIS_SENTINEL_GROUP" \
    pnpm exec jest --json --outputFile="$results.sentinel" int.test || status=$?
fi

# One plain closing line that any CI reader understands, whatever Jest's own summary looks like.
node -e '
  const fs = require("fs");
  const read = (file) => (fs.existsSync(file) && fs.statSync(file).size > 0 ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
  const [one, cluster, sentinel] = ["", ".cluster", ".sentinel"].map((end) => read(process.argv[1] + end));
  const line = (r) => `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
  const parts = [
    one && line(one),
    cluster && `on the Redis Cluster: ${line(cluster)}, CROSSSLOT ${process.argv[2]}`,
    sentinel && `on Sentinel: ${line(sentinel)}`,
  ];
  console.log(`jest: ${parts.filter(Boolean).join("; ")}`);
' "$results" "$crossslot" || true
exit "$status"
