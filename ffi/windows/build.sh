#!/usr/bin/env bash
# Builds the Windows libraries (x86_64-pc-windows-gnu, Debian's mingw-w64) into
# target/windows/dist/:
#
#   bash ffi/windows/build.sh
#
# For each library NAME in LIBS below:
#   NAME.dll          the DLL; it loads on Windows 7 SP1 (no_std: only KERNEL32 + msvcrt imports,
#                     checked by tests/windows/run.sh against tests/windows/win7-imports.txt)
#   libNAME.dll.a     its import library (mingw: -lNAME)
#   libNAME.a         the static library (mingw only; link with -lNAME, nothing else needed)
#   NAME.def          its exports; MSVC users make an import library with
#                     `lib /def:NAME.def /machine:x64 /out:NAME.lib`
#
# How: cargo builds the crate as a no_std static library (panic = "abort", LTO) in its own target
# dir (target/windows/cargo; the workspace profiles keep unwinding for the std build, as in
# tests/c/run.sh); the .def lists the functions the C header declares; mingw's gcc links the DLL
# from that static library with that .def (exactly those exports, the DLL's own name) and writes
# the import library. So the DLL and the static library hold the same code.
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

# One line per library: NAME CRATE FEATURES HEADER EXPORTS
#   NAME      the DLL's base name
#   CRATE     the cargo package, built with --no-default-features --features FEATURES
#   HEADER    the C header whose functions the DLL exports
#   EXPORTS   an extended regex: the exported function names as they appear in HEADER
LIBS=(
    "wsframe wsframe-ffi windows-dll include/wsframe.h wsf_[a-z0-9_]+"
)

# exports HEADER REGEX: the function names declared in HEADER (a name followed by "(").
exports() {
    grep -oE "\\b($2)\\(" "$1" | tr -d '(' | sort -u
}

build_one() {
    local name=$1 crate=$2 features=$3 header=$4 regex=$5
    local lib_name static def names
    # The library target's name (the static library is lib<it>.a), from cargo's metadata.
    lib_name=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
package = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == sys.argv[1])
print(next(t["name"] for t in package["targets"] if "staticlib" in t["kind"] or "lib" in t["kind"]))
' "$crate")
    static="$CARGO_DIR/$TARGET/release/lib$lib_name.a"

    CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_LTO=true \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
        cargo rustc --quiet -p "$crate" --release --lib --crate-type staticlib \
        --no-default-features --features "$features" --target "$TARGET" --target-dir "$CARGO_DIR"

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
