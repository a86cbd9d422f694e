/* The C99 program: every test group, plus what only C99 can check. */
#include "harness.h"

/* C99 has no _Static_assert: a negative array size fails the build. */
typedef char header_is_websocket_dll_layout[(sizeof(wsf_http_header) == 4 * sizeof(void *)) ? 1 : -1];
typedef char value_offset[(offsetof(wsf_http_header, value) == 2 * sizeof(void *)) ? 1 : -1];
typedef char status_is_32_bits[(sizeof(wsf_status) == 4) ? 1 : -1];

/* Designated initializers (C99, not C++17): the zero response accepts. */
static void designated(void) {
    wsf_str protocols[1] = {{"chat", 4}};
    wsf_client_request r = {
        .host = {"h", 1},
        .path = {"/", 1},
        .subprotocols = protocols,
        .subprotocol_count = 1,
    };
    wsf_response accept = {{0, 0}, {0, 0}, 0, 0};
    uint8_t out[256];
    size_t n = 0;
    CHECK_ST(wsf_client_request_write(&r, out, sizeof out, &n), WSF_OK);
    CHECK(contains(out, n, "Sec-WebSocket-Protocol: chat\r\n"));
    CHECK(accept.extra_headers == NULL && str_absent(accept.subprotocol));
}

int main(void) {
    designated();
    return run_all("c99") == 0 ? 0 : 1;
}
