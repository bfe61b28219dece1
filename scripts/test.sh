#!/usr/bin/env bash
# Builds and runs the test suite with node's built-in runner. Pass folders under test/ to run a
# subset, e.g. `scripts/test.sh domain http`. Needs `npm ci` first (scripts/ci.sh does everything).
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the npm package `node` (npm ci installs it) runs the build and the tests, also when
# this script is started directly rather than through npm test (which puts it first on PATH too).
if [ -x node_modules/.bin/node ]; then PATH="$(pwd)/node_modules/.bin:$PATH"; fi
rm -rf dist
npx tsc -p tsconfig.json
# The portal bundle: the browser tests drive it and the HTTP tests fetch /.
npx tsc -p portal/tsconfig.json
node scripts/build-portal.mjs
# The benchmarks are type-checked with every run, so a change to a port cannot leave them broken.
npx tsc -p bench/tsconfig.json --noEmit
dirs=()
if [ "$#" -eq 0 ]; then dirs=(dist/test); else for d in "$@"; do dirs+=("dist/test/$d"); done; fi
mapfile -t files < <(find "${dirs[@]}" -name '*.test.js' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found under ${dirs[*]}" >&2; exit 1; fi
mkdir -p test-artifacts
log=$(mktemp)
pg_tmp=
cleanup() {
  rm -f "$log"
  if [ -n "$pg_tmp" ]; then bash scripts/pg-throwaway.sh stop "$pg_tmp" || true; fi
}
trap cleanup EXIT
# ELEVATE_TEST_STORE=postgres runs the store-backed suites on one throwaway PostgreSQL (loopback,
# temp dir), stopped by its data directory when the run ends. Test files that use PostgreSQL
# themselves (test/support/pg) get it on SQLite runs too; other runs need no PostgreSQL at all.
need_pg=
if [ "${ELEVATE_TEST_STORE:-}" = postgres ] || grep -lq 'support/pg\.js' "${files[@]}"; then need_pg=1; fi
if [ -n "$need_pg" ] && [ -z "${ELEVATE_TEST_DATABASE_URL:-}" ]; then
  pg_env=$(mktemp)
  bash scripts/pg-throwaway.sh start > "$pg_env"
  # shellcheck disable=SC1090
  . "$pg_env"
  rm -f "$pg_env"
  pg_tmp=$PG_TMP
  export ELEVATE_TEST_DATABASE_URL="$DATABASE_URL"
fi
status=0
# ELEVATE_TEST_CONCURRENCY: test files run at once (node's default is one less than the cores).
concurrency=()
if [ -n "${ELEVATE_TEST_CONCURRENCY:-}" ]; then concurrency=("--test-concurrency=$ELEVATE_TEST_CONCURRENCY"); fi
node --enable-source-maps --test "${concurrency[@]}" --test-reporter=spec "${files[@]}" 2>&1 | tee "$log" || status=$?
# Node's own summary is above; repeat it as the plain closing line any CI reads.
passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$log" | tail -n1)
failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$log" | tail -n1)
if [ -z "$passed" ] || [ -z "$failed" ]; then echo "test runner printed no summary" >&2; exit 1; fi
echo "${passed} passed, ${failed} failed"
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then status=1; fi
exit "$status"
