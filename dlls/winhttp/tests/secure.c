/*
 * Conformance tests for HTTPS that need no certificate: the security options
 * before a connection, and a handshake that fails, stalls or is cancelled
 * against servers of this process that do not speak TLS. Certificates, TLS
 * versions and client certificates are tested against a real TLS server in
 * tests/system/https.sh.
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

/*
 * Where each expectation about Windows comes from:
 *   [doc]     Microsoft's documentation of the option or error;
 *   [report]  Windows' behaviour as reported by WinHTTP's users (querying
 *             WINHTTP_OPTION_SERVER_CERT_CONTEXT during CONNECTED_TO_SERVER
 *             gives ERROR_WINHTTP_INCORRECT_HANDLE_STATE; it works from
 *             SENDING_REQUEST on);
 *   [unsure]  not recorded anywhere we found: the check accepts every
 *             reasonable answer and fails only on clearly wrong ones.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <windef.h>
#include <winbase.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <wincrypt.h>
#include <winhttp.h>

#include "wine/test.h"

/* What a server thread of this test does with each connection. */
enum server_mode
{
    SERVER_PLAIN_HTTP,  /* answers the ClientHello with a plain HTTP response */
    SERVER_HANG_UP,     /* closes the connection at once */
    SERVER_SILENT,      /* reads and says nothing until the client goes */
};

struct server
{
    SOCKET listener;
    HANDLE thread;
    enum server_mode mode;
    INTERNET_PORT port;
    LONG connections;
};

static DWORD CALLBACK server_thread( void *arg )
{
    static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    struct server *server = arg;
    char buffer[4096];
    SOCKET s;

    /* ends when the listener is closed */
    while ((s = accept( server->listener, NULL, NULL )) != INVALID_SOCKET)
    {
        InterlockedIncrement( &server->connections );
        switch (server->mode)
        {
        case SERVER_PLAIN_HTTP:
            recv( s, buffer, sizeof(buffer), 0 );
            send( s, answer, sizeof(answer) - 1, 0 );
            break;
        case SERVER_HANG_UP:
            break;
        case SERVER_SILENT:
        {
            DWORD timeout = 10000;  /* never longer than this, whatever the client does */
            setsockopt( s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout) );
            while (recv( s, buffer, sizeof(buffer), 0 ) > 0) {}
            break;
        }
        }
        closesocket( s );
    }
    return 0;
}

static BOOL server_start( struct server *server, enum server_mode mode )
{
    struct sockaddr_in addr = { AF_INET };
    int len = sizeof(addr);

    memset( server, 0, sizeof(*server) );
    server->mode = mode;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if ((server->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP )) == INVALID_SOCKET) return FALSE;
    if (bind( server->listener, (struct sockaddr *)&addr, sizeof(addr) ) || listen( server->listener, 16 ) ||
        getsockname( server->listener, (struct sockaddr *)&addr, &len ))
    {
        closesocket( server->listener );
        return FALSE;
    }
    server->port = ntohs( addr.sin_port );
    server->thread = CreateThread( NULL, 0, server_thread, server, 0, NULL );
    return server->thread != NULL;
}

static void server_stop( struct server *server )
{
    closesocket( server->listener );
    ok( WaitForSingleObject( server->thread, 15000 ) == WAIT_OBJECT_0, "server thread did not end\n" );
    CloseHandle( server->thread );
}

static HINTERNET open_request( HINTERNET session, INTERNET_PORT port, DWORD flags, HINTERNET *connect )
{
    *connect = WinHttpConnect( session, L"127.0.0.1", port, 0 );
    ok( *connect != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    return WinHttpOpenRequest( *connect, L"GET", L"/", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, flags );
}

/* The options that describe a secure connection fail until there is one. [report] */
static void test_security_options_before_connection(void)
{
    static const DWORD options[] =
    {
        WINHTTP_OPTION_SERVER_CERT_CONTEXT, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT,
        WINHTTP_OPTION_SECURITY_KEY_BITNESS, WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT,
    };
    HINTERNET session, connect, request;
    BYTE buffer[256];
    DWORD flags, size, i;
    BOOL ret;

    session = WinHttpOpen( L"winetest", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( session != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    request = open_request( session, 443, WINHTTP_FLAG_SECURE, &connect );
    ok( request != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );

    for (i = 0; i < ARRAY_SIZE(options); i++)
    {
        winetest_push_context( "option %lu", options[i] );
        size = sizeof(buffer);
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryOption( request, options[i], buffer, &size );
        ok( !ret, "query succeeded\n" );
        ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "got error %lu\n", GetLastError() );
        winetest_pop_context();
    }

    /* the ignore flags go in and come back; SECURITY_FLAG_SECURE is not set yet [doc] */
    flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
    ret = WinHttpSetOption( request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags) );
    ok( ret, "set SECURITY_FLAGS failed: %lu\n", GetLastError() );
    flags = 0;
    size = sizeof(flags);
    ret = WinHttpQueryOption( request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, &size );
    ok( ret, "query SECURITY_FLAGS failed: %lu\n", GetLastError() );
    ok( (flags & (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID)) ==
        (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID), "got flags %#lx\n", flags );
    ok( !(flags & SECURITY_FLAG_SECURE), "secure before any connection: %#lx\n", flags );

    /* a client certificate: WINHTTP_NO_CLIENT_CERT_CONTEXT is NULL with length 0 [doc] */
    ret = WinHttpSetOption( request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0 );
    ok( ret, "WINHTTP_NO_CLIENT_CERT_CONTEXT refused: %lu\n", GetLastError() );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, buffer, 3 );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "a 3-byte certificate: %d, %lu\n", ret,
        GetLastError() );

    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
}

static DWORD secure_failure_flags;
static LONG secure_failures;

static void CALLBACK status_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    if (status == WINHTTP_CALLBACK_STATUS_SECURE_FAILURE)
    {
        ok( len == sizeof(DWORD), "SECURE_FAILURE with %lu bytes\n", len );
        secure_failure_flags = *(DWORD *)info;
        InterlockedIncrement( &secure_failures );
    }
}

/* A sound TCP connection whose server does not speak TLS, or hangs up. */
static void test_handshake_failures(void)
{
    HINTERNET session, connect, request;
    struct server server;
    DWORD error;
    BOOL ret;

    session = WinHttpOpen( L"winetest", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( session != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    WinHttpSetStatusCallback( session, status_callback, WINHTTP_CALLBACK_FLAG_SECURE_FAILURE, 0 );

    /* plain HTTP where the ServerHello should be: a secure channel error */
    if (!server_start( &server, SERVER_PLAIN_HTTP ))
    {
        skip( "no server\n" );
        WinHttpCloseHandle( session );
        return;
    }
    request = open_request( session, server.port, WINHTTP_FLAG_SECURE, &connect );
    secure_failures = 0;
    secure_failure_flags = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( request, NULL, 0, NULL, 0, 0, 0 );
    error = GetLastError();
    ok( !ret, "a server without TLS was accepted\n" );
    /* [unsure] Schannel's SEC_E_ILLEGAL_MESSAGE; seen as 12175 with the channel-error flag */
    ok( error == ERROR_WINHTTP_SECURE_FAILURE || error == ERROR_WINHTTP_CONNECTION_ERROR, "got error %lu\n", error );
    if (error == ERROR_WINHTTP_SECURE_FAILURE)
    {
        ok( secure_failures == 1, "got %ld SECURE_FAILURE notifications\n", secure_failures );
        ok( secure_failure_flags & WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR, "got flags %#lx\n",
            secure_failure_flags );
    }
    ok( server.connections == 1, "%ld connections\n", server.connections );
    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    server_stop( &server );

    /* a server that closes at once: the connection failed, not the certificate */
    ok( server_start( &server, SERVER_HANG_UP ), "no server\n" );
    request = open_request( session, server.port, WINHTTP_FLAG_SECURE, &connect );
    secure_failures = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( request, NULL, 0, NULL, 0, 0, 0 );
    error = GetLastError();
    ok( !ret, "a closed connection was accepted\n" );
    ok( error == ERROR_WINHTTP_CONNECTION_ERROR || error == ERROR_WINHTTP_SECURE_FAILURE, "got error %lu\n", error );
    ok( !secure_failures || error == ERROR_WINHTTP_SECURE_FAILURE, "SECURE_FAILURE for a connection error\n" );
    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    server_stop( &server );
    WinHttpCloseHandle( session );
}

/* A server that never answers the ClientHello: the receive timeout ends the handshake. */
static void test_handshake_timeout(void)
{
    HINTERNET session, connect, request;
    struct server server;
    DWORD error, start, elapsed;
    BOOL ret;

    if (!server_start( &server, SERVER_SILENT ))
    {
        skip( "no server\n" );
        return;
    }
    session = WinHttpOpen( L"winetest", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    request = open_request( session, server.port, WINHTTP_FLAG_SECURE, &connect );
    ret = WinHttpSetTimeouts( request, 0, 2000, 2000, 500 );
    ok( ret, "WinHttpSetTimeouts failed: %lu\n", GetLastError() );
    start = GetTickCount();
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( request, NULL, 0, NULL, 0, 0, 0 );
    error = GetLastError();
    elapsed = GetTickCount() - start;
    ok( !ret, "the handshake succeeded\n" );
    ok( error == ERROR_WINHTTP_TIMEOUT, "got error %lu\n", error );
    ok( elapsed >= 400 && elapsed < 8000, "gave up after %lu ms\n", elapsed );
    WinHttpCloseHandle( request );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    server_stop( &server );
}

struct async_state
{
    HANDLE done;            /* REQUEST_ERROR or SENDREQUEST_COMPLETE */
    HANDLE closing;         /* HANDLE_CLOSING of the request */
    DWORD result;           /* the error, or 0 for a completed send */
    DWORD_PTR api;
    LONG after_closing;     /* notifications after HANDLE_CLOSING: never */
    BOOL closed;
};

static void CALLBACK async_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    struct async_state *state = (struct async_state *)context;

    if (!state) return;
    if (state->closed) InterlockedIncrement( &state->after_closing );
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
    {
        WINHTTP_ASYNC_RESULT *result = info;
        state->result = result->dwError;
        state->api = result->dwResult;
        SetEvent( state->done );
        break;
    }
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        state->result = 0;
        SetEvent( state->done );
        break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        state->closed = TRUE;
        SetEvent( state->closing );
        break;
    }
}

/* Closing the request in the middle of an asynchronous handshake cancels it. */
static void test_handshake_cancel(void)
{
    struct async_state state = { 0 };
    HINTERNET session, connect, request;
    struct server server;
    DWORD wait;
    BOOL ret;

    if (!server_start( &server, SERVER_SILENT ))
    {
        skip( "no server\n" );
        return;
    }
    state.done = CreateEventW( NULL, TRUE, FALSE, NULL );
    state.closing = CreateEventW( NULL, TRUE, FALSE, NULL );
    session = WinHttpOpen( L"winetest", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_ASYNC );
    ok( session != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    request = open_request( session, server.port, WINHTTP_FLAG_SECURE, &connect );
    WinHttpSetStatusCallback( request, async_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 );
    ret = WinHttpSendRequest( request, NULL, 0, NULL, 0, 0, (DWORD_PTR)&state );
    ok( ret, "WinHttpSendRequest failed: %lu\n", GetLastError() );

    /* the server has the ClientHello and says nothing: the handshake waits */
    ok( WaitForSingleObject( state.done, 500 ) == WAIT_TIMEOUT, "the handshake ended: %lu\n", state.result );
    ret = WinHttpCloseHandle( request );
    ok( ret, "WinHttpCloseHandle failed: %lu\n", GetLastError() );
    wait = WaitForSingleObject( state.closing, 5000 );
    ok( wait == WAIT_OBJECT_0, "no HANDLE_CLOSING\n" );
    /* cancelled, or completed if the close came too late: never silent [doc] */
    if (WaitForSingleObject( state.done, 0 ) == WAIT_OBJECT_0)
    {
        ok( state.result == ERROR_WINHTTP_OPERATION_CANCELLED, "got error %lu\n", state.result );
        ok( state.api == API_SEND_REQUEST, "got api %Iu\n", state.api );
    }
    Sleep( 100 );
    ok( !state.after_closing, "%ld notifications after HANDLE_CLOSING\n", state.after_closing );

    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    server_stop( &server );
    CloseHandle( state.done );
    CloseHandle( state.closing );
}

START_TEST(secure)
{
    WSADATA data;

    WSAStartup( MAKEWORD(2, 2), &data );
    test_security_options_before_connection();
    test_handshake_failures();
    test_handshake_timeout();
    test_handshake_cancel();
    WSACleanup();
}
