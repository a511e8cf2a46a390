#!/usr/bin/env bash
# Runs the workspace's tests under AddressSanitizer (with LeakSanitizer, on by
# default with ASan on Linux): every unit and integration test in debug, then
# the stress suite in release. Any report (use after free, overflow, double
# free, leak) makes the test binary fail, and so this script.
#
# Needs the nightly toolchain (`-Zsanitizer` is unstable). Without `rust-src`
# std itself is not instrumented (no `-Zbuild-std` here), but every crate of
# ours and every dependency is, and ASan intercepts malloc/free process-wide,
# so a use after free of a heap block in our code is caught. Doc-tests are not
# run (rustdoc would need the same flags; they test examples, not memory).
#
# Own target dir: the sanitizer flags would otherwise invalidate the main
# build cache. `--target` keeps RUSTFLAGS off build scripts and proc macros,
# which must not be instrumented.
#
# Usage: scripts/asan.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "asan: no nightly toolchain (rustup toolchain install nightly): skipped" >&2
    exit 0
fi
target="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Zsanitizer=address"
export CARGO_TARGET_DIR=target/asan
# The default 256 MiB quarantine multiplies the resident set of the stress
# cases; 64 MiB still keeps freed blocks poisoned long enough for the races
# these tests provoke.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=64:detect_leaks=1}"

echo "== asan: cargo +nightly test --workspace --tests"
cargo +nightly test --workspace --tests --target "$target"

echo "== asan: the stress suite (release)"
# Memory growth bounds are meaningless under ASan's allocator: LSan checks leaks.
STRESS_NO_MEMORY_BOUNDS=1 cargo +nightly test -p runtime --release --test stress --target "$target"
