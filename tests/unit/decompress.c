/*
 * Unit test of Content-Encoding decompression (dlls/winhttp/decompress.c),
 * with test data made by zlib's deflate.
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

#include <zlib.h>

#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "psapi.h"
#include "winhttp.h"

#define STANDALONE
#include "wine/test.h"

#include "winhttp_private.h"

enum wrap { WRAP_GZIP, WRAP_ZLIB, WRAP_RAW };

static const char *wrap_name[] = { "gzip", "zlib", "raw" };

/* whole-buffer deflate; free() the result */
static unsigned char *compress_data( const void *data, size_t len, enum wrap wrap, int level, int strategy,
                                     size_t *out_len )
{
    static const int bits[] = { 16 + MAX_WBITS, MAX_WBITS, -MAX_WBITS };
    z_stream s = { 0 };
    unsigned char *out;
    size_t cap;
    int ret;

    ret = deflateInit2( &s, level, Z_DEFLATED, bits[wrap], 8, strategy );
    ok( ret == Z_OK, "deflateInit2 returned %d\n", ret );
    cap = deflateBound( &s, len ) + 64;
    out = malloc( cap );
    s.next_in = (Bytef *)data;
    s.avail_in = len;
    s.next_out = out;
    s.avail_out = cap;
    ret = deflate( &s, Z_FINISH );
    ok( ret == Z_STREAM_END, "deflate returned %d\n", ret );
    *out_len = s.total_out;
    deflateEnd( &s );
    return out;
}

/* text-like data: words from a small vocabulary with some noise, so that it compresses but not trivially */
static unsigned char *make_data( size_t len, unsigned int seed )
{
    static const char *const words[] = { "cookie ", "header ", "gzip ", "deflate ", "\r\n", "winhttp ", "0123 " };
    unsigned char *data = malloc( len + 1 );
    size_t pos = 0;

    while (pos < len)
    {
        const char *w;
        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 5 == 0)
        {
            data[pos++] = seed >> 24;
            continue;
        }
        for (w = words[(seed >> 16) % ARRAY_SIZE(words)]; *w && pos < len; w++) data[pos++] = *w;
    }
    return data;
}

enum result { RESULT_FINISHED, RESULT_UNFINISHED, RESULT_ERROR, RESULT_STUCK, RESULT_OVERRUN };

/* Feeds in[] to d in_step bytes at a time, taking out_step bytes at a time. */
static enum result run_all( struct decompressor *d, const unsigned char *in, size_t in_len, size_t in_step,
                            unsigned char *out, size_t out_cap, size_t out_step, size_t *total, DWORD *error )
{
    size_t pos = 0, consumed, produced, n, m;
    BOOL finished = FALSE;
    DWORD err;

    *total = 0;
    *error = 0;
    for (;;)
    {
        n = in_len - pos < in_step ? in_len - pos : in_step;
        m = out_cap - *total < out_step ? out_cap - *total : out_step;
        consumed = produced = ~(size_t)0;
        err = decompressor_run( d, in + pos, n, &consumed, out + *total, m, &produced, &finished );
        if (err)
        {
            *error = err;
            return RESULT_ERROR;
        }
        if (consumed > n || produced > m) return RESULT_OVERRUN;
        pos += consumed;
        *total += produced;
        if (!consumed && !produced)
        {
            if (pos == in_len) return finished ? RESULT_FINISHED : RESULT_UNFINISHED;
            if (*total == out_cap) return RESULT_OVERRUN;
            return RESULT_STUCK;
        }
    }
}

static void test_create(void)
{
    static const WCHAR *const good[] = { L"gzip", L"GZIP", L"x-gzip", L"X-Gzip", L"deflate", L"DeFlate" };
    static const WCHAR *const bad[] =
    {
        L"", L"identity", L"br", L"compress", L"x-compress", L"zstd", L"gzip, deflate", L" gzip", L"gzip ",
        L"gzi", L"gzipx", L"deflate;q=1", L"*",
    };
    struct decompressor *d;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(good); i++)
    {
        d = decompressor_create( good[i] );
        ok( d != NULL, "%u: no decompressor\n", i );
        decompressor_free( d );
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        d = decompressor_create( bad[i] );
        ok( !d, "%u: got a decompressor\n", i );
        decompressor_free( d );
    }
    ok( !decompressor_create( NULL ), "got a decompressor for NULL\n" );
    decompressor_free( NULL );
}

static void test_round_trip(void)
{
    static const size_t in_steps[] = { 1, 2, 3, 7, 1000, 65536, ~(size_t)0 };
    static const size_t out_steps[] = { 1, 13, 4096, 1 << 20 };
    static const WCHAR *const codings[] = { L"gzip", L"deflate", L"deflate" };
    static const size_t sizes[] = { 0, 1, 100, 300000 };
    unsigned char *data, *packed, *out;
    unsigned int w, i, j, k;
    struct decompressor *d;
    size_t packed_len, total;
    enum result res;
    DWORD err;

    for (k = 0; k < ARRAY_SIZE(sizes); k++)
    {
        data = make_data( sizes[k], 42 + k );
        out = malloc( sizes[k] + 100 );
        for (w = WRAP_GZIP; w <= WRAP_RAW; w++)
        {
            packed = compress_data( data, sizes[k], w, 6, Z_DEFAULT_STRATEGY, &packed_len );
            for (i = 0; i < ARRAY_SIZE(in_steps); i++)
            {
                for (j = 0; j < ARRAY_SIZE(out_steps); j++)
                {
                    /* byte by byte on both sides is slow for large data, and adds nothing */
                    if (sizes[k] > 1000 && in_steps[i] < 7 && out_steps[j] < 4096) continue;
                    winetest_push_context( "%s, %u bytes, in %d, out %d", wrap_name[w], (unsigned int)sizes[k],
                                           (int)in_steps[i], (int)out_steps[j] );
                    d = decompressor_create( codings[w] );
                    ok( d != NULL, "no decompressor\n" );
                    res = run_all( d, packed, packed_len, in_steps[i], out, sizes[k] + 100, out_steps[j],
                                   &total, &err );
                    ok( res == RESULT_FINISHED, "result %d, error %u\n", res, (unsigned int)err );
                    ok( total == sizes[k], "got %u bytes\n", (unsigned int)total );
                    ok( !memcmp( out, data, sizes[k] ), "data differs\n" );
                    decompressor_free( d );
                    winetest_pop_context();
                }
            }
            free( packed );
        }
        free( out );
        free( data );
    }

    /* a zlib stream labelled gzip, and x-gzip */
    data = make_data( 5000, 7 );
    out = malloc( 6000 );
    packed = compress_data( data, 5000, WRAP_ZLIB, 9, Z_DEFAULT_STRATEGY, &packed_len );
    d = decompressor_create( L"gzip" );
    res = run_all( d, packed, packed_len, 100, out, 6000, 6000, &total, &err );
    ok( res == RESULT_FINISHED && total == 5000 && !memcmp( out, data, 5000 ), "zlib as gzip: %d %u\n", res,
        (unsigned int)total );
    decompressor_free( d );
    free( packed );
    packed = compress_data( data, 5000, WRAP_GZIP, 1, Z_HUFFMAN_ONLY, &packed_len );
    d = decompressor_create( L"x-gzip" );
    res = run_all( d, packed, packed_len, 100, out, 6000, 6000, &total, &err );
    ok( res == RESULT_FINISHED && total == 5000 && !memcmp( out, data, 5000 ), "x-gzip: %d %u\n", res,
        (unsigned int)total );
    decompressor_free( d );
    free( packed );

    /* stored blocks (level 0) in every wrapping */
    for (w = WRAP_GZIP; w <= WRAP_RAW; w++)
    {
        packed = compress_data( data, 5000, w, 0, Z_DEFAULT_STRATEGY, &packed_len );
        d = decompressor_create( codings[w] );
        res = run_all( d, packed, packed_len, 1, out, 6000, 6000, &total, &err );
        ok( res == RESULT_FINISHED && total == 5000 && !memcmp( out, data, 5000 ), "%s stored: %d %u\n",
            wrap_name[w], res, (unsigned int)total );
        decompressor_free( d );
        free( packed );
    }
    free( out );
    free( data );
}

static void test_truncated(void)
{
    static const WCHAR *const codings[] = { L"gzip", L"deflate", L"deflate" };
    unsigned char *data, *packed, *out;
    size_t packed_len, total, cut;
    struct decompressor *d;
    unsigned int w;
    enum result res;
    DWORD err;

    data = make_data( 20000, 3 );
    out = malloc( 20000 );
    for (w = WRAP_GZIP; w <= WRAP_RAW; w++)
    {
        packed = compress_data( data, 20000, w, 6, Z_DEFAULT_STRATEGY, &packed_len );
        for (cut = 0; cut < packed_len; cut += (cut < 20 || packed_len - cut < 20) ? 1 : 97)
        {
            winetest_push_context( "%s cut at %u of %u", wrap_name[w], (unsigned int)cut, (unsigned int)packed_len );
            d = decompressor_create( codings[w] );
            res = run_all( d, packed, cut, 5000, out, 20000, 20000, &total, &err );
            /* no error, but not finished; what came out is the start of the data */
            ok( res == RESULT_UNFINISHED, "result %d, error %u\n", res, (unsigned int)err );
            ok( total <= 20000 && !memcmp( out, data, total ), "wrong data\n" );
            decompressor_free( d );
            winetest_pop_context();
        }
        free( packed );
    }
    free( out );
    free( data );
}

/* the data is refused as corrupt, and stays refused */
#define check_corrupt(a, b, c, d) check_corrupt_( __LINE__, a, b, c, d )
static void check_corrupt_( int line, const WCHAR *coding, const unsigned char *data, size_t len, size_t in_step )
{
    struct decompressor *d = decompressor_create( coding );
    unsigned char out[40000];
    enum result res;
    size_t total;
    DWORD err;
    int i;

    for (i = 0; i < 2; i++)
    {
        res = run_all( d, data, len, in_step, out, sizeof(out), sizeof(out), &total, &err );
        ok_( __FILE__, line )( res == RESULT_ERROR && err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
                               "call %d: result %d, error %u\n", i, res, (unsigned int)err );
    }
    decompressor_free( d );
}

static void test_corrupt(void)
{
    static const unsigned char not_gzip[] = "hello, world: this is not compressed";
    static const unsigned char bad_block[] = { 0xff, 0xff, 0xff, 0xff };
    static const unsigned char zlib_dict[] = { 0x78, 0xbb, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00 };
    static const unsigned char bad_gzip_method[] = { 0x1f, 0x8b, 0x07, 0x00, 0, 0, 0, 0, 0, 0x03, 0x03, 0x00 };
    unsigned char *data, *packed;
    size_t packed_len, i;

    check_corrupt( L"gzip", not_gzip, sizeof(not_gzip), 100 );
    check_corrupt( L"deflate", bad_block, sizeof(bad_block), 100 );
    check_corrupt( L"deflate", bad_block, sizeof(bad_block), 1 );
    /* a zlib stream that wants a preset dictionary */
    check_corrupt( L"deflate", zlib_dict, sizeof(zlib_dict), 100 );
    check_corrupt( L"gzip", bad_gzip_method, sizeof(bad_gzip_method), 100 );

    data = make_data( 30000, 5 );

    /* each byte of the gzip trailer's CRC and length */
    packed = compress_data( data, 30000, WRAP_GZIP, 6, Z_DEFAULT_STRATEGY, &packed_len );
    for (i = packed_len - 8; i < packed_len; i++)
    {
        winetest_push_context( "trailer byte %u", (unsigned int)(i - packed_len + 8) );
        packed[i] ^= 0x01;
        check_corrupt( L"gzip", packed, packed_len, 4096 );
        packed[i] ^= 0x01;
        winetest_pop_context();
    }
    /* a byte changed in the middle is caught, by the block structure or the CRC */
    packed[packed_len / 2] ^= 0x5a;
    check_corrupt( L"gzip", packed, packed_len, 4096 );
    free( packed );

    /* the zlib trailer's Adler-32 */
    packed = compress_data( data, 30000, WRAP_ZLIB, 6, Z_DEFAULT_STRATEGY, &packed_len );
    packed[packed_len - 1] ^= 0x80;
    check_corrupt( L"deflate", packed, packed_len, 4096 );
    free( packed );
    free( data );
}

static void test_members_and_trailing(void)
{
    unsigned char *one, *two, *joined, out[64];
    size_t one_len, two_len, joined_len, total, split, consumed, produced;
    struct decompressor *d;
    enum result res;
    BOOL finished;
    DWORD err;

    one = compress_data( "hello, ", 7, WRAP_GZIP, 6, Z_DEFAULT_STRATEGY, &one_len );
    two = compress_data( "world", 5, WRAP_GZIP, 6, Z_DEFAULT_STRATEGY, &two_len );
    joined = malloc( one_len + two_len + 16 );
    memcpy( joined, one, one_len );
    memcpy( joined + one_len, two, two_len );
    joined_len = one_len + two_len;

    /* gzip members one after another are one body, however the input is cut */
    for (split = 1; split <= joined_len; split++)
    {
        d = decompressor_create( L"gzip" );
        res = run_all( d, joined, joined_len, split, out, sizeof(out), sizeof(out), &total, &err );
        ok( res == RESULT_FINISHED && total == 12 && !memcmp( out, "hello, world", 12 ),
            "in steps of %u: %d %u\n", (unsigned int)split, res, (unsigned int)total );
        decompressor_free( d );
    }

    /* the end of the first member is an end: more may follow */
    d = decompressor_create( L"gzip" );
    err = decompressor_run( d, one, one_len, &consumed, out, sizeof(out), &produced, &finished );
    ok( !err && consumed == one_len && produced == 7 && finished, "first: %u %u %u %d\n", (unsigned int)err,
        (unsigned int)consumed, (unsigned int)produced, finished );
    err = decompressor_run( d, two, two_len, &consumed, out + 7, sizeof(out) - 7, &produced, &finished );
    ok( !err && consumed == two_len && produced == 5 && finished, "second: %u %u %u %d\n", (unsigned int)err,
        (unsigned int)consumed, (unsigned int)produced, finished );
    ok( !memcmp( out, "hello, world", 12 ), "wrong data\n" );
    decompressor_free( d );

    /* a second member cut short leaves the body unfinished */
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, joined_len - 3, 1000, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_UNFINISHED && total >= 7, "cut second member: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );

    /* a corrupt second member is an error */
    memcpy( joined + one_len, "\x1f\x8b\x09", 3 );
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, joined_len, 1000, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_ERROR && err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "corrupt second member: %d %u\n",
        res, (unsigned int)err );
    decompressor_free( d );

    /* other bytes after the end are ignored, in gzip and deflate */
    memcpy( joined + one_len, "trailing garbage", 16 );
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, one_len + 16, 1000, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_FINISHED && total == 7, "trailing bytes: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, one_len + 16, 1, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_FINISHED && total == 7, "trailing bytes one by one: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );

    /* a first byte like a member's is held until the next one tells, however the input is cut */
    memcpy( joined + one_len, "\x1f\x83 no member", 12 );
    for (split = 1; split <= one_len + 12; split++)
    {
        d = decompressor_create( L"gzip" );
        res = run_all( d, joined, one_len + 12, split, out, sizeof(out), sizeof(out), &total, &err );
        ok( res == RESULT_FINISHED && total == 7, "in steps of %u: %d %u\n", (unsigned int)split, res,
            (unsigned int)total );
        decompressor_free( d );
    }
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, one_len + 1, 1, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_FINISHED && total == 7, "a lone 0x1f at the end: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );

    /* once bytes were ignored, a member after them is too */
    memcpy( joined + one_len, "xy", 2 );
    memcpy( joined + one_len + 2, two, two_len );
    d = decompressor_create( L"gzip" );
    res = run_all( d, joined, one_len + 2 + two_len, 3, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_FINISHED && total == 7, "member after garbage: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );
    free( one );
    free( two );

    one = compress_data( "hello", 5, WRAP_RAW, 6, Z_DEFAULT_STRATEGY, &one_len );
    memcpy( joined, one, one_len );
    memcpy( joined + one_len, one, one_len );
    d = decompressor_create( L"deflate" );
    res = run_all( d, joined, one_len * 2, 1000, out, sizeof(out), sizeof(out), &total, &err );
    ok( res == RESULT_FINISHED && total == 5, "deflate, trailing bytes: %d %u\n", res, (unsigned int)total );
    decompressor_free( d );
    free( one );
    free( joined );

    /* an empty buffer on either side does nothing */
    d = decompressor_create( L"deflate" );
    err = decompressor_run( d, "x", 1, &consumed, out, 0, &produced, &finished );
    ok( !err && !consumed && !produced && !finished, "no room: %u %u %u %d\n", (unsigned int)err,
        (unsigned int)consumed, (unsigned int)produced, finished );
    err = decompressor_run( d, NULL, 0, &consumed, out, sizeof(out), &produced, &finished );
    ok( !err && !consumed && !produced && !finished, "no input: %u %u %u %d\n", (unsigned int)err,
        (unsigned int)consumed, (unsigned int)produced, finished );
    decompressor_free( d );
}

/* bytes the process has allocated for itself: PagefileUsage, which Wine fills in (PrivateUsage it leaves 0) */
static SIZE_T private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS pmc = { sizeof(pmc) };

    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), &pmc, sizeof(pmc) )) return 0;
    return pmc.PagefileUsage;
}

struct bit_writer
{
    unsigned char *p;
    unsigned long long bits;
    unsigned int count;
};

static void put_bits( struct bit_writer *w, unsigned int value, unsigned int count )
{
    w->bits |= (unsigned long long)value << w->count;
    w->count += count;
    while (w->count >= 8)
    {
        *w->p++ = w->bits;
        w->bits >>= 8;
        w->count -= 8;
    }
}

/* Huffman codes go most significant bit first */
static void put_code( struct bit_writer *w, unsigned int code, unsigned int len )
{
    unsigned int reversed = 0, i;

    for (i = 0; i < len; i++) reversed |= ((code >> i) & 1) << (len - 1 - i);
    put_bits( w, reversed, len );
}

/* A deflate bomb, made by hand rather than by deflating a GiB: one fixed-Huffman
 * block of a literal 0 and then matches of 258 bytes at distance 1, 13 bits each,
 * until the output passes 1 GiB; with a gzip or zlib header, or raw. The trailer
 * is left out: the test stops long before the end. */
static unsigned char *make_bomb( enum wrap wrap, size_t *len )
{
    static const unsigned char gzip_header[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    static const unsigned char zlib_header[] = { 0x78, 0x01 };
    const size_t matches = (((size_t)1 << 30) + 257) / 258;
    unsigned char *data = malloc( matches * 13 / 8 + 64 );
    struct bit_writer w = { data };
    size_t i;

    if (wrap == WRAP_GZIP)
    {
        memcpy( w.p, gzip_header, sizeof(gzip_header) );
        w.p += sizeof(gzip_header);
    }
    else if (wrap == WRAP_ZLIB)
    {
        memcpy( w.p, zlib_header, sizeof(zlib_header) );
        w.p += sizeof(zlib_header);
    }
    put_bits( &w, 1, 1 );               /* the final block */
    put_bits( &w, 1, 2 );               /* fixed Huffman codes */
    put_code( &w, 0x30, 8 );            /* literal 0 */
    for (i = 0; i < matches; i++)
    {
        put_code( &w, 0xc5, 8 );        /* length 258 */
        put_code( &w, 0, 5 );           /* distance 1 */
    }
    put_code( &w, 0, 7 );               /* end of block */
    put_bits( &w, 0, 7 );
    *len = w.p - data;
    return data;
}

/* A body that expands past 1 GiB, read 64 KiB at a time: each call gives at
 * most what was asked for, and memory does not grow with the output. */
static void test_bomb(void)
{
    static const WCHAR *const codings[] = { L"gzip", L"deflate", L"deflate" };
    static const size_t step = 65536, steps = 1024;
    static const unsigned char zeros[65536];
    unsigned char *packed, *out;
    size_t packed_len, pos, consumed, produced, total, n;
    SIZE_T before, after;
    struct decompressor *d;
    BOOL finished, bad_data;
    unsigned int w;
    DWORD err;

    out = malloc( step );
    for (w = WRAP_GZIP; w <= WRAP_RAW; w++)
    {
        winetest_push_context( "%s", wrap_name[w] );
        packed = make_bomb( w, &packed_len );
        d = decompressor_create( codings[w] );
        pos = total = 0;
        finished = bad_data = FALSE;

        /* the first step lets zlib allocate its state and window */
        err = decompressor_run( d, packed, packed_len, &consumed, out, step, &produced, &finished );
        ok( !err && produced == step && !memcmp( out, zeros, step ), "first step: %u %u\n", (unsigned int)err,
            (unsigned int)produced );
        pos += consumed;
        total += produced;
        before = private_bytes();
        for (n = 1; n < steps && !err; n++)
        {
            memset( out, 0xcc, step );
            err = decompressor_run( d, packed + pos, packed_len - pos, &consumed, out, step, &produced, &finished );
            if (err || produced != step || finished) break;
            if (memcmp( out, zeros, step )) bad_data = TRUE;
            pos += consumed;
            total += produced;
        }
        after = private_bytes();
        ok( !err, "error %u at step %u\n", (unsigned int)err, (unsigned int)n );
        ok( n == steps, "stopped at step %u: produced %u, finished %d\n", (unsigned int)n, (unsigned int)produced,
            finished );
        ok( !bad_data, "output not zeros\n" );
        ok( total == steps * step, "got %u KiB\n", (unsigned int)(total >> 10) );
        /* 64 MiB out of 6.5 MB in: the input is consumed as the output is taken, no sooner */
        ok( pos < packed_len / 8, "%u of %u bytes consumed for %u KiB of output\n", (unsigned int)pos,
            (unsigned int)packed_len, (unsigned int)(total >> 10) );
        if (before && after)
            ok( after < before + (1 << 20), "private bytes grew from %lu to %lu KiB\n",
                (unsigned long)(before >> 10), (unsigned long)(after >> 10) );
        else
            skip( "GetProcessMemoryInfo failed\n" );
        decompressor_free( d );
        free( packed );
        winetest_pop_context();
    }
    free( out );
}

START_TEST(decompress)
{
    test_create();
    test_round_trip();
    test_truncated();
    test_corrupt();
    test_members_and_trailing();
    test_bomb();
}
