#!/usr/bin/env bash
# Footprint of a hello world (issue 7): this runtime vs Tokio vs smol.
#
#   benches/footprint/run.sh
#
# Creates four standalone Cargo projects (each its own workspace, default
# `[profile.release]`) under $FOOTPRINT_DIR, resolves each fresh (its own
# Cargo.lock, not this repository's), fetches, then measures for each:
#
#   - release binary size, raw and after `strip`;
#   - crates in the normal dependency tree:
#       cargo tree -e normal --prefix none | sed 's/ (\*)$//' | sort -u | wc -l
#     minus 1 for the root. The `sed` matters: without it a crate that is
#     printed once in full and once as a deduplicated "foo v1 (*)" line counts
#     twice. Proc macros and their own dependencies (syn...) are normal
#     dependencies and so are counted; build-dependencies are not (the
#     "compiled" column, the `Compiling` lines of a clean build, root included,
#     covers everything rustc is run for);
#   - clean release build time: `cargo clean` then
#     `cargo build --release -j$JOBS --offline`, wall clock, $REPS repetitions
#     interleaved (runtime, tokio, tokio-full, smol, runtime, ...), median.
#     The load average (1/5/15 min) is printed before every build, and the
#     user+sys CPU time of the build (cargo and all its rustc children) is
#     reported next to the wall time: on a shared machine CPU time moves less
#     than wall time, though contention still inflates it.
#
# Then (TIMINGS=1) one `cargo build --release --timings` per project and the
# slowest units from the report's embedded JSON, and (BLOAT=1) a
# cargo-bloat-style split of each unstripped binary's .text by crate, from
# `nm --size-sort -S -C` (binutils only, nothing to install).
#
# Knobs (environment): FOOTPRINT_DIR (/tmp/footprint), REPS (3), JOBS (2),
# TIMINGS (1), BLOAT (1), SKIP_BUILD_TIMES (0; 1 = sizes/crates/timings only).
#
# The projects:
#   hello-runtime     runtime (path dependency on this repository), with
#                     default-features = false, features ["rt-multi-thread", "macros"]:
#                     the same feature names and the same minimum as hello-tokio
#   hello-runtime-full runtime with its default features (`full`)
#   hello-tokio       tokio 1, features ["rt-multi-thread", "macros"] (the minimum for
#                     #[tokio::main] + tokio::spawn on the multi-thread runtime)
#   hello-tokio-full  tokio 1, features ["full"]
#   hello-smol        smol 2
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${FOOTPRINT_DIR:-/tmp/footprint}
REPS=${REPS:-3}
JOBS=${JOBS:-2}
TIMINGS=${TIMINGS:-1}
BLOAT=${BLOAT:-1}
SKIP_BUILD_TIMES=${SKIP_BUILD_TIMES:-0}
PROJECTS=(hello-runtime hello-runtime-full hello-tokio hello-tokio-full hello-smol)

mkdir -p "$DIR"
cd "$DIR"

# ------------------------------------------------------------ the projects
mkproject() { # name, dependency line(s), main.rs
    local name=$1 deps=$2 main=$3
    mkdir -p "$DIR/$name/src"
    cat >"$DIR/$name/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.1.0"
edition = "2021"
publish = false

# Its own workspace: nothing inherited from any enclosing one.
[workspace]

[dependencies]
$deps
EOF
    printf '%s\n' "$main" >"$DIR/$name/src/main.rs"
}

RUNTIME_MAIN='#[runtime::main]
async fn main() {
    let h = runtime::spawn(async { 1 + 1 });
    println!("hello {}", h.await.unwrap());
}'
mkproject hello-runtime "runtime = { path = \"$REPO/runtime\", default-features = false, features = [\"rt-multi-thread\", \"macros\"] }" "$RUNTIME_MAIN"
mkproject hello-runtime-full "runtime = { path = \"$REPO/runtime\" }" "$RUNTIME_MAIN"

TOKIO_MAIN='#[tokio::main]
async fn main() {
    let h = tokio::spawn(async { 1 + 1 });
    println!("hello {}", h.await.unwrap());
}'
mkproject hello-tokio 'tokio = { version = "1", features = ["rt-multi-thread", "macros"] }' "$TOKIO_MAIN"
mkproject hello-tokio-full 'tokio = { version = "1", features = ["full"] }' "$TOKIO_MAIN"

mkproject hello-smol 'smol = "2"' \
'fn main() {
    smol::block_on(async {
        let t = smol::spawn(async { 1 + 1 });
        println!("hello {}", t.await);
    })
}'

tdir() { echo "$DIR/target-${1#hello-}"; }

# ------------------------------------------------------- resolve and fetch
for p in "${PROJECTS[@]}"; do
    (cd "$DIR/$p" && rm -f Cargo.lock && cargo generate-lockfile -q && cargo fetch -q)
done

echo "== machine"
echo "date:     $(date -u)"
echo "cores:    $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "memory:   $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "kernel:   $(uname -sr)"
echo "uptime:   $(uptime)"
echo "rustc:    $(rustc --version)"
echo "cargo:    $(cargo --version)"
echo "strip:    $(strip --version | head -1)"
echo "runtime:  $(git --no-optional-locks -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git --no-optional-locks -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"

echo
echo "== resolved versions (from each project's fresh Cargo.lock)"
for p in "${PROJECTS[@]}"; do
    printf '%-17s ' "$p:"
    (cd "$DIR/$p" && cargo tree -e normal --prefix none --offline 2>/dev/null | sed 's/ (\*)$//; s/ (proc-macro)$//; s/ (\/.*)$//' | sort -u |
        grep -E '^(tokio|tokio-macros|mio|smol|async-executor|async-io|async-task|polling|rustix|libc|crossbeam-deque|crossbeam-epoch|crossbeam-utils|parking_lot|parking_lot_core|syn|socket2|signal-hook-registry|slab|futures-lite|num_cpus) ' |
        tr '\n' ',' | sed 's/,$//; s/,/, /g')
    echo
done

# ------------------------------------------------------------- crate counts
declare -A NCRATES NEXT
for p in "${PROJECTS[@]}"; do
    tree=$(cd "$DIR/$p" && cargo tree -e normal --prefix none --offline | sed 's/ (\*)$//' | sort -u)
    NCRATES[$p]=$(( $(printf '%s\n' "$tree" | wc -l) - 1 ))
    # path dependencies (our own workspace crates) print as "name vX (/path)"
    NEXT[$p]=$(printf '%s\n' "$tree" | grep -vc ' (/' || true)
done

# ----------------------------------------------------- builds (interleaved)
declare -A TIMES CPUS COMPILED SIZE STRIPPED
build_once() { # project; sets LAST (wall s), LAST_CPU (user+sys s), COMPILED
    local p=$1 log tf u s
    export CARGO_TARGET_DIR; CARGO_TARGET_DIR=$(tdir "$p")
    (cd "$DIR/$p" && cargo clean -q)
    log=$(mktemp) tf=$(mktemp)
    # bash's `time`: wall, and user+sys CPU of cargo and every rustc it ran
    { TIMEFORMAT='%R %U %S'; time (cd "$DIR/$p" && cargo build --release -j"$JOBS" --offline 2>"$log"); } 2>"$tf"
    COMPILED[$p]=$(grep -c '^ *Compiling ' "$log")
    read -r LAST u s <"$tf"
    LAST_CPU=$(echo "$u + $s" | bc -l)
    rm -f "$log" "$tf"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [ "$SKIP_BUILD_TIMES" = 1 ]; then REPS_RUN=1; else REPS_RUN=$REPS; fi
echo
echo "== clean release builds (-j$JOBS), interleaved, $REPS_RUN round(s)"
for r in $(seq 1 "$REPS_RUN"); do
    for p in "${PROJECTS[@]}"; do
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        build_once "$p"
        TIMES[$p]="${TIMES[$p]:-} $LAST"
        CPUS[$p]="${CPUS[$p]:-} $LAST_CPU"
        printf 'round %d  %-17s load(1/5/15) %-15s  wall %6.2f s  cpu %6.2f s  (%s crates compiled)\n' "$r" "$p" "$load" "$LAST" "$LAST_CPU" "${COMPILED[$p]}"
    done
done

for p in "${PROJECTS[@]}"; do
    bin="$(tdir "$p")/release/$p"
    out=$("$bin")
    [ "$out" = "hello 2" ] || { echo "$p printed '$out', expected 'hello 2'" >&2; exit 1; }
    SIZE[$p]=$(stat -c %s "$bin")
    strip -o "$DIR/$p.stripped" "$bin"
    STRIPPED[$p]=$(stat -c %s "$DIR/$p.stripped")
done

# ------------------------------------------------------------------ table
ours=hello-runtime
# shellcheck disable=SC2086
ours_med=$(median ${TIMES[$ours]})
echo
echo "== footprint (ratio = row / hello-runtime; > 1 means bigger/slower than ours)"
echo
echo "| project | binary size | stripped | crates in tree (external) | crates compiled | clean release build, wall (median of $REPS_RUN) | wall, all runs | CPU user+sys (median) | ratio vs ours (stripped size / wall / CPU) |"
echo "|---|---:|---:|---:|---:|---:|---|---:|---:|"
# shellcheck disable=SC2086
ours_cpu=$(median ${CPUS[$ours]})
for p in "${PROJECTS[@]}"; do
    # shellcheck disable=SC2086
    med=$(median ${TIMES[$p]}); cpu=$(median ${CPUS[$p]})
    runs=$(for t in ${TIMES[$p]}; do printf '%.1f ' "$t"; done)
    printf '| %s | %s B | %s B | %s (%s) | %s | %.1f s | %s| %.1f s | %.2f / %.2f / %.2f |\n' \
        "$p" "${SIZE[$p]}" "${STRIPPED[$p]}" "${NCRATES[$p]}" "${NEXT[$p]}" "${COMPILED[$p]}" \
        "$med" "$runs" "$cpu" "$(echo "${STRIPPED[$p]} / ${STRIPPED[$ours]}" | bc -l)" \
        "$(echo "$med / $ours_med" | bc -l)" "$(echo "$cpu / $ours_cpu" | bc -l)"
done

# ------------------------------------------------------- --timings reports
if [ "$TIMINGS" = 1 ]; then
    echo
    echo "== cargo build --release -j$JOBS --timings: slowest units (seconds; rmeta = when dependants could start)"
    for p in "${PROJECTS[@]}"; do
        export CARGO_TARGET_DIR; CARGO_TARGET_DIR=$(tdir "$p")
        (cd "$DIR/$p" && cargo clean -q && cargo build -q --release -j"$JOBS" --offline --timings)
        html=$(ls -t "$CARGO_TARGET_DIR"/cargo-timings/cargo-timing-*.html | head -1)
        echo "-- $p ($(cut -d' ' -f1 /proc/loadavg) load before; report: $html)"
        python3 - "$html" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
m = re.search(r'const UNIT_DATA = (\[.*?\]);\n', html, re.S)
units = json.loads(m.group(1))
total = max(u["start"] + u["duration"] for u in units)
print(f"   wall {total:.1f} s, {len(units)} units, sum of unit times {sum(u['duration'] for u in units):.1f} s")
groups = {"ours (runtime*)": 0.0, "proc-macro chain (syn, quote, proc-macro2, unicode-ident, *-macros)": 0.0, "everything else": 0.0}
for u in units:
    n = u["name"]
    if n.startswith("runtime"): k = "ours (runtime*)"
    elif n in ("syn", "quote", "proc-macro2", "unicode-ident") or n.endswith("-macros"): k = "proc-macro chain (syn, quote, proc-macro2, unicode-ident, *-macros)"
    else: k = "everything else"
    groups[k] += u["duration"]
print("   unit time by group: " + "; ".join(f"{k} {v:.1f} s" for k, v in groups.items() if v))
for u in sorted(units, key=lambda u: -u["duration"])[:10]:
    tgt = u["target"].strip() or "lib"
    rm = u.get("rmeta_time")
    print(f"   {u['duration']:6.2f}  {u['name']} v{u['version']} {tgt}  (start {u['start']:.2f}" + (f", rmeta {rm:.2f}" if rm else "") + ")")
PY
    done
fi

# ------------------------------------------------------------ size split
if [ "$BLOAT" = 1 ]; then
    echo
    echo "== .text by crate (nm --size-sort -S -C on the unstripped binary; top 8 + total of named symbols)"
    for p in "${PROJECTS[@]}"; do
        bin="$(tdir "$p")/release/$p"
        echo "-- $p (.text $(size -A "$bin" | awk '$1==".text" {print $2}') B)"
        nm --size-sort -S -C "$bin" | python3 -c '
import re, sys, collections
by, total = collections.Counter(), 0
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) < 4 or parts[2] not in "tTwW":
        continue
    size, name = int(parts[1], 16), parts[3]
    name = re.sub(r"^(<(impl )?|_<|&(mut )?)+", "", name)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    by[m.group(1) if m else "[C / unnamed]"] += size
    total += size
for k, v in by.most_common(8):
    print(f"{v:10d}  {100*v/total:5.1f}%  {k}")
print(f"{total:10d}  total of named text symbols")
'
    done
fi
