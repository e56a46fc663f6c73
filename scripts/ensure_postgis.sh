#!/usr/bin/env bash
# The team-server tests start their own PostgreSQL 15 + PostGIS cluster (tests/pg_cluster.py)
# from Debian's packages. Install them when missing.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/initdb ] && \
   [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
  exit 0
fi
echo "PostgreSQL 15 + PostGIS are missing: installing Debian's postgresql-15-postgis-3…"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >/dev/null
else
  echo "Cannot install PostgreSQL without root. Install postgresql-15 and" >&2
  echo "postgresql-15-postgis-3 (apt-get) and re-run." >&2
  exit 1
fi
