/*
 * platform.h: the little the examples need from the operating system, on
 * POSIX and on Windows (Winsock 2, Windows 7 or later): sockets, poll,
 * randomness, a monotonic clock, aligned memory. Everything else in the
 * examples is the same source on both.
 *
 * Windows: WSAPoll (Vista+) stands in for poll(), BCryptGenRandom for
 * /dev/urandom, GetTickCount64 for CLOCK_MONOTONIC; every function used
 * exists on Windows 7 SP1 (tests/windows/win7-imports.txt lists them).
 */
#ifndef WSF_EXAMPLES_PLATFORM_H
#define WSF_EXAMPLES_PLATFORM_H

/* Included before any system header (common.h includes it first). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: declares nothing newer */
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

typedef SOCKET sock_t;
#define SOCK_INVALID INVALID_SOCKET
#define SHUT_WR SD_SEND
#else
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

typedef int sock_t;
#define SOCK_INVALID (-1)
#endif

/* Starts the socket layer (WSAStartup; on POSIX: SIGPIPE ignored, so a
 * write to a closed socket is an error, not the end). 0 on success. */
int net_init(void);

/* The last socket error as text ("connection reset (10054)"). */
const char *net_error(char *out, size_t out_len);

/* poll() / WSAPoll() over fds[0..n): 0 (entries' revents set, or none on a
 * timeout or an interrupted wait), -1 on an error. */
int net_poll(struct pollfd *fds, size_t n, int timeout_ms);

/* Listens on HOST:PORT (PORT 0 picks a free one), non-blocking; the address
 * actually bound goes to `shown` ("127.0.0.1:9001", "[::1]:9001").
 * SOCK_INVALID on failure. */
sock_t net_listen(const char *hostport, char *shown, size_t shown_len);
/* Connects to HOST:PORT (blocking); SOCK_INVALID on failure. */
sock_t net_dial(const char *hostport);

void sock_close(sock_t s);
int sock_set_nonblocking(sock_t s);
/* TCP_NODELAY: frames go out as they are written. */
void sock_set_nodelay(sock_t s);
/* Send and receive timeouts of a blocking socket. */
int sock_set_timeout(sock_t s, int seconds);
/* recv / send, retried when interrupted: >= 0 bytes (0 from recv: EOF),
 * -1 on an error, -2 when a non-blocking socket would block or a blocking
 * one timed out. */
long sock_recv(sock_t s, void *data, size_t n);
long sock_send(sock_t s, const void *data, size_t n);

/* Fills `out` from the OS's random generator; exits on failure. */
void random_bytes(void *out, size_t n);
/* Milliseconds of a monotonic clock. */
uint64_t now_ms(void);

/* A block of `size` bytes aligned to `align` (a power of two), or NULL;
 * freed with aligned_block_free. */
void *aligned_block(size_t size, size_t align);
void aligned_block_free(void *block);

#endif
