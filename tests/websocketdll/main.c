/* websocket.dll conformance suite: every export, property, buffer type and
 * documented error, and client <-> server traffic through both handles. */
#include "harness.h"

int main(void)
{
    test_api();
    test_traffic();
    printf("websocketdll: %u passed, %u failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
