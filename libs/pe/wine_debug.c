/*
 * Wine's debug channels for the PE build: ntdll's __wine_dbg_* exports are
 * looked up at run time, so WINEDEBUG works under Wine and Windows stays silent.
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

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "windef.h"
#include "winbase.h"
#include "wine/debug.h"

static unsigned char (__cdecl *p_get_channel_flags)( struct __wine_debug_channel * );
static const char * (__cdecl *p_strdup)( const char * );
static int (__cdecl *p_output)( const char * );
static int (__cdecl *p_header)( enum __wine_debug_class, struct __wine_debug_channel *, const char * );
static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;

static BOOL WINAPI resolve_ntdll_debug( INIT_ONCE *once, void *param, void **context )
{
    HMODULE ntdll = GetModuleHandleW( L"ntdll.dll" );
    void *flags, *dup, *output, *header;

    if (!ntdll) return TRUE;
    flags  = (void *)GetProcAddress( ntdll, "__wine_dbg_get_channel_flags" );
    dup    = (void *)GetProcAddress( ntdll, "__wine_dbg_strdup" );
    output = (void *)GetProcAddress( ntdll, "__wine_dbg_output" );
    header = (void *)GetProcAddress( ntdll, "__wine_dbg_header" );
    /* all four or none: a partial set would print half lines */
    if (flags && dup && output && header)
    {
        p_strdup = dup;
        p_output = output;
        p_header = header;
        p_get_channel_flags = flags;
    }
    return TRUE;
}

static void init(void)
{
    InitOnceExecuteOnce( &init_once, resolve_ntdll_debug, NULL, NULL );
}

unsigned char __cdecl __wine_dbg_get_channel_flags( struct __wine_debug_channel *channel )
{
    init();
    if (!p_get_channel_flags) return 0;  /* not under Wine: every channel off */
    return p_get_channel_flags( channel );
}

const char * __cdecl __wine_dbg_strdup( const char *str )
{
    static char ring[4][512];
    static LONG next;
    char *copy;

    init();
    if (p_strdup) return p_strdup( str );
    /* only reached if a debugstr is used outside a debug macro */
    copy = ring[InterlockedIncrement( &next ) & 3];
    lstrcpynA( copy, str, sizeof(ring[0]) );
    return copy;
}

int __cdecl __wine_dbg_output( const char *str )
{
    init();
    return p_output ? p_output( str ) : 0;
}

int __cdecl __wine_dbg_header( enum __wine_debug_class cls, struct __wine_debug_channel *channel,
                               const char *function )
{
    init();
    return p_header ? p_header( cls, channel, function ) : -1;
}
