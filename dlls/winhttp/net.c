/*
 * TCP connections: name resolution, connecting within the timeouts, and
 * sending and receiving with them. No HTTP here.
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

#include "winsock2.h"
#include "ws2tcpip.h"
#include "windef.h"
#include "winbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

static INIT_ONCE winsock_once = INIT_ONCE_STATIC_INIT;

static BOOL WINAPI init_winsock( INIT_ONCE *once, void *param, void **context )
{
    WSADATA data;
    return !WSAStartup( MAKEWORD(2, 2), &data );
}

/* Timeouts are in milliseconds; 0 and -1 (INFINITE) both mean wait for ever. */
static int wait_socket( SOCKET s, BOOL for_write, int timeout )
{
    fd_set set, except;
    struct timeval tv, *ptv = NULL;
    int ret;

    FD_ZERO( &set );
    FD_SET( s, &set );
    FD_ZERO( &except );
    FD_SET( s, &except );
    if (timeout > 0)
    {
        tv.tv_sec = timeout / 1000;
        tv.tv_usec = (timeout % 1000) * 1000;
        ptv = &tv;
    }
    ret = select( 0, for_write ? NULL : &set, for_write ? &set : NULL, &except, ptv );
    if (ret < 0) return WSAGetLastError();
    if (!ret) return WSAETIMEDOUT;
    return 0;
}

/* Waits for a connection attempt, a slice at a time so that a close of the
 * request (*cancelled) is noticed within a fraction of a second. */
static int wait_connect( SOCKET s, int timeout, const BOOL *cancelled )
{
    ULONGLONG start = GetTickCount64();
    int err;

    for (;;)
    {
        int slice = 200;

        if (timeout > 0)
        {
            ULONGLONG elapsed = GetTickCount64() - start;
            if (elapsed >= (ULONGLONG)timeout) return WSAETIMEDOUT;
            slice = min( slice, timeout - (int)elapsed );
        }
        if ((err = wait_socket( s, TRUE, slice )) != WSAETIMEDOUT) return err;
        if (*cancelled) return WSAECANCELLED;
    }
}

static SOCKET connect_address( const ADDRINFOW *ai, int timeout, const BOOL *cancelled, DWORD *error )
{
    SOCKET s;
    u_long nonblocking = 1;
    int one = 1, err, len = sizeof(err);

    if ((s = socket( ai->ai_family, SOCK_STREAM, IPPROTO_TCP )) == INVALID_SOCKET)
    {
        *error = ERROR_WINHTTP_CANNOT_CONNECT;
        return INVALID_SOCKET;
    }
    /* requests go out in one piece, so Nagle only adds latency */
    setsockopt( s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one) );
    ioctlsocket( s, FIONBIO, &nonblocking );
    if (connect( s, ai->ai_addr, ai->ai_addrlen ) && WSAGetLastError() != WSAEWOULDBLOCK)
    {
        closesocket( s );
        *error = ERROR_WINHTTP_CANNOT_CONNECT;
        return INVALID_SOCKET;
    }
    if ((err = wait_connect( s, timeout, cancelled )) ||
        (getsockopt( s, SOL_SOCKET, SO_ERROR, (char *)&err, &len ), err))
    {
        closesocket( s );
        if (err == WSAETIMEDOUT) *error = ERROR_WINHTTP_TIMEOUT;
        else if (err == WSAECANCELLED) *error = ERROR_WINHTTP_OPERATION_CANCELLED;
        else *error = ERROR_WINHTTP_CANNOT_CONNECT;
        return INVALID_SOCKET;
    }
    nonblocking = 0;
    ioctlsocket( s, FIONBIO, &nonblocking );
    return s;
}

/* The host as resolvers and certificates name it: a [v6 literal] without its brackets. */
WCHAR *unbracketed_host( const WCHAR *host )
{
    WCHAR *name, *end;

    if (!(name = strdupW( host ))) return NULL;
    if (name[0] == '[' && (end = wcschr( name, ']' )))
    {
        *end = 0;
        memmove( name, name + 1, (end - name) * sizeof(WCHAR) );
    }
    return name;
}

/* Resolves host; the list is freed with netconn_free_addresses. */
DWORD netconn_resolve( const WCHAR *host, INTERNET_PORT port, struct addresses **ret )
{
    ADDRINFOW hints = { 0 }, *list;
    WCHAR service[8], *name;
    int err;

    if (!InitOnceExecuteOnce( &winsock_once, init_winsock, NULL, NULL )) return ERROR_WINHTTP_INTERNAL_ERROR;

    if (!(name = unbracketed_host( host ))) return ERROR_OUTOFMEMORY;
    swprintf( service, ARRAY_SIZE(service), L"%u", port );
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    err = GetAddrInfoW( name, service, &hints, &list );
    free( name );
    if (err) return ERROR_WINHTTP_NAME_NOT_RESOLVED;
    *ret = (struct addresses *)list;
    return ERROR_SUCCESS;
}

void netconn_free_addresses( struct addresses *addresses )
{
    if (addresses) FreeAddrInfoW( (ADDRINFOW *)addresses );
}

/* The numeric form of the first address, for the status callbacks. */
void netconn_address_string( const struct addresses *addresses, WCHAR *buffer, DWORD len )
{
    const ADDRINFOW *ai = (const ADDRINFOW *)addresses;

    buffer[0] = 0;
    if (ai) GetNameInfoW( ai->ai_addr, ai->ai_addrlen, buffer, len, NULL, 0, NI_NUMERICHOST );
}

/* Connects to the first address that answers, trying each in turn; *address says which. */
DWORD netconn_connect( const WCHAR *host, INTERNET_PORT port, const struct addresses *addresses, int timeout,
                       const BOOL *cancelled, struct netconn **ret, WCHAR *address, DWORD address_len )
{
    const ADDRINFOW *ai;
    struct netconn *conn;
    DWORD error = ERROR_WINHTTP_CANNOT_CONNECT;
    SOCKET s = INVALID_SOCKET;

    for (ai = (const ADDRINFOW *)addresses; ai && s == INVALID_SOCKET; ai = ai->ai_next)
    {
        if (*cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        s = connect_address( ai, timeout, cancelled, &error );
        if (s != INVALID_SOCKET && address)
            GetNameInfoW( ai->ai_addr, ai->ai_addrlen, address, address_len, NULL, 0, NI_NUMERICHOST );
    }
    if (s == INVALID_SOCKET) return error;

    if (!(conn = calloc( 1, sizeof(*conn) )) || !(conn->host = strdupW( host )))
    {
        free( conn );
        closesocket( s );
        return ERROR_OUTOFMEMORY;
    }
    conn->socket = s;
    conn->port = port;
    conn->send_timeout = conn->recv_timeout = 0;  /* the socket's own default: none */
    *ret = conn;
    return ERROR_SUCCESS;
}

void netconn_close( struct netconn *conn )
{
    if (!conn) return;
    tls_free( conn, TRUE );
    closesocket( conn->socket );
    free( conn->host );
    free( conn );
}

/* SO_SNDTIMEO / SO_RCVTIMEO instead of a select before each call: under Wine every
 * socket call is a trip to the server, so one call per send or receive is the aim. */
static void set_timeout( struct netconn *conn, int option, int *current, int timeout )
{
    DWORD value = timeout > 0 ? timeout : 0;

    if (*current == (int)value) return;
    setsockopt( conn->socket, SOL_SOCKET, option, (const char *)&value, sizeof(value) );
    *current = value;
}

static DWORD socket_error( void )
{
    return WSAGetLastError() == WSAETIMEDOUT ? ERROR_WINHTTP_TIMEOUT : ERROR_WINHTTP_CONNECTION_ERROR;
}

DWORD socket_send( struct netconn *conn, const void *data, size_t len )
{
    const char *p = data;

    while (len)
    {
        int chunk = len > 0x40000000 ? 0x40000000 : (int)len, sent;

        if ((sent = send( conn->socket, p, chunk, 0 )) <= 0) return socket_error();
        p += sent;
        len -= sent;
    }
    return ERROR_SUCCESS;
}

DWORD socket_recv( struct netconn *conn, void *buffer, size_t len, size_t *received )
{
    int ret;

    if (len > 0x40000000) len = 0x40000000;
    if ((ret = recv( conn->socket, buffer, (int)len, 0 )) < 0) return socket_error();
    *received = ret;
    return ERROR_SUCCESS;
}

DWORD netconn_send( struct netconn *conn, const void *data, size_t len, int timeout )
{
    set_timeout( conn, SO_SNDTIMEO, &conn->send_timeout, timeout );
    if (conn->tls) return tls_send( conn, data, len );
    return socket_send( conn, data, len );
}

/* Receives at most len bytes; *received is 0 when the peer closed the connection. */
DWORD netconn_recv( struct netconn *conn, void *buffer, size_t len, int timeout, size_t *received )
{
    set_timeout( conn, SO_RCVTIMEO, &conn->recv_timeout, timeout );
    if (conn->tls) return tls_recv( conn, buffer, len, received );
    return socket_recv( conn, buffer, len, received );
}

/* The TLS handshake, within the send and receive timeouts. */
DWORD netconn_secure( struct netconn *conn, const struct tls_settings *settings, int send_timeout, int recv_timeout,
                      DWORD *failure_flags )
{
    set_timeout( conn, SO_SNDTIMEO, &conn->send_timeout, send_timeout );
    set_timeout( conn, SO_RCVTIMEO, &conn->recv_timeout, recv_timeout );
    return tls_connect( conn, settings, failure_flags );
}

/* Wakes whatever waits on the connection: the request it serves is being closed. */
void netconn_cancel( struct netconn *conn )
{
    shutdown( conn->socket, SD_BOTH );
}

void netconn_addresses( struct netconn *conn, void *local, void *remote )
{
    int len = sizeof(SOCKADDR_STORAGE);

    getsockname( conn->socket, local, &len );
    len = sizeof(SOCKADDR_STORAGE);
    getpeername( conn->socket, remote, &len );
}

/* A pooled connection is reusable only if the server has neither closed it nor sent anything. */
BOOL netconn_is_alive( struct netconn *conn )
{
    return !netconn_readable( conn );
}

/* Whether a receive would return at once: data, or the end of the connection. */
BOOL netconn_readable( struct netconn *conn )
{
    fd_set set;
    struct timeval tv = { 0, 0 };

    if (conn->tls && tls_pending( conn )) return TRUE;
    FD_ZERO( &set );
    FD_SET( conn->socket, &set );
    return select( 0, &set, NULL, NULL, &tv ) != 0;
}
