/* Client <-> server in memory: text and binary messages of 0 bytes to
 * 1 MiB, whole or fragmented, one-buffer or two-buffer sends, control frames
 * between fragments, reassembly into a caller buffer. */
#include "harness.h"

static const size_t SIZES[] = {0, 1, 2, 125, 126, 127, 4095, 4096, 65535, 65536, 65537,
                               300000, 1024 * 1024};

/* Sends one message from `from` to `to` and checks what arrives. */
static void one_message(peer *from, peer *to, wire *there, wire *back, uint32_t kind,
                        const uint8_t *data, size_t len, size_t fragments, int two_buffer) {
    int before = to->in.messages;
    int whole_before = to->whole_messages;
    peer_send(from, there, kind, data, len, fragments, two_buffer);
    CHECK_ST(peer_pump(to, there, back), WSF_OK);
    CHECK(to->in.messages == before + 1);
    CHECK(to->in.last_kind == kind);
    CHECK(to->in.last_len == len);
    CHECK(len == 0 || memcmp(to->in.last, data, len) == 0);
    if (to->reasm != NULL) {
        CHECK(to->whole_messages == whole_before + 1 && to->whole_len == len);
    }
}

static void messages(void) {
    size_t max = SIZES[sizeof SIZES / sizeof SIZES[0] - 1];
    uint8_t *binary = zalloc(max);
    uint8_t *text = zalloc(max);
    peer client, server;
    wire c2s, s2c;
    size_t i;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    fill_pattern(binary, max, 7); /* contains NUL bytes */
    for (i = 0; i < max; i++) {
        text[i] = (uint8_t)('a' + i % 26);
    }
    /* A 3-byte code point at the very end, and one split by fragments. */
    memcpy(text + max - 3, "\xe2\x82\xac", 3);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_add_reassembler(&server, max, 64);
    for (i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
        size_t len = SIZES[i];
        const uint8_t *t = text + max - len; /* ends with the code point */
        int two = (int)(i % 2);
        if (len > 0 && len < 3) {
            t = text;
        }
        one_message(&client, &server, &c2s, &s2c, WSF_DATA_BINARY, binary, len, 1, two);
        one_message(&server, &client, &s2c, &c2s, WSF_DATA_BINARY, binary, len, 1, !two);
        one_message(&client, &server, &c2s, &s2c, WSF_DATA_TEXT, t, len, 1, two);
        one_message(&server, &client, &s2c, &c2s, WSF_DATA_TEXT, t, len, 1, !two);
        if (len >= 5) {
            one_message(&client, &server, &c2s, &s2c, WSF_DATA_TEXT, t, len, 5, !two);
            one_message(&server, &client, &s2c, &c2s, WSF_DATA_BINARY, binary, len, 5, two);
        }
    }
    /* Large messages arrived in window-sized pieces. */
    CHECK(server.in.pieces > server.in.frames);
    CHECK(wsf_conn_state(client.conn) == WSF_STATE_OPEN);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_OPEN);
    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
    free(binary);
    free(text);
}

/* Fragments with control frames between them (§5.4), and the flags. */
static void fragments_and_control(void) {
    peer client, server;
    wire c2s, s2c;
    uint8_t out[64];
    size_t n = 0;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_add_reassembler(&server, 64, 3);

    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 0, (const uint8_t *)"Hel", 3,
                                next_random(), out, sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK_ST(wsf_conn_send_ping(client.conn, (const uint8_t *)"mid", 3, next_random(), out,
                                sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 0, (const uint8_t *)"", 0,
                                next_random(), out, sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 1, (const uint8_t *)"lo", 2,
                                next_random(), out, sizeof out, &n),
             WSF_OK);
    wire_push(&c2s, out, n);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
    CHECK(server.in.messages == 1 && server.in.last_len == 5);
    CHECK(memcmp(server.in.last, "Hello", 5) == 0);
    CHECK(server.in.frames == 3 && server.in.pings == 1);
    CHECK(server.whole_messages == 1 && server.whole_len == 5);
    CHECK_ST(peer_pump(&client, &s2c, &c2s), WSF_OK);
    CHECK(client.in.pongs == 1 && client.in.ctrl_len == 3);

    /* One fragment too many for the reassembler (3): 1009 and failed. */
    peer_send(&client, &c2s, WSF_DATA_BINARY, (const uint8_t *)"abcd", 4, 4, 0);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_PROTOCOL_TOO_MANY_FRAGMENTS);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_FAILED);
    CHECK_ST(wsf_conn_error(server.conn), WSF_PROTOCOL_TOO_MANY_FRAGMENTS);
    CHECK_ST(peer_pump(&client, &s2c, &c2s), WSF_OK);
    CHECK(client.in.closes == 1 && client.in.close_code == WSF_CLOSE_MESSAGE_TOO_BIG);

    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
}

/* The reassembler's own limits and argument checks. */
static void reassembler(void) {
    peer server;
    wsf_event ev;
    wsf_message m;
    uint8_t frame[] = {0x82, 0x85, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'};
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_add_reassembler(&server, 4, 10);
    CHECK(wsf_reassembler_size() > 0 && wsf_reassembler_align() > 0);
    CHECK_ST(wsf_conn_recv(server.conn, frame, sizeof frame, &ev), WSF_OK);
    CHECK(ev.kind == WSF_EVENT_BINARY && ev.payload_len == 5 && ev.message_end == 1);
    /* The event's payload may not lie inside the reassembly buffer. */
    {
        wsf_event inside = ev;
        inside.payload = server.reasm_buf;
        inside.payload_len = 2;
        inside.message_end = 0;
        CHECK_ST(wsf_reassembler_push(server.reasm, server.conn, &inside, &m), WSF_INVALID_ARGUMENT);
    }
    {
        wsf_event bad = ev;
        memset(&bad.kind, 0xFF, sizeof bad.kind); /* not a wsf_event_type */
        CHECK_ST(wsf_reassembler_push(server.reasm, server.conn, &bad, &m), WSF_INVALID_ARGUMENT);
    }
    /* Five bytes do not fit four. */
    CHECK_ST(wsf_reassembler_push(server.reasm, server.conn, &ev, &m), WSF_PROTOCOL_MESSAGE_TOO_BIG);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_FAILED);
    CHECK(wsf_conn_has_pending(server.conn) == 1);
    ev.kind = WSF_EVENT_NONE;
    CHECK_ST(wsf_reassembler_push(server.reasm, server.conn, &ev, &m), WSF_INCOMPLETE);
    peer_free(&server);
}

void test_loopback(void) {
    messages();
    fragments_and_control();
    reassembler();
}
