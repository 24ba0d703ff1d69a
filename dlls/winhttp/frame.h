/*
 * Pure WebSocket (RFC 6455) framing for the client side: the decoder of the
 * server's frame stream, the client frame encoder, UTF-8 validation and the
 * handshake's Sec-WebSocket-Accept value. No I/O, no allocation, no global state.
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

#ifndef WINHTTP_FRAME_H
#define WINHTTP_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum ws_opcode
{
    WS_CONTINUATION = 0x0,
    WS_TEXT         = 0x1,
    WS_BINARY       = 0x2,
    WS_CLOSE        = 0x8,
    WS_PING         = 0x9,
    WS_PONG         = 0xa,
};

#define WS_MAX_HEADER            14     /* 2 + 8 bytes of length + 4 of mask */
#define WS_MAX_CONTROL_PAYLOAD   125
#define WS_MAX_CLOSE_REASON      123    /* a control payload less the status */

/* close status codes we send or report (RFC 6455 7.4.1) */
#define WS_STATUS_PROTOCOL_ERROR   1002
#define WS_STATUS_EMPTY            1005 /* reported for a close frame without a status */
#define WS_STATUS_INVALID_PAYLOAD  1007

static inline int ws_is_control( unsigned int opcode )
{
    return opcode & 0x8;
}

struct ws_frame_header
{
    int fin;
    unsigned int rsv;           /* the three reserved bits, 0 without extensions */
    unsigned int opcode;
    int masked;
    uint8_t mask[4];
    uint64_t length;            /* of the payload */
    size_t size;                /* of the header itself */
};

/* Parses a frame header at buf[0..len), syntax only: 0 when more bytes are
 * needed, 1 when *h is filled, -1 for a 64-bit length with its top bit set. */
int ws_parse_header( const uint8_t *buf, size_t len, struct ws_frame_header *h );

/* Writes a client frame's header, masked with mask, to out (WS_MAX_HEADER bytes);
 * returns its size. */
size_t ws_encode_header( uint8_t *out, int fin, unsigned int opcode, uint64_t length, const uint8_t mask[4] );

/* XORs data[0..len) with the mask as payload bytes from offset onwards. */
void ws_mask( uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset );

/* Incremental UTF-8 validation (RFC 3629: no overlong forms, surrogates or
 * code points past U+10FFFF), so a message may be checked piece by piece. */
struct utf8_validator
{
    uint8_t need;               /* continuation bytes still to come */
    uint8_t lo, hi;             /* the range the next one must be in */
};

/* 0 as soon as the bytes so far cannot be UTF-8, 1 otherwise. */
int utf8_check( struct utf8_validator *v, const uint8_t *p, size_t len );

static inline int utf8_complete( const struct utf8_validator *v )
{
    return !v->need;
}

/* The server's frame stream, one event at a time. The decoder stops at a data
 * frame's payload: the caller takes up to 'remaining' bytes from there, passes
 * them to ws_data, and feeds the rest again. */
enum ws_event
{
    WS_ERROR = -1,              /* the server broke the protocol: fail with close_status */
    WS_NEED_MORE = 0,           /* all input was used */
    WS_DATA = 1,                /* at payload: d->remaining bytes of it start at in + *used */
    WS_CONTROL = 2,             /* a whole control frame: d->frame.opcode, d->control[0..control_len) */
    WS_MESSAGE_END = 3,         /* from ws_data: the last byte of a message was taken */
};

enum ws_decoder_state
{
    WS_STATE_HEADER,
    WS_STATE_DATA,
    WS_STATE_CONTROL,
    WS_STATE_ERROR,             /* for good: the stream cannot be trusted past an error */
};

struct ws_decoder
{
    enum ws_decoder_state state;
    uint8_t header[WS_MAX_HEADER];
    unsigned int header_len;            /* bytes of the header so far */
    struct ws_frame_header frame;       /* the frame being read */
    uint64_t remaining;                 /* payload bytes of it still to come */
    unsigned int message;               /* WS_TEXT or WS_BINARY while a message is incomplete, else 0 */
    struct utf8_validator utf8;         /* of the text message in progress */
    uint8_t control[WS_MAX_CONTROL_PAYLOAD];
    unsigned int control_len;
    unsigned short close_status;        /* after WS_ERROR: 1002 or 1007 */
};

/* Consumes framing from in[0..len), setting *used. Server frames must be
 * unmasked, with no reserved bits, a known opcode, control frames whole and at
 * most 125 bytes, continuations only inside a message and new messages only
 * outside one. A zero-length frame that does not end a message is skipped; one
 * that does is a WS_DATA with nothing remaining. */
int ws_decode( struct ws_decoder *d, const uint8_t *in, size_t len, size_t *used );

/* The caller took count (<= remaining) payload bytes at data: WS_ERROR for
 * text that is not UTF-8, WS_MESSAGE_END when the message is complete,
 * WS_NEED_MORE when more of it is to come. */
int ws_data( struct ws_decoder *d, const uint8_t *data, size_t count );

/* A close frame's payload: its status (WS_STATUS_EMPTY when it has none) and
 * where its reason starts. -1 for a one-byte payload. */
int ws_parse_close( const uint8_t *payload, size_t len, unsigned short *status, size_t *reason_offset );

/* SHA-1 (FIPS 180-4), for the handshake only. */
struct ws_sha1
{
    uint32_t h[5];
    uint64_t total;
    uint8_t block[64];
    size_t used;
};

void ws_sha1_init( struct ws_sha1 *s );
void ws_sha1_update( struct ws_sha1 *s, const void *data, size_t len );
void ws_sha1_final( struct ws_sha1 *s, uint8_t digest[20] );

/* Base64 of in[0..len) into out, which holds 4 * ((len + 2) / 3) + 1 characters. */
void ws_base64_encode( const uint8_t *in, size_t len, char *out );

#define WS_ACCEPT_SIZE 29               /* base64 of a SHA-1, with its NUL */

/* The Sec-WebSocket-Accept value that answers key: base64(SHA-1(key + GUID)). */
void ws_accept_key( const char *key, size_t key_len, char accept[WS_ACCEPT_SIZE] );

#endif /* WINHTTP_FRAME_H */
