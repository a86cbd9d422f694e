/* Traffic through both handles with the in-memory pump. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

static unsigned char *pattern(size_t len, unsigned seed, int text)
{
    unsigned char *p = malloc(len ? len : 1);
    size_t i;
    unsigned x = seed * 2654435761u + 1;
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = text ? (unsigned char)('a' + x % 26) : (unsigned char)x;
    }
    return p;
}

typedef struct {
    props_t cp, sp;
    end_t c, s;
} pair_t;

static int open_pair(pair_t *p, ULONG recv_size, ULONG send_size)
{
    props_init(&p->cp, recv_size, send_size);
    props_init(&p->sp, recv_size, send_size);
    return connect_pair(&p->c, &p->cp, &p->s, &p->sp);
}

static void close_pair(pair_t *p)
{
    CHECK(p->c.bad_buffers == 0 && p->s.bad_buffers == 0);
    CHECK(p->c.bad_app_ctx == 0 && p->s.bad_app_ctx == 0);
    end_free(&p->c);
    end_free(&p->s);
    props_free(&p->cp);
    props_free(&p->sp);
}

/* Sends one message from `from` to `to` and checks what arrives. */
static void one_message(end_t *from, end_t *to, WEB_SOCKET_BUFFER_TYPE type, size_t len, unsigned seed)
{
    unsigned char *data = pattern(len, seed, type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    reset_msg(to);
    from->send_completes = 0;
    to->rearm = 1;
    if (!to->receiving) CHECK_HR(start_receive(to), S_OK);
    CHECK_HR(send_data(from, type, data, len, (PVOID)data), S_OK);
    pump(from, to);
    CHECK(from->error == S_OK && to->error == S_OK);
    CHECK(from->send_completes == 1 && from->last_send_ctx == (PVOID)data);
    CHECK(to->msgs == 1 && to->msg_type == type && to->msg_len == len);
    CHECK(to->msg_len == len && (len == 0 || memcmp(to->msg, data, len) == 0));
    free(data);
}

static void messages(ULONG recv_size, ULONG send_size, size_t read_chunk)
{
    static const size_t sizes[] = {0, 1, 125, 126, 127, 4000, 65535, 65536, 100000, 1048576};
    pair_t p;
    size_t i;
    CHECK(open_pair(&p, recv_size, send_size));
    p.c.read_chunk = p.s.read_chunk = read_chunk;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        one_message(&p.c, &p.s, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, sizes[i], (unsigned)i);
        one_message(&p.s, &p.c, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, sizes[i], (unsigned)i + 50);
        one_message(&p.c, &p.s, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, sizes[i], (unsigned)i + 100);
        one_message(&p.s, &p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, sizes[i], (unsigned)i + 150);
    }
    close_pair(&p);
}

/* A fragmented message: pieces arrive as FRAGMENT types, then MESSAGE. */
static void fragments(void)
{
    pair_t p;
    const char *parts[4] = {"Hel", "", "lo, w", "orld"};
    int i;
    CHECK(open_pair(&p, 256, 256));
    p.s.rearm = 1;
    CHECK_HR(start_receive(&p.s), S_OK);
    for (i = 0; i < 4; i++) {
        WEB_SOCKET_BUFFER_TYPE t = i < 3 ? WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
        CHECK_HR(send_data(&p.c, t, parts[i], strlen(parts[i]), NULL), S_OK);
        if (i == 0) /* a binary piece inside a text message is refused */
            CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, "x", 1, NULL), E_INVALID_PROTOCOL_OPERATION);
        pump(&p.c, &p.s);
        if (i == 0)
            CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "x", 1, NULL), E_INVALID_PROTOCOL_OPERATION);
    }
    CHECK(p.s.msgs == 1 && p.s.fragments >= 2 && p.s.msg_type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    CHECK(p.s.msg_len == 12 && memcmp(p.s.msg, "Hello, world", 12) == 0);
    CHECK(p.c.send_completes == 4);
    /* Binary fragments the other way. */
    reset_msg(&p.c);
    p.c.rearm = 1;
    CHECK_HR(start_receive(&p.c), S_OK);
    CHECK_HR(send_data(&p.s, WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, "\x01\x02", 2, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK_HR(send_data(&p.s, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "\x03", 1, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.c.msgs == 1 && p.c.fragments == 1 && p.c.msg_len == 3 && p.c.msg[2] == 3);
    CHECK(p.c.msg_type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
    close_pair(&p);
}

/* Pings are answered by the DLL (a send action without application
 * context); the Pong is indicated as PING_PONG; unsolicited Pongs too. */
static void pings(void)
{
    pair_t p;
    WEB_SOCKET_BUFFER b;
    CHECK(open_pair(&p, 4096, 4096));
    p.c.rearm = p.s.rearm = 1;
    CHECK_HR(start_receive(&p.c), S_OK);
    CHECK_HR(start_receive(&p.s), S_OK);
    CHECK_HR(WebSocketSend(p.c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, (PVOID)&p), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.s.auto_sends == 1 && p.s.last_auto_type == WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    CHECK(p.c.pongs == 1 && p.c.pong_len == 0 && p.s.pongs == 0);
    CHECK(p.c.send_completes == 1 && p.c.last_send_ctx == (PVOID)&p);
    b.Data.pbBuffer = (PBYTE) "keepalive";
    b.Data.ulBufferLength = 9;
    CHECK_HR(WebSocketSend(p.s.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, &b, (PVOID)&b), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.c.auto_sends == 1 && p.s.pongs == 1 && p.s.pong_len == 9);
    CHECK_HR(WebSocketSend(p.c.h, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, NULL, (PVOID)&b), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.s.pongs == 2 && p.s.auto_sends == 1 && p.c.send_completes == 2);
    CHECK_HR(WebSocketSend(p.s.h, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, &b, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.c.pongs == 2 && p.c.pong_len == 9);
    /* Ten Pings read at once get ten Pongs (RFC 6455 §5.5.3 allows one for
     * the latest; Autobahn 2.10 expects each). */
    {
        unsigned i, pongs = p.c.pongs, autos = p.s.auto_sends;
        for (i = 0; i < 10; i++) {
            CHECK_HR(WebSocketSend(p.c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, &b, (PVOID)&b), S_OK);
            while (step(&p.c, &p.s)) {
            }
        }
        CHECK(p.s.in_len - p.s.in_off == 10 * (6 + 9));
        pump(&p.c, &p.s);
        CHECK(p.c.pongs == pongs + 10 && p.s.auto_sends == autos + 10 && p.c.pong_len == 9);
    }
    /* A ping in the middle of a fragmented message and of a big frame. */
    reset_msg(&p.s);
    CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, "ab", 2, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK_HR(WebSocketSend(p.c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "c", 1, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.c.pongs == 13 && p.s.msgs == 1 && p.s.msg_len == 3 && memcmp(p.s.msg, "abc", 3) == 0);
    close_pair(&p);
}

/* The closing handshake, started by either side. */
static void closes(int client_first)
{
    pair_t p;
    end_t *a, *b;
    WEB_SOCKET_BUFFER cb;
    CHECK(open_pair(&p, 4096, 4096));
    a = client_first ? &p.c : &p.s;
    b = client_first ? &p.s : &p.c;
    a->rearm = b->rearm = 1;
    CHECK_HR(start_receive(a), S_OK);
    CHECK_HR(start_receive(b), S_OK);
    cb.CloseStatus.pbReason = (PBYTE) "going";
    cb.CloseStatus.ulReasonLength = 5;
    cb.CloseStatus.usStatus = 1001;
    CHECK_HR(WebSocketSend(a->h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &cb, NULL), S_OK);
    pump(a, b);
    CHECK(b->closed && b->close_status == 1001 && b->close_reason_len == 5 && strcmp(b->close_reason, "going") == 0);
    CHECK(!a->closed && a->send_completes == 1);
    /* The close echo waits for the application's own Close. */
    CHECK(b->auto_sends == 0);
    CHECK_HR(WebSocketReceive(b->h, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(send_data(a, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "x", 1, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(send_data(b, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "late", 4, NULL), S_OK);
    pump(a, b);
    CHECK(a->msgs == 1 && a->msg_len == 4);
    cb.CloseStatus.pbReason = NULL;
    cb.CloseStatus.ulReasonLength = 0;
    cb.CloseStatus.usStatus = 1000;
    CHECK_HR(WebSocketSend(b->h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &cb, NULL), S_OK);
    pump(a, b);
    CHECK(a->closed && a->close_status == 1000 && a->close_reason_len == 0);
    CHECK_HR(WebSocketSend(b->h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &cb, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK(a->error == S_OK && b->error == S_OK);
    close_pair(&p);
}

/* An empty Close is indicated with status 1005. */
static void empty_close(void)
{
    pair_t p;
    WEB_SOCKET_BUFFER cb;
    CHECK(open_pair(&p, 256, 256));
    CHECK_HR(start_receive(&p.s), S_OK);
    cb.CloseStatus.pbReason = NULL;
    cb.CloseStatus.ulReasonLength = 0;
    cb.CloseStatus.usStatus = 1005;
    CHECK_HR(WebSocketSend(p.c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &cb, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.s.closed && p.s.close_status == 1005);
    close_pair(&p);
}

/* Abort in the middle of a 1 MiB transfer, then drain as .NET does. */
static void abort_mid_transfer(void)
{
    pair_t p;
    unsigned char *data = pattern(1048576, 9, 0);
    int i;
    CHECK(open_pair(&p, 256, 256));
    p.s.rearm = 1;
    CHECK_HR(start_receive(&p.s), S_OK);
    CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, 1048576, NULL), S_OK);
    for (i = 0; i < 50; i++) {
        step(&p.c, &p.s);
        step(&p.s, &p.c);
    }
    CHECK(p.s.pieces > 0 && p.s.msgs == 0);
    WebSocketAbortHandle(p.c.h);
    WebSocketAbortHandle(p.s.h);
    CHECK(drain(p.c.h, WEB_SOCKET_SEND_ACTION_QUEUE) == 0);
    CHECK(drain(p.c.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE) == 0);
    CHECK(drain(p.s.h, WEB_SOCKET_SEND_ACTION_QUEUE) == 0);
    CHECK(drain(p.s.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE) == 0);
    CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, "x", 1, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketReceive(p.s.h, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    /* A read still pending at the abort may be completed: ignored. */
    if (p.s.read_pending) WebSocketCompleteAction(p.s.h, p.s.read_action, 0);
    close_pair(&p);
    free(data);
}

/* A receive completed with 0 bytes cancels it: the session is over. */
static void zero_read_cancels(void)
{
    pair_t p;
    CHECK(open_pair(&p, 256, 256));
    CHECK_HR(start_receive(&p.s), S_OK);
    CHECK(step(&p.s, &p.c) && p.s.read_pending);
    WebSocketCompleteAction(p.s.h, p.s.read_action, 0);
    p.s.read_pending = 0;
    CHECK(drain(p.s.h, WEB_SOCKET_ALL_ACTION_QUEUE) == 0);
    CHECK_HR(WebSocketReceive(p.s.h, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    close_pair(&p);
}

/* Invalid UTF-8 fails the receiver (E_INVALID_PROTOCOL_FORMAT once, then
 * its failing Close 1007 goes out) unless verification is disabled. */
static void utf8_verification(int disabled)
{
    pair_t p;
    props_init(&p.cp, 4096, 4096);
    props_init(&p.sp, 4096, 4096);
    p.sp.disable_utf8 = disabled;
    CHECK(connect_pair(&p.c, &p.cp, &p.s, &p.sp));
    p.c.rearm = 1;
    CHECK_HR(start_receive(&p.c), S_OK);
    CHECK_HR(start_receive(&p.s), S_OK);
    CHECK_HR(send_data(&p.c, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "ok\xC3\x28", 4, NULL), S_OK);
    pump(&p.c, &p.s);
    if (disabled) {
        CHECK(p.s.error == S_OK && p.s.msgs == 1 && p.s.msg_len == 4);
    } else {
        CHECK(p.s.error == E_INVALID_PROTOCOL_FORMAT && p.s.msgs == 0);
        p.s.error = S_OK;
        pump(&p.c, &p.s);
        CHECK(p.s.auto_sends == 1 && p.s.last_auto_type == WEB_SOCKET_CLOSE_BUFFER_TYPE);
        CHECK(p.c.closed && p.c.close_status == 1007);
        CHECK_HR(WebSocketReceive(p.s.h, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    }
    close_pair(&p);
}

/* DISABLE_MASKING: the client's payload goes out zero-copy (it lies in
 * the caller's buffer, not in the block) and the server accepts it. */
static void disable_masking(void)
{
    pair_t p;
    unsigned char *data = pattern(10000, 3, 0);
    props_init(&p.cp, 4096, 4096);
    props_init(&p.sp, 4096, 4096);
    p.cp.disable_masking = 1;
    CHECK(connect_pair(&p.c, &p.cp, &p.s, &p.sp));
    CHECK_HR(start_receive(&p.s), S_OK);
    p.s.rearm = 1;
    CHECK_HR(send_data(&p.c, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, 10000, NULL), S_OK);
    pump(&p.c, &p.s);
    CHECK(p.c.sends_to_network == 1);
    CHECK(p.s.msgs == 1 && p.s.msg_len == 10000 && memcmp(p.s.msg, data, 10000) == 0);
    close_pair(&p);
    free(data);
}

void test_traffic(void)
{
    messages(4096, 4096, 0);
    messages(256, 256, 0);
    messages(256, 256, 7);
    messages(65536, 65536, 1000);
    fragments();
    pings();
    closes(1);
    closes(0);
    empty_close();
    abort_mid_transfer();
    zero_read_cancels();
    utf8_verification(0);
    utf8_verification(1);
    disable_masking();
}
