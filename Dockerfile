# One image for both processes: `node apps/api/dist/main.js` (default) or `node apps/worker/dist/main.js`,
# and the CLI: `node apps/cli/dist/main.js db seed`, `… export`.
# Not built on the development machines (no Docker engine there); see docs/operations.md, "Containers".
FROM node:20-bookworm-slim AS build
ENV PNPM_VERSION=10.34.9
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
# pnpm applies these to yazl and buffer-crc32 at install (docs/performance.md).
COPY patches ./patches
COPY apps ./apps
COPY packages ./packages
COPY tools ./tools
COPY tests/package.json ./tests/package.json
RUN pnpm install --frozen-lockfile
RUN pnpm run build
# Production dependencies only, for the two apps and the CLI (db seed, db reader, export).
RUN pnpm deploy --filter @fluxquery/api --prod --legacy /out/api \
 && pnpm deploy --filter @fluxquery/worker --prod --legacy /out/worker \
 && pnpm deploy --filter @fluxquery/cli --prod --legacy /out/cli

FROM node:20-bookworm-slim
# A worker's probes and /metrics must be reachable from outside the container.
ENV NODE_ENV=production APP_ENV=production METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /out/api ./apps/api
COPY --from=build /out/worker ./apps/worker
COPY --from=build /out/cli ./apps/cli
# Served by the api at /openapi.json, /docs and /docs/signing.md.
COPY docs/openapi.yaml docs/signing.md ./docs/
RUN mkdir -p /app/exports && chown node:node /app/exports
USER node
EXPOSE 8080
# SIGTERM lets the worker finish its running exports; give it a long stop grace period.
STOPSIGNAL SIGTERM
CMD ["node", "apps/api/dist/main.js"]
