#!/usr/bin/env bash
# Packaging as C users see it: `ffi/install.sh` into a temporary prefix, then app.c (the RFC 6455
# §1.3 accept key) built with nothing but pkg-config's flags, against the shared library and
# fully static, and run.
#
#   bash tests/pkgconfig/run.sh       # ends with "N passed, M failed"
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
WARN=(-std=c99 -Wall -Wextra -Wpedantic -Werror)

passed=0
failed=0
step() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        printf 'ok   %-14s %s\n' "$name" "$(tail -n 1 <<<"$out")"
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n' "$name"
        sed 's/^/    /' <<<"$out" | tail -n 25
    fi
}

install_lib() {
    command -v pkg-config >/dev/null || {
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkgconf
    } || return 1
    bash "$root/ffi/install.sh" "$prefix"
}

modversion() {
    local want
    want=$(sed -n 's/^#define WSF_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/wsframe.h")
    [[ $(pkg-config --modversion wsframe) == "$want" ]] &&
        [[ $(readelf -d "$prefix/lib/libwsframe.so" | sed -n 's/.*soname: \[\(.*\)\]/\1/p') == \
            "libwsframe.so.${want%.*}" ]] &&
        echo "wsframe $want, soname libwsframe.so.${want%.*}"
}

# The README's command, run with LD_LIBRARY_PATH; it must load the installed .so.
shared() {
    # shellcheck disable=SC2046 # pkg-config's output is meant to be split
    local libs
    cc "${WARN[@]}" "$here/app.c" $(pkg-config --cflags --libs wsframe) -o "$work/app_shared" &&
        # Captured first: `ldd | grep -q` dies of SIGPIPE under pipefail when grep
        # stops reading before ldd stops writing (it failed CI once that way).
        libs=$(LD_LIBRARY_PATH=$prefix/lib ldd "$work/app_shared") &&
        grep -q "libwsframe.so.[0-9.]* => $prefix/lib/" <<<"$libs" &&
        LD_LIBRARY_PATH=$prefix/lib "$work/app_shared"
}

# Fully static: the archive and Libs.private, no libwsframe.so at run time.
static() {
    # shellcheck disable=SC2046
    cc -static "${WARN[@]}" "$here/app.c" $(pkg-config --static --cflags --libs wsframe) \
        -Wl,--gc-sections -o "$work/app_static" &&
        ! ldd "$work/app_static" >/dev/null 2>&1 &&
        grep -q ' T wsf_handshake_accept_key$' <<<"$(nm "$work/app_static")" &&
        "$work/app_static"
}

step install install_lib
step modversion modversion
step shared shared
step static static
echo "$passed passed, $failed failed"
((failed == 0))
