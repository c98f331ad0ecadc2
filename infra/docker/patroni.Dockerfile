# A member of docker-compose.ha.yml: the official Citus image, with Patroni running
# PostgreSQL as the postgres user. Built by compose (`docker compose -f
# docker-compose.ha.yml build`); CITUS_IMAGE chooses the image it builds on.
#
# Patroni comes from the image's own apt sources, Debian bookworm's and, in the official
# image (built on the postgres image), the PostgreSQL project's (apt.postgresql.org),
# whichever has the newer package. That matters: citusdata/citus:13.0.3 runs PostgreSQL
# 17, which Patroni supports from 4.0 on (16 from 3.0.3), while bookworm's own patroni is
# 3.0.2. Patroni's etcd3 store talks to etcd's HTTP gateway through the python3-etcd
# client module (not python3-etcd3, which it does not use).
ARG CITUS_IMAGE=citusdata/citus:13.0.3
FROM ${CITUS_IMAGE}
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends patroni python3-etcd \
 && rm -rf /var/lib/apt/lists/* \
 && patroni --version
# Generated from the local cluster's HA settings (infra/docker/ha.ts); the same for every
# member: each member's name, group and addresses come from the entrypoint.
COPY infra/docker/patroni.yml /etc/patroni/patroni.yml
COPY infra/docker/patroni-entrypoint.sh /usr/local/bin/patroni-entrypoint.sh
RUN chmod 0755 /usr/local/bin/patroni-entrypoint.sh
# `patronictl list` in a member's container needs no -c.
ENV PATRONICTL_CONFIG_FILE=/etc/patroni/patroni.yml
USER postgres
EXPOSE 5432 8008
ENTRYPOINT ["patroni-entrypoint.sh"]
