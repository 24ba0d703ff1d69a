/*
 * The HTTP/1.1 exchange of a request: WinHttpSendRequest, WinHttpWriteData,
 * WinHttpReceiveResponse, WinHttpQueryDataAvailable and WinHttpReadData(Ex),
 * with keep-alive, Content-Length, chunked and close-delimited bodies, redirects.
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

#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

#define READ_BUFFER_SIZE  16384     /* for heads and small bodies */
#define BODY_BUFFER_SIZE  (1 << 20)  /* large bodies: one socket call per megabyte, not per read */
#define MAX_HEADER_COUNT  4096

void free_response( struct request *request )
{
    free_header_list( &request->response_headers );
    free( request->status_text );
    free( request->response_version );
    request->status_text = request->response_version = NULL;
    request->status_code = 0;
    request->read_pos = request->read_end = 0;
    request->body_chunked = request->body_to_close = request->body_done = request->keep_alive = FALSE;
    request->content_length = ~(ULONGLONG)0;
    request->content_read = 0;
    memset( &request->chunked, 0, sizeof(request->chunked) );
    decompressor_free( request->decoder );
    request->decoder = NULL;
    free( request->coded );
    free( request->decoded );
    request->coded = request->decoded = NULL;
    request->coded_pos = request->coded_end = request->decoded_pos = request->decoded_end = 0;
}

static struct session *request_session( struct request *request )
{
    return request->connect->session;
}

/* The connection is done with: back to the pool if the exchange left it clean. */
static void release_connection( struct request *request, BOOL reusable )
{
    struct netconn *conn, *spent = NULL;

    AcquireSRWLockExclusive( &request->io_lock );
    conn = request->netconn;
    request->netconn = NULL;
    if (conn && !(reusable && !(request->disable_flags & WINHTTP_DISABLE_KEEP_ALIVE)))
    {
        /* closed, with its notifications, when the application is next done with the
         * request (a new send or the handle's close), as Windows does */
        spent = request->spent_conn;
        request->spent_conn = conn;
        conn = NULL;
        pool_release( request_session( request ), request->spent_conn->host, request->spent_conn->port,
                      request->spent_conn->secure );
    }
    ReleaseSRWLockExclusive( &request->io_lock );
    netconn_close( spent );
    if (conn) pool_put( request_session( request ), conn );
}

/* Takes one of the request's connections away, against a concurrent close. */
static struct netconn *take_connection( struct request *request, struct netconn **slot )
{
    struct netconn *conn;

    AcquireSRWLockExclusive( &request->io_lock );
    conn = *slot;
    *slot = NULL;
    ReleaseSRWLockExclusive( &request->io_lock );
    return conn;
}

/* A reused connection that turned out dead: closed quietly, the request goes on another. */
static void drop_connection( struct request *request )
{
    struct netconn *conn = take_connection( request, &request->netconn );

    if (conn) pool_discard( request_session( request ), conn );
}

/* The connection the last exchange could not keep: closed now, with its notifications. */
static void close_spent_connection( struct request *request )
{
    struct netconn *conn = take_connection( request, &request->spent_conn );

    if (!conn) return;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, NULL, 0 );
    netconn_close( conn );
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, NULL, 0 );
}

/* The connection for the request, unless a close got there first. */
static DWORD set_connection( struct request *request, struct netconn *conn )
{
    BOOL cancelled;

    AcquireSRWLockExclusive( &request->io_lock );
    if (!(cancelled = request->cancelled)) request->netconn = conn;
    ReleaseSRWLockExclusive( &request->io_lock );
    if (!cancelled) return ERROR_SUCCESS;
    pool_discard( request_session( request ), conn );
    return ERROR_WINHTTP_OPERATION_CANCELLED;
}

static char *to_multibyte( const WCHAR *str, int *len )
{
    int size = WideCharToMultiByte( CP_ACP, 0, str, -1, NULL, 0, NULL, NULL );
    char *ret = malloc( size );

    if (ret) WideCharToMultiByte( CP_ACP, 0, str, -1, ret, size, NULL, NULL );
    if (len) *len = size - 1;
    return ret;
}

static BOOL has_header( struct request *request, const WCHAR *field )
{
    return find_header( &request->headers, field, 0 ) != NULL;
}

static BOOL header_has_token( const WCHAR *value, const WCHAR *token )
{
    size_t len = wcslen( token );

    while (value && *value)
    {
        while (*value == ' ' || *value == '\t' || *value == ',') value++;
        if (!_wcsnicmp( value, token, len ) &&
            (!value[len] || value[len] == ',' || value[len] == ' ' || value[len] == ';' || value[len] == '\t'))
            return TRUE;
        value = wcschr( value, ',' );
    }
    return FALSE;
}

/* "VERB path HTTP/1.1", the headers Windows adds, the application's headers, CRLF. */
static WCHAR *build_request_head( struct request *request, ULONGLONG content_length, BOOL send_length )
{
    struct session *session = request_session( request );
    WCHAR host[300], extra[512] = L"", *head, *p, *cookies = NULL;
    const struct header *app_cookie = NULL;
    size_t len, i;
    INTERNET_PORT default_port = request->secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;

    if (request->port == default_port) swprintf( host, ARRAY_SIZE(host), L"%.255ls", request->host );
    else swprintf( host, ARRAY_SIZE(host), L"%.255ls:%u", request->host, request->port );

    p = extra;
    if (request->upgrade_to_websocket) p += websocket_upgrade_headers( request, p, 200 );
    else if (!has_header( request, L"Connection" ))
        p += swprintf( p, 64, L"Connection: %ls\r\n",
                       (request->disable_flags & WINHTTP_DISABLE_KEEP_ALIVE) ? L"Close" : L"Keep-Alive" );
    if (request->chunked_upload) p += swprintf( p, 64, L"Transfer-Encoding: chunked\r\n" );
    else if (send_length && !has_header( request, L"Content-Length" ) && !request->app_chunked)
        p += swprintf( p, 64, L"Content-Length: %llu\r\n", (unsigned long long)content_length );
    if (!has_header( request, L"Host" )) p += swprintf( p, 320, L"Host: %ls\r\n", host );
    /* the application's own Accept-Encoding wins: it may want to decode itself */
    if ((request->decompression & WINHTTP_DECOMPRESSION_FLAG_ALL) && !has_header( request, L"Accept-Encoding" ))
        p += swprintf( p, 64, L"Accept-Encoding: %ls\r\n",
                       (request->decompression & WINHTTP_DECOMPRESSION_FLAG_ALL) == WINHTTP_DECOMPRESSION_FLAG_ALL
                       ? L"gzip, deflate"
                       : (request->decompression & WINHTTP_DECOMPRESSION_FLAG_GZIP) ? L"gzip" : L"deflate" );
    /* the session's cookies, after any the application set itself */
    if (!(request->disable_flags & WINHTTP_DISABLE_COOKIES))
    {
        cookies = cookie_jar_header( session->cookies, request->host, request->path, request->secure );
        app_cookie = find_header( &request->headers, L"Cookie", 0 );
    }

    len = wcslen( request->verb ) + 1 + wcslen( request->path ) + 1 + wcslen( request->version ) + 2 + wcslen( extra );
    if (session->agent && !has_header( request, L"User-Agent" )) len += 12 + wcslen( session->agent ) + 2;
    for (i = 0; i < request->headers.count; i++)
        len += wcslen( request->headers.items[i].field ) + 2 + wcslen( request->headers.items[i].value ) + 2;
    if (cookies) len += 10 + wcslen( cookies ) + 2;
    len += 3;
    if (!(head = malloc( len * sizeof(WCHAR) )))
    {
        free( cookies );
        return NULL;
    }

    p = head;
    p += swprintf( p, len, L"%ls %ls %ls\r\n", request->verb, request->path, request->version );
    if (session->agent && !has_header( request, L"User-Agent" ))
        p += swprintf( p, len - (p - head), L"User-Agent: %ls\r\n", session->agent );
    for (i = 0; i < request->headers.count; i++)
    {
        const struct header *header = &request->headers.items[i];

        if (header == app_cookie && cookies)
            p += swprintf( p, len - (p - head), L"Cookie: %ls; %ls\r\n", header->value, cookies );
        else
            p += swprintf( p, len - (p - head), L"%ls: %ls\r\n", header->field, header->value );
    }
    if (cookies && !app_cookie) p += swprintf( p, len - (p - head), L"Cookie: %ls\r\n", cookies );
    p += swprintf( p, len - (p - head), L"%ls\r\n", extra );
    free( cookies );
    return head;
}

/* The TLS handshake on a new connection, or a pooled one's certificate judged again
 * against this request's flags. A refused certificate is told in SECURE_FAILURE. */
static DWORD secure_connection( struct request *request, BOOL reused )
{
    struct session *session = request_session( request );
    struct tls_settings settings;
    DWORD error, flags = 0;

    AcquireSRWLockShared( &session->hdr.lock );
    settings.protocols = session->secure_protocols;
    ReleaseSRWLockShared( &session->hdr.lock );
    settings.security_flags = request->security_flags;
    settings.check_revocation = !!(request->enable_flags & WINHTTP_ENABLE_SSL_REVOCATION);
    settings.ignore_revocation_offline = !!request->ignore_revocation_offline;
    settings.client_cert = request->client_cert;
    settings.no_client_cert = request->client_cert_none;
    if (reused) error = tls_check_certificate( request->netconn, &settings, &flags );
    else error = netconn_secure( request->netconn, &settings, request->timeouts.send, request->timeouts.receive, &flags );
    /* what was agreed, or the refused certificate, which the SECURE_FAILURE callback may look at */
    if (!error || flags)
    {
        AcquireSRWLockExclusive( &request->hdr.lock );
        tls_get_security( request->netconn, &request->security );
        ReleaseSRWLockExclusive( &request->hdr.lock );
    }
    if (!error) return ERROR_SUCCESS;
    if (request->cancelled) error = ERROR_WINHTTP_OPERATION_CANCELLED;
    else if (flags) send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &flags, sizeof(flags) );
    /* a sound connection whose certificate this request refuses can serve another */
    if (reused && error == ERROR_WINHTTP_SECURE_FAILURE) release_connection( request, TRUE );
    else drop_connection( request );
    return error;
}

/* A pooled connection, or a new one with the notifications Windows sends on the way. */
static DWORD open_connection( struct request *request, BOOL *reused )
{
    struct addresses *addresses;
    struct netconn *conn;
    WCHAR address[64];
    DWORD error;

    /* a body streamed with WinHttpWriteData cannot be sent again: make sure of the connection first */
    if ((error = pool_get( request_session( request ), request->host, request->port, request->secure,
                           request->total_len > request->optional_len, &request->cancelled, &conn )))
        return error;
    if ((*reused = conn != NULL))
    {
        if ((error = set_connection( request, conn ))) return error;
        return request->secure ? secure_connection( request, TRUE ) : ERROR_SUCCESS;
    }

    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, request->host, wcslen( request->host ) + 1 );
    if ((error = netconn_resolve( request->host, request->port, &addresses )))
    {
        pool_release( request_session( request ), request->host, request->port, request->secure );
        return error;
    }
    netconn_address_string( addresses, address, ARRAY_SIZE(address) );
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, address, wcslen( address ) + 1 );
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, address, wcslen( address ) + 1 );
    error = netconn_connect( request->host, request->port, addresses, request->timeouts.connect, &request->cancelled,
                             &conn, address, ARRAY_SIZE(address) );
    netconn_free_addresses( addresses );
    if (error)
    {
        pool_release( request_session( request ), request->host, request->port, request->secure );
        return error;
    }
    conn->secure = request->secure;
    if ((error = set_connection( request, conn ))) return error;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, address, wcslen( address ) + 1 );
    return request->secure ? secure_connection( request, FALSE ) : ERROR_SUCCESS;
}

/* Sends the head and the optional data; a reused connection that turns out dead gets one retry. */
static DWORD send_request( struct request *request, const void *optional, DWORD optional_len, DWORD total_len )
{
    const WCHAR *te;
    WCHAR *head;
    char *bytes, *packet;
    int head_len;
    BOOL reused, send_length;
    DWORD error, optional_total;
    int attempt;

    /* a WebSocket needs room for a frame header in its send buffer, as on Windows */
    if (request->upgrade_to_websocket && request->websocket_send_buffer_size < 16) return ERROR_NOT_ENOUGH_MEMORY;
    AcquireSRWLockShared( &request->hdr.lock );
    te = find_header( &request->headers, L"Transfer-Encoding", 0 ) ?
         find_header( &request->headers, L"Transfer-Encoding", 0 )->value : NULL;
    /* with Transfer-Encoding: chunked the application frames its own chunks; we do
     * it only when asked to with WINHTTP_FLAG_AUTOMATIC_CHUNKING and no length is known */
    request->app_chunked = header_has_token( te, L"chunked" );
    request->chunked_upload = !request->app_chunked && (request->open_flags & WINHTTP_FLAG_AUTOMATIC_CHUNKING) &&
                              !total_len && !has_header( request, L"Content-Length" );
    ReleaseSRWLockShared( &request->hdr.lock );
    send_length = total_len || optional_len || !wcscmp( request->verb, L"POST" ) || !wcscmp( request->verb, L"PUT" );
    if (total_len < optional_len) total_len = optional_len;
    optional_total = optional_len;

    AcquireSRWLockShared( &request->hdr.lock );
    AcquireSRWLockShared( &request_session( request )->hdr.lock );
    head = build_request_head( request, total_len, send_length );
    ReleaseSRWLockShared( &request_session( request )->hdr.lock );
    ReleaseSRWLockShared( &request->hdr.lock );
    if (!head) return ERROR_OUTOFMEMORY;
    bytes = to_multibyte( head, &head_len );
    free( head );
    if (!bytes) return ERROR_OUTOFMEMORY;
    /* one send for head and body where it is small: each socket call is costly under Wine */
    if (optional_len && optional_len <= 65536 && (packet = malloc( head_len + optional_len )))
    {
        memcpy( packet, bytes, head_len );
        memcpy( packet + head_len, optional, optional_len );
        free( bytes );
        bytes = packet;
        head_len += optional_len;
        optional_len = 0;
        optional = NULL;
    }

    for (attempt = 0; attempt < 2; attempt++)
    {
        if ((error = open_connection( request, &reused ))) break;
        send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, NULL, 0 );
        if (!(error = netconn_send( request->netconn, bytes, head_len, request->timeouts.send )) && optional_len)
            error = netconn_send( request->netconn, optional, optional_len, request->timeouts.send );
        if (!error) break;
        drop_connection( request );
        if (!reused) break;
    }
    free( bytes );
    if (error) return error;
    request->conn_reused = reused;

    request->body_remaining = total_len - optional_total;
    request->bytes_sent = head_len + optional_len;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &request->bytes_sent, sizeof(DWORD) );
    return ERROR_SUCCESS;
}

/* Makes the request ready to be sent again: the previous response and its body go. */
static void reset_request( struct request *request )
{
    close_spent_connection( request );
    /* an unread body would be taken for the next response: not worth draining here */
    release_connection( request, request->state == REQUEST_RESPONSE && request->body_done && request->keep_alive );
    AcquireSRWLockExclusive( &request->hdr.lock );
    free_response( request );
    request->state = REQUEST_OPEN;
    ReleaseSRWLockExclusive( &request->hdr.lock );
}

/* More bytes into the read buffer; *got is 0 when the server closed the connection. */
static DWORD fill_read_buffer( struct request *request, int timeout, size_t limit, size_t *got )
{
    DWORD error;

    if (!request->read_buf)
    {
        if (!(request->read_buf = malloc( READ_BUFFER_SIZE ))) return ERROR_OUTOFMEMORY;
        request->read_size = READ_BUFFER_SIZE;
    }
    if (request->read_pos == request->read_end) request->read_pos = request->read_end = 0;
    else if (request->read_end == request->read_size)
    {
        memmove( request->read_buf, request->read_buf + request->read_pos, request->read_end - request->read_pos );
        request->read_end -= request->read_pos;
        request->read_pos = 0;
    }
    if (request->read_end == request->read_size) return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
    if (limit > request->read_size - request->read_end) limit = request->read_size - request->read_end;
    if ((error = netconn_recv( request->netconn, request->read_buf + request->read_end, limit, timeout, got )))
        return error;
    request->read_end += *got;
    return ERROR_SUCCESS;
}

/* A body worth a big buffer gets one; it goes again when the body is done. */
static void use_body_buffer( struct request *request, BOOL large )
{
    size_t size = large ? BODY_BUFFER_SIZE : READ_BUFFER_SIZE, pending = request->read_end - request->read_pos;
    char *buffer;

    if (request->read_buf && request->read_size == size) return;
    if (pending > size || !(buffer = malloc( size ))) return;
    if (pending) memcpy( buffer, request->read_buf + request->read_pos, pending );
    free( request->read_buf );
    request->read_buf = buffer;
    request->read_size = size;
    request->read_pos = 0;
    request->read_end = pending;
}

static WCHAR *to_wide( const char *str, size_t len )
{
    int size = MultiByteToWideChar( CP_ACP, 0, str, len, NULL, 0 );
    WCHAR *ret = malloc( (size + 1) * sizeof(WCHAR) );

    if (!ret) return NULL;
    MultiByteToWideChar( CP_ACP, 0, str, len, ret, size );
    ret[size] = 0;
    return ret;
}

/* Reads one head into a growing buffer. *budget is what is left of
 * WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE for all heads of this response, interim
 * ones included. Each wait is bounded by the receive timeout, and all of them
 * together by the receive-response timeout once the application has set one. */
static DWORD read_head( struct request *request, ULONGLONG deadline, size_t *budget, char **ret_head,
                        size_t *ret_len )
{
    size_t used = 0, size = 0, end, got, scanned = 0;
    char *head = NULL;
    DWORD error;
    int wait;

    for (;;)
    {
        size_t take = request->read_end - request->read_pos;

        if (used + take > size)
        {
            size_t new_size = max( size * 2, used + take + 1024 );
            char *grown = realloc( head, new_size );
            if (!grown) { free( head ); return ERROR_OUTOFMEMORY; }
            head = grown;
            size = new_size;
        }
        memcpy( head + used, request->read_buf + request->read_pos, take );
        /* only the new bytes, and the three before them, can complete the blank line */
        if (http_find_head_end( head + scanned, used + take - scanned, &end ) == PARSE_DONE)
        {
            end += scanned;
            request->read_pos += end - used;
            if (end > *budget) break;
            *budget -= end;
            *ret_head = head;
            *ret_len = end;
            return ERROR_SUCCESS;
        }
        used += take;
        scanned = used > 3 ? used - 3 : 0;
        request->read_pos = request->read_end;
        if (used > *budget) break;

        wait = request->timeouts.receive > 0 ? request->timeouts.receive : 0;
        if (deadline)
        {
            ULONGLONG now = GetTickCount64();
            int left = now >= deadline ? 0 : (int)min( deadline - now, 0x7fffffff );
            if (!left) error = ERROR_WINHTTP_TIMEOUT;
            if (!wait || left < wait) wait = max( left, 1 );
            if (!left) goto failed;
        }
        error = fill_read_buffer( request, wait, ~(size_t)0, &got );
        if (!error && !got) error = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        /* a kept-alive connection the server had closed: not this request's fault */
        if (error && error != ERROR_WINHTTP_TIMEOUT && !used && request->conn_reused &&
            request->total_len == request->optional_len)
            error = ERROR_WINHTTP_RESEND_REQUEST;
        if (error) goto failed;
    }
    error = ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
failed:
    free( head );
    return error;
}

/* Decimal Content-Length; several must agree. */
static BOOL parse_content_length( const WCHAR *value, ULONGLONG *length )
{
    ULONGLONG n = 0;

    if (*value < '0' || *value > '9') return FALSE;
    for (; *value >= '0' && *value <= '9'; value++)
    {
        if (n > (~(ULONGLONG)0 - (*value - '0')) / 10) return FALSE;
        n = n * 10 + (*value - '0');
    }
    if (*value) return FALSE;
    *length = n;
    return TRUE;
}

static DWORD parse_head( struct request *request, const char *head, size_t len )
{
    struct status_line status;
    struct header_list *list = &request->response_headers;
    const char *line;
    ptrdiff_t line_len;
    size_t pos = 0;

    if (memchr( head, 0, len )) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;  /* no NUL in a head */
    if ((line_len = http_next_line( head, len, &pos, &line )) < 0 ||
        http_parse_status_line( line, line_len, &status ) != PARSE_DONE)
        return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    request->status_code = status.status;
    if (!(request->status_text = to_wide( status.reason, status.reason_len ))) return ERROR_OUTOFMEMORY;
    if (!(request->response_version = malloc( 9 * sizeof(WCHAR) ))) return ERROR_OUTOFMEMORY;
    swprintf( request->response_version, 9, L"HTTP/%u.%u", status.major, status.minor );
    request->keep_alive = status.major > 1 || (status.major == 1 && status.minor >= 1);

    while ((line_len = http_next_line( head, len, &pos, &line )) > 0)
    {
        struct header_field field;
        WCHAR *name, *value;
        DWORD error;

        if (http_is_continuation( line, line_len ))
        {
            /* obs-fold: the line continues the previous value */
            struct header *prev;
            size_t start = 0;
            if (!list->count) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            prev = &list->items[list->count - 1];
            while (start < (size_t)line_len && (line[start] == ' ' || line[start] == '\t')) start++;
            if (!(value = to_wide( line + start, line_len - start ))) return ERROR_OUTOFMEMORY;
            {
                size_t old = wcslen( prev->value ), add = wcslen( value );
                WCHAR *joined = malloc( (old + 1 + add + 1) * sizeof(WCHAR) );
                if (!joined) { free( value ); return ERROR_OUTOFMEMORY; }
                memcpy( joined, prev->value, old * sizeof(WCHAR) );
                joined[old] = ' ';
                memcpy( joined + old + 1, value, (add + 1) * sizeof(WCHAR) );
                free( prev->value );
                prev->value = joined;
            }
            free( value );
            continue;
        }
        if (http_parse_field( line, line_len, &field ) != PARSE_DONE) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        if (list->count >= MAX_HEADER_COUNT) return ERROR_WINHTTP_HEADER_COUNT_EXCEEDED;
        name = to_wide( field.name, field.name_len );
        value = to_wide( field.value, field.value_len );
        error = (name && value) ? append_header( list, name, wcslen( name ), value, wcslen( value ) )
                                : ERROR_OUTOFMEMORY;
        free( name );
        free( value );
        if (error) return error;
    }
    return ERROR_SUCCESS;
}

/* How the body is framed, from the status, the method and the headers. */
static DWORD setup_body( struct request *request )
{
    const struct header *header;
    unsigned int i;

    request->content_length = ~(ULONGLONG)0;
    if (!wcscmp( request->verb, L"HEAD" ) || request->status_code < 200 || request->status_code == 204 ||
        request->status_code == 304)
    {
        request->content_length = 0;
        request->body_done = TRUE;
    }
    else if ((header = find_header( &request->response_headers, L"Transfer-Encoding", 0 )) &&
             header_has_token( header->value, L"chunked" ))
    {
        request->body_chunked = TRUE;
        /* with a Content-Length too, the message is suspect: do not reuse the connection */
        if (find_header( &request->response_headers, L"Content-Length", 0 )) request->keep_alive = FALSE;
    }
    else if ((header = find_header( &request->response_headers, L"Content-Length", 0 )))
    {
        ULONGLONG length, other;
        if (!parse_content_length( header->value, &length )) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        for (i = 1; (header = find_header( &request->response_headers, L"Content-Length", i )); i++)
            if (!parse_content_length( header->value, &other ) || other != length)
                return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        request->content_length = length;
        if (!length) request->body_done = TRUE;
    }
    else
    {
        request->body_to_close = TRUE;
        request->keep_alive = FALSE;
    }

    if ((header = find_header( &request->response_headers, L"Connection", 0 )))
    {
        if (header_has_token( header->value, L"close" )) request->keep_alive = FALSE;
        else if (header_has_token( header->value, L"keep-alive" ) && !request->body_to_close) request->keep_alive = TRUE;
    }
    if (!request->body_done && (request->decompression & WINHTTP_DECOMPRESSION_FLAG_ALL) &&
        (header = find_header( &request->response_headers, L"Content-Encoding", 0 )) &&
        !find_header( &request->response_headers, L"Content-Encoding", 1 ))
    {
        BOOL gzip = !_wcsicmp( header->value, L"gzip" ) || !_wcsicmp( header->value, L"x-gzip" );
        BOOL deflate = !_wcsicmp( header->value, L"deflate" );

        /* only the encodings the application asked us to decode */
        if ((gzip && (request->decompression & WINHTTP_DECOMPRESSION_FLAG_GZIP)) ||
            (deflate && (request->decompression & WINHTTP_DECOMPRESSION_FLAG_DEFLATE)))
        {
            if (!(request->decoder = decompressor_create( header->value ))) return ERROR_OUTOFMEMORY;
        }
    }
    /* after a protocol switch the connection is the WebSocket's, see take_upgraded_connection */
    if (request->body_done && request->status_code != 101) release_connection( request, request->keep_alive );
    return ERROR_SUCCESS;
}

/* For WinHttpWebSocketCompleteUpgrade: the connection leaves the request and its
 * server's count, with the bytes that came after the 101's head (malloc'ed, may be NULL). */
DWORD take_upgraded_connection( struct request *request, struct netconn **conn, char **extra, size_t *extra_len )
{
    size_t pending;

    if (!(*conn = take_connection( request, &request->netconn ))) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    pool_release( request_session( request ), (*conn)->host, (*conn)->port, (*conn)->secure );
    *extra = NULL;
    *extra_len = pending = request->read_end - request->read_pos;
    if (pending)
    {
        if (!(*extra = malloc( pending ))) *extra_len = 0;
        else memcpy( *extra, request->read_buf + request->read_pos, pending );
        request->read_pos = request->read_end;
    }
    return ERROR_SUCCESS;
}

/* Every Set-Cookie of a final response goes into the session's jar. */
static void store_cookies( struct request *request )
{
    const struct header *header;
    unsigned int i;

    if (request->disable_flags & WINHTTP_DISABLE_COOKIES) return;
    for (i = 0; (header = find_header( &request->response_headers, L"Set-Cookie", i )); i++)
        cookie_jar_store( session_cookie_jar( request_session( request ) ), request->host, request->path,
                          request->secure, header->value );
}

static DWORD receive_response( struct request *request )
{
    ULONGLONG deadline;
    DWORD error;
    char *head;
    size_t len, budget;

    if (request->chunked_upload && (error = netconn_send( request->netconn, "0\r\n\r\n", 5, request->timeouts.send )))
        return error;
    if (!request->receiving_notified)
        send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0 );
    request->receiving_notified = FALSE;
    budget = request->max_response_header_size;
    deadline = request->timeouts.receive_response > 0 ? GetTickCount64() + request->timeouts.receive_response : 0;
    for (;;)
    {
        if ((error = read_head( request, deadline, &budget, &head, &len ))) return error;
        AcquireSRWLockExclusive( &request->hdr.lock );
        free_header_list( &request->response_headers );
        free( request->status_text );
        free( request->response_version );
        request->status_text = request->response_version = NULL;
        error = parse_head( request, head, len );
        ReleaseSRWLockExclusive( &request->hdr.lock );
        free( head );
        if (error) return error;
        /* interim responses are skipped, except a protocol switch */
        if (request->status_code >= 200 || request->status_code == 101) break;
    }
    store_cookies( request );
    {
        DWORD received = len;
        send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &received, sizeof(received) );
    }
    return setup_body( request );
}

static DWORD read_body( struct request *request, char *buffer, size_t size, size_t *read );
static DWORD apply_redirect( struct request *request, WCHAR *host, WCHAR *path, INTERNET_PORT port, BOOL secure );

static BOOL is_redirect( unsigned int status )
{
    return (status >= 300 && status <= 303) || status == 307 || status == 308;
}

/* Reads and drops a body, as far as WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE allows. */
static DWORD drain_body( struct request *request )
{
    char buffer[4096];
    ULONGLONG total = 0;
    size_t count;
    DWORD error;

    while (!request->body_done)
    {
        if ((error = read_body( request, buffer, sizeof(buffer), &count ))) return error;
        if ((total += count) > request->max_response_drain_size)
        {
            release_connection( request, FALSE );
            request->body_done = TRUE;
        }
    }
    return ERROR_SUCCESS;
}

/* The absolute URL a Location value names, relative to the current target. */
static WCHAR *resolve_location( struct request *request, const WCHAR *location )
{
    const WCHAR *scheme = request->secure ? L"https" : L"http";
    size_t len = wcslen( location ) + wcslen( request->host ) + wcslen( request->path ) + 32;
    WCHAR *url = malloc( len * sizeof(WCHAR) ), *slash;

    if (!url) return NULL;
    if (wcsstr( location, L"://" )) wcscpy( url, location );
    else if (location[0] == '/' && location[1] == '/') swprintf( url, len, L"%ls:%ls", scheme, location );
    else
    {
        swprintf( url, len, L"%ls://%ls:%u", scheme, request->host, request->port );
        if (location[0] == '/') wcscat( url, location );
        else
        {
            /* relative to the current path's folder */
            size_t base = wcslen( url );
            wcscat( url, request->path );
            if ((slash = wcsrchr( url + base, '/' ))) slash[1] = 0;
            wcscat( url, location );
        }
    }
    return url;
}

/* Points the request at Location. Returns ERROR_SUCCESS to resend, ERROR_NO_MORE_ITEMS
 * when policy says the 3xx goes to the application as it is, or an error. */
static DWORD prepare_redirect( struct request *request, const WCHAR *location )
{
    URL_COMPONENTS uc = { sizeof(uc) };
    WCHAR *url, *host, *path;
    BOOL secure;
    DWORD error;

    if (!(url = resolve_location( request, location ))) return ERROR_OUTOFMEMORY;
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = ~0u;
    if (!WinHttpCrackUrl( url, 0, 0, &uc ) || !uc.dwHostNameLength)
    {
        free( url );
        return ERROR_WINHTTP_REDIRECT_FAILED;
    }
    secure = uc.nScheme == INTERNET_SCHEME_HTTPS;
    if (request->secure && !secure && request->redirect_policy != WINHTTP_OPTION_REDIRECT_POLICY_ALWAYS)
    {
        free( url );
        return ERROR_NO_MORE_ITEMS;
    }
    host = malloc( (uc.dwHostNameLength + 1) * sizeof(WCHAR) );
    path = malloc( (uc.dwUrlPathLength + uc.dwExtraInfoLength + 2) * sizeof(WCHAR) );
    if (!host || !path)
    {
        free( host );
        free( path );
        free( url );
        return ERROR_OUTOFMEMORY;
    }
    memcpy( host, uc.lpszHostName, uc.dwHostNameLength * sizeof(WCHAR) );
    host[uc.dwHostNameLength] = 0;
    if (uc.dwUrlPathLength) memcpy( path, uc.lpszUrlPath, uc.dwUrlPathLength * sizeof(WCHAR) );
    else path[0] = '/';
    memcpy( path + max( uc.dwUrlPathLength, 1 ), uc.lpszExtraInfo, uc.dwExtraInfoLength * sizeof(WCHAR) );
    path[max( uc.dwUrlPathLength, 1 ) + uc.dwExtraInfoLength] = 0;
    {
        /* a Location may hold what an object name may not: escape it the same way */
        WCHAR *escaped = escape_object_name( path, 0 );
        free( path );
        if (!(path = escaped))
        {
            free( host );
            free( url );
            return ERROR_OUTOFMEMORY;
        }
    }

    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_REDIRECT, url, wcslen( url ) );
    free( url );

    AcquireSRWLockExclusive( &request->hdr.lock );
    error = apply_redirect( request, host, path, uc.nPort, secure );
    ReleaseSRWLockExclusive( &request->hdr.lock );
    return error;
}

/* Moves the request to its new target; called with the object lock held. */
static DWORD apply_redirect( struct request *request, WCHAR *host, WCHAR *path, INTERNET_PORT port, BOOL secure )
{
    BOOL same_origin;

    same_origin = !_wcsicmp( host, request->host ) && port == request->port && secure == request->secure;
    if (!same_origin)
    {
        /* credentials never follow a redirect to another origin */
        add_header( &request->headers, L"Authorization", 13, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE );
        add_header( &request->headers, L"Cookie", 6, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE );
        free( request->username );
        free( request->password );
        request->username = request->password = NULL;
    }
    free( request->host );
    free( request->path );
    request->host = host;
    request->path = path;
    request->port = port;
    request->secure = secure;

    /* 303 always (but for HEAD), and 300 to 302 after a POST, turn into a GET without a body */
    if ((request->status_code == 303 && wcscmp( request->verb, L"HEAD" )) ||
        (request->status_code < 303 && !wcscmp( request->verb, L"POST" )))
    {
        WCHAR *get = strdupW( L"GET" );
        if (!get) return ERROR_OUTOFMEMORY;
        free( request->verb );
        request->verb = get;
        free( request->optional );
        request->optional = NULL;
        request->optional_len = request->total_len = 0;
        add_header( &request->headers, L"Content-Length", 14, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE );
        add_header( &request->headers, L"Content-Type", 12, L"", 0, WINHTTP_ADDREQ_FLAG_REPLACE );
    }
    return ERROR_SUCCESS;
}

/* Receives the response, following redirects as the options allow. */
static DWORD receive_redirected_response( struct request *request )
{
    const struct header *location;
    unsigned int redirects = 0;
    DWORD error;

    for (;;)
    {
        error = receive_response( request );
        /* a dead kept-alive connection: once more on a new one, if the body can be sent again */
        if (error == ERROR_WINHTTP_RESEND_REQUEST)
        {
            drop_connection( request );
            free_response( request );
            if (!(error = send_request( request, request->optional, request->optional_len, request->total_len )))
            {
                request->conn_reused = FALSE;
                error = receive_response( request );
                if (error == ERROR_WINHTTP_RESEND_REQUEST) error = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
            }
        }
        if (error) return error;
        if (!is_redirect( request->status_code ) || request->redirect_policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER ||
            (request->disable_flags & WINHTTP_DISABLE_REDIRECTS) ||
            !(location = find_header( &request->response_headers, L"Location", 0 )))
            return ERROR_SUCCESS;
        /* a body written with WriteData cannot be sent again */
        if (request->total_len > request->optional_len && request->status_code >= 307) return ERROR_SUCCESS;
        if (++redirects > request->max_redirects) return ERROR_WINHTTP_REDIRECT_FAILED;
        {
            WCHAR *target = strdupW( location->value );
            if (!target) return ERROR_OUTOFMEMORY;
            error = prepare_redirect( request, target );
            free( target );
        }
        if (error == ERROR_NO_MORE_ITEMS) return ERROR_SUCCESS;
        if (error || (error = drain_body( request ))) return error;
        release_connection( request, request->keep_alive && request->body_done );
        free_response( request );
        if ((error = send_request( request, request->optional, request->optional_len, request->total_len ))) return error;
    }
}

static DWORD chunked_error( int result )
{
    return result == PARSE_TOO_LONG ? ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW
                                    : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* Copies up to size body bytes into buffer; 0 bytes means the body is complete. */
static DWORD read_body( struct request *request, char *buffer, size_t size, size_t *read )
{
    size_t got, count;
    DWORD error;

    *read = 0;
    while (!request->body_done && size)
    {
        size_t avail = request->read_end - request->read_pos;

        if (request->body_chunked)
        {
            if (request->chunked.state != CHUNK_DATA && avail)
            {
                size_t used;
                int ret = chunked_decode( &request->chunked, request->read_buf + request->read_pos, avail, &used );
                if (ret < 0) return chunked_error( ret );  /* used is not set then */
                request->read_pos += used;
                if (ret == PARSE_DONE) { request->body_done = TRUE; break; }
                avail = request->read_end - request->read_pos;
            }
            if (request->chunked.state == CHUNK_DATA && avail)
            {
                count = min( min( avail, size ), request->chunked.remaining );
                memcpy( buffer, request->read_buf + request->read_pos, count );
                request->read_pos += count;
                chunked_consumed( &request->chunked, count );
                *read = count;
                return ERROR_SUCCESS;
            }
        }
        else
        {
            ULONGLONG left = request->body_to_close ? ~(ULONGLONG)0 : request->content_length - request->content_read;

            if (!left) { request->body_done = TRUE; break; }
            if (size > left) size = left;
            if (avail)
            {
                count = min( avail, size );
                memcpy( buffer, request->read_buf + request->read_pos, count );
                request->read_pos += count;
            }
            else if (size >= BODY_BUFFER_SIZE || left <= size)
            {
                /* nothing buffered: straight into the caller's buffer, one socket call */
                if ((error = netconn_recv( request->netconn, buffer, size, request->timeouts.receive, &count )))
                    return error;
                if (!count)
                {
                    if (request->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
                    if (!request->body_to_close) return ERROR_WINHTTP_CONNECTION_ERROR;  /* truncated */
                    request->body_done = TRUE;
                    break;
                }
            }
            else
            {
                /* a small read of a large body: fetch a megabyte and serve the next reads from it */
                use_body_buffer( request, TRUE );
                if ((error = fill_read_buffer( request, request->timeouts.receive, left, &got ))) return error;
                if (!got)
                {
                    if (request->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
                    if (!request->body_to_close) return ERROR_WINHTTP_CONNECTION_ERROR;  /* truncated */
                    request->body_done = TRUE;
                    break;
                }
                continue;
            }
            request->content_read += count;
            if (!request->body_to_close && request->content_read == request->content_length) request->body_done = TRUE;
            *read = count;
            break;
        }
        /* chunked framing needs more bytes */
        use_body_buffer( request, TRUE );
        if ((error = fill_read_buffer( request, request->timeouts.receive, ~(size_t)0, &got ))) return error;
        if (!got) return ERROR_WINHTTP_CONNECTION_ERROR;
    }
    if (request->body_done)
    {
        release_connection( request, request->keep_alive );
        use_body_buffer( request, FALSE );
    }
    return ERROR_SUCCESS;
}

/* What can be read without waiting, or, when nothing is buffered, after one wait. */
static DWORD data_available( struct request *request, DWORD *available )
{
    size_t avail, got;
    DWORD error;

    for (;;)
    {
        avail = request->read_end - request->read_pos;
        if (request->body_done) { *available = 0; return ERROR_SUCCESS; }
        if (request->body_chunked && avail)
        {
            size_t used;
            int ret = PARSE_NEED_MORE;
            if (request->chunked.state != CHUNK_DATA)
                ret = chunked_decode( &request->chunked, request->read_buf + request->read_pos, avail, &used );
            else used = 0;
            if (ret < 0) return chunked_error( ret );  /* used is not set then */
            request->read_pos += used;
            if (ret == PARSE_DONE)
            {
                request->body_done = TRUE;
                release_connection( request, request->keep_alive );
                continue;
            }
            avail = request->read_end - request->read_pos;
            if (request->chunked.state == CHUNK_DATA && avail)
            {
                *available = (DWORD)min( avail, request->chunked.remaining );
                return ERROR_SUCCESS;
            }
        }
        else if (avail)
        {
            ULONGLONG left = request->body_to_close ? avail : request->content_length - request->content_read;
            *available = (DWORD)min( avail, left );
            return ERROR_SUCCESS;
        }
        if ((error = fill_read_buffer( request, request->timeouts.receive, ~(size_t)0, &got ))) return error;
        if (!got)
        {
            if (request->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
            if (!request->body_to_close) return ERROR_WINHTTP_CONNECTION_ERROR;
            request->body_done = TRUE;
            release_connection( request, FALSE );
        }
    }
}


/* The network operations of a request. One runs at a time: synchronously on the
 * caller's thread, or, on asynchronous handles, on the request's task queue with
 * the completion reported by callback. */
enum operation
{
    OP_SEND,
    OP_WRITE,
    OP_RECEIVE,
    OP_QUERY_DATA,
    OP_READ,
};

struct operation_task
{
    struct task task;
    enum operation op;
    DWORD total_len;                /* send */
    const void *buffer;             /* write: the application's data; read: where it goes */
    DWORD len;
    BOOL fill;                      /* read: fill the whole buffer */
};

static DWORD do_send( struct request *request, DWORD total_len )
{
    DWORD error;

    if (request->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
    if ((error = send_request( request, request->optional, request->optional_len, total_len ))) return error;
    request->state = REQUEST_SENT;
    return ERROR_SUCCESS;
}

static DWORD do_write( struct request *request, const void *buffer, DWORD len )
{
    DWORD error;
    char size[20];
    int size_len;

    if (request->state != REQUEST_SENT || !request->netconn) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (!request->chunked_upload) error = netconn_send( request->netconn, buffer, len, request->timeouts.send );
    else if (!len) error = ERROR_SUCCESS;  /* a zero-length chunk would end the body early */
    else
    {
        size_len = sprintf( size, "%lx\r\n", len );
        if (!(error = netconn_send( request->netconn, size, size_len, request->timeouts.send )) &&
            !(error = netconn_send( request->netconn, buffer, len, request->timeouts.send )))
            error = netconn_send( request->netconn, "\r\n", 2, request->timeouts.send );
    }
    if (error) return error;
    request->body_remaining -= min( request->body_remaining, len );
    return ERROR_SUCCESS;
}

static DWORD do_receive( struct request *request )
{
    DWORD error;

    if (request->state != REQUEST_SENT || !request->netconn) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if ((error = receive_redirected_response( request )))
    {
        release_connection( request, FALSE );
        return error;
    }
    AcquireSRWLockExclusive( &request->hdr.lock );
    request->state = REQUEST_RESPONSE;
    ReleaseSRWLockExclusive( &request->hdr.lock );
    return ERROR_SUCCESS;
}

#define DECODE_BUFFER_SIZE 65536

/* Decompressed body bytes into request->decoded; none once the body has ended. */
static DWORD fill_decoded( struct request *request )
{
    size_t consumed, produced, count;
    BOOL finished;
    DWORD error;

    if (!request->decoded && !(request->decoded = malloc( DECODE_BUFFER_SIZE ))) return ERROR_OUTOFMEMORY;
    if (!request->coded && !(request->coded = malloc( DECODE_BUFFER_SIZE ))) return ERROR_OUTOFMEMORY;
    request->decoded_pos = request->decoded_end = 0;
    for (;;)
    {
        size_t pending = request->coded_end - request->coded_pos;

        if (!request->body_done && pending < DECODE_BUFFER_SIZE / 2)
        {
            memmove( request->coded, request->coded + request->coded_pos, pending );
            request->coded_pos = 0;
            request->coded_end = pending;
            if ((error = read_body( request, request->coded + pending, DECODE_BUFFER_SIZE - pending, &count )))
                return error;
            request->coded_end += count;
        }
        if ((error = decompressor_run( request->decoder, request->coded + request->coded_pos,
                                       request->coded_end - request->coded_pos, &consumed, request->decoded,
                                       DECODE_BUFFER_SIZE, &produced, &finished )))
            return error;
        request->coded_pos += consumed;
        request->decoded_end = produced;
        if (produced) return ERROR_SUCCESS;
        /* nothing more will come: the body is over (a stream cut short ends here too) */
        if (request->body_done && (finished || !consumed)) return ERROR_SUCCESS;
    }
}

static DWORD read_decoded( struct request *request, char *buffer, size_t size, size_t *read )
{
    DWORD error;

    *read = 0;
    if (request->decoded_pos == request->decoded_end && (error = fill_decoded( request ))) return error;
    *read = min( size, request->decoded_end - request->decoded_pos );
    memcpy( buffer, request->decoded + request->decoded_pos, *read );
    request->decoded_pos += *read;
    return ERROR_SUCCESS;
}

static DWORD do_read( struct request *request, void *buffer, DWORD len, BOOL fill, DWORD *read )
{
    DWORD error = ERROR_SUCCESS, total = 0;
    size_t count;

    if (request->state != REQUEST_RESPONSE) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    do
    {
        if (request->decoder) error = read_decoded( request, (char *)buffer + total, len - total, &count );
        else error = read_body( request, (char *)buffer + total, len - total, &count );
        if (error) break;
        total += count;
    } while (fill && count && total < len);
    *read = total;
    return error;
}

static DWORD run_operation( struct request *request, struct operation_task *op, DWORD *result )
{
    DWORD error;

    *result = 0;
    if (request->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
    switch (op->op)
    {
    case OP_SEND:       error = do_send( request, op->total_len ); break;
    case OP_WRITE:      error = do_write( request, op->buffer, op->len ); *result = error ? 0 : op->len; break;
    case OP_RECEIVE:    error = do_receive( request ); break;
    case OP_QUERY_DATA:
        if (request->state != REQUEST_RESPONSE) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        else if (!request->decoder) error = data_available( request, result );
        else if (request->decoded_pos < request->decoded_end || !(error = fill_decoded( request )))
        {
            *result = request->decoded_end - request->decoded_pos;
            error = ERROR_SUCCESS;
        }
        break;
    case OP_READ:       error = do_read( request, (void *)op->buffer, op->len, op->fill, result ); break;
    default:            error = ERROR_INVALID_PARAMETER; break;
    }
    /* an I/O error after a close is the close's doing */
    if (error && request->cancelled) error = ERROR_WINHTTP_OPERATION_CANCELLED;
    return error;
}

static void send_completion( struct request *request, struct operation_task *op, DWORD error, DWORD result )
{
    static const DWORD api[] = { API_SEND_REQUEST, API_WRITE_DATA, API_RECEIVE_RESPONSE, API_QUERY_DATA_AVAILABLE,
                                 API_READ_DATA };
    struct object_header *obj = &request->hdr;

    if (error)
    {
        WINHTTP_ASYNC_RESULT async_result = { api[op->op], error };
        send_callback( obj, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &async_result, sizeof(async_result) );
        return;
    }
    switch (op->op)
    {
    case OP_SEND:       send_callback( obj, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, NULL, 0 ); break;
    case OP_WRITE:      send_callback( obj, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, &result, sizeof(result) ); break;
    case OP_RECEIVE:    send_callback( obj, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, NULL, 0 ); break;
    case OP_QUERY_DATA: send_callback( obj, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, &result, sizeof(result) ); break;
    case OP_READ:       send_callback( obj, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, (void *)op->buffer, result ); break;
    }
}

/* An asynchronous operation that would begin by waiting for the server: for a
 * response, or for more of the body. Such waits hold no thread (see poller.c). */
static BOOL must_wait( struct request *request, enum operation op )
{
    if (!request->netconn || request->read_end > request->read_pos) return FALSE;
    switch (op)
    {
    case OP_RECEIVE:
        if (request->state != REQUEST_SENT || request->chunked_upload) return FALSE;
        break;
    case OP_QUERY_DATA:
    case OP_READ:
        if (request->state != REQUEST_RESPONSE || request->body_done) return FALSE;
        if (request->decoder && (request->decoded_pos < request->decoded_end || request->coded_pos < request->coded_end))
            return FALSE;
        break;
    default:
        return FALSE;
    }
    return !netconn_readable( request->netconn );
}

/* The first wait for a response: the receive timeout, or the receive-response one if shorter. */
static int response_timeout( struct request *request )
{
    const struct timeouts *t = &request->timeouts;
    int receive = t->receive > 0 ? t->receive : 0, response = t->receive_response > 0 ? t->receive_response : 0;

    if (!receive) return response;
    if (!response) return receive;
    return min( receive, response );
}

/* The wait is over: the socket has something, closed, or the timeout passed. */
static void wait_done( struct socket_wait *wait, BOOL timed_out )
{
    struct request *request = CONTAINING_RECORD( wait, struct request, wait );
    struct operation_task *op = request->waiting_op;
    DWORD error, value = 0;

    request->waiting_op = NULL;
    if (timed_out && !request->cancelled) error = ERROR_WINHTTP_TIMEOUT;
    else error = run_operation( request, op, &value );
    InterlockedExchange( &request->busy, 0 );
    send_completion( request, op, error, value );
    release_object( &request->hdr );
    free( op );
}

/* Parks the operation until its socket is readable: a thousand requests waiting
 * for slow servers then need the one poller thread, not a thousand workers. */
static BOOL start_wait( struct request *request, struct operation_task *op )
{
    int timeout = op->op == OP_RECEIVE ? response_timeout( request ) : request->timeouts.receive;

    request->waiting_op = op;
    request->wait.done = wait_done;
    if (!socket_wait_start( &request->wait, request->netconn->socket, timeout ))
    {
        request->waiting_op = NULL;
        return FALSE;
    }
    /* a close that came before the wait was in the list would not have woken it */
    MemoryBarrier();
    if (request->cancelled) socket_wait_wake( &request->wait );
    return TRUE;
}

static BOOL run_operation_task( struct task *task )
{
    struct operation_task *op = CONTAINING_RECORD( task, struct operation_task, task );
    struct request *request = CONTAINING_RECORD( task->obj, struct request, hdr );
    DWORD error, result;

    if (!request->cancelled && must_wait( request, op->op ))
    {
        /* Windows says it is receiving before it waits for the answer */
        if (op->op == OP_RECEIVE && !request->receiving_notified)
        {
            send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0 );
            request->receiving_notified = TRUE;
        }
        if (start_wait( request, op )) return TRUE;
    }
    error = run_operation( request, op, &result );
    /* the next operation may start from inside the completion callback */
    InterlockedExchange( &request->busy, 0 );
    send_completion( request, op, error, result );
    return FALSE;
}

/* Starts an operation: at once on synchronous handles, queued on asynchronous ones.
 * Returns the error to report from the API call itself. */
static DWORD start_operation( struct request *request, struct operation_task *op, DWORD *result )
{
    struct operation_task *task;
    DWORD error;

    if (InterlockedCompareExchange( &request->busy, 1, 0 )) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    if (!(request->hdr.flags & WINHTTP_FLAG_ASYNC))
    {
        error = run_operation( request, op, result );
        InterlockedExchange( &request->busy, 0 );
        return error;
    }
    if (!(task = malloc( sizeof(*task) )))
    {
        InterlockedExchange( &request->busy, 0 );
        return ERROR_OUTOFMEMORY;
    }
    *task = *op;
    task->task.obj = &request->hdr;
    task->task.run = run_operation_task;
    InterlockedIncrement( &request->hdr.refs );
    return queue_task( &request->queue, &task->task );
}

static struct request *grab_request( HINTERNET handle )
{
    struct object_header *obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST );
    return obj ? CONTAINING_RECORD( obj, struct request, hdr ) : NULL;
}

BOOL WINAPI WinHttpSendRequest( HINTERNET handle, const WCHAR *headers, DWORD headers_len, void *optional,
                                DWORD optional_len, DWORD total_len, DWORD_PTR context )
{
    struct operation_task op = { .op = OP_SEND, .total_len = max( total_len, optional_len ) };
    struct request *request;
    DWORD error = ERROR_SUCCESS, result;

    TRACE( "%p, %s, %lu, %p, %lu, %lu, %#Ix\n", handle, debugstr_wn(headers, headers_len == ~0u ? -1 : (int)headers_len),
           headers_len, optional, optional_len, total_len, context );

    if (!(request = grab_request( handle ))) return FALSE;
    if (!optional && optional_len) error = ERROR_INVALID_PARAMETER;
    else if (request->busy) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else
    {
        /* the previous exchange ends here; the new request's data is kept for a redirect's resend */
        reset_request( request );
        AcquireSRWLockExclusive( &request->hdr.lock );
        if (context) request->hdr.context = context;
        /* a length of 0 or -1: the headers end at their NUL */
        if (headers)
            error = add_request_headers( &request->headers, headers,
                                         (!headers_len || headers_len == ~0u) ? wcslen( headers ) : headers_len,
                                         WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE );
        free( request->optional );
        request->optional = NULL;
        request->optional_len = request->total_len = 0;
        if (!error && optional_len && !(request->optional = malloc( optional_len ))) error = ERROR_OUTOFMEMORY;
        if (!error)
        {
            if (optional_len) memcpy( request->optional, optional, optional_len );
            request->optional_len = optional_len;
            request->total_len = op.total_len;
        }
        ReleaseSRWLockExclusive( &request->hdr.lock );
        if (!error) error = start_operation( request, &op, &result );
    }
    release_object( &request->hdr );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpWriteData( HINTERNET handle, const void *buffer, DWORD to_write, DWORD *written )
{
    struct operation_task op = { .op = OP_WRITE, .buffer = buffer, .len = to_write };
    struct request *request;
    DWORD error, result = 0;

    TRACE( "%p, %p, %lu, %p\n", handle, buffer, to_write, written );

    if (!(request = grab_request( handle ))) return FALSE;
    if (!buffer && to_write) error = ERROR_INVALID_PARAMETER;
    else if (!written && !(request->hdr.flags & WINHTTP_FLAG_ASYNC)) error = ERROR_INVALID_PARAMETER;
    else if (!(error = start_operation( request, &op, &result )) && written &&
             !(request->hdr.flags & WINHTTP_FLAG_ASYNC))
        *written = result;
    release_object( &request->hdr );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpReceiveResponse( HINTERNET handle, void *reserved )
{
    struct operation_task op = { .op = OP_RECEIVE };
    struct request *request;
    DWORD error, result;

    TRACE( "%p, %p\n", handle, reserved );

    if (!(request = grab_request( handle ))) return FALSE;
    error = start_operation( request, &op, &result );
    release_object( &request->hdr );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpQueryDataAvailable( HINTERNET handle, DWORD *available )
{
    struct operation_task op = { .op = OP_QUERY_DATA };
    struct request *request;
    DWORD error, result = 0;

    TRACE( "%p, %p\n", handle, available );

    if (!(request = grab_request( handle ))) return FALSE;
    if (!(error = start_operation( request, &op, &result )) && available && !(request->hdr.flags & WINHTTP_FLAG_ASYNC))
        *available = result;
    release_object( &request->hdr );
    SetLastError( error );
    return !error;
}

static DWORD read_data( HINTERNET handle, void *buffer, DWORD to_read, DWORD *read, BOOL fill )
{
    struct operation_task op = { .op = OP_READ, .buffer = buffer, .len = to_read, .fill = fill };
    struct request *request;
    DWORD error, result = 0;

    if (!(request = grab_request( handle ))) return GetLastError();
    if (!buffer && to_read) error = ERROR_INVALID_PARAMETER;
    else if (!(error = start_operation( request, &op, &result )) && read && !(request->hdr.flags & WINHTTP_FLAG_ASYNC))
        *read = result;
    release_object( &request->hdr );
    return error;
}

BOOL WINAPI WinHttpReadData( HINTERNET handle, void *buffer, DWORD to_read, DWORD *read )
{
    DWORD error;

    TRACE( "%p, %p, %lu, %p\n", handle, buffer, to_read, read );

    error = read_data( handle, buffer, to_read, read, FALSE );
    SetLastError( error );
    return !error;
}

DWORD WINAPI WinHttpReadDataEx( HINTERNET handle, void *buffer, DWORD to_read, DWORD *read, ULONGLONG flags,
                                DWORD property_len, void *property )
{
    TRACE( "%p, %p, %lu, %p, %#I64x, %lu, %p\n", handle, buffer, to_read, read, flags, property_len, property );

    if ((flags & ~WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER) || property_len || property) return ERROR_INVALID_PARAMETER;
    return read_data( handle, buffer, to_read, read, flags & WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER );
}

/* WinHttpCloseHandle on a request: a blocked operation is woken with its socket shut. */
void cancel_request( struct request *request )
{
    AcquireSRWLockExclusive( &request->io_lock );
    request->cancelled = TRUE;
    if (request->netconn) netconn_cancel( request->netconn );
    ReleaseSRWLockExclusive( &request->io_lock );
    MemoryBarrier();  /* pairs with the one in start_wait */
    /* an operation parked on its socket, or waiting for a free connection, wakes up */
    socket_wait_wake( &request->wait );
    WakeAllConditionVariable( &request_session( request )->pool_cv );
    close_spent_connection( request );
}

/* WINHTTP_CONNECTION_INFO: the two ends of the request's connection. */
DWORD query_connection_info( struct request *request, void *buffer, DWORD *len )
{
    WINHTTP_CONNECTION_INFO info = { sizeof(info) };
    DWORD error;

    AcquireSRWLockShared( &request->io_lock );
    if (!request->netconn) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!buffer || *len < sizeof(info))
    {
        *len = sizeof(info);
        error = ERROR_INSUFFICIENT_BUFFER;
    }
    else
    {
        netconn_addresses( request->netconn, &info.LocalAddress, &info.RemoteAddress );
        memcpy( buffer, &info, sizeof(info) );
        *len = sizeof(info);
        error = ERROR_SUCCESS;
    }
    ReleaseSRWLockShared( &request->io_lock );
    return error;
}
