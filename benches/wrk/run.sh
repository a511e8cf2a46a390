#!/usr/bin/env bash
# Load test: hyper 1.x hello world on this runtime vs. on Tokio, with wrk.
#
#   benches/wrk/run.sh
#   APP=axum benches/wrk/run.sh    # the axum_app example vs. its Tokio twin
#
# Builds (release) `runtime`'s `hyper_server` example and the benches crate's
# `tokio_hyper_hello` binary (the same server on Tokio + hyper-util), runs each
# on loopback under `wrk -t2 -c64 -d5s` (one after the other, each on its own
# port), and prints requests/s for both and the ratio runtime/Tokio.
#
# Knobs (environment): THREADS (2), CONNECTIONS (64), DURATION (5s),
# URL_PATH (/), ROUNDS (1; the servers alternate, each round runs both),
# RUNTIME_PORT (38080), TOKIO_PORT (38081), WARMUP (1s; 0 to skip),
# PIN (unset; "SERVER_CPUS:WRK_CPUS", e.g. PIN=1:0, runs the server and wrk
# under `taskset` on separate CPUs: each runtime then sizes its pool to the
# server's CPUs, as both do by default).
#
# Unpinned, wrk and the server share the machine: on a small VM they compete
# for the same cores, and the tail latency wrk reports is then mostly how the
# OS interleaves its threads with the server's (a CFS time slice is a few
# ms), so read the ratio, not the absolute numbers, and rerun a few times
# (ROUNDS=5) before trusting a difference of a few percent. For tail latency
# at the same offered load, use open_loop.sh next to this file: wrk is a
# closed loop, and when wrk needs its whole CPU the faster server moves the
# queue into wrk, whose p99 then grows with the server's speed. The summary
# gives the mean requests/s and the median p99 of the rounds, then the
# per-round p99 ratios, their median and how many rounds each server won.
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-5s}
URL_PATH=${URL_PATH:-/}
ROUNDS=${ROUNDS:-1}
RUNTIME_PORT=${RUNTIME_PORT:-38080}
TOKIO_PORT=${TOKIO_PORT:-38081}
WARMUP=${WARMUP:-1s}
PIN=${PIN:-}
# APP=hyper (default) or axum: see servers.sh.
APP=${APP:-hyper}
# shellcheck source=benches/wrk/servers.sh
. benches/wrk/servers.sh

# -------------------------------------------------------------- wrk
if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO=sudo
        else
            echo "wrk is missing and this is not root (no sudo): install wrk first" >&2
            exit 1
        fi
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi

# -------------------------------------------------------------- build
build_servers

# -------------------------------------------------------------- run
# bench NAME BINARY PORT: sets BENCH_RESULT to the requests/s wrk measured.
BENCH_RESULT=""
bench() {
    local name=$1 bin=$2 port=$3 log
    log=$(mktemp)
    "${SERVER_RUN[@]}" "$bin" "$port" >"$log" 2>&1 &
    SERVER_PID=$!
    if ! wait_for_port "$port"; then
        cat "$log" >&2
        return 1
    fi
    local url="http://127.0.0.1:$port$URL_PATH"
    # Check the answer before measuring it.
    if "${CLIENT_RUN[@]}" wrk -t1 -c1 -d1s "$url" | grep -q 'Non-2xx'; then
        echo "$name: $url does not answer 2xx" >&2
        return 1
    fi
    if [ "$WARMUP" != 0 ]; then
        "${CLIENT_RUN[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null
    fi
    local out
    out=$("${CLIENT_RUN[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
    echo "---- $name"
    echo "$out"
    if echo "$out" | grep -qE 'Socket errors|Non-2xx'; then
        echo "$name: wrk reported errors (above)"
    fi
    # SIGTERM: the server shuts down gracefully.
    kill "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
    rm -f "$log"
    BENCH_RESULT=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
    BENCH_P99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
}

# wrk's "3.98ms" / "953.00us" / "1.02s" as microseconds.
to_us() {
    echo "$1" | awk '/us$/ { print $1 + 0; next } /ms$/ { print $1 * 1000; next }
        /s$/ { print $1 * 1000000 }'
}

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION http://127.0.0.1:PORT$URL_PATH, $ROUNDS round(s)"
if [ -n "$PIN" ]; then
    echo "   (server on CPU(s) ${PIN%%:*}, wrk on CPU(s) ${PIN##*:})"
else
    echo "   ($(nproc) CPUs; wrk and the server share them)"
fi
runtime_all=()
tokio_all=()
runtime_p99=()
tokio_p99=()
for round in $(seq 1 "$ROUNDS"); do
    bench runtime "$RUNTIME_BIN" "$RUNTIME_PORT"
    r=$BENCH_RESULT
    r99=$BENCH_P99
    bench tokio "$TOKIO_BIN" "$TOKIO_PORT"
    t=$BENCH_RESULT
    t99=$BENCH_P99
    runtime_all+=("$r")
    tokio_all+=("$t")
    runtime_p99+=("$(to_us "$r99")")
    tokio_p99+=("$(to_us "$t99")")
    echo "== round $round: runtime $r req/s (p99 $r99), tokio $t req/s (p99 $t99)"
done

mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f", s / NR }'; }
r=$(mean "${runtime_all[@]}")
t=$(mean "${tokio_all[@]}")
r99=$(median "${runtime_p99[@]}")
t99=$(median "${tokio_p99[@]}")
echo
echo "| server | requests/s (mean) | p99 µs (median) |"
echo "|---|---|---|"
echo "| runtime ($(basename "$RUNTIME_BIN") example) | $r | $r99 |"
echo "| tokio ($(basename "$TOKIO_BIN")) | $t | $t99 |"
awk -v r="$r" -v t="$t" 'BEGIN { printf "ratio runtime/tokio: %.3f\n", r / t }'
awk -v r="$r99" -v t="$t99" 'BEGIN { printf "p99 ratio runtime/tokio: %.3f\n", r / t }'
# Paired view: the rounds alternate the servers, so a noisy stretch of the
# machine hits both halves of a round. Per-round ratios and a count of the
# rounds each server won say more than the two medians above.
ratios=()
lower=0
for i in "${!runtime_p99[@]}"; do
    ratios+=("$(awk -v r="${runtime_p99[$i]}" -v t="${tokio_p99[$i]}" 'BEGIN { printf "%.3f", r / t }')")
    if awk -v r="${runtime_p99[$i]}" -v t="${tokio_p99[$i]}" 'BEGIN { exit !(r < t) }'; then
        lower=$((lower + 1))
    fi
done
echo "p99 per round, runtime/tokio: ${ratios[*]}"
echo "p99 median of the per-round ratios: $(median "${ratios[@]}"); runtime lower in $lower of ${#ratios[@]} rounds"
