#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's postgresql package (installed when missing), a fresh data
# directory under DIR, loopback TCP on a free port, trust authentication, torn down by `stop`.
#   tests/postgres-cluster.sh start DIR    prints the Npgsql connection string on stdout (DIR: a new folder whose
#                                          parents the postgres user can enter, e.g. /tmp/threshold-pg-$$)
#   tests/postgres-cluster.sh restart DIR  a fast restart on the same port (sessions are cut, as in a real restart)
#   tests/postgres-cluster.sh stop DIR
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user the package creates.
set -euo pipefail
cmd="${1:?usage: postgres-cluster.sh start|restart|stop DIR}"
dir="${2:?usage: postgres-cluster.sh start|restart|stop DIR}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
  echo "postgres-cluster: need root or sudo to run: $*" >&2; exit 1; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
      echo "postgres-cluster: installing Debian's postgresql package ..." >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    bin="$(pg_bin)"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    run_pg "$bin/initdb" -D "$dir/data" -U threshold --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    # fsync off: a throwaway cluster that dies with the test run; max_connections for the concurrency tests.
    run_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=threshold;Database=postgres"
    ;;
  restart)
    run_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    bin="$(pg_bin)"
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      run_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres-cluster.sh start|restart|stop DIR" >&2; exit 2 ;;
esac
