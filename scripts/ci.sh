#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine, then every test. The README's test command.
#   1. Debian packages for native builds, the browser test's chromium, the LDAP tests' slapd and the
#      power-cut test's FUSE
#      (no-ops when present).
#   2. npm ci on Node 20 (builds dist/ through the prepare script).
#   3. The API, store and lifecycle tests once more on Node 24 (the npm package `node`), in a copy of
#      the tree so its native build does not replace Node 20's; beside it, at the same time,
#   4. the API, lifecycle and store tests on PostgreSQL (a throwaway server scripts/test.sh starts).
#   5. The whole suite on Node 20; its summary is the last thing printed.
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

export npm_config_nodedir=/usr PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
echo "== npm ci (node $(node -v))"
npm ci --no-audit --no-fund

# The Node 24 pass and the PostgreSQL pass are independent (the Node 24 one works in a copy of the
# tree, with its own build and its own throwaway PostgreSQL): they run side by side, the Node 24
# pass's output kept in a file and shown when both are done.
n24_pid=
n24_log="$root/.cache/node24-tests.log"
if [ "${SKIP_NODE24:-}" != 1 ]; then
  echo "== node 24: API, store and lifecycle tests (in the background; output below)"
  n24="$root/.cache/node24"
  mkdir -p "$n24"
  bash scripts/node-version.sh install 24 "$n24" > "$root/.cache/node24.env"
  copy=$(mktemp -d /tmp/elevate-node24.XXXXXX)
  trap 'rm -rf "$copy"' EXIT
  git ls-files -z | xargs -0 -I{} cp --parents {} "$copy"
  (
    # shellcheck disable=SC1091
    . "$root/.cache/node24.env"
    cd "$copy"
    echo "   node $(node -v)"
    npm ci --no-audit --no-fund > npm-ci.log 2>&1 || { tail -30 npm-ci.log; exit 1; }
    bash scripts/test.sh domain adapters app http
  ) > "$n24_log" 2>&1 &
  n24_pid=$!
fi

echo "== node $(node -v): API, lifecycle and store tests on PostgreSQL"
# Two files at once: on PostgreSQL much of a test's time is spent waiting on the server.
pg_status=0
ELEVATE_TEST_STORE=postgres ELEVATE_TEST_CONCURRENCY=2 bash scripts/test.sh http app adapters/store || pg_status=$?

if [ -n "$n24_pid" ]; then
  n24_status=0
  wait "$n24_pid" || n24_status=$?
  echo "== node 24: API, store and lifecycle tests (output)"
  cat "$n24_log"
  if [ "$n24_status" -ne 0 ]; then echo "the Node 24 pass failed (exit $n24_status)"; exit "$n24_status"; fi
fi
if [ "$pg_status" -ne 0 ]; then echo "the PostgreSQL pass failed (exit $pg_status)"; exit "$pg_status"; fi

echo "== node $(node -v): all tests"
bash scripts/test.sh
