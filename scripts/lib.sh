# Shared by start.sh, test.sh and .ci/run: make a fresh machine ready. Sourced, not run.
set -euo pipefail

PNPM_VERSION=10.34.9
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1; then
    say "installing pnpm@$PNPM_VERSION"
    npm install -g "pnpm@$PNPM_VERSION" >/dev/null
  fi
  local have
  have="$(pnpm --version)"
  [ "$have" = "$PNPM_VERSION" ] || say "pnpm $have found; this repository is tested with $PNPM_VERSION"
}

install_and_build() {
  say "installing dependencies"
  pnpm install --frozen-lockfile
  say "building (tsc -b)"
  pnpm run build
}

is_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do
    is_port_open "$port" && return 0
    sleep 0.5
  done
  echo "$name did not come up on 127.0.0.1:$port" >&2
  return 1
}

ensure_services() {
  if ! is_port_open 3306; then
    say "starting MariaDB"
    if [ -x /usr/sbin/mariadbd ]; then
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    else
      echo "MariaDB is not running on 127.0.0.1:3306 and /usr/sbin/mariadbd is not installed" >&2
      return 1
    fi
    wait_for_port 3306 MariaDB
  fi
  if ! is_port_open 6379; then
    say "starting Redis"
    if command -v redis-server >/dev/null 2>&1; then
      # With an append-only file, as docs/operations.md recommends: queued jobs survive a restart.
      mkdir -p "$ROOT/.data/redis"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes --appendfsync everysec \
        --save "" --dir "$ROOT/.data/redis"
    else
      echo "Redis is not running on 127.0.0.1:6379 and redis-server is not installed" >&2
      return 1
    fi
    wait_for_port 6379 Redis
  fi
}

# The cross-reader tests open our files with Python's csv/json and openpyxl; the example clients
# run with Go and PHP (curl); docker-compose parses the compose file (no engine needed). All from
# Debian's packages.
ensure_test_tools() {
  local missing=()
  /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || missing+=(python3 python3-openpyxl)
  command -v go >/dev/null 2>&1 || missing+=(golang-go)
  php -r 'exit(function_exists("curl_init") ? 0 : 1);' >/dev/null 2>&1 || missing+=(php-cli php-curl)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [ ${#missing[@]} -gt 0 ] || return 0
  say "installing ${missing[*]} (Debian) for the cross-reader tests and the example clients"
  apt_install "${missing[@]}"
}

# Installs Debian packages (as root, with apt-get); otherwise says which are needed. Returns 1 on
# failure with the reason on stderr (each step checked: a caller may run it as a condition, where
# errexit does not apply).
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "needs: apt-get install $* (as root)" >&2
    return 1
  fi
  apt-get update -qq >/dev/null || echo "apt-get update failed" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || {
    echo "apt-get install $* failed" >&2
    return 1
  }
}
