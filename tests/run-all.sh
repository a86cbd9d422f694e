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

STEPS=(rust aarch64 c websocketdll autobahn peers c_examples browser pkgconfig rss differential deflate fuzz miri qemu wasm windows bench)

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
# the plain "[LABEL: ]N passed, M failed" lines (Autobahn, tests/c's checks, on-target runners),
# grouped by the step whose output they are in (the "@@step NAME" markers the driver writes), so
# the summary says what each step contributed. Steps that only build or lint contribute nothing.
total_count() {
    python3 - "$log" <<'PY'
import re, sys
steps = {}
step = "setup"
for line in open(sys.argv[1], errors="replace"):
    marker = re.fullmatch(r"@@step (\S+)\s*", line)
    if marker:
        step = marker.group(1)
        continue
    m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", line) or re.fullmatch(
        r"\s*(?:\w+: )?(\d+) passed, (\d+) failed(?:, \d+ skipped)?\s*", line)
    if m:
        counts = steps.setdefault(step, [0, 0])
        counts[0] += int(m.group(1))
        counts[1] += int(m.group(2))
for step, (passed, failed) in steps.items():
    print("  %s: contributed %d passed, %d failed" % (step, passed, failed))
print("%d passed, %d failed" % (sum(c[0] for c in steps.values()), sum(c[1] for c in steps.values())))
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
    # Clippy on every feature set that ships: the workspace with default features (the C ABI
    # with std included), the core's other sets, and the C ABI without std.
    run cargo clippy --workspace --all-targets -- -D warnings
    run cargo clippy -p wsframe --all-targets --no-default-features -- -D warnings
    run cargo clippy -p wsframe --all-targets --no-default-features --features small -- -D warnings
    run cargo clippy -p wsframe --all-targets --features std -- -D warnings
    run cargo clippy -p wsframe --all-targets --features testing -- -D warnings
    # The C ABI without std is built as tests/c builds it: panic = "abort" and its own panic
    # handler (without one, a no_std staticlib/cdylib cannot be built at all).
    run env CARGO_PROFILE_DEV_PANIC=abort cargo clippy -p wsframe-ffi --all-targets \
        --no-default-features --features panic-handler -- -D warnings
    run cargo test --workspace
    # The C ABI's unit tests without std (no catch_unwind guard, no alloc).
    run cargo test -p wsframe-ffi --no-default-features
    # The crate is no_std by default; also test it with the `std` conveniences on, and with
    # default features off (no `close-reasons`: the failure Close carries the code only).
    # --show-output: `kernels::tests::wide_kernel_ran` prints which vector kernel the masking
    # entry points ran ("AVX2 kernel: N buffers masked, ..."), or that AVX2 did not run on this
    # CPU, so a green run without the AVX2 path shows it.
    run cargo test -p wsframe --features std -- --show-output
    run cargo test -p wsframe --no-default-features --lib
    # The `small` build (flash over speed: byte-loop masking, the UTF-8 DFA, no decoder fast path).
    run cargo test -p wsframe --no-default-features --features small
    # Ready for crates.io and docs.rs: lint-clean with every feature (missing docs included: the
    # crate warns on them, -D warnings makes that fatal), docs without a warning, and the
    # packaged crate builds on its own (`cargo package` verifies by building it; --allow-dirty
    # so that a tree with local edits can run the step too).
    run cargo clippy -p wsframe --all-features -- -D warnings
    run env RUSTDOCFLAGS="-D warnings" cargo doc -p wsframe --all-features --no-deps
    run cargo package -p wsframe --allow-dirty
    # No import circles between sibling modules (issue #11): the core, the C ABI, websocket.dll.
    run python3 tests/structure/circles.py core/src ffi/src ffi/websocket/src
}

# --- aarch64: the core's lib tests cross-built for aarch64, run under qemu-user (NEON kernel) ----
install_aarch64() {
    run bash tests/aarch64/run.sh --install
}

step_aarch64() {
    # Prints "NEON kernel: N buffers masked, compared with the scalar oracle".
    run bash tests/aarch64/run.sh
}

# --- autobahn: the Autobahn Testsuite against the Rust echo examples, both roles: cases 1-10 -----
# (301) and rows 1-9 of every permessage-deflate group 12.1-12.5 and 13.1-13.7 (108 of the 216:
# rows 10-18 are ~80 % of a full run's time; tests/autobahn/run-deflate-full.sh runs all 216).
# 409 cases per role; every one must be OK (UNIMPLEMENTED 12.*/13.* fails: deflate is on).
install_autobahn() {
    run bash tests/autobahn/install.sh
}

step_autobahn() {
    local rows cases
    rows=$(printf '"%s", ' {12.{1..5},13.{1..7}}.{1..9})
    cases="[\"1.*\", \"2.*\", \"3.*\", \"4.*\", \"5.*\", \"6.*\", \"7.*\", \"8.*\", \"9.*\", \"10.*\", ${rows%, }]"
    # The budget covers a busy machine (several suites at once slowed 12.x/13.x ~3x).
    local budget=${WSF_AUTOBAHN_TIMEOUT:-2400}
    run env WSF_AUTOBAHN_CASES="$cases" WSF_AUTOBAHN_TIMEOUT="$budget" bash tests/autobahn/run.sh server
    run env WSF_AUTOBAHN_CASES="$cases" WSF_AUTOBAHN_TIMEOUT="$budget" bash tests/autobahn/run.sh client
}

# --- peers: Python websockets and Node ws with permessage-deflate against the Rust echo ---------
# examples, both directions (tests/peers/run.sh): negotiated parameters checked on both sides,
# text/binary 0 B-1 MiB byte-exact, compression on both ways (~10 s)
install_peers() {
    run bash tests/peers/run.sh --install
}

step_peers() {
    run bash tests/peers/run.sh
}

# --- c: the C ABI (libwsframe, include/wsframe.h) from C99 and C++17 -------------------------
# Header freshness, symbol coverage, plain / valgrind / ASan+UBSan / no_std runs (tests/c/run.sh).
install_c() {
    run bash tests/c/run.sh --install
}

step_c() {
    run bash tests/c/run.sh
}

# --- websocketdll: the websocket.dll drop-in (ffi/websocket) natively: exports, header, the C99 ---
# conformance suite against the shared and static library, under valgrind and ASan+UBSan; then
# Autobahn (server mode) against the echo server written against the websocket.dll API.
install_websocketdll() {
    run bash tests/websocketdll/run.sh --install
    run bash tests/autobahn/install.sh
}

step_websocketdll() {
    # The layer without std, linted as the Windows DLL builds it (ffi/windows/build.sh: an rlib,
    # panic = "abort"; its allocator and panic handler come from wsframe-ffi's windows-dll): clippy
    # as the compiler of `cargo rustc --crate-type rlib`, which `cargo clippy` cannot select.
    run env RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)" CARGO_PROFILE_DEV_PANIC=abort \
        cargo rustc -p wsframe-websocket --lib --crate-type rlib --no-default-features -- -D warnings
    run bash tests/websocketdll/run.sh
    run env WSF_ECHO_SERVER_CMD="$root/target/websocketdll/echo_server_websocketdll" \
        WSF_AUTOBAHN_AGENT=wsframe-websocketdll WSF_AUTOBAHN_LABEL=websocketdll-server \
        bash tests/autobahn/run.sh server
}

# --- c_examples: the C echo examples (ffi/examples) under the Autobahn Testsuite, both modes -----
install_c_examples() {
    run bash tests/autobahn/install.sh
}

step_c_examples() {
    # As step_autobahn for the Rust examples: 1-10 and, with permessage-deflate negotiated (the
    # examples' default), rows 1-9 of every 12.x/13.x group; 409 cases per role, every one OK. All
    # 216 of 12/13: WSF_ECHO_SERVER_CMD=... WSF_ECHO_CLIENT_CMD=... WSF_AUTOBAHN_AGENT=wsframe-c
    # WSF_DEFLATE_FULL_PREFIX=c- bash tests/autobahn/run-deflate-full.sh.
    local rows cases budget=${WSF_AUTOBAHN_TIMEOUT:-2400}
    rows=$(printf '"%s", ' {12.{1..5},13.{1..7}}.{1..9})
    cases="[\"1.*\", \"2.*\", \"3.*\", \"4.*\", \"5.*\", \"6.*\", \"7.*\", \"8.*\", \"9.*\", \"10.*\", ${rows%, }]"
    run make -C ffi/examples
    run env WSF_ECHO_SERVER_CMD="$root/ffi/examples/build/echo_server" WSF_AUTOBAHN_AGENT=wsframe-c \
        WSF_AUTOBAHN_LABEL=c-server WSF_AUTOBAHN_CASES="$cases" WSF_AUTOBAHN_TIMEOUT="$budget" \
        bash tests/autobahn/run.sh server
    run env WSF_ECHO_CLIENT_CMD="$root/ffi/examples/build/echo_client" WSF_AUTOBAHN_AGENT=wsframe-c \
        WSF_AUTOBAHN_LABEL=c-client WSF_AUTOBAHN_CASES="$cases" WSF_AUTOBAHN_TIMEOUT="$budget" \
        bash tests/autobahn/run.sh client
    # 300 concurrent clients, capacity 256: each gets a 101 or a 503 with Retry-After; then GET /
    # returns the page (~2 s). Again with every client offering permessage-deflate: 256
    # connections holding their compression memory at once.
    run python3 ffi/examples/capacity_test.py --page ffi/examples/index.html -- \
        "$root/ffi/examples/build/echo_server"
    run python3 ffi/examples/capacity_test.py --deflate -- "$root/ffi/examples/build/echo_server"
    # echo_client fails the handshake on permessage-deflate answers that break RFC 7692 §7.1 and
    # sends nothing after it (9 raw-server scenarios, ~1 s).
    run python3 ffi/examples/deflate_answer_test.py "$root/ffi/examples/build/echo_client"
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

# --- deflate: the codecs vs the system zlib, windows 8..=15 (tests/deflate): the inflater against
# zlib's raw inflate, the compressor's output inflated by zlib, and a ratio/speed report against
# zlib levels 1 and 6 (printed, not asserted) ----------------------------------------------------
install_deflate() {
    if ! grep -q 'ok installed' <<<"$(dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null)"; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zlib1g-dev
    fi
}

step_deflate() {
    run bash -c 'cd tests/deflate && cargo test --release -- --nocapture'
}

install_fuzz() {
    install_deflate # the inflate and compress targets' oracle is the system zlib
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
    # The `small` build's one extra unsafe block (kernels::utf8::dfa_str:
    # Close reasons validated by the DFA, then from_utf8_unchecked) and the
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

# --- windows: libwsframe as a Windows DLL, the C suite and the Winsock examples under Wine -------
# (tests/windows/run.sh): the build (ffi/windows/build.sh), the Windows 7 import allowlist, the C99
# and C++17 suite against the DLL and the static library, the 503 capacity answer, Autobahn 1-10
# in both roles, Wine's WinHTTP client (tests/winhttp). 3-4 min (measured 203 s on a loaded 2-core
# machine; Autobahn 80-130 s as server, 40-55 s as client, WinHTTP ~20 s).
install_windows() {
    run bash tests/windows/run.sh --install
}

step_windows() {
    # The Windows-only code (ffi/src/windows.rs: allocator, panic handler) linted as the DLL is
    # built: no_std, panic = "abort", feature windows-dll.
    run env CARGO_PROFILE_DEV_PANIC=abort cargo clippy -p wsframe-ffi --target x86_64-pc-windows-gnu \
        --no-default-features --features windows-dll -- -D warnings
    run bash tests/windows/run.sh
}

# --- bench: every criterion benchmark once (a smoke test; tests never assert on time) -------------
install_bench() {
    install_deflate # benches/deflate.rs links the system zlib (libz.so) as a peer
}

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
    echo "@@step $step" >>"$log"
    start=$SECONDS
    "step_$step"
    elapsed=$((SECONDS - start))
    summary+=("$step: ok, ${elapsed} s")
done

banner "all steps passed"
printf '  %s\n' "${summary[@]}"
total_count
