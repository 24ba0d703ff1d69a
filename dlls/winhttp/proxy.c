/*
 * Proxy configuration and automatic proxy discovery: the WinHttpGetProxy*,
 * WinHttpGetIEProxyConfigForCurrentUser, proxy resolver and proxy settings functions.
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

DWORD WINAPI WinHttpCreateProxyResolver( HINTERNET session, HINTERNET *resolver )
{
    FIXME( "%p, %p: not implemented\n", session, resolver );
    if (!is_open_handle( session )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpDetectAutoProxyConfigUrl( DWORD flags, WCHAR **url )
{
    FIXME( "%#lx, %p: not implemented\n", flags, url );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

void WINAPI WinHttpFreeProxyResult( WINHTTP_PROXY_RESULT *result )
{
    FIXME( "%p: not implemented\n", result );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

void WINAPI WinHttpFreeProxyResultEx( WINHTTP_PROXY_RESULT_EX *result )
{
    FIXME( "%p: not implemented\n", result );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

void WINAPI WinHttpFreeProxySettings( WINHTTP_PROXY_SETTINGS *settings )
{
    FIXME( "%p: not implemented\n", settings );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

void WINAPI WinHttpFreeProxySettingsEx( WINHTTP_PROXY_SETTINGS_TYPE type, void *settings )
{
    FIXME( "%d, %p: not implemented\n", type, settings );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
}

BOOL WINAPI WinHttpGetDefaultProxyConfiguration( WINHTTP_PROXY_INFO *info )
{
    FIXME( "%p: not implemented\n", info );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpGetIEProxyConfigForCurrentUser( WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *config )
{
    FIXME( "%p: not implemented\n", config );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

BOOL WINAPI WinHttpGetProxyForUrl( HINTERNET session, const WCHAR *url, WINHTTP_AUTOPROXY_OPTIONS *options, WINHTTP_PROXY_INFO *info )
{
    FIXME( "%p, %s, %p, %p: not implemented\n", session, debugstr_w(url), options, info );
    SetLastError( is_open_handle( session ) ? ERROR_CALL_NOT_IMPLEMENTED : ERROR_INVALID_HANDLE );
    return FALSE;
}

DWORD WINAPI WinHttpGetProxyForUrlEx( HINTERNET resolver, const WCHAR *url, WINHTTP_AUTOPROXY_OPTIONS *options, DWORD_PTR context )
{
    FIXME( "%p, %s, %p, %#Ix: not implemented\n", resolver, debugstr_w(url), options, context );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxyForUrlEx2( HINTERNET resolver, const WCHAR *url, WINHTTP_AUTOPROXY_OPTIONS *options, DWORD selection_len, BYTE *selection, DWORD_PTR context )
{
    FIXME( "%p, %s, %p, %lu, %p, %#Ix: not implemented\n", resolver, debugstr_w(url), options, selection_len, selection, context );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxyResult( HINTERNET resolver, WINHTTP_PROXY_RESULT *result )
{
    FIXME( "%p, %p: not implemented\n", resolver, result );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxyResultEx( HINTERNET resolver, WINHTTP_PROXY_RESULT_EX *result )
{
    FIXME( "%p, %p: not implemented\n", resolver, result );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxySettingsEx( HINTERNET resolver, WINHTTP_PROXY_SETTINGS_TYPE type, WINHTTP_PROXY_SETTINGS_PARAM *param, DWORD_PTR context )
{
    FIXME( "%p, %d, %p, %#Ix: not implemented\n", resolver, type, param, context );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxySettingsResultEx( HINTERNET resolver, void *settings )
{
    FIXME( "%p, %p: not implemented\n", resolver, settings );
    if (!is_open_handle( resolver )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpGetProxySettingsVersion( HINTERNET session, DWORD *version )
{
    FIXME( "%p, %p: not implemented\n", session, version );
    if (!is_open_handle( session )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpReadProxySettings( HINTERNET session, const WCHAR *connection, BOOL fallback, BOOL autodetect, DWORD *version, BOOL *defaults_returned, WINHTTP_PROXY_SETTINGS *settings )
{
    FIXME( "%p, %s, %d, %d, %p, %p, %p: not implemented\n", session, debugstr_w(connection), fallback, autodetect, version, defaults_returned, settings );
    if (!is_open_handle( session )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpRegisterProxyChangeNotification( ULONGLONG flags, WINHTTP_PROXY_CHANGE_CALLBACK callback, void *context, WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE *registration )
{
    FIXME( "%#I64x, %p, %p, %p: not implemented\n", flags, callback, context, registration );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpResetAutoProxy( HINTERNET session, DWORD flags )
{
    FIXME( "%p, %#lx: not implemented\n", session, flags );
    if (!is_open_handle( session )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

BOOL WINAPI WinHttpSetDefaultProxyConfiguration( WINHTTP_PROXY_INFO *info )
{
    FIXME( "%p: not implemented\n", info );
    SetLastError( ERROR_CALL_NOT_IMPLEMENTED );
    return FALSE;
}

DWORD WINAPI WinHttpSetProxySettingsPerUser( BOOL per_user )
{
    FIXME( "%d: not implemented\n", per_user );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpUnregisterProxyChangeNotification( WINHTTP_PROXY_CHANGE_REGISTRATION_HANDLE registration )
{
    FIXME( "%p: not implemented\n", registration );
    return ERROR_CALL_NOT_IMPLEMENTED;
}

DWORD WINAPI WinHttpWriteProxySettings( HINTERNET session, BOOL force, WINHTTP_PROXY_SETTINGS *settings )
{
    FIXME( "%p, %d, %p: not implemented\n", session, force, settings );
    if (!is_open_handle( session )) return ERROR_INVALID_HANDLE;
    return ERROR_CALL_NOT_IMPLEMENTED;
}
