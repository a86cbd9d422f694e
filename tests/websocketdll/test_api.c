/* Exports, layouts, properties, handshakes and documented errors. */
#include "harness.h"

#include <stddef.h>
#include <string.h>

static void layouts(void)
{
    CHECK(sizeof(WEB_SOCKET_HTTP_HEADER) == 4 * sizeof(void *));
    CHECK(offsetof(WEB_SOCKET_HTTP_HEADER, pcValue) == 2 * sizeof(void *));
    CHECK(sizeof(WEB_SOCKET_BUFFER) == (sizeof(void *) == 8 ? 16u : 12u));
    CHECK(offsetof(WEB_SOCKET_BUFFER, CloseStatus.usStatus) == sizeof(void *) + 4);
    CHECK(sizeof(WEB_SOCKET_PROPERTY) == 3 * sizeof(void *));
    CHECK(sizeof(WEB_SOCKET_ACTION) == 4 && sizeof(WEB_SOCKET_BUFFER_TYPE) == 4);
    if (sizeof(void *) == 8) {
        CHECK(sizeof(WEB_SOCKET_HTTP_HEADER) == 32);
        CHECK(offsetof(WEB_SOCKET_BUFFER, CloseStatus.usStatus) == 12);
        CHECK(sizeof(WEB_SOCKET_PROPERTY) == 24);
    }
}

static void global_properties(void)
{
    ULONG v = 0, size = sizeof v;
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &v, &size), S_OK);
    CHECK(v == 30000 && size == 4);
    size = sizeof v;
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE, &v, &size), S_OK);
    CHECK(v == 13 && size == 4);
    size = 2;
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &v, &size), E_INVALIDARG);
    size = 4;
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, NULL, &size), E_INVALIDARG);
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &v, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketGetGlobalProperty(WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v, &size), E_INVALIDARG);
    CHECK_HR(WebSocketGetGlobalProperty((WEB_SOCKET_PROPERTY_TYPE)99, &v, &size), E_INVALIDARG);
}

/* Creating with one property; returns the HRESULT (the handle is freed). */
static HRESULT create_with(int server, WEB_SOCKET_PROPERTY_TYPE type, PVOID value, ULONG size)
{
    WEB_SOCKET_PROPERTY p;
    WEB_SOCKET_HANDLE h = NULL;
    HRESULT hr;
    p.Type = type;
    p.pvValue = value;
    p.ulValueSize = size;
    hr = server ? WebSocketCreateServerHandle(&p, 1, &h) : WebSocketCreateClientHandle(&p, 1, &h);
    if (SUCCEEDED(hr)) {
        CHECK(h != NULL);
        WebSocketDeleteHandle(h);
    }
    return hr;
}

static void handle_properties(void)
{
    ULONG v;
    BOOL on = 1;
    double aligned[8];
    PVOID slot = aligned, misaligned = (char *)aligned + 1;
    WEB_SOCKET_HANDLE h = NULL;
    int server;
    for (server = 0; server < 2; server++) {
        v = 256;
        CHECK_HR(create_with(server, WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v, 4), S_OK);
        v = 255;
        CHECK_HR(create_with(server, WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v, 4), E_INVALIDARG);
        v = 65536;
        CHECK_HR(create_with(server, WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &v, 4), S_OK);
        v = 16;
        CHECK_HR(create_with(server, WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &v, 4), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v, 2), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, NULL, 4), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, &on, sizeof on), S_OK);
        CHECK_HR(create_with(server, WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, &on, 1), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE, &on, sizeof on), S_OK);
        CHECK_HR(create_with(server, WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE, &on, 8), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, &misaligned, sizeof(PVOID)), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, &slot, 4 + (sizeof(PVOID) == 4)), E_INVALIDARG);
        v = 30000;
        CHECK_HR(create_with(server, WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &v, 4), E_INVALIDARG);
        CHECK_HR(create_with(server, WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE, &v, 4), E_INVALIDARG);
        CHECK_HR(create_with(server, (WEB_SOCKET_PROPERTY_TYPE)77, &v, 4), E_INVALIDARG);
    }
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketCreateClientHandle(NULL, 1, &h), E_INVALIDARG);
    CHECK_HR(WebSocketCreateServerHandle(NULL, 3, &h), E_INVALIDARG);
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, &h), S_OK);
    WebSocketDeleteHandle(h);
}

/* NULL, bogus and deleted handles: errors for HRESULT functions, no crash
 * for the VOID ones. */
static void bogus_handles(void)
{
    static char not_a_handle[64];
    WEB_SOCKET_HANDLE bad[3];
    WEB_SOCKET_HANDLE h = NULL;
    WEB_SOCKET_HTTP_HEADER *out;
    WEB_SOCKET_BUFFER b[2];
    ULONG n, i;
    WEB_SOCKET_ACTION a;
    WEB_SOCKET_BUFFER_TYPE t;
    PVOID app, act;
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &h), S_OK);
    WebSocketDeleteHandle(h);
    bad[0] = NULL;
    bad[1] = not_a_handle;
    bad[2] = h; /* deleted */
    for (i = 0; i < 3; i++) {
        n = 2;
        CHECK_HR(WebSocketBeginClientHandshake(bad[i], NULL, 0, NULL, 0, NULL, 0, &out, &n), E_INVALIDARG);
        CHECK_HR(WebSocketEndClientHandshake(bad[i], NULL, 0, NULL, NULL, NULL), E_INVALIDARG);
        CHECK_HR(WebSocketBeginServerHandshake(bad[i], NULL, NULL, 0, NULL, 0, &out, &n), E_INVALIDARG);
        CHECK_HR(WebSocketEndServerHandshake(bad[i]), E_INVALIDARG);
        CHECK_HR(WebSocketSend(bad[i], WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), E_INVALIDARG);
        CHECK_HR(WebSocketReceive(bad[i], NULL, NULL), E_INVALIDARG);
        n = 2;
        CHECK_HR(WebSocketGetAction(bad[i], WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, &a, &t, &app, &act), E_INVALIDARG);
        WebSocketCompleteAction(bad[i], (PVOID)1, 10);
        WebSocketAbortHandle(bad[i]);
        WebSocketDeleteHandle(bad[i]);
    }
    CHECK(not_a_handle[0] == 0);
}

static void client_handshake(void)
{
    WEB_SOCKET_HANDLE c = NULL, s = NULL;
    PCSTR subs[2] = {"chat", "superchat"}, exts[1] = {"x-test"}, bad_tok[1] = {"a b"};
    PCSTR sel_exts[1] = {"x-test"};
    WEB_SOCKET_HTTP_HEADER initial[2], *add = NULL, req[12], *resp = NULL, wrong[3];
    ULONG nadd = 0, nresp = 0, i, n = 0, selected[4], nsel = 4, sub = 99;
    char key[64], value[128], accept[64];
    initial[0] = hdr("Host", "example.test");
    initial[1] = hdr("Origin", "http://example.test");
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, &c), S_OK);
    CHECK_HR(WebSocketBeginClientHandshake(c, subs, 2, exts, 1, initial, 2, NULL, &nadd), E_INVALIDARG);
    CHECK_HR(WebSocketBeginClientHandshake(c, subs, 2, exts, 1, initial, 2, &add, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketBeginClientHandshake(c, NULL, 2, NULL, 0, initial, 2, &add, &nadd), E_INVALIDARG);
    CHECK_HR(WebSocketBeginClientHandshake(c, bad_tok, 1, NULL, 0, initial, 2, &add, &nadd), E_INVALIDARG);
    CHECK_HR(WebSocketBeginClientHandshake(c, NULL, 0, NULL, 0, NULL, 2, &add, &nadd), E_INVALIDARG);
    CHECK_HR(WebSocketEndClientHandshake(c, NULL, 0, NULL, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketBeginClientHandshake(c, subs, 2, exts, 1, initial, 2, &add, &nadd), S_OK);
    CHECK(find_header(add, nadd, "Sec-WebSocket-Key", key, sizeof key) && strlen(key) == 24);
    CHECK(find_header(add, nadd, "Sec-WebSocket-Version", value, sizeof value) && strcmp(value, "13") == 0);
    CHECK(find_header(add, nadd, "Upgrade", value, sizeof value) && strcmp(value, "websocket") == 0);
    CHECK(find_header(add, nadd, "Connection", value, sizeof value) && strcmp(value, "Upgrade") == 0);
    CHECK(find_header(add, nadd, "Sec-WebSocket-Protocol", value, sizeof value) && strcmp(value, "chat, superchat") == 0);
    CHECK(find_header(add, nadd, "Sec-WebSocket-Extensions", value, sizeof value) && strcmp(value, "x-test") == 0);
    CHECK_HR(WebSocketBeginClientHandshake(c, NULL, 0, NULL, 0, NULL, 0, &add, &nadd), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketSend(c, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);

    /* The server selects the second subprotocol and the extension. */
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &s), S_OK);
    req[n++] = initial[0];
    for (i = 0; i < nadd; i++) req[n++] = add[i];
    CHECK_HR(WebSocketBeginServerHandshake(s, "superchat", sel_exts, 1, req, n, &resp, &nresp), S_OK);
    CHECK(find_header(resp, nresp, "Sec-WebSocket-Accept", accept, sizeof accept) && strlen(accept) == 28);
    CHECK(find_header(resp, nresp, "Sec-WebSocket-Protocol", value, sizeof value) && strcmp(value, "superchat") == 0);

    /* A wrong Accept value is refused; the handshake can still end well. */
    wrong[0] = hdr("Connection", "Upgrade");
    wrong[1] = hdr("Upgrade", "websocket");
    wrong[2] = hdr("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK_HR(WebSocketEndClientHandshake(c, wrong, 3, NULL, NULL, NULL), E_INVALID_PROTOCOL_FORMAT);
    CHECK_HR(WebSocketEndClientHandshake(c, wrong, 2, NULL, NULL, NULL), E_INVALID_PROTOCOL_FORMAT);
    nsel = 0;
    CHECK_HR(WebSocketEndClientHandshake(c, resp, nresp, selected, &nsel, &sub), E_INVALIDARG);
    nsel = 4;
    CHECK_HR(WebSocketEndClientHandshake(c, resp, nresp, selected, &nsel, &sub), S_OK);
    CHECK(sub == 1 && nsel == 1 && selected[0] == 0);
    CHECK_HR(WebSocketEndClientHandshake(c, resp, nresp, NULL, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketEndServerHandshake(s), S_OK);
    CHECK_HR(WebSocketEndServerHandshake(s), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketEndServerHandshake(c), E_INVALID_PROTOCOL_OPERATION);
    WebSocketDeleteHandle(c);
    WebSocketDeleteHandle(s);

    /* A server answering a subprotocol that was not offered. */
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, &c), S_OK);
    CHECK_HR(WebSocketBeginClientHandshake(c, subs, 1, NULL, 0, NULL, 0, &add, &nadd), S_OK);
    CHECK(find_header(add, nadd, "Sec-WebSocket-Key", key, sizeof key));
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &s), S_OK);
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, add, nadd, &resp, &nresp), S_OK);
    CHECK(find_header(resp, nresp, "Sec-WebSocket-Accept", accept, sizeof accept));
    wrong[0] = hdr("Connection", "Upgrade");
    wrong[1] = hdr("Upgrade", "websocket");
    wrong[2] = hdr("Sec-WebSocket-Accept", accept);
    req[0] = wrong[0];
    req[1] = wrong[1];
    req[2] = wrong[2];
    req[3] = hdr("Sec-WebSocket-Protocol", "other");
    CHECK_HR(WebSocketEndClientHandshake(c, req, 4, NULL, NULL, NULL), E_SUBPROTOCOL_NOT_SUPPORTED);
    req[3] = hdr("Sec-WebSocket-Extensions", "x-unoffered");
    CHECK_HR(WebSocketEndClientHandshake(c, req, 4, NULL, NULL, NULL), E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
    CHECK_HR(WebSocketEndClientHandshake(c, wrong, 3, NULL, NULL, &sub), S_OK);
    WebSocketDeleteHandle(c);
    WebSocketDeleteHandle(s);
}

static void server_handshake(void)
{
    WEB_SOCKET_HANDLE s = NULL, c = NULL;
    WEB_SOCKET_HTTP_HEADER req[8], *resp = NULL;
    ULONG nresp = 0;
    char value[128];
    PCSTR ext_sel[1] = {"x-other"};
    /* RFC 6455 §1.3's sample key and accept value. */
    req[0] = hdr("Host", "server.example.com");
    req[1] = hdr("Upgrade", "websocket");
    req[2] = hdr("Connection", "Upgrade");
    req[3] = hdr("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    req[4] = hdr("Sec-WebSocket-Version", "13");
    req[5] = hdr("Sec-WebSocket-Protocol", "chat, superchat");
    req[6] = hdr("User-Agent", "conformance");
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &s), S_OK);
    CHECK_HR(WebSocketEndServerHandshake(s), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req, 7, NULL, &nresp), E_INVALIDARG);
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, NULL, 7, &resp, &nresp), E_INVALIDARG);
    CHECK_HR(WebSocketBeginServerHandshake(s, "nope", NULL, 0, req, 7, &resp, &nresp), E_SUBPROTOCOL_NOT_SUPPORTED);
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, ext_sel, 1, req, 7, &resp, &nresp), E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 1, req, 7, &resp, &nresp), E_INVALIDARG);
    req[4] = hdr("Sec-WebSocket-Version", "8");
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req, 7, &resp, &nresp), E_PROTOCOL_VERSION_NOT_SUPPORTED);
    req[4] = hdr("Sec-WebSocket-Version", "13");
    req[3] = hdr("Sec-WebSocket-Key", "short");
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req, 7, &resp, &nresp), E_INVALID_PROTOCOL_FORMAT);
    req[3] = hdr("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req + 1, 6, &resp, &nresp), S_OK);
    CHECK(find_header(resp, nresp, "Sec-WebSocket-Accept", value, sizeof value) &&
          strcmp(value, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);
    CHECK(!find_header(resp, nresp, "Sec-WebSocket-Protocol", value, sizeof value));
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req, 7, &resp, &nresp), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketEndClientHandshake(s, resp, nresp, NULL, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(WebSocketEndServerHandshake(s), S_OK);
    WebSocketDeleteHandle(s);

    /* A client handle cannot run the server's handshake. */
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, &c), S_OK);
    CHECK_HR(WebSocketBeginServerHandshake(c, NULL, NULL, 0, req, 7, &resp, &nresp), E_INVALID_PROTOCOL_OPERATION);
    WebSocketDeleteHandle(c);
}

/* .NET's "fake handshake" (WebSocketProtocolComponent): how a connection
 * upgraded elsewhere (HttpListener, framing only) gets a usable handle. */
static void fake_handshakes(void)
{
    WEB_SOCKET_HANDLE s = NULL, c = NULL, oracle = NULL;
    WEB_SOCKET_HTTP_HEADER req[5], initial[2], *out = NULL, *resp = NULL, answer[3];
    ULONG nout = 0, nresp = 0;
    char key[64], version[16], accept[64];
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &s), S_OK);
    req[0] = hdr("Connection", "Upgrade");
    req[1] = hdr("Upgrade", "websocket");
    req[2] = hdr("Host", "");
    req[3] = hdr("Sec-WebSocket-Version", "13");
    req[4] = hdr("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==");
    CHECK_HR(WebSocketBeginServerHandshake(s, NULL, NULL, 0, req, 5, &out, &nout), S_OK);
    CHECK(find_header(out, nout, "Sec-WebSocket-Accept", accept, sizeof accept) &&
          strcmp(accept, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=") == 0);
    CHECK_HR(WebSocketEndServerHandshake(s), S_OK);
    CHECK_HR(WebSocketReceive(s, NULL, NULL), S_OK);
    WebSocketDeleteHandle(s);

    /* Client: Begin with Connection/Upgrade as the initial headers, read the
     * version and key, answer with the accept value the server computes. */
    initial[0] = req[0];
    initial[1] = req[1];
    CHECK_HR(WebSocketCreateClientHandle(NULL, 0, &c), S_OK);
    CHECK_HR(WebSocketBeginClientHandshake(c, NULL, 0, NULL, 0, initial, 2, &out, &nout), S_OK);
    CHECK(find_header(out, nout, "Sec-WebSocket-Version", version, sizeof version) && strcmp(version, "13") == 0);
    CHECK(find_header(out, nout, "Sec-WebSocket-Key", key, sizeof key));
    req[4] = hdr("Sec-WebSocket-Key", key);
    CHECK_HR(WebSocketCreateServerHandle(NULL, 0, &oracle), S_OK);
    CHECK_HR(WebSocketBeginServerHandshake(oracle, NULL, NULL, 0, req, 5, &resp, &nresp), S_OK);
    CHECK(find_header(resp, nresp, "Sec-WebSocket-Accept", accept, sizeof accept));
    answer[0] = initial[0];
    answer[1] = initial[1];
    answer[2] = hdr("Sec-WebSocket-Accept", accept);
    CHECK_HR(WebSocketEndClientHandshake(c, answer, 3, NULL, NULL, NULL), S_OK);
    CHECK_HR(WebSocketSend(c, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), S_OK);
    WebSocketDeleteHandle(c);
    WebSocketDeleteHandle(oracle);
}

/* Argument errors of Send, Receive and GetAction on an open pair. */
static void call_errors(void)
{
    props_t cp, sp;
    end_t c, s;
    WEB_SOCKET_BUFFER b[2];
    ULONG n;
    WEB_SOCKET_ACTION a;
    WEB_SOCKET_BUFFER_TYPE t;
    PVOID app, act;
    char reason[130];
    props_init(&cp, 4096, 4096);
    props_init(&sp, 4096, 4096);
    CHECK(connect_pair(&c, &cp, &s, &sp));
    memset(reason, 'r', sizeof reason);
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, NULL, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketSend(c.h, (WEB_SOCKET_BUFFER_TYPE)0x80000007UL, b, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketSend(c.h, 0, b, NULL), E_INVALIDARG);
    b[0].Data.pbBuffer = NULL;
    b[0].Data.ulBufferLength = 5;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    b[0].Data.pbBuffer = (PBYTE)reason;
    b[0].Data.ulBufferLength = 126;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, NULL, NULL), E_INVALIDARG);
    b[0].CloseStatus.pbReason = (PBYTE)reason;
    b[0].CloseStatus.ulReasonLength = 124;
    b[0].CloseStatus.usStatus = 1000;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    b[0].CloseStatus.ulReasonLength = 3;
    b[0].CloseStatus.usStatus = 1006;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    b[0].CloseStatus.usStatus = 999;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, b, NULL), E_INVALIDARG);
    reason[0] = (char)0xC3; /* not UTF-8 */
    b[0].CloseStatus.usStatus = 1000;
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, b, NULL), E_INVALIDARG);

    /* GetAction's own arguments. */
    n = 2;
    CHECK_HR(WebSocketGetAction(c.h, (WEB_SOCKET_ACTION_QUEUE)0, b, &n, &a, &t, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, (WEB_SOCKET_ACTION_QUEUE)4, b, &n, &a, &t, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, NULL, &n, &a, &t, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, NULL, &a, &t, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, NULL, &t, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, &a, NULL, &app, &act), E_INVALIDARG);
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, &a, &t, &app, NULL), E_INVALIDARG);
    n = 0;
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, &a, &t, &app, &act), E_INVALIDARG);
    n = 2;
    CHECK_HR(WebSocketGetAction(c.h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &n, &a, &t, NULL, &act), S_OK);
    CHECK(a == WEB_SOCKET_NO_ACTION && n == 0);

    /* One send and one receive at a time. */
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), S_OK);
    CHECK_HR(WebSocketSend(c.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    CHECK_HR(start_receive(&c), S_OK);
    CHECK_HR(WebSocketReceive(c.h, NULL, NULL), E_INVALID_PROTOCOL_OPERATION);
    /* Unknown action contexts are ignored. */
    WebSocketCompleteAction(c.h, (PVOID)12345, 7);
    WebSocketCompleteAction(c.h, NULL, 7);
    end_free(&c);
    end_free(&s);
    props_free(&cp);
    props_free(&sp);
}

void test_api(void)
{
    layouts();
    global_properties();
    handle_properties();
    bogus_handles();
    client_handshake();
    server_handshake();
    fake_handshakes();
    call_errors();
}
