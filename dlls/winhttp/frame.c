/*
 * Pure WebSocket (RFC 6455) framing for the client side. Nothing here trusts a
 * length from the network: payload sizes are only counted down, never allocated.
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

#include <string.h>
#include "frame.h"

/* The header's size from its first two bytes. */
static size_t header_size( const uint8_t *buf )
{
    size_t size = 2;
    unsigned int len7 = buf[1] & 0x7f;

    if (len7 == 126) size += 2;
    else if (len7 == 127) size += 8;
    if (buf[1] & 0x80) size += 4;
    return size;
}

int ws_parse_header( const uint8_t *buf, size_t len, struct ws_frame_header *h )
{
    unsigned int len7, count, i;
    uint64_t length;
    size_t size;

    if (len < 2 || len < (size = header_size( buf ))) return 0;
    len7 = buf[1] & 0x7f;
    if (len7 < 126) length = len7;
    else
    {
        count = len7 == 126 ? 2 : 8;
        for (i = 0, length = 0; i < count; i++) length = (length << 8) | buf[2 + i];
        if (length >> 63) return -1;
    }
    h->fin = buf[0] >> 7;
    h->rsv = (buf[0] >> 4) & 7;
    h->opcode = buf[0] & 0xf;
    h->masked = buf[1] >> 7;
    if (h->masked) memcpy( h->mask, buf + size - 4, 4 );
    else memset( h->mask, 0, sizeof(h->mask) );
    h->length = length;
    h->size = size;
    return 1;
}

size_t ws_encode_header( uint8_t *out, int fin, unsigned int opcode, uint64_t length, const uint8_t mask[4] )
{
    size_t size = 2;
    unsigned int i;

    out[0] = (fin ? 0x80 : 0) | (opcode & 0xf);
    /* the shortest form, as RFC 6455 5.2 requires */
    if (length < 126) out[1] = 0x80 | (uint8_t)length;
    else if (length <= 0xffff)
    {
        out[1] = 0x80 | 126;
        out[2] = (uint8_t)(length >> 8);
        out[3] = (uint8_t)length;
        size = 4;
    }
    else
    {
        out[1] = 0x80 | 127;
        for (i = 0; i < 8; i++) out[2 + i] = (uint8_t)(length >> (56 - 8 * i));
        size = 10;
    }
    memcpy( out + size, mask, 4 );
    return size + 4;
}

/* Eight bytes as one little-endian word, and back: compilers make these single moves
 * (memcpy would not do here: in the Winelib build it is msvcrt's, never inlined). */
static inline uint64_t load64( const uint8_t *p )
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void store64( uint8_t *p, uint64_t v )
{
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
    p[4] = v >> 32; p[5] = v >> 40; p[6] = v >> 48; p[7] = v >> 56;
}

void ws_mask( uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset )
{
    uint8_t key[8];
    uint64_t key64;
    size_t i = 0, j;

    /* byte by byte up to an 8-byte boundary of the payload, then 8 bytes at a time */
    for (; i < len && ((offset + i) & 7); i++) data[i] ^= mask[(offset + i) & 3];
    for (j = 0; j < 8; j++) key[j] = mask[j & 3];
    key64 = load64( key );
    for (; i + 8 <= len; i += 8) store64( data + i, load64( data + i ) ^ key64 );
    for (; i < len; i++) data[i] ^= mask[(offset + i) & 3];
}

int utf8_check( struct utf8_validator *v, const uint8_t *p, size_t len )
{
    size_t i;

    for (i = 0; i < len; i++)
    {
        uint8_t c = p[i];

        if (v->need)
        {
            if (c < v->lo || c > v->hi) return 0;
            v->need--;
            v->lo = 0x80;
            v->hi = 0xbf;
            continue;
        }
        if (c < 0x80) continue;
        v->lo = 0x80;
        v->hi = 0xbf;
        /* the second byte's range is what rules out overlong forms, surrogates and > U+10FFFF */
        if (c >= 0xc2 && c <= 0xdf) v->need = 1;
        else if (c >= 0xe0 && c <= 0xef)
        {
            v->need = 2;
            if (c == 0xe0) v->lo = 0xa0;
            else if (c == 0xed) v->hi = 0x9f;
        }
        else if (c >= 0xf0 && c <= 0xf4)
        {
            v->need = 3;
            if (c == 0xf0) v->lo = 0x90;
            else if (c == 0xf4) v->hi = 0x8f;
        }
        else return 0;
    }
    return 1;
}

static int fail( struct ws_decoder *d, unsigned short status )
{
    d->state = WS_STATE_ERROR;
    d->close_status = status;
    return WS_ERROR;
}

static int is_known_opcode( unsigned int opcode )
{
    switch (opcode)
    {
    case WS_CONTINUATION:
    case WS_TEXT:
    case WS_BINARY:
    case WS_CLOSE:
    case WS_PING:
    case WS_PONG:
        return 1;
    }
    return 0;
}

/* Everything the first two bytes decide: 0 when the frame cannot be accepted. */
static int check_frame_start( const struct ws_decoder *d )
{
    unsigned int opcode = d->header[0] & 0xf, len7 = d->header[1] & 0x7f;

    if (d->header[0] & 0x70) return 0;          /* no extension was negotiated */
    if (d->header[1] & 0x80) return 0;          /* servers never mask */
    if (!is_known_opcode( opcode )) return 0;
    if (ws_is_control( opcode )) return (d->header[0] & 0x80) && len7 <= WS_MAX_CONTROL_PAYLOAD;
    if (opcode == WS_CONTINUATION) return d->message != 0;
    return d->message == 0;
}

static void start_frame( struct ws_decoder *d )
{
    d->remaining = d->frame.length;
    if (ws_is_control( d->frame.opcode ))
    {
        d->state = WS_STATE_CONTROL;
        d->control_len = 0;
        return;
    }
    if (d->frame.opcode != WS_CONTINUATION)
    {
        d->message = d->frame.opcode;
        memset( &d->utf8, 0, sizeof(d->utf8) );
    }
    /* an empty piece in the middle of a message has nothing to deliver */
    if (!d->remaining && !d->frame.fin) return;
    d->state = WS_STATE_DATA;
}

int ws_parse_close( const uint8_t *payload, size_t len, unsigned short *status, size_t *reason_offset )
{
    if (len == 1) return -1;
    *status = len ? (payload[0] << 8) | payload[1] : WS_STATUS_EMPTY;
    *reason_offset = len ? 2 : 0;
    return 0;
}

/* A close frame's payload: a status, if any, and a UTF-8 reason. */
static int check_close( struct ws_decoder *d )
{
    struct utf8_validator v = { 0 };
    unsigned short status;
    size_t offset;

    if (ws_parse_close( d->control, d->control_len, &status, &offset )) return fail( d, WS_STATUS_PROTOCOL_ERROR );
    if (!utf8_check( &v, d->control + offset, d->control_len - offset ) || !utf8_complete( &v ))
        return fail( d, WS_STATUS_INVALID_PAYLOAD );
    return WS_CONTROL;
}

int ws_decode( struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used )
{
    size_t pos = 0, take;
    int ret;

    for (;;)
    {
        switch (d->state)
        {
        case WS_STATE_ERROR:
            *used = pos;
            return WS_ERROR;

        case WS_STATE_DATA:
            *used = pos;
            return WS_DATA;

        case WS_STATE_CONTROL:
            take = len - pos;
            if (take > d->remaining) take = (size_t)d->remaining;
            memcpy( d->control + d->control_len, in + pos, take );
            d->control_len += take;
            d->remaining -= take;
            pos += take;
            *used = pos;
            if (d->remaining) return WS_NEED_MORE;
            d->state = WS_STATE_HEADER;
            if (d->frame.opcode == WS_CLOSE) return check_close( d );
            return WS_CONTROL;

        case WS_STATE_HEADER:
            if (pos == len)
            {
                *used = pos;
                return WS_NEED_MORE;
            }
            d->header[d->header_len++] = in[pos++];
            if (d->header_len == 2 && !check_frame_start( d ))
            {
                *used = pos;
                return fail( d, WS_STATUS_PROTOCOL_ERROR );
            }
            if (!(ret = ws_parse_header( d->header, d->header_len, &d->frame ))) break;
            d->header_len = 0;
            if (ret < 0)
            {
                *used = pos;
                return fail( d, WS_STATUS_PROTOCOL_ERROR );
            }
            start_frame( d );
            break;
        }
    }
}

int ws_data( struct ws_decoder *d, const uint8_t *data, size_t count )
{
    if (d->state != WS_STATE_DATA || count > d->remaining) return fail( d, WS_STATUS_PROTOCOL_ERROR );
    if (d->message == WS_TEXT && !utf8_check( &d->utf8, data, count )) return fail( d, WS_STATUS_INVALID_PAYLOAD );
    d->remaining -= count;
    if (d->remaining) return WS_NEED_MORE;
    d->state = WS_STATE_HEADER;
    if (!d->frame.fin) return WS_NEED_MORE;
    if (d->message == WS_TEXT && !utf8_complete( &d->utf8 )) return fail( d, WS_STATUS_INVALID_PAYLOAD );
    d->message = 0;
    return WS_MESSAGE_END;
}

static uint32_t rol( uint32_t x, unsigned int n )
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block( struct ws_sha1 *s, const uint8_t *p )
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    unsigned int i;

    for (i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 | p[4 * i + 2] << 8 | p[4 * i + 3];
    for (; i < 80; i++) w[i] = rol( w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1 );
    a = s->h[0];
    b = s->h[1];
    c = s->h[2];
    d = s->h[3];
    e = s->h[4];
    for (i = 0; i < 80; i++)
    {
        if (i < 20)
        {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        }
        else if (i < 40)
        {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        }
        else if (i < 60)
        {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        }
        else
        {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        t = rol( a, 5 ) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol( b, 30 );
        b = a;
        a = t;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
}

void ws_sha1_init( struct ws_sha1 *s )
{
    s->h[0] = 0x67452301;
    s->h[1] = 0xefcdab89;
    s->h[2] = 0x98badcfe;
    s->h[3] = 0x10325476;
    s->h[4] = 0xc3d2e1f0;
    s->total = 0;
    s->used = 0;
}

void ws_sha1_update( struct ws_sha1 *s, const void *data, size_t len )
{
    const uint8_t *p = data;

    s->total += len;
    while (len)
    {
        size_t take = sizeof(s->block) - s->used;

        if (take > len) take = len;
        memcpy( s->block + s->used, p, take );
        s->used += take;
        p += take;
        len -= take;
        if (s->used == sizeof(s->block))
        {
            sha1_block( s, s->block );
            s->used = 0;
        }
    }
}

void ws_sha1_final( struct ws_sha1 *s, uint8_t digest[20] )
{
    uint64_t bits = s->total * 8;
    unsigned int i;

    s->block[s->used++] = 0x80;
    if (s->used > 56)
    {
        memset( s->block + s->used, 0, sizeof(s->block) - s->used );
        sha1_block( s, s->block );
        s->used = 0;
    }
    memset( s->block + s->used, 0, 56 - s->used );
    for (i = 0; i < 8; i++) s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_block( s, s->block );
    for (i = 0; i < 20; i++) digest[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void ws_base64_encode( const uint8_t *in, size_t len, char *out )
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < len; i += 3, out += 4)
    {
        out[0] = digits[in[i] >> 2];
        out[1] = digits[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[2] = digits[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[3] = digits[in[i + 2] & 63];
    }
    if (i < len)
    {
        out[0] = digits[in[i] >> 2];
        out[1] = digits[((in[i] & 3) << 4) | (i + 1 < len ? in[i + 1] >> 4 : 0)];
        out[2] = i + 1 < len ? digits[(in[i + 1] & 15) << 2] : '=';
        out[3] = '=';
        out += 4;
    }
    *out = 0;
}

void ws_accept_key( const char *key, size_t key_len, char accept[WS_ACCEPT_SIZE] )
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    uint8_t digest[20];
    struct ws_sha1 s;

    ws_sha1_init( &s );
    ws_sha1_update( &s, key, key_len );
    ws_sha1_update( &s, guid, sizeof(guid) - 1 );
    ws_sha1_final( &s, digest );
    ws_base64_encode( digest, sizeof(digest), accept );
}
