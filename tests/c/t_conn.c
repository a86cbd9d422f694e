/* Connections: creation, queries, exact frames, control frames, the closing
 * handshake, keep-alive, small buffers. */
#include "harness.h"

static void creation(void) {
    size_t size = wsf_conn_size();
    size_t align = wsf_conn_align();
    uint8_t *raw = zalloc(size + 2 * align);
    void *storage = align_up(raw, align);
    wsf_config c = wsf_config_default();
    wsf_config got;
    wsf_conn *conn = NULL;
    CHECK(size > 0 && size < 1024);
    CHECK(align >= 1 && (align & (align - 1)) == 0);
    CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, &c, storage, size - 1, &conn), WSF_STORAGE_TOO_SMALL);
    if (align > 1) {
        CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, &c, (uint8_t *)storage + 1, size + align, &conn),
                 WSF_STORAGE_MISALIGNED);
    }
    CHECK_ST(wsf_conn_init(7, &c, storage, size, &conn), WSF_INVALID_ARGUMENT);
    CHECK(conn == NULL); /* outputs only on success */
    c.keepalive_interval_ms = 30000;
    c.keepalive_timeout_ms = 5000;
    c.max_fragments = 77;
    c.auto_pong = 0;
    CHECK_ST(wsf_conn_init(WSF_ROLE_SERVER, &c, storage, size, &conn), WSF_OK);
    CHECK(conn == (wsf_conn *)storage);
    CHECK(wsf_conn_role(conn) == WSF_ROLE_SERVER);
    CHECK(wsf_conn_state(conn) == WSF_STATE_OPEN);
    CHECK_ST(wsf_conn_error(conn), WSF_OK);
    CHECK(wsf_conn_has_pending(conn) == 0);
    CHECK(wsf_conn_is_finished(conn) == 0);
    CHECK_ST(wsf_conn_config(conn, &got), WSF_OK);
    CHECK(got.max_fragments == 77 && got.auto_pong == 0 && got.validate_utf8 == 1);
    CHECK(got.keepalive_interval_ms == 30000 && got.keepalive_timeout_ms == 5000);
#if defined(WSF_ALLOC)
    /* Connections in caller storage are ignored by wsf_conn_free. */
    wsf_conn_free(conn);
    CHECK(wsf_conn_state(conn) == WSF_STATE_OPEN);
    {
        wsf_conn *heap = NULL;
        CHECK_ST(wsf_conn_new(3, &c, &heap), WSF_INVALID_ARGUMENT);
        CHECK_ST(wsf_conn_new(WSF_ROLE_CLIENT, &c, &heap), WSF_OK);
        CHECK(heap != NULL && wsf_conn_role(heap) == WSF_ROLE_CLIENT);
        wsf_conn_free(heap);
        wsf_conn_free(NULL);
    }
#endif
    free(raw);
}

/* RFC 6455 §5.7 example frames, byte for byte. */
static void exact_frames(void) {
    peer client, server;
    uint8_t out[64];
    size_t n = 0;
    const uint8_t unmasked[] = {0x81, 0x05, 'H', 'e', 'l', 'l', 'o'};
    const uint8_t masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
    const uint8_t ping[] = {0x89, 0x05, 'H', 'e', 'l', 'l', 'o'};
    const uint8_t header_256[] = {0x82, 0x7E, 0x01, 0x00};
    const uint8_t header_64k[] = {0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0};
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_TEXT, 1, (const uint8_t *)"Hello", 5, 0,
                                out, sizeof out, &n),
             WSF_OK);
    CHECK(n == sizeof unmasked && memcmp(out, unmasked, n) == 0);
    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 1, (const uint8_t *)"Hello", 5,
                                0x37fa213du, out, sizeof out, &n),
             WSF_OK);
    CHECK(n == sizeof masked && memcmp(out, masked, n) == 0);
    CHECK_ST(wsf_conn_send_ping(server.conn, (const uint8_t *)"Hello", 5, 0, out, sizeof out, &n),
             WSF_OK);
    CHECK(n == sizeof ping && memcmp(out, ping, n) == 0);
    CHECK_ST(wsf_conn_send_data_header(server.conn, WSF_DATA_BINARY, 1, 256, 0, out, sizeof out,
                                       &n),
             WSF_OK);
    CHECK(n == sizeof header_256 && memcmp(out, header_256, n) == 0);
    CHECK_ST(wsf_conn_send_data_header(server.conn, WSF_DATA_BINARY, 1, 65536, 0, out, sizeof out,
                                       &n),
             WSF_OK);
    CHECK(n == sizeof header_64k && memcmp(out, header_64k, n) == 0);
    CHECK_ST(wsf_conn_send_data_header(server.conn, WSF_DATA_BINARY, 1, 0x8000000000000000ull, 0,
                                       out, sizeof out, &n),
             WSF_PAYLOAD_TOO_LARGE);
    peer_free(&client);
    peer_free(&server);
}

static void small_buffers_and_usage_errors(void) {
    peer server;
    uint8_t out[16];
    uint8_t big[200];
    size_t n = 12345;
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    memset(out, 0xAA, sizeof out);
    memset(big, 'x', sizeof big);
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_BINARY, 1, big, 20, 0, out, sizeof out, &n),
             WSF_BUFFER_TOO_SMALL);
    CHECK(n == 22 && out[0] == 0xAA);
    CHECK_ST(wsf_conn_send_data(server.conn, 0, 1, big, 1, 0, out, sizeof out, &n),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_send_data(server.conn, 3, 1, big, 1, 0, out, sizeof out, &n),
             WSF_INVALID_ARGUMENT);
    /* The output may not overlap the payload. */
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_BINARY, 1, big + 4, 4, 0, big, 20, &n),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_send_ping(server.conn, big, 126, 0, big + 126, 74, &n),
             WSF_CONTROL_TOO_LONG);
    CHECK_ST(wsf_conn_send_pong(server.conn, big, 4, 0, out, 3, &n), WSF_BUFFER_TOO_SMALL);
    CHECK(n == 6);
    CHECK_ST(wsf_conn_send_close(server.conn, 1005, "x", 1, 0, out, sizeof out, &n),
             WSF_INVALID_CLOSE_CODE);
    CHECK_ST(wsf_conn_send_close(server.conn, 1006, "", 0, 0, out, sizeof out, &n),
             WSF_INVALID_CLOSE_CODE);
    CHECK_ST(wsf_conn_send_close(server.conn, 1000, (const char *)big, 124, 0, big + 124, 76, &n),
             WSF_REASON_TOO_LONG);
    CHECK_ST(wsf_conn_send_close(server.conn, 1000, "\xff", 1, 0, out, sizeof out, &n),
             WSF_NOT_UTF8);
    /* A fragmented text message in progress refuses binary frames. */
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_TEXT, 0, big, 1, 0, out, sizeof out, &n),
             WSF_OK);
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_BINARY, 1, big, 1, 0, out, sizeof out, &n),
             WSF_MESSAGE_IN_PROGRESS);
    CHECK_ST(wsf_conn_send_data_header(server.conn, WSF_DATA_BINARY, 1, 1, 0, out, sizeof out,
                                       &n),
             WSF_MESSAGE_IN_PROGRESS);
    CHECK_ST(wsf_conn_send_data(server.conn, WSF_DATA_TEXT, 1, big, 1, 0, out, sizeof out, &n),
             WSF_OK);
    CHECK(out[0] == 0x80); /* FIN + continuation */
    CHECK(wsf_status_hresult(WSF_MESSAGE_IN_PROGRESS) == WSF_E_INVALID_PROTOCOL_OPERATION);
    peer_free(&server);
}

static void ping_pong_and_close(void) {
    peer client, server;
    wire c2s, s2c;
    uint8_t out[WSF_MAX_PENDING_FRAME];
    size_t n = 0;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);

    /* Ping with NUL bytes; the automatic Pong carries the same payload. */
    CHECK_ST(wsf_conn_send_ping(client.conn, (const uint8_t *)"p\0ng", 4, next_random(), out,
                                sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
    CHECK(server.in.pings == 1 && server.in.ctrl_len == 4 && memcmp(server.in.ctrl, "p\0ng", 4) == 0);
    CHECK_ST(peer_pump(&client, &s2c, &c2s), WSF_OK);
    CHECK(client.in.pongs == 1 && client.in.ctrl_len == 4 && memcmp(client.in.ctrl, "p\0ng", 4) == 0);
    /* Empty ping, unsolicited pong. */
    CHECK_ST(wsf_conn_send_ping(server.conn, NULL, 0, 0, out, sizeof out, &n), WSF_OK);
    wire_push(&s2c, out, n);
    CHECK_ST(wsf_conn_send_pong(server.conn, (const uint8_t *)"u", 1, 0, out, sizeof out, &n), WSF_OK);
    wire_push(&s2c, out, n);
    CHECK_ST(peer_pump(&client, &s2c, &c2s), WSF_OK);
    CHECK(client.in.pings == 1 && client.in.pongs == 2 && client.in.ctrl_len == 1);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
    CHECK(server.in.pongs == 1 && server.in.ctrl_len == 0);

    /* Closing handshake started by the client. */
    CHECK_ST(wsf_conn_send_close(client.conn, 4000, "bye", 3, next_random(), out, sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK(wsf_conn_state(client.conn) == WSF_STATE_CLOSE_SENT);
    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 1, NULL, 0, 1, out, sizeof out, &n),
             WSF_CLOSED);
    CHECK_ST(wsf_conn_send_ping(client.conn, NULL, 0, 1, out, sizeof out, &n), WSF_CLOSED);
    CHECK(wsf_status_hresult(WSF_CLOSED) == WSF_E_INVALID_PROTOCOL_OPERATION);
    {
        /* The echo must be drained by the caller; peer_pump does. */
        wsf_event ev;
        uint8_t copy[64];
        memcpy(copy, c2s.buf, c2s.len);
        CHECK_ST(wsf_conn_recv(server.conn, copy, c2s.len, &ev), WSF_OK);
        CHECK(ev.kind == WSF_EVENT_CLOSE && ev.close_code == 4000 && ev.reason_len == 3);
        CHECK(ev.consumed == c2s.len && ev.payload == NULL);
        CHECK(wsf_conn_state(server.conn) == WSF_STATE_CLOSE_RECEIVED);
        CHECK(wsf_conn_has_pending(server.conn) == 1);
        CHECK_ST(wsf_conn_write_pending(server.conn, 0, out, 3, &n), WSF_BUFFER_TOO_SMALL);
        CHECK(n == 4 && wsf_conn_has_pending(server.conn) == 1);
        CHECK_ST(wsf_conn_write_pending(server.conn, 0, out, sizeof out, &n), WSF_OK);
        CHECK(n == 4 && out[0] == 0x88 && out[2] == 0x0F && out[3] == 0xA0); /* 4000 echoed */
        CHECK_ST(wsf_conn_write_pending(server.conn, 0, out + 4, sizeof out - 4, &n), WSF_OK);
        CHECK(n == 0);
        CHECK(wsf_conn_state(server.conn) == WSF_STATE_CLOSED);
        CHECK(wsf_conn_is_finished(server.conn) == 1);
        wire_push(&s2c, out, 4);
        c2s.len = 0;
    }
    CHECK_ST(peer_pump(&client, &s2c, &c2s), WSF_OK);
    CHECK(client.in.closes == 1 && client.in.close_code == 4000 && client.in.reason_len == 0);
    CHECK(wsf_conn_state(client.conn) == WSF_STATE_CLOSED);
    CHECK(wsf_conn_is_finished(client.conn) == 1);
    CHECK_ST(wsf_conn_send_close(client.conn, 1000, "", 0, 0, out, sizeof out, &n), WSF_CLOSED);

    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
}

static void keepalive(void) {
    wsf_config c = wsf_config_default();
    peer server;
    wsf_keepalive_action a;
    uint8_t pong[] = {0x8A, 0x80, 1, 2, 3, 4};
    wsf_event ev;
    c.keepalive_interval_ms = 1000;
    c.keepalive_timeout_ms = 500;
    peer_init(&server, WSF_ROLE_SERVER, &c);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 10000, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_IDLE);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 11000, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_SEND_PING);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 11499, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_IDLE);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 11500, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_TIMED_OUT);
    /* Input is a sign of life. */
    CHECK_ST(wsf_conn_recv(server.conn, pong, sizeof pong, &ev), WSF_OK);
    CHECK(ev.kind == WSF_EVENT_PONG);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 11600, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_IDLE);
    peer_free(&server);
    /* Disabled by default. */
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_keepalive_poll(server.conn, 1u << 30, &a), WSF_OK);
    CHECK(a == WSF_KEEPALIVE_IDLE);
    peer_free(&server);
}

void test_conn(void) {
    creation();
    exact_frames();
    small_buffers_and_usage_errors();
    ping_pong_and_close();
    keepalive();
}
