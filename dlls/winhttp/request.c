/*
 * HTTP requests: WinHttpOpenRequest, request headers, sending, receiving,
 * reading and writing data, credentials and authentication schemes.
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

BOOL WINAPI WinHttpAddRequestHeaders( HINTERNET request, const WCHAR *headers, DWORD len, DWORD flags )
{
    FIXME( "%p, %s, %lu, %#lx: not implemented\n", request, debugstr_wn(headers, len), len, flags );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

DWORD WINAPI WinHttpAddRequestHeadersEx( HINTERNET request, DWORD modifiers, ULONGLONG flags, ULONGLONG extra, DWORD count, WINHTTP_EXTENDED_HEADER *headers )
{
    FIXME( "%p, %#lx, %#I64x, %#I64x, %lu, %p: not implemented\n", request, modifiers, flags, extra, count, headers );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

void WINAPI WinHttpFreeQueryConnectionGroupResult( WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result )
{
    FIXME( "%p: not implemented\n", result );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

HINTERNET WINAPI WinHttpOpenRequest( HINTERNET connect, const WCHAR *verb, const WCHAR *object, const WCHAR *version, const WCHAR *referrer, const WCHAR **types, DWORD flags )
{
    FIXME( "%p, %s, %s, %s, %s, %p, %#lx: not implemented\n", connect, debugstr_w(verb), debugstr_w(object), debugstr_w(version), debugstr_w(referrer), types, flags );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return NULL;
}

BOOL WINAPI WinHttpQueryAuthSchemes( HINTERNET request, DWORD *supported, DWORD *first, DWORD *target )
{
    FIXME( "%p, %p, %p, %p: not implemented\n", request, supported, first, target );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

DWORD WINAPI WinHttpQueryConnectionGroup( HINTERNET handle, const GUID *guid, ULONGLONG flags, WINHTTP_QUERY_CONNECTION_GROUP_RESULT **result )
{
    FIXME( "%p, %p, %#I64x, %p: not implemented\n", handle, guid, flags, result );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpQueryDataAvailable( HINTERNET request, DWORD *available )
{
    FIXME( "%p, %p: not implemented\n", request, available );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpQueryHeaders( HINTERNET request, DWORD level, const WCHAR *name, void *buffer, DWORD *len, DWORD *index )
{
    FIXME( "%p, %#lx, %s, %p, %p, %p: not implemented\n", request, level, debugstr_w(name), buffer, len, index );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

DWORD WINAPI WinHttpQueryHeadersEx( HINTERNET request, DWORD level, ULONGLONG flags, UINT codepage, DWORD *index, WINHTTP_HEADER_NAME *name, void *buffer, DWORD *len, WINHTTP_EXTENDED_HEADER **headers, DWORD *count )
{
    FIXME( "%p, %#lx, %#I64x, %u, %p, %p, %p, %p, %p, %p: not implemented\n", request, level, flags, codepage, index, name, buffer, len, headers, count );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpReadData( HINTERNET request, void *buffer, DWORD to_read, DWORD *read )
{
    FIXME( "%p, %p, %lu, %p: not implemented\n", request, buffer, to_read, read );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

DWORD WINAPI WinHttpReadDataEx( HINTERNET request, void *buffer, DWORD to_read, DWORD *read, ULONGLONG flags, DWORD property_len, void *property )
{
    FIXME( "%p, %p, %lu, %p, %#I64x, %lu, %p: not implemented\n", request, buffer, to_read, read, flags, property_len, property );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpReceiveResponse( HINTERNET request, void *reserved )
{
    FIXME( "%p, %p: not implemented\n", request, reserved );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpSendRequest( HINTERNET request, const WCHAR *headers, DWORD headers_len, void *optional, DWORD optional_len, DWORD total_len, DWORD_PTR context )
{
    FIXME( "%p, %s, %lu, %p, %lu, %lu, %#Ix: not implemented\n", request, debugstr_wn(headers, headers_len), headers_len, optional, optional_len, total_len, context );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpSetCredentials( HINTERNET request, DWORD target, DWORD scheme, const WCHAR *username, const WCHAR *password, void *params )
{
    FIXME( "%p, %lu, %#lx, %s, %p, %p: not implemented\n", request, target, scheme, debugstr_w(username), password, params );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpWriteData( HINTERNET request, const void *buffer, DWORD to_write, DWORD *written )
{
    FIXME( "%p, %p, %lu, %p: not implemented\n", request, buffer, to_write, written );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}
