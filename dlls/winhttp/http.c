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

#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

#define READ_BUFFER_SIZE  16384
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
}

static struct session *request_session( struct request *request )
{
    return request->connect->session;
}

/* The connection is done with: back to the pool if the exchange left it clean. */
static void release_connection( struct request *request, BOOL reusable )
{
    if (!request->netconn) return;
    if (reusable && !(request->disable_flags & WINHTTP_DISABLE_KEEP_ALIVE))
        pool_put( request_session( request ), request->netconn );
    else
        netconn_close( request->netconn );
    request->netconn = NULL;
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
    WCHAR host[300], extra[512] = L"", *head, *p;
    size_t len, i;
    INTERNET_PORT default_port = request->secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;

    if (request->port == default_port) swprintf( host, ARRAY_SIZE(host), L"%.255ls", request->host );
    else swprintf( host, ARRAY_SIZE(host), L"%.255ls:%u", request->host, request->port );

    p = extra;
    if (!has_header( request, L"Connection" ))
        p += swprintf( p, 64, L"Connection: %ls\r\n",
                       (request->disable_flags & WINHTTP_DISABLE_KEEP_ALIVE) ? L"Close" : L"Keep-Alive" );
    if (send_length && !has_header( request, L"Content-Length" ) && !request->chunked_upload)
        p += swprintf( p, 64, L"Content-Length: %llu\r\n", (unsigned long long)content_length );
    if (!has_header( request, L"Host" )) p += swprintf( p, 320, L"Host: %ls\r\n", host );

    len = wcslen( request->verb ) + 1 + wcslen( request->path ) + 1 + wcslen( request->version ) + 2 + wcslen( extra );
    if (session->agent && !has_header( request, L"User-Agent" )) len += 12 + wcslen( session->agent ) + 2;
    if (request->accept_types)
        for (i = 0; request->accept_types[i]; i++) len += 8 + wcslen( request->accept_types[i] ) + 2;
    for (i = 0; i < request->headers.count; i++)
        len += wcslen( request->headers.items[i].field ) + 2 + wcslen( request->headers.items[i].value ) + 2;
    len += 3;
    if (!(head = malloc( len * sizeof(WCHAR) ))) return NULL;

    p = head;
    p += swprintf( p, len, L"%ls %ls %ls\r\n", request->verb, request->path, request->version );
    if (request->accept_types)
        for (i = 0; request->accept_types[i]; i++)
            p += swprintf( p, len - (p - head), L"Accept: %ls\r\n", request->accept_types[i] );
    if (session->agent && !has_header( request, L"User-Agent" ))
        p += swprintf( p, len - (p - head), L"User-Agent: %ls\r\n", session->agent );
    for (i = 0; i < request->headers.count; i++)
        p += swprintf( p, len - (p - head), L"%ls: %ls\r\n", request->headers.items[i].field,
                       request->headers.items[i].value );
    p += swprintf( p, len - (p - head), L"%ls\r\n", extra );
    return head;
}

static DWORD open_connection( struct request *request, BOOL *reused )
{
    DWORD error;

    if ((request->netconn = pool_take( request_session( request ), request->host, request->port, request->secure )))
    {
        *reused = TRUE;
        return ERROR_SUCCESS;
    }
    *reused = FALSE;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, NULL, 0 );
    if ((error = netconn_open( request->host, request->port, &request->timeouts, &request->netconn ))) return error;
    request->netconn->secure = request->secure;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, NULL, 0 );
    return ERROR_SUCCESS;
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

    if (request->secure)
    {
        FIXME( "HTTPS is not implemented yet\n" );
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
    te = find_header( &request->headers, L"Transfer-Encoding", 0 ) ?
         find_header( &request->headers, L"Transfer-Encoding", 0 )->value : NULL;
    request->chunked_upload = header_has_token( te, L"chunked" );
    send_length = total_len || optional_len || !wcscmp( request->verb, L"POST" ) || !wcscmp( request->verb, L"PUT" );
    if (total_len < optional_len) total_len = optional_len;
    optional_total = optional_len;

    if (!(head = build_request_head( request, total_len, send_length ))) return ERROR_OUTOFMEMORY;
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
        release_connection( request, FALSE );
        if (!reused) break;
    }
    free( bytes );
    if (error) return error;

    request->body_remaining = total_len - optional_total;
    return ERROR_SUCCESS;
}

/* Makes the request ready to be sent again: the previous response and its body go. */
static void reset_request( struct request *request )
{
    if (request->netconn)
    {
        /* an unread body would be taken for the next response: not worth draining here */
        release_connection( request, request->state == REQUEST_RESPONSE && request->body_done && request->keep_alive );
    }
    free_response( request );
    request->state = REQUEST_OPEN;
}

BOOL WINAPI WinHttpSendRequest( HINTERNET handle, const WCHAR *headers, DWORD headers_len, void *optional,
                                DWORD optional_len, DWORD total_len, DWORD_PTR context )
{
    struct object_header *obj;
    struct request *request;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %s, %lu, %p, %lu, %lu, %#Ix\n", handle, debugstr_wn(headers, headers_len == ~0u ? -1 : (int)headers_len),
           headers_len, optional, optional_len, total_len, context );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    if (obj->flags & WINHTTP_FLAG_ASYNC)
    {
        FIXME( "asynchronous requests are not implemented yet\n" );
        error = ERROR_CALL_NOT_IMPLEMENTED;
    }
    else if (!headers && headers_len) error = ERROR_INVALID_PARAMETER;
    else if (!optional && optional_len) error = ERROR_INVALID_PARAMETER;
    if (!error)
    {
        AcquireSRWLockExclusive( &obj->lock );
        reset_request( request );
        if (context) obj->context = context;
        if (headers && headers_len)
        {
            if (headers_len == ~0u) headers_len = wcslen( headers );
            error = add_request_headers( &request->headers, headers, headers_len,
                                         WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE );
        }
        free( request->optional );
        request->optional = NULL;
        request->optional_len = request->total_len = 0;
        if (!error && optional_len && !(request->optional = malloc( optional_len ))) error = ERROR_OUTOFMEMORY;
        if (!error)
        {
            if (optional_len) memcpy( request->optional, optional, optional_len );
            request->optional_len = optional_len;
            request->total_len = max( total_len, optional_len );
            error = send_request( request, optional, optional_len, total_len );
        }
        if (!error)
        {
            request->state = REQUEST_SENT;
            send_callback( obj, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &optional_len, sizeof(optional_len) );
        }
        ReleaseSRWLockExclusive( &obj->lock );
    }
    release_object( obj );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpWriteData( HINTERNET handle, const void *buffer, DWORD to_write, DWORD *written )
{
    struct object_header *obj;
    struct request *request;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %p, %lu, %p\n", handle, buffer, to_write, written );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    if (!buffer && to_write) error = ERROR_INVALID_PARAMETER;
    else if (!written && !(obj->flags & WINHTTP_FLAG_ASYNC)) error = ERROR_INVALID_PARAMETER;
    if (!error)
    {
        AcquireSRWLockExclusive( &obj->lock );
        if (request->state != REQUEST_SENT || !request->netconn) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        else if (request->chunked_upload)
        {
            char size[20];
            int len = sprintf( size, "%lx\r\n", to_write );
            /* a zero-length write would end the body early: it sends nothing */
            if (to_write && !(error = netconn_send( request->netconn, size, len, request->timeouts.send )) &&
                !(error = netconn_send( request->netconn, buffer, to_write, request->timeouts.send )))
                error = netconn_send( request->netconn, "\r\n", 2, request->timeouts.send );
        }
        else error = netconn_send( request->netconn, buffer, to_write, request->timeouts.send );
        if (!error)
        {
            if (request->body_remaining >= to_write) request->body_remaining -= to_write;
            else request->body_remaining = 0;
            if (written) *written = to_write;
        }
        ReleaseSRWLockExclusive( &obj->lock );
    }
    release_object( obj );
    SetLastError( error );
    return !error;
}

/* More bytes into the read buffer; *got is 0 when the server closed the connection. */
static DWORD fill_read_buffer( struct request *request, int timeout, size_t *got )
{
    DWORD error;

    if (!request->read_buf && !(request->read_buf = malloc( READ_BUFFER_SIZE ))) return ERROR_OUTOFMEMORY;
    request->read_size = READ_BUFFER_SIZE;
    if (request->read_pos == request->read_end) request->read_pos = request->read_end = 0;
    else if (request->read_end == request->read_size)
    {
        memmove( request->read_buf, request->read_buf + request->read_pos, request->read_end - request->read_pos );
        request->read_end -= request->read_pos;
        request->read_pos = 0;
    }
    if (request->read_end == request->read_size) return ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
    if ((error = netconn_recv( request->netconn, request->read_buf + request->read_end,
                               request->read_size - request->read_end, timeout, got )))
        return error;
    request->read_end += *got;
    return ERROR_SUCCESS;
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

/* Reads the head into a growing buffer, bounded by WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE. */
static DWORD read_head( struct request *request, char **ret_head, size_t *ret_len )
{
    size_t used = 0, size = 0, end, got;
    char *head = NULL;
    DWORD error;

    for (;;)
    {
        size_t avail = request->read_end - request->read_pos, take;
        const char *src = request->read_buf + request->read_pos;

        /* look for the end in what we have plus what is buffered */
        take = avail;
        if (used + take > size)
        {
            size_t new_size = max( size * 2, used + take + 1024 );
            char *grown = realloc( head, new_size );
            if (!grown) { free( head ); return ERROR_OUTOFMEMORY; }
            head = grown;
            size = new_size;
        }
        memcpy( head + used, src, take );
        if (http_find_head_end( head, used + take, &end ) == PARSE_DONE)
        {
            request->read_pos += end - used;
            *ret_head = head;
            *ret_len = end;
            return ERROR_SUCCESS;
        }
        used += take;
        request->read_pos = request->read_end;
        if (used > request->max_response_header_size) error = ERROR_WINHTTP_HEADER_SIZE_OVERFLOW;
        else if ((error = fill_read_buffer( request, request->timeouts.receive_response, &got ))) ;
        else if (!got) error = used ? ERROR_WINHTTP_INVALID_SERVER_RESPONSE : ERROR_WINHTTP_CONNECTION_ERROR;
        if (error)
        {
            free( head );
            return error;
        }
    }
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
        error = (name && value) ? add_header( list, name, wcslen( name ), value, wcslen( value ), WINHTTP_ADDREQ_FLAG_ADD )
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
    if (request->body_done) release_connection( request, request->keep_alive );
    return ERROR_SUCCESS;
}

static DWORD receive_response( struct request *request )
{
    DWORD error;
    char *head;
    size_t len;

    if (request->chunked_upload && (error = netconn_send( request->netconn, "0\r\n\r\n", 5, request->timeouts.send )))
        return error;
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, NULL, 0 );
    for (;;)
    {
        if ((error = read_head( request, &head, &len ))) return error;
        free_header_list( &request->response_headers );
        free( request->status_text );
        free( request->response_version );
        request->status_text = request->response_version = NULL;
        error = parse_head( request, head, len );
        free( head );
        if (error) return error;
        /* interim responses are skipped, except a protocol switch */
        if (request->status_code >= 200 || request->status_code == 101) break;
    }
    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &len, sizeof(DWORD) );
    return setup_body( request );
}

static DWORD read_body( struct request *request, char *buffer, size_t size, size_t *read );

static BOOL is_redirect( unsigned int status )
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
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
    BOOL secure, same_origin;

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

    send_callback( &request->hdr, WINHTTP_CALLBACK_STATUS_REDIRECT, url, wcslen( url ) );
    free( url );

    same_origin = !_wcsicmp( host, request->host ) && uc.nPort == request->port && secure == request->secure;
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
    request->port = uc.nPort;
    request->secure = secure;

    /* 303 always, and 301/302 after a POST, turn into a GET without a body */
    if ((request->status_code == 303 && wcscmp( request->verb, L"HEAD" )) ||
        ((request->status_code == 301 || request->status_code == 302) && !wcscmp( request->verb, L"POST" )))
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
        if ((error = receive_response( request ))) return error;
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

BOOL WINAPI WinHttpReceiveResponse( HINTERNET handle, void *reserved )
{
    struct object_header *obj;
    struct request *request;
    DWORD error;

    TRACE( "%p, %p\n", handle, reserved );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    AcquireSRWLockExclusive( &obj->lock );
    if (request->state != REQUEST_SENT || !request->netconn) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!(error = receive_redirected_response( request ))) request->state = REQUEST_RESPONSE;
    else release_connection( request, FALSE );
    ReleaseSRWLockExclusive( &obj->lock );
    release_object( obj );
    SetLastError( error );
    return !error;
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
                request->read_pos += used;
                if (ret == PARSE_ERROR) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
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
            else
            {
                /* nothing buffered: straight into the caller's buffer, one socket call */
                if ((error = netconn_recv( request->netconn, buffer, size, request->timeouts.receive, &count )))
                    return error;
                if (!count)
                {
                    if (!request->body_to_close) return ERROR_WINHTTP_CONNECTION_ERROR;  /* truncated */
                    request->body_done = TRUE;
                    break;
                }
            }
            request->content_read += count;
            if (!request->body_to_close && request->content_read == request->content_length) request->body_done = TRUE;
            *read = count;
            break;
        }
        /* chunked framing needs more bytes */
        if ((error = fill_read_buffer( request, request->timeouts.receive, &got ))) return error;
        if (!got) return ERROR_WINHTTP_CONNECTION_ERROR;
    }
    if (request->body_done) release_connection( request, request->keep_alive );
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
            request->read_pos += used;
            if (ret == PARSE_ERROR) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
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
        if ((error = fill_read_buffer( request, request->timeouts.receive, &got ))) return error;
        if (!got)
        {
            if (!request->body_to_close) return ERROR_WINHTTP_CONNECTION_ERROR;
            request->body_done = TRUE;
            release_connection( request, FALSE );
        }
    }
}

BOOL WINAPI WinHttpQueryDataAvailable( HINTERNET handle, DWORD *available )
{
    struct object_header *obj;
    struct request *request;
    DWORD error, count = 0;

    TRACE( "%p, %p\n", handle, available );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    AcquireSRWLockExclusive( &obj->lock );
    if (request->state != REQUEST_RESPONSE) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!(error = data_available( request, &count )) && available) *available = count;
    ReleaseSRWLockExclusive( &obj->lock );
    release_object( obj );
    SetLastError( error );
    return !error;
}

static DWORD read_data( HINTERNET handle, void *buffer, DWORD to_read, DWORD *read, BOOL fill )
{
    struct object_header *obj;
    struct request *request;
    DWORD error = ERROR_SUCCESS, total = 0;
    size_t count;

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return GetLastError();
    request = CONTAINING_RECORD( obj, struct request, hdr );
    AcquireSRWLockExclusive( &obj->lock );
    if (request->state != REQUEST_RESPONSE) error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!buffer && to_read) error = ERROR_INVALID_PARAMETER;
    else
    {
        do
        {
            if ((error = read_body( request, (char *)buffer + total, to_read - total, &count ))) break;
            total += count;
        } while (fill && count && total < to_read);
    }
    if (!error && read) *read = total;
    ReleaseSRWLockExclusive( &obj->lock );
    release_object( obj );
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
