#!/usr/bin/env bash
# Builds the Windows libraries (x86_64-pc-windows-gnu, Debian's mingw-w64) into
# target/windows/dist/:
#
#   bash ffi/windows/build.sh
#
# For each library NAME in LIBS below (wsframe: libwsframe, include/wsframe.h; websocket: the
# websocket.dll drop-in, include/websocket.h):
#   NAME.dll          the DLL; it loads on Windows 7 SP1 (no_std: only KERNEL32, msvcrt and, for
#                     websocket.dll, ADVAPI32's RtlGenRandom; checked by tests/windows/run.sh
#                     against tests/windows/win7-imports.txt)
#   libNAME.dll.a     its import library (mingw: -lNAME)
#   libNAME.a         the static library (mingw only; link with -lNAME, nothing else needed;
#                     libwebsocket.a also holds libwsframe's functions: link it instead of
#                     libwsframe.a, not beside it)
#   NAME.def          its exports; MSVC users make an import library with
#                     `lib /def:NAME.def /machine:x64 /out:NAME.lib`
# websocket.dll exports exactly the 13 functions of the WebSocket Protocol Component API under
# their undecorated names, as the system import library (mingw-w64's libwebsocket.a) expects on
# x64: a program linked with -lwebsocket runs with it beside the exe.
#
# How: the code is built no_std (panic = "abort", LTO) into a static library, in its own target
# dir (target/windows/cargo; the workspace profiles keep unwinding for the std build, as in
# tests/c/run.sh); the .def lists the functions the C header declares; mingw's gcc links the DLL
# from that static library with that .def (exactly those exports, the DLL's own name) and writes
# the import library. So the DLL and the static library hold the same code.
#   wsframe:   cargo builds wsframe-ffi (feature windows-dll) as a staticlib.
#   websocket: cargo builds wsframe-websocket (no_std + alloc) and wsframe-ffi (windows-dll: the
#              process-heap allocator and the panic handler) as rlibs, and rustc compiles
#              ffi/windows/websocket_dll.rs, which links the two, into the staticlib (why not
#              a Cargo package: that file's docs).
#
# Needs: rustup target x86_64-pc-windows-gnu, gcc-mingw-w64-x86-64-win32
# (tests/run-all.sh's install_windows installs both).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET=x86_64-pc-windows-gnu
CARGO_DIR="$ROOT/target/windows/cargo"
DIST="$ROOT/target/windows/dist"
CC=x86_64-w64-mingw32-gcc

# One line per library: NAME STATIC HEADER EXPORTS
#   NAME      the DLL's base name
#   STATIC    the function that builds its static library and prints its path
#   HEADER    the C header whose functions the DLL exports
#   EXPORTS   an extended regex: the exported function names as they appear in HEADER
LIBS=(
    "wsframe static_wsframe include/wsframe.h wsf_[a-z0-9_]+"
    "websocket static_websocket include/websocket.h WebSocket[A-Za-z]+"
)

# The release profile of every Windows build: no unwinding, one LTO'd unit.
export CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1

# cargo_lib CRATE CRATE_TYPE [FEATURES]: builds CRATE's library as CRATE_TYPE (staticlib or rlib;
# no default features) and prints the artifact's path (from cargo's JSON messages).
cargo_lib() {
    local crate=$1 type=$2 features=${3:-}
    cargo rustc --quiet -p "$crate" --release --lib --crate-type "$type" --no-default-features \
        ${features:+--features "$features"} --target "$TARGET" --target-dir "$CARGO_DIR" \
        --message-format=json | python3 -c '
import json, sys
# The root unit is built last: the last artifact message is its own.
last = [m for m in map(json.loads, sys.stdin) if m.get("reason") == "compiler-artifact"][-1]
print("\n".join(f for f in last["filenames"] if f.endswith(sys.argv[1])))
' "${type/staticlib/.a}"
}

static_wsframe() {
    cargo_lib wsframe-ffi staticlib windows-dll
}

static_websocket() {
    local api runtime out="$CARGO_DIR/$TARGET/release/libwebsocket_dll.a"
    runtime=$(cargo_lib wsframe-ffi rlib windows-dll) && api=$(cargo_lib wsframe-websocket rlib) ||
        return 1
    # -L dependency: where rustc finds the core and its dependencies (by their hashes, recorded
    # in the two rlibs). Flags as the profile above.
    "${RUSTC:-rustc}" --edition 2024 --crate-type staticlib --crate-name websocket_dll --target "$TARGET" \
        -C panic=abort -C lto=fat -C codegen-units=1 -C opt-level=3 \
        -L "dependency=$CARGO_DIR/$TARGET/release/deps" \
        --extern websocket="$api" --extern wsframe_ffi="$runtime" \
        -o "$out" "$ROOT/ffi/windows/websocket_dll.rs" >&2 && echo "$out"
}

# exports HEADER REGEX: the function names declared in HEADER (a name followed by "(").
exports() {
    grep -oE "\\b($2)\\(" "$1" | tr -d '(' | sort -u
}

build_one() {
    local name=$1 build_static=$2 header=$3 regex=$4
    local static def names
    static=$("$build_static") && [[ -f $static ]] || {
        echo "build.sh: $name: no static library (${static:-none})" >&2
        return 1
    }

    def="$DIST/$name.def"
    names=$(exports "$header" "$regex")
    if [[ -z "$names" ]]; then
        echo "build.sh: no function matching '$regex' in $header" >&2
        return 1
    fi
    { echo "LIBRARY $name.dll"; echo "EXPORTS"; sed 's/^/    /' <<<"$names"; } >"$def"

    cp "$static" "$DIST/lib$name.a"
    # The .def names the exports (ld exports nothing else) and pulls each from the archive; a
    # function the header declares but the library lacks fails the link. -s: no symbol table.
    "$CC" -shared -s -o "$DIST/$name.dll" "$def" "$DIST/lib$name.a" \
        -Wl,--gc-sections -Wl,--out-implib,"$DIST/lib$name.dll.a"
    echo "$name: $(wc -l <<<"$names") exports;" \
        "$name.dll $(stat -c %s "$DIST/$name.dll") B," \
        "lib$name.dll.a $(stat -c %s "$DIST/lib$name.dll.a") B," \
        "lib$name.a $(stat -c %s "$DIST/lib$name.a") B"
}

if ! command -v "$CC" >/dev/null; then
    echo "build.sh: $CC not found (apt-get install gcc-mingw-w64-x86-64-win32)" >&2
    exit 1
fi
mkdir -p "$DIST"
for entry in "${LIBS[@]}"; do
    read -r -a fields <<<"$entry"
    build_one "${fields[@]}"
done
echo "build.sh: artifacts in ${DIST#"$ROOT"/}/"
