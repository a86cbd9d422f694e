/* permessage-deflate (RFC 7692) through the C ABI: negotiation on a captured
 * Chromium request and on Autobahn's three offers (both request paths), the
 * client's offer and answer check, client <-> server round trips at windows
 * 9..15 with and without context takeover, the receive errors (1002, 1007,
 * 1009) and the usage errors. The cross-checks against zlib are in
 * zlib_peer.c (Linux builds only). */
#include "harness.h"

/* Chromium 156's opening handshake, byte-exact
 * (core/tests/data/handshakes/chromium.request.http). */
static const char CHROMIUM[] =
    "GET /chromium HTTP/1.1\r\n"
    "Host: 127.0.0.1:9102\r\n"
    "Connection: Upgrade\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/156.0.0.0 Safari/537.36\r\n"
    "Upgrade: websocket\r\n"
    "Origin: http://127.0.0.1:9103\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Sec-WebSocket-Key: AaW8/yUY7gHoaReK56RKyg==\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "\r\n";

/* Autobahn 13.7.1's three offers in one header line
 * (core/tests/data/handshakes/autobahn-case-13.7.1.request.http). */
static const char AUTOBAHN_13_7_1[] =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover; server_max_window_bits=9, permessage-deflate; "
    "client_no_context_takeover; client_max_window_bits; server_no_context_takeover, "
    "permessage-deflate; client_no_context_takeover; client_max_window_bits";

static wsf_deflate_config config_of(uint8_t rx, uint8_t tx, uint8_t peer_nct, uint8_t nct) {
    wsf_deflate_config c;
    c.receive_window_bits = rx;
    c.send_window_bits = tx;
    c.peer_no_context_takeover = peer_nct;
    c.no_context_takeover = nct;
    return c;
}

static wsf_deflate_params params_of(uint8_t tx, uint8_t tx_nct, uint8_t rx, uint8_t rx_nct) {
    wsf_deflate_params p;
    p.send_window_bits = tx;
    p.send_no_context_takeover = tx_nct;
    p.receive_window_bits = rx;
    p.receive_no_context_takeover = rx_nct;
    return p;
}

static int same_text(const char *buf, size_t len, const char *text) {
    return len == strlen(text) && memcmp(buf, text, len) == 0;
}

static wsf_http_header header_of(const char *name, const char *value) {
    wsf_http_header h;
    h.name = name;
    h.name_len = (uint32_t)strlen(name);
    h.value = value;
    h.value_len = (uint32_t)strlen(value);
    return h;
}

/* ---- negotiation ---------------------------------------------------------- */

static void negotiate_chromium(void) {
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    wsf_deflate_config c = wsf_deflate_config_default();
    wsf_deflate_params p = params_of(0, 0, 0, 0);
    wsf_request req;
    wsf_response resp;
    char answer[WSF_DEFLATE_MAX_VALUE_LEN];
    uint8_t head[512];
    uint8_t accepted = 7;
    size_t n = 0;
    CHECK(c.receive_window_bits == 15 && c.send_window_bits == 15);
    CHECK(c.peer_no_context_takeover == 0 && c.no_context_takeover == 0);
    CHECK_ST(wsf_request_parse((const uint8_t *)CHROMIUM, sizeof CHROMIUM - 1, &limits, &req),
             WSF_OK);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 1);
    /* The client let us choose its window (§7.1.2.2): we answer with ours. */
    CHECK(same_text(answer, n, "permessage-deflate; client_max_window_bits=15"));
    CHECK(p.send_window_bits == 15 && p.receive_window_bits == 15);
    CHECK(p.send_no_context_takeover == 0 && p.receive_no_context_takeover == 0);

    /* A small receive ring: the client is told to use window 10. */
    c = config_of(10, 11, 1, 0);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 1);
    CHECK(same_text(answer, n,
                    "permessage-deflate; client_no_context_takeover; "
                    "server_max_window_bits=11; client_max_window_bits=10"));
    CHECK(p.send_window_bits == 11 && p.receive_window_bits == 10);
    CHECK(p.receive_no_context_takeover == 1 && p.send_no_context_takeover == 0);

    /* The answer goes into the 101 as it is. */
    memset(&resp, 0, sizeof resp);
    resp.extensions.ptr = answer;
    resp.extensions.len = n;
    CHECK_ST(wsf_request_write_response(&req, &resp, head, sizeof head, &n), WSF_OK);
    CHECK(contains(head, n, "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_"));

    /* A ring of 2^8 cannot take a client that may use 15 unless told (and
     * window 8 is never asked for): declined, no answer. */
    c = config_of(8, 15, 0, 0);
    p = params_of(1, 2, 3, 4);
    n = 99;
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 0 && n == 0 && p.send_window_bits == 1 && p.receive_no_context_takeover == 4);

    /* Too small an answer buffer: the size needed, nothing else. */
    c = wsf_deflate_config_default();
    accepted = 7;
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, 10, &n),
             WSF_BUFFER_TOO_SMALL);
    CHECK(n == strlen("permessage-deflate; client_max_window_bits=15") && accepted == 7);
    /* Window bits outside 8..15. */
    c = config_of(16, 15, 0, 0);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_INVALID_ARGUMENT);
    c = config_of(15, 7, 0, 0);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_INVALID_ARGUMENT);
    c = wsf_deflate_config_default();
    CHECK_ST(wsf_request_deflate_negotiate(NULL, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_request_deflate_negotiate(&req, NULL, &p, &accepted, answer, sizeof answer, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, NULL, &accepted, answer, sizeof answer, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, NULL, answer, sizeof answer, &n),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, NULL),
             WSF_NULL_POINTER);
    /* The answer may not overwrite the request it is read from. */
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, (char *)req.headers[0].value,
                                           WSF_DEFLATE_MAX_VALUE_LEN, &n),
             WSF_INVALID_ARGUMENT);
}

/* The header-array path (as http.sys hands a request over), with Autobahn's
 * fallback offers. */
static void negotiate_from_headers(void) {
    wsf_http_header h[6];
    wsf_request req;
    wsf_deflate_config c = wsf_deflate_config_default();
    wsf_deflate_params p = params_of(0, 0, 0, 0);
    char answer[WSF_DEFLATE_MAX_VALUE_LEN];
    uint8_t accepted = 0;
    size_t n = 0;
    h[0] = header_of("Host", "127.0.0.1:9102");
    h[1] = header_of("Upgrade", "WebSocket");
    h[2] = header_of("Connection", "Upgrade");
    h[3] = header_of("Sec-WebSocket-Key", "Sy1TN996RO13yv1pMVjtyw==");
    h[4] = header_of("Sec-WebSocket-Extensions", AUTOBAHN_13_7_1);
    h[5] = header_of("Sec-WebSocket-Version", "13");
    CHECK_ST(wsf_request_from_headers("GET", 3, "/autobahn-case-13.7.1", 21, 1, h, 6, &req),
             WSF_OK);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 1);
    CHECK(same_text(answer, n,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    "server_max_window_bits=9; client_max_window_bits=15"));
    CHECK(p.send_window_bits == 9 && p.send_no_context_takeover == 1);
    CHECK(p.receive_window_bits == 15 && p.receive_no_context_takeover == 1);
    /* Our compressor history holds 2^8 only: the first offer, at 8. */
    c = config_of(12, 8, 0, 0);
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 1 && p.send_window_bits == 8 && p.receive_window_bits == 12);
    CHECK(same_text(answer, n,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    "server_max_window_bits=8; client_max_window_bits=12"));
    /* No extension offered at all: declined. */
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, h, 4, &req), WSF_HANDSHAKE_MISSING_VERSION);
    h[4] = h[5];
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, h, 5, &req), WSF_OK);
    c = wsf_deflate_config_default();
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, &p, &accepted, answer, sizeof answer, &n),
             WSF_OK);
    CHECK(accepted == 0 && n == 0);
}

/* The client's side: the offer text and the check of answers. */
static void client_offer_and_check(void) {
    wsf_deflate_config c = wsf_deflate_config_default();
    wsf_deflate_params p = params_of(0, 0, 0, 0);
    char offer[WSF_DEFLATE_MAX_VALUE_LEN];
    uint8_t accepted = 9;
    size_t n = 0;
    CHECK_ST(wsf_deflate_client_offer(&c, offer, sizeof offer, &n), WSF_OK);
    CHECK(same_text(offer, n, "permessage-deflate; client_max_window_bits"));
    c = config_of(10, 12, 1, 1);
    CHECK_ST(wsf_deflate_client_offer(&c, offer, sizeof offer, &n), WSF_OK);
    CHECK(same_text(offer, n,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    "server_max_window_bits=10; client_max_window_bits"));
    CHECK_ST(wsf_deflate_client_offer(&c, offer, 5, &n), WSF_BUFFER_TOO_SMALL);
    CHECK(n == strlen("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                      "server_max_window_bits=10; client_max_window_bits"));
    CHECK_ST(wsf_deflate_client_offer(NULL, offer, sizeof offer, &n), WSF_NULL_POINTER);
    CHECK_ST(wsf_deflate_client_offer(&c, offer, sizeof offer, NULL), WSF_NULL_POINTER);
    c.receive_window_bits = 0;
    CHECK_ST(wsf_deflate_client_offer(&c, offer, sizeof offer, &n), WSF_INVALID_ARGUMENT);

#define ANSWER(text) text, strlen(text)
    c = config_of(10, 12, 0, 0);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=9; "
                                             "client_max_window_bits=11; server_no_context_takeover"),
                                      &c, &p, &accepted),
             WSF_OK);
    CHECK(accepted == 1 && p.receive_window_bits == 9 && p.send_window_bits == 11);
    CHECK(p.receive_no_context_takeover == 1 && p.send_no_context_takeover == 0);
    /* Not accepted: absent or another extension. */
    accepted = 9;
    CHECK_ST(wsf_deflate_check_answer(NULL, 0, &c, &p, &accepted), WSF_OK);
    CHECK(accepted == 0);
    accepted = 9;
    CHECK_ST(wsf_deflate_check_answer(ANSWER("x-other"), &c, &p, &accepted), WSF_OK);
    CHECK(accepted == 0 && p.receive_window_bits == 9);
    /* Answers that break §7.1 fail the handshake. */
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=10, "
                                             "permessage-deflate"),
                                      &c, &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_REPEATED);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=10; x=1"),
                                      &c, &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_UNKNOWN_PARAMETER);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=9; "
                                             "server_max_window_bits=9"),
                                      &c, &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_DUPLICATE_PARAMETER);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=016"), &c,
                                      &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=9; "
                                             "client_no_context_takeover=1"),
                                      &c, &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_UNEXPECTED_VALUE);
    /* We offered server_max_window_bits=10: 11, or none at all, is too large. */
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate; server_max_window_bits=11"), &c,
                                      &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate"), &c, &p, &accepted),
             WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate;;"), &c, &p, &accepted),
             WSF_HANDSHAKE_BAD_HEADER_VALUE);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate"), NULL, &p, &accepted),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate"), &c, NULL, &accepted),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_deflate_check_answer(ANSWER("permessage-deflate"), &c, &p, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_deflate_check_answer(NULL, 3, &c, &p, &accepted), WSF_NULL_POINTER);
#undef ANSWER
    /* These statuses end the handshake: no HTTP answer, no close code. */
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE) == 0);
    CHECK(wsf_status_close_code(WSF_HANDSHAKE_DEFLATE_REPEATED) == 0);
}

/* The whole opening handshake through the ABI: the client's offer, the
 * server's parse and negotiation, the 101, the client's checks. Returns
 * whether the extension was accepted (by both). */
static int handshake(const wsf_deflate_config *cc, const wsf_deflate_config *sc,
                     wsf_deflate_params *cp, wsf_deflate_params *sp) {
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    wsf_client_request r;
    wsf_request req;
    wsf_response resp;
    wsf_server_response sr;
    char offer[WSF_DEFLATE_MAX_VALUE_LEN];
    char answer[WSF_DEFLATE_MAX_VALUE_LEN];
    uint8_t head[1024];
    uint8_t reply[1024];
    uint8_t s_ok = 0, c_ok = 0;
    size_t n = 0, m = 0, i;
    CHECK_ST(wsf_deflate_client_offer(cc, offer, sizeof offer, &n), WSF_OK);
    memset(&r, 0, sizeof r);
    r.host = str_of("example.com");
    r.path = str_of("/deflate");
    for (i = 0; i < 16; i++) {
        r.nonce[i] = (uint8_t)next_random();
    }
    r.extensions.ptr = offer;
    r.extensions.len = n;
    CHECK_ST(wsf_client_request_write(&r, head, sizeof head, &n), WSF_OK);
    CHECK_ST(wsf_request_parse(head, n, &limits, &req), WSF_OK);
    CHECK_ST(wsf_request_deflate_negotiate(&req, sc, sp, &s_ok, answer, sizeof answer, &m), WSF_OK);
    memset(&resp, 0, sizeof resp);
    if (s_ok) {
        resp.extensions.ptr = answer;
        resp.extensions.len = m;
    }
    CHECK_ST(wsf_request_write_response(&req, &resp, reply, sizeof reply, &n), WSF_OK);
    CHECK_ST(wsf_client_request_check_response(&r, reply, n, &limits, &sr), WSF_OK);
    CHECK_ST(wsf_deflate_check_answer(sr.extensions.ptr, sr.extensions.len, cc, cp, &c_ok), WSF_OK);
    CHECK(c_ok == s_ok);
    if (s_ok && c_ok) {
        /* Both ends agree on each direction. */
        CHECK(cp->send_window_bits <= sp->receive_window_bits);
        CHECK(cp->receive_window_bits == sp->send_window_bits);
        CHECK(cp->receive_no_context_takeover == sp->send_no_context_takeover);
        CHECK(cp->send_no_context_takeover == sp->receive_no_context_takeover);
    }
    return s_ok && c_ok;
}

/* ---- round trips ------------------------------------------------------- */


/* One message through `from`'s send_deflate and `to`'s recv; returns the
 * bytes it took on the wire. */
static size_t deliver(peer *from, peer *to, wire *there, wire *back, uint32_t kind,
                      const uint8_t *data, size_t len, size_t piece, size_t out_cap) {
    int before = to->in.messages;
    size_t wire_len;
    peer_send_deflate(from, there, kind, data, len, piece, out_cap);
    wire_len = there->len;
    CHECK(wire_len > 0 && (there->buf[0] & 0x40) != 0); /* RSV1: compressed */
    CHECK_ST(peer_pump(to, there, back), WSF_OK);
    CHECK(to->in.messages == before + 1);
    CHECK(to->in.last_kind == kind && to->in.last_len == len);
    CHECK(len == 0 || memcmp(to->in.last, data, len) == 0);
    return wire_len;
}

static const size_t ROUND_TRIP_SIZES[] = {0, 1, 137, 3000, 40000};

static void round_trip(uint8_t bits, uint8_t nct) {
    wsf_deflate_config cc = config_of(bits, bits, nct, nct);
    wsf_deflate_config sc = config_of(bits, bits, nct, nct);
    wsf_deflate_params cp, sp;
    size_t max = 40000, i, first, second;
    uint8_t *text = zalloc(max);
    uint8_t *binary = zalloc(max);
    uint8_t fresh[3000];
    int agreed;
    peer client, server;
    wire c2s, s2c;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    fill_words(text, max, bits);
    fill_pattern(binary, max, bits);
    fill_noise(fresh, sizeof fresh, 1000u + bits);
    agreed = handshake(&cc, &sc, &cp, &sp);
    CHECK(agreed);
    if (!agreed) {
        free(text);
        free(binary);
        return;
    }
    CHECK(cp.send_window_bits == bits && cp.receive_window_bits == bits);
    CHECK(sp.send_window_bits == bits && sp.receive_window_bits == bits);
    CHECK(cp.send_no_context_takeover == nct && sp.send_no_context_takeover == nct);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_deflate(&client, &cp, bits % 2 ? WSF_DEFLATE_LEVEL_FAST : WSF_DEFLATE_LEVEL_DEFAULT, 1);
    peer_deflate(&server, &sp, bits % 2 ? WSF_DEFLATE_LEVEL_DEFAULT : WSF_DEFLATE_LEVEL_FAST, 1);
    for (i = 0; i < sizeof ROUND_TRIP_SIZES / sizeof ROUND_TRIP_SIZES[0]; i++) {
        size_t len = ROUND_TRIP_SIZES[i];
        /* Whole, and offered in 1000-byte pieces into 64-byte frames. */
        size_t t1 = deliver(&client, &server, &c2s, &s2c, WSF_DATA_TEXT, text, len, 0, 70000);
        deliver(&server, &client, &s2c, &c2s, WSF_DATA_TEXT, text, len, 1000, 64);
        deliver(&client, &server, &c2s, &s2c, WSF_DATA_BINARY, binary, len, 1000, 64);
        deliver(&server, &client, &s2c, &c2s, WSF_DATA_BINARY, binary, len, 0, 70000);
        if (len == max) {
            CHECK(t1 < len / 4); /* text really was compressed */
        }
    }
    /* Context takeover (§7.1.1): the same 3000 random bytes twice. With it
     * (and a window that holds them) the second copy is a few matches. */
    first = deliver(&client, &server, &c2s, &s2c, WSF_DATA_BINARY, fresh, sizeof fresh, 0, 70000);
    second = deliver(&client, &server, &c2s, &s2c, WSF_DATA_BINARY, fresh, sizeof fresh, 0, 70000);
    CHECK(first > sizeof fresh);
    if (bits >= 12 && !nct) {
        CHECK(second < first / 4);
    } else {
        CHECK(second > first / 2);
    }
    CHECK(server.in.frames >= 1 && client.in.messages > 0);
    CHECK(wsf_conn_state(client.conn) == WSF_STATE_OPEN);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_OPEN);
    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
    free(text);
    free(binary);
}

/* Without a sending half, messages go out as they are (§6). */
static void inflate_only(void) {
    wsf_deflate_params p = params_of(15, 0, 15, 0);
    uint8_t msg[300];
    peer client, server;
    wire c2s, s2c;
    size_t frames;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    fill_words(msg, sizeof msg, 3);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_deflate(&client, &p, WSF_DEFLATE_LEVEL_FAST, 0);
    peer_deflate(&server, &p, WSF_DEFLATE_LEVEL_FAST, 1);
    frames = peer_send_deflate(&client, &c2s, WSF_DATA_TEXT, msg, sizeof msg, 0, 64);
    CHECK(frames == 6 && (c2s.buf[0] & 0x40) == 0); /* 6 plain fragments */
    CHECK(c2s.len == sizeof msg + frames * 6);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
    CHECK(server.in.messages == 1 && server.in.last_len == sizeof msg);
    CHECK(memcmp(server.in.last, msg, sizeof msg) == 0);
    /* An empty message is one frame; a frame that cannot hold a byte is refused. */
    frames = peer_send_deflate(&client, &c2s, WSF_DATA_BINARY, msg, 0, 0, 6);
    CHECK(frames == 1 && c2s.len == 6);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
    CHECK(server.in.messages == 2 && server.in.last_len == 0);
    {
        wsf_sent sent;
        uint8_t out[6];
        CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_TEXT, 1, msg, 1, 1, out, sizeof out,
                                       &sent),
                 WSF_BUFFER_TOO_SMALL);
    }
    /* The server compresses toward a client that only inflates. */
    deliver(&server, &client, &s2c, &c2s, WSF_DATA_TEXT, msg, sizeof msg, 0, 512);
    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
}

/* ---- receive errors -------------------------------------------------------- */

/* A client frame (masked) with the flags given. */
static size_t client_frame(uint8_t *out, int fin, int rsv1, int opcode, const uint8_t *payload,
                           size_t len) {
    static const uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
    size_t at = 0, i;
    out[at++] = (uint8_t)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
    if (len < 126) {
        out[at++] = (uint8_t)(0x80 | len);
    } else {
        out[at++] = 0x80 | 126;
        out[at++] = (uint8_t)(len >> 8);
        out[at++] = (uint8_t)len;
    }
    memcpy(out + at, key, 4);
    at += 4;
    for (i = 0; i < len; i++) {
        out[at + i] = (uint8_t)(payload[i] ^ key[i % 4]);
    }
    return at + len;
}

/* Feeds `frames` to a fresh server (deflate on with `p` unless NULL) and
 * checks the status it fails with, its close code and the Close it queues. */
static void server_fails(const wsf_deflate_params *p, const uint8_t *frames, size_t len,
                         uint32_t status, uint16_t close_code) {
    peer server;
    wire in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    if (p != NULL) {
        peer_deflate(&server, p, WSF_DEFLATE_LEVEL_FAST, 0);
    }
    wire_push(&in, frames, len);
    CHECK_ST(peer_pump(&server, &in, &out), status);
    CHECK(wsf_status_close_code(status) == close_code);
    CHECK_ST(wsf_conn_error(server.conn), status);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_FAILED);
    /* The failing Close carries the code. */
    CHECK(out.len >= 4 && out.buf[0] == 0x88);
    CHECK(out.len >= 4 && out.buf[2] == (uint8_t)(close_code >> 8) &&
          out.buf[3] == (uint8_t)close_code);
    wire_free(&in);
    wire_free(&out);
    peer_free(&server);
}

static void receive_errors(void) {
    wsf_deflate_params p = params_of(15, 0, 15, 0);
    uint8_t frames[512];
    size_t n;
    /* RSV1 on a continuation (§6.1). */
    n = client_frame(frames, 0, 0, 1, (const uint8_t *)"ab", 2);
    n += client_frame(frames + n, 1, 1, 0, (const uint8_t *)"cd", 2);
    server_fails(&p, frames, n, WSF_PROTOCOL_COMPRESSED_CONTINUATION, 1002);
    /* RSV1 on a control frame. */
    n = client_frame(frames, 1, 1, 9, (const uint8_t *)"x", 1);
    server_fails(&p, frames, n, WSF_PROTOCOL_COMPRESSED_CONTROL, 1002);
    /* Corrupt data: a block of the reserved type 3 (RFC 1951 §3.2.3). */
    {
        static const uint8_t bad[] = {0x07, 0x00};
        n = client_frame(frames, 1, 1, 2, bad, sizeof bad);
        server_fails(&p, frames, n, WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA, 1007);
    }
    /* A stored block that announces 10 bytes and ends after 3 (+ the trailer). */
    {
        static const uint8_t cut[] = {0x00, 0x0a, 0x00, 0xf5, 0xff, 'a', 'b', 'c'};
        n = client_frame(frames, 1, 1, 2, cut, sizeof cut);
        server_fails(&p, frames, n, WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE, 1007);
    }
    /* Without the extension, RSV1 is a reserved bit (RFC 6455 §5.2). */
    n = client_frame(frames, 1, 1, 1, (const uint8_t *)"x", 1);
    server_fails(NULL, frames, n, WSF_PROTOCOL_RESERVED_BITS, 1002);
}

/* Our client compresses with window 15 (and distances beyond 512) toward a
 * server that negotiated 9: the server rejects the far distance. */
static void window_enforced(void) {
    wsf_deflate_params cp = params_of(15, 0, 15, 0);
    wsf_deflate_params sp = params_of(15, 0, 9, 0);
    uint8_t msg[1600];
    peer client;
    wire c2s;
    memset(&c2s, 0, sizeof c2s);
    fill_noise(msg, 800, 11);
    memcpy(msg + 800, msg, 800); /* the copy is 800 bytes back */
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_deflate(&client, &cp, WSF_DEFLATE_LEVEL_DEFAULT, 1);
    peer_send_deflate(&client, &c2s, WSF_DATA_BINARY, msg, sizeof msg, 0, 4096);
    CHECK(c2s.len < 1200); /* the copy became a match */
    server_fails(&sp, c2s.buf, c2s.len, WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA, 1007);
    wire_free(&c2s);
    peer_free(&client);
}

/* A decompression bomb: 200 000 zeros in a few hundred bytes, against a
 * max_message_size of 10 000 (the limit counts inflated bytes). */
static void bomb(void) {
    wsf_deflate_params p = params_of(15, 0, 15, 0);
    wsf_config config = wsf_config_default();
    size_t len = 200000;
    uint8_t *zeros = zalloc(len);
    peer client, server;
    wire c2s, s2c;
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    config.max_message_size = 10000;
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, &config);
    peer_deflate(&client, &p, WSF_DEFLATE_LEVEL_FAST, 1);
    peer_deflate(&server, &p, WSF_DEFLATE_LEVEL_FAST, 0);
    peer_send_deflate(&client, &c2s, WSF_DATA_BINARY, zeros, len, 0, 65536);
    CHECK(c2s.len < 5000);
    CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_PROTOCOL_MESSAGE_TOO_BIG);
    CHECK(wsf_status_close_code(WSF_PROTOCOL_MESSAGE_TOO_BIG) == 1009);
    CHECK(s2c.len >= 4 && s2c.buf[0] == 0x88 && s2c.buf[2] == 0x03 && s2c.buf[3] == 0xf1);
    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&client);
    peer_free(&server);
    free(zeros);
}

/* ---- usage errors ------------------------------------------------------------ */

static void usage_errors(void) {
    wsf_deflate_params p = params_of(10, 0, 11, 0);
    wsf_deflate_params bad = params_of(16, 0, 11, 0);
    wsf_deflate_params p12 = params_of(10, 0, 12, 0);
    size_t align = wsf_deflate_storage_align();
    size_t rx_len = wsf_deflate_rx_storage_size(&p);
    size_t tx_len = wsf_deflate_tx_storage_size(&p, WSF_DEFLATE_LEVEL_DEFAULT);
    uint8_t *raw = zalloc(rx_len + tx_len + 4 * align);
    uint8_t *rx = (uint8_t *)align_up(raw, align);
    uint8_t *tx = (uint8_t *)align_up(rx + rx_len, align);
    uint8_t payload[32], out[64];
    wsf_sent sent;
    peer client;
    CHECK(align >= sizeof(void *) && (align & (align - 1)) == 0);
    /* The ring is 2^receive_window_bits, after the inflater. */
    CHECK(rx_len > 2048 && rx_len < 2048 + 16384);
    CHECK(wsf_deflate_rx_storage_size(&p12) - rx_len == 4096 - 2048);
    CHECK(tx_len > 1024);
    CHECK(wsf_deflate_tx_storage_size(&p, WSF_DEFLATE_LEVEL_FAST) > 1024);
    CHECK(wsf_deflate_rx_storage_size(&bad) == 0 && wsf_deflate_tx_storage_size(&bad, 0) == 0);
    CHECK(wsf_deflate_rx_storage_size(NULL) == 0 && wsf_deflate_tx_storage_size(NULL, 0) == 0);
    CHECK(wsf_deflate_tx_storage_size(&p, 2) == 0);
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 0, rx, rx_len - 1, NULL, 0),
             WSF_STORAGE_TOO_SMALL);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 1, rx, rx_len, tx, tx_len - 1),
             WSF_STORAGE_TOO_SMALL);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 1, rx, rx_len, tx,
                                   wsf_deflate_tx_storage_size(&p, WSF_DEFLATE_LEVEL_FAST)),
             tx_len > wsf_deflate_tx_storage_size(&p, WSF_DEFLATE_LEVEL_FAST)
                 ? WSF_STORAGE_TOO_SMALL
                 : WSF_OK);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 0, rx + 1, rx_len, NULL, 0),
             WSF_STORAGE_MISALIGNED);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 0, NULL, 0, tx, tx_len), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &bad, 0, rx, rx_len, NULL, 0),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 2, rx, rx_len, NULL, 0), WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, 0, rx, rx_len, rx + 8, tx_len),
             WSF_INVALID_ARGUMENT); /* overlapping blocks */
    CHECK_ST(wsf_conn_deflate_init(NULL, &p, 0, rx, rx_len, NULL, 0), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_deflate_init(client.conn, NULL, 0, rx, rx_len, NULL, 0), WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_deflate_init(client.conn, &p, WSF_DEFLATE_LEVEL_DEFAULT, rx, rx_len, tx,
                                   tx_len),
             WSF_OK);
    fill_pattern(payload, sizeof payload, 5);
    CHECK_ST(wsf_conn_send_deflate(client.conn, 9, 1, payload, sizeof payload, 1, out, sizeof out,
                                   &sent),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_TEXT, 1, payload, sizeof payload, 1,
                                   out, sizeof out, NULL),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_deflate(NULL, WSF_DATA_TEXT, 1, payload, sizeof payload, 1, out,
                                   sizeof out, &sent),
             WSF_NULL_POINTER);
    CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_TEXT, 1, payload, sizeof payload, 1,
                                   payload + 4, 16, &sent),
             WSF_INVALID_ARGUMENT); /* out overlaps the payload */
    CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_TEXT, 1, payload, sizeof payload, 1,
                                   out, 3, &sent),
             WSF_BUFFER_TOO_SMALL);
    /* A compressed message in progress blocks plain sends, and the reverse. */
    CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_BINARY, 0, payload, sizeof payload, 1,
                                   out, sizeof out, &sent),
             WSF_OK);
    CHECK(sent.consumed == sizeof payload && sent.message_end == 0);
    {
        size_t n = 0;
        CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_BINARY, 1, payload, 1, 1, out,
                                    sizeof out, &n),
                 WSF_MESSAGE_IN_PROGRESS);
        CHECK_ST(wsf_conn_send_deflate(client.conn, WSF_DATA_TEXT, 1, payload, 1, 1, out,
                                       sizeof out, &sent),
                 WSF_MESSAGE_IN_PROGRESS);
    }
    CHECK_ST(wsf_status_hresult(WSF_DEFLATE_MEMORY), WSF_E_INVALIDARG);
    CHECK_ST(wsf_status_hresult(WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS),
             WSF_E_INVALID_PROTOCOL_FORMAT);
    CHECK_ST(wsf_status_hresult(WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA),
             WSF_E_INVALID_PROTOCOL_FORMAT);
    peer_free(&client);
    free(raw);
}

void test_deflate(void) {
    uint8_t bits;
    negotiate_chromium();
    negotiate_from_headers();
    client_offer_and_check();
    for (bits = 9; bits <= 15; bits++) {
        round_trip(bits, 0);
        round_trip(bits, 1);
    }
    inflate_only();
    receive_errors();
    window_enforced();
    bomb();
    usage_errors();
}
