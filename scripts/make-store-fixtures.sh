#!/usr/bin/env bash
# Regenerates test/fixtures/stores/: one embedded (SQLite) store per schema version Elevate has had,
# each made by the code of that version, so test/adapters/store/upgrade.test.ts can check that the
# current code upgrades every one of them without losing anything.
#
# For each commit below (the mainline commit that changed the set of migrations), it checks the
# commit out in a throwaway worktree under $FIXTURE_WORK (default /tmp), borrows this checkout's
# node_modules, builds it (tsc), and runs scripts/make-store-fixture.mjs against that build: the
# old server starts with its demo seed, and the script adds users (bob with a password, dave
# disabled), an embedded group, roles (approval; the demo's MFA role), and requests that end
# Active, PendingApproval, Rejected, Expired and Closed by a deactivation, through the old MIM and
# admin HTTP APIs; then stops it cleanly. The store is checkpointed, compacted (small pages,
# VACUUM) and saved as <name>.db, with the mfa.key it was sealed with as <name>.mfa.key.
#
# Names say which migrations the store has. Mainline ran 0009 before 0007 and 0008, and 0011 before
# 0010, so those stores are kept too ("-without-..."): the upgrade must fill gaps as well.
#
# Usage: bash scripts/make-store-fixtures.sh [name ...]   (default: every version; slow, a few
# minutes per version on a loaded machine). Run from the repository root, after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=$REPO/test/fixtures/stores
WORK=${FIXTURE_WORK:-/tmp}
mkdir -p "$OUT"

VERSIONS=(
  "5e47233 0001-initial"
  "2c3a48b 0002-mfa"
  "f5870db 0003-directories"
  "d2b2214 0004-reconcile"
  "918675a 0005-passkeys"
  "ff2da1f 0006-claims"
  "5aa39da 0009-revoke-without-0007-0008"
  "ba70eb9 0007-mfa-guard-without-0008"
  "ac1f27c 0009-revoke"
  "2304597 0011-holding-index-without-0010"
  "7750f24 0011-holding-index"
)

want() { [ $# -eq 0 ] && return 0; local n=$1; shift; for w in "${WANTED[@]}"; do [ "$w" = "$n" ] && return 0; done; return 1; }
WANTED=("$@")

for v in "${VERSIONS[@]}"; do
  read -r commit name <<<"$v"
  if [ ${#WANTED[@]} -gt 0 ] && ! want "$name" "${WANTED[@]}"; then continue; fi
  tree=$WORK/fx-$commit
  if [ ! -f "$tree/.built" ]; then
    [ -d "$tree" ] || git worktree add --detach "$tree" "$commit" >/dev/null
    ln -sfn "$REPO/node_modules" "$tree/node_modules"
    # Some mainline commits had type errors in their tests (5aa39da); tsc still emits, and only
    # the server under dist/src is used.
    (cd "$tree" && npx tsc -p tsconfig.json) || echo "$name: tsc reported errors; using what it emitted" >&2
    [ -f "$tree/dist/src/main.js" ] || { echo "$name: build of $commit produced no dist/src/main.js" >&2; exit 1; }
    touch "$tree/.built"
  fi
  data=$(mktemp -d "$WORK/fx-data-XXXXXX")
  node scripts/make-store-fixture.mjs "$tree" "$data"
  # One self-contained file: no -wal beside it, small pages so each table costs little.
  node -e '
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.pragma("journal_mode = DELETE");
    db.pragma("page_size = 512");
    db.exec("VACUUM");
    db.close();
  ' "$data/elevate.db"
  cp "$data/elevate.db" "$OUT/$name.db"
  rm -f "$OUT/$name.mfa.key"
  [ -f "$data/mfa.key" ] && cp "$data/mfa.key" "$OUT/$name.mfa.key"
  ls "$data" | grep -v -x -e elevate.db -e mfa.key | sed "s/^/$name: also made (not kept): /" || true
  rm -rf "$data"
  if [ -z "${KEEP_TREES:-}" ]; then git worktree remove --force "$tree"; fi
  echo "made $OUT/$name.db from $commit"
done
