#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine, then every test. The README's test command.
#   1. Debian packages for native builds, the browser test's chromium, the LDAP tests' slapd and the
#      power-cut test's FUSE
#      (no-ops when present).
#   2. npm ci, run by the machine's npm (on its Node 20): it installs Node 24 as the npm package `node`
#      (package.json), and builds dist/ through the prepare script on it.
#   3. The API, lifecycle and store tests on PostgreSQL (a throwaway server scripts/test.sh starts).
#   4. The whole suite; its summary is the last thing printed.
# Everything after npm ci runs on Node 24 (scripts/test.sh puts node_modules/.bin first on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
for p in python3 make g++; do command -v "$p" >/dev/null || need+=("$p"); done
# test/e2e/browser-portal drives Debian's chromium at this path (playwright-core never downloads one).
[ -x /usr/bin/chromium ] || need+=(chromium)
# The LDAP tests start a throwaway OpenLDAP per file (scripts/slapd-throwaway.sh); openssl makes its TLS cert.
{ [ -x /usr/sbin/slapd ] && command -v ldapadd >/dev/null; } || need+=(slapd ldap-utils)
command -v openssl >/dev/null || need+=(openssl)
# test/e2e/power-cut mounts test/support/lazyfs.py (FUSE, through Debian's python3 and fusepy).
command -v fusermount3 >/dev/null || need+=(fuse3)
/usr/bin/python3 -c 'import fusepy' 2>/dev/null || need+=(python3-fusepy)
# The Negotiate tests start an MIT KDC (scripts/krb5-kdc-throwaway.sh) and use kinit and curl --negotiate;
# libkrb5-dev lets npm build the optional `kerberos` addon.
{ [ -x /usr/sbin/krb5kdc ] && command -v kinit >/dev/null && command -v krb5-config >/dev/null && command -v curl >/dev/null; } || need+=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev curl)
# The audit export tests (test/app/audit-export) send syslog to a throwaway rsyslogd, over TLS through its gtls driver.
{ [ -x /usr/sbin/rsyslogd ] && ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; } || need+=(rsyslog rsyslog-gnutls)
# test/packaging checks the systemd unit with systemd-analyze.
command -v systemd-analyze >/dev/null || need+=(systemd)
# scripts/pg-throwaway.sh runs a PostgreSQL server per test run from Debian's binaries (never the service).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

# /usr/include/node: headers for node-gyp (the kerberos addon, Node-API, so they serve Node 24 too);
# the project's .npmrc says the same, this also covers a user config that points elsewhere.
export npm_config_nodedir=/usr PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
echo "== npm ci (npm $(npm -v) on node $(node -v))"
npm ci --no-audit --no-fund
PATH="$root/node_modules/.bin:$PATH"
echo "== node $(node -v) from $(command -v node)"
case "$(node -v)" in v24.*) ;; *) echo "npm ci did not install Node 24 (node_modules/.bin/node)" >&2; exit 1 ;; esac

# The PostgreSQL pass and the whole suite are independent: the PostgreSQL pass works in a copy of
# the tree (its own build and its own throwaway server, sharing node_modules) and runs beside the
# whole suite, which keeps CI well under 30 minutes as the suites grow. Both outputs are kept in
# files and shown when both are done, the PostgreSQL pass first, so the output still ends with the
# runner's summary; the closing line counts both passes. CI_PG_DIRS and CI_ALL_DIRS (folders or
# compiled test files under test/) narrow either pass, to try this script itself quickly.
work=$(mktemp -d /tmp/elevate-ci.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tree"
git ls-files -z | xargs -0 -I{} cp --parents {} "$work/tree"
ln -s "$root/node_modules" "$work/tree/node_modules"
# Of test/cli, only the files that open their store where the pass says (the rest use --data).
read -r -a pg_dirs <<< "${CI_PG_DIRS:-http app adapters/store cli/outbox.test.js cli/outbox-notifications.test.js}"
read -r -a all_dirs <<< "${CI_ALL_DIRS:-}"

echo "== node $(node -v): API, lifecycle and store tests on PostgreSQL (${pg_dirs[*]}), beside the whole suite"
(cd "$work/tree" && ELEVATE_TEST_STORE=postgres ELEVATE_TEST_CONCURRENCY=2 bash scripts/test.sh "${pg_dirs[@]}") > "$work/pg.log" 2>&1 &
pg_pid=$!
all_status=0
bash scripts/test.sh "${all_dirs[@]}" > "$work/all.log" 2>&1 || all_status=$?
pg_status=0
wait "$pg_pid" || pg_status=$?

echo "== node $(node -v): API, lifecycle and store tests on PostgreSQL (output)"
cat "$work/pg.log"
echo "== node $(node -v): all tests${all_dirs[*]:+ (${all_dirs[*]})} (output)"
cat "$work/all.log"

# The closing line: both passes' counts (each pass's own line is the last of its output above).
count() { sed -n "s/^\([0-9]*\) passed, \([0-9]*\) failed$/\\$2/p" "$1" | tail -n1; }
pg_passed=$(count "$work/pg.log" 1); pg_failed=$(count "$work/pg.log" 2)
all_passed=$(count "$work/all.log" 1); all_failed=$(count "$work/all.log" 2)
if [ -z "$pg_passed" ] || [ -z "$all_passed" ]; then
  echo "a pass printed no summary (PostgreSQL exit $pg_status, all tests exit $all_status)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$pg_status" -ne 0 ]; then echo "the PostgreSQL pass failed (exit $pg_status)"; fi
if [ "$all_status" -ne 0 ]; then echo "the whole suite failed (exit $all_status)"; fi
echo "$((pg_passed + all_passed)) passed, $((pg_failed + all_failed)) failed"
if [ "$pg_status" -ne 0 ]; then exit "$pg_status"; fi
exit "$all_status"
