/*
 * libFuzzer target for url.c: WinHttpCrackUrl in pointer and buffer mode with
 * flags from the input, a round trip through WinHttpCreateUrl, and CreateUrl alone.
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

/*
 * The input: four control bytes, then the URL as UTF-16LE (an odd last byte
 * is dropped).
 *   byte 0  bit 0 ICU_DECODE, bit 1 ICU_ESCAPE, bit 2 ICU_REJECT_USERPWD,
 *           bit 3 the ANSI code page is UTF-8, bits 4-5 how the length is
 *           passed (see url_length_mode), bit 6 a wrong dwStructSize,
 *           bit 7 fuzz WinHttpCreateUrl instead (see fuzz_create_url)
 *   bytes 1-2  two bits per component (scheme, user, password, host, path,
 *           extra), low bits first: not wanted, pointer, ample buffer, small buffer
 *   byte 3  the small buffer's size in characters (0 is invalid)
 */

#include "wine_native.h"
#include "winnls.h"
#include "winhttp.h"
#include "fuzz_common.h"

enum { C_SCHEME, C_USER, C_PASSWORD, C_HOST, C_PATH, C_EXTRA, C_COUNT };

enum want { WANT_NONE, WANT_POINTER, WANT_BUFFER, WANT_SMALL_BUFFER };

enum url_length_mode
{
    LEN_NUL,            /* NUL-terminated, length 0 */
    LEN_EXACT,          /* no NUL, the exact length */
    LEN_WITH_NUL,       /* NUL-terminated, the length counting the NUL */
    LEN_SHORTER,        /* no NUL, a length shorter than the text */
};

static WCHAR **component_str( URL_COMPONENTS *uc, int i )
{
    switch (i)
    {
    case C_SCHEME:   return &uc->lpszScheme;
    case C_USER:     return &uc->lpszUserName;
    case C_PASSWORD: return &uc->lpszPassword;
    case C_HOST:     return &uc->lpszHostName;
    case C_PATH:     return &uc->lpszUrlPath;
    default:         return &uc->lpszExtraInfo;
    }
}

static DWORD *component_len( URL_COMPONENTS *uc, int i )
{
    switch (i)
    {
    case C_SCHEME:   return &uc->dwSchemeLength;
    case C_USER:     return &uc->dwUserNameLength;
    case C_PASSWORD: return &uc->dwPasswordLength;
    case C_HOST:     return &uc->dwHostNameLength;
    case C_PATH:     return &uc->dwUrlPathLength;
    default:         return &uc->dwExtraInfoLength;
    }
}

static BOOL same_text( const WCHAR *a, size_t a_len, const WCHAR *b, size_t b_len )
{
    return a_len == b_len && (!a_len || !memcmp( a, b, a_len * sizeof(WCHAR) ));
}

static int hex_digit( WCHAR ch )
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* ICU_DECODE as documented: each %xx becomes the character xx */
static size_t decode_text( const WCHAR *src, size_t len, WCHAR *dst )
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
    {
        if (src[i] == '%' && len - i >= 3 && hex_digit( src[i + 1] ) >= 0 && hex_digit( src[i + 2] ) >= 0)
        {
            dst[n++] = hex_digit( src[i + 1] ) * 16 + hex_digit( src[i + 2] );
            i += 2;
        }
        else dst[n++] = src[i];
    }
    return n;
}

static BOOL is_unsafe( WCHAR ch )
{
    return ch <= 0x20 || ch >= 0x7f || (ch < 0x80 && strchr( "\"#%<>[\\]^`{|}~", ch ));
}

/* ICU_ESCAPE's output: only safe characters and well-formed %XX; unchanged when nothing was unsafe */
static void check_escaped( const WCHAR *src, size_t src_len, const WCHAR *out, size_t out_len )
{
    size_t i;
    BOOL any_unsafe = FALSE;

    for (i = 0; i < src_len; i++) if (is_unsafe( src[i] )) any_unsafe = TRUE;
    if (!any_unsafe)
    {
        CHECK( same_text( src, src_len, out, out_len ) );
        return;
    }
    CHECK( out_len > src_len );
    for (i = 0; i < out_len; i++)
    {
        if (out[i] == '%')
        {
            CHECK( out_len - i >= 3 && hex_digit( out[i + 1] ) >= 0 && hex_digit( out[i + 2] ) >= 0 );
            i += 2;
        }
        else CHECK( !is_unsafe( out[i] ) );
    }
}

/* all six components as pointers into url */
struct cracked
{
    BOOL ok;
    DWORD error;
    URL_COMPONENTS uc;
};

static void crack_pointers( const WCHAR *url, DWORD len, DWORD flags, struct cracked *out )
{
    int i;

    memset( &out->uc, 0, sizeof(out->uc) );
    out->uc.dwStructSize = sizeof(out->uc);
    for (i = 0; i < C_COUNT; i++) *component_len( &out->uc, i ) = ~0u;
    SetLastError( 0xdeadbeef );
    out->ok = WinHttpCrackUrl( url, len, flags, &out->uc );
    out->error = GetLastError();
    CHECK( out->ok == !out->error );
}

/* where pointer-mode components must lie: inside the URL's text, in URL order */
static void check_pointers( const WCHAR *url, DWORD url_len, struct cracked *c )
{
    URL_COMPONENTS *uc = &c->uc;
    int i;

    for (i = 0; i < C_COUNT; i++)
    {
        WCHAR *str = *component_str( uc, i );
        DWORD len = *component_len( uc, i );

        if (!str)
        {
            CHECK( (i == C_USER || i == C_PASSWORD) && !len );
            continue;
        }
        CHECK( str >= url && str <= url + url_len && len <= url_len - (str - url) );
    }
    CHECK( uc->lpszScheme == url && uc->dwSchemeLength < url_len && url[uc->dwSchemeLength] == ':' );
    CHECK( uc->nScheme == INTERNET_SCHEME_HTTP || uc->nScheme == INTERNET_SCHEME_HTTPS );
    CHECK( uc->lpszHostName && uc->dwHostNameLength > 0 );
    CHECK( !uc->lpszPassword || uc->lpszUserName );
    /* the path runs into the extra info, which runs to the end */
    CHECK( uc->lpszUrlPath + uc->dwUrlPathLength == uc->lpszExtraInfo );
    CHECK( uc->lpszExtraInfo + uc->dwExtraInfoLength == url + url_len );
    CHECK( !uc->dwUrlPathLength || uc->lpszUrlPath[0] == '/' );
    CHECK( !uc->dwExtraInfoLength || uc->lpszExtraInfo[0] == '?' || uc->lpszExtraInfo[0] == '#' );
    CHECK( uc->lpszHostName + uc->dwHostNameLength <= uc->lpszUrlPath );
}

static WCHAR *dup_text( const WCHAR *str, DWORD len )
{
    WCHAR *ret = malloc( (len + 1) * sizeof(WCHAR) );

    if (!ret) abort();
    if (len) memcpy( ret, str, len * sizeof(WCHAR) );
    ret[len] = 0;
    return ret;
}

/* WinHttpCreateUrl from what was cracked, then crack that: the same URL comes back */
static void check_round_trip( const struct cracked *ref )
{
    const URL_COMPONENTS *in = &ref->uc;
    URL_COMPONENTS uc;
    struct cracked again;
    WCHAR *copies[C_COUNT], *built;
    DWORD len = 0, need;
    int i;

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.nScheme = in->nScheme;
    uc.nPort = in->nPort;
    for (i = 0; i < C_COUNT; i++)
    {
        const WCHAR *str = *component_str( (URL_COMPONENTS *)in, i );
        DWORD n = *component_len( (URL_COMPONENTS *)in, i );

        copies[i] = str ? dup_text( str, n ) : NULL;
        *component_str( &uc, i ) = copies[i];
        *component_len( &uc, i ) = n;   /* 0: NUL-terminated, which the copy is */
    }

    SetLastError( 0xdeadbeef );
    CHECK( !WinHttpCreateUrl( &uc, 0, NULL, &len ) && GetLastError() == ERROR_INSUFFICIENT_BUFFER );
    need = len;
    CHECK( need > 1 );
    built = malloc( need * sizeof(WCHAR) );
    if (!built) abort();
    len = need - 1;   /* one short: refused, nothing written past it */
    CHECK( !WinHttpCreateUrl( &uc, 0, built, &len ) && GetLastError() == ERROR_INSUFFICIENT_BUFFER && len == need );
    len = need;
    CHECK( WinHttpCreateUrl( &uc, 0, built, &len ) && len == need - 1 && !built[len] );

    crack_pointers( built, 0, 0, &again );
    CHECK( again.ok );
    check_pointers( built, len, &again );
    CHECK( again.uc.nScheme == in->nScheme && again.uc.nPort == in->nPort );
    CHECK( same_text( again.uc.lpszScheme, again.uc.dwSchemeLength, in->lpszScheme, in->dwSchemeLength ) );
    CHECK( !again.uc.lpszUserName == !in->lpszUserName );
    CHECK( same_text( again.uc.lpszUserName, again.uc.dwUserNameLength, in->lpszUserName, in->dwUserNameLength ) );
    CHECK( !again.uc.lpszPassword == !in->lpszPassword );
    CHECK( same_text( again.uc.lpszPassword, again.uc.dwPasswordLength, in->lpszPassword, in->dwPasswordLength ) );
    CHECK( same_text( again.uc.lpszHostName, again.uc.dwHostNameLength, in->lpszHostName, in->dwHostNameLength ) );
    /* an empty path comes back as "/" */
    if (in->dwUrlPathLength)
        CHECK( same_text( again.uc.lpszUrlPath, again.uc.dwUrlPathLength, in->lpszUrlPath, in->dwUrlPathLength ) );
    else
        CHECK( again.uc.dwUrlPathLength == 1 && again.uc.lpszUrlPath[0] == '/' );
    CHECK( same_text( again.uc.lpszExtraInfo, again.uc.dwExtraInfoLength, in->lpszExtraInfo, in->dwExtraInfoLength ) );

    free( built );
    for (i = 0; i < C_COUNT; i++) free( copies[i] );
}

static void fuzz_crack_url( const uint8_t *ctl, const WCHAR *text, DWORD count )
{
    DWORD flags = 0, len_arg, url_len, small = ctl[3], sizes[C_COUNT], err, ref_flags;
    enum url_length_mode mode = (ctl[0] >> 4) & 3;
    enum want want[C_COUNT];
    WCHAR *url, *bufs[C_COUNT];
    URL_COMPONENTS uc;
    struct cracked ref;
    BOOL ok, zero_size = FALSE;
    int i;

    if (ctl[0] & 1) flags |= ICU_DECODE;
    if (ctl[0] & 2) flags |= ICU_ESCAPE;
    if (ctl[0] & 4) flags |= ICU_REJECT_USERPWD;
    wine_native_acp = (ctl[0] & 8) ? CP_UTF8 : 1252;
    for (i = 0; i < C_COUNT; i++) want[i] = (((ctl[1] | ctl[2] << 8) >> (2 * i)) & 3);

    /* the URL in a buffer of exactly its size: a NUL only when the length mode has one */
    if (!count) mode = LEN_NUL;   /* a length of 0 means NUL-terminated */
    if (mode == LEN_NUL || mode == LEN_WITH_NUL)
    {
        url = malloc( (count + 1) * sizeof(WCHAR) );
        if (!url) abort();
        memcpy( url, text, count * sizeof(WCHAR) );
        url[count] = 0;
    }
    else url = copy_exact( text, count * sizeof(WCHAR) );
    switch (mode)
    {
    case LEN_NUL:      len_arg = 0; break;
    case LEN_EXACT:    len_arg = count; break;
    case LEN_WITH_NUL: len_arg = count + 1; break;
    default:           len_arg = count - small % count; break;
    }
    /* what the URL is: up to the length given, and no further than a NUL */
    for (url_len = 0; url_len < (len_arg ? len_arg : ~0u) && url_len < count && url[url_len]; url_len++) ;

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = (ctl[0] & 0x40) ? sizeof(uc) + 4 : sizeof(uc);
    for (i = 0; i < C_COUNT; i++)
    {
        bufs[i] = NULL;
        sizes[i] = 0;
        switch (want[i])
        {
        case WANT_NONE:    break;
        case WANT_POINTER: sizes[i] = 1 + small; break;
        case WANT_BUFFER:  sizes[i] = 9 * url_len + 1; break;   /* room for escaping */
        case WANT_SMALL_BUFFER: sizes[i] = small; break;
        }
        if (want[i] >= WANT_BUFFER)
        {
            bufs[i] = malloc( (sizes[i] ? sizes[i] : 1) * sizeof(WCHAR) );
            if (!bufs[i]) abort();
            memset( bufs[i], 0xaa, (sizes[i] ? sizes[i] : 1) * sizeof(WCHAR) );
            if (!sizes[i]) zero_size = TRUE;
        }
        *component_str( &uc, i ) = bufs[i];
        *component_len( &uc, i ) = sizes[i];
    }

    SetLastError( 0xdeadbeef );
    ok = WinHttpCrackUrl( url, len_arg, flags, &uc );
    err = GetLastError();
    CHECK( ok == !err );
    CHECK( !err || err == ERROR_INVALID_PARAMETER || err == ERROR_INSUFFICIENT_BUFFER ||
           err == ERROR_WINHTTP_UNRECOGNIZED_SCHEME || err == ERROR_WINHTTP_INVALID_URL );
    if (uc.dwStructSize != sizeof(uc) || zero_size) CHECK( err == ERROR_INVALID_PARAMETER );
    for (i = 0; i < C_COUNT; i++) if (want[i] >= WANT_BUFFER) CHECK( *component_str( &uc, i ) == bufs[i] );

    /* the reference: the same URL cracked into pointers, untransformed */
    ref_flags = flags & ICU_REJECT_USERPWD;
    crack_pointers( url, len_arg, ref_flags, &ref );
    if (ref.ok)
    {
        check_pointers( url, url_len, &ref );
        check_round_trip( &ref );
    }
    else
    {
        CHECK( ref.error == ERROR_WINHTTP_UNRECOGNIZED_SCHEME || ref.error == ERROR_WINHTTP_INVALID_URL );
        CHECK( !ok && (err == ref.error || err == ERROR_INVALID_PARAMETER) );
    }
    if (err == ERROR_INSUFFICIENT_BUFFER)
    {
        BOOL short_one = FALSE;

        CHECK( ref.ok );
        for (i = 0; i < C_COUNT; i++)
            if (want[i] >= WANT_BUFFER && *component_len( &uc, i ) >= sizes[i]) short_one = TRUE;
        CHECK( short_one );
    }

    if (ok)
    {
        CHECK( ref.ok && uc.nScheme == ref.uc.nScheme && uc.nPort == ref.uc.nPort );
        for (i = 0; i < C_COUNT; i++)
        {
            WCHAR *str = *component_str( &uc, i ), *expect_text = *component_str( &ref.uc, i ), *decoded;
            DWORD len = *component_len( &uc, i ), expect_len = *component_len( &ref.uc, i );
            BOOL escape = (flags & ICU_ESCAPE) && (i == C_PATH || i == C_EXTRA);
            BOOL decode = (flags & ICU_DECODE) && !(flags & ICU_ESCAPE) && i != C_SCHEME;

            /* without a place for the extra info, the path keeps it */
            if (i == C_PATH && want[C_EXTRA] == WANT_NONE) expect_len += ref.uc.dwExtraInfoLength;

            switch (want[i])
            {
            case WANT_NONE:
                CHECK( !str && !len );
                break;
            case WANT_POINTER:
                /* with a transform, only an empty component may be a pointer */
                CHECK( str == expect_text && len == expect_len );
                CHECK( !((escape || decode) && len) );
                break;
            default:
                CHECK( len < sizes[i] && !str[len] );
                if (escape) check_escaped( expect_text, expect_len, str, len );
                else if (decode)
                {
                    decoded = malloc( (expect_len + 1) * sizeof(WCHAR) );
                    if (!decoded) abort();
                    CHECK( same_text( str, len, decoded, decode_text( expect_text, expect_len, decoded ) ) );
                    free( decoded );
                }
                else CHECK( same_text( str, len, expect_text, expect_len ) );
                break;
            }
        }
    }
    /* the URL is the caller's: never written */
    CHECK( !memcmp( url, text, count * sizeof(WCHAR) ) );

    for (i = 0; i < C_COUNT; i++) free( bufs[i] );
    free( url );
}

/*
 * WinHttpCreateUrl from components: the text is split at U+0001 into the six
 * components in order; byte 0 as for cracking (bits 1-3 and 6 apply); byte 1
 * says which are present (bit i) and whether lengths are given (bit 6) or the
 * strings are NUL-terminated; byte 2 is nScheme (bits 0-1) and the port's high
 * bits (4-7), byte 3 the port's low byte.
 */
static void fuzz_create_url( const uint8_t *ctl, const WCHAR *text, DWORD count )
{
    WCHAR *parts[C_COUNT], *url;
    DWORD flags = 0, start = 0, end, len, need, err;
    URL_COMPONENTS uc;
    BOOL ok;
    int i;

    if (ctl[0] & 2) flags |= ICU_ESCAPE;
    if (ctl[0] & 4) flags |= ICU_REJECT_USERPWD;
    wine_native_acp = (ctl[0] & 8) ? CP_UTF8 : 1252;

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = (ctl[0] & 0x40) ? sizeof(uc) - 4 : sizeof(uc);
    uc.nScheme = ctl[2] & 3;
    uc.nPort = ctl[3] | (ctl[2] & 0xf0) << 4;
    for (i = 0; i < C_COUNT; i++)
    {
        for (end = start; end < count && text[end] != 1; end++) ;
        parts[i] = NULL;
        if (ctl[1] & (1 << i))
        {
            parts[i] = dup_text( text + start, end - start );
            *component_str( &uc, i ) = parts[i];
            *component_len( &uc, i ) = (ctl[1] & 0x40) ? end - start : 0;
        }
        start = end < count ? end + 1 : count;
    }

    len = 0;
    SetLastError( 0xdeadbeef );
    ok = WinHttpCreateUrl( &uc, flags, NULL, &len );
    err = GetLastError();
    CHECK( !ok );
    CHECK( err == ERROR_INSUFFICIENT_BUFFER || err == ERROR_INVALID_PARAMETER || err == ERROR_WINHTTP_INVALID_URL );
    if (uc.dwStructSize != sizeof(uc)) CHECK( err == ERROR_INVALID_PARAMETER );
    if (err == ERROR_INSUFFICIENT_BUFFER)
    {
        need = len;
        CHECK( need > 3 );   /* at least "://" and the NUL */
        url = malloc( need * sizeof(WCHAR) );
        if (!url) abort();
        len = need - 1;
        CHECK( !WinHttpCreateUrl( &uc, flags, url, &len ) && GetLastError() == ERROR_INSUFFICIENT_BUFFER );
        CHECK( len == need );
        CHECK( !WinHttpCreateUrl( &uc, flags, NULL, &len ) && GetLastError() == ERROR_INVALID_PARAMETER );
        CHECK( len == need );
        CHECK( WinHttpCreateUrl( &uc, flags, url, &len ) && len == need - 1 && !url[len] );
        free( url );
    }
    for (i = 0; i < C_COUNT; i++) free( parts[i] );
}

int LLVMFuzzerInitialize( int *argc, char ***argv )
{
    wine_native_init();
    return 0;
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    DWORD count;
    WCHAR *text;

    if (size < 4) return 0;
    count = (size - 4) / sizeof(WCHAR);
    text = copy_exact( data + 4, count * sizeof(WCHAR) );   /* aligned, and exactly sized */
    if (data[0] & 0x80) fuzz_create_url( data, text, count );
    else fuzz_crack_url( data, text, count );
    free( text );
    return 0;
}
