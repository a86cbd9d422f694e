/* Every pointer argument of every function, NULL: WSF_NULL_POINTER (or the
 * documented neutral value), and outputs left untouched. */
#include "harness.h"

#define SENTINEL ((size_t)0x5EED)

static void conn_functions(wsf_conn *conn) {
    wsf_config c = wsf_config_default();
    uint8_t storage[8];
    uint8_t buf[8] = {0};
    size_t n = SENTINEL;
    wsf_event ev;
    wsf_keepalive_action a;
    wsf_conn *out = NULL;
    /* A NULL config means the defaults. */
    {
        uint64_t big[64]; /* 512 bytes, 8-aligned: more than wsf_conn_size/align */
        wsf_config got, want = wsf_config_default();
        wsf_conn *dflt = NULL;
        CHECK(wsf_conn_size() <= sizeof big && wsf_conn_align() <= sizeof big[0]);
        CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, NULL, big, sizeof big, &dflt), WSF_OK);
        CHECK_ST(wsf_conn_config(dflt, &got), WSF_OK);
        CHECK(got.max_frame_size == want.max_frame_size && got.max_message_size == want.max_message_size);
        CHECK(got.max_fragments == want.max_fragments && got.validate_utf8 == want.validate_utf8);
        CHECK(got.auto_pong == want.auto_pong && got.keepalive_interval_ms == want.keepalive_interval_ms);
        CHECK(got.keepalive_timeout_ms == want.keepalive_timeout_ms);
    }
    CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, &c, NULL, 4096, &out), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, &c, storage, sizeof storage, NULL), WSF_NULL_POINTER);
    CHECK(out == NULL);
#if defined(WSF_ALLOC)
    CHECK_ST(wsf_conn_new(WSF_ROLE_SERVER, &c, NULL), WSF_NULL_POINTER);
    CHECK(out == NULL);
    CHECK_ST(wsf_conn_new(WSF_ROLE_SERVER, NULL, &out), WSF_OK); /* NULL config: defaults */
    CHECK(out != NULL);
    wsf_conn_free(out);
    out = NULL;
    wsf_conn_free(NULL);
#endif
    CHECK_ST(wsf_conn_recv(NULL, buf, sizeof buf, &ev), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_recv(conn, NULL, 5, &ev), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_recv(conn, buf, sizeof buf, NULL), WSF_NULL_POINTER);
    CHECK(wsf_conn_state(NULL) == WSF_STATE_FAILED);
    CHECK(wsf_conn_role(NULL) == WSF_ROLE_CLIENT);
    CHECK_ST(wsf_conn_error(NULL), WSF_NULL_POINTER);
    CHECK(wsf_conn_has_pending(NULL) == 0);
    CHECK(wsf_conn_is_finished(NULL) == 1);
    CHECK_ST(wsf_conn_config(NULL, &c), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_config(conn, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_fail(NULL, WSF_PROTOCOL_ERROR), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_keepalive_poll(NULL, 0, &a), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_keepalive_poll(conn, 0, NULL), WSF_NULL_POINTER);

    CHECK_ST(wsf_conn_send_data(NULL, WSF_DATA_TEXT, 1, buf, 1, 0, buf + 1, 7, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data(conn, WSF_DATA_TEXT, 1, NULL, 1, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data(conn, WSF_DATA_TEXT, 1, buf, 1, 0, NULL, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data(conn, WSF_DATA_TEXT, 1, buf, 1, 0, buf + 1, 7, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data_header(NULL, WSF_DATA_TEXT, 1, 1, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data_header(conn, WSF_DATA_TEXT, 1, 1, 0, NULL, 8, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_data_header(conn, WSF_DATA_TEXT, 1, 1, 0, buf, 8, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_ping(NULL, NULL, 0, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_ping(conn, NULL, 3, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_pong(NULL, NULL, 0, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_pong(conn, NULL, 0, 0, buf, 8, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_close(NULL, 1000, NULL, 0, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_close(conn, 1000, NULL, 2, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_close(conn, 1000, NULL, 0, 0, NULL, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_write_pending(NULL, 0, buf, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_write_pending(conn, 0, NULL, 8, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_write_pending(conn, 0, buf, 8, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_winhttp_buffer(NULL, WSF_WINHTTP_UTF8_MESSAGE, NULL, 0, 0, buf, 8, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_websocket_buffer(NULL, WSF_WEBSOCKET_UTF8_MESSAGE, NULL, 0, 0, buf, 8,
                                            &n),
             WSF_NULL_POINTER);
    CHECK(n == SENTINEL);
    CHECK(wsf_conn_state(conn) == WSF_STATE_OPEN);
}

static void handshake_functions(void) {
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    wsf_request req;
    wsf_response resp;
    wsf_client_request creq;
    wsf_server_response sresp;
    wsf_http_header h;
    wsf_str s;
    wsf_extension ext;
    wsf_extension_param param;
    char out[64];
    size_t n = SENTINEL;
    const char *request =
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    memset(&resp, 0, sizeof resp);
    memset(&creq, 0, sizeof creq);
    memset(&h, 0, sizeof h);
    CHECK_ST(wsf_request_parse((const uint8_t *)request, strlen(request), &limits, &req), WSF_OK);

    CHECK_ST(wsf_handshake_accept_key(NULL, 4, out, sizeof out, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_accept_key("k", 1, NULL, 28, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_accept_key("k", 1, out, sizeof out, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_nonce_key(NULL, 16, out, sizeof out, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_decode_key(NULL, 24, (uint8_t *)out, sizeof out, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_decode_key(req.key.ptr, req.key.len, (uint8_t *)out, 16, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_write_rejection(WSF_HANDSHAKE_BAD_KEY, NULL, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_write_rejection(WSF_HANDSHAKE_BAD_KEY, (uint8_t *)out, 64, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_write_status(403, NULL, 1, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_handshake_write_status(403, &h, 1, (uint8_t *)out, 64, NULL), WSF_NULL_POINTER);
    h.name_len = 1; /* NULL name with a length */
    CHECK_ST(wsf_handshake_write_status(403, &h, 1, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);

    CHECK_ST(wsf_request_parse(NULL, 5, &limits, &req), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_parse((const uint8_t *)request, 5, NULL, &req), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_parse((const uint8_t *)request, 5, &limits, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_from_headers(NULL, 3, "/", 1, 1, NULL, 0, &req), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, NULL, 2, &req), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, NULL, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_header(NULL, "Host", 4, &s), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_header(&req, NULL, 4, &s), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_header(&req, "Host", 4, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_subprotocol(NULL, 0, &s), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_subprotocol(&req, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_extension(NULL, 0, &ext), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_extension(&req, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_extension_param(NULL, 0, 0, &param), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_extension_param(&req, 0, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_write_response(NULL, &resp, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_write_response(&req, NULL, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_write_response(&req, &resp, NULL, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_request_write_response(&req, &resp, (uint8_t *)out, 64, NULL), WSF_NULL_POINTER);
    resp.extra_header_count = 1;
    CHECK_ST(wsf_request_write_response(&req, &resp, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);

    CHECK_ST(wsf_client_request_write(NULL, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_write(&creq, (uint8_t *)out, 64, NULL), WSF_NULL_POINTER);
    creq.host = str_of("h");
    creq.path = str_of("/");
    creq.subprotocol_count = 1;
    CHECK_ST(wsf_client_request_write(&creq, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    creq.subprotocol_count = 0;
    creq.extra_header_count = 2;
    CHECK_ST(wsf_client_request_write(&creq, (uint8_t *)out, 64, &n), WSF_NULL_POINTER);
    creq.extra_header_count = 0;
    CHECK_ST(wsf_client_request_check_response(NULL, (const uint8_t *)out, 4, &limits, &sresp),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_response(&creq, NULL, 4, &limits, &sresp), WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)out, 4, NULL, &sresp),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_response(&creq, (const uint8_t *)out, 4, &limits, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_headers(NULL, 101, 1, NULL, 0, &sresp), WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, NULL, 3, &sresp), WSF_NULL_POINTER);
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, NULL, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_extensions_get(NULL, 3, 0, &ext), WSF_NULL_POINTER);
    CHECK_ST(wsf_extensions_get("abc", 3, 0, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_extensions_get_param(NULL, 3, 0, 0, &param), WSF_NULL_POINTER);
    CHECK_ST(wsf_extensions_get_param("abc", 3, 0, 0, NULL), WSF_NULL_POINTER);
    CHECK(n == SENTINEL);
}

static void other_functions(wsf_conn *conn) {
    uint8_t buf[64];
    uint8_t storage[256];
    wsf_reassembler *r = NULL;
    wsf_event ev;
    wsf_message m;
    uint32_t t = 7;
    memset(&ev, 0, sizeof ev);
    CHECK_ST(wsf_reassembler_init(NULL, 5, 1, storage, sizeof storage, &r), WSF_NULL_POINTER);
    CHECK_ST(wsf_reassembler_init(buf, sizeof buf, 1, NULL, 256, &r), WSF_NULL_POINTER);
    CHECK_ST(wsf_reassembler_init(buf, sizeof buf, 1, storage, sizeof storage, NULL),
             WSF_NULL_POINTER);
    CHECK(r == NULL);
    CHECK_ST(wsf_reassembler_push(NULL, conn, &ev, &m), WSF_NULL_POINTER);
    CHECK_ST(wsf_event_winhttp_buffer_type(NULL, &t), WSF_NULL_POINTER);
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, NULL), WSF_NULL_POINTER);
    CHECK_ST(wsf_event_websocket_buffer_type(NULL, &t), WSF_NULL_POINTER);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, NULL), WSF_NULL_POINTER);
    ev.kind = WSF_EVENT_TEXT;
    ev.payload_len = 3; /* NULL payload with a length */
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_NULL_POINTER);
    CHECK(t == 7);
}

void test_null_pointers(void) {
    peer p;
    peer_init(&p, WSF_ROLE_SERVER, NULL);
    conn_functions(p.conn);
    handshake_functions();
    other_functions(p.conn);
    peer_free(&p);
}
