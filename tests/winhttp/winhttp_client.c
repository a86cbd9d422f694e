/*
 * winhttp_client.c: an independent Windows client for the echo servers:
 * Windows' own WinHTTP WebSocket client (WinHttpWebSocketCompleteUpgrade,
 * Send, Receive, Shutdown, Close, QueryCloseStatus) talks to a wsframe
 * echo server and checks every echo byte for byte. Under Wine it is Wine's
 * own WinHTTP implementation, which shares no code with wsframe.
 *
 *     winhttp_client HOST:PORT [none|echo]
 *
 * The second argument is what the server's Close echo must carry as its
 * reason: `none` (default; wsframe's documented choice, README "Close
 * echo: echoes the peer's code, without its reason") or `echo` (the
 * reason we sent). RFC 6455 §5.5.1 lets the echo carry either: the
 * endpoint "typically echoes the status code it received", the body is
 * optional.
 *
 * Prints one line per check and `winhttp: N passed, M failed`; the exit
 * status is 0 only when nothing failed.
 *
 * Designed around Wine 8.0's measured limits (docs/WINDOWS.md): it never needs the server to Ping (Wine's
 * receive breaks after a Ping with a payload, and in synchronous mode
 * answers Pings only while a receive is pending), and since Wine does not
 * check Sec-WebSocket-Accept, this program checks it itself (SHA-1 from
 * CryptoAPI, base64 from crypt32: nothing from wsframe).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wincrypt.h>
#include <winhttp.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_LEN 300000u  /* the binary message of the issue */
#define RX_CAP (BIG_LEN + 1024u)
#define PIECE 65536u     /* bytes asked of one WinHttpWebSocketReceive */
#define TIMEOUT_MS 10000

static unsigned passed, failed;

static void check(int ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        passed++;
        printf("ok   %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

/* A WebSocket and the WinHTTP handles it came from. */
struct ws {
    HINTERNET session;
    HINTERNET connect;
    HINTERNET socket;
};

static wchar_t host_w[256];
static INTERNET_PORT port;
static int reason_echoed;

static void ws_close_handles(struct ws *w)
{
    if (w->socket)
        WinHttpCloseHandle(w->socket);
    if (w->connect)
        WinHttpCloseHandle(w->connect);
    if (w->session)
        WinHttpCloseHandle(w->session);
    w->socket = w->connect = w->session = NULL;
}

/* Sec-WebSocket-Accept for `key` (RFC 6455 §4.2.2 item 5.4): base64 of the
 * SHA-1 of the key and the GUID, computed with CryptoAPI. */
static int expected_accept(const char *key, char *out, DWORD out_len)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    HCRYPTPROV prov = 0;
    HCRYPTHASH hash = 0;
    BYTE digest[20];
    DWORD digest_len = sizeof digest;
    int ok = CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT) &&
             CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash) &&
             CryptHashData(hash, (const BYTE *)key, (DWORD)strlen(key), 0) &&
             CryptHashData(hash, (const BYTE *)guid, (DWORD)strlen(guid), 0) &&
             CryptGetHashParam(hash, HP_HASHVAL, digest, &digest_len, 0) &&
             CryptBinaryToStringA(digest, digest_len, CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF,
                                  out, &out_len);
    if (hash)
        CryptDestroyHash(hash);
    if (prov)
        CryptReleaseContext(prov, 0);
    return ok;
}

/* A header of the request (`request` non-zero) or the response, as ASCII. */
static int query_header(HINTERNET req, int request, const wchar_t *name, char *out, size_t cap)
{
    wchar_t value[256];
    DWORD size = sizeof value;
    DWORD level = WINHTTP_QUERY_CUSTOM | (request ? WINHTTP_QUERY_FLAG_REQUEST_HEADERS : 0);
    if (!WinHttpQueryHeaders(req, level, name, value, &size, WINHTTP_NO_HEADER_INDEX))
        return 0;
    return WideCharToMultiByte(CP_UTF8, 0, value, -1, out, (int)cap, NULL, NULL) > 0;
}

/* The opening handshake: GET / with WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
 * a 101 whose Accept matches the key WinHTTP sent, then the upgrade. */
static int ws_open(struct ws *w, const char *name)
{
    HINTERNET req = NULL;
    DWORD status = 0, size = sizeof status;
    char key[64], accept[64], want[64], check_name[64];
    int ok = 0;

    memset(w, 0, sizeof *w);
    snprintf(check_name, sizeof check_name, "%s: handshake", name);
    w->session = WinHttpOpen(L"wsframe-winhttp-test", WINHTTP_ACCESS_TYPE_NO_PROXY,
                             WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    if (!w->session || !WinHttpSetTimeouts(w->session, TIMEOUT_MS, TIMEOUT_MS, TIMEOUT_MS,
                                           TIMEOUT_MS)) {
        check(0, check_name, "WinHttpOpen: error %lu", GetLastError());
        goto out;
    }
    w->connect = WinHttpConnect(w->session, host_w, port, 0);
    if (w->connect)
        req = WinHttpOpenRequest(w->connect, L"GET", L"/", NULL, WINHTTP_NO_REFERER,
                                 WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (!req || !WinHttpSetOption(req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0) ||
        !WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                            0) ||
        !WinHttpReceiveResponse(req, NULL)) {
        check(0, check_name, "request: error %lu", GetLastError());
        goto out;
    }
    if (!WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                             WINHTTP_NO_HEADER_INDEX) ||
        status != 101) {
        check(0, check_name, "status %lu, want 101", status);
        goto out;
    }
    if (!query_header(req, 1, L"Sec-WebSocket-Key", key, sizeof key) ||
        !query_header(req, 0, L"Sec-WebSocket-Accept", accept, sizeof accept) ||
        !expected_accept(key, want, sizeof want) || strcmp(accept, want) != 0) {
        check(0, check_name, "Sec-WebSocket-Accept \"%s\" for key \"%s\", want \"%s\"", accept,
              key, want);
        goto out;
    }
    w->socket = WinHttpWebSocketCompleteUpgrade(req, 0);
    if (!w->socket) {
        check(0, check_name, "WinHttpWebSocketCompleteUpgrade: error %lu", GetLastError());
        goto out;
    }
    check(1, check_name, "");
    ok = 1;
out:
    if (req)
        WinHttpCloseHandle(req);
    if (!ok)
        ws_close_handles(w);
    return ok;
}

/* Sends `len` bytes in pieces of the given sizes (0-terminated list; the
 * last piece takes the rest) as fragments of one message. */
static DWORD send_pieces(HINTERNET s, int text, const unsigned char *data, size_t len,
                         const size_t *sizes)
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE frag = text ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                               : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE last = text ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                               : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    size_t off = 0, n;
    DWORD err;

    for (; *sizes && off + *sizes < len; sizes++) {
        n = *sizes;
        err = WinHttpWebSocketSend(s, frag, (void *)(data + off), (DWORD)n);
        if (err)
            return err;
        off += n;
    }
    return WinHttpWebSocketSend(s, last, len > off ? (void *)(data + off) : NULL,
                                (DWORD)(len - off));
}

/* What one message's receive loop saw. */
struct got {
    size_t len;
    unsigned pieces;
    int text;  /* 1 text, 0 binary, -1 close */
    int mixed; /* a piece of the other data type arrived */
    DWORD err;
};

/* Receives one whole message (or the Close) into `buf`. */
static struct got recv_message(HINTERNET s, unsigned char *buf, size_t cap)
{
    struct got g = {0, 0, -2, 0, 0};
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD n, ask;
    int text;

    for (;;) {
        ask = (DWORD)(cap - g.len < PIECE ? cap - g.len : PIECE);
        if (ask == 0) {
            g.err = ERROR_INSUFFICIENT_BUFFER;
            return g;
        }
        n = 0;
        g.err = WinHttpWebSocketReceive(s, buf + g.len, ask, &n, &type);
        if (g.err)
            return g;
        if (type == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) {
            g.text = -1;
            return g;
        }
        text = type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
               type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
        if (g.pieces > 0 && text != g.text)
            g.mixed = 1;
        g.text = text;
        g.pieces++;
        g.len += n;
        if (type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
            type == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
            return g;
    }
}

static size_t first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
    size_t i = 0;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Sends `data` (whole, or in `sizes` pieces) and checks the echo. */
static void echo_check(HINTERNET s, const char *name, int text, const unsigned char *data,
                       size_t len, const size_t *sizes, unsigned char *rx)
{
    static const size_t whole[] = {0};
    DWORD err = send_pieces(s, text, data, len, sizes ? sizes : whole);
    struct got g;

    if (err) {
        check(0, name, "WinHttpWebSocketSend: error %lu", err);
        return;
    }
    g = recv_message(s, rx, RX_CAP);
    if (g.err)
        check(0, name, "WinHttpWebSocketReceive: error %lu after %u bytes", g.err,
              (unsigned)g.len);
    else if (g.text != text || g.mixed)
        check(0, name, "echo type %s, want %s", g.text < 0 ? "close" : g.text ? "text" : "binary",
              text ? "text" : "binary");
    else if (g.len != len || memcmp(rx, data, len) != 0)
        check(0, name, "echo of %u bytes differs from the %u sent (first difference at %u)",
              (unsigned)g.len, (unsigned)len,
              (unsigned)first_difference(rx, data, g.len < len ? g.len : len));
    else {
        printf("     (%u bytes echoed in %u piece%s)\n", (unsigned)g.len, g.pieces,
               g.pieces == 1 ? "" : "s");
        check(1, name, "");
    }
}

/* The server's Close as WinHttpWebSocketQueryCloseStatus reports it. */
static void close_status_check(HINTERNET s, const char *name, USHORT want_code,
                               const char *sent_reason)
{
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1];
    const char *want_reason = reason_echoed ? sent_reason : "";
    USHORT code = 0;
    DWORD len = 0, err;

    err = WinHttpWebSocketQueryCloseStatus(s, &code, reason, sizeof reason - 1, &len);
    if (err) {
        check(0, name, "WinHttpWebSocketQueryCloseStatus: error %lu", err);
        return;
    }
    reason[len] = '\0';
    check(code == want_code && strcmp(reason, want_reason) == 0, name,
          "close %u \"%s\", want %u \"%s\"", code, reason, want_code, want_reason);
}

/* Valid UTF-8 of exactly n bytes cycling through 1-, 2-, 3- and 4-byte
 * code points (a, U+00E9, U+20AC, U+1F600), so that the server's pieces
 * split them at every offset; ASCII fills the tail. */
static void fill_text(unsigned char *p, size_t n)
{
    static const char *const points[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    size_t i = 0, k = 0, len;

    while (i < n) {
        len = strlen(points[k]);
        if (len > n - i) {
            k = 0;
            len = 1;
        }
        memcpy(p + i, points[k], len);
        i += len;
        k = (k + 1) % 4;
    }
}

static void fill_pattern(unsigned char *p, size_t n)
{
    unsigned long x = 0x2545F491ul;
    size_t i;
    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x &= 0xFFFFFFFFul;
        p[i] = (unsigned char)(x >> 11);
    }
}

/* Connection 1: messages of every kind, then WinHttpWebSocketClose (which
 * sends our Close and waits for the server's). */
static void messages_then_close(const unsigned char *big, const unsigned char *text,
                                unsigned char *rx)
{
    /* "é" split between its two bytes, "€" across three fragments. */
    static const char frag_text[] = "frag \xc3\xa9 one, \xe2\x82\xac two, three";
    static const size_t text_sizes[] = {6, 8, 1, 1, 0};
    static const size_t bin_sizes[] = {1, 125, 126, 65535, 65536, 3, 0};
    static const char hello[] = "Hello from WinHTTP: caf\xc3\xa9 \xf0\x9f\x98\x80";
    static const char reason[] = "bye \xc3\xa9";
    struct ws w;
    DWORD err;

    if (!ws_open(&w, "messages"))
        return;
    echo_check(w.socket, "text message (UTF-8, 4-byte code point)", 1,
               (const unsigned char *)hello, strlen(hello), NULL, rx);
    echo_check(w.socket, "empty text message", 1, NULL, 0, NULL, rx);
    echo_check(w.socket, "binary message of 300000 bytes", 0, big, BIG_LEN, NULL, rx);
    echo_check(w.socket, "text message of 300000 bytes (1- to 4-byte code points)", 1, text,
               BIG_LEN, NULL, rx);
    echo_check(w.socket, "fragmented text (code points split across fragments)", 1,
               (const unsigned char *)frag_text, strlen(frag_text), text_sizes, rx);
    echo_check(w.socket, "fragmented binary (7 fragments, 16- and 64-bit lengths)", 0, big,
               140000, bin_sizes, rx);
    err = WinHttpWebSocketClose(w.socket, WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS,
                                (void *)reason, (DWORD)strlen(reason));
    check(err == 0, "WinHttpWebSocketClose 1001 with a reason", "error %lu", err);
    if (err == 0)
        close_status_check(w.socket, "server's Close echo (QueryCloseStatus)",
                           WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS, reason);
    ws_close_handles(&w);
}

/* Connection 2: a message, then WinHttpWebSocketShutdown (our Close, half
 * close): the echo still arrives, then the server's Close, via Receive. */
static void shutdown_then_receive(unsigned char *rx)
{
    static const char last[] = "sent just before the Close";
    static const char reason[] = "done";
    struct ws w;
    struct got g;
    DWORD err;

    if (!ws_open(&w, "shutdown"))
        return;
    err = WinHttpWebSocketSend(w.socket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                               (void *)last, (DWORD)strlen(last));
    if (!err)
        err = WinHttpWebSocketShutdown(w.socket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
                                       (void *)reason, (DWORD)strlen(reason));
    check(err == 0, "send, then WinHttpWebSocketShutdown 1000 with a reason", "error %lu", err);
    if (err == 0) {
        g = recv_message(w.socket, rx, RX_CAP);
        check(!g.err && g.text == 1 && g.len == strlen(last) && memcmp(rx, last, g.len) == 0,
              "echo sent before the Close arrives after it", "error %lu, type %d, %u bytes",
              g.err, g.text, (unsigned)g.len);
        g = recv_message(w.socket, rx, RX_CAP);
        check(!g.err && g.text == -1, "then the server's Close (CLOSE buffer type)",
              "error %lu, type %d", g.err, g.text);
        if (!g.err && g.text == -1)
            close_status_check(w.socket, "server's Close echo after Shutdown",
                               WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, reason);
    }
    ws_close_handles(&w);
}

/* Connection 3: WinHTTP sends text without checking it, so invalid UTF-8
 * reaches the server, which must fail the connection with 1007 (RFC 6455
 * §8.1, §7.4.1). */
static void invalid_utf8(unsigned char *rx)
{
    static const char bad[] = "not UTF-8: \xc0\xaf";
    struct ws w;
    struct got g;
    DWORD err;

    if (!ws_open(&w, "invalid UTF-8"))
        return;
    err = WinHttpWebSocketSend(w.socket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
                               (void *)bad, (DWORD)strlen(bad));
    if (err) {
        check(0, "invalid UTF-8 text gets Close 1007", "WinHttpWebSocketSend: error %lu", err);
    } else {
        g = recv_message(w.socket, rx, RX_CAP);
        if (g.err || g.text != -1)
            check(0, "invalid UTF-8 text gets Close 1007", "error %lu, type %d, %u bytes", g.err,
                  g.text, (unsigned)g.len);
        else {
            USHORT code = 0;
            DWORD len = 0;
            char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
            err = WinHttpWebSocketQueryCloseStatus(w.socket, &code, reason, sizeof reason, &len);
            if (!err)
                printf("     (Close %u \"%.*s\")\n", code, (int)len, reason);
            check(!err && code == 1007, "invalid UTF-8 text gets Close 1007",
                  "error %lu, close %u", err, code);
        }
    }
    ws_close_handles(&w);
}

int main(int argc, char **argv)
{
    const char *colon;
    unsigned char *big, *text, *rx;
    unsigned long p;

    if (argc < 2 || argc > 3 || !(colon = strrchr(argv[1], ':')) ||
        (argc == 3 && strcmp(argv[2], "none") != 0 && strcmp(argv[2], "echo") != 0)) {
        fprintf(stderr, "usage: %s HOST:PORT [none|echo]\n", argv[0]);
        return 2;
    }
    p = strtoul(colon + 1, NULL, 10);
    if (p == 0 || p > 65535 || colon - argv[1] >= 255 ||
        !MultiByteToWideChar(CP_UTF8, 0, argv[1], (int)(colon - argv[1]), host_w, 255)) {
        fprintf(stderr, "winhttp: bad address %s\n", argv[1]);
        return 2;
    }
    port = (INTERNET_PORT)p;
    reason_echoed = argc == 3 && strcmp(argv[2], "echo") == 0;
    big = malloc(BIG_LEN);
    text = malloc(BIG_LEN);
    rx = malloc(RX_CAP);
    if (!big || !text || !rx) {
        fprintf(stderr, "winhttp: out of memory\n");
        return 1;
    }
    fill_pattern(big, BIG_LEN);
    fill_text(text, BIG_LEN);

    messages_then_close(big, text, rx);
    shutdown_then_receive(rx);
    invalid_utf8(rx);

    printf("winhttp: %u passed, %u failed\n", passed, failed);
    free(big);
    free(text);
    free(rx);
    return failed == 0 && passed > 0 ? 0 : 1;
}
