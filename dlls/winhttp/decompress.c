/*
 * Content-Encoding gzip and deflate: a response body inflated through zlib,
 * one stream at a time, never more output than the caller has room for.
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

/* zlib.h comes before Wine's headers: with __WINESRC__ Wine's windef.h makes
 * FAR unusable, and zconf.h defines it only when nobody has. In the ELF build
 * the msvcrt headers give zconf.h a 32-bit off_t where the system's libz has
 * 64 bits, so only functions without z_off_t (the inflate ones) may be used. */
#include <zlib.h>

#include <stdarg.h>
#include <limits.h>

#include "windef.h"
#include "winbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

/*
 * No output is buffered here: inflate() writes straight into the caller's
 * buffer and stops when it is full, so however far a body would expand, the
 * memory used is zlib's state and its 32 KiB window.
 *
 * "deflate" is meant to be the zlib format (RFC 9110 8.4.1.2), but servers
 * have long sent raw deflate instead; like browsers we tell the two apart by
 * the zlib header in the first two bytes. "gzip" also takes a zlib stream
 * (zlib's automatic header detection), and gzip members that follow one
 * another are inflated as one body, as gunzip does. Bytes after the end of
 * the stream that do not start a gzip member are ignored, with all that
 * follows them, as browsers do. Both decisions need two bytes: a lone first
 * byte is held back, so the result never depends on how the input is cut.
 */

enum coding
{
    CODING_GZIP,
    CODING_DEFLATE,
};

struct decompressor
{
    z_stream stream;
    enum coding coding;
    BOOL started;               /* inflateInit2 done; deflate waits for its first two bytes */
    BOOL finished;              /* the stream, or the last gzip member so far, has ended */
    BOOL trailing;              /* what came after the end was no gzip member: ignore the rest */
    unsigned char first;        /* a lone first byte of a stream or member, held until the second comes */
    BOOL have_first;
};

static BOOL equal_nocase( const WCHAR *str, const char *ascii )
{
    for (; *str && *ascii; str++, ascii++)
    {
        WCHAR c = (*str >= 'A' && *str <= 'Z') ? *str + ('a' - 'A') : *str;
        if (c != *ascii) return FALSE;
    }
    return !*str && !*ascii;
}

struct decompressor *decompressor_create( const WCHAR *content_encoding )
{
    struct decompressor *d;
    enum coding coding;

    TRACE( "%s\n", debugstr_w(content_encoding) );

    if (!content_encoding) return NULL;
    if (equal_nocase( content_encoding, "gzip" ) || equal_nocase( content_encoding, "x-gzip" ))
        coding = CODING_GZIP;
    else if (equal_nocase( content_encoding, "deflate" ))
        coding = CODING_DEFLATE;
    else
        return NULL;

    if (!(d = calloc( 1, sizeof(*d) ))) return NULL;
    d->coding = coding;
    if (coding == CODING_GZIP)
    {
        /* 32: a gzip or a zlib header, whichever comes */
        if (inflateInit2( &d->stream, 32 + MAX_WBITS ) != Z_OK)
        {
            free( d );
            return NULL;
        }
        d->started = TRUE;
    }
    return d;
}

void decompressor_free( struct decompressor *d )
{
    if (!d) return;
    if (d->started) inflateEnd( &d->stream );
    free( d );
}

/* RFC 1950: compression method 8, a window of at most 32 KiB, and the check bits */
static BOOL is_zlib_header( unsigned char cmf, unsigned char flg )
{
    return (cmf & 0x0f) == Z_DEFLATED && (cmf >> 4) <= 7 && !(((cmf << 8) | flg) % 31);
}

static DWORD start_deflate( struct decompressor *d, unsigned char first, unsigned char second )
{
    int bits = is_zlib_header( first, second ) ? MAX_WBITS : -MAX_WBITS;

    TRACE( "%s deflate\n", bits > 0 ? "zlib" : "raw" );
    if (inflateInit2( &d->stream, bits ) != Z_OK) return ERROR_OUTOFMEMORY;
    d->started = TRUE;
    return ERROR_SUCCESS;
}

static DWORD inflate_error( struct decompressor *d, int ret )
{
    if (ret == Z_MEM_ERROR) return ERROR_OUTOFMEMORY;
    WARN( "corrupt %s data: %d %s\n", d->coding == CODING_GZIP ? "gzip" : "deflate", ret,
          d->stream.msg ? d->stream.msg : "" );
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* Feeds a first byte that was held back alone; one byte of a header never makes output. */
static DWORD feed_first( struct decompressor *d, unsigned char *out )
{
    int ret;

    d->stream.next_in = &d->first;
    d->stream.avail_in = 1;
    d->stream.next_out = out;
    d->stream.avail_out = 1;
    ret = inflate( &d->stream, Z_NO_FLUSH );
    d->have_first = FALSE;
    if ((ret != Z_OK && ret != Z_BUF_ERROR) || d->stream.avail_in || !d->stream.avail_out)
        return inflate_error( d, ret == Z_OK ? Z_DATA_ERROR : ret );
    return ERROR_SUCCESS;
}

DWORD decompressor_run( struct decompressor *d, const void *in, size_t in_len, size_t *consumed,
                        void *out, size_t out_len, size_t *produced, BOOL *finished )
{
    const unsigned char *src = in;
    unsigned char *dst = out;
    size_t used = 0, made = 0, step_in, step_out;
    uInt avail_in, avail_out;
    DWORD err = ERROR_SUCCESS;
    int ret;

    while (made < out_len)
    {
        if (d->finished)
        {
            /* a gzip member may follow, known by its two magic bytes; anything else is ignored */
            if (used == in_len) break;
            if (!d->trailing && d->coding == CODING_GZIP && (d->have_first || src[used] == 0x1f))
            {
                if (!d->have_first && in_len - used == 1)
                {
                    d->first = src[used++];
                    d->have_first = TRUE;
                    break;
                }
                if (src[used + !d->have_first] == 0x8b && inflateReset( &d->stream ) == Z_OK)
                {
                    d->finished = FALSE;
                    if (d->have_first && (err = feed_first( d, dst + made ))) break;
                    continue;
                }
            }
            TRACE( "ignoring %Iu bytes after the end of the stream\n", in_len - used );
            d->trailing = TRUE;
            d->have_first = FALSE;
            used = in_len;
            break;
        }
        if (!d->started)
        {
            if (used == in_len) break;
            if (!d->have_first && in_len - used == 1)
            {
                d->first = src[used++];
                d->have_first = TRUE;
                break;
            }
            if (d->have_first)
            {
                if ((err = start_deflate( d, d->first, src[used] ))) break;
                if ((err = feed_first( d, dst + made ))) break;
            }
            else if ((err = start_deflate( d, src[used], src[used + 1] ))) break;
        }

        avail_in = in_len - used > UINT_MAX ? UINT_MAX : in_len - used;
        avail_out = out_len - made > UINT_MAX ? UINT_MAX : out_len - made;
        d->stream.next_in = (Bytef *)(src + used);
        d->stream.avail_in = avail_in;
        d->stream.next_out = dst + made;
        d->stream.avail_out = avail_out;
        ret = inflate( &d->stream, Z_NO_FLUSH );
        step_in = avail_in - d->stream.avail_in;
        step_out = avail_out - d->stream.avail_out;
        used += step_in;
        made += step_out;

        if (ret == Z_STREAM_END) d->finished = TRUE;
        else if (ret == Z_BUF_ERROR) break;     /* no progress possible: it needs more input */
        else if (ret != Z_OK)
        {
            err = inflate_error( d, ret );
            break;
        }
        else if (!step_in && !step_out) break;
    }

    /* nothing would come of the next call either: the caller must feed more */
    *consumed = used;
    *produced = made;
    *finished = d->finished;
    return err;
}
