/*
 * The websocket.dll conformance suite's harness: checks and counts, header
 * helpers, the handshake of a client/server pair through both handles, and
 * the in-memory pump that performs every action the two handles ask for
 * (the application loop of the WebSocket Protocol Component API), checking
 * that every buffer handed out lies inside the handle's ALLOCATED_BUFFER
 * block or the caller's current send payload (as .NET's
 * WebSocketBase.ValidateNativeBuffers does).
 * Portable C99: runs natively on Linux and under Wine with websocket.dll.
 */
#ifndef WSDLL_HARNESS_H
#define WSDLL_HARNESS_H

#include <stddef.h>
#include <stdio.h>

#include "websocket.h"

extern unsigned g_passed, g_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            g_passed++;                                                              \
        } else {                                                                     \
            g_failed++;                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
        }                                                                            \
    } while (0)

#define CHECK_HR(expr, expected)                                                     \
    do {                                                                             \
        HRESULT hr_ = (expr);                                                        \
        if (hr_ == (HRESULT)(expected)) {                                            \
            g_passed++;                                                              \
        } else {                                                                     \
            g_failed++;                                                              \
            printf("FAIL %s:%d: %s = 0x%08lx, want 0x%08lx\n", __FILE__, __LINE__,   \
                   #expr, (unsigned long)(ULONG)hr_, (unsigned long)(ULONG)(expected)); \
        }                                                                            \
    } while (0)

/* Header helpers. */
WEB_SOCKET_HTTP_HEADER hdr(const char *name, const char *value);
/* The value of `name` (case-insensitive) as a NUL-terminated copy in `out`;
 * 0 if absent. */
int find_header(const WEB_SOCKET_HTTP_HEADER *h, ULONG n, const char *name, char *out, size_t cap);

/* Properties for a handle with its own ALLOCATED_BUFFER block. */
typedef struct {
    ULONG recv_size, send_size;
    BOOL disable_masking, disable_utf8;
    void *block;    /* allocated by props_init: recv + send + 256, 8-aligned */
    size_t block_size;
    PVOID block_slot; /* what ALLOCATED_BUFFER's pvValue points to */
    WEB_SOCKET_PROPERTY list[5];
    ULONG count;
} props_t;

void props_init(props_t *p, ULONG recv_size, ULONG send_size);
void props_free(props_t *p);

/* One end of an in-memory connection. */
typedef struct {
    WEB_SOCKET_HANDLE h;
    props_t *props;
    /* Bytes from the peer, not yet read. */
    unsigned char *in;
    size_t in_len, in_cap, in_off;
    size_t read_chunk; /* most bytes per RECEIVE_FROM_NETWORK (0 = all) */
    /* A RECEIVE_FROM_NETWORK awaiting bytes. */
    int read_pending;
    unsigned char *read_buf;
    ULONG read_len;
    PVOID read_action;
    /* The current WebSocketSend payload (for the bounds check). */
    const unsigned char *payload;
    size_t payload_len;
    /* What arrived. */
    unsigned char *msg;
    size_t msg_len, msg_cap;
    unsigned msgs, pieces, fragments;
    WEB_SOCKET_BUFFER_TYPE msg_type;
    int closed;
    USHORT close_status;
    char close_reason[WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1];
    ULONG close_reason_len;
    unsigned pongs;
    ULONG pong_len;
    /* What was sent. */
    unsigned send_completes, auto_sends, sends_to_network;
    PVOID last_send_ctx;
    WEB_SOCKET_BUFFER_TYPE last_auto_type;
    /* Keep a WebSocketReceive outstanding. */
    int rearm;
    int receiving;
    HRESULT error;
    unsigned bad_buffers;
    unsigned bad_app_ctx;
} end_t;

/* Creates both handles (with their properties) and runs the handshake
 * through both; returns 1 on success. */
int connect_pair(end_t *client, props_t *cp, end_t *server, props_t *sp);
void end_free(end_t *e);
/* One action of `e` (its bytes go to `peer`); returns 1 on progress. */
int step(end_t *e, end_t *peer);
/* Steps both ends until neither makes progress; returns the steps taken. */
unsigned long pump(end_t *a, end_t *b);
/* Starts a receive on `e` (and keeps re-arming it). */
HRESULT start_receive(end_t *e);
/* Queues a send of `len` bytes of `data` as `type`. */
HRESULT send_data(end_t *e, WEB_SOCKET_BUFFER_TYPE type, const void *data, size_t len, PVOID ctx);
/* Resets the message collector. */
void reset_msg(end_t *e);
/* Drains a queue as .NET's DrainActionQueue does; returns actions drained
 * (or -1 if it did not end within a bound). */
int drain(WEB_SOCKET_HANDLE h, WEB_SOCKET_ACTION_QUEUE q);

void test_api(void);
void test_traffic(void);

#endif
