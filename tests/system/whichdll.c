/*
 * Prints which winhttp.dll the loader gave us, for the run-mode check.
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

int wmain( int argc, WCHAR **argv )
{
    HMODULE module = LoadLibraryW( L"winhttp.dll" );
    BOOL (WINAPI *check_platform)(void);
    WCHAR path[MAX_PATH];

    if (!module)
    {
        printf( "whichdll: LoadLibrary failed, error %lu\n", GetLastError() );
        return 1;
    }
    GetModuleFileNameW( module, path, MAX_PATH );
    check_platform = (void *)GetProcAddress( module, "WinHttpCheckPlatform" );
    printf( "whichdll: path=%ls check_platform=%d\n", path, check_platform ? check_platform() : -1 );
    return 0;
}
