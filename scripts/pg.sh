#!/usr/bin/env bash
# A project-local PostgreSQL 15 + PostGIS cluster for the team server (and its tests).
#
#   scripts/pg.sh init     create the cluster in $PGROOT/data (once)
#   scripts/pg.sh start    start it (listens on 127.0.0.1:$PGPORT and a socket in $PGROOT/run)
#   scripts/pg.sh stop     stop it (fast shutdown: committed data is kept)
#   scripts/pg.sh status   exit 0 when running, 3 when not
#   scripts/pg.sh psql ... psql as the superuser "postgres" (e.g. -d borderwatch)
#
# PGROOT defaults to .pg under the project (gitignored); PGPORT to 55432. Unix socket paths
# are limited to 107 bytes, so keep PGROOT short (tests use a folder under /tmp).
# Debian packages: postgresql-15 and postgresql-15-postgis-3 (apt-get install -y ...).
# Run as root, initdb refuses to start, so the cluster is owned by the "postgres" user.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55432}
PGROOT=${PGROOT:-$(pwd)/.pg}
PGDATA=$PGROOT/data
SOCK=$PGROOT/run
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); else AS=(); fi

need_binaries() {
  if [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($PGBIN/initdb is missing)." >&2
    echo "Install it with: apt-get install -y postgresql-15 postgresql-15-postgis-3" >&2
    exit 2
  fi
  if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    echo "PostGIS is not installed. Install it with: apt-get install -y postgresql-15-postgis-3" >&2
    exit 2
  fi
}

case "${1:-}" in
  init)
    need_binaries
    if [ -f "$PGDATA/PG_VERSION" ]; then echo "cluster already in $PGDATA"; exit 0; fi
    mkdir -p "$PGROOT" "$SOCK"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$PGROOT"; fi
    # trust on the loopback only: this cluster is for one machine (see docs/team-server.md
    # for a real server with passwords).
    "${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$PGROOT/initdb.log"
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
      "$PGPORT" "$SOCK" | "${AS[@]}" tee -a "$PGDATA/postgresql.conf" >/dev/null
    echo "cluster created in $PGDATA (port $PGPORT)" ;;
  start)
    need_binaries
    if "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      echo "already running (port $PGPORT)"; exit 0
    fi
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGROOT/server.log" -w -t 60 start >/dev/null
    echo "PostgreSQL running on 127.0.0.1:$PGPORT (log: $PGROOT/server.log)" ;;
  stop)
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop ;;
  status)
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status ;;
  psql)
    shift; "$PGBIN/psql" -h "$SOCK" -p "$PGPORT" -U postgres "$@" ;;
  *)
    echo "usage: $0 init|start|stop|status|psql [psql arguments]" >&2; exit 64 ;;
esac
