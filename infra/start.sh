#!/usr/bin/env bash
# `npm start`: the local cluster, setup and a demo shop, the console's build (when missing or
# stale), then the API and the console on serverless-offline.
#   HTTP_PORT (default 3000)  where the API listens
set -euo pipefail
cd "$(dirname "$0")/.."

npx --no-install tsx infra/cluster.ts start
eval "$(npx --no-install tsx infra/cluster.ts env)"
SEED_ARGS="${SEED_ARGS:---demo --if-empty}" ./init.sh
npx --no-install tsx infra/build-web.ts
echo "== API on http://127.0.0.1:${HTTP_PORT:-3000}, console on http://127.0.0.1:${HTTP_PORT:-3000}/console (Ctrl-C stops the API; npm run cluster -- stop stops the cluster)"
exec npx --no-install serverless offline start
