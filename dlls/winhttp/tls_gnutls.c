/*
 * TLS through GnuTLS, for the ELF (Winelib) build. Unix code: it is compiled
 * against the system's headers, outside Wine's, and never in the PE build.
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

#if 0
#pragma makedep unix
#endif

#include <pthread.h>
#include <gnutls/gnutls.h>

int gnutls_backend_init( void );

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -1;

static void init_gnutls( void )
{
    init_result = gnutls_global_init();
}

/* Called on the first TLS connection, never at load time: plain HTTP users pay nothing. */
int gnutls_backend_init( void )
{
    pthread_once( &init_once, init_gnutls );
    return init_result == GNUTLS_E_SUCCESS;
}
