/*
 * Stand-ins for the Win32, C library and Wine debug calls that url.c, time.c
 * and cookies.c make, so that a fuzz target can run them natively on Linux,
 * unmodified.
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

#include "wine_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <asm/prctl.h>

#include "winnls.h"
#include "wine/debug.h"

#ifndef __x86_64__
#error "the fake TEB is set up the x86-64 way (GS base); port wine_native_init first"
#endif

UINT wine_native_acp = 1252;
SYSTEMTIME wine_native_system_time = { 2026, 1, 4, 1, 12, 0, 0, 0 };  /* Thu, 01 Jan 2026 12:00:00 */

/* Wine's inline NtCurrentTeb() reads the TEB's Self pointer at GS:0x30, and
 * Set/GetLastError use the slot 13 pointers in. Nothing else is read here. */
static void *fake_teb[0x2000 / sizeof(void *)] __attribute__((aligned(64)));

void wine_native_init( void )
{
    fake_teb[0x30 / sizeof(void *)] = fake_teb;
    if (syscall( SYS_arch_prctl, ARCH_SET_GS, (unsigned long)fake_teb ))
    {
        perror( "wine_native_init: arch_prctl(ARCH_SET_GS)" );
        abort();
    }
    if (NtCurrentTeb() != (struct _TEB *)fake_teb) abort();
}

UINT WINAPI GetACP( void )
{
    return wine_native_acp;
}

void WINAPI GetSystemTime( SYSTEMTIME *time )
{
    *time = wine_native_system_time;
}

BOOL WINAPI IsBadStringPtrW( const WCHAR *str, UINT_PTR max )
{
    return FALSE;
}

ULONGLONG wine_native_clock_shift;

#define TICKS_PER_DAY ((ULONGLONG)864000000000)

static BOOL is_leap( unsigned int year )
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned int month_days( unsigned int year, unsigned int month )
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[month - 1] + (month == 2 && is_leap( year ));
}

/* As on Windows: FALSE for a field out of range; the day of the week is ignored. */
BOOL WINAPI SystemTimeToFileTime( const SYSTEMTIME *time, FILETIME *ft )
{
    ULONGLONG days, ticks;
    unsigned int y;

    if (time->wYear < 1601 || time->wYear > 30827 || time->wMonth < 1 || time->wMonth > 12 ||
        time->wDay < 1 || time->wDay > month_days( time->wYear, time->wMonth ) ||
        time->wHour > 23 || time->wMinute > 59 || time->wSecond > 59 || time->wMilliseconds > 999)
    {
        SetLastError( ERROR_INVALID_PARAMETER );
        return FALSE;
    }
    y = time->wYear - 1;   /* the leap years in 1601..y are those in 1..y less the 388 in 1..1600 */
    days = (ULONGLONG)365 * (time->wYear - 1601) + y / 4 - y / 100 + y / 400 - 388;
    for (y = 1; y < time->wMonth; y++) days += month_days( time->wYear, y );
    days += time->wDay - 1;
    ticks = days * TICKS_PER_DAY +
            ((ULONGLONG)time->wHour * 3600 + time->wMinute * 60 + time->wSecond) * 10000000 +
            (ULONGLONG)time->wMilliseconds * 10000;
    ft->dwLowDateTime = (DWORD)ticks;
    ft->dwHighDateTime = (DWORD)(ticks >> 32);
    return TRUE;
}

ULONGLONG wine_native_now( void )
{
    FILETIME ft;

    if (!SystemTimeToFileTime( &wine_native_system_time, &ft )) abort();
    return (((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime) + wine_native_clock_shift;
}

void WINAPI GetSystemTimeAsFileTime( FILETIME *ft )
{
    ULONGLONG now = wine_native_now();

    ft->dwLowDateTime = (DWORD)now;
    ft->dwHighDateTime = (DWORD)(now >> 32);
}

/* One thread: a lock is either free (NULL) or held (1). Taking a held lock
 * would deadlock on Windows and releasing a free one is undefined, so both abort. */
void WINAPI InitializeSRWLock( SRWLOCK *lock )
{
    lock->Ptr = NULL;
}

void WINAPI AcquireSRWLockExclusive( SRWLOCK *lock )
{
    if (lock->Ptr)
    {
        fprintf( stderr, "wine_native: SRW lock %p taken twice\n", lock );
        abort();
    }
    lock->Ptr = (void *)1;
}

void WINAPI ReleaseSRWLockExclusive( SRWLOCK *lock )
{
    if (lock->Ptr != (void *)1)
    {
        fprintf( stderr, "wine_native: SRW lock %p released but not held\n", lock );
        abort();
    }
    lock->Ptr = NULL;
}

void WINAPI AcquireSRWLockShared( SRWLOCK *lock )
{
    AcquireSRWLockExclusive( lock );
}

void WINAPI ReleaseSRWLockShared( SRWLOCK *lock )
{
    ReleaseSRWLockExclusive( lock );
}

/* Without SanitizerCoverage's comparison hooks, which would make a jar of
 * thousands of cookies slow to search; AddressSanitizer still checks the reads. */
#define UNTRACED __attribute__((no_sanitize("coverage")))

UNTRACED size_t wine_native_wcslen( const WCHAR *str )
{
    const WCHAR *p = str;

    while (*p) p++;
    return p - str;
}

UNTRACED int wine_native_wcscmp( const WCHAR *a, const WCHAR *b )
{
    while (*a && *a == *b)
    {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

UNTRACED int wine_native_wcsncmp( const WCHAR *a, const WCHAR *b, size_t n )
{
    for (; n; n--, a++, b++) if (!*a || *a != *b) return (int)*a - (int)*b;
    return 0;
}

UNTRACED WCHAR *wine_native_wcschr( const WCHAR *str, WCHAR ch )
{
    for (;; str++)
    {
        if (*str == ch) return (WCHAR *)str;
        if (!*str) return NULL;
    }
}

UNTRACED WCHAR *wine_native_wcsrchr( const WCHAR *str, WCHAR ch )
{
    const WCHAR *last = NULL;

    for (;; str++)
    {
        if (*str == ch) last = str;
        if (!*str) return (WCHAR *)last;
    }
}

UNTRACED WCHAR *wine_native_wcscpy( WCHAR *dst, const WCHAR *src )
{
    WCHAR *p = dst;

    while ((*p++ = *src++)) ;
    return dst;
}

/* TRACE's arguments are always evaluated (channel flags start at 0xff), so the
 * debugstr_wn() reads of the code under test are checked too; the text is only
 * printed when WINHTTP_FUZZ_TRACE is set. */
static int trace_wanted( void )
{
    static int wanted = -1;

    if (wanted < 0) wanted = getenv( "WINHTTP_FUZZ_TRACE" ) != NULL;
    return wanted;
}

unsigned char __cdecl __wine_dbg_get_channel_flags( struct __wine_debug_channel *channel )
{
    return trace_wanted() ? 0xff : 0;
}

const char * __cdecl __wine_dbg_strdup( const char *str )
{
    static char ring[8][1024];
    static unsigned int next;
    char *dst = ring[next++ % 8];

    snprintf( dst, sizeof(ring[0]), "%s", str );
    return dst;
}

int __cdecl __wine_dbg_output( const char *str )
{
    return fputs( str, stderr ) < 0 ? -1 : (int)strlen( str );
}

int __cdecl __wine_dbg_header( enum __wine_debug_class cls, struct __wine_debug_channel *channel,
                               const char *function )
{
    static const char * const classes[] = { "fixme", "err", "warn", "trace" };

    if (!trace_wanted()) return -1;
    return fprintf( stderr, "%s:%s:%s ", (unsigned int)cls < 4 ? classes[cls] : "?",
                    channel->name, function ? function : "" );
}
