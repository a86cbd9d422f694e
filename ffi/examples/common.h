/*
 * common.h: what echo_server.c and echo_client.c share: byte buffers,
 * socket reads and writes into them, and the loop that pumps received
 * bytes through a wsf_conn and echoes every piece of data.
 *
 * libwsframe does no I/O: wsf_conn_recv is handed the unread bytes and says
 * how many it used; wsf_conn_send_data / wsf_conn_write_pending encode
 * frames into caller memory. The operating system (POSIX or Windows) is
 * behind platform.h.
 */
#ifndef WSF_EXAMPLES_COMMON_H
#define WSF_EXAMPLES_COMMON_H

#include "platform.h" /* first: it sets the feature macros */

#include <stddef.h>
#include <stdint.h>

#include "wsframe.h"

/* Bytes received but not yet used, or encoded but not yet sent:
 * data[start..end) of data[0..cap). */
struct buf {
    uint8_t *data;
    size_t cap;
    size_t start;
    size_t end;
};

static inline size_t buf_len(const struct buf *b) { return b->end - b->start; }
/* Moves the unread bytes to the front; returns the room after them. */
size_t buf_compact(struct buf *b);
/* Appends n bytes; the caller checked the room. */
void buf_put(struct buf *b, const void *bytes, size_t n);

/* One WebSocket after its handshake: the connection (in caller storage),
 * the receive and send buffers, and what to do with data. */
struct peer {
    struct wsf_conn *conn;
    struct buf rx;
    struct buf tx;
    int echo;           /* non-zero: echo each data piece; zero: collect it */
    char got[64];       /* collected data (truncated), e.g. a case count */
    size_t got_len;
    wsf_status error;   /* what made pump() return PUMP_ERROR */
};

enum pump_result {
    PUMP_NEED_INPUT,  /* read more bytes into rx */
    PUMP_NEED_OUTPUT, /* send tx first: it has no room for the next frame */
    PUMP_FINISHED,    /* nothing more will be sent or received: close TCP */
    PUMP_ERROR        /* a usage error (a bug): drop the connection */
};

/* Runs the connection over the bytes in rx until it needs more input, tx
 * is too full, or the connection is finished. Data pieces are echoed as
 * they arrive (each as a frame of its own, the message ending where the
 * peer's does) or collected; pings are answered and the peer's Close is
 * echoed through wsf_conn_write_pending; a protocol error queues the Close
 * that names it and finishes the connection. */
enum pump_result pump(struct peer *p);

/* Space tx must have before a recv: the largest pending frame plus one
 * frame header, besides the echoed payload itself. */
#define TX_HEADROOM (WSF_MAX_PENDING_FRAME + WSF_MAX_FRAME_HEADER)

/* A fresh masking key (clients must mask with unpredictable keys, §10.3). */
uint32_t random_mask_key(void);

/* Reads into rx's free space: > 0 bytes read, 0 EOF, -1 error, -2 would
 * block (non-blocking sockets) or no room. */
long sock_fill(sock_t s, struct buf *rx);
/* Writes what tx holds, as much as the socket takes: 0 when tx is empty,
 * 1 when bytes remain (would block), -1 on error. */
int sock_flush(sock_t s, struct buf *tx);

/* A status for logs: "description (status N)". */
const char *status_text(wsf_status st, char *out, size_t out_len);

#endif
