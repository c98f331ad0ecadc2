#!/usr/bin/env bash
# `npm start`: the local cluster, setup and a demo shop, the console's build (when missing or
# stale), the local credentials (an operator token and the demo company's keys, printed and
# kept in the cluster's folder), then the API and the console on serverless-offline.
#   HTTP_PORT (default 3000)  where the API listens
set -euo pipefail
cd "$(dirname "$0")/.."

npx --no-install tsx infra/build-web.ts
npx --no-install tsx infra/cluster.ts start
eval "$(npx --no-install tsx infra/cluster.ts env)"
SEED_ARGS="${SEED_ARGS:---demo --if-empty}" ./init.sh
# ADMIN_TOKEN, COMPANY_ID, SECRET_KEY and PUBLISHABLE_KEY: the same on every start of this cluster.
CREDENTIALS="$(npx --no-install tsx infra/local-credentials.ts)"
eval "$CREDENTIALS"
# Setup and seeding use the coordinator itself; the functions go through PgBouncer when
# the local cluster runs one (and the line above this says plainly when it does not).
DATABASE_URL="$(npx --no-install tsx infra/functions-url.ts)"
export DATABASE_URL
# The request log is npm start's output; the metric lines (CloudWatch's format) stay off
# unless asked for.
export POWERTOOLS_METRICS_DISABLED="${POWERTOOLS_METRICS_DISABLED:-true}"
echo "== API on http://127.0.0.1:${HTTP_PORT:-3000}, console on http://127.0.0.1:${HTTP_PORT:-3000}/console (Ctrl-C stops the API; npm run cluster -- stop stops the cluster)"
# Each function instance in a worker thread of its own, serving one request at a time, as
# on Lambda (serverless-offline's default; see docs/performance.md, "Over HTTP").
exec npx --no-install serverless offline start --stage local
