/*
 * WebSocket benchmark client on the WinHTTP API: echo round trips of small
 * messages and one-way throughput of large ones, synchronous or asynchronous
 * (tools/bench-websocket).
 *
 * Copyright 2026 the winhttp project authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

/*
 * Usage: websocket.exe [--async] ws://HOST:PORT SECONDS CASE...
 *   echo64     64-byte binary messages to /echo, each waited for: round trips per second
 *   send64k    64 KiB binary messages to /sink for SECONDS, then "done": the server's
 *   send1m     count must match; MiB per second until its answer
 *   recv64k    64 KiB (1 MiB) binary messages from /source?size=N received for
 *   recv1m     SECONDS into a 1 MiB buffer: MiB per second
 * The server is tools/bench/ws_echo.c (or tests/websocket/echo_server.py, which
 * has the same paths). SECONDS may be a fraction; each case warms up first (a
 * connection and a few messages, not timed). --async opens a WINHTTP_FLAG_ASYNC
 * session and waits for each operation's completion callback. One line per case:
 *   bench echo64 mode=sync round_trips_per_sec=12345 round_trips=37035 seconds=3.000 peak_ws_kib=20480
 *   bench send64k mode=async mib_per_sec=812.5 bytes=... seconds=3.000 peak_ws_kib=...
 * or "bench error: CASE: ..." (the exit status is then 1; the other cases still run).
 */

#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>

#define OP_TIMEOUT_MS 30000
#define RECV_BUFFER   (1 << 20)

static BOOL async_mode;
static WCHAR host[256];
static INTERNET_PORT port;
static double seconds;

static double now( void )
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;

    if (!freq.QuadPart) QueryPerformanceFrequency( &freq );
    QueryPerformanceCounter( &t );
    return (double)t.QuadPart / (double)freq.QuadPart;
}

static unsigned long long peak_ws_kib( void )
{
    PROCESS_MEMORY_COUNTERS pmc;

    pmc.cb = sizeof(pmc);
    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), &pmc, sizeof(pmc) )) return 0;
    return (unsigned long long)pmc.PeakWorkingSetSize / 1024;
}

/* ---- a connection whose operations are waited for, in either mode ---- */

enum op_kind { OP_SEND, OP_RECEIVE, OP_CLOSE, OP_SHUTDOWN, OP_REQUEST, OP_COUNT };

struct conn
{
    HINTERNET session, connect, request, socket;
    volatile LONG upgraded;
    HANDLE done[OP_COUNT];
    DWORD error[OP_COUNT], bytes;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    HANDLE closing;      /* HANDLE_CLOSING of the WebSocket */
};

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    struct conn *c = (struct conn *)context;
    WINHTTP_WEB_SOCKET_STATUS *ws = info;
    enum op_kind kind;

    if (!c) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        c->error[OP_REQUEST] = 0;
        SetEvent( c->done[OP_REQUEST] );
        break;
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        c->error[OP_SEND] = 0;
        SetEvent( c->done[OP_SEND] );
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        c->bytes = ws->dwBytesTransferred;
        c->type = ws->eBufferType;
        c->error[OP_RECEIVE] = 0;
        SetEvent( c->done[OP_RECEIVE] );
        break;
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        c->error[OP_CLOSE] = 0;
        SetEvent( c->done[OP_CLOSE] );
        break;
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE:
        c->error[OP_SHUTDOWN] = 0;
        SetEvent( c->done[OP_SHUTDOWN] );
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (c->upgraded)
        {
            WINHTTP_WEB_SOCKET_ASYNC_RESULT *result = info;
            switch (result->Operation)
            {
            case WINHTTP_WEB_SOCKET_SEND_OPERATION: kind = OP_SEND; break;
            case WINHTTP_WEB_SOCKET_RECEIVE_OPERATION: kind = OP_RECEIVE; break;
            case WINHTTP_WEB_SOCKET_CLOSE_OPERATION: kind = OP_CLOSE; break;
            default: kind = OP_SHUTDOWN; break;
            }
            c->error[kind] = result->AsyncResult.dwError ? result->AsyncResult.dwError : ERROR_INVALID_DATA;
        }
        else
        {
            WINHTTP_ASYNC_RESULT *result = info;
            kind = OP_REQUEST;
            c->error[kind] = result->dwError ? result->dwError : ERROR_INVALID_DATA;
        }
        SetEvent( c->done[kind] );
        break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        if (handle == c->socket) SetEvent( c->closing );
        break;
    }
}

static DWORD wait_op( struct conn *c, enum op_kind kind, DWORD error )
{
    if (error || !async_mode) return error;
    if (WaitForSingleObject( c->done[kind], OP_TIMEOUT_MS )) return ERROR_TIMEOUT;
    return c->error[kind];
}

static DWORD ws_send( struct conn *c, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *buf, DWORD len )
{
    return wait_op( c, OP_SEND, WinHttpWebSocketSend( c->socket, type, (void *)buf, len ) );
}

static DWORD ws_receive( struct conn *c, void *buf, DWORD len, DWORD *bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    DWORD error = wait_op( c, OP_RECEIVE, WinHttpWebSocketReceive( c->socket, buf, len, bytes, type ) );

    if (!error && async_mode)
    {
        *bytes = c->bytes;
        *type = c->type;
    }
    return error;
}

static void ws_free( struct conn *c )
{
    HINTERNET socket = c->socket;
    int i;

    if (socket) WinHttpCloseHandle( socket );
    if (c->request) WinHttpCloseHandle( c->request );
    if (c->connect) WinHttpCloseHandle( c->connect );
    if (c->session) WinHttpCloseHandle( c->session );
    /* in asynchronous mode callbacks may name c until the socket's HANDLE_CLOSING */
    if (async_mode && socket && WaitForSingleObject( c->closing, 5000 )) return;
    for (i = 0; i < OP_COUNT; i++) CloseHandle( c->done[i] );
    CloseHandle( c->closing );
    free( c );
}

/* The upgrade; NULL with *what and the error set on failure. */
static struct conn *ws_open( const WCHAR *path, const char **what, DWORD *error )
{
    struct conn *c = calloc( 1, sizeof(*c) );
    DWORD status = 0, size = sizeof(status);
    int i;

    for (i = 0; i < OP_COUNT; i++) c->done[i] = CreateEventW( NULL, FALSE, FALSE, NULL );
    c->closing = CreateEventW( NULL, TRUE, FALSE, NULL );
    *what = "WinHttpOpen";
    if (!(c->session = WinHttpOpen( L"bench-websocket/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                    WINHTTP_NO_PROXY_BYPASS, async_mode ? WINHTTP_FLAG_ASYNC : 0 )))
        goto failed;
    if (async_mode && WinHttpSetStatusCallback( c->session, callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 )
                      == WINHTTP_INVALID_STATUS_CALLBACK)
        goto failed;
    *what = "WinHttpConnect";
    if (!(c->connect = WinHttpConnect( c->session, host, port, 0 ))) goto failed;
    *what = "WinHttpOpenRequest";
    if (!(c->request = WinHttpOpenRequest( c->connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                           WINHTTP_DEFAULT_ACCEPT_TYPES, 0 )))
        goto failed;
    *what = "WinHttpSetOption(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET)";
    if (!WinHttpSetOption( c->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 )) goto failed;
    *what = "WinHttpSendRequest";
    if (!WinHttpSendRequest( c->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                             (DWORD_PTR)c ))
        goto failed;
    if ((*error = wait_op( c, OP_REQUEST, 0 ))) goto failed_with;
    *what = "WinHttpReceiveResponse";
    if (!WinHttpReceiveResponse( c->request, NULL )) goto failed;
    if ((*error = wait_op( c, OP_REQUEST, 0 ))) goto failed_with;
    *what = "the upgrade (status 101 expected)";
    if (!WinHttpQueryHeaders( c->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX ) || status != 101)
    {
        *error = status;
        goto failed_with;
    }
    *what = "WinHttpWebSocketCompleteUpgrade";
    if (!(c->socket = WinHttpWebSocketCompleteUpgrade( c->request, (DWORD_PTR)c ))) goto failed;
    InterlockedExchange( &c->upgraded, 1 );
    WinHttpCloseHandle( c->request );
    c->request = NULL;
    return c;

failed:
    *error = GetLastError();
failed_with:
    ws_free( c );
    return NULL;
}

/* ---- the cases ---- */

struct result
{
    char line[512];
};

static BOOL case_failed( struct result *r, const char *name, const char *what, DWORD error )
{
    snprintf( r->line, sizeof(r->line), "bench error: %s: %s failed with error %lu", name, what, error );
    return FALSE;
}

/* one 64-byte message out and its echo back */
static DWORD round_trip( struct conn *c, const char *out, char *in, const char **what )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, bytes;

    *what = "WinHttpWebSocketSend";
    if ((error = ws_send( c, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, out, 64 ))) return error;
    *what = "WinHttpWebSocketReceive";
    if ((error = ws_receive( c, in, 128, &bytes, &type ))) return error;
    *what = "the echo (64 identical bytes, BINARY_MESSAGE)";
    if (bytes != 64 || type != WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE || memcmp( in, out, 64 ))
        return ERROR_INVALID_DATA;
    return 0;
}

static BOOL echo64( const char *name, struct result *r )
{
    char out[64], in[128];
    const char *what;
    DWORD error;
    struct conn *c;
    LONGLONG n;
    double t0, t1;

    memset( out, 'e', sizeof(out) );
    if (!(c = ws_open( L"/echo", &what, &error ))) return case_failed( r, name, what, error );
    for (n = 0; n < 100; n++) if ((error = round_trip( c, out, in, &what ))) goto failed;   /* warm-up */
    t0 = t1 = now();
    for (n = 0; t1 - t0 < seconds; n++)
    {
        if ((error = round_trip( c, out, in, &what ))) goto failed;
        if ((n & 15) == 15) t1 = now();
    }
    t1 = now();
    snprintf( r->line, sizeof(r->line), "bench %s mode=%s round_trips_per_sec=%.0f round_trips=%lld seconds=%.3f "
              "peak_ws_kib=%llu", name, async_mode ? "async" : "sync", n / (t1 - t0), n, t1 - t0, peak_ws_kib() );
    WinHttpWebSocketClose( c->socket, 1000, NULL, 0 );
    ws_free( c );
    return TRUE;

failed:
    ws_free( c );
    return case_failed( r, name, what, error );
}

static BOOL send_bulk( const char *name, DWORD size, struct result *r )
{
    char *data = malloc( size ), answer[128];
    const char *what;
    DWORD error, bytes, i;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct conn *c;
    unsigned long long sent = 0, counted = 0, messages = 0, warm_bytes;
    double t0, t1;

    for (i = 0; i < size; i++) data[i] = (char)(i * 7);
    if (!(c = ws_open( L"/sink", &what, &error ))) { free( data ); return case_failed( r, name, what, error ); }
    for (i = 0; i < 4; i++)   /* warm-up */
    {
        if ((error = ws_send( c, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, size )))
        { what = "WinHttpWebSocketSend"; goto failed; }
        sent += size;
        messages++;
    }
    warm_bytes = sent;
    t0 = now();
    do
    {
        if ((error = ws_send( c, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, size )))
        { what = "WinHttpWebSocketSend"; goto failed; }
        sent += size;
        messages++;
    } while (now() - t0 < seconds);
    /* the time ends when the server says it has everything */
    if ((error = ws_send( c, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, "done", 4 )))
    { what = "WinHttpWebSocketSend(\"done\")"; goto failed; }
    if ((error = ws_receive( c, answer, sizeof(answer) - 1, &bytes, &type )))
    { what = "WinHttpWebSocketReceive (the server's count)"; goto failed; }
    t1 = now();
    answer[bytes] = 0;
    if (sscanf( answer, "bytes=%llu", &counted ) != 1 || counted != sent)
    {
        snprintf( r->line, sizeof(r->line), "bench error: %s: %llu bytes sent, the server says \"%s\"", name, sent,
                  answer );
        ws_free( c );
        free( data );
        return FALSE;
    }
    sent -= warm_bytes;
    snprintf( r->line, sizeof(r->line), "bench %s mode=%s mib_per_sec=%.1f bytes=%llu messages=%llu seconds=%.3f "
              "peak_ws_kib=%llu", name, async_mode ? "async" : "sync", sent / 1048576.0 / (t1 - t0), sent,
              messages - 4, t1 - t0, peak_ws_kib() );
    WinHttpWebSocketClose( c->socket, 1000, NULL, 0 );
    ws_free( c );
    free( data );
    return TRUE;

failed:
    ws_free( c );
    free( data );
    return case_failed( r, name, what, error );
}

static BOOL recv_bulk( const char *name, DWORD size, struct result *r )
{
    char *buf = malloc( RECV_BUFFER );
    const char *what;
    WCHAR path[64];
    DWORD error, bytes, in_message = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct conn *c;
    unsigned long long total = 0, messages = 0, warm = 2;
    double t0 = 0, t1;

    swprintf( path, ARRAYSIZE(path), L"/source?size=%lu", size );
    if (!(c = ws_open( path, &what, &error ))) { free( buf ); return case_failed( r, name, what, error ); }
    for (;;)
    {
        if ((error = ws_receive( c, buf, RECV_BUFFER, &bytes, &type ))) { what = "WinHttpWebSocketReceive"; goto failed; }
        if (type != WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE && type != WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE)
        {
            snprintf( r->line, sizeof(r->line), "bench error: %s: buffer type %u", name, type );
            ws_free( c );
            free( buf );
            return FALSE;
        }
        /* the source's payload is its byte offsets, modulo 256: spot-check a byte of each piece */
        if (bytes && (unsigned char)buf[bytes - 1] != (unsigned char)(in_message + bytes - 1))
        {
            snprintf( r->line, sizeof(r->line), "bench error: %s: wrong data at offset %lu of message %llu", name,
                      in_message + bytes - 1, messages );
            ws_free( c );
            free( buf );
            return FALSE;
        }
        in_message += bytes;
        total += bytes;
        if (type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) continue;
        if (in_message != size)
        {
            snprintf( r->line, sizeof(r->line), "bench error: %s: a message of %lu bytes, %lu expected", name,
                      in_message, size );
            ws_free( c );
            free( buf );
            return FALSE;
        }
        in_message = 0;
        messages++;
        if (warm && messages == warm) { warm = 0; messages = 0; total = 0; t0 = now(); continue; }
        if (!warm && now() - t0 >= seconds) break;
    }
    t1 = now();
    snprintf( r->line, sizeof(r->line), "bench %s mode=%s mib_per_sec=%.1f bytes=%llu messages=%llu seconds=%.3f "
              "peak_ws_kib=%llu", name, async_mode ? "async" : "sync", total / 1048576.0 / (t1 - t0), total, messages,
              t1 - t0, peak_ws_kib() );
    /* no closing handshake: the server is still sending; the handle's close ends it */
    ws_free( c );
    free( buf );
    return TRUE;

failed:
    ws_free( c );
    free( buf );
    return case_failed( r, name, what, error );
}

static BOOL parse_base( const WCHAR *base )
{
    const WCHAR *p;
    size_t len;

    if (wcsncmp( base, L"ws://", 5 )) return FALSE;
    p = base + 5;
    len = wcscspn( p, L":/" );
    if (!len || len >= ARRAYSIZE(host) || p[len] != ':') return FALSE;
    memcpy( host, p, len * sizeof(WCHAR) );
    host[len] = 0;
    port = (INTERNET_PORT)_wtoi( p + len + 1 );
    return port != 0;
}

static void usage( void )
{
    printf( "usage: websocket.exe [--async] ws://HOST:PORT SECONDS echo64|send64k|send1m|recv64k|recv1m...\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    struct result r;
    int i = 1, ret = 0;
    BOOL ok;

    if (i < argc && !wcscmp( argv[i], L"--async" )) { async_mode = TRUE; i++; }
    if (argc - i < 3 || !parse_base( argv[i] ) || (seconds = _wtof( argv[i + 1] )) <= 0) usage();
    for (i += 2; i < argc; i++)
    {
        char name[32];

        WideCharToMultiByte( CP_UTF8, 0, argv[i], -1, name, sizeof(name), NULL, NULL );
        if (!strcmp( name, "echo64" )) ok = echo64( name, &r );
        else if (!strcmp( name, "send64k" )) ok = send_bulk( name, 64 << 10, &r );
        else if (!strcmp( name, "send1m" )) ok = send_bulk( name, 1 << 20, &r );
        else if (!strcmp( name, "recv64k" )) ok = recv_bulk( name, 64 << 10, &r );
        else if (!strcmp( name, "recv1m" )) ok = recv_bulk( name, 1 << 20, &r );
        else { snprintf( r.line, sizeof(r.line), "bench error: %s: no such case", name ); ok = FALSE; }
        printf( "%s\n", r.line );
        fflush( stdout );
        if (!ok) ret = 1;
    }
    return ret;
}
