/* platform.c: see platform.h. The Windows half first, then POSIX; the address
 * handling (getaddrinfo / getnameinfo) is shared. */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <bcrypt.h>
#include <malloc.h>

int net_init(void)
{
    WSADATA wsa;
    return WSAStartup(MAKEWORD(2, 2), &wsa) == 0 ? 0 : -1;
}

const char *net_error(char *out, size_t out_len)
{
    int err = WSAGetLastError();
    char text[160];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             (DWORD)err, 0, text, sizeof text, NULL);
    while (n > 0 && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == '.'))
        n--;
    snprintf(out, out_len, "%.*s (%d)", (int)n, n ? text : "", err);
    return out;
}

int net_poll(struct pollfd *fds, size_t n, int timeout_ms)
{
    return WSAPoll(fds, (ULONG)n, timeout_ms) == SOCKET_ERROR ? -1 : 0;
}

void sock_close(sock_t s) { closesocket(s); }

int sock_set_nonblocking(sock_t s)
{
    u_long on = 1;
    return ioctlsocket(s, (long)FIONBIO, &on) == 0 ? 0 : -1;
}

/* Winsock takes the timeout as a DWORD of milliseconds. */
int sock_set_timeout(sock_t s, int seconds)
{
    DWORD ms = (DWORD)seconds * 1000u;
    return setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms) |
           setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms);
}

static long io_result(int n)
{
    int err;
    if (n != SOCKET_ERROR)
        return n;
    err = WSAGetLastError();
    return err == WSAEWOULDBLOCK || err == WSAETIMEDOUT ? -2 : -1;
}

long sock_recv(sock_t s, void *data, size_t n)
{
    return io_result(recv(s, (char *)data, n > INT32_MAX ? INT32_MAX : (int)n, 0));
}

long sock_send(sock_t s, const void *data, size_t n)
{
    return io_result(send(s, (const char *)data, n > INT32_MAX ? INT32_MAX : (int)n, 0));
}

/* Windows 7's system-preferred generator (the flag is Windows 7+). */
void random_bytes(void *out, size_t n)
{
    if (n > 0xffffffffu ||
        !BCRYPT_SUCCESS(BCryptGenRandom(NULL, out, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
        fprintf(stderr, "BCryptGenRandom failed\n");
        exit(1);
    }
}

uint64_t now_ms(void) { return GetTickCount64(); }

void *aligned_block(size_t size, size_t align) { return _aligned_malloc(size, align); }
void aligned_block_free(void *block) { _aligned_free(block); }

/* SO_REUSEADDR on Windows lets another socket steal the port; exclusive
 * use is the safe choice for a server (and TIME_WAIT does not block it). */
static int set_listen_options(sock_t s)
{
    int one = 1;
    return setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
}

static int set_nodelay(sock_t s)
{
    int one = 1;
    return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
}

#else /* POSIX */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int net_init(void)
{
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

const char *net_error(char *out, size_t out_len)
{
    snprintf(out, out_len, "%s (%d)", strerror(errno), errno);
    return out;
}

int net_poll(struct pollfd *fds, size_t n, int timeout_ms)
{
    if (poll(fds, (nfds_t)n, timeout_ms) >= 0)
        return 0;
    return errno == EINTR ? 0 : -1;
}

void sock_close(sock_t s) { close(s); }

int sock_set_nonblocking(sock_t s)
{
    int flags = fcntl(s, F_GETFL);
    return flags < 0 || fcntl(s, F_SETFL, flags | O_NONBLOCK) < 0 ? -1 : 0;
}

int sock_set_timeout(sock_t s, int seconds)
{
    struct timeval tv;
    tv.tv_sec = seconds;
    tv.tv_usec = 0;
    return setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) |
           setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static long io_result(ssize_t n)
{
    if (n >= 0)
        return (long)n;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
}

long sock_recv(sock_t s, void *data, size_t n)
{
    ssize_t r;
    do
        r = recv(s, data, n, 0);
    while (r < 0 && errno == EINTR);
    return io_result(r);
}

long sock_send(sock_t s, const void *data, size_t n)
{
    ssize_t r;
    do
        r = send(s, data, n, 0);
    while (r < 0 && errno == EINTR);
    return io_result(r);
}

/* /dev/urandom, read in blocks of 256 bytes. */
void random_bytes(void *out, size_t n)
{
    static uint8_t pool[256];
    static size_t avail;
    uint8_t *dst = out;

    while (n > 0) {
        size_t take;
        if (avail == 0) {
            size_t got = 0;
            int fd = open("/dev/urandom", O_RDONLY);
            while (fd >= 0 && got < sizeof pool) {
                ssize_t r = read(fd, pool + got, sizeof pool - got);
                if (r <= 0 && !(r < 0 && errno == EINTR))
                    break;
                if (r > 0)
                    got += (size_t)r;
            }
            if (fd >= 0)
                close(fd);
            if (got < sizeof pool) {
                fprintf(stderr, "cannot read /dev/urandom\n");
                exit(1);
            }
            avail = sizeof pool;
        }
        take = n < avail ? n : avail;
        memcpy(dst, pool + sizeof pool - avail, take);
        avail -= take;
        dst += take;
        n -= take;
    }
}

uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void *aligned_block(size_t size, size_t align)
{
    void *block;
    if (align < sizeof(void *))
        align = sizeof(void *);
    return posix_memalign(&block, align, size) == 0 ? block : NULL;
}

void aligned_block_free(void *block) { free(block); }

/* A restarted server can bind while old connections sit in TIME_WAIT. */
static int set_listen_options(sock_t s)
{
    int one = 1;
    return setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

static int set_nodelay(sock_t s)
{
    int one = 1;
    return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}
#endif

void sock_set_nodelay(sock_t s) { (void)set_nodelay(s); }

/* Splits "HOST:PORT" (the last colon; "[::1]:80" keeps its brackets off). */
static int split_hostport(const char *hostport, char *host, size_t host_len, const char **port)
{
    const char *colon = strrchr(hostport, ':');
    size_t len;

    if (!colon)
        return -1;
    len = (size_t)(colon - hostport);
    if (len >= 2 && hostport[0] == '[' && hostport[len - 1] == ']') {
        hostport++;
        len -= 2;
    }
    if (len >= host_len)
        return -1;
    memcpy(host, hostport, len);
    host[len] = '\0';
    *port = colon + 1;
    return 0;
}

sock_t net_listen(const char *hostport, char *shown, size_t shown_len)
{
    char host[256], port[16];
    const char *port_arg;
    struct addrinfo hints, *ai;
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    sock_t s;

    if (split_hostport(hostport, host, sizeof host, &port_arg) < 0)
        return SOCK_INVALID;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (getaddrinfo(host, port_arg, &hints, &ai) != 0)
        return SOCK_INVALID;
    s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s == SOCK_INVALID || set_listen_options(s) != 0 ||
        bind(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0 || listen(s, 128) != 0 ||
        sock_set_nonblocking(s) != 0 || getsockname(s, (struct sockaddr *)&ss, &ss_len) != 0 ||
        getnameinfo((struct sockaddr *)&ss, ss_len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        freeaddrinfo(ai);
        if (s != SOCK_INVALID)
            sock_close(s);
        return SOCK_INVALID;
    }
    freeaddrinfo(ai);
    snprintf(shown, shown_len, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
    return s;
}

sock_t net_dial(const char *hostport)
{
    char host[256];
    const char *port;
    struct addrinfo hints, *ai, *a;
    sock_t s = SOCK_INVALID;

    if (split_hostport(hostport, host, sizeof host, &port) < 0)
        return SOCK_INVALID;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0)
        return SOCK_INVALID;
    for (a = ai; a && s == SOCK_INVALID; a = a->ai_next) {
        s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (s != SOCK_INVALID && connect(s, a->ai_addr, (socklen_t)a->ai_addrlen) != 0) {
            sock_close(s);
            s = SOCK_INVALID;
        }
    }
    freeaddrinfo(ai);
    return s;
}
