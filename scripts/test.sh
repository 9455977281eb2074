#!/usr/bin/env bash
# Installs what the tests need, then runs ruff and the whole pytest suite on SQLite and again on
# PostgreSQL (a local server on loopback is started if none answers). Extra arguments go to pytest.
#   scripts/test.sh                 everything
#   scripts/test.sh -k loader       a subset, on both databases
#   SKIP_POSTGRES=1 scripts/test.sh   SQLite only (quick local runs; CI never sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
py=.venv/bin/python
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

export DJANGO_SETTINGS_MODULE=coherence.settings
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export COHERENCE_DATA_DIR=${COHERENCE_DATA_DIR:-$PWD/var/test}
unset DATABASE_URL

say "Lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
say "Layers (import-linter: reports -> assessments -> indicators; the analysis imports no Django)"
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache

say "Migrations are committed"
$py manage.py makemigrations --check --dry-run >/dev/null || { $py manage.py makemigrations --check --dry-run; exit 1; }

run_pytest() {
  local label=$1; shift
  say "pytest on $label"
  set +e
  $py -m pytest "$@"
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then
    echo "pytest collected no tests on $label (exit 5): nothing matched the selection"
    return 0
  fi
  return $rc
}

run_pytest SQLite "$@"

if [ "${SKIP_POSTGRES:-}" = 1 ]; then
  echo "SKIP_POSTGRES=1: not running the suite on PostgreSQL"
  exit 0
fi

pg_url=${TEST_DATABASE_URL:-postgres://coherence:coherence@127.0.0.1:5432/coherence}
if ! $py - "$pg_url" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
then
  scripts/postgres.sh
fi
DATABASE_URL=$pg_url run_pytest PostgreSQL "$@"
