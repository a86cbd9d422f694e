/* A C user's first program against an installed libwsframe: the accept key
 * of RFC 6455 §1.3, and a header/library version check. */
#include <stdio.h>
#include <string.h>

#include <wsframe.h>

int main(void)
{
    static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";
    static const char expected[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    char accept[WSF_ACCEPT_LEN];
    size_t written = 0;
    struct wsf_str version = wsf_version();
    wsf_status st = wsf_handshake_accept_key(key, strlen(key), accept, sizeof accept, &written);

    if (st != WSF_OK || written != strlen(expected) || memcmp(accept, expected, written) != 0) {
        fprintf(stderr, "accept key: status %u, got \"%.*s\", want \"%s\"\n", (unsigned)st,
                (int)written, accept, expected);
        return 1;
    }
    if (version.len != strlen(WSF_VERSION_STRING) ||
        memcmp(version.ptr, WSF_VERSION_STRING, version.len) != 0) {
        fprintf(stderr, "header %s, library %.*s\n", WSF_VERSION_STRING, (int)version.len,
                version.ptr);
        return 1;
    }
    printf("accept key %.*s ok (libwsframe %.*s)\n", (int)written, accept, (int)version.len,
           version.ptr);
    return 0;
}
