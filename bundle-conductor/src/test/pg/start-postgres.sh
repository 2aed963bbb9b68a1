#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on a loopback port for the conductor's store tests and
# prints the export line to use. Needs Debian's postgresql package (apt-get install -y postgresql).
#   eval "$(bundle-conductor/src/test/pg/start-postgres.sh start)"   # sets AMTPXE_PG_URL
#   bundle-conductor/src/test/pg/start-postgres.sh stop
# Environment: PGDIR (default /tmp/amtpxe-pg), PGPORT (default 55432), PGHOST (default 127.0.0.1).
set -euo pipefail
PGDIR=${PGDIR:-/tmp/amtpxe-pg}
PGPORT=${PGPORT:-55432}
PGHOST=${PGHOST:-127.0.0.1}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || { echo "PostgreSQL not installed: apt-get install -y postgresql" >&2; exit 1; }
# PostgreSQL refuses to run as root: run it as the 'postgres' user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    if [ ! -f "$PGDIR/PG_VERSION" ]; then
      mkdir -p "$PGDIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
      as_pg "$BIN/initdb" -D "$PGDIR" -U amtpxe --auth=trust >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w \
        -o "-c listen_addresses=$PGHOST -p $PGPORT -k $PGDIR -c fsync=off" start >/dev/null
    fi
    as_pg "$BIN/psql" -h "$PGHOST" -p "$PGPORT" -U amtpxe -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='amtpxe'" | grep -q 1 ||
      as_pg "$BIN/createdb" -h "$PGHOST" -p "$PGPORT" -U amtpxe amtpxe
    echo "export AMTPXE_PG_URL=jdbc:postgresql://$PGHOST:$PGPORT/amtpxe AMTPXE_PG_USER=amtpxe"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$PGDIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
