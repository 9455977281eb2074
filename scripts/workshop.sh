#!/usr/bin/env bash
# Runs Coherence for a workshop on this laptop, reachable from phones on the room's network (no internet
# needed): the ROOM settings profile (plain HTTP on the LAN, see docs/workshop.md for the trade-off),
# gunicorn with WORKERS sync workers (default 3) on 0.0.0.0:PORT (default 8000), the task worker, and the
# addresses and QR codes phones open. DEMO=0 skips the demo data. Stop with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
export ROOM=true
py=.venv/bin/python
port=${PORT:-8000}

echo "==> Preparing the database"
$py manage.py migrate --noinput -v0
$py manage.py collectstatic --noinput -v0
$py manage.py load_framework --shipped
if [ "${DEMO:-1}" = "1" ]; then $py manage.py load_demo; fi

echo "==> Starting the task worker and the web server"
$py manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
.venv/bin/gunicorn coherence.wsgi --bind "0.0.0.0:$port" --workers "${WORKERS:-3}" --keep-alive 5 \
  --access-logfile var/access.log --error-logfile var/server.log &
server=$!
trap 'kill $worker $server 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
sleep 2
echo
$py manage.py workshop --port "$port"
echo
echo "  The facilitator opens http://127.0.0.1:$port/ on this laptop. Stop with Ctrl+C."
wait $server
