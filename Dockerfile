# One image for both processes: `node apps/api/dist/main.js` (default) or `node apps/worker/dist/main.js`,
# and the CLI: `node apps/cli/dist/main.js db seed`, `… export`. Built and run by `pnpm test:containers`
# (docs/operations.md, "Containers"): `docker build -t fluxquery-export .`
#
# NODE_IMAGE is the public Node base for everyone; a machine that cannot pull it names a base made
# from Debian's packages and the npm registry instead (scripts/docker.sh). NPM_CONFIG_REGISTRY, when
# given, is the registry npm and pnpm use while building (the build stage only; it never reaches the
# final image).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG NPM_CONFIG_REGISTRY
ENV PNPM_VERSION=10.34.9 NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY}
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
# pnpm applies these to yazl and buffer-crc32 at install (docs/performance.md).
COPY patches ./patches
COPY apps ./apps
COPY packages ./packages
COPY tools ./tools
COPY tests/package.json ./tests/package.json
COPY deploy/docker/runtime-files.sh ./deploy/docker/runtime-files.sh
RUN pnpm install --frozen-lockfile
RUN pnpm run build
# One copy of the production dependencies of the api, the worker and the CLI together (pnpm's store
# links each package once), then only what runs: each program's and each package's dist.
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules tools/*/node_modules tests/node_modules \
 && pnpm install --frozen-lockfile --prod --config.confirmModulesPurge=false \
      --filter-prod '@fluxquery/api...' --filter-prod '@fluxquery/worker...' --filter-prod '@fluxquery/cli...' \
 && sh deploy/docker/runtime-files.sh /out
# Left out of what the programs load (measured, docs/operations.md "Containers"):
# - TypeScript (23 MB) arrives only as valibot's optional peer (a type dependency of the dashboard);
# - node-sql-parser ships every dialect and a browser build (89 MB); the SQL guard loads
#   node-sql-parser/build/mysql and build/mariadb alone.
RUN cd /out/node_modules/.pnpm \
 && rm -rf typescript@* \
 && cd node-sql-parser@*/node_modules/node-sql-parser \
 && find . -mindepth 1 -maxdepth 1 ! -name package.json ! -name LICENSE ! -name build -exec rm -rf {} + \
 && find build -type f ! -name mysql.js ! -name mariadb.js -delete

FROM ${NODE_IMAGE}
# A worker's probes and /metrics must be reachable from outside the container.
ENV NODE_ENV=production APP_ENV=production METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /out ./
# Served by the api at /openapi.json, /docs and /docs/signing.md.
COPY docs/openapi.yaml docs/signing.md ./docs/
RUN mkdir -p /app/exports && chown node:node /app/exports
USER node
EXPOSE 8080
# The api answers /readyz on SERVER_PORT, a worker on METRICS_PORT: one check for both (the image has no curl).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 CMD ["node", "apps/cli/dist/healthcheck.js"]
# PID 1 is node itself: it gets docker stop's SIGTERM, and the worker finishes or hands back its
# running exports within WORKER_SHUTDOWN_GRACE; give the container a stop grace period above it.
STOPSIGNAL SIGTERM
CMD ["node", "apps/api/dist/main.js"]
