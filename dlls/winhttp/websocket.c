/*
 * WebSocket (RFC 6455) client: WinHttpWebSocketCompleteUpgrade, Send, Receive,
 * Shutdown, Close and QueryCloseStatus.
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

DWORD WINAPI WinHttpWebSocketClose( HINTERNET socket, USHORT status, void *reason, DWORD len )
{
    FIXME( "%p, %u, %p, %lu: not implemented\n", socket, status, reason, len );
    if (!is_open_handle( socket )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade( HINTERNET handle, DWORD_PTR context )
{
    struct object_header *obj;
    struct request *request;
    DWORD error;

    TRACE( "%p, %#Ix\n", handle, context );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return NULL;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    /* only a request that asked for the upgrade and got its 101 can become a WebSocket */
    if (!request->upgrade_to_websocket || request->state != REQUEST_RESPONSE || request->status_code != 101)
        error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else
    {
        FIXME( "WebSocket connections are not implemented yet\n" );
        error = ERROR_CALL_NOT_IMPLEMENTED;
    }
    release_object( obj );
    SetLastError( error );
    return NULL;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus( HINTERNET socket, USHORT *status, void *reason, DWORD len, DWORD *ret_len )
{
    FIXME( "%p, %p, %p, %lu, %p: not implemented\n", socket, status, reason, len, ret_len );
    if (!is_open_handle( socket )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpWebSocketReceive( HINTERNET socket, void *buf, DWORD len, DWORD *ret_len, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    FIXME( "%p, %p, %lu, %p, %p: not implemented\n", socket, buf, len, ret_len, type );
    if (!is_open_handle( socket )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpWebSocketSend( HINTERNET socket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len )
{
    FIXME( "%p, %d, %p, %lu: not implemented\n", socket, type, buf, len );
    if (!is_open_handle( socket )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpWebSocketShutdown( HINTERNET socket, USHORT status, void *reason, DWORD len )
{
    FIXME( "%p, %u, %p, %lu: not implemented\n", socket, status, reason, len );
    if (!is_open_handle( socket )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}
