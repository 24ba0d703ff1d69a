/*
 * Unit test of the cookie jar (dlls/winhttp/cookies.c), built into the test
 * itself so that the Set-Cookie parser and the jar's limits can be reached.
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

#include "../../dlls/winhttp/cookies.c"

#include <stdio.h>

#define STANDALONE
#include "wine/test.h"

/* a printable copy of a wide string, valid for a few calls */
static const char *dbgstr( const WCHAR *str, size_t len )
{
    static char buffers[4][256];
    static unsigned int next;
    char *buf = buffers[next++ % ARRAY_SIZE(buffers)];
    size_t i, j = 0;

    if (!str) return "(null)";
    buf[j++] = '"';
    for (i = 0; i < len && j < sizeof(buffers[0]) - 8; i++)
    {
        if (str[i] >= 0x20 && str[i] < 0x7f) buf[j++] = str[i];
        else j += sprintf( buf + j, "\\x%02x", (unsigned int)str[i] & 0xffff );
    }
    if (i < len) buf[j++] = '.', buf[j++] = '.', buf[j++] = '.';
    buf[j++] = '"';
    buf[j] = 0;
    return buf;
}

static const char *dbgw( const WCHAR *str )
{
    return dbgstr( str, str ? wcslen( str ) : 0 );
}

static BOOL equal_n( const WCHAR *str, size_t len, const WCHAR *expect )
{
    if (!str || !expect) return !str && !expect;
    return len == wcslen( expect ) && !memcmp( str, expect, len * sizeof(WCHAR) );
}

#define check_header(a, b, c, d, e) check_header_( __LINE__, a, b, c, d, e )
static void check_header_( int line, struct cookie_jar *jar, const WCHAR *host, const WCHAR *path,
                           BOOL secure, const WCHAR *expect )
{
    WCHAR *header = cookie_jar_header( jar, host, path, secure );

    ok_( __FILE__, line )( equal_n( header, header ? wcslen( header ) : 0, expect ),
                           "%s %s%s: got %s, expected %s\n", dbgw( host ), dbgw( path ),
                           secure ? " (https)" : "", dbgw( header ), dbgw( expect ) );
    free( header );
}

static void test_parser(void)
{
    static const WCHAR *const rejected[] =
    {
        L"", L";", L"=", L"=b", L" = b", L"noequals", L"noequals; a=b", L";a=b", L"a\x01=b",
        L"a=b\x7f", L"a=b\rc", L"a=b\nc", L"a\x1f=b; Path=/",
    };
    struct set_cookie c;
    WCHAR *big;
    unsigned int i;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(rejected); i++)
        ok( !parse_set_cookie( rejected[i], &c ), "%s accepted\n", dbgw( rejected[i] ) );

    ret = parse_set_cookie( L"a=b", &c );
    ok( ret, "rejected\n" );
    ok( equal_n( c.name, c.name_len, L"a" ), "name %s\n", dbgstr( c.name, c.name_len ) );
    ok( equal_n( c.value, c.value_len, L"b" ), "value %s\n", dbgstr( c.value, c.value_len ) );
    ok( !c.domain && !c.path && !c.has_max_age && !c.has_expires && !c.secure && !c.http_only,
        "attributes set\n" );

    /* white space around name and value goes, inside stays; '=' after the first is the value's */
    ret = parse_set_cookie( L" \tmy name \t=  b c=d \t; Path=/x", &c );
    ok( ret, "rejected\n" );
    ok( equal_n( c.name, c.name_len, L"my name" ), "name %s\n", dbgstr( c.name, c.name_len ) );
    ok( equal_n( c.value, c.value_len, L"b c=d" ), "value %s\n", dbgstr( c.value, c.value_len ) );
    ok( equal_n( c.path, c.path_len, L"/x" ), "path %s\n", dbgstr( c.path, c.path_len ) );

    ret = parse_set_cookie( L"a=", &c );
    ok( ret && !c.value_len, "empty value: %d %s\n", ret, dbgstr( c.value, c.value_len ) );
    ret = parse_set_cookie( L"a=\"quoted value\"", &c );
    ok( ret && equal_n( c.value, c.value_len, L"\"quoted value\"" ), "quotes: %s\n", dbgstr( c.value, c.value_len ) );
    ret = parse_set_cookie( L"a=b\tc", &c );
    ok( ret, "a tab inside the value is allowed\n" );

    /* attribute names in any case, with or without values and white space */
    ret = parse_set_cookie( L"a=b;secure;  HTTPONLY ;PATH = /p ; dOmAiN = .Example.COM;max-age= 60", &c );
    ok( ret, "rejected\n" );
    ok( c.secure && c.http_only, "flags %d %d\n", c.secure, c.http_only );
    ok( equal_n( c.path, c.path_len, L"/p" ), "path %s\n", dbgstr( c.path, c.path_len ) );
    ok( equal_n( c.domain, c.domain_len, L"Example.COM" ), "domain %s\n", dbgstr( c.domain, c.domain_len ) );
    ok( c.has_max_age && c.max_age == 60, "max-age %d %d\n", c.has_max_age, (int)c.max_age );
    ret = parse_set_cookie( L"a=b; Securex; HttpOnly=no; Unknown=1; =x; ;", &c );
    ok( ret && !c.secure && c.http_only, "flags %d %d %d\n", ret, c.secure, c.http_only );

    /* Max-Age: an optional minus and digits, or ignored; the last valid one counts */
    ret = parse_set_cookie( L"a=b; Max-Age=-5", &c );
    ok( ret && c.has_max_age && c.max_age == -5, "got %d %d\n", c.has_max_age, (int)c.max_age );
    ret = parse_set_cookie( L"a=b; Max-Age=0", &c );
    ok( ret && c.has_max_age && !c.max_age, "got %d %d\n", c.has_max_age, (int)c.max_age );
    for (i = 0; i < 6; i++)
    {
        static const WCHAR *const bad[] =
        {
            L"a=b; Max-Age=", L"a=b; Max-Age=-", L"a=b; Max-Age=+5", L"a=b; Max-Age=5s",
            L"a=b; Max-Age=1 2", L"a=b; Max-Age=0x10",
        };
        ret = parse_set_cookie( bad[i], &c );
        ok( ret && !c.has_max_age, "%s: got %d %d\n", dbgw( bad[i] ), ret, c.has_max_age );
    }
    ret = parse_set_cookie( L"a=b; Max-Age=10; Max-Age=x; Max-Age=20; Max-Age=", &c );
    ok( ret && c.has_max_age && c.max_age == 20, "got %d %d\n", c.has_max_age, (int)c.max_age );
    ret = parse_set_cookie( L"a=b; Max-Age=99999999999999999999999999999999", &c );
    ok( ret && c.has_max_age && c.max_age == MAX_AGE_LIMIT, "huge: %d %s\n", c.has_max_age,
        wine_dbgstr_longlong( c.max_age ) );
    ret = parse_set_cookie( L"a=b; Max-Age=-99999999999999999999999999999999", &c );
    ok( ret && c.has_max_age && c.max_age == -MAX_AGE_LIMIT, "huge negative: %d\n", c.has_max_age );

    /* Expires: a date parse_http_time reads, or ignored */
    ret = parse_set_cookie( L"a=b; Expires=Wed, 09 Jun 2021 10:18:14 GMT", &c );
    ok( ret && c.has_expires, "got %d %d\n", ret, c.has_expires );
    ok( c.expires.wYear == 2021 && c.expires.wMonth == 6 && c.expires.wDay == 9 && c.expires.wHour == 10 &&
        c.expires.wMinute == 18 && c.expires.wSecond == 14, "got %u-%u-%u %u:%u:%u\n", c.expires.wYear,
        c.expires.wMonth, c.expires.wDay, c.expires.wHour, c.expires.wMinute, c.expires.wSecond );
    ret = parse_set_cookie( L"a=b; expires=Sunday, 06-Nov-94 08:49:37 GMT", &c );
    ok( ret && c.has_expires && c.expires.wYear == 1994, "RFC 850 date: %d %u\n", c.has_expires, c.expires.wYear );
    ret = parse_set_cookie( L"a=b; Expires=never", &c );
    ok( ret && !c.has_expires, "got %d %d\n", ret, c.has_expires );
    ret = parse_set_cookie( L"a=b; Expires=", &c );
    ok( ret && !c.has_expires, "got %d %d\n", ret, c.has_expires );
    ret = parse_set_cookie( L"a=b; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Expires=bad", &c );
    ok( ret && c.has_expires && c.expires.wYear == 2021, "an unreadable date is ignored: %d\n", c.has_expires );

    /* Domain: an empty value is ignored, one leading dot goes; the last one counts */
    ret = parse_set_cookie( L"a=b; Domain=example.com; Domain=", &c );
    ok( ret && equal_n( c.domain, c.domain_len, L"example.com" ), "domain %s\n", dbgstr( c.domain, c.domain_len ) );
    ret = parse_set_cookie( L"a=b; Domain=..example.com", &c );
    ok( ret && equal_n( c.domain, c.domain_len, L".example.com" ), "domain %s\n", dbgstr( c.domain, c.domain_len ) );
    ret = parse_set_cookie( L"a=b; Domain=example.com; Domain=.", &c );
    ok( ret && c.domain && !c.domain_len, "domain %s\n", dbgstr( c.domain, c.domain_len ) );

    /* Path: a value that is not absolute means the default path, even after a good one */
    ret = parse_set_cookie( L"a=b; Path=foo", &c );
    ok( ret && !c.path, "path %s\n", dbgstr( c.path, c.path_len ) );
    ret = parse_set_cookie( L"a=b; Path=/x; Path=", &c );
    ok( ret && !c.path, "path %s\n", dbgstr( c.path, c.path_len ) );
    ret = parse_set_cookie( L"a=b; Path=x; Path=/y", &c );
    ok( ret && equal_n( c.path, c.path_len, L"/y" ), "path %s\n", dbgstr( c.path, c.path_len ) );

    /* sizes: 4096 characters of name and value, 1024 for an attribute value */
    big = malloc( 6000 * sizeof(WCHAR) );
    big[0] = 'n';
    big[1] = '=';
    for (i = 2; i < 4097; i++) big[i] = 'v';
    big[4097] = 0;
    ok( parse_set_cookie( big, &c ), "4096 characters rejected\n" );
    big[4097] = 'v';
    big[4098] = 0;
    ok( !parse_set_cookie( big, &c ), "4097 characters accepted\n" );

    wcscpy( big, L"a=b; Path=/" );
    for (i = 11; i < 10 + 1024; i++) big[i] = 'p';
    big[i] = 0;
    ret = parse_set_cookie( big, &c );
    ok( ret && c.path && c.path_len == 1024, "1024 characters of path: %d %u\n", ret, (unsigned int)c.path_len );
    big[i++] = 'p';
    big[i] = 0;
    ret = parse_set_cookie( big, &c );
    ok( ret && !c.path, "1025 characters of path kept\n" );
    free( big );
}

static void test_host_and_domain(void)
{
    struct cookie_jar *jar = cookie_jar_create();

    ok( jar != NULL, "no jar\n" );

    /* RFC 6265 3.1: a host-only cookie */
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"SID=31d4d96e407aad42" );
    check_header( jar, L"www.example.com", L"/", FALSE, L"SID=31d4d96e407aad42" );
    check_header( jar, L"www.example.com", L"/any/path?q=1", TRUE, L"SID=31d4d96e407aad42" );
    check_header( jar, L"WWW.Example.COM", L"/", FALSE, L"SID=31d4d96e407aad42" );
    check_header( jar, L"example.com", L"/", FALSE, NULL );
    check_header( jar, L"sub.www.example.com", L"/", FALSE, NULL );
    check_header( jar, L"www.example.org", L"/", FALSE, NULL );
    cookie_jar_free( jar );

    /* a Domain cookie goes to the domain and every host under it */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"SID=31d4d96e407aad42; Path=/; Domain=example.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"lang=en-US; Path=/; Domain=.EXAMPLE.com" );
    check_header( jar, L"example.com", L"/", FALSE, L"SID=31d4d96e407aad42; lang=en-US" );
    check_header( jar, L"www.example.com", L"/", FALSE, L"SID=31d4d96e407aad42; lang=en-US" );
    check_header( jar, L"a.b.example.com", L"/x", FALSE, L"SID=31d4d96e407aad42; lang=en-US" );
    check_header( jar, L"notexample.com", L"/", FALSE, NULL );
    check_header( jar, L"example.com.evil.org", L"/", FALSE, NULL );
    check_header( jar, L"com", L"/", FALSE, NULL );

    /* RFC 6265 3.1: expiring "lang" removes it */
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE,
                      L"lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Domain=example.com" );
    check_header( jar, L"www.example.com", L"/", FALSE, L"SID=31d4d96e407aad42" );
    cookie_jar_free( jar );

    /* domains that do not domain-match the host are refused */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"a=1; Domain=other.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"b=1; Domain=ample.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"c=1; Domain=sub.www.example.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"d=1; Domain=www.example.com.evil" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"e=1; Domain=com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"f=1; Domain=.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"g=1; Domain=..example.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"h=1; Domain=example.com." );
    ok( !jar->count, "%u cookies stored\n", jar->count );
    check_header( jar, L"www.example.com", L"/", FALSE, NULL );
    check_header( jar, L"other.com", L"/", FALSE, NULL );
    check_header( jar, L"com", L"/", FALSE, NULL );

    /* Domain equal to the host makes a domain cookie; "Domain=." a host-only one */
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"a=1; Domain=www.example.com" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"b=2; Domain=." );
    check_header( jar, L"www.example.com", L"/", FALSE, L"a=1; b=2" );
    check_header( jar, L"x.www.example.com", L"/", FALSE, L"a=1" );
    cookie_jar_free( jar );

    /* a single label is taken for a public suffix: good only for a host of that name */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"localhost", L"/", FALSE, L"a=1; Domain=localhost" );
    cookie_jar_store( jar, L"localhost", L"/", FALSE, L"b=2" );
    check_header( jar, L"localhost", L"/", FALSE, L"a=1; b=2" );
    check_header( jar, L"x.localhost", L"/", FALSE, NULL );
    cookie_jar_free( jar );

    /* IP addresses match only themselves */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"192.168.0.1", L"/", FALSE, L"a=1; Domain=168.0.1" );
    cookie_jar_store( jar, L"192.168.0.1", L"/", FALSE, L"b=1; Domain=0.1" );
    ok( !jar->count, "%u cookies stored\n", jar->count );
    cookie_jar_store( jar, L"192.168.0.1", L"/", FALSE, L"c=1; Domain=192.168.0.1" );
    cookie_jar_store( jar, L"192.168.0.1", L"/", FALSE, L"d=1" );
    check_header( jar, L"192.168.0.1", L"/", FALSE, L"c=1; d=1" );
    check_header( jar, L"10.192.168.0.1", L"/", FALSE, NULL );
    check_header( jar, L"192.168.0.10", L"/", FALSE, NULL );
    cookie_jar_store( jar, L"::1", L"/", FALSE, L"e=1; Domain=1" );
    cookie_jar_store( jar, L"[::1]", L"/", FALSE, L"f=1" );
    check_header( jar, L"[::1]", L"/", FALSE, L"f=1" );
    check_header( jar, L"::1", L"/", FALSE, NULL );
    cookie_jar_free( jar );
}

static void test_path(void)
{
    struct cookie_jar *jar = cookie_jar_create();

    /* the default path is the request's directory, without query or fragment */
    cookie_jar_store( jar, L"h.com", L"/docs/web/index.html?x=/a/b/c", FALSE, L"d=1" );
    ok( jar->count == 1 && !wcscmp( jar->cookies[0]->path, L"/docs/web" ), "path %s\n",
        jar->count ? dbgw( jar->cookies[0]->path ) : "none" );
    check_header( jar, L"h.com", L"/docs/web", FALSE, L"d=1" );
    check_header( jar, L"h.com", L"/docs/web/", FALSE, L"d=1" );
    check_header( jar, L"h.com", L"/docs/web/deeper/x.html", FALSE, L"d=1" );
    check_header( jar, L"h.com", L"/docs/web?q", FALSE, L"d=1" );
    check_header( jar, L"h.com", L"/docs/web#frag", FALSE, L"d=1" );
    check_header( jar, L"h.com", L"/docs/webx", FALSE, NULL );
    check_header( jar, L"h.com", L"/docs", FALSE, NULL );
    check_header( jar, L"h.com", L"/Docs/web", FALSE, NULL );
    check_header( jar, L"h.com", L"/", FALSE, NULL );
    cookie_jar_free( jar );

    jar = cookie_jar_create();
    cookie_jar_store( jar, L"h.com", L"/index.html", FALSE, L"a=1" );
    cookie_jar_store( jar, L"h.com", L"/x/", FALSE, L"b=1" );
    cookie_jar_store( jar, L"h.com", L"", FALSE, L"c=1" );
    cookie_jar_store( jar, L"h.com", NULL, FALSE, L"d=1" );
    cookie_jar_store( jar, L"h.com", L"*", FALSE, L"e=1" );
    cookie_jar_store( jar, L"h.com", L"/?a/b", FALSE, L"f=1" );
    check_header( jar, L"h.com", L"/", FALSE, L"a=1; c=1; d=1; e=1; f=1" );
    check_header( jar, L"h.com", L"/x", FALSE, L"b=1; a=1; c=1; d=1; e=1; f=1" );
    check_header( jar, L"h.com", L"", FALSE, L"a=1; c=1; d=1; e=1; f=1" );
    check_header( jar, L"h.com", NULL, FALSE, L"a=1; c=1; d=1; e=1; f=1" );
    cookie_jar_free( jar );

    /* a Path ending in a slash matches below it only */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"s=1; Path=/docs/" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"t=1; Path=/docs" );
    cookie_jar_store( jar, L"h.com", L"/a/b/c", FALSE, L"u=1; Path=relative" );
    check_header( jar, L"h.com", L"/docs/", FALSE, L"s=1; t=1" );
    check_header( jar, L"h.com", L"/docs/x", FALSE, L"s=1; t=1" );
    check_header( jar, L"h.com", L"/docs", FALSE, L"t=1" );
    check_header( jar, L"h.com", L"/docsx", FALSE, NULL );
    check_header( jar, L"h.com", L"/a/b/", FALSE, L"u=1" );
    cookie_jar_free( jar );
}

static void test_order_and_replace(void)
{
    struct cookie_jar *jar = cookie_jar_create();

    /* longer paths first, then the earlier created */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c1=1; Path=/" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c3=1; Path=/a/b" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c2=1; Path=/a" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c4=1; Path=/b" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c0=1; Path=/" );
    check_header( jar, L"h.com", L"/a/b/c", FALSE, L"c3=1; c2=1; c1=1; c0=1" );
    check_header( jar, L"h.com", L"/b", FALSE, L"c4=1; c1=1; c0=1" );

    /* same name, domain and path: replaced, keeping its place */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c1=2; Path=/" );
    check_header( jar, L"h.com", L"/", FALSE, L"c1=2; c0=1" );
    ok( jar->count == 5, "%u cookies\n", jar->count );

    /* a different path or the name in another case is another cookie */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c1=3; Path=/b" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"C1=4; Path=/" );
    check_header( jar, L"h.com", L"/b", FALSE, L"c4=1; c1=3; c1=2; c0=1; C1=4" );
    ok( jar->count == 7, "%u cookies\n", jar->count );

    /* a host-only cookie and a domain cookie for the same name, domain and path are one */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c0=5; Domain=h.com" );
    ok( jar->count == 7, "%u cookies\n", jar->count );
    check_header( jar, L"sub.h.com", L"/", FALSE, L"c0=5" );
    cookie_jar_free( jar );

    /* the flags are replaced too, and values are sent as they came */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"q=\"a b\"; Secure" );
    check_header( jar, L"h.com", L"/", FALSE, NULL );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"q=\"a b\"" );
    check_header( jar, L"h.com", L"/", FALSE, L"q=\"a b\"" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"e=" );
    check_header( jar, L"h.com", L"/", FALSE, L"q=\"a b\"; e=" );
    cookie_jar_free( jar );
}

static void test_secure(void)
{
    struct cookie_jar *jar = cookie_jar_create();

    cookie_jar_store( jar, L"www.example.com", L"/", TRUE, L"SID=31d4d96e407aad42; Path=/; Secure; HttpOnly" );
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"plain=1; HttpOnly" );
    /* RFC 6265 lets a plain HTTP response set a Secure cookie, sent only over HTTPS */
    cookie_jar_store( jar, L"www.example.com", L"/", FALSE, L"fromhttp=1; secure" );
    check_header( jar, L"www.example.com", L"/", FALSE, L"plain=1" );
    check_header( jar, L"www.example.com", L"/", TRUE, L"SID=31d4d96e407aad42; plain=1; fromhttp=1" );
    ok( jar->count == 3 && jar->cookies[0]->http_only && jar->cookies[0]->secure, "flags not kept\n" );
    cookie_jar_free( jar );
}

static void test_expiry(void)
{
    struct cookie_jar *jar = cookie_jar_create();
    SYSTEMTIME st;
    WCHAR buf[128], date[64];

    /* Max-Age wins over Expires, in either order */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"a=1; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"b=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=3600" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c=1; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Max-Age=0" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"d=1; Max-Age=-1; Expires=Wed, 09 Jun 2100 10:18:14 GMT" );
    /* an unreadable Max-Age is ignored: then Expires decides */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"e=1; Max-Age=soon; Expires=Sun, 06 Nov 1994 08:49:37 GMT" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"f=1; Max-Age=1x; Expires=Wed, 09 Jun 2100 10:18:14 GMT" );
    /* an unreadable Expires is ignored: a session cookie */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"g=1; Expires=yesterday" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"h=1; Max-Age=99999999999999999999" );
    check_header( jar, L"h.com", L"/", FALSE, L"a=1; b=1; f=1; g=1; h=1" );
    ok( jar->count == 5, "%u cookies\n", jar->count );

    /* deletion: by Max-Age 0 or negative, or a date in the past */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"a=x; Max-Age=0" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"b=x; Max-Age=-100" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"f=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT" );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1" );
    /* deleting needs the same path */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"g=x; Max-Age=0; Path=/other" );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1" );

    /* an Expires a year ahead keeps it; a year ago removes it */
    GetSystemTime( &st );
    st.wDay = 1;
    st.wYear++;
    WinHttpTimeFromSystemTime( &st, date );
    swprintf( buf, ARRAY_SIZE(buf), L"n=1; Expires=%ls", date );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, buf );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1; n=1" );
    st.wYear -= 2;
    WinHttpTimeFromSystemTime( &st, date );
    swprintf( buf, ARRAY_SIZE(buf), L"n=2; Expires=%ls", date );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, buf );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1" );

    /* time passes */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"short=1; Max-Age=1" );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1; short=1" );
    Sleep( 1200 );
    check_header( jar, L"h.com", L"/", FALSE, L"g=1; h=1" );
    ok( jar->count == 2, "%u cookies\n", jar->count );
    cookie_jar_free( jar );
}

static void test_limits(void)
{
    struct cookie_jar *jar = cookie_jar_create();
    WCHAR buf[64], host[64], *big, *header;
    unsigned int i, j;

    /* 50 a domain: the one used longest ago goes */
    for (i = 0; i < 50; i++)
    {
        swprintf( buf, ARRAY_SIZE(buf), L"c%u=%u; Path=/p%u", i, i, i );
        cookie_jar_store( jar, L"h.com", L"/", FALSE, buf );
    }
    ok( jar->count == 50, "%u cookies\n", jar->count );
    check_header( jar, L"h.com", L"/p0", FALSE, L"c0=0" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"c50=50; Path=/p50" );
    ok( jar->count == 50, "%u cookies\n", jar->count );
    check_header( jar, L"h.com", L"/p0", FALSE, L"c0=0" );
    check_header( jar, L"h.com", L"/p1", FALSE, NULL );
    check_header( jar, L"h.com", L"/p50", FALSE, L"c50=50" );
    for (i = 51; i < 200; i++)
    {
        swprintf( buf, ARRAY_SIZE(buf), L"c%u=%u; Path=/p%u", i, i, i );
        cookie_jar_store( jar, L"h.com", L"/", FALSE, buf );
    }
    ok( jar->count == 50, "%u cookies\n", jar->count );
    check_header( jar, L"h.com", L"/p199", FALSE, L"c199=199" );
    check_header( jar, L"h.com", L"/p149", FALSE, NULL );
    check_header( jar, L"h.com", L"/p150", FALSE, L"c150=150" );
    /* other domains are not affected; a domain cookie counts for its own domain */
    cookie_jar_store( jar, L"x.h.com", L"/", FALSE, L"sub=1" );
    cookie_jar_store( jar, L"x.h.com", L"/", FALSE, L"dom=1; Domain=h.com; Path=/p199" );
    check_header( jar, L"x.h.com", L"/p199", FALSE, L"dom=1; sub=1" );
    check_header( jar, L"h.com", L"/p151", FALSE, NULL );
    check_header( jar, L"h.com", L"/p150", FALSE, L"c150=150" );
    cookie_jar_free( jar );

    /* 3000 in all */
    jar = cookie_jar_create();
    for (i = 0; i < 70; i++)
    {
        swprintf( host, ARRAY_SIZE(host), L"host%u.example", i );
        for (j = 0; j < 50; j++)
        {
            swprintf( buf, ARRAY_SIZE(buf), L"c%u=%u", j, j );
            cookie_jar_store( jar, host, L"/", FALSE, buf );
        }
    }
    ok( jar->count == 3000, "%u cookies\n", jar->count );
    ok( jar->capacity <= 3000, "capacity %u\n", jar->capacity );
    check_header( jar, L"host0.example", L"/", FALSE, NULL );
    header = cookie_jar_header( jar, L"host69.example", L"/", FALSE );
    ok( header && !wcsncmp( header, L"c0=0; c1=1; ", 12 ) && wcslen( header ) > 300, "got %s\n", dbgw( header ) );
    free( header );
    cookie_jar_free( jar );

    /* an oversized cookie is dropped and leaves the old one alone */
    jar = cookie_jar_create();
    cookie_jar_store( jar, L"h.com", L"/", FALSE, L"big=small" );
    big = malloc( 5000 * sizeof(WCHAR) );
    wcscpy( big, L"big=" );
    for (i = 4; i < 4999; i++) big[i] = 'x';
    big[4999] = 0;
    cookie_jar_store( jar, L"h.com", L"/", FALSE, big );
    check_header( jar, L"h.com", L"/", FALSE, L"big=small" );
    big[4097] = 0;   /* a name of 3 and a value of 4093: just fits */
    cookie_jar_store( jar, L"h.com", L"/", FALSE, big );
    header = cookie_jar_header( jar, L"h.com", L"/", FALSE );
    ok( header && wcslen( header ) == 4097, "got %u characters\n", header ? (unsigned int)wcslen( header ) : 0 );
    free( header );
    free( big );
    cookie_jar_free( jar );
}

static void test_malformed(void)
{
    static const WCHAR *const bad[] =
    {
        L"", L" ", L";", L";;;", L"=", L"=value", L"noequals", L"a\x7f=b", L"a=b\x01",
        L"a=b\r\nInjected: yes", L"\x1b[0m=1",
    };
    struct cookie_jar *jar = cookie_jar_create();
    unsigned int i;
    WCHAR *header;

    for (i = 0; i < ARRAY_SIZE(bad); i++) cookie_jar_store( jar, L"h.com", L"/", FALSE, bad[i] );
    ok( !jar->count, "%u cookies stored\n", jar->count );

    /* nothing to work with is no crash */
    cookie_jar_store( NULL, L"h.com", L"/", FALSE, L"a=b" );
    cookie_jar_store( jar, NULL, L"/", FALSE, L"a=b" );
    cookie_jar_store( jar, L"", L"/", FALSE, L"a=b" );
    cookie_jar_store( jar, L"h.com", L"/", FALSE, NULL );
    ok( !jar->count, "%u cookies stored\n", jar->count );
    header = cookie_jar_header( NULL, L"h.com", L"/", FALSE );
    ok( !header, "got a header\n" );
    header = cookie_jar_header( jar, NULL, L"/", FALSE );
    ok( !header, "got a header\n" );
    check_header( jar, L"h.com", L"/", FALSE, NULL );
    cookie_jar_free( jar );
    cookie_jar_free( NULL );
}

struct thread_args
{
    struct cookie_jar *jar;
    unsigned int id;
};

static DWORD WINAPI jar_thread( void *arg )
{
    struct thread_args *args = arg;
    WCHAR buf[64], *header;
    unsigned int i;

    for (i = 0; i < 3000; i++)
    {
        swprintf( buf, ARRAY_SIZE(buf), L"t%u_%u=%u; Path=/%u", args->id, i % 40, i, i % 3 );
        cookie_jar_store( args->jar, (i & 1) ? L"a.h.com" : L"b.h.com", L"/", FALSE, buf );
        if (i % 7 == 0)
            cookie_jar_store( args->jar, L"a.h.com", L"/", FALSE, L"shared=1; Domain=h.com; Max-Age=0" );
        header = cookie_jar_header( args->jar, (i & 2) ? L"a.h.com" : L"b.h.com", L"/1", FALSE );
        free( header );
    }
    return 0;
}

static void test_threads(void)
{
    struct cookie_jar *jar = cookie_jar_create();
    struct thread_args args[4];
    HANDLE threads[4];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(threads); i++)
    {
        args[i].jar = jar;
        args[i].id = i;
        threads[i] = CreateThread( NULL, 0, jar_thread, &args[i], 0, NULL );
        ok( threads[i] != NULL, "CreateThread failed\n" );
    }
    WaitForMultipleObjects( ARRAY_SIZE(threads), threads, TRUE, INFINITE );
    for (i = 0; i < ARRAY_SIZE(threads); i++) CloseHandle( threads[i] );
    /* 4 threads x 40 names x 3 paths per host, at most 50 per host */
    ok( jar->count == 100, "%u cookies\n", jar->count );
    cookie_jar_free( jar );
}

START_TEST(cookies)
{
    test_parser();
    test_host_and_domain();
    test_path();
    test_order_and_replace();
    test_secure();
    test_expiry();
    test_limits();
    test_malformed();
    test_threads();
}
