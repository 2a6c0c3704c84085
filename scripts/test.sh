#!/usr/bin/env bash
# `npm test`: installs what is missing, starts MariaDB and Redis if they are down, then runs
# the type check, lint and every test (unit and integration) against the real services.
source "$(dirname "$0")/lib.sh"
ensure_pnpm
install_and_build
ensure_services
ensure_test_tools
say "type-checking tests"
pnpm exec tsc -p tsconfig.test.json
say "linting"
pnpm run lint
say "running tests"
results="$(mktemp)"
status=0
pnpm exec jest --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI reader understands, whatever Jest's own summary looks like.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$results" || true
rm -f "$results"
exit "$status"
