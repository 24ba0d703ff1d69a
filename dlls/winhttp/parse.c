/*
 * Pure parsers for HTTP/1.1 framing: the response head and chunked bodies.
 * They never read past the length they are given, whatever the bytes say.
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
#include "parse.h"

int http_find_head_end( const char *buf, size_t len, size_t *end )
{
    size_t i;

    for (i = 0; i < len; i++)
    {
        if (buf[i] != '\n') continue;
        /* an empty line: LF LF, or LF CR LF */
        if (i + 1 < len && buf[i + 1] == '\n') { *end = i + 2; return PARSE_DONE; }
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') { *end = i + 3; return PARSE_DONE; }
    }
    return PARSE_NEED_MORE;
}

ptrdiff_t http_next_line( const char *head, size_t head_len, size_t *pos, const char **line )
{
    size_t start = *pos, i;

    if (start >= head_len) return -1;
    for (i = start; i < head_len && head[i] != '\n'; i++) ;
    *line = head + start;
    *pos = (i < head_len) ? i + 1 : head_len;
    if (i > start && head[i - 1] == '\r') i--;
    return i - start;
}

static int is_digit( char c )
{
    return c >= '0' && c <= '9';
}

static int is_blank( char c )
{
    return c == ' ' || c == '\t';
}

int http_parse_status_line( const char *line, size_t len, struct status_line *out )
{
    size_t i;

    if (len < 12 || memcmp( line, "HTTP/", 5 )) return PARSE_ERROR;
    /* HTTP/1.x only: an HTTP/2 or 0.9 answer on an HTTP/1.1 connection is nonsense;
     * a later 1.x speaks at least 1.1 */
    if (line[5] != '1' || line[6] != '.' || !is_digit( line[7] )) return PARSE_ERROR;
    out->major = 1;
    out->minor = line[7] > '1' ? 1 : line[7] - '0';
    i = 8;
    if (!is_blank( line[i] )) return PARSE_ERROR;
    while (i < len && is_blank( line[i] )) i++;
    if (len - i < 3 || !is_digit( line[i] ) || !is_digit( line[i + 1] ) || !is_digit( line[i + 2] ))
        return PARSE_ERROR;
    out->status = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 + (line[i + 2] - '0');
    if (out->status < 100) return PARSE_ERROR;
    i += 3;
    if (i < len && !is_blank( line[i] )) return PARSE_ERROR;
    while (i < len && is_blank( line[i] )) i++;
    out->reason = line + i;
    out->reason_len = len - i;
    for (; i < len; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\t') return PARSE_ERROR;
    return PARSE_DONE;
}

static int is_token_char( unsigned char c )
{
    return c > 32 && c < 127 && !strchr( "()<>@,;:\\\"/[]?={}", c );
}

int http_parse_field( const char *line, size_t len, struct header_field *out )
{
    size_t i, end;

    for (i = 0; i < len && is_token_char( line[i] ); i++) ;
    if (!i || i == len || line[i] != ':') return PARSE_ERROR;
    out->name = line;
    out->name_len = i;
    for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++) ;
    for (end = len; end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'); end--) ;
    out->value = line + i;
    out->value_len = end - i;
    for (; i < end; i++)
        if ((unsigned char)line[i] < 0x20 && line[i] != '\t') return PARSE_ERROR;
    return PARSE_DONE;
}

static int hex_value( char c )
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* the size line is complete: data follows, or the trailers of the last chunk */
static int end_size_line( struct chunked_decoder *d )
{
    if (!d->digits) return PARSE_ERROR;
    d->state = d->remaining ? CHUNK_DATA : CHUNK_TRAILER_START;
    d->digits = 0;
    d->line_len = 0;
    return PARSE_NEED_MORE;
}

int chunked_decode( struct chunked_decoder *d, const char *in, size_t len, size_t *used )
{
    size_t i;
    int digit;

    for (i = 0; i < len; i++)
    {
        char c = in[i];

        switch (d->state)
        {
        case CHUNK_SIZE:
            if ((digit = hex_value( c )) >= 0)
            {
                if (d->remaining >> 60) return PARSE_TOO_LONG;  /* would overflow 64 bits */
                d->remaining = d->remaining * 16 + digit;
                d->digits++;
            }
            else if (c == ';' || c == ' ' || c == '\t') d->state = CHUNK_EXTENSION;
            else if (c == '\r') d->state = CHUNK_SIZE_LF;
            else if (c == '\n') { if (end_size_line( d ) < 0) return PARSE_ERROR; }
            else return PARSE_ERROR;
            break;
        case CHUNK_SIZE_LF:
            if (c != '\n' || end_size_line( d ) < 0) return PARSE_ERROR;
            break;
        case CHUNK_EXTENSION:
            if (c == '\n') { if (end_size_line( d ) < 0) return PARSE_ERROR; }
            else if (++d->line_len > CHUNK_MAX_LINE) return PARSE_TOO_LONG;
            break;
        case CHUNK_DATA:
            *used = i;
            return PARSE_NEED_MORE;
        case CHUNK_DATA_CR:
            if (c == '\r') d->state = CHUNK_DATA_LF;
            else if (c == '\n') d->state = CHUNK_SIZE;
            else return PARSE_ERROR;
            break;
        case CHUNK_DATA_LF:
            if (c != '\n') return PARSE_ERROR;
            d->state = CHUNK_SIZE;
            break;
        case CHUNK_TRAILER_START:
            if (c == '\r') d->state = CHUNK_TRAILER_END_LF;
            else if (c == '\n') { d->state = CHUNK_DONE; *used = i + 1; return PARSE_DONE; }
            else d->state = CHUNK_TRAILER;
            break;
        case CHUNK_TRAILER:
            /* trailers are skipped, but not without end */
            if (++d->line_len > CHUNK_MAX_LINE) return PARSE_TOO_LONG;
            if (c == '\n') d->state = CHUNK_TRAILER_START;
            break;
        case CHUNK_TRAILER_END_LF:
            if (c != '\n') return PARSE_ERROR;
            d->state = CHUNK_DONE;
            *used = i + 1;
            return PARSE_DONE;
        case CHUNK_DONE:
            *used = i;
            return PARSE_DONE;
        }
    }
    *used = len;
    return d->state == CHUNK_DONE ? PARSE_DONE : PARSE_NEED_MORE;
}
