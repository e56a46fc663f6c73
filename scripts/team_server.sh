#!/usr/bin/env bash
# `make team`: a local team server to try team mode, in one command.
#   1. PostgreSQL 15 + PostGIS in .pg/ (scripts/pg.sh; port $PGPORT, default 55432)
#   2. roles, database, schema migrated, curated layer loaded (python -m borderwatch.team.db)
#   3. a development OIDC provider for sign-in (scripts/dev_oidc.py, when present) and the
#      app's secrets (scripts/team_secrets.py, when present)
#   4. the app on http://127.0.0.1:$PORT in team mode (BORDERWATCH_DATABASE_URL set)
# Everything listens on 127.0.0.1 only. Stop the app with Ctrl-C; the database keeps
# running (data kept) until `make team-stop`. Pointing at a real database and a real
# provider instead: docs/team-server.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8501}
export PGPORT=${PGPORT:-55432}
DB=${BORDERWATCH_TEAM_DB:-borderwatch}
BASE="postgresql+psycopg://{role}@127.0.0.1:$PGPORT"

scripts/ensure_postgis.sh
scripts/pg.sh init
scripts/pg.sh start
"$PY" -m borderwatch.team.db bootstrap "${BASE/\{role\}/postgres}/postgres" --database "$DB"
export BORDERWATCH_DATABASE_OWNER_URL="${BASE/\{role\}/borderwatch_owner}/$DB"
export BORDERWATCH_DATABASE_URL="${BASE/\{role\}/borderwatch_app}/$DB"
"$PY" -m borderwatch.team.db migrate
"$PY" -m borderwatch.team.db load-curated
"$PY" -m borderwatch.team.db check

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
if [ -f scripts/dev_oidc.py ]; then
  "$PY" scripts/dev_oidc.py &
  children+=($!)
fi
if [ -f scripts/team_secrets.py ]; then
  PORT="$PORT" "$PY" scripts/team_secrets.py
fi
echo "BorderWatch team server: http://127.0.0.1:$PORT (database $BORDERWATCH_DATABASE_URL)"
# The owner's URL is for set-up only: the app runs as the role that cannot change the schema.
unset BORDERWATCH_DATABASE_OWNER_URL
"$PY" -m borderwatch.ui.launcher --server.address 127.0.0.1 --server.port "$PORT"
