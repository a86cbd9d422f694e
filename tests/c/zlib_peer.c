/* The system zlib as an independent permessage-deflate peer (RFC 7692) of
 * the C ABI, at windows 9..15 with and without context takeover:
 *   - zlib raw deflate (deflateInit2 with -windowBits, Z_SYNC_FLUSH, the
 *     trailing 00 00 ff ff removed, §7.2.1) builds a client's frames, whole
 *     and fragmented, that our server inflates;
 *   - our server's compressed frames are inflated by zlib (the trailer put
 *     back, §7.2.2), whose window check also proves ours is honoured.
 * Linux builds only (run.sh defines WSF_TEST_ZLIB and links -lz). */
#include "harness.h"

#ifdef WSF_TEST_ZLIB
#include <zlib.h>

static const uint8_t TRAILER[4] = {0x00, 0x00, 0xff, 0xff};

/* One message through zlib: the payload of a compressed message (without
 * the trailer) into `out`; returns its length. */
static size_t zlib_compress(z_stream *z, const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    size_t n;
    int rc;
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)len;
    z->next_out = out;
    z->avail_out = (uInt)cap;
    rc = deflate(z, Z_SYNC_FLUSH);
    if (rc == Z_BUF_ERROR && len == 0) {
        /* zlib writes nothing for an empty flush right after a flush; the
         * empty message is then the single byte 0x00 (§7.2.3.6). */
        out[0] = 0x00;
        return 1;
    }
    CHECK(rc == Z_OK);
    CHECK(z->avail_in == 0 && z->avail_out > 0);
    n = cap - z->avail_out;
    CHECK(n >= 4 && memcmp(out + n - 4, TRAILER, 4) == 0);
    return n >= 4 ? n - 4 : 0;
}

/* A masked client frame of any length. */
static void push_client_frame(wire *w, int fin, int rsv1, int opcode, const uint8_t *payload,
                              size_t len) {
    uint8_t head[14];
    uint8_t key[4];
    uint32_t k = next_random();
    size_t at = 0, i;
    uint8_t *masked = zalloc(len);
    head[at++] = (uint8_t)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
    if (len < 126) {
        head[at++] = (uint8_t)(0x80 | len);
    } else if (len < 65536) {
        head[at++] = 0x80 | 126;
        head[at++] = (uint8_t)(len >> 8);
        head[at++] = (uint8_t)len;
    } else {
        head[at++] = 0x80 | 127;
        for (i = 0; i < 8; i++) {
            head[at++] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        }
    }
    for (i = 0; i < 4; i++) {
        key[i] = (uint8_t)(k >> (24 - 8 * i));
        head[at++] = key[i];
    }
    for (i = 0; i < len; i++) {
        masked[i] = (uint8_t)(payload[i] ^ key[i % 4]);
    }
    wire_push(w, head, at);
    wire_push(w, masked, len);
    free(masked);
}

/* Takes one whole message of server frames off `w`: checks RSV1 on its
 * first frame only, and returns the concatenated payload (caller frees). */
static uint8_t *take_server_message(wire *w, uint32_t kind, size_t *out_len, int *frames) {
    uint8_t *msg = zalloc(w->len + 4);
    size_t at = 0, len = 0;
    int fin = 0;
    *frames = 0;
    while (!fin && at + 2 <= w->len) {
        uint8_t b0 = w->buf[at], b1 = w->buf[at + 1];
        uint64_t n = b1 & 0x7f;
        size_t i, head = 2;
        CHECK((b1 & 0x80) == 0); /* a server never masks */
        if (n == 126) {
            n = ((uint64_t)w->buf[at + 2] << 8) | w->buf[at + 3];
            head = 4;
        } else if (n == 127) {
            n = 0;
            for (i = 0; i < 8; i++) {
                n = (n << 8) | w->buf[at + 2 + i];
            }
            head = 10;
        }
        CHECK(((b0 & 0x40) != 0) == (*frames == 0));
        CHECK((uint32_t)(b0 & 0x0f) == (*frames == 0 ? kind : 0u));
        CHECK(at + head + n <= w->len);
        if (at + head + n > w->len) {
            break;
        }
        memcpy(msg + len, w->buf + at + head, (size_t)n);
        len += (size_t)n;
        at += head + (size_t)n;
        fin = (b0 & 0x80) != 0;
        (*frames)++;
    }
    CHECK(fin);
    memmove(w->buf, w->buf + at, w->len - at);
    w->len -= at;
    *out_len = len;
    return msg;
}

/* zlib inflates one of our messages (the trailer appended). */
static void zlib_inflate_check(z_stream *z, uint8_t *payload, size_t len, const uint8_t *want,
                               size_t want_len) {
    uint8_t *out = zalloc(want_len + 64);
    int rc;
    memcpy(payload + len, TRAILER, 4);
    z->next_in = payload;
    z->avail_in = (uInt)(len + 4);
    z->next_out = out;
    z->avail_out = (uInt)(want_len + 64);
    rc = inflate(z, Z_SYNC_FLUSH);
    CHECK(rc == Z_OK || (rc == Z_BUF_ERROR && want_len == 0));
    CHECK(z->avail_in == 0);
    CHECK(want_len + 64 - z->avail_out == want_len);
    CHECK(want_len == 0 || memcmp(out, want, want_len) == 0);
    free(out);
}

/* Negotiates an offer the zlib client makes, on the header-array path. */
static void negotiate(uint8_t bits, uint8_t nct, wsf_deflate_params *sp) {
    wsf_deflate_config c;
    wsf_http_header h[5];
    wsf_request req;
    char offer[WSF_DEFLATE_MAX_VALUE_LEN], answer[WSF_DEFLATE_MAX_VALUE_LEN];
    size_t n = 0, m = 0;
    uint8_t accepted = 0;
    c.receive_window_bits = bits;
    c.send_window_bits = bits;
    c.peer_no_context_takeover = nct;
    c.no_context_takeover = nct;
    CHECK_ST(wsf_deflate_client_offer(&c, offer, sizeof offer, &n), WSF_OK);
    h[0].name = "Host";
    h[1].name = "Upgrade";
    h[2].name = "Connection";
    h[3].name = "Sec-WebSocket-Key";
    h[4].name = "Sec-WebSocket-Extensions";
    h[0].value = "zlib.test";
    h[1].value = "websocket";
    h[2].value = "Upgrade";
    h[3].value = "dGhlIHNhbXBsZSBub25jZQ==";
    h[4].value = offer;
    for (m = 0; m < 4; m++) {
        h[m].name_len = (uint32_t)strlen(h[m].name);
        h[m].value_len = (uint32_t)strlen(h[m].value);
    }
    h[4].name_len = 24;
    h[4].value_len = (uint32_t)n;
    {
        wsf_http_header all[6];
        memcpy(all, h, sizeof h);
        all[5].name = "Sec-WebSocket-Version";
        all[5].name_len = 21;
        all[5].value = "13";
        all[5].value_len = 2;
        CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, all, 6, &req), WSF_OK);
    }
    CHECK_ST(wsf_request_deflate_negotiate(&req, &c, sp, &accepted, answer, sizeof answer, &m),
             WSF_OK);
    CHECK(accepted == 1);
    CHECK(sp->receive_window_bits == bits && sp->send_window_bits == bits);
    CHECK(sp->receive_no_context_takeover == nct && sp->send_no_context_takeover == nct);
}

static const size_t SIZES[] = {0, 1, 500, 5000, 70000};

static void against_zlib(uint8_t bits, uint8_t nct) {
    wsf_deflate_params sp;
    z_stream def, inf;
    peer server;
    wire c2s, s2c;
    size_t max = 70000, i, cap = 80000;
    uint8_t *text = zalloc(max), *noise = zalloc(max), *z = zalloc(cap);
    memset(&c2s, 0, sizeof c2s);
    memset(&s2c, 0, sizeof s2c);
    memset(&def, 0, sizeof def);
    memset(&inf, 0, sizeof inf);
    fill_words(text, max, bits);
    fill_noise(noise, max, bits);
    negotiate(bits, nct, &sp);
    CHECK(deflateInit2(&def, 6, Z_DEFLATED, -(int)bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    CHECK(inflateInit2(&inf, -(int)bits) == Z_OK);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    peer_deflate(&server, &sp, nct ? WSF_DEFLATE_LEVEL_FAST : WSF_DEFLATE_LEVEL_DEFAULT, 1);
    for (i = 0; i < 2 * (sizeof SIZES / sizeof SIZES[0]); i++) {
        size_t len = SIZES[i / 2];
        const uint8_t *msg = i % 2 ? noise : text;
        uint32_t kind = i % 2 ? WSF_DATA_BINARY : WSF_DATA_TEXT;
        size_t n, got_len;
        int frames, before = server.in.messages;
        uint8_t *got;
        /* zlib -> our server, one frame or three (RSV1 on the first only). */
        if (nct) {
            CHECK(deflateReset(&def) == Z_OK);
        }
        n = zlib_compress(&def, msg, len, z, cap);
        if (n >= 3 && i % 4 < 2) {
            size_t a = n / 3, b = 2 * n / 3;
            push_client_frame(&c2s, 0, 1, (int)kind, z, a);
            push_client_frame(&c2s, 0, 0, 0, z + a, b - a);
            push_client_frame(&c2s, 1, 0, 0, z + b, n - b);
        } else {
            push_client_frame(&c2s, 1, 1, (int)kind, z, n);
        }
        CHECK_ST(peer_pump(&server, &c2s, &s2c), WSF_OK);
        CHECK(server.in.messages == before + 1 && server.in.last_len == len);
        CHECK(len == 0 || memcmp(server.in.last, msg, len) == 0);
        /* Our server -> zlib; without context takeover zlib forgets too,
         * so a reference into an earlier message would fail. */
        peer_send_deflate(&server, &s2c, kind, msg, len, 4096, i % 3 ? 65536 : 300);
        got = take_server_message(&s2c, kind, &got_len, &frames);
        CHECK(frames >= 1 && (i % 3 || got_len <= 290 || frames > 1));
        if (nct) {
            CHECK(inflateReset(&inf) == Z_OK);
        }
        zlib_inflate_check(&inf, got, got_len, msg, len);
        if (len == max && msg == text) {
            CHECK(got_len < len / 4);
        }
        free(got);
    }
    CHECK(s2c.len == 0 && c2s.len == 0);
    CHECK(wsf_conn_state(server.conn) == WSF_STATE_OPEN);
    deflateEnd(&def);
    inflateEnd(&inf);
    wire_free(&c2s);
    wire_free(&s2c);
    peer_free(&server);
    free(text);
    free(noise);
    free(z);
}

void test_deflate_zlib(void) {
    uint8_t bits;
    for (bits = 9; bits <= 15; bits++) {
        against_zlib(bits, 0);
        against_zlib(bits, 1);
    }
}
#else
/* ISO C needs a declaration in every translation unit. */
typedef int zlib_peer_not_built;
#endif
