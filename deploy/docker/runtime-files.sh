#!/bin/sh
# Run in the image's build stage after the production install: copies into $1 what the api, the
# worker and the CLI run, in the workspace's own layout (pnpm's links stay valid): the root
# node_modules (one copy of every dependency), and for each of the three programs and each package
# they use, its package.json, its dist (without type declarations and source maps) and its links.
set -eu
out="$1"
mkdir -p "$out"
cp -a package.json node_modules "$out/"
pnpm --filter-prod '@fluxquery/api...' --filter-prod '@fluxquery/worker...' --filter-prod '@fluxquery/cli...' \
  exec sh -c 'echo "${PWD#/app/}"' | while read -r project; do
  mkdir -p "$out/$project"
  cp -a "$project/package.json" "$project/dist" "$out/$project/"
  [ ! -d "$project/node_modules" ] || cp -a "$project/node_modules" "$out/$project/"
done
find "$out/apps" "$out/packages" -path '*/dist/*' \( -name '*.d.ts' -o -name '*.map' \) -delete
