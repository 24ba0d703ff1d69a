/*
 * Calls each export named on the command line with null arguments, and then
 * with an open session, connect or request handle first, and checks that it
 * fails the way an unimplemented WinHTTP function must.
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
#include <stdio.h>

/* Wide enough for any WinHTTP export: on x86-64 the caller owns the stack, so
 * passing more (zero) arguments than a function takes is harmless. */
typedef DWORD_PTR (WINAPI *any_function)( void *, void *, void *, void *, void *,
                                          void *, void *, void *, void *, void * );

int wmain( int argc, WCHAR **argv )
{
    HMODULE module = LoadLibraryW( L"winhttp.dll" );
    HINTERNET (WINAPI *open_session)( const WCHAR *, DWORD, const WCHAR *, const WCHAR *, DWORD );
    HINTERNET (WINAPI *open_connect)( HINTERNET, const WCHAR *, INTERNET_PORT, DWORD );
    HINTERNET (WINAPI *open_request)( HINTERNET, const WCHAR *, const WCHAR *, const WCHAR *, const WCHAR *,
                                      const WCHAR **, DWORD );
    void *firsts[4] = { NULL };
    int i, j, failures = 0;

    if (!module)
    {
        printf( "stubcheck: LoadLibrary failed, error %lu\n", GetLastError() );
        return 1;
    }
    /* a stub checks the handle it is given before it says it is not implemented */
    open_session = (void *)GetProcAddress( module, "WinHttpOpen" );
    open_connect = (void *)GetProcAddress( module, "WinHttpConnect" );
    open_request = (void *)GetProcAddress( module, "WinHttpOpenRequest" );
    if (open_session && (firsts[1] = open_session( L"stubcheck", 0, NULL, NULL, 0 )) &&
        open_connect && (firsts[2] = open_connect( firsts[1], L"localhost", 80, 0 )) && open_request)
        firsts[3] = open_request( firsts[2], NULL, NULL, NULL, NULL, NULL, 0 );

    for (i = 1; i < argc; i++)
    {
        char name[128];
        any_function func;
        DWORD_PTR ret;
        DWORD error;

        WideCharToMultiByte( CP_ACP, 0, argv[i], -1, name, sizeof(name), NULL, NULL );
        if (!(func = (any_function)GetProcAddress( module, name )))
        {
            printf( "FAIL %s: not exported\n", name );
            failures++;
            continue;
        }
        for (j = 0; j < 4; j++)
        {
            if (j && !firsts[j]) continue;
            SetLastError( 0xdeadbeef );
            ret = func( firsts[j], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL );
            error = GetLastError();
            /* BOOL, handle and void functions set the last error; DWORD functions return the code */
            if (error == ERROR_CALL_NOT_IMPLEMENTED || (DWORD)ret == ERROR_CALL_NOT_IMPLEMENTED) break;
        }
        if (j < 4)
            printf( "ok   %s\n", name );
        else
        {
            printf( "FAIL %s: returned %#llx, last error %lu\n", name, (unsigned long long)ret, error );
            failures++;
        }
    }
    printf( "stubcheck: %d of %d failed\n", failures, argc - 1 );
    return failures != 0;
}
