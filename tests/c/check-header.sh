#!/usr/bin/env bash
# Regenerates include/wsframe.h with the pinned cbindgen into a temporary
# file and fails on any difference from the committed header (as
# rustls-ffi's ensure-header-updated job does). `--update` rewrites the
# committed header instead.
#
# cbindgen is pinned: its output changes between point releases. It is
# installed once into target/tools/ (gitignored with target/), ~2 minutes.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/target/tools/cbindgen-$CBINDGEN_VERSION"
CBINDGEN="$TOOLS/bin/cbindgen"
HEADER="$ROOT/include/wsframe.h"

if [[ "$("$CBINDGEN" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
    echo "check-header: installing cbindgen $CBINDGEN_VERSION into $TOOLS" >&2
    cargo install --quiet --locked cbindgen --version "=$CBINDGEN_VERSION" --root "$TOOLS" --no-track
fi

generate() {
    (cd "$ROOT/ffi" && "$CBINDGEN" --quiet --config cbindgen.toml --crate wsframe-ffi --output "$1" .)
}

if [[ "${1:-}" == "--update" ]]; then
    generate "$HEADER"
    echo "check-header: wrote $HEADER ($(wc -l <"$HEADER") lines)"
    exit 0
fi

fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
generate "$fresh"
if ! diff -u "$HEADER" "$fresh"; then
    echo "check-header: include/wsframe.h is out of date; run tests/c/check-header.sh --update" >&2
    exit 1
fi
echo "check-header: include/wsframe.h is up to date"
