#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a loopback port.
#
#   scripts/pg_cluster.sh start DIR   initdb into DIR (a new directory), start the server on a
#                                     free port of 127.0.0.1, print its URL
#                                     (postgres://postgres@127.0.0.1:PORT/postgres). It also
#                                     accepts TLS, with a certificate for 127.0.0.1 from a CA
#                                     made for the cluster: DIR/ca.pem (for sslrootcert=)
#   scripts/pg_cluster.sh stop DIR    stop it (immediate shutdown) and remove DIR
#
# Installs Debian's postgresql package with apt-get when initdb is missing. initdb and the
# server refuse to run as root: as root, they run as the package's `postgres` user.
# The tests take the URL from CREDREPORT_TEST_DATABASE_URL and make a database per test.
set -euo pipefail

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir
    return
  fi
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && { echo "$d"; return; }
  done
  return 1
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd="${1:-}"
dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

case "$cmd" in
  start)
    if ! bin="$(bindir)"; then
      echo "pg_cluster.sh: apt-get install postgresql (initdb not found)" >&2
      if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
      $SUDO apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
      bin="$(bindir)"
    fi
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # TLS with a CA of the cluster's own (openssl), for the tests of sslmode=require.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
      -subj "/CN=credreport test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
    chmod 600 "$dir/server.key"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir/server.key" "$dir/server.pem"
    # A test cluster: no fsync (the durability under test is the service's, not the disk's),
    # enough connections for three instances and the tests' pools.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if bin="$(bindir)" && [[ -d "$dir/data" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
