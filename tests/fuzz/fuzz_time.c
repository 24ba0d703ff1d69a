/*
 * libFuzzer target for time.c: parse_http_time and WinHttpTimeToSystemTime on
 * any text, and WinHttpTimeFromSystemTime round trips through the parser.
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
 * The input is the date text as UTF-16LE (an odd last byte is dropped); its
 * first 16 bytes also make a SYSTEMTIME, taken raw and folded into range.
 */

#include "wine_native.h"
#include "winhttp.h"
#include "winhttp_private.h"
#include "fuzz_common.h"

#define FORMAT_CHARS (WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR))

static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char months[12][4] =
{
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static BOOL leap( unsigned int y )
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month( unsigned int y, unsigned int m )
{
    static const unsigned char n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return n[m - 1] + (m == 2 && leap( y ));
}

/* days since 1970-01-01 (a Thursday), Howard Hinnant's days_from_civil */
static int64_t days_from_civil( int64_t y, unsigned int m, unsigned int d )
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static unsigned int weekday( unsigned int y, unsigned int m, unsigned int d )
{
    int64_t n = days_from_civil( y, m, d );
    return (unsigned int)(((n % 7) + 7 + 4) % 7);
}

static BOOL is_valid( const SYSTEMTIME *t )
{
    return t->wYear >= 1601 && t->wYear <= 30827 && t->wMonth >= 1 && t->wMonth <= 12 &&
           t->wDay >= 1 && t->wDay <= days_in_month( t->wYear, t->wMonth ) &&
           t->wHour < 24 && t->wMinute < 60 && t->wSecond < 60;
}

/* what a parse must give: a real instant, its weekday, no milliseconds */
static void check_parsed( const SYSTEMTIME *t )
{
    CHECK( is_valid( t ) );
    CHECK( t->wDayOfWeek == weekday( t->wYear, t->wMonth, t->wDay ) );
    CHECK( t->wMilliseconds == 0 );
}

/* Formats t into a buffer of exactly WINHTTP_TIME_FORMAT_BUFSIZE bytes, checks
 * the text against an independent sprintf, and parses it back. */
static void check_format( const SYSTEMTIME *t )
{
    WCHAR *text = malloc( WINHTTP_TIME_FORMAT_BUFSIZE );
    char expect[64];
    SYSTEMTIME back;
    size_t i, n;

    if (!text) abort();
    SetLastError( 0xdeadbeef );
    CHECK( WinHttpTimeFromSystemTime( t, text ) && GetLastError() == ERROR_SUCCESS );
    n = snprintf( expect, sizeof(expect), "%s, %02u %s %04u %02u:%02u:%02u GMT",
                  days[weekday( t->wYear, t->wMonth, t->wDay )], t->wDay, months[t->wMonth - 1],
                  t->wYear, t->wHour, t->wMinute, t->wSecond );
    CHECK( n < FORMAT_CHARS );
    for (i = 0; i <= n; i++) CHECK( text[i] == (unsigned char)expect[i] );

    memset( &back, 0xcc, sizeof(back) );
    CHECK( parse_http_time( text, &back ) );
    check_parsed( &back );
    CHECK( back.wYear == t->wYear && back.wMonth == t->wMonth && back.wDay == t->wDay &&
           back.wHour == t->wHour && back.wMinute == t->wMinute && back.wSecond == t->wSecond );
    free( text );
}

static void fuzz_system_time( const uint8_t *data )
{
    SYSTEMTIME raw, folded;
    WCHAR *text = malloc( WINHTTP_TIME_FORMAT_BUFSIZE );
    BOOL ok;

    if (!text) abort();
    memcpy( &raw, data, sizeof(raw) );
    SetLastError( 0xdeadbeef );
    ok = WinHttpTimeFromSystemTime( &raw, text );
    CHECK( ok == (is_valid( &raw ) && raw.wMilliseconds <= 999) );
    CHECK( GetLastError() == (ok ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER) );
    if (ok) check_format( &raw );
    free( text );

    /* every valid instant formats and parses back; the weekday given is ignored */
    folded = raw;
    folded.wYear = 1601 + raw.wYear % (30827 - 1601 + 1);
    folded.wMonth = 1 + raw.wMonth % 12;
    folded.wDay = 1 + raw.wDay % days_in_month( folded.wYear, folded.wMonth );
    folded.wHour = raw.wHour % 24;
    folded.wMinute = raw.wMinute % 60;
    folded.wSecond = raw.wSecond % 60;
    folded.wMilliseconds = raw.wMilliseconds % 1000;
    check_format( &folded );
}

int LLVMFuzzerInitialize( int *argc, char ***argv )
{
    wine_native_init();
    return 0;
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    size_t count = size / sizeof(WCHAR);
    WCHAR *text = malloc( (count + 1) * sizeof(WCHAR) );   /* exactly the text and its NUL */
    SYSTEMTIME parsed, got;
    BOOL ok;

    if (!text) abort();
    memcpy( text, data, count * sizeof(WCHAR) );
    text[count] = 0;

    memset( &parsed, 0xcc, sizeof(parsed) );
    ok = parse_http_time( text, &parsed );
    if (ok)
    {
        check_parsed( &parsed );
        check_format( &parsed );
    }

    memset( &got, 0xcc, sizeof(got) );
    SetLastError( 0xdeadbeef );
    CHECK( WinHttpTimeToSystemTime( text, &got ) && GetLastError() == ERROR_SUCCESS );
    /* a string it cannot read gives the current time, as on Windows */
    CHECK( !memcmp( &got, ok ? &parsed : &wine_native_system_time, sizeof(got) ) );
    CHECK( !WinHttpTimeToSystemTime( NULL, &got ) && GetLastError() == ERROR_INVALID_PARAMETER );

    if (size >= sizeof(SYSTEMTIME)) fuzz_system_time( data );
    free( text );
    return 0;
}
