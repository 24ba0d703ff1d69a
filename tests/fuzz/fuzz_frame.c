/*
 * libFuzzer target for the WebSocket framing of frame.c: the input is a server's
 * frame stream, fed whole, in pieces whose sizes come from the input, and byte
 * by byte, which must all give the same messages; then the encoder, the mask
 * and SHA-1 are checked against the input too.
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
#include "frame.h"

/* What one way of feeding the stream produced, as records: 'D' and the data of
 * a run of payload, 'M' and the type at a message's end, 'C' and a control
 * frame, 'E' and the close status of an error. */
struct transcript
{
    uint8_t *data;
    size_t len, size;
    size_t run_at;              /* where the length of the current 'D' record is, or 0 */
    uint8_t *message;           /* the message in progress, to check its UTF-8 */
    size_t message_len, message_size;
    size_t message_mark;        /* where its records start */
    int failed;
};

enum feeding
{
    FEED_WHOLE,
    FEED_PIECES,
    FEED_BYTES,
};

static void grow( uint8_t **buf, size_t *size, size_t need )
{
    if (need <= *size) return;
    *size = need * 2;
    if (!(*buf = realloc( *buf, *size ))) abort();
}

static void put( struct transcript *t, const void *p, size_t n )
{
    grow( &t->data, &t->size, t->len + n );
    memcpy( t->data + t->len, p, n );
    t->len += n;
}

/* starts a record other than data: the run of data before it is over */
static void put_tag( struct transcript *t, uint8_t tag )
{
    t->run_at = 0;
    put( t, &tag, 1 );
}

/* UTF-8 decoded the long way, to check the validator against */
static int reference_utf8( const uint8_t *p, size_t len )
{
    size_t i = 0;

    while (i < len)
    {
        uint32_t c = p[i], min;
        unsigned int n, k;

        if (c < 0x80) { i++; continue; }
        if ((c & 0xe0) == 0xc0) { n = 1; c &= 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { n = 2; c &= 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { n = 3; c &= 0x07; min = 0x10000; }
        else return 0;
        for (k = 1; k <= n; k++)
        {
            if (i + k >= len || (p[i + k] & 0xc0) != 0x80) return 0;
            c = (c << 6) | (p[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
        i += n + 1;
    }
    return 1;
}

static void data_record( struct transcript *t, const uint8_t *p, size_t n )
{
    uint64_t run = 0;

    if (!t->message_len) t->message_mark = t->len;
    /* runs of data are one record, however the feeding cut them */
    if (!t->run_at)
    {
        put_tag( t, 'D' );
        t->run_at = t->len;
        put( t, &run, sizeof(run) );
    }
    memcpy( &run, t->data + t->run_at, sizeof(run) );
    run += n;
    memcpy( t->data + t->run_at, &run, sizeof(run) );
    put( t, p, n );
    grow( &t->message, &t->message_size, t->message_len + n + 1 );
    memcpy( t->message + t->message_len, p, n );
    t->message_len += n;
}

static void check_control( const struct ws_decoder *d )
{
    unsigned short status;
    size_t offset;

    CHECK( ws_is_control( d->frame.opcode ) );
    CHECK( d->frame.fin && !d->frame.rsv && !d->frame.masked );
    CHECK( d->control_len == d->frame.length && d->control_len <= WS_MAX_CONTROL_PAYLOAD );
    if (d->frame.opcode == WS_CLOSE)
    {
        struct utf8_validator v = { 0 };

        CHECK( !ws_parse_close( d->control, d->control_len, &status, &offset ) );
        CHECK( offset <= d->control_len );
        CHECK( utf8_check( &v, d->control + offset, d->control_len - offset ) && utf8_complete( &v ) );
        CHECK( reference_utf8( d->control + offset, d->control_len - offset ) );
    }
}

/* An error ends the stream. How much of the message it was in had been
 * delivered depends on the feeding (a byte can be valid UTF-8 until the next
 * one comes), so that message is left out. */
static void error_record( struct transcript *t, unsigned short status )
{
    if (t->message_len) t->len = t->message_mark;
    put_tag( t, 'E' );
    put( t, &status, sizeof(status) );
    t->failed = 1;
}

/* Feeds data[0..size) as websocket.c does: decode, take payload at WS_DATA
 * (all of it, or a reader's amount), feed the rest again. */
static void decode( const uint8_t *data, size_t size, enum feeding how, struct fuzz_rng *rng, struct transcript *t )
{
    struct ws_decoder d;
    size_t offset = 0;

    memset( &d, 0, sizeof(d) );
    memset( t, 0, sizeof(*t) );
    while (offset < size && !t->failed)
    {
        size_t piece = how == FEED_WHOLE ? size - offset : how == FEED_BYTES ? 1 : rng_piece( rng, size - offset );
        uint8_t *copy = copy_exact( data + offset, piece );
        size_t pos = 0, used, take;
        int ret;

        while (!t->failed)
        {
            used = (size_t)-1;
            ret = ws_decode( &d, copy + pos, piece - pos, &used );
            CHECK( used <= piece - pos );
            CHECK( d.header_len < WS_MAX_HEADER );
            pos += used;
            if (ret == WS_NEED_MORE)
            {
                CHECK( pos == piece );
                break;
            }
            if (ret == WS_ERROR)
            {
                CHECK( d.close_status == WS_STATUS_PROTOCOL_ERROR || d.close_status == WS_STATUS_INVALID_PAYLOAD );
                CHECK( d.state == WS_STATE_ERROR );
                error_record( t, d.close_status );
                break;
            }
            if (ret == WS_CONTROL)
            {
                uint8_t len = (uint8_t)d.control_len;
                check_control( &d );
                put_tag( t, 'C' );
                put( t, &d.frame.opcode, sizeof(d.frame.opcode) );
                put( t, &len, 1 );
                put( t, d.control, d.control_len );
                continue;
            }
            CHECK( ret == WS_DATA && d.state == WS_STATE_DATA );
            CHECK( d.message == WS_TEXT || d.message == WS_BINARY );
            CHECK( d.remaining || d.frame.fin );
            take = piece - pos;
            if (take > d.remaining) take = (size_t)d.remaining;
            if (d.remaining && !take) break;        /* the payload is in the next piece */
            if (how == FEED_PIECES && take) take = rng_piece( rng, take );
            {
                unsigned int message = d.message;

                ret = ws_data( &d, copy + pos, take );
                if (ret == WS_ERROR)
                {
                    CHECK( message == WS_TEXT && d.close_status == WS_STATUS_INVALID_PAYLOAD );
                    error_record( t, d.close_status );
                    break;
                }
                data_record( t, copy + pos, take );
                pos += take;
                if (ret == WS_MESSAGE_END)
                {
                    CHECK( !d.message && d.state == WS_STATE_HEADER );
                    if (message == WS_TEXT) CHECK( reference_utf8( t->message, t->message_len ) );
                    put_tag( t, 'M' );
                    put( t, &message, sizeof(message) );
                    t->message_len = 0;
                }
                else CHECK( ret == WS_NEED_MORE );
            }
        }
        offset += piece;
        free( copy );
    }
    if (t->failed)
    {
        /* an error is for good */
        size_t used = (size_t)-1;
        CHECK( ws_decode( &d, data, size ? 1 : 0, &used ) == WS_ERROR && used == 0 );
    }
}

static void check_same( const struct transcript *a, const struct transcript *b )
{
    CHECK( a->failed == b->failed );
    CHECK( a->len == b->len );
    CHECK( !a->len || !memcmp( a->data, b->data, a->len ) );
}

/* The encoder against the parser, and masking twice is nothing. */
static void check_encoder( const uint8_t *data, size_t size )
{
    uint8_t header[WS_MAX_HEADER], mask[4] = { 0 }, *copy;
    struct ws_frame_header h;
    uint64_t length = 0;
    unsigned int opcode, fin, i;
    size_t n;

    if (size < 13) return;
    opcode = data[0] & 0xf;
    fin = data[0] >> 7;
    memcpy( mask, data + 1, 4 );
    for (i = 0; i < 8; i++) length = (length << 8) | data[5 + i];
    length >>= 1 + ((data[0] >> 4) & 3) * 20;      /* every size class, the top bit clear */
    n = ws_encode_header( header, fin, opcode, length, mask );
    CHECK( n == 6 || n == 8 || n == 14 );
    CHECK( ws_parse_header( header, n - 1, &h ) == 0 );
    CHECK( ws_parse_header( header, n, &h ) == 1 );
    CHECK( h.size == n && h.fin == (int)fin && h.opcode == opcode && h.masked && !h.rsv && h.length == length );
    CHECK( !memcmp( h.mask, mask, 4 ) );
    /* the shortest form */
    CHECK( length < 126 ? n == 6 : length <= 0xffff ? n == 8 : n == 14 );

    copy = copy_exact( data, size );
    ws_mask( copy, size, mask, length );
    ws_mask( copy, size, mask, length );
    CHECK( !memcmp( copy, data, size ) );
    free( copy );
}

/* SHA-1 in pieces is SHA-1 whole; the accept value is base64 of 20 bytes. */
static void check_sha1( const uint8_t *data, size_t size, struct fuzz_rng *rng )
{
    uint8_t whole[20], pieces[20];
    char accept[WS_ACCEPT_SIZE];
    struct ws_sha1 s;
    size_t offset, n;

    ws_sha1_init( &s );
    ws_sha1_update( &s, data, size );
    ws_sha1_final( &s, whole );
    ws_sha1_init( &s );
    for (offset = 0; offset < size; offset += n)
    {
        n = rng_piece( rng, size - offset );
        ws_sha1_update( &s, data + offset, n );
    }
    ws_sha1_final( &s, pieces );
    CHECK( !memcmp( whole, pieces, sizeof(whole) ) );

    ws_accept_key( (const char *)data, size < 64 ? size : 64, accept );
    CHECK( strlen( accept ) == 28 && accept[27] == '=' && accept[26] != '=' );
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    struct transcript whole, pieces, bytes;
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
        free( bytes.message );
    }
    free( whole.data );
    free( whole.message );
    free( pieces.data );
    free( pieces.message );
    check_encoder( data, size );
    check_sha1( data, size, &rng );
    return 0;
}
