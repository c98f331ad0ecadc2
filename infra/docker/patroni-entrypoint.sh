#!/bin/sh
# Starts Patroni for one member of docker-compose.ha.yml (infra/docker/patroni.Dockerfile).
# /etc/patroni/patroni.yml holds what every member shares; this sets what is the member's
# own, as Patroni's environment variables:
#
#   PATRONI_NAME         the compose file's (coordinator-a, coordinator-b), or else this
#                        container's name (distribushop-worker-3), which stays the same
#                        across stop/start and down/up
#   PATRONI_CITUS_GROUP  the compose file's (0 for the coordinator group), or else from the
#                        replica's number: replicas 1 and 2 are worker group 1, 3 and 4
#                        group 2, ... (MEMBERS_PER_GROUP, 2, replicas a group)
#   the addresses the other members and Citus reach it at (its name), and its data folder
#   (named after it, in the volume mounted at /var/lib/postgresql/data)
set -eu

if [ -z "${PATRONI_NAME:-}" ]; then
  # A replica of a scaled service: Docker's DNS gives its container name for the reverse
  # lookup of its own address (which skips /etc/hosts, where only the container id is).
  name=''
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    ip=$(getent -s files hosts "$(cat /etc/hostname)" | awk '{ print $1; exit }')
    name=$(getent -s dns hosts "$ip" | awk '{ print $2; exit }' | cut -d. -f1)
    [ -n "$name" ] && break
    echo "patroni: no container name for $ip yet (attempt $attempt)" >&2
    sleep 1
  done
  if [ -z "$name" ]; then
    echo "patroni: no container name found for this replica" >&2
    exit 1
  fi
  PATRONI_NAME=$name
fi

if [ -z "${PATRONI_CITUS_GROUP:-}" ]; then
  replica=${PATRONI_NAME##*[-_]}
  case $replica in
    '' | *[!0-9]*)
      echo "patroni: no replica number at the end of $PATRONI_NAME; set PATRONI_CITUS_GROUP" >&2
      exit 1
      ;;
  esac
  PATRONI_CITUS_GROUP=$(((replica - 1) / ${MEMBERS_PER_GROUP:-2} + 1))
fi

export PATRONI_NAME PATRONI_CITUS_GROUP
export PATRONI_RESTAPI_CONNECT_ADDRESS="$PATRONI_NAME:8008"
export PATRONI_POSTGRESQL_CONNECT_ADDRESS="$PATRONI_NAME:5432"
export PATRONI_POSTGRESQL_DATA_DIR="/var/lib/postgresql/data/$PATRONI_NAME"
echo "patroni: member $PATRONI_NAME of Citus group $PATRONI_CITUS_GROUP, data in $PATRONI_POSTGRESQL_DATA_DIR"
exec patroni /etc/patroni/patroni.yml
