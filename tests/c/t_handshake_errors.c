/* Refused handshakes: every server-side error, its HTTP answer, and the
 * writers' argument checks. */
#include "harness.h"

#define GOOD_TAIL                                                                               \
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"                                             \
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

typedef struct refusal {
    const char *request;
    uint32_t status;
    const char *status_line;
} refusal;

static const refusal REFUSALS[] = {
    {"GET / HTTP/1.1\r\nHost: x\r\n" GOOD_TAIL, WSF_OK, ""},
    {"GET / HTTP/1.1\r\nHost x\r\n\r\n", WSF_HANDSHAKE_MALFORMED_HEAD, "HTTP/1.1 400 "},
    {"POST / HTTP/1.1\r\nHost: x\r\n" GOOD_TAIL, WSF_HANDSHAKE_METHOD_NOT_GET, "HTTP/1.1 405 "},
    {"GET / HTTP/1.0\r\nHost: x\r\n" GOOD_TAIL, WSF_HANDSHAKE_HTTP_VERSION, "HTTP/1.1 400 "},
    {"GET / HTTP/1.1\r\n" GOOD_TAIL, WSF_HANDSHAKE_MISSING_HOST, "HTTP/1.1 400 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n\r\n", WSF_HANDSHAKE_MISSING_UPGRADE,
     "HTTP/1.1 426 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n",
     WSF_HANDSHAKE_MISSING_CONNECTION_UPGRADE, "HTTP/1.1 400 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n",
     WSF_HANDSHAKE_BAD_KEY, "HTTP/1.1 400 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
     WSF_HANDSHAKE_MISSING_VERSION, "HTTP/1.1 426 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     "Sec-WebSocket-Version: 8\r\n\r\n",
     WSF_HANDSHAKE_UNSUPPORTED_VERSION, "HTTP/1.1 426 "},
    {"GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Protocol: a b\r\n" GOOD_TAIL,
     WSF_HANDSHAKE_BAD_HEADER_VALUE, "HTTP/1.1 400 "},
};

static void refusals(void) {
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    uint8_t out[512];
    size_t i;
    for (i = 0; i < sizeof REFUSALS / sizeof REFUSALS[0]; i++) {
        const refusal *r = &REFUSALS[i];
        wsf_request req;
        size_t n = 0;
        wsf_status st = wsf_request_parse((const uint8_t *)r->request, strlen(r->request),
                                          &limits, &req);
        CHECK_ST(st, r->status);
        if (r->status == WSF_OK) {
            continue;
        }
        CHECK_ST(wsf_handshake_write_rejection(st, out, sizeof out, &n), WSF_OK);
        CHECK(n > strlen(r->status_line));
        CHECK(memcmp(out, r->status_line, strlen(r->status_line)) == 0);
        CHECK(memcmp(out + n - 4, "\r\n\r\n", 4) == 0);
        CHECK(contains(out, n, "Connection: "));
        if (st == WSF_HANDSHAKE_METHOD_NOT_GET) {
            CHECK(contains(out, n, "Allow: GET\r\n"));
        }
        if (st == WSF_HANDSHAKE_UNSUPPORTED_VERSION || st == WSF_HANDSHAKE_MISSING_VERSION) {
            CHECK(contains(out, n, "Sec-WebSocket-Version: 13\r\n"));
            CHECK(wsf_status_hresult(st) == WSF_E_PROTOCOL_VERSION_NOT_SUPPORTED);
        }
    }
    {
        /* The 431: a head still incomplete at max_head_size. */
        uint8_t *big = zalloc(9000);
        wsf_request req;
        size_t n = 0;
        memset(big, 'a', 9000);
        memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
        CHECK_ST(wsf_request_parse(big, 9000, &limits, &req), WSF_HANDSHAKE_HEAD_TOO_LARGE);
        limits.max_head_size = 100000;
        CHECK_ST(wsf_request_parse(big, 9000, &limits, &req), WSF_INCOMPLETE);
        CHECK_ST(wsf_handshake_write_rejection(WSF_HANDSHAKE_HEAD_TOO_LARGE, out, sizeof out, &n),
                 WSF_OK);
        CHECK(memcmp(out, "HTTP/1.1 431 ", 13) == 0);
        free(big);
    }
}

static void writers(void) {
    uint8_t out[256];
    size_t n = 0;
    wsf_http_header h;
    memset(out, 0xAA, sizeof out);
    /* Not a server-side handshake status. */
    CHECK_ST(wsf_handshake_write_rejection(WSF_CLOSED, out, sizeof out, &n), WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_handshake_write_rejection(WSF_HANDSHAKE_RESPONSE_ACCEPT, out, sizeof out, &n),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_handshake_write_rejection(12345, out, sizeof out, &n), WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_handshake_write_rejection(WSF_HANDSHAKE_BAD_KEY, out, 8, &n),
             WSF_BUFFER_TOO_SMALL);
    CHECK(n > 8 && out[0] == 0xAA); /* size needed reported, output untouched */

    h.name = "WWW-Authenticate";
    h.name_len = 16;
    h.value = "Basic realm=\"x\"";
    h.value_len = 15;
    CHECK_ST(wsf_handshake_write_status(401, &h, 1, out, sizeof out, &n), WSF_OK);
    CHECK(memcmp(out, "HTTP/1.1 401 Unauthorized\r\n", 27) == 0);
    CHECK_ST(wsf_handshake_write_status(403, NULL, 0, out, sizeof out, &n), WSF_OK);
    CHECK(memcmp(out, "HTTP/1.1 403 Forbidden\r\n", 24) == 0);
    CHECK_ST(wsf_handshake_write_status(200, NULL, 0, out, sizeof out, &n), WSF_INVALID_STATUS);
    CHECK(wsf_status_hresult(WSF_INVALID_STATUS) == WSF_E_INVALIDARG);
    h.value = "a\r\nInjected: 1";
    h.value_len = 14;
    CHECK_ST(wsf_handshake_write_status(403, &h, 1, out, sizeof out, &n), WSF_INVALID_HEADER);
    h.name = "Content-Length";
    h.name_len = 14;
    h.value = "5";
    h.value_len = 1;
    CHECK_ST(wsf_handshake_write_status(403, &h, 1, out, sizeof out, &n), WSF_INVALID_HEADER);
    /* Output overlapping an input is refused. */
    memcpy(out, "X-A", 3);
    h.name = (const char *)out;
    h.name_len = 3;
    CHECK_ST(wsf_handshake_write_status(403, &h, 1, out, sizeof out, &n), WSF_INVALID_ARGUMENT);
}

static void bad_responses(void) {
    wsf_request req;
    wsf_response resp;
    wsf_client_request creq;
    wsf_server_response sresp;
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    const char *request = "GET / HTTP/1.1\r\nHost: x\r\n" GOOD_TAIL;
    const char *not_101 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    uint8_t out[512];
    size_t n = 0;
    CHECK_ST(wsf_request_parse((const uint8_t *)request, strlen(request), &limits, &req), WSF_OK);
    memset(&resp, 0, sizeof resp);
    resp.subprotocol = str_of("not a token");
    CHECK_ST(wsf_request_write_response(&req, &resp, out, sizeof out, &n), WSF_INVALID_TOKEN);
    resp.subprotocol = str_of("\xff");
    CHECK_ST(wsf_request_write_response(&req, &resp, out, sizeof out, &n), WSF_INVALID_TOKEN);
    resp.subprotocol.ptr = NULL;
    resp.subprotocol.len = 0;
    resp.extensions = str_of("a;;b");
    CHECK_ST(wsf_request_write_response(&req, &resp, out, sizeof out, &n), WSF_INVALID_HEADER);
    resp.extensions.ptr = NULL;
    resp.extensions.len = 3;
    CHECK_ST(wsf_request_write_response(&req, &resp, out, sizeof out, &n), WSF_NULL_POINTER);

    memset(&creq, 0, sizeof creq);
    creq.host = str_of("x");
    creq.path = str_of("/");
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)not_101, strlen(not_101),
                                               &limits, &sresp),
             WSF_HANDSHAKE_RESPONSE_STATUS);
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)"HTTP/1.1 1x1\r\n\r\n", 18,
                                               &limits, &sresp),
             WSF_HANDSHAKE_MALFORMED_HEAD);
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)"HTTP/1.1 101\r\n\r\n", 18,
                                               &limits, &sresp),
             WSF_HANDSHAKE_RESPONSE_UPGRADE);
    creq.path = str_of("no slash and space");
    CHECK_ST(wsf_client_request_write(&creq, out, sizeof out, &n), WSF_INVALID_HEADER);
    creq.path = str_of("/");
    creq.extensions = str_of("a; b=\"1");
    CHECK_ST(wsf_client_request_write(&creq, out, sizeof out, &n), WSF_INVALID_HEADER);
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)not_101, strlen(not_101),
                                               &limits, &sresp),
             WSF_INVALID_HEADER);
}

void test_handshake_errors(void) {
    refusals();
    writers();
    bad_responses();
}
