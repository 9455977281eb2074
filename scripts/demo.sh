#!/usr/bin/env bash
# Installs Coherence, loads the frameworks and the demo data into SQLite (under var/), and starts
# the web server on 127.0.0.1:8000 with the background task worker. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
py=.venv/bin/python
host=${HOST:-127.0.0.1}
port=${PORT:-8000}

echo "==> Preparing the database"
$py manage.py migrate --noinput -v0
$py manage.py load_framework --shipped
$py manage.py load_demo

echo "==> Starting the task worker"
$py manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
server=""
trap 'kill $worker $server 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

cat <<MSG

  Coherence is running at http://$host:$port/
  Demo sign-ins (password for all: coherence-demo):
$($py manage.py load_demo --list-logins | sed 's/^/    /')

  Stop with Ctrl+C.
MSG
$py manage.py runserver "$host:$port" --noreload &
server=$!
wait $server
