/*
 * Pure parsers for HTTP/1.1 framing: the response head and chunked bodies.
 * No I/O, no allocation, no global state: the caller feeds bytes.
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

#ifndef WINHTTP_PARSE_H
#define WINHTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum parse_result
{
    PARSE_TOO_LONG = -2,    /* a size or a line beyond what we accept */
    PARSE_ERROR = -1,       /* malformed */
    PARSE_NEED_MORE = 0,    /* the input ends before the item does */
    PARSE_DONE = 1,
};

/* Finds the empty line that ends a response head in buf[0..len). Lines end in
 * LF or CRLF. On PARSE_DONE, *end is the length of the head including it. */
int http_find_head_end( const char *buf, size_t len, size_t *end );

/* The next line of a complete head: [*pos, returned end) without its line ending;
 * *pos moves past the ending. Returns the line length, or -1 at the end. */
ptrdiff_t http_next_line( const char *head, size_t head_len, size_t *pos, const char **line );

struct status_line
{
    unsigned int major, minor;
    unsigned int status;
    const char *reason;
    size_t reason_len;
};

/* "HTTP/1.1 200 OK": version 1.0 or 1.1, a three-digit status, and an optional
 * reason; spaces or tabs between them, and no control characters in the reason. */
int http_parse_status_line( const char *line, size_t len, struct status_line *out );

struct header_field
{
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* "Name: value" with the value's surrounding white space removed. A line that
 * starts with white space continues the previous field (see http_is_continuation). */
int http_parse_field( const char *line, size_t len, struct header_field *out );

static inline int http_is_continuation( const char *line, size_t len )
{
    return len && (line[0] == ' ' || line[0] == '\t');
}

/* Chunked transfer coding, one byte of framing at a time. The decoder stops at
 * chunk data: the caller takes up to 'remaining' bytes, calls chunked_consumed,
 * and feeds the rest again. */
enum chunked_state
{
    CHUNK_SIZE, CHUNK_SIZE_LF, CHUNK_EXTENSION, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
    CHUNK_TRAILER_START, CHUNK_TRAILER, CHUNK_TRAILER_END_LF, CHUNK_DONE
};

struct chunked_decoder
{
    enum chunked_state state;
    uint64_t remaining;         /* data bytes left in the current chunk */
    unsigned int digits;        /* hex digits of the size line so far */
    size_t line_len;            /* bytes of extension or trailer so far, bounded */
};

#define CHUNK_MAX_LINE 16384

/* Consumes framing from in[0..len), setting *used (but not on an error). Returns PARSE_DONE when the
 * last chunk and its trailers are complete, PARSE_ERROR when malformed, and
 * PARSE_NEED_MORE otherwise: then either all input was used, or the decoder is
 * at chunk data (state CHUNK_DATA) starting at in + *used. */
int chunked_decode( struct chunked_decoder *d, const char *in, size_t len, size_t *used );

static inline void chunked_consumed( struct chunked_decoder *d, size_t count )
{
    d->remaining -= count;
    if (!d->remaining) d->state = CHUNK_DATA_CR;
}

#endif /* WINHTTP_PARSE_H */
