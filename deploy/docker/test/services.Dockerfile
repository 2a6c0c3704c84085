# The compose test's stand-ins for what cannot be pulled here (deploy/docker/test/compose.yml): one
# image, made from the project's Node base, holding MariaDB and Redis from Debian's packages, an
# S3-compatible server (s3rver) and an SMTP catcher (smtp-server + mailparser), the same versions
# the tests use in process (packages/testkit).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
ARG NPM_CONFIG_REGISTRY
# Some Debian mirrors serve Release files past their Valid-Until date; the packages are still signed.
RUN apt-get -o Acquire::Check-Valid-Until=false update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server redis-server \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /standins
RUN NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY} npm install --omit=dev --no-audit --no-fund --loglevel=error \
      s3rver@3.7.1 smtp-server@3.21.6 mailparser@3.14.2
COPY mariadb-init.sql s3-standin.js smtp-standin.js ./
