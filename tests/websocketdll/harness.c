/* The harness: see harness.h. */
#include "harness.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

unsigned g_passed, g_failed;

WEB_SOCKET_HTTP_HEADER hdr(const char *name, const char *value)
{
    WEB_SOCKET_HTTP_HEADER h;
    h.pcName = (PCHAR)name;
    h.ulNameLength = (ULONG)strlen(name);
    h.pcValue = (PCHAR)value;
    h.ulValueLength = (ULONG)strlen(value);
    return h;
}

static int same_name(const char *a, size_t alen, const char *b)
{
    size_t i;
    if (alen != strlen(b)) return 0;
    for (i = 0; i < alen; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
    return 1;
}

int find_header(const WEB_SOCKET_HTTP_HEADER *h, ULONG n, const char *name, char *out, size_t cap)
{
    ULONG i;
    for (i = 0; i < n; i++) {
        if (same_name(h[i].pcName, h[i].ulNameLength, name)) {
            size_t len = h[i].ulValueLength < cap - 1 ? h[i].ulValueLength : cap - 1;
            memcpy(out, h[i].pcValue, len);
            out[len] = 0;
            return 1;
        }
    }
    return 0;
}

void props_init(props_t *p, ULONG recv_size, ULONG send_size)
{
    memset(p, 0, sizeof *p);
    p->recv_size = recv_size;
    p->send_size = send_size;
    /* Documented: 8-byte aligned, larger than receive + send + 256. */
    p->block_size = (size_t)recv_size + send_size + 256;
    p->block = malloc(p->block_size); /* malloc aligns to at least 8 */
    p->block_slot = p->block;
    p->list[0].Type = WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE;
    p->list[0].pvValue = &p->recv_size;
    p->list[0].ulValueSize = sizeof(ULONG);
    p->list[1].Type = WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE;
    p->list[1].pvValue = &p->send_size;
    p->list[1].ulValueSize = sizeof(ULONG);
    p->list[2].Type = WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE;
    p->list[2].pvValue = &p->block_slot;
    p->list[2].ulValueSize = sizeof(PVOID);
    p->list[3].Type = WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE;
    p->list[3].pvValue = &p->disable_masking;
    p->list[3].ulValueSize = sizeof(BOOL);
    p->list[4].Type = WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE;
    p->list[4].pvValue = &p->disable_utf8;
    p->list[4].ulValueSize = sizeof(BOOL);
    p->count = 5;
}

void props_free(props_t *p)
{
    free(p->block);
    p->block = NULL;
}

int connect_pair(end_t *client, props_t *cp, end_t *server, props_t *sp)
{
    WEB_SOCKET_HTTP_HEADER initial[1], request[16], *add = NULL, *resp = NULL;
    ULONG nadd = 0, nresp = 0, i, n = 0;
    memset(client, 0, sizeof *client);
    memset(server, 0, sizeof *server);
    client->props = cp;
    server->props = sp;
    if (FAILED(WebSocketCreateClientHandle(cp->list, cp->count, &client->h))) return 0;
    if (FAILED(WebSocketCreateServerHandle(sp->list, sp->count, &server->h))) return 0;
    initial[0] = hdr("Host", "example.test");
    if (FAILED(WebSocketBeginClientHandshake(client->h, NULL, 0, NULL, 0, initial, 1, &add, &nadd)))
        return 0;
    request[n++] = initial[0];
    for (i = 0; i < nadd && n < 16; i++) request[n++] = add[i];
    if (FAILED(WebSocketBeginServerHandshake(server->h, NULL, NULL, 0, request, n, &resp, &nresp)))
        return 0;
    if (FAILED(WebSocketEndClientHandshake(client->h, resp, nresp, NULL, NULL, NULL))) return 0;
    if (FAILED(WebSocketEndServerHandshake(server->h))) return 0;
    return 1;
}

void end_free(end_t *e)
{
    WebSocketDeleteHandle(e->h);
    free(e->in);
    free(e->msg);
    memset(e, 0, sizeof *e);
}

static int inside(const void *p, size_t len, const void *base, size_t size)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
    return a >= b && a + len <= b + size && a + len >= a;
}

/* A buffer handed out must lie in the block or the current send payload. */
static void check_buffer(end_t *e, const void *p, size_t len)
{
    if (len == 0) return;
    if (inside(p, len, e->props->block, e->props->block_size)) return;
    if (e->payload && inside(p, len, e->payload, e->payload_len)) return;
    e->bad_buffers++;
}

static void append(unsigned char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 1024;
        while (c < *len + n) c *= 2;
        *buf = realloc(*buf, c);
        *cap = c;
    }
    if (n) memcpy(*buf + *len, p, n);
    *len += n;
}

/* Feeds a pending RECEIVE_FROM_NETWORK from the bytes the peer sent. */
static int feed(end_t *e)
{
    size_t avail = e->in_len - e->in_off, n = e->read_len;
    if (!e->read_pending || avail == 0) return 0;
    if (n > avail) n = avail;
    if (e->read_chunk && n > e->read_chunk) n = e->read_chunk;
    memcpy(e->read_buf, e->in + e->in_off, n);
    e->in_off += n;
    if (e->in_off == e->in_len) e->in_off = e->in_len = 0;
    e->read_pending = 0;
    WebSocketCompleteAction(e->h, e->read_action, (ULONG)n);
    return 1;
}

static void indicated(end_t *e, WEB_SOCKET_BUFFER_TYPE type, WEB_SOCKET_BUFFER *b, ULONG nb)
{
    if (type == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
        e->closed = 1;
        e->close_status = b[0].CloseStatus.usStatus;
        e->close_reason_len = b[0].CloseStatus.ulReasonLength;
        if (e->close_reason_len <= WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) {
            memcpy(e->close_reason, b[0].CloseStatus.pbReason, e->close_reason_len);
            e->close_reason[e->close_reason_len] = 0;
        }
        check_buffer(e, b[0].CloseStatus.pbReason, b[0].CloseStatus.ulReasonLength);
        return;
    }
    check_buffer(e, b[0].Data.pbBuffer, nb ? b[0].Data.ulBufferLength : 0);
    if (type == WEB_SOCKET_PING_PONG_BUFFER_TYPE) {
        e->pongs++;
        e->pong_len = b[0].Data.ulBufferLength;
        return;
    }
    append(&e->msg, &e->msg_len, &e->msg_cap, b[0].Data.pbBuffer, b[0].Data.ulBufferLength);
    e->pieces++;
    if (type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || type == WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE)
        e->fragments++;
    else
        e->msgs++;
    e->msg_type = type;
}

int step(end_t *e, end_t *peer)
{
    WEB_SOCKET_BUFFER b[2];
    ULONG nb = 2, i, total = 0;
    WEB_SOCKET_ACTION action;
    WEB_SOCKET_BUFFER_TYPE type;
    PVOID app = NULL, act = NULL;
    HRESULT hr;
    int progress = feed(e);
    hr = WebSocketGetAction(e->h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &nb, &action, &type, &app, &act);
    if (FAILED(hr)) {
        e->error = hr;
        return 1;
    }
    switch (action) {
    case WEB_SOCKET_NO_ACTION:
        return progress;
    case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
        for (i = 0; i < nb; i++) {
            check_buffer(e, b[i].Data.pbBuffer, b[i].Data.ulBufferLength);
            append(&peer->in, &peer->in_len, &peer->in_cap, b[i].Data.pbBuffer, b[i].Data.ulBufferLength);
            total += b[i].Data.ulBufferLength;
        }
        e->sends_to_network++;
        if (app == NULL) {
            e->auto_sends++;
            e->last_auto_type = type;
        }
        WebSocketCompleteAction(e->h, act, total);
        return 1;
    case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
        e->send_completes++;
        e->last_send_ctx = app;
        e->payload = NULL;
        WebSocketCompleteAction(e->h, act, 0);
        return 1;
    case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
        if (nb != 1) e->bad_buffers++;
        check_buffer(e, b[0].Data.pbBuffer, b[0].Data.ulBufferLength);
        if (app != (PVOID)e) e->bad_app_ctx++;
        e->read_pending = 1;
        e->read_buf = b[0].Data.pbBuffer;
        e->read_len = b[0].Data.ulBufferLength;
        e->read_action = act;
        feed(e);
        return 1;
    case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
        if (app != (PVOID)e) e->bad_app_ctx++;
        indicated(e, type, b, nb);
        e->receiving = 0;
        WebSocketCompleteAction(e->h, act, 0);
        if (e->rearm && !e->closed) start_receive(e);
        return 1;
    default:
        e->error = (HRESULT)0x80004005UL;
        return 0;
    }
}

unsigned long pump(end_t *a, end_t *b)
{
    unsigned long steps = 0;
    int progress = 1;
    while (progress && steps < 100000000UL) {
        progress = 0;
        while (step(a, b)) { progress = 1; steps++; if (a->error) return steps; }
        while (step(b, a)) { progress = 1; steps++; if (b->error) return steps; }
    }
    return steps;
}

HRESULT start_receive(end_t *e)
{
    HRESULT hr = WebSocketReceive(e->h, NULL, e);
    if (SUCCEEDED(hr)) e->receiving = 1;
    return hr;
}

HRESULT send_data(end_t *e, WEB_SOCKET_BUFFER_TYPE type, const void *data, size_t len, PVOID ctx)
{
    WEB_SOCKET_BUFFER b;
    b.Data.pbBuffer = (PBYTE)data;
    b.Data.ulBufferLength = (ULONG)len;
    e->payload = data;
    e->payload_len = len;
    return WebSocketSend(e->h, type, &b, ctx);
}

void reset_msg(end_t *e)
{
    e->msg_len = 0;
    e->msgs = e->pieces = e->fragments = 0;
    e->msg_type = 0;
}

int drain(WEB_SOCKET_HANDLE h, WEB_SOCKET_ACTION_QUEUE q)
{
    int n;
    for (n = 0; n < 64; n++) {
        WEB_SOCKET_BUFFER b[1];
        ULONG nb = 1;
        WEB_SOCKET_ACTION action;
        WEB_SOCKET_BUFFER_TYPE type;
        PVOID app, act;
        if (FAILED(WebSocketGetAction(h, q, b, &nb, &action, &type, &app, &act))) return n;
        if (action == WEB_SOCKET_NO_ACTION) return n;
        WebSocketCompleteAction(h, act, 0);
    }
    return -1;
}
