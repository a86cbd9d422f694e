/*
 * httpserv.h STAND-IN: NOT the IIS SDK header, and NOT usable to build an
 * IIS module.
 *
 * mingw-w64 ships no httpserv.h (the IIS native-module API is only in the
 * Windows SDK), so tests/winhttp/run.sh compiles the IIS snippet of
 * docs/WINDOWS.md against this file: the few classes and methods the
 * snippet calls, with the signatures Microsoft documents for them ("IIS
 * Native-Code API Reference": CHttpModule, IHttpContext, IHttpContext3,
 * IHttpRequest::ReadEntityBody, IHttpResponse::WriteEntityChunks, Flush,
 * SetStatus, SetHeader, GetHeader, DisableBuffering, IHttpCompletionInfo,
 * HttpGetExtendedInterface). It proves that the snippet's own code is
 * well-formed C++ against those documented signatures, nothing more: the
 * virtual-method order here is not IIS's, so an object file built with it
 * would call the wrong methods. Build real modules with the Windows SDK's
 * httpserv.h.
 */
#ifndef WSF_IIS_STANDIN_HTTPSERV_H
#define WSF_IIS_STANDIN_HTTPSERV_H

#include <winsock2.h> /* before windows.h: http.h needs it */
#include <windows.h>
#include <http.h>

enum REQUEST_NOTIFICATION_STATUS {
    RQ_NOTIFICATION_CONTINUE,
    RQ_NOTIFICATION_PENDING,
    RQ_NOTIFICATION_FINISH_REQUEST
};

class IAppHostConfigException;
class IHttpEventProvider;
class IHttpServer;

class IHttpCompletionInfo {
public:
    virtual DWORD GetCompletionBytes() const = 0;
    virtual HRESULT GetCompletionStatus() const = 0;
};

class IHttpRequest {
public:
    virtual PCSTR GetHeader(PCSTR pszHeaderName, USHORT *pcchHeaderValue = NULL) const = 0;
    virtual HRESULT ReadEntityBody(VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                                   DWORD *pcbBytesReceived, BOOL *pfCompletionPending = NULL) = 0;
};

class IHttpResponse {
public:
    virtual VOID Clear() = 0;
    virtual HRESULT SetStatus(USHORT statusCode, PCSTR pszReason, USHORT uSubStatus = 0,
                              HRESULT hrErrorToReport = S_OK,
                              IAppHostConfigException *pException = NULL,
                              BOOL fTrySkipCustomErrors = FALSE) = 0;
    virtual HRESULT SetHeader(PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue,
                              BOOL fReplace) = 0;
    virtual VOID DisableBuffering() = 0;
    virtual HRESULT Flush(BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
                          BOOL *pfCompletionExpected = NULL) = 0;
    virtual HRESULT WriteEntityChunks(HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks, BOOL fAsync,
                                      BOOL fMoreData, DWORD *pcbSent,
                                      BOOL *pfCompletionExpected = NULL) = 0;
};

class IHttpContext {
public:
    virtual IHttpRequest *GetRequest() = 0;
    virtual IHttpResponse *GetResponse() = 0;
};

/* Documented as IHttpContext3 : IHttpContext2 : IHttpContext. */
class IHttpContext3 : public IHttpContext {
public:
    virtual VOID EnableFullDuplex() = 0;
};

template <class HttpType1, class HttpType2>
HRESULT HttpGetExtendedInterface(IHttpServer *pHttpServer, HttpType1 *pInput,
                                 HttpType2 **ppOutput);

class CHttpModule {
public:
    virtual REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IHttpContext *,
                                                                IHttpEventProvider *)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    virtual REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(IHttpContext *, DWORD, BOOL,
                                                          IHttpEventProvider *,
                                                          IHttpCompletionInfo *)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    virtual VOID Dispose() { delete this; }

protected:
    CHttpModule() {}
    virtual ~CHttpModule() {}
};

#endif
