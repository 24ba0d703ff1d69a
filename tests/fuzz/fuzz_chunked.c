/*
 * libFuzzer target for the chunked decoder of parse.c: the input is a chunked
 * body, fed whole, in pieces whose sizes come from the input, and byte by byte.
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

#include "fuzz_common.h"
#include "parse.h"

/* what one way of feeding the body produced */
struct decoding
{
    int result;         /* of the last chunked_decode call */
    size_t consumed;    /* input bytes taken: framing and data */
    size_t framing;
    char *data;         /* the chunk data, in order */
    size_t data_len;
};

enum feeding
{
    FEED_WHOLE,         /* one piece, the reader takes all the data it can */
    FEED_PIECES,        /* pieces and reads of sizes from the input */
    FEED_BYTES,         /* one byte at a time */
};

static size_t next_piece( enum feeding how, struct fuzz_rng *rng, size_t left )
{
    switch (how)
    {
    case FEED_WHOLE: return left;
    case FEED_BYTES: return 1;
    default:         return rng_piece( rng, left );
    }
}

/* Feeds data[0..size) the way http.c's read loop does: decode framing, take
 * chunk data while the decoder is at CHUNK_DATA, feed the rest again. Each
 * piece is an exact-size copy, so the decoder cannot read past it unseen. */
static void decode( const uint8_t *data, size_t size, enum feeding how, struct fuzz_rng *rng,
                    struct decoding *out )
{
    struct chunked_decoder d = { 0 };
    size_t offset = 0;

    memset( out, 0, sizeof(*out) );
    out->result = PARSE_NEED_MORE;
    out->data = malloc( size ? size : 1 );
    if (!out->data) abort();

    while (offset < size && out->result == PARSE_NEED_MORE)
    {
        size_t piece = next_piece( how, rng, size - offset ), left = piece, used;
        char *copy = copy_exact( data + offset, piece ), *p = copy;

        while (left && out->result == PARSE_NEED_MORE)
        {
            used = (size_t)-1;
            out->result = chunked_decode( &d, p, left, &used );
            CHECK( out->result == PARSE_NEED_MORE || out->result == PARSE_DONE || out->result == PARSE_ERROR ||
                   out->result == PARSE_TOO_LONG );
            CHECK( d.state <= CHUNK_DONE );
            if (out->result < 0) break;
            CHECK( used <= left );
            p += used;
            left -= used;
            out->framing += used;
            if (out->result == PARSE_DONE)
            {
                CHECK( d.state == CHUNK_DONE );
                break;
            }
            /* NEED_MORE: all input used, or the decoder stopped at chunk data */
            CHECK( !left || d.state == CHUNK_DATA );
            if (d.state == CHUNK_DATA && left)
            {
                size_t take = left;

                CHECK( d.remaining > 0 );
                if (take > d.remaining) take = (size_t)d.remaining;
                if (how == FEED_PIECES) take = next_piece( how, rng, take );  /* a small reader */
                memcpy( out->data + out->data_len, p, take );
                out->data_len += take;
                p += take;
                left -= take;
                chunked_consumed( &d, take );
            }
        }
        offset += piece - left;
        free( copy );
        if (out->result != PARSE_NEED_MORE) break;
    }
    out->consumed = out->framing + out->data_len;
    CHECK( out->consumed <= size );
    if (out->result == PARSE_NEED_MORE) CHECK( out->consumed == size );

    if (out->result == PARSE_DONE)
    {
        /* done stays done, and takes nothing more */
        size_t rest = size - out->consumed, used = (size_t)-1;
        char *copy = copy_exact( data + out->consumed, rest );

        CHECK( chunked_decode( &d, copy, rest, &used ) == PARSE_DONE && used == 0 );
        free( copy );
    }
    else if (out->result == PARSE_NEED_MORE)
    {
        /* an empty piece changes nothing */
        struct chunked_decoder before = d;
        size_t used = (size_t)-1;
        int ret = chunked_decode( &d, (const char *)data + size, 0, &used );

        CHECK( ret == PARSE_NEED_MORE && used == 0 );
        CHECK( !memcmp( &before, &d, sizeof(d) ) );
    }
}

static void check_same( const struct decoding *a, const struct decoding *b )
{
    CHECK( a->result == b->result );
    CHECK( a->data_len == b->data_len );
    CHECK( !memcmp( a->data, b->data, a->data_len ) );
    /* where the body ends is where the next response starts */
    if (a->result == PARSE_DONE) CHECK( a->consumed == b->consumed );
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    struct decoding whole, pieces, bytes;
    struct fuzz_rng rng;

    rng_seed( &rng, data, size );
    decode( data, size, FEED_WHOLE, &rng, &whole );
    decode( data, size, FEED_PIECES, &rng, &pieces );
    check_same( &whole, &pieces );
    if (size <= 4096)
    {
        decode( data, size, FEED_BYTES, &rng, &bytes );
        check_same( &whole, &bytes );
        free( bytes.data );
    }
    free( whole.data );
    free( pieces.data );
    return 0;
}
