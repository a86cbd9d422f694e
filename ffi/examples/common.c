/* common.c: see common.h. */
#include "common.h"

#include <stdio.h>
#include <string.h>

size_t buf_compact(struct buf *b)
{
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, buf_len(b));
        b->end -= b->start;
        b->start = 0;
    }
    return b->cap - b->end;
}

void buf_put(struct buf *b, const void *bytes, size_t n)
{
    memcpy(b->data + b->end, bytes, n);
    b->end += n;
}

/* A server never masks: its key is ignored, so none is drawn. */
static uint32_t mask_key_for(const struct wsf_conn *conn)
{
    return wsf_conn_role(conn) == WSF_ROLE_CLIENT ? random_mask_key() : 0;
}

/* Collects (a prefix of) a data piece into p->got. */
static void collect(struct peer *p, const uint8_t *data, size_t n)
{
    size_t room = sizeof p->got - p->got_len;
    if (n > room)
        n = room;
    memcpy(p->got + p->got_len, data, n);
    p->got_len += n;
}

static enum pump_result usage_error(struct peer *p, wsf_status st)
{
    p->error = st;
    return PUMP_ERROR;
}

/* tx's free space for an echo frame: what is left after a pending frame's
 * worth (the Pong or Close that wsf_conn_write_pending may add after it). */
static size_t echo_room(struct peer *p)
{
    size_t room = buf_compact(&p->tx);
    return room > WSF_MAX_PENDING_FRAME ? room - WSF_MAX_PENDING_FRAME : 0;
}

/* One frame of the echo in progress, compressed: the compressor may take
 * input and write nothing yet (it keeps it for the next frame). */
static wsf_status echo_compressed(struct peer *p, size_t room, int *done)
{
    struct echo *e = &p->out;
    struct wsf_sent sent;
    wsf_status st;

    st = wsf_conn_send_deflate(p->conn, e->kind, e->last, e->data, e->len, mask_key_for(p->conn),
                               p->tx.data + p->tx.end, room, &sent);
    if (st != WSF_OK)
        return st;
    e->data += sent.consumed;
    e->len -= sent.consumed;
    p->tx.end += sent.written;
    *done = e->last ? sent.message_end != 0 : e->len == 0;
    return WSF_OK;
}

/* One frame of the echo in progress, as it is: as much as tx has room for. */
static wsf_status echo_plain(struct peer *p, size_t room, int *done)
{
    struct echo *e = &p->out;
    size_t chunk = room - WSF_MAX_FRAME_HEADER, n;
    wsf_status st;

    if (chunk > e->len)
        chunk = e->len;
    st = wsf_conn_send_data(p->conn, e->kind, e->last && chunk == e->len, e->data, chunk,
                            mask_key_for(p->conn), p->tx.data + p->tx.end, p->tx.cap - p->tx.end,
                            &n);
    if (st != WSF_OK)
        return st;
    e->data += chunk;
    e->len -= chunk;
    p->tx.end += n;
    *done = e->len == 0;
    return WSF_OK;
}

/* Writes the echo in progress into tx, frame by frame: PUMP_FINISHED when
 * it is all out (p->out.active cleared), PUMP_NEED_OUTPUT when tx must
 * drain first, PUMP_ERROR on a usage error. */
static enum pump_result echo_rest(struct peer *p)
{
    size_t room, written, left;
    wsf_status st;
    int done = 0;

    while (!done) {
        room = echo_room(p);
        if (room < WSF_MAX_FRAME_HEADER + 1)
            return PUMP_NEED_OUTPUT;
        written = p->tx.end;
        left = p->out.len;
        st = p->compress ? echo_compressed(p, room, &done) : echo_plain(p, room, &done);
        if (st != WSF_OK)
            return usage_error(p, st);
        if (!done && p->tx.end == written && p->out.len == left) {
            /* No progress: the compressor wants a larger frame than tx has
             * room for now; an empty tx that is still too small is a bug. */
            if (buf_len(&p->tx) == 0)
                return usage_error(p, WSF_BUFFER_TOO_SMALL);
            return PUMP_NEED_OUTPUT;
        }
    }
    p->out.active = 0;
    return PUMP_FINISHED;
}

/* The automatic Pong, the Close echo, or the Close that fails the
 * connection, after every event (and after a protocol error): 0, or -1 on
 * a usage error (p->error set). */
static int write_pending(struct peer *p)
{
    size_t n;
    wsf_status st = wsf_conn_write_pending(p->conn, mask_key_for(p->conn), p->tx.data + p->tx.end,
                                           p->tx.cap - p->tx.end, &n);
    if (st != WSF_OK) {
        p->error = st;
        return -1;
    }
    p->tx.end += n;
    return 0;
}

enum pump_result pump(struct peer *p)
{
    struct wsf_event ev;
    wsf_status st;
    size_t room, slice;
    enum pump_result r;

    while (!wsf_conn_is_finished(p->conn)) {
        if (p->out.active) {
            r = echo_rest(p);
            if (r != PUMP_FINISHED)
                return r;
            if (write_pending(p) < 0)
                return PUMP_ERROR;
            continue;
        }
        room = buf_compact(&p->tx);
        /* An uncompressed echo of a piece is at most `slice` bytes plus a
         * header, then a pending frame may follow: hand recv no more than tx
         * can take, so the echo usually goes out as one frame. (An inflated
         * piece can be longer: echo_rest splits what does not fit.) Any
         * slice of WSF_MIN_RECV_BUFFER bytes makes progress. */
        if (room < TX_HEADROOM + WSF_MIN_RECV_BUFFER)
            return PUMP_NEED_OUTPUT;
        slice = buf_len(&p->rx);
        if (slice > room - TX_HEADROOM)
            slice = room - TX_HEADROOM;

        st = wsf_conn_recv(p->conn, p->rx.data + p->rx.start, slice, &ev);
        if (st == WSF_OK) {
            if (ev.kind == WSF_EVENT_NONE && ev.consumed == 0)
                return PUMP_NEED_INPUT;
            p->rx.start += ev.consumed;
            if (ev.kind == WSF_EVENT_TEXT || ev.kind == WSF_EVENT_BINARY) {
                if (!p->echo) {
                    collect(p, ev.payload, ev.payload_len);
                } else if (ev.payload_len > 0 || ev.message_end) {
                    /* Empty non-final pieces carry nothing: skip them. */
                    p->out.data = ev.payload;
                    p->out.len = ev.payload_len;
                    p->out.kind = ev.kind;
                    p->out.last = ev.message_end;
                    p->out.active = 1;
                    continue; /* echo_rest, then write_pending */
                }
            }
        } else if (wsf_status_close_code(st) == 0) {
            return usage_error(p, st); /* not a protocol error: a bug in this program */
        }
        if (write_pending(p) < 0)
            return PUMP_ERROR;
        if (st != WSF_OK)
            return PUMP_FINISHED; /* failed: its Close is in tx */
    }
    return PUMP_FINISHED;
}

void deflate_options_init(struct deflate_options *o)
{
    o->enabled = 1;
    o->config = wsf_deflate_config_default();
}

/* "NAME=N" with N in 8..15: N, 0 if `arg` is not NAME=..., -1 if N is bad. */
static int window_bits(const char *arg, const char *name)
{
    size_t len = strlen(name);
    const char *v = arg + len + 1;

    if (strncmp(arg, name, len) != 0 || arg[len] != '=')
        return 0;
    if (v[0] == '8' || v[0] == '9')
        return v[1] == '\0' ? v[0] - '0' : -1;
    if (v[0] == '1' && v[1] >= '0' && v[1] <= '5' && v[2] == '\0')
        return 10 + v[1] - '0';
    return -1;
}

int deflate_option(struct deflate_options *o, const char *arg)
{
    wsf_deflate_config *c = &o->config;
    int bits;

    if (strcmp(arg, "--no-deflate") == 0) {
        o->enabled = 0;
    } else if (strcmp(arg, "--deflate-no-context-takeover") == 0) {
        c->no_context_takeover = 1;
    } else if (strcmp(arg, "--deflate-peer-no-context-takeover") == 0) {
        c->peer_no_context_takeover = 1;
    } else if ((bits = window_bits(arg, "--deflate-window-bits")) > 0) {
        c->receive_window_bits = c->send_window_bits = (uint8_t)bits;
    } else if (bits == 0 && (bits = window_bits(arg, "--deflate-receive-window-bits")) > 0) {
        c->receive_window_bits = (uint8_t)bits;
    } else if (bits == 0 && (bits = window_bits(arg, "--deflate-send-window-bits")) > 0) {
        c->send_window_bits = (uint8_t)bits;
    } else if (bits < 0) {
        fprintf(stderr, "%s: window bits must be 8 to 15\n", arg);
        return -1;
    } else {
        return 0;
    }
    return 1;
}

int deflate_alloc(const wsf_deflate_params *params, struct deflate_memory *m)
{
    size_t align = wsf_deflate_storage_align();

    m->rx_len = (wsf_deflate_rx_storage_size(params) + align - 1) / align * align;
    m->tx_len = wsf_deflate_tx_storage_size(params, WSF_DEFLATE_LEVEL_DEFAULT);
    m->block = aligned_block(m->rx_len + m->tx_len, align);
    return m->block ? 0 : -1;
}

wsf_status deflate_enable(struct wsf_conn *conn, const wsf_deflate_params *params,
                          const struct deflate_memory *m)
{
    uint8_t *block = m->block;
    return wsf_conn_deflate_init(conn, params, WSF_DEFLATE_LEVEL_DEFAULT, block, m->rx_len,
                                 block + m->rx_len, m->tx_len);
}

void deflate_release(struct deflate_memory *m)
{
    if (m->block)
        aligned_block_free(m->block);
    m->block = NULL;
}

uint32_t random_mask_key(void)
{
    uint32_t key;
    random_bytes(&key, sizeof key);
    return key;
}

long sock_fill(sock_t s, struct buf *rx)
{
    size_t room = buf_compact(rx);
    long n;

    if (room == 0)
        return -2;
    n = sock_recv(s, rx->data + rx->end, room);
    if (n > 0)
        rx->end += (size_t)n;
    return n;
}

int sock_flush(sock_t s, struct buf *tx)
{
    while (buf_len(tx) > 0) {
        long n = sock_send(s, tx->data + tx->start, buf_len(tx));
        if (n < 0)
            return n == -2 ? 1 : -1;
        tx->start += (size_t)n;
    }
    tx->start = tx->end = 0;
    return 0;
}

const char *status_text(wsf_status st, char *out, size_t out_len)
{
    struct wsf_str s = wsf_status_str(st);
    snprintf(out, out_len, "%.*s (status %u)", (int)s.len, s.ptr, (unsigned)st);
    return out;
}
