/*
 * echo_client.c: a WebSocket client on libwsframe and blocking sockets
 * (POSIX or Winsock, the same source; see platform.h) that drives the
 * Autobahn Testsuite's fuzzingserver
 * (tests/autobahn/run.sh client): it asks for the number of cases, runs
 * each one by echoing everything the server sends, then asks the server
 * to write its reports.
 *
 *     echo_client [OPTIONS] ws://HOST:PORT AGENT   e.g. echo_client ws://127.0.0.1:9001 wsframe-c
 *     echo_client.exe [OPTIONS] ws://HOST:PORT AGENT (Windows 7 or later, or Wine)
 *
 * Every connection offers permessage-deflate (RFC 7692; wsf_deflate_client_offer:
 * `permessage-deflate; client_max_window_bits`, plus what OPTIONS ask for,
 * see DEFLATE_USAGE in common.h; --no-deflate offers nothing). A server
 * answer that breaks §7.1 fails the handshake (wsf_deflate_check_answer);
 * an accepted one gets the connection's compression memory (inflater ring
 * and compressor, allocated for that connection and freed after it), and
 * every echo goes out compressed.
 *
 * Handshake nonces and masking keys come from the OS (/dev/urandom,
 * BCryptGenRandom): the library takes randomness as an input.
 */
#include "common.h" /* first: platform.h sets the feature macros */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RX_CAP (64 * 1024)
#define TX_CAP (2 * RX_CAP)
#define IO_TIMEOUT_S 60 /* a peer silent for this long is given up on */
#define LINGER_S 2      /* after our last frame, how long to wait for the server's FIN */

static uint8_t rx_buf[RX_CAP], tx_buf[TX_CAP];
static void *conn_storage;
static struct deflate_options deflate; /* from the command line */

/* Connects to HOST:PORT; SOCK_INVALID on failure. */
static sock_t dial(const char *hostport)
{
    sock_t fd = net_dial(hostport);
    if (fd != SOCK_INVALID) {
        sock_set_nodelay(fd);
        sock_set_timeout(fd, IO_TIMEOUT_S);
    }
    return fd;
}

/* Sends everything tx holds (blocking; a timeout is an error). */
static int flush_all(sock_t fd, struct buf *tx)
{
    return sock_flush(fd, tx) == 0 ? 0 : -1;
}

/* One connection to `path`: handshake, then echo (or collect into p->got)
 * until the connection is finished. Returns 0, or -1 with a message. */
static int session(const char *hostport, const char *path, int echo, struct peer *p)
{
    struct wsf_handshake_limits limits = wsf_handshake_limits_default();
    /* The defaults cover Autobahn 1-10 (16 MiB frames, 65 536 fragments). */
    struct wsf_config config = wsf_config_default();
    struct wsf_client_request request;
    struct wsf_server_response response;
    struct deflate_memory memory = {NULL, 0, 0};
    wsf_deflate_params params;
    char offer[WSF_DEFLATE_MAX_VALUE_LEN];
    uint8_t accepted = 0;
    wsf_status st;
    enum pump_result r = PUMP_NEED_INPUT;
    size_t n;
    long got;
    char text[160];
    sock_t fd = dial(hostport);

    if (fd == SOCK_INVALID) {
        fprintf(stderr, "echo_client: cannot connect to %s\n", hostport);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->echo = echo;
    p->rx.data = rx_buf;
    p->rx.cap = sizeof rx_buf;
    p->tx.data = tx_buf;
    p->tx.cap = sizeof tx_buf;

    /* The request head, as one write. */
    memset(&request, 0, sizeof request);
    request.host.ptr = hostport;
    request.host.len = strlen(hostport);
    request.path.ptr = path;
    request.path.len = strlen(path);
    random_bytes(request.nonce, sizeof request.nonce);
    if (deflate.enabled) {
        st = wsf_deflate_client_offer(&deflate.config, offer, sizeof offer, &n);
        if (st != WSF_OK)
            goto fail;
        request.extensions.ptr = offer;
        request.extensions.len = n;
    }
    st = wsf_client_request_write(&request, p->tx.data, p->tx.cap, &n);
    if (st != WSF_OK)
        goto fail;
    p->tx.end = n;
    if (flush_all(fd, &p->tx) < 0)
        goto io_fail;

    /* The 101; bytes after its head are already frames. */
    while ((st = wsf_client_request_check_response(&request, p->rx.data, p->rx.end, &limits,
                                                   &response)) == WSF_INCOMPLETE) {
        if (sock_fill(fd, &p->rx) <= 0)
            goto io_fail;
    }
    if (st != WSF_OK)
        goto fail;
    p->rx.start = response.head_len;
    /* The server's answer to our offer: none (uncompressed), or parameters
     * that §7.1 allows; anything else fails the connection. */
    if (deflate.enabled)
        st = wsf_deflate_check_answer(response.extensions.ptr, response.extensions.len,
                                      &deflate.config, &params, &accepted);
    if (st != WSF_OK)
        goto fail;

    st = wsf_conn_init(WSF_ROLE_CLIENT, &config, conn_storage, wsf_conn_size(), &p->conn);
    if (st == WSF_OK && accepted) {
        if (deflate_alloc(&params, &memory) < 0) {
            fprintf(stderr, "echo_client: %s: no memory for permessage-deflate\n", path);
            sock_close(fd);
            return -1;
        }
        st = deflate_enable(p->conn, &params, &memory);
        p->compress = 1;
    }
    if (st != WSF_OK)
        goto fail;
    for (;;) {
        r = pump(p);
        if (flush_all(fd, &p->tx) < 0)
            goto io_fail;
        if (r == PUMP_FINISHED || r == PUMP_ERROR)
            break;
        if (r == PUMP_NEED_INPUT) {
            got = sock_fill(fd, &p->rx);
            if (got == 0)
                break; /* the server closed TCP */
            if (got < 0)
                goto io_fail;
        }
    }
    if (r == PUMP_ERROR)
        fprintf(stderr, "echo_client: %s: %s\n", path, status_text(p->error, text, sizeof text));
    if (wsf_conn_error(p->conn) != WSF_OK)
        fprintf(stderr, "echo_client: %s: failed with Close %u: %s\n", path,
                (unsigned)wsf_status_close_code(wsf_conn_error(p->conn)),
                status_text(wsf_conn_error(p->conn), text, sizeof text));

    /* The server closes TCP first (§7.1.1): wait for its FIN, bounded. */
    sock_set_timeout(fd, LINGER_S);
    p->rx.start = p->rx.end = 0;
    while (sock_fill(fd, &p->rx) > 0)
        p->rx.start = p->rx.end = 0;
    sock_close(fd);
    deflate_release(&memory);
    return r == PUMP_ERROR ? -1 : 0;

fail:
    fprintf(stderr, "echo_client: %s: %s\n", path, status_text(st, text, sizeof text));
    sock_close(fd);
    deflate_release(&memory);
    return -1;
io_fail:
    fprintf(stderr, "echo_client: %s: connection closed or failed (last socket error: %s)\n", path,
            net_error(text, sizeof text));
    sock_close(fd);
    deflate_release(&memory);
    return -1;
}

int main(int argc, char **argv)
{
    static struct peer p;
    char path[512];
    const char *hostport, *args[2];
    size_t align = wsf_conn_align(), n_args = 0;
    unsigned long count, i;
    int arg, r;

    deflate_options_init(&deflate);
    for (arg = 1; arg < argc; arg++) {
        r = deflate_option(&deflate, argv[arg]);
        if (r < 0)
            return 2;
        if (r == 1)
            continue;
        if (argv[arg][0] == '-' || n_args == 2)
            n_args = 3; /* unknown option, or too many arguments: usage */
        else
            args[n_args++] = argv[arg];
    }
    if (n_args != 2 || strncmp(args[0], "ws://", 5) != 0) {
        fprintf(stderr, "usage: %s [OPTIONS] ws://HOST:PORT AGENT\n" DEFLATE_USAGE, argv[0]);
        return 2;
    }
    hostport = args[0] + 5;
    if (strchr(hostport, '/'))
        *strchr(hostport, '/') = '\0'; /* ws://HOST:PORT/ */
    conn_storage = aligned_block(wsf_conn_size(), align);
    if (net_init() < 0 || !conn_storage)
        return 1;

    if (session(hostport, "/getCaseCount", 0, &p) < 0)
        return 1;
    p.got[p.got_len < sizeof p.got ? p.got_len : sizeof p.got - 1] = '\0';
    count = strtoul(p.got, NULL, 10);
    if (count == 0) {
        fprintf(stderr, "echo_client: no case count in \"%s\"\n", p.got);
        return 1;
    }
    fprintf(stderr, "echo_client: %lu cases\n", count);
    for (i = 1; i <= count; i++) {
        /* A case that ends badly is recorded by the server; go on. */
        snprintf(path, sizeof path, "/runCase?case=%lu&agent=%s", i, args[1]);
        session(hostport, path, 1, &p);
    }
    snprintf(path, sizeof path, "/updateReports?agent=%s", args[1]);
    if (session(hostport, path, 0, &p) < 0)
        return 1;
    fprintf(stderr, "echo_client: done\n");
    aligned_block_free(conn_storage);
    return 0;
}
