/*
 * echo_httpsys.c: a WebSocket echo server on http.sys (the HTTP Server API,
 * httpapi.dll) and libwsframe: the case of seed 000, where http.sys owns
 * the port (shared with IIS) and the application must do everything
 * WebSocket itself.
 *
 *     echo_httpsys URL        e.g. echo_httpsys http://+:8080/ws/
 *
 * (Reserving a URL needs administrator rights or a `netsh http add urlacl`.)
 *
 * http.sys parses the request; its headers go to libwsframe's header-array
 * handshake (wsf_request_from_headers: HTTP_KNOWN_HEADER and
 * HTTP_UNKNOWN_HEADER become wsf_http_header, the layout of websocket.dll's
 * WEB_SOCKET_HTTP_HEADER). The 101 goes out with HTTP_SEND_RESPONSE_FLAG_OPAQUE
 * ("the request/response is not HTTP compliant and all subsequent bytes
 * should be treated as entity-body", HttpSendHttpResponse documentation;
 * Windows 8 / Server 2012 and later, status 101 only), after which the
 * WebSocket bytes flow through HttpReceiveRequestEntityBody and
 * HttpSendResponseEntityBody and libwsframe does the framing, masking,
 * UTF-8 checks, Ping answers and the closing handshake.
 *
 * Kept short on purpose: synchronous calls, one connection at a time. A
 * real server issues the same calls with an OVERLAPPED on an I/O
 * completion port; the libwsframe side does not change.
 *
 * It cannot run under Wine (8.0): Wine's http.sys ignores the OPAQUE
 * flag, adds Content-Length: 0 to the 101 and parses the first frame as a
 * new HTTP request (answered 400). See README.md.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsframe.h"

/* The upgrade flag of Windows 8's http.h; mingw-w64's http.h lacks it. */
#ifndef HTTP_SEND_RESPONSE_FLAG_OPAQUE
#define HTTP_SEND_RESPONSE_FLAG_OPAQUE 0x00000040
#endif

#define REQUEST_CAP 16384 /* HTTP_REQUEST and its strings; a larger head gets 431 */
#define RX_CAP 16384      /* received WebSocket bytes not yet used */
#define TX_CAP (RX_CAP + WSF_MAX_FRAME_HEADER + WSF_MAX_PENDING_FRAME)

/* Names of HTTP_HEADER_ID's request headers, in the enumeration's order. */
static const char *const known_names[] = {
    "Cache-Control", "Connection", "Date", "Keep-Alive", "Pragma", "Trailer",
    "Transfer-Encoding", "Upgrade", "Via", "Warning", "Allow", "Content-Length",
    "Content-Type", "Content-Encoding", "Content-Language", "Content-Location",
    "Content-MD5", "Content-Range", "Expires", "Last-Modified", "Accept", "Accept-Charset",
    "Accept-Encoding", "Accept-Language", "Authorization", "Cookie", "Expect", "From", "Host",
    "If-Match", "If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since",
    "Max-Forwards", "Proxy-Authorization", "Referer", "Range", "TE", "Translate", "User-Agent",
};
typedef char known_names_complete[sizeof known_names / sizeof known_names[0] ==
                                          HttpHeaderRequestMaximum
                                      ? 1
                                      : -1];

/* Names of HTTP_VERB's values (NULL: the verb is in pUnknownVerb, or none). */
static const char *const verb_names[] = {
    NULL, NULL, NULL, "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT",
    "TRACK", "MOVE", "COPY", "PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK", "SEARCH",
};
typedef char verb_names_complete[sizeof verb_names / sizeof verb_names[0] == HttpVerbMaximum
                                     ? 1
                                     : -1];

static void set_header(wsf_http_header *h, const char *name, size_t name_len, const char *value,
                       size_t value_len)
{
    h->name = name;
    h->name_len = (uint32_t)name_len;
    h->value = value;
    h->value_len = (uint32_t)value_len;
}

/* http.sys's parsed headers as a wsf_http_header array (no copy: the
 * entries point into the request buffer). Stops one past WSF_MAX_HEADERS
 * so that the handshake answers 431 for too many. */
static size_t collect_headers(const HTTP_REQUEST *r, wsf_http_header *out, size_t cap)
{
    const HTTP_REQUEST_HEADERS *hs = &r->Headers;
    size_t n = 0, i;

    for (i = 0; i < HttpHeaderRequestMaximum && n < cap; i++)
        if (hs->KnownHeaders[i].pRawValue)
            set_header(&out[n++], known_names[i], strlen(known_names[i]),
                       hs->KnownHeaders[i].pRawValue, hs->KnownHeaders[i].RawValueLength);
    for (i = 0; i < hs->UnknownHeaderCount && n < cap; i++)
        set_header(&out[n++], hs->pUnknownHeaders[i].pName, hs->pUnknownHeaders[i].NameLength,
                   hs->pUnknownHeaders[i].pRawValue, hs->pUnknownHeaders[i].RawValueLength);
    return n;
}

static void set_known(HTTP_RESPONSE *resp, HTTP_HEADER_ID id, const char *value)
{
    resp->Headers.KnownHeaders[id].pRawValue = value;
    resp->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

/* Refuses a request with the HTTP status libwsframe names for `st` (400,
 * 405, 426, 431) and the headers that status calls for, then disconnects. */
static void refuse(HANDLE queue, HTTP_REQUEST_ID id, wsf_status st)
{
    HTTP_RESPONSE resp;
    HTTP_UNKNOWN_HEADER version;
    USHORT code = wsf_status_http_status(st);
    const char *reason = code == 405 ? "Method Not Allowed"
                         : code == 426 ? "Upgrade Required"
                         : code == 431 ? "Request Header Fields Too Large"
                                       : "Bad Request";
    ULONG sent = 0;

    memset(&resp, 0, sizeof resp);
    resp.Version.MajorVersion = 1;
    resp.Version.MinorVersion = 1;
    resp.StatusCode = code ? code : 400;
    resp.pReason = reason;
    resp.ReasonLength = (USHORT)strlen(reason);
    if (code == 405)
        set_known(&resp, HttpHeaderAllow, "GET");
    if (code == 426) { /* RFC 6455 §4.2.2: name the version we speak */
        set_known(&resp, HttpHeaderUpgrade, "websocket");
        version.pName = "Sec-WebSocket-Version";
        version.NameLength = (USHORT)strlen(version.pName);
        version.pRawValue = "13";
        version.RawValueLength = 2;
        resp.Headers.UnknownHeaderCount = 1;
        resp.Headers.pUnknownHeaders = &version;
    }
    HttpSendHttpResponse(queue, id, HTTP_SEND_RESPONSE_FLAG_DISCONNECT, &resp, NULL, &sent, NULL,
                         0, NULL, NULL);
}

/* 101 Switching Protocols with the Accept value, sent OPAQUE: from here on
 * the entity-body calls carry raw WebSocket bytes both ways. */
static ULONG accept_upgrade(HANDLE queue, HTTP_REQUEST_ID id, const struct wsf_request *request)
{
    static const char reason[] = "Switching Protocols";
    char accept[WSF_ACCEPT_LEN];
    HTTP_UNKNOWN_HEADER accept_header;
    HTTP_RESPONSE resp;
    size_t n = 0;
    ULONG sent = 0;

    if (wsf_handshake_accept_key(request->key.ptr, request->key.len, accept, sizeof accept, &n) !=
        WSF_OK)
        return ERROR_INVALID_PARAMETER;
    memset(&resp, 0, sizeof resp);
    resp.Version.MajorVersion = 1;
    resp.Version.MinorVersion = 1;
    resp.StatusCode = 101;
    resp.pReason = reason;
    resp.ReasonLength = (USHORT)strlen(reason);
    set_known(&resp, HttpHeaderUpgrade, "websocket");
    set_known(&resp, HttpHeaderConnection, "Upgrade");
    accept_header.pName = "Sec-WebSocket-Accept";
    accept_header.NameLength = (USHORT)strlen(accept_header.pName);
    accept_header.pRawValue = accept;
    accept_header.RawValueLength = (USHORT)n;
    resp.Headers.UnknownHeaderCount = 1;
    resp.Headers.pUnknownHeaders = &accept_header;
    /* No subprotocol, no extension: permessage-deflate offers are declined
     * by not answering them. MORE_DATA: the body (the WebSocket) follows. */
    return HttpSendHttpResponse(queue, id,
                                HTTP_SEND_RESPONSE_FLAG_OPAQUE | HTTP_SEND_RESPONSE_FLAG_MORE_DATA,
                                &resp, NULL, &sent, NULL, 0, NULL, NULL);
}

/* Sends `len` bytes of the opaque stream (0 bytes with DISCONNECT closes it). */
static ULONG send_bytes(HANDLE queue, HTTP_REQUEST_ID id, const uint8_t *bytes, size_t len,
                        ULONG flags)
{
    HTTP_DATA_CHUNK chunk;
    ULONG sent = 0;

    memset(&chunk, 0, sizeof chunk);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)bytes;
    chunk.FromMemory.BufferLength = (ULONG)len;
    return HttpSendResponseEntityBody(queue, id, flags, len ? 1 : 0, len ? &chunk : NULL, &sent,
                                      NULL, 0, NULL, NULL);
}

/* The echo loop over the opaque stream: every wsf_conn_recv event's data
 * is echoed as it arrives (a 16 MiB message streams through RX_CAP), and
 * after every event wsf_conn_write_pending drains the automatic Pong, the
 * Close echo or the Close that fails the connection. */
static void serve_websocket(HANDLE queue, HTTP_REQUEST_ID id, struct wsf_conn *conn)
{
    static uint8_t rx[RX_CAP], tx[TX_CAP];
    size_t rx_len = 0, n, m;
    struct wsf_event ev;
    wsf_status st, out;
    ULONG got, err;

    while (!wsf_conn_is_finished(conn)) {
        st = wsf_conn_recv(conn, rx, rx_len, &ev);
        if (st == WSF_OK && ev.kind == WSF_EVENT_NONE && ev.consumed == 0) {
            got = 0; /* any RX_CAP >= WSF_MIN_RECV_BUFFER has room here */
            err = HttpReceiveRequestEntityBody(queue, id, 0, rx + rx_len,
                                               (ULONG)(RX_CAP - rx_len), &got, NULL);
            if (err != NO_ERROR || got == 0)
                return; /* the peer went away without a closing handshake */
            rx_len += got;
            continue;
        }
        if (st != WSF_OK && wsf_status_close_code(st) == 0)
            return; /* a usage error: a bug in this program */
        n = 0;
        out = WSF_OK;
        if (st == WSF_OK && (ev.kind == WSF_EVENT_TEXT || ev.kind == WSF_EVENT_BINARY) &&
            (ev.payload_len > 0 || ev.message_end))
            out = wsf_conn_send_data(conn, ev.kind, ev.message_end, ev.payload, ev.payload_len, 0,
                                     tx, sizeof tx, &n);
        m = 0;
        if (out == WSF_OK)
            out = wsf_conn_write_pending(conn, 0, tx + n, sizeof tx - n, &m);
        if (out != WSF_OK ||
            (n + m > 0 && send_bytes(queue, id, tx, n + m, HTTP_SEND_RESPONSE_FLAG_MORE_DATA)))
            return;
        if (st != WSF_OK)
            return; /* a protocol error: its Close went out above */
        memmove(rx, rx + ev.consumed, rx_len - ev.consumed);
        rx_len -= ev.consumed;
    }
}

/* One request: the header-array handshake, then the WebSocket. */
static void handle_request(HANDLE queue, const HTTP_REQUEST *r, void *conn_storage)
{
    wsf_http_header headers[WSF_MAX_HEADERS + 1];
    size_t count = collect_headers(r, headers, WSF_MAX_HEADERS + 1);
    const char *verb = r->Verb < HttpVerbMaximum ? verb_names[r->Verb] : NULL;
    size_t verb_len = verb ? strlen(verb) : 0;
    struct wsf_request request;
    struct wsf_conn *conn;
    wsf_status st;

    if (!verb) {
        verb = r->pUnknownVerb;
        verb_len = r->UnknownVerbLength;
    }
    st = wsf_request_from_headers(verb, verb_len, r->pRawUrl, r->RawUrlLength,
                                  r->Version.MajorVersion == 1 ? (uint8_t)r->Version.MinorVersion
                                                               : 0,
                                  headers, count, &request);
    if (st != WSF_OK) {
        refuse(queue, r->RequestId, st);
        return;
    }
    if (accept_upgrade(queue, r->RequestId, &request) != NO_ERROR)
        return;
    if (wsf_conn_init(WSF_ROLE_SERVER, NULL, conn_storage, wsf_conn_size(), &conn) != WSF_OK)
        return;
    serve_websocket(queue, r->RequestId, conn);
    send_bytes(queue, r->RequestId, NULL, 0, HTTP_SEND_RESPONSE_FLAG_DISCONNECT);
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION v2 = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = HTTP_NULL_ID;
    HTTP_URL_GROUP_ID group = HTTP_NULL_ID;
    HTTP_BINDING_INFO binding;
    HANDLE queue = NULL;
    HTTP_REQUEST *req;
    wchar_t url[512];
    void *conn_storage;
    ULONG err = NO_ERROR, got;

    if (argc != 2 || !MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, url, 512)) {
        fprintf(stderr, "usage: %s URL   (e.g. http://+:8080/ws/)\n", argv[0]);
        return 2;
    }
    req = malloc(REQUEST_CAP);
    conn_storage = malloc(wsf_conn_size()); /* malloc's 16-byte alignment; wsf_conn_init checks */
    memset(&binding, 0, sizeof binding);
    if (!req || !conn_storage ||
        (err = HttpInitialize(v2, HTTP_INITIALIZE_SERVER, NULL)) != NO_ERROR ||
        (err = HttpCreateServerSession(v2, &session, 0)) != NO_ERROR ||
        (err = HttpCreateUrlGroup(session, &group, 0)) != NO_ERROR ||
        (err = HttpCreateRequestQueue(v2, NULL, NULL, 0, &queue)) != NO_ERROR ||
        (binding.Flags.Present = 1, binding.RequestQueueHandle = queue,
         (err = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding,
                                        sizeof binding)) != NO_ERROR) ||
        (err = HttpAddUrlToUrlGroup(group, url, 0, 0)) != NO_ERROR) {
        fprintf(stderr, "echo_httpsys: cannot serve %s (error %lu)\n", argv[1], err);
        return 1;
    }
    printf("echo_httpsys: serving %s (libwsframe %s)\n", argv[1], WSF_VERSION_STRING);
    fflush(stdout);
    for (;;) {
        memset(req, 0, REQUEST_CAP);
        got = 0;
        err = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, req, REQUEST_CAP, &got, NULL);
        if (err == ERROR_MORE_DATA) /* a head larger than REQUEST_CAP */
            refuse(queue, req->RequestId, WSF_HANDSHAKE_HEAD_TOO_LARGE);
        else if (err == NO_ERROR)
            handle_request(queue, req, conn_storage);
        else
            break;
    }
    fprintf(stderr, "echo_httpsys: HttpReceiveHttpRequest: error %lu\n", err);
    HttpCloseRequestQueue(queue);
    HttpCloseUrlGroup(group);
    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return 1;
}
