/*
 * libFuzzer target for the response head parsers of parse.c: the input is a
 * response head as a server sends it (find the end, split lines, parse fields).
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

/* Every parser gets its own exact-size copy, so reading one byte past the
 * length it was given is a heap overflow that AddressSanitizer reports. */

static int is_token_char( unsigned char c )
{
    return c > 32 && c < 127 && !strchr( "()<>@,;:\\\"/[]?={}", c );
}

static int is_blank( char c )
{
    return c == ' ' || c == '\t';
}

static void check_status_line( const char *line, size_t len )
{
    char *copy = copy_exact( line, len );
    struct status_line status;

    if (http_parse_status_line( copy, len, &status ) == PARSE_DONE)
    {
        CHECK( len >= 12 && !memcmp( copy, "HTTP/", 5 ) );
        CHECK( status.major <= 9 && status.minor <= 9 );
        CHECK( status.status >= 100 && status.status <= 999 );
        CHECK( status.reason >= copy && status.reason <= copy + len );
        CHECK( status.reason_len == (size_t)(copy + len - status.reason) );
        CHECK( !status.reason_len || status.reason[0] != ' ' );
    }
    free( copy );
}

static void check_field( const char *line, size_t len )
{
    char *copy = copy_exact( line, len );
    struct header_field field;
    size_t i;

    if (http_parse_field( copy, len, &field ) == PARSE_DONE)
    {
        CHECK( field.name == copy );
        CHECK( field.name_len > 0 && field.name_len < len );
        CHECK( copy[field.name_len] == ':' );
        for (i = 0; i < field.name_len; i++) CHECK( is_token_char( copy[i] ) );
        CHECK( field.value >= copy + field.name_len + 1 && field.value <= copy + len );
        CHECK( field.value_len <= (size_t)(copy + len - field.value) );
        /* only blanks are trimmed, on both sides */
        for (i = field.name_len + 1; copy + i < field.value; i++) CHECK( is_blank( copy[i] ) );
        for (i = field.value - copy + field.value_len; i < len; i++) CHECK( is_blank( copy[i] ) );
        if (field.value_len)
        {
            CHECK( !is_blank( field.value[0] ) );
            CHECK( !is_blank( field.value[field.value_len - 1] ) );
        }
    }
    /* a continuation line can never be a field: its first byte is not a token character */
    if (http_is_continuation( copy, len )) CHECK( http_parse_field( copy, len, &field ) == PARSE_ERROR );
    free( copy );
}

/* Splits head[0..len) into lines; returns where the first empty line after
 * the status line ends, or 0 if there is none. */
static size_t check_lines( const char *head, size_t len )
{
    size_t pos = 0, old, first_empty_end = 0, count = 0;
    const char *line;
    ptrdiff_t n;

    for (;;)
    {
        old = pos;
        line = NULL;
        n = http_next_line( head, len, &pos, &line );
        if (n < 0)
        {
            CHECK( n == -1 && old >= len && pos == old );
            break;
        }
        CHECK( ++count <= len );                 /* each line takes at least one byte */
        CHECK( line == head + old );
        CHECK( pos > old && pos <= len );
        CHECK( (size_t)n <= pos - old );
        CHECK( !memchr( line, '\n', n ) );
        /* what lies between the line and the next one is its ending */
        switch (pos - old - n)
        {
        case 0: CHECK( pos == len ); break;
        case 1: CHECK( head[pos - 1] == '\n' || (pos == len && head[pos - 1] == '\r') ); break;
        case 2: CHECK( head[pos - 2] == '\r' && head[pos - 1] == '\n' ); break;
        default: CHECK( !"a line ending longer than CR LF" );
        }

        if (count == 1) check_status_line( line, n );
        else if (!n && !first_empty_end) first_empty_end = pos;
        check_field( line, n );
        if (count > 1 && count < 64) check_status_line( line, n );
    }
    return first_empty_end;
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    const char *buf = (const char *)data;
    struct fuzz_rng rng;
    size_t end = 0, end2, cut;
    char *copy;
    int ret;

    ret = http_find_head_end( buf, size, &end );
    CHECK( ret == PARSE_DONE || ret == PARSE_NEED_MORE );
    if (ret == PARSE_DONE)
    {
        CHECK( end >= 2 && end <= size );
        CHECK( buf[end - 1] == '\n' );
        CHECK( buf[end - 2] == '\n' || (end >= 3 && buf[end - 2] == '\r' && buf[end - 3] == '\n') );

        /* the end found is the first one: a shorter buffer has none, a longer one the same */
        copy = copy_exact( buf, end - 1 );
        CHECK( http_find_head_end( copy, end - 1, &end2 ) == PARSE_NEED_MORE );
        free( copy );
        rng_seed( &rng, data, size );
        cut = end + rng_next( &rng ) % (size - end + 1);
        copy = copy_exact( buf, cut );
        CHECK( http_find_head_end( copy, cut, &end2 ) == PARSE_DONE && end2 == end );
        free( copy );

        /* as http.c reads it: the line splitter sees the same end */
        copy = copy_exact( buf, end );
        CHECK( check_lines( copy, end ) == end );
        free( copy );
    }
    else
    {
        /* an unfinished head: the splitter must still stay inside it */
        check_lines( buf, size );
    }
    return 0;
}
