#!/usr/bin/env bash
# Throwaway MIT Kerberos KDC for tests: realm ELEVATE.TEST, loopback only, temp dir.
#
#   ./krb5-kdc-throwaway.sh start [PORT] > krb5.env && . ./krb5.env
#   ./krb5-kdc-throwaway.sh stop "$KRB5_TMP"
#
# Principals: jen, ann, alice (passwords jen-pw, ann-pw, alice-pw) and the
# service HTTP/localhost, whose keys are in the keytab $KRB5_KTNAME.
# Installs krb5-kdc krb5-admin-server krb5-user libkrb5-dev curl when missing (root).
set -euo pipefail

REALM=ELEVATE.TEST
SERVICE_PRINC=HTTP/localhost
USERS="jen ann alice"     # password: NAME-pw

# true while PID runs (a zombie left for init to reap counts as gone)
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

install_packages() {
  local need="" p
  for p in krb5-kdc krb5-admin-server krb5-user libkrb5-dev curl; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
  done
  [ -z "$need" ] && return 0
  [ "$(id -u)" = 0 ] || { echo "missing packages:$need (apt-get install them as root)" >&2; exit 1; }
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need; } >&2
}

write_conf() {   # DIR PORT
  local dir="$1" port="$2"
  cat >"$dir/krb5.conf" <<CONF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    default_ccache_name = FILE:$dir/ccache
    default_keytab_name = FILE:$dir/http.keytab

[realms]
    $REALM = {
        kdc = 127.0.0.1:$port
    }

[domain_realm]
    localhost = $REALM
CONF
  cat >"$dir/kdc.conf" <<CONF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port

[realms]
    $REALM = {
        database_name = $dir/db/principal
        key_stash_file = $dir/db/stash
        acl_file = $dir/kadm5.acl
        max_life = 10h
        max_renewable_life = 1d
        default_principal_flags = +preauth
    }

[logging]
    kdc = FILE:$dir/kdc.log
    admin_server = FILE:$dir/kadmin.log
    default = FILE:$dir/krb5.log
CONF
}

start() {
  install_packages
  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/krb5-test.XXXXXX")"
  mkdir "$dir/db" "$dir/rcache"
  : >"$dir/kadm5.acl"
  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
  write_conf "$dir" 0   # the database does not depend on the port
  local mpw; mpw="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  /usr/sbin/kdb5_util -r "$REALM" -P "$mpw" create -s >"$dir/kdb5_util.log" 2>&1 \
    || { cat "$dir/kdb5_util.log" >&2; rm -rf "$dir"; exit 1; }
  local u cmds=""
  for u in $USERS; do cmds+="addprinc -pw $u-pw $u"$'\n'; done
  cmds+="addprinc -randkey $SERVICE_PRINC"$'\n'"ktadd -k $dir/http.keytab $SERVICE_PRINC"$'\n'
  # kadmin.local reads commands from stdin; it exits 0 even when one fails,
  # so the keytab check below is what catches a failure.
  printf '%s' "$cmds" | /usr/sbin/kadmin.local -r "$REALM" >"$dir/kadmin.local.log" 2>&1 || true
  [ -s "$dir/http.keytab" ] || { cat "$dir/kadmin.local.log" >&2; rm -rf "$dir"; exit 1; }
  # A port picked as free can be taken before the KDC binds it: try 3 times.
  # krb5kdc here binds a port that another process already listens on (seen on
  # this machine), so check that nobody answers on it first.
  local attempt port pid="" i
  for attempt in 1 2 3; do
    port="${1:-$(free_port)}"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is in use" >&2
    else
      write_conf "$dir" "$port"
      # -n: stay in the foreground, so $! is the KDC itself. stdout/stderr go to a
      # file, or a caller reading start's output through $(...) would wait forever.
      /usr/sbin/krb5kdc -n -r "$REALM" </dev/null >>"$dir/krb5kdc.out" 2>&1 &
      pid=$!
      echo "$pid" >"$dir/krb5kdc.pid"
      for i in $(seq 200); do
        alive "$pid" || break
        grep -q "krb5kdc\[$pid\](info): commencing operation" "$dir/kdc.log" 2>/dev/null && break
        sleep 0.05
      done
      alive "$pid" && [ "$i" -lt 200 ] && break
      kill "$pid" 2>/dev/null || true
      rm -f "$dir/krb5kdc.pid"
    fi
    if [ "$attempt" = 3 ]; then
      cat "$dir/krb5kdc.out" "$dir/kdc.log" >&2 2>/dev/null || true
      echo "krb5kdc failed to start on 127.0.0.1:$port" >&2; rm -rf "$dir"; exit 1
    fi
  done
  echo "export KRB5_TMP='$dir'"
  echo "export KRB5_CONFIG='$dir/krb5.conf' KRB5_KDC_PROFILE='$dir/kdc.conf'"
  echo "export KRB5_REALM=$REALM KRB5_KDC_PORT=$port KRB5_KDC_PID=$pid"
  echo "export KRB5_KTNAME='FILE:$dir/http.keytab' KRB5_SERVICE='HTTP@localhost'"
  # the acceptor's replay cache would otherwise go to /var/tmp
  echo "export KRB5RCACHEDIR='$dir/rcache'"
  echo "export KRB5CCNAME='FILE:$dir/ccache'"
}

stop() {
  local dir="${1:?usage: stop KRB5_TMP}"
  [ -f "$dir/kdc.conf" ] || { echo "not a krb5-kdc-throwaway dir: $dir" >&2; exit 1; }
  if [ -f "$dir/krb5kdc.pid" ]; then
    local pid; pid="$(cat "$dir/krb5kdc.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    local i; for i in $(seq 200); do alive "$pid" || break; sleep 0.05; done
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [PORT] | stop DIR" >&2; exit 2 ;;
esac
