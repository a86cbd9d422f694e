/* Bad frames: each fails the connection with the right status and close
 * code, the Close is pending, and the failure is final. */
#include "harness.h"

typedef struct bad_frame {
    uint32_t role; /* who receives it */
    uint8_t bytes[16];
    size_t len;
    uint32_t status;
    uint16_t close_code;
} bad_frame;

/* Masked frames use the all-zero key, so payload bytes are as written. */
static const bad_frame BAD_FRAMES[] = {
    {WSF_ROLE_SERVER, {0x81, 0x02, 'h', 'i'}, 4, WSF_PROTOCOL_UNMASKED_CLIENT_FRAME, 1002},
    {WSF_ROLE_CLIENT, {0x81, 0x82, 0, 0, 0, 0, 'h', 'i'}, 8, WSF_PROTOCOL_MASKED_SERVER_FRAME, 1002},
    {WSF_ROLE_SERVER, {0xC1, 0x80, 0, 0, 0, 0}, 6, WSF_PROTOCOL_RESERVED_BITS, 1002},
    {WSF_ROLE_SERVER, {0x83, 0x80, 0, 0, 0, 0}, 6, WSF_PROTOCOL_RESERVED_OPCODE, 1002},
    {WSF_ROLE_SERVER, {0x89, 0xFE, 0, 126, 0, 0, 0, 0}, 8, WSF_PROTOCOL_CONTROL_FRAME_TOO_LONG, 1002},
    {WSF_ROLE_SERVER, {0x09, 0x80, 0, 0, 0, 0}, 6, WSF_PROTOCOL_FRAGMENTED_CONTROL_FRAME, 1002},
    {WSF_ROLE_CLIENT, {0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10, WSF_PROTOCOL_LENGTH_TOP_BIT_SET,
     1002},
    {WSF_ROLE_CLIENT, {0x82, 0x7E, 0, 5}, 4, WSF_PROTOCOL_NON_MINIMAL_LENGTH, 1002},
    {WSF_ROLE_SERVER, {0x80, 0x80, 0, 0, 0, 0}, 6, WSF_PROTOCOL_UNEXPECTED_CONTINUATION, 1002},
    {WSF_ROLE_SERVER, {0x01, 0x80, 0, 0, 0, 0, 0x81, 0x80, 0, 0, 0, 0}, 12,
     WSF_PROTOCOL_EXPECTED_CONTINUATION, 1002},
    {WSF_ROLE_SERVER, {0x88, 0x81, 0, 0, 0, 0, 3}, 7, WSF_PROTOCOL_CLOSE_FRAME_TOO_SHORT, 1002},
    {WSF_ROLE_SERVER, {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xED}, 8, WSF_PROTOCOL_INVALID_CLOSE_CODE,
     1002},
    {WSF_ROLE_SERVER, {0x81, 0x82, 0, 0, 0, 0, 0xC3, 0x28}, 8, WSF_PROTOCOL_INVALID_UTF8, 1007},
    {WSF_ROLE_SERVER, {0x88, 0x83, 0, 0, 0, 0, 0x03, 0xE8, 0xFF}, 9, WSF_PROTOCOL_INVALID_UTF8,
     1007},
    {WSF_ROLE_CLIENT, {0x82, 0x7E, 0x01, 0x00}, 4, WSF_PROTOCOL_FRAME_TOO_BIG, 1009},
    {WSF_ROLE_CLIENT, {0x02, 0x7E, 0x00, 0xC8}, 4, WSF_PROTOCOL_MESSAGE_TOO_BIG, 1009},
    {WSF_ROLE_CLIENT, {0x02, 0, 0x00, 0, 0x80, 0}, 6, WSF_PROTOCOL_TOO_MANY_FRAGMENTS, 1009},
};

/* Reads the Close the failed connection sends and checks its code. */
static void check_pending_close(wsf_conn *conn, uint16_t code) {
    uint8_t out[WSF_MAX_PENDING_FRAME];
    size_t n = 0;
    size_t header;
    CHECK(wsf_conn_has_pending(conn) == 1);
    CHECK_ST(wsf_conn_write_pending(conn, 0, out, sizeof out, &n), WSF_OK);
    header = (out[1] & 0x80) ? 6 : 2; /* a client masks (key 0 here) */
    CHECK(n >= header + 2 && out[0] == 0x88);
    CHECK(((uint16_t)(out[header] << 8) | out[header + 1]) == code);
    CHECK(wsf_conn_is_finished(conn) == 1);
}

static void bad_frames(void) {
    size_t i;
    wsf_config c = wsf_config_default();
    c.max_frame_size = 255;
    c.max_message_size = 199;
    c.max_fragments = 2;
    for (i = 0; i < sizeof BAD_FRAMES / sizeof BAD_FRAMES[0]; i++) {
        const bad_frame *b = &BAD_FRAMES[i];
        peer p;
        uint8_t buf[16];
        uint8_t out[16];
        size_t off = 0;
        size_t n = 0;
        wsf_event ev;
        wsf_status st = WSF_OK;
        peer_init(&p, b->role, &c);
        memcpy(buf, b->bytes, b->len);
        /* Feed the frames; stop at the first error. */
        while (off < b->len) {
            st = wsf_conn_recv(p.conn, buf + off, b->len - off, &ev);
            if (st != WSF_OK || ev.consumed == 0) {
                break;
            }
            off += ev.consumed;
        }
        CHECK_ST(st, b->status);
        CHECK(wsf_status_close_code(st) == b->close_code);
        CHECK(wsf_conn_state(p.conn) == WSF_STATE_FAILED);
        CHECK_ST(wsf_conn_error(p.conn), b->status);
        CHECK(wsf_status_hresult(st) == WSF_E_INVALID_PROTOCOL_FORMAT);
        check_pending_close(p.conn, b->close_code);
        /* Failure is final. */
        CHECK_ST(wsf_conn_recv(p.conn, buf, b->len, &ev), b->status);
        CHECK_ST(wsf_conn_send_data(p.conn, WSF_DATA_BINARY, 1, NULL, 0, 0, out, sizeof out, &n),
                 WSF_CLOSED);
        peer_free(&p);
    }
}

static void fail_by_caller(void) {
    peer p;
    peer_init(&p, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_fail(p.conn, WSF_CLOSED), WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_fail(p.conn, 999999), WSF_INVALID_ARGUMENT);
    CHECK(wsf_conn_state(p.conn) == WSF_STATE_OPEN);
    CHECK_ST(wsf_conn_fail(p.conn, WSF_PROTOCOL_MESSAGE_TOO_BIG), WSF_OK);
    CHECK(wsf_conn_state(p.conn) == WSF_STATE_FAILED);
    CHECK_ST(wsf_conn_fail(p.conn, WSF_PROTOCOL_INVALID_UTF8), WSF_OK); /* no effect */
    CHECK_ST(wsf_conn_error(p.conn), WSF_PROTOCOL_MESSAGE_TOO_BIG);
    check_pending_close(p.conn, 1009);
    peer_free(&p);
    /* The generic protocol status fails with 1002. */
    peer_init(&p, WSF_ROLE_CLIENT, NULL);
    CHECK_ST(wsf_conn_fail(p.conn, WSF_PROTOCOL_ERROR), WSF_OK);
    check_pending_close(p.conn, 1002);
    peer_free(&p);
}

/* After the peer's Close, further input is discarded (no event). */
static void input_after_close(void) {
    peer p;
    uint8_t bytes[] = {0x88, 0x80, 0, 0, 0, 0, 0x81, 0x80, 0, 0, 0, 0};
    wsf_event ev;
    peer_init(&p, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_recv(p.conn, bytes, sizeof bytes, &ev), WSF_OK);
    CHECK(ev.kind == WSF_EVENT_CLOSE && ev.close_code == WSF_CLOSE_NO_STATUS && ev.consumed == 6);
    CHECK_ST(wsf_conn_recv(p.conn, bytes + 6, 6, &ev), WSF_OK);
    CHECK(ev.kind == WSF_EVENT_NONE && ev.consumed == 6);
    peer_free(&p);
}

void test_protocol_errors(void) {
    bad_frames();
    fail_by_caller();
    input_after_close();
}
