/*
 * Stand-ins for the Win32 and Wine debug calls that url.c and time.c make,
 * so that a fuzz target can run them natively on Linux, unmodified.
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
