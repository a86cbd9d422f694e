#!/usr/bin/env bash
# The core's lib tests on aarch64 (the NEON masking kernel, NEON simdutf8), cross-built with
# Debian's gcc-aarch64-linux-gnu and run under qemu-user (qemu-aarch64).
#
#   tests/aarch64/run.sh              # build and run
#   tests/aarch64/run.sh --install    # the apt packages and the rustup target (idempotent)
#
# On x86-64 the NEON kernel (core/src/kernels/aarch64.rs) is never compiled; here it is, and
# `kernels::tests::wide_kernel_ran` prints "NEON kernel: N buffers masked, compared with the
# scalar oracle", N counted by the kernel itself while the test runs (--show-output).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

triple=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu

if [[ ${1:-} == --install ]]; then
    missing=()
    command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
    command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
    if ((${#missing[@]})); then
        sudo=$( ((EUID)) && echo sudo || true)
        $sudo apt-get update
        $sudo apt-get install -y --no-install-recommends "${missing[@]}"
    fi
    grep -qx "$triple" <<<"$(rustup target list --installed)" || rustup target add "$triple"
    exit 0
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $sysroot"
# Optimised test builds (debug assertions and overflow checks stay on): unoptimised, the lib
# tests took 435 s under emulation on a loaded 2-core machine.
export CARGO_PROFILE_TEST_OPT_LEVEL=2
start=$SECONDS
# `std` too, so the run-time paths of the build are the ones a Linux user gets.
cargo test -p wsframe --features std --lib --target "$triple" -- --show-output
echo "aarch64: lib tests under qemu-aarch64 in $((SECONDS - start)) s"
