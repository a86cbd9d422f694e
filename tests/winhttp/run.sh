#!/usr/bin/env bash
# tests/winhttp/run.sh: Windows' own WinHTTP WebSocket client (Wine's, under
# Wine) against a wsframe echo server, plus the compile checks of the
# Windows-only examples that cannot run under Wine.
#
#   bash tests/winhttp/run.sh            # build, run, print the counts
#   bash tests/winhttp/run.sh --install  # install wine and mingw-w64 first (apt, idempotent)
#
# Environment:
#   WSF_WINHTTP_SERVER_CMD   the echo server command; the address HOST:PORT is
#                            appended as its last argument (split into words at
#                            spaces, no quoting). Default: the native
#                            Linux C echo server (ffi/examples/build/echo_server,
#                            built with make). Windows servers run under Wine in
#                            this run's prefix, e.g.
#                            WSF_WINHTTP_SERVER_CMD="wine /path/echo_server.exe"
#   WSF_WINHTTP_CLOSE_REASON none (default) or echo: the reason the server's
#                            Close echo must carry (wsframe echoes the code
#                            without the reason; RFC 6455 §5.5.1 allows both)
#   WSF_WINHTTP_LINK         how to link a Windows libwsframe (words: a library
#                            path and its system libraries, e.g. ".../libwsframe.dll.a"
#                            or ".../libwsframe_ffi.a -lws2_32 -luserenv -lbcrypt -lntdll"):
#                            when set, the http.sys example is also linked with
#                            -lhttpapi; otherwise it is compiled (-c) only
#
# Checks: the client prints one line per check; each compile counts as one
# check. The last line is "winhttp: N passed, M failed" (all checks).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/tests/winhttp"
MINGW_CC=x86_64-w64-mingw32-gcc
MINGW_CXX=x86_64-w64-mingw32-g++
STRICT_C=(-std=c99 -Wall -Wextra -Wpedantic -Werror)
STRICT_CXX=(-std=c++17 -Wall -Wextra -Wpedantic -Werror)
CLIENT_TIMEOUT=120

install() {
    local need=()
    for pkg in wine wine64 gcc-mingw-w64-x86-64-win32 g++-mingw-w64-x86-64-win32; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
}

if [ "${1:-}" = "--install" ]; then
    install || { echo "tests/winhttp: install failed" >&2; exit 1; }
    shift
fi
for tool in wine wineserver "$MINGW_CC" "$MINGW_CXX"; do
    command -v "$tool" >/dev/null || {
        echo "tests/winhttp: $tool not found (run with --install)" >&2
        exit 1
    }
done

START=$(date +%s.%N)
TMP=$(mktemp -d /tmp/wsf-winhttp.XXXXXX)
SERVER_PID=
OUR_PREFIX=
CLIENT_TIME=
PASSED=0
FAILED=0

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    # Only this run's prefix's wineserver (others may be running Wine too).
    [ -n "$OUR_PREFIX" ] && WINEPREFIX="$OUR_PREFIX" wineserver -k 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

result() { # NAME OK
    if [ "$2" = 1 ]; then
        PASSED=$((PASSED + 1)); echo "ok   $1"
    else
        FAILED=$((FAILED + 1)); echo "FAIL $1"
    fi
}

# ---- compile checks: the examples that cannot run under Wine ----------------
# http.sys: Wine 8.0's http.sys ignores HTTP_SEND_RESPONSE_FLAG_OPAQUE (see
# ffi/examples/httpsys/README.md), so this example is compiled, not run.
if [ -n "${WSF_WINHTTP_LINK:-}" ]; then
    read -r -a link <<<"$WSF_WINHTTP_LINK"
    what="http.sys example compiles and links (-Werror, $WSF_WINHTTP_LINK -lhttpapi)"
    cmd=("$MINGW_CC" "${STRICT_C[@]}" -I "$ROOT/include" "$ROOT/ffi/examples/httpsys/echo_httpsys.c"
         "${link[@]}" -lhttpapi -o "$TMP/echo_httpsys.exe")
else
    what="http.sys example compiles (-Werror, -c: no Windows libwsframe given to link)"
    cmd=("$MINGW_CC" "${STRICT_C[@]}" -I "$ROOT/include" -c "$ROOT/ffi/examples/httpsys/echo_httpsys.c"
         -o "$TMP/echo_httpsys.o")
fi
if "${cmd[@]}" 2>"$TMP/httpsys.err"; then result "$what" 1; else cat "$TMP/httpsys.err"; result "$what" 0; fi

# IIS: the snippet of docs/WINDOWS.md, extracted as it is, compiled against
# the stand-in declarations (mingw-w64 ships no httpserv.h; see its header).
awk '/<!-- iis-snippet:begin -->/{on=1; next} /<!-- iis-snippet:end -->/{on=0} on && !/^```/' \
    "$ROOT/docs/WINDOWS.md" >"$TMP/iis_snippet.cpp"
what="IIS ReadEntityBody snippet of docs/WINDOWS.md compiles (-Werror, stand-in httpserv.h)"
if [ -s "$TMP/iis_snippet.cpp" ] &&
    "$MINGW_CXX" "${STRICT_CXX[@]}" -I "$ROOT/include" -I "$ROOT/ffi/examples/httpsys/iis-standin" \
        -c "$TMP/iis_snippet.cpp" -o "$TMP/iis_snippet.o" 2>"$TMP/iis.err"; then
    result "$what" 1
else
    cat "$TMP/iis.err" 2>/dev/null; result "$what" 0
fi

# ---- the WinHTTP client ------------------------------------------------------
if ! "$MINGW_CC" "${STRICT_C[@]}" -O2 "$HERE/winhttp_client.c" -o "$TMP/winhttp_client.exe" \
    -lwinhttp -lcrypt32 -ladvapi32 2>"$TMP/client.err"; then
    cat "$TMP/client.err"
    result "winhttp_client.exe builds (-Werror)" 0
else
    if [ -n "${WSF_WINHTTP_SERVER_CMD:-}" ]; then
        read -r -a SERVER <<<"$WSF_WINHTTP_SERVER_CMD"
    else
        nice make -s -C "$ROOT/ffi/examples" >"$TMP/make.log" 2>&1 || {
            cat "$TMP/make.log"; echo "tests/winhttp: cannot build the echo server" >&2; exit 1
        }
        SERVER=("$ROOT/ffi/examples/build/echo_server")
    fi

    OUR_PREFIX="$TMP/prefix"
    export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEPREFIX="$OUR_PREFIX"
    # Create the prefix once, before a Windows server and the client race to.
    wine wineboot --init >"$TMP/wineboot.log" 2>&1

    # A free port: one nothing answers on.
    port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
    PORT=
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 40000))
        port_open "$p" || { PORT=$p; break; }
    done
    ADDR="127.0.0.1:$PORT"
    "${SERVER[@]}" "$ADDR" >"$TMP/server.out" 2>"$TMP/server.err" &
    SERVER_PID=$!
    ready=0
    for _ in $(seq 300); do  # up to 30 s: a Windows server under Wine starts slower
        kill -0 "$SERVER_PID" 2>/dev/null || break
        port_open "$PORT" && { ready=1; break; }
        sleep 0.1
    done
    if [ "$ready" != 1 ]; then
        cat "$TMP/server.out" "$TMP/server.err"
        result "echo server (${SERVER[*]}) listens on $ADDR" 0
    else
        echo "     server: ${SERVER[*]} $ADDR"
        # Output to files, not a pipe: Wine's helpers hold a pipe open ~2 s.
        t0=$(date +%s.%N)
        timeout "$CLIENT_TIMEOUT" wine "$TMP/winhttp_client.exe" "$ADDR" \
            "${WSF_WINHTTP_CLOSE_REASON:-none}" >"$TMP/client.out" 2>"$TMP/client.err"
        rc=$?
        CLIENT_TIME=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
        tr -d '\r' <"$TMP/client.out" | grep -v '^winhttp: '
        counts=$(tr -d '\r' <"$TMP/client.out" | sed -n 's/^winhttp: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
        if [ -z "$counts" ]; then
            cat "$TMP/client.err"
            [ "$rc" = 124 ] && rc="124: timed out after ${CLIENT_TIMEOUT} s"
            result "winhttp_client.exe ran to its end (exit $rc)" 0
        else
            read -r cp cf <<<"$counts"
            PASSED=$((PASSED + cp)); FAILED=$((FAILED + cf))
            if [ "$rc" != 0 ] && [ "$cf" = 0 ]; then result "winhttp_client.exe exit status ($rc)" 0; fi
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            result "echo server still running after the client" 0
        fi
        [ "$FAILED" != 0 ] && { echo "--- server stderr"; cat "$TMP/server.err"; }
    fi
fi

END=$(date +%s.%N)
printf 'tests/winhttp: %.1f s in all, the client under Wine %s s\n' \
    "$(awk -v a="$START" -v b="$END" 'BEGIN { print b - a }')" "${CLIENT_TIME:--}"
# The count line tests/run-all.sh adds up ("LABEL: N passed, M failed"); the
# client's own count line was folded into it above.
echo "winhttp: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
