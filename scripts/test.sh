#!/usr/bin/env bash
# Builds and runs the test suite with node's built-in runner. Pass folders under test/ to run a
# subset, e.g. `scripts/test.sh domain http`. Needs `npm ci` first (scripts/ci.sh does everything).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx tsc -p tsconfig.json
dirs=()
if [ "$#" -eq 0 ]; then dirs=(dist/test); else for d in "$@"; do dirs+=("dist/test/$d"); done; fi
mapfile -t files < <(find "${dirs[@]}" -name '*.test.js' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found under ${dirs[*]}" >&2; exit 1; fi
mkdir -p test-artifacts
exec node --enable-source-maps --test --test-reporter=spec "${files[@]}"
