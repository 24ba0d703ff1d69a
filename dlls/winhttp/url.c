/*
 * URLs: WinHttpCrackUrl and WinHttpCreateUrl. Stateless: no shared state.
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
#include <stdarg.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

/*
 * The parser and the text transformations below are pure functions over the
 * characters they are given: no allocation, no I/O, no global state, and no
 * read beyond the length they are passed.  A fuzz target can call
 * url_parse(), url_transform() and url_build() directly.
 */

/* one piece of a URL: where it starts in the URL and how long it is */
struct url_piece
{
    DWORD start;
    DWORD len;
    BOOL  present;   /* FALSE for a user name or password the URL does not have */
};

struct url_parts
{
    INTERNET_SCHEME  scheme;   /* INTERNET_SCHEME_HTTP or INTERNET_SCHEME_HTTPS */
    INTERNET_PORT    port;     /* the explicit port, or the scheme's default */
    BOOL             userinfo; /* the authority has an '@' */
    struct url_piece scheme_name;
    struct url_piece user;
    struct url_piece password;
    struct url_piece host;     /* an IPv6 literal keeps its brackets */
    struct url_piece path;     /* from the first '/' after the authority to '?' or '#' */
    struct url_piece extra;    /* from the first '?' or '#' after the path to the end */
};

/* how a component's text is changed on its way into a caller's buffer */
enum url_xform
{
    XFORM_NONE,
    XFORM_DECODE,   /* %xx -> the character xx */
    XFORM_ESCAPE,   /* unsafe characters -> %xx */
};

/* the length a URL really has: at most len characters, and no further than its NUL */
static DWORD url_length( const WCHAR *url, DWORD len )
{
    DWORD i;

    if (!len) len = ~0u;
    for (i = 0; i < len && url[i]; i++) ;
    return i;
}

static DWORD find_char( const WCHAR *str, DWORD start, DWORD end, WCHAR ch )
{
    DWORD i;

    for (i = start; i < end; i++) if (str[i] == ch) return i;
    return end;
}

static WCHAR ascii_lower( WCHAR ch )
{
    return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

/* case-insensitive comparison of a counted string with a lowercase ASCII name */
static BOOL is_scheme_name( const WCHAR *str, DWORD len, const WCHAR *name )
{
    DWORD i;

    for (i = 0; i < len; i++) if (!name[i] || ascii_lower( str[i] ) != name[i]) return FALSE;
    return !name[len];
}

static int hex_value( WCHAR ch )
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static INTERNET_PORT default_port( INTERNET_SCHEME scheme )
{
    return scheme == INTERNET_SCHEME_HTTPS ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT;
}

/*
 * Splits the first len characters of url into its pieces.  Returns
 * ERROR_SUCCESS, ERROR_WINHTTP_UNRECOGNIZED_SCHEME when the text before the
 * first ':' is not "http" or "https" (in any case), or ERROR_WINHTTP_INVALID_URL.
 * The authority ends at the first '/' only: like Windows, "http://host?x" has
 * the host "host?x".
 */
static DWORD url_parse( const WCHAR *url, DWORD len, struct url_parts *parts )
{
    DWORD colon, auth, auth_end, at, sep, host_start, host_end, port_start = 0, port = 0, i;
    BOOL has_port = FALSE;

    memset( parts, 0, sizeof(*parts) );

    colon = find_char( url, 0, len, ':' );
    if (colon == len) return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    if (is_scheme_name( url, colon, L"http" )) parts->scheme = INTERNET_SCHEME_HTTP;
    else if (is_scheme_name( url, colon, L"https" )) parts->scheme = INTERNET_SCHEME_HTTPS;
    else return ERROR_WINHTTP_UNRECOGNIZED_SCHEME;
    parts->scheme_name.start = 0;
    parts->scheme_name.len = colon;
    parts->scheme_name.present = TRUE;

    if (len - colon < 3 || url[colon + 1] != '/' || url[colon + 2] != '/') return ERROR_WINHTTP_INVALID_URL;
    auth = colon + 3;
    auth_end = find_char( url, auth, len, '/' );

    /* user info: everything before the first '@' of the authority */
    at = find_char( url, auth, auth_end, '@' );
    if (at < auth_end)
    {
        parts->userinfo = TRUE;
        sep = find_char( url, auth, at, ':' );
        parts->user.start = auth;
        parts->user.len = sep - auth;
        parts->user.present = TRUE;
        if (sep < at)
        {
            parts->password.start = sep + 1;
            parts->password.len = at - sep - 1;
            parts->password.present = TRUE;
        }
        host_start = at + 1;
    }
    else host_start = auth;

    /* host and port; an IPv6 literal is bracketed and may hold colons */
    if (host_start < auth_end && url[host_start] == '[')
    {
        host_end = find_char( url, host_start, auth_end, ']' );
        if (host_end == auth_end) return ERROR_WINHTTP_INVALID_URL;
        host_end++;
        if (host_end < auth_end)
        {
            if (url[host_end] != ':') return ERROR_WINHTTP_INVALID_URL;
            has_port = TRUE;
            port_start = host_end + 1;
        }
    }
    else
    {
        host_end = find_char( url, host_start, auth_end, ':' );
        if (host_end < auth_end)
        {
            has_port = TRUE;
            port_start = host_end + 1;
        }
    }
    if (host_end == host_start) return ERROR_WINHTTP_INVALID_URL;
    parts->host.start = host_start;
    parts->host.len = host_end - host_start;
    parts->host.present = TRUE;

    /* an empty port ("host:" or "host:/") means the default one */
    if (has_port && port_start < auth_end)
    {
        for (i = port_start; i < auth_end; i++)
        {
            if (url[i] < '0' || url[i] > '9') return ERROR_WINHTTP_INVALID_URL;
            port = port * 10 + (url[i] - '0');
            if (port > 65535) return ERROR_WINHTTP_INVALID_URL;
        }
        parts->port = port;
    }
    else parts->port = default_port( parts->scheme );

    /* the path, then the extra info from the first '?' or '#' on */
    for (sep = auth_end; sep < len; sep++) if (url[sep] == '?' || url[sep] == '#') break;
    parts->path.start = auth_end;
    parts->path.len = sep - auth_end;
    parts->path.present = TRUE;
    parts->extra.start = sep;
    parts->extra.len = len - sep;
    parts->extra.present = TRUE;
    return ERROR_SUCCESS;
}

static BOOL need_escape( WCHAR ch )
{
    static const WCHAR unsafe[] = L" \"#%<>[\\]^`{|}~";
    const WCHAR *p;

    if (ch <= 0x1f || ch >= 0x7f) return TRUE;
    for (p = unsafe; *p; p++) if (*p == ch) return TRUE;
    return FALSE;
}

/* stores one character if there is room for it; dst may be NULL to count */
static void put_at( WCHAR *dst, ULONGLONG cap, ULONGLONG *pos, WCHAR ch )
{
    if (dst && *pos < cap) dst[*pos] = ch;
    (*pos)++;
}

static void put_escaped_byte( WCHAR *dst, ULONGLONG cap, ULONGLONG *pos, BYTE byte )
{
    static const WCHAR hex[] = L"0123456789ABCDEF";

    put_at( dst, cap, pos, '%' );
    put_at( dst, cap, pos, hex[byte >> 4] );
    put_at( dst, cap, pos, hex[byte & 0xf] );
}

/*
 * Transforms len characters of src into dst (dst NULL: only counts), never
 * writing cap characters or more, and returns the length of the whole result
 * in *out_len.  Escaping writes a character
 * above U+00FF as the %xx of its UTF-8 bytes when the ANSI code page is UTF-8;
 * otherwise such a character cannot be escaped and FALSE is returned, as
 * Windows fails then.
 */
static BOOL url_transform( const WCHAR *src, DWORD len, enum url_xform xform, BOOL utf8,
                           WCHAR *dst, ULONGLONG cap, ULONGLONG *out_len )
{
    ULONGLONG pos = 0;
    DWORD i;

    for (i = 0; i < len; i++)
    {
        WCHAR ch = src[i];

        if (xform == XFORM_DECODE && ch == '%' && len - i >= 3 &&
            hex_value( src[i + 1] ) >= 0 && hex_value( src[i + 2] ) >= 0)
        {
            put_at( dst, cap, &pos, (WCHAR)(hex_value( src[i + 1] ) * 16 + hex_value( src[i + 2] )) );
            i += 2;
        }
        else if (xform == XFORM_ESCAPE && need_escape( ch ))
        {
            if (!utf8 || ch < 0x80)
            {
                if (ch > 0xff) return FALSE;
                put_escaped_byte( dst, cap, &pos, (BYTE)ch );
            }
            else
            {
                unsigned int cp = ch;

                if (ch >= 0xd800 && ch <= 0xdbff && len - i >= 2 && src[i + 1] >= 0xdc00 && src[i + 1] <= 0xdfff)
                {
                    cp = 0x10000 + ((ch - 0xd800) << 10) + (src[i + 1] - 0xdc00);
                    i++;
                }
                else if (ch >= 0xd800 && ch <= 0xdfff) cp = 0xfffd;  /* a lone surrogate */

                if (cp < 0x800)
                {
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0xc0 | (cp >> 6)) );
                }
                else if (cp < 0x10000)
                {
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0xe0 | (cp >> 12)) );
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0x80 | ((cp >> 6) & 0x3f)) );
                }
                else
                {
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0xf0 | (cp >> 18)) );
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0x80 | ((cp >> 12) & 0x3f)) );
                    put_escaped_byte( dst, cap, &pos, (BYTE)(0x80 | ((cp >> 6) & 0x3f)) );
                }
                put_escaped_byte( dst, cap, &pos, (BYTE)(0x80 | (cp & 0x3f)) );
            }
        }
        else put_at( dst, cap, &pos, ch );
    }
    *out_len = pos;
    return TRUE;
}

#define COMPONENT_COUNT 6

/* a component of the caller's URL_COMPONENTS, and what the URL has for it */
struct crack_target
{
    WCHAR          **str;
    DWORD           *len;
    struct url_piece piece;
    enum url_xform   xform;
};

/*
 * Checks one component before anything is written: ERROR_SUCCESS or
 * ERROR_INVALID_PARAMETER.  With ICU_DECODE or ICU_ESCAPE, no component that
 * has text may be asked for as a pointer into the URL.
 */
static DWORD check_component( const WCHAR *url, const struct crack_target *t, enum url_xform xform, BOOL utf8 )
{
    ULONGLONG out_len;

    if (!*t->len) return ERROR_SUCCESS;   /* not wanted */
    if (!*t->str)
    {
        if (xform != XFORM_NONE && t->piece.len) return ERROR_INVALID_PARAMETER;
        return ERROR_SUCCESS;
    }
    if (!url_transform( url + t->piece.start, t->piece.len, t->xform, utf8, NULL, 0, &out_len ) ||
        out_len >= ~0u)
        return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

static void put_component( const WCHAR *url, const struct crack_target *t, BOOL utf8, BOOL *overflow )
{
    ULONGLONG out_len;

    if (!*t->len) return;
    if (!*t->str)
    {
        *t->str = t->piece.present ? (WCHAR *)url + t->piece.start : NULL;
        *t->len = t->piece.len;
        return;
    }
    url_transform( url + t->piece.start, t->piece.len, t->xform, utf8, NULL, 0, &out_len );
    if (out_len >= *t->len)
    {
        *t->len = (DWORD)out_len + 1;
        *overflow = TRUE;
        return;
    }
    url_transform( url + t->piece.start, t->piece.len, t->xform, utf8, *t->str, *t->len - 1, &out_len );
    if (out_len >= *t->len) out_len = *t->len - 1;
    (*t->str)[out_len] = 0;
    *t->len = (DWORD)out_len;
}

static int trace_length( const WCHAR *url, DWORD len )
{
    DWORD n = url ? url_length( url, len ) : 0;
    return n > 256 ? 256 : (int)n;
}

BOOL WINAPI WinHttpCrackUrl( const WCHAR *url, DWORD len, DWORD flags, URL_COMPONENTS *uc )
{
    struct crack_target targets[COMPONENT_COUNT];
    struct url_parts parts;
    enum url_xform xform = XFORM_NONE;
    BOOL utf8 = FALSE, overflow = FALSE;
    DWORD err = ERROR_SUCCESS, i;

    TRACE( "%s, %lu, %#lx, %p\n", debugstr_wn(url, trace_length( url, len )), len, flags, uc );

    if (!url || !uc || uc->dwStructSize != sizeof(*uc))
    {
        err = ERROR_INVALID_PARAMETER;
        goto done;
    }

    targets[0].str = &uc->lpszScheme;    targets[0].len = &uc->dwSchemeLength;
    targets[1].str = &uc->lpszUserName;  targets[1].len = &uc->dwUserNameLength;
    targets[2].str = &uc->lpszPassword;  targets[2].len = &uc->dwPasswordLength;
    targets[3].str = &uc->lpszHostName;  targets[3].len = &uc->dwHostNameLength;
    targets[4].str = &uc->lpszUrlPath;   targets[4].len = &uc->dwUrlPathLength;
    targets[5].str = &uc->lpszExtraInfo; targets[5].len = &uc->dwExtraInfoLength;

    /* a buffer needs a size */
    for (i = 0; i < COMPONENT_COUNT; i++)
    {
        if (*targets[i].str && !*targets[i].len)
        {
            err = ERROR_INVALID_PARAMETER;
            goto done;
        }
    }

    len = url_length( url, len );
    if ((err = url_parse( url, len, &parts ))) goto done;
    if ((flags & ICU_REJECT_USERPWD) && parts.userinfo)
    {
        err = ERROR_WINHTTP_INVALID_URL;
        goto done;
    }

    /* ICU_ESCAPE wins over ICU_DECODE; escaping only touches the path and the extra info */
    if (flags & ICU_ESCAPE)
    {
        xform = XFORM_ESCAPE;
        utf8 = (GetACP() == CP_UTF8);
    }
    else if (flags & ICU_DECODE) xform = XFORM_DECODE;

    targets[0].piece = parts.scheme_name;
    targets[1].piece = parts.user;
    targets[2].piece = parts.password;
    targets[3].piece = parts.host;
    targets[4].piece = parts.path;
    targets[5].piece = parts.extra;
    targets[0].xform = XFORM_NONE;
    for (i = 1; i < 4; i++) targets[i].xform = (xform == XFORM_DECODE) ? XFORM_DECODE : XFORM_NONE;
    targets[4].xform = targets[5].xform = xform;

    /* without a place for the extra info, the path keeps the query and fragment */
    if (!*targets[5].len) targets[4].piece.len += parts.extra.len;

    for (i = 0; i < COMPONENT_COUNT; i++)
    {
        if ((err = check_component( url, &targets[i], xform, utf8 ))) goto done;
    }

    for (i = 0; i < COMPONENT_COUNT; i++) put_component( url, &targets[i], utf8, &overflow );
    uc->nScheme = parts.scheme;
    uc->nPort = parts.port;
    if (overflow) err = ERROR_INSUFFICIENT_BUFFER;

    TRACE( "scheme %s host %s port %u path %s extra %s\n",
           debugstr_wn(url, (int)parts.scheme_name.len),
           debugstr_wn(url + parts.host.start, (int)parts.host.len), parts.port,
           debugstr_wn(url + parts.path.start, (int)parts.path.len),
           debugstr_wn(url + parts.extra.start, (int)parts.extra.len) );

done:
    SetLastError( err );
    return !err;
}

/* the URL being built: dst NULL counts only; nothing is written at cap or beyond */
struct url_writer
{
    WCHAR    *dst;
    ULONGLONG cap;
    ULONGLONG pos;
};

static void put_text( struct url_writer *w, const WCHAR *str, DWORD len )
{
    if (w->dst && w->pos < w->cap)
    {
        ULONGLONG n = w->cap - w->pos < len ? w->cap - w->pos : len;
        memcpy( w->dst + w->pos, str, n * sizeof(WCHAR) );
    }
    w->pos += len;
}

static void put_char( struct url_writer *w, WCHAR ch )
{
    put_at( w->dst, w->cap, &w->pos, ch );
}

static BOOL put_transformed( struct url_writer *w, const WCHAR *str, DWORD len, enum url_xform xform, BOOL utf8 )
{
    ULONGLONG out_len, room = w->pos < w->cap ? w->cap - w->pos : 0;

    if (!url_transform( str, len, xform, utf8, w->dst ? w->dst + w->pos : NULL, room, &out_len )) return FALSE;
    w->pos += out_len;
    return TRUE;
}

/* a component's length as URL_COMPONENTS gives it to WinHttpCreateUrl: 0 means NUL-terminated */
static DWORD component_length( const WCHAR *str, DWORD len )
{
    return len ? len : url_length( str, 0 );
}

static BOOL uses_default_port( INTERNET_SCHEME scheme, INTERNET_PORT port )
{
    return (scheme == INTERNET_SCHEME_HTTP && port == INTERNET_DEFAULT_HTTP_PORT) ||
           (scheme == INTERNET_SCHEME_HTTPS && port == INTERNET_DEFAULT_HTTPS_PORT);
}

/*
 * Writes the URL for uc into w (or counts it).  lpszScheme wins over nScheme;
 * "://" is always there; the port is left out when it is the scheme's default;
 * ICU_ESCAPE escapes the path and the extra info only.
 */
static DWORD url_build( const URL_COMPONENTS *uc, DWORD flags, BOOL utf8, struct url_writer *w )
{
    enum url_xform xform = (flags & ICU_ESCAPE) ? XFORM_ESCAPE : XFORM_NONE;
    INTERNET_SCHEME scheme;
    DWORD len;

    if (uc->lpszScheme)
    {
        len = component_length( uc->lpszScheme, uc->dwSchemeLength );
        if (is_scheme_name( uc->lpszScheme, len, L"http" )) scheme = INTERNET_SCHEME_HTTP;
        else if (is_scheme_name( uc->lpszScheme, len, L"https" )) scheme = INTERNET_SCHEME_HTTPS;
        else scheme = 0;
        put_text( w, uc->lpszScheme, len );
    }
    else
    {
        scheme = uc->nScheme ? uc->nScheme : INTERNET_SCHEME_HTTP;
        if (scheme == INTERNET_SCHEME_HTTP) put_text( w, L"http", 4 );
        else if (scheme == INTERNET_SCHEME_HTTPS) put_text( w, L"https", 5 );
        else return ERROR_INVALID_PARAMETER;
    }
    put_text( w, L"://", 3 );

    if (uc->lpszUserName)
    {
        put_text( w, uc->lpszUserName, component_length( uc->lpszUserName, uc->dwUserNameLength ) );
        if (uc->lpszPassword)
        {
            put_char( w, ':' );
            put_text( w, uc->lpszPassword, component_length( uc->lpszPassword, uc->dwPasswordLength ) );
        }
        put_char( w, '@' );
    }
    else if (uc->lpszPassword) return ERROR_INVALID_PARAMETER;

    if (uc->lpszHostName)
    {
        put_text( w, uc->lpszHostName, component_length( uc->lpszHostName, uc->dwHostNameLength ) );
        if (!uses_default_port( scheme, uc->nPort ))
        {
            WCHAR digits[5];
            unsigned int port = uc->nPort, n = 0;

            do { digits[n++] = '0' + port % 10; port /= 10; } while (port);
            put_char( w, ':' );
            while (n) put_char( w, digits[--n] );
        }
        if (uc->lpszUrlPath && uc->lpszUrlPath[0] != '/') put_char( w, '/' );
    }
    if (uc->lpszUrlPath &&
        !put_transformed( w, uc->lpszUrlPath, component_length( uc->lpszUrlPath, uc->dwUrlPathLength ), xform, utf8 ))
        return ERROR_INVALID_PARAMETER;
    if (uc->lpszExtraInfo &&
        !put_transformed( w, uc->lpszExtraInfo, component_length( uc->lpszExtraInfo, uc->dwExtraInfoLength ), xform, utf8 ))
        return ERROR_INVALID_PARAMETER;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpCreateUrl( URL_COMPONENTS *uc, DWORD flags, WCHAR *url, DWORD *len )
{
    struct url_writer w = { NULL, 0, 0 };
    BOOL utf8 = FALSE;
    DWORD err;

    TRACE( "%p, %#lx, %p, %p\n", uc, flags, url, len );

    if (!uc || uc->dwStructSize != sizeof(*uc) || !len)
    {
        err = ERROR_INVALID_PARAMETER;
        goto done;
    }
    if (flags & ICU_ESCAPE) utf8 = (GetACP() == CP_UTF8);

    if ((err = url_build( uc, flags, utf8, &w ))) goto done;
    if (w.pos >= ~0u)   /* the length and its NUL must fit in a DWORD */
    {
        err = ERROR_INVALID_PARAMETER;
        goto done;
    }
    if ((flags & ICU_REJECT_USERPWD) && (uc->lpszUserName || uc->lpszPassword))
    {
        err = ERROR_WINHTTP_INVALID_URL;
        goto done;
    }
    /* *len is the buffer's size in characters; it must hold the NUL too */
    if (*len <= w.pos)
    {
        *len = (DWORD)w.pos + 1;
        err = ERROR_INSUFFICIENT_BUFFER;
        goto done;
    }
    if (!url)
    {
        err = ERROR_INVALID_PARAMETER;
        goto done;
    }

    /* the components are read again: should they change meanwhile, the buffer still bounds the writes */
    w.dst = url;
    w.cap = *len - 1;
    w.pos = 0;
    url_build( uc, flags, utf8, &w );
    if (w.pos > w.cap) w.pos = w.cap;
    url[w.pos] = 0;
    *len = (DWORD)w.pos;
    TRACE( "%s\n", debugstr_wn(url, trace_length( url, *len )) );

done:
    SetLastError( err );
    return !err;
}
