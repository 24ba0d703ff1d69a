/*
 * What a fuzz target needs to run Win32 sources (url.c, time.c, cookies.c)
 * natively on Linux: Wine's headers for the types, and stand-ins for the few
 * Win32 calls.
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

#ifndef WINE_NATIVE_H
#define WINE_NATIVE_H

/* Before winbase.h: with __WINESRC__ it turns wcsncpy into an error, and
 * glibc's <wchar.h> (pulled in later by winhttp_private.h) declares it; url.c
 * and time.c get the same through fuzz.sh's -include wchar.h. The build uses
 * -fshort-wchar, so glibc's wide functions must not be called. */
#include <wchar.h>
#include <stdarg.h>

#include "windef.h"
#include "winbase.h"

/* Points the GS segment at a fake TEB, as Wine does on x86-64, so that the
 * inline SetLastError/GetLastError of Wine's headers work. Call it once
 * (from LLVMFuzzerInitialize), before any Win32 code runs. */
void wine_native_init( void );

/* What GetACP returns (CP_ACP-style code page; default 1252). */
extern UINT wine_native_acp;

/* What GetSystemTime returns: a fixed instant, so runs are reproducible. */
extern SYSTEMTIME wine_native_system_time;

/* What GetSystemTimeAsFileTime adds to wine_native_system_time, in FILETIME
 * ticks (100 ns): a target moves the clock forward by raising it. */
extern ULONGLONG wine_native_clock_shift;

/* The FILETIME ticks of wine_native_system_time plus wine_native_clock_shift. */
ULONGLONG wine_native_now( void );

/* The C library's wcs* functions take 32-bit wchar_t on Linux; these take
 * the 16-bit WCHAR of the -fshort-wchar build. wine_native_wcs.h maps the
 * usual names onto them for the code under test. */
size_t wine_native_wcslen( const WCHAR *str );
int wine_native_wcscmp( const WCHAR *a, const WCHAR *b );
int wine_native_wcsncmp( const WCHAR *a, const WCHAR *b, size_t n );
WCHAR *wine_native_wcschr( const WCHAR *str, WCHAR ch );
WCHAR *wine_native_wcsrchr( const WCHAR *str, WCHAR ch );
WCHAR *wine_native_wcscpy( WCHAR *dst, const WCHAR *src );

#endif /* WINE_NATIVE_H */
