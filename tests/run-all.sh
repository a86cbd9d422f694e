#!/usr/bin/env bash
# THE test command: `bash tests/run-all.sh` (CI runs it through .ci/run on a fresh clone).
#
# A list of steps. Each step NAME has a function `step_NAME` and may have `install_NAME`, which
# must be idempotent (a fresh machine has none of the extras). All installs of the selected steps
# run first, then the steps in order; the first failure stops the run with a non-zero status.
#
#   WSF_STEPS="rust autobahn" bash tests/run-all.sh    # select steps (default: all, in order)
#
# To add a step: write step_NAME (and install_NAME if it needs tools) and append NAME to STEPS.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

STEPS=(rust c autobahn c_examples browser pkgconfig rss differential deflate_compress fuzz miri qemu wasm bench)

banner() {
    printf '\n==== %s ====\n' "$*"
}

# Print a command, then run it; its output is also kept in $log for the closing count.
log=$(mktemp)
run() {
    printf '+ %s\n' "$*"
    "$@" 2>&1 | tee -a "$log"
}

# The closing count over every step: libtest's "test result: ok. N passed; M failed" lines plus
# the plain "N passed, M failed" lines (Autobahn; on-target runners later).
total_count() {
    python3 - "$log" <<'PY'
import re, sys
passed = failed = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", line) or re.fullmatch(
        r"\s*(?:\w+: )?(\d+) passed, (\d+) failed(?:, \d+ skipped)?\s*", line)
    if m:
        passed += int(m.group(1))
        failed += int(m.group(2))
print("%d passed, %d failed" % (passed, failed))
PY
}

# Idempotent install helpers for steps (no network when already present).
# rustup_component NAME [TOOLCHAIN], rustup_target TRIPLE [TOOLCHAIN]
rustup_component() {
    local toolchain=${2:+--toolchain=$2}
    grep -q "^$1" <<<"$(rustup component list --installed ${toolchain:+"$toolchain"})" ||
        run rustup component add ${toolchain:+"$toolchain"} "$1"
}
rustup_target() {
    local toolchain=${2:+--toolchain=$2}
    grep -qx "$1" <<<"$(rustup target list --installed ${toolchain:+"$toolchain"})" ||
        run rustup target add ${toolchain:+"$toolchain"} "$1"
}

# --- rust: format, lints, unit/integration/doc tests --------------------------------------------
install_rust() {
    rustup_component rustfmt
    rustup_component clippy
}

step_rust() {
    run cargo fmt --all -- --check
    run cargo clippy --workspace --all-targets -- -D warnings
    run cargo test --workspace
    # The crate is no_std by default; also test it with the `std` conveniences on, and with
    # default features off (no `close-reasons`: the failure Close carries the code only).
    run cargo test -p wsframe --features std
    run cargo test -p wsframe --no-default-features --lib
    # The `small` build (flash over speed: byte-loop masking, the UTF-8 DFA, no decoder fast path).
    run cargo test -p wsframe --no-default-features --features small
}

# --- autobahn: the Autobahn Testsuite (cases 1-10) against the echo examples ------------------
install_autobahn() {
    run bash tests/autobahn/install.sh
}

step_autobahn() {
    run bash tests/autobahn/run.sh server
    run bash tests/autobahn/run.sh client
}

# --- c: the C ABI (libwsframe, include/wsframe.h) from C99 and C++17 -------------------------
# Header freshness, symbol coverage, plain / valgrind / ASan+UBSan / no_std runs (tests/c/run.sh).
install_c() {
    run bash tests/c/run.sh --install
}

step_c() {
    run bash tests/c/run.sh
}

# --- c_examples: the C echo examples (ffi/examples) under the Autobahn Testsuite, both modes -----
install_c_examples() {
    run bash tests/autobahn/install.sh
}

step_c_examples() {
    run make -C ffi/examples
    run env WSF_ECHO_SERVER_CMD="$root/ffi/examples/build/echo_server" WSF_AUTOBAHN_AGENT=wsframe-c \
        WSF_AUTOBAHN_LABEL=c-server bash tests/autobahn/run.sh server
    run env WSF_ECHO_CLIENT_CMD="$root/ffi/examples/build/echo_client" WSF_AUTOBAHN_AGENT=wsframe-c \
        WSF_AUTOBAHN_LABEL=c-client bash tests/autobahn/run.sh client
}

# --- browser: headless Debian Chromium against the C echo server's page ------------------------
install_browser() {
    run bash tests/browser/run.sh --install
}

step_browser() {
    run bash tests/browser/run.sh
}

# --- pkgconfig: ffi/install.sh into a temporary prefix, a C program built with pkg-config ------
step_pkgconfig() {
    run bash tests/pkgconfig/run.sh
}

# --- rss: the C echo server stays flat under endless fragments and abandoned handshakes -------
step_rss() {
    run bash tests/rss/run.sh
}

# --- hardening: differential vs tungstenite, fuzz smoke, Miri (docs/HARDENING.md) ---------------
step_differential() {
    run bash -c 'cd tests/differential && cargo test --release'
}

# --- deflate_compress: the compressor inflated by the system zlib at every window; ratio and
# speed against zlib levels 1 and 6 (printed, not asserted) -----------------------------------
install_deflate_compress() {
    if ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
        run sudo_if_needed apt-get update -qq
        run sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev
    fi
}

sudo_if_needed() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

step_deflate_compress() {
    run bash -c 'cd tests/deflate-compress && cargo test --release -- --nocapture'
}

install_fuzz() {
    grep -q '^nightly' <<<"$(rustup toolchain list)" || run rustup toolchain install nightly --profile minimal
    cargo fuzz --version >/dev/null 2>&1 || run cargo install --locked cargo-fuzz
}

step_fuzz() {
    # Every target for WSF_FUZZ_SECONDS (default 10) after one build; see fuzz/run.sh.
    run bash fuzz/run.sh "${WSF_FUZZ_SECONDS:-10}"
}

install_miri() {
    grep -q '^nightly' <<<"$(rustup toolchain list)" || run rustup toolchain install nightly --profile minimal
    rustup_component miri nightly
    rustup_component rust-src nightly
}

step_miri() {
    run bash tests/miri.sh
    # The `small` build's one extra unsafe block (mask::utf8_str: Close
    # reasons validated by the DFA, then from_utf8_unchecked) and the
    # tests that tie the DFA to core::str::from_utf8 (~70 s).
    run bash tests/miri.sh --no-default-features --features small --lib -- close:: utf8::small::
}

# --- qemu: bare metal (tests/qemu/run.sh): scenarios on Cortex-M3/M4F under QEMU with defmt, ------
# riscv32 build, panic-freedom proven by the linker, footprint
install_qemu() {
    run bash -c 'cd tests/qemu && source ./setup.sh'
}

step_qemu() {
    run bash tests/qemu/run.sh
}

# --- wasm: core tests on wasm32-wasip1, the C ABI as a wasm module under Node (tests/wasm/run.sh) ---
install_wasm() {
    rustup_target wasm32-wasip1
    rustup_target wasm32-unknown-unknown
}

step_wasm() {
    run bash tests/wasm/run.sh
}

# --- bench: every criterion benchmark once (a smoke test; tests never assert on time) -------------
step_bench() {
    # Each benchmark runs once and checks that every implementation produced the same bytes.
    run cargo bench -p wsframe-bench -- --test
}

# --- driver -------------------------------------------------------------------------------------
read -r -a selected <<<"${WSF_STEPS:-${STEPS[*]}}"
for step in "${selected[@]}"; do
    if ! declare -F "step_$step" >/dev/null; then
        echo "run-all: unknown step '$step' (known: ${STEPS[*]})" >&2
        exit 2
    fi
done

current="setup"
summary=()
on_exit() {
    local rc=$?
    if [[ $rc -ne 0 ]]; then
        banner "FAILED in '$current' (exit status $rc)"
    fi
    rm -f "$log"
}
trap on_exit EXIT

for step in "${selected[@]}"; do
    if declare -F "install_$step" >/dev/null; then
        current="install_$step"
        banner "install: $step"
        "install_$step"
    fi
done

for step in "${selected[@]}"; do
    current="$step"
    banner "step: $step"
    start=$SECONDS
    "step_$step"
    elapsed=$((SECONDS - start))
    summary+=("$step: ok, ${elapsed} s")
done

banner "all steps passed"
printf '  %s\n' "${summary[@]}"
total_count
