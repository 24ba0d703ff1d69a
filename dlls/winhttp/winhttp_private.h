/*
 * Internal declarations shared by the files of winhttp.dll.
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

#ifndef WINHTTP_PRIVATE_H
#define WINHTTP_PRIVATE_H

/* main.c */
extern HINSTANCE winhttp_instance;

/* tls_gnutls.c (ELF build only): GnuTLS is set up on first use, never at load time */
#ifdef WINHTTP_ELF_BUILD
int gnutls_backend_init( void );
#endif

#endif /* WINHTTP_PRIVATE_H */
