/*
 * Asynchronous stress test: threads run many asynchronous requests against an
 * in-process server of varied behaviour, closing handles at random moments.
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
 * Usage: async.exe [SECONDS] [-t THREADS] [-s SEED] [-v] [-d]
 *
 * A server thread of this process listens on 127.0.0.1 (an ephemeral port) and
 * answers each request the way its URL asks: small or large Content-Length
 * bodies, chunked ones, close-delimited ones, HTTP/1.0, 204, a redirect, heads
 * and bodies trickled out with delays, keep-alive or "Connection: close", and
 * connections closed or reset before the response is whole. Every body is a
 * pattern derived from the request's seed, and every response carries the
 * request's id in X-Id, so the client checks each byte and that the response
 * is its own. All delays are bounded (well under 2 s per request).
 *
 * THREADS workers (default 8) start asynchronous requests (WINHTTP_FLAG_ASYNC
 * sessions: a few shared by all workers, one per worker) and each request runs
 * its chain from its completion callbacks: SendRequest (with optional data,
 * sometimes the rest of a POST body with WriteData) -> ReceiveResponse ->
 * QueryDataAvailable/ReadData (sometimes ReadDataEx with FILL_BUFFER) until 0,
 * sometimes sending again on the same handle. About a fifth of the requests
 * are closed early: inside their k-th informational callback, inside their
 * k-th completion callback, from whichever worker finds them due (often not the
 * one that made them), or just after WinHttpSendRequest returns. Finished
 * requests are closed in their last callback or left open for another worker.
 * Sessions and connections, shared and per worker, are closed at random while
 * their requests run (a session before its connection, a connection before its
 * requests), and requests go on being opened on a connection whose session is
 * closed. Every use stays within "Concurrency in WinHTTP": a request's API
 * calls and its close are serialised by a lock of the test's own (never held
 * across WinHttpCloseHandle), shared parents are replaced under a lock.
 *
 * What is checked:
 *  - per request, every completion (SENDREQUEST_COMPLETE, WRITE_COMPLETE,
 *    HEADERS_AVAILABLE, DATA_AVAILABLE, READ_COMPLETE, REQUEST_ERROR) answers
 *    the one operation pending, of its kind (REQUEST_ERROR's API id included):
 *    no completion without an operation, none after REQUEST_ERROR ended it, no
 *    second one; a failed start is followed by no completion;
 *  - a request not closed early ends with the right status, its own X-Id and
 *    X-Exchange (the answer to this send, not an earlier one on the handle),
 *    the server's word that the POST body arrived intact, and exactly its body
 *    bytes (content checked, READ_COMPLETE's buffer is ours and no larger than
 *    asked, FILL_BUFFER reads are full but for the last); requests the server
 *    cuts short end in REQUEST_ERROR with ERROR_WINHTTP_CONNECTION_ERROR or
 *    ERROR_WINHTTP_INVALID_SERVER_RESPONSE, never in a clean end;
 *    ERROR_WINHTTP_OPERATION_CANCELLED comes only after a close; a request
 *    closed early may end either way, with correct bytes so far (a body that
 *    ends at the connection's end, cut short by the close and reported
 *    complete, is counted and shown, not failed);
 *  - the operation started from inside a completion callback is accepted;
 *  - a request whose callback mask has no informational bits gets none;
 *  - every handle gets exactly one HANDLE_CLOSING, reporting itself, only
 *    after it was closed, with no operation still pending (its completion came
 *    first), with no other callback for it running on another thread, after
 *    the HANDLE_CLOSING of all its children; nothing comes after it (each
 *    context is a guarded record, poisoned at HANDLE_CLOSING and freed late);
 *  - HANDLE_CREATED comes once, inside the call that makes the handle;
 *  - at the end of each phase every request has finished (bounded wait) and
 *    every handle has had its HANDLE_CLOSING (bounded wait);
 *  - the process's commit charge (PagefileUsage: Wine leaves PrivateUsage 0)
 *    and handle count (where the system reports one; Wine 8 does not) after
 *    the run are within a generous bound of their level after a warm-up phase;
 *  - a watchdog fails the run if it takes more than twice its time + 10 s;
 *    a crash is reported as a failure by an unhandled-exception filter.
 *
 * Prints counts and "stress-async: PASS" or "stress-async: FAIL: reason";
 * exits 0 only on a pass. -v prints every failure with its request's history
 * (the first 20 are printed anyway); -d leaves a crash to the debugger (under
 * Wine, winedbg prints a backtrace) instead of reporting it.
 */

#define FD_SETSIZE 1024
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS      64
#define MAX_ACTIVE       6         /* running requests per worker */
#define NUM_SHARED       2         /* shared sessions, each with a connection */
#define REGISTRY_SIZE    8192
#define REGISTRY_IDLE    512       /* beyond this many, finished requests are not left open */
#define QUARANTINE_SIZE  256       /* records kept poisoned before they are freed */
#define LOG_SIZE         48
#define READ_BUF_SIZE    8192
#define MAX_BODY_SEND    16384
#define DRAIN_MS         10000
#define CLOSING_WAIT_MS  10000
#define MEMORY_SLACK     (48 * 1024 * 1024)
#define HANDLE_SLACK     256

#define MAGIC_LIVE    0x4c495645   /* "LIVE" */
#define MAGIC_CLOSING 0x434c4f53   /* "CLOS" */
#define MAGIC_DEAD    ((LONG)0xdeaddead)

#define STATUS(x) WINHTTP_CALLBACK_STATUS_##x
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- what the server does, by kind ---- */

enum kind
{
    K_SMALL, K_CLOSE, K_CHUNKED, K_LARGE, K_SLOW_HEAD, K_SLOW_BODY, K_SLOW_CHUNKS, K_TO_CLOSE, K_HTTP10,
    K_REDIRECT, K_SPLIT_HEAD, K_NO_CONTENT, K_EARLY_NONE, K_EARLY_HEAD, K_EARLY_BODY, K_EARLY_CHUNK, K_RESET,
    NUM_KINDS
};

static const struct
{
    const char  *name;
    int          weight;
    unsigned int min_len, max_len;
    BOOL         fails;      /* the server cuts the response short */
    BOOL         head_ok;    /* may be asked with HEAD */
} kinds[NUM_KINDS] =
{
    { "small",        18, 0,     1024,   FALSE, TRUE },
    { "close",         7, 0,     4096,   FALSE, TRUE },
    { "chunked",      12, 0,     40000,  FALSE, TRUE },
    { "large",         5, 65536, 300000, FALSE, FALSE },
    { "slow-head",     7, 0,     8192,   FALSE, TRUE },
    { "slow-body",     7, 1,     20000,  FALSE, FALSE },
    { "slow-chunks",   7, 0,     20000,  FALSE, FALSE },
    { "to-close",      6, 0,     20000,  FALSE, FALSE },
    { "http10",        3, 0,     4096,   FALSE, FALSE },
    { "redirect",      4, 0,     1024,   FALSE, FALSE },
    { "split-head",    4, 0,     2048,   FALSE, TRUE },
    { "no-content",    2, 0,     0,      FALSE, FALSE },
    { "early-none",    3, 0,     0,      TRUE,  FALSE },
    { "early-head",    3, 0,     1024,   TRUE,  FALSE },
    { "early-body",    3, 2,     20000,  TRUE,  FALSE },
    { "early-chunk",   3, 0,     20000,  TRUE,  FALSE },
    { "reset",         2, 1,     20000,  TRUE,  FALSE },
};

enum verb { V_GET, V_POST, V_HEAD };
static const WCHAR *verb_names[] = { L"GET", L"POST", L"HEAD" };
static const char *verb_anames[] = { "GET", "POST", "HEAD" };

static ULONG64 rnd( ULONG64 *state )
{
    ULONG64 x = *state;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static unsigned int rnd_below( ULONG64 *state, unsigned int n )
{
    return n ? (unsigned int)((rnd( state ) >> 33) % n) : 0;
}

/* The body a response carries, byte by byte; request bodies use seed ^ BODY_SEED. */
#define BODY_SEED 0xa5a5a5a5u
static unsigned char pattern_byte( unsigned int seed, unsigned int i )
{
    unsigned int x = seed ^ (i * 0x9e3779b1u);
    x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15;
    return 'A' + x % 58;
}

/* ---- failures ---- */

static volatile LONG failure_count, stop_flag;
static char first_failure[1024];
static CRITICAL_SECTION print_cs;
static BOOL verbose, debugger;

static void report( const char *msg, const char *detail )
{
    LONG n = InterlockedIncrement( &failure_count );

    InterlockedExchange( &stop_flag, 1 );
    EnterCriticalSection( &print_cs );
    if (n == 1) lstrcpynA( first_failure, msg, sizeof(first_failure) );
    if (n <= 20 || verbose)
    {
        printf( "stress-async: error: %s\n", msg );
        if (detail && *detail) printf( "%s", detail );
    }
    else if (n == 21) printf( "stress-async: (more errors not shown; -v shows them)\n" );
    fflush( stdout );
    LeaveCriticalSection( &print_cs );
}

static void fail( const char *fmt, ... ) __attribute__((format(printf, 1, 2)));
static void fail( const char *fmt, ... )
{
    char msg[1024];
    va_list args;

    va_start( args, fmt );
    vsnprintf( msg, sizeof(msg), fmt, args );
    va_end( args );
    report( msg, NULL );
}

/* ---- counters ---- */

enum counter
{
    C_REQUESTS, C_EXCHANGES, C_GET, C_POST, C_HEAD, C_OK, C_EXPECTED_ERROR, C_CANCELLED, C_DONE_AFTER_CLOSE,
    C_BYTES, C_TRUNCATED_AFTER_CLOSE, C_RESENT, C_WRITES, C_READS, C_QDAS, C_FILL_READS, C_NARROW,
    C_CLOSE_INFO, C_CLOSE_COMPLETION, C_CLOSE_EXTERNAL, C_CLOSE_AFTER_SEND, C_CLOSE_DONE_CB, C_CLOSE_DONE_OTHER,
    C_CLOSE_DRAIN, C_CLOSE_OTHER_THREAD, C_CLOSED_EARLY, C_CLOSED_PENDING,
    C_SESSIONS, C_CONNECTS, C_PARENT_CLOSES, C_CLOSED_WITH_CHILDREN, C_ORPHAN_REQUESTS,
    C_CALLBACKS, C_INFO, C_INFO_IDLE, C_CREATED, C_RECORDS, C_CLOSINGS, C_NESTED_CLOSING, C_POST_CLOSE_CALLS,
    NUM_COUNTERS
};
static volatile LONG64 counters[NUM_COUNTERS];
static volatile LONG64 kind_counts[NUM_KINDS];
static volatile LONG64 idle_info[32];   /* informational callbacks with no operation pending, by status bit */
#define COUNT(c) InterlockedIncrement64( &counters[c] )

/* ---- records: the context of every handle ---- */

enum rec_type { REC_SESSION, REC_CONNECT, REC_REQUEST };
static const char *type_names[] = { "session", "connect", "request" };

enum op { OP_NONE, OP_SEND, OP_WRITE, OP_RECV, OP_QDA, OP_READ };
static const char *op_names[] = { "none", "SendRequest", "WriteData", "ReceiveResponse", "QueryDataAvailable", "ReadData" };
static const DWORD op_api[] = { 0, API_SEND_REQUEST, API_WRITE_DATA, API_RECEIVE_RESPONSE, API_QUERY_DATA_AVAILABLE,
                                API_READ_DATA };
static const DWORD op_status[] = { 0, STATUS(SENDREQUEST_COMPLETE), STATUS(WRITE_COMPLETE), STATUS(HEADERS_AVAILABLE),
                                   STATUS(DATA_AVAILABLE), STATUS(READ_COMPLETE) };

enum phase { PH_IDLE, PH_RUNNING, PH_DONE_OK, PH_DONE_ERROR };
enum close_mode { CLOSE_NONE, CLOSE_INFO, CLOSE_COMPLETION, CLOSE_EXTERNAL, CLOSE_AFTER_SEND };
static const char *close_mode_names[] = { "none", "in-info-callback", "in-completion-callback", "other-thread", "after-send" };

/* our own actions in a request's history */
#define EV_START   0x10000000
#define EV_CLOSE   0x20000000
#define EV_FAILED  0x30000000
#define EV_RETURNED 0x40000000

struct event
{
    DWORD code;     /* a WINHTTP_CALLBACK_STATUS_*, or EV_* | op */
    DWORD value;    /* length, error, ... */
    DWORD value2;
    DWORD tid;
    DWORD tick;
};

struct worker;

struct rec
{
    volatile LONG   magic;
    int             type;
    HINTERNET       handle;
    LONG64          serial;
    volatile LONG   refs;           /* the DLL's (until HANDLE_CLOSING), the owner's, the registry's, temporary */
    volatile LONG   closed;
    volatile LONG   closings;
    volatile LONG   in_callback;
    volatile LONG   children;       /* children without their HANDLE_CLOSING yet */
    struct rec     *parent;
    struct rec     *all_prev, *all_next;
    struct worker  *owner;
    DWORD           owner_tid;
    /* requests: the fields below are guarded by cs */
    CRITICAL_SECTION cs;
    enum op         pending;
    enum phase      phase;
    int             kind;
    int             verb;
    unsigned int    id, seed, len, expect_len, body_len, opt_len, written, write_size;
    unsigned int    offset;
    unsigned int    exchanges;
    DWORD           read_size;
    BOOL            read_fill;
    int             close_mode;
    unsigned int    close_at;
    ULONGLONG       close_time;
    BOOL            closed_early;
    BOOL            narrow_mask;
    ULONG64         rng;
    volatile LONG   active;
    volatile LONG   ninfo, ncompletions;
    int             reg_index;      /* guarded by registry_cs */
    char           *send_buf;
    char           *read_buf;
    volatile LONG   nlog;
    struct event    log[LOG_SIZE];
    volatile LONG   tail_magic;
};

static CRITICAL_SECTION records_cs;
static struct rec *all_records;
static struct rec *quarantine[QUARANTINE_SIZE];
static unsigned int quarantine_pos;
static volatile LONG64 next_serial;
static volatile LONG next_id;
static volatile LONG global_active;
static DWORD tls_created, tls_in_callback;

struct worker
{
    int            id;
    HANDLE         thread;
    DWORD          tid;
    ULONG64        rng;
    volatile LONG  active;
    struct rec    *session, *connect;
    char           pad[64];
};

static const char *status_name( DWORD status )
{
    switch (status)
    {
#define X(s) case STATUS(s): return #s
    X(RESOLVING_NAME); X(NAME_RESOLVED); X(CONNECTING_TO_SERVER); X(CONNECTED_TO_SERVER);
    X(SENDING_REQUEST); X(REQUEST_SENT); X(RECEIVING_RESPONSE); X(RESPONSE_RECEIVED);
    X(CLOSING_CONNECTION); X(CONNECTION_CLOSED); X(HANDLE_CREATED); X(HANDLE_CLOSING);
    X(DETECTING_PROXY); X(REDIRECT); X(INTERMEDIATE_RESPONSE); X(SECURE_FAILURE);
    X(HEADERS_AVAILABLE); X(DATA_AVAILABLE); X(READ_COMPLETE); X(WRITE_COMPLETE);
    X(REQUEST_ERROR); X(SENDREQUEST_COMPLETE);
#undef X
    }
    return "?";
}

static BOOL is_completion( DWORD status )
{
    return status == STATUS(SENDREQUEST_COMPLETE) || status == STATUS(WRITE_COMPLETE) ||
           status == STATUS(HEADERS_AVAILABLE) || status == STATUS(DATA_AVAILABLE) ||
           status == STATUS(READ_COMPLETE) || status == STATUS(REQUEST_ERROR);
}

static void log_event( struct rec *r, DWORD code, DWORD value, DWORD value2 )
{
    LONG n = InterlockedIncrement( &r->nlog ) - 1;
    struct event *ev = &r->log[n % LOG_SIZE];

    ev->code = code;
    ev->value = value;
    ev->value2 = value2;
    ev->tid = GetCurrentThreadId();
    ev->tick = GetTickCount();
}

/* A request's identity and history, for a failure message. */
static void describe( struct rec *r, char *buf, size_t size )
{
#define ADD(...) do { if (pos < size) { int n_ = snprintf( buf + pos, size - pos, __VA_ARGS__ ); \
                                        pos = n_ < 0 ? size : min( size, pos + n_ ); } } while (0)
    LONG n = r->nlog, i, first = n > LOG_SIZE ? n - LOG_SIZE : 0;
    DWORD base = 0;
    size_t pos = 0;

    ADD( "    %s %p serial %lld: kind %s, %s, id %u, seed %u, body %u of %u, posted %u (%u with the send), "
         "close plan %s@%u, closed %ld, phase %d, pending %s, exchanges %u, in callback %ld, owner thread %04lx\n"
         "    history (thread/ms):",
         type_names[r->type], r->handle, r->serial, r->type == REC_REQUEST ? kinds[r->kind].name : "-",
         verb_anames[r->verb], r->id, r->seed, r->offset, r->expect_len, r->body_len, r->opt_len,
         close_mode_names[r->close_mode], r->close_at, r->closed, r->phase, op_names[r->pending],
         r->exchanges, r->in_callback, r->owner_tid );
    if (first) ADD( " ...(%ld earlier)", first );
    for (i = first; i < n && pos < size - 100; i++)
    {
        struct event *ev = &r->log[i % LOG_SIZE];
        DWORD kind = ev->code & 0xf0000000;

        if (!base) base = ev->tick;
        if (kind == EV_START)
            ADD( " >%s(%lu)", op_names[ev->code & 0xff], ev->value );
        else if (kind == EV_CLOSE)
            ADD( " >CLOSE(%s)", close_mode_names[ev->code & 0xff] );
        else if (kind == EV_RETURNED)
            ADD( " <%s", op_names[ev->code & 0xff] );
        else if (kind == EV_FAILED)
            ADD( " >%s-FAILED(%lu)", op_names[ev->code & 0xff], ev->value );
        else if (ev->code == STATUS(REQUEST_ERROR))
            ADD( " REQUEST_ERROR(api %lu, error %lu)", ev->value, ev->value2 );
        else if (ev->code == STATUS(DATA_AVAILABLE) || ev->code == STATUS(READ_COMPLETE) ||
                 ev->code == STATUS(WRITE_COMPLETE))
            ADD( " %s(%lu)", status_name( ev->code ), ev->value );
        else
            ADD( " %s", status_name( ev->code ) );
        ADD( "[%04lx/%lu]", ev->tid, ev->tick - base );
    }
    if (pos >= size - 2) pos = size - 2;
    buf[pos++] = '\n';
    buf[pos] = 0;
#undef ADD
}

static void fail_rec( struct rec *r, const char *fmt, ... ) __attribute__((format(printf, 2, 3)));
static void fail_rec( struct rec *r, const char *fmt, ... )
{
    char msg[1024], detail[8192];
    va_list args;

    va_start( args, fmt );
    vsnprintf( msg, sizeof(msg), fmt, args );
    va_end( args );
    describe( r, detail, sizeof(detail) );
    report( msg, detail );
}

static struct rec *new_rec( int type, struct rec *parent, struct worker *owner )
{
    struct rec *r = calloc( 1, sizeof(*r) );

    if (!r) return NULL;
    r->type = type;
    r->serial = InterlockedIncrement64( &next_serial );
    r->refs = 2;            /* the DLL's, until HANDLE_CLOSING, and the owner's */
    r->owner = owner;
    r->owner_tid = GetCurrentThreadId();
    r->reg_index = -1;
    r->parent = parent;
    r->magic = r->tail_magic = MAGIC_LIVE;
    if (type == REC_REQUEST)
    {
        InitializeCriticalSection( &r->cs );
        if (!(r->read_buf = malloc( READ_BUF_SIZE )) || !(r->send_buf = malloc( MAX_BODY_SEND )))
        {
            free( r->read_buf );
            DeleteCriticalSection( &r->cs );
            free( r );
            return NULL;
        }
    }
    if (parent)
    {
        InterlockedIncrement( &parent->refs );
        InterlockedIncrement( &parent->children );
    }
    EnterCriticalSection( &records_cs );
    r->all_next = all_records;
    if (all_records) all_records->all_prev = r;
    all_records = r;
    LeaveCriticalSection( &records_cs );
    return r;
}

static void free_rec( struct rec *r )
{
    if (r->type == REC_REQUEST) DeleteCriticalSection( &r->cs );
    free( r->send_buf );
    free( r->read_buf );
    free( r );
}

static void release_rec( struct rec *r )
{
    struct rec *evicted = NULL, *parent = r->parent;

    if (InterlockedDecrement( &r->refs )) return;
    EnterCriticalSection( &records_cs );
    if (r->all_prev) r->all_prev->all_next = r->all_next;
    else all_records = r->all_next;
    if (r->all_next) r->all_next->all_prev = r->all_prev;
    /* kept a while, poisoned: a late callback finds MAGIC_DEAD, not freed memory */
    evicted = quarantine[quarantine_pos];
    quarantine[quarantine_pos] = r;
    quarantine_pos = (quarantine_pos + 1) % QUARANTINE_SIZE;
    LeaveCriticalSection( &records_cs );
    if (evicted) free_rec( evicted );
    if (parent) release_rec( parent );
}

/* ---- the registry of open requests, where any worker may find one to close ---- */

static CRITICAL_SECTION registry_cs;
static struct rec *registry[REGISTRY_SIZE];
static int registry_count;

static BOOL registry_add( struct rec *r )
{
    BOOL ok = FALSE;

    EnterCriticalSection( &registry_cs );
    if (registry_count < REGISTRY_SIZE)
    {
        InterlockedIncrement( &r->refs );
        r->reg_index = registry_count;
        registry[registry_count++] = r;
        ok = TRUE;
    }
    LeaveCriticalSection( &registry_cs );
    return ok;
}

static void registry_remove( struct rec *r )
{
    BOOL removed = FALSE;

    EnterCriticalSection( &registry_cs );
    if (r->reg_index >= 0)
    {
        struct rec *last = registry[--registry_count];
        registry[r->reg_index] = last;
        last->reg_index = r->reg_index;
        r->reg_index = -1;
        removed = TRUE;
    }
    LeaveCriticalSection( &registry_cs );
    if (removed) release_rec( r );
}

/* ---- the client: requests ---- */

static INTERNET_PORT server_port;
static DWORD (WINAPI *pWinHttpReadDataEx)(HINTERNET,void*,DWORD,DWORD*,ULONGLONG,DWORD,void*);

static void deactivate( struct rec *r )
{
    if (!InterlockedExchange( &r->active, 0 )) return;
    InterlockedDecrement( &r->owner->active );
    InterlockedDecrement( &global_active );
}

/* Closes a request once, whoever gets here first; never holds r->cs while closing. */
static void close_request( struct rec *r, int counter, int mode )
{
    EnterCriticalSection( &r->cs );
    if (InterlockedCompareExchange( &r->closed, 1, 0 ))
    {
        LeaveCriticalSection( &r->cs );
        return;
    }
    if (r->phase == PH_RUNNING)
    {
        r->closed_early = TRUE;
        COUNT( C_CLOSED_EARLY );
        if (r->pending != OP_NONE) COUNT( C_CLOSED_PENDING );
    }
    log_event( r, EV_CLOSE | mode, 0, 0 );
    LeaveCriticalSection( &r->cs );
    registry_remove( r );
    deactivate( r );
    COUNT( counter );
    if (GetCurrentThreadId() != r->owner_tid) COUNT( C_CLOSE_OTHER_THREAD );
    if (!WinHttpCloseHandle( r->handle ))
        fail_rec( r, "WinHttpCloseHandle(request %p) failed: error %lu", r->handle, GetLastError() );
}

/* What the server is asked to do; the URL carries it, so it is chosen before
 * WinHttpOpenRequest and stays the same when the handle sends again. */
static void choose_request( struct rec *r )
{
    int total = 0, pick, k;
    unsigned int span, i;

    for (k = 0; k < NUM_KINDS; k++) total += kinds[k].weight;
    pick = rnd_below( &r->rng, total );
    for (k = 0; pick >= kinds[k].weight; k++) pick -= kinds[k].weight;
    r->kind = k;
    r->id = InterlockedIncrement( &next_id );
    r->seed = (unsigned int)rnd( &r->rng );
    span = kinds[k].max_len - kinds[k].min_len;
    r->len = kinds[k].min_len + (rnd_below( &r->rng, 8 ) ? rnd_below( &r->rng, span + 1 ) : 0);
    r->verb = V_GET;
    if (kinds[k].head_ok && !rnd_below( &r->rng, 12 )) r->verb = V_HEAD;
    else if (!rnd_below( &r->rng, 5 )) r->verb = V_POST;
    r->body_len = 0;
    if (r->verb == V_POST)
    {
        r->body_len = rnd_below( &r->rng, 4 ) ? rnd_below( &r->rng, MAX_BODY_SEND + 1 ) : 0;
        for (i = 0; i < r->body_len; i++) r->send_buf[i] = pattern_byte( r->seed ^ BODY_SEED, i );
    }
    r->expect_len = (r->verb == V_HEAD || k == K_NO_CONTENT || k == K_EARLY_NONE) ? 0 : r->len;
}

/* A new exchange on the handle: the same URL, a new X-Exchange number; r->cs held. */
static BOOL begin_exchange( struct rec *r )
{
    WCHAR header[64];

    r->offset = r->written = 0;
    r->phase = PH_RUNNING;
    r->exchanges++;
    switch (rnd_below( &r->rng, 4 ))
    {
    case 0: r->opt_len = 0; break;
    case 1: r->opt_len = rnd_below( &r->rng, r->body_len + 1 ); break;
    default: r->opt_len = r->body_len; break;
    }
    COUNT( C_EXCHANGES );
    COUNT( C_GET + r->verb );
    InterlockedIncrement64( &kind_counts[r->kind] );
    swprintf( header, ARRAY_SIZE(header), L"X-Exchange: %u", r->exchanges );
    if (WinHttpAddRequestHeaders( r->handle, header, (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE ))
        return TRUE;
    r->phase = PH_DONE_ERROR;
    fail_rec( r, "WinHttpAddRequestHeaders on request %p failed: error %lu", r->handle, GetLastError() );
    return FALSE;
}

/* Starts an operation; called with r->cs held. FALSE if it failed to start. */
static BOOL start_op( struct rec *r, enum op op )
{
    WCHAR path[160];
    DWORD size = 0, error;
    BOOL ok, extra;

    r->pending = op;
    switch (op)
    {
    case OP_SEND:
        swprintf( path, ARRAY_SIZE(path), L"X-Stress: %u\r\n", r->id );
        log_event( r, EV_START | op, r->opt_len, r->body_len );
        extra = rnd_below( &r->rng, 2 );
        ok = WinHttpSendRequest( r->handle, extra ? path : WINHTTP_NO_ADDITIONAL_HEADERS,
                                 extra && rnd_below( &r->rng, 2 ) ? (DWORD)-1 : 0,
                                 r->opt_len ? r->send_buf : WINHTTP_NO_REQUEST_DATA, r->opt_len, r->body_len,
                                 rnd_below( &r->rng, 2 ) ? (DWORD_PTR)r : 0 );
        break;
    case OP_WRITE:
        size = r->body_len - r->written;
        if (size > 1 && rnd_below( &r->rng, 2 )) size = 1 + rnd_below( &r->rng, size );
        r->write_size = size;
        log_event( r, EV_START | op, size, 0 );
        COUNT( C_WRITES );
        ok = WinHttpWriteData( r->handle, r->send_buf + r->written, size, NULL );
        break;
    case OP_RECV:
        log_event( r, EV_START | op, 0, 0 );
        ok = WinHttpReceiveResponse( r->handle, NULL );
        break;
    case OP_QDA:
        log_event( r, EV_START | op, 0, 0 );
        COUNT( C_QDAS );
        ok = WinHttpQueryDataAvailable( r->handle, NULL );
        break;
    case OP_READ:
        log_event( r, EV_START | op, r->read_size, r->read_fill );
        COUNT( C_READS );
        if (r->read_fill)
        {
            COUNT( C_FILL_READS );
            error = pWinHttpReadDataEx( r->handle, r->read_buf, r->read_size, NULL,
                                        WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL );
            SetLastError( error );
            ok = !error;
        }
        else ok = WinHttpReadData( r->handle, r->read_buf, r->read_size, NULL );
        break;
    default:
        ok = FALSE;
        break;
    }
    if (ok)
    {
        log_event( r, EV_RETURNED | op, 0, 0 );
        return TRUE;
    }
    error = GetLastError();
    log_event( r, EV_FAILED | op, error, 0 );
    r->pending = OP_NONE;
    r->phase = PH_DONE_ERROR;
    fail_rec( r, "Win%s on request %p failed at once with error %lu", op_names[op], r->handle, error );
    return FALSE;
}

/* After HEADERS_AVAILABLE, DATA_AVAILABLE or READ_COMPLETE: how to read on. */
static enum op next_read( struct rec *r, DWORD available )
{
    if (!available && rnd_below( &r->rng, 2 ))
        return OP_QDA;
    r->read_fill = FALSE;
    if (available)
    {
        switch (rnd_below( &r->rng, 4 ))
        {
        case 0: r->read_size = 1 + rnd_below( &r->rng, min( available, READ_BUF_SIZE ) ); break;
        case 1: r->read_size = READ_BUF_SIZE; break;
        default: r->read_size = min( available, READ_BUF_SIZE ); break;
        }
    }
    else
    {
        r->read_size = rnd_below( &r->rng, 4 ) ? READ_BUF_SIZE : 1 + rnd_below( &r->rng, READ_BUF_SIZE );
        if (pWinHttpReadDataEx && !rnd_below( &r->rng, 8 )) r->read_fill = TRUE;
    }
    return OP_READ;
}

static BOOL query_number( struct rec *r, DWORD level, DWORD *value )
{
    DWORD len = sizeof(*value);
    return WinHttpQueryHeaders( r->handle, level | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX, value,
                                &len, WINHTTP_NO_HEADER_INDEX );
}

static BOOL query_custom( struct rec *r, const WCHAR *name, WCHAR *buf, DWORD size )
{
    DWORD len = size * sizeof(WCHAR);
    return WinHttpQueryHeaders( r->handle, WINHTTP_QUERY_CUSTOM, name, buf, &len, WINHTTP_NO_HEADER_INDEX );
}

/* HEADERS_AVAILABLE: the response must be this request's own. */
static BOOL check_headers( struct rec *r )
{
    DWORD code = 0, expect = r->kind == K_NO_CONTENT ? 204 : 200;
    const WCHAR *body_word = (r->verb == V_POST && r->body_len && r->kind != K_REDIRECT) ? L"ok" : L"none";
    WCHAR value[64] = L"";

    if (!query_number( r, WINHTTP_QUERY_STATUS_CODE, &code ))
    {
        fail_rec( r, "querying the status code of request %p failed: error %lu", r->handle, GetLastError() );
        return FALSE;
    }
    if (code != expect)
    {
        fail_rec( r, "request %p got status %lu, expected %lu", r->handle, code, expect );
        return FALSE;
    }
    if (!query_custom( r, L"X-Id", value, ARRAY_SIZE(value) ) || (unsigned int)_wtoi( value ) != r->id)
    {
        fail_rec( r, "request %p got the response of another request: X-Id %ls, expected %u (error %lu)", r->handle,
                  value, r->id, GetLastError() );
        return FALSE;
    }
    value[0] = 0;
    if (!query_custom( r, L"X-Exchange", value, ARRAY_SIZE(value) ) || (unsigned int)_wtoi( value ) != r->exchanges)
    {
        fail_rec( r, "request %p got the response of another exchange: X-Exchange %ls, expected %u (error %lu)",
                  r->handle, value, r->exchanges, GetLastError() );
        return FALSE;
    }
    value[0] = 0;
    if (!query_custom( r, L"X-Body", value, ARRAY_SIZE(value) ) || wcscmp( value, body_word ))
    {
        fail_rec( r, "the server says the body of request %p was '%ls', expected '%ls' (%u bytes, %u with the send)",
                  r->handle, value, body_word, r->body_len, r->opt_len );
        return FALSE;
    }
    return TRUE;
}

static BOOL check_bytes( struct rec *r, const unsigned char *data, DWORD len )
{
    DWORD i;

    if (r->offset + len > r->expect_len)
    {
        fail_rec( r, "request %p got %lu bytes at offset %u of a %u-byte body", r->handle, len, r->offset,
                  r->expect_len );
        return FALSE;
    }
    for (i = 0; i < len; i++)
    {
        if (data[i] != pattern_byte( r->seed, r->offset + i ))
        {
            fail_rec( r, "request %p: body byte %lu is %#x, expected %#x", r->handle, r->offset + i, data[i],
                      pattern_byte( r->seed, r->offset + i ) );
            return FALSE;
        }
    }
    r->offset += len;
    InterlockedExchangeAdd64( &counters[C_BYTES], len );
    return TRUE;
}

/* What a callback decided to do once it has let go of r->cs. */
enum after { AFTER_NOTHING, AFTER_CLOSE_DONE, AFTER_CLOSE_COMPLETION };

/* The body is over (READ_COMPLETE 0 or DATA_AVAILABLE 0); r->cs held. */
static enum after body_done( struct rec *r )
{
    if (r->offset != r->expect_len && r->closed)
    {
        /* the close shut the socket: a body that ends at the connection's end looks complete */
        r->phase = PH_DONE_ERROR;
        COUNT( C_TRUNCATED_AFTER_CLOSE );
        return AFTER_NOTHING;
    }
    if (r->offset != r->expect_len)
    {
        r->phase = PH_DONE_ERROR;
        if (kinds[r->kind].fails)
            fail_rec( r, "request %p: a response the server cut short (%s) ended cleanly after %u of %u bytes",
                      r->handle, kinds[r->kind].name, r->offset, r->expect_len );
        else
            fail_rec( r, "request %p: the body ended after %u of %u bytes", r->handle, r->offset, r->expect_len );
        return AFTER_CLOSE_DONE;
    }
    if (kinds[r->kind].fails && r->expect_len)
    {
        r->phase = PH_DONE_ERROR;
        fail_rec( r, "request %p: a response the server cut short (%s) was read whole", r->handle,
                  kinds[r->kind].name );
        return AFTER_CLOSE_DONE;
    }
    if (kinds[r->kind].fails)
    {
        r->phase = PH_DONE_ERROR;
        fail_rec( r, "request %p: a response the server never finished (%s) ended cleanly", r->handle,
                  kinds[r->kind].name );
        return AFTER_CLOSE_DONE;
    }
    r->phase = PH_DONE_OK;
    if (r->closed) COUNT( C_DONE_AFTER_CLOSE );
    else COUNT( C_OK );
    if (r->closed) return AFTER_NOTHING;
    /* sometimes the same handle goes round again, from inside this callback */
    if (r->exchanges < 4 && r->kind != K_REDIRECT && !rnd_below( &r->rng, 7 ))
    {
        COUNT( C_RESENT );
        if (begin_exchange( r ) && start_op( r, OP_SEND )) return AFTER_NOTHING;
        return AFTER_CLOSE_DONE;
    }
    return AFTER_CLOSE_DONE;
}

static enum after request_completion( struct rec *r, DWORD status, void *info, DWORD info_len )
{
    enum op op = r->pending, next = OP_NONE;
    enum after after = AFTER_NOTHING;
    DWORD value = 0;

    if (op == OP_NONE)
    {
        fail_rec( r, "%s for request %p with no operation pending", status_name( status ), r->handle );
        return AFTER_NOTHING;
    }
    if (status == STATUS(REQUEST_ERROR))
    {
        WINHTTP_ASYNC_RESULT *result = info;

        if (!result || info_len < sizeof(*result))
        {
            fail_rec( r, "REQUEST_ERROR for request %p without its result (%p, %lu)", r->handle, info, info_len );
            return AFTER_NOTHING;
        }
        if (result->dwResult != op_api[op])
            fail_rec( r, "REQUEST_ERROR for API %lu on request %p while %s was pending", (DWORD)result->dwResult,
                      r->handle, op_names[op] );
        r->pending = OP_NONE;
        r->phase = PH_DONE_ERROR;
        if (result->dwError == ERROR_WINHTTP_OPERATION_CANCELLED)
        {
            if (!r->closed)
                fail_rec( r, "%s on request %p was cancelled though the handle is open", op_names[op], r->handle );
            COUNT( C_CANCELLED );
        }
        else if (kinds[r->kind].fails && (result->dwError == ERROR_WINHTTP_CONNECTION_ERROR ||
                                          result->dwError == ERROR_WINHTTP_INVALID_SERVER_RESPONSE))
            COUNT( C_EXPECTED_ERROR );
        else
            fail_rec( r, "%s on request %p (%s) failed with error %lu", op_names[op], r->handle,
                      kinds[r->kind].name, result->dwError );
        return r->closed ? AFTER_NOTHING : AFTER_CLOSE_DONE;
    }
    if (status != op_status[op])
    {
        fail_rec( r, "%s for request %p while %s was pending", status_name( status ), r->handle, op_names[op] );
        return AFTER_NOTHING;
    }
    r->pending = OP_NONE;

    switch (status)
    {
    case STATUS(SENDREQUEST_COMPLETE):
        next = r->written + r->opt_len < r->body_len ? OP_WRITE : OP_RECV;
        if (next == OP_WRITE && !r->written) r->written = r->opt_len;
        break;
    case STATUS(WRITE_COMPLETE):
        if (info_len != sizeof(DWORD) || !info || *(DWORD *)info != r->write_size)
        {
            fail_rec( r, "WRITE_COMPLETE for request %p reports %lu bytes (length %lu), %u were written", r->handle,
                      info ? *(DWORD *)info : 0, info_len, r->write_size );
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        r->written += r->write_size;
        next = r->written < r->body_len ? OP_WRITE : OP_RECV;
        break;
    case STATUS(HEADERS_AVAILABLE):
        /* once the handle is closed, calls on it may fail: nothing to check */
        if (r->closed) return AFTER_NOTHING;
        if (!check_headers( r ))
        {
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        next = next_read( r, 0 );
        break;
    case STATUS(DATA_AVAILABLE):
        if (info_len != sizeof(DWORD) || !info)
        {
            fail_rec( r, "DATA_AVAILABLE for request %p with info length %lu", r->handle, info_len );
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        value = *(DWORD *)info;
        if (value > r->expect_len - r->offset)
        {
            fail_rec( r, "DATA_AVAILABLE says %lu bytes for request %p, %u of %u are left", value, r->handle,
                      r->expect_len - r->offset, r->expect_len );
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        if (!value) return body_done( r );
        next = next_read( r, value );
        break;
    case STATUS(READ_COMPLETE):
        if (info != r->read_buf || info_len > r->read_size)
        {
            fail_rec( r, "READ_COMPLETE for request %p with buffer %p length %lu; it read into %p, %lu bytes",
                      r->handle, info, info_len, r->read_buf, r->read_size );
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        if (!check_bytes( r, info, info_len ))
        {
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        if (r->read_fill && info_len && info_len < r->read_size && r->offset != r->expect_len && r->closed)
            COUNT( C_TRUNCATED_AFTER_CLOSE );
        else if (r->read_fill && info_len && info_len < r->read_size && r->offset != r->expect_len &&
                 !kinds[r->kind].fails)
        {
            fail_rec( r, "ReadDataEx(FILL_BUFFER) on request %p read %lu of %lu bytes at offset %u of %u", r->handle,
                      info_len, r->read_size, (unsigned int)(r->offset - info_len), r->expect_len );
            r->phase = PH_DONE_ERROR;
            return AFTER_CLOSE_DONE;
        }
        if (!info_len) return body_done( r );
        next = next_read( r, 0 );
        break;
    }

    if (r->closed) return AFTER_NOTHING;
    if (r->close_mode == CLOSE_COMPLETION && (unsigned int)r->ncompletions >= r->close_at)
        return AFTER_CLOSE_COMPLETION;
    if (!start_op( r, next )) after = AFTER_CLOSE_DONE;
    return after;
}

static void request_callback( struct rec *r, DWORD status, void *info, DWORD info_len )
{
    enum after after;
    BOOL leave_open;
    DWORD v1 = 0, v2 = 0;

    if (status == STATUS(REQUEST_ERROR) && info && info_len >= sizeof(WINHTTP_ASYNC_RESULT))
    {
        v1 = ((WINHTTP_ASYNC_RESULT *)info)->dwResult;
        v2 = ((WINHTTP_ASYNC_RESULT *)info)->dwError;
    }
    else if ((status == STATUS(DATA_AVAILABLE) || status == STATUS(WRITE_COMPLETE)) && info && info_len == sizeof(DWORD))
        v1 = *(DWORD *)info;
    else if (status == STATUS(READ_COMPLETE))
        v1 = info_len;
    log_event( r, status, v1, v2 );

    if (!is_completion( status ))
    {
        LONG n = InterlockedIncrement( &r->ninfo );

        COUNT( C_INFO );
        if (r->narrow_mask)
            fail_rec( r, "%s for request %p, whose callback mask has no informational notifications",
                      status_name( status ), r->handle );
        if (r->pending == OP_NONE)
        {
            unsigned int bit = 0;
            while (bit < 31 && !(status & (1u << bit))) bit++;
            COUNT( C_INFO_IDLE );
            InterlockedIncrement64( &idle_info[bit] );
        }
        if (r->close_mode == CLOSE_INFO && (unsigned int)n == r->close_at)
            close_request( r, C_CLOSE_INFO, CLOSE_INFO );
        return;
    }

    InterlockedIncrement( &r->ncompletions );
    EnterCriticalSection( &r->cs );
    after = request_completion( r, status, info, info_len );
    /* most finished requests are closed here; some are left for any worker to close */
    leave_open = !rnd_below( &r->rng, 4 ) && registry_count <= REGISTRY_IDLE;
    if (r->phase != PH_RUNNING) deactivate( r );
    /* allowed inside a callback even once the handle is closed; may fail */
    if (r->closed)
    {
        DWORD_PTR context;
        DWORD len = sizeof(context);
        WinHttpQueryOption( r->handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, &len );
        COUNT( C_POST_CLOSE_CALLS );
    }
    LeaveCriticalSection( &r->cs );

    switch (after)
    {
    case AFTER_NOTHING:
        break;
    case AFTER_CLOSE_COMPLETION:
        close_request( r, C_CLOSE_COMPLETION, CLOSE_COMPLETION );
        break;
    case AFTER_CLOSE_DONE:
        if (!leave_open) close_request( r, C_CLOSE_DONE_CB, CLOSE_NONE );
        break;
    }
}

/* The callbacks this thread is inside, innermost first. */
struct cb_frame { struct rec *rec; struct cb_frame *next; };

/* HANDLE_CLOSING: the last callback a handle ever gets. */
static void on_closing( struct rec *r, HINTERNET handle, void *info, DWORD info_len )
{
    struct cb_frame *frame = TlsGetValue( tls_in_callback );
    LONG others, nested = 0;

    if (InterlockedIncrement( &r->closings ) != 1)
        fail_rec( r, "second HANDLE_CLOSING for %s %p", type_names[r->type], handle );
    if (!r->closed)
        fail_rec( r, "HANDLE_CLOSING for %s %p, which was never closed", type_names[r->type], handle );
    if (!info || info_len != sizeof(HINTERNET) || *(HINTERNET *)info != handle)
        fail_rec( r, "HANDLE_CLOSING for %p reports %p (length %lu)", handle,
                  info && info_len >= sizeof(HINTERNET) ? *(HINTERNET *)info : NULL, info_len );
    InterlockedExchange( &r->magic, MAGIC_CLOSING );
    /* this thread may be inside another callback for the same handle (a close
     * from inside it that delivered HANDLE_CLOSING at once): allowed, counted */
    for (; frame; frame = frame->next) if (frame->rec == r) nested++;
    nested--;   /* this callback itself */
    if (nested) COUNT( C_NESTED_CLOSING );
    others = r->in_callback - 1 - nested;
    if (others > 0)
        fail_rec( r, "HANDLE_CLOSING for %s %p while %ld other callbacks for it run on other threads",
                  type_names[r->type], handle, others );
    if (r->children)
        fail_rec( r, "HANDLE_CLOSING for %s %p before the HANDLE_CLOSING of its %ld children", type_names[r->type],
                  handle, r->children );
    if (r->type == REC_REQUEST)
    {
        EnterCriticalSection( &r->cs );
        if (r->pending != OP_NONE)
            fail_rec( r, "HANDLE_CLOSING for request %p while %s is pending: its completion never came", handle,
                      op_names[r->pending] );
        LeaveCriticalSection( &r->cs );
        log_event( r, STATUS(HANDLE_CLOSING), 0, 0 );
    }
    if (r->parent) InterlockedDecrement( &r->parent->children );
    COUNT( C_CLOSINGS );
}

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD info_len )
{
    struct rec *r = (struct rec *)context;
    struct cb_frame frame;
    DWORD saved_error = GetLastError();
    BOOL closing = FALSE;

    COUNT( C_CALLBACKS );
    if (status == STATUS(HANDLE_CREATED))
    {
        LONG *created = TlsGetValue( tls_created );
        COUNT( C_CREATED );
        if (!info || info_len != sizeof(HINTERNET) || !*(HINTERNET *)info)
            fail( "HANDLE_CREATED (hInternet %p) without the new handle (info %p, length %lu)", handle, info, info_len );
        else if (!created)
            fail( "HANDLE_CREATED for %p outside the call that creates it", *(HINTERNET *)info );
        else (*created)++;
        SetLastError( saved_error );
        return;
    }
    if (!r)
    {
        fail( "%s for %p without a context", status_name( status ), handle );
        SetLastError( saved_error );
        return;
    }
    InterlockedIncrement( &r->in_callback );
    frame.rec = r;
    frame.next = TlsGetValue( tls_in_callback );
    TlsSetValue( tls_in_callback, &frame );

    if (r->magic != MAGIC_LIVE || r->tail_magic != MAGIC_LIVE)
    {
        if (r->magic == MAGIC_DEAD || r->magic == MAGIC_CLOSING)
            fail_rec( r, "%s for %s %p after its HANDLE_CLOSING", status_name( status ), type_names[r->type], handle );
        else
            fail( "%s for %p with context %p, which is no live record (magic %#lx/%#lx)", status_name( status ),
                  handle, r, r->magic, r->tail_magic );
    }
    else if (r->handle != handle)
        fail_rec( r, "%s for %p carries the context of %s %p", status_name( status ), handle, type_names[r->type],
                  r->handle );
    else if (status == STATUS(HANDLE_CLOSING))
    {
        on_closing( r, handle, info, info_len );
        closing = TRUE;
    }
    else if (r->type == REC_REQUEST)
        request_callback( r, status, info, info_len );
    else if (is_completion( status ))
        fail( "%s for %s %p", status_name( status ), type_names[r->type], handle );

    TlsSetValue( tls_in_callback, frame.next );
    InterlockedDecrement( &r->in_callback );
    if (closing)
    {
        InterlockedExchange( &r->magic, MAGIC_DEAD );
        InterlockedExchange( &r->tail_magic, MAGIC_DEAD );
        release_rec( r );   /* the DLL's reference */
    }
    SetLastError( saved_error );
}

/* ---- the client: sessions, connections, and the workers ---- */

static SRWLOCK shared_lock = SRWLOCK_INIT;
static struct rec *shared_session[NUM_SHARED], *shared_connect[NUM_SHARED];
static struct worker main_owner;

static BOOL set_context( HINTERNET h, struct rec *r )
{
    DWORD_PTR value = (DWORD_PTR)r;
    return WinHttpSetOption( h, WINHTTP_OPTION_CONTEXT_VALUE, &value, sizeof(value) );
}

static struct rec *open_session( struct worker *w )
{
    WINHTTP_STATUS_CALLBACK prev;
    struct rec *r;
    HINTERNET h;

    if (!(h = WinHttpOpen( L"stress-async/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                           WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC )))
    {
        fail( "WinHttpOpen failed: error %lu", GetLastError() );
        return NULL;
    }
    if (!(r = new_rec( REC_SESSION, NULL, w )))
    {
        fail( "out of memory" );
        return NULL;
    }
    r->handle = h;
    COUNT( C_RECORDS );
    COUNT( C_SESSIONS );
    if (!set_context( h, r )) fail( "setting the context of session %p: error %lu", h, GetLastError() );
    prev = WinHttpSetStatusCallback( h, callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 );
    if (prev == WINHTTP_INVALID_STATUS_CALLBACK)
        fail( "WinHttpSetStatusCallback on session %p failed: error %lu", h, GetLastError() );
    /* long enough for every server delay, short enough that a lost wake-up shows as an error */
    if (!WinHttpSetTimeouts( h, 0, 10000, 10000, 10000 ))
        fail( "WinHttpSetTimeouts on session %p failed: error %lu", h, GetLastError() );
    return r;
}

static struct rec *open_connect( struct rec *session, struct worker *w )
{
    LONG created = 0;
    struct rec *r;
    HINTERNET h;

    TlsSetValue( tls_created, &created );
    h = WinHttpConnect( session->handle, L"127.0.0.1", server_port, 0 );
    TlsSetValue( tls_created, NULL );
    if (!h)
    {
        fail( "WinHttpConnect on session %p failed: error %lu", session->handle, GetLastError() );
        return NULL;
    }
    if (created != 1) fail( "connect %p: %ld HANDLE_CREATED callbacks while it was made", h, created );
    if (!(r = new_rec( REC_CONNECT, session, w )))
    {
        fail( "out of memory" );
        return NULL;
    }
    r->handle = h;
    COUNT( C_RECORDS );
    COUNT( C_CONNECTS );
    if (!set_context( h, r )) fail( "setting the context of connect %p: error %lu", h, GetLastError() );
    return r;
}

/* The owner closes a session or a connection, often while its requests run. */
static void close_parent( struct rec *r )
{
    if (!r) return;
    InterlockedExchange( &r->closed, 1 );
    COUNT( C_PARENT_CLOSES );
    if (r->children) COUNT( C_CLOSED_WITH_CHILDREN );
    if (!WinHttpCloseHandle( r->handle ))
        fail( "WinHttpCloseHandle(%s %p) failed: error %lu", type_names[r->type], r->handle, GetLastError() );
    release_rec( r );   /* the owner's reference */
}

/* Replaces some of a pair of session and connection: the session alone (its
 * connection goes on), the connection alone, or both. */
static void rotate( struct worker *w, struct rec **session, struct rec **connect, ULONG64 *rng )
{
    switch (rnd_below( rng, 3 ))
    {
    case 0:
        if (*session) { close_parent( *session ); *session = NULL; }
        break;
    case 1:
        if (*connect) { close_parent( *connect ); *connect = NULL; }
        break;
    default:
        if (rnd_below( rng, 2 ))
        {
            if (*session) close_parent( *session );
            if (*connect) close_parent( *connect );
        }
        else
        {
            if (*connect) close_parent( *connect );
            if (*session) close_parent( *session );
        }
        *session = *connect = NULL;
        break;
    }
    if (!*connect)
    {
        if (!*session) *session = open_session( w );
        if (*session) *connect = open_connect( *session, w );
    }
}

static void start_request( struct worker *w )
{
    struct rec *connect, *r;
    BOOL shared = !w->connect || rnd_below( &w->rng, 5 ) < 2;
    LONG created = 0;
    HINTERNET h = NULL;
    WCHAR path[160];
    int i = rnd_below( &w->rng, NUM_SHARED );

    if (!(r = new_rec( REC_REQUEST, NULL, w )))
    {
        fail( "out of memory" );
        return;
    }
    r->rng = rnd( &w->rng ) | 1;
    choose_request( r );
    swprintf( path, ARRAY_SIZE(path), L"/s?k=%d&id=%u&seed=%u&len=%u&b=%u", r->kind, r->id, r->seed, r->len,
              r->body_len );

    if (shared) AcquireSRWLockShared( &shared_lock );
    if ((connect = shared ? shared_connect[i] : w->connect))
    {
        TlsSetValue( tls_created, &created );
        h = WinHttpOpenRequest( connect->handle, verb_names[r->verb], path, NULL, WINHTTP_NO_REFERER,
                                WINHTTP_DEFAULT_ACCEPT_TYPES, 0 );
        TlsSetValue( tls_created, NULL );
        if (!h) fail( "WinHttpOpenRequest on connect %p failed: error %lu", connect->handle, GetLastError() );
        else
        {
            /* the parent record is held (and counts this child) before the parent handle can be closed */
            r->parent = connect;
            InterlockedIncrement( &connect->refs );
            InterlockedIncrement( &connect->children );
        }
    }
    if (shared) ReleaseSRWLockShared( &shared_lock );
    if (!h)
    {
        r->magic = r->tail_magic = MAGIC_DEAD;
        release_rec( r );
        release_rec( r );
        return;
    }
    if (created != 1) fail( "request %p: %ld HANDLE_CREATED callbacks while it was made", h, created );

    r->handle = h;
    COUNT( C_RECORDS );
    COUNT( C_REQUESTS );
    if (connect->closed || (connect->parent && connect->parent->closed)) COUNT( C_ORPHAN_REQUESTS );
    if (!set_context( h, r )) fail_rec( r, "setting the context of request %p: error %lu", h, GetLastError() );
    if (!rnd_below( &r->rng, 6 ))
    {
        WINHTTP_STATUS_CALLBACK prev = WinHttpSetStatusCallback( h, callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS |
                                                                 WINHTTP_CALLBACK_FLAG_HANDLES, 0 );
        if (prev != callback) fail_rec( r, "re-installing the callback on request %p returned %p", h, prev );
        r->narrow_mask = TRUE;
        COUNT( C_NARROW );
    }
    if (!rnd_below( &r->rng, 5 ))
    {
        static const int modes[] = { CLOSE_INFO, CLOSE_INFO, CLOSE_COMPLETION, CLOSE_COMPLETION, CLOSE_EXTERNAL,
                                     CLOSE_EXTERNAL, CLOSE_EXTERNAL, CLOSE_AFTER_SEND };
        r->close_mode = modes[rnd_below( &r->rng, ARRAY_SIZE(modes) )];
        r->close_at = 1 + rnd_below( &r->rng, r->close_mode == CLOSE_INFO ? 10 : 6 );
        r->close_time = GetTickCount64() + rnd_below( &r->rng, 600 );
    }
    InterlockedExchange( &r->active, 1 );
    InterlockedIncrement( &w->active );
    InterlockedIncrement( &global_active );

    /* in the registry (where other workers find it) only once it is running */
    EnterCriticalSection( &r->cs );
    if (!registry_add( r )) fail( "the registry of open requests is full" );
    if (!begin_exchange( r ) || !start_op( r, OP_SEND ))
    {
        deactivate( r );
        LeaveCriticalSection( &r->cs );
        close_request( r, C_CLOSE_DONE_OTHER, CLOSE_NONE );
    }
    else
    {
        LeaveCriticalSection( &r->cs );
        if (r->close_mode == CLOSE_AFTER_SEND)
        {
            if (r->close_at & 1) Sleep( r->close_at / 2 );
            close_request( r, C_CLOSE_AFTER_SEND, CLOSE_AFTER_SEND );
        }
    }
    release_rec( r );   /* the creator's reference */
}

/* Closes one request that is due: a victim whose time came, or one finished
 * and left open; often one another worker made. */
static void close_some( struct worker *w, BOOL all )
{
    ULONGLONG now = GetTickCount64();
    struct rec *pick;
    int n, start, k;

    do
    {
        pick = NULL;
        EnterCriticalSection( &registry_cs );
        n = registry_count;
        start = rnd_below( &w->rng, n ? n : 1 );
        for (k = 0; k < n && (all || k < 16); k++)
        {
            struct rec *r = registry[(start + k) % n];
            if (r->phase != PH_RUNNING || all || (r->close_mode == CLOSE_EXTERNAL && now >= r->close_time))
            {
                pick = r;
                InterlockedIncrement( &pick->refs );
                break;
            }
        }
        LeaveCriticalSection( &registry_cs );
        if (!pick) return;
        if (all) close_request( pick, C_CLOSE_DRAIN, CLOSE_NONE );
        else if (pick->phase != PH_RUNNING) close_request( pick, C_CLOSE_DONE_OTHER, CLOSE_NONE );
        else close_request( pick, C_CLOSE_EXTERNAL, CLOSE_EXTERNAL );
        release_rec( pick );
    } while (all);
}

static ULONGLONG phase_deadline;

static DWORD WINAPI worker_thread( void *arg )
{
    struct worker *w = arg;

    while (!stop_flag && GetTickCount64() < phase_deadline)
    {
        unsigned int r = rnd_below( &w->rng, 1000 );

        if (r < 4)
        {
            int i = rnd_below( &w->rng, NUM_SHARED );
            AcquireSRWLockExclusive( &shared_lock );
            rotate( &main_owner, &shared_session[i], &shared_connect[i], &w->rng );
            ReleaseSRWLockExclusive( &shared_lock );
        }
        else if (r < 12) rotate( w, &w->session, &w->connect, &w->rng );
        else if (r < 600)
        {
            if (w->active < MAX_ACTIVE) start_request( w );
            else Sleep( 1 );
        }
        else if (r < 900) close_some( w, FALSE );
        else Sleep( rnd_below( &w->rng, 3 ) );
    }
    close_parent( w->connect );
    close_parent( w->session );
    w->connect = w->session = NULL;
    return 0;
}

/* ---- the server ---- */

#define SRV_MAX_CONNS  (FD_SETSIZE - 8)
#define SRV_IN_SIZE    16384
#define MAX_CUTS       16

enum sc_state { SC_HEAD, SC_BODY, SC_SEND, SC_ENDING };
enum sc_end { END_KEEP, END_CLOSE, END_RESET };

struct sconn
{
    SOCKET        s;
    int           state;
    char          in[SRV_IN_SIZE];
    unsigned int  in_len;
    /* the request being answered */
    int           verb, kind;
    unsigned int  id, seed, len, declared, exchange;
    unsigned int  body_left, body_pos;
    BOOL          body_bad, has_body;
    /* the response: released in steps, each after its delay */
    char         *out;
    unsigned int  out_len, sent, released;
    unsigned int  cuts[MAX_CUTS], delays[MAX_CUTS];
    int           ncuts, next_cut;
    ULONGLONG     due;
    int           end;
    unsigned int  end_delay;
};

static SOCKET listener;
static struct sconn *sconns[SRV_MAX_CONNS];
static int sconn_count;
static volatile LONG server_stop;
static volatile LONG64 srv_accepted, srv_requests, srv_bad, srv_open;

static unsigned int query_param( const char *path, const char *name )
{
    char key[16];
    const char *p;

    snprintf( key, sizeof(key), "%s=", name );
    for (p = path; (p = strstr( p, key )); p++)
        if (p[-1] == '?' || p[-1] == '&') return (unsigned int)strtoul( p + strlen( key ), NULL, 10 );
    return 0;
}

/* The value of a field of a NUL-terminated head, or NULL; names match without case. */
static const char *find_field( const char *head, const char *name )
{
    size_t len = strlen( name );
    const char *p = head;

    while ((p = strstr( p, "\r\n" )))
    {
        p += 2;
        if (!_strnicmp( p, name, len ) && p[len] == ':')
        {
            for (p += len + 1; *p == ' ' || *p == '\t'; p++);
            return p;
        }
    }
    return NULL;
}

static void add_cut( struct sconn *c, unsigned int pos, unsigned int delay )
{
    if (c->ncuts && pos <= c->cuts[c->ncuts - 1]) return;
    if (c->ncuts == MAX_CUTS) c->ncuts--;
    c->cuts[c->ncuts] = pos;
    c->delays[c->ncuts] = delay;
    c->ncuts++;
}

/* Cuts at sorted random positions in [from, to), each after a delay. */
static void random_cuts( struct sconn *c, ULONG64 *rng, unsigned int from, unsigned int to, int count,
                         unsigned int max_delay )
{
    unsigned int pos[MAX_CUTS];
    int i, j;

    if (to <= from) return;
    for (i = 0; i < count; i++) pos[i] = from + rnd_below( rng, to - from );
    for (i = 1; i < count; i++)
        for (j = i; j > 0 && pos[j - 1] > pos[j]; j--) { unsigned int t = pos[j]; pos[j] = pos[j - 1]; pos[j - 1] = t; }
    for (i = 0; i < count; i++) add_cut( c, pos[i], rnd_below( rng, max_delay + 1 ) );
}

static void build_response( struct sconn *c )
{
    ULONG64 rng = ((ULONG64)c->seed * 0x9e3779b97f4a7c15ull) ^ c->id ^ 0x5bd1e995ull;
    const char *body_word = !c->has_body ? "none" : c->body_bad ? "bad" : "ok";
    BOOL chunked = FALSE, head_only = c->verb == V_HEAD;
    unsigned int hl, i, len = c->len;
    char head[512], common[128];
    char *p;

    if (!rng) rng = 1;
    c->end = END_KEEP;
    c->end_delay = 0;
    c->ncuts = c->next_cut = 0;
    c->sent = c->released = 0;
    snprintf( common, sizeof(common), "X-Id: %u\r\nX-Exchange: %u\r\nX-Body: %s\r\n\r\n", c->id, c->exchange,
              body_word );
    switch (c->kind)
    {
    case K_REDIRECT:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 302 Found\r\nLocation: /s?k=%d&id=%u&seed=%u&len=%u&b=0\r\n"
                       "Content-Length: 5\r\n%s", K_SMALL, c->id, c->seed, c->len, common );
        len = 5;
        break;
    case K_NO_CONTENT:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 204 No Content\r\n%s", common );
        len = 0;
        break;
    case K_CHUNKED:
    case K_SLOW_CHUNKS:
    case K_EARLY_CHUNK:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n%s", common );
        chunked = TRUE;
        break;
    case K_TO_CLOSE:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 200 OK\r\nConnection: close\r\n%s", common );
        c->end = END_CLOSE;
        c->end_delay = rnd_below( &rng, 4 ) ? 0 : rnd_below( &rng, 60 );
        break;
    case K_CLOSE:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %u\r\nConnection: close\r\n%s",
                       len, common );
        c->end = END_CLOSE;
        break;
    case K_HTTP10:
        hl = snprintf( head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Length: %u\r\n%s", len, common );
        c->end = END_CLOSE;
        break;
    default:
        hl = snprintf( head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n%s", len, common );
        break;
    }
    if (head_only) len = 0;

    /* a chunk is 1..4096 bytes (or a few), each costing at most 12 bytes of framing */
    c->out = malloc( hl + len * 13 + 16 );
    if (!c->out)
    {
        c->out_len = 0;
        c->end = END_CLOSE;
        return;
    }
    memcpy( c->out, head, hl );
    p = c->out + hl;
    if (c->kind == K_REDIRECT)
    {
        if (!head_only) { memcpy( p, "moved", 5 ); p += 5; }
    }
    else if (chunked && !head_only)
    {
        for (i = 0; i < len;)
        {
            unsigned int size = rnd_below( &rng, 4 ) ? 1 + rnd_below( &rng, 4096 ) : 1 + rnd_below( &rng, 16 ), j;
            if (size > len - i) size = len - i;
            p += sprintf( p, "%x\r\n", size );
            for (j = 0; j < size; j++) *p++ = pattern_byte( c->seed, i + j );
            *p++ = '\r'; *p++ = '\n';
            i += size;
        }
        memcpy( p, "0\r\n\r\n", 5 );
        p += 5;
    }
    else
    {
        for (i = 0; i < len; i++) *p++ = pattern_byte( c->seed, i );
    }
    c->out_len = p - c->out;

    switch (c->kind)
    {
    case K_SLOW_HEAD:
        if (rnd_below( &rng, 2 )) add_cut( c, 1 + rnd_below( &rng, hl - 1 ), 0 );
        add_cut( c, c->out_len, 50 + rnd_below( &rng, 350 ) );
        break;
    case K_SLOW_BODY:
        add_cut( c, hl, rnd_below( &rng, 20 ) );
        random_cuts( c, &rng, hl + 1, c->out_len, 1 + rnd_below( &rng, 7 ), 120 );
        add_cut( c, c->out_len, rnd_below( &rng, 120 ) );
        break;
    case K_SLOW_CHUNKS:
        random_cuts( c, &rng, 1, c->out_len, 3 + rnd_below( &rng, 8 ), 80 );
        add_cut( c, c->out_len, rnd_below( &rng, 80 ) );
        break;
    case K_SPLIT_HEAD:
        random_cuts( c, &rng, 1, hl, 2 + rnd_below( &rng, 5 ), 30 );
        add_cut( c, c->out_len, rnd_below( &rng, 30 ) );
        break;
    case K_TO_CLOSE:
        if (rnd_below( &rng, 2 )) random_cuts( c, &rng, 1, c->out_len, 1 + rnd_below( &rng, 4 ), 50 );
        add_cut( c, c->out_len, 0 );
        break;
    case K_EARLY_NONE:
        c->out_len = 0;
        c->end = END_CLOSE;
        c->end_delay = rnd_below( &rng, 100 );
        break;
    case K_EARLY_HEAD:
        /* at least "HTTP/1.1 200", never the blank line */
        c->out_len = 12 + rnd_below( &rng, hl - 12 );
        add_cut( c, c->out_len, rnd_below( &rng, 100 ) );
        c->end = END_CLOSE;
        break;
    case K_EARLY_BODY:
        c->out_len = hl + rnd_below( &rng, len );
        if (rnd_below( &rng, 2 )) random_cuts( c, &rng, 1, c->out_len, 1 + rnd_below( &rng, 3 ), 50 );
        add_cut( c, c->out_len, 0 );
        c->end = END_CLOSE;
        c->end_delay = rnd_below( &rng, 50 );
        break;
    case K_EARLY_CHUNK:
        /* never the last chunk's "0" */
        c->out_len = hl + rnd_below( &rng, c->out_len - 5 - hl + 1 );
        if (rnd_below( &rng, 2 )) random_cuts( c, &rng, 1, c->out_len, 1 + rnd_below( &rng, 3 ), 50 );
        add_cut( c, c->out_len, 0 );
        c->end = END_CLOSE;
        c->end_delay = rnd_below( &rng, 50 );
        break;
    case K_RESET:
        c->out_len = hl + rnd_below( &rng, len );
        add_cut( c, c->out_len, 0 );
        c->end = END_RESET;
        c->end_delay = rnd_below( &rng, 50 );
        break;
    default:
        add_cut( c, c->out_len, 0 );
        break;
    }
    if (c->ncuts && c->cuts[c->ncuts - 1] != c->out_len) add_cut( c, c->out_len, 0 );
    if (!c->out_len) c->ncuts = 0;
}

static void server_close( int index, int how )
{
    struct sconn *c = sconns[index];

    if (how == END_RESET)
    {
        struct linger linger = { 1, 0 };
        setsockopt( c->s, SOL_SOCKET, SO_LINGER, (const char *)&linger, sizeof(linger) );
    }
    else if (how == END_CLOSE) shutdown( c->s, SD_SEND );
    closesocket( c->s );
    free( c->out );
    free( c );
    sconns[index] = sconns[--sconn_count];
    sconns[sconn_count] = NULL;
    InterlockedDecrement64( &srv_open );
}

/* Parses what has arrived: a head, then the body it announces. FALSE on a bad request. */
static BOOL server_input( struct sconn *c, ULONGLONG now )
{
    while (c->state == SC_HEAD || c->state == SC_BODY)
    {
        if (c->state == SC_HEAD)
        {
            char *end, *line_end, path[512];
            const char *field;
            unsigned int head_len;
            int n;

            if (c->in_len < 4) return TRUE;
            c->in[c->in_len] = 0;
            if (!(end = strstr( c->in, "\r\n\r\n" ))) return c->in_len < SRV_IN_SIZE - 1;
            head_len = end + 4 - c->in;
            line_end = strstr( c->in, "\r\n" );
            *line_end = 0;
            if (!strncmp( c->in, "GET ", 4 )) c->verb = V_GET;
            else if (!strncmp( c->in, "POST ", 5 )) c->verb = V_POST;
            else if (!strncmp( c->in, "HEAD ", 5 )) c->verb = V_HEAD;
            else return FALSE;
            n = sscanf( strchr( c->in, ' ' ) + 1, "%511s", path );
            *line_end = '\r';
            if (n != 1) return FALSE;
            c->kind = query_param( path, "k" );
            if (c->kind >= NUM_KINDS) return FALSE;
            c->id = query_param( path, "id" );
            c->seed = query_param( path, "seed" );
            c->len = query_param( path, "len" );
            c->declared = query_param( path, "b" );
            c->body_left = 0;
            end[2] = 0;
            if ((field = find_field( c->in, "Content-Length" ))) c->body_left = strtoul( field, NULL, 10 );
            c->exchange = (field = find_field( c->in, "X-Exchange" )) ? strtoul( field, NULL, 10 ) : 0;
            c->has_body = c->body_left > 0;
            c->body_bad = c->body_left != c->declared && c->has_body;
            if (!c->has_body && c->declared && c->verb == V_POST) c->body_bad = c->has_body = TRUE;
            c->body_pos = 0;
            memmove( c->in, c->in + head_len, c->in_len - head_len );
            c->in_len -= head_len;
            c->state = SC_BODY;
            InterlockedIncrement64( &srv_requests );
        }
        if (c->state == SC_BODY)
        {
            unsigned int take = min( c->in_len, c->body_left ), i;

            for (i = 0; i < take; i++)
                if ((unsigned char)c->in[i] != pattern_byte( c->seed ^ BODY_SEED, c->body_pos + i )) c->body_bad = TRUE;
            c->body_pos += take;
            c->body_left -= take;
            memmove( c->in, c->in + take, c->in_len - take );
            c->in_len -= take;
            if (c->body_left) return TRUE;
            build_response( c );
            c->state = SC_SEND;
            c->due = now + (c->ncuts ? c->delays[0] : 0);
        }
    }
    return TRUE;
}

/* Sends what is due; FALSE when the connection is finished with. */
static BOOL server_output( struct sconn *c, ULONGLONG now, int *how )
{
    if (c->state == SC_SEND)
    {
        while (c->next_cut < c->ncuts && now >= c->due)
        {
            c->released = c->cuts[c->next_cut++];
            if (c->next_cut < c->ncuts) c->due = now + c->delays[c->next_cut];
        }
        while (c->sent < c->released)
        {
            int n = send( c->s, c->out + c->sent, c->released - c->sent, 0 );
            if (n > 0) { c->sent += n; continue; }
            if (n < 0 && WSAGetLastError() == WSAEWOULDBLOCK) return TRUE;
            *how = END_KEEP;
            return FALSE;
        }
        if (c->next_cut < c->ncuts) return TRUE;
        free( c->out );
        c->out = NULL;
        if (c->end == END_KEEP)
        {
            c->state = SC_HEAD;
            if (!server_input( c, now )) { *how = END_KEEP; return FALSE; }
            return TRUE;
        }
        c->state = SC_ENDING;
        c->due = now + c->end_delay;
    }
    if (c->state == SC_ENDING && now >= c->due)
    {
        *how = c->end;
        return FALSE;
    }
    return TRUE;
}

static DWORD WINAPI server_thread( void *arg )
{
    static fd_set readable, writable;
    int i;

    while (!server_stop)
    {
        ULONGLONG now = GetTickCount64(), wake = now + 20;
        struct timeval tv;

        FD_ZERO( &readable );
        FD_ZERO( &writable );
        if (sconn_count < SRV_MAX_CONNS) FD_SET( listener, &readable );
        for (i = 0; i < sconn_count; i++)
        {
            struct sconn *c = sconns[i];
            if (c->in_len < SRV_IN_SIZE - 1) FD_SET( c->s, &readable );
            if (c->state == SC_SEND && c->sent < c->released) FD_SET( c->s, &writable );
            if ((c->state == SC_SEND && c->next_cut < c->ncuts) || c->state == SC_ENDING)
                if (c->due < wake) wake = c->due;
        }
        tv.tv_sec = 0;
        tv.tv_usec = wake > now ? (long)(wake - now) * 1000 : 0;
        if (select( 0, &readable, &writable, NULL, &tv ) < 0)
        {
            fail( "server: select failed: error %d", WSAGetLastError() );
            break;
        }
        now = GetTickCount64();
        if (FD_ISSET( listener, &readable ))
        {
            SOCKET s;
            while (sconn_count < SRV_MAX_CONNS && (s = accept( listener, NULL, NULL )) != INVALID_SOCKET)
            {
                u_long nonblocking = 1;
                struct sconn *c = calloc( 1, sizeof(*c) );
                BOOL nodelay = TRUE;

                if (!c) { closesocket( s ); break; }
                ioctlsocket( s, FIONBIO, &nonblocking );
                setsockopt( s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay) );
                c->s = s;
                c->state = SC_HEAD;
                sconns[sconn_count++] = c;
                InterlockedIncrement64( &srv_accepted );
                InterlockedIncrement64( &srv_open );
            }
        }
        for (i = sconn_count - 1; i >= 0; i--)
        {
            struct sconn *c = sconns[i];
            int how = END_KEEP;

            if (FD_ISSET( c->s, &readable ))
            {
                int n = recv( c->s, c->in + c->in_len, SRV_IN_SIZE - 1 - c->in_len, 0 );
                if (n == 0 || (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK))
                {
                    /* the client closed (or reset) the connection */
                    server_close( i, END_KEEP );
                    continue;
                }
                if (n > 0)
                {
                    c->in_len += n;
                    if (!server_input( c, now ))
                    {
                        InterlockedIncrement64( &srv_bad );
                        server_close( i, END_CLOSE );
                        continue;
                    }
                }
            }
            if (!server_output( c, now, &how )) server_close( i, how );
        }
    }
    while (sconn_count) server_close( sconn_count - 1, END_KEEP );
    return 0;
}

static BOOL server_start( HANDLE *thread )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);
    u_long nonblocking = 1;
    WSADATA wsa;

    if (WSAStartup( MAKEWORD( 2, 2 ), &wsa )) return FALSE;
    if ((listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP )) == INVALID_SOCKET) return FALSE;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (bind( listener, (struct sockaddr *)&addr, sizeof(addr) ) || listen( listener, SOMAXCONN ) ||
        getsockname( listener, (struct sockaddr *)&addr, &len ))
        return FALSE;
    ioctlsocket( listener, FIONBIO, &nonblocking );
    server_port = ntohs( addr.sin_port );
    return (*thread = CreateThread( NULL, 0, server_thread, NULL, 0, NULL )) != NULL;
}

/* ---- phases, memory, watchdog ---- */

static SIZE_T commit_charge( void )
{
    PROCESS_MEMORY_COUNTERS_EX pmc;

    memset( &pmc, 0, sizeof(pmc) );
    pmc.cb = sizeof(pmc);
    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc) )) return 0;
    /* Wine 8 fills only the basic structure; its PagefileUsage is the commit charge */
    return pmc.PrivateUsage ? pmc.PrivateUsage : pmc.PagefileUsage;
}

static DWORD handle_count( void )
{
    DWORD count = 0;
    if (!GetProcessHandleCount( GetCurrentProcess(), &count )) return 0;
    return count;
}

static void report_records( const char *what, BOOL running_only )
{
    struct rec *r;
    char detail[8192];
    int shown = 0;

    EnterCriticalSection( &records_cs );
    for (r = all_records; r && shown < 5; r = r->all_next)
    {
        if (r->closings) continue;
        if (running_only && (r->type != REC_REQUEST || !r->active)) continue;
        describe( r, detail, sizeof(detail) );
        printf( "stress-async: %s:\n%s", what, detail );
        shown++;
    }
    LeaveCriticalSection( &records_cs );
}

static BOOL wait_until( volatile LONG64 *a, volatile LONG64 *b, volatile LONG *zero, DWORD timeout_ms )
{
    ULONGLONG end = GetTickCount64() + timeout_ms;

    for (;;)
    {
        if (a && *a == *b) return TRUE;
        if (zero && !*zero) return TRUE;
        if (GetTickCount64() >= end) return FALSE;
        Sleep( 10 );
    }
}

static void run_phase( struct worker *workers, int nthreads, DWORD ms )
{
    int i;

    for (i = 0; i < NUM_SHARED; i++)
    {
        if (!(shared_session[i] = open_session( &main_owner ))) return;
        if (!(shared_connect[i] = open_connect( shared_session[i], &main_owner ))) return;
    }
    phase_deadline = GetTickCount64() + ms;
    for (i = 0; i < nthreads; i++)
    {
        workers[i].active = 0;
        workers[i].session = open_session( &workers[i] );
        workers[i].connect = workers[i].session ? open_connect( workers[i].session, &workers[i] ) : NULL;
        workers[i].thread = CreateThread( NULL, 0, worker_thread, &workers[i], 0, &workers[i].tid );
        if (!workers[i].thread) { fail( "CreateThread: error %lu", GetLastError() ); nthreads = i; break; }
    }
    for (i = 0; i < nthreads; i++)
    {
        WaitForSingleObject( workers[i].thread, INFINITE );
        CloseHandle( workers[i].thread );
    }
    AcquireSRWLockExclusive( &shared_lock );
    for (i = 0; i < NUM_SHARED; i++)
    {
        close_parent( shared_connect[i] );
        close_parent( shared_session[i] );
        shared_connect[i] = shared_session[i] = NULL;
    }
    ReleaseSRWLockExclusive( &shared_lock );

    /* every request still running must finish by itself */
    if (!wait_until( NULL, NULL, &global_active, DRAIN_MS ))
    {
        fail( "%ld requests still running %u ms after the phase ended", global_active, DRAIN_MS );
        report_records( "still running", TRUE );
    }
    close_some( &main_owner, TRUE );
    if (!wait_until( &counters[C_CLOSINGS], &counters[C_RECORDS], NULL, CLOSING_WAIT_MS ))
    {
        fail( "%lld of %lld handles never got HANDLE_CLOSING", counters[C_RECORDS] - counters[C_CLOSINGS],
              counters[C_RECORDS] );
        report_records( "no HANDLE_CLOSING", FALSE );
    }
}

static DWORD watchdog_ms;

static DWORD WINAPI watchdog_thread( void *arg )
{
    if (WaitForSingleObject( (HANDLE)arg, watchdog_ms ) == WAIT_OBJECT_0) return 0;
    printf( "stress-async: FAIL: watchdog: still running after %lu ms (deadlock or runaway)\n", watchdog_ms );
    fflush( stdout );
    TerminateProcess( GetCurrentProcess(), 3 );
    return 0;
}

static LONG WINAPI crash_filter( EXCEPTION_POINTERS *ep )
{
    void *address = ep->ExceptionRecord->ExceptionAddress;
    char module_name[MAX_PATH] = "?";
    HMODULE module = NULL;

    /* the module and offset, so that addr2line can name the place */
    if (GetModuleHandleExA( GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            address, &module ))
        GetModuleFileNameA( module, module_name, sizeof(module_name) );
    printf( "stress-async: FAIL: exception %#lx at %p (%s+%#llx) on thread %04lx (address %p)\n",
            ep->ExceptionRecord->ExceptionCode, address, module_name,
            module ? (ULONGLONG)((char *)address - (char *)module) : 0ull, GetCurrentThreadId(),
            ep->ExceptionRecord->NumberParameters >= 2 ? (void *)ep->ExceptionRecord->ExceptionInformation[1] : NULL );
    fflush( stdout );
    TerminateProcess( GetCurrentProcess(), 4 );
    return EXCEPTION_EXECUTE_HANDLER;
}

static void usage( void )
{
    printf( "usage: async.exe [SECONDS] [-t THREADS] [-s SEED] [-v] [-d]\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    struct worker *workers;
    HANDLE done, watchdog, server;
    HMODULE module;
    int seconds = 10, nthreads = 8, i, k;
    ULONG64 seed = GetTickCount64() ^ ((ULONG64)GetCurrentProcessId() << 32);
    DWORD total_ms, warm_ms, handles_base, handles_end;
    SIZE_T mem_base, mem_end;
    LONGLONG delta;

    for (i = 1; i < argc; i++)
    {
        if (!wcscmp( argv[i], L"-t" ) && i + 1 < argc) nthreads = _wtoi( argv[++i] );
        else if (!wcscmp( argv[i], L"-s" ) && i + 1 < argc) seed = _wcstoui64( argv[++i], NULL, 0 );
        else if (!wcscmp( argv[i], L"-v" )) verbose = TRUE;
        else if (!wcscmp( argv[i], L"-d" )) debugger = TRUE;
        else if (argv[i][0] >= '0' && argv[i][0] <= '9') seconds = _wtoi( argv[i] );
        else usage();
    }
    if (seconds < 1 || nthreads < 1 || nthreads > MAX_THREADS) usage();
    if (!seed) seed = 1;

    setvbuf( stdout, NULL, _IONBF, 0 );
    if (!debugger) SetUnhandledExceptionFilter( crash_filter );
    InitializeCriticalSection( &print_cs );
    InitializeCriticalSection( &records_cs );
    InitializeCriticalSection( &registry_cs );
    tls_created = TlsAlloc();
    tls_in_callback = TlsAlloc();
    workers = calloc( nthreads, sizeof(*workers) );
    if (!workers || tls_created == TLS_OUT_OF_INDEXES || tls_in_callback == TLS_OUT_OF_INDEXES)
    {
        printf( "stress-async: FAIL: out of memory\n" );
        return 1;
    }
    if ((module = GetModuleHandleW( L"winhttp.dll" )))
        pWinHttpReadDataEx = (void *)GetProcAddress( module, "WinHttpReadDataEx" );

    total_ms = seconds * 1000;
    warm_ms = total_ms / 5;
    if (warm_ms > 5000) warm_ms = 5000;
    watchdog_ms = 2 * total_ms + 10000;
    done = CreateEventW( NULL, TRUE, FALSE, NULL );
    watchdog = CreateThread( NULL, 0, watchdog_thread, done, 0, NULL );
    if (!server_start( &server ))
    {
        printf( "stress-async: FAIL: could not start the server: error %d\n", WSAGetLastError() );
        return 1;
    }

    printf( "stress-async: threads=%d seconds=%d seed=%#llx port=%u ReadDataEx=%s\n", nthreads, seconds, seed,
            server_port, pWinHttpReadDataEx ? "yes" : "no" );
    main_owner.tid = GetCurrentThreadId();
    main_owner.rng = seed ^ 0x1234567890abcdefull;
    for (i = 0; i < nthreads; i++)
    {
        workers[i].id = i;
        workers[i].rng = seed + 0x9e3779b97f4a7c15ull * (i + 1);
        if (!workers[i].rng) workers[i].rng = 1;
    }

    /* warm-up: the DLL's pools and caches, and the quarantine, reach their working size */
    run_phase( workers, nthreads, warm_ms );
    mem_base = commit_charge();
    handles_base = handle_count();
    if (!stop_flag) run_phase( workers, nthreads, total_ms - warm_ms );
    mem_end = commit_charge();
    handles_end = handle_count();

    InterlockedExchange( &server_stop, 1 );
    WaitForSingleObject( server, 5000 );
    SetEvent( done );
    WaitForSingleObject( watchdog, INFINITE );

    printf( "stress-async: requests=%lld exchanges=%lld (GET %lld, POST %lld, HEAD %lld; %lld with WriteData, "
            "%lld resent on the same handle, %lld with a narrow callback mask)\n",
            counters[C_REQUESTS], counters[C_EXCHANGES], counters[C_GET], counters[C_POST], counters[C_HEAD],
            counters[C_WRITES], counters[C_RESENT], counters[C_NARROW] );
    printf( "stress-async: completed=%lld expected-errors=%lld cancelled=%lld completed-after-close=%lld "
            "cut short by the close but reported complete=%lld; bytes checked=%lld; reads=%lld (fill %lld) "
            "query-data=%lld\n",
            counters[C_OK], counters[C_EXPECTED_ERROR], counters[C_CANCELLED], counters[C_DONE_AFTER_CLOSE],
            counters[C_TRUNCATED_AFTER_CLOSE], counters[C_BYTES], counters[C_READS], counters[C_FILL_READS],
            counters[C_QDAS] );
    printf( "stress-async: closes: in informational callback=%lld in completion callback=%lld timed from a worker=%lld "
            "after send=%lld; finished: in last callback=%lld by a worker=%lld at phase end=%lld; "
            "on another thread than the creator=%lld; early=%lld (with an operation pending %lld)\n",
            counters[C_CLOSE_INFO], counters[C_CLOSE_COMPLETION], counters[C_CLOSE_EXTERNAL],
            counters[C_CLOSE_AFTER_SEND], counters[C_CLOSE_DONE_CB], counters[C_CLOSE_DONE_OTHER],
            counters[C_CLOSE_DRAIN], counters[C_CLOSE_OTHER_THREAD], counters[C_CLOSED_EARLY],
            counters[C_CLOSED_PENDING] );
    printf( "stress-async: parents: sessions=%lld connects=%lld closed=%lld (%lld with children open); "
            "requests opened under a closed parent=%lld\n",
            counters[C_SESSIONS], counters[C_CONNECTS], counters[C_PARENT_CLOSES], counters[C_CLOSED_WITH_CHILDREN],
            counters[C_ORPHAN_REQUESTS] );
    printf( "stress-async: callbacks=%lld (informational %lld, %lld with no operation pending; calls after close "
            "inside callbacks %lld) handle_created=%lld handle_closing=%lld of %lld handles (nested %lld)\n",
            counters[C_CALLBACKS], counters[C_INFO], counters[C_INFO_IDLE], counters[C_POST_CLOSE_CALLS],
            counters[C_CREATED], counters[C_CLOSINGS], counters[C_RECORDS], counters[C_NESTED_CLOSING] );
    if (counters[C_INFO_IDLE])
    {
        printf( "stress-async: informational callbacks with no operation pending:" );
        for (k = 0; k < 32; k++) if (idle_info[k]) printf( " %s=%lld", status_name( 1u << k ), idle_info[k] );
        printf( "\n" );
    }
    printf( "stress-async: server: connections=%lld requests=%lld bad=%lld open at end=%lld; kinds:",
            srv_accepted, srv_requests, srv_bad, srv_open );
    for (k = 0; k < NUM_KINDS; k++) printf( " %s=%lld", kinds[k].name, kind_counts[k] );
    printf( "\n" );
    delta = (LONGLONG)mem_end - (LONGLONG)mem_base;
    printf( "stress-async: memory (commit) after warm-up=%llu KiB at end=%llu KiB delta=%lld KiB",
            (ULONGLONG)mem_base / 1024, (ULONGLONG)mem_end / 1024, delta / 1024 );
    if (handles_base) printf( "; handles %lu -> %lu\n", handles_base, handles_end );
    else printf( "; handle count not reported\n" );

    if (!failure_count && counters[C_CLOSINGS] != counters[C_RECORDS])
        fail( "%lld handles, %lld HANDLE_CLOSING callbacks", counters[C_RECORDS], counters[C_CLOSINGS] );
    if (!failure_count && counters[C_CREATED] != counters[C_RECORDS] - counters[C_SESSIONS])
        fail( "%lld HANDLE_CREATED callbacks for %lld connections and requests", counters[C_CREATED],
              counters[C_RECORDS] - counters[C_SESSIONS] );
    if (!failure_count && (!mem_base || !mem_end))
        fail( "K32GetProcessMemoryInfo failed: error %lu", GetLastError() );
    if (!failure_count && delta > MEMORY_SLACK)
        fail( "commit charge grew by %lld KiB over the run (bound %d KiB)", delta / 1024, MEMORY_SLACK / 1024 );
    if (!failure_count && handles_base && handles_end > handles_base + HANDLE_SLACK)
        fail( "the process's handle count grew from %lu to %lu over the run", handles_base, handles_end );
    if (!failure_count && (!counters[C_OK] || !counters[C_CLOSED_EARLY] || !counters[C_EXPECTED_ERROR]))
        fail( "too little happened: %lld completed, %lld closed early, %lld expected errors", counters[C_OK],
              counters[C_CLOSED_EARLY], counters[C_EXPECTED_ERROR] );

    if (failure_count)
    {
        printf( "stress-async: FAIL: %s%s\n", first_failure, failure_count > 1 ? " (and more)" : "" );
        return 1;
    }
    printf( "stress-async: PASS\n" );
    return 0;
}
