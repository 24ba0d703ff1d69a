/*
 * Handle benchmark: WinHTTP handles created and closed per second, with 1, 2
 * and 8 threads.
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
 * Usage: handles.exe [SECONDS]      (each case runs SECONDS, default 2; "0.5" works)
 *
 * Kinds (one operation each):
 *   session  WinHttpOpen + WinHttpCloseHandle
 *   request  WinHttpOpen + WinHttpConnect + WinHttpOpenRequest, then the three
 *            closed, children first
 * Each thread makes and closes its own handles; no network traffic.
 * Prints one line per case:
 *   handles threads=8 kind=request ops_per_sec=12345
 * and last the memory an open request costs (working set, 10,000 of them open
 * on one connection at once):
 *   handles memory requests=10000 bytes_per_request=1234
 * and "handles: error ..." lines (exit code 1) if a call fails.
 */

#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 8

struct slot
{
    volatile LONG64 ops;
    volatile LONG   failed;
    int             kind;
    char            pad[64];
};

static volatile LONG stop;
static HANDLE start_event;

static BOOL one_op( int kind )
{
    HINTERNET session, connect, request;

    session = WinHttpOpen( L"bench-handles/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                           WINHTTP_NO_PROXY_BYPASS, 0 );
    if (!session) return FALSE;
    if (kind == 1)
    {
        if (!(connect = WinHttpConnect( session, L"127.0.0.1", 80, 0 )))
        {
            WinHttpCloseHandle( session );
            return FALSE;
        }
        if (!(request = WinHttpOpenRequest( connect, L"GET", L"/bench", NULL, WINHTTP_NO_REFERER,
                                            WINHTTP_DEFAULT_ACCEPT_TYPES, 0 )))
        {
            WinHttpCloseHandle( connect );
            WinHttpCloseHandle( session );
            return FALSE;
        }
        if (!WinHttpCloseHandle( request ) || !WinHttpCloseHandle( connect ))
        {
            WinHttpCloseHandle( session );
            return FALSE;
        }
    }
    return WinHttpCloseHandle( session );
}

static DWORD WINAPI bench_thread( void *arg )
{
    struct slot *slot = arg;
    LONG64 ops = 0;

    WaitForSingleObject( start_event, INFINITE );
    while (!stop)
    {
        if (!one_op( slot->kind ))
        {
            slot->failed = GetLastError() ? (LONG)GetLastError() : -1;
            break;
        }
        ops++;
    }
    slot->ops = ops;
    return 0;
}

static BOOL run_case( int kind, int nthreads, DWORD ms, double *rate )
{
    static const char *kind_names[] = { "session", "request" };
    struct slot slots[MAX_THREADS];
    HANDLE threads[MAX_THREADS];
    LARGE_INTEGER freq, t0, t1;
    LONG64 total = 0;
    BOOL ok = TRUE;
    int i;

    memset( slots, 0, sizeof(slots) );
    stop = 0;
    ResetEvent( start_event );
    for (i = 0; i < nthreads; i++)
    {
        slots[i].kind = kind;
        threads[i] = CreateThread( NULL, 0, bench_thread, &slots[i], 0, NULL );
        if (!threads[i])
        {
            printf( "handles: error: CreateThread failed: %lu\n", GetLastError() );
            exit( 1 );
        }
    }
    QueryPerformanceFrequency( &freq );
    QueryPerformanceCounter( &t0 );
    SetEvent( start_event );
    Sleep( ms );
    InterlockedExchange( &stop, 1 );
    WaitForMultipleObjects( nthreads, threads, TRUE, INFINITE );
    QueryPerformanceCounter( &t1 );
    for (i = 0; i < nthreads; i++)
    {
        CloseHandle( threads[i] );
        total += slots[i].ops;
        if (slots[i].failed)
        {
            printf( "handles: error: threads=%d kind=%s: a call failed with error %ld\n", nthreads,
                    kind_names[kind], slots[i].failed );
            ok = FALSE;
        }
    }
    *rate = (double)total * freq.QuadPart / (double)(t1.QuadPart - t0.QuadPart);
    printf( "handles threads=%d kind=%s ops_per_sec=%.0f\n", nthreads, kind_names[kind], *rate );
    fflush( stdout );
    return ok;
}

/* the working set: Wine keeps no private-bytes count, and what is allocated here is touched */
static SIZE_T memory_used( void )
{
    PROCESS_MEMORY_COUNTERS counters = { sizeof(counters) };

    GetProcessMemoryInfo( GetCurrentProcess(), &counters, sizeof(counters) );
    return counters.WorkingSetSize;
}

/* What an open request handle costs: many open at once, the growth divided. */
static BOOL request_memory( void )
{
    enum { COUNT = 10000 };
    HINTERNET session, connect, *requests;
    SIZE_T before, after;
    int i, opened = 0;

    if (!(requests = calloc( COUNT, sizeof(*requests) ))) return FALSE;
    session = WinHttpOpen( L"bench", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    connect = WinHttpConnect( session, L"127.0.0.1", 80, 0 );
    /* one first, so that what is made once per process is not counted */
    requests[opened++] = WinHttpOpenRequest( connect, L"GET", L"/", NULL, NULL, NULL, 0 );
    before = memory_used();
    for (i = 1; i < COUNT; i++)
        if ((requests[opened] = WinHttpOpenRequest( connect, L"GET", L"/index.html", NULL, NULL, NULL, 0 ))) opened++;
    after = memory_used();
    for (i = 0; i < opened; i++) WinHttpCloseHandle( requests[i] );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    free( requests );
    if (opened != COUNT)
    {
        printf( "handles: error: only %d of %d requests opened\n", opened, COUNT );
        return FALSE;
    }
    printf( "handles memory requests=%d bytes_per_request=%.0f\n", COUNT - 1,
            after > before ? (double)(after - before) / (COUNT - 1) : 0.0 );
    return TRUE;
}

int wmain( int argc, WCHAR **argv )
{
    static const int thread_counts[] = { 1, 2, 8 };
    double seconds = 2.0, rate;
    BOOL ok = TRUE;
    int kind, i;

    if (argc > 1) seconds = _wtof( argv[1] );
    if (argc > 2 || seconds <= 0 || seconds > 3600)
    {
        printf( "usage: handles.exe [SECONDS-PER-CASE]\n" );
        return 2;
    }
    start_event = CreateEventW( NULL, TRUE, FALSE, NULL );
    /* warm-up: loads what the DLL loads on first use */
    one_op( 1 );
    for (kind = 0; kind < 2; kind++)
        for (i = 0; i < (int)ARRAYSIZE(thread_counts); i++)
            if (!run_case( kind, thread_counts[i], (DWORD)(seconds * 1000), &rate )) ok = FALSE;
    if (!request_memory()) ok = FALSE;
    return ok ? 0 : 1;
}
