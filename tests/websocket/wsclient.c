/*
 * WebSocket interoperability client on the WinHTTP API: named cases against
 * tests/websocket/echo_server.py (python3-websockets), synchronous or asynchronous.
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
 * Usage: wsclient.exe [--async] [--insecure] [--seconds S] [--case-timeout S] BASE [CASE...]
 *        wsclient.exe --list
 *   BASE            ws://127.0.0.1:PORT or wss://HOST:PORT (the server's paths are added)
 *   --async         a WINHTTP_FLAG_ASYNC session: every operation completes by callback
 *   --insecure      ignore certificate errors (wss:// with a CA the prefix does not trust)
 *   --seconds S     duration of the full-duplex case (default 2)
 *   --case-timeout S  a case still running after S seconds fails (default 20)
 * Without CASE names, every case runs except the 16 MiB ones (name them to run them).
 * One line per case: "ok   MODE/CASE detail" or "FAIL MODE/CASE: why", MODE being sync
 * or async (wss-sync, wss-async over TLS), then "wsclient: N passed, N failed"; exit
 * status 0 when all passed.
 *
 * Every expectation comes from Microsoft's documentation of the WinHttpWebSocket*
 * functions and WINHTTP_WEB_SOCKET_BUFFER_TYPE, or from Wine's tests recorded on
 * Windows (dlls/winhttp/tests/notification.c): noted "(Windows)" where so.
 */

#include <windows.h>
#include <winhttp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>

#define OP_TIMEOUT_MS   15000
#define MAX_CONNS       4
#define REPORT_SIZE     512

static BOOL async_mode, insecure, secure;
static double duplex_seconds = 2.0;
static DWORD case_timeout_ms = 20000;
static WCHAR host[256];
static INTERNET_PORT port;
static const char *mode_name = "sync";

/* ---- results ---- */

struct run
{
    const struct test_case *tc;
    char why[2048];
    char note[512];
    struct conn *conns[MAX_CONNS];
    volatile LONG nconns;
};

static void fail( struct run *t, const char *fmt, ... )
{
    size_t len = strlen( t->why );
    va_list args;

    if (len + 8 >= sizeof(t->why)) return;
    if (len) { strcpy( t->why + len, "; " ); len += 2; }
    va_start( args, fmt );
    vsnprintf( t->why + len, sizeof(t->why) - len, fmt, args );
    va_end( args );
}

static void note( struct run *t, const char *fmt, ... )
{
    size_t len = strlen( t->note );
    va_list args;

    if (len + 8 >= sizeof(t->note)) return;
    if (len) { strcpy( t->note + len, ", " ); len += 2; }
    va_start( args, fmt );
    vsnprintf( t->note + len, sizeof(t->note) - len, fmt, args );
    va_end( args );
}

static const char *error_name( DWORD error )
{
    static char buffer[4][32];
    static LONG next;
    char *ret;

    switch (error)
    {
    case ERROR_SUCCESS: return "NO_ERROR";
    case ERROR_INVALID_OPERATION: return "ERROR_INVALID_OPERATION";
    case ERROR_INVALID_PARAMETER: return "ERROR_INVALID_PARAMETER";
    case ERROR_INVALID_HANDLE: return "ERROR_INVALID_HANDLE";
    case ERROR_INSUFFICIENT_BUFFER: return "ERROR_INSUFFICIENT_BUFFER";
    case ERROR_CALL_NOT_IMPLEMENTED: return "ERROR_CALL_NOT_IMPLEMENTED";
    case ERROR_NOT_SUPPORTED: return "ERROR_NOT_SUPPORTED";
    case ERROR_TIMEOUT: return "no completion (timed out)";
    case ERROR_WINHTTP_TIMEOUT: return "ERROR_WINHTTP_TIMEOUT";
    case ERROR_WINHTTP_OPERATION_CANCELLED: return "ERROR_WINHTTP_OPERATION_CANCELLED";
    case ERROR_WINHTTP_CONNECTION_ERROR: return "ERROR_WINHTTP_CONNECTION_ERROR";
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE: return "ERROR_WINHTTP_INVALID_SERVER_RESPONSE";
    case ERROR_WINHTTP_INCORRECT_HANDLE_STATE: return "ERROR_WINHTTP_INCORRECT_HANDLE_STATE";
    case ERROR_WINHTTP_INCORRECT_HANDLE_TYPE: return "ERROR_WINHTTP_INCORRECT_HANDLE_TYPE";
    case ERROR_WINHTTP_CANNOT_CONNECT: return "ERROR_WINHTTP_CANNOT_CONNECT";
    case ERROR_WINHTTP_SECURE_FAILURE: return "ERROR_WINHTTP_SECURE_FAILURE";
    }
    ret = buffer[InterlockedIncrement( &next ) & 3];
    sprintf( ret, "error %lu", error );
    return ret;
}

static const char *type_name( WINHTTP_WEB_SOCKET_BUFFER_TYPE type )
{
    switch (type)
    {
    case WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: return "BINARY_MESSAGE";
    case WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: return "BINARY_FRAGMENT";
    case WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: return "UTF8_MESSAGE";
    case WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: return "UTF8_FRAGMENT";
    case WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE: return "CLOSE";
    }
    return "unknown type";
}

static double now( void )
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;

    if (!freq.QuadPart) QueryPerformanceFrequency( &freq );
    QueryPerformanceCounter( &t );
    return (double)t.QuadPart / (double)freq.QuadPart;
}

/* ---- one WebSocket connection, its operations synchronous or completed by callback ---- */

enum op_kind { OP_SEND, OP_RECEIVE, OP_SHUTDOWN, OP_CLOSE, OP_REQUEST, OP_COUNT };

struct op
{
    HANDLE done;                 /* auto-reset, set by the callback */
    volatile LONG pending;       /* an operation started and not yet completed */
    DWORD error;
    DWORD bytes;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
};

struct conn
{
    HINTERNET session, connect, request, socket;
    volatile LONG upgraded;      /* REQUEST_ERROR now carries a WINHTTP_WEB_SOCKET_ASYNC_RESULT */
    struct op ops[OP_COUNT];
    HANDLE socket_closing, request_closing;
    volatile LONG closing_early; /* the WebSocket's HANDLE_CLOSING came with an operation pending */
    volatile LONG stray;         /* completions nobody was waiting for */
    char stray_what[128];
};

static void complete( struct conn *c, enum op_kind kind, DWORD error, DWORD bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE type,
                      const char *what )
{
    struct op *op = &c->ops[kind];

    if (!InterlockedExchange( &op->pending, 0 ))
    {
        if (!InterlockedExchange( &c->stray, 1 )) snprintf( c->stray_what, sizeof(c->stray_what), "%s", what );
        return;
    }
    op->error = error;
    op->bytes = bytes;
    op->type = type;
    SetEvent( op->done );
}

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    struct conn *c = (struct conn *)context;
    WINHTTP_WEB_SOCKET_STATUS *ws = info;
    static const enum op_kind by_operation[] = { OP_SEND, OP_RECEIVE, OP_CLOSE, OP_SHUTDOWN };

    if (!c) return;
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        complete( c, OP_REQUEST, 0, 0, 0, "SENDREQUEST_COMPLETE" );
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        complete( c, OP_REQUEST, 0, 0, 0, "HEADERS_AVAILABLE" );
        break;
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        complete( c, OP_SEND, 0, len >= sizeof(*ws) ? ws->dwBytesTransferred : 0, 0, "WRITE_COMPLETE" );
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (len < sizeof(*ws)) complete( c, OP_RECEIVE, ERROR_INVALID_DATA, 0, 0, "READ_COMPLETE" );
        else complete( c, OP_RECEIVE, 0, ws->dwBytesTransferred, ws->eBufferType, "READ_COMPLETE" );
        break;
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE:
        complete( c, OP_SHUTDOWN, 0, 0, 0, "SHUTDOWN_COMPLETE" );
        break;
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        complete( c, OP_CLOSE, 0, 0, 0, "CLOSE_COMPLETE" );
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (handle != c->request || c->upgraded)
        {
            WINHTTP_WEB_SOCKET_ASYNC_RESULT *result = info;
            if (len >= sizeof(*result) && result->Operation <= WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION)
                complete( c, by_operation[result->Operation], result->AsyncResult.dwError, 0, 0, "REQUEST_ERROR" );
            else if (!InterlockedExchange( &c->stray, 1 ))
                snprintf( c->stray_what, sizeof(c->stray_what), "REQUEST_ERROR of %lu bytes", len );
        }
        else
        {
            WINHTTP_ASYNC_RESULT *result = info;
            complete( c, OP_REQUEST, result->dwError ? result->dwError : ERROR_INVALID_DATA, 0, 0, "REQUEST_ERROR" );
        }
        break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        if (handle == c->socket)
        {
            if (c->ops[OP_SEND].pending || c->ops[OP_RECEIVE].pending || c->ops[OP_SHUTDOWN].pending ||
                c->ops[OP_CLOSE].pending)
                InterlockedExchange( &c->closing_early, 1 );
            SetEvent( c->socket_closing );
        }
        else if (handle == c->request) SetEvent( c->request_closing );
        break;
    }
}

/* Starts an operation in asynchronous mode: pending before the call, since the
 * completion may come inside it, on this thread. */
static void begin( struct conn *c, enum op_kind kind )
{
    InterlockedExchange( &c->ops[kind].pending, 1 );
}

static DWORD started( struct conn *c, enum op_kind kind, DWORD error )
{
    if (error) InterlockedExchange( &c->ops[kind].pending, 0 );
    return error;
}

static DWORD finish( struct conn *c, enum op_kind kind, DWORD timeout )
{
    struct op *op = &c->ops[kind];

    if (WaitForSingleObject( op->done, timeout ))
    {
        InterlockedExchange( &op->pending, 0 );
        return ERROR_TIMEOUT;
    }
    return op->error;
}

static DWORD ws_send( struct conn *c, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const void *buf, DWORD len )
{
    DWORD error;

    if (!async_mode) return WinHttpWebSocketSend( c->socket, type, (void *)buf, len );
    begin( c, OP_SEND );
    if ((error = started( c, OP_SEND, WinHttpWebSocketSend( c->socket, type, (void *)buf, len )))) return error;
    return finish( c, OP_SEND, OP_TIMEOUT_MS );
}

static DWORD start_receive( struct conn *c, void *buf, DWORD len )
{
    DWORD bytes = 0xdeadbeef;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0xdeadbeef;

    begin( c, OP_RECEIVE );
    return started( c, OP_RECEIVE, WinHttpWebSocketReceive( c->socket, buf, len, &bytes, &type ) );
}

static DWORD finish_receive( struct conn *c, DWORD *bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type, DWORD timeout )
{
    DWORD error = finish( c, OP_RECEIVE, timeout );

    if (!error)
    {
        *bytes = c->ops[OP_RECEIVE].bytes;
        *type = c->ops[OP_RECEIVE].type;
    }
    return error;
}

static DWORD ws_receive( struct conn *c, void *buf, DWORD len, DWORD *bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    DWORD error;

    if (!async_mode) return WinHttpWebSocketReceive( c->socket, buf, len, bytes, type );
    if ((error = start_receive( c, buf, len ))) return error;
    return finish_receive( c, bytes, type, OP_TIMEOUT_MS );
}

static DWORD ws_shutdown( struct conn *c, USHORT status, const void *reason, DWORD len )
{
    DWORD error;

    if (!async_mode) return WinHttpWebSocketShutdown( c->socket, status, (void *)reason, len );
    begin( c, OP_SHUTDOWN );
    if ((error = started( c, OP_SHUTDOWN, WinHttpWebSocketShutdown( c->socket, status, (void *)reason, len ))))
        return error;
    return finish( c, OP_SHUTDOWN, OP_TIMEOUT_MS );
}

static DWORD ws_close( struct conn *c, USHORT status, const void *reason, DWORD len )
{
    DWORD error;

    if (!async_mode) return WinHttpWebSocketClose( c->socket, status, (void *)reason, len );
    begin( c, OP_CLOSE );
    if ((error = started( c, OP_CLOSE, WinHttpWebSocketClose( c->socket, status, (void *)reason, len ))))
        return error;
    return finish( c, OP_CLOSE, OP_TIMEOUT_MS );
}

static struct conn *new_conn( struct run *t )
{
    struct conn *c = calloc( 1, sizeof(*c) );
    LONG slot;
    int i;

    for (i = 0; i < OP_COUNT; i++) c->ops[i].done = CreateEventW( NULL, FALSE, FALSE, NULL );
    c->socket_closing = CreateEventW( NULL, TRUE, FALSE, NULL );
    c->request_closing = CreateEventW( NULL, TRUE, FALSE, NULL );
    if ((slot = InterlockedIncrement( &t->nconns ) - 1) < MAX_CONNS) t->conns[slot] = c;
    return c;
}

/* The upgrade: GET PATH with WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, 101, then
 * WinHttpWebSocketCompleteUpgrade; the request handle is closed at once, as in
 * Microsoft's sample. NULL on failure, which is recorded. */
static struct conn *ws_open( struct run *t, const char *path )
{
    struct conn *c = new_conn( t );
    WCHAR wpath[1024];
    DWORD status = 0, size = sizeof(status), error;
    const char *what;

    MultiByteToWideChar( CP_UTF8, 0, path, -1, wpath, ARRAYSIZE(wpath) );
    what = "WinHttpOpen";
    if (!(c->session = WinHttpOpen( L"wsclient/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                    WINHTTP_NO_PROXY_BYPASS, async_mode ? WINHTTP_FLAG_ASYNC : 0 )))
        goto failed;
    what = "WinHttpSetStatusCallback";
    if (async_mode && WinHttpSetStatusCallback( c->session, callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 )
                      == WINHTTP_INVALID_STATUS_CALLBACK)
        goto failed;
    what = "WinHttpConnect";
    if (!(c->connect = WinHttpConnect( c->session, host, port, 0 ))) goto failed;
    what = "WinHttpOpenRequest";
    if (!(c->request = WinHttpOpenRequest( c->connect, L"GET", wpath, NULL, WINHTTP_NO_REFERER,
                                           WINHTTP_DEFAULT_ACCEPT_TYPES, secure ? WINHTTP_FLAG_SECURE : 0 )))
        goto failed;
    if (secure && insecure)
    {
        DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                      SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
        what = "WinHttpSetOption(WINHTTP_OPTION_SECURITY_FLAGS)";
        if (!WinHttpSetOption( c->request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags) )) goto failed;
    }
    what = "WinHttpSetOption(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET)";
    if (!WinHttpSetOption( c->request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 )) goto failed;

    what = "WinHttpSendRequest";
    begin( c, OP_REQUEST );
    if (!WinHttpSendRequest( c->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                             (DWORD_PTR)c ))
    {
        started( c, OP_REQUEST, GetLastError() );
        goto failed;
    }
    if (async_mode && (error = finish( c, OP_REQUEST, OP_TIMEOUT_MS ))) goto failed_with;
    if (!async_mode) InterlockedExchange( &c->ops[OP_REQUEST].pending, 0 );

    what = "WinHttpReceiveResponse";
    begin( c, OP_REQUEST );
    if (!WinHttpReceiveResponse( c->request, NULL ))
    {
        started( c, OP_REQUEST, GetLastError() );
        goto failed;
    }
    if (async_mode && (error = finish( c, OP_REQUEST, OP_TIMEOUT_MS ))) goto failed_with;
    if (!async_mode) InterlockedExchange( &c->ops[OP_REQUEST].pending, 0 );

    if (!WinHttpQueryHeaders( c->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX ) || status != 101)
    {
        what = "the upgrade (status 101)";
        error = status ? status : GetLastError();
        fail( t, "GET %s: status 101 expected, got %lu", path, status );
        WinHttpCloseHandle( c->request );
        WinHttpCloseHandle( c->connect );
        WinHttpCloseHandle( c->session );
        return NULL;
    }
    what = "WinHttpWebSocketCompleteUpgrade";
    if (!(c->socket = WinHttpWebSocketCompleteUpgrade( c->request, (DWORD_PTR)c ))) goto failed;
    InterlockedExchange( &c->upgraded, 1 );
    WinHttpCloseHandle( c->request );
    return c;

failed:
    error = GetLastError();
failed_with:
    fail( t, "%s (GET %s) failed: %s", what, path, error_name( error ) );
    if (c->request) WinHttpCloseHandle( c->request );
    if (c->connect) WinHttpCloseHandle( c->connect );
    if (c->session) WinHttpCloseHandle( c->session );
    return NULL;   /* c stays allocated: a late callback may still name it */
}

/* Closes the handles; in asynchronous mode HANDLE_CLOSING must come for the
 * WebSocket and the request (Windows: it is the last notification of a handle). */
static void ws_end( struct run *t, struct conn *c )
{
    HINTERNET socket;

    if (!c) return;
    if ((socket = c->socket) && !WinHttpCloseHandle( socket ))
        fail( t, "WinHttpCloseHandle(WebSocket) failed: %s", error_name( GetLastError() ) );
    if (c->connect) WinHttpCloseHandle( c->connect );
    if (c->session) WinHttpCloseHandle( c->session );
    if (async_mode && socket && WaitForSingleObject( c->socket_closing, 5000 ))
        fail( t, "no HANDLE_CLOSING for the WebSocket handle within 5 s of closing it" );
    if (async_mode && c->upgraded && WaitForSingleObject( c->request_closing, 5000 ))
        fail( t, "no HANDLE_CLOSING for the request handle within 5 s of closing it" );
    if (c->stray) fail( t, "a %s notification came with no operation pending", c->stray_what );
    if (c->closing_early) fail( t, "HANDLE_CLOSING came before the completion of a pending operation" );
}

/* ---- payloads ---- */

static unsigned char pattern_byte( unsigned int seed, size_t i )
{
    return (unsigned char)(i * 131 + seed * 7 + (i >> 9) + (i >> 17));
}

static char *binary_payload( unsigned int seed, size_t len )
{
    char *buf = malloc( len + 1 );
    size_t i;

    for (i = 0; i < len; i++) buf[i] = pattern_byte( seed, i );
    return buf;
}

/* Valid UTF-8 of exactly len bytes: ASCII, 2-, 3- and 4-byte characters mixed,
 * so that any cut into pieces falls inside characters too. */
static char *utf8_payload( unsigned int seed, size_t len )
{
    static const char *chars[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "Z", "\xe4\xb8\xad",
                                   "\xd0\x96", "0", "\xf0\x9f\x8c\x8d", " " };
    char *buf = malloc( len + 1 );
    size_t pos = 0, i = seed;

    while (pos < len)
    {
        const char *ch = chars[(i * 7 + (i >> 3)) % ARRAYSIZE(chars)];
        size_t n = strlen( ch );
        if (n > len - pos) { buf[pos++] = 'a' + i % 26; }
        else { memcpy( buf + pos, ch, n ); pos += n; }
        i++;
    }
    buf[len] = 0;
    return buf;
}

static size_t first_difference( const char *a, const char *b, size_t len )
{
    size_t i;
    for (i = 0; i < len; i++) if (a[i] != b[i]) break;
    return i;
}

static const char *size_name( size_t size )
{
    static char buffer[8][32];
    static LONG next;
    char *ret = buffer[InterlockedIncrement( &next ) & 7];

    if (size >= (1 << 20) && !(size % (1 << 20))) sprintf( ret, "%u MiB", (unsigned)(size >> 20) );
    else if (size >= 1024 && !(size % 1024)) sprintf( ret, "%u KiB", (unsigned)(size >> 10) );
    else sprintf( ret, "%u B", (unsigned)size );
    return ret;
}

/* ---- messages ---- */

struct message
{
    DWORD size;
    BOOL utf8;
    DWORD pieces;
    BOOL close;                  /* a close frame came instead */
};

static BOOL is_utf8( WINHTTP_WEB_SOCKET_BUFFER_TYPE type )
{
    return type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
}

static BOOL is_fragment( WINHTTP_WEB_SOCKET_BUFFER_TYPE type )
{
    return type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

/* Receives one message into buf (capacity cap), at most piece bytes per call:
 * every piece but the last says FRAGMENT, the last MESSAGE, all of one kind
 * (WINHTTP_WEB_SOCKET_BUFFER_TYPE). A close frame ends it with m->close set. */
static BOOL receive_message( struct run *t, struct conn *c, char *buf, DWORD cap, DWORD piece, struct message *m,
                             const char *what )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD error, bytes, want;

    memset( m, 0, sizeof(*m) );
    for (;;)
    {
        want = min( piece, cap - m->size );
        if (!want)
        {
            fail( t, "%s: more than %lu bytes in one message", what, cap );
            return FALSE;
        }
        bytes = 0xdeadbeef;
        type = 0xdeadbeef;
        if ((error = ws_receive( c, buf + m->size, want, &bytes, &type )))
        {
            fail( t, "%s: WinHttpWebSocketReceive after %lu bytes in %lu pieces: %s", what, m->size, m->pieces,
                  error_name( error ) );
            return FALSE;
        }
        if (type == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE)
        {
            if (m->pieces)
            {
                fail( t, "%s: a close frame in the middle of a message (after %lu bytes)", what, m->size );
                return FALSE;
            }
            if (bytes) fail( t, "%s: the close frame came with %lu bytes (0 expected)", what, bytes );
            m->close = TRUE;
            return TRUE;
        }
        if (type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE)
        {
            fail( t, "%s: buffer type %u", what, type );
            return FALSE;
        }
        if (bytes > want)
        {
            fail( t, "%s: %lu bytes received into a %lu-byte buffer", what, bytes, want );
            return FALSE;
        }
        if (!m->pieces) m->utf8 = is_utf8( type );
        else if (m->utf8 != is_utf8( type ))
        {
            fail( t, "%s: piece %lu is %s in a %s message", what, m->pieces + 1, type_name( type ),
                  m->utf8 ? "UTF-8" : "binary" );
            return FALSE;
        }
        m->pieces++;
        m->size += bytes;
        if (!is_fragment( type )) return TRUE;
        if (m->pieces > 100000 + cap / 16)
        {
            fail( t, "%s: no end of message after %lu pieces", what, m->pieces );
            return FALSE;
        }
    }
}

/* Sends one message, in pieces of frag bytes (fragments) when frag is not 0. */
static BOOL send_message( struct run *t, struct conn *c, BOOL utf8, const char *data, DWORD len, DWORD frag,
                          const char *what )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE whole = utf8 ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                                : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE part = utf8 ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                               : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    DWORD error, off = 0, n;

    if (!frag) frag = len;
    do
    {
        n = min( frag, len - off );
        if ((error = ws_send( c, off + n < len ? part : whole, data + off, n )))
        {
            fail( t, "%s: WinHttpWebSocketSend of %lu bytes at offset %lu: %s", what, n, off, error_name( error ) );
            return FALSE;
        }
        off += n;
    } while (off < len);
    return TRUE;
}

/* Sends a message, receives the echo and compares it byte for byte. */
static BOOL echo_check( struct run *t, struct conn *c, BOOL utf8, const char *data, DWORD len, DWORD send_frag,
                        DWORD piece, struct message *m )
{
    char what[64], *buf;
    DWORD cap = len + 64;
    BOOL ret = FALSE;

    snprintf( what, sizeof(what), "%s message of %s", utf8 ? "UTF-8" : "binary", size_name( len ) );
    if (!send_message( t, c, utf8, data, len, send_frag, what )) return FALSE;
    if (!(buf = malloc( cap ))) { fail( t, "out of memory" ); return FALSE; }
    if (!receive_message( t, c, buf, cap, piece ? piece : cap, m, what )) goto done;
    if (m->close) fail( t, "%s: a close frame came instead of the echo", what );
    else if (m->utf8 != utf8) fail( t, "%s: echoed as %s", what, m->utf8 ? "UTF-8" : "binary" );
    else if (m->size != len) fail( t, "%s: echo of %lu bytes", what, m->size );
    else if (memcmp( buf, data, len ))
        fail( t, "%s: echo differs at byte %lu", what, (DWORD)first_difference( buf, data, len ) );
    else ret = TRUE;
done:
    free( buf );
    return ret;
}

/* The server's account of an earlier connection (echo_server.py /report). */
static BOOL server_report( struct run *t, const char *id, char *text, DWORD size )
{
    char path[256];
    struct conn *c;
    struct message m;

    snprintf( path, sizeof(path), "/report?id=%s", id );
    if (!(c = ws_open( t, path ))) return FALSE;
    if (receive_message( t, c, text, size - 1, size - 1, &m, "report" ) && !m.close)
    {
        text[m.size] = 0;
        ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 );
        ws_end( t, c );
        return TRUE;
    }
    ws_end( t, c );
    return FALSE;
}

static void expect_report( struct run *t, const char *id, const char *want )
{
    char text[REPORT_SIZE];

    if (!server_report( t, id, text, sizeof(text) )) return;
    if (strcmp( text, want )) fail( t, "the server saw \"%s\", expected \"%s\"", text, want );
}

static void make_id( char *id, size_t size, const char *name )
{
    static LONG counter;
    snprintf( id, size, "%s-%s-%lu-%ld", mode_name, name, GetCurrentProcessId(), InterlockedIncrement( &counter ) );
}

/* QueryCloseStatus with an expected outcome; reason NULL for "no reason". */
static void expect_close_status( struct run *t, struct conn *c, USHORT want_status, const char *want_reason,
                                 const char *when )
{
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 8];
    USHORT status = 0xdead;
    DWORD len = 0xdeadbeef, error, want_len = want_reason ? strlen( want_reason ) : 0;

    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, reason, sizeof(reason), &len );
    if (error) fail( t, "WinHttpWebSocketQueryCloseStatus %s: %s", when, error_name( error ) );
    else if (status != want_status) fail( t, "WinHttpWebSocketQueryCloseStatus %s: status %u, expected %u", when,
                                          status, want_status );
    else if (len != want_len || memcmp( reason, want_reason ? want_reason : "", want_len ))
        fail( t, "WinHttpWebSocketQueryCloseStatus %s: reason \"%.*s\" (%lu bytes), expected \"%s\"", when,
              (int)min( len, sizeof(reason) ), reason, len, want_reason ? want_reason : "" );
}

/* Windows: before a close frame arrives, ERROR_INVALID_OPERATION and nothing written. */
static void expect_no_close_status( struct run *t, struct conn *c, const char *when )
{
    char reason[8];
    USHORT status = 0xdead;
    DWORD len = 0xdeadbeef, error;

    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, reason, sizeof(reason), &len );
    if (error != ERROR_INVALID_OPERATION)
        fail( t, "WinHttpWebSocketQueryCloseStatus %s: %s, expected ERROR_INVALID_OPERATION", when, error_name( error ) );
    else if (status != 0xdead || len != 0xdeadbeef)
        fail( t, "WinHttpWebSocketQueryCloseStatus %s wrote its outputs though it failed", when );
}

static void expect_error( struct run *t, DWORD got, DWORD want, const char *what )
{
    if (got != want) fail( t, "%s: %s, expected %s", what, error_name( got ), error_name( want ) );
}

/* ---- the cases ---- */

static const DWORD small_sizes[] = { 0, 1, 2, 125, 126, 127, 128, 1000 };
static const DWORD medium_sizes[] = { 65535, 65536, 65537, 200000 };

static void echo_sizes( struct run *t, BOOL utf8, const DWORD *sizes, unsigned int count )
{
    struct conn *c = ws_open( t, "/echo" );
    struct message m;
    unsigned int i, pieces = 0;
    double t0 = now();
    DWORD total = 0;

    if (!c) return;
    for (i = 0; i < count; i++)
    {
        char *data = utf8 ? utf8_payload( i, sizes[i] ) : binary_payload( i, sizes[i] );
        BOOL ok = echo_check( t, c, utf8, data, sizes[i], 0, 0, &m );
        free( data );
        if (!ok) break;
        pieces += m.pieces;
        total += sizes[i];
    }
    if (i == count)
    {
        note( t, "%u messages, %s echoed in %u receives, %.2f s", count, size_name( total ), pieces, now() - t0 );
        expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    }
    ws_end( t, c );
}

static void case_binary_small( struct run *t ) { echo_sizes( t, FALSE, small_sizes, ARRAYSIZE(small_sizes) ); }
static void case_utf8_small( struct run *t ) { echo_sizes( t, TRUE, small_sizes, ARRAYSIZE(small_sizes) ); }
static void case_binary_medium( struct run *t ) { echo_sizes( t, FALSE, medium_sizes, ARRAYSIZE(medium_sizes) ); }
static void case_utf8_medium( struct run *t ) { echo_sizes( t, TRUE, medium_sizes, ARRAYSIZE(medium_sizes) ); }

static const DWORD size_1m[] = { 1 << 20 }, size_16m[] = { 16 << 20 };
static void case_binary_1m( struct run *t ) { echo_sizes( t, FALSE, size_1m, 1 ); }
static void case_utf8_1m( struct run *t ) { echo_sizes( t, TRUE, size_1m, 1 ); }
static void case_binary_16m( struct run *t ) { echo_sizes( t, FALSE, size_16m, 1 ); }
static void case_utf8_16m( struct run *t ) { echo_sizes( t, TRUE, size_16m, 1 ); }

/* One message sent as fragments: 4 KiB pieces, then pieces of 1 byte (cutting
 * UTF-8 characters), then an empty fragment in the middle; the server hears one
 * message each time (its report counts messages and bytes). */
static void send_fragments( struct run *t, BOOL utf8 )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE part = utf8 ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                                               : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE whole = utf8 ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
                                                : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    char id[96], path[160], want[REPORT_SIZE], *data, *tiny_data, *short_data, *buf;
    struct conn *c;
    struct message m;
    DWORD error, big = 100000, tiny = 300;

    make_id( id, sizeof(id), utf8 ? "fragments-utf8" : "fragments-binary" );
    snprintf( path, sizeof(path), "/echo?id=%s", id );
    if (!(c = ws_open( t, path ))) return;
    /* each message valid UTF-8 as a whole, cut anywhere */
    data = utf8 ? utf8_payload( 5, big ) : binary_payload( 5, big );
    tiny_data = utf8 ? utf8_payload( 6, tiny ) : binary_payload( 6, tiny );
    short_data = utf8 ? utf8_payload( 7, 20 ) : binary_payload( 7, 20 );
    buf = malloc( big + 64 );
    if (!echo_check( t, c, utf8, data, big, 4096, 0, &m )) goto done;
    if (!echo_check( t, c, utf8, tiny_data, tiny, 1, 0, &m )) goto done;
    /* an empty fragment between two halves */
    if ((error = ws_send( c, part, short_data, 10 )) || (error = ws_send( c, part, NULL, 0 )) ||
        (error = ws_send( c, whole, short_data + 10, 10 )))
    {
        fail( t, "fragments with an empty one: WinHttpWebSocketSend: %s", error_name( error ) );
        goto done;
    }
    if (!receive_message( t, c, buf, big + 64, big + 64, &m, "fragments with an empty one" )) goto done;
    if (m.close || m.size != 20 || memcmp( buf, short_data, 20 ) || m.utf8 != utf8)
        fail( t, "fragments with an empty one: echo of %lu bytes%s", m.size, m.close ? " (a close frame)" : "" );
    expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    ws_end( t, c );
    c = NULL;
    snprintf( want, sizeof(want), "code=1000 reason= messages=3 bytes=%lu", big + tiny + 20 );
    expect_report( t, id, want );
    note( t, "%lu bytes in 4 KiB fragments, %lu in 1-byte fragments, an empty fragment", big, tiny );
done:
    free( data );
    free( tiny_data );
    free( short_data );
    free( buf );
    ws_end( t, c );
}

static void case_fragments_binary( struct run *t ) { send_fragments( t, FALSE ); }
static void case_fragments_utf8( struct run *t ) { send_fragments( t, TRUE ); }

/* Windows: while a binary message is being sent in fragments, a UTF-8 buffer type
 * is refused with ERROR_INVALID_PARAMETER and the message can still be finished. */
static void case_fragment_type_mismatch( struct run *t )
{
    struct conn *c = ws_open( t, "/echo" );
    char *data = binary_payload( 9, 64 ), buf[256];
    struct message m;
    DWORD error;

    if (!c) { free( data ); return; }
    if ((error = ws_send( c, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, data, 32 )))
        fail( t, "WinHttpWebSocketSend(BINARY_FRAGMENT): %s", error_name( error ) );
    else
    {
        expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, data, 8 ),
                      ERROR_INVALID_PARAMETER, "UTF8_FRAGMENT inside a binary message" );
        expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, data, 8 ),
                      ERROR_INVALID_PARAMETER, "UTF8_MESSAGE inside a binary message" );
        if ((error = ws_send( c, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data + 32, 32 )))
            fail( t, "WinHttpWebSocketSend(BINARY_MESSAGE) ending the message: %s", error_name( error ) );
        else if (receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "the echo" ) &&
                 (m.close || m.utf8 || m.size != 64 || memcmp( buf, data, 64 )))
            fail( t, "the echo: %lu bytes, %s", m.size, m.close ? "a close frame" : m.utf8 ? "UTF-8" : "different" );
    }
    expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    ws_end( t, c );
    free( data );
}

/* A message larger than the receive buffer comes in pieces: FRAGMENT types, then
 * MESSAGE (WINHTTP_WEB_SOCKET_BUFFER_TYPE), each piece no larger than the buffer. */
static void small_buffer( struct run *t, BOOL utf8, DWORD piece )
{
    struct conn *c = ws_open( t, "/echo" );
    DWORD len = 100000;
    char *data = utf8 ? utf8_payload( 3, len ) : binary_payload( 3, len );
    struct message m;

    if (c && echo_check( t, c, utf8, data, len, 0, piece, &m ))
    {
        if (m.pieces < (len + piece - 1) / piece)
            fail( t, "%lu pieces for %lu bytes in %lu-byte buffers", m.pieces, len, piece );
        else note( t, "%lu bytes in %lu pieces of at most %lu", len, m.pieces, piece );
        expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    }
    ws_end( t, c );
    free( data );
}

static void case_small_buffer_binary( struct run *t ) { small_buffer( t, FALSE, 1000 ); }
static void case_small_buffer_utf8( struct run *t ) { small_buffer( t, TRUE, 777 ); }

/* The server sends fragmented messages (frames of 1000 bytes, then an empty final
 * one): received whole into a large buffer, then into 300-byte buffers. */
static void case_server_fragments( struct run *t )
{
    struct conn *c = ws_open( t, "/echo?frag=1000" );
    DWORD len = 50000, pieces = 0;
    char *bin = binary_payload( 4, len ), *text = utf8_payload( 4, len );
    struct message m;

    if (c && echo_check( t, c, FALSE, bin, len, 0, 0, &m ))
    {
        pieces = m.pieces;
        if (echo_check( t, c, TRUE, text, len, 0, 0, &m ) && echo_check( t, c, FALSE, bin, len, 0, 300, &m ) &&
            echo_check( t, c, TRUE, text, len, 0, 300, &m ))
        {
            note( t, "50000 bytes in 1000-byte frames: %lu receives into a large buffer, %lu into 300 bytes",
                  pieces, m.pieces );
            expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, NULL, 0 ), 0,
                          "WinHttpWebSocketClose" );
        }
    }
    ws_end( t, c );
    free( bin );
    free( text );
}

/* The server pings three times while the client waits in a receive: WinHTTP
 * answers each ping with its payload, and the application never sees them. */
static void case_ping_pong( struct run *t )
{
    char id[96], path[160], buf[256];
    struct conn *c;
    struct message m;

    make_id( id, sizeof(id), "ping" );
    snprintf( path, sizeof(path), "/ping?count=3&size=16&id=%s", id );
    if (!(c = ws_open( t, path ))) return;
    if (receive_message( t, c, buf, sizeof(buf) - 1, sizeof(buf) - 1, &m, "the server's verdict" ))
    {
        buf[m.size] = 0;
        if (m.close) fail( t, "a close frame came instead of the server's verdict" );
        else if (strcmp( buf, "pongs 3/3" )) fail( t, "the server says \"%s\", expected \"pongs 3/3\"", buf );
        else note( t, "3 pings answered" );
        expect_error( t, ws_close( c, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, "bye", 3 ), 0, "WinHttpWebSocketClose" );
    }
    ws_end( t, c );
    expect_report( t, id, "code=1000 reason=bye messages=0 bytes=0" );
}

/* The client closes first: WinHttpWebSocketClose sends the close frame and waits
 * for the server's (python3-websockets echoes code and reason). Afterwards both
 * channels are closed: ERROR_INVALID_OPERATION (documented for Send and Receive). */
static void case_close_client( struct run *t )
{
    char id[96], path[160], buf[64];
    struct conn *c;
    struct message m;
    DWORD bytes, error;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    make_id( id, sizeof(id), "close-client" );
    snprintf( path, sizeof(path), "/echo?id=%s", id );
    if (!(c = ws_open( t, path ))) return;
    if (echo_check( t, c, TRUE, "hello", 5, 0, 0, &m ))
    {
        expect_no_close_status( t, c, "before any close" );
        if ((error = ws_close( c, 4321, "client closes first", 19 )))
            fail( t, "WinHttpWebSocketClose: %s", error_name( error ) );
        else
        {
            expect_close_status( t, c, 4321, "client closes first", "after WinHttpWebSocketClose" );
            expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, buf, 1 ),
                          ERROR_INVALID_OPERATION, "WinHttpWebSocketSend after WinHttpWebSocketClose" );
            expect_error( t, WinHttpWebSocketReceive( c->socket, buf, sizeof(buf), &bytes, &type ),
                          ERROR_INVALID_OPERATION, "WinHttpWebSocketReceive after WinHttpWebSocketClose" );
        }
    }
    ws_end( t, c );
    expect_report( t, id, "code=4321 reason=client closes first messages=1 bytes=5" );
}

/* WinHttpWebSocketShutdown closes the send channel only: sending is refused
 * (Windows: ERROR_INVALID_OPERATION, as is a second shutdown), the server's close
 * frame then comes through a receive as WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, and
 * WinHttpWebSocketClose finishes without another frame. */
static void case_shutdown_client( struct run *t )
{
    char id[96], path[160], buf[64];
    struct conn *c;
    struct message m;
    DWORD bytes, error;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    make_id( id, sizeof(id), "shutdown-client" );
    snprintf( path, sizeof(path), "/echo?id=%s", id );
    if (!(c = ws_open( t, path ))) return;
    if (!echo_check( t, c, FALSE, "\x01\x02\x03", 3, 0, 0, &m )) goto done;
    if ((error = ws_shutdown( c, 4001, "client shutdown", 15 )))
    {
        fail( t, "WinHttpWebSocketShutdown: %s", error_name( error ) );
        goto done;
    }
    expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, buf, 1 ),
                  ERROR_INVALID_OPERATION, "WinHttpWebSocketSend after WinHttpWebSocketShutdown (Windows)" );
    expect_error( t, WinHttpWebSocketShutdown( c->socket, 1000, NULL, 0 ), ERROR_INVALID_OPERATION,
                  "a second WinHttpWebSocketShutdown (Windows)" );
    if (!receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "the server's close frame" )) goto done;
    if (!m.close) fail( t, "a %lu-byte message came instead of the server's close frame", m.size );
    expect_close_status( t, c, 4001, "client shutdown", "after the server's close frame" );
    expect_error( t, WinHttpWebSocketReceive( c->socket, buf, sizeof(buf), &bytes, &type ), ERROR_INVALID_OPERATION,
                  "WinHttpWebSocketReceive after the close frame (Windows)" );
    expect_error( t, ws_close( c, 1000, NULL, 0 ), 0, "WinHttpWebSocketClose after the handshake" );
    expect_close_status( t, c, 4001, "client shutdown", "after WinHttpWebSocketClose" );
done:
    ws_end( t, c );
    expect_report( t, id, "code=4001 reason=client shutdown messages=1 bytes=3" );
}

/* The server closes first after two messages: the messages, then the close frame
 * (WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, 0 bytes); QueryCloseStatus gives the
 * server's code and reason; WinHttpWebSocketClose answers with the client's. */
static void close_server( struct run *t, const char *code, USHORT want_status, const char *want_reason,
                          const char *name )
{
    char id[96], path[400], buf[64], want[REPORT_SIZE];
    struct conn *c;
    struct message m;
    int i;

    make_id( id, sizeof(id), name );
    snprintf( path, sizeof(path), "/close-first?messages=2&code=%s&reason=%s&id=%s", code,
              want_reason ? want_reason : "", id );
    if (!(c = ws_open( t, path ))) return;
    for (i = 0; i < 2; i++)
    {
        char expected[16];
        sprintf( expected, "message %d", i );
        if (!receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "a message before the close" )) goto done;
        if (m.close || !m.utf8 || m.size != strlen( expected ) || memcmp( buf, expected, m.size ))
        {
            fail( t, "\"%s\" expected, got %s of %lu bytes", expected, m.close ? "a close frame" : "a message", m.size );
            goto done;
        }
    }
    expect_no_close_status( t, c, "before the close frame" );
    if (!receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "the server's close frame" )) goto done;
    if (!m.close)
    {
        fail( t, "a %lu-byte message came instead of the server's close frame", m.size );
        goto done;
    }
    expect_close_status( t, c, want_status, want_reason, "after the server's close frame" );
    expect_error( t, ws_close( c, 1000, "client answers", 14 ), 0, "WinHttpWebSocketClose answering the server" );
    expect_close_status( t, c, want_status, want_reason, "after WinHttpWebSocketClose" );
done:
    ws_end( t, c );
    snprintf( want, sizeof(want), "code=1000 reason=client answers messages=0 bytes=0" );
    expect_report( t, id, want );
}

static void case_close_server( struct run *t ) { close_server( t, "4000", 4000, "server-closes-first", "close-server" ); }
static void case_close_server_empty( struct run *t )
{
    /* a close frame without a body: WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS (1005), no reason */
    close_server( t, "none", WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS, NULL, "close-server-empty" );
}

/* The longest reason (123 bytes, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH):
 * the size query, a short buffer (ERROR_INSUFFICIENT_BUFFER), an exact one. */
static void case_close_status_values( struct run *t )
{
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1], path[400], buf[200];
    struct conn *c;
    struct message m;
    USHORT status;
    DWORD len, error;

    memset( reason, 'r', WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH );
    memcpy( reason, "longest-reason-", 15 );
    reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH] = 0;
    snprintf( path, sizeof(path), "/close-first?code=4123&reason=%s", reason );
    if (!(c = ws_open( t, path ))) return;
    if (!receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "the server's close frame" )) goto done;
    if (!m.close) { fail( t, "a message came instead of the close frame" ); goto done; }

    len = 0xdeadbeef;
    status = 0xdead;
    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, NULL, 0, &len );
    /* documented: the size needed comes back; the return value is not stated */
    if (len != WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH)
        fail( t, "size query: %lu bytes (%s), expected 123", len, error_name( error ) );
    else note( t, "size query returns %s", error_name( error ) );
    len = 0xdeadbeef;
    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, buf, 10, &len );
    expect_error( t, error, ERROR_INSUFFICIENT_BUFFER, "a 10-byte reason buffer (documented)" );
    len = 0xdeadbeef;
    memset( buf, 0, sizeof(buf) );
    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, buf, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH, &len );
    if (error || status != 4123 || len != WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH ||
        memcmp( buf, reason, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH ))
        fail( t, "a 123-byte buffer: %s, status %u, %lu bytes", error_name( error ), status, len );
    expect_error( t, WinHttpWebSocketQueryCloseStatus( c->socket, NULL, buf, sizeof(buf), &len ),
                  ERROR_INVALID_PARAMETER, "no status pointer" );
    expect_error( t, ws_close( c, 1000, NULL, 0 ), 0, "WinHttpWebSocketClose" );
done:
    ws_end( t, c );
}

/* The server drops the TCP connection without a close frame after one message:
 * the next receive fails (WinHttpWebSocketClose's page: such errors mean the TCP
 * connection was aborted; Windows gives ERROR_WINHTTP_CONNECTION_ERROR, Wine 8
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE), and nothing hangs. */
static void case_close_abnormal( struct run *t )
{
    char buf[64], reason[8];
    struct conn *c = ws_open( t, "/abnormal?messages=1" );
    struct message m;
    DWORD error, bytes, len = 0xdeadbeef;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    USHORT status = 0xdead;
    double t0;

    if (!c) return;
    if (!receive_message( t, c, buf, sizeof(buf), sizeof(buf), &m, "the message before the drop" )) goto done;
    if (m.close || m.size != 9) { fail( t, "\"message 0\" expected first" ); goto done; }
    t0 = now();
    error = ws_receive( c, buf, sizeof(buf), &bytes, &type );
    if (!error)
        fail( t, "WinHttpWebSocketReceive succeeded (%s, %lu bytes) on a dropped connection", type_name( type ), bytes );
    else if (error != ERROR_WINHTTP_CONNECTION_ERROR && error != ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        fail( t, "WinHttpWebSocketReceive on a dropped connection: %s, expected ERROR_WINHTTP_CONNECTION_ERROR",
              error_name( error ) );
    else note( t, "receive: %s after %.2f s", error_name( error ), now() - t0 );
    error = WinHttpWebSocketQueryCloseStatus( c->socket, &status, reason, sizeof(reason), &len );
    if (error == ERROR_SUCCESS && status == WINHTTP_WEB_SOCKET_ABORTED_CLOSE_STATUS) note( t, "close status 1006" );
    else if (error == ERROR_INVALID_OPERATION) note( t, "no close status" );
    else fail( t, "WinHttpWebSocketQueryCloseStatus after the drop: %s, status %u", error_name( error ), status );
    t0 = now();
    error = ws_close( c, 1000, NULL, 0 );
    if (now() - t0 > 5) fail( t, "WinHttpWebSocketClose took %.1f s on a dropped connection", now() - t0 );
    note( t, "close: %s", error_name( error ) );
done:
    ws_end( t, c );
}

/* Asynchronous only (Windows): a second receive while one is pending is refused;
 * WinHttpWebSocketClose then cancels the pending receive (REQUEST_ERROR,
 * ERROR_WINHTTP_OPERATION_CANCELLED) and completes. */
static void case_close_during_receive( struct run *t )
{
    char id[96], path[160], buf[64], other[64];
    struct conn *c;
    DWORD error, bytes;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    make_id( id, sizeof(id), "close-during-receive" );
    snprintf( path, sizeof(path), "/echo?id=%s", id );
    if (!(c = ws_open( t, path ))) return;
    if ((error = start_receive( c, buf, sizeof(buf) ))) fail( t, "WinHttpWebSocketReceive: %s", error_name( error ) );
    else
    {
        expect_error( t, WinHttpWebSocketReceive( c->socket, other, sizeof(other), &bytes, &type ),
                      ERROR_INVALID_OPERATION, "a second WinHttpWebSocketReceive while one is pending" );
        Sleep( 100 );
        begin( c, OP_CLOSE );
        if ((error = started( c, OP_CLOSE, WinHttpWebSocketClose( c->socket, 1000, "cancel", 6 ))))
            fail( t, "WinHttpWebSocketClose: %s", error_name( error ) );
        else
        {
            error = finish_receive( c, &bytes, &type, OP_TIMEOUT_MS );
            expect_error( t, error, ERROR_WINHTTP_OPERATION_CANCELLED, "the pending receive" );
            expect_error( t, finish( c, OP_CLOSE, OP_TIMEOUT_MS ), 0, "WinHttpWebSocketClose's completion" );
            expect_close_status( t, c, 1000, "cancel", "after the close" );
        }
    }
    ws_end( t, c );
    expect_report( t, id, "code=1000 reason=cancel messages=0 bytes=0" );
}

/* Asynchronous only (Windows): WinHttpWebSocketShutdown with a receive pending
 * completes (SHUTDOWN_COMPLETE), then the receive gets the server's close frame. */
static void case_shutdown_during_receive( struct run *t )
{
    char buf[64];
    struct conn *c = ws_open( t, "/echo" );
    DWORD error, bytes;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;

    if (!c) return;
    if ((error = start_receive( c, buf, sizeof(buf) ))) fail( t, "WinHttpWebSocketReceive: %s", error_name( error ) );
    else
    {
        Sleep( 100 );
        if ((error = ws_shutdown( c, 1000, "success", 7 ))) fail( t, "WinHttpWebSocketShutdown: %s", error_name( error ) );
        error = finish_receive( c, &bytes, &type, OP_TIMEOUT_MS );
        if (error) fail( t, "the pending receive: %s", error_name( error ) );
        else if (type != WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE || bytes)
            fail( t, "the pending receive got %s with %lu bytes, expected CLOSE with 0", type_name( type ), bytes );
        else expect_close_status( t, c, 1000, "success", "after the close frame" );
        expect_error( t, ws_close( c, 1000, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    }
    ws_end( t, c );
}

/* Closing the WebSocket handle with a receive pending (in another thread, when
 * synchronous) cancels it: the receive ends with ERROR_WINHTTP_OPERATION_CANCELLED
 * (design notes, "Cancellation by close"), before HANDLE_CLOSING, and the server
 * sees the connection go. */
struct blocked_receive
{
    struct conn *c;
    char buf[64];
    DWORD error, bytes;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
};

static DWORD WINAPI blocked_receive_thread( void *arg )
{
    struct blocked_receive *r = arg;
    r->error = ws_receive( r->c, r->buf, sizeof(r->buf), &r->bytes, &r->type );
    return 0;
}

static void case_close_handle_during_receive( struct run *t )
{
    struct blocked_receive *r = calloc( 1, sizeof(*r) );
    char id[96], path[160];
    HANDLE thread = NULL;
    DWORD error;
    double t0;

    make_id( id, sizeof(id), "close-handle-during-receive" );
    snprintf( path, sizeof(path), "/echo?id=%s", id );
    if (!(r->c = ws_open( t, path ))) return;
    if (async_mode) error = start_receive( r->c, r->buf, sizeof(r->buf) );
    else error = (thread = CreateThread( NULL, 0, blocked_receive_thread, r, 0, NULL )) ? 0 : GetLastError();
    if (error)
    {
        fail( t, "starting the receive: %s", error_name( error ) );
        ws_end( t, r->c );
        return;
    }
    Sleep( 200 );
    t0 = now();
    if (!WinHttpCloseHandle( r->c->socket ))
        fail( t, "WinHttpCloseHandle with a receive pending: %s", error_name( GetLastError() ) );
    if (async_mode) error = finish_receive( r->c, &r->bytes, &r->type, 5000 );
    else if (WaitForSingleObject( thread, 5000 )) error = ERROR_TIMEOUT;
    else error = r->error;
    if (error == ERROR_TIMEOUT) fail( t, "the receive still pending 5 s after WinHttpCloseHandle" );
    else expect_error( t, error, ERROR_WINHTTP_OPERATION_CANCELLED, "the receive pending at WinHttpCloseHandle" );
    if (async_mode && WaitForSingleObject( r->c->socket_closing, 5000 ))
        fail( t, "no HANDLE_CLOSING within 5 s of closing the WebSocket handle" );
    if (error != ERROR_TIMEOUT) note( t, "the receive ended %.0f ms after the close", (now() - t0) * 1000 );
    r->c->socket = NULL;   /* closed above */
    ws_end( t, r->c );
    if (thread && error != ERROR_TIMEOUT) CloseHandle( thread );
    if (error != ERROR_TIMEOUT) free( r );   /* else the thread may still use it */
    expect_report( t, id, "code=1006 reason= messages=0 bytes=0" );
}

/* Parameters the documentation rules out: ERROR_INVALID_PARAMETER, nothing sent
 * (the echo that follows is the next thing the server hears). */
static void case_invalid_params( struct run *t )
{
    struct conn *c = ws_open( t, "/echo" );
    char reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 2], buf[16];
    struct message m;

    if (!c) return;
    memset( reason, 'x', sizeof(reason) );
    expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, buf, 2 ),
                  ERROR_INVALID_PARAMETER, "WinHttpWebSocketSend(CLOSE_BUFFER_TYPE)" );
    expect_error( t, WinHttpWebSocketSend( c->socket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, NULL, 5 ),
                  ERROR_INVALID_PARAMETER, "WinHttpWebSocketSend(NULL, 5)" );
    expect_error( t, WinHttpWebSocketClose( c->socket, 1000, reason, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1 ),
                  ERROR_INVALID_PARAMETER, "WinHttpWebSocketClose with a 124-byte reason" );
    expect_error( t, WinHttpWebSocketShutdown( c->socket, 1000, NULL, 4 ), ERROR_INVALID_PARAMETER,
                  "WinHttpWebSocketShutdown(NULL reason, 4)" );
    expect_error( t, WinHttpWebSocketReceive( c->socket, NULL, 16, NULL, NULL ), ERROR_INVALID_PARAMETER,
                  "WinHttpWebSocketReceive(NULL buffer)" );
    if (echo_check( t, c, TRUE, "still open", 10, 0, 0, &m ))
        expect_error( t, ws_close( c, 1000, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    ws_end( t, c );
}

/* Full duplex: one thread sends sequence-numbered binary messages (16 bytes of
 * header, then a pattern of the number) as fast as it can for a bounded time,
 * another receives the echoes at the same time and checks every byte; a UTF-8
 * message "end N" closes the stream. */
struct duplex
{
    struct run *t;
    struct conn *c;
    double seconds;
    ULONGLONG sent_messages, sent_bytes, received_messages, received_bytes;
    volatile LONG failed;
    char why[256];
};

#define DUPLEX_MAX (48 * 1024)

static DWORD duplex_size( ULONGLONG seq )
{
    return 16 + (DWORD)((seq * 7919) % (DUPLEX_MAX - 16));
}

static void duplex_fill( char *buf, ULONGLONG seq, DWORD size )
{
    DWORD i;
    memcpy( buf, &seq, 8 );
    memcpy( buf + 8, &size, 4 );
    memset( buf + 12, 0xa5, 4 );
    for (i = 16; i < size; i++) buf[i] = pattern_byte( (unsigned int)seq, i );
}

static void duplex_fail( struct duplex *d, const char *fmt, ... )
{
    va_list args;

    if (InterlockedExchange( &d->failed, 1 )) return;
    va_start( args, fmt );
    vsnprintf( d->why, sizeof(d->why), fmt, args );
    va_end( args );
}

static DWORD WINAPI duplex_sender( void *arg )
{
    struct duplex *d = arg;
    char *buf = malloc( DUPLEX_MAX ), end[32];
    double t0 = now();
    DWORD error, size;

    while (!d->failed && now() - t0 < d->seconds)
    {
        size = duplex_size( d->sent_messages );
        duplex_fill( buf, d->sent_messages, size );
        if ((error = ws_send( d->c, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, buf, size )))
        {
            duplex_fail( d, "send of message %llu: %s", d->sent_messages, error_name( error ) );
            break;
        }
        d->sent_messages++;
        d->sent_bytes += size;
    }
    sprintf( end, "end %llu", d->sent_messages );
    if (!d->failed && (error = ws_send( d->c, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, end, strlen( end ) )))
        duplex_fail( d, "send of \"%s\": %s", end, error_name( error ) );
    free( buf );
    return 0;
}

static DWORD WINAPI duplex_receiver( void *arg )
{
    struct duplex *d = arg;
    char *buf = malloc( DUPLEX_MAX + 64 ), *want = malloc( DUPLEX_MAX );
    struct run scratch;
    struct message m;

    memset( &scratch, 0, sizeof(scratch) );
    while (!d->failed)
    {
        if (!receive_message( &scratch, d->c, buf, DUPLEX_MAX + 64, DUPLEX_MAX + 64, &m, "duplex" ))
        {
            duplex_fail( d, "after %llu messages: %s", d->received_messages, scratch.why );
            break;
        }
        if (m.close) { duplex_fail( d, "a close frame after %llu messages", d->received_messages ); break; }
        if (m.utf8)
        {
            char end[32];
            buf[min( m.size, 31 )] = 0;
            sprintf( end, "end %llu", d->received_messages );
            if (strcmp( buf, end )) duplex_fail( d, "\"%s\" after %llu messages", buf, d->received_messages );
            break;
        }
        if (m.size != duplex_size( d->received_messages ))
        {
            duplex_fail( d, "message %llu: %lu bytes, expected %lu", d->received_messages, m.size,
                         duplex_size( d->received_messages ) );
            break;
        }
        duplex_fill( want, d->received_messages, m.size );
        if (memcmp( buf, want, m.size ))
        {
            duplex_fail( d, "message %llu differs at byte %lu", d->received_messages,
                         (DWORD)first_difference( buf, want, m.size ) );
            break;
        }
        d->received_messages++;
        d->received_bytes += m.size;
    }
    free( buf );
    free( want );
    return 0;
}

static void case_full_duplex( struct run *t )
{
    struct duplex *dp = calloc( 1, sizeof(*dp) ), d;
    HANDLE threads[2];
    DWORD wait;
    double t0;

    dp->t = t;
    dp->seconds = duplex_seconds;
    if (!(dp->c = ws_open( t, "/echo" ))) return;
    t0 = now();
    threads[0] = CreateThread( NULL, 0, duplex_receiver, dp, 0, NULL );
    threads[1] = CreateThread( NULL, 0, duplex_sender, dp, 0, NULL );
    wait = WaitForMultipleObjects( 2, threads, TRUE, (DWORD)(duplex_seconds * 1000) + OP_TIMEOUT_MS );
    t0 = now() - t0;
    if (wait == WAIT_TIMEOUT)
    {
        fail( t, "still running %.0f s after the sending stopped (%llu messages sent, %llu received)",
              t0 - duplex_seconds, dp->sent_messages, dp->received_messages );
        /* wakes the threads, which are left behind with dp */
        WinHttpCloseHandle( dp->c->socket );
        dp->c->socket = NULL;
        return;
    }
    CloseHandle( threads[0] );
    CloseHandle( threads[1] );
    d = *dp;
    free( dp );
    if (d.failed) fail( t, "%s", d.why );
    else if (d.received_messages != d.sent_messages) fail( t, "%llu messages sent, %llu echoed", d.sent_messages,
                                                          d.received_messages );
    else
    {
        note( t, "%llu messages, %.1f MiB each way in %.2f s, every byte checked", d.sent_messages,
              d.sent_bytes / 1048576.0, t0 );
        expect_error( t, ws_close( d.c, 1000, NULL, 0 ), 0, "WinHttpWebSocketClose" );
    }
    ws_end( t, d.c );
}

/* ---- the list ---- */

#define CASE_BIG        1   /* 16 MiB: run only when named */
#define CASE_ASYNC_ONLY 2

struct test_case
{
    const char *name;
    void (*func)( struct run * );
    unsigned int flags;
};

static const struct test_case cases[] =
{
    { "binary-small", case_binary_small },
    { "utf8-small", case_utf8_small },
    { "binary-medium", case_binary_medium },
    { "utf8-medium", case_utf8_medium },
    { "binary-1MiB", case_binary_1m },
    { "utf8-1MiB", case_utf8_1m },
    { "binary-16MiB", case_binary_16m, CASE_BIG },
    { "utf8-16MiB", case_utf8_16m, CASE_BIG },
    { "send-fragments-binary", case_fragments_binary },
    { "send-fragments-utf8", case_fragments_utf8 },
    { "fragment-type-mismatch", case_fragment_type_mismatch },
    { "small-buffer-binary", case_small_buffer_binary },
    { "small-buffer-utf8", case_small_buffer_utf8 },
    { "server-fragments", case_server_fragments },
    { "ping-pong", case_ping_pong },
    { "close-client", case_close_client },
    { "shutdown-client", case_shutdown_client },
    { "close-server", case_close_server },
    { "close-server-empty", case_close_server_empty },
    { "close-status-values", case_close_status_values },
    { "close-abnormal", case_close_abnormal },
    { "close-during-receive", case_close_during_receive, CASE_ASYNC_ONLY },
    { "shutdown-during-receive", case_shutdown_during_receive, CASE_ASYNC_ONLY },
    { "close-handle-during-receive", case_close_handle_during_receive },
    { "invalid-params", case_invalid_params },
    { "full-duplex", case_full_duplex },
};

static DWORD WINAPI case_thread( void *arg )
{
    struct run *t = arg;
    t->tc->func( t );
    return 0;
}

/* Runs one case on a thread of its own, so that a hang is reported and the
 * next case still runs. TRUE when it passed. */
static BOOL run_case( const struct test_case *tc )
{
    struct run *t = calloc( 1, sizeof(*t) );
    HANDLE thread;
    double t0 = now();
    BOOL ok;
    LONG i;

    t->tc = tc;
    thread = CreateThread( NULL, 0, case_thread, t, 0, NULL );
    if (WaitForSingleObject( thread, case_timeout_ms ))
    {
        printf( "FAIL %s/%s: still running after %lu s%s%s (connections closed to end it)\n", mode_name, tc->name,
                case_timeout_ms / 1000, t->why[0] ? "; " : "", t->why );
        fflush( stdout );
        for (i = 0; i < t->nconns && i < MAX_CONNS; i++)
            if (t->conns[i] && t->conns[i]->socket) WinHttpCloseHandle( t->conns[i]->socket );
        WaitForSingleObject( thread, 3000 );
        return FALSE;   /* the run stays allocated: the thread may still use it */
    }
    CloseHandle( thread );
    ok = !t->why[0];
    if (ok) printf( "ok   %s/%s (%s%s%.2f s)\n", mode_name, tc->name, t->note, t->note[0] ? "; " : "", now() - t0 );
    else printf( "FAIL %s/%s: %s\n", mode_name, tc->name, t->why );
    fflush( stdout );
    free( t );
    return ok;
}

static BOOL parse_base( const WCHAR *base )
{
    const WCHAR *p;
    size_t len;

    if (!wcsncmp( base, L"ws://", 5 )) p = base + 5;
    else if (!wcsncmp( base, L"wss://", 6 )) { p = base + 6; secure = TRUE; }
    else return FALSE;
    len = wcscspn( p, L":/" );
    if (!len || len >= ARRAYSIZE(host) || p[len] != ':') return FALSE;
    memcpy( host, p, len * sizeof(WCHAR) );
    host[len] = 0;
    port = (INTERNET_PORT)_wtoi( p + len + 1 );
    return port != 0;
}

static void usage( void )
{
    printf( "usage: wsclient.exe [--async] [--insecure] [--seconds S] [--case-timeout S] ws[s]://HOST:PORT [CASE...]\n"
            "       wsclient.exe --list\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    int i, passed = 0, failed = 0, first;
    unsigned int j;
    char name[128];

    for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
        if (!wcscmp( argv[i], L"--list" ))
        {
            for (j = 0; j < ARRAYSIZE(cases); j++)
                printf( "%s%s\n", cases[j].name, cases[j].flags & CASE_BIG ? " (named only)" :
                        cases[j].flags & CASE_ASYNC_ONLY ? " (--async only)" : "" );
            return 0;
        }
        else if (!wcscmp( argv[i], L"--async" )) { async_mode = TRUE; mode_name = "async"; }
        else if (!wcscmp( argv[i], L"--insecure" )) insecure = TRUE;
        else if (!wcscmp( argv[i], L"--seconds" ) && i + 1 < argc) duplex_seconds = _wtof( argv[++i] );
        else if (!wcscmp( argv[i], L"--case-timeout" ) && i + 1 < argc) case_timeout_ms = _wtoi( argv[++i] ) * 1000;
        else usage();
    }
    if (i >= argc || !parse_base( argv[i] ) || duplex_seconds <= 0 || !case_timeout_ms) usage();
    if (secure) mode_name = async_mode ? "wss-async" : "wss-sync";
    first = ++i;

    for (j = 0; j < ARRAYSIZE(cases); j++)
    {
        BOOL named = FALSE;
        for (i = first; i < argc; i++)
        {
            WideCharToMultiByte( CP_UTF8, 0, argv[i], -1, name, sizeof(name), NULL, NULL );
            if (!strcmp( name, cases[j].name )) named = TRUE;
        }
        if (first < argc ? !named : (cases[j].flags & CASE_BIG) != 0) continue;
        if ((cases[j].flags & CASE_ASYNC_ONLY) && !async_mode)
        {
            if (named) printf( "skip %s/%s: asynchronous only\n", mode_name, cases[j].name );
            continue;
        }
        if (run_case( &cases[j] )) passed++;
        else failed++;
    }
    for (i = first; i < argc; i++)
    {
        WideCharToMultiByte( CP_UTF8, 0, argv[i], -1, name, sizeof(name), NULL, NULL );
        for (j = 0; j < ARRAYSIZE(cases); j++) if (!strcmp( name, cases[j].name )) break;
        if (j == ARRAYSIZE(cases)) { printf( "FAIL %s/%s: no such case\n", mode_name, name ); failed++; }
    }
    printf( "wsclient: %d passed, %d failed\n", passed, failed );
    fflush( stdout );
    /* threads of timed-out cases may still be blocked in WinHTTP */
    ExitProcess( failed ? 1 : 0 );
}
