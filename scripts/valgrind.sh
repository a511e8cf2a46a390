#!/usr/bin/env bash
# Runs the unit and integration tests of runtime-core, runtime-executor and
# runtime-reactor under valgrind memcheck, one test binary at a time, one test
# thread each. Fails (exit 1) on any memcheck error (invalid read/write, use of
# uninitialised memory, invalid free) or definite/indirect leak, or on a test
# failure under valgrind.
#
# Usage:
#   scripts/valgrind.sh                         # the three crates above
#   scripts/valgrind.sh -p runtime --test rt    # any other `cargo test` selection
#
# Environment:
#   VALGRIND_TEST_FILTER  passed to each test binary as its name filter
#   VALGRIND_LOG_DIR      where the per-binary logs go (default target/valgrind)
#
# Needs valgrind (apt-get install valgrind) and a Rust toolchain. Test
# binaries are built in the debug profile (no `--release`): debug info gives
# readable stacks, and the checks do not depend on optimisation.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
    echo "valgrind not found (apt-get install valgrind)" >&2
    exit 2
fi

if [ "$#" -eq 0 ]; then
    set -- -p runtime-core -p runtime-executor -p runtime-reactor
fi

log_dir="${VALGRIND_LOG_DIR:-target/valgrind}"
mkdir -p "$log_dir"

echo "== building test binaries: cargo test --no-run $*"
# Every test executable (unit tests of the lib, integration tests); doc-tests
# and loom models (cfg(loom), empty here) are not executables worth running.
# Each line: the executable, a tab, its package's directory (cargo runs tests
# from there, and so do we).
mapfile -t binaries < <(
    cargo test --no-run --message-format=json "$@" |
        grep '"executable":"' |
        sed -E 's/.*"manifest_path":"([^"]*)\/Cargo\.toml".*"executable":"([^"]*)".*/\2\t\1/' |
        sort -u
)
if [ "${#binaries[@]}" -eq 0 ]; then
    echo "no test binaries found" >&2
    exit 2
fi

failed=()
ran=0
start_all=$(date +%s)
for entry in "${binaries[@]}"; do
    bin=${entry%%$'\t'*}
    dir=${entry#*$'\t'}
    name=$(basename "$bin")
    log="$log_dir/$name.log"
    log_abs="$(cd "$log_dir" && pwd)/$name.log"
    # Skip binaries with no tests (e.g. a loom model compiled without cfg(loom)).
    if [ -z "$("$bin" --list --format=terse 2>/dev/null | grep ': test$' || true)" ]; then
        echo "-- $name: no tests, skipped"
        continue
    fi
    echo "== valgrind $name"
    ran=$((ran + 1))
    start=$(date +%s)
    status=0
    # --fair-sched: valgrind runs one thread at a time; without it a spinning
    #   thread can starve the others for a long while.
    # Leaks: only definite and indirect ones count (threads parked in the
    #   harness at exit keep "possibly lost" stacks alive).
    (cd "$dir" && valgrind \
        --tool=memcheck \
        --error-exitcode=1 \
        --leak-check=full \
        --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect \
        --fair-sched=yes \
        --num-callers=40 \
        --log-file="$log_abs" \
        "$bin" --test-threads=1 ${VALGRIND_TEST_FILTER:+"$VALGRIND_TEST_FILTER"}) ||
        status=$?
    took=$(($(date +%s) - start))
    # (No `head`/`tail -1` in these pipelines: closing the pipe early makes
    # grep die of SIGPIPE, which pipefail turns into a script failure.)
    summary=$(grep -E "ERROR SUMMARY" "$log" | sed -n '$s/^==[0-9]*== //p' || true)
    leaks=$(grep -E '^==[0-9]+== +(definitely|indirectly) lost:' "$log" |
        sed 's/^==[0-9]*== *//' | tr '\n' ' ' || true)
    echo "   exit $status in ${took}s; $summary${leaks:+; $leaks}"
    if [ "$status" -ne 0 ]; then
        failed+=("$name")
        echo "   --- $log (errors) ---"
        # The first error reports with their stacks.
        grep -E '^==[0-9]+== ' "$log" | sed 's/^==[0-9]*== //' | sed -n '1,80p' || true
    fi
done

echo "== valgrind: ${#binaries[@]} test binaries built, $ran run, in $(($(date +%s) - start_all))s; logs in $log_dir"
if [ "${#failed[@]}" -ne 0 ]; then
    echo "FAILED under valgrind: ${failed[*]}" >&2
    exit 1
fi
echo "no memcheck errors, no definite or indirect leaks"
