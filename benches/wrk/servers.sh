# Shared by run.sh and open_loop.sh (sourced, not run): the pair of servers
# they compare, built and started the same way.
#
# Before sourcing, set APP (hyper: examples/hyper_server vs.
# tokio_hyper_hello; axum: examples/axum_app, served by runtime::hyper::serve,
# vs. tokio_axum_app, the same routes with axum::serve on Tokio) and PIN
# ("SERVER_CPUS:CLIENT_CPUS" or empty). Defines:
#   SERVER_RUN / CLIENT_RUN   the taskset prefixes PIN asks for (or nothing)
#   build_servers [BIN...]    builds both servers (and these benches bins),
#                             sets TARGET_DIR, RUNTIME_BIN, TOKIO_BIN
#   SERVER_PID                the server running now; killed on exit
#   wait_for_port PORT        waits up to 10 s for something to listen
#   median N...               the median of the numbers

SERVER_RUN=()
CLIENT_RUN=()
if [ -n "$PIN" ]; then
    SERVER_RUN=(taskset -c "${PIN%%:*}")
    CLIENT_RUN=(taskset -c "${PIN##*:}")
fi

build_servers() {
    local example twin
    case "$APP" in
        hyper) example=hyper_server; twin=tokio_hyper_hello ;;
        axum) example=axum_app; twin=tokio_axum_app ;;
        *) echo "APP must be hyper or axum" >&2; exit 1 ;;
    esac
    local bins=(--bin "$twin")
    for b in "$@"; do
        bins+=(--bin "$b")
    done
    echo "== building (release)"
    cargo build --release -p runtime --features hyper,tower --example "$example"
    cargo build --release -p benches "${bins[@]}"
    TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
        sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    RUNTIME_BIN="$TARGET_DIR/release/examples/$example"
    TOKIO_BIN="$TARGET_DIR/release/$twin"
}

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "nothing listens on port $1 after 10 s" >&2
    return 1
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
