/* Windows interop: WinHTTP and websocket.dll buffer types, HRESULTs. */
#include "harness.h"

static wsf_event data_event(uint32_t kind, uint8_t message_end) {
    wsf_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = (wsf_event_type)kind;
    ev.frame_end = 1;
    ev.message_end = message_end;
    ev.payload = (const uint8_t *)"x";
    ev.payload_len = 1;
    return ev;
}

static void event_types(void) {
    uint32_t t = 0;
    wsf_event ev = data_event(WSF_EVENT_TEXT, 1);
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WINHTTP_UTF8_MESSAGE && t == 2);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_UTF8_MESSAGE && t == 0x80000000u);
    ev = data_event(WSF_EVENT_TEXT, 0);
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WINHTTP_UTF8_FRAGMENT && t == 3);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_UTF8_FRAGMENT && t == 0x80000001u);
    ev = data_event(WSF_EVENT_BINARY, 1);
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WINHTTP_BINARY_MESSAGE && t == 0);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_BINARY_MESSAGE && t == 0x80000002u);
    ev = data_event(WSF_EVENT_BINARY, 0);
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WINHTTP_BINARY_FRAGMENT && t == 1);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_BINARY_FRAGMENT && t == 0x80000003u);

    memset(&ev, 0, sizeof ev);
    ev.kind = WSF_EVENT_CLOSE;
    ev.close_code = 1000;
    ev.reason = "";
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WINHTTP_CLOSE && t == 4);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_CLOSE && t == 0x80000004u);

    memset(&ev, 0, sizeof ev);
    ev.kind = WSF_EVENT_PONG;
    t = 77;
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_NOT_FOUND);
    CHECK(t == 77);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_OK);
    CHECK(t == WSF_WEBSOCKET_PING_PONG && t == 0x80000005u);
    ev.kind = WSF_EVENT_PING;
    CHECK_ST(wsf_event_winhttp_buffer_type(&ev, &t), WSF_NOT_FOUND);
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_NOT_FOUND);
    ev.kind = WSF_EVENT_NONE;
    CHECK_ST(wsf_event_websocket_buffer_type(&ev, &t), WSF_NOT_FOUND);
    CHECK(WSF_WEBSOCKET_UNSOLICITED_PONG == 0x80000006u);
}

/* Sending by buffer type gives the same bytes as the direct calls. */
static void sends(void) {
    peer a, b;
    uint8_t x[32], y[32];
    size_t nx = 0, ny = 0;
    peer_init(&a, WSF_ROLE_SERVER, NULL);
    peer_init(&b, WSF_ROLE_SERVER, NULL);
    CHECK_ST(wsf_conn_send_winhttp_buffer(a.conn, WSF_WINHTTP_UTF8_FRAGMENT,
                                          (const uint8_t *)"ab", 2, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK_ST(wsf_conn_send_data(b.conn, WSF_DATA_TEXT, 0, (const uint8_t *)"ab", 2, 0, y, sizeof y,
                                &ny),
             WSF_OK);
    CHECK(nx == ny && memcmp(x, y, nx) == 0);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_UTF8_MESSAGE,
                                            (const uint8_t *)"c", 1, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK_ST(wsf_conn_send_data(b.conn, WSF_DATA_TEXT, 1, (const uint8_t *)"c", 1, 0, y, sizeof y,
                                &ny),
             WSF_OK);
    CHECK(nx == ny && memcmp(x, y, nx) == 0 && x[0] == 0x80);
    CHECK_ST(wsf_conn_send_winhttp_buffer(a.conn, WSF_WINHTTP_BINARY_MESSAGE,
                                          (const uint8_t *)"d", 1, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK(x[0] == 0x82);
    CHECK_ST(wsf_conn_send_winhttp_buffer(a.conn, WSF_WINHTTP_BINARY_FRAGMENT,
                                          (const uint8_t *)"d", 1, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK(x[0] == 0x02);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_BINARY_FRAGMENT,
                                            (const uint8_t *)"d", 1, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK(x[0] == 0x00);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_BINARY_MESSAGE,
                                            (const uint8_t *)"d", 1, 0, x, sizeof x, &nx),
             WSF_OK);
    CHECK(x[0] == 0x80);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_PING_PONG, NULL, 0, 0, x,
                                            sizeof x, &nx),
             WSF_OK);
    CHECK(nx == 2 && x[0] == 0x89);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_UNSOLICITED_PONG, NULL, 0, 0, x,
                                            sizeof x, &nx),
             WSF_OK);
    CHECK(nx == 2 && x[0] == 0x8A);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_UTF8_FRAGMENT, NULL, 0, 0, x,
                                            sizeof x, &nx),
             WSF_OK);
    CHECK(x[0] == 0x01);
    /* Close goes through wsf_conn_send_close, as in both APIs. */
    CHECK_ST(wsf_conn_send_winhttp_buffer(a.conn, WSF_WINHTTP_CLOSE, NULL, 0, 0, x, sizeof x, &nx),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_send_websocket_buffer(a.conn, WSF_WEBSOCKET_CLOSE, NULL, 0, 0, x, sizeof x,
                                            &nx),
             WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_conn_send_winhttp_buffer(a.conn, 99, NULL, 0, 0, x, sizeof x, &nx),
             WSF_INVALID_ARGUMENT);
    peer_free(&a);
    peer_free(&b);
}

static void hresults(void) {
    CHECK(wsf_status_hresult(WSF_OK) == WSF_S_OK && WSF_S_OK == 0);
    CHECK(wsf_status_hresult(WSF_INCOMPLETE) == WSF_S_FALSE && WSF_S_FALSE == 1);
    CHECK(wsf_status_hresult(WSF_NOT_FOUND) == WSF_S_FALSE);
    CHECK(wsf_status_hresult(WSF_NULL_POINTER) == WSF_E_POINTER && WSF_E_POINTER == 0x80004003u);
    CHECK(wsf_status_hresult(WSF_INVALID_ARGUMENT) == WSF_E_INVALIDARG &&
          WSF_E_INVALIDARG == 0x80070057u);
    CHECK(wsf_status_hresult(WSF_BUFFER_TOO_SMALL) == WSF_E_NOT_SUFFICIENT_BUFFER &&
          WSF_E_NOT_SUFFICIENT_BUFFER == 0x8007007Au);
    CHECK(wsf_status_hresult(WSF_ALLOC_FAILED) == WSF_E_OUTOFMEMORY &&
          WSF_E_OUTOFMEMORY == 0x8007000Eu);
    CHECK(wsf_status_hresult(WSF_CLOSED) == WSF_E_INVALID_PROTOCOL_OPERATION &&
          WSF_E_INVALID_PROTOCOL_OPERATION == 0x83760001u);
    CHECK(wsf_status_hresult(WSF_PROTOCOL_RESERVED_BITS) == WSF_E_INVALID_PROTOCOL_FORMAT &&
          WSF_E_INVALID_PROTOCOL_FORMAT == 0x83760002u);
    CHECK(wsf_status_hresult(WSF_HANDSHAKE_RESPONSE_EXTENSION) ==
              WSF_E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED &&
          WSF_E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED == 0x83760003u);
    CHECK(wsf_status_hresult(WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL) ==
              WSF_E_SUBPROTOCOL_NOT_SUPPORTED &&
          WSF_E_SUBPROTOCOL_NOT_SUPPORTED == 0x83760004u);
    CHECK(wsf_status_hresult(WSF_HANDSHAKE_UNSUPPORTED_VERSION) ==
              WSF_E_PROTOCOL_VERSION_NOT_SUPPORTED &&
          WSF_E_PROTOCOL_VERSION_NOT_SUPPORTED == 0x83760005u);
    CHECK(wsf_status_hresult(WSF_HANDSHAKE_MALFORMED_HEAD) == WSF_E_INVALID_PROTOCOL_FORMAT);
    CHECK(wsf_status_hresult(WSF_PANIC) == WSF_E_UNEXPECTED && WSF_E_UNEXPECTED == 0x8000FFFFu);
    CHECK(wsf_status_hresult(42) == WSF_E_UNEXPECTED);
}

void test_interop(void) {
    event_types();
    sends();
    hresults();
}
