/*
 * HTTP dates: WinHttpTimeFromSystemTime and WinHttpTimeToSystemTime. Stateless.
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

#include "windef.h"
#include "winbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

/*
 * Both directions behave as if the date went through a FILETIME, which is how
 * we understand Windows to work (what it is recorded doing agrees, but no
 * record tells a derived weekday from a parsed one): the calendar fields must
 * describe a real instant between 1601 and 30827, wDayOfWeek is never read but
 * always derived from the date, and a parsed time has no milliseconds.
 * Nothing here has state: the tables are constant and every result lives in
 * the caller's buffers.
 */

/* the parser's entry point, free of I/O and allocation, for a fuzz target */
BOOL parse_http_time( const WCHAR *string, SYSTEMTIME *time );

#define MIN_YEAR 1601
#define MAX_YEAR 30827

static const char day_names[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char month_names[12][4] =
{
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const unsigned short days_before_month[12] =
{
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

static BOOL is_leap_year( unsigned int year )
{
    return (!(year % 4) && (year % 100)) || !(year % 400);
}

static unsigned int month_length( unsigned int year, unsigned int month )
{
    static const unsigned char lengths[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return lengths[month - 1] + (month == 2 && is_leap_year( year ));
}

/* whether the fields name an instant that a FILETIME can hold */
static BOOL is_valid_date( unsigned int year, unsigned int month, unsigned int day,
                           unsigned int hour, unsigned int minute, unsigned int second )
{
    if (year < MIN_YEAR || year > MAX_YEAR) return FALSE;
    if (month < 1 || month > 12) return FALSE;
    if (day < 1 || day > month_length( year, month )) return FALSE;
    return hour < 24 && minute < 60 && second < 60;
}

/* 0 for Sunday; the date must be valid */
static unsigned int day_of_week( unsigned int year, unsigned int month, unsigned int day )
{
    unsigned int years = year - MIN_YEAR;
    unsigned int days;

    /* whole days from 1 January 1601, which was a Monday */
    days = years * 365 + years / 4 - years / 100 + years / 400;
    days += days_before_month[month - 1] + (month > 2 && is_leap_year( year ));
    days += day - 1;
    return (days + 1) % 7;
}

static WCHAR *put_text( WCHAR *p, const char *text )
{
    while (*text) *p++ = (unsigned char)*text++;
    return p;
}

/* decimal, with leading zeros up to width */
static WCHAR *put_number( WCHAR *p, unsigned int value, unsigned int width )
{
    WCHAR digits[10];
    unsigned int count = 0;

    do
    {
        digits[count++] = '0' + value % 10;
        value /= 10;
    } while (value);
    while (count < width) digits[count++] = '0';
    while (count) *p++ = digits[--count];
    return p;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT": at most 30 characters with the NUL, as
 * years have 5 digits at most, so it fits WINHTTP_TIME_FORMAT_BUFSIZE bytes */
static void format_http_time( const SYSTEMTIME *time, WCHAR *string )
{
    WCHAR *p = string;

    p = put_text( p, day_names[day_of_week( time->wYear, time->wMonth, time->wDay )] );
    p = put_text( p, ", " );
    p = put_number( p, time->wDay, 2 );
    *p++ = ' ';
    p = put_text( p, month_names[time->wMonth - 1] );
    *p++ = ' ';
    p = put_number( p, time->wYear, 4 );
    *p++ = ' ';
    p = put_number( p, time->wHour, 2 );
    *p++ = ':';
    p = put_number( p, time->wMinute, 2 );
    *p++ = ':';
    p = put_number( p, time->wSecond, 2 );
    p = put_text( p, " GMT" );
    *p = 0;
}

BOOL WINAPI WinHttpTimeFromSystemTime( const SYSTEMTIME *time, WCHAR *string )
{
    DWORD err = ERROR_SUCCESS;

    TRACE( "%p, %p\n", time, string );

    if (!time || !string)
        err = ERROR_INVALID_PARAMETER;
    else if (!is_valid_date( time->wYear, time->wMonth, time->wDay, time->wHour, time->wMinute,
                             time->wSecond ) || time->wMilliseconds > 999)
        err = ERROR_INVALID_PARAMETER;
    else
        format_http_time( time, string );

    SetLastError( err );
    return !err;
}

/*
 * The parser reads the string once, front to back, and never past its NUL.
 * It keeps the numbers it meets, with what separated them, and the first
 * month name that can stand in a date; then it fits them to one of the
 * shapes HTTP servers send:
 *
 *   RFC 1123   Sun, 06 Nov 1994 08:49:37 GMT     day month year time
 *   RFC 850    Sunday, 06-Nov-94 08:49:37 GMT    day month year time
 *   asctime    Sun Nov  6 08:49:37 1994          month day time year
 *   numeric    5, 07-01-2005 12:06:35            [weekday,] day month year time
 *
 * As on Windows it is a best-guess reader rather than a validator: any run of
 * other characters separates fields, names match by their first letters in
 * any case, the weekday and the zone are skipped, missing time fields are 0,
 * two-digit years are 1950-2049, and what follows the date is ignored.
 */

#define MAX_NUMBERS 16
#define NUMBER_CAP  1000000  /* larger numbers are kept as this: invalid anyway */

struct date_fields
{
    unsigned int count;                 /* numbers kept */
    unsigned int value[MAX_NUMBERS];
    unsigned int digits[MAX_NUMBERS];
    BOOL word_before[MAX_NUMBERS];      /* a word stands between it and the number before */
    BOOL colon_after[MAX_NUMBERS];      /* a ':' is in the separator after it */
    BOOL comma_after[MAX_NUMBERS];      /* a ',' is in the separator after it */
    unsigned int month;                 /* 1-12 from a name, 0 if none */
    unsigned int month_pos;             /* numbers before that name */
    BOOL month_exact;                   /* the name's first three letters were right */
};

static BOOL is_digit( WCHAR c )
{
    return c >= '0' && c <= '9';
}

static BOOL is_letter( WCHAR c )
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static WCHAR to_lower( WCHAR c )
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* A month from the start of a word of len letters, or 0.  *exact is set when
 * the first three letters spell the month's short name; otherwise the fewest
 * letters that tell the months apart (and from the weekdays) are enough, the
 * way Windows reads "Oatmeal" as October. */
static unsigned int match_month( const WCHAR *word, unsigned int len, BOOL *exact )
{
    WCHAR c[3];
    unsigned int i;

    for (i = 0; i < 3; i++) c[i] = i < len ? to_lower( word[i] ) : 0;

    *exact = FALSE;
    if (len >= 3)
    {
        for (i = 0; i < 12; i++)
        {
            if (c[0] == month_names[i][0] + ('a' - 'A') && c[1] == month_names[i][1] &&
                c[2] == month_names[i][2])
            {
                *exact = TRUE;
                return i + 1;
            }
        }
    }

    switch (c[0])
    {
    case 'j':
        if (c[1] == 'a') return 1;
        if (c[1] == 'u' && c[2] == 'n') return 6;
        if (c[1] == 'u' && c[2] == 'l') return 7;
        return 0;
    case 'f': return c[1] == 'e' ? 2 : 0;
    case 'm':
        if (c[1] == 'a' && c[2] == 'r') return 3;
        if (c[1] == 'a' && c[2] == 'y') return 5;
        return 0;
    case 'a':
        if (c[1] == 'p') return 4;
        if (c[1] == 'u') return 8;
        return 0;
    case 's': return c[1] == 'e' ? 9 : 0;
    case 'o': return 10;
    case 'n': return 11;
    case 'd': return 12;
    default: return 0;
    }
}

/* f starts zeroed */
static void scan_date( const WCHAR *p, struct date_fields *f )
{
    BOOL after_number = FALSE, word_seen = FALSE;

    while (*p && f->count < MAX_NUMBERS)
    {
        if (is_digit( *p ))
        {
            unsigned int value = 0, digits = 0;

            for (; is_digit( *p ); p++)
            {
                if (value < NUMBER_CAP) value = value * 10 + (*p - '0');
                if (digits < NUMBER_CAP) digits++;
            }
            if (value > NUMBER_CAP) value = NUMBER_CAP;
            f->value[f->count] = value;
            f->digits[f->count] = digits;
            f->word_before[f->count] = word_seen;
            f->count++;
            after_number = TRUE;
            word_seen = FALSE;
        }
        else if (is_letter( *p ))
        {
            const WCHAR *word = p;
            unsigned int len = 0, month;
            BOOL exact;

            while (is_letter( *p ))
            {
                p++;
                if (len < 3) len++;
            }
            /* in every shape at most a weekday number and the day come before the month */
            if (f->count <= 2 && (month = match_month( word, len, &exact )) &&
                (!f->month || (exact && !f->month_exact)))
            {
                f->month = month;
                f->month_pos = f->count;
                f->month_exact = exact;
            }
            after_number = FALSE;
            word_seen = TRUE;
        }
        else
        {
            if (after_number && *p == ':') f->colon_after[f->count - 1] = TRUE;
            if (after_number && *p == ',') f->comma_after[f->count - 1] = TRUE;
            p++;
        }
    }
}

BOOL parse_http_time( const WCHAR *string, SYSTEMTIME *time )
{
    struct date_fields f = { 0 };
    unsigned int i, day, month, year, hour = 0, minute = 0, second = 0;

    scan_date( string, &f );

    if (f.month)
    {
        /* the day is the number before the name, or after it when the name
         * comes first (asctime) */
        i = f.month_pos ? f.month_pos - 1 : 0;
        if (i >= f.count) return FALSE;
        day = f.value[i++];
        month = f.month;
    }
    else
    {
        /* all numbers: a leading weekday is followed by a comma, or is one
         * digit ahead of a full date and time */
        i = 0;
        if (f.count && (f.comma_after[0] || (f.count >= 7 && f.digits[0] == 1 && f.value[0] <= 6)))
            i = 1;
        if (i + 1 >= f.count) return FALSE;
        day = f.value[i++];
        month = f.value[i++];
    }
    if (i >= f.count) return FALSE;

    if (f.colon_after[i])
    {
        /* asctime: hours:minutes[:seconds] come before the year */
        hour = f.value[i++];
        if (i >= f.count) return FALSE;
        minute = f.value[i];
        if (f.colon_after[i++])
        {
            if (i >= f.count) return FALSE;
            second = f.value[i++];
        }
        if (i >= f.count) return FALSE;
        year = f.value[i];
    }
    else
    {
        /* the time follows the year, its fields separated by anything but a word */
        year = f.value[i++];
        if (i < f.count && !f.word_before[i])
        {
            hour = f.value[i++];
            if (i < f.count && !f.word_before[i])
            {
                minute = f.value[i++];
                if (i < f.count && !f.word_before[i]) second = f.value[i];
            }
        }
    }

    if (year < 100) year += year < 50 ? 2000 : 1900;
    if (!is_valid_date( year, month, day, hour, minute, second )) return FALSE;

    time->wYear = year;
    time->wMonth = month;
    time->wDayOfWeek = day_of_week( year, month, day );
    time->wDay = day;
    time->wHour = hour;
    time->wMinute = minute;
    time->wSecond = second;
    time->wMilliseconds = 0;
    return TRUE;
}

BOOL WINAPI WinHttpTimeToSystemTime( const WCHAR *string, SYSTEMTIME *time )
{
    DWORD err = ERROR_SUCCESS;

    TRACE( "%s, %p\n", debugstr_w(string), time );

    if (!string || !time)
        err = ERROR_INVALID_PARAMETER;
    else if (!parse_http_time( string, time ))
    {
        /* Windows doesn't fail on a string it can't read: it returns the current time */
        GetSystemTime( time );
    }

    SetLastError( err );
    return !err;
}
