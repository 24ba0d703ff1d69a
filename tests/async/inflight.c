/*
 * Many asynchronous requests in flight against a slow server: all must complete,
 * and the process's thread count must stay small while they wait.
 * Usage: inflight.exe PORT COUNT MAX_THREADS
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

#include <windows.h>
#include <winhttp.h>
#include <tlhelp32.h>
#include <stdio.h>

static LONG finished, succeeded, failed;
static char buffers[4096][16];

static int count_threads( void )
{
    HANDLE snapshot = CreateToolhelp32Snapshot( TH32CS_SNAPTHREAD, 0 );
    THREADENTRY32 entry = { sizeof(entry) };
    DWORD pid = GetCurrentProcessId();
    int count = 0;

    if (Thread32First( snapshot, &entry ))
        do { if (entry.th32OwnerProcessID == pid) count++; } while (Thread32Next( snapshot, &entry ));
    CloseHandle( snapshot );
    return count;
}

static void CALLBACK callback( HINTERNET request, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    DWORD code = 0, size = sizeof(code);

    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse( request, NULL )) InterlockedIncrement( &failed );
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        WinHttpQueryHeaders( request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &code, &size, NULL );
        if (code == 200) InterlockedIncrement( &succeeded );
        if (!WinHttpReadData( request, buffers[context], sizeof(buffers[0]), NULL )) InterlockedIncrement( &failed );
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (len) WinHttpReadData( request, buffers[context], sizeof(buffers[0]), NULL );
        else
        {
            WinHttpCloseHandle( request );
            InterlockedIncrement( &finished );
        }
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        InterlockedIncrement( &failed );
        WinHttpCloseHandle( request );
        InterlockedIncrement( &finished );
        break;
    }
}

int wmain( int argc, WCHAR **argv )
{
    HINTERNET session, connect;
    int count, max_threads, peak = 0, i;
    DWORD start;

    if (argc < 4) return 2;
    count = min( _wtoi( argv[2] ), 4096 );
    max_threads = _wtoi( argv[3] );
    session = WinHttpOpen( L"inflight", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC );
    connect = WinHttpConnect( session, L"127.0.0.1", _wtoi( argv[1] ), 0 );
    start = GetTickCount();
    for (i = 0; i < count; i++)
    {
        HINTERNET request = WinHttpOpenRequest( connect, NULL, L"/", NULL, NULL, NULL, 0 );
        WinHttpSetStatusCallback( request, callback, WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS, 0 );
        if (!WinHttpSendRequest( request, NULL, 0, NULL, 0, 0, i ))
        {
            InterlockedIncrement( &failed );
            InterlockedIncrement( &finished );
        }
    }
    while (finished < count && GetTickCount() - start < 60000)
    {
        int threads = count_threads();
        if (threads > peak) peak = threads;
        Sleep( 50 );
    }
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    printf( "inflight: %ld of %d finished, %ld succeeded, %ld failed in %lu ms, peak %d threads (bound %d)\n",
            finished, count, succeeded, failed, GetTickCount() - start, peak, max_threads );
    return !(finished == count && succeeded == count && !failed && peak <= max_threads);
}
