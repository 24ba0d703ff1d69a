/*
 * Sessions and connections: WinHttpOpen, WinHttpConnect, status callbacks,
 * timeouts and options.
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

#include "windef.h"
#include "winbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

BOOL WINAPI WinHttpCloseHandle( HINTERNET handle )
{
    FIXME( "%p: not implemented\n", handle );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

HINTERNET WINAPI WinHttpConnect( HINTERNET session, const WCHAR *server, INTERNET_PORT port, DWORD reserved )
{
    FIXME( "%p, %s, %u, %#lx: not implemented\n", session, debugstr_w(server), port, reserved );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return NULL;
}

HINTERNET WINAPI WinHttpOpen( const WCHAR *agent, DWORD access, const WCHAR *proxy, const WCHAR *bypass, DWORD flags )
{
    FIXME( "%s, %lu, %s, %s, %#lx: not implemented\n", debugstr_w(agent), access, debugstr_w(proxy), debugstr_w(bypass), flags );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return NULL;
}

BOOL WINAPI WinHttpQueryOption( HINTERNET handle, DWORD option, void *buffer, DWORD *len )
{
    FIXME( "%p, %lu, %p, %p: not implemented\n", handle, option, buffer, len );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpSetOption( HINTERNET handle, DWORD option, void *buffer, DWORD len )
{
    FIXME( "%p, %lu, %p, %lu: not implemented\n", handle, option, buffer, len );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback( HINTERNET handle, WINHTTP_STATUS_CALLBACK callback, DWORD flags, DWORD_PTR reserved )
{
    FIXME( "%p, %p, %#lx, %#Ix: not implemented\n", handle, callback, flags, reserved );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return WINHTTP_INVALID_STATUS_CALLBACK;
}

BOOL WINAPI WinHttpSetTimeouts( HINTERNET handle, int resolve, int connect, int send, int receive )
{
    FIXME( "%p, %d, %d, %d, %d: not implemented\n", handle, resolve, connect, send, receive );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}
