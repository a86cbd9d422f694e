/* Checks and the in-memory loopback (see harness.h). C99 and C++17. */
#include "harness.h"

int test_passed = 0;
int test_failed = 0;

void check_(int ok, const char *expr, const char *file, int line) {
    if (ok) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
    }
}

void check_status_(uint32_t got, uint32_t want, const char *expr, const char *file, int line) {
    if (got == want) {
        test_passed++;
        return;
    }
    wsf_str g = wsf_status_str(got);
    wsf_str w = wsf_status_str(want);
    test_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n  got %u (%.*s), want %u (%.*s)\n", file, line, expr,
            (unsigned)got, (int)g.len, g.ptr, (unsigned)want, (int)w.len, w.ptr);
}

int str_is(wsf_str s, const char *text) {
    size_t n = strlen(text);
    return s.ptr != NULL && s.len == n && memcmp(s.ptr, text, n) == 0;
}

int str_absent(wsf_str s) {
    return s.ptr == NULL && s.len == 0;
}

int contains(const uint8_t *buf, size_t len, const char *text) {
    size_t n = strlen(text);
    size_t i;
    for (i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, text, n) == 0) {
            return 1;
        }
    }
    return 0;
}

wsf_str str_of(const char *text) {
    wsf_str s;
    s.ptr = text;
    s.len = strlen(text);
    return s;
}

uint8_t *zalloc(size_t len) {
    uint8_t *p = (uint8_t *)calloc(len ? len : 1, 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static uint32_t random_state = 0x2545F491u;

uint32_t next_random(void) {
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state;
}

void fill_pattern(uint8_t *buf, size_t len, uint32_t seed) {
    size_t i;
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t)((i * 31u + seed) ^ (i >> 8));
    }
}

void *align_up(void *ptr, size_t align) {
    uintptr_t a = (uintptr_t)ptr;
    return (void *)((a + align - 1) & ~(uintptr_t)(align - 1));
}

/* ---- wires --------------------------------------------------------------- */

void wire_push(wire *w, const uint8_t *data, size_t len) {
    if (len == 0) {
        return;
    }
    if (w->len + len > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + len) {
            cap *= 2;
        }
        w->buf = (uint8_t *)realloc(w->buf, cap);
        if (w->buf == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
}

void wire_free(wire *w) {
    free(w->buf);
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
}

/* ---- peers --------------------------------------------------------------- */

void peer_init(peer *p, uint32_t role, const wsf_config *config) {
    wsf_config defaults = wsf_config_default();
    memset(p, 0, sizeof *p);
    p->role = role;
    p->storage_raw = zalloc(wsf_conn_size() + wsf_conn_align());
    p->storage = align_up(p->storage_raw, wsf_conn_align());
    CHECK_ST(wsf_conn_init(role, config ? config : &defaults, p->storage, wsf_conn_size(), &p->conn),
             WSF_OK);
    CHECK(p->conn == (wsf_conn *)p->storage);
}

void peer_add_reassembler(peer *p, size_t cap, uint32_t max_fragments) {
    size_t align = wsf_reassembler_align();
    size_t size = wsf_reassembler_size();
    p->reasm_buf = zalloc(cap);
    p->reasm_storage_raw = zalloc(size + align);
    CHECK_ST(wsf_reassembler_init(p->reasm_buf, cap, max_fragments,
                                  align_up(p->reasm_storage_raw, align), size, &p->reasm),
             WSF_OK);
}

void peer_deflate(peer *p, const wsf_deflate_params *params, uint32_t level, int with_tx) {
    size_t align = wsf_deflate_storage_align();
    size_t rx_len = wsf_deflate_rx_storage_size(params);
    size_t tx_len = with_tx ? wsf_deflate_tx_storage_size(params, level) : 0;
    void *rx, *tx = NULL;
    CHECK(rx_len > 0 && (!with_tx || tx_len > 0));
    p->z_rx_raw = zalloc(rx_len + align);
    rx = align_up(p->z_rx_raw, align);
    if (with_tx) {
        p->z_tx_raw = zalloc(tx_len + align);
        tx = align_up(p->z_tx_raw, align);
    }
    CHECK_ST(wsf_conn_deflate_init(p->conn, params, level, rx, rx_len, tx, tx_len), WSF_OK);
    p->z_rx = (const uint8_t *)rx;
    p->z_rx_len = rx_len;
}

size_t peer_send_deflate(peer *p, wire *out, uint32_t kind, const uint8_t *data, size_t len,
                         size_t piece, size_t out_cap) {
    uint8_t *frame = zalloc(out_cap);
    size_t at = 0, frames = 0, rounds = 0;
    int ended = 0;
    if (piece == 0) {
        piece = len;
    }
    while (!ended && rounds++ < 100000000u) {
        size_t end = at + piece < len ? at + piece : len;
        wsf_sent sent;
        const uint8_t *rest = data != NULL ? data + at : NULL;
        wsf_status st = wsf_conn_send_deflate(p->conn, kind, end == len, rest, end - at,
                                              next_random(), frame, out_cap, &sent);
        if (st != WSF_OK) {
            CHECK_ST(st, WSF_OK);
            break;
        }
        CHECK(sent.consumed <= end - at && sent.written <= out_cap);
        at += sent.consumed;
        if (sent.written) {
            wire_push(out, frame, sent.written);
            frames++;
        }
        ended = sent.message_end != 0;
    }
    CHECK(ended && at == len);
    free(frame);
    return frames;
}

void peer_free(peer *p) {
    free(p->z_rx_raw);
    free(p->z_tx_raw);
    free(p->storage_raw);
    free(p->reasm_storage_raw);
    free(p->reasm_buf);
    free(p->in.msg);
    free(p->in.last);
    memset(p, 0, sizeof *p);
}

static void inbox_append(inbox *in, const uint8_t *data, size_t len) {
    if (in->msg_len + len > in->msg_cap) {
        size_t cap = in->msg_cap ? in->msg_cap : 256;
        while (cap < in->msg_len + len) {
            cap *= 2;
        }
        in->msg = (uint8_t *)realloc(in->msg, cap);
        in->msg_cap = cap;
    }
    if (len) {
        memcpy(in->msg + in->msg_len, data, len);
    }
    in->msg_len += len;
}

/* Records one event; checks that payloads lie inside the receive window. */
static void peer_record(peer *p, const wsf_event *ev) {
    inbox *in = &p->in;
    const uint8_t *lo = p->rx;
    const uint8_t *hi = p->rx + p->rx_len;
    if (ev->payload != NULL) {
        /* Inflated payloads are lent from the rx block's ring. */
        const uint8_t *zlo = p->z_rx;
        const uint8_t *zhi = p->z_rx + p->z_rx_len;
        CHECK((ev->payload >= lo && ev->payload + ev->payload_len <= hi) ||
              (zlo != NULL && ev->payload >= zlo && ev->payload + ev->payload_len <= zhi));
    }
    switch (ev->kind) {
    case WSF_EVENT_TEXT:
    case WSF_EVENT_BINARY:
        in->pieces++;
        in->frames += ev->frame_end ? 1 : 0;
        inbox_append(in, ev->payload, ev->payload_len);
        if (ev->message_end) {
            uint8_t *done = in->msg;
            CHECK(ev->frame_end == 1);
            free(in->last);
            in->last = done ? done : zalloc(1);
            in->last_len = in->msg_len;
            in->last_kind = (uint32_t)ev->kind;
            in->messages++;
            in->msg = NULL;
            in->msg_len = 0;
            in->msg_cap = 0;
        }
        break;
    case WSF_EVENT_PING:
    case WSF_EVENT_PONG:
        if (ev->kind == WSF_EVENT_PING) {
            in->pings++;
        } else {
            in->pongs++;
        }
        CHECK(ev->payload_len <= sizeof in->ctrl);
        in->ctrl_len = ev->payload_len;
        if (ev->payload_len) {
            memcpy(in->ctrl, ev->payload, ev->payload_len);
        }
        break;
    case WSF_EVENT_CLOSE:
        in->closes++;
        in->close_code = ev->close_code;
        CHECK(ev->reason != NULL && ev->reason_len <= WSF_MAX_CLOSE_REASON);
        in->reason_len = ev->reason_len;
        if (ev->reason_len) {
            memcpy(in->reason, ev->reason, ev->reason_len);
        }
        break;
    default:
        break;
    }
}

/* Drains the pending control frame (if any) into `out`. */
static void peer_drain(peer *p, wire *out) {
    while (wsf_conn_has_pending(p->conn)) {
        uint8_t frame[WSF_MAX_PENDING_FRAME];
        size_t n = 0;
        CHECK_ST(wsf_conn_write_pending(p->conn, next_random(), frame, sizeof frame, &n), WSF_OK);
        CHECK(n > 0);
        wire_push(out, frame, n);
    }
}

wsf_status peer_pump(peer *p, wire *in, wire *out) {
    size_t read = 0;
    wsf_status result = WSF_OK;
    for (;;) {
        size_t room = PEER_RX_CAP - p->rx_len;
        size_t avail = in->len - read;
        size_t take = avail < room ? avail : room;
        wsf_event ev;
        wsf_status st;
        memcpy(p->rx + p->rx_len, in->buf + read, take);
        p->rx_len += take;
        read += take;
        st = wsf_conn_recv(p->conn, p->rx, p->rx_len, &ev);
        peer_drain(p, out);
        if (st != WSF_OK) {
            result = st;
            break;
        }
        CHECK(ev.consumed <= p->rx_len);
        peer_record(p, &ev);
        if (p->reasm != NULL) {
            wsf_message m;
            wsf_status r = wsf_reassembler_push(p->reasm, p->conn, &ev, &m);
            peer_drain(p, out);
            if (r == WSF_OK) {
                p->whole_messages++;
                p->whole_len = m.payload_len;
                CHECK(m.payload_len == p->in.last_len);
                CHECK(m.payload_len == 0 || memcmp(m.payload, p->in.last, m.payload_len) == 0);
            } else if (r != WSF_INCOMPLETE) {
                result = r;
                break;
            }
        }
        memmove(p->rx, p->rx + ev.consumed, p->rx_len - ev.consumed);
        p->rx_len -= ev.consumed;
        if (ev.consumed == 0 && ev.kind == WSF_EVENT_NONE && take == 0) {
            break; /* needs more input than there is */
        }
    }
    /* Drop what was read from the wire. */
    memmove(in->buf, in->buf + read, in->len - read);
    in->len -= read;
    return result;
}

void peer_send(peer *p, wire *out, uint32_t kind, const uint8_t *data, size_t len,
               size_t fragments, int two_buffer) {
    size_t piece = len / fragments;
    size_t off = 0;
    size_t i;
    for (i = 0; i < fragments; i++) {
        size_t n = (i + 1 == fragments) ? len - off : piece;
        uint8_t fin = (uint8_t)(i + 1 == fragments);
        uint32_t key = next_random();
        size_t written = 0;
        if (!two_buffer) {
            uint8_t *frame = zalloc(n + WSF_MAX_FRAME_HEADER);
            CHECK_ST(wsf_conn_send_data(p->conn, kind, fin, data + off, n, key, frame,
                                        n + WSF_MAX_FRAME_HEADER, &written),
                     WSF_OK);
            CHECK(written >= n + 2 && written <= n + WSF_MAX_FRAME_HEADER);
            wire_push(out, frame, written);
            free(frame);
        } else {
            uint8_t header[WSF_MAX_FRAME_HEADER];
            uint8_t *payload = zalloc(n);
            uint32_t phase = 99;
            CHECK_ST(wsf_conn_send_data_header(p->conn, kind, fin, n, key, header, sizeof header,
                                               &written),
                     WSF_OK);
            if (n) {
                memcpy(payload, data + off, n);
            }
            if (p->role == WSF_ROLE_CLIENT) {
                /* Mask in two pieces to exercise the phase. */
                size_t half = n / 2;
                CHECK_ST(wsf_mask(payload, half, key, 0, &phase), WSF_OK);
                CHECK(phase == (uint32_t)(half % 4));
                CHECK_ST(wsf_mask(payload + half, n - half, key, phase, NULL), WSF_OK);
            }
            wire_push(out, header, written);
            wire_push(out, payload, n);
            free(payload);
        }
        off += n;
    }
}

int run_all(const char *name) {
    test_status();
    test_handshake();
    test_handshake_errors();
    test_conn();
    test_loopback();
    test_protocol_errors();
    test_interop();
    test_null_pointers();
    test_deflate();
#ifdef WSF_TEST_ZLIB
    test_deflate_zlib();
#endif
    printf("%s: %d checks passed, %d failed (wsf_conn is %u bytes)\n", name, test_passed,
           test_failed, (unsigned)wsf_conn_size());
    return test_failed;
}

/* ---- test data (harness.h) ---------------------------------------------- */

/* Compressible text: words from a small vocabulary. */
void fill_words(uint8_t *buf, size_t len, uint32_t seed) {
    static const char *const WORDS[] = {"frame ", "mask ", "deflate ", "window ", "ring ",
                                        "message ", "close ", "ping "};
    size_t at = 0;
    uint32_t x = seed * 2654435761u + 1;
    while (at < len) {
        const char *w;
        size_t k;
        x = x * 1103515245u + 12345u;
        w = WORDS[(x >> 16) % 8];
        for (k = 0; w[k] != '\0' && at < len; k++) {
            buf[at++] = (uint8_t)w[k];
        }
    }
}

/* Incompressible bytes (xorshift32). */
void fill_noise(uint8_t *buf, size_t len, uint32_t seed) {
    uint32_t x = seed | 1u;
    size_t i;
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
}
