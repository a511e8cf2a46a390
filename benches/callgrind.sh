#!/usr/bin/env bash
# Instructions per iteration of current-thread workloads, ours and Tokio's, under
# valgrind's callgrind: repeatable on a noisy machine, unlike wall time. Each
# workload runs with N and 2N iterations; (Ir(2N) - Ir(N)) / N is the cost of
# one iteration without runtime setup. Usage: benches/callgrind.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
cargo build --release -q -p benches --example instr
BIN=target/release/examples/instr
ir() { # workload runtime n -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$1" "$2" "$3" 2>&1 \
        | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-16s %14s %14s %8s\n' workload "runtime Ir/it" "tokio Ir/it" ratio
for w in block_on spawn yield task_yield sleep_cancel timeout_ready mpsc_ping_pong; do
    declare -A per
    for rt in runtime tokio; do
        a=$(ir "$w" "$rt" "$N"); b=$(ir "$w" "$rt" $((2 * N)))
        per[$rt]=$(( (b - a) / N ))
    done
    awk -v w="$w" -v a="${per[runtime]}" -v b="${per[tokio]}" \
        'BEGIN { printf "%-16s %14d %14d %8.2f\n", w, a, b, a / b }'
done
