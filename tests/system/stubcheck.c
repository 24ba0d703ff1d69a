/*
 * Calls each export named on the command line with null arguments and checks
 * that it fails the way an unimplemented WinHTTP function must.
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
#include <stdio.h>

/* Wide enough for any WinHTTP export: on x86-64 the caller owns the stack, so
 * passing more (zero) arguments than a function takes is harmless. */
typedef DWORD_PTR (WINAPI *any_function)( void *, void *, void *, void *, void *,
                                          void *, void *, void *, void *, void * );

int wmain( int argc, WCHAR **argv )
{
    HMODULE module = LoadLibraryW( L"winhttp.dll" );
    int i, failures = 0;

    if (!module)
    {
        printf( "stubcheck: LoadLibrary failed, error %lu\n", GetLastError() );
        return 1;
    }
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
        SetLastError( 0xdeadbeef );
        ret = func( NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL );
        error = GetLastError();
        /* BOOL, handle and void functions set the last error; DWORD functions return the code */
        if (error == ERROR_CALL_NOT_IMPLEMENTED || (DWORD)ret == ERROR_CALL_NOT_IMPLEMENTED)
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
