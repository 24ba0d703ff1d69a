/*
 * Conformance tests for WinHttpTimeFromSystemTime and WinHttpTimeToSystemTime.
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
 * Where each expectation about Windows comes from:
 *   [winhttp]  recorded on Windows by Wine's winhttp conformance tests;
 *   [wininet]  recorded on Windows by Wine's wininet tests of
 *              InternetTimeToSystemTime, the parser WinHTTP's descends from;
 *   [ont]      Raymond Chen's table of what InternetTimeToSystemTime returns
 *              ("Meet me here on Savvyday 29 Oatmeal 94", The Old New Thing, 2020);
 *   [rfc]      the examples of RFC 9110 section 5.6.7 (RFC 2616 section 3.3.1);
 *   [doc]      Microsoft's documentation of the two functions;
 *   [filetime] not recorded anywhere we found: follows from Windows taking the
 *              date through a FILETIME, so that only real instants from 1601 to
 *              30827 are dates, wDayOfWeek is derived from the date and a parsed
 *              time has no milliseconds;
 *   [lenient]  not recorded as such: the leniency the records above show,
 *              carried to neighbouring cases (spacing, case, what follows the
 *              date, two-digit years counted as 1950-2049).
 */

#include <stdarg.h>
#include <windef.h>
#include <winbase.h>
#include <winhttp.h>

#include "wine/test.h"

#define NOW { 0 }  /* placeholder for "the current time" */

static const struct to_test
{
    const WCHAR *string;
    SYSTEMTIME expect;  /* wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds */
    BOOL now;           /* Windows returns the current time instead */
}
to_tests[] =
{
    /* [winhttp] */
    { L"Mon, 28 Jul 2008 10:05:52 GMT\n",           { 2008, 7, 1, 28, 10, 5, 52, 0 } },
    { L" mon 28 jul 2008 10 05 52\n",               { 2008, 7, 1, 28, 10, 5, 52, 0 } },
    /* [rfc] the three forms */
    { L"Sun, 06 Nov 1994 08:49:37 GMT",             { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sunday, 06-Nov-94 08:49:37 GMT",            { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun Nov  6 08:49:37 1994",                  { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    /* [wininet] */
    { L"Fri, 07 Jan 2005 12:06:35 GMT",             { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"Fri, 07 Jan 2005 12:06:35 UTC",             { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L" fri, 7 jan 2005 12 06 35",                 { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"Fri, 07-01-2005 12:06:35",                  { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"5, 07-01-2005 12:06:35 GMT",                { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"5, 07-01-2005 12:06:35 UTC",                { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"5, 07-01-2005 12:06:35 GMT;",               { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"5, 07-01-2005 12:06:35 GMT123",             { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"2, 11 01 2022 11 13 05",                    { 2022, 1, 2, 11, 11, 13, 5, 0 } },
    { L"2, 11-01-2022 11#13^05",                    { 2022, 1, 2, 11, 11, 13, 5, 0 } },
    { L"2, 11*01/2022 11+13=05",                    { 2022, 1, 2, 11, 11, 13, 5, 0 } },
    { L"2, 11-Jan-2022 11:13:05",                   { 2022, 1, 2, 11, 11, 13, 5, 0 } },
    { L"Fri Jan 7 12:06:35 2005",                   { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"Fri Jan 7 12:06:35 2005 GMT",               { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"Fri Jan 7 12:06:35 2005 UTC",               { 2005, 1, 5, 7, 12, 6, 35, 0 } },
    { L"Fr",                                        NOW, TRUE },
    /* [ont] */
    { L"Sat, 29 Oct 1994 09:43:31 GMT",             { 1994, 10, 6, 29, 9, 43, 31, 0 } },
    { L"Sat 29 Oct 1994 09:43:31 GMT",              { 1994, 10, 6, 29, 9, 43, 31, 0 } },
    { L"Sat 29 Oct 1994 9:43:31 GMT",               { 1994, 10, 6, 29, 9, 43, 31, 0 } },
    { L"Sat Oct 29 9:43:31 1994",                   { 1994, 10, 6, 29, 9, 43, 31, 0 } },
    { L"Sat 29 Oct 1994 9:43",                      { 1994, 10, 6, 29, 9, 43, 0, 0 } },
    { L"Sat 29 Oct 1994",                           { 1994, 10, 6, 29, 0, 0, 0, 0 } },
    { L"Sat 29 Oct 94",                             { 1994, 10, 6, 29, 0, 0, 0, 0 } },
    { L"Savvyday 29 Oatmeal 94",                    { 1994, 10, 6, 29, 0, 0, 0, 0 } },
    { L"1",                                         NOW, TRUE },
    /* [lenient] names in any case, spacing of any width or none */
    { L"SUN, 06 NOV 1994 08:49:37 GMT",             { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"sunday, 06-nov-94 08:49:37 gmt",            { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun,06 Nov 1994 08:49:37 GMT",              { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun,   06   Nov   1994   08:49:37   GMT",   { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L" \t Sun, 06 Nov 1994 08:49:37 GMT \r\n",    { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun, 06 November 1994 08:49:37 GMT",        { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun, 6 Nov 1994 8:9:7 GMT",                 { 1994, 11, 0, 6, 8, 9, 7, 0 } },
    { L"Tue, 15 Nov 1994 08:12:31 GMT",             { 1994, 11, 2, 15, 8, 12, 31, 0 } },
    { L"Tuesday, 08-Feb-94 14:15:29 GMT",           { 1994, 2, 2, 8, 14, 15, 29, 0 } },
    /* [filetime] the weekday comes from the date, a missing or wrong name doesn't matter */
    { L"06 Nov 1994 08:49:37 GMT",                  { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Wed, 28 Jul 2008 10:05:52 GMT",             { 2008, 7, 1, 28, 10, 5, 52, 0 } },
    { L"Xyz, 28 Jul 2008 10:05:52 GMT",             { 2008, 7, 1, 28, 10, 5, 52, 0 } },
    /* [lenient] what follows the date is ignored, a word ends the time */
    { L"Sun, 06 Nov 1994 08:49:37 GMT; foo=bar",    { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun, 06 Nov 1994 08:49:37.123 GMT",         { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 01:02:03 GMT", { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Sun, 06 Nov 1994 08:49 GMT+0100",           { 1994, 11, 0, 6, 8, 49, 0, 0 } },
    { L"Sun, 06 Nov 1994 08:49:37 GMT\x00e9\x4e2d", { 1994, 11, 0, 6, 8, 49, 37, 0 } },
    /* [lenient] two-digit years are 1950-2049 */
    { L"Sunday, 06-Nov-05 08:49:37 GMT",            { 2005, 11, 0, 6, 8, 49, 37, 0 } },
    { L"Thursday, 01-Jan-70 00:00:00 GMT",          { 1970, 1, 4, 1, 0, 0, 0, 0 } },
    { L"Fri, 31 Dec 49 23:59:59 GMT",               { 2049, 12, 5, 31, 23, 59, 59, 0 } },
    { L"Sun, 01 Jan 50 00:00:00 GMT",               { 1950, 1, 0, 1, 0, 0, 0, 0 } },
    /* [filetime] the range of a SYSTEMTIME from a FILETIME */
    { L"Mon, 01 Jan 1601 00:00:00 GMT",             { 1601, 1, 1, 1, 0, 0, 0, 0 } },
    { L"Wed, 31 Dec 1969 23:59:59 GMT",             { 1969, 12, 3, 31, 23, 59, 59, 0 } },
    { L"Tue, 19 Jan 2038 03:14:08 GMT",             { 2038, 1, 2, 19, 3, 14, 8, 0 } },
    { L"Tue, 29 Feb 2000 12:00:00 GMT",             { 2000, 2, 2, 29, 12, 0, 0, 0 } },
    { L"Thu, 29 Feb 2024 12:00:00 GMT",             { 2024, 2, 4, 29, 12, 0, 0, 0 } },
    { L"Fri, 31 Dec 9999 23:59:59 GMT",             { 9999, 12, 5, 31, 23, 59, 59, 0 } },
    { L"Fri, 31 Dec 30827 23:59:59 GMT",            { 30827, 12, 5, 31, 23, 59, 59, 0 } },
    /* [filetime] no instant: Windows hands back the current time */
    { L"Sun, 06 Nov 1600 08:49:37 GMT",             NOW, TRUE },
    { L"Sun, 31 Dec 30828 08:49:37 GMT",            NOW, TRUE },
    { L"Thu, 29 Feb 2001 12:00:00 GMT",             NOW, TRUE },
    { L"Thu, 31 Apr 2001 12:00:00 GMT",             NOW, TRUE },
    { L"Sun, 00 Nov 1994 08:49:37 GMT",             NOW, TRUE },
    { L"Sun, 32 Nov 1994 08:49:37 GMT",             NOW, TRUE },
    { L"Sun, 06 Nov 1994 24:00:00 GMT",             NOW, TRUE },
    { L"Sun, 06 Nov 1994 08:60:00 GMT",             NOW, TRUE },
    { L"Sun, 06 Nov 1994 08:49:60 GMT",             NOW, TRUE },
    { L"5, 07-13-2005 12:06:35 GMT",                NOW, TRUE },
    { L"Sun, 99999999999999999999 Nov 1994",        NOW, TRUE },
    /* [ont] no date in it: the current time */
    { L"",                                          NOW, TRUE },
    { L"garbage",                                   NOW, TRUE },
    { L"Sun, 06 Nov",                               NOW, TRUE },
    { L"Sun, 06 Nov\0 1994 08:49:37 GMT",           NOW, TRUE },
    { L"Sun, 06 Xyz 1994 08:49:37 GMT",             NOW, TRUE },
    { L"Nov 1994",                                  NOW, TRUE },
    { L", , , : : : -- //",                         NOW, TRUE },
    { L"\xff10\xff16 Nov 1994 08:49:37 GMT",        NOW, TRUE },
};

static const struct from_test
{
    SYSTEMTIME time;
    const WCHAR *expect;  /* NULL: fails with ERROR_INVALID_PARAMETER */
}
from_tests[] =
{
    /* [winhttp] */
    { { 2008, 7, 1, 28, 10, 5, 52, 0 },     L"Mon, 28 Jul 2008 10:05:52 GMT" },
    /* [rfc] */
    { { 1994, 11, 0, 6, 8, 49, 37, 0 },     L"Sun, 06 Nov 1994 08:49:37 GMT" },
    /* [filetime] wDayOfWeek is not read, milliseconds are dropped */
    { { 2008, 7, 0, 28, 10, 5, 52, 0 },     L"Mon, 28 Jul 2008 10:05:52 GMT" },
    { { 2008, 7, 7, 28, 10, 5, 52, 0 },     L"Mon, 28 Jul 2008 10:05:52 GMT" },
    { { 2008, 7, 0xffff, 28, 10, 5, 52, 0 }, L"Mon, 28 Jul 2008 10:05:52 GMT" },
    { { 2008, 7, 1, 28, 10, 5, 52, 999 },   L"Mon, 28 Jul 2008 10:05:52 GMT" },
    { { 1601, 1, 1, 1, 0, 0, 0, 0 },        L"Mon, 01 Jan 1601 00:00:00 GMT" },
    { { 1970, 1, 4, 1, 0, 0, 0, 0 },        L"Thu, 01 Jan 1970 00:00:00 GMT" },
    { { 1999, 12, 5, 31, 23, 59, 59, 0 },   L"Fri, 31 Dec 1999 23:59:59 GMT" },
    { { 2000, 2, 2, 29, 0, 0, 0, 0 },       L"Tue, 29 Feb 2000 00:00:00 GMT" },
    { { 2024, 2, 4, 29, 12, 0, 0, 0 },      L"Thu, 29 Feb 2024 12:00:00 GMT" },
    { { 9999, 12, 5, 31, 23, 59, 59, 0 },   L"Fri, 31 Dec 9999 23:59:59 GMT" },
    { { 30827, 12, 5, 31, 23, 59, 59, 999 }, L"Fri, 31 Dec 30827 23:59:59 GMT" },
    /* [filetime] fields that name no instant are refused */
    { { 0, 0, 0, 0, 0, 0, 0, 0 } },
    { { 1600, 12, 0, 31, 0, 0, 0, 0 } },
    { { 30828, 12, 0, 31, 0, 0, 0, 0 } },
    { { 2008, 0, 1, 28, 10, 5, 52, 0 } },
    { { 2008, 13, 1, 28, 10, 5, 52, 0 } },
    { { 2008, 7, 1, 0, 10, 5, 52, 0 } },
    { { 2008, 7, 1, 32, 10, 5, 52, 0 } },
    { { 2001, 2, 4, 29, 10, 5, 52, 0 } },
    { { 2001, 4, 2, 31, 10, 5, 52, 0 } },
    { { 2008, 7, 1, 28, 24, 5, 52, 0 } },
    { { 2008, 7, 1, 28, 10, 60, 52, 0 } },
    { { 2008, 7, 1, 28, 10, 5, 60, 0 } },
    { { 2008, 7, 1, 28, 10, 5, 52, 1000 } },
};

/* s as printable ASCII for messages, cut to fit buf */
static const char *show( const WCHAR *s, char *buf, size_t size )
{
    size_t len = 0;

    for (; *s && len + 10 < size; s++)
    {
        if (*s >= ' ' && *s < 0x7f && *s != '\\') buf[len++] = (char)*s;
        else len += sprintf( buf + len, "\\x%04x", *s );
    }
    if (*s) { buf[len++] = '.'; buf[len++] = '.'; buf[len++] = '.'; }
    buf[len] = 0;
    return buf;
}

static ULONGLONG filetime_value( const FILETIME *ft )
{
    return ((ULONGLONG)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
}

/* whether time lies between two readings of the clock, at SYSTEMTIME's precision */
static BOOL is_between( const SYSTEMTIME *time, const FILETIME *before, const FILETIME *after )
{
    ULONGLONG start = filetime_value( before ), end = filetime_value( after );
    FILETIME ft;

    if (!SystemTimeToFileTime( time, &ft )) return FALSE;
    start -= start % 10000;
    return filetime_value( &ft ) >= start && filetime_value( &ft ) <= end;
}

static void test_null_arguments(void)
{
    static const SYSTEMTIME time = { 2008, 7, 1, 28, 10, 5, 52, 0 };
    WCHAR buffer[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)];
    SYSTEMTIME result;
    DWORD err;
    BOOL ret;

    /* [winhttp] */
    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeFromSystemTime( &time, NULL );
    err = GetLastError();
    ok( !ret, "WinHttpTimeFromSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeFromSystemTime( NULL, buffer );
    err = GetLastError();
    ok( !ret, "WinHttpTimeFromSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeFromSystemTime( NULL, NULL );
    err = GetLastError();
    ok( !ret, "WinHttpTimeFromSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeToSystemTime( L"Mon, 28 Jul 2008 10:05:52 GMT\n", NULL );
    err = GetLastError();
    ok( !ret, "WinHttpTimeToSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );

    memset( &result, 0xcc, sizeof(result) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeToSystemTime( NULL, &result );
    err = GetLastError();
    ok( !ret, "WinHttpTimeToSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
    ok( result.wYear == 0xcccc && result.wMilliseconds == 0xcccc, "the output was written\n" );

    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeToSystemTime( NULL, NULL );
    err = GetLastError();
    ok( !ret, "WinHttpTimeToSystemTime succeeded\n" );
    ok( err == ERROR_INVALID_PARAMETER, "got %lu\n", err );
}

static void test_WinHttpTimeFromSystemTime(void)
{
    WCHAR buffer[64];
    char text[128];
    unsigned int i, j;
    DWORD err;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(from_tests); i++)
    {
        const struct from_test *test = &from_tests[i];

        winetest_push_context( "%u", i );
        for (j = 0; j < ARRAY_SIZE(buffer); j++) buffer[j] = 0xcccc;
        SetLastError( 0xdeadbeef );
        ret = WinHttpTimeFromSystemTime( &test->time, buffer );
        err = GetLastError();
        if (test->expect)
        {
            ok( ret, "failed, error %lu\n", err );
            ok( err == ERROR_SUCCESS || broken(err == 0xdeadbeef) /* < win7 */, "got error %lu\n", err );
            ok( !lstrcmpW( buffer, test->expect ), "got %s\n", show( buffer, text, sizeof(text) ) );
        }
        else
        {
            ok( !ret, "succeeded: %s\n", show( buffer, text, sizeof(text) ) );
            ok( err == ERROR_INVALID_PARAMETER, "got error %lu\n", err );
            ok( buffer[0] == 0xcccc, "the buffer was written\n" );
        }
        /* [doc] the buffer holds WINHTTP_TIME_FORMAT_BUFSIZE bytes: nothing beyond is touched */
        for (j = WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR); j < ARRAY_SIZE(buffer); j++)
            if (buffer[j] != 0xcccc) break;
        ok( j == ARRAY_SIZE(buffer), "wrote past the buffer at %u\n", j );
        winetest_pop_context();
    }
}

static void test_WinHttpTimeToSystemTime(void)
{
    FILETIME before, after;
    char text[100];
    SYSTEMTIME time;
    unsigned int i;
    DWORD err;
    BOOL ret;

    for (i = 0; i < ARRAY_SIZE(to_tests); i++)
    {
        const struct to_test *test = &to_tests[i];

        winetest_push_context( "%u %s", i, show( test->string, text, sizeof(text) ) );
        memset( &time, 0xcc, sizeof(time) );
        GetSystemTimeAsFileTime( &before );
        SetLastError( 0xdeadbeef );
        ret = WinHttpTimeToSystemTime( test->string, &time );
        err = GetLastError();
        GetSystemTimeAsFileTime( &after );

        ok( ret, "failed, error %lu\n", err );
        ok( err == ERROR_SUCCESS || broken(err == 0xdeadbeef) /* < win7 */, "got error %lu\n", err );
        if (test->now)
            ok( is_between( &time, &before, &after ), "not the current time: %u-%u-%u %u:%u:%u.%u\n",
                time.wYear, time.wMonth, time.wDay, time.wHour, time.wMinute, time.wSecond,
                time.wMilliseconds );
        else
            ok( !memcmp( &time, &test->expect, sizeof(time) ),
                "got %u-%u-%u (day %u) %u:%u:%u.%u\n", time.wYear, time.wMonth, time.wDay,
                time.wDayOfWeek, time.wHour, time.wMinute, time.wSecond, time.wMilliseconds );
        winetest_pop_context();
    }
}

/* Each string ends right before a page the process may not read: a parser
 * that looks past the terminating NUL crashes the test. */
static void test_string_at_page_end(void)
{
    SYSTEM_INFO info;
    SYSTEMTIME time;
    DWORD old;
    unsigned int i;
    BYTE *pages;
    WCHAR *copy;
    size_t len;
    BOOL ret;

    GetSystemInfo( &info );
    pages = VirtualAlloc( NULL, info.dwPageSize * 2, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE );
    ok( pages != NULL, "VirtualAlloc failed, error %lu\n", GetLastError() );
    if (!pages) return;
    ret = VirtualProtect( pages + info.dwPageSize, info.dwPageSize, PAGE_NOACCESS, &old );
    ok( ret, "VirtualProtect failed, error %lu\n", GetLastError() );

    for (i = 0; i < ARRAY_SIZE(to_tests); i++)
    {
        len = lstrlenW( to_tests[i].string ) + 1;
        copy = (WCHAR *)(pages + info.dwPageSize) - len;
        memcpy( copy, to_tests[i].string, len * sizeof(WCHAR) );
        ret = WinHttpTimeToSystemTime( copy, &time );
        ok( ret, "%u: failed, error %lu\n", i, GetLastError() );
    }

    /* [doc] a NUL-terminated string is all that's read, however short */
    for (i = 0; i < 8; i++)
    {
        static const WCHAR cuts[] = L"Sun, 06 Nov 1994 08:49:37 GMT";

        copy = (WCHAR *)(pages + info.dwPageSize) - (i + 1);
        memcpy( copy, cuts, i * sizeof(WCHAR) );
        copy[i] = 0;
        ret = WinHttpTimeToSystemTime( copy, &time );
        ok( ret, "prefix %u: failed, error %lu\n", i, GetLastError() );
    }

    VirtualFree( pages, 0, MEM_RELEASE );
}

static void fill( WCHAR *p, WCHAR c, size_t count )
{
    while (count--) *p++ = c;
}

static void test_long_strings(void)
{
    static const SYSTEMTIME nov6 = { 1994, 11, 0, 6, 8, 49, 37, 0 };
    static const WCHAR date[] = L"Sun, 06 Nov 1994 08:49:37 GMT";
    const size_t size = 1 << 20;
    FILETIME before, after;
    SYSTEMTIME time;
    WCHAR *string;
    DWORD err;
    BOOL ret;

    string = HeapAlloc( GetProcessHeap(), 0, (size + ARRAY_SIZE(date)) * sizeof(WCHAR) );
    ok( string != NULL, "out of memory\n" );
    if (!string) return;

    /* [filetime] a million letters hold no date: the current time */
    fill( string, 'A', size );
    string[size] = 0;
    GetSystemTimeAsFileTime( &before );
    SetLastError( 0xdeadbeef );
    ret = WinHttpTimeToSystemTime( string, &time );
    err = GetLastError();
    GetSystemTimeAsFileTime( &after );
    ok( ret, "letters: failed, error %lu\n", err );
    ok( err == ERROR_SUCCESS, "letters: got error %lu\n", err );
    ok( is_between( &time, &before, &after ), "letters: not the current time\n" );

    /* [filetime] a million digits are one number, too large for any field */
    fill( string, '7', size );
    GetSystemTimeAsFileTime( &before );
    ret = WinHttpTimeToSystemTime( string, &time );
    GetSystemTimeAsFileTime( &after );
    ok( ret, "digits: failed, error %lu\n", GetLastError() );
    ok( is_between( &time, &before, &after ), "digits: not the current time\n" );

    /* [filetime] separators only */
    fill( string, ',', size );
    ret = WinHttpTimeToSystemTime( string, &time );
    ok( ret, "separators: failed, error %lu\n", GetLastError() );

    /* [lenient] a date after a million blanks, and a date before a million letters */
    fill( string, ' ', size );
    memcpy( string + size, date, sizeof(date) );
    memset( &time, 0xcc, sizeof(time) );
    ret = WinHttpTimeToSystemTime( string, &time );
    ok( ret, "leading blanks: failed, error %lu\n", GetLastError() );
    ok( !memcmp( &time, &nov6, sizeof(time) ), "leading blanks: got %u-%u-%u\n",
        time.wYear, time.wMonth, time.wDay );

    memcpy( string, date, sizeof(date) - sizeof(WCHAR) );
    fill( string + ARRAY_SIZE(date) - 1, 'x', size - ARRAY_SIZE(date) + 1 );
    string[size] = 0;
    memset( &time, 0xcc, sizeof(time) );
    ret = WinHttpTimeToSystemTime( string, &time );
    ok( ret, "trailing letters: failed, error %lu\n", GetLastError() );
    ok( !memcmp( &time, &nov6, sizeof(time) ), "trailing letters: got %u-%u-%u\n",
        time.wYear, time.wMonth, time.wDay );

    HeapFree( GetProcessHeap(), 0, string );
}

/* [filetime] every instant from 1601 to 30827 goes to a string and back,
 * with the weekday that Windows' own calendar gives */
static void test_round_trip(void)
{
    static const WCHAR days[7][4] = { L"Sun", L"Mon", L"Tue", L"Wed", L"Thu", L"Fri", L"Sat" };
    WCHAR buffer[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)];
    unsigned int count = 0, bad_format = 0, bad_parse = 0;
    char text[128];
    SYSTEMTIME time, parsed;
    ULONGLONG value;
    FILETIME ft;

    /* steps of 997 days, 3 hours, 25 minutes and 47.5 seconds */
    for (value = 0; ; value += (997 * 86400ULL + 3 * 3600 + 25 * 60 + 47) * 10000000 + 5000000)
    {
        ft.dwLowDateTime = (DWORD)value;
        ft.dwHighDateTime = (DWORD)(value >> 32);
        if (!FileTimeToSystemTime( &ft, &time ) || time.wYear > 30827) break;
        count++;

        if (!WinHttpTimeFromSystemTime( &time, buffer ) || memcmp( buffer, days[time.wDayOfWeek], 3 * sizeof(WCHAR) ))
        {
            if (!bad_format++)
                trace( "%u-%u-%u gave %s\n", time.wYear, time.wMonth, time.wDay, show( buffer, text, sizeof(text) ) );
            continue;
        }
        time.wMilliseconds = 0;
        if (!WinHttpTimeToSystemTime( buffer, &parsed ) || memcmp( &parsed, &time, sizeof(time) ))
        {
            if (!bad_parse++)
                trace( "%s gave %u-%u-%u\n", show( buffer, text, sizeof(text) ), parsed.wYear, parsed.wMonth, parsed.wDay );
        }
    }
    ok( count > 10000, "only %u dates\n", count );
    ok( !bad_format, "%u of %u dates formatted wrong\n", bad_format, count );
    ok( !bad_parse, "%u of %u dates parsed wrong\n", bad_parse, count );
}

/* Both functions from 8 threads at once over the same tables: every thread
 * must see what a single thread sees. */

#define THREADS     8
#define ITERATIONS  200

struct to_result
{
    BOOL ret;
    DWORD err;
    SYSTEMTIME time;
};

struct from_result
{
    BOOL ret;
    DWORD err;
    WCHAR string[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)];
};

static struct to_result to_reference[ARRAY_SIZE(to_tests)];
static struct from_result from_reference[ARRAY_SIZE(from_tests)];

struct thread_param
{
    HANDLE start;
    unsigned int mismatches;
    unsigned int calls;
};

static void run_to( unsigned int i, struct to_result *result )
{
    memset( result, 0, sizeof(*result) );
    SetLastError( 0xdeadbeef );
    result->ret = WinHttpTimeToSystemTime( to_tests[i].string, &result->time );
    result->err = GetLastError();
}

static void run_from( unsigned int i, struct from_result *result )
{
    memset( result, 0, sizeof(*result) );
    SetLastError( 0xdeadbeef );
    result->ret = WinHttpTimeFromSystemTime( &from_tests[i].time, result->string );
    result->err = GetLastError();
}

static DWORD CALLBACK time_thread( void *arg )
{
    struct thread_param *param = arg;
    struct from_result from;
    struct to_result to;
    unsigned int n, i;

    WaitForSingleObject( param->start, INFINITE );
    for (n = 0; n < ITERATIONS; n++)
    {
        for (i = 0; i < ARRAY_SIZE(to_tests); i++)
        {
            run_to( i, &to );
            param->calls++;
            /* the current time moves on: only its success is compared */
            if (to.ret != to_reference[i].ret || to.err != to_reference[i].err ||
                (!to_tests[i].now && memcmp( &to.time, &to_reference[i].time, sizeof(to.time) )))
                param->mismatches++;
        }
        for (i = 0; i < ARRAY_SIZE(from_tests); i++)
        {
            run_from( i, &from );
            param->calls++;
            if (from.ret != from_reference[i].ret || from.err != from_reference[i].err ||
                memcmp( from.string, from_reference[i].string, sizeof(from.string) ))
                param->mismatches++;
        }
    }
    return 0;
}

static void test_threads(void)
{
    struct thread_param params[THREADS];
    HANDLE threads[THREADS], start;
    unsigned int i;
    DWORD ret;

    for (i = 0; i < ARRAY_SIZE(to_tests); i++) run_to( i, &to_reference[i] );
    for (i = 0; i < ARRAY_SIZE(from_tests); i++) run_from( i, &from_reference[i] );

    start = CreateEventW( NULL, TRUE, FALSE, NULL );
    ok( start != NULL, "CreateEvent failed, error %lu\n", GetLastError() );
    for (i = 0; i < THREADS; i++)
    {
        params[i].start = start;
        params[i].mismatches = 0;
        params[i].calls = 0;
        threads[i] = CreateThread( NULL, 0, time_thread, &params[i], 0, NULL );
        ok( threads[i] != NULL, "CreateThread failed, error %lu\n", GetLastError() );
    }
    SetEvent( start );
    ret = WaitForMultipleObjects( THREADS, threads, TRUE, 120000 );
    ok( ret == WAIT_OBJECT_0, "threads didn't finish: %lu\n", ret );

    for (i = 0; i < THREADS; i++)
    {
        ok( params[i].calls == ITERATIONS * (ARRAY_SIZE(to_tests) + ARRAY_SIZE(from_tests)),
            "thread %u made %u calls\n", i, params[i].calls );
        ok( !params[i].mismatches, "thread %u: %u results differ from a single thread's\n",
            i, params[i].mismatches );
        CloseHandle( threads[i] );
    }
    CloseHandle( start );
}

START_TEST(time)
{
    test_null_arguments();
    test_WinHttpTimeFromSystemTime();
    test_WinHttpTimeToSystemTime();
    test_string_at_page_end();
    test_long_strings();
    test_round_trip();
    test_threads();
}
