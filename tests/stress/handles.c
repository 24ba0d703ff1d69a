/*
 * Handle stress test: threads create, use and close WinHTTP handles at random,
 * probe recently closed handle values and count HANDLE_CREATED/HANDLE_CLOSING.
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
 * Usage: handles.exe [SECONDS] [-t THREADS] [-s SEED] [--lenient]
 *
 * Everything here stays within what "Concurrency in WinHTTP" allows: a handle
 * is used by one thread at a time (the one that made it, or one it was handed
 * to); several threads create children of the same shared session or connection
 * at once; parents are often closed before their children, and on another thread
 * than the one closing the children. What is checked:
 *
 *  - creation, HANDLE_TYPE, CONTEXT_VALUE round trips, PARENT_HANDLE (while the
 *    parent is open), re-installing the status callback and SetTimeouts all
 *    succeed with the right values;
 *  - the status callback (installed with WINHTTP_CALLBACK_FLAG_HANDLES on every
 *    session; children inherit it) sees HANDLE_CREATED exactly once inside the
 *    WinHttpConnect/WinHttpOpenRequest call that made the handle, and
 *    HANDLE_CLOSING exactly once per handle, with nothing after it; each handle's
 *    context value is a serial number that names its record;
 *  - closed handle values (a shared ring of recent ones) are refused by every
 *    function with ERROR_INVALID_HANDLE: a stale handle accepted is a failure
 *    (a function that is still a stub, ERROR_CALL_NOT_IMPLEMENTED, is noted once
 *    and counted, not failed);
 *  - after the run every handle has had its HANDLE_CLOSING, and the process's
 *    private memory is within 16 MiB of its level after a warm-up round;
 *  - a watchdog ends the run as a failure if it takes more than twice its
 *    duration (at least 5 s more than it).
 *
 * --lenient is for comparing with Wine's own builtin, which has two gaps this
 * test would otherwise stop at: it reuses handle values at once (stale probes
 * are then read-only, and an accepted one is counted, not failed) and it lacks
 * WINHTTP_OPTION_HANDLE_TYPE, and PARENT_HANDLE on requests (ERROR_INVALID_PARAMETER
 * is counted, not failed).
 *
 * Prints counts and "stress-handles: PASS" or "stress-handles: FAIL: reason";
 * exits 0 only on a pass.
 */

#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS     64
#define MAX_LIVE        48        /* handles a worker holds at most */
#define MAX_OWN_SESSIONS 4
#define NUM_RECS        65536     /* records of handles whose HANDLE_CLOSING is awaited */
#define RING_SIZE       4096      /* recently closed handle values */
#define NUM_SHARED      2         /* shared sessions (one sync, one async), each with a connection */
#define MEMORY_SLACK    (16 * 1024 * 1024)
#define SERVER_PORT     9         /* nothing is ever sent: no network traffic here */

enum kind { KIND_SESSION, KIND_CONNECT, KIND_REQUEST };
static const char *kind_name[] = { "session", "connect", "request" };
static const DWORD kind_type[] = { WINHTTP_HANDLE_TYPE_SESSION, WINHTTP_HANDLE_TYPE_CONNECT, WINHTTP_HANDLE_TYPE_REQUEST };

enum rec_state { REC_FREE, REC_LIVE };

/* One per handle made; the handle's context value is the serial, which names
 * the slot (serial - 1) % NUM_RECS. A slot is freed by the handle's HANDLE_CLOSING. */
struct rec
{
    volatile LONG64 serial;
    volatile LONG   state;
    volatile LONG   closing;
    HINTERNET       handle;
    int             kind;
};

/* What a creating call expects its HANDLE_CREATED to report (thread local). */
struct pending
{
    LONG      created;
    HINTERNET handle;
};

struct live
{
    HINTERNET h;
    HINTERNET parent;
    int       kind;
    BOOL      async;
    BOOL      parent_shared;
    LONG64    serial;
};

struct counts
{
    LONG64 sessions, async_sessions, connects, requests, closes, uses, stale_probes, stale_accepted, tolerated, stubs, handed;
};

struct worker
{
    int            id;
    HANDLE         thread;
    ULONG64        rng;
    struct live    live[MAX_LIVE];
    int            nlive;
    struct counts  n;
    char           pad[64];
};

static struct rec *recs;
static volatile LONG64 next_serial;
static volatile LONG64 records_made, closings_seen, created_seen, shared_made;
static volatile LONG64 in_callback_ok, in_callback_failed;
static volatile LONG   stop_flag, failure_count;
static char            first_failure[512];
static CRITICAL_SECTION print_cs;
static DWORD           tls_pending;
static BOOL            lenient;
static ULONGLONG       phase_deadline;
static HINTERNET       shared_session[NUM_SHARED], shared_connect[NUM_SHARED];
static HINTERNET volatile ring[RING_SIZE];
static volatile LONG   ring_pos;
static volatile LONG   stub_seen[32];
#define HANDOFF_SIZE 64
static CRITICAL_SECTION handoff_cs;
static struct live     handoff[HANDOFF_SIZE];
static unsigned int    handoff_count;

static DWORD (WINAPI *pWinHttpQueryHeadersEx)(HINTERNET,DWORD,ULONGLONG,UINT,DWORD*,void*,void*,DWORD*,void*,DWORD*);
static DWORD (WINAPI *pWinHttpReadDataEx)(HINTERNET,void*,DWORD,DWORD*,ULONGLONG,DWORD,void*);
static DWORD (WINAPI *pWinHttpAddRequestHeadersEx)(HINTERNET,DWORD,ULONGLONG,ULONGLONG,DWORD,void*);

static void fail( const char *fmt, ... ) __attribute__((format(printf, 1, 2)));
static void fail( const char *fmt, ... )
{
    char msg[512];
    va_list args;
    LONG n;

    va_start( args, fmt );
    vsnprintf( msg, sizeof(msg), fmt, args );
    va_end( args );
    n = InterlockedIncrement( &failure_count );
    InterlockedExchange( &stop_flag, 1 );
    EnterCriticalSection( &print_cs );
    if (n == 1) strcpy( first_failure, msg );
    if (n <= 20) printf( "stress-handles: error: %s\n", msg );
    fflush( stdout );
    LeaveCriticalSection( &print_cs );
}

static ULONG64 rnd( ULONG64 *state )
{
    ULONG64 x = *state;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below( ULONG64 *state, unsigned int n )
{
    return (unsigned int)((rnd( state ) >> 33) % n);
}

/* ---- records and the status callback ---- */

static struct rec *record_alloc( int kind )
{
    int i;

    for (i = 0; i < NUM_RECS; i++)
    {
        LONG64 serial = InterlockedIncrement64( &next_serial );
        struct rec *r = &recs[(serial - 1) % NUM_RECS];
        if (InterlockedCompareExchange( &r->state, REC_LIVE, REC_FREE ) != REC_FREE) continue;
        r->closing = 0;
        r->handle = NULL;
        r->kind = kind;
        InterlockedExchange64( &r->serial, serial );
        InterlockedIncrement64( &records_made );
        return r;
    }
    fail( "no free handle record (%d handles await HANDLE_CLOSING)", NUM_RECS );
    return NULL;
}

static void in_callback_query( HINTERNET handle )
{
    DWORD type = 0, len = sizeof(type);
    /* allowed inside a callback for its handle, even a closing one; may fail */
    if (WinHttpQueryOption( handle, WINHTTP_OPTION_HANDLE_TYPE, &type, &len ))
        InterlockedIncrement64( &in_callback_ok );
    else
        InterlockedIncrement64( &in_callback_failed );
}

static void CALLBACK status_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD info_len )
{
    DWORD saved_error = GetLastError();
    HINTERNET reported = (info && info_len >= sizeof(HINTERNET)) ? *(HINTERNET *)info : NULL;

    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_HANDLE_CREATED:
    {
        /* the new handle is the one lpvStatusInformation points to; hInternet is
         * not checked (Wine passes the parent there) */
        struct pending *p = TlsGetValue( tls_pending );
        InterlockedIncrement64( &created_seen );
        if (!reported)
            fail( "HANDLE_CREATED (hInternet %p) without the new handle (info %p, length %lu)", handle, info, info_len );
        else if (!p)
            fail( "HANDLE_CREATED for %p outside the call that creates it (thread %04lx)", reported, GetCurrentThreadId() );
        else
        {
            p->created++;
            p->handle = reported;
            in_callback_query( reported );
        }
        break;
    }
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
    {
        LONG64 serial = (LONG64)context;
        struct rec *r;

        if (serial <= 0 || serial > next_serial)
        {
            fail( "HANDLE_CLOSING for %p with unknown context %#llx", handle, context );
            break;
        }
        r = &recs[(serial - 1) % NUM_RECS];
        if (r->serial != serial || r->state != REC_LIVE)
        {
            fail( "HANDLE_CLOSING for %p (context %#llx) after that handle's HANDLE_CLOSING", handle, context );
            break;
        }
        if (InterlockedIncrement( &r->closing ) != 1)
        {
            fail( "second HANDLE_CLOSING for %s %p", kind_name[r->kind], handle );
            break;
        }
        if (r->handle != handle)
            fail( "HANDLE_CLOSING for %p carries the context of %s %p", handle, kind_name[r->kind], r->handle );
        if (reported != handle)
            fail( "HANDLE_CLOSING for %p reports handle %p (info %p, length %lu)", handle, reported, info, info_len );
        in_callback_query( handle );
        InterlockedIncrement64( &closings_seen );
        InterlockedExchange( &r->state, REC_FREE );
        break;
    }
    default:
    {
        LONG64 serial = (LONG64)context;
        const struct rec *r = (serial > 0 && serial <= next_serial) ? &recs[(serial - 1) % NUM_RECS] : NULL;
        if (r && r->serial == serial && r->state == REC_FREE)
            fail( "status %#lx for %p after its HANDLE_CLOSING", status, handle );
        else
            fail( "status %#lx for %p, though only WINHTTP_CALLBACK_FLAG_HANDLES was asked for", status, handle );
        break;
    }
    }
    SetLastError( saved_error );
}

/* ---- creating handles ---- */

static BOOL set_context( HINTERNET h, DWORD_PTR value )
{
    return WinHttpSetOption( h, WINHTTP_OPTION_CONTEXT_VALUE, &value, sizeof(value) );
}

static struct rec *adopt( HINTERNET h, int kind )
{
    struct rec *r = record_alloc( kind );

    if (!r) return NULL;
    r->handle = h;
    if (!set_context( h, (DWORD_PTR)r->serial ))
    {
        fail( "setting CONTEXT_VALUE on new %s %p: error %lu", kind_name[kind], h, GetLastError() );
        InterlockedExchange( &r->state, REC_FREE );
        return NULL;
    }
    return r;
}

static HINTERNET open_session( BOOL async, LONG64 *serial )
{
    HINTERNET h;
    WINHTTP_STATUS_CALLBACK prev;
    struct rec *r;

    h = WinHttpOpen( L"stress-handles/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                     WINHTTP_NO_PROXY_BYPASS, async ? WINHTTP_FLAG_ASYNC : 0 );
    if (!h)
    {
        fail( "WinHttpOpen(%s) failed: error %lu", async ? "async" : "sync", GetLastError() );
        return NULL;
    }
    if (!(r = adopt( h, KIND_SESSION ))) return NULL;   /* the handle leaks; the run has failed */
    prev = WinHttpSetStatusCallback( h, status_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0 );
    if (prev == WINHTTP_INVALID_STATUS_CALLBACK)
    {
        fail( "WinHttpSetStatusCallback on new session %p failed: error %lu", h, GetLastError() );
        return NULL;
    }
    if (prev)
        fail( "WinHttpSetStatusCallback on new session %p returned %p, not NULL", h, prev );
    *serial = r->serial;
    return h;
}

static HINTERNET open_child( HINTERNET parent, int kind, ULONG64 *rng, LONG64 *serial )
{
    static const WCHAR *verbs[] = { L"GET", L"POST", L"HEAD", L"PUT", NULL };
    struct pending pending = { 0, NULL };
    HINTERNET h;
    struct rec *r;

    TlsSetValue( tls_pending, &pending );
    if (kind == KIND_CONNECT)
        h = WinHttpConnect( parent, rnd_below( rng, 2 ) ? L"127.0.0.1" : L"localhost", SERVER_PORT, 0 );
    else
        h = WinHttpOpenRequest( parent, verbs[rnd_below( rng, 5 )], L"/stress?x=1", NULL, WINHTTP_NO_REFERER,
                                WINHTTP_DEFAULT_ACCEPT_TYPES, rnd_below( rng, 4 ) ? 0 : WINHTTP_FLAG_SECURE );
    TlsSetValue( tls_pending, NULL );
    if (!h)
    {
        fail( "%s on %p failed: error %lu", kind == KIND_CONNECT ? "WinHttpConnect" : "WinHttpOpenRequest",
              parent, GetLastError() );
        return NULL;
    }
    if (pending.created != 1 || pending.handle != h)
        fail( "%s %p: %ld HANDLE_CREATED callbacks during its creation (last for %p)", kind_name[kind], h,
              pending.created, pending.handle );
    if (!(r = adopt( h, kind ))) return NULL;
    *serial = r->serial;
    return h;
}

/* ---- the stale handle ring ---- */

static void ring_push( HINTERNET h )
{
    LONG pos = InterlockedIncrement( &ring_pos );
    InterlockedExchangePointer( (void *volatile *)&ring[pos % RING_SIZE], h );
}

static HINTERNET ring_pick( ULONG64 *rng )
{
    return InterlockedCompareExchangePointer( (void *volatile *)&ring[rnd_below( rng, RING_SIZE )], NULL, NULL );
}

/* Calls one function on a closed handle value; returns its name if the call was
 * accepted or failed with another error than ERROR_INVALID_HANDLE. */
static const char *stale_probe( HINTERNET h, unsigned int which, DWORD *error )
{
    BYTE buf[64];
    DWORD len = sizeof(buf), dw = 0, ret32;
    DWORD_PTR ctx = 1;
    HINTERNET child;
    BOOL ok;

    memset( buf, 0, sizeof(buf) );
    SetLastError( 0xdeadbeef );
#define BOOLCALL(name, call) do { ok = (call); *error = GetLastError(); \
        return (ok || *error != ERROR_INVALID_HANDLE) ? name : NULL; } while (0)
#define HCALL(name, call) do { child = (call); *error = GetLastError(); \
        if (child) { WinHttpCloseHandle( child ); *error = 0; return name; } \
        return *error != ERROR_INVALID_HANDLE ? name : NULL; } while (0)
#define DWCALL(name, call) do { ret32 = (call); *error = ret32; \
        return ret32 != ERROR_INVALID_HANDLE ? name : NULL; } while (0)
    switch (which)
    {
    /* read-only probes first: the lenient mode uses only these */
    case 0: BOOLCALL( "WinHttpQueryOption(HANDLE_TYPE)", WinHttpQueryOption( h, WINHTTP_OPTION_HANDLE_TYPE, buf, &len ) );
    case 1: BOOLCALL( "WinHttpQueryOption(CONTEXT_VALUE)", WinHttpQueryOption( h, WINHTTP_OPTION_CONTEXT_VALUE, buf, &len ) );
    case 2: BOOLCALL( "WinHttpQueryOption(PARENT_HANDLE)", WinHttpQueryOption( h, WINHTTP_OPTION_PARENT_HANDLE, buf, &len ) );
    case 3: BOOLCALL( "WinHttpQueryHeaders", WinHttpQueryHeaders( h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                                                 WINHTTP_HEADER_NAME_BY_INDEX, &dw, &len, WINHTTP_NO_HEADER_INDEX ) );
    case 4: { DWORD supported, first, target;
              BOOLCALL( "WinHttpQueryAuthSchemes", WinHttpQueryAuthSchemes( h, &supported, &first, &target ) ); }
    case 5: { USHORT status; DWORD consumed;
              DWCALL( "WinHttpWebSocketQueryCloseStatus", WinHttpWebSocketQueryCloseStatus( h, &status, buf, sizeof(buf), &consumed ) ); }
    case 6: BOOLCALL( "WinHttpQueryOption(CONNECT_TIMEOUT)", WinHttpQueryOption( h, WINHTTP_OPTION_CONNECT_TIMEOUT, buf, &len ) );
#define READ_ONLY_PROBES 7
    case 7: BOOLCALL( "WinHttpSetOption(CONTEXT_VALUE)", WinHttpSetOption( h, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof(ctx) ) );
    case 8: BOOLCALL( "WinHttpSetTimeouts", WinHttpSetTimeouts( h, 1000, 1000, 1000, 1000 ) );
    case 9:
    {
        WINHTTP_STATUS_CALLBACK prev = WinHttpSetStatusCallback( h, status_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0 );
        *error = GetLastError();
        return (prev != WINHTTP_INVALID_STATUS_CALLBACK || *error != ERROR_INVALID_HANDLE) ? "WinHttpSetStatusCallback" : NULL;
    }
    case 10: HCALL( "WinHttpConnect", WinHttpConnect( h, L"127.0.0.1", SERVER_PORT, 0 ) );
    case 11: HCALL( "WinHttpOpenRequest", WinHttpOpenRequest( h, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0 ) );
    case 12: BOOLCALL( "WinHttpAddRequestHeaders", WinHttpAddRequestHeaders( h, L"X-Stress: 1", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD ) );
    case 13: BOOLCALL( "WinHttpSetCredentials", WinHttpSetCredentials( h, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC, L"u", L"p", NULL ) );
    case 14: BOOLCALL( "WinHttpSendRequest", WinHttpSendRequest( h, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0 ) );
    case 15: BOOLCALL( "WinHttpReceiveResponse", WinHttpReceiveResponse( h, NULL ) );
    case 16: BOOLCALL( "WinHttpQueryDataAvailable", WinHttpQueryDataAvailable( h, &dw ) );
    case 17: BOOLCALL( "WinHttpReadData", WinHttpReadData( h, buf, sizeof(buf), &dw ) );
    case 18: BOOLCALL( "WinHttpWriteData", WinHttpWriteData( h, buf, 4, &dw ) );
    case 19: HCALL( "WinHttpWebSocketCompleteUpgrade", WinHttpWebSocketCompleteUpgrade( h, 0 ) );
    case 20: DWCALL( "WinHttpWebSocketSend", WinHttpWebSocketSend( h, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, buf, 4 ) );
    case 21: { WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
               DWCALL( "WinHttpWebSocketReceive", WinHttpWebSocketReceive( h, buf, sizeof(buf), &dw, &type ) ); }
    case 22: DWCALL( "WinHttpWebSocketShutdown", WinHttpWebSocketShutdown( h, 1000, NULL, 0 ) );
    case 23: DWCALL( "WinHttpWebSocketClose", WinHttpWebSocketClose( h, 1000, NULL, 0 ) );
    case 24: if (!pWinHttpQueryHeadersEx) return NULL;
             { DWORD count = 0; void *headers = NULL;
               DWCALL( "WinHttpQueryHeadersEx", pWinHttpQueryHeadersEx( h, WINHTTP_QUERY_STATUS_CODE, 0, CP_ACP, NULL, NULL,
                                                                        buf, &len, &headers, &count ) ); }
    case 25: if (!pWinHttpReadDataEx) return NULL;
             DWCALL( "WinHttpReadDataEx", pWinHttpReadDataEx( h, buf, sizeof(buf), &dw, 0, 0, NULL ) );
    case 26: if (!pWinHttpAddRequestHeadersEx) return NULL;
             { struct { const WCHAR *name, *value; } header = { L"X-Stress", L"1" };
               DWCALL( "WinHttpAddRequestHeadersEx", pWinHttpAddRequestHeadersEx( h, WINHTTP_ADDREQ_FLAG_ADD, 0, 0, 1, &header ) ); }
    default: BOOLCALL( "WinHttpCloseHandle", WinHttpCloseHandle( h ) );
#define ALL_PROBES 28
    }
#undef BOOLCALL
#undef HCALL
#undef DWCALL
}

static void do_stale_probe( struct worker *w )
{
    HINTERNET h = ring_pick( &w->rng );
    unsigned int which;
    const char *name;
    DWORD error = 0;

    if (!h) return;
    which = rnd_below( &w->rng, lenient ? READ_ONLY_PROBES : ALL_PROBES );
    w->n.stale_probes++;
    if (!(name = stale_probe( h, which, &error ))) return;
    if (error == ERROR_CALL_NOT_IMPLEMENTED)
    {
        /* a stub: the export list and its tests track those, not this test */
        w->n.stubs++;
        if (!InterlockedExchange( &stub_seen[which], 1 ))
            printf( "stress-handles: note: %s is not implemented (ERROR_CALL_NOT_IMPLEMENTED)\n", name );
        return;
    }
    w->n.stale_accepted++;
    if (!lenient)
        fail( "%s accepted closed handle %p (error %lu, expected ERROR_INVALID_HANDLE)", name, h, error );
}

/* ---- using live handles ---- */

static BOOL is_open( struct worker *w, HINTERNET h, BOOL shared )
{
    int i;

    if (shared) return TRUE;
    for (i = 0; i < w->nlive; i++) if (w->live[i].h == h) return TRUE;
    return FALSE;
}

static void use_handle( struct worker *w, struct live *l )
{
    HINTERNET h = l->h;
    const char *kind = kind_name[l->kind];

    w->n.uses++;
    switch (rnd_below( &w->rng, 5 ))
    {
    case 0:
    {
        DWORD type = 0xdeadbeef, len = sizeof(type);
        if (!WinHttpQueryOption( h, WINHTTP_OPTION_HANDLE_TYPE, &type, &len ))
        {
            if (lenient && GetLastError() == ERROR_INVALID_PARAMETER) w->n.tolerated++;
            else fail( "HANDLE_TYPE of %s %p: error %lu", kind, h, GetLastError() );
        }
        else if (type != kind_type[l->kind] || len != sizeof(type))
            fail( "HANDLE_TYPE of %s %p is %lu (length %lu)", kind, h, type, len );
        break;
    }
    case 1:
    {
        DWORD_PTR value = (DWORD_PTR)rnd( &w->rng ) | 1, got = 0;
        DWORD len = sizeof(got);
        if (!set_context( h, value ))
            fail( "setting CONTEXT_VALUE of %s %p: error %lu", kind, h, GetLastError() );
        else if (!WinHttpQueryOption( h, WINHTTP_OPTION_CONTEXT_VALUE, &got, &len ))
            fail( "querying CONTEXT_VALUE of %s %p: error %lu", kind, h, GetLastError() );
        else if (got != value || len != sizeof(got))
            fail( "CONTEXT_VALUE of %s %p is %#llx (length %lu), set %#llx", kind, h, got, len, value );
        if (!set_context( h, (DWORD_PTR)l->serial ))
            fail( "restoring CONTEXT_VALUE of %s %p: error %lu", kind, h, GetLastError() );
        len = sizeof(got);
        if (!WinHttpQueryOption( h, WINHTTP_OPTION_CONTEXT_VALUE, &got, &len ) || got != (DWORD_PTR)l->serial)
            fail( "CONTEXT_VALUE of %s %p not restored (%#llx)", kind, h, got );
        break;
    }
    case 2:
    {
        HINTERNET parent = NULL;
        DWORD len = sizeof(parent);
        if (l->kind == KIND_SESSION) break;
        if (!WinHttpQueryOption( h, WINHTTP_OPTION_PARENT_HANDLE, &parent, &len ))
        {
            if (lenient && GetLastError() == ERROR_INVALID_PARAMETER) w->n.tolerated++;
            else fail( "PARENT_HANDLE of %s %p: error %lu", kind, h, GetLastError() );
        }
        else if (len != sizeof(parent))
            fail( "PARENT_HANDLE of %s %p: length %lu", kind, h, len );
        else if (parent != l->parent && is_open( w, l->parent, l->parent_shared ))
            fail( "PARENT_HANDLE of %s %p is %p, its open parent is %p", kind, h, parent, l->parent );
        break;
    }
    case 3:
    {
        WINHTTP_STATUS_CALLBACK prev = WinHttpSetStatusCallback( h, status_callback, WINHTTP_CALLBACK_FLAG_HANDLES, 0 );
        if (prev != status_callback)
            fail( "re-installing the callback on %s %p returned %p (error %lu)", kind, h, prev, GetLastError() );
        break;
    }
    case 4:
        if (l->kind == KIND_CONNECT) break;
        if (!WinHttpSetTimeouts( h, 0, 60000, 30000, 30000 ))
            fail( "WinHttpSetTimeouts on %s %p: error %lu", kind, h, GetLastError() );
        break;
    }
}

static void close_live( struct worker *w, int idx )
{
    struct live l = w->live[idx];

    w->live[idx] = w->live[--w->nlive];
    if (!WinHttpCloseHandle( l.h ))
    {
        fail( "WinHttpCloseHandle(%s %p) failed: error %lu", kind_name[l.kind], l.h, GetLastError() );
        return;
    }
    w->n.closes++;
    ring_push( l.h );
}

static int count_kind( struct worker *w, int kind )
{
    int i, n = 0;
    for (i = 0; i < w->nlive; i++) if (w->live[i].kind == kind) n++;
    return n;
}

/* Picks a random live handle of a kind; -1 if none. */
static int pick_kind( struct worker *w, int kind )
{
    int n = count_kind( w, kind ), i, k;

    if (!n) return -1;
    k = rnd_below( &w->rng, n );
    for (i = 0; i < w->nlive; i++) if (w->live[i].kind == kind && !k--) return i;
    return -1;
}

static void create_one( struct worker *w, int kind )
{
    struct live l;
    int idx, s;

    memset( &l, 0, sizeof(l) );
    l.kind = kind;
    if (kind == KIND_SESSION)
    {
        if (count_kind( w, KIND_SESSION ) >= MAX_OWN_SESSIONS) return;
        l.async = rnd_below( &w->rng, 2 );
        if (!(l.h = open_session( l.async, &l.serial ))) return;
        w->n.sessions++;
        if (l.async) w->n.async_sessions++;
    }
    else
    {
        /* a parent of our own, or one every thread shares */
        idx = pick_kind( w, kind - 1 );
        if (idx < 0 || rnd_below( &w->rng, 3 ) == 0)
        {
            s = rnd_below( &w->rng, NUM_SHARED );
            l.parent = kind == KIND_CONNECT ? shared_session[s] : shared_connect[s];
            l.parent_shared = TRUE;
            l.async = s & 1;
        }
        else
        {
            l.parent = w->live[idx].h;
            l.async = w->live[idx].async;
        }
        if (!(l.h = open_child( l.parent, kind, &w->rng, &l.serial ))) return;
        if (kind == KIND_CONNECT) w->n.connects++;
        else w->n.requests++;
    }
    w->live[w->nlive++] = l;
}

/* Handing a handle to another thread is allowed (one thread uses it at a time):
 * its parent may then be closed on one thread while it is closed on another. */
static void give_away( struct worker *w )
{
    int idx;

    if (!w->nlive) return;
    idx = rnd_below( &w->rng, w->nlive );
    EnterCriticalSection( &handoff_cs );
    if (handoff_count < HANDOFF_SIZE)
    {
        handoff[handoff_count++] = w->live[idx];
        w->live[idx] = w->live[--w->nlive];
        w->n.handed++;
    }
    LeaveCriticalSection( &handoff_cs );
}

static void take_over( struct worker *w )
{
    if (w->nlive >= MAX_LIVE) return;
    EnterCriticalSection( &handoff_cs );
    if (handoff_count)
    {
        unsigned int idx = rnd_below( &w->rng, handoff_count );
        w->live[w->nlive++] = handoff[idx];
        handoff[idx] = handoff[--handoff_count];
    }
    LeaveCriticalSection( &handoff_cs );
}

static DWORD WINAPI worker_thread( void *arg )
{
    struct worker *w = arg;
    ULONG64 ops = 0;

    while (!stop_flag)
    {
        unsigned int r = rnd_below( &w->rng, 100 );

        /* the clock is read every 64 operations */
        if (!(++ops & 63) && GetTickCount64() >= phase_deadline) break;
        if (w->nlive >= MAX_LIVE) r = 80;
        if (r < 6) create_one( w, KIND_SESSION );
        else if (r < 24) create_one( w, KIND_CONNECT );
        else if (r < 44) create_one( w, KIND_REQUEST );
        else if (r < 70) { if (w->nlive) use_handle( w, &w->live[rnd_below( &w->rng, w->nlive )] ); }
        else if (r < 84) { if (w->nlive) close_live( w, rnd_below( &w->rng, w->nlive ) ); }
        else if (r < 86) give_away( w );
        else if (r < 88) take_over( w );
        else do_stale_probe( w );
    }
    /* close what is left, in random order: parents often before children */
    while (w->nlive) close_live( w, rnd_below( &w->rng, w->nlive ) );
    return 0;
}

/* ---- phases, memory, watchdog ---- */

static SIZE_T private_usage( void )
{
    PROCESS_MEMORY_COUNTERS_EX pmc;

    memset( &pmc, 0, sizeof(pmc) );
    pmc.cb = sizeof(pmc);
    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc) )) return 0;
    /* Wine 8 fills only the basic structure; its PagefileUsage is the commit
     * charge, which is what PrivateUsage also is on Windows */
    return pmc.PrivateUsage ? pmc.PrivateUsage : pmc.PagefileUsage;
}

/* Waits until every handle made so far has had its HANDLE_CLOSING. */
static BOOL wait_closings( DWORD timeout_ms )
{
    ULONGLONG end = GetTickCount64() + timeout_ms;

    while (closings_seen < records_made)
    {
        if (GetTickCount64() >= end) return FALSE;
        Sleep( 10 );
    }
    return TRUE;
}

static void report_missing_closings( void )
{
    int i, shown = 0;

    for (i = 0; i < NUM_RECS; i++)
    {
        if (recs[i].state != REC_LIVE) continue;
        if (shown++ < 5)
            printf( "stress-handles: no HANDLE_CLOSING for %s %p (context %#llx)\n",
                    kind_name[recs[i].kind], recs[i].handle, recs[i].serial );
    }
    fail( "%lld of %lld handles never got HANDLE_CLOSING", records_made - closings_seen, records_made );
}

static void run_phase( struct worker *workers, int nthreads, DWORD ms, BOOL *closings_ok )
{
    LONG64 serial;
    int i;

    for (i = 0; i < NUM_SHARED; i++)
    {
        struct pending pending = { 0, NULL };
        shared_session[i] = open_session( i & 1, &serial );
        if (!shared_session[i]) return;
        TlsSetValue( tls_pending, &pending );
        shared_connect[i] = WinHttpConnect( shared_session[i], L"127.0.0.1", SERVER_PORT, 0 );
        TlsSetValue( tls_pending, NULL );
        if (!shared_connect[i] || !adopt( shared_connect[i], KIND_CONNECT ))
        {
            fail( "shared connection: error %lu", GetLastError() );
            return;
        }
        shared_made++;
        if (pending.created != 1 || pending.handle != shared_connect[i])
            fail( "shared connection %p: %ld HANDLE_CREATED", shared_connect[i], pending.created );
    }
    phase_deadline = GetTickCount64() + ms;
    for (i = 0; i < nthreads; i++)
    {
        workers[i].nlive = 0;
        workers[i].thread = CreateThread( NULL, 0, worker_thread, &workers[i], 0, NULL );
        if (!workers[i].thread) { fail( "CreateThread: error %lu", GetLastError() ); nthreads = i; break; }
    }
    for (i = 0; i < nthreads; i++)
    {
        WaitForSingleObject( workers[i].thread, INFINITE );
        CloseHandle( workers[i].thread );
    }
    /* what was handed over and not taken */
    while (handoff_count)
    {
        struct live *l = &handoff[--handoff_count];
        if (!WinHttpCloseHandle( l->h ))
            fail( "WinHttpCloseHandle(%s %p) failed: error %lu", kind_name[l->kind], l->h, GetLastError() );
        ring_push( l->h );
    }
    for (i = 0; i < NUM_SHARED; i++)
    {
        if (!WinHttpCloseHandle( shared_connect[i] ) || !WinHttpCloseHandle( shared_session[i] ))
            fail( "closing shared handles: error %lu", GetLastError() );
    }
    if (!wait_closings( 10000 ))
    {
        report_missing_closings();
        *closings_ok = FALSE;
    }
}

static DWORD watchdog_ms;

static DWORD WINAPI watchdog_thread( void *arg )
{
    if (WaitForSingleObject( (HANDLE)arg, watchdog_ms ) == WAIT_OBJECT_0) return 0;
    printf( "stress-handles: FAIL: watchdog: still running after %lu ms (deadlock or runaway)\n", watchdog_ms );
    fflush( stdout );
    TerminateProcess( GetCurrentProcess(), 3 );
    return 0;
}

static void usage( void )
{
    printf( "usage: handles.exe [SECONDS] [-t THREADS] [-s SEED] [--lenient]\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    struct worker *workers;
    struct counts total;
    HANDLE done, watchdog;
    HMODULE module;
    int seconds = 10, nthreads = 8, i;
    ULONG64 seed = GetTickCount64() ^ ((ULONG64)GetCurrentProcessId() << 32);
    DWORD total_ms, warm_ms, main_ms;
    SIZE_T mem_base, mem_end;
    LONGLONG delta;
    BOOL closings_ok = TRUE;

    for (i = 1; i < argc; i++)
    {
        if (!wcscmp( argv[i], L"-t" ) && i + 1 < argc) nthreads = _wtoi( argv[++i] );
        else if (!wcscmp( argv[i], L"-s" ) && i + 1 < argc) seed = _wcstoui64( argv[++i], NULL, 0 );
        else if (!wcscmp( argv[i], L"--lenient" )) lenient = TRUE;
        else if (argv[i][0] >= '0' && argv[i][0] <= '9') seconds = _wtoi( argv[i] );
        else usage();
    }
    if (seconds < 1 || nthreads < 1 || nthreads > MAX_THREADS) usage();
    if (!seed) seed = 1;

    setvbuf( stdout, NULL, _IONBF, 0 );
    InitializeCriticalSection( &print_cs );
    InitializeCriticalSection( &handoff_cs );
    tls_pending = TlsAlloc();
    recs = calloc( NUM_RECS, sizeof(*recs) );
    workers = calloc( nthreads, sizeof(*workers) );
    if (!recs || !workers || tls_pending == TLS_OUT_OF_INDEXES)
    {
        printf( "stress-handles: FAIL: out of memory\n" );
        return 1;
    }
    if ((module = GetModuleHandleW( L"winhttp.dll" )))
    {
        pWinHttpQueryHeadersEx = (void *)GetProcAddress( module, "WinHttpQueryHeadersEx" );
        pWinHttpReadDataEx = (void *)GetProcAddress( module, "WinHttpReadDataEx" );
        pWinHttpAddRequestHeadersEx = (void *)GetProcAddress( module, "WinHttpAddRequestHeadersEx" );
    }

    total_ms = seconds * 1000;
    warm_ms = total_ms / 5;
    if (warm_ms > 5000) warm_ms = 5000;
    main_ms = total_ms - warm_ms;
    watchdog_ms = 2 * total_ms;
    if (watchdog_ms < total_ms + 5000) watchdog_ms = total_ms + 5000;
    done = CreateEventW( NULL, TRUE, FALSE, NULL );
    watchdog = CreateThread( NULL, 0, watchdog_thread, done, 0, NULL );

    printf( "stress-handles: threads=%d seconds=%d seed=%#llx stale=%s\n", nthreads, seconds, seed,
            lenient ? "lenient" : "strict" );
    for (i = 0; i < nthreads; i++)
    {
        workers[i].id = i;
        workers[i].rng = seed + 0x9e3779b97f4a7c15ull * (i + 1);
        if (!workers[i].rng) workers[i].rng = 1;
    }

    /* warm-up: the DLL's tables and caches reach their working size */
    run_phase( workers, nthreads, warm_ms, &closings_ok );
    mem_base = private_usage();
    if (!stop_flag) run_phase( workers, nthreads, main_ms, &closings_ok );
    mem_end = private_usage();
    SetEvent( done );
    WaitForSingleObject( watchdog, INFINITE );

    memset( &total, 0, sizeof(total) );
    for (i = 0; i < nthreads; i++)
    {
        total.sessions += workers[i].n.sessions;
        total.async_sessions += workers[i].n.async_sessions;
        total.connects += workers[i].n.connects;
        total.requests += workers[i].n.requests;
        total.closes += workers[i].n.closes;
        total.uses += workers[i].n.uses;
        total.stale_probes += workers[i].n.stale_probes;
        total.stale_accepted += workers[i].n.stale_accepted;
        total.tolerated += workers[i].n.tolerated;
        total.stubs += workers[i].n.stubs;
        total.handed += workers[i].n.handed;
    }
    printf( "stress-handles: created sessions=%lld (async %lld) connects=%lld requests=%lld; closed=%lld; uses=%lld; handed to another thread=%lld\n",
            total.sessions, total.async_sessions, total.connects, total.requests, total.closes, total.uses, total.handed );
    printf( "stress-handles: stale probes=%lld rejected=%lld accepted=%lld unimplemented=%lld\n", total.stale_probes,
            total.stale_probes - total.stale_accepted - total.stubs, total.stale_accepted, total.stubs );
    if (lenient) printf( "stress-handles: lenient: HANDLE_TYPE/PARENT_HANDLE unsupported %lld times\n", total.tolerated );
    printf( "stress-handles: callbacks handle_created=%lld handle_closing=%lld handles=%lld; in-callback queries ok=%lld failed=%lld\n",
            created_seen, closings_seen, records_made, in_callback_ok, in_callback_failed );
    delta = (LONGLONG)mem_end - (LONGLONG)mem_base;
    printf( "stress-handles: private memory after warm-up=%llu KiB at end=%llu KiB delta=%lld KiB\n",
            mem_base / 1024, mem_end / 1024, delta / 1024 );

    if (!failure_count && closings_ok && closings_seen != records_made)
        fail( "%lld handles, %lld HANDLE_CLOSING callbacks", records_made, closings_seen );
    if (!failure_count && created_seen != total.connects + total.requests + shared_made)
        fail( "%lld HANDLE_CREATED callbacks for %lld connections and requests", created_seen,
              total.connects + total.requests + shared_made );
    if (!failure_count && (!mem_base || !mem_end))
        fail( "K32GetProcessMemoryInfo failed: error %lu", GetLastError() );
    if (!failure_count && delta > MEMORY_SLACK)
        fail( "private memory grew by %lld KiB over the run (bound %d KiB)", delta / 1024, MEMORY_SLACK / 1024 );
    if (!failure_count && total.stale_probes == 0)
        fail( "no stale handle was probed" );

    if (failure_count)
    {
        printf( "stress-handles: FAIL: %s%s\n", first_failure, failure_count > 1 ? " (and more)" : "" );
        return 1;
    }
    printf( "stress-handles: PASS\n" );
    return 0;
}
