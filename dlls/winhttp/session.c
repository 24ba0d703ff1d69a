/*
 * Sessions and connections: WinHttpOpen, WinHttpConnect, WinHttpCloseHandle,
 * status callbacks, timeouts, and the options of session and connect handles.
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
#include "winnls.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

/* Windows' defaults, in milliseconds; a resolve timeout of 0 means none, and the
 * receive-response timeout reads as INFINITE until set. */
const struct timeouts default_timeouts = { 0, 60000, 30000, 30000, -1 };

#define VALID_OPEN_FLAGS (WINHTTP_FLAG_ASYNC | WINHTTP_FLAG_SECURE_DEFAULTS)
/* as on Windows 11, whose system defaults have TLS 1.3 on */
#define DEFAULT_SECURE_PROTOCOLS (WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 | \
                                  WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3)
#define MODERN_SECURE_PROTOCOLS (WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3)

DWORD query_timeout_option( const struct timeouts *t, DWORD option, void *buffer, DWORD *len )
{
    switch (option)
    {
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:          return get_dword_option( t->resolve, buffer, len );
    case WINHTTP_OPTION_CONNECT_TIMEOUT:          return get_dword_option( t->connect, buffer, len );
    case WINHTTP_OPTION_SEND_TIMEOUT:             return get_dword_option( t->send, buffer, len );
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:          return get_dword_option( t->receive, buffer, len );
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
        /* Windows waits for the response at least as long as for any receive */
        return get_dword_option( max( (DWORD)t->receive, (DWORD)t->receive_response ), buffer, len );
    }
    return OPTION_NOT_HANDLED;
}

DWORD set_timeout_option( struct timeouts *t, DWORD option, const void *buffer, DWORD len )
{
    int *field;
    DWORD value, error;

    switch (option)
    {
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:          field = &t->resolve; break;
    case WINHTTP_OPTION_CONNECT_TIMEOUT:          field = &t->connect; break;
    case WINHTTP_OPTION_SEND_TIMEOUT:             field = &t->send; break;
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:          field = &t->receive; break;
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT: field = &t->receive_response; break;
    default: return OPTION_NOT_HANDLED;
    }
    if ((error = read_dword_option( buffer, len, &value ))) return error;
    *field = value;
    return ERROR_SUCCESS;
}

static void session_destroy( struct object_header *hdr )
{
    struct session *session = CONTAINING_RECORD( hdr, struct session, hdr );

    free( session->agent );
    free( session->proxy_server );
    free( session->proxy_bypass );
    free( session->proxy_username );
    free( session->proxy_password );
    free( session->stored.items );
    cookie_jar_free( session->cookies );
    if (session->unload_event) SetEvent( session->unload_event );
    while (session->server_count) free( session->servers[--session->server_count].host );
    free( session->servers );
    free( session );
}

/* Idle keep-alive connections are shared by every session of the process, as on
 * Windows. Older than POOL_IDLE_MS they are closed rather than reused: servers time
 * them out too. That is checked when one is looked for, so no thread polls. */
#define POOL_IDLE_MS 30000
#define POOL_MAX     64

static SRWLOCK idle_lock = SRWLOCK_INIT;
static struct netconn *idle_connections[POOL_MAX];
static unsigned int idle_count;

/* An idle connection to the server that is still usable, or NULL. */
static struct netconn *take_idle( const WCHAR *host, INTERNET_PORT port, BOOL secure, BOOL probe )
{
    struct netconn *found = NULL, *expired[POOL_MAX];
    ULONGLONG now = GetTickCount64();
    unsigned int i, count = 0;

    AcquireSRWLockExclusive( &idle_lock );
    for (i = idle_count; i-- > 0;)
    {
        struct netconn *conn = idle_connections[i];
        BOOL stale = now - conn->idle_since > POOL_IDLE_MS;

        if (!stale && (found || conn->port != port || conn->secure != secure || _wcsicmp( conn->host, host )))
            continue;
        idle_connections[i] = idle_connections[--idle_count];
        if (stale) expired[count++] = conn;
        else found = conn;
    }
    ReleaseSRWLockExclusive( &idle_lock );

    /* the liveness probe costs a few server round trips under Wine: only requests
     * that could not be sent again on another connection pay for it */
    while (count) netconn_close( expired[--count] );
    if (found && probe && !netconn_is_alive( found ))
    {
        netconn_close( found );
        found = NULL;
    }
    return found;
}

/* How many connections the session is using to a server: at most
 * WINHTTP_OPTION_MAX_CONNS_PER_SERVER. Call with pool_lock held. */
static LONG *server_count( struct session *session, const WCHAR *host, INTERNET_PORT port, BOOL secure, BOOL add )
{
    struct server_count *server;
    unsigned int i;

    for (i = 0; i < session->server_count; i++)
    {
        server = &session->servers[i];
        if (server->port == port && server->secure == secure && !_wcsicmp( server->host, host )) return &server->count;
    }
    if (!add) return NULL;
    if (!(server = realloc( session->servers, (session->server_count + 1) * sizeof(*server) ))) return NULL;
    session->servers = server;
    server = &session->servers[session->server_count];
    if (!(server->host = strdupW( host ))) return NULL;
    server->port = port;
    server->secure = secure;
    server->count = 0;
    session->server_count++;
    return &server->count;
}

/* A connection to the server is no longer the session's to count. */
void pool_release( struct session *session, const WCHAR *host, INTERNET_PORT port, BOOL secure )
{
    LONG *count;

    AcquireSRWLockExclusive( &session->pool_lock );
    if ((count = server_count( session, host, port, secure, FALSE )) && *count) (*count)--;
    ReleaseSRWLockExclusive( &session->pool_lock );
    WakeAllConditionVariable( &session->pool_cv );
}

/* A connection of the session's that is not reusable: counted out and closed. */
void pool_discard( struct session *session, struct netconn *conn )
{
    pool_release( session, conn->host, conn->port, conn->secure );
    netconn_close( conn );
}

/* The right to use one more connection to the server, waiting while the session
 * uses its maximum already; then an idle connection, or (*conn NULL) none, so
 * the caller opens one. Wakes for cancellation too. */
DWORD pool_get( struct session *session, const WCHAR *host, INTERNET_PORT port, BOOL secure, BOOL probe,
                const BOOL *cancelled, struct netconn **conn )
{
    DWORD error = ERROR_SUCCESS;
    LONG *count;

    *conn = NULL;
    AcquireSRWLockExclusive( &session->pool_lock );
    for (;;)
    {
        if (*cancelled)
        {
            error = ERROR_WINHTTP_OPERATION_CANCELLED;
            break;
        }
        if (!(count = server_count( session, host, port, secure, TRUE )))
        {
            error = ERROR_OUTOFMEMORY;
            break;
        }
        if ((DWORD)*count < session->max_conns_per_server)
        {
            (*count)++;
            break;
        }
        /* a connection of ours will go idle or close, and wake us */
        SleepConditionVariableSRW( &session->pool_cv, &session->pool_lock, 1000, 0 );
    }
    ReleaseSRWLockExclusive( &session->pool_lock );
    if (!error) *conn = take_idle( host, port, secure, probe );
    return error;
}

/* A connection done with and still clean goes idle, for any session to reuse. */
void pool_put( struct session *session, struct netconn *conn )
{
    struct netconn *evicted = NULL;

    conn->idle_since = GetTickCount64();
    AcquireSRWLockExclusive( &idle_lock );
    if (idle_count == POOL_MAX)
    {
        evicted = idle_connections[0];
        idle_connections[0] = idle_connections[--idle_count];
    }
    idle_connections[idle_count++] = conn;
    ReleaseSRWLockExclusive( &idle_lock );
    /* idle first, then counted out: a request woken by this must find it */
    pool_release( session, conn->host, conn->port, conn->secure );
    netconn_close( evicted );
}

/* The cookie jar, made when the first cookie arrives: most sessions never get one. */
struct cookie_jar *session_cookie_jar( struct session *session )
{
    struct cookie_jar *jar;

    /* a pointer-sized read is atomic; the exchange below publishes the jar whole */
    if ((jar = *(struct cookie_jar * volatile *)&session->cookies)) return jar;
    if (!(jar = cookie_jar_create())) return NULL;
    if (InterlockedCompareExchangePointer( (void **)&session->cookies, jar, NULL ))
    {
        cookie_jar_free( jar );  /* another thread made it first */
        jar = session->cookies;
    }
    return jar;
}

#define VALID_SECURE_PROTOCOLS (WINHTTP_FLAG_SECURE_PROTOCOL_SSL2 | WINHTTP_FLAG_SECURE_PROTOCOL_SSL3 | \
                                WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 | \
                                WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3)

/* The DWORD options a session holds for its requests to inherit; the option
 * rules in option.c have already said which may be read and which set. */
static DWORD *session_dword_option( struct session *session, DWORD option )
{
    switch (option)
    {
    case WINHTTP_OPTION_SECURE_PROTOCOLS:          return &session->secure_protocols;
    case WINHTTP_OPTION_REDIRECT_POLICY:           return &session->redirect_policy;
    case WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS: return &session->max_redirects;
    case WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE:  return &session->max_status_continue;
    case WINHTTP_OPTION_CONNECT_RETRIES:           return &session->connect_retries;
    case WINHTTP_OPTION_MAX_CONNS_PER_SERVER:      return &session->max_conns_per_server;
    case WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER:  return &session->max_conns_per_1_0_server;
    case WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE:  return &session->max_response_header_size;
    case WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE:   return &session->max_response_drain_size;
    case WINHTTP_OPTION_DECOMPRESSION:             return &session->decompression;
    case WINHTTP_OPTION_ENABLE_FEATURE:            return &session->enable_flags;
    case WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH:   return &session->passport_flags;
    case WINHTTP_OPTION_IPV6_FAST_FALLBACK:        return &session->ipv6_fast_fallback;
    case WINHTTP_OPTION_TCP_FAST_OPEN:             return &session->tcp_fast_open;
    case WINHTTP_OPTION_TLS_FALSE_START:           return &session->tls_false_start;
    case WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL:      return &session->http_protocol;
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL: return &session->websocket_keepalive;
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:  return &session->websocket_close_timeout;
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE: return &session->websocket_receive_buffer_size;
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: return &session->websocket_send_buffer_size;
    case WINHTTP_OPTION_CODEPAGE:                  return &session->codepage;
    }
    return NULL;
}

static DWORD session_query_option( struct object_header *hdr, DWORD option, void *buffer, DWORD *len )
{
    struct session *session = CONTAINING_RECORD( hdr, struct session, hdr );
    DWORD *field, error;

    if ((error = query_timeout_option( &session->timeouts, option, buffer, len )) != OPTION_NOT_HANDLED)
        return error;
    switch (option)
    {
    case WINHTTP_OPTION_USER_AGENT:
        return get_string_option( session->agent, buffer, len );
    case WINHTTP_OPTION_PROXY:
        return query_proxy_option( session->access, session->proxy_server, session->proxy_bypass, buffer, len );
    }
    if ((field = session_dword_option( session, option ))) return get_dword_option( *field, buffer, len );
    return OPTION_NOT_HANDLED;
}

static DWORD session_set_option( struct object_header *hdr, DWORD option, void *buffer, DWORD len )
{
    struct session *session = CONTAINING_RECORD( hdr, struct session, hdr );
    DWORD *field, value, error;

    if ((error = set_timeout_option( &session->timeouts, option, buffer, len )) != OPTION_NOT_HANDLED)
        return error;
    switch (option)
    {
    case WINHTTP_OPTION_USER_AGENT:
        return copy_string_option( buffer, len, &session->agent );
    case WINHTTP_OPTION_PROXY:
        return set_proxy_option( &session->access, &session->proxy_server, &session->proxy_bypass, buffer, len );
    case WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT:
        if (len != sizeof(HANDLE)) return ERROR_INSUFFICIENT_BUFFER;
        memcpy( &session->unload_event, buffer, sizeof(HANDLE) );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_TCP_KEEPALIVE:
        if (len != sizeof(session->tcp_keepalive)) return ERROR_INSUFFICIENT_BUFFER;
        memcpy( session->tcp_keepalive, buffer, sizeof(session->tcp_keepalive) );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_ENABLE_FEATURE:
        /* on sessions only the impersonation feature exists */
        if (len != sizeof(DWORD)) return ERROR_INVALID_PARAMETER;
        memcpy( &value, buffer, sizeof(value) );
        if (value != WINHTTP_ENABLE_SSL_REVERT_IMPERSONATION) return ERROR_INVALID_PARAMETER;
        session->enable_flags |= value;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_HTTP2_KEEPALIVE:
        if ((error = read_dword_option( buffer, len, &value ))) return error;
        if (value < 5000) return ERROR_INVALID_PARAMETER;
        return store_option( &session->stored, option, buffer, len );
    }
    if (!(field = session_dword_option( session, option )))
        return store_option( &session->stored, option, buffer, len );
    if ((error = read_dword_option( buffer, len, &value ))) return error;
    if (option == WINHTTP_OPTION_SECURE_PROTOCOLS)
    {
        if (value & ~VALID_SECURE_PROTOCOLS) return ERROR_INVALID_PARAMETER;
        /* secure defaults refuse anything older than TLS 1.2 */
        if ((session->open_flags & WINHTTP_FLAG_SECURE_DEFAULTS) == WINHTTP_FLAG_SECURE_DEFAULTS &&
            (value & ~MODERN_SECURE_PROTOCOLS))
            return ERROR_ACCESS_DENIED;
    }
    return set_dword_field( option, value, field );
}

static const struct object_vtbl session_vtbl =
{
    session_destroy,
    NULL,
    session_query_option,
    session_set_option,
};

HINTERNET WINAPI WinHttpOpen( const WCHAR *agent, DWORD access, const WCHAR *proxy, const WCHAR *bypass, DWORD flags )
{
    struct session *session;

    TRACE( "%s, %lu, %s, %s, %#lx\n", debugstr_w(agent), access, debugstr_w(proxy), debugstr_w(bypass), flags );

    switch (access)
    {
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
    case WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY:
        break;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        if (!proxy || !proxy[0])
        {
            SetLastError( ERROR_INVALID_PARAMETER );
            return NULL;
        }
        break;
    default:
        SetLastError( ERROR_INVALID_PARAMETER );
        return NULL;
    }
    if (flags & ~VALID_OPEN_FLAGS)
    {
        SetLastError( ERROR_INVALID_PARAMETER );
        return NULL;
    }

    if (!(session = calloc( 1, sizeof(*session) )))
    {
        SetLastError( ERROR_OUTOFMEMORY );
        return NULL;
    }
    init_object( &session->hdr, WINHTTP_HANDLE_TYPE_SESSION, &session_vtbl, NULL );
    InitializeSRWLock( &session->pool_lock );
    InitializeConditionVariable( &session->pool_cv );
    session->hdr.flags = flags & WINHTTP_FLAG_ASYNC;  /* secure defaults include async */
    session->open_flags = flags;
    session->access = access;
    session->timeouts = default_timeouts;
    session->secure_protocols = (flags & WINHTTP_FLAG_SECURE_DEFAULTS) == WINHTTP_FLAG_SECURE_DEFAULTS
                                ? MODERN_SECURE_PROTOCOLS : DEFAULT_SECURE_PROTOCOLS;
    session->redirect_policy = WINHTTP_OPTION_REDIRECT_POLICY_DEFAULT;
    session->max_redirects = 10;
    session->max_conns_per_server = INFINITE;
    session->max_conns_per_1_0_server = INFINITE;
    session->max_response_header_size = 64 * 1024;
    session->max_response_drain_size = 1024 * 1024;
    session->codepage = CP_UTF8;
    session->connect_retries = 5;
    session->max_status_continue = 10;
    session->websocket_receive_buffer_size = 32768;
    session->websocket_send_buffer_size = 32768;
    session->websocket_keepalive = 30000;
    session->websocket_close_timeout = 10000;
    session->agent = strdupW( agent );
    if (access == WINHTTP_ACCESS_TYPE_NAMED_PROXY)
    {
        session->proxy_server = strdupW( proxy );
        session->proxy_bypass = strdupW( bypass );
    }
    if ((agent && !session->agent) || (access == WINHTTP_ACCESS_TYPE_NAMED_PROXY && !session->proxy_server))
    {
        release_object( &session->hdr );
        SetLastError( ERROR_OUTOFMEMORY );
        return NULL;
    }
    return open_handle( &session->hdr );
}

static void connect_destroy( struct object_header *hdr )
{
    struct connect *connect = CONTAINING_RECORD( hdr, struct connect, hdr );

    free( connect->server );
    free( connect );
}

static DWORD connect_query_option( struct object_header *hdr, DWORD option, void *buffer, DWORD *len )
{
    struct session *session = CONTAINING_RECORD( hdr, struct connect, hdr )->session;
    DWORD error;

    /* a connection has no timeouts of its own: it shows its session's, as they are now */
    AcquireSRWLockShared( &session->hdr.lock );
    error = query_timeout_option( &session->timeouts, option, buffer, len );
    ReleaseSRWLockShared( &session->hdr.lock );
    return error;
}

static DWORD connect_set_option( struct object_header *hdr, DWORD option, void *buffer, DWORD len )
{
    return OPTION_NOT_HANDLED;
}

static const struct object_vtbl connect_vtbl =
{
    connect_destroy,
    NULL,
    connect_query_option,
    connect_set_option,
};

HINTERNET WINAPI WinHttpConnect( HINTERNET handle, const WCHAR *server, INTERNET_PORT port, DWORD reserved )
{
    struct object_header *obj;
    struct connect *connect;

    TRACE( "%p, %s, %u, %#lx\n", handle, debugstr_w(server), port, reserved );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_SESSION ))) return NULL;
    if (!server || !server[0] || reserved)
    {
        release_object( obj );
        SetLastError( ERROR_INVALID_PARAMETER );
        return NULL;
    }
    if (!(connect = calloc( 1, sizeof(*connect) )) || !(connect->server = strdupW( server )))
    {
        free( connect );
        release_object( obj );
        SetLastError( ERROR_OUTOFMEMORY );
        return NULL;
    }
    init_object( &connect->hdr, WINHTTP_HANDLE_TYPE_CONNECT, &connect_vtbl, obj );
    connect->session = CONTAINING_RECORD( obj, struct session, hdr );
    connect->port = port;
    release_object( obj );  /* the connect object holds its own reference now */
    return open_handle( &connect->hdr );
}

BOOL WINAPI WinHttpCloseHandle( HINTERNET handle )
{
    TRACE( "%p\n", handle );

    if (!close_handle( handle )) return FALSE;
    SetLastError( ERROR_SUCCESS );
    return TRUE;
}

WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback( HINTERNET handle, WINHTTP_STATUS_CALLBACK callback,
                                                         DWORD flags, DWORD_PTR reserved )
{
    struct object_header *obj;
    WINHTTP_STATUS_CALLBACK previous;

    TRACE( "%p, %p, %#lx, %#Ix\n", handle, callback, flags, reserved );

    if (!(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return WINHTTP_INVALID_STATUS_CALLBACK;
    }
    AcquireSRWLockExclusive( &obj->callback_lock );
    previous = obj->callback;
    obj->callback = callback;
    obj->notify_mask = flags;
    ReleaseSRWLockExclusive( &obj->callback_lock );
    release_object( obj );
    SetLastError( ERROR_SUCCESS );
    return previous;
}

BOOL WINAPI WinHttpSetTimeouts( HINTERNET handle, int resolve, int connect, int send, int receive )
{
    struct object_header *obj;
    struct timeouts *timeouts;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %d, %d, %d, %d\n", handle, resolve, connect, send, receive );

    if (resolve < -1 || connect < -1 || send < -1 || receive < -1)
    {
        SetLastError( ERROR_INVALID_PARAMETER );
        return FALSE;
    }
    if (!(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    AcquireSRWLockExclusive( &obj->lock );
    switch (obj->type)
    {
    case WINHTTP_HANDLE_TYPE_SESSION:
        timeouts = &CONTAINING_RECORD( obj, struct session, hdr )->timeouts;
        break;
    case WINHTTP_HANDLE_TYPE_REQUEST:
        timeouts = &CONTAINING_RECORD( obj, struct request, hdr )->timeouts;
        break;
    default:
        timeouts = NULL;
        error = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
        break;
    }
    if (timeouts)
    {
        timeouts->resolve = resolve;
        timeouts->connect = connect;
        timeouts->send = send;
        timeouts->receive = receive;
    }
    ReleaseSRWLockExclusive( &obj->lock );
    release_object( obj );
    SetLastError( error );
    return !error;
}
