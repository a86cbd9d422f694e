#!/usr/bin/env bash
# Runs every cargo-fuzz target for a while, one after the other.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 15 s, all targets
#   FUZZ_RUNS=10000000 fuzz/run.sh 0 connection      a fixed number of executions
#   FUZZ_NO_STD=1 fuzz/run.sh 15 mask                also fuzz the core built without
#                                                    `std` (compile-time kernel choice)
#
# Seeds (committed) are in fuzz/seeds/TARGET; what the fuzzer finds goes to
# fuzz/corpus/TARGET (not committed) and crashes to fuzz/artifacts/TARGET.
# Installs what it needs, idempotently: the nightly toolchain and cargo-fuzz.
# Ends with "fuzz: N passed, M failed"; exits non-zero if any target failed.
set -euo pipefail
cd "$(dirname "$0")"

secs=${1:-15}
shift || true
all=(connection request_head response_head frame_header utf8_stream mask inflate compress connection_deflate)
if [ -d ../ffi/src ] && grep -q '^name = "ffi"' Cargo.toml; then
    all+=(ffi)
fi
targets=("${@:-${all[@]}}")

if ! grep -q '^nightly' <<<"$(rustup toolchain list)"; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

limit=(-max_total_time="$secs")
if [ -n "${FUZZ_RUNS:-}" ]; then
    limit=(-runs="$FUZZ_RUNS")
fi

# -a: debug assertions (and overflow checks) on, as in `cargo test`.
build=(+nightly fuzz build -O -a)
run=(+nightly fuzz run -O -a)
cargo "${build[@]}"

passed=0
failed=0
run_one() { # TARGET EXTRA_CARGO_ARGS...
    local target=$1 label=$1
    shift
    [ $# -gt 0 ] && label="$target ($*)"
    mkdir -p "corpus/$target"
    local log="corpus/$target.log"
    echo "== fuzz $label: ${FUZZ_RUNS:-$secs s}"
    if cargo "${run[@]}" "$@" "$target" "corpus/$target" "seeds/$target" -- \
        "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' '
        echo
        passed=$((passed + 1))
    else
        tail -n 40 "$log"
        echo "FAILED: $label (input in fuzz/artifacts/$target/)"
        failed=$((failed + 1))
    fi
}

for target in "${targets[@]}"; do
    run_one "$target"
done
# In its own target directory: other features, other binaries.
if [ -n "${FUZZ_NO_STD:-}" ] && [[ " ${targets[*]} " == *" mask "* ]]; then
    run_one mask --no-default-features --target-dir target/no-std
fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
