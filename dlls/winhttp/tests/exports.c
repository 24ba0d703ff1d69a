/*
 * Every function of Microsoft's winhttp.h reference is exported by winhttp.dll.
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
#include <windef.h>
#include <winbase.h>

#include "wine/test.h"

/* The documented exports, as listed in Microsoft's winhttp.h reference. */
static const char *const exports[] =
{
    "DllCanUnloadNow",
    "DllGetClassObject",
    "DllRegisterServer",
    "DllUnregisterServer",
    "WinHttpAddRequestHeaders",
    "WinHttpAddRequestHeadersEx",
    "WinHttpCheckPlatform",
    "WinHttpCloseHandle",
    "WinHttpConnect",
    "WinHttpCrackUrl",
    "WinHttpCreateProxyResolver",
    "WinHttpCreateUrl",
    "WinHttpDetectAutoProxyConfigUrl",
    "WinHttpFreeProxyResult",
    "WinHttpFreeProxyResultEx",
    "WinHttpFreeProxySettings",
    "WinHttpFreeProxySettingsEx",
    "WinHttpFreeQueryConnectionGroupResult",
    "WinHttpGetDefaultProxyConfiguration",
    "WinHttpGetIEProxyConfigForCurrentUser",
    "WinHttpGetProxyForUrl",
    "WinHttpGetProxyForUrlEx",
    "WinHttpGetProxyForUrlEx2",
    "WinHttpGetProxyResult",
    "WinHttpGetProxyResultEx",
    "WinHttpGetProxySettingsEx",
    "WinHttpGetProxySettingsResultEx",
    "WinHttpGetProxySettingsVersion",
    "WinHttpOpen",
    "WinHttpOpenRequest",
    "WinHttpQueryAuthSchemes",
    "WinHttpQueryConnectionGroup",
    "WinHttpQueryDataAvailable",
    "WinHttpQueryHeaders",
    "WinHttpQueryHeadersEx",
    "WinHttpQueryOption",
    "WinHttpReadData",
    "WinHttpReadDataEx",
    "WinHttpReadProxySettings",
    "WinHttpReceiveResponse",
    "WinHttpRegisterProxyChangeNotification",
    "WinHttpResetAutoProxy",
    "WinHttpSendRequest",
    "WinHttpSetCredentials",
    "WinHttpSetDefaultProxyConfiguration",
    "WinHttpSetOption",
    "WinHttpSetProxySettingsPerUser",
    "WinHttpSetStatusCallback",
    "WinHttpSetTimeouts",
    "WinHttpTimeFromSystemTime",
    "WinHttpTimeToSystemTime",
    "WinHttpUnregisterProxyChangeNotification",
    "WinHttpWebSocketClose",
    "WinHttpWebSocketCompleteUpgrade",
    "WinHttpWebSocketQueryCloseStatus",
    "WinHttpWebSocketReceive",
    "WinHttpWebSocketSend",
    "WinHttpWebSocketShutdown",
    "WinHttpWriteData",
    "WinHttpWriteProxySettings",
};

static void test_exports(void)
{
    HMODULE module = GetModuleHandleA( "winhttp.dll" );
    unsigned int i;

    ok( module != NULL, "winhttp.dll is not loaded\n" );
    if (!module) return;
    for (i = 0; i < ARRAY_SIZE(exports); i++)
    {
        winetest_push_context( "%s", exports[i] );
        ok( GetProcAddress( module, exports[i] ) != NULL, "not exported\n" );
        winetest_pop_context();
    }
}

static void test_check_platform(void)
{
    BOOL (WINAPI *check)(void) = (void *)GetProcAddress( GetModuleHandleA( "winhttp.dll" ), "WinHttpCheckPlatform" );

    ok( check != NULL, "WinHttpCheckPlatform not exported\n" );
    if (check) ok( check() == TRUE, "WinHttpCheckPlatform failed\n" );
}

START_TEST(exports)
{
    /* make sure the DLL is loaded even though nothing is imported from it directly */
    LoadLibraryA( "winhttp.dll" );
    test_exports();
    test_check_platform();
}
