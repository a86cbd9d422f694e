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

/* A data piece being echoed: what tx had no room for yet. Its bytes stay
 * where wsf_conn_recv lent them (rx, or the inflater's ring) because no
 * recv happens and rx is not compacted until the echo is out. */
struct echo {
    const uint8_t *data;
    size_t len;
    wsf_event_type kind;
    uint8_t last;       /* the piece ends the message */
    uint8_t active;     /* an echo is in progress */
};

/* One WebSocket after its handshake: the connection (in caller storage),
 * the receive and send buffers, and what to do with data. */
struct peer {
    struct wsf_conn *conn;
    struct buf rx;
    struct buf tx;
    int echo;           /* non-zero: echo each data piece; zero: collect it */
    int compress;       /* non-zero: echoes go out compressed (wsf_conn_send_deflate) */
    struct echo out;    /* the piece being echoed */
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
 * they arrive (in as many frames as tx has room for, the message ending
 * where the peer's does; compressed when p->compress is set) or collected;
 * pings are answered and the peer's Close is echoed through
 * wsf_conn_write_pending; a protocol error queues the Close that names it
 * and finishes the connection. After PUMP_NEED_OUTPUT, call pump again
 * once tx has drained, without reading into rx in between: the echo in
 * progress may point into rx. */
enum pump_result pump(struct peer *p);

/* Space tx must have before a recv: the largest pending frame plus one
 * frame header, besides the echoed payload itself. */
#define TX_HEADROOM (WSF_MAX_PENDING_FRAME + WSF_MAX_FRAME_HEADER)

/* permessage-deflate (RFC 7692) as the command line sets it: on by
 * default, with the core's defaults (windows of 2^15, context takeover). */
struct deflate_options {
    int enabled;
    wsf_deflate_config config;
};

/* The defaults: enabled, wsf_deflate_config_default(). */
void deflate_options_init(struct deflate_options *o);
/* Reads one command-line argument if it is a deflate option (the same
 * flags as the Rust examples, core/examples/common):
 *   --no-deflate                        neither offer nor accept permessage-deflate
 *   --deflate-window-bits=N             both windows at most 2^N bytes (N in 8..15)
 *   --deflate-receive-window-bits=N     the window the peer may compress with (our ring)
 *   --deflate-send-window-bits=N        the window we compress with (our history)
 *   --deflate-no-context-takeover       reset our compressor after every message
 *   --deflate-peer-no-context-takeover  ask the peer to reset its compressor
 * Returns 1 if `arg` was one (and valid), 0 if it is not a deflate option,
 * -1 (with a message) if its value is bad. */
int deflate_option(struct deflate_options *o, const char *arg);
/* The usage lines of those options. */
#define DEFLATE_USAGE                                                                           \
    "  --no-deflate                        neither offer nor accept permessage-deflate\n"        \
    "  --deflate-window-bits=N             both windows at most 2^N bytes (N in 8..15)\n"        \
    "  --deflate-receive-window-bits=N     the window the peer may compress with (our ring)\n"   \
    "  --deflate-send-window-bits=N        the window we compress with (our history)\n"          \
    "  --deflate-no-context-takeover       reset our compressor after every message\n"           \
    "  --deflate-peer-no-context-takeover  ask the peer to reset its compressor\n"

/* Memory for one connection's permessage-deflate: the inflater's ring
 * (wsf_deflate_rx_storage_size) and the compressor
 * (wsf_deflate_tx_storage_size), one block, allocated when the extension
 * is negotiated and freed when the connection ends. */
struct deflate_memory {
    void *block;
    size_t rx_len;
    size_t tx_len;
};

/* Allocates the block for `params`: 0, or -1 when memory is short (a
 * server then declines the offer: §6 lets a connection go uncompressed). */
int deflate_alloc(const wsf_deflate_params *params, struct deflate_memory *m);
/* Enables the extension on `conn` over m's block (wsf_conn_deflate_init,
 * the default level): its status. */
wsf_status deflate_enable(struct wsf_conn *conn, const wsf_deflate_params *params,
                          const struct deflate_memory *m);
/* Frees the block (NULL-safe); the connection must not be used after. */
void deflate_release(struct deflate_memory *m);
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
