#!/usr/bin/env bash
# Windows, proven under Wine (Debian's wine 8.0 and mingw-w64): the test command's `windows` step.
#
#   bash tests/windows/run.sh             # everything; ends with "N passed, M failed"
#   bash tests/windows/run.sh --install   # only install what it needs (idempotent)
#
# Steps:
#   build            ffi/windows/build.sh: the DLLs (wsframe.dll, websocket.dll), import and static
#                    libraries, .def files
#   wine-prefix      a fresh Wine prefix and its wineserver
#   c-build          the C99 and C++17 suite (tests/c) built with mingw (-Werror), linked once to
#                    wsframe.dll (import library) and once to the static library
#   c-dll, c-static  the four programs under Wine
#   examples-build   ffi/examples for Windows (Winsock): echo_server.exe, echo_client.exe (linked to
#                    wsframe.dll), echo_server_websocketdll.exe (linked to the system import
#                    library, mingw-w64's libwebsocket.a, run with our websocket.dll beside it)
#   websocketdll-build  websocket.dll exports exactly the functions of mingw-w64's libwebsocket.a;
#                    the websocket.dll conformance suite (tests/websocketdll, C99, -Werror)
#                    built against include/websocket.h and linked with -lwebsocket (mingw-w64's
#                    import library, not ours), as a program written against the Windows SDK is
#   websocketdll     that suite under Wine with our websocket.dll beside the exe
#   websocketdll-stub   the same exe without our DLL: Wine's own websocket.dll (stubs) aborts it
#                    with "unimplemented function" (the negative control: what the drop-in fixes)
#   win7-imports     every shipped DLL and example .exe imports only functions listed in
#                    tests/windows/win7-imports.txt (Windows 7 SP1); Wine cannot show this
#   win7-control     the same check rejects a default `std` cdylib (ProcessPrng, WaitOnAddress)
#   capacity         300 concurrent clients against `wine echo_server.exe` (capacity 256): each
#                    gets a 101 or a 503 with Retry-After, none is closed without an answer;
#                    then GET / returns the browser page
#   autobahn-server  Autobahn 1-10, wstest against `wine echo_server.exe`
#   autobahn-client  Autobahn 1-10, `wine echo_client.exe` against wstest
#   autobahn-websocketdll  Autobahn 1-10, wstest against `wine echo_server_websocketdll.exe`
#   winhttp          tests/winhttp/run.sh: Wine's own WinHTTP WebSocket client against
#                    `wine echo_server.exe`; the http.sys example linked to wsframe.dll's import
#                    library, the IIS snippet compiled (its own prefix)
#   winhttp-websocketdll  the same client against `wine echo_server_websocketdll.exe`
#
# Check counts are printed as `LABEL: N passed, M failed` lines (tests/run-all.sh sums them).
# Wine runs in a temporary WINEPREFIX (target/windows/wineprefix) with its own wineserver,
# which the EXIT trap stops (`wineserver -k`) before deleting the prefix. Logs: target/windows/logs.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/tests/windows"
OUT="$ROOT/target/windows"
DIST="$OUT/dist"
TESTS="$ROOT/tests/c"
WARN=(-Wall -Wextra -Wpedantic -Werror)
CC=x86_64-w64-mingw32-gcc
CXX=x86_64-w64-mingw32-g++
SUITE=("$TESTS"/harness.c "$TESTS"/t_*.c)
APT_PACKAGES=(wine wine64 gcc-mingw-w64-x86-64-win32 g++-mingw-w64-x86-64-win32)

passed=0
failed=0
failures=()
# A count line, as tests/run-all.sh's total_count reads them.
COUNT_LINE='^\s*([A-Za-z0-9_]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?\s*$'

# step NAME COMMAND...: runs a step, logs its output to $OUT/logs/NAME.log; repeats the log's
# count lines (`[LABEL: ]N passed, M failed`) so that tests/run-all.sh can sum them.
step() {
    local name=$1 line
    shift
    mkdir -p "$OUT/logs"
    local log="$OUT/logs/$name.log"
    local t0=$SECONDS
    printf '%-18s ' "$name"
    if "$@" >"$log" 2>&1 </dev/null; then
        passed=$((passed + 1))
        echo "ok   ($((SECONDS - t0)) s) $(tail -n 1 "$log" | cut -c1-90)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL ($((SECONDS - t0)) s, log: ${log#"$ROOT"/})"
        tail -n 25 "$log" | sed 's/^/    /'
    fi
    while IFS= read -r line; do
        if [[ $line =~ ^[[:space:]]*[0-9]+\ passed,\ [0-9]+\ failed ]]; then
            echo "windows_${name//-/_}: ${line#"${line%%[![:space:]]*}"}"
        else
            echo "$line"
        fi
    done < <(grep -E "$COUNT_LINE" "$log")
}

# ---- installs (idempotent) ---------------------------------------------------

install() {
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        grep -q 'install ok installed' <<<"$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" ||
            missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq &&
            apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
    fi
    grep -qx x86_64-pc-windows-gnu <<<"$(rustup target list --installed)" ||
        rustup target add x86_64-pc-windows-gnu || return 1
    # wstest for the Autobahn steps (a no-op when installed).
    bash tests/autobahn/install.sh
}

# ---- Wine ---------------------------------------------------------------------

export WINEPREFIX="$OUT/wineprefix"
export WINEDEBUG=-all
# No Mono or Gecko install prompts when the prefix is created.
export WINEDLLOVERRIDES="mscoree,mshtml="

# A fresh prefix and a wineserver kept up between the programs (-p60: until 60 s after the last
# one, so it cannot outlive an interrupted run for long). Output goes to files: Wine's helper
# processes inherit descriptors, and a pipe would stay open after them.
wine_up() {
    wine_down
    mkdir -p "$WINEPREFIX" &&
        wineserver -p60 >"$OUT/logs/wineserver.log" 2>&1 </dev/null &&
        timeout 120 wine cmd /c ver >"$OUT/logs/wine-prefix.log" 2>&1 </dev/null &&
        echo "prefix $WINEPREFIX: $(tr -d '\r' <"$OUT/logs/wine-prefix.log" | grep -m1 .)"
}

# Ends this prefix's wineserver and every Wine process of it, then deletes the prefix.
wine_down() {
    if [[ -d "$WINEPREFIX" ]]; then
        wineserver -k >/dev/null 2>&1 </dev/null
        timeout 30 wineserver -w >/dev/null 2>&1 </dev/null
        rm -rf "$WINEPREFIX"
    fi
}
trap wine_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- steps ------------------------------------------------------------------

build() { bash ffi/windows/build.sh; }

EXAMPLES="$ROOT/ffi/examples/build/windows"

# The shipped binaries: every DLL build.sh made, then the examples.
shipped() {
    ls "$DIST"/*.dll "$EXAMPLES"/*.exe
}

win7_imports() {
    local files
    mapfile -t files < <(shipped)
    python3 "$HERE/check_imports.py" "$HERE/win7-imports.txt" "${files[@]}"
}

# Negative control: a default (std) cdylib of the same crate must fail the check, on the very
# imports that keep it from loading on Windows 7.
win7_control() {
    local dll="$OUT/std-control/x86_64-pc-windows-gnu/release/wsframe_ffi.dll" report
    cargo rustc --quiet -p wsframe-ffi --release --lib --crate-type cdylib \
        --target x86_64-pc-windows-gnu --target-dir "$OUT/std-control" || return 1
    if report=$(python3 "$HERE/check_imports.py" "$HERE/win7-imports.txt" "$dll"); then
        echo "$report"
        echo "the std cdylib passed the Windows 7 check: the check is broken"
        return 1
    fi
    grep -E 'ProcessPrng|WaitOnAddress|GetSystemTimePreciseAsFileTime' <<<"$report" || {
        echo "$report"
        return 1
    }
    echo "the default std cdylib is rejected, as it must be"
}

# build_suite DIR LIB: the C99 and C++17 programs into DIR, linked to LIB.
build_suite() {
    local dir=$1 lib=$2
    mkdir -p "$dir" &&
        "$CC" -std=c99 "${WARN[@]}" -DWSF_ALLOC -Iinclude -I"$TESTS" "${SUITE[@]}" \
            "$TESTS/main_c99.c" -o "$dir/test_c99.exe" "$lib" &&
        "$CXX" -std=c++17 "${WARN[@]}" -DWSF_ALLOC -Iinclude -I"$TESTS" -x c++ "${SUITE[@]}" \
            -x none "$TESTS/main_cpp17.cpp" -o "$dir/test_cpp17.exe" "$lib" \
            -static-libgcc -static-libstdc++
}

# imports_of EXE: the DLL names it imports, lower-case.
imports_of() {
    x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z'
}

c_build() {
    local prog
    build_suite "$OUT/c-dll" "$DIST/libwsframe.dll.a" &&
        cp "$DIST/wsframe.dll" "$OUT/c-dll/" &&
        build_suite "$OUT/c-static" "$DIST/libwsframe.a" || return 1
    for prog in test_c99 test_cpp17; do
        grep -qx wsframe.dll <<<"$(imports_of "$OUT/c-dll/$prog.exe")" ||
            { echo "c-dll/$prog.exe does not import wsframe.dll"; return 1; }
        ! grep -qx wsframe.dll <<<"$(imports_of "$OUT/c-static/$prog.exe")" ||
            { echo "c-static/$prog.exe imports wsframe.dll"; return 1; }
    done
    echo "built c-dll (imports wsframe.dll) and c-static (does not)"
}

# run_suite DIR LABEL: both programs under Wine; their "NAME: N checks passed, M failed" lines
# become "windows_LABEL_NAME: N passed, M failed".
run_suite() {
    local dir=$1 label=$2 prog rc=0 out
    for prog in test_c99 test_cpp17; do
        out="$OUT/logs/$label-$prog.out"
        (cd "$dir" && timeout 120 wine "$prog.exe" >"$out" 2>&1) || rc=1
        tr -d '\r' <"$out"
        tr -d '\r' <"$out" | sed 's/^c++/cpp/' |
            sed -nE 's/^([a-z0-9]+): ([0-9]+) checks passed, ([0-9]+) failed.*/\1: \2 passed, \3 failed/p' |
            sed "s/^/windows_${label}_/" | grep . || rc=1
    done
    return $rc
}

examples_build() {
    make -C ffi/examples windows || return 1
    ls -l "$EXAMPLES"
    echo "built $(cd "$EXAMPLES" && echo *.exe) beside $(cd "$EXAMPLES" && echo *.dll)"
}

# The websocket.dll suite: a program of the Windows SDK's API, linked with mingw-w64's import
# library (-lwebsocket; no -L to ours). stub/ gets the same exe without our DLL.
WSDLL="$OUT/websocketdll"
WSDLL_SUITE=("$ROOT"/tests/websocketdll/harness.c "$ROOT"/tests/websocketdll/test_api.c
    "$ROOT"/tests/websocketdll/test_traffic.c "$ROOT"/tests/websocketdll/main.c)

# websocket.dll exports exactly what the system import library (mingw-w64's libwebsocket.a, an
# independent list) imports from it: the 13 functions, undecorated.
websocketdll_exports() {
    local ours system
    ours=$(x86_64-w64-mingw32-objdump -p "$DIST/websocket.dll" |
        sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^\s*\[ *[0-9]*\] //p' | sort)
    system=$(x86_64-w64-mingw32-nm "$("$CC" -print-file-name=libwebsocket.a)" |
        sed -n 's/^.* I __imp_//p' | sort)
    echo "websocket.dll exports: $(wc -l <<<"$ours")"
    [[ -n $system && $ours == "$system" ]] ||
        { diff <(echo "$ours") <(echo "$system"); echo "differs from mingw-w64's libwebsocket.a"; return 1; }
    echo "websocket.dll exports exactly the $(wc -l <<<"$ours") functions of mingw-w64's libwebsocket.a"
}

websocketdll_build() {
    websocketdll_exports || return 1
    rm -rf "$WSDLL" && mkdir -p "$WSDLL/stub" &&
        "$CC" -std=c99 "${WARN[@]}" -Iinclude "${WSDLL_SUITE[@]}" -lwebsocket \
            -o "$WSDLL/test_websocketdll.exe" || return 1
    grep -qx websocket.dll <<<"$(imports_of "$WSDLL/test_websocketdll.exe")" ||
        { echo "test_websocketdll.exe does not import websocket.dll"; return 1; }
    cp "$DIST/websocket.dll" "$WSDLL/" && cp "$WSDLL/test_websocketdll.exe" "$WSDLL/stub/" &&
        echo "built test_websocketdll.exe (imports websocket.dll) beside our websocket.dll"
}

# The suite's "websocketdll: N passed, M failed" becomes "windows_websocketdll: ...".
websocketdll() {
    local out="$OUT/logs/websocketdll.out" rc=0
    (cd "$WSDLL" && timeout 120 wine test_websocketdll.exe >"$out" 2>&1) || rc=1
    # Its failures and last lines, without its own count line (repeated once, relabelled).
    tr -d '\r' <"$out" | grep -vE '^(ok |websocketdll: [0-9]+ passed)' | tail -n 40
    tr -d '\r' <"$out" | sed -nE 's/^websocketdll: ([0-9]+ passed, [0-9]+ failed)$/windows_websocketdll: \1/p' |
        grep . || rc=1
    return $rc
}

# Without our DLL, Wine loads its builtin websocket.dll, whose exports are stubs: the first
# call must abort the program. (-1 also proves that the suite really calls websocket.dll.)
websocketdll_stub() {
    local out="$OUT/logs/websocketdll-stub.out" text
    # Verdict from the output, not from Wine's exit status: a program ended by the stub's
    # exception (code 0x80000100) can exit with status 0 (its low byte), which once read
    # as "the suite passed" although the log showed the abort.
    (cd "$WSDLL/stub" && timeout 120 wine test_websocketdll.exe >"$out" 2>&1) || true
    # Read whole first: `tr | grep -m1` fails under pipefail when grep stops reading before tr
    # stops writing.
    text=$(tr -d '\r' <"$out")
    if grep -qE '^websocketdll: [0-9]+ passed' <<<"$text"; then
        echo "the suite ran to its end against Wine's own websocket.dll: it does not test ours"
        return 1
    fi
    grep -m1 'unimplemented function websocket\.dll\.' <<<"$text" ||
        { tail -n 20 "$out"; return 1; }
    echo "without our websocket.dll beside it, Wine's stub aborts the program"
}

capacity() {
    timeout 120 python3 ffi/examples/capacity_test.py --page ffi/examples/index.html -- \
        wine "$EXAMPLES/echo_server.exe"
}

# autobahn MODE: tests/autobahn/run.sh against the Windows example under Wine (it runs the
# program in its own process group and ends that group; the prefix's helpers end with it).
autobahn() {
    if [[ $1 == websocketdll ]]; then
        WSF_ECHO_SERVER_CMD="wine $EXAMPLES/echo_server_websocketdll.exe" \
            WSF_AUTOBAHN_AGENT=wsframe-websocketdll-windows \
            WSF_AUTOBAHN_LABEL=windows-server-websocketdll bash tests/autobahn/run.sh server
    elif [[ $1 == server ]]; then
        WSF_ECHO_SERVER_CMD="wine $EXAMPLES/echo_server.exe" WSF_AUTOBAHN_AGENT=wsframe-c-windows \
            WSF_AUTOBAHN_LABEL=windows-server bash tests/autobahn/run.sh server
    else
        WSF_ECHO_CLIENT_CMD="wine $EXAMPLES/echo_client.exe" WSF_AUTOBAHN_AGENT=wsframe-c-windows \
            WSF_AUTOBAHN_LABEL=windows-client bash tests/autobahn/run.sh client
    fi
}

winhttp() {
    WSF_WINHTTP_SERVER_CMD="wine $EXAMPLES/echo_server.exe" WSF_WINHTTP_LINK="$DIST/libwsframe.dll.a" \
        bash tests/winhttp/run.sh
}

# The websocket.dll echo server echoes a Close with its status and reason.
winhttp_websocketdll() {
    WSF_WINHTTP_SERVER_CMD="wine $EXAMPLES/echo_server_websocketdll.exe" \
        WSF_WINHTTP_CLOSE_REASON=echo bash tests/winhttp/run.sh
}

# ---- driver -----------------------------------------------------------------

if [[ "${1:-}" == "--install" ]]; then
    install
    exit $?
fi

started=$SECONDS
echo "== Windows under Wine (logs in target/windows/logs) =="
step install install
step build build
step wine-prefix wine_up
step c-build c_build
step c-dll run_suite "$OUT/c-dll" dll
step c-static run_suite "$OUT/c-static" static
step examples-build examples_build
step websocketdll-build websocketdll_build
step websocketdll websocketdll
step websocketdll-stub websocketdll_stub
step win7-imports win7_imports
step win7-control win7_control
step capacity capacity
step autobahn-server autobahn server
step autobahn-client autobahn client
step autobahn-websocketdll autobahn websocketdll
step winhttp winhttp
step winhttp-websocketdll winhttp_websocketdll
wine_down

if ((failed)); then
    echo "failed steps: ${failures[*]}"
fi
echo "windows: $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
((failed == 0))
