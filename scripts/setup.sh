#!/usr/bin/env bash
# Installs what Coherence needs on a Debian machine, idempotently:
#   scripts/setup.sh app    Debian libraries, a Python >= 3.12 virtualenv in .venv, runtime requirements
#   scripts/setup.sh test   the same plus test tools: requirements-dev, chromium, PostgreSQL, poppler,
#                           LibreOffice Calc (headless: the workbook's round trip through LibreOffice)
# Each step is skipped when already done, so running it again is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-app}
venv=${VENV:-.venv}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root (or sudo) to run: $*" >&2; exit 1; fi
}

apt_packages=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium)
if [ "$profile" = test ]; then
  apt_packages+=(libatomic1 poppler-utils postgresql libreoffice-calc-nogui)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: not a Debian system; make sure these are installed: ${missing[*]}" >&2
  fi
fi

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.14 python3.13 python3.12 python3)
  if command -v pyenv >/dev/null; then
    for dir in "$(pyenv root)"/versions/3.1[2-9]*; do [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3"); done
  fi
  for c in "${candidates[@]}"; do
    # Run each candidate: a pyenv shim exists even when its version cannot run.
    if "$c" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
  return 1
}

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
  python=$(find_python) || { echo "error: Coherence needs Python 3.12 or newer (Django 6); none was found. Install python3.12+ or set PYTHON=/path/to/python3.12" >&2; exit 1; }
  say "Creating virtualenv $venv with $python"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi

reqs=requirements.txt
[ "$profile" = test ] && reqs=requirements-dev.txt
stamp="$venv/.installed-$profile"
digest=$(cat requirements.txt "$reqs" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  say "Installing Python packages from $reqs"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs"
  echo "$digest" > "$stamp"
fi

say "Compiling translations"
"$venv/bin/python" manage.py compilemessages -v0 --ignore "$venv" --ignore node_modules
