/*
 * Maps the C library's wcs* names onto the 16-bit WCHAR versions of
 * wine_native.c; include it last, just before the source under test.
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

#ifndef WINE_NATIVE_WCS_H
#define WINE_NATIVE_WCS_H

#include "wine_native.h"

/* Macros rather than functions of the same names: glibc's (and ASan's
 * interceptors of) wcslen and the rest read 4-byte characters, and clang
 * would treat calls by those names as builtins of the wrong width. */
#undef wcslen
#undef wcscmp
#undef wcsncmp
#undef wcschr
#undef wcsrchr
#undef wcscpy
#define wcslen  wine_native_wcslen
#define wcscmp  wine_native_wcscmp
#define wcsncmp wine_native_wcsncmp
#define wcschr  wine_native_wcschr
#define wcsrchr wine_native_wcsrchr
#define wcscpy  wine_native_wcscpy

#endif /* WINE_NATIVE_WCS_H */
