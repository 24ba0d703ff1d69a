/*
 * Helpers shared by the fuzz targets: invariant checks that abort with a
 * message, exact-size copies (so AddressSanitizer sees any read past a length),
 * and a small deterministic random generator seeded from the input.
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

#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize( int *argc, char ***argv );
int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size );

static inline void check_failed( const char *what, const char *file, int line )
{
    fprintf( stderr, "%s:%d: invariant broken: %s\n", file, line, what );
    abort();
}

/* a macro only to print the condition's text */
#define CHECK(cond) do { if (!(cond)) check_failed( #cond, __FILE__, __LINE__ ); } while (0)

/* A heap copy of exactly len bytes (at least one byte is allocated, but a
 * zero-length copy is never read): a read past len is a heap overflow. */
static inline void *copy_exact( const void *src, size_t len )
{
    void *dst = malloc( len ? len : 1 );

    if (!dst) abort();
    if (len) memcpy( dst, src, len );
    return dst;
}

/* xorshift64*: piece sizes and the like, the same for the same input */
struct fuzz_rng
{
    uint64_t state;
};

static inline void rng_seed( struct fuzz_rng *rng, const uint8_t *data, size_t size )
{
    uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */
    size_t i;

    for (i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3ull;
    rng->state = h ? h : 1;
}

static inline uint32_t rng_next( struct fuzz_rng *rng )
{
    rng->state ^= rng->state >> 12;
    rng->state ^= rng->state << 25;
    rng->state ^= rng->state >> 27;
    return (uint32_t)((rng->state * 0x2545f4914f6cdd1dull) >> 32);
}

/* 1..max, mostly small: the sizes that find boundary bugs */
static inline size_t rng_piece( struct fuzz_rng *rng, size_t max )
{
    uint32_t r = rng_next( rng );
    size_t n;

    switch (r & 3)
    {
    case 0:  n = 1; break;
    case 1:  n = 1 + (r >> 2) % 4; break;
    case 2:  n = 1 + (r >> 2) % 32; break;
    default: n = 1 + (r >> 2) % 4096; break;
    }
    return n < max ? n : max;
}

#endif /* FUZZ_COMMON_H */
