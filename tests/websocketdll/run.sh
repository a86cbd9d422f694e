#!/usr/bin/env bash
# The websocket.dll layer (ffi/websocket, include/websocket.h) natively on
# Linux: libwebsocket.{so,a} built by cargo, then
#   1. the exports are exactly the API's 13 functions (nm -D),
#   2. include/websocket.h compiles as C99 and C++17 with -Wpedantic -Werror,
#   3. the C99 conformance suite (tests/websocketdll/*.c, -Wall -Wextra
#      -Wpedantic -Werror) runs against the shared library, the static
#      library, under valgrind (zero errors, no leaks) and with the C side
#      under ASan+UBSan.
#   4. the example ffi/examples/echo_server_websocketdll.c builds with -Werror
#      (tests/run-all.sh's websocketdll step then runs Autobahn against it).
# Each run's log ends with the suite's "websocketdll: N passed, M failed";
# this script ends with "N passed, M failed" over its steps (like tests/c).
# Under Wine the same suite runs against websocket.dll (the windows step).
#
#   bash tests/websocketdll/run.sh             # everything
#   bash tests/websocketdll/run.sh --install   # only install what it needs
#
# Outputs go to target/websocketdll/ (gitignored).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/websocketdll"
SRC="$ROOT/tests/websocketdll"
LIB="$ROOT/target/release"
WARN=(-std=c99 -Wall -Wextra -Wpedantic -Werror -g -O1 -I"$ROOT/include")
SUITE=("$SRC"/harness.c "$SRC"/test_api.c "$SRC"/test_traffic.c "$SRC"/main.c)
EXPORTS="WebSocketAbortHandle WebSocketBeginClientHandshake WebSocketBeginServerHandshake
WebSocketCompleteAction WebSocketCreateClientHandle WebSocketCreateServerHandle
WebSocketDeleteHandle WebSocketEndClientHandshake WebSocketEndServerHandshake
WebSocketGetAction WebSocketGetGlobalProperty WebSocketReceive WebSocketSend"

passed=0
failed=0

# step NAME COMMAND...: runs a step, logs its output to $OUT/logs/NAME.log.
step() {
    local name=$1
    shift
    mkdir -p "$OUT/logs"
    local log="$OUT/logs/$name.log"
    printf '%-22s ' "$name"
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $(tail -n 1 "$log" | cut -c1-90)"
    else
        failed=$((failed + 1))
        echo "FAIL (log: ${log#"$ROOT"/})"
        tail -n 25 "$log" | sed 's/^/    /'
    fi
}

install() {
    local missing=()
    command -v gcc >/dev/null || missing+=(gcc)
    command -v g++ >/dev/null || missing+=(g++)
    command -v valgrind >/dev/null || missing+=(valgrind)
    if ((${#missing[@]})); then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

if [[ ${1:-} == --install ]]; then
    install
    exit $?
fi

install || exit 1
mkdir -p "$OUT"

build() {
    nice cargo build --release -p wsframe-websocket
}

exports() {
    local got want
    got=$(nm -D --defined-only "$LIB/libwebsocket.so" | awk '{print $3}' | sort)
    want=$(tr ' ' '\n' <<<"$EXPORTS" | sed '/^$/d' | sort)
    echo "$got"
    [[ $got == "$want" ]] && echo "exactly the 13 exports"
}

header() {
    printf '#include "websocket.h"\nint main(void) { return sizeof(WEB_SOCKET_BUFFER) == 0; }\n' >"$OUT/h.c"
    gcc "${WARN[@]}" -c "$OUT/h.c" -o "$OUT/h_c.o" &&
        g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -I"$ROOT/include" -x c++ -c "$OUT/h.c" -o "$OUT/h_cpp.o" &&
        echo "websocket.h compiles as C99 and C++17"
}

suite_shared() {
    gcc "${WARN[@]}" "${SUITE[@]}" -L"$LIB" -lwebsocket -Wl,-rpath,"$LIB" -o "$OUT/suite_shared" &&
        "$OUT/suite_shared"
}

suite_static() {
    gcc "${WARN[@]}" "${SUITE[@]}" "$LIB/libwebsocket.a" -lpthread -ldl -lm -o "$OUT/suite_static" &&
        "$OUT/suite_static"
}

suite_valgrind() {
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$OUT/suite_shared"
}

suite_asan() {
    gcc "${WARN[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "${SUITE[@]}" -L"$LIB" -lwebsocket -Wl,-rpath,"$LIB" -o "$OUT/suite_asan" &&
        "$OUT/suite_asan"
}

example() {
    gcc "${WARN[@]}" "$ROOT/ffi/examples/echo_server_websocketdll.c" -L"$LIB" -lwebsocket -Wl,-rpath,"$LIB" \
        -o "$OUT/echo_server_websocketdll" && echo "built $OUT/echo_server_websocketdll"
}

step build build
step exports exports
step header header
step suite-shared suite_shared
step suite-static suite_static
step suite-valgrind suite_valgrind
step suite-asan suite_asan
step example example

echo "$passed passed, $failed failed"
((failed == 0))
