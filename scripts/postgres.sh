#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on 127.0.0.1:5432 if it is not running, and creates the
# role and database the tests use (coherence/coherence, allowed to create test databases).
set -euo pipefail
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
[ -n "$version" ] || { echo "error: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  as_root pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  echo "==> Starting PostgreSQL $version"
  as_root pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='coherence'\" | grep -q 1 || psql -qc \"CREATE ROLE coherence LOGIN PASSWORD 'coherence' CREATEDB\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='coherence'\" | grep -q 1 || createdb -O coherence coherence"
