#!/usr/bin/env bash
# Paired ratios of several builds of a bench binary, over several processes.
#
# One paired run (`PAIRED=<workload>`, see src/paired.rs) gives a tight
# interval for *that process*, but some workloads settle into one of two
# speeds per process (`spawn_many_local` runs at 0.33 or 0.62 of Tokio's
# time from one process to the next, in every build: more time in malloc
# and in the task list's locks, cause not established; BENCHMARKS.md,
# fifth and sixth sessions), so two builds
# compared with one process each can differ by 2x for no reason in the code.
# This runs each build's binary in PROCS processes per workload, the builds
# interleaved, and prints per build the median of the processes' median
# ratios with the lowest and highest.
#
# Usage: benches/compare_builds.sh "WORKLOAD..." PROCS NAME=BINARY...
#   e.g. benches/compare_builds.sh "chained_spawn spawn_many_remote" 6 \
#          old=/tmp/sched_old new=target/release/deps/scheduler-HASH
# Binaries come from `cargo bench -p benches --bench scheduler --no-run`
# (copy each build's binary aside). PAIRED_ROUNDS (default 30) sets the
# rounds per process.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 2; }
workloads=$1
procs=$2
shift 2
rounds=${PAIRED_ROUNDS:-30}
for w in $workloads; do
    out=$(mktemp)
    for _ in $(seq "$procs"); do
        for build in "$@"; do
            name=${build%%=*}
            bin=${build#*=}
            ratio=$(PAIRED=$w PAIRED_ROUNDS=$rounds "$bin" --bench 2>&1 |
                sed -n 's/.*median ratio (runtime \/ tokio time) \([0-9.]*\),.*/\1/p')
            echo "$name ${ratio:-nan}" >>"$out"
        done
    done
    for build in "$@"; do
        name=${build%%=*}
        awk -v n="$name" -v w="$w" '$1 == n { r[++k] = $2 }
            END {
                # sort the k ratios (insertion sort: k is small)
                for (i = 2; i <= k; i++) { v = r[i]; j = i - 1
                    while (j > 0 && r[j] > v) { r[j + 1] = r[j]; j-- } r[j + 1] = v }
                m = (k % 2) ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
                printf "%-18s %-6s median %.3f  min %.3f  max %.3f  (%d processes)\n", w, n, m, r[1], r[k], k
            }' "$out"
    done
    rm -f "$out"
done
