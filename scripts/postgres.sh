#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for tests and local use.
#   scripts/postgres.sh start [PORT]   → prints the connection string (also written to $DIR/connection)
#   scripts/postgres.sh stop
# Data lives in ${GRIDACTORS_PG_DIR:-/tmp/gridactors-pg}; `stop` removes it.
# Needs Debian's postgresql-15 (installed on the development machines; installed here if missing).
set -euo pipefail
DIR="${GRIDACTORS_PG_DIR:-/tmp/gridactors-pg}"
PORT="${2:-${GRIDACTORS_PG_PORT:-54329}}"

find_bin() {
  local b
  b=$(dpkg -L postgresql-15 2>/dev/null | grep -E "bin/$1\$" | head -1 || true)
  [ -n "$b" ] || b=$(ls /usr/lib/postgresql/*/bin/$1 2>/dev/null | head -1 || true)
  echo "$b"
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
    if [ -z "$INITDB" ] || [ -z "$PG_CTL" ]; then
      (apt-get update -qq && apt-get install -y -qq postgresql-15) >/dev/null 2>&1 || { echo "postgresql-15 is not installed and could not be installed" >&2; exit 1; }
      INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
    fi
    if [ -f "$DIR/data/postmaster.pid" ]; then as_pg "$PG_CTL" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    as_pg "$INITDB" -D "$DIR/data" -A trust -U postgres >/dev/null
    as_pg "$PG_CTL" -D "$DIR/data" -l "$DIR/log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off -c max_connections=200" start >/dev/null
    psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE gridactors" >/dev/null
    CONN="Host=127.0.0.1;Port=$PORT;Database=gridactors;Username=postgres"
    echo "$CONN" | tee "$DIR/connection"
    ;;
  stop)
    PG_CTL=$(find_bin pg_ctl)
    if [ -n "$PG_CTL" ] && [ -f "$DIR/data/postmaster.pid" ]; then as_pg "$PG_CTL" -D "$DIR/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
