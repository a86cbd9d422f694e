/* common.c: see common.h. */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

void random_bytes(void *out, size_t n)
{
    static uint8_t pool[256];
    static size_t avail;
    uint8_t *dst = out;

    while (n > 0) {
        size_t take;
        if (avail == 0) {
            size_t got = 0;
            int fd = open("/dev/urandom", O_RDONLY);
            while (fd >= 0 && got < sizeof pool) {
                ssize_t r = read(fd, pool + got, sizeof pool - got);
                if (r <= 0 && !(r < 0 && errno == EINTR))
                    break;
                if (r > 0)
                    got += (size_t)r;
            }
            if (fd >= 0)
                close(fd);
            if (got < sizeof pool) {
                fprintf(stderr, "cannot read /dev/urandom\n");
                exit(1);
            }
            avail = sizeof pool;
        }
        take = n < avail ? n : avail;
        memcpy(dst, pool + sizeof pool - avail, take);
        avail -= take;
        dst += take;
        n -= take;
    }
}

uint32_t random_mask_key(void)
{
    uint32_t key;
    random_bytes(&key, sizeof key);
    return key;
}

long sock_fill(int fd, struct buf *rx)
{
    size_t room = buf_compact(rx);
    ssize_t n;

    if (room == 0)
        return -2;
    do
        n = read(fd, rx->data + rx->end, room);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
    rx->end += (size_t)n;
    return (long)n;
}

int sock_flush(int fd, struct buf *tx)
{
    while (buf_len(tx) > 0) {
        ssize_t n = write(fd, tx->data + tx->start, buf_len(tx));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -1;
        tx->start += (size_t)n;
    }
    tx->start = tx->end = 0;
    return 0;
}

uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const char *status_text(wsf_status st, char *out, size_t out_len)
{
    struct wsf_str s = wsf_status_str(st);
    snprintf(out, out_len, "%.*s (status %u)", (int)s.len, s.ptr, (unsigned)st);
    return out;
}
