#!/usr/bin/env bash
# What our external dependencies cost to build, and what each proposed trim
# would save (issue 7). Companion to run.sh.
#
#   benches/footprint/deps.sh
#
# Builds "dependencies only" projects (an empty `fn main() {}` plus the
# external crates `runtime` pulls in, with the same features) in release,
# clean, -j$JOBS, $REPS rounds interleaved, and prints the median user+sys
# CPU time of each (wall time too, but on a shared machine read the CPU
# column). Our own seven crates are not in any of them, so
#   hello-runtime's CPU (run.sh) - deps-all's CPU  ~=  what our crates cost.
#
# Variants (each drops more than the one before):
#   deps-all          everything `runtime` pulls in today
#   deps-std-sync     - parking_lot, num_cpus (std Mutex/Condvar, available_parallelism)
#   deps-no-net-sig   - socket2, signal-hook-registry (net and signal behind features)
#   deps-no-io        - mio, slab, libc (the I/O driver behind a feature)
#   deps-macros-only  - crossbeam-deque/-utils, futures-io: the proc-macro chain alone
#
# Knobs: FOOTPRINT_DIR (/tmp/footprint), REPS (3), JOBS (2).
set -euo pipefail
DIR=${FOOTPRINT_DIR:-/tmp/footprint}
REPS=${REPS:-3}
JOBS=${JOBS:-2}

MACROS='syn = { version = "2", features = ["full"] }
quote = "1"
proc-macro2 = "1"'
SCHED='crossbeam-deque = "0.8.5"
crossbeam-utils = "0.8"
futures-io = "0.3"'
IO='mio = { version = "1", features = ["os-poll", "os-ext", "net"] }
slab = "0.4"
libc = "0.2"'
NETSIG='socket2 = { version = "0.5", features = ["all"] }
signal-hook-registry = "1.4"'
SYNC='parking_lot = "0.12"
num_cpus = "1.16"'

# The proc-macro chain goes under [build-dependencies] (with an empty build.rs):
# like a proc macro's own dependencies it is then built for the host with
# Cargo's default release `build-override` (opt-level 0). As a normal
# dependency it would be built at opt-level 3 and cost several times more.
declare -A DEPS=(
    [deps-all]="$SCHED
$IO
$NETSIG
$SYNC"
    [deps-std-sync]="$SCHED
$IO
$NETSIG"
    [deps-no-net-sig]="$SCHED
$IO"
    [deps-no-io]="$SCHED"
    [deps-macros-only]=""
)
VARIANTS=(deps-all deps-std-sync deps-no-net-sig deps-no-io deps-macros-only)

for v in "${VARIANTS[@]}"; do
    mkdir -p "$DIR/$v/src"
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\n\n[build-dependencies]\n%s\n' \
        "$v" "${DEPS[$v]}" "$MACROS" >"$DIR/$v/Cargo.toml"
    echo 'fn main() {}' >"$DIR/$v/src/main.rs"
    echo 'fn main() {}' >"$DIR/$v/build.rs"
    (cd "$DIR/$v" && rm -f Cargo.lock && cargo generate-lockfile -q && cargo fetch -q)
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A WALL CPU N
echo "== $(date -u); $(nproc) cores; rustc $(rustc --version | cut -d' ' -f2)"
for r in $(seq 1 "$REPS"); do
    for v in "${VARIANTS[@]}"; do
        export CARGO_TARGET_DIR="$DIR/target-$v"
        (cd "$DIR/$v" && cargo clean -q)
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        tf=$(mktemp)
        { TIMEFORMAT='%R %U %S'; time (cd "$DIR/$v" && cargo build -q --release -j"$JOBS" --offline); } 2>"$tf"
        read -r w u s <"$tf"; rm -f "$tf"
        c=$(echo "$u + $s" | bc -l)
        WALL[$v]="${WALL[$v]:-} $w"; CPU[$v]="${CPU[$v]:-} $c"
        N[$v]=$(cd "$DIR/$v" && cargo tree -e normal,build --prefix none --offline | sed 's/ (\*)$//' | sort -u | wc -l)
        printf 'round %d  %-17s load(1/5/15) %-15s  wall %6.2f s  cpu %6.2f s\n' "$r" "$v" "$load" "$w" "$c"
    done
done
echo
echo "| variant | crates in tree, normal+build (excl. root) | CPU user+sys (median) | wall (median) |"
echo "|---|---:|---:|---:|"
for v in "${VARIANTS[@]}"; do
    # shellcheck disable=SC2086
    printf '| %s | %d | %.1f s | %.1f s |\n' "$v" "$(( N[$v] - 1 ))" "$(median ${CPU[$v]})" "$(median ${WALL[$v]})"
done
