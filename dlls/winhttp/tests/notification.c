/*
 * Conformance tests for asynchronous requests: the status callbacks, their order
 * and payloads, errors, notification masks, contexts, and cancellation by close.
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
 * Where each expectation about Windows comes from:
 *   [doc]     Microsoft's documentation: WINHTTP_STATUS_CALLBACK (what each
 *             status carries), WinHttpSetStatusCallback (masks), WinHttpReadData,
 *             WINHTTP_ASYNC_RESULT, and "Concurrency in WinHTTP" (closing a
 *             handle cancels its pending operation; closing a parent does not;
 *             the next operation may start inside a completion callback);
 *   [notif]   sequences recorded on Windows by Wine's dlls/winhttp/tests/notification.c:
 *             the order of the informational notifications, the ones Windows
 *             may or may not send (there NF_ALLOW: here OPT), that a kept-alive
 *             connection is reused without RESOLVING/CONNECTING notifications,
 *             even by another session, and that a connection the server closes
 *             is not reported closed before the READ_COMPLETE of its last bytes;
 *   [winhttp] recorded on Windows by Wine's dlls/winhttp/tests/winhttp.c (the
 *             errors of a refused connection and of a response without a status line);
 *   [dotnet]  what .NET's WinHttpHandler relies on: a pending operation that is
 *             cancelled by closing its handle ends with REQUEST_ERROR carrying
 *             ERROR_WINHTTP_OPERATION_CANCELLED, for every API_* id;
 *   [report]  a server closing the connection before answering gives error 12152;
 *   [design]  our own design's rules where Windows' answer is recorded nowhere we
 *             found (a second operation while one is pending fails with
 *             ERROR_WINHTTP_INCORRECT_HANDLE_STATE and no second completion comes);
 *   [unsure]  not recorded anywhere: every reasonable answer is accepted.
 *
 * Every server here is a thread of this process listening on 127.0.0.1; nothing
 * reaches the network. Every wait is bounded. The callback records what it gets
 * and never calls ok(): the checks run on the main thread.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <windef.h>
#include <winbase.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <winhttp.h>

#include "wine/test.h"

#define WAIT_MS          10000  /* the longest a check waits for a notification */
#define CANCEL_MS        2000   /* a close ends a pending operation within this */
#define QUIET_MS         300    /* how long "nothing more arrives" is watched */
#define MAX_EVENTS       128    /* notifications one recorder keeps */
#define MAX_RECORDERS    400
#define RACE_ITERATIONS  70     /* per kind of pending operation */
#define RACE_BUDGET_MS   5000   /* per kind of pending operation */
#define BIG_SIZE         (65536 + 1234)

#define STATUS(x) WINHTTP_CALLBACK_STATUS_##x

#define COMPLETIONS (STATUS(SENDREQUEST_COMPLETE) | STATUS(HEADERS_AVAILABLE) | STATUS(DATA_AVAILABLE) | \
                     STATUS(READ_COMPLETE) | STATUS(WRITE_COMPLETE) | STATUS(REQUEST_ERROR))

static const char response_ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
static const char response_keepalive[] = "HTTP/1.1 200 OK\r\nServer: winetest\r\nConnection: keep-alive\r\n"
                                         "Content-Length: 1\r\n\r\nX";
static const char response_close[] = "HTTP/1.1 200 OK\r\nServer: winetest\r\nContent-Length: 2\r\n"
                                     "Connection: close\r\n\r\nyy";
static const char response_redirect[] = "HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n";
static const char response_late[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate";
static const char response_stall[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789";
static const char stall_rest[] = "abcdefghij";
static const char response_garbage[] = "<HTML>\r\n<HEAD><TITLE>no status line</TITLE></HEAD>\r\n"
                                       "<BODY>nothing</BODY>\r\n</HTML>\r\n\r\n";

static unsigned int random_state;

static unsigned int rnd( void )
{
    random_state = random_state * 1103515245 + 12345;
    return (random_state >> 16) & 0x7fff;
}

static BYTE big_byte( size_t i )
{
    return (BYTE)(i * 7 + (i >> 8));
}

static const char *wstr( const WCHAR *str )
{
    static char buffers[8][256];
    static unsigned int next;
    char *buf = buffers[next++ % ARRAY_SIZE(buffers)];
    int len;

    if (!str) return "(null)";
    buf[0] = '"';
    len = WideCharToMultiByte( CP_UTF8, 0, str, -1, buf + 1, sizeof(buffers[0]) - 3, NULL, NULL );
    if (!len) len = 1;
    buf[len] = '"';
    buf[len + 1] = 0;
    return buf;
}

static const char *status_name( DWORD status )
{
    static char buffers[4][16];
    static unsigned int next;
    char *buf;

    switch (status)
    {
#define X(s) case STATUS(s): return #s
    X(RESOLVING_NAME);
    X(NAME_RESOLVED);
    X(CONNECTING_TO_SERVER);
    X(CONNECTED_TO_SERVER);
    X(SENDING_REQUEST);
    X(REQUEST_SENT);
    X(RECEIVING_RESPONSE);
    X(RESPONSE_RECEIVED);
    X(CLOSING_CONNECTION);
    X(CONNECTION_CLOSED);
    X(HANDLE_CREATED);
    X(HANDLE_CLOSING);
    X(DETECTING_PROXY);
    X(REDIRECT);
    X(INTERMEDIATE_RESPONSE);
    X(SECURE_FAILURE);
    X(HEADERS_AVAILABLE);
    X(DATA_AVAILABLE);
    X(READ_COMPLETE);
    X(WRITE_COMPLETE);
    X(REQUEST_ERROR);
    X(SENDREQUEST_COMPLETE);
#undef X
    }
    buf = buffers[next++ % ARRAY_SIZE(buffers)];
    sprintf( buf, "%#lx", status );
    return buf;
}

/*
 * Recording the notifications.
 */

struct event
{
    HINTERNET handle;
    DWORD_PTR context;
    DWORD status;
    const void *info;
    DWORD len;
    DWORD value;                    /* DWORD payloads */
    WINHTTP_ASYNC_RESULT result;    /* REQUEST_ERROR */
    HINTERNET payload_handle;       /* HANDLE_CREATED, HANDLE_CLOSING */
    WCHAR str[64];                  /* string payloads */
    char data[32];                  /* READ_COMPLETE: the first bytes */
    DWORD thread;
    DWORD tick;
};

struct recorder
{
    CRITICAL_SECTION cs;
    HANDLE signal;                  /* set after each notification */
    struct event events[MAX_EVENTS];
    unsigned int count;
    LONG lost;                      /* notifications past MAX_EVENTS */
    /* what the callback does */
    DWORD close_on;                 /* statuses on which the callback closes the handle */
    LONG close_claimed;             /* the handle was (or is being) closed, by whoever */
    LONG closed_inside;             /* ... by the callback */
    DWORD close_tick;
    DWORD close_error;              /* the last error of a failed close inside the callback */
    BOOL chain;                     /* each completion starts the next operation */
    LONG ops;                       /* operations started whose call returned TRUE */
    LONG chain_failed;              /* operations a callback could not start */
    DWORD chain_error;
    LONG finished;                  /* the chain has read the body to its end */
    char read_buf[4096];
    DWORD read_size;
    char *body;
    size_t body_len, body_size;
    /* for the final checks */
    HINTERNET handle;               /* the request it records */
    BOOL check_closing;
};

static struct recorder *recorders;  /* a pool, so that a context value can be checked */
static LONG recorder_count;
static LONG stray_callbacks;        /* notifications with a context that is no recorder */
static DWORD stray_status;

static struct recorder *find_recorder( DWORD_PTR context )
{
    ULONG_PTR base = (ULONG_PTR)recorders, offset = context - base;

    if (!recorders || context < base || offset >= (ULONG_PTR)recorder_count * sizeof(struct recorder)) return NULL;
    if (offset % sizeof(struct recorder)) return NULL;
    return (struct recorder *)context;
}

static struct recorder *new_recorder( void )
{
    struct recorder *rec;

    if (recorder_count >= MAX_RECORDERS) return NULL;
    rec = &recorders[recorder_count];
    memset( rec, 0, sizeof(*rec) );
    InitializeCriticalSection( &rec->cs );
    rec->signal = CreateEventW( NULL, FALSE, FALSE, NULL );
    rec->read_size = sizeof(rec->read_buf);
    InterlockedIncrement( &recorder_count );
    return rec;
}

static void body_append( struct recorder *rec, const void *data, size_t len )
{
    if (rec->body_len + len > rec->body_size)
    {
        size_t size = max( rec->body_size * 2, rec->body_len + len + 1024 );
        char *body = realloc( rec->body, size );
        if (!body) return;
        rec->body = body;
        rec->body_size = size;
    }
    memcpy( rec->body + rec->body_len, data, len );
    rec->body_len += len;
}

/* From a completion: the next operation of a plain GET, started inside the callback. */
static void chain_next( struct recorder *rec, HINTERNET handle, DWORD status, void *info, DWORD len )
{
    BOOL ret = TRUE, started = TRUE;
    DWORD available;

    switch (status)
    {
    case STATUS(SENDREQUEST_COMPLETE):
        InterlockedIncrement( &rec->ops );
        ret = WinHttpReceiveResponse( handle, NULL );
        break;
    case STATUS(HEADERS_AVAILABLE):
        InterlockedIncrement( &rec->ops );
        ret = WinHttpQueryDataAvailable( handle, NULL );
        break;
    case STATUS(DATA_AVAILABLE):
        available = info ? *(DWORD *)info : 0;
        if (!available)
        {
            started = FALSE;
            InterlockedExchange( &rec->finished, 1 );
            break;
        }
        InterlockedIncrement( &rec->ops );
        ret = WinHttpReadData( handle, rec->read_buf, min( available, rec->read_size ), NULL );
        break;
    case STATUS(READ_COMPLETE):
        if (!len)
        {
            started = FALSE;
            InterlockedExchange( &rec->finished, 1 );
            break;
        }
        if (info) body_append( rec, info, len );
        InterlockedIncrement( &rec->ops );
        ret = WinHttpQueryDataAvailable( handle, NULL );
        break;
    default:
        started = FALSE;
        break;
    }
    if (started && !ret)
    {
        rec->chain_error = GetLastError();
        InterlockedDecrement( &rec->ops );
        InterlockedIncrement( &rec->chain_failed );
    }
}

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    struct recorder *rec = find_recorder( context );
    struct event *ev = NULL;
    DWORD error = GetLastError();
    unsigned int i;

    if (!rec)
    {
        stray_status = status;
        InterlockedIncrement( &stray_callbacks );
        return;
    }

    EnterCriticalSection( &rec->cs );
    if (rec->count < MAX_EVENTS) ev = &rec->events[rec->count];
    else rec->lost++;
    if (ev)
    {
        memset( ev, 0, sizeof(*ev) );
        ev->handle = handle;
        ev->context = context;
        ev->status = status;
        ev->info = info;
        ev->len = len;
        ev->thread = GetCurrentThreadId();
        ev->tick = GetTickCount();
        switch (status)
        {
        case STATUS(RESOLVING_NAME):
        case STATUS(NAME_RESOLVED):
        case STATUS(CONNECTING_TO_SERVER):
        case STATUS(CONNECTED_TO_SERVER):
        case STATUS(REDIRECT):
            for (i = 0; info && i < ARRAY_SIZE(ev->str) - 1 && ((const WCHAR *)info)[i]; i++)
                ev->str[i] = ((const WCHAR *)info)[i];
            break;
        case STATUS(REQUEST_SENT):
        case STATUS(RESPONSE_RECEIVED):
        case STATUS(DATA_AVAILABLE):
        case STATUS(WRITE_COMPLETE):
        case STATUS(INTERMEDIATE_RESPONSE):
            if (info) ev->value = *(const DWORD *)info;
            break;
        case STATUS(READ_COMPLETE):
            if (info) memcpy( ev->data, info, min( len, sizeof(ev->data) ) );
            break;
        case STATUS(REQUEST_ERROR):
            if (info) memcpy( &ev->result, info, sizeof(ev->result) );
            break;
        case STATUS(HANDLE_CREATED):
        case STATUS(HANDLE_CLOSING):
            if (info) ev->payload_handle = *(HINTERNET *)info;
            break;
        }
        rec->count++;
    }
    LeaveCriticalSection( &rec->cs );

    if (rec->chain && (status & COMPLETIONS)) chain_next( rec, handle, status, info, len );
    if ((status & rec->close_on) && !InterlockedCompareExchange( &rec->close_claimed, 1, 0 ))
    {
        rec->close_tick = GetTickCount();
        InterlockedExchange( &rec->closed_inside, 1 );
        if (!WinHttpCloseHandle( handle )) rec->close_error = GetLastError();
    }
    SetEvent( rec->signal );
    SetLastError( error );
}

static unsigned int rec_count( struct recorder *rec )
{
    unsigned int count;

    EnterCriticalSection( &rec->cs );
    count = rec->count;
    LeaveCriticalSection( &rec->cs );
    return count;
}

/* The first notification at or after index from whose status is in mask; -1 after timeout ms. */
static int wait_event( struct recorder *rec, unsigned int from, DWORD mask, DWORD timeout )
{
    DWORD start = GetTickCount(), elapsed;
    unsigned int i;
    int found;

    for (;;)
    {
        found = -1;
        EnterCriticalSection( &rec->cs );
        for (i = from; i < rec->count; i++)
            if (rec->events[i].status & mask)
            {
                found = i;
                break;
            }
        LeaveCriticalSection( &rec->cs );
        if (found >= 0) return found;
        elapsed = GetTickCount() - start;
        if (elapsed >= timeout) return -1;
        WaitForSingleObject( rec->signal, min( timeout - elapsed, 50 ) );
    }
}

static BOOL wait_flag( struct recorder *rec, LONG *flag, DWORD timeout )
{
    DWORD start = GetTickCount(), elapsed;

    for (;;)
    {
        if (InterlockedCompareExchange( flag, 0, 0 )) return TRUE;
        elapsed = GetTickCount() - start;
        if (elapsed >= timeout) return FALSE;
        WaitForSingleObject( rec->signal, min( timeout - elapsed, 50 ) );
    }
}

static unsigned int count_status( struct recorder *rec, unsigned int from, unsigned int to, DWORD mask )
{
    unsigned int i, count = 0;

    for (i = from; i < to && i < rec->count; i++) if (rec->events[i].status & mask) count++;
    return count;
}

static const struct event *find_status( struct recorder *rec, unsigned int from, unsigned int to, DWORD status )
{
    unsigned int i;

    for (i = from; i < to && i < rec->count; i++) if (rec->events[i].status == status) return &rec->events[i];
    return NULL;
}

/* the notifications [from, to) that are in mask, as text */
static const char *sequence_text( struct recorder *rec, unsigned int from, unsigned int to, DWORD mask )
{
    static char buffers[2][2048];
    static unsigned int next;
    char *buf = buffers[next++ % ARRAY_SIZE(buffers)], *p = buf;
    unsigned int i;

    *p = 0;
    for (i = from; i < to && i < rec->count && p < buf + sizeof(buffers[0]) - 64; i++)
    {
        const struct event *ev = &rec->events[i];
        if (!(ev->status & mask)) continue;
        p += sprintf( p, "%s%s", p == buf ? "" : " ", status_name( ev->status ) );
        if (ev->status == STATUS(REQUEST_ERROR))
            p += sprintf( p, "(%lu,%lu)", (unsigned long)ev->result.dwResult, ev->result.dwError );
        else if (ev->status == STATUS(READ_COMPLETE) || ev->status == STATUS(DATA_AVAILABLE) ||
                 ev->status == STATUS(WRITE_COMPLETE))
            p += sprintf( p, "(%lu)", ev->status == STATUS(READ_COMPLETE) ? ev->len : ev->value );
    }
    if (p == buf) strcpy( buf, "(nothing)" );
    return buf;
}

struct expect
{
    DWORD status;
    DWORD flags;
};

#define OPT   0x1   /* Windows may or may not send it */
#define MULTI 0x2   /* it may come more than once */

static const char *expect_text( const struct expect *exp, unsigned int n )
{
    static char buf[1024];
    char *p = buf;
    unsigned int i;

    *p = 0;
    for (i = 0; i < n; i++)
        p += sprintf( p, "%s%s%s%s%s", i ? " " : "", (exp[i].flags & OPT) ? "[" : "", status_name( exp[i].status ),
                      (exp[i].flags & MULTI) ? "+" : "", (exp[i].flags & OPT) ? "]" : "" );
    return buf;
}

/* Do the notifications [from, to) that are in mask follow exp? */
static BOOL match_sequence( struct recorder *rec, unsigned int from, unsigned int to, DWORD mask,
                            const struct expect *exp, unsigned int n, char *why )
{
    unsigned int i, e = 0;
    BOOL repeated = FALSE;

    for (i = from; i < to && i < rec->count; i++)
    {
        DWORD status = rec->events[i].status;

        if (!(status & mask)) continue;
        for (;;)
        {
            if (e >= n)
            {
                sprintf( why, "unexpected %s", status_name( status ) );
                return FALSE;
            }
            if (exp[e].status == status) break;
            if ((exp[e].flags & OPT) || repeated)
            {
                e++;
                repeated = FALSE;
                continue;
            }
            sprintf( why, "expected %s, got %s", status_name( exp[e].status ), status_name( status ) );
            return FALSE;
        }
        if (exp[e].flags & MULTI) repeated = TRUE;
        else e++;
    }
    while (e < n && ((exp[e].flags & OPT) || repeated))
    {
        e++;
        repeated = FALSE;
    }
    if (e < n)
    {
        sprintf( why, "missing %s", status_name( exp[e].status ) );
        return FALSE;
    }
    return TRUE;
}

#define check_sequence(rec, from, to, exp) check_sequence_( __LINE__, rec, from, to, ~0u, exp, ARRAY_SIZE(exp) )
#define check_sequence_mask(rec, from, to, mask, exp) check_sequence_( __LINE__, rec, from, to, mask, exp, ARRAY_SIZE(exp) )
static BOOL check_sequence_( unsigned int line, struct recorder *rec, unsigned int from, unsigned int to,
                             DWORD mask, const struct expect *exp, unsigned int n )
{
    char why[128];
    BOOL ret;

    EnterCriticalSection( &rec->cs );
    ret = match_sequence( rec, from, to, mask, exp, n, why );
    ok_( __FILE__, line )( ret, "%s: expected %s; got %s\n", why, expect_text( exp, n ),
                           sequence_text( rec, from, to, mask ) );
    LeaveCriticalSection( &rec->cs );
    return ret;
}

/* Waits for the completion of an operation whose notifications start at index from;
 * checks it is the expected one. Returns its index, or -1. */
#define wait_completion(rec, from, status) wait_completion_( __LINE__, rec, from, status, WAIT_MS )
static int wait_completion_( unsigned int line, struct recorder *rec, unsigned int from, DWORD status, DWORD timeout )
{
    int i = wait_event( rec, from, COMPLETIONS, timeout );

    ok_( __FILE__, line )( i >= 0, "no completion in %lu ms; got %s\n", timeout,
                           sequence_text( rec, from, ~0u, ~0u ) );
    if (i < 0) return -1;
    ok_( __FILE__, line )( rec->events[i].status == status, "expected %s, got %s (%lu, %lu)\n", status_name( status ),
                           status_name( rec->events[i].status ), (unsigned long)rec->events[i].result.dwResult,
                           rec->events[i].result.dwError );
    return rec->events[i].status == status ? i : -1;
}

/* checks a REQUEST_ERROR notification */
#define check_error(rec, i, api, error) check_error_( __LINE__, rec, i, api, error )
static void check_error_( unsigned int line, struct recorder *rec, int i, DWORD_PTR api, DWORD error )
{
    const struct event *ev;

    ok_( __FILE__, line )( i >= 0, "no REQUEST_ERROR: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    if (i < 0) return;
    ev = &rec->events[i];
    ok_( __FILE__, line )( ev->status == STATUS(REQUEST_ERROR), "got %s\n", status_name( ev->status ) );
    ok_( __FILE__, line )( ev->info != NULL && ev->len == sizeof(WINHTTP_ASYNC_RESULT),
                           "WINHTTP_ASYNC_RESULT %p, length %lu\n", ev->info, ev->len );
    ok_( __FILE__, line )( ev->result.dwResult == api, "dwResult %lu, expected %lu\n", (unsigned long)ev->result.dwResult,
                           (unsigned long)api );
    ok_( __FILE__, line )( ev->result.dwError == error, "dwError %lu, expected %lu\n", ev->result.dwError, error );
}

/* Watches for QUIET_MS: nothing may arrive after index from. */
#define check_quiet(rec, from) check_quiet_( __LINE__, rec, from )
static void check_quiet_( unsigned int line, struct recorder *rec, unsigned int from )
{
    Sleep( QUIET_MS );
    ok_( __FILE__, line )( rec_count( rec ) == from, "unexpected notifications: %s\n",
                           sequence_text( rec, from, ~0u, ~0u ) );
}

/*
 * Starting operations: each one whose call returns TRUE owes exactly one completion.
 */

static BOOL send_async( struct recorder *rec, HINTERNET req, const WCHAR *headers, DWORD total, DWORD_PTR context )
{
    BOOL ret;

    InterlockedIncrement( &rec->ops );
    SetLastError( 0xdeadbeef );
    if (!(ret = WinHttpSendRequest( req, headers, headers ? ~0u : 0, NULL, 0, total, context )))
        InterlockedDecrement( &rec->ops );
    return ret;
}

static BOOL receive_async( struct recorder *rec, HINTERNET req )
{
    BOOL ret;

    InterlockedIncrement( &rec->ops );
    SetLastError( 0xdeadbeef );
    if (!(ret = WinHttpReceiveResponse( req, NULL ))) InterlockedDecrement( &rec->ops );
    return ret;
}

static BOOL query_async( struct recorder *rec, HINTERNET req )
{
    BOOL ret;

    InterlockedIncrement( &rec->ops );
    SetLastError( 0xdeadbeef );
    if (!(ret = WinHttpQueryDataAvailable( req, NULL ))) InterlockedDecrement( &rec->ops );
    return ret;
}

static BOOL read_async( struct recorder *rec, HINTERNET req, void *buf, DWORD size )
{
    BOOL ret;

    InterlockedIncrement( &rec->ops );
    SetLastError( 0xdeadbeef );
    if (!(ret = WinHttpReadData( req, buf, size, NULL ))) InterlockedDecrement( &rec->ops );
    return ret;
}

static BOOL write_async( struct recorder *rec, HINTERNET req, const void *buf, DWORD size )
{
    BOOL ret;

    InterlockedIncrement( &rec->ops );
    SetLastError( 0xdeadbeef );
    if (!(ret = WinHttpWriteData( req, buf, size, NULL ))) InterlockedDecrement( &rec->ops );
    return ret;
}

/* closes the request unless somebody (the callback) already did */
static BOOL close_request( struct recorder *rec, HINTERNET req )
{
    if (InterlockedCompareExchange( &rec->close_claimed, 1, 0 )) return TRUE;
    rec->close_tick = GetTickCount();
    return WinHttpCloseHandle( req );
}

/*
 * Handles.
 */

static void set_context( HINTERNET handle, struct recorder *rec )
{
    DWORD_PTR context = (DWORD_PTR)rec;
    BOOL ret;

    ret = WinHttpSetOption( handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) );
    ok( ret, "setting the context failed, error %lu\n", GetLastError() );
}

static HINTERNET open_session( struct recorder *rec, DWORD mask )
{
    WINHTTP_STATUS_CALLBACK prev;
    HINTERNET ses;

    ses = WinHttpOpen( L"winetest notification", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC );
    ok( ses != NULL, "WinHttpOpen failed, error %lu\n", GetLastError() );
    if (!ses) return NULL;
    if (rec) set_context( ses, rec );
    prev = WinHttpSetStatusCallback( ses, callback, mask, 0 );
    ok( prev != WINHTTP_INVALID_STATUS_CALLBACK, "WinHttpSetStatusCallback failed, error %lu\n", GetLastError() );
    return ses;
}

static HINTERNET connect_to( HINTERNET ses, const WCHAR *host, INTERNET_PORT port )
{
    HINTERNET con = WinHttpConnect( ses, host, port, 0 );

    ok( con != NULL, "WinHttpConnect failed, error %lu\n", GetLastError() );
    return con;
}

static HINTERNET open_request( HINTERNET con, const WCHAR *verb, const WCHAR *path, struct recorder *rec )
{
    HINTERNET req = WinHttpOpenRequest( con, verb, path, NULL, NULL, NULL, 0 );

    ok( req != NULL, "WinHttpOpenRequest failed, error %lu\n", GetLastError() );
    if (req && rec)
    {
        set_context( req, rec );
        rec->handle = req;
        rec->check_closing = TRUE;
    }
    return req;
}

static void close_handle( HINTERNET handle )
{
    BOOL ret = WinHttpCloseHandle( handle );
    ok( ret, "WinHttpCloseHandle failed, error %lu\n", GetLastError() );
}

static DWORD status_code( HINTERNET req )
{
    DWORD code = 0, size = sizeof(code);

    if (!WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &code, &size, NULL ))
        return 0;
    return code;
}

/*
 * The servers.
 */

struct server
{
    SOCKET listener;
    INTERNET_PORT port;
    HANDLE thread;
    volatile LONG quit;
    HANDLE release;             /* manual reset: silent and stalled answers go on */
    LONG accepted;              /* connections so far */
    LONG running;               /* connection threads alive */
    CRITICAL_SECTION cs;
    unsigned int requests;      /* requests read so far */
    char path[64];              /* the last request's */
    size_t head_len;
    char body[64];
    size_t body_len;
    LONG conn;                  /* the connection it came on, counted from 1 */
};

struct conn
{
    struct server *server;
    SOCKET s;
    LONG id;
    char buf[8192];
    size_t len;
};

/* 1 when the socket is readable, 0 when release is set, -1 when the server quits */
static int conn_wait( struct conn *c, HANDLE release )
{
    for (;;)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;
        int ret;

        if (c->server->quit) return -1;
        if (release && !WaitForSingleObject( release, 0 )) return 0;
        FD_ZERO( &set );
        FD_SET( c->s, &set );
        if ((ret = select( 0, &set, NULL, NULL, &tv )) < 0) return -1;
        if (ret) return 1;
    }
}

static BOOL send_str( struct conn *c, const char *str )
{
    size_t len = strlen( str );

    while (len)
    {
        int ret = send( c->s, str, (int)min( len, 65536 ), 0 );
        if (ret <= 0) return FALSE;
        str += ret;
        len -= ret;
    }
    return TRUE;
}

static size_t content_length( const char *head )
{
    const char *p = head;

    while ((p = strchr( p, '\n' )))
    {
        p++;
        if (!_strnicmp( p, "Content-Length:", 15 )) return strtoul( p + 15, NULL, 10 );
    }
    return 0;
}

/* One request off the connection: 1 when read, 0 when the peer closed first, -1 otherwise. */
static int read_request( struct conn *c, char *path, size_t *head_len, char *body, size_t *body_len )
{
    size_t need, hlen;
    char *end;
    int ret;

    for (;;)
    {
        c->buf[c->len] = 0;
        if ((end = strstr( c->buf, "\r\n\r\n" ))) break;
        if (c->len >= sizeof(c->buf) - 1 || conn_wait( c, NULL ) < 0) return -1;
        if ((ret = recv( c->s, c->buf + c->len, (int)(sizeof(c->buf) - 1 - c->len), 0 )) <= 0)
            return (!ret && !c->len) ? 0 : -1;
        c->len += ret;
    }
    hlen = end + 4 - c->buf;
    *head_len = hlen;
    if (sscanf( c->buf, "%*s %63s", path ) != 1) path[0] = 0;
    need = hlen + content_length( c->buf );
    while (c->len < need)
    {
        if (need >= sizeof(c->buf) || conn_wait( c, NULL ) < 0) return -1;
        if ((ret = recv( c->s, c->buf + c->len, (int)(sizeof(c->buf) - 1 - c->len), 0 )) <= 0) return -1;
        c->len += ret;
    }
    *body_len = min( need - hlen, 63 );
    memcpy( body, c->buf + hlen, *body_len );
    body[*body_len] = 0;
    memmove( c->buf, c->buf + need, c->len - need );
    c->len -= need;
    return 1;
}

static DWORD CALLBACK conn_thread( void *arg )
{
    struct conn *c = arg;
    struct server *server = c->server;
    char path[64], body[64], buf[256], *big;
    size_t head_len, body_len, i;
    DWORD start;
    BOOL keep = TRUE;
    int ret;

    while (keep && read_request( c, path, &head_len, body, &body_len ) > 0)
    {
        EnterCriticalSection( &server->cs );
        strcpy( server->path, path );
        server->head_len = head_len;
        memcpy( server->body, body, body_len + 1 );
        server->body_len = body_len;
        server->conn = c->id;
        server->requests++;
        LeaveCriticalSection( &server->cs );

        if (!strcmp( path, "/ok" )) keep = send_str( c, response_ok );
        else if (!strcmp( path, "/keepalive" )) keep = send_str( c, response_keepalive );
        else if (!strcmp( path, "/close" ))
        {
            send_str( c, response_close );
            keep = FALSE;
        }
        else if (!strcmp( path, "/redirect" )) keep = send_str( c, response_redirect );
        else if (!strcmp( path, "/post" ))
        {
            sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n%s", (unsigned int)body_len, body );
            keep = send_str( c, buf );
        }
        else if (!strcmp( path, "/big" ))
        {
            sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", BIG_SIZE );
            if ((big = malloc( BIG_SIZE + 1 )))
            {
                for (i = 0; i < BIG_SIZE; i++) big[i] = big_byte( i );
                big[BIG_SIZE] = 0;
                /* the pattern has NULs: send it as it is */
                keep = send_str( c, buf ) && send( c->s, big, BIG_SIZE, 0 ) == BIG_SIZE;
                free( big );
            }
            else keep = FALSE;
        }
        else if (!strcmp( path, "/silent" ))
        {
            /* no answer until released or the client goes */
            if (!conn_wait( c, server->release )) send_str( c, response_late );
            keep = FALSE;
        }
        else if (!strcmp( path, "/stall" ))
        {
            /* half of the body, the rest when released */
            send_str( c, response_stall );
            ret = conn_wait( c, server->release );
            keep = !ret && send_str( c, stall_rest );
        }
        else if (!strcmp( path, "/drop" )) keep = FALSE;
        else if (!strcmp( path, "/garbage" ))
        {
            send_str( c, response_garbage );
            keep = FALSE;
        }
        else keep = send_str( c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" );
    }

    /* FIN first, then a little time for the client's, so that nothing is reset */
    shutdown( c->s, SD_SEND );
    start = GetTickCount();
    while (GetTickCount() - start < 1000 && conn_wait( c, NULL ) > 0)
        if (recv( c->s, buf, sizeof(buf), 0 ) <= 0) break;
    closesocket( c->s );
    free( c );
    InterlockedDecrement( &server->running );
    return 0;
}

static DWORD CALLBACK server_thread( void *arg )
{
    struct server *server = arg;

    while (!server->quit)
    {
        struct timeval tv = { 0, 20000 };
        struct conn *c;
        HANDLE thread;
        fd_set set;
        SOCKET s;

        FD_ZERO( &set );
        FD_SET( server->listener, &set );
        if (select( 0, &set, NULL, NULL, &tv ) <= 0) continue;
        if ((s = accept( server->listener, NULL, NULL )) == INVALID_SOCKET) continue;
        if (!(c = calloc( 1, sizeof(*c) )))
        {
            closesocket( s );
            continue;
        }
        c->server = server;
        c->s = s;
        c->id = InterlockedIncrement( &server->accepted );
        InterlockedIncrement( &server->running );
        if ((thread = CreateThread( NULL, 0, conn_thread, c, 0, NULL ))) CloseHandle( thread );
        else
        {
            InterlockedDecrement( &server->running );
            closesocket( s );
            free( c );
        }
    }
    return 0;
}

static BOOL server_start( struct server *server )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);

    memset( server, 0, sizeof(*server) );
    server->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    if (server->listener == INVALID_SOCKET) return FALSE;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (bind( server->listener, (struct sockaddr *)&addr, sizeof(addr) ) ||
        listen( server->listener, SOMAXCONN ) ||
        getsockname( server->listener, (struct sockaddr *)&addr, &len ))
    {
        closesocket( server->listener );
        return FALSE;
    }
    server->port = ntohs( addr.sin_port );
    server->release = CreateEventW( NULL, TRUE, FALSE, NULL );
    InitializeCriticalSection( &server->cs );
    if (!(server->thread = CreateThread( NULL, 0, server_thread, server, 0, NULL )))
    {
        DeleteCriticalSection( &server->cs );
        CloseHandle( server->release );
        closesocket( server->listener );
        return FALSE;
    }
    return TRUE;
}

static void server_stop( struct server *server )
{
    DWORD start = GetTickCount();

    InterlockedExchange( &server->quit, 1 );
    WaitForSingleObject( server->thread, WAIT_MS );
    CloseHandle( server->thread );
    closesocket( server->listener );
    while (server->running && GetTickCount() - start < 5000) Sleep( 20 );
    if (server->running) return;  /* a connection thread is stuck: leave its state alone */
    CloseHandle( server->release );
    DeleteCriticalSection( &server->cs );
}

/* waits until the server has read count requests in all */
static BOOL server_wait( struct server *server, unsigned int count )
{
    DWORD start = GetTickCount();
    unsigned int requests;

    for (;;)
    {
        EnterCriticalSection( &server->cs );
        requests = server->requests;
        LeaveCriticalSection( &server->cs );
        if (requests >= count) return TRUE;
        if (GetTickCount() - start > WAIT_MS) return FALSE;
        Sleep( 10 );
    }
}

static unsigned int server_requests( struct server *server )
{
    unsigned int requests;

    EnterCriticalSection( &server->cs );
    requests = server->requests;
    LeaveCriticalSection( &server->cs );
    return requests;
}

/* A listening socket whose queue is full and that nobody accepts on: connecting to it
 * hangs. Where the system refuses instead (Windows resets such connections), works is FALSE. */
struct hang
{
    SOCKET listener;
    SOCKET fill[16];
    unsigned int nfill;
    INTERNET_PORT port;
    BOOL works;
};

static void hang_start( struct hang *hang )
{
    struct sockaddr_in addr;
    int len = sizeof(addr), err, err_len;
    u_long nonblocking = 1;
    unsigned int i;

    memset( hang, 0, sizeof(*hang) );
    hang->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    if (hang->listener == INVALID_SOCKET) return;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (bind( hang->listener, (struct sockaddr *)&addr, sizeof(addr) ) || listen( hang->listener, 0 ) ||
        getsockname( hang->listener, (struct sockaddr *)&addr, &len ))
        return;
    hang->port = ntohs( addr.sin_port );

    for (i = 0; i <= ARRAY_SIZE(hang->fill); i++)
    {
        struct timeval tv = { 0, 300000 };
        fd_set wset, eset;
        SOCKET s = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
        int ret;

        if (s == INVALID_SOCKET) return;
        ioctlsocket( s, FIONBIO, &nonblocking );
        if (connect( s, (struct sockaddr *)&addr, sizeof(addr) ) && WSAGetLastError() != WSAEWOULDBLOCK)
        {
            closesocket( s );
            return;
        }
        FD_ZERO( &wset );
        FD_SET( s, &wset );
        FD_ZERO( &eset );
        FD_SET( s, &eset );
        ret = select( 0, NULL, &wset, &eset, &tv );
        if (!ret)
        {
            /* this one hangs: so will the next */
            closesocket( s );
            hang->works = TRUE;
            return;
        }
        err = 0;
        err_len = sizeof(err);
        getsockopt( s, SOL_SOCKET, SO_ERROR, (char *)&err, &err_len );
        if (ret < 0 || err || !FD_ISSET( s, &wset ) || i == ARRAY_SIZE(hang->fill))
        {
            closesocket( s );
            return;
        }
        hang->fill[hang->nfill++] = s;
    }
}

static void hang_stop( struct hang *hang )
{
    unsigned int i;

    for (i = 0; i < hang->nfill; i++) closesocket( hang->fill[i] );
    if (hang->listener != INVALID_SOCKET) closesocket( hang->listener );
}

/* a port nothing listens on */
static INTERNET_PORT unused_port( void )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);
    SOCKET s = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    INTERNET_PORT port = 0;

    if (s == INVALID_SOCKET) return 0;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (!bind( s, (struct sockaddr *)&addr, sizeof(addr) ) && !getsockname( s, (struct sockaddr *)&addr, &len ))
        port = ntohs( addr.sin_port );
    closesocket( s );
    return port;
}

/*
 * The tests.
 */

static BOOL is_address( const WCHAR *str )
{
    return !wcscmp( str, L"127.0.0.1" ) || !wcscmp( str, L"::1" );
}

/* the payloads of the notifications of a new connection, [from, to) */
static void check_connect_payloads( struct recorder *rec, unsigned int from, unsigned int to, const WCHAR *host )
{
    const struct event *ev;
    unsigned int i;

    for (i = from; i < to && i < rec->count; i++)
    {
        ev = &rec->events[i];
        switch (ev->status)
        {
        case STATUS(RESOLVING_NAME):
            /* [doc] the server name being resolved */
            ok( ev->info != NULL && !wcscmp( ev->str, host ), "RESOLVING_NAME %s\n", wstr( ev->str ) );
            break;
        case STATUS(NAME_RESOLVED):
            /* [doc] "the name that was resolved"; [unsure] the address is accepted too */
            ok( ev->info != NULL && (!wcscmp( ev->str, host ) || is_address( ev->str )),
                "NAME_RESOLVED %s\n", wstr( ev->str ) );
            break;
        case STATUS(CONNECTING_TO_SERVER):
            /* [doc] the server's address */
            ok( ev->info != NULL && is_address( ev->str ), "CONNECTING_TO_SERVER %s\n", wstr( ev->str ) );
            break;
        case STATUS(CONNECTED_TO_SERVER):
            /* [doc] the address connected to: the servers here only listen on 127.0.0.1 */
            ok( ev->info != NULL && !wcscmp( ev->str, L"127.0.0.1" ), "CONNECTED_TO_SERVER %s\n", wstr( ev->str ) );
            break;
        case STATUS(SENDING_REQUEST):
        case STATUS(RECEIVING_RESPONSE):
        case STATUS(CLOSING_CONNECTION):
        case STATUS(CONNECTION_CLOSED):
            /* [doc] these carry nothing */
            ok( ev->info == NULL, "%s with %p\n", status_name( ev->status ), ev->info );
            break;
        case STATUS(REQUEST_SENT):
        case STATUS(RESPONSE_RECEIVED):
            /* [doc] a DWORD: the bytes sent or received */
            ok( ev->info != NULL && ev->len == sizeof(DWORD) && (ev->value || ev->status == STATUS(RESPONSE_RECEIVED)),
                "%s %p, length %lu, value %lu\n", status_name( ev->status ), ev->info, ev->len, ev->value );
            break;
        case STATUS(SENDREQUEST_COMPLETE):
        case STATUS(HEADERS_AVAILABLE):
            /* [doc] these completions carry nothing */
            ok( ev->info == NULL && !ev->len, "%s with %p, length %lu\n", status_name( ev->status ), ev->info, ev->len );
            break;
        }
    }
}

/* every notification of [from, to) came for the handle */
#define check_handles(rec, from, to, handle) check_handles_( __LINE__, rec, from, to, handle )
static void check_handles_( unsigned int line, struct recorder *rec, unsigned int from, unsigned int to, HINTERNET handle )
{
    unsigned int i, bad = 0;

    for (i = from; i < to && i < rec->count; i++) if (rec->events[i].handle != handle) bad++;
    ok_( __FILE__, line )( !bad, "%u notifications came with another handle than %p\n", bad, handle );
}

static void test_basic_get(void)
{
    static const struct expect send_seq[] =
    {
        /* [notif] open_socket_request_test; "some versions" connect twice to "localhost" */
        { STATUS(RESOLVING_NAME) },
        { STATUS(NAME_RESOLVED) },
        { STATUS(CONNECTING_TO_SERVER), MULTI },
        { STATUS(CONNECTED_TO_SERVER) },
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(SENDREQUEST_COMPLETE) },
    };
    static const struct expect receive_seq[] =
    {
        /* [notif] server_reply_test: these two may be missing when the answer is already there */
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(HEADERS_AVAILABLE) },
    };
    static const struct expect query_seq[] = { { STATUS(DATA_AVAILABLE) } };
    static const struct expect read_seq[] =
    {
        /* [notif] async_test, read_test */
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(READ_COMPLETE) },
    };
    static const struct expect closing_seq[] = { { STATUS(HANDLE_CLOSING) } };
    static const struct expect session_seq[] =
    {
        /* [notif] close_request_test: a pooled connection is not closed by closing the handles */
        { STATUS(HANDLE_CREATED) },
        { STATUS(HANDLE_CREATED) },
        { STATUS(HANDLE_CLOSING) },
        { STATUS(HANDLE_CLOSING) },
    };
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    struct server server;
    HINTERNET ses, con, req;
    const struct event *ev;
    char buf[1024];
    unsigned int from, count;
    DWORD err;
    int i;
    BOOL ret;

    if (!server_start( &server ))
    {
        skip( "no server\n" );
        return;
    }
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"localhost", server.port );

    /* [notif] HANDLE_CREATED comes from inside WinHttpConnect and WinHttpOpenRequest */
    count = rec_count( srec );
    ok( count == 1, "%u notifications for the connect handle: %s\n", count, sequence_text( srec, 0, ~0u, ~0u ) );
    ev = &srec->events[0];
    ok( count >= 1 && ev->status == STATUS(HANDLE_CREATED), "got %s\n", status_name( ev->status ) );
    /* [doc] the payload is the new handle */
    ok( count >= 1 && ev->info && ev->len == sizeof(HINTERNET) && ev->payload_handle == con,
        "HANDLE_CREATED %p, length %lu, handle %p, expected %p\n", ev->info, ev->len, ev->payload_handle, con );
    /* [notif] the session's context is inherited */
    ok( count >= 1 && ev->context == (DWORD_PTR)srec, "context %#Ix\n", ev->context );

    req = open_request( con, L"GET", L"/ok", rec );
    count = rec_count( srec );
    ok( count == 2, "%u notifications: %s\n", count, sequence_text( srec, 0, ~0u, ~0u ) );
    ev = &srec->events[1];
    ok( count >= 2 && ev->status == STATUS(HANDLE_CREATED) && ev->payload_handle == req && ev->len == sizeof(HINTERNET),
        "got %s, handle %p, length %lu\n", status_name( ev->status ), ev->payload_handle, ev->len );

    /* send */
    ret = send_async( rec, req, NULL, 0, 0 );
    err = GetLastError();
    ok( ret, "WinHttpSendRequest failed, error %lu\n", err );
    /* [notif] test_async */
    ok( err == ERROR_SUCCESS, "last error %lu\n", err );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i < 0) goto done;
    check_sequence( rec, 0, i + 1, send_seq );
    check_connect_payloads( rec, 0, i + 1, L"localhost" );
    ok( server_wait( &server, 1 ), "the server got no request\n" );
    if ((ev = find_status( rec, 0, i + 1, STATUS(REQUEST_SENT) )))
        ok( ev->value == server.head_len, "REQUEST_SENT %lu, the server got %lu\n", ev->value, (unsigned long)server.head_len );
    from = i + 1;

    /* receive */
    ret = receive_async( rec, req );
    err = GetLastError();
    ok( ret, "WinHttpReceiveResponse failed, error %lu\n", err );
    ok( err == ERROR_SUCCESS, "last error %lu\n", err );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, receive_seq );
    check_connect_payloads( rec, from, i + 1, L"localhost" );
    if ((ev = find_status( rec, from, i + 1, STATUS(RESPONSE_RECEIVED) )))
        ok( ev->value && ev->value <= strlen( response_ok ), "RESPONSE_RECEIVED %lu\n", ev->value );
    ok( status_code( req ) == 200, "status %lu\n", status_code( req ) );
    from = i + 1;

    /* query: [doc] a DWORD, length 4 */
    ret = query_async( rec, req );
    err = GetLastError();
    ok( ret, "WinHttpQueryDataAvailable failed, error %lu\n", err );
    /* [notif] test_async: it may complete at once */
    ok( err == ERROR_SUCCESS || err == ERROR_IO_PENDING, "last error %lu\n", err );
    i = wait_completion( rec, from, STATUS(DATA_AVAILABLE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, query_seq );
    ev = &rec->events[i];
    ok( ev->info != NULL && ev->len == sizeof(DWORD) && ev->value == 11, "DATA_AVAILABLE %p, length %lu, value %lu\n",
        ev->info, ev->len, ev->value );
    from = i + 1;

    /* read: [doc] the application's buffer, and the count as the length */
    memset( buf, '?', sizeof(buf) );
    ret = read_async( rec, req, buf, sizeof(buf) );
    ok( ret, "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, read_seq );
    ev = &rec->events[i];
    ok( ev->info == buf, "READ_COMPLETE buffer %p, expected %p\n", ev->info, buf );
    ok( ev->len == 11 && !memcmp( buf, "hello world", 11 ), "READ_COMPLETE length %lu, %.11s\n", ev->len, buf );
    from = i + 1;

    /* [doc] the end of the body: READ_COMPLETE with a length of 0 */
    ret = read_async( rec, req, buf, sizeof(buf) );
    ok( ret, "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, read_seq );
    ev = &rec->events[i];
    ok( !ev->len, "READ_COMPLETE length %lu at the end\n", ev->len );
    ok( ev->info == buf, "READ_COMPLETE buffer %p, expected %p\n", ev->info, buf );
    from = i + 1;

    ret = query_async( rec, req );
    ok( ret, "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(DATA_AVAILABLE) );
    if (i >= 0) ok( !rec->events[i].value, "DATA_AVAILABLE %lu at the end\n", rec->events[i].value );
    from = rec_count( rec );

    /* [doc] the handles are all ours; the context reaches every notification */
    check_handles( rec, 0, from, req );
    for (i = 0; i < (int)from; i++) if (rec->events[i].context != (DWORD_PTR)rec) break;
    ok( i == (int)from, "notification %d came with context %#Ix\n", i, rec->events[i].context );

done:
    /* [doc] HANDLE_CLOSING is the last notification, with the handle as its payload */
    from = rec_count( rec );
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0, "no HANDLE_CLOSING\n" );
    if (i >= 0)
    {
        ev = &rec->events[i];
        ok( ev->handle == req && ev->info && ev->len == sizeof(HINTERNET) && ev->payload_handle == req,
            "HANDLE_CLOSING for %p, payload %p, length %lu\n", ev->handle, ev->payload_handle, ev->len );
        check_sequence( rec, from, i + 1, closing_seq );
        check_quiet( rec, i + 1 );
    }

    count = rec_count( srec );
    close_handle( con );
    i = wait_event( srec, count, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0 && srec->events[i].handle == con && srec->events[i].payload_handle == con,
        "connect handle: HANDLE_CLOSING %d\n", i );
    count = rec_count( srec );
    close_handle( ses );
    i = wait_event( srec, count, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0 && srec->events[i].handle == ses && srec->events[i].payload_handle == ses,
        "session handle: HANDLE_CLOSING %d\n", i );
    check_quiet( srec, rec_count( srec ) );
    check_sequence( srec, 0, ~0u, session_seq );
    server_stop( &server );
}

/* [notif] test_persistent_connection: reuse, within a session and across sessions */
static void test_keep_alive(void)
{
    static const struct expect new_conn_seq[] =
    {
        { STATUS(RESOLVING_NAME), OPT },
        { STATUS(NAME_RESOLVED), OPT },
        { STATUS(CONNECTING_TO_SERVER), MULTI },
        { STATUS(CONNECTED_TO_SERVER) },
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(SENDREQUEST_COMPLETE) },
    };
    static const struct expect reuse_seq[] =
    {
        /* [notif] reuse_socket_request_test */
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(SENDREQUEST_COMPLETE) },
    };
    static const struct expect receive_seq[] =
    {
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(HEADERS_AVAILABLE) },
    };
    static const struct expect read_seq[] =
    {
        /* [notif] read_test: no CLOSING_CONNECTION before the last bytes, even with "Connection: close" */
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(READ_COMPLETE) },
    };
    static const struct expect closing_seq[] = { { STATUS(HANDLE_CLOSING) } };
    static const struct expect close_conn_seq[] =
    {
        /* [notif] close_allow_connection_close_request_test */
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    static const struct expect end_seq[] =
    {
        /* [doc] ReadData: CONNECTION_CLOSED is one of its notifications; [unsure] or at the close */
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(READ_COMPLETE) },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    struct server server;
    struct recorder *srec, *rec;
    HINTERNET ses, con, req;
    char buf[1024];
    LONG first_conn;
    unsigned int from, round;
    int i;

    if (!server_start( &server ))
    {
        skip( "no server\n" );
        return;
    }

    /* the first request opens a connection; the server keeps it */
    srec = new_recorder();
    rec = new_recorder();
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"localhost", server.port );
    req = open_request( con, L"GET", L"/keepalive", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i >= 0) check_sequence( rec, 0, i + 1, new_conn_seq );
    from = i + 1;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    if (i >= 0) check_sequence( rec, from, i + 1, receive_seq );
    from = i + 1;
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0)
    {
        check_sequence( rec, from, i + 1, read_seq );
        ok( rec->events[i].len == 1 && buf[0] == 'X', "read %lu bytes\n", rec->events[i].len );
    }
    first_conn = server.conn;
    from = rec_count( rec );
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    if (i >= 0) check_sequence( rec, from, i + 1, closing_seq );
    close_handle( con );
    close_handle( ses );
    i = wait_event( srec, 2, STATUS(HANDLE_CLOSING), WAIT_MS );
    if (i >= 0) i = wait_event( srec, i + 1, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0, "no HANDLE_CLOSING for the connect and session handles: %s\n", sequence_text( srec, 0, ~0u, ~0u ) );
    /* [notif] close_request_test: closing the handles does not close the pooled connection */
    ok( !count_status( srec, 0, ~0u, STATUS(CLOSING_CONNECTION) | STATUS(CONNECTION_CLOSED) ),
        "the session reported its connection closed: %s\n", sequence_text( srec, 0, ~0u, ~0u ) );

    /* [notif] another session reuses it: no RESOLVING_NAME, no CONNECTING_TO_SERVER */
    srec = new_recorder();
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"localhost", server.port );
    for (round = 0; round < 2; round++)
    {
        winetest_push_context( round ? "same session" : "new session" );
        rec = new_recorder();
        req = open_request( con, L"GET", L"/ok", rec );
        ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
        i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
        if (i >= 0) check_sequence( rec, 0, i + 1, reuse_seq );
        from = i + 1;
        ok( server_wait( &server, round + 2 ), "no request\n" );
        ok( server.conn == first_conn, "the request came on connection %ld, not %ld\n", server.conn, first_conn );
        ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
        i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
        if (i >= 0) check_sequence( rec, from, i + 1, receive_seq );
        from = i + 1;
        ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
        i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
        if (i >= 0) ok( rec->events[i].len == 11, "read %lu bytes\n", rec->events[i].len );
        from = rec_count( rec );
        close_request( rec, req );
        i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
        if (i >= 0) check_sequence( rec, from, i + 1, closing_seq );
        first_conn = server.conn;
        winetest_pop_context();
    }

    /* "Connection: close": [notif] the read of the last bytes does not report the
     * connection closed; the close of the handle may */
    rec = new_recorder();
    req = open_request( con, L"GET", L"/close", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i >= 0) check_sequence( rec, 0, i + 1, reuse_seq );
    from = i + 1;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    from = i + 1;
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0)
    {
        check_sequence( rec, from, i + 1, read_seq );
        ok( rec->events[i].len == 2 && !memcmp( buf, "yy", 2 ), "read %lu bytes\n", rec->events[i].len );
    }
    from = rec_count( rec );
    Sleep( 100 );
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    if (i >= 0) check_sequence( rec, from, i + 1, close_conn_seq );

    /* the server closed that connection: the next request connects again */
    rec = new_recorder();
    req = open_request( con, L"GET", L"/close", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i >= 0)
    {
        check_sequence( rec, 0, i + 1, new_conn_seq );
        check_connect_payloads( rec, 0, i + 1, L"localhost" );
    }
    from = i + 1;
    ok( server_wait( &server, 5 ), "no request\n" );
    ok( server.conn != first_conn, "the request came on the closed connection %ld\n", server.conn );
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    from = i + 1;
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    from = i + 1;
    /* read to the end, then close: CLOSING_CONNECTION and CONNECTION_CLOSED may come on the way */
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0) ok( !rec->events[i].len, "read %lu bytes at the end\n", rec->events[i].len );
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    if (i >= 0)
    {
        check_sequence( rec, from, i + 1, end_seq );
        ok( count_status( rec, 0, i, STATUS(CLOSING_CONNECTION) ) == count_status( rec, 0, i, STATUS(CONNECTION_CLOSED) ),
            "CLOSING_CONNECTION without CONNECTION_CLOSED: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    }

    close_handle( con );
    close_handle( ses );
    server_stop( &server );
}

static void test_post( struct server *server )
{
    static const struct expect send_seq[] =
    {
        { STATUS(RESOLVING_NAME), OPT },
        { STATUS(NAME_RESOLVED), OPT },
        { STATUS(CONNECTING_TO_SERVER), OPT | MULTI },
        { STATUS(CONNECTED_TO_SERVER), OPT },
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(SENDREQUEST_COMPLETE) },
    };
    static const struct expect write_seq[] = { { STATUS(WRITE_COMPLETE) } };
    static const struct expect receive_seq[] =
    {
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(HEADERS_AVAILABLE) },
    };
    static const char data[] = "0123456789";
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    HINTERNET ses, con, req;
    const struct event *ev;
    unsigned int from, requests, part;
    char buf[64];
    int i;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );
    req = open_request( con, L"POST", L"/post", rec );
    requests = server_requests( server );

    ok( send_async( rec, req, L"Content-Type: text/plain", 10, 0 ), "WinHttpSendRequest failed, error %lu\n",
        GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i < 0) goto done;
    check_sequence( rec, 0, i + 1, send_seq );
    check_connect_payloads( rec, 0, i + 1, L"127.0.0.1" );
    from = i + 1;

    /* [doc] WRITE_COMPLETE: a DWORD, the bytes written */
    for (part = 0; part < 2; part++)
    {
        ok( write_async( rec, req, data + part * 5, 5 ), "WinHttpWriteData failed, error %lu\n", GetLastError() );
        i = wait_completion( rec, from, STATUS(WRITE_COMPLETE) );
        if (i < 0) goto done;
        check_sequence( rec, from, i + 1, write_seq );
        ev = &rec->events[i];
        ok( ev->info != NULL && ev->len == sizeof(DWORD) && ev->value == 5, "WRITE_COMPLETE %p, length %lu, value %lu\n",
            ev->info, ev->len, ev->value );
        from = i + 1;
    }

    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, receive_seq );
    from = i + 1;
    ok( server_wait( server, requests + 1 ), "no request\n" );
    ok( server->body_len == 10 && !strcmp( server->body, data ), "the server got %s\n", server->body );
    /* [doc] REQUEST_SENT counts the bytes WinHttpSendRequest sent: the head */
    if ((ev = find_status( rec, 0, from, STATUS(REQUEST_SENT) )))
        ok( ev->value == server->head_len, "REQUEST_SENT %lu, head %lu\n", ev->value, (unsigned long)server->head_len );

    memset( buf, 0, sizeof(buf) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0) ok( rec->events[i].len == 10 && !strcmp( buf, data ), "read %lu: %s\n", rec->events[i].len, buf );

done:
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    close_handle( con );
    close_handle( ses );
}

static void test_redirect( struct server *server )
{
    static const struct expect receive_seq[] =
    {
        /* [notif] redirect_test */
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(REDIRECT) },
        { STATUS(RESOLVING_NAME), OPT },
        { STATUS(NAME_RESOLVED), OPT },
        { STATUS(CONNECTING_TO_SERVER), OPT | MULTI },
        { STATUS(CONNECTED_TO_SERVER), OPT },
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(HEADERS_AVAILABLE) },
    };
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    HINTERNET ses, con, req;
    const struct event *ev;
    WCHAR url[64];
    char buf[64];
    unsigned int from;
    int i;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );
    req = open_request( con, L"GET", L"/redirect", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i < 0) goto done;
    from = i + 1;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    if (i < 0) goto done;
    check_sequence( rec, from, i + 1, receive_seq );
    check_connect_payloads( rec, from, i + 1, L"127.0.0.1" );
    /* [doc] the new URL; its length is its character count. [dotnet] an absolute one: WinHttpHandler
     * makes a Uri of it, and its test of a relative Location passes on Windows */
    swprintf( url, ARRAY_SIZE(url), L"http://127.0.0.1:%u/ok", server->port );
    if ((ev = find_status( rec, from, i + 1, STATUS(REDIRECT) )))
    {
        ok( ev->info != NULL && !wcscmp( ev->str, url ), "REDIRECT to %s\n", wstr( ev->str ) );
        ok( ev->len == wcslen( url ), "REDIRECT length %lu\n", ev->len );
    }
    ok( status_code( req ) == 200, "status %lu\n", status_code( req ) );
    from = i + 1;
    memset( buf, 0, sizeof(buf) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0) ok( rec->events[i].len == 11 && !strcmp( buf, "hello world" ), "read %s\n", buf );

done:
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    close_handle( con );
    close_handle( ses );
}

/* a request whose WinHttpReceiveResponse ends with REQUEST_ERROR */
static void receive_error( HINTERNET con, const WCHAR *path, DWORD timeout, DWORD expected )
{
    static const struct expect receive_seq[] =
    {
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(REQUEST_ERROR) },
    };
    static const struct expect closing_seq[] =
    {
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    struct recorder *rec = new_recorder();
    HINTERNET req;
    DWORD start = 0;
    unsigned int from;
    int i;

    winetest_push_context( "%s", wstr( path ) );
    req = open_request( con, L"GET", path, rec );
    if (timeout)
        ok( WinHttpSetOption( req, WINHTTP_OPTION_RECEIVE_TIMEOUT, &timeout, sizeof(timeout) ),
            "setting the timeout failed, error %lu\n", GetLastError() );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    if (i >= 0)
    {
        from = i + 1;
        start = GetTickCount();
        ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
        i = wait_event( rec, from, COMPLETIONS, WAIT_MS );
        check_error( rec, i, API_RECEIVE_RESPONSE, expected );
        if (i >= 0)
        {
            check_sequence( rec, from, i + 1, receive_seq );
            check_connect_payloads( rec, from, i + 1, L"127.0.0.1" );
            if (timeout)
            {
                ok( rec->events[i].tick - start < timeout + 2000, "the timeout of %lu ms took %lu ms\n", timeout,
                    rec->events[i].tick - start );
                /* [notif] async_test: RECEIVING_RESPONSE comes when the answer has to be waited for */
                ok( find_status( rec, from, i, STATUS(RECEIVING_RESPONSE) ) != NULL, "no RECEIVING_RESPONSE: %s\n",
                    sequence_text( rec, from, i + 1, ~0u ) );
            }
        }
    }
    from = rec_count( rec );
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    if (i >= 0) check_sequence( rec, from, i + 1, closing_seq );
    winetest_pop_context();
}

/* [doc] the receive timeout covers the body: a stalled one ends the read or the query */
static void body_timeout( HINTERNET con, BOOL query )
{
    struct recorder *rec = new_recorder();
    HINTERNET req;
    DWORD timeout = 500, start;
    char buf[64];
    unsigned int from;
    int i;

    winetest_push_context( query ? "query" : "read" );
    req = open_request( con, L"GET", L"/stall", rec );
    ok( WinHttpSetOption( req, WINHTTP_OPTION_RECEIVE_TIMEOUT, &timeout, sizeof(timeout) ),
        "setting the timeout failed, error %lu\n", GetLastError() );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) )) < 0) goto done;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) )) < 0) goto done;
    if (query)
    {
        ok( query_async( rec, req ), "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
        if ((i = wait_completion( rec, i + 1, STATUS(DATA_AVAILABLE) )) < 0) goto done;
        ok( rec->events[i].value == 10, "DATA_AVAILABLE %lu\n", rec->events[i].value );
    }
    /* [doc] ReadData returns what has come, without filling the buffer */
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) )) < 0) goto done;
    ok( rec->events[i].len == 10 && !memcmp( buf, "0123456789", 10 ), "read %lu bytes\n", rec->events[i].len );
    from = i + 1;
    start = GetTickCount();
    if (query) ok( query_async( rec, req ), "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
    else ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_event( rec, from, COMPLETIONS, WAIT_MS );
    check_error( rec, i, query ? API_QUERY_DATA_AVAILABLE : API_READ_DATA, ERROR_WINHTTP_TIMEOUT );
    if (i >= 0)
        ok( rec->events[i].tick - start < timeout + 2000, "the timeout of %lu ms took %lu ms\n", timeout,
            rec->events[i].tick - start );
done:
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    winetest_pop_context();
}

static void test_errors(void)
{
    static const struct expect refused_seq[] =
    {
        { STATUS(RESOLVING_NAME), OPT },
        { STATUS(NAME_RESOLVED), OPT },
        { STATUS(CONNECTING_TO_SERVER), MULTI },
        { STATUS(REQUEST_ERROR) },
    };
    static const struct expect closing_seq[] = { { STATUS(HANDLE_CLOSING) } };
    struct recorder *srec = new_recorder(), *rec;
    struct server server;
    HINTERNET ses, con, req;
    INTERNET_PORT port;
    unsigned int from;
    DWORD err;
    BOOL ret;
    int i;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );

    /* [winhttp] nothing listens: ERROR_WINHTTP_CANNOT_CONNECT, for WinHttpSendRequest */
    if (!(port = unused_port())) skip( "no free port\n" );
    else
    {
        winetest_push_context( "refused" );
        rec = new_recorder();
        con = connect_to( ses, L"127.0.0.1", port );
        req = open_request( con, L"GET", L"/", rec );
        ret = send_async( rec, req, NULL, 0, 0 );
        ok( ret, "WinHttpSendRequest failed at once, error %lu\n", GetLastError() );
        i = wait_event( rec, 0, COMPLETIONS, WAIT_MS );
        check_error( rec, i, API_SEND_REQUEST, ERROR_WINHTTP_CANNOT_CONNECT );
        if (i >= 0)
        {
            check_sequence( rec, 0, i + 1, refused_seq );
            check_connect_payloads( rec, 0, i + 1, L"127.0.0.1" );
        }

        /* nothing was sent, so nothing can be received: [winhttp] ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
         * [unsure] at once, or as the operation's REQUEST_ERROR */
        from = rec_count( rec );
        ret = receive_async( rec, req );
        err = GetLastError();
        if (!ret) ok( err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReceiveResponse error %lu\n", err );
        else
        {
            i = wait_event( rec, from, COMPLETIONS, WAIT_MS );
            check_error( rec, i, API_RECEIVE_RESPONSE, ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
        }
        from = rec_count( rec );
        close_request( rec, req );
        i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
        if (i >= 0) check_sequence( rec, from, i + 1, closing_seq );
        close_handle( con );
        winetest_pop_context();
    }

    /* a server of its own, so that each request has a fresh connection */
    if (!server_start( &server ))
    {
        skip( "no server\n" );
        close_handle( ses );
        return;
    }
    con = connect_to( ses, L"127.0.0.1", server.port );
    /* [report] the server closes without a word */
    receive_error( con, L"/drop", 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE );
    /* [winhttp] no status line */
    receive_error( con, L"/garbage", 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE );
    /* [doc] the receive timeout */
    receive_error( con, L"/silent", 500, ERROR_WINHTTP_TIMEOUT );
    body_timeout( con, FALSE );
    body_timeout( con, TRUE );
    close_handle( con );
    close_handle( ses );
    server_stop( &server );
}

/* [doc] WinHttpSetStatusCallback: only the notifications asked for arrive */
static void test_masks(void)
{
    static const struct expect resolve_send_seq[] =
    {
        { STATUS(RESOLVING_NAME) },
        { STATUS(NAME_RESOLVED) },
        { STATUS(SENDING_REQUEST) },
        { STATUS(REQUEST_SENT) },
        { STATUS(SENDREQUEST_COMPLETE) },
        { STATUS(HEADERS_AVAILABLE) },
    };
    static const struct expect completions_seq[] =
    {
        { STATUS(SENDREQUEST_COMPLETE) },
        { STATUS(HEADERS_AVAILABLE) },
        { STATUS(DATA_AVAILABLE) },
        { STATUS(READ_COMPLETE) },
        { STATUS(READ_COMPLETE) },
        { STATUS(HANDLE_CLOSING) },
    };
    static const struct expect request_seq[] =
    {
        { STATUS(SENDREQUEST_COMPLETE) },
        { STATUS(HEADERS_AVAILABLE) },
        { STATUS(READ_COMPLETE) },
    };
    static const struct expect session_seq[] =
    {
        { STATUS(HANDLE_CREATED) },
        { STATUS(HANDLE_CREATED) },
        { STATUS(HANDLE_CLOSING) },
        { STATUS(HANDLE_CLOSING) },
    };
    struct server server;
    struct recorder *srec, *rec;
    HINTERNET ses, con, req;
    WINHTTP_STATUS_CALLBACK prev;
    DWORD mask;
    char buf[64];
    int i;

    if (!server_start( &server ))
    {
        skip( "no server\n" );
        return;
    }

    /* name resolution, sending and two completions; no handle notifications.
     * A fresh server: the connection is new, so the name is resolved. */
    winetest_push_context( "resolve and send" );
    srec = new_recorder();
    rec = new_recorder();
    mask = WINHTTP_CALLBACK_FLAG_RESOLVE_NAME | WINHTTP_CALLBACK_FLAG_SEND_REQUEST |
           WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE | WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE;
    ses = open_session( srec, mask );
    con = connect_to( ses, L"localhost", server.port );
    req = open_request( con, L"GET", L"/ok", rec );
    rec->check_closing = FALSE;
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) );
    close_request( rec, req );
    close_handle( con );
    close_handle( ses );
    check_quiet( rec, rec_count( rec ) );
    check_sequence( rec, 0, ~0u, resolve_send_seq );
    ok( !rec_count( srec ), "the session got %s\n", sequence_text( srec, 0, ~0u, ~0u ) );
    winetest_pop_context();

    /* completions and handles only */
    winetest_push_context( "completions" );
    srec = new_recorder();
    rec = new_recorder();
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES );
    con = connect_to( ses, L"127.0.0.1", server.port );
    req = open_request( con, L"GET", L"/ok", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) );
    ok( query_async( rec, req ), "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(DATA_AVAILABLE) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) );
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    close_handle( con );
    close_handle( ses );
    wait_event( srec, 3, STATUS(HANDLE_CLOSING), WAIT_MS );
    check_quiet( rec, rec_count( rec ) );
    check_sequence( rec, 0, ~0u, completions_seq );
    check_sequence( srec, 0, ~0u, session_seq );
    winetest_pop_context();

    /* a mask of the request's own: the session's does not apply to it */
    winetest_push_context( "request" );
    srec = new_recorder();
    rec = new_recorder();
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server.port );
    req = open_request( con, L"GET", L"/ok", rec );
    rec->check_closing = FALSE;
    SetLastError( 0xdeadbeef );
    prev = WinHttpSetStatusCallback( req, callback, WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE |
                                     WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE | WINHTTP_CALLBACK_FLAG_READ_COMPLETE, 0 );
    ok( prev != WINHTTP_INVALID_STATUS_CALLBACK, "WinHttpSetStatusCallback failed, error %lu\n", GetLastError() );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) );
    close_request( rec, req );
    close_handle( con );
    close_handle( ses );
    wait_event( srec, 2, STATUS(HANDLE_CLOSING), WAIT_MS );
    check_quiet( rec, rec_count( rec ) );
    check_sequence( rec, 0, ~0u, request_seq );
    winetest_pop_context();

    server_stop( &server );
}

/* [doc] WINHTTP_OPTION_CONTEXT_VALUE and WinHttpSendRequest's dwContext reach the callback */
static void test_context( struct server *server )
{
    struct recorder *srec = new_recorder(), *rec_option = new_recorder(), *rec_send = new_recorder();
    HINTERNET ses, con, req1, req2;
    DWORD_PTR context;
    DWORD size;
    unsigned int count, i;
    int end;
    BOOL ret;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );

    /* the option on the request */
    req1 = open_request( con, L"GET", L"/ok", rec_option );
    ok( send_async( rec_option, req1, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    end = wait_completion( rec_option, 0, STATUS(SENDREQUEST_COMPLETE) );
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( req1, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == (DWORD_PTR)rec_option && size == sizeof(context), "context %#Ix, size %lu\n", context, size );
    close_request( rec_option, req1 );
    end = wait_event( rec_option, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( end >= 0, "no HANDLE_CLOSING: %s\n", sequence_text( rec_option, 0, ~0u, ~0u ) );

    /* SendRequest's: it goes with every later notification of the request, HANDLE_CLOSING too */
    count = rec_count( srec );
    req2 = open_request( con, L"GET", L"/ok", NULL );
    ok( rec_count( srec ) == count + 1, "HANDLE_CREATED did not come with the inherited context\n" );
    ok( send_async( rec_send, req2, NULL, 0, (DWORD_PTR)rec_send ), "WinHttpSendRequest failed, error %lu\n",
        GetLastError() );
    end = wait_completion( rec_send, 0, STATUS(SENDREQUEST_COMPLETE) );
    ok( receive_async( rec_send, req2 ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    end = wait_completion( rec_send, end + 1, STATUS(HEADERS_AVAILABLE) );
    /* [doc] "associate a context value with a Request handle" */
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( req2, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == (DWORD_PTR)rec_send, "context %#Ix\n", context );
    rec_send->handle = req2;
    rec_send->check_closing = TRUE;
    close_request( rec_send, req2 );
    end = wait_event( rec_send, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( end >= 0, "no HANDLE_CLOSING with the context of WinHttpSendRequest: %s\n",
        sequence_text( rec_send, 0, ~0u, ~0u ) );
    for (i = 0; i < rec_send->count; i++)
        ok( rec_send->events[i].context == (DWORD_PTR)rec_send && rec_send->events[i].handle == req2,
            "%s: context %#Ix, handle %p\n", status_name( rec_send->events[i].status ), rec_send->events[i].context,
            rec_send->events[i].handle );
    /* nothing of req2's went to the session's context after HANDLE_CREATED */
    Sleep( 50 );
    ok( rec_count( srec ) == count + 1, "the session's context got %s\n", sequence_text( srec, count, ~0u, ~0u ) );

    close_handle( con );
    close_handle( ses );
}

/* [design] one operation at a time: a second one fails, and no second completion comes */
static void check_busy( HINTERNET req, BOOL send, BOOL receive, BOOL query, BOOL read )
{
    char buf[16];
    DWORD err;
    BOOL ret;

    if (send)
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpSendRequest: %d, error %lu\n", ret, err );
    }
    if (receive)
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpReceiveResponse( req, NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReceiveResponse: %d, error %lu\n", ret, err );
    }
    if (query)
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryDataAvailable( req, NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpQueryDataAvailable: %d, error %lu\n", ret, err );
    }
    if (read)
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpReadData( req, buf, sizeof(buf), NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReadData: %d, error %lu\n", ret, err );
    }
}

static void test_one_at_a_time( struct server *server, struct hang *hang )
{
    struct recorder *srec = new_recorder(), *rec;
    HINTERNET ses, con, req;
    unsigned int from;
    char buf[64];
    int i;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    WinHttpSetTimeouts( ses, 0, 3000, 10000, 10000 );

    /* while connecting */
    if (!hang->works) skip( "connections are refused, not left pending\n" );
    else
    {
        winetest_push_context( "send pending" );
        rec = new_recorder();
        con = connect_to( ses, L"127.0.0.1", hang->port );
        req = open_request( con, L"GET", L"/", rec );
        ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
        i = wait_event( rec, 0, STATUS(CONNECTING_TO_SERVER), WAIT_MS );
        ok( i >= 0, "not connecting: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
        check_busy( req, TRUE, TRUE, FALSE, FALSE );
        ok( wait_event( rec, 0, COMPLETIONS, QUIET_MS ) < 0, "a completion: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
        close_request( rec, req );
        i = wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
        ok( count_status( rec, 0, ~0u, COMPLETIONS ) == 1, "completions %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
        close_handle( con );
        winetest_pop_context();
    }

    con = connect_to( ses, L"127.0.0.1", server->port );

    /* while waiting for the headers */
    winetest_push_context( "receive pending" );
    ResetEvent( server->release );
    rec = new_recorder();
    req = open_request( con, L"GET", L"/silent", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) )) >= 0)
    {
        from = i + 1;
        ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
        Sleep( 100 );
        check_busy( req, TRUE, TRUE, TRUE, TRUE );
        ok( wait_event( rec, from, COMPLETIONS, QUIET_MS ) < 0, "a completion: %s\n",
            sequence_text( rec, from, ~0u, ~0u ) );
        SetEvent( server->release );
        i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
        /* exactly one completion, for the operation that was pending */
        Sleep( QUIET_MS );
        ok( count_status( rec, from, ~0u, COMPLETIONS ) == 1, "completions %s\n", sequence_text( rec, from, ~0u, ~0u ) );
        /* and the handle works on */
        if (i >= 0)
        {
            from = rec_count( rec );
            ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
            i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
            if (i >= 0) ok( rec->events[i].len == 4 && !memcmp( buf, "late", 4 ), "read %lu\n", rec->events[i].len );
        }
    }
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ResetEvent( server->release );
    winetest_pop_context();

    /* while reading */
    winetest_push_context( "read pending" );
    rec = new_recorder();
    req = open_request( con, L"GET", L"/stall", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) )) < 0) goto done;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) )) < 0) goto done;
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) )) < 0) goto done;
    from = i + 1;
    memset( buf, 0, sizeof(buf) );
    ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
    Sleep( 100 );
    check_busy( req, TRUE, TRUE, TRUE, TRUE );
    ok( wait_event( rec, from, COMPLETIONS, QUIET_MS ) < 0, "a completion: %s\n", sequence_text( rec, from, ~0u, ~0u ) );
    SetEvent( server->release );
    i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
    if (i >= 0) ok( rec->events[i].len == 10 && !memcmp( buf, stall_rest, 10 ), "read %lu: %s\n", rec->events[i].len, buf );
    Sleep( QUIET_MS );
    ok( count_status( rec, from, ~0u, COMPLETIONS ) == 1, "completions %s\n", sequence_text( rec, from, ~0u, ~0u ) );
done:
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ResetEvent( server->release );
    winetest_pop_context();

    close_handle( con );
    close_handle( ses );
}

/* [doc] "Concurrency in WinHTTP": inside a completion callback the application may
 * start the next operation, or close the handle */
static void test_from_callbacks( struct server *server )
{
    static const struct expect chain_seq[] =
    {
        { STATUS(SENDREQUEST_COMPLETE) },
        { STATUS(HEADERS_AVAILABLE) },
        { STATUS(DATA_AVAILABLE) },
        { STATUS(READ_COMPLETE) },
        { STATUS(DATA_AVAILABLE) },
    };
    static const struct expect close_seq[] =
    {
        { STATUS(HEADERS_AVAILABLE) },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    static const struct expect cancel_seq[] =
    {
        { STATUS(READ_COMPLETE) },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(REQUEST_ERROR) },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    struct recorder *srec = new_recorder(), *rec;
    HINTERNET ses, con, req;
    size_t i;
    int end;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );

    /* each completion starts the next operation */
    winetest_push_context( "chain" );
    rec = new_recorder();
    rec->chain = TRUE;
    req = open_request( con, L"GET", L"/ok", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    ok( wait_flag( rec, &rec->finished, WAIT_MS ), "the chain did not finish: %s\n",
        sequence_text( rec, 0, ~0u, ~0u ) );
    ok( !rec->chain_failed, "%ld operations failed to start, error %lu\n", rec->chain_failed, rec->chain_error );
    ok( rec->body_len == 11 && !memcmp( rec->body, "hello world", 11 ), "body of %lu bytes\n", (unsigned long)rec->body_len );
    check_sequence_mask( rec, 0, ~0u, COMPLETIONS, chain_seq );
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    winetest_pop_context();

    /* a larger body, read in many operations */
    winetest_push_context( "chain, big" );
    rec = new_recorder();
    rec->chain = TRUE;
    req = open_request( con, L"GET", L"/big", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    ok( wait_flag( rec, &rec->finished, WAIT_MS ), "the chain did not finish: %s\n",
        sequence_text( rec, 0, ~0u, ~0u ) );
    ok( !rec->chain_failed, "%ld operations failed to start, error %lu\n", rec->chain_failed, rec->chain_error );
    ok( rec->body_len == BIG_SIZE, "body of %lu bytes\n", (unsigned long)rec->body_len );
    for (i = 0; i < rec->body_len; i++) if ((BYTE)rec->body[i] != big_byte( i )) break;
    ok( i == rec->body_len, "wrong byte at %lu\n", (unsigned long)i );
    ok( !count_status( rec, 0, ~0u, STATUS(REQUEST_ERROR) ), "%s\n", sequence_text( rec, 0, ~0u, COMPLETIONS ) );
    ok( !rec->lost, "%ld notifications past the recorder's end\n", rec->lost );
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    winetest_pop_context();

    /* closing inside HEADERS_AVAILABLE: HANDLE_CLOSING follows, nothing else */
    winetest_push_context( "close inside" );
    rec = new_recorder();
    req = open_request( con, L"GET", L"/ok", rec );
    rec->close_on = STATUS(HEADERS_AVAILABLE);
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    end = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) );
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    end = wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( rec->closed_inside && !rec->close_error, "closed inside %ld, error %lu\n", rec->closed_inside, rec->close_error );
    if (end >= 0)
    {
        int headers = wait_event( rec, 0, STATUS(HEADERS_AVAILABLE), 0 );
        if (headers >= 0) check_sequence( rec, headers, end + 1, close_seq );
        else ok( 0, "no HEADERS_AVAILABLE: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    }
    winetest_pop_context();

    /* starting an operation and closing the handle, both inside READ_COMPLETE:
     * the new operation is cancelled. [dotnet] REQUEST_ERROR, ERROR_WINHTTP_OPERATION_CANCELLED */
    winetest_push_context( "start and close inside" );
    rec = new_recorder();
    rec->chain = TRUE;
    rec->close_on = STATUS(READ_COMPLETE);
    req = open_request( con, L"GET", L"/stall", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    end = wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( end >= 0, "no HANDLE_CLOSING: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    ok( !rec->chain_failed, "%ld operations failed to start, error %lu\n", rec->chain_failed, rec->chain_error );
    if (end >= 0)
    {
        int read = wait_event( rec, 0, STATUS(READ_COMPLETE), 0 );
        int error = wait_event( rec, 0, STATUS(REQUEST_ERROR), 0 );
        check_error( rec, error, API_QUERY_DATA_AVAILABLE, ERROR_WINHTTP_OPERATION_CANCELLED );
        if (read >= 0) check_sequence( rec, read, end + 1, cancel_seq );
    }
    winetest_pop_context();

    close_handle( con );
    close_handle( ses );
}

/*
 * Cancellation by close.
 */

enum phase { PHASE_CONNECT, PHASE_HEADERS, PHASE_BODY_READ, PHASE_BODY_QUERY };

static const char *phase_name( enum phase phase )
{
    switch (phase)
    {
    case PHASE_CONNECT: return "connecting";
    case PHASE_HEADERS: return "waiting for headers";
    case PHASE_BODY_READ: return "reading";
    case PHASE_BODY_QUERY: return "querying";
    }
    return "?";
}

/* An operation pending in the given phase is cancelled by closing the request, from
 * this thread or from inside the callback for close_on: [dotnet] it ends with
 * REQUEST_ERROR, ERROR_WINHTTP_OPERATION_CANCELLED; [doc] HANDLE_CLOSING comes last. */
static void cancel_case( struct server *server, struct hang *hang, enum phase phase, DWORD close_on )
{
    static const struct expect connect_seq[] =
    {
        { STATUS(RESOLVING_NAME), OPT },
        { STATUS(NAME_RESOLVED), OPT },
        { STATUS(CONNECTING_TO_SERVER), MULTI },
        { STATUS(REQUEST_ERROR) },
        { STATUS(HANDLE_CLOSING) },
    };
    static const struct expect pending_seq[] =
    {
        { STATUS(RECEIVING_RESPONSE), OPT },
        { STATUS(RESPONSE_RECEIVED), OPT },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(REQUEST_ERROR) },
        { STATUS(CLOSING_CONNECTION), OPT },
        { STATUS(CONNECTION_CLOSED), OPT },
        { STATUS(HANDLE_CLOSING) },
    };
    static const DWORD_PTR apis[] = { API_SEND_REQUEST, API_RECEIVE_RESPONSE, API_READ_DATA, API_QUERY_DATA_AVAILABLE };
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    HINTERNET ses, con, req;
    char buf[64];
    unsigned int from = 0;
    int i, error;

    winetest_push_context( "%s, closed %s%s", phase_name( phase ), close_on ? "inside " : "from another thread",
                           close_on ? status_name( close_on ) : "" );
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    WinHttpSetTimeouts( ses, 0, 3000, 4000, 4000 );
    con = connect_to( ses, L"127.0.0.1", phase == PHASE_CONNECT ? hang->port : server->port );
    req = open_request( con, L"GET", phase == PHASE_HEADERS ? L"/silent" : L"/stall", rec );

    if (phase == PHASE_CONNECT) rec->close_on = close_on;
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if (phase == PHASE_CONNECT)
    {
        i = wait_event( rec, 0, STATUS(CONNECTING_TO_SERVER), WAIT_MS );
        ok( i >= 0, "not connecting: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    }
    else
    {
        if ((i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) )) < 0) goto done;
        if (phase == PHASE_HEADERS) rec->close_on = close_on;
        ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
        if (phase != PHASE_HEADERS)
        {
            if ((i = wait_completion( rec, i + 1, STATUS(HEADERS_AVAILABLE) )) < 0) goto done;
            ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
            if ((i = wait_completion( rec, i + 1, STATUS(READ_COMPLETE) )) < 0) goto done;
            from = i + 1;
            rec->close_on = close_on;
            if (phase == PHASE_BODY_READ)
                ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
            else
                ok( query_async( rec, req ), "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
        }
        else from = i + 1;
    }

    if (close_on)
    {
        /* [notif] RECEIVING_RESPONSE may not come: then the close comes from here */
        if (!wait_flag( rec, &rec->close_claimed, 1000 ))
            trace( "no %s: closing from the test thread\n", status_name( close_on ) );
    }
    else
    {
        Sleep( 100 );
        ok( wait_event( rec, from, COMPLETIONS, 0 ) < 0, "the operation ended before the close: %s\n",
            sequence_text( rec, from, ~0u, ~0u ) );
        /* [notif] async_test: RECEIVING_RESPONSE comes when the answer has to be waited for */
        if (phase == PHASE_HEADERS)
            ok( wait_event( rec, from, STATUS(RECEIVING_RESPONSE), 0 ) >= 0, "no RECEIVING_RESPONSE while waiting: %s\n",
                sequence_text( rec, from, ~0u, ~0u ) );
    }
    close_request( rec, req );
    i = wait_event( rec, from, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0, "no HANDLE_CLOSING: %s\n", sequence_text( rec, from, ~0u, ~0u ) );
    error = wait_event( rec, from, COMPLETIONS, 0 );
    check_error( rec, error, apis[phase], ERROR_WINHTTP_OPERATION_CANCELLED );
    if (error >= 0)
        ok( rec->events[error].tick - rec->close_tick <= CANCEL_MS, "the cancellation took %lu ms\n",
            rec->events[error].tick - rec->close_tick );
    if (i >= 0)
    {
        if (phase == PHASE_CONNECT) check_sequence( rec, from, i + 1, connect_seq );
        else check_sequence( rec, from, i + 1, pending_seq );
        check_quiet( rec, i + 1 );
    }
    if (close_on && rec->closed_inside) ok( !rec->close_error, "the close failed, error %lu\n", rec->close_error );

done:
    close_request( rec, req );
    wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    close_handle( con );
    close_handle( ses );
    winetest_pop_context();
}

/* closing inside REQUEST_SENT: the send completes, or is cancelled; either way once */
static void cancel_in_send( struct server *server )
{
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    HINTERNET ses, con, req;
    const struct event *ev;
    unsigned int completions;
    int i, c;

    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );
    req = open_request( con, L"GET", L"/silent", rec );
    rec->close_on = STATUS(REQUEST_SENT);
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    i = wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0, "no HANDLE_CLOSING: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
    ok( rec->closed_inside && !rec->close_error, "closed inside %ld, error %lu\n", rec->closed_inside, rec->close_error );
    if (i >= 0)
    {
        completions = count_status( rec, 0, i, COMPLETIONS );
        ok( completions == 1, "completions: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
        c = wait_event( rec, 0, COMPLETIONS, 0 );
        ev = c >= 0 ? &rec->events[c] : NULL;
        ok( ev && (ev->status == STATUS(SENDREQUEST_COMPLETE) ||
                   (ev->status == STATUS(REQUEST_ERROR) && ev->result.dwResult == API_SEND_REQUEST &&
                    ev->result.dwError == ERROR_WINHTTP_OPERATION_CANCELLED)),
            "the send ended with %s\n", sequence_text( rec, 0, ~0u, COMPLETIONS ) );
        check_quiet( rec, i + 1 );
    }
    close_handle( con );
    close_handle( ses );
}

static void test_cancel( struct server *server, struct hang *hang )
{
    ResetEvent( server->release );
    if (!hang->works) skip( "connections are refused, not left pending: no cancellation while connecting\n" );
    else
    {
        cancel_case( server, hang, PHASE_CONNECT, 0 );
        cancel_case( server, hang, PHASE_CONNECT, STATUS(CONNECTING_TO_SERVER) );
    }
    cancel_case( server, hang, PHASE_HEADERS, 0 );
    cancel_case( server, hang, PHASE_HEADERS, STATUS(RECEIVING_RESPONSE) );
    cancel_case( server, hang, PHASE_BODY_READ, 0 );
    /* [notif] async_test: a read may report RECEIVING_RESPONSE; when it does not, the test thread closes */
    cancel_case( server, hang, PHASE_BODY_READ, STATUS(RECEIVING_RESPONSE) );
    cancel_case( server, hang, PHASE_BODY_QUERY, 0 );
    cancel_in_send( server );
}

/* [doc] closing a parent handle does not cancel the operation of a request */
static void test_parent_close( struct server *server )
{
    struct recorder *srec = new_recorder(), *rec = new_recorder();
    HINTERNET ses, con, req;
    unsigned int from;
    char buf[64];
    int i;

    ResetEvent( server->release );
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    con = connect_to( ses, L"127.0.0.1", server->port );
    req = open_request( con, L"GET", L"/silent", rec );
    ok( send_async( rec, req, NULL, 0, 0 ), "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if ((i = wait_completion( rec, 0, STATUS(SENDREQUEST_COMPLETE) )) < 0) goto done;
    from = i + 1;
    ok( receive_async( rec, req ), "WinHttpReceiveResponse failed, error %lu\n", GetLastError() );
    Sleep( 100 );
    close_handle( con );
    close_handle( ses );
    ok( wait_event( rec, from, COMPLETIONS, 500 ) < 0, "closing the parents ended the operation: %s\n",
        sequence_text( rec, from, ~0u, ~0u ) );
    SetEvent( server->release );
    i = wait_completion( rec, from, STATUS(HEADERS_AVAILABLE) );
    ok( status_code( req ) == 200, "status %lu\n", status_code( req ) );
    if (i >= 0)
    {
        from = i + 1;
        memset( buf, 0, sizeof(buf) );
        ok( read_async( rec, req, buf, sizeof(buf) ), "WinHttpReadData failed, error %lu\n", GetLastError() );
        i = wait_completion( rec, from, STATUS(READ_COMPLETE) );
        if (i >= 0) ok( rec->events[i].len == 4 && !strcmp( buf, "late" ), "read %s\n", buf );
    }
done:
    close_request( rec, req );
    i = wait_event( rec, 0, STATUS(HANDLE_CLOSING), WAIT_MS );
    ok( i >= 0, "no HANDLE_CLOSING for the request\n" );
    /* [doc] each handle gets its HANDLE_CLOSING, once */
    for (i = 0; i < 20 && count_status( srec, 0, ~0u, STATUS(HANDLE_CLOSING) ) < 2; i++) Sleep( 50 );
    Sleep( 100 );
    EnterCriticalSection( &srec->cs );
    {
        unsigned int j, con_closing = 0, ses_closing = 0;
        for (j = 0; j < srec->count; j++)
        {
            if (srec->events[j].status != STATUS(HANDLE_CLOSING)) continue;
            if (srec->events[j].handle == con) con_closing++;
            else if (srec->events[j].handle == ses) ses_closing++;
        }
        ok( con_closing == 1 && ses_closing == 1, "HANDLE_CLOSING %u times for the connect handle, %u for the "
            "session: %s\n", con_closing, ses_closing, sequence_text( srec, 0, ~0u, ~0u ) );
    }
    LeaveCriticalSection( &srec->cs );
    ResetEvent( server->release );
}

/*
 * Close races: the same cancellations with random timing, from another thread or
 * from inside any callback; the final checks below look at every one of them.
 */

static void test_close_races( struct server *server, struct hang *hang )
{
    static const DWORD connect_info[] = { STATUS(CONNECTING_TO_SERVER) };
    static const DWORD headers_info[] = { STATUS(SENDING_REQUEST), STATUS(REQUEST_SENT), STATUS(RECEIVING_RESPONSE) };
    static const DWORD headers_completion[] = { STATUS(SENDREQUEST_COMPLETE) };
    static const DWORD body_info[] = { STATUS(SENDING_REQUEST), STATUS(REQUEST_SENT), STATUS(RECEIVING_RESPONSE),
                                       STATUS(RESPONSE_RECEIVED) };
    static const DWORD body_completion[] = { STATUS(SENDREQUEST_COMPLETE), STATUS(HEADERS_AVAILABLE),
                                             STATUS(DATA_AVAILABLE), STATUS(READ_COMPLETE) };
    static const struct
    {
        const char *name;
        const WCHAR *path;
        const DWORD *info;
        unsigned int info_count;
        const DWORD *completion;
        unsigned int completion_count;
    }
    kinds[] =
    {
        { "connecting", L"/", connect_info, ARRAY_SIZE(connect_info), NULL, 0 },
        { "headers", L"/silent", headers_info, ARRAY_SIZE(headers_info), headers_completion, ARRAY_SIZE(headers_completion) },
        { "body", L"/stall", body_info, ARRAY_SIZE(body_info), body_completion, ARRAY_SIZE(body_completion) },
    };
    struct recorder *srec = new_recorder(), *rec, *races[ARRAY_SIZE(kinds) * RACE_ITERATIONS];
    unsigned int race_kind[ARRAY_SIZE(kinds) * RACE_ITERATIONS];
    unsigned int kind, n, count = 0, mode, delay, inside, fallback, late = 0, missing = 0;
    HINTERNET ses, con[ARRAY_SIZE(kinds)] = { 0 }, req;
    DWORD start, deadline, now, elapsed;
    int i;

    ResetEvent( server->release );
    ses = open_session( srec, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS );
    WinHttpSetTimeouts( ses, 0, 3000, 4000, 4000 );

    /* the requests are not waited for one by one: many are pending at once */
    for (kind = 0; kind < ARRAY_SIZE(kinds); kind++)
    {
        if (!kind && !hang->works)
        {
            skip( "connections are refused, not left pending: no races while connecting\n" );
            continue;
        }
        con[kind] = connect_to( ses, L"127.0.0.1", kind ? server->port : hang->port );
        inside = fallback = 0;
        start = GetTickCount();
        for (n = 0; n < RACE_ITERATIONS && GetTickCount() - start < RACE_BUDGET_MS; n++)
        {
            if (!(rec = new_recorder()))
            {
                skip( "out of recorders\n" );
                break;
            }
            rec->chain = TRUE;
            mode = rnd() % 3;
            if (mode == 1) rec->close_on = kinds[kind].info[rnd() % kinds[kind].info_count];
            else if (mode == 2 && kinds[kind].completion_count)
                rec->close_on = kinds[kind].completion[rnd() % kinds[kind].completion_count];
            delay = rnd() % 40;
            if (!(req = open_request( con[kind], L"GET", kinds[kind].path, rec ))) break;
            races[count] = rec;
            race_kind[count++] = kind;
            ok( send_async( rec, req, NULL, 0, 0 ), "%s %u: WinHttpSendRequest failed, error %lu\n",
                kinds[kind].name, n, GetLastError() );
            if (!rec->close_on)
            {
                if (delay) Sleep( delay );
                close_request( rec, req );
            }
            else if (!wait_flag( rec, &rec->close_claimed, 300 ))
            {
                fallback++;
                close_request( rec, req );
            }
            else inside++;
        }
        trace( "%s: %u requests in %lu ms, %u closed inside a callback, %u from the test thread after a callback "
               "did not come\n", kinds[kind].name, n, GetTickCount() - start, inside, fallback );
    }

    /* [doc] each one ends: HANDLE_CLOSING comes, soon after the close */
    deadline = GetTickCount() + 15000;
    for (n = 0; n < count; n++)
    {
        rec = races[n];
        now = GetTickCount();
        i = wait_event( rec, 0, STATUS(HANDLE_CLOSING), (LONG)(deadline - now) > 0 ? deadline - now : 0 );
        if (i < 0) missing++;
        ok( i >= 0, "%s %u: no HANDLE_CLOSING after %s: %s\n", kinds[race_kind[n]].name, n,
            rec->close_on ? status_name( rec->close_on ) : "a delay", sequence_text( rec, 0, ~0u, ~0u ) );
        if (i < 0) continue;
        elapsed = rec->events[i].tick - rec->close_tick;
        if (elapsed > CANCEL_MS) late++;
        ok( elapsed <= CANCEL_MS, "%s %u: HANDLE_CLOSING %lu ms after the close%s%s: %s\n", kinds[race_kind[n]].name,
            n, elapsed, rec->closed_inside ? " inside " : "", rec->closed_inside ? status_name( rec->close_on ) : "",
            sequence_text( rec, 0, ~0u, ~0u ) );
    }
    trace( "%u requests: %u ended late, %u without HANDLE_CLOSING\n", count, late, missing );
    for (kind = 0; kind < ARRAY_SIZE(kinds); kind++) if (con[kind]) close_handle( con[kind] );
    close_handle( ses );
}

/* Every request: each operation started had exactly one completion; HANDLE_CLOSING
 * came once, for its handle, and nothing came after it. */
static void check_all_requests(void)
{
    LONG n;
    unsigned int i, closing, completions, last, bad_handle, bad_error, checked = 0;
    struct recorder *rec;

    Sleep( 500 );
    for (n = 0; n < recorder_count; n++)
    {
        rec = &recorders[n];
        if (!rec->check_closing) continue;
        winetest_push_context( "request %ld", n );
        EnterCriticalSection( &rec->cs );
        closing = completions = bad_handle = bad_error = 0;
        last = ~0u;
        for (i = 0; i < rec->count; i++)
        {
            const struct event *ev = &rec->events[i];
            if (ev->handle != rec->handle) bad_handle++;
            if (ev->status == STATUS(HANDLE_CLOSING))
            {
                closing++;
                last = i;
                if (ev->payload_handle != rec->handle) bad_handle++;
            }
            if (ev->status & COMPLETIONS) completions++;
            /* a request that was closed with an operation pending says so */
            if (ev->status == STATUS(REQUEST_ERROR) && rec->chain &&
                ev->result.dwError != ERROR_WINHTTP_OPERATION_CANCELLED)
                bad_error++;
        }
        ok( closing == 1, "HANDLE_CLOSING came %u times: %s\n", closing, sequence_text( rec, 0, ~0u, ~0u ) );
        ok( last == rec->count - 1, "notifications after HANDLE_CLOSING: %s\n", sequence_text( rec, 0, ~0u, ~0u ) );
        ok( completions == (unsigned int)rec->ops, "%ld operations started, %u completions: %s\n", rec->ops,
            completions, sequence_text( rec, 0, ~0u, ~0u ) );
        ok( !bad_handle, "%u notifications for another handle than %p\n", bad_handle, rec->handle );
        ok( !bad_error, "a cancelled operation did not end with ERROR_WINHTTP_OPERATION_CANCELLED: %s\n",
            sequence_text( rec, 0, ~0u, ~0u ) );
        ok( !rec->lost, "%ld notifications past the recorder's end\n", rec->lost );
        LeaveCriticalSection( &rec->cs );
        winetest_pop_context();
        checked++;
    }
    trace( "checked %u requests\n", checked );
    ok( !stray_callbacks, "%ld notifications with an unknown context, the last %s\n", stray_callbacks,
        status_name( stray_status ) );
}

START_TEST(notification)
{
    struct server server;
    struct hang hang;
    WSADATA wsa;

    WSAStartup( MAKEWORD(2, 2), &wsa );
    if (!(recorders = calloc( MAX_RECORDERS, sizeof(*recorders) )))
    {
        skip( "out of memory\n" );
        return;
    }
    random_state = GetTickCount();
    trace( "random seed %u\n", random_state );

    test_basic_get();
    test_keep_alive();
    test_errors();
    test_masks();

    if (!server_start( &server ))
    {
        skip( "no listening socket on 127.0.0.1\n" );
        return;
    }
    hang_start( &hang );
    test_post( &server );
    test_redirect( &server );
    test_context( &server );
    test_one_at_a_time( &server, &hang );
    test_from_callbacks( &server );
    test_cancel( &server, &hang );
    test_parent_close( &server );
    test_close_races( &server, &hang );
    check_all_requests();
    hang_stop( &hang );
    server_stop( &server );
    /* the recorders stay: a late notification must find them */
    WSACleanup();
}
