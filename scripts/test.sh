#!/usr/bin/env bash
# `npm test`: installs what is missing, starts MariaDB and Redis if they are down, then runs
# the type check, lint and every test (unit and integration) against the real services.
source "$(dirname "$0")/lib.sh"
ensure_pnpm
install_and_build
ensure_services
say "type-checking tests"
pnpm exec tsc -p tsconfig.test.json
say "linting"
pnpm run lint
say "running tests"
pnpm exec jest "$@"
