/*
 * echo_server.c: a WebSocket echo server on libwsframe and POSIX sockets or
 * Winsock (the same source; platform.h holds the differences).
 *
 *     echo_server [OPTIONS] HOST:PORT      e.g. echo_server 127.0.0.1:9001
 *     echo_server.exe [OPTIONS] HOST:PORT  (Windows 7 or later, or Wine)
 *
 * OPTIONS (common.h, DEFLATE_USAGE; the Rust examples' flags): --no-deflate,
 * --deflate-window-bits=N, --deflate-receive-window-bits=N,
 * --deflate-send-window-bits=N, --deflate-no-context-takeover,
 * --deflate-peer-no-context-takeover.
 *
 * One thread, non-blocking sockets, poll() (WSAPoll on Windows). Every
 * connection lives in a fixed table slot with its own receive and send
 * buffers and its wsf_conn in caller storage (wsf_conn_size /
 * wsf_conn_align / wsf_conn_init), allocated once at start-up. Valid
 * WebSocket handshakes are accepted with no subprotocol; a permessage-deflate
 * offer (RFC 7692) is accepted by default (wsf_request_deflate_negotiate
 * picks the first acceptable one and the parameters): only then is the
 * connection's compression memory allocated (its inflater ring of
 * 2^window bytes and its compressor, sizes from wsf_deflate_*_storage_size:
 * ~223 KiB at the default windows of 2^15, ~19 KiB at 2^10; the start-up
 * line prints it), and it is freed when the connection closes, so idle and
 * uncompressed slots cost nothing; when that memory cannot be had, the offer is declined
 * (RFC 7692 §6: a connection may always go uncompressed). Each piece of
 * data is echoed as it arrives (compressed on a compressing connection, at
 * the default level), so a 16 MiB message streams through a 16 KiB buffer
 * (and an inflater ring). A plain GET / gets a
 * page that opens a WebSocket back to this server; other requests get the
 * library's HTTP refusal (400, 405, 426, 431) or 404.
 *
 * At capacity (MAX_CONNS connections) a new connection is answered
 * "503 Service Unavailable" with Retry-After, from a few light slots kept
 * for that, then closed gracefully; when those are busy too, the server
 * stops accepting until a slot frees (new connections wait in the kernel's
 * backlog). No connection is closed without an answer.
 */
#include "common.h" /* first: platform.h sets the feature macros */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_html.h" /* generated from index.html: static const unsigned char index_html[] */

#define MAX_CONNS 256            /* WebSocket connections served at once */
#define MAX_REFUSING 64          /* connections beyond those being answered 503 at once */
#define SLOTS (MAX_CONNS + MAX_REFUSING)
#define REFUSAL_CAP 256          /* a refusing slot's buffers: the 503 out, discarded input in */
#define RETRY_AFTER "1"          /* the 503's Retry-After, in seconds */
#define RX_CAP (16 * 1024)       /* receive buffer: holds a whole request head */
#define TX_CAP (2 * RX_CAP)      /* send buffer: echoes, pending frames, the page */
#define MAX_HEAD 8192            /* longest request head: 431 beyond */
#define TIMEOUT_MS 10000         /* a request head must arrive, our last bytes go out, within this */
#define LINGER_MS 2000           /* after our FIN, how long to wait for the peer's */
#ifndef KEEPALIVE_MS
#define KEEPALIVE_MS 30000       /* ping a silent peer after this; drop it this much later */
#endif

typedef char page_fits_tx[sizeof index_html + 512 <= TX_CAP ? 1 : -1];

enum phase { FREE, HANDSHAKE, OPEN, CLOSING };

struct client {
    enum phase phase;
    sock_t fd;
    int eof;            /* the peer closed its side */
    int shut;           /* we closed our side (CLOSING, tx sent) */
    int blocked;        /* the pump waits for tx to drain: do not read */
    uint64_t deadline;  /* HANDSHAKE, CLOSING: drop the connection then */
    void *storage;      /* wsf_conn_size() bytes for this slot's wsf_conn (NULL: refusing slot) */
    struct deflate_memory deflate; /* while permessage-deflate is on: its memory */
    struct peer p;
};

/* Slots [0, MAX_CONNS) serve WebSockets; [MAX_CONNS, SLOTS) only refuse. */
static struct client clients[SLOTS];
static const struct wsf_config *config;
static struct deflate_options deflate;   /* from the command line */
static uint8_t busy_answer[REFUSAL_CAP]; /* the 503, written once at start-up */
static size_t busy_len;

static void log_fd(const struct client *c, const char *what, wsf_status st)
{
    char text[96];
    fprintf(stderr, "echo_server: slot %u: %s: %s\n", (unsigned)(c - clients), what,
            status_text(st, text, sizeof text));
}

static void drop(struct client *c)
{
    sock_close(c->fd);
    deflate_release(&c->deflate);
    c->phase = FREE;
}

/* Sends what tx holds, then closes our side and waits (bounded) for the
 * peer to close too: closing with unread input would reset the connection
 * and could lose our last bytes. The connection is done with: its
 * compression memory goes back now. */
static void start_closing(struct client *c, uint64_t now)
{
    deflate_release(&c->deflate);
    c->phase = CLOSING;
    c->deadline = now + TIMEOUT_MS;
}

/* A plain HTTP request (no Upgrade): GET / gets the page, anything else 404.
 * The parser has checked that the head is complete and the method is GET. */
static void answer_http(struct client *c)
{
    const char *head = (const char *)c->p.rx.data + c->p.rx.start;
    size_t len = buf_len(&c->p.rx), path = 0, end, n;
    struct buf *tx = &c->p.tx;

    while (path < len && (head[path] == '\r' || head[path] == '\n'))
        path++; /* empty lines before the request line are allowed */
    path += 4;  /* "GET " */
    end = path;
    while (end < len && head[end] != ' ' && head[end] != '?')
        end++;
    if ((end - path == 1 && head[path] == '/') ||
        (end - path == 11 && memcmp(head + path, "/index.html", 11) == 0)) {
        n = (size_t)snprintf((char *)tx->data + tx->end, tx->cap - tx->end,
                             "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             "Content-Length: %u\r\nCache-Control: no-store\r\n"
                             "Connection: close\r\n\r\n",
                             (unsigned)sizeof index_html);
        tx->end += n;
        buf_put(tx, index_html, sizeof index_html);
    } else if (wsf_handshake_write_status(404, NULL, 0, tx->data + tx->end, tx->cap - tx->end,
                                          &n) == WSF_OK) {
        tx->end += n;
    }
}

/* Answers a request's permessage-deflate offers: 1 with the answer in
 * `answer` (*answer_len bytes), the parameters in *params and the
 * connection's compression memory allocated; 0 to decline (no offer we
 * take, the extension off, or no memory). */
static int negotiate(struct client *c, const struct wsf_request *request,
                     wsf_deflate_params *params, char *answer, size_t answer_cap,
                     size_t *answer_len)
{
    uint8_t accepted = 0;
    wsf_status st;

    if (!deflate.enabled)
        return 0;
    st = wsf_request_deflate_negotiate(request, &deflate.config, params, &accepted, answer,
                                       answer_cap, answer_len);
    if (st != WSF_OK) {
        log_fd(c, "permessage-deflate declined", st);
        return 0;
    }
    if (!accepted)
        return 0;
    if (deflate_alloc(params, &c->deflate) < 0) {
        fprintf(stderr, "echo_server: slot %u: no memory for permessage-deflate: declined\n",
                (unsigned)(c - clients));
        return 0;
    }
    return 1;
}

/* The compression memory of a connection at the windows the command line
 * allows (the largest a negotiation can pick), for the start-up line. */
static size_t largest_deflate_memory(void)
{
    wsf_deflate_params params;

    params.send_window_bits = deflate.config.send_window_bits;
    params.send_no_context_takeover = 0;
    params.receive_window_bits = deflate.config.receive_window_bits;
    params.receive_no_context_takeover = 0;
    return wsf_deflate_rx_storage_size(&params) +
           wsf_deflate_tx_storage_size(&params, WSF_DEFLATE_LEVEL_DEFAULT);
}

/* Parses the request head received so far and answers it. */
static void handshake(struct client *c, uint64_t now)
{
    struct wsf_handshake_limits limits = wsf_handshake_limits_default();
    struct wsf_response response;
    struct wsf_request request;
    struct buf *rx = &c->p.rx, *tx = &c->p.tx;
    wsf_deflate_params params;
    char answer[WSF_DEFLATE_MAX_VALUE_LEN];
    size_t answer_len = 0;
    int compress;
    wsf_status st;
    size_t n;

    limits.max_head_size = MAX_HEAD;
    st = wsf_request_parse(rx->data + rx->start, buf_len(rx), &limits, &request);
    if (st == WSF_INCOMPLETE) {
        if (c->eof)
            drop(c);
        return;
    }
    if (st == WSF_HANDSHAKE_MISSING_UPGRADE) {
        answer_http(c);
        start_closing(c, now);
        return;
    }
    if (st != WSF_OK) {
        log_fd(c, "refused", st);
        if (wsf_handshake_write_rejection(st, tx->data + tx->end, tx->cap - tx->end, &n) == WSF_OK)
            tx->end += n;
        start_closing(c, now);
        return;
    }
    /* Accept: no subprotocol; permessage-deflate if offered (and on). The
     * 101 goes out as one block. */
    compress = negotiate(c, &request, &params, answer, sizeof answer, &answer_len);
    memset(&response, 0, sizeof response);
    if (compress) {
        response.extensions.ptr = answer;
        response.extensions.len = answer_len;
    }
    st = wsf_request_write_response(&request, &response, tx->data + tx->end, tx->cap - tx->end, &n);
    if (st == WSF_OK)
        st = wsf_conn_init(WSF_ROLE_SERVER, config, c->storage, wsf_conn_size(), &c->p.conn);
    if (st == WSF_OK && compress)
        st = deflate_enable(c->p.conn, &params, &c->deflate);
    if (st != WSF_OK) {
        log_fd(c, "cannot accept", st);
        drop(c);
        return;
    }
    c->p.compress = compress;
    tx->end += n;
    /* The bytes after the head are already frames. */
    rx->start += request.head_len;
    c->phase = OPEN;
    c->deadline = 0;
}

static void run_pump(struct client *c, uint64_t now)
{
    enum pump_result r = pump(&c->p);
    wsf_status err;
    char text[96];

    c->blocked = r == PUMP_NEED_OUTPUT;
    if (r == PUMP_ERROR) {
        log_fd(c, "dropped", c->p.error);
        drop(c);
    } else if (r == PUMP_FINISHED) {
        err = wsf_conn_error(c->p.conn);
        if (err != WSF_OK)
            fprintf(stderr, "echo_server: slot %u: failed with Close %u: %s\n",
                    (unsigned)(c - clients), (unsigned)wsf_status_close_code(err),
                    status_text(err, text, sizeof text));
        start_closing(c, now);
    } else if (r == PUMP_NEED_INPUT && c->eof) {
        drop(c); /* TCP closed without a closing handshake */
    }
}

/* A peer silent for KEEPALIVE_MS gets a Ping; one silent for as long again
 * (gone without a FIN, or not reading) is dropped. */
static void keep_alive(struct client *c, uint64_t now)
{
    wsf_keepalive_action action = WSF_KEEPALIVE_IDLE;
    struct buf *tx = &c->p.tx;
    size_t n;

    wsf_conn_keepalive_poll(c->p.conn, now, &action);
    if (action == WSF_KEEPALIVE_TIMED_OUT) {
        fprintf(stderr, "echo_server: slot %u: keep-alive timed out\n", (unsigned)(c - clients));
        drop(c);
    } else if (action == WSF_KEEPALIVE_SEND_PING && buf_compact(tx) >= WSF_MAX_PENDING_FRAME &&
               wsf_conn_send_ping(c->p.conn, NULL, 0, 0, tx->data + tx->end, tx->cap - tx->end,
                                  &n) == WSF_OK) {
        tx->end += n;
    }
}

/* Reads and discards (CLOSING): returns 0 at EOF or on an error. */
static int discard_input(struct client *c)
{
    long n;
    c->p.rx.start = c->p.rx.end = 0;
    n = sock_fill(c->fd, &c->p.rx);
    c->p.rx.start = c->p.rx.end = 0;
    return n > 0 || n == -2;
}

static void service(struct client *c, short revents, uint64_t now)
{
    long n;

    if (buf_len(&c->p.tx) > 0 && sock_flush(c->fd, &c->p.tx) < 0) {
        drop(c);
        return;
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        if (c->phase == CLOSING) {
            if (!discard_input(c)) {
                drop(c);
                return;
            }
        } else if (!c->eof && !c->blocked) {
            n = sock_fill(c->fd, &c->p.rx);
            if (n == 0)
                c->eof = 1;
            else if (n == -1) {
                drop(c);
                return;
            }
        }
    }
    if (c->phase == HANDSHAKE)
        handshake(c, now);
    if (c->phase == OPEN)
        run_pump(c, now);
    /* A pump that stopped for room in tx goes on as soon as tx drains: no
     * event would wake it (it does not read while blocked, and the peer may
     * be waiting for the echo of bytes already in rx). */
    while (c->phase == OPEN && c->blocked && sock_flush(c->fd, &c->p.tx) == 0)
        run_pump(c, now);
    if (c->phase == FREE)
        return;
    if (buf_len(&c->p.tx) > 0 && sock_flush(c->fd, &c->p.tx) < 0) {
        drop(c);
        return;
    }
    if (c->phase == CLOSING && buf_len(&c->p.tx) == 0 && !c->shut) {
        if (c->eof) {
            drop(c);
            return;
        }
        shutdown(c->fd, SHUT_WR);
        c->shut = 1;
        c->deadline = now + LINGER_MS;
    }
}

static short wanted_events(const struct client *c)
{
    short events = buf_len(&c->p.tx) > 0 ? POLLOUT : 0;
    if (c->phase == CLOSING ? c->shut : !c->eof && !c->blocked)
        events |= POLLIN;
    return events;
}

/* The first free slot: a serving one if any, else a refusing one; SLOTS if none. */
static size_t free_slot(void)
{
    size_t i = 0;
    while (i < SLOTS && clients[i].phase != FREE)
        i++;
    return i;
}

/* Accepts while a slot is free. A serving slot starts the handshake; a
 * refusing slot sends the 503 and closes (CLOSING: our FIN after it, then
 * the peer's, bounded by LINGER_MS). */
static void accept_all(sock_t listener, uint64_t now)
{
    struct client *c;
    size_t i;
    sock_t fd;

    while ((i = free_slot()) < SLOTS && (fd = accept(listener, NULL, NULL)) != SOCK_INVALID) {
        if (sock_set_nonblocking(fd) != 0) {
            sock_close(fd);
            continue;
        }
        sock_set_nodelay(fd);
        c = &clients[i];
        c->phase = HANDSHAKE;
        c->fd = fd;
        c->eof = c->shut = c->blocked = 0;
        c->deadline = now + TIMEOUT_MS;
        c->p.conn = NULL;
        c->p.compress = 0;
        c->p.out.active = 0;
        c->deflate.block = NULL;
        c->p.rx.start = c->p.rx.end = 0;
        c->p.tx.start = c->p.tx.end = 0;
        if (i >= MAX_CONNS) {
            fprintf(stderr, "echo_server: slot %u: at capacity (%u connections): 503\n",
                    (unsigned)i, (unsigned)MAX_CONNS);
            buf_put(&c->p.tx, busy_answer, busy_len);
            start_closing(c, now);
            service(c, 0, now);
        }
    }
}

/* The answer at capacity: 503 with Retry-After (RFC 9110 §15.6.4, §10.2.3),
 * Connection: close, no body. */
static int write_busy_answer(void)
{
    struct wsf_http_header retry;

    memset(&retry, 0, sizeof retry);
    retry.name = "Retry-After";
    retry.name_len = (uint32_t)strlen(retry.name);
    retry.value = RETRY_AFTER;
    retry.value_len = (uint32_t)strlen(retry.value);
    return wsf_handshake_write_status(503, &retry, 1, busy_answer, sizeof busy_answer,
                                      &busy_len) == WSF_OK ? 0 : -1;
}

/* Allocates every slot's buffers and wsf_conn storage once, at start-up. */
static int setup_table(void)
{
    static struct wsf_config cfg;
    size_t align = wsf_conn_align(), stride, i;
    uint8_t *bufs, *conns;

    /* The defaults cover Autobahn 1-10: 16 MiB frames (9.1.6), 64 MiB
     * messages, 131 072 fragments (9.3 and 9.4 send 65 536). */
    cfg = wsf_config_default();
    cfg.keepalive_interval_ms = KEEPALIVE_MS;
    cfg.keepalive_timeout_ms = KEEPALIVE_MS;
    config = &cfg;
    stride = (wsf_conn_size() + align - 1) / align * align;
    conns = aligned_block(MAX_CONNS * stride, align);
    bufs = malloc((size_t)MAX_CONNS * (RX_CAP + TX_CAP) + (size_t)MAX_REFUSING * 2 * REFUSAL_CAP);
    if (!conns || !bufs || write_busy_answer() < 0)
        return -1;
    for (i = 0; i < SLOTS; i++) {
        size_t rx_cap = i < MAX_CONNS ? RX_CAP : REFUSAL_CAP;
        size_t tx_cap = i < MAX_CONNS ? TX_CAP : REFUSAL_CAP;
        clients[i].phase = FREE;
        clients[i].deflate.block = NULL;
        clients[i].storage = i < MAX_CONNS ? conns + i * stride : NULL;
        clients[i].p.echo = 1;
        clients[i].p.rx.data = bufs;
        clients[i].p.rx.cap = rx_cap;
        clients[i].p.tx.data = bufs + rx_cap;
        clients[i].p.tx.cap = tx_cap;
        bufs += rx_cap + tx_cap;
    }
    return 0;
}

/* What to wait for: the listener first while a slot is free (otherwise it
 * is left out, so connections wait in the backlog instead of being
 * accepted and closed unanswered), then every busy slot; slot[k] is the
 * table index of fds[k]. Returns the number of entries. */
static size_t poll_set(sock_t listener, int listening, struct pollfd *fds, size_t *slot)
{
    size_t i, n = 0;

    if (listening) {
        fds[0].fd = listener;
        fds[0].events = POLLIN;
        n = 1;
    }
    for (i = 0; i < SLOTS; i++) {
        if (clients[i].phase == FREE)
            continue;
        fds[n].fd = clients[i].fd;
        fds[n].events = wanted_events(&clients[i]);
        slot[n++] = i;
    }
    return n;
}

int main(int argc, char **argv)
{
    static struct pollfd fds[1 + SLOTS];
    static size_t slot[1 + SLOTS];
    struct wsf_str version = wsf_version();
    char shown[300], err[160];
    const char *addr = NULL;
    sock_t listener;
    size_t i, nfds;
    int listening, arg, r;
    uint64_t now;

    deflate_options_init(&deflate);
    for (arg = 1; arg < argc; arg++) {
        r = deflate_option(&deflate, argv[arg]);
        if (r < 0)
            return 2;
        if (r == 0 && (argv[arg][0] == '-' || addr != NULL))
            addr = ""; /* unknown option, or a second address: usage */
        else if (r == 0)
            addr = argv[arg];
    }
    if (addr == NULL || addr[0] == '\0') {
        fprintf(stderr, "usage: %s [OPTIONS] HOST:PORT   (e.g. 127.0.0.1:9001)\n" DEFLATE_USAGE,
                argv[0]);
        return 2;
    }
    if (version.len != strlen(WSF_VERSION_STRING) ||
        memcmp(version.ptr, WSF_VERSION_STRING, version.len) != 0) {
        fprintf(stderr, "echo_server: header %s but library %.*s\n", WSF_VERSION_STRING,
                (int)version.len, version.ptr);
        return 1;
    }
    if (net_init() < 0 || setup_table() < 0) {
        fprintf(stderr, "echo_server: cannot start (sockets or memory)\n");
        return 1;
    }
    listener = net_listen(addr, shown, sizeof shown);
    if (listener == SOCK_INVALID) {
        fprintf(stderr, "echo_server: cannot listen on %s: %s\n", addr,
                net_error(err, sizeof err));
        return 1;
    }
    printf("echo_server: listening on %s (libwsframe %s)\n", shown, WSF_VERSION_STRING);
    if (deflate.enabled)
        printf("echo_server: permessage-deflate on: server window <= 2^%u%s, client window <= "
               "2^%u%s; at most %u KiB per compressing connection\n",
               (unsigned)deflate.config.send_window_bits,
               deflate.config.no_context_takeover ? " (no context takeover)" : "",
               (unsigned)deflate.config.receive_window_bits,
               deflate.config.peer_no_context_takeover ? " (no context takeover)" : "",
               (unsigned)(largest_deflate_memory() / 1024));
    else
        printf("echo_server: permessage-deflate off\n");
    printf("open http://%s/\n", shown);
    fflush(stdout);
    for (;;) {
        listening = free_slot() < SLOTS;
        nfds = poll_set(listener, listening, fds, slot);
        if (net_poll(fds, nfds, 500) < 0) {
            fprintf(stderr, "echo_server: poll: %s\n", net_error(err, sizeof err));
            return 1;
        }
        now = now_ms();
        if (listening && (fds[0].revents & POLLIN))
            accept_all(listener, now);
        for (i = listening ? 1 : 0; i < nfds; i++) {
            struct client *c = &clients[slot[i]];
            if (fds[i].revents)
                service(c, fds[i].revents, now);
            if (c->phase == OPEN)
                keep_alive(c, now);
            else if (c->phase != FREE && c->deadline != 0 && now >= c->deadline)
                drop(c); /* an idle handshake, or a peer that never closed */
        }
    }
}
