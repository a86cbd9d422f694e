/* Opening handshake, both roles: raw bytes and pre-parsed headers. */
#include "harness.h"

static wsf_http_header header_of(const char *name, const char *value) {
    wsf_http_header h;
    h.name = name;
    h.name_len = (uint32_t)strlen(name);
    h.value = value;
    h.value_len = (uint32_t)strlen(value);
    return h;
}

/* A client request with two subprotocols, an extension offer, an origin and
 * an extra header; `protocols` and `extra` must outlive it. */
static wsf_client_request client_request(wsf_str *protocols, wsf_http_header *extra) {
    wsf_client_request r;
    size_t i;
    memset(&r, 0, sizeof r);
    r.host = str_of("example.test:8080");
    r.path = str_of("/chat?room=1");
    for (i = 0; i < 16; i++) {
        r.nonce[i] = (uint8_t)(i * 7 + 1);
    }
    protocols[0] = str_of("v2.chat");
    protocols[1] = str_of("chat");
    r.subprotocols = protocols;
    r.subprotocol_count = 2;
    r.extensions = str_of("permessage-deflate; client_max_window_bits, x-foo; a=1; b=\"2\"");
    r.origin = str_of("https://example.test");
    extra[0] = header_of("X-Trace", "abc");
    r.extra_headers = extra;
    r.extra_header_count = 1;
    return r;
}

/* Server side of a request: every accessor. */
static void inspect_request(const wsf_request *req) {
    wsf_str s;
    wsf_extension ext;
    wsf_extension_param param;
    CHECK(str_is(req->path, "/chat?room=1"));
    CHECK(str_is(req->host, "example.test:8080"));
    CHECK(str_is(req->origin, "https://example.test"));
    CHECK(req->key.len == WSF_KEY_LEN);
    CHECK(req->header_count == 9);
    CHECK(req->headers[0].name_len == 4 && memcmp(req->headers[0].name, "Host", 4) == 0);
    CHECK_ST(wsf_request_header(req, "x-trace", 7, &s), WSF_OK);
    CHECK(str_is(s, "abc"));
    CHECK_ST(wsf_request_header(req, "Cookie", 6, &s), WSF_NOT_FOUND);
    CHECK_ST(wsf_request_subprotocol(req, 0, &s), WSF_OK);
    CHECK(str_is(s, "v2.chat"));
    CHECK_ST(wsf_request_subprotocol(req, 1, &s), WSF_OK);
    CHECK(str_is(s, "chat"));
    CHECK_ST(wsf_request_subprotocol(req, 2, &s), WSF_NOT_FOUND);
    CHECK_ST(wsf_request_extension(req, 0, &ext), WSF_OK);
    CHECK(str_is(ext.name, "permessage-deflate") && ext.param_count == 1);
    CHECK_ST(wsf_request_extension_param(req, 0, 0, &param), WSF_OK);
    CHECK(str_is(param.name, "client_max_window_bits") && str_absent(param.value));
    CHECK_ST(wsf_request_extension(req, 1, &ext), WSF_OK);
    CHECK(str_is(ext.name, "x-foo") && ext.param_count == 2);
    CHECK_ST(wsf_request_extension_param(req, 1, 1, &param), WSF_OK);
    CHECK(str_is(param.name, "b") && str_is(param.value, "2"));
    CHECK_ST(wsf_request_extension_param(req, 1, 2, &param), WSF_NOT_FOUND);
    CHECK_ST(wsf_request_extension(req, 2, &ext), WSF_NOT_FOUND);
}

/* Raw bytes: the request and the 101, fed in pieces, with a first frame in
 * the same buffer as each head. */
static void raw_round_trip(void) {
    wsf_str protocols[2];
    wsf_http_header extra[1];
    wsf_http_header server_extra[1];
    wsf_client_request creq = client_request(protocols, extra);
    wsf_handshake_limits limits = wsf_handshake_limits_default();
    wsf_request req;
    wsf_response resp;
    wsf_server_response sresp;
    wsf_extension ext;
    wsf_extension_param param;
    uint8_t bytes[2048];
    uint8_t answer[1024];
    size_t len = 0, alen = 0, cut, n = 0;
    peer server;
    peer client;
    wire none;
    memset(&none, 0, sizeof none);

    CHECK_ST(wsf_client_request_write(&creq, bytes, 10, &len), WSF_BUFFER_TOO_SMALL);
    CHECK(len > 10);
    CHECK_ST(wsf_client_request_write(&creq, bytes, len, &n), WSF_OK);
    CHECK(n == len);
    CHECK(memcmp(bytes, "GET /chat?room=1 HTTP/1.1\r\n", 27) == 0);

    /* A client may send its first frame in the same segment. */
    peer_init(&client, WSF_ROLE_CLIENT, NULL);
    peer_init(&server, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_send_data(client.conn, WSF_DATA_TEXT, 1, (const uint8_t *)"hi", 2,
                                next_random(), bytes + len, sizeof bytes - len, &n),
             WSF_OK);

    for (cut = 0; cut < len; cut += 7) {
        CHECK_ST(wsf_request_parse(bytes, cut, &limits, &req), WSF_INCOMPLETE);
    }
    CHECK_ST(wsf_request_parse(bytes, len + n, &limits, &req), WSF_OK);
    CHECK(req.head_len == len);
    inspect_request(&req);

    /* Feed the bytes after the head to the server connection. */
    {
        wire rest;
        memset(&rest, 0, sizeof rest);
        wire_push(&rest, bytes + req.head_len, n);
        CHECK_ST(peer_pump(&server, &rest, &none), WSF_OK);
        CHECK(server.in.messages == 1 && server.in.last_len == 2);
        wire_free(&rest);
    }

    memset(&resp, 0, sizeof resp);
    resp.subprotocol = str_of("chat");
    resp.extensions = str_of("x-foo; a=1");
    server_extra[0] = header_of("Server", "wsframe-test");
    resp.extra_headers = server_extra;
    resp.extra_header_count = 1;
    CHECK_ST(wsf_request_write_response(&req, &resp, answer, 20, &alen), WSF_BUFFER_TOO_SMALL);
    CHECK(alen > 20);
    CHECK_ST(wsf_request_write_response(&req, &resp, answer, sizeof answer, &alen), WSF_OK);
    CHECK(memcmp(answer, "HTTP/1.1 101 Switching Protocols\r\n", 34) == 0);

    for (cut = 0; cut < alen; cut += 5) {
        CHECK_ST(wsf_client_request_check_response(&creq, answer, cut, &limits, &sresp),
                 WSF_INCOMPLETE);
    }
    CHECK_ST(wsf_client_request_check_response(&creq, answer, alen, &limits, &sresp), WSF_OK);
    CHECK(sresp.head_len == alen);
    CHECK(str_is(sresp.subprotocol, "chat"));
    CHECK(str_is(sresp.extensions, "x-foo; a=1"));
    CHECK_ST(wsf_extensions_get(sresp.extensions.ptr, sresp.extensions.len, 0, &ext), WSF_OK);
    CHECK(str_is(ext.name, "x-foo") && ext.param_count == 1);
    CHECK_ST(wsf_extensions_get_param(sresp.extensions.ptr, sresp.extensions.len, 0, 0, &param),
             WSF_OK);
    CHECK(str_is(param.name, "a") && str_is(param.value, "1"));
    CHECK_ST(wsf_extensions_get(sresp.extensions.ptr, sresp.extensions.len, 1, &ext),
             WSF_NOT_FOUND);
    CHECK_ST(wsf_extensions_get("a;", 2, 0, &ext), WSF_HANDSHAKE_BAD_HEADER_VALUE);

    peer_free(&client);
    peer_free(&server);
}

/* Pre-parsed headers, as http.sys / IIS / WinHTTP hand them over. */
static void parsed_round_trip(void) {
    wsf_http_header h[6];
    wsf_request req;
    wsf_response resp;
    wsf_client_request creq;
    wsf_server_response sresp;
    char accept[WSF_ACCEPT_LEN];
    char key[WSF_KEY_LEN];
    uint8_t answer[512];
    size_t n = 0;
    size_t i;

    memset(&creq, 0, sizeof creq);
    creq.host = str_of("h");
    creq.path = str_of("/");
    for (i = 0; i < 16; i++) {
        creq.nonce[i] = (uint8_t)(0xA0 + i);
    }
    CHECK_ST(wsf_handshake_nonce_key(creq.nonce, 16, key, sizeof key, &n), WSF_OK);

    h[0] = header_of("Host", "h");
    h[1] = header_of("Upgrade", "WebSocket");
    h[2] = header_of("Connection", "keep-alive, Upgrade");
    h[3] = header_of("Sec-WebSocket-Version", "13");
    h[4].name = "Sec-WebSocket-Key";
    h[4].name_len = 17;
    h[4].value = key;
    h[4].value_len = WSF_KEY_LEN;
    h[5] = header_of("Origin", "null");
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, h, 6, &req), WSF_OK);
    CHECK(req.head_len == 0 && req.header_count == 6 && str_is(req.origin, "null"));
    CHECK(req.headers[4].value == key);
    CHECK_ST(wsf_request_from_headers("POST", 4, "/", 1, 1, h, 6, &req),
             WSF_HANDSHAKE_METHOD_NOT_GET);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 0, h, 6, &req), WSF_HANDSHAKE_HTTP_VERSION);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, h, 3, &req),
             WSF_HANDSHAKE_MISSING_VERSION);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/\xff", 2, 1, h, 6, &req),
             WSF_HANDSHAKE_MALFORMED_HEAD);
    CHECK_ST(wsf_request_from_headers("GET", 3, "/", 1, 1, h, 6, &req), WSF_OK);

    memset(&resp, 0, sizeof resp);
    CHECK_ST(wsf_request_write_response(&req, &resp, answer, sizeof answer, &n), WSF_OK);
    CHECK_ST(wsf_handshake_accept_key(key, WSF_KEY_LEN, accept, sizeof accept, &n), WSF_OK);

    /* The client checks the answer from headers its HTTP stack parsed. */
    h[0] = header_of("Upgrade", "websocket");
    h[1] = header_of("Connection", "Upgrade");
    h[2].name = "Sec-WebSocket-Accept";
    h[2].name_len = 20;
    h[2].value = accept;
    h[2].value_len = WSF_ACCEPT_LEN;
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 3, &sresp), WSF_OK);
    CHECK(sresp.head_len == 0 && str_absent(sresp.subprotocol) && str_absent(sresp.extensions));
    CHECK_ST(wsf_client_request_check_headers(&creq, 200, 1, h, 3, &sresp),
             WSF_HANDSHAKE_RESPONSE_STATUS);
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 2, &sresp),
             WSF_HANDSHAKE_RESPONSE_ACCEPT);
    h[3] = header_of("Sec-WebSocket-Protocol", "chat");
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 4, &sresp),
             WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL);
    h[3] = header_of("Sec-WebSocket-Extensions", "permessage-deflate");
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 4, &sresp),
             WSF_HANDSHAKE_RESPONSE_EXTENSION);
    CHECK(wsf_status_hresult(WSF_HANDSHAKE_RESPONSE_EXTENSION) ==
          WSF_E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
    h[3] = header_of("Upgrade", "h2c");
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 4, &sresp),
             WSF_HANDSHAKE_RESPONSE_UPGRADE);
    h[1] = header_of("Connection", "close");
    CHECK_ST(wsf_client_request_check_headers(&creq, 101, 1, h, 3, &sresp),
             WSF_HANDSHAKE_RESPONSE_CONNECTION);
}

void test_handshake(void) {
    raw_round_trip();
    parsed_round_trip();
}
