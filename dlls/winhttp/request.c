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
#include "winnls.h"
#include "wincrypt.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

void WINAPI WinHttpFreeQueryConnectionGroupResult( WINHTTP_QUERY_CONNECTION_GROUP_RESULT *result )
{
    FIXME( "%p: not implemented\n", result );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

#define VALID_REQUEST_FLAGS (WINHTTP_FLAG_SECURE | WINHTTP_FLAG_ESCAPE_PERCENT | WINHTTP_FLAG_NULL_CODEPAGE | \
                             WINHTTP_FLAG_ESCAPE_DISABLE | WINHTTP_FLAG_ESCAPE_DISABLE_QUERY | \
                             WINHTTP_FLAG_BYPASS_PROXY_CACHE | WINHTTP_FLAG_AUTOMATIC_CHUNKING)

static void free_string_list( WCHAR **list )
{
    WCHAR **p;

    if (!list) return;
    for (p = list; *p; p++) free( *p );
    free( list );
}

static void request_destroy( struct object_header *hdr )
{
    struct request *request = CONTAINING_RECORD( hdr, struct request, hdr );

    free( request->verb );
    free( request->host );
    free( request->optional );
    free( request->path );
    free( request->version );
    free( request->referrer );
    free_string_list( request->accept_types );
    free( request->username );
    free( request->password );
    free( request->proxy_username );
    free( request->proxy_password );
    free( request->proxy_server );
    free( request->proxy_bypass );
    free( request->stored.items );
    free_header_list( &request->headers );
    free_response( request );
    clear_security( &request->security );
    if (request->client_cert) CertFreeCertificateContext( request->client_cert );
    if (request->netconn) pool_discard( request->connect->session, request->netconn );
    netconn_close( request->spent_conn );
    free( request->read_buf );
    free( request );
}

/* scheme://host[:port]path, the port only when it is not the scheme's default */
static WCHAR *build_request_url( const struct request *request )
{
    BOOL secure = request->secure;
    const WCHAR *scheme = secure ? L"https" : L"http";
    INTERNET_PORT port = request->port;
    INTERNET_PORT default_port = secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    const WCHAR *server = request->host, *path = request->path;
    size_t len = wcslen( scheme ) + 3 + wcslen( server ) + 7 + wcslen( path ) + 1;
    WCHAR *url, *p;

    if (!(url = malloc( len * sizeof(WCHAR) ))) return NULL;
    p = url;
    wcscpy( p, scheme ); p += wcslen( p );
    wcscpy( p, L"://" ); p += 3;
    wcscpy( p, server ); p += wcslen( p );
    if (port && port != default_port) p += swprintf( p, 7, L":%u", port );
    wcscpy( p, path );
    return url;
}

/* The DWORD options a request holds, copied from its session when it is opened;
 * the option rules in option.c have already said which may be read and which set. */
static DWORD *request_dword_option( struct request *request, DWORD option )
{
    switch (option)
    {
    case WINHTTP_OPTION_SECURITY_FLAGS:              return &request->security_flags;
    case WINHTTP_OPTION_REDIRECT_POLICY:             return &request->redirect_policy;
    case WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS: return &request->max_redirects;
    case WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE:    return &request->max_status_continue;
    case WINHTTP_OPTION_CONNECT_RETRIES:             return &request->connect_retries;
    case WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE:    return &request->max_response_header_size;
    case WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE:     return &request->max_response_drain_size;
    case WINHTTP_OPTION_DECOMPRESSION:               return &request->decompression;
    case WINHTTP_OPTION_DISABLE_FEATURE:             return &request->disable_flags;
    case WINHTTP_OPTION_AUTOLOGON_POLICY:            return &request->autologon_policy;
    case WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL:        return &request->http_protocol;
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:    return &request->websocket_close_timeout;
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE: return &request->websocket_receive_buffer_size;
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: return &request->websocket_send_buffer_size;
    case WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE: return &request->receive_proxy_connect_response;
    case WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE: return &request->ignore_revocation_offline;
    }
    return NULL;
}

static DWORD request_query_option( struct object_header *hdr, DWORD option, void *buffer, DWORD *len )
{
    struct request *request = CONTAINING_RECORD( hdr, struct request, hdr );
    DWORD *field, error;
    WCHAR *url;

    if ((error = query_timeout_option( &request->timeouts, option, buffer, len )) != OPTION_NOT_HANDLED)
        return error;
    switch (option)
    {
    case WINHTTP_OPTION_URL:
        if (!(url = build_request_url( request ))) return ERROR_OUTOFMEMORY;
        error = get_string_option( url, buffer, len );
        free( url );
        return error;
    case WINHTTP_OPTION_USERNAME:       return get_string_option( request->username, buffer, len );
    case WINHTTP_OPTION_PASSWORD:       return get_string_option( request->password, buffer, len );
    case WINHTTP_OPTION_PROXY_USERNAME: return get_string_option( request->proxy_username, buffer, len );
    case WINHTTP_OPTION_PROXY_PASSWORD: return get_string_option( request->proxy_password, buffer, len );
    case WINHTTP_OPTION_PROXY:
        return query_proxy_option( request->proxy_access, request->proxy_server, request->proxy_bypass, buffer, len );
    case WINHTTP_OPTION_HTTP_PROTOCOL_USED:
        return get_dword_option( 0, buffer, len );  /* HTTP/1.1: no protocol flag */
    case WINHTTP_OPTION_CONNECTION_INFO:
        return query_connection_info( request, buffer, len );
    }
    if ((error = query_security_option( &request->security, request->security_flags, option, buffer, len ))
        != OPTION_NOT_HANDLED)
        return error;
    if ((field = request_dword_option( request, option ))) return get_dword_option( *field, buffer, len );
    return OPTION_NOT_HANDLED;
}

/* WINHTTP_OPTION_CLIENT_CERT_CONTEXT: a certificate with its private key, or
 * WINHTTP_NO_CLIENT_CERT_CONTEXT to go on without one when the server asks. */
static DWORD set_client_cert( struct request *request, const void *buffer, DWORD len )
{
    const CERT_CONTEXT *cert;

    if (!buffer)
    {
        if (len) return ERROR_INVALID_PARAMETER;
        request->client_cert_none = TRUE;
        return ERROR_SUCCESS;
    }
    if (len != sizeof(CERT_CONTEXT)) return ERROR_INVALID_PARAMETER;
    if (!(cert = CertDuplicateCertificateContext( buffer ))) return ERROR_INVALID_PARAMETER;
    if (request->client_cert) CertFreeCertificateContext( request->client_cert );
    request->client_cert = cert;
    request->client_cert_none = FALSE;
    return ERROR_SUCCESS;
}

static DWORD request_set_option( struct object_header *hdr, DWORD option, void *buffer, DWORD len )
{
    struct request *request = CONTAINING_RECORD( hdr, struct request, hdr );
    DWORD *field, value, error;

    if ((error = set_timeout_option( &request->timeouts, option, buffer, len )) != OPTION_NOT_HANDLED)
        return error;
    switch (option)
    {
    case WINHTTP_OPTION_USERNAME:       return copy_string_option( buffer, len, &request->username );
    case WINHTTP_OPTION_PASSWORD:       return copy_string_option( buffer, len, &request->password );
    case WINHTTP_OPTION_PROXY_USERNAME: return copy_string_option( buffer, len, &request->proxy_username );
    case WINHTTP_OPTION_PROXY_PASSWORD: return copy_string_option( buffer, len, &request->proxy_password );
    case WINHTTP_OPTION_PROXY:
        return set_proxy_option( &request->proxy_access, &request->proxy_server, &request->proxy_bypass, buffer, len );
    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET:
        request->upgrade_to_websocket = TRUE;
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_CLIENT_CERT_CONTEXT:
        if (!request->secure) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        return set_client_cert( request, buffer, len );
    case WINHTTP_OPTION_ENABLE_FEATURE:
        /* on requests only revocation checking exists */
        if (len != sizeof(DWORD)) return ERROR_INVALID_PARAMETER;
        memcpy( &value, buffer, sizeof(value) );
        if (value != WINHTTP_ENABLE_SSL_REVOCATION) return ERROR_INVALID_PARAMETER;
        request->enable_flags |= value;
        return ERROR_SUCCESS;
    }
    if (!(field = request_dword_option( request, option )))
        return store_option( &request->stored, option, buffer, len );
    if ((error = read_dword_option( buffer, len, &value ))) return error;
    return set_dword_field( option, value, field );
}

static void request_close( struct object_header *hdr )
{
    cancel_request( CONTAINING_RECORD( hdr, struct request, hdr ) );
}

static const struct object_vtbl request_vtbl =
{
    request_destroy,
    request_close,
    request_query_option,
    request_set_option,
};

/* Characters WinHTTP sends escaped in the object name unless told not to. */
static BOOL is_unsafe( WCHAR c, BOOL escape_percent )
{
    if (c == '%') return escape_percent;
    return c <= 0x20 || c >= 0x7f || wcschr( L"\"<>\\^`{|}", c );
}

/* The object name as it goes on the wire: a leading slash, and unsafe characters
 * escaped as the WINHTTP_FLAG_ESCAPE_* flags say (non-ASCII ones as UTF-8). */
WCHAR *escape_object_name( const WCHAR *object, DWORD flags )
{
    static const WCHAR hex[] = L"0123456789ABCDEF";
    BOOL escape_percent = flags & WINHTTP_FLAG_ESCAPE_PERCENT, in_query = FALSE;
    size_t len = object ? wcslen( object ) : 0, i;
    WCHAR *path, *p;

    /* at worst a character becomes four UTF-8 bytes, each three characters */
    if (!(path = malloc( (len * 12 + 2) * sizeof(WCHAR) ))) return NULL;
    p = path;
    if (!len || object[0] != '/') *p++ = '/';
    for (i = 0; i < len; i++)
    {
        WCHAR c = object[i];
        char utf8[4];
        int n, j;

        if (c == '?') in_query = TRUE;
        if ((flags & WINHTTP_FLAG_ESCAPE_DISABLE) || (in_query && (flags & WINHTTP_FLAG_ESCAPE_DISABLE_QUERY)) ||
            (flags & WINHTTP_FLAG_NULL_CODEPAGE) || !is_unsafe( c, escape_percent ))
        {
            *p++ = c;
            continue;
        }
        n = WideCharToMultiByte( CP_UTF8, 0, object + i, (IS_HIGH_SURROGATE( c ) && i + 1 < len) ? 2 : 1,
                                 utf8, sizeof(utf8), NULL, NULL );
        if (n > 0 && IS_HIGH_SURROGATE( c ) && i + 1 < len) i++;
        for (j = 0; j < n; j++)
        {
            *p++ = '%';
            *p++ = hex[(unsigned char)utf8[j] >> 4];
            *p++ = hex[utf8[j] & 0xf];
        }
    }
    *p = 0;
    return path;
}

/* OpenRequest's referrer, accept types and refresh flag become request headers at once. */
static DWORD add_open_headers( struct request *request, DWORD flags )
{
    DWORD error = ERROR_SUCCESS;
    unsigned int i;

    if (request->referrer && request->referrer[0])
        error = add_header( &request->headers, L"Referer", 7, request->referrer, wcslen( request->referrer ),
                            WINHTTP_ADDREQ_FLAG_ADD );
    for (i = 0; !error && request->accept_types && request->accept_types[i]; i++)
        if (request->accept_types[i][0])
            error = add_header( &request->headers, L"Accept", 6, request->accept_types[i],
                                wcslen( request->accept_types[i] ),
                                WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA );
    if (!error && (flags & WINHTTP_FLAG_REFRESH))
    {
        if (!(error = add_header( &request->headers, L"Pragma", 6, L"no-cache", 8, WINHTTP_ADDREQ_FLAG_ADD )))
            error = add_header( &request->headers, L"Cache-Control", 13, L"no-cache", 8, WINHTTP_ADDREQ_FLAG_ADD );
    }
    return error;
}

static WCHAR **copy_accept_types( const WCHAR **types )
{
    WCHAR **copy;
    size_t count = 0, i;

    if (!types) return NULL;
    while (types[count]) count++;
    if (!(copy = calloc( count + 1, sizeof(*copy) ))) return NULL;
    for (i = 0; i < count; i++)
    {
        if (!(copy[i] = strdupW( types[i] )))
        {
            free_string_list( copy );
            return NULL;
        }
    }
    return copy;
}

HINTERNET WINAPI WinHttpOpenRequest( HINTERNET handle, const WCHAR *verb, const WCHAR *object, const WCHAR *version,
                                     const WCHAR *referrer, const WCHAR **types, DWORD flags )
{
    struct object_header *obj;
    struct request *request;
    struct session *session;

    TRACE( "%p, %s, %s, %s, %s, %p, %#lx\n", handle, debugstr_w(verb), debugstr_w(object), debugstr_w(version),
           debugstr_w(referrer), types, flags );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_CONNECT ))) return NULL;
    if (flags & ~VALID_REQUEST_FLAGS)
    {
        release_object( obj );
        SetLastError( ERROR_INVALID_PARAMETER );
        return NULL;
    }
    if (!(request = calloc( 1, sizeof(*request) )))
    {
        release_object( obj );
        SetLastError( ERROR_OUTOFMEMORY );
        return NULL;
    }
    init_object( &request->hdr, WINHTTP_HANDLE_TYPE_REQUEST, &request_vtbl, obj );
    InitializeSRWLock( &request->io_lock );
    InitializeSRWLock( &request->queue.lock );
    request->queue.owner = &request->hdr;
    release_object( obj );  /* the request holds its own reference on the connect */
    request->connect = CONTAINING_RECORD( obj, struct connect, hdr );
    session = request->connect->session;
    request->open_flags = flags;
    request->secure = !!(flags & WINHTTP_FLAG_SECURE);
    request->port = request->connect->port;
    if (!request->port) request->port = request->secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
    request->host = strdupW( request->connect->server );
    request->content_length = ~(ULONGLONG)0;

    AcquireSRWLockShared( &session->hdr.lock );
    request->timeouts = session->timeouts;
    request->redirect_policy = session->redirect_policy;
    request->max_redirects = session->max_redirects;
    request->max_response_header_size = session->max_response_header_size;
    request->max_response_drain_size = session->max_response_drain_size;
    request->decompression = session->decompression;
    request->max_status_continue = session->max_status_continue;
    request->connect_retries = session->connect_retries;
    request->http_protocol = session->http_protocol;
    request->websocket_keepalive = session->websocket_keepalive;
    request->websocket_close_timeout = session->websocket_close_timeout;
    request->websocket_receive_buffer_size = session->websocket_receive_buffer_size;
    request->websocket_send_buffer_size = session->websocket_send_buffer_size;
    request->proxy_access = session->access;
    request->proxy_server = strdupW( session->proxy_server );
    request->proxy_bypass = strdupW( session->proxy_bypass );
    ReleaseSRWLockShared( &session->hdr.lock );

    request->verb = strdupW( verb && verb[0] ? verb : L"GET" );
    request->version = strdupW( version && version[0] ? version : default_http_version() );
    request->referrer = strdupW( referrer );
    request->path = escape_object_name( object, flags );
    request->accept_types = copy_accept_types( types );
    if (!request->verb || !request->version || !request->path || !request->host || (referrer && !request->referrer) ||
        (types && !request->accept_types) || add_open_headers( request, flags ))
    {
        release_object( &request->hdr );
        SetLastError( ERROR_OUTOFMEMORY );
        return NULL;
    }
    return open_handle( &request->hdr );
}

BOOL WINAPI WinHttpQueryAuthSchemes( HINTERNET request, DWORD *supported, DWORD *first, DWORD *target )
{
    FIXME( "%p, %p, %p, %p: not implemented\n", request, supported, first, target );
    SetLastError( is_open_handle( request ) ? ERROR_CALL_NOT_IMPLEMENTED : ERROR_INVALID_HANDLE );
    return FALSE;
}

DWORD WINAPI WinHttpQueryConnectionGroup( HINTERNET handle, const GUID *guid, ULONGLONG flags, WINHTTP_QUERY_CONNECTION_GROUP_RESULT **result )
{
    FIXME( "%p, %p, %#I64x, %p: not implemented\n", handle, guid, flags, result );
    if (!is_open_handle( handle )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpQueryHeadersEx( HINTERNET request, DWORD level, ULONGLONG flags, UINT codepage, DWORD *index, WINHTTP_HEADER_NAME *name, void *buffer, DWORD *len, WINHTTP_EXTENDED_HEADER **headers, DWORD *count )
{
    FIXME( "%p, %#lx, %#I64x, %u, %p, %p, %p, %p, %p, %p: not implemented\n", request, level, flags, codepage, index, name, buffer, len, headers, count );
    if (!is_open_handle( request )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpSetCredentials( HINTERNET request, DWORD target, DWORD scheme, const WCHAR *username, const WCHAR *password, void *params )
{
    FIXME( "%p, %lu, %#lx, %s, %p, %p: not implemented\n", request, target, scheme, debugstr_w(username), password, params );
    SetLastError( is_open_handle( request ) ? ERROR_CALL_NOT_IMPLEMENTED : ERROR_INVALID_HANDLE );
    return FALSE;
}

