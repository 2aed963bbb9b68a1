# Starts Debian's PostgreSQL cluster on 127.0.0.1 and exports AMTPXE_PG_URL/USER/PASSWORD for the
# conductor's store tests. Sourced by .ci/run. Stops only a cluster it started.
AMTPXE_PG_STARTED=
start_postgres() {
  local ver cluster=main
  ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -z "$ver" ]; then
    echo "PostgreSQL is not installed; the PostgreSQL store tests will be skipped." >&2
    return 0
  fi
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$ver $cluster$"; then
    pg_createcluster "$ver" "$cluster" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
    pg_ctlcluster "$ver" "$cluster" start
    AMTPXE_PG_STARTED="$ver $cluster"
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c {print $3}')
  su postgres -c "psql -q -p $port -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='amtpxe') THEN CREATE ROLE amtpxe LOGIN PASSWORD 'amtpxe-test'; END IF; END \\\$\\\$;\"" >/dev/null
  su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname='amtpxe_test'\"" | grep -q 1 \
    || su postgres -c "createdb -p $port -O amtpxe amtpxe_test"
  export AMTPXE_PG_URL="jdbc:postgresql://127.0.0.1:$port/amtpxe_test"
  export AMTPXE_PG_USER=amtpxe
  export AMTPXE_PG_PASSWORD=amtpxe-test
  echo "PostgreSQL $ver on 127.0.0.1:$port, database amtpxe_test"
}
stop_postgres() {
  if [ -n "$AMTPXE_PG_STARTED" ]; then
    pg_ctlcluster $AMTPXE_PG_STARTED stop || true
  fi
}
