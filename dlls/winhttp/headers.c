/*
 * Request and response headers: the header lists, WinHttpAddRequestHeaders(Ex)
 * with every modifier, and WinHttpQueryHeaders(Ex) with every level and flag.
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

/* the flag bits of a query level; the level itself is below */
#define QUERY_MODIFIERS 0xffff0000

/* The header each WINHTTP_QUERY_* level names; NULL for the levels that are not headers. */
static const WCHAR *const query_names[] =
{
    L"Mime-Version", L"Content-Type", L"Content-Transfer-Encoding", L"Content-ID", L"Content-Description",
    L"Content-Length", L"Content-Language", L"Allow", L"Public", L"Date", L"Expires", L"Last-Modified",
    L"Message-ID", L"URI", L"Derived-From", L"Cost", L"Link", L"Pragma",
    NULL /* VERSION */, NULL /* STATUS_CODE */, NULL /* STATUS_TEXT */, NULL /* RAW_HEADERS */,
    NULL /* RAW_HEADERS_CRLF */, L"Connection", L"Accept", L"Accept-Charset", L"Accept-Encoding",
    L"Accept-Language", L"Authorization", L"Content-Encoding", L"Forwarded", L"From", L"If-Modified-Since",
    L"Location", L"Orig-URI", L"Referer", L"Retry-After", L"Server", L"Title", L"User-Agent",
    L"WWW-Authenticate", L"Proxy-Authenticate", L"Accept-Ranges", L"Set-Cookie", L"Cookie",
    NULL /* REQUEST_METHOD */, L"Refresh", L"Content-Disposition", L"Age", L"Cache-Control", L"Content-Base",
    L"Content-Location", L"Content-MD5", L"Content-Range", L"ETag", L"Host", L"If-Match", L"If-None-Match",
    L"If-Range", L"If-Unmodified-Since", L"Max-Forwards", L"Proxy-Authorization", L"Range",
    L"Transfer-Encoding", L"Upgrade", L"Vary", L"Via", L"Warning", L"Expect", L"Proxy-Connection",
    L"Unless-Modified-Since", NULL, NULL, NULL, NULL, L"Proxy-Support", L"Authentication-Info",
    L"Passport-Urls", L"Passport-Config",
};

void free_header_list( struct header_list *list )
{
    unsigned int i;

    for (i = 0; i < list->count; i++)
    {
        free( list->items[i].field );
        free( list->items[i].value );
    }
    free( list->items );
    memset( list, 0, sizeof(*list) );
}

static WCHAR *strndupW( const WCHAR *src, size_t len )
{
    WCHAR *dst = malloc( (len + 1) * sizeof(WCHAR) );

    if (!dst) return NULL;
    memcpy( dst, src, len * sizeof(WCHAR) );
    dst[len] = 0;
    return dst;
}

static WCHAR *strdupAW( const char *src )
{
    WCHAR *dst;
    int len;

    if (!src) return NULL;
    len = MultiByteToWideChar( CP_ACP, 0, src, -1, NULL, 0 );
    if ((dst = malloc( len * sizeof(WCHAR) ))) MultiByteToWideChar( CP_ACP, 0, src, -1, dst, len );
    return dst;
}

static BOOL field_matches( const WCHAR *field, const WCHAR *name, size_t name_len )
{
    return !_wcsnicmp( field, name, name_len ) && !field[name_len];
}

/* the index-th header called field (case-insensitive), or -1 */
static int find_header_index( const struct header_list *list, const WCHAR *field, size_t field_len,
                              unsigned int index )
{
    unsigned int i;

    for (i = 0; i < list->count; i++)
    {
        if (!field_matches( list->items[i].field, field, field_len )) continue;
        if (!index--) return i;
    }
    return -1;
}

const struct header *find_header( const struct header_list *list, const WCHAR *field, unsigned int index )
{
    int i = find_header_index( list, field, wcslen( field ), index );
    return i < 0 ? NULL : &list->items[i];
}

DWORD append_header( struct header_list *list, const WCHAR *field, size_t field_len,
                            const WCHAR *value, size_t value_len )
{
    struct header *item;

    if (list->count == list->capacity)
    {
        unsigned int capacity = list->capacity ? list->capacity * 2 : 16;
        struct header *grown = realloc( list->items, capacity * sizeof(*grown) );

        if (!grown) return ERROR_OUTOFMEMORY;
        list->items = grown;
        list->capacity = capacity;
    }
    item = &list->items[list->count];
    if (!(item->field = strndupW( field, field_len ))) return ERROR_OUTOFMEMORY;
    if (!(item->value = strndupW( value, value_len )))
    {
        free( item->field );
        return ERROR_OUTOFMEMORY;
    }
    list->count++;
    return ERROR_SUCCESS;
}

static void remove_header( struct header_list *list, unsigned int i )
{
    free( list->items[i].field );
    free( list->items[i].value );
    memmove( &list->items[i], &list->items[i + 1], (list->count - i - 1) * sizeof(list->items[0]) );
    list->count--;
}

static DWORD coalesce_header( struct header *item, const WCHAR *value, size_t value_len, WCHAR separator )
{
    size_t len = wcslen( item->value );
    WCHAR *merged = malloc( (len + 2 + value_len + 1) * sizeof(WCHAR) );

    if (!merged) return ERROR_OUTOFMEMORY;
    memcpy( merged, item->value, len * sizeof(WCHAR) );
    merged[len++] = separator;
    merged[len++] = ' ';
    memcpy( merged + len, value, value_len * sizeof(WCHAR) );
    merged[len + value_len] = 0;
    free( item->value );
    item->value = merged;
    return ERROR_SUCCESS;
}

/* One header with WINHTTP_ADDREQ_FLAG_* semantics. */
DWORD add_header( struct header_list *list, const WCHAR *field, size_t field_len, const WCHAR *value,
                  size_t value_len, DWORD flags )
{
    int i;

    /* a plain add needs no search */
    if (!(flags & (WINHTTP_ADDREQ_FLAG_REPLACE | WINHTTP_ADDREQ_FLAG_ADD_IF_NEW | WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA |
                   WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON)))
        return append_header( list, field, field_len, value, value_len );
    i = find_header_index( list, field, field_len, 0 );

    if (flags & WINHTTP_ADDREQ_FLAG_REPLACE)
    {
        if (i >= 0)
        {
            remove_header( list, i );
            /* an empty value removes the header */
            if (!value_len) return ERROR_SUCCESS;
            return append_header( list, field, field_len, value, value_len );
        }
        if (!(flags & WINHTTP_ADDREQ_FLAG_ADD)) return ERROR_WINHTTP_HEADER_NOT_FOUND;
        return value_len ? append_header( list, field, field_len, value, value_len ) : ERROR_SUCCESS;
    }
    if (flags & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW)
    {
        if (i >= 0) return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
        return append_header( list, field, field_len, value, value_len );
    }
    if (i >= 0 && (flags & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA))
        return coalesce_header( &list->items[i], value, value_len, ',' );
    if (i >= 0 && (flags & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON))
        return coalesce_header( &list->items[i], value, value_len, ';' );
    return append_header( list, field, field_len, value, value_len );
}

static BOOL is_space( WCHAR c )
{
    return c == ' ' || c == '\t';
}

/* "Name: value" lines separated by CR, LF or both, as Windows splits them: a CR or
 * LF can never end up inside a header, so nothing can be injected. */
DWORD add_request_headers( struct header_list *list, const WCHAR *headers, size_t len, DWORD flags )
{
    size_t pos = 0;
    DWORD error = ERROR_SUCCESS;

    while (pos < len && !error)
    {
        size_t start = pos, end, colon, vstart, vend;

        while (pos < len && headers[pos] != '\n' && headers[pos] != '\r') pos++;
        end = pos;
        if (pos < len) pos++;
        if (end == start) continue;  /* empty lines are allowed */

        for (colon = start; colon < end && headers[colon] != ':'; colon++)
            if (is_space( headers[colon] ) || !headers[colon]) return ERROR_INVALID_PARAMETER;
        if (colon == start || colon == end) return ERROR_INVALID_PARAMETER;
        for (vstart = colon + 1; vstart < end && is_space( headers[vstart] ); vstart++) ;
        for (vend = end; vend > vstart && is_space( headers[vend - 1] ); vend--) ;
        error = add_header( list, headers + start, colon - start, headers + vstart, vend - vstart, flags );
    }
    return error;
}

BOOL WINAPI WinHttpAddRequestHeaders( HINTERNET handle, const WCHAR *headers, DWORD len, DWORD flags )
{
    struct object_header *obj;
    struct request *request;
    DWORD error;

    TRACE( "%p, %s, %lu, %#lx\n", handle, debugstr_wn(headers, len == ~0u ? -1 : (int)len), len, flags );

    if (!headers || !len)
    {
        SetLastError( ERROR_INVALID_PARAMETER );
        return FALSE;
    }
    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    if (len == ~0u) len = wcslen( headers );

    AcquireSRWLockExclusive( &obj->lock );
    error = add_request_headers( &request->headers, headers, len, flags );
    ReleaseSRWLockExclusive( &obj->lock );

    release_object( obj );
    SetLastError( error );
    return !error;
}

DWORD WINAPI WinHttpAddRequestHeadersEx( HINTERNET handle, DWORD modifiers, ULONGLONG flags, ULONGLONG extra,
                                         DWORD count, WINHTTP_EXTENDED_HEADER *headers )
{
    struct object_header *obj;
    struct request *request;
    DWORD i, error = ERROR_SUCCESS;

    TRACE( "%p, %#lx, %#I64x, %#I64x, %lu, %p\n", handle, modifiers, flags, extra, count, headers );

    if (!count || !headers || (flags & ~(ULONGLONG)WINHTTP_EXTENDED_HEADER_FLAG_UNICODE) || extra)
        return ERROR_INVALID_PARAMETER;
    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return GetLastError();
    request = CONTAINING_RECORD( obj, struct request, hdr );

    AcquireSRWLockExclusive( &obj->lock );
    for (i = 0; i < count && !error; i++)
    {
        WCHAR *name, *value;

        if (flags & WINHTTP_EXTENDED_HEADER_FLAG_UNICODE)
        {
            name = strdupW( headers[i].pwszName );
            value = strdupW( headers[i].pwszValue ? headers[i].pwszValue : L"" );
        }
        else
        {
            name = strdupAW( headers[i].pszName );
            value = strdupAW( headers[i].pszValue ? headers[i].pszValue : "" );
        }
        if (!name || !value) error = headers[i].pwszName ? ERROR_OUTOFMEMORY : ERROR_INVALID_PARAMETER;
        else if (!name[0] || wcspbrk( name, L"\r\n: \t" ) || wcspbrk( value, L"\r\n" ))
            error = ERROR_INVALID_PARAMETER;
        else error = add_header( &request->headers, name, wcslen( name ), value, wcslen( value ), modifiers );
        free( name );
        free( value );
    }
    ReleaseSRWLockExclusive( &obj->lock );

    release_object( obj );
    return error;
}

/* Where a query's value comes from: one header, or a synthesised string. */
static DWORD query_value( struct request *request, DWORD level, const WCHAR *custom, DWORD *index,
                          WCHAR **value )
{
    BOOL from_request = level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS;
    const struct header_list *list = from_request ? &request->headers : &request->response_headers;
    DWORD attr = level & ~QUERY_MODIFIERS;
    const WCHAR *name = NULL;
    unsigned int wanted = index ? *index : 0;
    int i;

    if (!from_request && request->state != REQUEST_RESPONSE && attr != WINHTTP_QUERY_REQUEST_METHOD)
        return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;

    switch (attr)
    {
    case WINHTTP_QUERY_STATUS_CODE:
    case WINHTTP_QUERY_STATUS_TEXT:
    case WINHTTP_QUERY_VERSION:
        if (from_request) return ERROR_WINHTTP_HEADER_NOT_FOUND;
        if (wanted) return ERROR_WINHTTP_HEADER_NOT_FOUND;
        if (attr == WINHTTP_QUERY_STATUS_CODE)
        {
            if (!(*value = malloc( 12 * sizeof(WCHAR) ))) return ERROR_OUTOFMEMORY;
            swprintf( *value, 12, L"%u", request->status_code );
        }
        else *value = strdupW( attr == WINHTTP_QUERY_STATUS_TEXT ? request->status_text : request->response_version );
        return *value ? ERROR_SUCCESS : ERROR_OUTOFMEMORY;
    case WINHTTP_QUERY_REQUEST_METHOD:
        if (wanted) return ERROR_WINHTTP_HEADER_NOT_FOUND;
        return (*value = strdupW( request->verb )) ? ERROR_SUCCESS : ERROR_OUTOFMEMORY;
    case WINHTTP_QUERY_CUSTOM:
        if (!custom) return ERROR_INVALID_PARAMETER;
        name = custom;
        break;
    default:
        if (attr > WINHTTP_QUERY_MAX) return ERROR_INVALID_PARAMETER;
        if (attr >= (DWORD)ARRAY_SIZE(query_names) || !(name = query_names[attr])) return ERROR_WINHTTP_HEADER_NOT_FOUND;
        break;
    }
    if ((i = find_header_index( list, name, wcslen( name ), wanted )) < 0) return ERROR_WINHTTP_HEADER_NOT_FOUND;
    if (!(*value = strdupW( list->items[i].value ))) return ERROR_OUTOFMEMORY;
    if (index) (*index)++;
    return ERROR_SUCCESS;
}

/* All headers, as "status line\r\nName: value\r\n...\r\n" or NUL-separated. */
static WCHAR *build_raw_headers( struct request *request, BOOL from_request, BOOL crlf, size_t *ret_len )
{
    const struct header_list *list = from_request ? &request->headers : &request->response_headers;
    size_t len = 0, i;
    WCHAR first[64 + 1024], *raw, *p;
    const WCHAR *sep = crlf ? L"\r\n" : L"";
    size_t sep_len = crlf ? 2 : 1;

    if (from_request)
        swprintf( first, ARRAY_SIZE(first), L"%.64ls %.512ls %.64ls", request->verb, request->path, request->version );
    else
        swprintf( first, ARRAY_SIZE(first), L"%.64ls %u %.512ls", request->response_version, request->status_code,
                  request->status_text );
    len = wcslen( first ) + sep_len;
    for (i = 0; i < list->count; i++) len += wcslen( list->items[i].field ) + 2 + wcslen( list->items[i].value ) + sep_len;
    len += sep_len;
    if (!(raw = malloc( (len + 1) * sizeof(WCHAR) ))) return NULL;
    p = raw;
    p += swprintf( p, len + 1 - (p - raw), L"%ls%ls", first, sep );
    if (!crlf) p++;
    for (i = 0; i < list->count; i++)
    {
        p += swprintf( p, len + 1 - (p - raw), L"%ls: %ls%ls", list->items[i].field, list->items[i].value, sep );
        if (!crlf) p++;
    }
    /* CRLF form: an empty line ends it; NUL form: the terminator makes the double NUL */
    if (crlf) { *p++ = '\r'; *p++ = '\n'; }
    *p = 0;
    *ret_len = p - raw;
    return raw;
}

static DWORD copy_wide_result( const WCHAR *value, size_t len, void *buffer, DWORD *buflen )
{
    DWORD size = (len + 1) * sizeof(WCHAR);

    if (!buffer || *buflen < size)
    {
        *buflen = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy( buffer, value, len * sizeof(WCHAR) );
    ((WCHAR *)buffer)[len] = 0;
    *buflen = len * sizeof(WCHAR);
    return ERROR_SUCCESS;
}

/* Decimal digits only, with no sign and no overflow. */
static BOOL parse_number( const WCHAR *str, ULONGLONG max, ULONGLONG *ret )
{
    ULONGLONG value = 0;

    while (is_space( *str )) str++;
    if (*str < '0' || *str > '9') return FALSE;
    for (; *str >= '0' && *str <= '9'; str++)
    {
        if (value > (max - (*str - '0')) / 10) return FALSE;
        value = value * 10 + (*str - '0');
    }
    while (is_space( *str )) str++;
    if (*str) return FALSE;
    *ret = value;
    return TRUE;
}

static DWORD query_headers( struct request *request, DWORD level, const WCHAR *name, void *buffer,
                            DWORD *buflen, DWORD *index )
{
    DWORD attr = level & ~QUERY_MODIFIERS, error;
    BOOL from_request = level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS;
    WCHAR *value = NULL;
    ULONGLONG number;

    if (attr == WINHTTP_QUERY_RAW_HEADERS || attr == WINHTTP_QUERY_RAW_HEADERS_CRLF)
    {
        size_t len;
        if (!from_request && request->state != REQUEST_RESPONSE) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
        if (!(value = build_raw_headers( request, from_request, attr == WINHTTP_QUERY_RAW_HEADERS_CRLF, &len )))
            return ERROR_OUTOFMEMORY;
        error = copy_wide_result( value, len, buffer, buflen );
        free( value );
        return error;
    }
    if ((error = query_value( request, level, name, index, &value ))) return error;

    if (level & WINHTTP_QUERY_FLAG_NUMBER)
    {
        if (!parse_number( value, 0xffffffff, &number )) number = 0;
        if (!buffer || *buflen < sizeof(DWORD)) { *buflen = sizeof(DWORD); error = ERROR_INSUFFICIENT_BUFFER; }
        else { *(DWORD *)buffer = (DWORD)number; *buflen = sizeof(DWORD); }
    }
    else if (level & WINHTTP_QUERY_FLAG_NUMBER64)
    {
        if (!parse_number( value, ~(ULONGLONG)0, &number )) number = 0;
        if (!buffer || *buflen < sizeof(ULONGLONG)) { *buflen = sizeof(ULONGLONG); error = ERROR_INSUFFICIENT_BUFFER; }
        else { memcpy( buffer, &number, sizeof(number) ); *buflen = sizeof(ULONGLONG); }
    }
    else if (level & WINHTTP_QUERY_FLAG_SYSTEMTIME)
    {
        SYSTEMTIME st;
        if (!buffer || *buflen < sizeof(st)) { *buflen = sizeof(st); error = ERROR_INSUFFICIENT_BUFFER; }
        else if (!parse_http_time( value, &st )) error = ERROR_WINHTTP_INVALID_QUERY_REQUEST;
        else { memcpy( buffer, &st, sizeof(st) ); *buflen = sizeof(st); }
    }
    else error = copy_wide_result( value, wcslen( value ), buffer, buflen );

    /* a failed copy must not move the caller's index on */
    if (error && index) (*index)--;
    free( value );
    return error;
}

BOOL WINAPI WinHttpQueryHeaders( HINTERNET handle, DWORD level, const WCHAR *name, void *buffer, DWORD *len,
                                 DWORD *index )
{
    struct object_header *obj;
    DWORD error;

    TRACE( "%p, %#lx, %s, %p, %p, %p\n", handle, level, debugstr_w(name), buffer, len, index );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return FALSE;
    if (!len) error = ERROR_INVALID_PARAMETER;
    else
    {
        AcquireSRWLockShared( &obj->lock );
        error = query_headers( CONTAINING_RECORD( obj, struct request, hdr ), level, name, buffer, len, index );
        ReleaseSRWLockShared( &obj->lock );
    }
    release_object( obj );
    SetLastError( error );
    return !error;
}
