#!/usr/bin/env bash
# `pnpm test:containers`: the container suite (tests/containers) on its own. Starts dockerd when
# none answers (installing Debian's docker.io if needed), makes the Node base from Debian's packages
# and the npm registry once (scripts/docker.sh), builds the service's image from the repository's
# Dockerfile and the compose test's stand-ins, then runs the suite. Where Docker cannot run, it
# says exactly why and exits 0, so that the rest of CI still runs; every other failure fails it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker.sh"
ensure_pnpm
[ -d node_modules ] || install_and_build
ensure_services

if ! ensure_dockerd; then
  echo "container suite SKIPPED: Docker cannot run on this machine (the reason is above)" >&2
  exit 0
fi
started=$SECONDS
ensure_node_base
say "base image ready: $LOCAL_NODE_IMAGE ($((SECONDS - started)) s)"

# The machine's own registry, read from its npm settings at build time; never written down.
registry="$(npm config get registry 2>/dev/null)"
build() {
  local name=$1 log t=$SECONDS
  shift
  log="$(mktemp -t fq-docker-build.XXXXXX)"
  docker build --network host --build-arg "NODE_IMAGE=$LOCAL_NODE_IMAGE" \
    --build-arg "NPM_CONFIG_REGISTRY=$registry" -t "$name" "$@" >"$log" 2>&1 || {
    echo "docker build of $name failed; its output ends:" >&2
    tail -n 40 "$log" >&2
    return 1
  }
  rm -f "$log"
  say "built $name in $((SECONDS - t)) s"
}
say "building the service's image and the compose test's stand-ins (docker build, vfs)"
build fluxquery-export:test .
build fluxquery-test/services -f deploy/docker/test/services.Dockerfile deploy/docker/test

say "running the container suite"
FQ_IMAGE=fluxquery-export:test FQ_NODE_IMAGE="$LOCAL_NODE_IMAGE" \
  pnpm exec jest -c jest.containers.config.js "$@"
say "container suite: $((SECONDS - started)) s in all"
