# Sourced by scripts/test: starts a throw-away PostgreSQL cluster on loopback and exports
# DATABASE_URL for it; installs Debian's PostgreSQL first when no server binaries exist.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "== installing PostgreSQL (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PG_DIR=$(mktemp -d /tmp/prima-pg.XXXXXX)
PG_PORT=${PRIMA_TEST_PG_PORT:-54329}
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
run_pg "'$pg_bin/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 >/dev/null"
run_pg "'$pg_bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w -o \"-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"
stop_pg() { run_pg "'$pg_bin/pg_ctl' -D '$PG_DIR/data' -m fast stop >/dev/null" || true; rm -rf "$PG_DIR"; }
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/prima"
export PRIMA_PG_BIN="$pg_bin" PRIMA_PG_DIR="$PG_DIR"
