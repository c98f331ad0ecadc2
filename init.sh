#!/usr/bin/env bash
# One step from a started cluster (docker compose or `npm run cluster -- start`) to a
# ready shop: wait for the coordinator, register the workers, apply the SQL bundle,
# verify the cluster, then seed.
#
#   DATABASE_URL   the coordinator; when unset, the local cluster's (npm run cluster -- env),
#                  else the docker compose cluster started from this folder
#   WORKER_HOSTS / WORKER_SERVICE   the workers to register (see docs/configuration.md)
#   SEED_ARGS      arguments for the seed step (default: --demo --if-empty, a small demo shop)
#
# The compose cluster's workers are registered under their container names, which resolve
# only inside the compose network; so for that cluster (DATABASE_URL unset, or its
# published coordinator port on this host) setup runs there, as `docker compose run --rm
# setup` (the same script in the setup image). The high-availability variant
# (docker-compose.ha.yml) is found too: COMPOSE_FILE names it, or its coordinator group
# runs in this folder's compose project; its setup service leaves the workers to Patroni.
set -euo pipefail
cd "$(dirname "$0")"

# Docker Compose v2 (`docker compose`), else v1 (`docker-compose`).
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose "$@"
  else
    return 127
  fi
}

# The compose file of the cluster in this folder: COMPOSE_FILE when set (compose reads it),
# else docker-compose.ha.yml when its coordinator group has containers, else compose's
# default, docker-compose.yml.
if [ -z "${COMPOSE_FILE:-}" ] && { command -v docker >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; } &&
  [ -n "$(compose -f docker-compose.ha.yml ps -q coordinator-a 2>/dev/null || true)" ]; then
  export COMPOSE_FILE=docker-compose.ha.yml
fi

# The host port the compose coordinator of this folder is published on; nothing when it is not running.
compose_coordinator_port() {
  command -v docker >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || return 0
  compose port coordinator 5432 2>/dev/null | sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' | head -n 1 || true
}

# Whether DATABASE_URL names the compose coordinator's published port on this host.
url_is_compose_coordinator() {
  local hostport host port published
  hostport="$(printf '%s' "$DATABASE_URL" | sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#')"
  host="${hostport%:*}"
  port="${hostport##*:}"
  [ "$host" = "$hostport" ] && port=5432
  case "$host" in 127.0.0.1 | localhost | '[::1]') ;; *) return 1 ;; esac
  published="$(compose_coordinator_port)"
  [ -n "$published" ] && [ "$published" = "$port" ]
}

in_compose_network() {
  echo "== the docker compose cluster: setup runs inside its network, where the workers' names resolve"
  echo "== docker compose${COMPOSE_FILE:+ -f $COMPOSE_FILE} run --rm setup"
  compose run --rm setup
  exit 0
}

if [ -z "${DATABASE_URL:-}" ]; then
  if cluster_env="$(npx --no-install tsx infra/cluster.ts env 2>/dev/null)"; then
    eval "$cluster_env"
  elif [ -n "$(compose_coordinator_port)" ]; then
    in_compose_network
  else
    echo "init.sh: no cluster found. Set DATABASE_URL to the coordinator, or start a cluster first:" >&2
    echo "  npm run cluster -- start                    (the local cluster; then ./init.sh)" >&2
    echo "  docker compose up -d --scale worker=4       (docker compose; then ./init.sh, or docker compose run --rm setup)" >&2
    echo "  docker compose -f docker-compose.ha.yml up -d --scale worker=4   (high availability; then ./init.sh)" >&2
    exit 1
  fi
elif [ -z "${WORKER_HOSTS:-}" ] && url_is_compose_coordinator; then
  in_compose_network
fi

echo "== setup: ${DATABASE_URL%%\?*}"
npx --no-install tsx infra/setup.ts

if [ -f infra/seed.ts ]; then
  # Default: the demo shop, only into an empty database (a re-run leaves data as it is).
  # shellcheck disable=SC2086 # SEED_ARGS is a list of flags
  echo "== seed ${SEED_ARGS:---demo --if-empty}"
  npx --no-install tsx infra/seed.ts ${SEED_ARGS:---demo --if-empty}
fi
echo "== ready"
