/*
 * HTTP and HTTPS benchmark client on the WinHTTP API: keep-alive GETs, a new
 * connection per GET, bulk download and upload, many threads, many asynchronous
 * requests in flight (tools/bench-http).
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
 * Usage:
 *   http.exe keepalive URL SECONDS         sequential GETs on one connect handle
 *   http.exe handshake URL SECONDS         sequential GETs, each on a new connection
 *                                          (WINHTTP_DISABLE_KEEP_ALIVE): with https://,
 *                                          a TLS handshake each
 *   http.exe download URL                  one body read with WinHttpReadData, 64 KiB buffer
 *   http.exe upload URL BYTES              one PUT of BYTES written in 64 KiB pieces
 *   http.exe threads URL N SECONDS         N threads of sequential GETs, one session
 *   http.exe async URL INFLIGHT SECONDS    WINHTTP_FLAG_ASYNC, INFLIGHT requests kept
 *                                          in flight by their callbacks; timed after
 *                                          INFLIGHT responses (the connections made)
 * URL is http:// or https:// (the server's certificate must be trusted).
 * SECONDS may be a fraction. Each mode prints one line (the same format as
 * tools/bench/curl_client.c), e.g.
 *   bench keepalive reqs_per_sec=1234 requests=3702 seconds=3.000 peak_ws_kib=20480
 *   bench download mib_per_sec=812.5 bytes=268435456 seconds=0.315 peak_ws_kib=21000
 *   bench async inflight=256 reqs_per_sec=5000 requests=15000 seconds=3.000 peak_threads=12 peak_ws_kib=30000
 * peak_ws_kib is the process's peak working set (K32GetProcessMemoryInfo), which
 * under Wine includes Wine's own; peak_threads counts this process's threads
 * (CreateToolhelp32Snapshot, the sampling thread not counted), sampled every 50 ms
 * while the requests run.
 * On a failure: "bench error: ..." lines and exit status 1. Every response must
 * be 200 (204 or 201 for the upload) and every body complete.
 */

#include <windows.h>
#include <winhttp.h>
#include <tlhelp32.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>

#define BUFFER_SIZE  (64 * 1024)
#define MAX_THREADS  64
#define MAX_INFLIGHT 4096

static const WCHAR agent[] = L"bench-http/1.0";

static void fail( const char *what, DWORD error )
{
    printf( "bench error: %s failed with error %lu\n", what, error );
    fflush( stdout );
    exit( 1 );
}

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

static int thread_count( void )
{
    DWORD pid = GetCurrentProcessId();
    THREADENTRY32 te;
    HANDLE snap;
    int count = 0;

    if ((snap = CreateToolhelp32Snapshot( TH32CS_SNAPTHREAD, 0 )) == INVALID_HANDLE_VALUE) return 0;
    te.dwSize = sizeof(te);
    if (Thread32First( snap, &te ))
    {
        do { if (te.th32OwnerProcessID == pid) count++; te.dwSize = sizeof(te); }
        while (Thread32Next( snap, &te ));
    }
    CloseHandle( snap );
    return count;
}

/* ---- the server: host, port and path of the URL ---- */

static WCHAR host[256], path[2048];
static INTERNET_PORT port;
static DWORD request_flags;  /* WINHTTP_FLAG_SECURE for https:// */

static void crack( const WCHAR *url )
{
    URL_COMPONENTS uc;

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAYSIZE(path);
    uc.dwExtraInfoLength = 1;  /* the query string stays in the path */
    if (!WinHttpCrackUrl( url, 0, 0, &uc )) fail( "WinHttpCrackUrl", GetLastError() );
    if (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS)
    {
        printf( "bench error: only http:// and https:// URLs are measured\n" );
        exit( 2 );
    }
    if (uc.nScheme == INTERNET_SCHEME_HTTPS) request_flags = WINHTTP_FLAG_SECURE;
    port = uc.nPort;
    if (uc.dwExtraInfoLength && wcslen( path ) + uc.dwExtraInfoLength < ARRAYSIZE(path))
        wcsncat( path, uc.lpszExtraInfo, uc.dwExtraInfoLength );
}

static HINTERNET open_session( DWORD flags )
{
    HINTERNET session = WinHttpOpen( agent, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                     WINHTTP_NO_PROXY_BYPASS, flags );
    if (!session) fail( "WinHttpOpen", GetLastError() );
    return session;
}

static HINTERNET connect_to( HINTERNET session )
{
    HINTERNET connect = WinHttpConnect( session, host, port, 0 );
    if (!connect) fail( "WinHttpConnect", GetLastError() );
    return connect;
}

static DWORD status_code( HINTERNET request )
{
    DWORD status = 0, size = sizeof(status);

    if (!WinHttpQueryHeaders( request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX ))
        return 0;
    return status;
}

/* One synchronous GET of the path, the body read to its end; the body's size,
 * or -1 with the last error set (ERROR_INVALID_DATA for a status other than 200).
 * With new_connection, keep-alive is off for it: its connection is closed after it. */
static LONGLONG get_request( HINTERNET connect, char *buffer, DWORD size, const char **what, BOOL new_connection )
{
    HINTERNET request;
    LONGLONG total = 0;
    DWORD read, option;

    *what = "WinHttpOpenRequest";
    if (!(request = WinHttpOpenRequest( connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                        WINHTTP_DEFAULT_ACCEPT_TYPES, request_flags )))
        return -1;
    option = WINHTTP_DISABLE_KEEP_ALIVE;
    *what = "WinHttpSetOption(WINHTTP_OPTION_DISABLE_FEATURE)";
    if (new_connection && !WinHttpSetOption( request, WINHTTP_OPTION_DISABLE_FEATURE, &option, sizeof(option) ))
        goto failed;
    *what = "WinHttpSendRequest";
    if (!WinHttpSendRequest( request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0 ))
        goto failed;
    *what = "WinHttpReceiveResponse";
    if (!WinHttpReceiveResponse( request, NULL )) goto failed;
    *what = "the status (200 expected)";
    if (status_code( request ) != 200)
    {
        SetLastError( ERROR_INVALID_DATA );
        goto failed;
    }
    *what = "WinHttpReadData";
    for (;;)
    {
        if (!WinHttpReadData( request, buffer, size, &read )) goto failed;
        if (!read) break;
        total += read;
    }
    WinHttpCloseHandle( request );
    return total;

failed:
    {
        DWORD error = GetLastError();
        WinHttpCloseHandle( request );
        SetLastError( error );
    }
    return -1;
}

static LONGLONG get( HINTERNET connect, char *buffer, DWORD size, const char **what )
{
    return get_request( connect, buffer, size, what, FALSE );
}

/* ---- keepalive: sequential GETs on one connect handle ---- */

static int keepalive( double seconds )
{
    HINTERNET session = open_session( 0 ), connect = connect_to( session );
    static char buffer[BUFFER_SIZE];
    const char *what;
    LONGLONG requests = 0;
    double t0, t1;

    if (get( connect, buffer, sizeof(buffer), &what ) < 0) fail( what, GetLastError() );  /* warm-up */
    t0 = t1 = now();
    while (t1 - t0 < seconds)
    {
        if (get( connect, buffer, sizeof(buffer), &what ) < 0) fail( what, GetLastError() );
        requests++;
        t1 = now();
    }
    printf( "bench keepalive reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_ws_kib=%llu\n",
            requests / (t1 - t0), (long long)requests, t1 - t0, peak_ws_kib() );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    return 0;
}

/* ---- handshake: sequential GETs, each on a connection of its own ---- */

static int handshake( double seconds )
{
    HINTERNET session = open_session( 0 ), connect = connect_to( session );
    static char buffer[BUFFER_SIZE];
    const char *what;
    LONGLONG requests = 0;
    double t0, t1;

    if (get_request( connect, buffer, sizeof(buffer), &what, TRUE ) < 0) fail( what, GetLastError() );  /* warm-up */
    t0 = t1 = now();
    while (t1 - t0 < seconds)
    {
        if (get_request( connect, buffer, sizeof(buffer), &what, TRUE ) < 0) fail( what, GetLastError() );
        requests++;
        t1 = now();
    }
    printf( "bench handshake reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_ws_kib=%llu\n",
            requests / (t1 - t0), (long long)requests, t1 - t0, peak_ws_kib() );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    return 0;
}

/* ---- download: one big body ---- */

static int download( void )
{
    HINTERNET session = open_session( 0 ), connect = connect_to( session ), request;
    static char buffer[BUFFER_SIZE];
    ULONGLONG total = 0, expected = 0;
    WCHAR length[32];
    DWORD read, size = sizeof(length);
    double t0, t1;

    t0 = now();
    if (!(request = WinHttpOpenRequest( connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                        WINHTTP_DEFAULT_ACCEPT_TYPES, request_flags )))
        fail( "WinHttpOpenRequest", GetLastError() );
    if (!WinHttpSendRequest( request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0 ))
        fail( "WinHttpSendRequest", GetLastError() );
    if (!WinHttpReceiveResponse( request, NULL )) fail( "WinHttpReceiveResponse", GetLastError() );
    if (status_code( request ) != 200) fail( "the status (200 expected)", ERROR_INVALID_DATA );
    if (WinHttpQueryHeaders( request, WINHTTP_QUERY_CONTENT_LENGTH, WINHTTP_HEADER_NAME_BY_INDEX, length,
                             &size, WINHTTP_NO_HEADER_INDEX ))
        expected = _wcstoui64( length, NULL, 10 );
    for (;;)
    {
        if (!WinHttpReadData( request, buffer, sizeof(buffer), &read )) fail( "WinHttpReadData", GetLastError() );
        if (!read) break;
        total += read;
    }
    t1 = now();
    if (expected && total != expected)
    {
        printf( "bench error: %llu bytes read, Content-Length %llu\n", total, expected );
        return 1;
    }
    printf( "bench download mib_per_sec=%.1f bytes=%llu seconds=%.3f peak_ws_kib=%llu\n",
            total / 1048576.0 / (t1 - t0), total, t1 - t0, peak_ws_kib() );
    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    return 0;
}

/* ---- upload: one PUT with a Content-Length, written in pieces ---- */

static int upload( ULONGLONG bytes )
{
    HINTERNET session = open_session( 0 ), connect = connect_to( session ), request;
    static char buffer[BUFFER_SIZE];
    ULONGLONG total = 0;
    DWORD status, written;
    double t0, t1;

    memset( buffer, 'u', sizeof(buffer) );
    if (bytes > 0xffffffff)
    {
        printf( "bench error: WinHttpSendRequest takes a 32-bit total length\n" );
        return 2;
    }
    t0 = now();
    if (!(request = WinHttpOpenRequest( connect, L"PUT", path, NULL, WINHTTP_NO_REFERER,
                                        WINHTTP_DEFAULT_ACCEPT_TYPES, request_flags )))
        fail( "WinHttpOpenRequest", GetLastError() );
    if (!WinHttpSendRequest( request, L"Content-Type: application/octet-stream", (DWORD)-1,
                             WINHTTP_NO_REQUEST_DATA, 0, (DWORD)bytes, 0 ))
        fail( "WinHttpSendRequest", GetLastError() );
    while (total < bytes)
    {
        DWORD piece = bytes - total < sizeof(buffer) ? (DWORD)(bytes - total) : sizeof(buffer);
        if (!WinHttpWriteData( request, buffer, piece, &written )) fail( "WinHttpWriteData", GetLastError() );
        if (written != piece)
        {
            printf( "bench error: WinHttpWriteData wrote %lu of %lu bytes\n", written, piece );
            return 1;
        }
        total += written;
    }
    if (!WinHttpReceiveResponse( request, NULL )) fail( "WinHttpReceiveResponse", GetLastError() );
    t1 = now();
    status = status_code( request );
    if (status != 204 && status != 201 && status != 200)
    {
        printf( "bench error: the upload was answered %lu\n", status );
        return 1;
    }
    printf( "bench upload mib_per_sec=%.1f bytes=%llu seconds=%.3f peak_ws_kib=%llu\n",
            total / 1048576.0 / (t1 - t0), total, t1 - t0, peak_ws_kib() );
    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    return 0;
}

/* ---- threads: N threads of sequential GETs sharing one session ---- */

struct worker
{
    HINTERNET connect;
    LONGLONG  requests;
    DWORD     error;
    const char *what;
    char      pad[64];
};

static volatile LONG stop;
static volatile LONG warming;  /* threads still making their first request */
static HANDLE start_event, warm_event;

static DWORD WINAPI worker_thread( void *arg )
{
    struct worker *w = arg;
    char *buffer = malloc( BUFFER_SIZE );
    const char *what;

    if (get( w->connect, buffer, BUFFER_SIZE, &what ) < 0)  /* warm-up: each thread's connection */
    {
        w->error = GetLastError(); w->what = what;
    }
    if (!InterlockedDecrement( &warming )) SetEvent( warm_event );
    WaitForSingleObject( start_event, INFINITE );
    while (!w->error && !stop)
    {
        if (get( w->connect, buffer, BUFFER_SIZE, &what ) < 0)
        {
            w->error = GetLastError(); w->what = what;
            break;
        }
        w->requests++;
    }
    free( buffer );
    return 0;
}

static int threads( int n, double seconds )
{
    HINTERNET session = open_session( 0 );
    static struct worker workers[MAX_THREADS];
    HANDLE handles[MAX_THREADS];
    LONGLONG requests = 0;
    double t0, t1;
    int i, ret = 0;

    start_event = CreateEventW( NULL, TRUE, FALSE, NULL );
    warm_event = CreateEventW( NULL, TRUE, FALSE, NULL );
    warming = n;
    for (i = 0; i < n; i++)
    {
        workers[i].connect = connect_to( session );
        if (!(handles[i] = CreateThread( NULL, 0, worker_thread, &workers[i], 0, NULL )))
            fail( "CreateThread", GetLastError() );
    }
    WaitForSingleObject( warm_event, INFINITE );
    t0 = now();
    SetEvent( start_event );
    Sleep( (DWORD)(seconds * 1000) );
    InterlockedExchange( &stop, 1 );
    WaitForMultipleObjects( n, handles, TRUE, INFINITE );
    t1 = now();
    for (i = 0; i < n; i++)
    {
        CloseHandle( handles[i] );
        requests += workers[i].requests;
        if (workers[i].error)
        {
            printf( "bench error: thread %d: %s failed with error %lu\n", i, workers[i].what, workers[i].error );
            ret = 1;
        }
        WinHttpCloseHandle( workers[i].connect );
    }
    if (!ret)
        printf( "bench threads threads=%d reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_ws_kib=%llu\n",
                n, requests / (t1 - t0), (long long)requests, t1 - t0, peak_ws_kib() );
    WinHttpCloseHandle( session );
    return ret;
}

/* ---- async: INFLIGHT requests, each chained by its callbacks ---- */

struct slot
{
    HINTERNET request;
    char      buffer[16 * 1024];
};

static HINTERNET async_connect;
static struct slot *slots;
static volatile LONG open_requests;      /* request handles not yet HANDLE_CLOSING */
static volatile LONG64 completed;        /* complete responses until the end, warm-up included */
static volatile LONG failed;
static volatile DWORD first_error;
static const char *volatile first_what;
static HANDLE drained_event;

static void async_error( const char *what, DWORD error )
{
    if (!InterlockedExchange( &failed, 1 ))
    {
        first_error = error;
        first_what = what;
    }
    InterlockedExchange( &stop, 1 );
}

static void start_request( struct slot *slot )
{
    HINTERNET request;

    if (!(request = WinHttpOpenRequest( async_connect, L"GET", path, NULL, WINHTTP_NO_REFERER,
                                        WINHTTP_DEFAULT_ACCEPT_TYPES, request_flags )))
    {
        async_error( "WinHttpOpenRequest failed with error", GetLastError() );
        return;
    }
    InterlockedIncrement( &open_requests );
    slot->request = request;
    if (!WinHttpSendRequest( request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                             (DWORD_PTR)slot ))
    {
        async_error( "WinHttpSendRequest failed with error", GetLastError() );
        WinHttpCloseHandle( request );
    }
}

static void finish_request( HINTERNET request, struct slot *slot )
{
    WinHttpCloseHandle( request );
    if (!stop) start_request( slot );
}

static void CALLBACK async_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD size )
{
    struct slot *slot = (struct slot *)context;

    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse( handle, NULL ))
        {
            async_error( "WinHttpReceiveResponse failed with error", GetLastError() );
            WinHttpCloseHandle( handle );
        }
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    {
        DWORD code = status_code( handle );
        if (code != 200)
        {
            /* the status as the "error", or the query's error when there is none */
            async_error( code ? "the response's status (200 expected) is" : "WinHttpQueryHeaders failed with error",
                         code ? code : GetLastError() );
            WinHttpCloseHandle( handle );
        }
        else if (!WinHttpQueryDataAvailable( handle, NULL ))
        {
            async_error( "WinHttpQueryDataAvailable failed with error", GetLastError() );
            WinHttpCloseHandle( handle );
        }
        break;
    }
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    {
        DWORD available = *(DWORD *)info;
        if (!available)
        {
            if (!stop) InterlockedIncrement64( &completed );
            finish_request( handle, slot );
        }
        else if (!WinHttpReadData( handle, slot->buffer,
                                   available < sizeof(slot->buffer) ? available : sizeof(slot->buffer), NULL ))
        {
            async_error( "WinHttpReadData failed with error", GetLastError() );
            WinHttpCloseHandle( handle );
        }
        break;
    }
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (!size)
        {
            if (!stop) InterlockedIncrement64( &completed );
            finish_request( handle, slot );
        }
        else if (!WinHttpQueryDataAvailable( handle, NULL ))
        {
            async_error( "WinHttpQueryDataAvailable failed with error", GetLastError() );
            WinHttpCloseHandle( handle );
        }
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
    {
        WINHTTP_ASYNC_RESULT *result = info;
        static const char *names[] = { "an asynchronous call failed with error",
            "WinHttpReceiveResponse failed with error", "WinHttpQueryDataAvailable failed with error",
            "WinHttpReadData failed with error", "WinHttpWriteData failed with error",
            "WinHttpSendRequest failed with error" };
        async_error( result->dwResult < ARRAYSIZE(names) ? names[result->dwResult] : names[0],
                     result->dwError );
        WinHttpCloseHandle( handle );
        break;
    }
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        if (slot && !InterlockedDecrement( &open_requests ) && stop) SetEvent( drained_event );
        break;
    }
}

/* the peak thread count, sampled every 50 ms by a thread of its own (not counted)
 * until the measurement ends: under load a snapshot can take long */
static volatile LONG peak_threads;

static DWORD WINAPI sampler_thread( void *arg )
{
    LONG count;

    while (!stop)
    {
        if ((count = thread_count() - 1) > peak_threads) peak_threads = count;
        Sleep( 50 );
    }
    return 0;
}

static int async( int inflight, double seconds )
{
    HINTERNET session = open_session( WINHTTP_FLAG_ASYNC );
    HANDLE sampler;
    LONG64 requests, start;
    double t0, t1;
    int i;

    drained_event = CreateEventW( NULL, TRUE, FALSE, NULL );
    if (WinHttpSetStatusCallback( session, async_callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS |
                                  WINHTTP_CALLBACK_FLAG_HANDLES, 0 ) == WINHTTP_INVALID_STATUS_CALLBACK)
        fail( "WinHttpSetStatusCallback", GetLastError() );
    async_connect = connect_to( session );
    slots = calloc( inflight, sizeof(*slots) );
    peak_threads = thread_count();
    if (!(sampler = CreateThread( NULL, 0, sampler_thread, NULL, 0, NULL ))) fail( "CreateThread", GetLastError() );
    for (i = 0; i < inflight && !stop; i++) start_request( &slots[i] );
    /* warm-up: as many responses as requests in flight, so the connections are made */
    t0 = now();
    while (!stop && completed < inflight && now() - t0 < 30) Sleep( 5 );
    t0 = t1 = now();
    start = completed;
    while (!stop && (t1 = now()) - t0 < seconds) Sleep( 10 );
    InterlockedExchange( &stop, 1 );
    requests = completed - start;
    /* the requests still in flight finish (and are not counted); after a failure
     * not every handle may say HANDLE_CLOSING with our context, so no long wait */
    if (InterlockedCompareExchange( &open_requests, 0, 0 ) &&
        WaitForSingleObject( drained_event, failed ? 2000 : 30000 ) && !failed)
    {
        printf( "bench error: %ld requests still open 30 s after the end\n", open_requests );
        fflush( stdout );
        ExitProcess( 1 );
    }
    WaitForSingleObject( sampler, INFINITE );
    CloseHandle( sampler );
    if (failed)
    {
        printf( "bench error: %s %lu\n", first_what, first_error );
        fflush( stdout );
        ExitProcess( 1 );
    }
    printf( "bench async inflight=%d reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_threads=%ld peak_ws_kib=%llu\n",
            inflight, requests / (t1 - t0), (long long)requests, t1 - t0, peak_threads, peak_ws_kib() );
    WinHttpCloseHandle( async_connect );
    WinHttpCloseHandle( session );
    return 0;
}

static void usage( void )
{
    printf( "usage: http.exe keepalive URL SECONDS | handshake URL SECONDS | download URL |\n"
            "                upload URL BYTES | threads URL N SECONDS | async URL INFLIGHT SECONDS\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    int ret;

    if (argc < 3) usage();
    crack( argv[2] );
    if (!wcscmp( argv[1], L"keepalive" ) && argc == 4 && _wtof( argv[3] ) > 0)
        ret = keepalive( _wtof( argv[3] ) );
    else if (!wcscmp( argv[1], L"handshake" ) && argc == 4 && _wtof( argv[3] ) > 0)
        ret = handshake( _wtof( argv[3] ) );
    else if (!wcscmp( argv[1], L"download" ) && argc == 3)
        ret = download();
    else if (!wcscmp( argv[1], L"upload" ) && argc == 4 && _wcstoui64( argv[3], NULL, 10 ) > 0)
        ret = upload( _wcstoui64( argv[3], NULL, 10 ) );
    else if (!wcscmp( argv[1], L"threads" ) && argc == 5 && _wtoi( argv[3] ) > 0 &&
             _wtoi( argv[3] ) <= MAX_THREADS && _wtof( argv[4] ) > 0)
        ret = threads( _wtoi( argv[3] ), _wtof( argv[4] ) );
    else if (!wcscmp( argv[1], L"async" ) && argc == 5 && _wtoi( argv[3] ) > 0 &&
             _wtoi( argv[3] ) <= MAX_INFLIGHT && _wtof( argv[4] ) > 0)
        ret = async( _wtoi( argv[3] ), _wtof( argv[4] ) );
    else
        usage();
    fflush( stdout );
    return ret;
}
