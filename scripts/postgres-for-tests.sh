#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster and make sure the test role exists; print DATABASE_URL.
# Used by `make test` so that the Django suite also runs against a real PostgreSQL server.
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null; then
  echo "PostgreSQL absent : installez le paquet Debian postgresql (make system-deps)" >&2
  exit 1
fi
read -r version name port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$name" start >&2
fi
as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -p "$port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'quartiers'" | grep -q 1 ||
  as_postgres psql -p "$port" -qc "CREATE ROLE quartiers LOGIN CREATEDB PASSWORD 'quartiers'" >&2
as_postgres psql -p "$port" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'quartiers'" | grep -q 1 ||
  as_postgres createdb -p "$port" -O quartiers quartiers >&2
echo "postgres://quartiers:quartiers@127.0.0.1:${port}/quartiers"
