#!/usr/bin/env bash
# Tail latency at the same offered load: the axum app on this runtime vs.
# its Tokio twin, under an open-loop client (`http_open_loop`: requests on
# a fixed schedule, latency from each one's due time).
#
#   benches/wrk/open_loop.sh
#   RATES="30000 60000 90000" ROUNDS=5 PIN=1:0 benches/wrk/open_loop.sh
#
# Why besides run.sh: wrk is a closed loop. When wrk itself needs a whole
# CPU, the faster server shifts the bottleneck into wrk, and wrk's p99 then
# measures wrk's own queue (see http_open_loop.rs). Here both servers face
# the same request schedule, so their latency figures are comparable.
#
# Knobs (environment): RATES (requests/s, space-separated; "30000 60000
# 90000"), SECS (3, measured after a 1 s warm-up), CONNECTIONS (64),
# URL_PATH (/), ROUNDS (3; each round runs every rate on both servers, the
# order of the servers alternating), PIN ("1:0": server on CPU 1, client on
# CPU 0; "" to leave placement to the OS), APP (axum; or hyper for the
# hello-world pair), RUNTIME_PORT / TOKIO_PORT (38090 / 38091).
#
# Output: one line per run (p50/p90/p99/p99.9/max in µs, and how late the
# client's sender ever was: if that is large, the client was the bottleneck
# and the row says nothing about the server), then per rate the median p99
# of the rounds for each server and their ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."

RATES=${RATES:-30000 60000 90000}
SECS=${SECS:-3}
CONNECTIONS=${CONNECTIONS:-64}
URL_PATH=${URL_PATH:-/}
ROUNDS=${ROUNDS:-3}
PIN=${PIN-1:0}
APP=${APP:-axum}
RUNTIME_PORT=${RUNTIME_PORT:-38090}
TOKIO_PORT=${TOKIO_PORT:-38091}
# shellcheck source=benches/wrk/servers.sh
. benches/wrk/servers.sh
build_servers http_open_loop
CLIENT="$TARGET_DIR/release/http_open_loop"

# run NAME BINARY PORT RATE: prints the client's line, sets P99.
P99=""
run() {
    local name=$1 bin=$2 port=$3 rate=$4 out
    "${SERVER_RUN[@]}" "$bin" "$port" >/dev/null 2>&1 &
    SERVER_PID=$!
    wait_for_port "$port"
    out=$("${CLIENT_RUN[@]}" "$CLIENT" "127.0.0.1:$port" "$rate" "$SECS" "$CONNECTIONS" "$URL_PATH")
    kill "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
    echo "$name $out"
    P99=$(echo "$out" | sed -n 's/.* p99=\([0-9]*\) .*/\1/p')
}

declare -A runtime_p99 tokio_p99
echo "== open loop, $CONNECTIONS connections, ${SECS}s per run, $ROUNDS round(s)"
for round in $(seq 1 "$ROUNDS"); do
    for rate in $RATES; do
        if [ $((round % 2)) = 1 ]; then order="runtime tokio"; else order="tokio runtime"; fi
        for who in $order; do
            if [ "$who" = runtime ]; then
                run "round $round runtime" "$RUNTIME_BIN" "$RUNTIME_PORT" "$rate"
                runtime_p99[$rate]="${runtime_p99[$rate]:-} $P99"
            else
                run "round $round tokio  " "$TOKIO_BIN" "$TOKIO_PORT" "$rate"
                tokio_p99[$rate]="${tokio_p99[$rate]:-} $P99"
            fi
        done
    done
done

echo
echo "| offered load (req/s) | runtime p99 µs (median) | Tokio p99 µs (median) | ratio |"
echo "|---|---|---|---|"
for rate in $RATES; do
    # shellcheck disable=SC2086 # word splitting intended
    r=$(median ${runtime_p99[$rate]})
    # shellcheck disable=SC2086
    t=$(median ${tokio_p99[$rate]})
    awk -v rate="$rate" -v r="$r" -v t="$t" \
        'BEGIN { printf "| %d | %s | %s | %.2f |\n", rate, r, t, r / t }'
done
