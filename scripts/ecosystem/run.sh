#!/usr/bin/env bash
# Smoke tests of tokio-postgres, redis, sqlx, reqwest and tonic on this runtime,
# against real servers on loopback (README's "Ecosystem" table).
#
#   scripts/ecosystem/run.sh
#
# Starts a throwaway PostgreSQL (initdb into $SMOKE_DIR; as the `postgres`
# user when run as root, since postgres refuses root) and a redis-server, on
# ports $PG_PORT and $REDIS_PORT, then builds and runs each binary of this
# crate on both runtime flavours. A binary asserts what must work; each also
# prints one line per probe of the call a user reaches for first, with its
# panic text where it panics. Needs `initdb`/`pg_ctl` (PostgreSQL 12 or later)
# and `redis-server` on PATH (Debian: postgresql, redis-server).
#
# Knobs (environment): SMOKE_DIR (/tmp/ecosystem-smoke), PG_PORT (55432),
# REDIS_PORT (56379), CARGO_TARGET_DIR (this folder's target/).
set -euo pipefail
cd "$(dirname "$0")"

SMOKE_DIR=${SMOKE_DIR:-/tmp/ecosystem-smoke}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
export PG_ADDR="127.0.0.1:$PG_PORT" REDIS_ADDR="127.0.0.1:$REDIS_PORT"

for tool in initdb pg_ctl redis-server; do
    command -v "$tool" >/dev/null || { echo "run.sh: needs $tool on PATH" >&2; exit 2; }
done

as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi
}

rm -rf "$SMOKE_DIR" && mkdir -p "$SMOKE_DIR/pg"
if [ "$(id -u)" = 0 ]; then chown postgres "$SMOKE_DIR" "$SMOKE_DIR/pg"; fi
as_pg "initdb -D $SMOKE_DIR/pg -A trust -U postgres" >"$SMOKE_DIR/initdb.log"
as_pg "pg_ctl -D $SMOKE_DIR/pg -l $SMOKE_DIR/pg.log -w \
    -o '-p $PG_PORT -k $SMOKE_DIR/pg -c listen_addresses=127.0.0.1' start" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$SMOKE_DIR/redis.pid" --logfile "$SMOKE_DIR/redis.log"
stop() {
    as_pg "pg_ctl -D $SMOKE_DIR/pg -m fast stop" >/dev/null 2>&1 || true
    [ -f "$SMOKE_DIR/redis.pid" ] && kill "$(cat "$SMOKE_DIR/redis.pid")" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done

echo "== versions"
cargo generate-lockfile -q
cargo tree -e normal --depth 1 --features tokio | grep -E "tokio-postgres|redis|reqwest|sqlx|tonic" || true
postgres --version; redis-server --version

status=0
run() {
    echo "== $*"
    # The probes' panics print their own message and backtrace line to
    # stderr; the binary's stdout has the verdict.
    RUST_BACKTRACE=0 "$@" 2>"$SMOKE_DIR/stderr.log" || {
        status=1
        echo "FAILED: $*"
        cat "$SMOKE_DIR/stderr.log"
    }
}
cargo build -q --release --features tokio --bins
for bin in postgres redis reqwest sqlx_tokio tonic; do
    run cargo run -q --release --features tokio --bin "$bin"
done
cargo build -q --release --features smol --bin sqlx_smol
run cargo run -q --release --features smol --bin sqlx_smol
exit $status
