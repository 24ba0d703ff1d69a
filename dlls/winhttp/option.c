/*
 * WinHttpSetOption and WinHttpQueryOption: argument checks, the options every
 * handle type shares, and the helpers the per-type handlers use for buffers.
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

/* Options that exist in Windows' winhttp.h. */
BOOL is_known_option( DWORD option )
{
    if (option >= WINHTTP_OPTION_USERNAME && option <= WINHTTP_OPTION_PROXY_PASSWORD) return TRUE;
    return option >= WINHTTP_FIRST_OPTION && option <= WINHTTP_OPTION_FAST_FORWARDING_RESPONSE_STATUS;
}

static DWORD get_option_buffer( const void *value, DWORD size, void *buffer, DWORD *len )
{
    if (!buffer || *len < size)
    {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy( buffer, value, size );
    *len = size;
    return ERROR_SUCCESS;
}

DWORD get_dword_option( DWORD value, void *buffer, DWORD *len )
{
    return get_option_buffer( &value, sizeof(value), buffer, len );
}

DWORD get_pointer_option( void *value, void *buffer, DWORD *len )
{
    return get_option_buffer( &value, sizeof(value), buffer, len );
}

/* Strings are returned with their terminator; the length reported on success leaves it out. */
DWORD get_string_option( const WCHAR *value, void *buffer, DWORD *len )
{
    DWORD size;

    if (!value) value = L"";
    size = (wcslen( value ) + 1) * sizeof(WCHAR);
    if (!buffer || *len < size)
    {
        *len = size;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy( buffer, value, size );
    *len = size - sizeof(WCHAR);
    return ERROR_SUCCESS;
}

DWORD read_dword_option( const void *buffer, DWORD len, DWORD *value )
{
    if (len != sizeof(DWORD)) return ERROR_INSUFFICIENT_BUFFER;
    memcpy( value, buffer, sizeof(DWORD) );
    return ERROR_SUCCESS;
}

/* Stores a DWORD option's new value after the checks Windows makes, which are
 * the same whichever handle the option is set on. */
DWORD set_dword_field( DWORD option, DWORD value, DWORD *field )
{
    switch (option)
    {
    case WINHTTP_OPTION_REDIRECT_POLICY:
        if (value > WINHTTP_OPTION_REDIRECT_POLICY_LAST) return ERROR_INVALID_PARAMETER;
        break;
    case WINHTTP_OPTION_AUTOLOGON_POLICY:
        if (value > WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH) return ERROR_INVALID_PARAMETER;
        break;
    case WINHTTP_OPTION_SECURITY_FLAGS:
        if (value & ~(SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                      SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE))
            return ERROR_INVALID_PARAMETER;
        break;
    case WINHTTP_OPTION_MAX_CONNS_PER_SERVER:
    case WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER:
    case WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE:
    case WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE:
        if (!value) return ERROR_INVALID_PARAMETER;
        break;
    case WINHTTP_OPTION_DECOMPRESSION:
        if (value & ~WINHTTP_DECOMPRESSION_FLAG_ALL) return ERROR_INVALID_PARAMETER;
        break;
    case WINHTTP_OPTION_DISABLE_FEATURE:
        value |= *field;  /* features are disabled one after another, never re-enabled */
        break;
    }
    *field = value;
    return ERROR_SUCCESS;
}

/* A string option's buffer holds len characters, not necessarily terminated. */
DWORD copy_string_option( const void *buffer, DWORD len, WCHAR **value )
{
    WCHAR *str;

    if (!(str = malloc( (len + 1) * sizeof(WCHAR) ))) return ERROR_OUTOFMEMORY;
    memcpy( str, buffer, len * sizeof(WCHAR) );
    str[len] = 0;
    free( *value );
    *value = str;
    return ERROR_SUCCESS;
}

/* WINHTTP_PROXY_INFO with its strings in GlobalAlloc memory, which the caller frees. */
DWORD query_proxy_option( DWORD access, const WCHAR *server, const WCHAR *bypass, void *buffer, DWORD *len )
{
    WINHTTP_PROXY_INFO info = { access, NULL, NULL };
    DWORD size;

    if (!buffer || *len < sizeof(info))
    {
        *len = sizeof(info);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    if (server)
    {
        size = (wcslen( server ) + 1) * sizeof(WCHAR);
        if (!(info.lpszProxy = GlobalAlloc( GMEM_FIXED, size ))) return ERROR_OUTOFMEMORY;
        memcpy( info.lpszProxy, server, size );
    }
    if (bypass)
    {
        size = (wcslen( bypass ) + 1) * sizeof(WCHAR);
        if (!(info.lpszProxyBypass = GlobalAlloc( GMEM_FIXED, size )))
        {
            GlobalFree( info.lpszProxy );
            return ERROR_OUTOFMEMORY;
        }
        memcpy( info.lpszProxyBypass, bypass, size );
    }
    memcpy( buffer, &info, sizeof(info) );
    *len = sizeof(info);
    return ERROR_SUCCESS;
}

DWORD set_proxy_option( DWORD *access, WCHAR **server, WCHAR **bypass, const void *buffer, DWORD len )
{
    const WINHTTP_PROXY_INFO *info = buffer;
    WCHAR *new_server = NULL, *new_bypass = NULL;

    if (len != sizeof(*info)) return ERROR_INSUFFICIENT_BUFFER;
    switch (info->dwAccessType)
    {
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
        break;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
        if (!info->lpszProxy || !info->lpszProxy[0]) return ERROR_INVALID_PARAMETER;
        if (!(new_server = strdupW( info->lpszProxy ))) return ERROR_OUTOFMEMORY;
        if (info->lpszProxyBypass && !(new_bypass = strdupW( info->lpszProxyBypass )))
        {
            free( new_server );
            return ERROR_OUTOFMEMORY;
        }
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    free( *server );
    free( *bypass );
    *server = new_server;
    *bypass = new_bypass;
    *access = info->dwAccessType;
    return ERROR_SUCCESS;
}

/* Which handles take an option, for querying and for setting: Windows' rules, in
 * one place. N is the NULL handle (process-wide options). An option missing here
 * but known to Windows is left to the handle's own handler. */
#define N (1 << 0)
#define S (1 << WINHTTP_HANDLE_TYPE_SESSION)
#define C (1 << WINHTTP_HANDLE_TYPE_CONNECT)
#define R (1 << WINHTTP_HANDLE_TYPE_REQUEST)
#define W (1 << WINHTTP_HANDLE_TYPE_WEBSOCKET)

static const struct option_rule
{
    DWORD option;
    BYTE query;         /* handle types it can be read from; none: set-only */
    BYTE set;           /* handle types it can be set on; none: read-only */
} option_rules[] =
{
    { WINHTTP_OPTION_CALLBACK,                      S|C|R|W, 0 },
    { WINHTTP_OPTION_RESOLVE_TIMEOUT,               S|C|R, S|R },
    { WINHTTP_OPTION_CONNECT_TIMEOUT,               S|C|R, S|R },
    { WINHTTP_OPTION_CONNECT_RETRIES,               S|R,   S|R },
    { WINHTTP_OPTION_SEND_TIMEOUT,                  S|C|R, S|R },
    { WINHTTP_OPTION_RECEIVE_TIMEOUT,               S|C|R, S|R },
    { WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT,      S|C|R, S|R },
    { WINHTTP_OPTION_HANDLE_TYPE,                   S|C|R|W, 0 },
    { WINHTTP_OPTION_PARENT_HANDLE,                 S|C|R|W, 0 },
    { WINHTTP_OPTION_EXTENDED_ERROR,                N|S|C|R, 0 },
    { WINHTTP_OPTION_SECURITY_FLAGS,                R,     R },
    { WINHTTP_OPTION_URL,                           R,     0 },
    { WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT,   R,     0 },
    { WINHTTP_OPTION_SECURITY_KEY_BITNESS,          R,     0 },
    { WINHTTP_OPTION_SERVER_CERT_CONTEXT,           R,     0 },
    { WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT,     R,     0 },
    { WINHTTP_OPTION_SECURITY_INFO,                 R,     0 },
    { WINHTTP_OPTION_PROXY,                         N|S|R, S|R },
    { WINHTTP_OPTION_USER_AGENT,                    S,     S },
    { WINHTTP_OPTION_CONTEXT_VALUE,                 S|C|R|W, S|C|R|W },
    { WINHTTP_OPTION_CLIENT_CERT_CONTEXT,           0,     R },
    { WINHTTP_OPTION_HTTP_VERSION,                  N,     N },
    { WINHTTP_OPTION_DISABLE_FEATURE,               0,     R },
    { WINHTTP_OPTION_CODEPAGE,                      0,     S },
    { WINHTTP_OPTION_MAX_CONNS_PER_SERVER,          S,     S },
    { WINHTTP_OPTION_MAX_CONNS_PER_1_0_SERVER,      S,     S },
    { WINHTTP_OPTION_AUTOLOGON_POLICY,              0,     R },
    { WINHTTP_OPTION_ENABLE_FEATURE,                0,     S|R },
    { WINHTTP_OPTION_WORKER_THREAD_COUNT,           S|C|R, N },
    { WINHTTP_OPTION_CONFIGURE_PASSPORT_AUTH,       0,     S },
    { WINHTTP_OPTION_SECURE_PROTOCOLS,              0,     S },
    { WINHTTP_OPTION_ENABLETRACING,                 N,     N },
    { WINHTTP_OPTION_REDIRECT_POLICY,               S|R,   S|R },
    { WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,  S|R,   S|R },
    { WINHTTP_OPTION_MAX_HTTP_STATUS_CONTINUE,      S|R,   S|R },
    { WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,      S|R,   S|R },
    { WINHTTP_OPTION_MAX_RESPONSE_DRAIN_SIZE,       S|R,   S|R },
    { WINHTTP_OPTION_CONNECTION_INFO,               R,     0 },
    { WINHTTP_OPTION_SPN,                           0,     R },
    { WINHTTP_OPTION_GLOBAL_PROXY_CREDS,            0,     N },
    { WINHTTP_OPTION_GLOBAL_SERVER_CREDS,           0,     N },
    { WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT,           0,     S },
    { WINHTTP_OPTION_REJECT_USERPWD_IN_URL,         0,     R },
    { WINHTTP_OPTION_RECEIVE_PROXY_CONNECT_RESPONSE, 0,    R },
    { WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS, 0,    S },
    { WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,         0,     R },
    { WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT,      0,     S|R|W },
    { WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 0,     S|W },
    { WINHTTP_OPTION_DECOMPRESSION,                 0,     S|R },
    { WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, S|R,  S|R },
    { WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,   S|R,   S|R },
    { WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL,          0,     S|R },
    { WINHTTP_OPTION_HTTP_PROTOCOL_USED,            R,     0 },
    { WINHTTP_OPTION_ENCODE_EXTRA,                  0,     R },
    { WINHTTP_OPTION_DISABLE_STREAM_QUEUE,          0,     S },
    { WINHTTP_OPTION_IPV6_FAST_FALLBACK,            0,     S },
    { WINHTTP_OPTION_DISABLE_SECURE_PROTOCOL_FALLBACK, 0,  S },
    { WINHTTP_OPTION_HTTP_PROTOCOL_REQUIRED,        0,     R },
    { WINHTTP_OPTION_TCP_KEEPALIVE,                 0,     S },
    { WINHTTP_OPTION_TCP_FAST_OPEN,                 0,     S },
    { WINHTTP_OPTION_TLS_FALSE_START,               0,     S },
    { WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE, 0,    R },
    { WINHTTP_OPTION_TLS_PROTOCOL_INSECURE_FALLBACK, 0,    S },
    { WINHTTP_OPTION_REQUIRE_STREAM_END,            0,     R },
    { WINHTTP_OPTION_ENABLE_HTTP2_PLUS_CLIENT_CERT, 0,     S },
    { WINHTTP_OPTION_HTTP2_KEEPALIVE,               0,     S },
    { WINHTTP_OPTION_HTTP2_PLUS_TRANSFER_ENCODING,  0,     R },
    { WINHTTP_OPTION_DISABLE_CERT_CHAIN_BUILDING,   0,     S },
    { WINHTTP_OPTION_BACKGROUND_CONNECTIONS,        0,     S },
    { WINHTTP_OPTION_FIRST_AVAILABLE_CONNECTION,    0,     S },
    { WINHTTP_OPTION_USERNAME,                      R,     R },
    { WINHTTP_OPTION_PASSWORD,                      R,     R },
    { WINHTTP_OPTION_PROXY_USERNAME,                R,     R },
    { WINHTTP_OPTION_PROXY_PASSWORD,                R,     R },
};

#undef N
#undef S
#undef C
#undef R
#undef W

static const struct option_rule *find_rule( DWORD option )
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(option_rules); i++)
        if (option_rules[i].option == option) return &option_rules[i];
    return NULL;
}

/* Set-only options nobody acts on yet: kept so a later reader finds them. */
DWORD store_option( struct stored_options *store, DWORD option, const void *buffer, DWORD len )
{
    DWORD value, error;
    unsigned int i;

    if ((error = read_dword_option( buffer, len, &value ))) return error;
    for (i = 0; i < store->count; i++)
        if (store->items[i].option == option) break;
    if (i == store->count)
    {
        void *grown = realloc( store->items, (store->count + 1) * sizeof(*store->items) );
        if (!grown) return ERROR_OUTOFMEMORY;
        store->items = grown;
        store->count++;
    }
    store->items[i].option = option;
    store->items[i].value = value;
    return ERROR_SUCCESS;
}

/* Process-wide options, on the NULL handle. */
static LONG worker_thread_count_value;
static LONG tracing_enabled;
static LONG http_version = MAKELONG( 1, 1 );  /* minor, major */

/* WINHTTP_OPTION_WORKER_THREAD_COUNT as set on the NULL handle, or 0. */
DWORD worker_thread_count( void )
{
    return worker_thread_count_value;
}

/* The version WinHttpOpenRequest uses when given none. */
const WCHAR *default_http_version( void )
{
    return http_version == MAKELONG( 0, 1 ) ? L"HTTP/1.0" : L"HTTP/1.1";
}

static DWORD query_global_option( DWORD option, void *buffer, DWORD *len )
{
    switch (option)
    {
    case WINHTTP_OPTION_EXTENDED_ERROR:
        return get_dword_option( 0, buffer, len );
    case WINHTTP_OPTION_HTTP_VERSION:
    {
        HTTP_VERSION_INFO version = { HIWORD( http_version ), LOWORD( http_version ) };
        if (!buffer || *len < sizeof(version)) { *len = sizeof(version); return ERROR_INSUFFICIENT_BUFFER; }
        memcpy( buffer, &version, sizeof(version) );
        *len = sizeof(version);
        return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_ENABLETRACING:
        return get_dword_option( tracing_enabled, buffer, len );
    case WINHTTP_OPTION_PROXY:
        return query_proxy_option( WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, buffer, len );
    }
    return ERROR_INVALID_HANDLE;
}

static DWORD set_global_option( DWORD option, void *buffer, DWORD len )
{
    DWORD value, error;

    switch (option)
    {
    case WINHTTP_OPTION_WORKER_THREAD_COUNT:
        if ((error = read_dword_option( buffer, len, &value ))) return error;
        InterlockedExchange( &worker_thread_count_value, value );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_ENABLETRACING:
        if ((error = read_dword_option( buffer, len, &value ))) return error;
        InterlockedExchange( &tracing_enabled, !!value );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_HTTP_VERSION:
    {
        HTTP_VERSION_INFO version;
        if (len != sizeof(version)) return ERROR_INSUFFICIENT_BUFFER;
        memcpy( &version, buffer, sizeof(version) );
        if (version.dwMajorVersion != 1 || version.dwMinorVersion > 1) return ERROR_INVALID_PARAMETER;
        InterlockedExchange( &http_version, MAKELONG( version.dwMinorVersion, version.dwMajorVersion ) );
        return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_GLOBAL_PROXY_CREDS:
    case WINHTTP_OPTION_GLOBAL_SERVER_CREDS:
        /* only with the ShareCredsWithWinHttp registry setting, which we never have */
        return ERROR_WINHTTP_INVALID_OPTION;
    }
    return ERROR_INVALID_HANDLE;
}

/* Options that every handle type answers the same way. */
static DWORD query_common_option( struct object_header *obj, DWORD option, void *buffer, DWORD *len )
{
    switch (option)
    {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        return get_option_buffer( &obj->context, sizeof(obj->context), buffer, len );
    case WINHTTP_OPTION_HANDLE_TYPE:
        return get_dword_option( obj->type, buffer, len );
    case WINHTTP_OPTION_PARENT_HANDLE:
        return get_pointer_option( obj->parent ? obj->parent->handle : NULL, buffer, len );
    case WINHTTP_OPTION_EXTENDED_ERROR:
    case WINHTTP_OPTION_WORKER_THREAD_COUNT:
        return get_dword_option( 0, buffer, len );
    case WINHTTP_OPTION_CALLBACK:
    {
        WINHTTP_STATUS_CALLBACK callback;
        AcquireSRWLockShared( &obj->callback_lock );
        callback = obj->callback;
        ReleaseSRWLockShared( &obj->callback_lock );
        return get_option_buffer( &callback, sizeof(callback), buffer, len );
    }
    }
    return OPTION_NOT_HANDLED;
}

static DWORD set_common_option( struct object_header *obj, DWORD option, void *buffer, DWORD len )
{
    switch (option)
    {
    case WINHTTP_OPTION_CONTEXT_VALUE:
        if (len != sizeof(DWORD_PTR)) return ERROR_INSUFFICIENT_BUFFER;
        memcpy( &obj->context, buffer, sizeof(DWORD_PTR) );
        return ERROR_SUCCESS;
    }
    return OPTION_NOT_HANDLED;
}

/* What the rules say before a handler is asked, or OPTION_NOT_HANDLED to go on. */
static DWORD check_rule( const struct object_header *obj, DWORD option, BOOL set )
{
    const struct option_rule *rule = find_rule( option );
    BYTE allowed, type = obj ? (1 << obj->type) : 1;

    if (!rule)
    {
        if (!is_known_option( option )) return set ? ERROR_WINHTTP_INVALID_OPTION : ERROR_INVALID_PARAMETER;
        return obj ? OPTION_NOT_HANDLED : ERROR_INVALID_HANDLE;
    }
    allowed = set ? rule->set : rule->query;
    if (!allowed) return set ? ERROR_WINHTTP_OPTION_NOT_SETTABLE : ERROR_INVALID_PARAMETER;
    if (!(allowed & type))
    {
        if (!obj) return ERROR_INVALID_HANDLE;
        /* a process-wide option asked of a handle */
        if (allowed == 1) return set ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_PARAMETER;
        return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    return OPTION_NOT_HANDLED;
}

BOOL WINAPI WinHttpQueryOption( HINTERNET handle, DWORD option, void *buffer, DWORD *len )
{
    struct object_header *obj = NULL;
    DWORD error;

    TRACE( "%p, %lu, %p, %p\n", handle, option, buffer, len );

    if (handle && !(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    if (!len) error = ERROR_INVALID_PARAMETER;
    else if ((error = check_rule( obj, option, FALSE )) != OPTION_NOT_HANDLED) ;
    else if (!obj) error = query_global_option( option, buffer, len );
    else
    {
        AcquireSRWLockShared( &obj->lock );
        if ((error = query_common_option( obj, option, buffer, len )) == OPTION_NOT_HANDLED)
            error = obj->vtbl->query_option( obj, option, buffer, len );
        ReleaseSRWLockShared( &obj->lock );
        if (error == OPTION_NOT_HANDLED) error = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    if (obj) release_object( obj );
    SetLastError( error );
    return !error;
}

BOOL WINAPI WinHttpSetOption( HINTERNET handle, DWORD option, void *buffer, DWORD len )
{
    struct object_header *obj = NULL;
    DWORD error;

    TRACE( "%p, %lu, %p, %lu\n", handle, option, buffer, len );

    if (handle && !(obj = grab_object( handle )))
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    if ((error = check_rule( obj, option, TRUE )) != OPTION_NOT_HANDLED) ;
    else if (!buffer && len) error = ERROR_INVALID_PARAMETER;
    else if (!obj) error = set_global_option( option, buffer, len );
    else
    {
        AcquireSRWLockExclusive( &obj->lock );
        if ((error = set_common_option( obj, option, buffer, len )) == OPTION_NOT_HANDLED)
            error = obj->vtbl->set_option( obj, option, buffer, len );
        ReleaseSRWLockExclusive( &obj->lock );
        if (error == OPTION_NOT_HANDLED) error = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    if (obj) release_object( obj );
    SetLastError( error );
    return !error;
}
