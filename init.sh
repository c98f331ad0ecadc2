#!/usr/bin/env bash
# One step from a started cluster (docker compose or `npm run cluster -- start`) to a
# ready shop: wait for the coordinator, register the workers, apply the SQL bundle,
# verify the cluster, then seed.
#
#   DATABASE_URL   the coordinator; when unset, the local cluster's (npm run cluster -- env)
#   WORKER_HOSTS / WORKER_SERVICE   the workers to register (see README)
#   SEED_ARGS      arguments for the seed step (default: --demo --if-empty, a small demo shop)
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${DATABASE_URL:-}" ]; then
  if ! cluster_env="$(npx --no-install tsx infra/cluster.ts env)"; then
    echo "init.sh: set DATABASE_URL to the coordinator, or start the local cluster first (npm run cluster -- start)" >&2
    exit 1
  fi
  eval "$cluster_env"
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
