/* Status codes, version, defaults, close codes, keys and masking. */
#include "harness.h"

static const uint32_t ALL_STATUSES[] = {
    WSF_OK, WSF_INCOMPLETE, WSF_NOT_FOUND, WSF_NULL_POINTER, WSF_INVALID_ARGUMENT,
    WSF_NOT_UTF8, WSF_BUFFER_TOO_SMALL, WSF_STORAGE_TOO_SMALL, WSF_STORAGE_MISALIGNED,
    WSF_ALLOC_FAILED, WSF_CLOSED, WSF_MESSAGE_IN_PROGRESS, WSF_CONTROL_TOO_LONG,
    WSF_PAYLOAD_TOO_LARGE, WSF_INVALID_CLOSE_CODE, WSF_REASON_TOO_LONG, WSF_INVALID_HEADER,
    WSF_INVALID_TOKEN, WSF_REASSEMBLY, WSF_INVALID_STATUS, WSF_NEEDS_DECOMPRESSION,
    WSF_DEFLATE_MEMORY, WSF_USAGE_ERROR, WSF_PROTOCOL_ERROR,
    WSF_PROTOCOL_RESERVED_BITS, WSF_PROTOCOL_RESERVED_OPCODE,
    WSF_PROTOCOL_CONTROL_FRAME_TOO_LONG, WSF_PROTOCOL_FRAGMENTED_CONTROL_FRAME,
    WSF_PROTOCOL_LENGTH_TOP_BIT_SET, WSF_PROTOCOL_NON_MINIMAL_LENGTH,
    WSF_PROTOCOL_UNMASKED_CLIENT_FRAME, WSF_PROTOCOL_MASKED_SERVER_FRAME,
    WSF_PROTOCOL_UNEXPECTED_CONTINUATION, WSF_PROTOCOL_EXPECTED_CONTINUATION,
    WSF_PROTOCOL_CLOSE_FRAME_TOO_SHORT, WSF_PROTOCOL_INVALID_CLOSE_CODE,
    WSF_PROTOCOL_INVALID_UTF8, WSF_PROTOCOL_FRAME_TOO_BIG,
    WSF_PROTOCOL_MESSAGE_TOO_BIG, WSF_PROTOCOL_TOO_MANY_FRAGMENTS,
    WSF_PROTOCOL_COMPRESSED_CONTINUATION, WSF_PROTOCOL_COMPRESSED_CONTROL,
    WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA, WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE,
    WSF_HANDSHAKE_ERROR,
    WSF_HANDSHAKE_MALFORMED_HEAD, WSF_HANDSHAKE_HEAD_TOO_LARGE, WSF_HANDSHAKE_METHOD_NOT_GET,
    WSF_HANDSHAKE_HTTP_VERSION, WSF_HANDSHAKE_MISSING_HOST, WSF_HANDSHAKE_MISSING_UPGRADE,
    WSF_HANDSHAKE_MISSING_CONNECTION_UPGRADE, WSF_HANDSHAKE_BAD_KEY,
    WSF_HANDSHAKE_MISSING_VERSION, WSF_HANDSHAKE_UNSUPPORTED_VERSION,
    WSF_HANDSHAKE_BAD_HEADER_VALUE, WSF_HANDSHAKE_RESPONSE_STATUS,
    WSF_HANDSHAKE_RESPONSE_UPGRADE, WSF_HANDSHAKE_RESPONSE_CONNECTION,
    WSF_HANDSHAKE_RESPONSE_ACCEPT, WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL,
    WSF_HANDSHAKE_RESPONSE_EXTENSION, WSF_HANDSHAKE_DEFLATE_ANSWER,
    WSF_HANDSHAKE_DEFLATE_REPEATED, WSF_HANDSHAKE_DEFLATE_UNKNOWN_PARAMETER,
    WSF_HANDSHAKE_DEFLATE_DUPLICATE_PARAMETER, WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS,
    WSF_HANDSHAKE_DEFLATE_UNEXPECTED_VALUE, WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE, WSF_PANIC,
};

static void statuses(void) {
    size_t i;
    for (i = 0; i < sizeof ALL_STATUSES / sizeof ALL_STATUSES[0]; i++) {
        uint32_t s = ALL_STATUSES[i];
        wsf_str d = wsf_status_str(s);
        uint16_t close = wsf_status_close_code(s);
        uint16_t http = wsf_status_http_status(s);
        CHECK(d.ptr != NULL && d.len > 0 && !str_is(d, "unknown status"));
        /* Ranges: protocol errors carry a close code, handshake errors (server
         * side) an HTTP status, nothing else either. */
        if (s >= 1000 && s < 2000) {
            CHECK(close == 1002 || close == 1007 || close == 1009);
        } else {
            CHECK(close == 0);
        }
        if (s >= 2000 && s < 2100) {
            CHECK(http == 400 || http == 405 || http == 426 || http == 431);
        } else {
            CHECK(http == 0);
        }
        CHECK(wsf_status_hresult(s) != WSF_E_UNEXPECTED || s == WSF_PANIC);
    }
    CHECK(str_is(wsf_status_str(WSF_OK), "ok"));
    CHECK(str_is(wsf_status_str(4), "unknown status"));
    CHECK(str_is(wsf_status_str(0xFFFFFFFFu), "unknown status"));
    CHECK(wsf_status_close_code(WSF_PROTOCOL_INVALID_UTF8) == WSF_CLOSE_INVALID_PAYLOAD);
    CHECK(wsf_status_close_code(WSF_PROTOCOL_FRAME_TOO_BIG) == WSF_CLOSE_MESSAGE_TOO_BIG);
    CHECK(wsf_status_close_code(WSF_PROTOCOL_RESERVED_OPCODE) == WSF_CLOSE_PROTOCOL_ERROR);
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_METHOD_NOT_GET) == 405);
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_UNSUPPORTED_VERSION) == 426);
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_HEAD_TOO_LARGE) == 431);
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_BAD_KEY) == 400);
    CHECK(wsf_status_http_status(WSF_HANDSHAKE_RESPONSE_ACCEPT) == 0);
}

static void version_and_defaults(void) {
    wsf_str v = wsf_version();
    wsf_config c = wsf_config_default();
    wsf_handshake_limits l = wsf_handshake_limits_default();
    char expected[32];
    sprintf(expected, "%d.%d.%d", WSF_VERSION_MAJOR, WSF_VERSION_MINOR, WSF_VERSION_PATCH);
    CHECK(str_is(v, WSF_VERSION_STRING));
    CHECK(str_is(v, expected));
    CHECK(c.max_frame_size == 16u * 1024 * 1024);
    CHECK(c.max_message_size == 64u * 1024 * 1024);
    CHECK(c.max_fragments >= 4096); /* the core's default */
    CHECK(c.validate_utf8 == 1 && c.auto_pong == 1);
    CHECK(c.keepalive_interval_ms == 0 && c.keepalive_timeout_ms == 0);
    CHECK(l.max_head_size == 8192);
    CHECK(WSF_MIN_RECV_BUFFER == 131 && WSF_MAX_PENDING_FRAME == 131);
    CHECK(WSF_MAX_FRAME_HEADER == 14 && WSF_MAX_CONTROL_PAYLOAD == 125);
}

static void layout(void) {
    /* WEB_SOCKET_HTTP_HEADER: PCHAR, ULONG, PCHAR, ULONG. */
    CHECK(sizeof(wsf_http_header) == 4 * sizeof(void *));
    CHECK(offsetof(wsf_http_header, name) == 0);
    CHECK(offsetof(wsf_http_header, name_len) == sizeof(void *));
    CHECK(offsetof(wsf_http_header, value) == 2 * sizeof(void *));
    CHECK(offsetof(wsf_http_header, value_len) == 3 * sizeof(void *));
    CHECK(sizeof(((wsf_http_header *)0)->name_len) == 4);
    if (sizeof(void *) == 8) {
        CHECK(sizeof(wsf_http_header) == 32);
    }
}

static void close_codes(void) {
    static const uint16_t sendable[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010,
                                        1011, 1012, 1013, 1014, 3000, 4999};
    static const uint16_t reserved[] = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000};
    size_t i;
    for (i = 0; i < sizeof sendable / sizeof sendable[0]; i++) {
        CHECK(wsf_close_code_is_sendable(sendable[i]) == 1);
    }
    for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        CHECK(wsf_close_code_is_sendable(reserved[i]) == 0);
    }
    CHECK(WSF_CLOSE_NORMAL == 1000 && WSF_CLOSE_GOING_AWAY == 1001);
    CHECK(WSF_CLOSE_UNSUPPORTED_DATA == 1003 && WSF_CLOSE_NO_STATUS == 1005);
    CHECK(WSF_CLOSE_ABNORMAL == 1006 && WSF_CLOSE_POLICY == 1008);
    CHECK(WSF_CLOSE_MANDATORY_EXTENSION == 1010 && WSF_CLOSE_INTERNAL_ERROR == 1011);
    CHECK(WSF_CLOSE_TLS_HANDSHAKE == 1015 && WSF_MAX_CLOSE_REASON == 123);
}

static void keys(void) {
    /* RFC 6455 §1.3 and §4.1. */
    const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
    const uint8_t *nonce = (const uint8_t *)"the sample nonce";
    char out[64];
    uint8_t decoded[16];
    size_t n = 0;
    CHECK_ST(wsf_handshake_accept_key(key, strlen(key), out, sizeof out, &n), WSF_OK);
    CHECK(n == WSF_ACCEPT_LEN && memcmp(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", n) == 0);
    CHECK_ST(wsf_handshake_accept_key(key, strlen(key), out, 27, &n), WSF_BUFFER_TOO_SMALL);
    CHECK(n == WSF_ACCEPT_LEN);
    CHECK_ST(wsf_handshake_nonce_key(nonce, 16, out, sizeof out, &n), WSF_OK);
    CHECK(n == WSF_KEY_LEN && memcmp(out, key, n) == 0);
    CHECK_ST(wsf_handshake_nonce_key(nonce, 15, out, sizeof out, &n), WSF_INVALID_ARGUMENT);
    CHECK_ST(wsf_handshake_nonce_key(nonce, 16, out, 23, &n), WSF_BUFFER_TOO_SMALL);
    CHECK(n == WSF_KEY_LEN);
    CHECK_ST(wsf_handshake_decode_key(key, strlen(key), decoded, sizeof decoded, &n), WSF_OK);
    CHECK(n == 16 && memcmp(decoded, nonce, 16) == 0);
    CHECK_ST(wsf_handshake_decode_key("AAAA", 4, decoded, sizeof decoded, &n),
             WSF_HANDSHAKE_BAD_KEY);
    CHECK_ST(wsf_handshake_decode_key(key, strlen(key), decoded, 8, &n), WSF_BUFFER_TOO_SMALL);
    CHECK(wsf_handshake_is_token("permessage-deflate", 18) == 1);
    CHECK(wsf_handshake_is_token("a b", 3) == 0);
    CHECK(wsf_handshake_is_token("", 0) == 0);
    CHECK(wsf_handshake_is_token(NULL, 3) == 0);
}

static void masking(void) {
    /* RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d. */
    uint8_t hello[5];
    const uint8_t masked[5] = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
    uint32_t phase = 0;
    memcpy(hello, "Hello", 5);
    CHECK_ST(wsf_mask(hello, 2, 0x37fa213du, 0, &phase), WSF_OK);
    CHECK(phase == 2);
    CHECK_ST(wsf_mask(hello + 2, 3, 0x37fa213du, phase, &phase), WSF_OK);
    CHECK(phase == 1);
    CHECK(memcmp(hello, masked, 5) == 0);
    CHECK_ST(wsf_mask(hello, 5, 0x37fa213du, 4, NULL), WSF_OK); /* phase 4 == 0 */
    CHECK(memcmp(hello, "Hello", 5) == 0);
    CHECK_ST(wsf_mask(NULL, 0, 1, 0, &phase), WSF_OK);
    CHECK_ST(wsf_mask(NULL, 1, 1, 0, &phase), WSF_NULL_POINTER);
}

void test_status(void) {
    statuses();
    version_and_defaults();
    layout();
    close_codes();
    keys();
    masking();
}
