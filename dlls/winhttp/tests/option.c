/*
 * Conformance tests for WinHttpSetOption, WinHttpQueryOption and WinHttpSetTimeouts,
 * and for the argument checks of WinHttpOpen, WinHttpConnect and WinHttpOpenRequest.
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
 * Where the expectations come from: Microsoft's "Option flags" page and the
 * function reference pages, and the checks of Wine's own winhttp tests, which
 * pass on Windows.  Checks marked "not verified on Windows" follow the
 * documentation or the pattern of the verified ones but have not been seen on
 * a real Windows yet; run this program on Windows to confirm them.
 *
 * Nothing here needs the network: every handle points at localhost and no
 * request is ever sent.
 */

#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winsock2.h"
#include "mstcpip.h"
#include "winhttp.h"

#include "wine/test.h"

/* WINHTTP_CREDS_EX, which the toolchain's header lacks */
struct test_creds_ex
{
    char *username;
    char *password;
    char *realm;
    DWORD scheme;
    char *hostname;
    DWORD port;
    char *url;
};

static const WCHAR agentW[] = L"winetest option";

/* readable form of a wide string, for messages (main thread only) */
static const char *dbgw( const WCHAR *str )
{
    static char buffers[4][256];
    static int index;
    char *buf = buffers[index++ % 4], *p = buf;
    int i;

    if (!str) return "(null)";
    *p++ = '"';
    for (i = 0; str[i] && p < buf + sizeof(buffers[0]) - 12; i++)
    {
        if (str[i] >= 0x20 && str[i] < 0x7f) *p++ = (char)str[i];
        else p += sprintf( p, "\\x%04x", str[i] );
    }
    if (str[i]) p += sprintf( p, "..." );
    *p++ = '"';
    *p = 0;
    return buf;
}

struct handles
{
    HINTERNET ses, con, req;
};

static BOOL open_handles_( int line, struct handles *h, const WCHAR *server, INTERNET_PORT port,
                           const WCHAR *object, DWORD req_flags )
{
    h->con = h->req = NULL;
    h->ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok_( __FILE__, line )( h->ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!h->ses) return FALSE;
    h->con = WinHttpConnect( h->ses, server, port, 0 );
    ok_( __FILE__, line )( h->con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    if (!h->con) return FALSE;
    h->req = WinHttpOpenRequest( h->con, NULL, object, NULL, NULL, NULL, req_flags );
    ok_( __FILE__, line )( h->req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    return h->req != NULL;
}
#define open_handles(a,b) open_handles_( __LINE__, a, L"localhost", 80, L"/", b )

static void close_handles( struct handles *h )
{
    if (h->req) WinHttpCloseHandle( h->req );
    if (h->con) WinHttpCloseHandle( h->con );
    if (h->ses) WinHttpCloseHandle( h->ses );
    h->ses = h->con = h->req = NULL;
}

/* A DWORD query that succeeds: value, size and last error. */
static void check_dword_( int line, HINTERNET handle, DWORD option, DWORD expect )
{
    DWORD value = 0xdeadbeef, size = sizeof(value);
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, &value, &size );
    ok_( __FILE__, line )( ret, "option %lu: query failed: %lu\n", option, GetLastError() );
    if (!ret) return;
    ok_( __FILE__, line )( GetLastError() == ERROR_SUCCESS, "option %lu: last error %lu\n", option, GetLastError() );
    ok_( __FILE__, line )( value == expect, "option %lu: got %lu (%#lx), expected %lu (%#lx)\n",
                           option, value, value, expect, expect );
    ok_( __FILE__, line )( size == sizeof(DWORD), "option %lu: got size %lu\n", option, size );
}
#define check_dword(a,b,c) check_dword_( __LINE__, a, b, c )

/* A DWORD value that is set successfully. */
static void set_dword_( int line, HINTERNET handle, DWORD option, DWORD value )
{
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( handle, option, &value, sizeof(value) );
    ok_( __FILE__, line )( ret, "option %lu: set %#lx failed: %lu\n", option, value, GetLastError() );
    if (ret) ok_( __FILE__, line )( GetLastError() == ERROR_SUCCESS, "option %lu: last error %lu\n",
                                    option, GetLastError() );
}
#define set_dword(a,b,c) set_dword_( __LINE__, a, b, c )

/* A set that fails with the given error. */
static void set_fails_( int line, HINTERNET handle, DWORD option, void *buffer, DWORD len, DWORD error )
{
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( handle, option, buffer, len );
    ok_( __FILE__, line )( !ret, "option %lu: set succeeded\n", option );
    ok_( __FILE__, line )( GetLastError() == error, "option %lu: got error %lu, expected %lu\n",
                           option, GetLastError(), error );
}
#define set_fails(a,b,c,d,e) set_fails_( __LINE__, a, b, c, d, e )

static void set_dword_fails_( int line, HINTERNET handle, DWORD option, DWORD value, DWORD error )
{
    set_fails_( line, handle, option, &value, sizeof(value), error );
}
#define set_dword_fails(a,b,c,d) set_dword_fails_( __LINE__, a, b, c, d )

/* A query (with a buffer of `len` bytes) that fails with the given error and leaves the buffer alone. */
static void query_fails_( int line, HINTERNET handle, DWORD option, DWORD len, DWORD error )
{
    BYTE buffer[64];
    DWORD size = len;
    BOOL ret;

    memset( buffer, 0xcc, sizeof(buffer) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, buffer, &size );
    ok_( __FILE__, line )( !ret, "option %lu: query succeeded\n", option );
    ok_( __FILE__, line )( GetLastError() == error, "option %lu: got error %lu, expected %lu\n",
                           option, GetLastError(), error );
    ok_( __FILE__, line )( buffer[0] == 0xcc, "option %lu: buffer changed\n", option );
}
#define query_fails(a,b,c,d) query_fails_( __LINE__, a, b, c, d )

/* A string query that succeeds: the size in bytes without the terminator. */
static void check_string_( int line, HINTERNET handle, DWORD option, const WCHAR *expect )
{
    WCHAR buffer[256];
    DWORD size = sizeof(buffer);
    BOOL ret;

    memset( buffer, 0xcc, sizeof(buffer) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, buffer, &size );
    ok_( __FILE__, line )( ret, "option %lu: query failed: %lu\n", option, GetLastError() );
    if (!ret) return;
    ok_( __FILE__, line )( !wcscmp( buffer, expect ), "option %lu: got %s, expected %s\n",
                           option, dbgw( buffer ), dbgw( expect ) );
    ok_( __FILE__, line )( size == wcslen( expect ) * sizeof(WCHAR), "option %lu: got size %lu, expected %Iu\n",
                           option, size, wcslen( expect ) * sizeof(WCHAR) );
}
#define check_string(a,b,c) check_string_( __LINE__, a, b, c )

/* Asking for the size of a string option: the size includes the terminator. */
static void check_string_size_( int line, HINTERNET handle, DWORD option, const WCHAR *expect )
{
    WCHAR buffer[2];
    DWORD size;
    BOOL ret;

    size = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, NULL, &size );
    ok_( __FILE__, line )( !ret, "option %lu: query without a buffer succeeded\n", option );
    ok_( __FILE__, line )( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "option %lu: got error %lu\n",
                           option, GetLastError() );
    ok_( __FILE__, line )( size == (wcslen( expect ) + 1) * sizeof(WCHAR), "option %lu: got size %lu, expected %Iu\n",
                           option, size, (wcslen( expect ) + 1) * sizeof(WCHAR) );

    if (!expect[0]) return;
    size = sizeof(WCHAR);
    buffer[0] = 0xcccc;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, buffer, &size );
    ok_( __FILE__, line )( !ret, "option %lu: query with a short buffer succeeded\n", option );
    ok_( __FILE__, line )( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "option %lu: got error %lu\n",
                           option, GetLastError() );
    ok_( __FILE__, line )( size == (wcslen( expect ) + 1) * sizeof(WCHAR), "option %lu: got size %lu\n", option, size );
}
#define check_string_size(a,b,c) check_string_size_( __LINE__, a, b, c )

static HINTERNET query_handle_( int line, HINTERNET handle, DWORD option )
{
    HINTERNET value = (HINTERNET)0xdeadbeef;
    DWORD size = sizeof(value);
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, option, &value, &size );
    ok_( __FILE__, line )( ret, "option %lu: query failed: %lu\n", option, GetLastError() );
    ok_( __FILE__, line )( size == sizeof(value), "option %lu: got size %lu\n", option, size );
    return value;
}
#define query_handle(a,b) query_handle_( __LINE__, a, b )

/*
 * Unknown options, and the buffer rules every query and set follows.
 */
static void test_invalid_options(void)
{
    static const DWORD options[] = { 0, 9999, 0x1004, 0xffffffff };
    struct handles h;
    HINTERNET handles[3];
    BYTE buffer[16];
    unsigned int i, j;

    if (!open_handles( &h, 0 )) goto done;
    handles[0] = h.ses;
    handles[1] = h.con;
    handles[2] = h.req;

    for (i = 0; i < ARRAY_SIZE(handles); i++)
    {
        for (j = 0; j < ARRAY_SIZE(options); j++)
        {
            winetest_push_context( "handle %u option %lu", i, options[j] );
            /* an option nobody knows cannot be set... */
            memset( buffer, 0, sizeof(buffer) );
            set_fails( handles[i], options[j], buffer, sizeof(DWORD), ERROR_WINHTTP_INVALID_OPTION );
            /* ...and queries of it fail with ERROR_INVALID_PARAMETER, as the QueryOption page says */
            query_fails( handles[i], options[j], sizeof(DWORD), ERROR_INVALID_PARAMETER );
            winetest_pop_context();
        }
    }
done:
    close_handles( &h );
}

static void test_buffer_rules(void)
{
    HINTERNET ses;
    DWORD value, size;
    DWORD_PTR context;
    BOOL ret;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;

    /* no size pointer at all */
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, NULL );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );

    value = 0xdeadbeef;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, NULL );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );
    ok( value == 0xdeadbeef, "got %#lx\n", value );

    /* no buffer: the size needed comes back, whatever the size said */
    size = 0xdeadbeef;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got %lu\n", size );

    size = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_CONTEXT_VALUE, NULL, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD_PTR), "got %lu\n", size );

    /* a buffer one byte short */
    value = 0xdeadbeef;
    size = sizeof(value) - 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_REDIRECT_POLICY, &value, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got %lu\n", size );
    ok( value == 0xdeadbeef, "buffer changed: %#lx\n", value );

    context = 0xdeadbeef;
    size = sizeof(context) - 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD_PTR), "got %lu\n", size );

    /* a buffer too big: fine, and the size is corrected */
    value = 0xdeadbeef;
    size = sizeof(value) + 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_REDIRECT_POLICY, &value, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got %lu\n", size );
    ok( value == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP, "got %lu\n", value );

    value = 0xdeadbeef;
    size = 0xdeadbeef;
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_WORKER_THREAD_COUNT, &value, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got %lu\n", size );

    /* set: a NULL buffer with a size, or a size that is not the option's */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_REDIRECT_POLICY, NULL, sizeof(DWORD) );
    ok( !ret, "set succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );

    value = WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS;
    set_fails( ses, WINHTTP_OPTION_REDIRECT_POLICY, &value, sizeof(value) - 1, ERROR_INSUFFICIENT_BUFFER );
    set_fails( ses, WINHTTP_OPTION_REDIRECT_POLICY, &value, sizeof(value) + 1, ERROR_INSUFFICIENT_BUFFER );
    set_fails( ses, WINHTTP_OPTION_REDIRECT_POLICY, &value, 0, ERROR_INSUFFICIENT_BUFFER );
    /* none of the failures changed anything */
    check_dword( ses, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP );

    /* not verified on Windows: CONTEXT_VALUE follows REDIRECT_POLICY's size rule */
    context = 1;
    set_fails( ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) - 1, ERROR_INSUFFICIENT_BUFFER );
    set_fails( ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) + 1, ERROR_INSUFFICIENT_BUFFER );

    WinHttpCloseHandle( ses );

    /* a closed handle */
    value = 0xdeadbeef;
    size = sizeof(value);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, &size );
    ok( !ret, "query on a closed handle succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_HANDLE, "got %lu\n", GetLastError() );
    ok( value == 0xdeadbeef, "got %#lx\n", value );
    set_dword_fails( ses, WINHTTP_OPTION_CONNECT_TIMEOUT, 1000, ERROR_INVALID_HANDLE );
}

/*
 * HANDLE_TYPE, PARENT_HANDLE, CONTEXT_VALUE, CALLBACK: on every handle.
 */
static void CALLBACK dummy_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
}

static void test_handle_options(void)
{
    struct handles h;
    HINTERNET handle, con2, req2;
    WINHTTP_STATUS_CALLBACK callback;
    DWORD_PTR context;
    DWORD value, size;
    BOOL ret;

    if (!open_handles( &h, 0 )) goto done;

    check_dword( h.ses, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_SESSION );
    check_dword( h.con, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_CONNECT );
    check_dword( h.req, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_REQUEST );

    size = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_HANDLE_TYPE, NULL, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got %lu\n", size );

    handle = query_handle( h.req, WINHTTP_OPTION_PARENT_HANDLE );
    ok( handle == h.con, "request's parent %p, connection %p\n", handle, h.con );
    handle = query_handle( h.con, WINHTTP_OPTION_PARENT_HANDLE );
    ok( handle == h.ses, "connection's parent %p, session %p\n", handle, h.ses );

    size = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_PARENT_HANDLE, NULL, &size );
    ok( !ret, "query succeeded\n" );
    ok( GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", GetLastError() );
    ok( size == sizeof(HINTERNET), "got %lu\n", size );

    /* not verified on Windows: read-only options cannot be set */
    value = WINHTTP_HANDLE_TYPE_REQUEST;
    set_fails( h.ses, WINHTTP_OPTION_HANDLE_TYPE, &value, sizeof(value), ERROR_WINHTTP_OPTION_NOT_SETTABLE );
    set_fails( h.req, WINHTTP_OPTION_HANDLE_TYPE, &value, sizeof(value), ERROR_WINHTTP_OPTION_NOT_SETTABLE );
    handle = h.ses;
    set_fails( h.req, WINHTTP_OPTION_PARENT_HANDLE, &handle, sizeof(handle), ERROR_WINHTTP_OPTION_NOT_SETTABLE );
    check_dword( h.ses, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_SESSION );

    /* CONTEXT_VALUE: zero by default, on every handle */
    context = 0xdeadbeef;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( !context, "got %#Ix\n", context );
    ok( size == sizeof(DWORD_PTR), "got %lu\n", size );

    context = 0xdeadbeef;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.con, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( !context, "got %#Ix\n", context );

    context = 0xdeadbeef;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( !context, "got %#Ix\n", context );

    /* set on each handle, independently */
    context = 0x1111;
    ret = WinHttpSetOption( h.ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    context = 0x2222;
    ret = WinHttpSetOption( h.con, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    context = (DWORD_PTR)~0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( h.req, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "got %lu\n", GetLastError() );

    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == 0x1111, "got %d %#Ix\n", ret, context );
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.con, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == 0x2222, "got %d %#Ix\n", ret, context );
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == (DWORD_PTR)~0, "got %d %#Ix\n", ret, context );

    /* a child takes its parent's context at creation (Windows' notification tests rely on it) */
    con2 = WinHttpConnect( h.ses, L"localhost", 80, 0 );
    ok( con2 != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( con2, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == 0x1111, "new connection's context: %d %#Ix\n", ret, context );
    req2 = WinHttpOpenRequest( h.con, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( req2 != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    context = 0;
    size = sizeof(context);
    ret = WinHttpQueryOption( req2, WINHTTP_OPTION_CONTEXT_VALUE, &context, &size );
    ok( ret && context == 0x2222, "new request's context: %d %#Ix\n", ret, context );
    WinHttpCloseHandle( req2 );
    WinHttpCloseHandle( con2 );

    /* CALLBACK: what WinHttpSetStatusCallback installed */
    callback = (WINHTTP_STATUS_CALLBACK)0xdeadbeef;
    size = sizeof(callback);
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_CALLBACK, &callback, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( callback == NULL, "got %p\n", callback );
    ok( size == sizeof(callback), "got %lu\n", size );

    WinHttpSetStatusCallback( h.ses, dummy_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 );
    callback = NULL;
    size = sizeof(callback);
    ret = WinHttpQueryOption( h.ses, WINHTTP_OPTION_CALLBACK, &callback, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( callback == dummy_callback, "got %p\n", callback );
    WinHttpSetStatusCallback( h.ses, NULL, 0, 0 );

done:
    close_handles( &h );
}

/*
 * Timeouts: the five timeout options and WinHttpSetTimeouts.
 */
static const struct
{
    DWORD option;
    const char *name;
    DWORD def;
}
timeouts[] =
{
    { WINHTTP_OPTION_RESOLVE_TIMEOUT, "RESOLVE_TIMEOUT", 0 },
    { WINHTTP_OPTION_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", 60000 },
    { WINHTTP_OPTION_SEND_TIMEOUT,    "SEND_TIMEOUT",    30000 },
    { WINHTTP_OPTION_RECEIVE_TIMEOUT, "RECEIVE_TIMEOUT", 30000 },
};

static void test_timeout_options(void)
{
    struct handles h;
    HINTERNET req2;
    unsigned int i;

    if (!open_handles( &h, 0 )) goto done;

    for (i = 0; i < ARRAY_SIZE(timeouts); i++)
    {
        winetest_push_context( "%s", timeouts[i].name );

        /* the documented defaults, seen on every handle type */
        check_dword( h.ses, timeouts[i].option, timeouts[i].def );
        check_dword( h.con, timeouts[i].option, timeouts[i].def );
        check_dword( h.req, timeouts[i].option, timeouts[i].def );

        /* a connection shows its session's values but takes none */
        set_dword_fails( h.con, timeouts[i].option, 1000, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );

        /* any DWORD is taken, even beyond INT_MAX */
        set_dword( h.ses, timeouts[i].option, 0xbeefdead );
        check_dword( h.ses, timeouts[i].option, 0xbeefdead );
        set_dword( h.ses, timeouts[i].option, 0 );
        check_dword( h.ses, timeouts[i].option, 0 );
        set_dword( h.ses, timeouts[i].option, 1000 + i );
        check_dword( h.ses, timeouts[i].option, 1000 + i );
        check_dword( h.con, timeouts[i].option, 1000 + i );

        /* the existing request kept what it had at creation */
        check_dword( h.req, timeouts[i].option, timeouts[i].def );
        set_dword( h.req, timeouts[i].option, 2000 + i );
        check_dword( h.req, timeouts[i].option, 2000 + i );
        check_dword( h.ses, timeouts[i].option, 1000 + i );

        winetest_pop_context();
    }

    /* a request created now starts from the session's values */
    req2 = WinHttpOpenRequest( h.con, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( req2 != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    for (i = 0; i < ARRAY_SIZE(timeouts); i++)
    {
        winetest_push_context( "%s", timeouts[i].name );
        check_dword( req2, timeouts[i].option, 1000 + i );
        winetest_pop_context();
    }
    WinHttpCloseHandle( req2 );

done:
    close_handles( &h );
}

/* RECEIVE_RESPONSE_TIMEOUT: Windows reports no less than the receive timeout. */
static void test_receive_response_timeout(void)
{
    struct handles h;

    if (!open_handles( &h, 0 )) goto done;

    /* 90 seconds according to the documentation, but Windows reports infinite */
    check_dword( h.ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, ~0u );
    check_dword( h.con, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, ~0u );
    check_dword( h.req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, ~0u );

    set_dword_fails( h.con, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 30000, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );

    /* the session's receive timeout is 48879: a smaller value reads back as that */
    set_dword( h.ses, WINHTTP_OPTION_RECEIVE_TIMEOUT, 48879 );
    set_dword( h.ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48878 );
    check_dword( h.ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48879 );
    set_dword( h.ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48880 );
    check_dword( h.ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48880 );
    check_dword( h.con, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 48880 );

    /* the same on a request */
    set_dword( h.req, WINHTTP_OPTION_RECEIVE_TIMEOUT, 0xbeefdead );
    set_dword( h.req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 30000 );
    check_dword( h.req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 0xbeefdead );
    set_dword( h.req, WINHTTP_OPTION_RECEIVE_TIMEOUT, 1000 );
    set_dword( h.req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 5000 );
    check_dword( h.req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 5000 );

done:
    close_handles( &h );
}

static void test_set_timeouts(void)
{
    static const int bad[][4] =
    {
        { -2, 0, 0, 0 }, { 0, -2, 0, 0 }, { 0, 0, -2, 0 }, { 0, 0, 0, -2 },
        { INT_MIN, 0, 0, 0 }, { 0, 0, 0, INT_MIN }, { -100, -100, -100, -100 },
    };
    struct handles h;
    HINTERNET req2;
    unsigned int i;
    BOOL ret;

    if (!open_handles( &h, 0 )) goto done;

    /* negative values other than -1 are refused, before the handle type is looked at */
    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        winetest_push_context( "%d,%d,%d,%d", bad[i][0], bad[i][1], bad[i][2], bad[i][3] );
        SetLastError( 0xdeadbeef );
        ret = WinHttpSetTimeouts( h.ses, bad[i][0], bad[i][1], bad[i][2], bad[i][3] );
        ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "session: %d %lu\n", ret, GetLastError() );
        SetLastError( 0xdeadbeef );
        ret = WinHttpSetTimeouts( h.con, bad[i][0], bad[i][1], bad[i][2], bad[i][3] );
        ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "connection: %d %lu\n", ret, GetLastError() );
        SetLastError( 0xdeadbeef );
        ret = WinHttpSetTimeouts( h.req, bad[i][0], bad[i][1], bad[i][2], bad[i][3] );
        ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "request: %d %lu\n", ret, GetLastError() );
        winetest_pop_context();
    }
    /* and a refused call changed nothing */
    check_dword( h.ses, WINHTTP_OPTION_CONNECT_TIMEOUT, 60000 );
    check_dword( h.req, WINHTTP_OPTION_SEND_TIMEOUT, 30000 );

    /* -1 is accepted */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetTimeouts( h.ses, -1, -1, -1, -1 );
    ok( ret, "failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "got %lu\n", GetLastError() );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetTimeouts( h.req, -1, -1, -1, -1 );
    ok( ret, "failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "got %lu\n", GetLastError() );

    /* only sessions and requests take timeouts */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetTimeouts( h.con, 0, 0, 0, 0 );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "got %d %lu\n", ret, GetLastError() );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetTimeouts( h.con, -1, -1, -1, -1 );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "got %d %lu\n", ret, GetLastError() );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetTimeouts( NULL, 0, 0, 0, 0 );
    ok( !ret && GetLastError() == ERROR_INVALID_HANDLE, "got %d %lu\n", ret, GetLastError() );

    /* the four values land in the four options */
    ret = WinHttpSetTimeouts( h.ses, 0x0123, 0x4567, 0x89ab, 0xcdef );
    ok( ret, "failed: %lu\n", GetLastError() );
    check_dword( h.ses, WINHTTP_OPTION_RESOLVE_TIMEOUT, 0x0123 );
    check_dword( h.ses, WINHTTP_OPTION_CONNECT_TIMEOUT, 0x4567 );
    check_dword( h.ses, WINHTTP_OPTION_SEND_TIMEOUT, 0x89ab );
    check_dword( h.ses, WINHTTP_OPTION_RECEIVE_TIMEOUT, 0xcdef );
    /* the connection shows them too; the request does not */
    check_dword( h.con, WINHTTP_OPTION_RESOLVE_TIMEOUT, 0x0123 );
    check_dword( h.con, WINHTTP_OPTION_RECEIVE_TIMEOUT, 0xcdef );

    ret = WinHttpSetTimeouts( h.req, 0xcdef, 0x89ab, 0x4567, 0x0123 );
    ok( ret, "failed: %lu\n", GetLastError() );
    check_dword( h.req, WINHTTP_OPTION_RESOLVE_TIMEOUT, 0xcdef );
    check_dword( h.req, WINHTTP_OPTION_CONNECT_TIMEOUT, 0x89ab );
    check_dword( h.req, WINHTTP_OPTION_SEND_TIMEOUT, 0x4567 );
    check_dword( h.req, WINHTTP_OPTION_RECEIVE_TIMEOUT, 0x0123 );
    /* ...without touching the session's */
    check_dword( h.ses, WINHTTP_OPTION_RESOLVE_TIMEOUT, 0x0123 );
    check_dword( h.ses, WINHTTP_OPTION_SEND_TIMEOUT, 0x89ab );

    ret = WinHttpSetTimeouts( h.ses, 0, 0, 0, 0 );
    ok( ret, "failed: %lu\n", GetLastError() );
    check_dword( h.ses, WINHTTP_OPTION_CONNECT_TIMEOUT, 0 );
    check_dword( h.req, WINHTTP_OPTION_CONNECT_TIMEOUT, 0x89ab );

    /* a request created now inherits the session's current timeouts */
    ret = WinHttpSetTimeouts( h.ses, 111, 222, 333, 444 );
    ok( ret, "failed: %lu\n", GetLastError() );
    req2 = WinHttpOpenRequest( h.con, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( req2 != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    check_dword( req2, WINHTTP_OPTION_RESOLVE_TIMEOUT, 111 );
    check_dword( req2, WINHTTP_OPTION_CONNECT_TIMEOUT, 222 );
    check_dword( req2, WINHTTP_OPTION_SEND_TIMEOUT, 333 );
    check_dword( req2, WINHTTP_OPTION_RECEIVE_TIMEOUT, 444 );
    /* and keeps them when the session changes again */
    ret = WinHttpSetTimeouts( h.ses, 555, 666, 777, 888 );
    ok( ret, "failed: %lu\n", GetLastError() );
    check_dword( req2, WINHTTP_OPTION_CONNECT_TIMEOUT, 222 );
    check_dword( h.con, WINHTTP_OPTION_CONNECT_TIMEOUT, 666 );
    WinHttpCloseHandle( req2 );

done:
    close_handles( &h );
}

/*
 * DWORD options readable and settable on sessions (and requests): defaults,
 * round trip, inheritance by requests created afterwards.
 */
static const struct
{
    DWORD option;
    const char *name;
    DWORD def;          /* on a new session (and a request of it) */
    DWORD value;        /* a valid value */
    BOOL request;       /* requests have it too */
}
dword_options[] =
{
    { WINHTTP_OPTION_CONNECT_RETRIES,                "CONNECT_RETRIES",                5, 7, TRUE },
    { WINHTTP_OPTION_REDIRECT_POLICY,                "REDIRECT_POLICY",
      WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP, WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS, TRUE },
    { WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,   "MAX_HTTP_AUTOMATIC_REDIRECTS",   10, 3, TRUE },
    { WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE,       "MAX_HTTP_STATUS_CONTINUE",       10, 4, TRUE },
    { WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,       "MAX_RESPONSE_HEADER_SIZE",       64 * 1024, 8192, TRUE },
    { WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE,        "MAX_RESPONSE_DRAIN_SIZE",        1024 * 1024, 4096, TRUE },
    { WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, "WEB_SOCKET_RECEIVE_BUFFER_SIZE", 32768, 65535, TRUE },
    { WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,    "WEB_SOCKET_SEND_BUFFER_SIZE",    32768, 16384, TRUE },
    { WINHTTP_OPTION_MAX_CONNS_PER_SERVER,           "MAX_CONNS_PER_SERVER",           INFINITE, 8, FALSE },
    { WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER,       "MAX_CONNS_PER_1_0_SERVER",       INFINITE, 6, FALSE },
};

static void test_dword_options(void)
{
    struct handles h;
    HINTERNET req2;
    DWORD size;
    unsigned int i;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(dword_options); i++)
    {
        winetest_push_context( "%s", dword_options[i].name );
        if (!open_handles( &h, 0 ))
        {
            winetest_pop_context();
            close_handles( &h );
            continue;
        }

        check_dword( h.ses, dword_options[i].option, dword_options[i].def );
        if (dword_options[i].request) check_dword( h.req, dword_options[i].option, dword_options[i].def );

        size = 0;
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryOption( h.ses, dword_options[i].option, NULL, &size );
        ok( !ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %d %lu\n", ret, GetLastError() );
        ok( size == sizeof(DWORD), "got size %lu\n", size );

        set_dword( h.ses, dword_options[i].option, dword_options[i].value );
        check_dword( h.ses, dword_options[i].option, dword_options[i].value );

        if (dword_options[i].request)
        {
            /* the existing request keeps its value, a new one starts from the session's */
            check_dword( h.req, dword_options[i].option, dword_options[i].def );
            req2 = WinHttpOpenRequest( h.con, NULL, NULL, NULL, NULL, NULL, 0 );
            ok( req2 != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
            check_dword( req2, dword_options[i].option, dword_options[i].value );

            set_dword( req2, dword_options[i].option, dword_options[i].value - 1 );
            check_dword( req2, dword_options[i].option, dword_options[i].value - 1 );
            check_dword( h.ses, dword_options[i].option, dword_options[i].value );
            WinHttpCloseHandle( req2 );
        }
        close_handles( &h );
        winetest_pop_context();
    }
}

/* Values out of range. */
static void test_bad_values(void)
{
    struct handles h;

    if (!open_handles( &h, 0 )) goto done;

    /* not verified on Windows: the documented values are the only ones taken */
    set_dword_fails( h.ses, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_LAST + 1, ERROR_INVALID_PARAMETER );
    set_dword_fails( h.req, WINHTTP_OPTION_REDIRECT_POLICY, 0xdeadbeef, ERROR_INVALID_PARAMETER );
    check_dword( h.ses, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP );
    set_dword_fails( h.req, WINHTTP_OPTION_AUTOLOGON_POLICY, WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH + 1, ERROR_INVALID_PARAMETER );
    set_dword_fails( h.ses, WINHTTP_OPTION_DECOMPRESSION, 0x100, ERROR_INVALID_PARAMETER );
    /* unknown protocol bits (how pre-TLS 1.3 Windows meets the TLS 1.3 bit) */
    set_dword_fails( h.ses, WINHTTP_OPTION_SECURE_PROTOCOLS, 0x1, ERROR_INVALID_PARAMETER );
    set_dword_fails( h.ses, WINHTTP_OPTION_SECURE_PROTOCOLS, 0x80000000, ERROR_INVALID_PARAMETER );
    /* HTTP/2 PING keep-alive: "Callers cannot set a timeout value less than 5000" */
    SetLastError( 0xdeadbeef );
    {
        DWORD value = 4999;
        BOOL ret = WinHttpSetOption( h.ses, WINHTTP_OPTION_HTTP2_KEEPALIVE, &value, sizeof(value) );
        ok( !ret, "HTTP2_KEEPALIVE 4999 accepted\n" );
        ok( GetLastError() == ERROR_INVALID_PARAMETER || broken(GetLastError() == ERROR_WINHTTP_INVALID_OPTION),
            "got %lu\n", GetLastError() );
    }

done:
    close_handles( &h );
}

/*
 * Options that can only be set, and where.
 */
static const struct
{
    DWORD option;
    const char *name;
    BOOL session;       /* set on the session (else on the request) */
    DWORD value;
    BOOL newer;         /* Windows 10 1607 or later: older ones answer ERROR_WINHTTP_INVALID_OPTION */
}
set_only_options[] =
{
    { WINHTTP_OPTION_AUTOLOGON_POLICY,              "AUTOLOGON_POLICY",   FALSE, WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH },
    { WINHTTP_OPTION_AUTOLOGON_POLICY,              "AUTOLOGON_POLICY",   FALSE, WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW },
    { WINHTTP_OPTION_DECOMPRESSION,                 "DECOMPRESSION",      TRUE,  WINHTTP_DECOMPRESSION_FLAG_ALL },
    { WINHTTP_OPTION_DECOMPRESSION,                 "DECOMPRESSION",      FALSE, WINHTTP_DECOMPRESSION_FLAG_GZIP },
    { WINHTTP_OPTION_DECOMPRESSION,                 "DECOMPRESSION",      FALSE, 0 },
    { WINHTTP_OPTION_CODEPAGE,                      "CODEPAGE",           TRUE,  CP_UTF8 },
    { WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH,       "CONFIGURE_PASSPORT_AUTH", TRUE, WINHTTP_ENABLE_PASSPORT_AUTH },
    { WINHTTP_OPTION_SECURE_PROTOCOLS,              "SECURE_PROTOCOLS",   TRUE,  WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 },
    { WINHTTP_OPTION_SECURE_PROTOCOLS,              "SECURE_PROTOCOLS",   TRUE,
      WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, TRUE },
    { WINHTTP_OPTION_DISABLE_FEATURE,               "DISABLE_FEATURE",    FALSE, WINHTTP_DISABLE_COOKIES },
    { WINHTTP_OPTION_DISABLE_FEATURE,               "DISABLE_FEATURE",    FALSE, 0 },
    { WINHTTP_OPTION_DISABLE_FEATURE,               "DISABLE_FEATURE",    FALSE, 0xffffffff },
    { WINHTTP_OPTION_ENABLE_FEATURE,                "ENABLE_FEATURE",     FALSE, WINHTTP_ENABLE_SSL_REVOCATION },
    { WINHTTP_OPTION_ENABLE_FEATURE,                "ENABLE_FEATURE",     TRUE,  WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION },
    { WINHTTP_OPTION_SPN,                           "SPN",                FALSE, WINHTTP_ENABLE_SPN_SERVER_PORT },
    { WINHTTP_OPTION_REJECT_USERPWD_IN_URL,         "REJECT_USERPWD_IN_URL", FALSE, TRUE },
    { WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, "RECEIVE_PROXY_CONNECT_RESPONSE", FALSE, TRUE },
    { WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, "ASSURED_NON_BLOCKING_CALLBACKS", TRUE, TRUE },
    { WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL,          "ENABLE_HTTP_PROTOCOL", TRUE, WINHTTP_PROTOCOL_FLAG_HTTP2, TRUE },
    { WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL,          "ENABLE_HTTP_PROTOCOL", FALSE, 0, TRUE },
    { WINHTTP_OPTION_ENCODE_EXTRA,                  "ENCODE_EXTRA",       FALSE, TRUE, TRUE },
    { WINHTTP_OPTION_DISABLE_STREAM_QUEUE,          "DISABLE_STREAM_QUEUE", TRUE, TRUE, TRUE },
    { WINHTTP_OPTION_IPV6_FAST_FALLBACK,            "IPV6_FAST_FALLBACK", TRUE,  TRUE, TRUE },
    { WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK, "DISABLE_SECURE_PROTOCOL_FALLBACK", TRUE, TRUE, TRUE },
    { WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED,        "HTTP_PROTOCOL_REQUIRED", FALSE, TRUE, TRUE },
    { WINHTTP_OPTION_TCP_FAST_OPEN,                 "TCP_FAST_OPEN",      TRUE,  TRUE, TRUE },
    { WINHTTP_OPTION_TLS_FALSE_START,               "TLS_FALSE_START",    TRUE,  TRUE, TRUE },
    { WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, "IGNORE_CERT_REVOCATION_OFFLINE", FALSE, TRUE, TRUE },
    { WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK, "TLS_PROTOCOL_INSECURE_FALLBACK", TRUE, FALSE, TRUE },
    { WINHTTP_OPTION_REQUIRE_STREAM_END,            "REQUIRE_STREAM_END", FALSE, TRUE, TRUE },
    { WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT, "ENABLE_HTTP2_PLUS_CLIENT_CERT", TRUE, TRUE, TRUE },
    { WINHTTP_OPTION_HTTP2_KEEPALIVE,               "HTTP2_KEEPALIVE",    TRUE,  10000, TRUE },
    { WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING,  "HTTP2_PLUS_TRANSFER_ENCODING", FALSE, TRUE, TRUE },
    { WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING,   "DISABLE_CERT_CHAIN_BUILDING", TRUE, FALSE, TRUE },
    { WINHTTP_OPTION_BACKGROUND_CONNECTIONS,        "BACKGROUND_CONNECTIONS", TRUE, 2, TRUE },
    { WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION,    "FIRST_AVAILABLE_CONNECTION", TRUE, TRUE, TRUE },
};

static void test_set_only_options(void)
{
    struct handles h;
    HINTERNET handle;
    DWORD value;
    unsigned int i;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(set_only_options); i++)
    {
        winetest_push_context( "%s %#lx", set_only_options[i].name, set_only_options[i].value );
        if (!open_handles( &h, 0 ))
        {
            winetest_pop_context();
            close_handles( &h );
            continue;
        }
        handle = set_only_options[i].session ? h.ses : h.req;

        value = set_only_options[i].value;
        SetLastError( 0xdeadbeef );
        ret = WinHttpSetOption( handle, set_only_options[i].option, &value, sizeof(value) );
        ok( ret || broken(set_only_options[i].newer && GetLastError() == ERROR_WINHTTP_INVALID_OPTION),
            "set failed: %lu\n", GetLastError() );
        if (ret) ok( GetLastError() == ERROR_SUCCESS, "last error %lu\n", GetLastError() );

        /* not verified on Windows except for DISABLE_FEATURE and ENABLE_FEATURE:
         * an option that can only be set cannot be queried */
        query_fails( handle, set_only_options[i].option, sizeof(DWORD), ERROR_INVALID_PARAMETER );

        close_handles( &h );
        winetest_pop_context();
    }
}

/* Options set on the wrong kind of handle. */
static void test_wrong_handle_type(void)
{
    struct handles h;

    if (!open_handles( &h, 0 )) goto done;

    set_dword_fails( h.ses, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    set_dword_fails( h.con, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    set_dword_fails( h.con, WINHTTP_OPTION_SECURE_PROTOCOLS, WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2,
                     ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    /* not verified on Windows: the request cannot take it either */
    set_dword_fails( h.req, WINHTTP_OPTION_SECURE_PROTOCOLS, WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2,
                     ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    set_dword_fails( h.con, WINHTTP_OPTION_CONNECT_TIMEOUT, 1000, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    set_dword_fails( h.req, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 20000, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    /* not verified on Windows: the upgrade is a request's business */
    set_fails( h.ses, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );

    /* web socket buffer sizes are not a connection's */
    query_fails( h.con, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, sizeof(DWORD), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    /* the keep-alive interval belongs to web socket handles; elsewhere it reads as invalid */
    query_fails( h.ses, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, sizeof(DWORD), ERROR_INVALID_PARAMETER );
    query_fails( h.req, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, sizeof(DWORD), ERROR_INVALID_PARAMETER );

    /* WORKER_THREAD_COUNT reads as 0 on every handle */
    check_dword( h.ses, WINHTTP_OPTION_WORKER_THREAD_COUNT, 0 );
    check_dword( h.con, WINHTTP_OPTION_WORKER_THREAD_COUNT, 0 );
    check_dword( h.req, WINHTTP_OPTION_WORKER_THREAD_COUNT, 0 );

done:
    close_handles( &h );
}

/*
 * DISABLE_FEATURE and ENABLE_FEATURE on a request.
 */
static void test_feature_options(void)
{
    struct handles h;
    DWORD value, size;
    BOOL ret;

    if (!open_handles( &h, 0 )) goto done;

    value = 0xdeadbeef;
    size = sizeof(value);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_DISABLE_FEATURE, &value, &size );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );
    size = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_DISABLE_FEATURE, NULL, &size );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    value = 0xdeadbeef;
    size = sizeof(value);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_ENABLE_FEATURE, &value, &size );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );
    ok( value == 0xdeadbeef, "buffer changed: %#lx\n", value );

    /* ENABLE_FEATURE: a buffer and a DWORD size, and a known flag */
    value = WINHTTP_ENABLE_SSL_REVOCATION;
    set_fails( h.req, WINHTTP_OPTION_ENABLE_FEATURE, NULL, sizeof(value), ERROR_INVALID_PARAMETER );
    set_fails( h.req, WINHTTP_OPTION_ENABLE_FEATURE, &value, 0, ERROR_INVALID_PARAMETER );
    set_dword( h.req, WINHTTP_OPTION_ENABLE_FEATURE, WINHTTP_ENABLE_SSL_REVOCATION );
    set_dword_fails( h.req, WINHTTP_OPTION_ENABLE_FEATURE, 0xdeadbeef, ERROR_INVALID_PARAMETER );

    /* DISABLE_FEATURE takes any bits, again and again */
    set_dword( h.req, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_KEEP_ALIVE );
    set_dword( h.req, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_AUTHENTICATION );

done:
    close_handles( &h );
}

/*
 * USERNAME, PASSWORD, PROXY_USERNAME, PROXY_PASSWORD: request strings; set
 * with a length in characters, queried with a size in bytes.
 */
static void test_credential_options(void)
{
    static const struct
    {
        DWORD option;
        const char *name;
        const WCHAR *value;
    }
    tests[] =
    {
        { WINHTTP_OPTION_USERNAME,       "USERNAME",       L"user" },
        { WINHTTP_OPTION_PASSWORD,       "PASSWORD",       L"pass" },
        { WINHTTP_OPTION_PROXY_USERNAME, "PROXY_USERNAME", L"proxyuser" },
        { WINHTTP_OPTION_PROXY_PASSWORD, "PROXY_PASSWORD", L"proxypass" },
    };
    struct handles h;
    WCHAR buffer[32];
    DWORD size;
    unsigned int i;
    BOOL ret;

    if (!open_handles( &h, 0 )) goto done;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context( "%s", tests[i].name );

        /* empty to begin with */
        buffer[0] = 0xcccc;
        size = sizeof(buffer);
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryOption( h.req, tests[i].option, buffer, &size );
        ok( ret, "query failed: %lu\n", GetLastError() );
        ok( !buffer[0], "got %s\n", dbgw( buffer ) );
        ok( !size, "got size %lu\n", size );

        /* not verified on Windows: the size of an empty string is one character */
        check_string_size( h.req, tests[i].option, L"" );

        ret = WinHttpSetOption( h.req, tests[i].option, (void *)tests[i].value, wcslen( tests[i].value ) );
        ok( ret, "set failed: %lu\n", GetLastError() );
        check_string( h.req, tests[i].option, tests[i].value );
        check_string_size( h.req, tests[i].option, tests[i].value );

        /* not verified on Windows: the length is in characters, a shorter one cuts the string */
        ret = WinHttpSetOption( h.req, tests[i].option, (void *)tests[i].value, 2 );
        ok( ret, "set failed: %lu\n", GetLastError() );
        memcpy( buffer, tests[i].value, 2 * sizeof(WCHAR) );
        buffer[2] = 0;
        check_string( h.req, tests[i].option, buffer );

        winetest_pop_context();
    }

    /* the four are distinct */
    check_string( h.req, WINHTTP_OPTION_USERNAME, L"us" );
    check_string( h.req, WINHTTP_OPTION_PROXY_PASSWORD, L"pr" );

done:
    close_handles( &h );
}

/* USER_AGENT on the session. */
static void test_user_agent_option(void)
{
    static const WCHAR newagentW[] = L"another agent/2.0";
    HINTERNET ses;
    BOOL ret;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;

    check_string( ses, WINHTTP_OPTION_USER_AGENT, agentW );
    check_string_size( ses, WINHTTP_OPTION_USER_AGENT, agentW );

    /* the documented length: characters, with the terminator */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_USER_AGENT, (void *)newagentW, ARRAY_SIZE(newagentW) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    check_string( ses, WINHTTP_OPTION_USER_AGENT, newagentW );

    WinHttpCloseHandle( ses );
}

/*
 * URL: what the request was built from.
 */
static void test_url_option(void)
{
    static const struct
    {
        const WCHAR *server;
        INTERNET_PORT port;
        const WCHAR *object;
        DWORD flags;
        const WCHAR *url;
    }
    tests[] =
    {
        { L"localhost", 80,    L"/path/file?x=1", 0, L"http://localhost/path/file?x=1" },
        { L"localhost", 8080,  L"/p",             0, L"http://localhost:8080/p" },
        { L"localhost", 443,   L"/p",             0, L"http://localhost:443/p" },
        { L"localhost", 443,   L"/p",             WINHTTP_FLAG_SECURE, L"https://localhost/p" },
        { L"localhost", 80,    L"/p",             WINHTTP_FLAG_SECURE, L"https://localhost:80/p" },
        { L"localhost", 65535, L"/p",             WINHTTP_FLAG_SECURE, L"https://localhost:65535/p" },
        { L"127.0.0.1", 80,    NULL,              0, L"http://127.0.0.1/" },
        { L"localhost", 80,    L"",               0, L"http://localhost/" },
        /* not verified on Windows: the leading slash is added */
        { L"localhost", 80,    L"big",            0, L"http://localhost/big" },
        /* not verified on Windows: INTERNET_DEFAULT_PORT is the scheme's */
        { L"localhost", INTERNET_DEFAULT_PORT, L"/p", 0, L"http://localhost/p" },
        { L"localhost", INTERNET_DEFAULT_PORT, L"/p", WINHTTP_FLAG_SECURE, L"https://localhost/p" },
        /* not verified on Windows: the path as escaped by WinHttpOpenRequest */
        { L"localhost", 80,    L"/a<b",           0, L"http://localhost/a%3Cb" },
        { L"localhost", 80,    L"/a<b",           WINHTTP_FLAG_ESCAPE_DISABLE, L"http://localhost/a<b" },
        { L"localhost", 80,    L"/a%b",           0, L"http://localhost/a%b" },
        { L"localhost", 80,    L"/a%b",           WINHTTP_FLAG_ESCAPE_PERCENT, L"http://localhost/a%25b" },
        { L"localhost", 80,    L"/a<b?c<d",       WINHTTP_FLAG_ESCAPE_DISABLE_QUERY, L"http://localhost/a%3Cb?c<d" },
    };
    struct handles h;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context( "%u %s", i, dbgw( tests[i].url ) );
        if (open_handles_( __LINE__, &h, tests[i].server, tests[i].port, tests[i].object, tests[i].flags ))
        {
            check_string( h.req, WINHTTP_OPTION_URL, tests[i].url );
            if (!i) check_string_size( h.req, WINHTTP_OPTION_URL, tests[i].url );
        }
        close_handles( &h );
        winetest_pop_context();
    }

    /* not verified on Windows: read-only */
    if (open_handles( &h, 0 ))
    {
        set_fails( h.req, WINHTTP_OPTION_URL, (void *)L"http://other/", 14, ERROR_WINHTTP_OPTION_NOT_SETTABLE );
        check_string( h.req, WINHTTP_OPTION_URL, L"http://localhost/" );
    }
    close_handles( &h );
}

/*
 * Security options of a request: SECURITY_FLAGS, CLIENT_CERT_CONTEXT,
 * CONNECTION_INFO before anything was sent.
 */
static void test_security_options(void)
{
    struct handles h;
    WINHTTP_CONNECTION_INFO info;
    DWORD value, size;
    BOOL ret;

    /* a plain request takes no client certificate */
    if (open_handles( &h, 0 ))
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpSetOption( h.req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0 );
        ok( !ret, "set succeeded\n" );
        ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "got %lu\n", GetLastError() );

        /* nothing is connected yet */
        size = sizeof(info);
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryOption( h.req, WINHTTP_OPTION_CONNECTION_INFO, &info, &size );
        ok( !ret, "query succeeded\n" );
        ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "got %lu\n", GetLastError() );
    }
    close_handles( &h );

    if (!open_handles( &h, WINHTTP_FLAG_SECURE )) goto done;

    check_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, 0 );

    set_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE );
    check_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE );

    /* the flags that are only reported cannot be set (the error is not known) */
    value = SECURITY_FLAG_SECURE;
    ret = WinHttpSetOption( h.req, WINHTTP_OPTION_SECURITY_FLAGS, &value, sizeof(value) );
    ok( !ret, "SECURITY_FLAG_SECURE accepted\n" );
    value = SECURITY_FLAG_STRENGTH_STRONG;
    ret = WinHttpSetOption( h.req, WINHTTP_OPTION_SECURITY_FLAGS, &value, sizeof(value) );
    ok( !ret, "SECURITY_FLAG_STRENGTH_STRONG accepted\n" );
    check_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE );

    value = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
    set_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, value );
    check_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, value );
    set_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, 0 );
    check_dword( h.req, WINHTTP_OPTION_SECURITY_FLAGS, 0 );

    /* a secure request takes "no certificate" */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( h.req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0 );
    ok( ret, "set failed: %lu\n", GetLastError() );

done:
    close_handles( &h );
}

/*
 * PROXY on sessions, requests and the NULL handle.
 */
static void check_proxy_( int line, HINTERNET handle, DWORD access, const WCHAR *proxy, const WCHAR *bypass )
{
    WINHTTP_PROXY_INFO info;
    DWORD size = sizeof(info);
    BOOL ret;

    memset( &info, 0xcc, sizeof(info) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( handle, WINHTTP_OPTION_PROXY, &info, &size );
    ok_( __FILE__, line )( ret, "query failed: %lu\n", GetLastError() );
    if (!ret) return;
    ok_( __FILE__, line )( size == sizeof(info), "got size %lu\n", size );
    ok_( __FILE__, line )( info.dwAccessType == access, "got access type %lu, expected %lu\n", info.dwAccessType, access );
    if (proxy)
        ok_( __FILE__, line )( info.lpszProxy && !wcscmp( info.lpszProxy, proxy ), "got proxy %s\n", dbgw( info.lpszProxy ) );
    else
        ok_( __FILE__, line )( !info.lpszProxy, "got proxy %s\n", dbgw( info.lpszProxy ) );
    if (bypass)
        ok_( __FILE__, line )( info.lpszProxyBypass && !wcscmp( info.lpszProxyBypass, bypass ), "got bypass %s\n",
                               dbgw( info.lpszProxyBypass ) );
    else
        ok_( __FILE__, line )( !info.lpszProxyBypass, "got bypass %s\n", dbgw( info.lpszProxyBypass ) );
    GlobalFree( info.lpszProxy );
    GlobalFree( info.lpszProxyBypass );
}
#define check_proxy(a,b,c,d) check_proxy_( __LINE__, a, b, c, d )

static void test_proxy_option(void)
{
    WINHTTP_PROXY_INFO info;
    HINTERNET ses, con, req;
    DWORD size;
    BOOL ret;

    /* the global configuration; what it says depends on the machine */
    memset( &info, 0, sizeof(info) );
    size = sizeof(info);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( NULL, WINHTTP_OPTION_PROXY, &info, &size );
    ok( ret, "query on NULL failed: %lu\n", GetLastError() );
    ok( info.dwAccessType == WINHTTP_ACCESS_TYPE_NO_PROXY || info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        "got access type %lu\n", info.dwAccessType );
    GlobalFree( info.lpszProxy );
    GlobalFree( info.lpszProxyBypass );

    /* not verified on Windows: a session reports what WinHttpOpen was given */
    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy.example:8080", L"<local>", 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;
    check_proxy( ses, WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy.example:8080", L"<local>" );

    size = sizeof(info) - 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( ses, WINHTTP_OPTION_PROXY, &info, &size );
    ok( !ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %d %lu\n", ret, GetLastError() );
    ok( size == sizeof(info), "got size %lu\n", size );

    con = WinHttpConnect( ses, L"localhost", 80, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    req = WinHttpOpenRequest( con, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );

    /* a request can be given its own proxy */
    info.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
    info.lpszProxy = (WCHAR *)L"other.example:3128";
    info.lpszProxyBypass = (WCHAR *)L"*.local";
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( req, WINHTTP_OPTION_PROXY, &info, sizeof(info) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    check_proxy( req, WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"other.example:3128", L"*.local" );
    check_proxy( ses, WINHTTP_ACCESS_TYPE_NAMED_PROXY, L"proxy.example:8080", L"<local>" );

    /* and the session can go direct */
    info.dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
    info.lpszProxy = info.lpszProxyBypass = NULL;
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_PROXY, &info, sizeof(info) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    check_proxy( ses, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL );

    /* not verified on Windows: a bad access type */
    info.dwAccessType = 2;
    set_fails( ses, WINHTTP_OPTION_PROXY, &info, sizeof(info), ERROR_INVALID_PARAMETER );

    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;
    check_proxy( ses, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL );
    WinHttpCloseHandle( ses );
}

/*
 * Options of the NULL handle: process-wide.
 */
static void test_global_options(void)
{
    struct test_creds_ex creds;
    HTTP_VERSION_INFO version;
    DWORD value, size;
    BOOL ret;

    /* WORKER_THREAD_COUNT is set on the NULL handle, before any asynchronous work */
    set_dword( NULL, WINHTTP_OPTION_WORKER_THREAD_COUNT, 4 );

    value = 0xdeadbeef;
    size = sizeof(value);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( NULL, WINHTTP_OPTION_EXTENDED_ERROR, &value, &size );
    ok( ret, "EXTENDED_ERROR on NULL failed: %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got size %lu\n", size );

    /* not verified on Windows: tracing is off unless somebody turned it on */
    value = 0xdeadbeef;
    size = sizeof(value);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( NULL, WINHTTP_OPTION_ENABLETRACING, &value, &size );
    ok( ret, "ENABLETRACING on NULL failed: %lu\n", GetLastError() );
    ok( value == FALSE, "got %lu\n", value );

    /* HTTP_VERSION: process-wide, HTTP/1.1 by default */
    memset( &version, 0xcc, sizeof(version) );
    size = sizeof(version);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryOption( NULL, WINHTTP_OPTION_HTTP_VERSION, &version, &size );
    ok( ret, "HTTP_VERSION on NULL failed: %lu\n", GetLastError() );
    ok( size == sizeof(version), "got size %lu\n", size );
    ok( version.dwMajorVersion == 1 && version.dwMinorVersion == 1, "got %lu.%lu\n",
        version.dwMajorVersion, version.dwMinorVersion );

    version.dwMajorVersion = 1;
    version.dwMinorVersion = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( NULL, WINHTTP_OPTION_HTTP_VERSION, &version, sizeof(version) );
    ok( ret, "set HTTP_VERSION failed: %lu\n", GetLastError() );
    memset( &version, 0xcc, sizeof(version) );
    size = sizeof(version);
    ret = WinHttpQueryOption( NULL, WINHTTP_OPTION_HTTP_VERSION, &version, &size );
    ok( ret && version.dwMajorVersion == 1 && version.dwMinorVersion == 0, "got %d %lu.%lu\n",
        ret, version.dwMajorVersion, version.dwMinorVersion );
    version.dwMajorVersion = 1;
    version.dwMinorVersion = 1;
    ret = WinHttpSetOption( NULL, WINHTTP_OPTION_HTTP_VERSION, &version, sizeof(version) );
    ok( ret, "set HTTP_VERSION failed: %lu\n", GetLastError() );

    /* shared WinINet credentials need a registry value nobody sets by default */
    memset( &creds, 0, sizeof(creds) );
    creds.username = (char *)"user";
    creds.password = (char *)"pass";
    creds.scheme = WINHTTP_AUTH_SCHEME_BASIC;
    creds.hostname = (char *)"localhost";
    creds.port = 80;
    set_fails( NULL, WINHTTP_OPTION_GLOBAL_PROXY_CREDS, &creds, sizeof(creds), ERROR_WINHTTP_INVALID_OPTION );
    set_fails( NULL, WINHTTP_OPTION_GLOBAL_SERVER_CREDS, &creds, sizeof(creds), ERROR_WINHTTP_INVALID_OPTION );
}

/*
 * Web socket options that need no web socket yet.
 */
static void test_websocket_options(void)
{
    struct handles h;
    DWORD value, size;
    BOOL ret;

    if (!open_handles( &h, 0 )) goto done;

    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( h.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 );
    ok( ret, "set failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "got %lu\n", GetLastError() );

    /* not verified on Windows: the upgrade is a set-only switch */
    query_fails( h.req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, sizeof(DWORD), ERROR_INVALID_PARAMETER );

    /* the buffer sizes of a request do not go back to the session */
    set_dword( h.req, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 1048576 );
    check_dword( h.req, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 1048576 );
    check_dword( h.ses, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 32768 );
    set_dword( h.req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 15 );
    check_dword( h.req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 15 );

    /* any size pointer value works for a query */
    value = 0;
    size = 0xdeadbeef;
    ret = WinHttpQueryOption( h.ses, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &value, &size );
    ok( ret, "query failed: %lu\n", GetLastError() );
    ok( size == sizeof(DWORD), "got size %lu\n", size );
    ok( value == 32768, "got %lu\n", value );

done:
    close_handles( &h );
}

/* TCP_KEEPALIVE: a tcp_keepalive structure on the session. */
static void test_tcp_keepalive_option(void)
{
    struct tcp_keepalive keepalive;
    HINTERNET ses;
    DWORD value;
    BOOL ret;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;

    keepalive.onoff = 1;
    keepalive.keepalivetime = 30000;
    keepalive.keepaliveinterval = 1000;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_TCP_KEEPALIVE, &keepalive, sizeof(keepalive) );
    ok( ret || broken(GetLastError() == ERROR_WINHTTP_INVALID_OPTION) /* before Windows 10 2004 */,
        "set failed: %lu\n", GetLastError() );

    /* a DWORD is not a tcp_keepalive; which error is not known */
    value = 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_TCP_KEEPALIVE, &value, sizeof(value) );
    ok( !ret, "a DWORD was taken\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER || GetLastError() == ERROR_INSUFFICIENT_BUFFER ||
        broken(GetLastError() == ERROR_WINHTTP_INVALID_OPTION), "got %lu\n", GetLastError() );

    WinHttpCloseHandle( ses );
}

/* UNLOAD_NOTIFY_EVENT: set when the session is gone. */
static void test_unload_notify_event(void)
{
    HINTERNET ses;
    HANDLE event;
    BOOL ret;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;

    event = CreateEventW( NULL, TRUE, FALSE, NULL );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( ses, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &event, sizeof(event) );
    ok( ret, "set failed: %lu\n", GetLastError() );
    ok( WaitForSingleObject( event, 0 ) == WAIT_TIMEOUT, "event set too early\n" );

    WinHttpCloseHandle( ses );
    ok( WaitForSingleObject( event, 5000 ) == WAIT_OBJECT_0, "event not set after the session closed\n" );
    CloseHandle( event );
}

/*
 * WinHttpOpen.
 */
static void test_open(void)
{
    static const struct
    {
        DWORD access;
        const WCHAR *proxy;
        const WCHAR *bypass;
        DWORD flags;
        DWORD error;        /* 0: succeeds */
    }
    tests[] =
    {
        { WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,   NULL, NULL, 0 },
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, 0 },
        { WINHTTP_ACCESS_TYPE_NAMED_PROXY,     L"proxy.example:8080", NULL, 0 },
        { WINHTTP_ACCESS_TYPE_NAMED_PROXY,     L"proxy.example:8080", L"<local>;*.example", 0 },
        { WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, 0 },
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, WINHTTP_FLAG_ASYNC },
        { WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, NULL, NULL, WINHTTP_FLAG_SECURE_DEFAULTS },
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, WINHTTP_FLAG_SECURE_DEFAULTS | WINHTTP_FLAG_ASYNC },
        /* a proxy name with another access type is ignored (Windows' own tests do this) */
        { WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,   L"proxyuser", L"proxypass", 0 },
        /* not verified on Windows: the argument checks */
        { WINHTTP_ACCESS_TYPE_NAMED_PROXY,     NULL, NULL, 0, ERROR_INVALID_PARAMETER },
        { WINHTTP_ACCESS_TYPE_NAMED_PROXY,     NULL, L"<local>", 0, ERROR_INVALID_PARAMETER },
        { 2,                                   NULL, NULL, 0, ERROR_INVALID_PARAMETER },
        { 5,                                   NULL, NULL, 0, ERROR_INVALID_PARAMETER },
        { 0xdeadbeef,                          NULL, NULL, 0, ERROR_INVALID_PARAMETER },
        /* unknown flags: how Windows before SECURE_DEFAULTS answers that flag */
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, 0x1, ERROR_INVALID_PARAMETER },
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, 0x40000000, ERROR_INVALID_PARAMETER },
        { WINHTTP_ACCESS_TYPE_NO_PROXY,        NULL, NULL, 0x80000000 | WINHTTP_FLAG_ASYNC, ERROR_INVALID_PARAMETER },
    };
    HINTERNET ses, con, req;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context( "%u", i );
        SetLastError( 0xdeadbeef );
        ses = WinHttpOpen( agentW, tests[i].access, tests[i].proxy, tests[i].bypass, tests[i].flags );
        if (!tests[i].error)
        {
            ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
            ok( GetLastError() == ERROR_SUCCESS, "last error %lu\n", GetLastError() );
            if (ses) check_dword( ses, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_SESSION );
        }
        else
        {
            ok( ses == NULL, "WinHttpOpen succeeded\n" );
            ok( GetLastError() == tests[i].error, "got error %lu, expected %lu\n", GetLastError(), tests[i].error );
        }
        if (ses) WinHttpCloseHandle( ses );
        winetest_pop_context();
    }

    /* no agent at all */
    SetLastError( 0xdeadbeef );
    ses = WinHttpOpen( NULL, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (ses) WinHttpCloseHandle( ses );

    /* SECURE_DEFAULTS sessions still take secure requests */
    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, WINHTTP_FLAG_SECURE_DEFAULTS );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;
    con = WinHttpConnect( ses, L"localhost", 443, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    req = WinHttpOpenRequest( con, NULL, NULL, NULL, NULL, NULL, WINHTTP_FLAG_SECURE );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req) check_string( req, WINHTTP_OPTION_URL, L"https://localhost/" );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * WinHttpConnect.
 */
static void test_connect(void)
{
    static const INTERNET_PORT ports[] = { 0, 1, 80, 443, 8080, 65535 };
    HINTERNET ses, con, req;
    unsigned int i;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;

    SetLastError( 0xdeadbeef );
    con = WinHttpConnect( ses, NULL, 80, 0 );
    ok( !con, "NULL server name accepted\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );

    /* not verified on Windows: an empty name and a reserved value */
    SetLastError( 0xdeadbeef );
    con = WinHttpConnect( ses, L"", 80, 0 );
    ok( !con, "empty server name accepted\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );
    if (con) WinHttpCloseHandle( con );

    SetLastError( 0xdeadbeef );
    con = WinHttpConnect( ses, L"localhost", 80, 1 );
    ok( !con, "reserved != 0 accepted\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );
    if (con) WinHttpCloseHandle( con );

    for (i = 0; i < ARRAY_SIZE(ports); i++)
    {
        winetest_push_context( "port %u", ports[i] );
        SetLastError( 0xdeadbeef );
        con = WinHttpConnect( ses, L"localhost", ports[i], 0 );
        ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
        ok( GetLastError() == ERROR_SUCCESS, "last error %lu\n", GetLastError() );
        if (con)
        {
            check_dword( con, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_CONNECT );
            WinHttpCloseHandle( con );
        }
        winetest_pop_context();
    }

    /* names are not looked up yet */
    SetLastError( 0xdeadbeef );
    con = WinHttpConnect( ses, L"nonexistent.invalid", 80, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    if (con) WinHttpCloseHandle( con );
    con = WinHttpConnect( ses, L"::1", 80, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    if (con) WinHttpCloseHandle( con );

    /* the handle must be a session */
    con = WinHttpConnect( ses, L"localhost", 80, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    SetLastError( 0xdeadbeef );
    req = WinHttpConnect( con, L"localhost", 80, 0 );
    ok( !req, "WinHttpConnect on a connection succeeded\n" );
    ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "got %lu\n", GetLastError() );
    if (req) WinHttpCloseHandle( req );
    SetLastError( 0xdeadbeef );
    req = WinHttpConnect( NULL, L"localhost", 80, 0 );
    ok( !req, "WinHttpConnect on NULL succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_HANDLE, "got %lu\n", GetLastError() );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * WinHttpOpenRequest: what the request line and request headers say.
 */
static BOOL query_request_headers( HINTERNET req, DWORD level, const WCHAR *name, WCHAR *buffer, DWORD len )
{
    DWORD size = len * sizeof(WCHAR), index = 0;

    buffer[0] = 0;
    return WinHttpQueryHeaders( req, level | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, name, buffer, &size, &index );
}

static void check_request_line_( int line, HINTERNET req, const WCHAR *expect )
{
    WCHAR buffer[1024], *end;
    BOOL ret;

    ret = query_request_headers( req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buffer, ARRAY_SIZE(buffer) );
    ok_( __FILE__, line )( ret, "WinHttpQueryHeaders failed: %lu\n", GetLastError() );
    if (!ret) return;
    if ((end = wcsstr( buffer, L"\r\n" ))) *end = 0;
    ok_( __FILE__, line )( !wcscmp( buffer, expect ), "got %s, expected %s\n", dbgw( buffer ), dbgw( expect ) );
}
#define check_request_line(a,b) check_request_line_( __LINE__, a, b )

static void check_verb_( int line, HINTERNET req, const WCHAR *expect )
{
    WCHAR buffer[32];
    DWORD size = sizeof(buffer);
    BOOL ret;

    buffer[0] = 0;
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_REQUEST_METHOD, NULL, buffer, &size, NULL );
    ok_( __FILE__, line )( ret, "WinHttpQueryHeaders failed: %lu\n", GetLastError() );
    ok_( __FILE__, line )( !wcscmp( buffer, expect ), "got %s, expected %s\n", dbgw( buffer ), dbgw( expect ) );
    ok_( __FILE__, line )( size == wcslen( expect ) * sizeof(WCHAR), "got size %lu\n", size );
}
#define check_verb(a,b) check_verb_( __LINE__, a, b )

static void test_open_request(void)
{
    static const WCHAR *accept_types[] = { L"text/html", L"application/json", NULL };
    static const WCHAR *no_types[] = { NULL };
    HINTERNET ses, con, req, req2;
    WCHAR buffer[256];
    BOOL ret;

    ses = WinHttpOpen( agentW, WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    ok( ses != NULL, "WinHttpOpen failed: %lu\n", GetLastError() );
    if (!ses) return;
    con = WinHttpConnect( ses, L"localhost", 80, 0 );
    ok( con != NULL, "WinHttpConnect failed: %lu\n", GetLastError() );
    if (!con) goto done;

    /* everything defaulted: GET / HTTP/1.1 */
    SetLastError( 0xdeadbeef );
    req = WinHttpOpenRequest( con, NULL, NULL, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    ok( GetLastError() == ERROR_SUCCESS, "last error %lu\n", GetLastError() );
    if (req)
    {
        check_verb( req, L"GET" );
        check_request_line( req, L"GET / HTTP/1.1" );
        /* no referrer, no accept types: no such headers */
        SetLastError( 0xdeadbeef );
        ret = query_request_headers( req, WINHTTP_QUERY_REFERER, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( !ret && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "got %d %lu\n", ret, GetLastError() );
        SetLastError( 0xdeadbeef );
        ret = query_request_headers( req, WINHTTP_QUERY_ACCEPT, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( !ret && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "got %d %lu\n", ret, GetLastError() );
        WinHttpCloseHandle( req );
    }

    /* empty strings count as missing (Windows' own tests send such a request) */
    req = WinHttpOpenRequest( con, L"", L"", L"", NULL, NULL, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        check_verb( req, L"GET" );
        /* not verified on Windows */
        check_request_line( req, L"GET / HTTP/1.1" );
        WinHttpCloseHandle( req );
    }

    /* the verb and version as given */
    req = WinHttpOpenRequest( con, L"POST", L"/form?a=1", L"HTTP/1.0", NULL, NULL, WINHTTP_FLAG_BYPASS_PROXY_CACHE );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        check_verb( req, L"POST" );
        check_request_line( req, L"POST /form?a=1 HTTP/1.0" );
        WinHttpCloseHandle( req );
    }
    req = WinHttpOpenRequest( con, L"PROPFIND", L"/dav/", NULL, NULL, NULL, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        check_verb( req, L"PROPFIND" );
        check_request_line( req, L"PROPFIND /dav/ HTTP/1.1" );
        WinHttpCloseHandle( req );
    }

    /* not verified on Windows: the referrer and the accept types become request headers */
    req = WinHttpOpenRequest( con, NULL, L"/page", NULL, L"http://localhost/from", accept_types, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        ret = query_request_headers( req, WINHTTP_QUERY_REFERER, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( ret, "no Referer header: %lu\n", GetLastError() );
        ok( !wcscmp( buffer, L"http://localhost/from" ), "got %s\n", dbgw( buffer ) );
        ret = query_request_headers( req, WINHTTP_QUERY_ACCEPT, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( ret, "no Accept header: %lu\n", GetLastError() );
        ok( !wcscmp( buffer, L"text/html, application/json" ), "got %s\n", dbgw( buffer ) );
        WinHttpCloseHandle( req );
    }
    req = WinHttpOpenRequest( con, NULL, L"/page", NULL, NULL, no_types, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        SetLastError( 0xdeadbeef );
        ret = query_request_headers( req, WINHTTP_QUERY_ACCEPT, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( !ret && GetLastError() == ERROR_WINHTTP_HEADER_NOT_FOUND, "got %d %lu\n", ret, GetLastError() );
        WinHttpCloseHandle( req );
    }

    /* not verified on Windows: REFRESH asks proxies not to answer from their cache */
    req = WinHttpOpenRequest( con, NULL, L"/page", NULL, NULL, NULL, WINHTTP_FLAG_REFRESH );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    if (req)
    {
        ret = query_request_headers( req, WINHTTP_QUERY_PRAGMA, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( ret, "no Pragma header: %lu\n", GetLastError() );
        ok( !wcscmp( buffer, L"no-cache" ), "got %s\n", dbgw( buffer ) );
        ret = query_request_headers( req, WINHTTP_QUERY_CACHE_CONTROL, NULL, buffer, ARRAY_SIZE(buffer) );
        ok( ret, "no Cache-Control header: %lu\n", GetLastError() );
        ok( !wcscmp( buffer, L"no-cache" ), "got %s\n", dbgw( buffer ) );
        WinHttpCloseHandle( req );
    }

    /* each flag alone is accepted */
    {
        static const DWORD flags[] =
        {
            WINHTTP_FLAG_ESCAPE_PERCENT, WINHTTP_FLAG_NULL_CODEPAGE, WINHTTP_FLAG_ESCAPE_DISABLE,
            WINHTTP_FLAG_ESCAPE_DISABLE_QUERY, WINHTTP_FLAG_BYPASS_PROXY_CACHE, WINHTTP_FLAG_SECURE,
            WINHTTP_FLAG_SECURE | WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_REFRESH,
        };
        unsigned int i;

        for (i = 0; i < ARRAY_SIZE(flags); i++)
        {
            winetest_push_context( "flags %#lx", flags[i] );
            SetLastError( 0xdeadbeef );
            req = WinHttpOpenRequest( con, NULL, L"/", NULL, NULL, NULL, flags[i] );
            ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
            if (req)
            {
                check_dword( req, WINHTTP_OPTION_HANDLE_TYPE, WINHTTP_HANDLE_TYPE_REQUEST );
                WinHttpCloseHandle( req );
            }
            winetest_pop_context();
        }
    }

    /* not verified on Windows: unknown flags */
    SetLastError( 0xdeadbeef );
    req = WinHttpOpenRequest( con, NULL, L"/", NULL, NULL, NULL, 0x40000000 );
    ok( !req, "unknown flag accepted\n" );
    ok( GetLastError() == ERROR_INVALID_PARAMETER, "got %lu\n", GetLastError() );
    if (req) WinHttpCloseHandle( req );

    /* the handle must be a connection */
    SetLastError( 0xdeadbeef );
    req = WinHttpOpenRequest( ses, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( !req, "WinHttpOpenRequest on a session succeeded\n" );
    ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "got %lu\n", GetLastError() );
    if (req) WinHttpCloseHandle( req );

    req = WinHttpOpenRequest( con, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed: %lu\n", GetLastError() );
    SetLastError( 0xdeadbeef );
    req2 = WinHttpOpenRequest( req, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( !req2, "WinHttpOpenRequest on a request succeeded\n" );
    ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "got %lu\n", GetLastError() );
    if (req2) WinHttpCloseHandle( req2 );
    WinHttpCloseHandle( req );

    SetLastError( 0xdeadbeef );
    req = WinHttpOpenRequest( NULL, NULL, NULL, NULL, NULL, NULL, 0 );
    ok( !req, "WinHttpOpenRequest on NULL succeeded\n" );
    ok( GetLastError() == ERROR_INVALID_HANDLE, "got %lu\n", GetLastError() );

done:
    if (con) WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

START_TEST(option)
{
    /* first, before any asynchronous work in this process */
    test_global_options();

    test_invalid_options();
    test_buffer_rules();
    test_handle_options();
    test_timeout_options();
    test_receive_response_timeout();
    test_set_timeouts();
    test_dword_options();
    test_bad_values();
    test_set_only_options();
    test_wrong_handle_type();
    test_feature_options();
    test_credential_options();
    test_user_agent_option();
    test_url_option();
    test_security_options();
    test_proxy_option();
    test_websocket_options();
    test_tcp_keepalive_option();
    test_unload_notify_event();
    test_open();
    test_connect();
    test_open_request();
}
