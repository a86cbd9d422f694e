/*
 * echo_server_websocketdll.c: a WebSocket echo server written against the
 * WebSocket Protocol Component API (websocket.dll) only — the program a
 * Windows 7, Server 2008 R2 or Wine user copies: with wsframe's
 * websocket.dll beside it, it runs where the system has none.
 *
 *     echo_server_websocketdll HOST:PORT        e.g. 127.0.0.1:9001
 *
 * Build: Windows (mingw-w64): x86_64-w64-mingw32-gcc -Iinclude
 *   echo_server_websocketdll.c -lwebsocket -lws2_32 (the system import
 *   library; run with websocket.dll beside the exe). Linux: gcc -Iinclude
 *   echo_server_websocketdll.c -Ltarget/release -lwebsocket.
 *
 * One connection at a time, blocking sockets (Winsock or POSIX), the API's
 * action loop: WebSocketGetAction -> do the I/O it asks -> complete it.
 * The HTTP request head is read here and its headers handed to
 * WebSocketBeginServerHandshake, which validates them and returns the 101's
 * headers. Each piece of a message is echoed as it arrives (a fragment
 * until the last piece), so a large message streams through the DLL's
 * buffers; Pings are answered by the DLL; a Close is echoed with its status
 * and reason, then the socket is closed.
 */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
typedef SOCKET sock_t;
#define CLOSESOCK closesocket
#else
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
typedef int sock_t;
#define INVALID_SOCKET (-1)
#define CLOSESOCK close
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "websocket.h"

#define MAX_HEAD 8192
#define MAX_HEADERS 64

static int send_all(sock_t s, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        int k = send(s, c, (int)(n > 65536 ? 65536 : n), 0);
        if (k <= 0) return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Sends the buffers of one SEND_TO_NETWORK action (a frame header and its
 * payload): small ones gathered into one send(), since every socket call
 * costs (under Wine most of all), large ones as they are. */
static int send_buffers(sock_t s, const WEB_SOCKET_BUFFER *b, ULONG nb, ULONG *total)
{
    static char gather[16384];
    size_t used = 0;
    ULONG i;
    *total = 0;
    for (i = 0; i < nb; i++) *total += b[i].Data.ulBufferLength;
    if (*total > sizeof gather) {
        for (i = 0; i < nb; i++)
            if (send_all(s, b[i].Data.pbBuffer, b[i].Data.ulBufferLength)) return -1;
        return 0;
    }
    for (i = 0; i < nb; i++) {
        memcpy(gather + used, b[i].Data.pbBuffer, b[i].Data.ulBufferLength);
        used += b[i].Data.ulBufferLength;
    }
    return send_all(s, gather, used);
}

/* Reads the request head; returns its length (the bytes after it, if any,
 * are in *extra), 0 on failure. */
static size_t read_head(sock_t s, char *buf, size_t cap, size_t *total)
{
    size_t len = 0;
    while (len < cap - 1) {
        int k = recv(s, buf + len, (int)(cap - 1 - len), 0);
        char *end;
        if (k <= 0) return 0;
        len += (size_t)k;
        buf[len] = 0;
        end = strstr(buf, "\r\n\r\n");
        if (end) {
            *total = len;
            return (size_t)(end - buf) + 4;
        }
    }
    return 0;
}

/* Splits the head's header lines into counted headers (in place). */
static ULONG parse_headers(char *head, size_t head_len, WEB_SOCKET_HTTP_HEADER *h)
{
    ULONG n = 0;
    char *line = strstr(head, "\r\n"), *end = head + head_len - 2;
    if (!line || strncmp(head, "GET ", 4) != 0) return 0;
    line += 2;
    while (line < end && n < MAX_HEADERS) {
        char *eol = strstr(line, "\r\n"), *colon = memchr(line, ':', (size_t)(eol - line)), *v;
        if (!colon) return 0;
        v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        h[n].pcName = line;
        h[n].ulNameLength = (ULONG)(colon - line);
        h[n].pcValue = v;
        h[n].ulValueLength = (ULONG)(eol - v);
        while (h[n].ulValueLength && (v[h[n].ulValueLength - 1] == ' ' || v[h[n].ulValueLength - 1] == '\t'))
            h[n].ulValueLength--;
        n++;
        line = eol + 2;
    }
    return n;
}

/* The opening handshake; returns 1 with the bytes after the head saved. */
static int handshake(sock_t s, WEB_SOCKET_HANDLE h, char *early, size_t *early_len)
{
    static char head[MAX_HEAD];
    WEB_SOCKET_HTTP_HEADER req[MAX_HEADERS], *resp;
    ULONG n, nresp, i;
    size_t total = 0, len = read_head(s, head, sizeof head, &total);
    char out[1024];
    size_t o;
    if (!len) return 0;
    n = parse_headers(head, len, req);
    if (!n || FAILED(WebSocketBeginServerHandshake(h, NULL, NULL, 0, req, n, &resp, &nresp))) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        send_all(s, bad, sizeof bad - 1);
        return 0;
    }
    o = (size_t)sprintf(out, "HTTP/1.1 101 Switching Protocols\r\n");
    for (i = 0; i < nresp && o + resp[i].ulNameLength + resp[i].ulValueLength + 8 < sizeof out; i++)
        o += (size_t)sprintf(out + o, "%.*s: %.*s\r\n", (int)resp[i].ulNameLength, resp[i].pcName,
                             (int)resp[i].ulValueLength, resp[i].pcValue);
    o += (size_t)sprintf(out + o, "\r\n");
    if (send_all(s, out, o) || FAILED(WebSocketEndServerHandshake(h))) return 0;
    *early_len = total - len;
    memcpy(early, head + len, *early_len);
    return 1;
}

/* The echo loop over the action queue. */
static void serve(sock_t s, WEB_SOCKET_HANDLE h, const char *early, size_t early_len)
{
    unsigned char *echo = NULL;
    size_t echo_cap = 0;
    int receiving = 0, closing = 0, sending = 0;
    for (;;) {
        WEB_SOCKET_BUFFER b[2];
        ULONG nb = 2, total = 0;
        WEB_SOCKET_ACTION action;
        WEB_SOCKET_BUFFER_TYPE type;
        PVOID app, ctx;
        HRESULT hr;
        if (!receiving && !closing && !sending && SUCCEEDED(WebSocketReceive(h, NULL, NULL))) receiving = 1;
        hr = WebSocketGetAction(h, WEB_SOCKET_ALL_ACTION_QUEUE, b, &nb, &action, &type, &app, &ctx);
        if (FAILED(hr)) { /* a protocol error: the failing Close is queued */
            receiving = 0;
            closing = 1;
            continue;
        }
        switch (action) {
        case WEB_SOCKET_NO_ACTION:
            free(echo);
            return; /* nothing outstanding: done */
        case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
            if (send_buffers(s, b, nb, &total)) WebSocketAbortHandle(h);
            WebSocketCompleteAction(h, ctx, total);
            break;
        case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
            sending = 0;
            WebSocketCompleteAction(h, ctx, 0);
            break;
        case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION: {
            int k;
            if (early_len) { /* frames that came with the request head */
                k = (int)(early_len < b[0].Data.ulBufferLength ? early_len : b[0].Data.ulBufferLength);
                memcpy(b[0].Data.pbBuffer, early, (size_t)k);
                early += k;
                early_len -= (size_t)k;
            } else {
                k = recv(s, (char *)b[0].Data.pbBuffer, (int)b[0].Data.ulBufferLength, 0);
            }
            WebSocketCompleteAction(h, ctx, k > 0 ? (ULONG)k : 0); /* 0: the peer is gone */
            break;
        }
        case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION: {
            WEB_SOCKET_BUFFER out;
            receiving = 0;
            if (type == WEB_SOCKET_PING_PONG_BUFFER_TYPE) { /* a Pong: nothing to echo */
                WebSocketCompleteAction(h, ctx, 0);
                break;
            }
            if (type == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
                static unsigned char reason[WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
                memcpy(reason, b[0].CloseStatus.pbReason, b[0].CloseStatus.ulReasonLength);
                out.CloseStatus = b[0].CloseStatus;
                out.CloseStatus.pbReason = reason;
                closing = 1;
            } else { /* copy the piece: the DLL reuses its buffer after completion */
                if (b[0].Data.ulBufferLength > echo_cap) {
                    echo_cap = b[0].Data.ulBufferLength;
                    echo = realloc(echo, echo_cap);
                }
                if (b[0].Data.ulBufferLength) memcpy(echo, b[0].Data.pbBuffer, b[0].Data.ulBufferLength);
                out.Data.pbBuffer = echo;
                out.Data.ulBufferLength = b[0].Data.ulBufferLength;
            }
            WebSocketCompleteAction(h, ctx, 0);
            if (SUCCEEDED(WebSocketSend(h, type, &out, NULL))) sending = 1;
            break;
        }
        default:
            free(echo);
            return;
        }
    }
}

int main(int argc, char **argv)
{
    char host[256], *colon;
    struct addrinfo hints, *ai;
    sock_t ls;
    int one = 1;
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return 1;
#endif
    if (argc != 2 || strlen(argv[1]) >= sizeof host || !(colon = strrchr(argv[1], ':'))) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    memcpy(host, argv[1], (size_t)(colon - argv[1]));
    host[colon - argv[1]] = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &ai)) return 1;
    ls = socket(ai->ai_family, ai->ai_socktype, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, (const char *)&one, sizeof one);
    if (ls == INVALID_SOCKET || bind(ls, ai->ai_addr, (int)ai->ai_addrlen) || listen(ls, 16)) {
        fprintf(stderr, "cannot listen on %s\n", argv[1]);
        return 1;
    }
    freeaddrinfo(ai);
    printf("listening on %s\n", argv[1]);
    fflush(stdout);
    for (;;) {
        static char early[MAX_HEAD];
        size_t early_len = 0;
        WEB_SOCKET_HANDLE h;
        sock_t s = accept(ls, NULL, NULL);
        if (s == INVALID_SOCKET) continue;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
        if (SUCCEEDED(WebSocketCreateServerHandle(NULL, 0, &h))) {
            if (handshake(s, h, early, &early_len)) serve(s, h, early, early_len);
            WebSocketDeleteHandle(h);
        }
        CLOSESOCK(s);
    }
}
