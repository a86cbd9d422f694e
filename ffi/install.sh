#!/usr/bin/env bash
# Installs libwsframe for C users under PREFIX, the way a distribution package lays it out:
#
#   PREFIX/include/wsframe.h
#   PREFIX/lib/libwsframe.a
#   PREFIX/lib/libwsframe.so.MAJOR.MINOR.PATCH   (soname libwsframe.so.0.1 while the version is
#   PREFIX/lib/libwsframe.so.0.1 -> ...           0.x, libwsframe.so.MAJOR from 1.0: cargo-c's
#   PREFIX/lib/libwsframe.so -> ...               rule)
#   PREFIX/lib/pkgconfig/wsframe.pc
#
#   bash ffi/install.sh PREFIX            e.g. bash ffi/install.sh /usr/local
#   DESTDIR=/tmp/stage bash ffi/install.sh /usr   (staged install: .pc still says /usr)
#
# Then:  cc app.c $(pkg-config --cflags --libs wsframe)                       (shared)
#        cc -static app.c $(pkg-config --static --cflags --libs wsframe)      (fully static)
#
# The release build goes to target/install (CARGO_TARGET_DIR to change), apart from target/release
# so that the soname link argument does not fight `cargo build` over the same artifacts.
set -euo pipefail

if [[ $# -ne 1 || "$1" != /* ]]; then
    echo "usage: $0 PREFIX   (an absolute path, e.g. /usr/local)" >&2
    exit 2
fi
prefix=${1%/}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target/install}
dest=${DESTDIR:-}

version=$(sed -n 's/^#define WSF_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/wsframe.h")
IFS=. read -r major minor patch <<<"$version"
[[ -n "$major" && -n "$minor" && -n "$patch" ]] || {
    echo "install: no WSF_VERSION_STRING in include/wsframe.h" >&2
    exit 1
}
if [[ $major == 0 ]]; then soversion=$major.$minor; else soversion=$major; fi
soname=libwsframe.so.$soversion

# One rustc run emits both libraries and prints the static library's system dependencies.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$root" && cargo rustc -p wsframe-ffi --release --lib --crate-type staticlib,cdylib \
    --target-dir "$target_dir" -- -C "link-arg=-Wl,-soname,$soname" --print native-static-libs) \
    2>"$log" || {
    cat "$log" >&2
    exit 1
}
native=$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1)
[[ -n "$native" ]] || {
    cat "$log" >&2
    echo "install: rustc printed no native-static-libs" >&2
    exit 1
}
# libgcc_s has no static archive, so `cc -static` cannot take -lgcc_s; the compiler driver links
# the unwinder itself (libgcc_s for dynamic programs, libgcc_eh with -static).
private=$(tr ' ' '\n' <<<"$native" | grep -vx -- '-lgcc_s' | paste -sd' ')

libdir=$dest$prefix/lib
incdir=$dest$prefix/include
built=$target_dir/release
install -d "$incdir" "$libdir/pkgconfig"
install -m 644 "$root/include/wsframe.h" "$incdir/wsframe.h"
install -m 644 "$built/libwsframe_ffi.a" "$libdir/libwsframe.a"
install -m 755 "$built/libwsframe_ffi.so" "$libdir/libwsframe.so.$version"
[[ $soname == "libwsframe.so.$version" ]] || ln -sfn "libwsframe.so.$version" "$libdir/$soname"
ln -sfn "$soname" "$libdir/libwsframe.so"

cat >"$libdir/pkgconfig/wsframe.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: wsframe
Description: A no_std, no-heap, sans-IO WebSocket (RFC 6455) engine (C ABI)
Version: $version
Libs: -L\${libdir} -lwsframe
Libs.private: $private
Cflags: -I\${includedir}
EOF

echo "installed libwsframe $version under $dest$prefix:"
(cd "$dest$prefix" && find include/wsframe.h lib/libwsframe* lib/pkgconfig/wsframe.pc | sort |
    sed 's/^/  /')
