#!/usr/bin/env bash
# `npm start`: installs, builds, starts MariaDB and Redis if needed, seeds the demo database,
# then runs the api (with the dashboard) and one worker on http://127.0.0.1:${SERVER_PORT:-8080}.
source "$(dirname "$0")/lib.sh"
ensure_pnpm
install_and_build
ensure_services
[ -f .env ] || { say "creating .env from .env.example"; cp .env.example .env; }

say "seeding the demo database (DEMO_USERS=${DEMO_USERS:-10000})"
node apps/cli/dist/main.js db seed --users "${DEMO_USERS:-10000}"
# The worker reads through a SELECT-only account; an older .env that still names root keeps root.
if grep -q '^ADMIN_MYSQL_DSN=.' .env; then
  say "making the read-only export account (pnpm db:reader)"
  node apps/cli/dist/main.js db reader
fi

say "starting api and worker (Ctrl-C stops both)"
# Each runs in its own session, so a Ctrl-C reaches them once, as our SIGTERM: the worker
# treats a second signal as "stop now", and a single one as "finish the running exports".
setsid node apps/api/dist/main.js &
API_PID=$!
setsid node apps/worker/dist/main.js &
WORKER_PID=$!
stop_all() {
  trap - EXIT INT TERM
  kill -TERM "$API_PID" "$WORKER_PID" 2>/dev/null || true
  wait
}
trap stop_all EXIT INT TERM
wait_for_port "${SERVER_PORT:-8080}" api
bash examples/curl/export.sh --print-only
wait
