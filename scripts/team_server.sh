#!/usr/bin/env bash
# `make team`: a local team server to try team mode, in one command.
#   1. PostgreSQL 15 + PostGIS in .pg/ (scripts/pg.sh; port $PGPORT, default 55432)
#   2. roles, database, schema migrated, curated layer loaded (python -m borderwatch.team.db)
#   3. a development OIDC provider for sign-in (scripts/dev_oidc.py, port $OIDC_PORT) and
#      the app's sign-in secrets (scripts/team_secrets.py: .streamlit/secrets.toml, git-ignored)
#   4. the app on http://127.0.0.1:$PORT in team mode (BORDERWATCH_DATABASE_URL set)
# Everything listens on 127.0.0.1 only. Stop the app with Ctrl-C; the database keeps
# running (data kept) until `make team-stop`. Pointing at a real database and a real
# provider instead: docs/team-server.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8501}
OIDC_PORT=${OIDC_PORT:-9400}
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
# Sign-in through the development provider (three test users; docs/team-server.md).
"$PY" scripts/dev_oidc.py --port "$OIDC_PORT" &
children+=($!)
"$PY" scripts/team_secrets.py --redirect-uri "http://127.0.0.1:$PORT/oauth2callback" \
  --metadata-url "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration" \
  || echo "Keeping the existing .streamlit/secrets.toml (scripts/team_secrets.py --force replaces it)."
for _ in $(seq 100); do  # the app checks the provider as it starts: wait until it answers
  "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration', timeout=1)" 2>/dev/null && break
  sleep 0.1
done
export BORDERWATCH_AUTH=on
echo "BorderWatch team server: http://127.0.0.1:$PORT (database $BORDERWATCH_DATABASE_URL)"
# The owner's URL is for set-up only: the app runs as the role that cannot change the schema.
unset BORDERWATCH_DATABASE_OWNER_URL
"$PY" -m borderwatch.ui.launcher --server.address 127.0.0.1 --server.port "$PORT"
