/*
 * WinHttpSetOption and WinHttpQueryOption: argument checks, the options every
 * handle type shares, and the helpers the per-type handlers use for buffers.
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

/* Options that exist in Windows' winhttp.h: the rest get ERROR_WINHTTP_INVALID_OPTION,
 * these ERROR_WINHTTP_INCORRECT_HANDLE_TYPE on a handle that does not take them. */
BOOL is_known_option( DWORD option )
{
    if (option >= WINHTTP_OPTION_USERNAME && option <= WINHTTP_OPTION_PROXY_PASSWORD) return TRUE;
    return option >= WINHTTP_FIRST_OPTION && option <= WINHTTP_OPTION_FAST_FORWARDING_RESPONSE_STATUS;
}

static DWORD get_option_buffer( const void *value, DWORD size, void *buffer, DWORD *len )
{
    if (!buffer || *len < size)
    {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy( buffer, value, size );
    *len = size;
    return ERROR_SUCCESS;
}

DWORD get_dword_option( DWORD value, void *buffer, DWORD *len )
{
    return get_option_buffer( &value, sizeof(value), buffer, len );
}

DWORD get_pointer_option( void *value, void *buffer, DWORD *len )
{
    return get_option_buffer( &value, sizeof(value), buffer, len );
}

/* Strings are returned with their terminator; the length reported on success leaves it out. */
DWORD get_string_option( const WCHAR *value, void *buffer, DWORD *len )
{
    DWORD size;

    if (!value) value = L"";
    size = (wcslen( value ) + 1) * sizeof(WCHAR);
    if (!buffer || *len < size)
    {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy( buffer, value, size );
    *len = size - sizeof(WCHAR);
    return ERROR_SUCCESS;
}

DWORD read_dword_option( const void *buffer, DWORD len, DWORD *value )
{
    if (len != sizeof(DWORD)) return ERROR_INSUFFICIENT_BUFFER;
    memcpy( value, buffer, sizeof(DWORD) );
    return ERROR_SUCCESS;
}

/* A string option's buffer holds len characters, not necessarily terminated. */
DWORD copy_string_option( const void *buffer, DWORD len, WCHAR **value )
{
    WCHAR *str;

    if (!(str = malloc( (len + 1) * sizeof(WCHAR) ))) return ERROR_OUTOFMEMORY;
    memcpy( str, buffer, len * sizeof(WCHAR) );
    str[len] = 0;
    free( *value );
    *value = str;
    return ERROR_SUCCESS;
}

/* Options that every handle type answers the same way. */
static DWORD query_common_option( struct object_header *obj, DWORD option, void *buffer, DWORD *len )
{
    switch (option)
    {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        return get_option_buffer( &obj->context, sizeof(obj->context), buffer, len );
    case WINHTTP_OPTION_HANDLE_TYPE:
        return get_dword_option( obj->type, buffer, len );
    case WINHTTP_OPTION_PARENT_HANDLE:
        return get_pointer_option( obj->parent ? obj->parent->handle : NULL, buffer, len );
    case WINHTTP_OPTION_CALLBACK:
    {
        WINHTTP_STATUS_CALLBACK callback;
        AcquireSRWLockShared( &obj->callback_lock );
        callback = obj->callback;
        ReleaseSRWLockShared( &obj->callback_lock );
        return get_option_buffer( &callback, sizeof(callback), buffer, len );
    }
    }
    return OPTION_NOT_HANDLED;
}

static DWORD set_common_option( struct object_header *obj, DWORD option, void *buffer, DWORD len )
{
    switch (option)
    {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        if (len != sizeof(DWORD_PTR)) return ERROR_INSUFFICIENT_BUFFER;
        memcpy( &obj->context, buffer, sizeof(DWORD_PTR) );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_HANDLE_TYPE:
    case WINHTTP_OPTION_PARENT_HANDLE:
    case WINHTTP_OPTION_CALLBACK:
        return ERROR_WINHTTP_OPTION_NOT_SETTABLE;
    }
    return OPTION_NOT_HANDLED;
}

BOOL WINAPI WinHttpQueryOption( HINTERNET handle, DWORD option, void *buffer, DWORD *len )
{
    struct object_header *obj;
    DWORD error;

    TRACE( "%p, %lu, %p, %p\n", handle, option, buffer, len );

    if (!(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    if (!len) error = ERROR_INVALID_PARAMETER;
    else
    {
        AcquireSRWLockShared( &obj->lock );
        if ((error = query_common_option( obj, option, buffer, len )) == OPTION_NOT_HANDLED)
            error = obj->vtbl->query_option( obj, option, buffer, len );
        ReleaseSRWLockShared( &obj->lock );
        if (error == OPTION_NOT_HANDLED)
            error = is_known_option( option ) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_WINHTTP_INVALID_OPTION;
    }
    release_object( obj );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpSetOption( HINTERNET handle, DWORD option, void *buffer, DWORD len )
{
    struct object_header *obj;
    DWORD error;

    TRACE( "%p, %lu, %p, %lu\n", handle, option, buffer, len );

    if (!(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    if (!buffer && len) error = ERROR_INVALID_PARAMETER;
    else
    {
        AcquireSRWLockExclusive( &obj->lock );
        if ((error = set_common_option( obj, option, buffer, len )) == OPTION_NOT_HANDLED)
            error = obj->vtbl->set_option( obj, option, buffer, len );
        ReleaseSRWLockExclusive( &obj->lock );
        if (error == OPTION_NOT_HANDLED)
            error = is_known_option( option ) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_WINHTTP_INVALID_OPTION;
    }
    release_object( obj );
    SetLastError( error );
    return !error;
}
