/*
 * Conformance tests for WinHttpCrackUrl and WinHttpCreateUrl.
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

#include "wine/test.h"

/* readable form of a counted wide string, for messages (main thread only) */
static const char *dbgw( const WCHAR *str, int len )
{
    static char buffers[4][256];
    static int index;
    char *buf = buffers[index++ % 4], *p = buf;
    int i;

    if (!str) return "(null)";
    if (len < 0) len = lstrlenW( str );
    *p++ = '"';
    for (i = 0; i < len && p < buf + sizeof(buffers[0]) - 12; i++)
    {
        if (str[i] >= 0x20 && str[i] < 0x7f) *p++ = (char)str[i];
        else p += sprintf( p, "\\x%04x", str[i] );
    }
    if (i < len) p += sprintf( p, "..." );
    *p++ = '"';
    *p = 0;
    return buf;
}

/* a string's length, unsigned like the lengths it is compared with */
static DWORD wlen( const WCHAR *str )
{
    return lstrlenW( str );
}

static BOOL is_utf8_acp(void)
{
    return GetACP() == CP_UTF8;
}

/* every component wanted, as pointers into the URL */
static void init_pointers( URL_COMPONENTS *uc )
{
    memset( uc, 0, sizeof(*uc) );
    uc->dwStructSize      = sizeof(*uc);
    uc->dwSchemeLength    = ~0u;
    uc->dwHostNameLength  = ~0u;
    uc->dwUserNameLength  = ~0u;
    uc->dwPasswordLength  = ~0u;
    uc->dwUrlPathLength   = ~0u;
    uc->dwExtraInfoLength = ~0u;
}

struct url_buffers
{
    WCHAR scheme[16], user[64], pass[64], host[128], path[512], extra[512];
};

/* every component wanted, copied into buffers */
static void init_buffers( URL_COMPONENTS *uc, struct url_buffers *b )
{
    memset( uc, 0, sizeof(*uc) );
    memset( b, 0xcc, sizeof(*b) );
    uc->dwStructSize      = sizeof(*uc);
    uc->lpszScheme        = b->scheme;
    uc->dwSchemeLength    = ARRAY_SIZE(b->scheme);
    uc->lpszUserName      = b->user;
    uc->dwUserNameLength  = ARRAY_SIZE(b->user);
    uc->lpszPassword      = b->pass;
    uc->dwPasswordLength  = ARRAY_SIZE(b->pass);
    uc->lpszHostName      = b->host;
    uc->dwHostNameLength  = ARRAY_SIZE(b->host);
    uc->lpszUrlPath       = b->path;
    uc->dwUrlPathLength   = ARRAY_SIZE(b->path);
    uc->lpszExtraInfo     = b->extra;
    uc->dwExtraInfoLength = ARRAY_SIZE(b->extra);
}

/* Windows' answers for one URL; a NULL user or password means the URL has none */
struct crack_case
{
    const WCHAR    *url;
    DWORD           error;
    INTERNET_SCHEME scheme;
    INTERNET_PORT   port;
    const WCHAR    *user;
    const WCHAR    *pass;
    const WCHAR    *host;
    const WCHAR    *path;
    const WCHAR    *extra;
};

static const struct crack_case crack_cases[] =
{
    /* the components Windows reports for Wine's test URLs */
    { L"http://username:password@www.winehq.org/site/about?query", 0, INTERNET_SCHEME_HTTP, 80,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"?query" },
    { L"http://username:password@www.winehq.org/site/about", 0, INTERNET_SCHEME_HTTP, 80,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"" },
    { L"http://www.winehq.org", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"www.winehq.org", L"", L"" },
    { L"https://www.winehq.org/post?", 0, INTERNET_SCHEME_HTTPS, 443, NULL, NULL, L"www.winehq.org", L"/post", L"?" },
    { L"http://winehq/post;a", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq", L"/post;a", L"" },
    /* the authority ends at '/' only: "http://server?Bad=URL" gives "incorrect results" */
    { L"http://winehq?", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq?", L"", L"" },
    { L"http://example.net/path?var1=example@example.com&var2=x&var3=y", 0, INTERNET_SCHEME_HTTP, 80,
      NULL, NULL, L"example.net", L"/path", L"?var1=example@example.com&var2=x&var3=y" },
    { L"https://tools.google.com/service/update2?w=3:BxDHoWy8ezM", 0, INTERNET_SCHEME_HTTPS, 443,
      NULL, NULL, L"tools.google.com", L"/service/update2", L"?w=3:BxDHoWy8ezM" },
    { L"http://username:password@www.winehq.org:42/site/about?query", 0, INTERNET_SCHEME_HTTP, 42,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"?query" },
    { L"http://username:password@www.winehq.org:0/site/about?query", 0, INTERNET_SCHEME_HTTP, 0,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"?query" },
    { L"http://username:password@www.winehq.org:80/site/about?query", 0, INTERNET_SCHEME_HTTP, 80,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"?query" },
    { L"https://username:password@www.winehq.org:443/site/about?query", 0, INTERNET_SCHEME_HTTPS, 443,
      L"username", L"password", L"www.winehq.org", L"/site/about", L"?query" },
    { L"https://nba2k19-ws.2ksports.com:19133/nba/v4/Accounts/get_account?x=3789526775265663876", 0,
      INTERNET_SCHEME_HTTPS, 19133, NULL, NULL, L"nba2k19-ws.2ksports.com", L"/nba/v4/Accounts/get_account",
      L"?x=3789526775265663876" },
    { L"http://winehq.o g/path with spaces", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq.o g",
      L"/path with spaces", L"" },
    { L"http://www.winehq.org/test", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"www.winehq.org", L"/test", L"" },
    /* ports: 0 is kept, an empty one is the default */
    { L"http://winehq.org:0", 0, INTERNET_SCHEME_HTTP, 0, NULL, NULL, L"winehq.org", L"", L"" },
    { L"http://winehq.org:", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq.org", L"", L"" },
    { L"http://winehq.org:/", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq.org", L"/", L"" },
    { L"https://winehq.org:80/", 0, INTERNET_SCHEME_HTTPS, 80, NULL, NULL, L"winehq.org", L"/", L"" },
    { L"http://winehq.org:443/", 0, INTERNET_SCHEME_HTTP, 443, NULL, NULL, L"winehq.org", L"/", L"" },
    { L"http://winehq.org:65535/", 0, INTERNET_SCHEME_HTTP, 65535, NULL, NULL, L"winehq.org", L"/", L"" },
    { L"http://winehq.org:0080/", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"winehq.org", L"/", L"" },
    { L"http://127.0.0.1:8000/index.html", 0, INTERNET_SCHEME_HTTP, 8000, NULL, NULL, L"127.0.0.1",
      L"/index.html", L"" },
    /* the scheme is matched in any case and reported as written */
    { L"HTTP://WWW.WINEHQ.ORG/Path", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"WWW.WINEHQ.ORG", L"/Path", L"" },
    { L"HtTpS://h", 0, INTERNET_SCHEME_HTTPS, 443, NULL, NULL, L"h", L"", L"" },
    /* user info */
    { L"http://username:@www.winehq.org/", 0, INTERNET_SCHEME_HTTP, 80, L"username", L"", L"www.winehq.org",
      L"/", L"" },
    { L"http://:@www.winehq.org/site/about?query", 0, INTERNET_SCHEME_HTTP, 80, L"", L"", L"www.winehq.org",
      L"/site/about", L"?query" },
    { L"http://user@host/", 0, INTERNET_SCHEME_HTTP, 80, L"user", NULL, L"host", L"/", L"" },
    { L"http://u:p:q@host/", 0, INTERNET_SCHEME_HTTP, 80, L"u", L"p:q", L"host", L"/", L"" },
    { L"http://host/@x", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/@x", L"" },
    { L"http://user:pass@host:8080", 0, INTERNET_SCHEME_HTTP, 8080, L"user", L"pass", L"host", L"", L"" },
    /* extra info starts at '?' or '#' */
    { L"http://host/p#frag", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/p", L"#frag" },
    { L"http://host/p?q#frag", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/p", L"?q#frag" },
    { L"http://host/p#f?q", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/p", L"#f?q" },
    { L"http://host/p?a=1?b=2", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/p", L"?a=1?b=2" },
    { L"http://host/?", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/", L"?" },
    { L"http://host//double//slash", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"//double//slash", L"" },
    { L"http://host/a\x00e9t\x4e2d", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"host", L"/a\x00e9t\x4e2d", L"" },
    /* IPv6 literals keep their brackets; their colons are not the port's */
    { L"http://[::1]/", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"[::1]", L"/", L"" },
    { L"http://[::1]:8080/x", 0, INTERNET_SCHEME_HTTP, 8080, NULL, NULL, L"[::1]", L"/x", L"" },
    { L"https://[2001:db8::1]", 0, INTERNET_SCHEME_HTTPS, 443, NULL, NULL, L"[2001:db8::1]", L"", L"" },
    { L"http://[fe80::1%251]:1/", 0, INTERNET_SCHEME_HTTP, 1, NULL, NULL, L"[fe80::1%251]", L"/", L"" },
    { L"http://user:pass@[::1]:81/p?q", 0, INTERNET_SCHEME_HTTP, 81, L"user", L"pass", L"[::1]", L"/p", L"?q" },
    { L"http://[::1]:/", 0, INTERNET_SCHEME_HTTP, 80, NULL, NULL, L"[::1]", L"/", L"" },

    /* no ':' at all, or a scheme other than http and https */
    { L"www.winehq.org", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"www", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"http", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"ftp://username:password@www.winehq.org:80/site/about?query", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"file:///c:/windows", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"mailto:user@winehq.org", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"httpx://host/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"htt://host/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L" http://host/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"://host/", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    { L"localhost:8080/path", ERROR_WINHTTP_UNRECOGNIZED_SCHEME },
    /* http and https without "//" and a host */
    { L"HTTP:www.winehq.org", ERROR_WINHTTP_INVALID_URL },
    { L"http:/www.winehq.org", ERROR_WINHTTP_INVALID_URL },
    { L"http://", ERROR_WINHTTP_INVALID_URL },
    { L"https://", ERROR_WINHTTP_INVALID_URL },
    { L"http:", ERROR_WINHTTP_INVALID_URL },
    { L"http:\\\\host\\", ERROR_WINHTTP_INVALID_URL },
    { L"http:///path", ERROR_WINHTTP_INVALID_URL },
    { L"http://user@/", ERROR_WINHTTP_INVALID_URL },
    { L"http://:80/", ERROR_WINHTTP_INVALID_URL },
    /* ports that are not numbers from 0 to 65535 */
    { L"http://winehq.org:65536", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org:99999/", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org:123456789012345678901234567890/", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org:8a/", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org:-1/", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org:80:80/", ERROR_WINHTTP_INVALID_URL },
    { L"http://winehq.org: 80/", ERROR_WINHTTP_INVALID_URL },
    /* broken IPv6 literals; without brackets the first colon starts the port */
    { L"http://[::1/", ERROR_WINHTTP_INVALID_URL },
    { L"http://[::1]x/", ERROR_WINHTTP_INVALID_URL },
    { L"http://[::1]:x/", ERROR_WINHTTP_INVALID_URL },
    { L"http://::1/", ERROR_WINHTTP_INVALID_URL },
};

/* a component cracked as a pointer into the URL */
static void check_pointer( const WCHAR *url, DWORD url_len, const char *name, const WCHAR *ptr, DWORD len,
                           const WCHAR *expect )
{
    if (!expect)
    {
        ok( !ptr, "%s: got %s\n", name, dbgw( ptr, len ) );
        ok( !len, "%s: got length %lu\n", name, len );
        return;
    }
    ok( len == wlen( expect ), "%s: got length %lu, expected %lu\n", name, len, wlen( expect ) );
    if (!len) return;
    ok( ptr >= url && ptr + len <= url + url_len && !memcmp( ptr, expect, len * sizeof(WCHAR) ),
        "%s: got %s, expected %s\n", name, dbgw( ptr, len ), dbgw( expect, -1 ) );
}

/* a component copied into a buffer: the text, its NUL, and its length without it */
static void check_buffer( const char *name, const WCHAR *buf, DWORD len, const WCHAR *expect )
{
    if (!expect) expect = L"";
    ok( len == wlen( expect ), "%s: got length %lu, expected %lu\n", name, len, wlen( expect ) );
    if (len != wlen( expect )) return;
    ok( !memcmp( buf, expect, (len + 1) * sizeof(WCHAR) ), "%s: got %s, expected %s\n", name,
        dbgw( buf, len ), dbgw( expect, -1 ) );
}

static void test_crack_cases(void)
{
    struct url_buffers b;
    URL_COMPONENTS uc;
    unsigned int i;
    DWORD err, url_len;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(crack_cases); i++)
    {
        const struct crack_case *c = &crack_cases[i];
        WCHAR path_and_extra[512];

        winetest_push_context( "%u %s", i, dbgw( c->url, -1 ) );
        url_len = wlen( c->url );

        /* pointers into the URL */
        init_pointers( &uc );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( c->url, 0, 0, &uc );
        err = GetLastError();
        if (c->error)
        {
            ok( !ret, "WinHttpCrackUrl succeeded\n" );
            ok( err == c->error, "got error %lu, expected %lu\n", err, c->error );
            winetest_pop_context();
            continue;
        }
        ok( ret, "WinHttpCrackUrl failed: %lu\n", err );
        ok( err == ERROR_SUCCESS, "got last error %lu\n", err );
        ok( uc.nScheme == c->scheme, "got scheme %d, expected %d\n", uc.nScheme, c->scheme );
        ok( uc.nPort == c->port, "got port %u, expected %u\n", uc.nPort, c->port );
        ok( uc.lpszScheme == c->url, "scheme does not point to the URL\n" );
        ok( uc.dwSchemeLength == (c->scheme == INTERNET_SCHEME_HTTPS ? 5 : 4), "got scheme length %lu\n",
            uc.dwSchemeLength );
        check_pointer( c->url, url_len, "user", uc.lpszUserName, uc.dwUserNameLength, c->user );
        check_pointer( c->url, url_len, "password", uc.lpszPassword, uc.dwPasswordLength, c->pass );
        check_pointer( c->url, url_len, "host", uc.lpszHostName, uc.dwHostNameLength, c->host );
        check_pointer( c->url, url_len, "path", uc.lpszUrlPath, uc.dwUrlPathLength, c->path );
        check_pointer( c->url, url_len, "extra", uc.lpszExtraInfo, uc.dwExtraInfoLength, c->extra );
        /* the extra info runs to the end of the URL, and an empty one points at the end */
        ok( uc.lpszExtraInfo + uc.dwExtraInfoLength == c->url + url_len, "extra info does not end the URL\n" );
        ok( uc.lpszUrlPath + uc.dwUrlPathLength == uc.lpszExtraInfo, "path is not followed by the extra info\n" );

        /* the same, copied into buffers */
        init_buffers( &uc, &b );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( c->url, 0, 0, &uc );
        err = GetLastError();
        ok( ret, "WinHttpCrackUrl with buffers failed: %lu\n", err );
        ok( err == ERROR_SUCCESS, "got last error %lu\n", err );
        ok( uc.nScheme == c->scheme, "got scheme %d, expected %d\n", uc.nScheme, c->scheme );
        ok( uc.nPort == c->port, "got port %u, expected %u\n", uc.nPort, c->port );
        ok( uc.lpszScheme == b.scheme && uc.lpszHostName == b.host && uc.lpszUrlPath == b.path,
            "the buffers were replaced\n" );
        ok( uc.dwSchemeLength == (c->scheme == INTERNET_SCHEME_HTTPS ? 5 : 4), "got scheme length %lu\n",
            uc.dwSchemeLength );
        ok( !lstrcmpiW( b.scheme, c->scheme == INTERNET_SCHEME_HTTPS ? L"https" : L"http" ), "got scheme %s\n",
            dbgw( b.scheme, -1 ) );
        ok( !memcmp( b.scheme, c->url, uc.dwSchemeLength * sizeof(WCHAR) ), "scheme not copied as written\n" );
        if (c->user) check_buffer( "user", b.user, uc.dwUserNameLength, c->user );
        else ok( !uc.dwUserNameLength, "got user length %lu\n", uc.dwUserNameLength );
        if (c->pass) check_buffer( "password", b.pass, uc.dwPasswordLength, c->pass );
        else ok( !uc.dwPasswordLength, "got password length %lu\n", uc.dwPasswordLength );
        check_buffer( "host", b.host, uc.dwHostNameLength, c->host );
        check_buffer( "path", b.path, uc.dwUrlPathLength, c->path );
        check_buffer( "extra", b.extra, uc.dwExtraInfoLength, c->extra );

        /* without a place for the extra info, the path has the query and the fragment */
        lstrcpyW( path_and_extra, c->path );
        lstrcatW( path_and_extra, c->extra );
        init_pointers( &uc );
        uc.dwExtraInfoLength = 0;
        ret = WinHttpCrackUrl( c->url, 0, 0, &uc );
        ok( ret, "WinHttpCrackUrl without extra info failed: %lu\n", GetLastError() );
        check_pointer( c->url, url_len, "path with extra", uc.lpszUrlPath, uc.dwUrlPathLength, path_and_extra );
        ok( !uc.lpszExtraInfo && !uc.dwExtraInfoLength, "extra info was returned\n" );

        init_buffers( &uc, &b );
        uc.lpszExtraInfo = NULL;
        uc.dwExtraInfoLength = 0;
        ret = WinHttpCrackUrl( c->url, 0, 0, &uc );
        ok( ret, "WinHttpCrackUrl without extra info failed: %lu\n", GetLastError() );
        check_buffer( "path with extra", b.path, uc.dwUrlPathLength, path_and_extra );

        /* an explicit length is the same as the NUL */
        init_pointers( &uc );
        ret = WinHttpCrackUrl( c->url, url_len, 0, &uc );
        ok( ret, "WinHttpCrackUrl with a length failed: %lu\n", GetLastError() );
        ok( uc.lpszExtraInfo + uc.dwExtraInfoLength == c->url + url_len, "extra info does not end the URL\n" );
        ok( uc.dwHostNameLength == wlen( c->host ), "got host length %lu\n", uc.dwHostNameLength );

        winetest_pop_context();
    }
}

/* the exact offsets Windows reports for Wine's test URLs */
static void test_crack_offsets(void)
{
    static const WCHAR url_k1[] = L"http://username:password@www.winehq.org/site/about";
    static const WCHAR url_k2[] = L"http://www.winehq.org";
    static const WCHAR url_k3[] = L"https://www.winehq.org/post?";
    static const WCHAR url_k9[] = L"http://winehq?";
    static const WCHAR url_k10[] = L"http://winehq/post;a";
    static const WCHAR url11[] = L"http://example.net/path?var1=example@example.com&var2=x&var3=y";
    URL_COMPONENTS uc;
    BOOL ret;

    init_pointers( &uc );
    uc.dwHostNameLength = 1;
    ret = WinHttpCrackUrl( url_k1, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.lpszScheme == url_k1 && uc.dwSchemeLength == 4, "unexpected scheme\n" );
    ok( uc.lpszUserName == url_k1 + 7 && uc.dwUserNameLength == 8, "unexpected user\n" );
    ok( uc.lpszPassword == url_k1 + 16 && uc.dwPasswordLength == 8, "unexpected password\n" );
    ok( uc.lpszHostName == url_k1 + 25 && uc.dwHostNameLength == 14, "unexpected host\n" );
    ok( uc.lpszUrlPath == url_k1 + 39 && uc.dwUrlPathLength == 11, "unexpected path\n" );
    ok( uc.lpszExtraInfo == url_k1 + 50 && !uc.dwExtraInfoLength, "unexpected extra info\n" );

    /* any non-zero length asks for a pointer; absent user info is NULL */
    init_pointers( &uc );
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = 1;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = 1;
    ret = WinHttpCrackUrl( url_k2, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.lpszScheme == url_k2 && uc.dwSchemeLength == 4, "unexpected scheme\n" );
    ok( !uc.lpszUserName && !uc.dwUserNameLength, "unexpected user\n" );
    ok( !uc.lpszPassword && !uc.dwPasswordLength, "unexpected password\n" );
    ok( uc.lpszHostName == url_k2 + 7 && uc.dwHostNameLength == 14, "unexpected host\n" );
    ok( uc.lpszUrlPath == url_k2 + 21 && !uc.dwUrlPathLength, "unexpected path\n" );
    ok( uc.lpszExtraInfo == url_k2 + 21 && !uc.dwExtraInfoLength, "unexpected extra info\n" );

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url_k3, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.nScheme == INTERNET_SCHEME_HTTPS && uc.nPort == 443, "unexpected scheme or port\n" );
    ok( uc.lpszHostName == url_k3 + 8 && uc.dwHostNameLength == 14, "unexpected host\n" );
    ok( uc.lpszUrlPath == url_k3 + 22 && uc.dwUrlPathLength == 5, "unexpected path\n" );
    ok( uc.lpszExtraInfo == url_k3 + 27 && uc.dwExtraInfoLength == 1, "unexpected extra info\n" );

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url_k9, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.lpszUrlPath == url_k9 + 14 && !uc.dwUrlPathLength, "unexpected path %p %lu\n",
        uc.lpszUrlPath, uc.dwUrlPathLength );
    ok( uc.lpszExtraInfo == url_k9 + 14 && !uc.dwExtraInfoLength, "unexpected extra info\n" );

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url_k10, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.lpszUrlPath == url_k10 + 13 && uc.dwUrlPathLength == 7, "unexpected path\n" );
    ok( uc.lpszExtraInfo == url_k10 + 20 && !uc.dwExtraInfoLength, "unexpected extra info\n" );

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url11, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !uc.lpszUserName && !uc.lpszPassword, "'@' after the path made user info\n" );
    ok( uc.lpszHostName == url11 + 7 && uc.dwHostNameLength == 11, "unexpected host\n" );
    ok( uc.lpszUrlPath == url11 + 18 && uc.dwUrlPathLength == 5, "unexpected path\n" );
    ok( uc.lpszExtraInfo == url11 + 23 && uc.dwExtraInfoLength == 39, "unexpected extra info\n" );

    /* components not asked for stay as they were */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.dwHostNameLength = ~0u;
    uc.nPort = 1;
    ret = WinHttpCrackUrl( url_k1, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !uc.lpszScheme && !uc.dwSchemeLength, "scheme was returned\n" );
    ok( !uc.lpszUserName && !uc.dwUserNameLength, "user was returned\n" );
    ok( !uc.lpszUrlPath && !uc.dwUrlPathLength, "path was returned\n" );
    ok( uc.lpszHostName == url_k1 + 25 && uc.dwHostNameLength == 14, "unexpected host\n" );
    ok( uc.nScheme == INTERNET_SCHEME_HTTP && uc.nPort == 80, "unexpected scheme %d or port %u\n",
        uc.nScheme, uc.nPort );

    /* nothing asked for: only the scheme number and the port */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    ret = WinHttpCrackUrl( url_k3, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.nScheme == INTERNET_SCHEME_HTTPS && uc.nPort == 443, "unexpected scheme %d or port %u\n",
        uc.nScheme, uc.nPort );
}

static void test_crack_params(void)
{
    static const WCHAR url[] = L"http://username:password@www.winehq.org/site/about?query";
    WCHAR scheme[20];
    URL_COMPONENTS uc;
    DWORD err;
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, NULL );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( NULL, 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( NULL, 10, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    /* dwStructSize must be the size of the structure */
    init_pointers( &uc );
    uc.dwStructSize = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( !uc.lpszHostName, "structure was written\n" );

    init_pointers( &uc );
    uc.dwStructSize = sizeof(uc) - 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    init_pointers( &uc );
    uc.dwStructSize = sizeof(uc) + 1;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    init_pointers( &uc );
    uc.dwStructSize = ~0u;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    /* a buffer with a zero length is an error, and nothing is written */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    lstrcpyW( scheme, L"http" );
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 0;
    uc.dwUserNameLength = ~0u;
    uc.dwPasswordLength = ~0u;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://www.winehq.org/test", 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( !lstrcmpW( uc.lpszScheme, L"http" ), "scheme buffer changed\n" );
    ok( !uc.dwSchemeLength, "got scheme length %lu\n", uc.dwSchemeLength );
    ok( !uc.nScheme, "got scheme %d\n", uc.nScheme );
    ok( !uc.nPort, "got port %u\n", uc.nPort );
    ok( !uc.lpszUserName && uc.dwUserNameLength == ~0u, "user changed\n" );
    ok( !uc.lpszPassword && uc.dwPasswordLength == ~0u, "password changed\n" );

    /* the last error is cleared on success */
    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed\n" );
    ok( GetLastError() == ERROR_SUCCESS, "got last error %lu\n", GetLastError() );
}

static void test_crack_buffers(void)
{
    static const WCHAR url[] = L"http://username:password@www.winehq.org/site/about?query";
    WCHAR scheme[20], user[20], pass[20], host[40], path[80], extra[40];
    URL_COMPONENTS uc;
    DWORD err;
    BOOL ret;

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 20;
    uc.lpszUserName = user;
    uc.dwUserNameLength = 20;
    uc.lpszPassword = pass;
    uc.dwPasswordLength = 20;
    uc.lpszHostName = host;
    uc.dwHostNameLength = 20;
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = 40;
    uc.lpszExtraInfo = extra;
    uc.dwExtraInfoLength = 20;
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.nScheme == INTERNET_SCHEME_HTTP, "got scheme %d\n", uc.nScheme );
    ok( !lstrcmpW( scheme, L"http" ) && uc.dwSchemeLength == 4, "got scheme %s\n", dbgw( scheme, -1 ) );
    ok( !lstrcmpW( user, L"username" ) && uc.dwUserNameLength == 8, "got user %s\n", dbgw( user, -1 ) );
    ok( !lstrcmpW( pass, L"password" ) && uc.dwPasswordLength == 8, "got password %s\n", dbgw( pass, -1 ) );
    ok( !lstrcmpW( host, L"www.winehq.org" ) && uc.dwHostNameLength == 14, "got host %s\n", dbgw( host, -1 ) );
    ok( uc.nPort == 80, "got port %u\n", uc.nPort );
    ok( !lstrcmpW( path, L"/site/about" ) && uc.dwUrlPathLength == 11, "got path %s\n", dbgw( path, -1 ) );
    ok( !lstrcmpW( extra, L"?query" ) && uc.dwExtraInfoLength == 6, "got extra %s\n", dbgw( extra, -1 ) );

    /* buffers too small: each gets the length it needs, with its NUL; the others are filled */
    uc.dwSchemeLength = 1;
    uc.dwHostNameLength = 1;
    uc.dwUrlPathLength = 40;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( uc.dwSchemeLength == 5, "got scheme length %lu\n", uc.dwSchemeLength );
    ok( uc.dwHostNameLength == 15, "got host length %lu\n", uc.dwHostNameLength );
    ok( uc.dwUrlPathLength == 11, "got path length %lu\n", uc.dwUrlPathLength );

    /* a buffer of exactly the length needed, and one less */
    uc.dwSchemeLength = 5;
    uc.dwUserNameLength = 20;
    uc.dwPasswordLength = 20;
    uc.dwHostNameLength = 15;
    uc.dwUrlPathLength = 12;
    uc.dwExtraInfoLength = 7;
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( host, L"www.winehq.org" ) && uc.dwHostNameLength == 14, "got host %s\n", dbgw( host, -1 ) );
    ok( !lstrcmpW( extra, L"?query" ) && uc.dwExtraInfoLength == 6, "got extra %s\n", dbgw( extra, -1 ) );

    uc.dwSchemeLength = 5;
    uc.dwUserNameLength = 8;
    uc.dwPasswordLength = 20;
    uc.dwHostNameLength = 15;
    uc.dwUrlPathLength = 11;
    uc.dwExtraInfoLength = 7;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( uc.dwUserNameLength == 9, "got user length %lu\n", uc.dwUserNameLength );
    ok( uc.dwUrlPathLength == 12, "got path length %lu\n", uc.dwUrlPathLength );
    ok( uc.dwSchemeLength == 4, "got scheme length %lu\n", uc.dwSchemeLength );

    /* buffers and pointers together */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = ARRAY_SIZE(scheme);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAY_SIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAY_SIZE(path);
    uc.dwExtraInfoLength = ~0u;
    ret = WinHttpCrackUrl( url, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( path, L"/site/about" ), "got path %s\n", dbgw( path, -1 ) );
    ok( uc.lpszExtraInfo == url + 50 && uc.dwExtraInfoLength == 6, "unexpected extra info\n" );

    /* the path takes the query when extra info is not asked for */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = ARRAY_SIZE(scheme);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAY_SIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAY_SIZE(path);
    ret = WinHttpCrackUrl( L"https://nba2k19-ws.2ksports.com:19133/nba/v4/Accounts/get_account?x=3789526775265663876",
                           0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( path, L"/nba/v4/Accounts/get_account?x=3789526775265663876" ), "got path %s\n",
        dbgw( path, -1 ) );
    ok( uc.dwUrlPathLength == 50, "got path length %lu\n", uc.dwUrlPathLength );
    ok( uc.nPort == 19133, "got port %u\n", uc.nPort );
}

static void test_crack_flags(void)
{
    static const WCHAR url7[] = L"http://username:password@www.winehq.org/site/about%20!%22%23$%25&'()"
                                 "*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D%7E";
    static const WCHAR url_fb00[] = L"http://host/text=\xfb00";
    struct url_buffers b;
    URL_COMPONENTS uc;
    DWORD err;
    BOOL ret;

    /* decoding and escaping need buffers */
    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url7, 0, ICU_DECODE, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url7, 0, ICU_ESCAPE, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    /* a single component asked for as a pointer is enough to fail */
    init_buffers( &uc, &b );
    uc.lpszScheme = NULL;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url7, 0, ICU_DECODE, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( uc.dwHostNameLength == ARRAY_SIZE(b.host), "host length changed to %lu\n", uc.dwHostNameLength );

    /* %xx sequences are decoded after the URL is split: %23 does not start extra info */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( url7, 0, ICU_DECODE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/site/about !\"#$%&'()*+,-./:;<=>" ), "got path %s\n", dbgw( b.path, -1 ) );
    ok( uc.dwUrlPathLength == 32, "got path length %lu\n", uc.dwUrlPathLength );
    ok( !lstrcmpW( b.extra, L"?@[\\]^_`{|}~" ), "got extra %s\n", dbgw( b.extra, -1 ) );
    ok( uc.dwExtraInfoLength == 12, "got extra length %lu\n", uc.dwExtraInfoLength );
    ok( !lstrcmpW( b.host, L"www.winehq.org" ), "got host %s\n", dbgw( b.host, -1 ) );

    /* without ICU_DECODE the escapes stay */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( url7, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/site/about%20!%22%23$%25&'()*+,-./:;%3C=%3E" ), "got path %s\n",
        dbgw( b.path, -1 ) );

    /* the user, the password and the host are decoded too; bad escapes stay as they are */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://us%65r:p%41ss@h%6Fst/a%2fb%zz%4%", 0, ICU_DECODE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.user, L"user" ), "got user %s\n", dbgw( b.user, -1 ) );
    ok( !lstrcmpW( b.pass, L"pAss" ), "got password %s\n", dbgw( b.pass, -1 ) );
    ok( !lstrcmpW( b.host, L"host" ), "got host %s\n", dbgw( b.host, -1 ) );
    ok( !lstrcmpW( b.path, L"/a/b%zz%4%" ), "got path %s\n", dbgw( b.path, -1 ) );
    ok( uc.dwUrlPathLength == 10, "got path length %lu\n", uc.dwUrlPathLength );

    /* UTF-8 is not decoded: each %xx is one character */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://host/%C3%A9", 0, ICU_DECODE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/\x00c3\x00a9" ), "got path %s\n", dbgw( b.path, -1 ) );

    /* the length needed for a decoded component is the decoded one */
    init_buffers( &uc, &b );
    uc.dwUrlPathLength = 3;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://host/%41%42%43", 0, ICU_DECODE, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( uc.dwUrlPathLength == 5, "got path length %lu\n", uc.dwUrlPathLength );

    /* ICU_ESCAPE wins over ICU_DECODE and leaves the host alone */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://winehq.o g/path with spaces", 0, ICU_ESCAPE | ICU_DECODE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.host, L"winehq.o g" ), "got host %s\n", dbgw( b.host, -1 ) );
    ok( !lstrcmpW( b.path, L"/path%20with%20spaces" ), "got path %s\n", dbgw( b.path, -1 ) );
    ok( uc.dwUrlPathLength == 21, "got path length %lu\n", uc.dwUrlPathLength );

    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://host/a b\"<>^`{|}\\[]!$&'()*+,;=:@-._", 0, ICU_ESCAPE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/a%20b%22%3C%3E%5E%60%7B%7C%7D%5C%5B%5D!$&'()*+,;=:@-._" ), "got path %s\n",
        dbgw( b.path, -1 ) );

    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://host/p q?a b", 0, ICU_ESCAPE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/p%20q" ), "got path %s\n", dbgw( b.path, -1 ) );
    ok( !lstrcmpW( b.extra, L"?a%20b" ), "got extra %s\n", dbgw( b.extra, -1 ) );

    /* control characters and DEL */
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( L"http://host/\r\x1f\n\x7f", 0, ICU_ESCAPE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/%0D%1F%0A%7F" ), "got path %s\n", dbgw( b.path, -1 ) );

    /* the length needed for an escaped component is the escaped one */
    init_buffers( &uc, &b );
    uc.dwUrlPathLength = 4;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://host/a b", 0, ICU_ESCAPE, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( uc.dwUrlPathLength == 7, "got path length %lu\n", uc.dwUrlPathLength );

    /* a character beyond U+00FF cannot be escaped unless the code page is UTF-8 */
    init_buffers( &uc, &b );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url_fb00, 0, ICU_ESCAPE, &uc );
    err = GetLastError();
    if (!is_utf8_acp())
    {
        ok( !ret, "WinHttpCrackUrl succeeded\n" );
        ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    }
    else ok( ret, "WinHttpCrackUrl failed: %lu\n", err );

    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( url_fb00, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/text=\xfb00" ), "got path %s\n", dbgw( b.path, -1 ) );

    /* a URL with user info is rejected with ICU_REJECT_USERPWD */
    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://username:password@www.winehq.org/", 0, ICU_REJECT_USERPWD, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_WINHTTP_INVALID_URL, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://username@www.winehq.org/", 0, ICU_REJECT_USERPWD, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_WINHTTP_INVALID_URL, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"https://:pass@www.winehq.org/", 0, ICU_REJECT_USERPWD, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_WINHTTP_INVALID_URL, "got %lu\n", err );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"http://www.winehq.org/?user=a@b", 0, ICU_REJECT_USERPWD, &uc );
    err = GetLastError();
    ok( ret, "WinHttpCrackUrl failed: %lu\n", err );
    ok( err == ERROR_SUCCESS, "got %lu\n", err );
    ok( uc.dwHostNameLength == 14, "got host length %lu\n", uc.dwHostNameLength );

    /* other schemes are still unrecognized */
    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( L"ftp://user@host/", 0, ICU_REJECT_USERPWD, &uc );
    ok( !ret && GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "got %d %lu\n", ret, GetLastError() );

}

/* an explicit length is honoured, and nothing past it is read */
static void test_crack_length(void)
{
    static const WCHAR url[] = L"http://www.winehq.org/site/about?query";
    static const WCHAR *tails[] =
    {
        L"http://h/a%4", L"http://h/a%", L"http://[::1", L"http:/", L"http", L"http://h:",
        L"http://h:655", L"http://u:p@h", L"https://h/p?q", L"http://h/p#", L"http://h/%41",
    };
    URL_COMPONENTS uc;
    struct url_buffers b;
    unsigned int i;
    SYSTEM_INFO si;
    DWORD old, err;
    WCHAR *page;
    char *mem;
    BOOL ret;

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url, 21, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.lpszHostName == url + 7 && uc.dwHostNameLength == 14, "got host %s\n",
        dbgw( uc.lpszHostName, uc.dwHostNameLength ) );
    ok( uc.lpszUrlPath == url + 21 && !uc.dwUrlPathLength, "got path length %lu\n", uc.dwUrlPathLength );
    ok( uc.lpszExtraInfo == url + 21 && !uc.dwExtraInfoLength, "got extra length %lu\n", uc.dwExtraInfoLength );

    init_pointers( &uc );
    ret = WinHttpCrackUrl( url, 32, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.dwUrlPathLength == 11, "got path length %lu\n", uc.dwUrlPathLength );
    ok( uc.lpszExtraInfo == url + 32 && !uc.dwExtraInfoLength, "got extra length %lu\n", uc.dwExtraInfoLength );

    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( url, 35, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.extra, L"?qu" ), "got extra %s\n", dbgw( b.extra, -1 ) );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 7, 0, &uc );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INVALID_URL, "got %d %lu\n", ret, GetLastError() );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 4, 0, &uc );
    ok( !ret && GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "got %d %lu\n", ret, GetLastError() );

    init_pointers( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( url, 1, 0, &uc );
    ok( !ret && GetLastError() == ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "got %d %lu\n", ret, GetLastError() );

    /* URLs without a NUL that end where readable memory ends */
    GetSystemInfo( &si );
    mem = VirtualAlloc( NULL, si.dwPageSize * 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE );
    ok( mem != NULL, "VirtualAlloc failed\n" );
    if (!mem) return;
    ret = VirtualProtect( mem + si.dwPageSize, si.dwPageSize, PAGE_NOACCESS, &old );
    ok( ret, "VirtualProtect failed\n" );

    for (i = 0; i < ARRAY_SIZE(tails); i++)
    {
        DWORD len = wlen( tails[i] ), expect;

        page = (WCHAR *)(mem + si.dwPageSize) - len;
        memcpy( page, tails[i], len * sizeof(WCHAR) );

        init_pointers( &uc );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( page, len, 0, &uc );
        err = GetLastError();
        init_pointers( &uc );
        expect = WinHttpCrackUrl( tails[i], 0, 0, &uc ) ? ERROR_SUCCESS : GetLastError();
        ok( ret == !expect && err == expect, "%s: got %d %lu, expected %lu\n", dbgw( tails[i], -1 ), ret, err, expect );

        init_buffers( &uc, &b );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( page, len, ICU_DECODE, &uc );
        err = GetLastError();
        ok( ret == !expect && err == expect, "%s decode: got %d %lu, expected %lu\n", dbgw( tails[i], -1 ),
            ret, err, expect );

        init_buffers( &uc, &b );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( page, len, ICU_ESCAPE, &uc );
        err = GetLastError();
        ok( ret == !expect && err == expect, "%s escape: got %d %lu, expected %lu\n", dbgw( tails[i], -1 ),
            ret, err, expect );
    }

    /* a decoded "%4" at the very end stays as it is */
    page = (WCHAR *)(mem + si.dwPageSize) - 12;
    memcpy( page, L"http://h/a%4", 12 * sizeof(WCHAR) );
    init_buffers( &uc, &b );
    ret = WinHttpCrackUrl( page, 12, ICU_DECODE, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.path, L"/a%4" ), "got path %s\n", dbgw( b.path, -1 ) );

    VirtualFree( mem, 0, MEM_RELEASE );
}

/* long and odd input: a clear answer, never a crash */
static void test_crack_hostile(void)
{
    static const WCHAR alphabet[] = L"htps:/?#@[]%0123456789aAfF.-_~ \t\r\n\x00e9\xfb00\xd800\xdc00;=&+";
    unsigned int i, j, seed = 12345, bad_success = 0, bad_error = 0, bad_buffer = 0, bad_create = 0;
    WCHAR *big, fuzz[64], canary_buf[24], *url;
    struct url_buffers b;
    URL_COMPONENTS uc;
    DWORD len, err, size;
    BOOL ret;

    /* a 64K-character path */
    big = HeapAlloc( GetProcessHeap(), 0, 70000 * sizeof(WCHAR) );
    lstrcpyW( big, L"http://host/" );
    for (i = 12; i < 65548; i++) big[i] = 'a' + i % 26;
    big[i] = 0;

    init_pointers( &uc );
    ret = WinHttpCrackUrl( big, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.dwUrlPathLength == 65537, "got path length %lu\n", uc.dwUrlPathLength );

    init_buffers( &uc, &b );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCrackUrl( big, 0, 0, &uc );
    err = GetLastError();
    ok( !ret, "WinHttpCrackUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( uc.dwUrlPathLength == 65538, "got path length %lu\n", uc.dwUrlPathLength );
    ok( !lstrcmpW( b.host, L"host" ), "got host %s\n", dbgw( b.host, -1 ) );

    /* a 64K-character host */
    lstrcpyW( big, L"http://" );
    for (i = 7; i < 65543; i++) big[i] = 'a' + i % 26;
    lstrcpyW( big + i, L":8080/x" );
    init_pointers( &uc );
    ret = WinHttpCrackUrl( big, 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( uc.dwHostNameLength == 65536, "got host length %lu\n", uc.dwHostNameLength );
    ok( uc.nPort == 8080, "got port %u\n", uc.nPort );
    HeapFree( GetProcessHeap(), 0, big );

    /* a huge buffer size with a small URL */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = b.host;
    uc.dwHostNameLength = ~0u;
    ret = WinHttpCrackUrl( L"http://host/", 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ok( !lstrcmpW( b.host, L"host" ) && uc.dwHostNameLength == 4, "got host %s\n", dbgw( b.host, -1 ) );

    /* random strings made of URL characters */
    for (i = 0; i < 3000; i++)
    {
        DWORD n;

        seed = seed * 1103515245 + 12345;
        n = (seed >> 16) % 40;
        len = 0;
        if (i % 3 == 0) { lstrcpyW( fuzz, L"http://" ); len = 7; }
        else if (i % 3 == 1) { lstrcpyW( fuzz, L"https://" ); len = 8; }
        for (j = 0; j < n; j++)
        {
            seed = seed * 1103515245 + 12345;
            fuzz[len++] = alphabet[(seed >> 16) % (ARRAY_SIZE(alphabet) - 1)];
        }
        fuzz[len] = 0;
        url = fuzz;

        init_pointers( &uc );
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( url, len, 0, &uc );
        err = GetLastError();
        if (ret)
        {
            if (uc.lpszScheme != url || !uc.dwHostNameLength || uc.lpszHostName < url ||
                uc.lpszHostName + uc.dwHostNameLength > url + len ||
                uc.lpszUrlPath + uc.dwUrlPathLength != uc.lpszExtraInfo ||
                uc.lpszExtraInfo + uc.dwExtraInfoLength != url + len ||
                (uc.nScheme != INTERNET_SCHEME_HTTP && uc.nScheme != INTERNET_SCHEME_HTTPS))
            {
                if (!bad_success++) trace( "inconsistent result for %s\n", dbgw( url, len ) );
            }
        }
        else if (err != ERROR_WINHTTP_INVALID_URL && err != ERROR_WINHTTP_UNRECOGNIZED_SCHEME)
        {
            if (!bad_error++) trace( "error %lu for %s\n", err, dbgw( url, len ) );
        }
        if (!ret) continue;

        /* small buffers: never a write past the size given */
        memset( canary_buf, 0xcc, sizeof(canary_buf) );
        memset( &uc, 0, sizeof(uc) );
        uc.dwStructSize = sizeof(uc);
        uc.lpszHostName = canary_buf;
        uc.dwHostNameLength = size = 1 + (i % 8);
        uc.lpszUrlPath = canary_buf + 12;
        uc.dwUrlPathLength = 1 + (i % 8);
        SetLastError( 0xdeadbeef );
        ret = WinHttpCrackUrl( url, len, (i & 1) ? ICU_DECODE : ICU_ESCAPE, &uc );
        err = GetLastError();
        if ((!ret && err != ERROR_INSUFFICIENT_BUFFER && err != ERROR_INVALID_PARAMETER) ||
            canary_buf[size] != 0xcccc || canary_buf[12 + size] != 0xcccc)
        {
            if (!bad_buffer++) trace( "buffers: %d %lu for %s\n", ret, err, dbgw( url, len ) );
        }

        /* and back again */
        init_pointers( &uc );
        WinHttpCrackUrl( url, len, 0, &uc );
        {
            WCHAR out[1024];

            size = ARRAY_SIZE(out);
            SetLastError( 0xdeadbeef );
            ret = WinHttpCreateUrl( &uc, (i & 1) ? ICU_ESCAPE : 0, out, &size );
            err = GetLastError();
            if (!ret && err != ERROR_INVALID_PARAMETER)
            {
                if (!bad_create++) trace( "create: %lu for %s\n", err, dbgw( url, len ) );
            }
        }
    }
    ok( !bad_success, "%u inconsistent successes\n", bad_success );
    ok( !bad_error, "%u unexpected errors\n", bad_error );
    ok( !bad_buffer, "%u bad buffer results\n", bad_buffer );
    ok( !bad_create, "%u bad WinHttpCreateUrl results\n", bad_create );
}

static WCHAR empty[]    = L"";
static WCHAR ftp[]      = L"ftp";
static WCHAR http[]     = L"http";
static WCHAR https[]    = L"https";
static WCHAR winehq[]   = L"www.winehq.org";
static WCHAR username[] = L"username";
static WCHAR password[] = L"password";
static WCHAR about[]    = L"/site/about";
static WCHAR query[]    = L"?query";
static WCHAR escape[]   = L" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
static WCHAR escape2[]  = L"\r\x1f \n\x7f\r\n";
static WCHAR escape3[]  = L"?text=\xfb00";
static WCHAR escape4[]  = L"/text=\xfb00";

static const WCHAR url1[] = L"http://username:password@www.winehq.org/site/about?query";
static const WCHAR url2[] = L"http://username:@www.winehq.org/site/about?query";
static const WCHAR url3[] = L"http://www.winehq.org/site/about?query";
static const WCHAR url5[] = L"ftp://username:password@www.winehq.org:80/site/about?query";
static const WCHAR url6[] = L"http://username:password@www.winehq.org:42/site/about?query";
static const WCHAR url7[] = L"http://username:password@www.winehq.org/site/about%20!%22%23$%25&'()"
                             "*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D%7E";
static const WCHAR url8[] = L"http://username:password@www.winehq.org:0/site/about?query";
static const WCHAR url18[] = L"http://%0D%1F%20%0A%7F%0D%0A";
static const WCHAR url19[] = L"http://?text=\xfb00";
static const WCHAR url20[] = L"http:///text=\xfb00";
static const WCHAR url23[] = L"http://:@www.winehq.org/site/about?query";

static void fill_url_components( URL_COMPONENTS *uc )
{
    memset( uc, 0, sizeof(*uc) );
    uc->dwStructSize = sizeof(*uc);
    uc->lpszScheme = http;
    uc->dwSchemeLength = wlen( uc->lpszScheme );
    uc->nScheme = INTERNET_SCHEME_HTTP;
    uc->lpszHostName = winehq;
    uc->dwHostNameLength = wlen( uc->lpszHostName );
    uc->nPort = 80;
    uc->lpszUserName = username;
    uc->dwUserNameLength = wlen( uc->lpszUserName );
    uc->lpszPassword = password;
    uc->dwPasswordLength = wlen( uc->lpszPassword );
    uc->lpszUrlPath = about;
    uc->dwUrlPathLength = wlen( uc->lpszUrlPath );
    uc->lpszExtraInfo = query;
    uc->dwExtraInfoLength = wlen( uc->lpszExtraInfo );
}

/* builds the URL into a 256-character buffer; returns the result and the last error */
static BOOL create_url( URL_COMPONENTS *uc, DWORD flags, WCHAR *url, DWORD *len, DWORD *err )
{
    BOOL ret;

    url[0] = 0;
    *len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( uc, flags, url, len );
    *err = GetLastError();
    return ret;
}

static void test_create_params(void)
{
    URL_COMPONENTS uc;
    WCHAR url[256];
    DWORD len, err;
    BOOL ret;

    /* NULL components */
    len = ~0u;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( NULL, 0, NULL, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( len == ~0u, "got length %lu\n", len );

    /* zeroed components: no structure size */
    memset( &uc, 0, sizeof(uc) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, NULL, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( len == ~0u, "got length %lu\n", len );

    fill_url_components( &uc );
    uc.dwStructSize = sizeof(uc) + 1;
    len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );
    ok( len == 256, "got length %lu\n", len );

    fill_url_components( &uc );
    uc.dwStructSize = sizeof(uc) - 1;
    len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    /* NULL length */
    fill_url_components( &uc );
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, NULL, NULL );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, NULL );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "got %d %lu\n", ret, GetLastError() );

    /* NULL URL, no room: the length needed, with the NUL */
    len = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, NULL, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( len == 57, "got length %lu\n", len );

    /* NULL URL with room is an error, and the length stays */
    len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, NULL, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( len == 256, "got length %lu\n", len );

    /* a short buffer */
    len = 2;
    url[0] = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( len == 57, "got length %lu\n", len );
    ok( !url[0], "buffer written\n" );

    /* a buffer of exactly the size needed: the length returned is without the NUL */
    len = 57;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    err = GetLastError();
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( err == ERROR_SUCCESS, "got last error %lu\n", err );
    ok( len == 56, "got length %lu\n", len );
    ok( !lstrcmpW( url, url1 ), "got %s\n", dbgw( url, -1 ) );

    /* the length from a first call is enough for the second */
    len = 0;
    ret = WinHttpCreateUrl( &uc, ICU_ESCAPE, NULL, &len );
    ok( !ret && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "got %d %lu\n", ret, GetLastError() );
    ok( len == 57, "got length %lu\n", len );
    ret = WinHttpCreateUrl( &uc, ICU_ESCAPE, url, &len );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", GetLastError() );
    ok( len == 56, "got length %lu\n", len );

    /* a password without a user name */
    fill_url_components( &uc );
    uc.lpszUserName = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    /* a scheme number that is neither http nor https, and no scheme name */
    fill_url_components( &uc );
    uc.lpszScheme = NULL;
    uc.dwSchemeLength = 0;
    uc.nScheme = INTERNET_SCHEME_FTP;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    fill_url_components( &uc );
    uc.lpszScheme = NULL;
    uc.nScheme = 0x7fffffff;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    /* user info is rejected with ICU_REJECT_USERPWD */
    fill_url_components( &uc );
    ret = create_url( &uc, ICU_REJECT_USERPWD, url, &len, &err );
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_WINHTTP_INVALID_URL, "got %lu\n", err );

    fill_url_components( &uc );
    uc.lpszPassword = NULL;
    ret = create_url( &uc, ICU_REJECT_USERPWD, url, &len, &err );
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_WINHTTP_INVALID_URL, "got %lu\n", err );

    fill_url_components( &uc );
    uc.lpszUserName = NULL;
    uc.lpszPassword = NULL;
    ret = create_url( &uc, ICU_REJECT_USERPWD, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, url3 ), "got %s\n", dbgw( url, -1 ) );
}

static void test_create_url(void)
{
    URL_COMPONENTS uc;
    WCHAR url[256];
    DWORD len, err;
    BOOL ret;

    /* no scheme name: the scheme number */
    fill_url_components( &uc );
    uc.lpszScheme = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( err == ERROR_SUCCESS, "got last error %lu\n", err );
    ok( len == 56, "got length %lu\n", len );
    ok( !lstrcmpW( url, url1 ), "got %s\n", dbgw( url, -1 ) );

    /* scheme number 0 with a scheme name */
    fill_url_components( &uc );
    uc.nScheme = 0;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 56, "got length %lu\n", len );
    ok( !lstrcmpW( url, url1 ), "got %s\n", dbgw( url, -1 ) );

    /* a user name without a password */
    fill_url_components( &uc );
    uc.lpszPassword = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"http://username@www.winehq.org/site/about?query" ), "got %s\n", dbgw( url, -1 ) );
    ok( len == 47, "got length %lu\n", len );

    /* an empty password */
    fill_url_components( &uc );
    uc.lpszPassword = empty;
    uc.dwPasswordLength = 0;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 48, "got length %lu\n", len );
    ok( !lstrcmpW( url, url2 ), "got %s\n", dbgw( url, -1 ) );

    /* an empty user name with a password */
    fill_url_components( &uc );
    uc.lpszUserName = empty;
    uc.dwUserNameLength = 0;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"http://:password@www.winehq.org/site/about?query" ), "got %s\n", dbgw( url, -1 ) );

    /* no user info */
    fill_url_components( &uc );
    uc.lpszUserName = NULL;
    uc.lpszPassword = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 38, "got length %lu\n", len );
    ok( !lstrcmpW( url, url3 ), "got %s\n", dbgw( url, -1 ) );

    /* empty user name and password */
    fill_url_components( &uc );
    uc.lpszUserName = empty;
    uc.dwUserNameLength = 0;
    uc.lpszPassword = empty;
    uc.dwPasswordLength = 0;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 40, "got length %lu\n", len );
    ok( !lstrcmpW( url, url23 ), "got %s\n", dbgw( url, -1 ) );

    /* the scheme name wins over the scheme number, and 80 is not ftp's default port */
    fill_url_components( &uc );
    uc.lpszScheme = ftp;
    uc.dwSchemeLength = wlen( ftp );
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == wlen( url5 ), "got length %lu\n", len );
    ok( !lstrcmpW( url, url5 ), "got %s\n", dbgw( url, -1 ) );

    /* a port other than the default */
    fill_url_components( &uc );
    uc.nPort = 42;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 59, "got length %lu\n", len );
    ok( !lstrcmpW( url, url6 ), "got %s\n", dbgw( url, -1 ) );

    /* no scheme at all: http, and port 0 is written */
    fill_url_components( &uc );
    uc.lpszScheme = NULL;
    uc.dwSchemeLength = 0;
    uc.nScheme = 0;
    uc.nPort = 0;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 58, "got length %lu\n", len );
    ok( !lstrcmpW( url, url8 ), "got %s\n", dbgw( url, -1 ) );

    /* https and its default port */
    fill_url_components( &uc );
    uc.lpszScheme = NULL;
    uc.nScheme = INTERNET_SCHEME_HTTPS;
    uc.nPort = 443;
    uc.lpszUserName = uc.lpszPassword = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"https://www.winehq.org/site/about?query" ), "got %s\n", dbgw( url, -1 ) );
    ok( len == 39, "got length %lu\n", len );

    uc.nPort = 80;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"https://www.winehq.org:80/site/about?query" ), "got %s\n", dbgw( url, -1 ) );

    uc.lpszScheme = https;
    uc.dwSchemeLength = 0;
    uc.nScheme = INTERNET_SCHEME_HTTP;
    uc.nPort = 443;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"https://www.winehq.org/site/about?query" ), "got %s\n", dbgw( url, -1 ) );

    /* a path without a leading slash gets one after the host */
    fill_url_components( &uc );
    uc.lpszUserName = uc.lpszPassword = NULL;
    uc.lpszUrlPath = (WCHAR *)L"index.html";
    uc.dwUrlPathLength = 0;
    uc.lpszExtraInfo = NULL;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"http://www.winehq.org/index.html" ), "got %s\n", dbgw( url, -1 ) );

    /* lengths count: only that many characters are taken */
    fill_url_components( &uc );
    uc.lpszUserName = uc.lpszPassword = NULL;
    uc.dwHostNameLength = 3;
    uc.dwUrlPathLength = 5;
    uc.dwExtraInfoLength = 2;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"http://www/site?q" ), "got %s\n", dbgw( url, -1 ) );
    ok( len == 17, "got length %lu\n", len );

    /* escaping the extra info */
    fill_url_components( &uc );
    uc.lpszExtraInfo = escape;
    uc.dwExtraInfoLength = wlen( escape );
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 113, "got length %lu\n", len );
    ok( !lstrcmpW( url, url7 ), "got %s\n", dbgw( url, -1 ) );

    /* the same without ICU_ESCAPE */
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 56 - 6 + wlen( escape ), "got length %lu\n", len );

    /* control characters; no host name still gives "//" */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszExtraInfo = escape2;
    uc.dwExtraInfoLength = wlen( escape2 );
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == wlen( url18 ), "got length %lu\n", len );
    ok( !lstrcmpW( url, url18 ), "got %s\n", dbgw( url, -1 ) );

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszUrlPath = escape2;
    uc.dwUrlPathLength = wlen( escape2 );
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == wlen( url18 ), "got length %lu\n", len );
    ok( !lstrcmpW( url, url18 ), "got %s\n", dbgw( url, -1 ) );

    /* characters beyond U+00FF: not escaped unless the code page is UTF-8 */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszExtraInfo = escape3;
    uc.dwExtraInfoLength = wlen( escape3 );
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( !ret || is_utf8_acp(), "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER || (!err && is_utf8_acp()), "got %lu\n", err );

    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == wlen( url19 ), "got length %lu\n", len );
    ok( !lstrcmpW( url, url19 ), "got %s\n", dbgw( url, -1 ) );

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszUrlPath = escape4;
    uc.dwUrlPathLength = wlen( escape4 );
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( !ret || is_utf8_acp(), "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER || (!err && is_utf8_acp()), "got %lu\n", err );

    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == wlen( url20 ), "got length %lu\n", len );
    ok( !lstrcmpW( url, url20 ), "got %s\n", dbgw( url, -1 ) );

    /* the host and the user info are never escaped */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = (WCHAR *)L"a b";
    uc.nPort = 80;
    uc.lpszUserName = (WCHAR *)L"u v";
    uc.lpszUrlPath = (WCHAR *)L"/c d";
    ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"http://u v@a b/c%20d" ), "got %s\n", dbgw( url, -1 ) );
}

/* hostile component lengths: a clear error, not a crash or a read of what the lengths do not cover */
static void test_create_hostile(void)
{
    URL_COMPONENTS uc;
    WCHAR url[256];
    DWORD len, err;
    BOOL ret;

    /* a huge host length is only counted */
    fill_url_components( &uc );
    uc.dwHostNameLength = 0x7fffffff;
    len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );
    ok( len == 0x7fffffffu + 43, "got length %#lx\n", len );

    /* lengths that do not fit in a DWORD together */
    fill_url_components( &uc );
    uc.dwHostNameLength = ~0u;
    uc.dwUserNameLength = ~0u;
    len = 256;
    SetLastError( 0xdeadbeef );
    ret = WinHttpCreateUrl( &uc, 0, url, &len );
    err = GetLastError();
    ok( !ret, "WinHttpCreateUrl succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER || err == ERROR_INSUFFICIENT_BUFFER, "got %lu\n", err );

    /* a NUL inside a counted component is copied like any other character */
    fill_url_components( &uc );
    uc.lpszUserName = uc.lpszPassword = NULL;
    uc.lpszExtraInfo = (WCHAR *)L"?a\0b";
    uc.dwExtraInfoLength = 4;
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( len == 36, "got length %lu\n", len );
    ok( !memcmp( url + 32, L"?a\0b", 5 * sizeof(WCHAR) ), "got %s\n", dbgw( url, len ) );

    /* garbage in every component is copied as it is */
    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszScheme = (WCHAR *)L"x:/@";
    uc.lpszUserName = (WCHAR *)L"@@:";
    uc.lpszPassword = (WCHAR *)L"::";
    uc.lpszHostName = (WCHAR *)L"[]/?#";
    uc.nPort = 65535;
    uc.lpszUrlPath = (WCHAR *)L"?";
    uc.lpszExtraInfo = (WCHAR *)L"#";
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"x:/@://@@::::@[]/?#:65535/?#" ), "got %s\n", dbgw( url, -1 ) );

    /* components ending where readable memory ends, with explicit lengths */
    {
        SYSTEM_INFO si;
        DWORD old;
        char *mem;
        WCHAR *end;

        GetSystemInfo( &si );
        mem = VirtualAlloc( NULL, si.dwPageSize * 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE );
        ok( mem != NULL, "VirtualAlloc failed\n" );
        if (!mem) return;
        VirtualProtect( mem + si.dwPageSize, si.dwPageSize, PAGE_NOACCESS, &old );
        end = (WCHAR *)(mem + si.dwPageSize);
        memcpy( end - 4, L"a b~", 4 * sizeof(WCHAR) );

        memset( &uc, 0, sizeof(uc) );
        uc.dwStructSize = sizeof(uc);
        uc.lpszHostName = end - 4;
        uc.dwHostNameLength = 4;
        uc.nPort = 80;
        uc.lpszUrlPath = end - 4;
        uc.dwUrlPathLength = 4;
        uc.lpszExtraInfo = end - 4;
        uc.dwExtraInfoLength = 4;
        ret = create_url( &uc, ICU_ESCAPE, url, &len, &err );
        ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
        ok( !lstrcmpW( url, L"http://a b~/a%20b%7Ea%20b%7E" ), "got %s\n", dbgw( url, -1 ) );
        VirtualFree( mem, 0, MEM_RELEASE );
    }
}

/* what WinHttpCrackUrl takes apart, WinHttpCreateUrl puts back together */
static void test_round_trip(void)
{
    static const WCHAR *urls[] =
    {
        L"http://username:password@www.winehq.org/site/about?query",
        L"https://www.winehq.org:8443/a/b/c?x=1&y=2#frag",
        L"http://www.winehq.org/",
        L"http://user@host:81/p",
        L"https://[::1]:8443/x",
        L"http://host/p#only-fragment",
    };
    URL_COMPONENTS uc;
    WCHAR url[256];
    unsigned int i;
    DWORD len, err;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(urls); i++)
    {
        init_pointers( &uc );
        ret = WinHttpCrackUrl( urls[i], 0, 0, &uc );
        ok( ret, "%u: WinHttpCrackUrl failed: %lu\n", i, GetLastError() );
        ret = create_url( &uc, 0, url, &len, &err );
        ok( ret, "%u: WinHttpCreateUrl failed: %lu\n", i, err );
        ok( !lstrcmpW( url, urls[i] ), "%u: got %s\n", i, dbgw( url, -1 ) );
        ok( len == wlen( urls[i] ), "%u: got length %lu\n", i, len );
    }

    /* a default port given explicitly is dropped */
    init_pointers( &uc );
    ret = WinHttpCrackUrl( L"https://host:443/p", 0, 0, &uc );
    ok( ret, "WinHttpCrackUrl failed: %lu\n", GetLastError() );
    ret = create_url( &uc, 0, url, &len, &err );
    ok( ret, "WinHttpCreateUrl failed: %lu\n", err );
    ok( !lstrcmpW( url, L"https://host/p" ), "got %s\n", dbgw( url, -1 ) );
}

/* one call of the thread test, and what it gave */
struct thread_case
{
    const WCHAR *url;
    DWORD        flags;
    int          mode;   /* 0: pointers, 1: buffers, 2: crack with pointers then create */
};

struct thread_result
{
    BOOL  ret;
    DWORD error;
    int   scheme;
    WORD  port;
    DWORD lengths[6];
    INT_PTR offsets[6];
    DWORD hash;
};

static const struct thread_case thread_cases[] =
{
    { L"http://username:password@www.winehq.org/site/about?query", 0, 0 },
    { L"http://username:password@www.winehq.org/site/about?query", 0, 1 },
    { L"http://username:password@www.winehq.org/site/about?query", 0, 2 },
    { L"http://username:password@www.winehq.org/site/about%20!%22%23$%25&'()*+,-./:;%3C=%3E?@%5B%5C%5D%5E_%60%7B%7C%7D%7E",
      ICU_DECODE, 1 },
    { L"http://winehq.o g/path with spaces?a b", ICU_ESCAPE, 1 },
    { L"https://[::1]:8443/x?y#z", 0, 0 },
    { L"https://[::1]:8443/x?y#z", 0, 2 },
    { L"http://winehq.org:65536", 0, 0 },
    { L"ftp://host/", 0, 0 },
    { L"http:/host", 0, 0 },
    { L"http://user@host/", ICU_REJECT_USERPWD, 0 },
    { L"http://host:0/", 0, 1 },
    { L"HTTPS://HOST/P#F", 0, 2 },
    { L"http://host/\x00e9\x4e2d", ICU_ESCAPE, 1 },
    { L"http://host/a%41%4", ICU_DECODE, 1 },
    { L"http://h/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 2 },
};

static DWORD hash_text( DWORD hash, const WCHAR *str, DWORD len )
{
    DWORD i;

    for (i = 0; i < len; i++) hash = (hash ^ str[i]) * 16777619;
    return hash;
}

static void run_thread_case( const struct thread_case *c, struct thread_result *r )
{
    struct url_buffers b;
    URL_COMPONENTS uc;
    WCHAR **ptrs[6];
    DWORD *lens[6];
    unsigned int i;

    memset( r, 0, sizeof(*r) );
    if (c->mode == 1) init_buffers( &uc, &b );
    else init_pointers( &uc );

    SetLastError( 0xdeadbeef );
    r->ret = WinHttpCrackUrl( c->url, 0, c->flags, &uc );
    r->error = GetLastError();
    r->scheme = uc.nScheme;
    r->port = uc.nPort;

    ptrs[0] = &uc.lpszScheme;    lens[0] = &uc.dwSchemeLength;
    ptrs[1] = &uc.lpszUserName;  lens[1] = &uc.dwUserNameLength;
    ptrs[2] = &uc.lpszPassword;  lens[2] = &uc.dwPasswordLength;
    ptrs[3] = &uc.lpszHostName;  lens[3] = &uc.dwHostNameLength;
    ptrs[4] = &uc.lpszUrlPath;   lens[4] = &uc.dwUrlPathLength;
    ptrs[5] = &uc.lpszExtraInfo; lens[5] = &uc.dwExtraInfoLength;
    r->hash = 2166136261u;
    for (i = 0; i < 6; i++)
    {
        r->lengths[i] = *lens[i];
        if (c->mode == 1)
        {
            if (r->ret) r->hash = hash_text( r->hash, *ptrs[i], *lens[i] + 1 );
        }
        else r->offsets[i] = *ptrs[i] ? *ptrs[i] - c->url : -1;
    }

    if (c->mode == 2 && r->ret)
    {
        WCHAR url[256];
        DWORD len = ARRAY_SIZE(url);

        SetLastError( 0xdeadbeef );
        r->ret = WinHttpCreateUrl( &uc, ICU_ESCAPE, url, &len );
        r->error = GetLastError();
        r->lengths[0] = len;
        if (r->ret) r->hash = hash_text( r->hash, url, len + 1 );
    }
}

#define THREAD_COUNT 8
#define THREAD_ROUNDS 200

struct thread_data
{
    const struct thread_result *expect;
    LONG *start;
    unsigned int mismatches;
    unsigned int first_case;
};

static DWORD WINAPI crack_thread( void *arg )
{
    struct thread_data *data = arg;
    struct thread_result r;
    unsigned int round, i;

    while (!*(volatile LONG *)data->start) SwitchToThread();
    for (round = 0; round < THREAD_ROUNDS; round++)
    {
        for (i = 0; i < ARRAY_SIZE(thread_cases); i++)
        {
            run_thread_case( &thread_cases[i], &r );
            if (memcmp( &r, &data->expect[i], sizeof(r) ))
            {
                if (!data->mismatches++) data->first_case = i;
            }
        }
    }
    return 0;
}

static void test_threads(void)
{
    struct thread_result expect[ARRAY_SIZE(thread_cases)];
    struct thread_data data[THREAD_COUNT];
    HANDLE threads[THREAD_COUNT];
    LONG start = 0;
    unsigned int i;
    DWORD ret;

    /* the answers of one thread alone */
    for (i = 0; i < ARRAY_SIZE(thread_cases); i++) run_thread_case( &thread_cases[i], &expect[i] );
    ok( expect[0].ret && expect[0].port == 80, "single-threaded crack failed\n" );
    ok( expect[3].ret && expect[3].lengths[4] == 32, "single-threaded decode failed\n" );
    ok( expect[2].ret && expect[2].lengths[0] == 56, "single-threaded create failed\n" );
    ok( !expect[7].ret && expect[7].error == ERROR_WINHTTP_INVALID_URL, "single-threaded bad port: %lu\n",
        expect[7].error );

    for (i = 0; i < THREAD_COUNT; i++)
    {
        data[i].expect = expect;
        data[i].start = &start;
        data[i].mismatches = 0;
        data[i].first_case = 0;
        threads[i] = CreateThread( NULL, 0, crack_thread, &data[i], 0, NULL );
        ok( threads[i] != NULL, "CreateThread failed: %lu\n", GetLastError() );
    }
    InterlockedExchange( &start, 1 );
    ret = WaitForMultipleObjects( THREAD_COUNT, threads, TRUE, 60000 );
    ok( ret == WAIT_OBJECT_0, "threads did not finish: %lu\n", ret );
    for (i = 0; i < THREAD_COUNT; i++)
    {
        ok( !data[i].mismatches, "thread %u: %u results differ from one thread's, first in case %u\n",
            i, data[i].mismatches, data[i].first_case );
        CloseHandle( threads[i] );
    }
}

START_TEST(url)
{
    test_crack_params();
    test_crack_cases();
    test_crack_offsets();
    test_crack_buffers();
    test_crack_flags();
    test_crack_length();
    test_crack_hostile();
    test_create_params();
    test_create_url();
    test_create_hostile();
    test_round_trip();
    test_threads();
}
