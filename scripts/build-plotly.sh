#!/usr/bin/env bash
# Rebuilds coherence/static/vendor/plotly/plotly-coherence.min.js: plotly.js core + bar, heatmap,
# scatter, scatterpolar (entry: scripts/plotly-entry.js), minified with esbuild, no eval/new Function.
# A maintainer's tool only: the result is committed; nothing runs this at run time or in CI.
# Needs node + npm and the npm registry. Keep PLOTLY_VERSION equal to the plotly.js version that the
# installed plotly Python package writes for (header of plotly/package_data/plotly.min.js).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

PLOTLY_VERSION=4.1.1
ESBUILD_VERSION=0.28.2
out=coherence/static/vendor/plotly

# Warn if the plotly Python package in .venv writes for another plotly.js version.
py_js=$(ls .venv/lib/python3*/site-packages/plotly/package_data/plotly.min.js 2>/dev/null | head -n1 || true)
if [ -n "$py_js" ] && ! head -c 200 "$py_js" | grep -q "v$PLOTLY_VERSION\b"; then
  echo "warning: $py_js is not plotly.js v$PLOTLY_VERSION:" >&2
  head -c 200 "$py_js" | grep -o 'plotly.js v[0-9.]*' >&2 || true
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Exact versions, including the third-party packages that end up in the bundle (so a rebuild gives
# the same bytes even after one of them publishes a new release inside plotly.js's ^ranges).
cat > package.json <<JSON
{
  "private": true,
  "dependencies": {"plotly.js": "$PLOTLY_VERSION", "esbuild": "$ESBUILD_VERSION"},
  "overrides": {
    "@plotly/d3": "3.8.2", "base64-arraybuffer": "1.0.2", "culori": "4.0.2", "d3-format": "1.4.5",
    "d3-time": "1.1.0", "d3-time-format": "2.3.0", "events": "3.3.0", "fast-isnumeric": "1.1.4",
    "gl-mat4": "1.2.0", "has-hover": "1.0.1", "has-passive-events": "1.0.0", "is-browser": "2.1.0",
    "is-mobile": "5.0.0", "is-string-blank": "1.0.1", "mouse-event-offset": "3.0.2",
    "native-promise-only": "0.8.1", "parse-svg-path": "0.2.0", "point-in-polygon": "1.1.0",
    "polybooljs": "1.2.2"
  }
}
JSON
npm install --no-audit --no-fund --loglevel=error
cp "$root/scripts/plotly-entry.js" entry.js

# Mirrors plotly.js's own esbuild-config.js (iife, global Plotly, target es2016, global=window,
# define.amd=false, NODE_DEBUG=false). Its regl/stream aliases and glsl plugin only concern WebGL
# traces, which are not in this bundle. The one CSS import (maplibre-gl, behind a "map" check) gets
# the empty loader. window.Plotly is set explicitly, as plotly.js's dist bundles do.
./node_modules/.bin/esbuild entry.js \
  --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --loader:.css=empty \
  --banner:js="/*! plotly.js v$PLOTLY_VERSION (Coherence bundle: core, scatter, bar, heatmap, scatterpolar) | (c) Plotly, Inc. | MIT license, see LICENSE */" \
  --footer:js="window.Plotly=Plotly;" \
  --log-level=warning --metafile=meta.json --outfile=plotly-coherence.min.js

# Guards: no code generation (CSP without 'unsafe-eval'), no WebGL, the right version.
if grep -qE 'new Function|[^A-Za-z0-9_$.]eval\(|[^A-Za-z0-9_$.]Function\(' plotly-coherence.min.js; then
  echo "error: the bundle contains eval/new Function" >&2; exit 1
fi
if grep -oE '"node_modules/[^"]*(regl|stackgl|gl-shader|webgl|\.glsl)[^"]*"' meta.json; then
  echo "error: the bundle contains WebGL libraries" >&2; exit 1
fi
grep -q "\"$PLOTLY_VERSION\"" plotly-coherence.min.js || { echo "error: version $PLOTLY_VERSION not in bundle" >&2; exit 1; }

cd "$root"
mkdir -p "$out"
cp "$work/plotly-coherence.min.js" "$out/plotly-coherence.min.js"
cp "$work/node_modules/plotly.js/LICENSE" "$out/LICENSE"
ls -l "$out"
