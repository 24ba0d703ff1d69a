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
#include "ntsecapi.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

static void base64_encode( const unsigned char *in, size_t len, char *out )
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < len; i += 3, out += 4)
    {
        out[0] = digits[in[i] >> 2];
        out[1] = digits[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[2] = digits[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[3] = digits[in[i + 2] & 63];
    }
    if (i < len)
    {
        out[0] = digits[in[i] >> 2];
        out[1] = digits[((in[i] & 3) << 4) | (i + 1 < len ? in[i + 1] >> 4 : 0)];
        out[2] = i + 1 < len ? digits[(in[i + 1] & 15) << 2] : '=';
        out[3] = '=';
        out += 4;
    }
    *out = 0;
}

size_t websocket_upgrade_headers( struct request *request, WCHAR *buffer, size_t size )
{
    unsigned char nonce[16];

    /* a fresh random key for every attempt (RFC 6455 4.1) */
    RtlGenRandom( nonce, sizeof(nonce) );
    base64_encode( nonce, sizeof(nonce), request->websocket_key );
    return swprintf( buffer, size, L"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     L"Sec-WebSocket-Key: %hs\r\nSec-WebSocket-Version: 13\r\n", request->websocket_key );
}

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
