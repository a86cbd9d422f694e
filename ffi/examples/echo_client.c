/*
 * echo_client.c: a WebSocket client on blocking POSIX sockets and
 * libwsframe that drives the Autobahn Testsuite's fuzzingserver
 * (tests/autobahn/run.sh client): it asks for the number of cases, runs
 * each one by echoing everything the server sends, then asks the server
 * to write its reports.
 *
 *     echo_client ws://HOST:PORT AGENT     e.g. echo_client ws://127.0.0.1:9001 wsframe-c
 *
 * Handshake nonces and masking keys come from /dev/urandom: the library
 * takes randomness as an input.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

#define RX_CAP (64 * 1024)
#define TX_CAP (2 * RX_CAP)
#define IO_TIMEOUT_S 60 /* a peer silent for this long is given up on */
#define LINGER_S 2      /* after our last frame, how long to wait for the server's FIN */

static uint8_t rx_buf[RX_CAP], tx_buf[TX_CAP];
static void *conn_storage;

static int set_timeout(int fd, int seconds)
{
    struct timeval tv;
    tv.tv_sec = seconds;
    tv.tv_usec = 0;
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) |
           setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Connects to HOST:PORT; -1 on failure. */
static int dial(const char *hostport)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    struct addrinfo hints, *ai, *a;
    int fd = -1, one = 1;

    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return -1;
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        return -1;
    for (a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd >= 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        set_timeout(fd, IO_TIMEOUT_S);
    }
    return fd;
}

/* Sends everything tx holds (blocking; a timeout is an error). */
static int flush_all(int fd, struct buf *tx)
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
    wsf_status st;
    enum pump_result r = PUMP_NEED_INPUT;
    size_t n;
    long got;
    char text[96];
    int fd = dial(hostport);

    if (fd < 0) {
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

    st = wsf_conn_init(WSF_ROLE_CLIENT, &config, conn_storage, wsf_conn_size(), &p->conn);
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
    set_timeout(fd, LINGER_S);
    p->rx.start = p->rx.end = 0;
    while (sock_fill(fd, &p->rx) > 0)
        p->rx.start = p->rx.end = 0;
    close(fd);
    return r == PUMP_ERROR ? -1 : 0;

fail:
    fprintf(stderr, "echo_client: %s: %s\n", path, status_text(st, text, sizeof text));
    close(fd);
    return -1;
io_fail:
    fprintf(stderr, "echo_client: %s: %s\n", path, errno ? strerror(errno) : "connection closed");
    close(fd);
    return -1;
}

int main(int argc, char **argv)
{
    static struct peer p;
    char path[512];
    const char *hostport;
    size_t align = wsf_conn_align();
    unsigned long count, i;

    if (argc != 3 || strncmp(argv[1], "ws://", 5) != 0) {
        fprintf(stderr, "usage: %s ws://HOST:PORT AGENT\n", argv[0]);
        return 2;
    }
    hostport = argv[1] + 5;
    if (strchr(hostport, '/'))
        *strchr(argv[1] + 5, '/') = '\0'; /* ws://HOST:PORT/ */
    signal(SIGPIPE, SIG_IGN);
    if (posix_memalign(&conn_storage, align < sizeof(void *) ? sizeof(void *) : align,
                       wsf_conn_size()) != 0)
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
        snprintf(path, sizeof path, "/runCase?case=%lu&agent=%s", i, argv[2]);
        session(hostport, path, 1, &p);
    }
    snprintf(path, sizeof path, "/updateReports?agent=%s", argv[2]);
    if (session(hostport, path, 0, &p) < 0)
        return 1;
    fprintf(stderr, "echo_client: done\n");
    free(conn_storage);
    return 0;
}
