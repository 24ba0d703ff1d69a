/*
 * DLL entry points: DllMain and the COM registration exports.
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
#include "objbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

#ifdef WINHTTP_ELF_BUILD
#define BUILD_KIND "elf"
#else
#define BUILD_KIND "pe"
#endif

HINSTANCE winhttp_instance;

BOOL WINAPI DllMain( HINSTANCE instance, DWORD reason, void *reserved )
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        /* the runner's mode check looks for this line to tell which build was loaded */
        TRACE( "winhttp project build=%s loaded\n", BUILD_KIND );
        winhttp_instance = instance;
        DisableThreadLibraryCalls( instance );
        break;
    case DLL_PROCESS_DETACH:
        break;
    }
    return TRUE;
}

HRESULT WINAPI DllCanUnloadNow( void )
{
    return S_FALSE;
}

HRESULT WINAPI DllGetClassObject( REFCLSID clsid, REFIID iid, void **obj )
{
    FIXME( "%p, %p, %p: no COM classes yet\n", clsid, iid, obj );
    if (obj) *obj = NULL;
    return CLASS_E_CLASSNOTAVAILABLE;
}

HRESULT WINAPI DllRegisterServer( void )
{
    FIXME( "not implemented\n" );
    return E_NOTIMPL;
}

HRESULT WINAPI DllUnregisterServer( void )
{
    FIXME( "not implemented\n" );
    return E_NOTIMPL;
}

BOOL WINAPI WinHttpCheckPlatform( void )
{
    TRACE( "\n" );
    return TRUE;
}
