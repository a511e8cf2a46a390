#!/usr/bin/env bash
# Instructions per iteration of the `fs` bench workloads (benches/benches/fs.rs),
# ours and Tokio's, under valgrind's callgrind: repeatable on a loaded machine,
# unlike wall time. Each workload runs N and 2N times (FS_INSTR mode of the
# bench); (Ir(2N) - Ir(N)) / N is one iteration without the setup (fixture,
# runtime). Instructions of every thread are counted, blocking-pool threads
# included. Usage: benches/callgrind_fs.sh [N] [FLAVOR] [WORKLOAD...]
# FLAVOR: multi_thread (the bench's, 2 workers; default) or current_thread
# (no worker spins or steals: the most repeatable). FS_BENCH_MIB sets the
# file size of the read/write workloads (16 here by default: valgrind is slow).
# BIN=<path> uses an already built bench binary.
# Repeatability: read/write/read_dir agree within ~2% between runs;
# fs_metadata_10k varies by up to ~30% (its cost is mostly malloc and lock
# spinning, which depend on how valgrind interleaves the pool threads): run it
# a few times and compare ranges.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2}
FLAVOR=${2:-multi_thread}
shift $(( $# < 2 ? $# : 2 ))
WORKLOADS=("$@")
[ ${#WORKLOADS[@]} -gt 0 ] || WORKLOADS=(fs_read_64k fs_write_64k fs_metadata_10k fs_read_dir_10k)
export FS_BENCH_MIB=${FS_BENCH_MIB:-16}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
if [ -z "${BIN:-}" ]; then
    BIN=$(cargo bench --no-run -p benches --bench fs 2>&1 \
        | sed -n 's/.*Executable benches\/fs.rs (\(.*\))/\1/p')
fi
suffix=""; [ "$FLAVOR" = current_thread ] && suffix=":current_thread"
ir() { # workload runtime n -> total instructions
    FS_INSTR="$1:$2:$3$suffix" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$BIN" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-16s %14s %14s %8s   (%s, FS_BENCH_MIB=%s, N=%s)\n' workload "runtime Ir/it" \
    "tokio Ir/it" ratio "$FLAVOR" "$FS_BENCH_MIB" "$N"
for w in "${WORKLOADS[@]}"; do
    declare -A per
    for rt in runtime tokio; do
        a=$(ir "$w" "$rt" "$N"); b=$(ir "$w" "$rt" $((2 * N)))
        per[$rt]=$(( (b - a) / N ))
    done
    awk -v w="$w" -v a="${per[runtime]}" -v b="${per[tokio]}" \
        'BEGIN { printf "%-16s %14d %14d %8.3f\n", w, a, b, a / b }'
done
