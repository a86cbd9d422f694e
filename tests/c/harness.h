/*
 * Test harness for the C ABI: checks, and an in-memory client <-> server
 * loopback (two wires of bytes and two peers that pump them).
 *
 * Every test source is written in the common subset of C99 and C++17 and
 * compiled both ways (run.sh): as C by main_c99.c's program and as C++ by
 * main_cpp17.cpp's.
 */
#ifndef WSF_TEST_HARNESS_H
#define WSF_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsframe.h"

/* ---- checks ------------------------------------------------------------ */

extern int test_passed;
extern int test_failed;

void check_(int ok, const char *expr, const char *file, int line);
void check_status_(uint32_t got, uint32_t want, const char *expr, const char *file, int line);

/** A condition that must hold. */
#define CHECK(e) check_((e) ? 1 : 0, #e, __FILE__, __LINE__)
/** A call that must return `want`. */
#define CHECK_ST(call, want) check_status_((uint32_t)(call), (uint32_t)(want), #call, __FILE__, __LINE__)

/** Whether a counted string equals a C string literal. */
int str_is(wsf_str s, const char *text);
/** Whether a counted string is absent ({NULL, 0}). */
int str_absent(wsf_str s);
/** Whether `text` occurs in the first `len` bytes of `buf`. */
int contains(const uint8_t *buf, size_t len, const char *text);
/** A counted string from a C string (for inputs). */
wsf_str str_of(const char *text);
/** Zero-filled heap memory that the test must free. */
uint8_t *zalloc(size_t len);
/** `ptr` rounded up to a multiple of `align` (a power of two). */
void *align_up(void *ptr, size_t align);
/** Deterministic pseudo-random bytes / masking keys. */
uint32_t next_random(void);
void fill_pattern(uint8_t *buf, size_t len, uint32_t seed);

/* ---- loopback ---------------------------------------------------------- */

/** Bytes in flight in one direction. */
typedef struct wire {
    uint8_t *buf;
    size_t len;
    size_t cap;
} wire;

void wire_push(wire *w, const uint8_t *data, size_t len);
void wire_free(wire *w);

/** What a peer received, accumulated over events. */
typedef struct inbox {
    uint8_t *msg;          /* message being assembled */
    size_t msg_len;
    size_t msg_cap;
    uint8_t *last;         /* last complete message */
    size_t last_len;
    uint32_t last_kind;
    int messages;
    int pieces;            /* data events */
    int frames;            /* data events with frame_end */
    int pings;
    int pongs;
    int closes;
    uint8_t ctrl[125];     /* last ping/pong payload */
    size_t ctrl_len;
    uint16_t close_code;
    char reason[124];
    size_t reason_len;
} inbox;

/** Receive window of every peer: small, so large messages stream. */
#define PEER_RX_CAP 4096

/** One end of the loopback, with its connection in caller storage. */
typedef struct peer {
    wsf_conn *conn;
    void *storage;            /* aligned, inside storage_raw */
    uint8_t *storage_raw;
    uint32_t role;
    uint8_t rx[PEER_RX_CAP];
    size_t rx_len;
    inbox in;
    wsf_reassembler *reasm;   /* optional */
    uint8_t *reasm_buf;
    uint8_t *reasm_storage_raw;
    int whole_messages;       /* completed by the reassembler */
    size_t whole_len;
    uint8_t *z_rx_raw;        /* permessage-deflate blocks (peer_deflate) */
    uint8_t *z_tx_raw;
    const uint8_t *z_rx;      /* the aligned rx block: payloads may point here */
    size_t z_rx_len;
} peer;

/** Creates a peer for `role` with `config` (NULL: defaults). */
void peer_init(peer *p, uint32_t role, const wsf_config *config);
void peer_free(peer *p);
/** Adds a reassembler with a buffer of `cap` bytes. */
void peer_add_reassembler(peer *p, size_t cap, uint32_t max_fragments);
/**
 * Moves bytes from `in` into the peer's receive window and processes them
 * until no progress; drains pending control frames into `out`. Returns
 * the first status other than WSF_OK (or WSF_OK).
 */
wsf_status peer_pump(peer *p, wire *in, wire *out);
/**
 * Sends a message of `len` bytes as `fragments` frames (>= 1), each whole
 * (`two_buffer` 0) or as header + payload masked in place (1).
 */
void peer_send(peer *p, wire *out, uint32_t kind, const uint8_t *data, size_t len,
               size_t fragments, int two_buffer);

/**
 * Turns permessage-deflate on for the peer with blocks of exactly the sizes
 * asked for (tx only if `with_tx`).
 */
void peer_deflate(peer *p, const wsf_deflate_params *params, uint32_t level, int with_tx);
/**
 * Sends a message with wsf_conn_send_deflate, offering the payload in
 * pieces of `piece` bytes (0: all at once) into frames of at most `out_cap`
 * bytes; returns the number of frames written.
 */
size_t peer_send_deflate(peer *p, wire *out, uint32_t kind, const uint8_t *data, size_t len,
                         size_t piece, size_t out_cap);

/* ---- test data ---------------------------------------------------------- */

/** Compressible text: words from a small vocabulary, chosen by `seed`. */
void fill_words(uint8_t *buf, size_t len, uint32_t seed);
/** Incompressible bytes (xorshift32 from `seed`). */
void fill_noise(uint8_t *buf, size_t len, uint32_t seed);

/* ---- test groups (one per source file) ---------------------------------- */

void test_status(void);
void test_handshake(void);
void test_handshake_errors(void);
void test_conn(void);
void test_loopback(void);
void test_protocol_errors(void);
void test_interop(void);
void test_null_pointers(void);
void test_deflate(void);
#ifdef WSF_TEST_ZLIB
/* Cross-checks against the system zlib (zlib_peer.c; Linux builds only). */
void test_deflate_zlib(void);
#endif

/** Runs every group; returns the number of failed checks. */
int run_all(const char *name);

#endif
