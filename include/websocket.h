/*
 * websocket.h: the WebSocket Protocol Component API (websocket.dll,
 * Windows 8+), written from Microsoft's documentation (learn.microsoft.com,
 * "websocket.h header") for wsframe's drop-in websocket.dll. mingw-w64
 * ships the import library (libwebsocket.a) but no websocket.h: with this
 * header, code written against the Windows SDK compiles unchanged with
 * mingw, and natively on Linux against libwebsocket.so (there WINAPI is
 * empty and the few Windows types are typedef'd below).
 * SPDX-License-Identifier: MIT OR Apache-2.0
 *
 * Deviation from the SDK header, for ISO C: the buffer types
 * (0x80000000...) do not fit an int enumerator, so WEB_SOCKET_BUFFER_TYPE
 * is a 32-bit unsigned typedef with #define'd constants (same ABI: an enum
 * is 32 bits on every Windows ABI).
 */

#ifndef WSFRAME_WEBSOCKET_H
#define WSFRAME_WEBSOCKET_H

#ifdef _WIN32
#include <windows.h>
#else
#include <stdint.h>
#ifndef WINAPI
#define WINAPI
#endif
typedef int32_t HRESULT;
typedef uint32_t ULONG;
typedef uint16_t USHORT;
typedef int BOOL;
typedef void VOID;
typedef void *PVOID;
typedef char CHAR;
typedef char *PCHAR;
typedef const char *PCSTR;
typedef unsigned char BYTE;
typedef unsigned char *PBYTE;
#ifndef S_OK
#define S_OK ((HRESULT)0)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((HRESULT)0x80070057L)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif
#endif /* _WIN32 */

#ifdef __cplusplus
extern "C" {
#endif

/* Errors (facility 0x376), as the SDK's winerror.h defines them. */
#ifndef E_INVALID_PROTOCOL_OPERATION
#define E_INVALID_PROTOCOL_OPERATION ((HRESULT)0x83760001L)
#endif
#ifndef E_INVALID_PROTOCOL_FORMAT
#define E_INVALID_PROTOCOL_FORMAT ((HRESULT)0x83760002L)
#endif
#ifndef E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED
#define E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED ((HRESULT)0x83760003L)
#endif
#ifndef E_SUBPROTOCOL_NOT_SUPPORTED
#define E_SUBPROTOCOL_NOT_SUPPORTED ((HRESULT)0x83760004L)
#endif
#ifndef E_PROTOCOL_VERSION_NOT_SUPPORTED
#define E_PROTOCOL_VERSION_NOT_SUPPORTED ((HRESULT)0x83760005L)
#endif

#define WEB_SOCKET_MAX_CLOSE_REASON_LENGTH 123

/* An opaque session handle. */
typedef PVOID WEB_SOCKET_HANDLE;

typedef enum _WEB_SOCKET_CLOSE_STATUS {
    WEB_SOCKET_SUCCESS_CLOSE_STATUS = 1000,
    WEB_SOCKET_ENDPOINT_UNAVAILABLE_CLOSE_STATUS = 1001,
    WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS = 1002,
    WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS = 1003,
    WEB_SOCKET_EMPTY_CLOSE_STATUS = 1005,
    WEB_SOCKET_ABORTED_CLOSE_STATUS = 1006,
    WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS = 1007,
    WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS = 1008,
    WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS = 1009,
    WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS = 1010,
    WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS = 1011,
    WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS = 1015
} WEB_SOCKET_CLOSE_STATUS;

typedef enum _WEB_SOCKET_PROPERTY_TYPE {
    WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE = 0,
    WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE = 1,
    WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE = 2,
    WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE = 3,
    WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE = 4,
    WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE = 5,
    WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE = 6
} WEB_SOCKET_PROPERTY_TYPE;

typedef enum _WEB_SOCKET_ACTION_QUEUE {
    WEB_SOCKET_SEND_ACTION_QUEUE = 0x1,
    WEB_SOCKET_RECEIVE_ACTION_QUEUE = 0x2,
    WEB_SOCKET_ALL_ACTION_QUEUE = 0x3
} WEB_SOCKET_ACTION_QUEUE;

typedef enum _WEB_SOCKET_ACTION {
    WEB_SOCKET_NO_ACTION = 0,
    WEB_SOCKET_SEND_TO_NETWORK_ACTION = 1,
    WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION = 2,
    WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION = 3,
    WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION = 4
} WEB_SOCKET_ACTION;

/* See the note at the top: an unsigned 32-bit type, not an enum. */
typedef ULONG WEB_SOCKET_BUFFER_TYPE;
#define WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000000UL)
#define WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000001UL)
#define WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000002UL)
#define WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000003UL)
#define WEB_SOCKET_CLOSE_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000004UL)
#define WEB_SOCKET_PING_PONG_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000005UL)
#define WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE ((WEB_SOCKET_BUFFER_TYPE)0x80000006UL)

/* One property for the create functions (pvValue points to the value;
 * for ALLOCATED_BUFFER, to the variable holding the block's address). */
typedef struct _WEB_SOCKET_PROPERTY {
    WEB_SOCKET_PROPERTY_TYPE Type;
    PVOID pvValue;
    ULONG ulValueSize;
} WEB_SOCKET_PROPERTY, *PWEB_SOCKET_PROPERTY;

/* A counted (not NUL-terminated) HTTP header. */
typedef struct _WEB_SOCKET_HTTP_HEADER {
    PCHAR pcName;
    ULONG ulNameLength;
    PCHAR pcValue;
    ULONG ulValueLength;
} WEB_SOCKET_HTTP_HEADER, *PWEB_SOCKET_HTTP_HEADER;

/* Data, or the close-status view for WEB_SOCKET_CLOSE_BUFFER_TYPE. */
typedef union _WEB_SOCKET_BUFFER {
    struct {
        PBYTE pbBuffer;
        ULONG ulBufferLength;
    } Data;
    struct {
        PBYTE pbReason;
        ULONG ulReasonLength;
        USHORT usStatus;
    } CloseStatus;
} WEB_SOCKET_BUFFER, *PWEB_SOCKET_BUFFER;

HRESULT WINAPI WebSocketCreateClientHandle(
    const PWEB_SOCKET_PROPERTY pProperties,
    ULONG ulPropertyCount,
    WEB_SOCKET_HANDLE *phWebSocket);

HRESULT WINAPI WebSocketBeginClientHandshake(
    WEB_SOCKET_HANDLE hWebSocket,
    PCSTR *pszSubprotocols,
    ULONG ulSubprotocolCount,
    PCSTR *pszExtensions,
    ULONG ulExtensionCount,
    const PWEB_SOCKET_HTTP_HEADER pInitialHeaders,
    ULONG ulInitialHeaderCount,
    PWEB_SOCKET_HTTP_HEADER *pAdditionalHeaders,
    ULONG *pulAdditionalHeaderCount);

HRESULT WINAPI WebSocketEndClientHandshake(
    WEB_SOCKET_HANDLE hWebSocket,
    const PWEB_SOCKET_HTTP_HEADER pResponseHeaders,
    ULONG ulReponseHeaderCount,
    ULONG *pulSelectedExtensions,
    ULONG *pulSelectedExtensionCount,
    ULONG *pulSelectedSubprotocol);

HRESULT WINAPI WebSocketCreateServerHandle(
    const PWEB_SOCKET_PROPERTY pProperties,
    ULONG ulPropertyCount,
    WEB_SOCKET_HANDLE *phWebSocket);

HRESULT WINAPI WebSocketBeginServerHandshake(
    WEB_SOCKET_HANDLE hWebSocket,
    PCSTR pszSubprotocolSelected,
    PCSTR *pszExtensionSelected,
    ULONG ulExtensionSelectedCount,
    const PWEB_SOCKET_HTTP_HEADER pRequestHeaders,
    ULONG ulRequestHeaderCount,
    PWEB_SOCKET_HTTP_HEADER *pResponseHeaders,
    ULONG *pulResponseHeaderCount);

HRESULT WINAPI WebSocketEndServerHandshake(WEB_SOCKET_HANDLE hWebSocket);

HRESULT WINAPI WebSocketSend(
    WEB_SOCKET_HANDLE hWebSocket,
    WEB_SOCKET_BUFFER_TYPE BufferType,
    WEB_SOCKET_BUFFER *pBuffer,
    PVOID Context);

HRESULT WINAPI WebSocketReceive(
    WEB_SOCKET_HANDLE hWebSocket,
    WEB_SOCKET_BUFFER *pBuffer,
    PVOID pvContext);

HRESULT WINAPI WebSocketGetAction(
    WEB_SOCKET_HANDLE hWebSocket,
    WEB_SOCKET_ACTION_QUEUE eActionQueue,
    WEB_SOCKET_BUFFER *pDataBuffers,
    ULONG *pulDataBufferCount,
    WEB_SOCKET_ACTION *pAction,
    WEB_SOCKET_BUFFER_TYPE *pBufferType,
    PVOID *pvApplicationContext,
    PVOID *pvActionContext);

VOID WINAPI WebSocketCompleteAction(
    WEB_SOCKET_HANDLE hWebSocket,
    PVOID pvActionContext,
    ULONG ulBytesTransferred);

VOID WINAPI WebSocketAbortHandle(WEB_SOCKET_HANDLE hWebSocket);

VOID WINAPI WebSocketDeleteHandle(WEB_SOCKET_HANDLE hWebSocket);

HRESULT WINAPI WebSocketGetGlobalProperty(
    WEB_SOCKET_PROPERTY_TYPE eType,
    PVOID pvValue,
    ULONG *ulSize);

#ifdef __cplusplus
}
#endif

#endif /* WSFRAME_WEBSOCKET_H */
