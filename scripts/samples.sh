#!/usr/bin/env bash
# Regenerates the sample reports in docs/samples/ from the demo data, in a throwaway SQLite database:
# Demoland's published 2024 round (the official figure) and its 2026 round still in collection
# (below the framework's minimum completeness, so every caveat shows).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app >/dev/null
py=.venv/bin/python
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DATABASE_URL="sqlite:///$work/samples.sqlite3"
$py manage.py migrate --noinput -v0
$py manage.py load_framework --shipped >/dev/null
$py manage.py load_demo >/dev/null
id_of() {
  $py manage.py shell -v0 -c "from assessments.models import Assessment; print(Assessment.objects.get(country='XA', round='$1', kind='self').pk)"
}
$py manage.py render_report "$(id_of 2024)" --lang en --public -o docs/samples/demoland-2024-en.pdf
$py manage.py render_report "$(id_of 2026)" --lang en -o docs/samples/demoland-2026-draft-en.pdf
