/*
 * ASan canary (not part of the suite): a caller that lies about a buffer's
 * length, so that the overflowing read happens inside the Rust code
 * (wsf_handshake_is_token scans the bytes itself). Linked against the
 * ASan-instrumented library this must abort with heap-buffer-overflow in a
 * Rust frame; linked against the plain library it runs clean, which proves
 * the detection came from the instrumented Rust side (run.sh, asan-canary).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsframe.h"

int main(void) {
    char *token = (char *)malloc(4);
    uint8_t ok;
    if (token == NULL) {
        return 2;
    }
    memcpy(token, "abcd", 4);
    ok = wsf_handshake_is_token(token, 5); /* one byte past the block */
    printf("is_token returned %u\n", (unsigned)ok);
    free(token);
    return 0;
}
