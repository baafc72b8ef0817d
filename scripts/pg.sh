#!/usr/bin/env bash
# Throwaway PostgreSQL cluster owned by the project: data in .pg/, Unix socket only, own port.
# Usage: pg.sh start|stop|status. Never touches a cluster or database it did not create.
source "$(dirname "$0")/common.sh"
BIN="$(pg_bin)"
cmd="${1:-status}"
running() { [ -f "$PGDATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
case "$cmd" in
  start)
    if running; then log "PostgreSQL already running (socket $PGSOCK, port $PGPORT)"; exit 0; fi
    mkdir -p "$PGDIR" "$PGSOCK"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR" "$PGSOCK"; fi
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      log "initialising a throwaway cluster in $PGDATA"
      as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGDIR/initdb.log" 2>&1 \
        || { cat "$PGDIR/initdb.log" >&2; exit 1; }
    fi
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDIR/postgres.log" -w -t 60 \
      -o "-k $PGSOCK -p $PGPORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
      || { tail -20 "$PGDIR/postgres.log" >&2; exit 1; }
    if ! as_pg "$BIN/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_ODOO'" | grep -q 1; then
      as_pg "$BIN/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -qc "CREATE ROLE $PGUSER_ODOO LOGIN CREATEDB SUPERUSER"
    fi
    log "PostgreSQL running (socket $PGSOCK, port $PGPORT)"
    ;;
  stop)
    if running; then as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; log "PostgreSQL stopped"; else log "PostgreSQL not running"; fi
    ;;
  status)
    if running; then echo "running"; else echo "stopped"; exit 1; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
