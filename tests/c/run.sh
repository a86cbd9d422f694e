#!/usr/bin/env bash
# The C ABI tests: header freshness, symbol coverage, then the C99 and C++17
# programs (tests/c/*.c compiled both as C99 and as C++17, plus main_c99.c /
# main_cpp17.cpp) built with -Wall -Wextra -Wpedantic -Werror and run
#   1. plain (C99 linked to libwsframe.a, C++17 to libwsframe.so),
#   2. under ASan+UBSan, the Rust side built with -Zsanitizer=address
#      (checked to be really instrumented, see step asan-canary),
#   3. under valgrind (--error-exitcode=1, zero errors, no leaks),
#   4. against the no_std static library (panic = "abort", no alloc),
# and the no_std library for Cortex-M3 (thumbv7m-none-eabi); the Windows
# numbers of the header are checked against mingw-w64's headers.
#
#   bash tests/c/run.sh             # everything; ends with "c: N passed, M failed"
#                                   # (N: checks, summed over the steps that run them)
#   bash tests/c/run.sh --install   # only install what it needs (idempotent)
#
# Outputs go to target/c/ (gitignored). Needs gcc, g++, valgrind, mingw-w64
# (x86_64-w64-mingw32-gcc and its headers), zlib's headers, a nightly
# toolchain (ASan) and the thumbv7m-none-eabi target; installs the missing ones.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/c"
TESTS="$ROOT/tests/c"
WARN=(-Wall -Wextra -Wpedantic -Werror)
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
HOST=x86_64-unknown-linux-gnu
NATIVE_LIBS=(-lpthread -ldl -lm)
# zlib_peer.c (the system zlib as a permessage-deflate peer) is built here
# only: the Windows run of the suite (tests/windows/run.sh) has no zlib.
SUITE=("$TESTS"/harness.c "$TESTS"/t_*.c "$TESTS"/zlib_peer.c)
ZLIB_CFLAGS=(-DWSF_TEST_ZLIB)
ZLIB_LIBS=(-lz)

# The closing count counts checks, not steps: each step that runs the test
# programs (or compiles assertions) reports "LABEL: N checks passed, M
# failed" lines, summed per step; build steps count nothing. A failed step
# that reports no failed check counts as one failure, so nothing is hidden.
passed=0
failed=0
failures=()
contributions=()

# step NAME COMMAND...: runs a step, logs its output to $OUT/logs/NAME.log.
step() {
    local name=$1 ok=1 counts p f
    shift
    mkdir -p "$OUT/logs"
    local log="$OUT/logs/$name.log"
    printf '%-28s ' "$name"
    "$@" >"$log" 2>&1 || ok=0
    counts=$(sed -nE 's/^[^ ]+: ([0-9]+) checks passed, ([0-9]+) failed.*/\1 \2/p' "$log" |
        awk '{p += $1; f += $2} END {print p + 0, f + 0}')
    read -r p f <<<"$counts"
    if ((!ok && f == 0)); then
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if ((p + f)); then
        contributions+=("$name $p/$f")
    fi
    if ((ok)); then
        echo "ok   $(tail -n 1 "$log" | cut -c1-90)"
    else
        failures+=("$name")
        echo "FAIL (log: ${log#"$ROOT"/})"
        tail -n 25 "$log" | sed 's/^/    /'
    fi
}

# ---- installs (idempotent) ---------------------------------------------------

install() {
    local missing=()
    command -v gcc >/dev/null || missing+=(gcc)
    command -v g++ >/dev/null || missing+=(g++)
    command -v valgrind >/dev/null || missing+=(valgrind)
    [[ -f /usr/include/zlib.h ]] || missing+=(zlib1g-dev)
    # mingw-w64's winhttp.h and winerror.h: the independent source of the
    # Windows numbers (step windows-numbers).
    command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64-win32)
    if ((${#missing[@]})); then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    grep -q '^nightly' <<<"$(rustup toolchain list)" ||
        rustup toolchain install nightly --profile minimal
    grep -qx thumbv7m-none-eabi <<<"$(rustup target list --installed)" ||
        rustup target add thumbv7m-none-eabi
    # Installs the pinned cbindgen on first use.
    bash "$TESTS/check-header.sh" >/dev/null
}

# ---- steps ------------------------------------------------------------------

# Every function the header declares is called by the tests, and every
# wsf_ symbol the shared library exports is declared in the header.
symbols() {
    local declared exported missing=0 name
    declared=$(grep -oE '\bwsf_[a-z0-9_]+\(' include/wsframe.h | tr -d '(' | sort -u)
    exported=$(nm -D --defined-only "$OUT/lib/libwsframe.so" | awk '$3 ~ /^wsf_/ {print $3}' | sort -u)
    for name in $declared; do
        if ! grep -qE "\b$name\(" "$TESTS"/t_*.c "$TESTS"/harness.c "$TESTS"/main_*; then
            echo "not exercised by tests/c: $name"
            missing=1
        fi
    done
    for name in $exported; do
        grep -qx "$name" <<<"$declared" || { echo "exported but not in the header: $name"; missing=1; }
    done
    [[ $missing == 0 ]] &&
        echo "$(wc -l <<<"$declared") functions declared, $(wc -l <<<"$exported") exported, all exercised"
}

# The std build (default features), installed as libwsframe.{a,so}.
build_rust() {
    cargo build -p wsframe-ffi --release &&
        mkdir -p "$OUT/lib" &&
        cp target/release/libwsframe_ffi.a "$OUT/lib/libwsframe.a" &&
        cp target/release/libwsframe_ffi.so "$OUT/lib/libwsframe.so"
}

# build_c DIR CFLAGS... -- LINK...: the C99 and C++17 programs into DIR.
build_c() {
    local dir=$1 cflags=() link=()
    shift
    while [[ $1 != -- ]]; do cflags+=("$1"); shift; done
    shift
    link=("$@")
    mkdir -p "$dir"
    gcc -std=c99 "${WARN[@]}" "${ZLIB_CFLAGS[@]}" "${cflags[@]}" -Iinclude -I"$TESTS" "${SUITE[@]}" \
        "$TESTS/main_c99.c" -o "$dir/test_c99" "${link[@]}" "${ZLIB_LIBS[@]}" &&
        g++ -std=c++17 "${WARN[@]}" "${ZLIB_CFLAGS[@]}" "${cflags[@]}" -Iinclude -I"$TESTS" -x c++ \
            "${SUITE[@]}" -x none "$TESTS/main_cpp17.cpp" -o "$dir/test_cpp17" "${link[@]}" \
            "${ZLIB_LIBS[@]}" &&
        echo "built $dir/test_c99 and $dir/test_cpp17"
}

build_plain() {
    # C99 links the static library, C++17 the shared one (both artifacts used).
    mkdir -p "$OUT/plain" &&
        gcc -std=c99 "${WARN[@]}" -DWSF_ALLOC "${ZLIB_CFLAGS[@]}" -Iinclude -I"$TESTS" "${SUITE[@]}" \
            "$TESTS/main_c99.c" -o "$OUT/plain/test_c99" "$OUT/lib/libwsframe.a" "${NATIVE_LIBS[@]}" \
            "${ZLIB_LIBS[@]}" &&
        g++ -std=c++17 "${WARN[@]}" -DWSF_ALLOC "${ZLIB_CFLAGS[@]}" -Iinclude -I"$TESTS" -x c++ \
            "${SUITE[@]}" -x none "$TESTS/main_cpp17.cpp" -o "$OUT/plain/test_cpp17" -L"$OUT/lib" \
            -lwsframe -Wl,-rpath,"$OUT/lib" "${ZLIB_LIBS[@]}" &&
        grep -qF "$OUT/lib/libwsframe.so" <<<"$(ldd "$OUT/plain/test_cpp17")" &&
        echo "built; test_cpp17 loads $OUT/lib/libwsframe.so"
}

run_plain() { "$OUT/plain/test_c99" && "$OUT/plain/test_cpp17"; }

valgrind_run() {
    local prog
    for prog in test_c99 test_cpp17; do
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            "$OUT/plain/$prog" || return 1
    done
}

ASAN_LIB="$ROOT/target/asan/$HOST/release/libwsframe_ffi.a"

build_asan_rust() {
    # The std library is not rebuilt (no -Zbuild-std, no rust-src needed):
    # wsframe, its dependencies and the FFI crate are instrumented.
    local n
    RUSTFLAGS="-Zsanitizer=address" cargo +nightly build -p wsframe-ffi --release \
        --target "$HOST" --target-dir target/asan || return 1
    n=$(nm "$ASAN_LIB" 2>/dev/null | grep -c '__asan_report_load')
    [[ $n -gt 0 ]] && echo "Rust static library instrumented ($n __asan_report_load references)"
}

build_asan() {
    build_c "$OUT/asan" -DWSF_ALLOC "${SAN[@]}" -- "${SAN[@]}" "$ASAN_LIB" "${NATIVE_LIBS[@]}" || return 1
    # Captured first: `ldd | grep -q` can die of SIGPIPE under pipefail.
    local libs
    libs=$(ldd "$OUT/asan/test_c99") || return 1
    grep -q libasan <<<"$libs" && grep -q libubsan <<<"$libs" && echo "libasan and libubsan linked"
}

# Proof that ASan sees inside the Rust code: a C caller lies about a buffer
# length, the overflowing read happens in Rust (wsf_handshake_is_token). The
# instrumented library must report it; the plain one cannot (control).
asan_canary() {
    gcc -std=c99 "${WARN[@]}" "${SAN[@]}" -Iinclude "$TESTS/asan_canary.c" -o "$OUT/asan/canary" \
        "$ASAN_LIB" "${NATIVE_LIBS[@]}" || return 1
    gcc -std=c99 "${WARN[@]}" -Iinclude "$TESTS/asan_canary.c" -o "$OUT/asan/canary_plain" \
        "$OUT/lib/libwsframe.a" "${NATIVE_LIBS[@]}" || return 1
    local report
    report=$(ASAN_OPTIONS=symbolize=1 "$OUT/asan/canary" 2>&1) && {
        echo "instrumented canary did not fail"
        return 1
    }
    grep -q 'heap-buffer-overflow' <<<"$report" || { echo "$report"; return 1; }
    grep -qE '#[0-9]+ .*(is_token|wsframe)' <<<"$report" || {
        echo "$report"
        echo "overflow not reported from inside the Rust code"
        return 1
    }
    "$OUT/asan/canary_plain" || return 1
    echo "ASan caught the overflow inside Rust; the uninstrumented control ran clean"
}

run_asan() {
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$OUT/asan/test_c99" &&
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
            "$OUT/asan/test_cpp17"
}

NOSTD_LIB="$ROOT/target/ffi-nostd/$HOST/release/libwsframe_ffi.a"

# Without std (and so without alloc or catch_unwind); a host static library
# needs panic = "abort", set for this build only (the workspace profiles keep
# unwinding, which the std build's catch_unwind guard needs). The host's
# precompiled `core` still refers to rust_eh_personality from unused unwind
# tables: --gc-sections drops them (firmware targets' `core` has none).
build_nostd_host() {
    CARGO_PROFILE_RELEASE_PANIC=abort cargo build -p wsframe-ffi --release --no-default-features \
        --features panic-handler --target "$HOST" --target-dir target/ffi-nostd &&
        nm -C "$NOSTD_LIB" >"$OUT/logs/nostd-nm.txt" 2>/dev/null &&
        ! grep -q ' std::' "$OUT/logs/nostd-nm.txt" &&
        build_c "$OUT/nostd" -- "$NOSTD_LIB" -Wl,--gc-sections &&
        echo "no_std library (no std:: symbols) linked into both programs"
}

run_nostd() { "$OUT/nostd/test_c99" && "$OUT/nostd/test_cpp17"; }

# Cortex-M3: panic = "abort" is the target's default.
build_thumbv7m() {
    cargo rustc -p wsframe-ffi --release --lib --crate-type staticlib --no-default-features \
        --features panic-handler --target thumbv7m-none-eabi --target-dir target/ffi-nostd &&
        echo "target/ffi-nostd/thumbv7m-none-eabi/release/libwsframe_ffi.a:" \
            "$(stat -c %s target/ffi-nostd/thumbv7m-none-eabi/release/libwsframe_ffi.a) bytes"
}

# The Windows numbers of wsframe.h against mingw-w64's winhttp.h and
# winerror.h: every _Static_assert in windows_numbers.c is one check.
windows_numbers() {
    local n
    n=$(grep -cE '^(SAME|_Static_assert)\(' "$TESTS/windows_numbers.c")
    x86_64-w64-mingw32-gcc -std=c11 "${WARN[@]}" -fsyntax-only -Iinclude "$TESTS/windows_numbers.c" &&
        echo "windows: $n checks passed, 0 failed (static assertions against winhttp.h, winerror.h)"
}

measure() {
    local fns lines size
    fns=$(grep -oE '\bwsf_[a-z0-9_]+\(' include/wsframe.h | sort -u | wc -l)
    lines=$(wc -l <include/wsframe.h)
    size=$("$OUT/plain/test_c99" 2>/dev/null | sed -n 's/.*wsf_conn is \([0-9]*\) bytes.*/\1/p')
    echo "exported functions: $fns; header: $lines lines; sizeof wsf_conn: $size bytes"
}

# ---- driver -----------------------------------------------------------------

if [[ "${1:-}" == "--install" ]]; then
    install
    exit $?
fi

echo "== C ABI tests (logs in target/c/logs) =="
step install install
step header-up-to-date bash "$TESTS/check-header.sh"
step rust-build build_rust
step symbols-covered symbols
step windows-numbers windows_numbers
step build-plain build_plain
step run-plain run_plain
step valgrind valgrind_run
step asan-rust-build build_asan_rust
step asan-build build_asan
step asan-canary asan_canary
step asan-run run_asan
step nostd-host-build build_nostd_host
step nostd-host-run run_nostd
step nostd-thumbv7m-build build_thumbv7m
step measure measure

if ((${#failures[@]})); then
    echo "failed steps: ${failures[*]}"
fi
echo "checks per step (passed/failed): ${contributions[*]}; build steps count none"
echo "c: $passed passed, $failed failed"
((failed == 0))
