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

enum pump_result pump(struct peer *p)
{
    struct wsf_event ev;
    wsf_status st, out_st;
    size_t room, slice, n;

    while (!wsf_conn_is_finished(p->conn)) {
        room = buf_compact(&p->tx);
        /* The echo of a piece is at most `slice` bytes plus a header, then a
         * pending frame may follow: hand recv no more than tx can take. Any
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
            if (ev.kind == WSF_EVENT_TEXT || ev.kind == WSF_EVENT_BINARY) {
                if (!p->echo) {
                    collect(p, ev.payload, ev.payload_len);
                } else if (ev.payload_len > 0 || ev.message_end) {
                    /* Empty non-final pieces carry nothing: skip them. */
                    out_st = wsf_conn_send_data(p->conn, ev.kind, ev.message_end, ev.payload,
                                                ev.payload_len, mask_key_for(p->conn),
                                                p->tx.data + p->tx.end, p->tx.cap - p->tx.end,
                                                &n);
                    if (out_st != WSF_OK)
                        return usage_error(p, out_st);
                    p->tx.end += n;
                }
            }
            p->rx.start += ev.consumed;
        } else if (wsf_status_close_code(st) == 0) {
            return usage_error(p, st); /* not a protocol error: a bug in this program */
        }
        /* After every event (and after a protocol error): the automatic
         * Pong, the Close echo, or the Close that fails the connection. */
        out_st = wsf_conn_write_pending(p->conn, mask_key_for(p->conn), p->tx.data + p->tx.end,
                                        p->tx.cap - p->tx.end, &n);
        if (out_st != WSF_OK)
            return usage_error(p, out_st);
        p->tx.end += n;
        if (st != WSF_OK)
            return PUMP_FINISHED; /* failed: its Close is in tx */
    }
    return PUMP_FINISHED;
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
