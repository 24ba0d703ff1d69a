/*
 * libFuzzer target for cookies.c: Set-Cookie parsing, storing and the Cookie
 * header, checked against an independent model of the jar after every step.
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
 * The input is a script, one command a line ('\n'). The first byte of a line
 * is the command, the rest its text: a byte is the character of that code
 * (Latin-1), except 0x01, which takes the next two bytes as a UTF-16LE
 * character (so "\x01\x0a\x00" is a LF inside a line, "\x01\x00\x00" a NUL,
 * which ends the string there).
 *
 *   H<host>   the request's host (default "www.example.com"); "h": NULL
 *   P<path>   the request's path (default "/"); "p": NULL
 *   T, F      the request is over HTTPS, over HTTP (the default)
 *   S<value>  cookie_jar_store() of one Set-Cookie value
 *   G         cookie_jar_header() for the request
 *   A<n>      the clock moves n seconds forward
 *   D<n><t>   n (up to 120) stores of "d<i>" followed by <t> ("=1" if none),
 *             for the request's host: the per-domain limit
 *   J<n><t>   n (up to 200) stores of "j" followed by <t> ("=<i>" if none),
 *             each from the host "j<i>.<host>"
 *   Z         the jar becomes a copy of a full one: MAX_COOKIES cookies, 50 to
 *             each of z0.example.org to z59.example.org, stored once at start
 *             (under the same checks) by real stores; so the whole jar's limit
 *             is reached without thousands of stores every run
 * Other lines are ignored. Each store and header query costs the jar's size
 * plus one from a budget of WORK_BUDGET; the script ends when it is spent,
 * so that no input takes long (a store to a full jar is a few milliseconds).
 *
 * Every string goes in as an exact-size heap copy, NUL included, so a read
 * past the NUL is a heap overflow; each must come back unchanged. Before each
 * store and header query the target predicts, from the jar's contents and its
 * own reading of RFC 6265 and of the rules cookies.c documents, exactly which
 * cookies the jar holds afterwards (with their fields, creation and last-use
 * stamps) and the header, character for character; parse_set_cookie() is
 * compared against an independent parse. Beyond the model: the jar never
 * holds more than MAX_COOKIES (checked after every command) nor more than
 * MAX_DOMAIN_COOKIES of a domain (after floods and at the end); no cookie is
 * over MAX_COOKIE_SIZE or has a control character, ';' or a bad '=' in its
 * name or value (each checked as it is stored); a header is "name=value" pairs
 * joined by "; ", without CR, LF or NUL, and never carries a Secure cookie to
 * an HTTP request; the SRW lock is never taken twice and always released.
 */

#include "wine_native.h"
#include "winhttp.h"
#include "wine/debug.h"
#include "winhttp_private.h"
#include "fuzz_common.h"
#include "wine_native_wcs.h"

/* Wine's windef.h makes __cdecl ms_abi on x86-64, but the comparator that
 * cookies.c hands to qsort is called by glibc, the native way. wine/debug.h
 * and the rest have been read with the real definition above. */
#undef __cdecl
#define __cdecl

#include "cookies.c"

/* The model's loops, run over the whole jar for every store, would spend most
 * of the time in SanitizerCoverage's comparison hooks; they need no coverage. */
#define UNTRACED __attribute__((no_sanitize("coverage")))

#define MAX_FLOOD_DOMAIN    120
#define MAX_FLOOD_HOSTS     200
#define FULL_DOMAINS        (MAX_COOKIES / MAX_DOMAIN_COOKIES)
#define WORK_BUDGET         60000

static unsigned long work;   /* spent by the current input */
#define MAX_CLOCK_SHIFT     ((ULONGLONG)100000000000 * TICKS_PER_SECOND)   /* about 3000 years */

/* -------- strings -------- */

static WCHAR *dup_wcs( const WCHAR *str, size_t len )   /* exactly len + 1 characters */
{
    WCHAR *copy = malloc( (len + 1) * sizeof(WCHAR) );

    if (!copy) abort();
    memcpy( copy, str, len * sizeof(WCHAR) );
    copy[len] = 0;
    return copy;
}

/* a loop, not memcmp: libFuzzer's memcmp hook need not see the model's compares */
static UNTRACED BOOL same_wcs( const WCHAR *a, size_t a_len, const WCHAR *b, size_t b_len )
{
    size_t i;

    if (a_len != b_len) return FALSE;
    for (i = 0; i < a_len; i++) if (a[i] != b[i]) return FALSE;
    return TRUE;
}

static UNTRACED WCHAR ref_lower( WCHAR ch )
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static UNTRACED WCHAR *ref_lower_dup( const WCHAR *str, size_t len )
{
    WCHAR *copy = dup_wcs( str, len );
    size_t i;

    for (i = 0; i < len; i++) copy[i] = ref_lower( copy[i] );
    return copy;
}

static UNTRACED BOOL ref_blank( WCHAR ch )
{
    return ch == ' ' || ch == '\t';
}

/* a CTL (RFC 5234) other than HTAB */
static UNTRACED BOOL ref_control( WCHAR ch )
{
    return ch == 0x7f || (ch < 0x20 && ch != '\t');
}

static BOOL ref_any_control( const WCHAR *str, size_t len )
{
    while (len--) if (ref_control( *str++ )) return TRUE;
    return FALSE;
}

static void ref_trim( const WCHAR **str, size_t *len )
{
    while (*len && ref_blank( (*str)[0] )) { (*str)++; (*len)--; }
    while (*len && ref_blank( (*str)[*len - 1] )) (*len)--;
}

static BOOL ref_name_is( const WCHAR *str, size_t len, const char *name )
{
    size_t i;

    if (len != strlen( name )) return FALSE;
    for (i = 0; i < len; i++) if (ref_lower( str[i] ) != (unsigned char)name[i]) return FALSE;
    return TRUE;
}

/* -------- the model of parse_set_cookie -------- */

/* RFC 6265 5.2 with the limits cookies.c documents: FALSE when the cookie is
 * ignored; the strings point into str. */
static BOOL ref_parse( const WCHAR *str, size_t len, struct set_cookie *c )
{
    const WCHAR *end = str + len, *seg, *seg_end, *eq, *name, *value;
    size_t name_len, value_len, i;

    memset( c, 0, sizeof(*c) );
    for (seg_end = str; seg_end < end && *seg_end != ';'; seg_end++) ;
    for (eq = str; eq < seg_end && *eq != '='; eq++) ;
    if (eq == seg_end) return FALSE;                /* no '=' in the name-value pair */
    c->name = str;
    c->name_len = eq - str;
    c->value = eq + 1;
    c->value_len = seg_end - eq - 1;
    ref_trim( &c->name, &c->name_len );
    ref_trim( &c->value, &c->value_len );
    if (!c->name_len || c->name_len + c->value_len > MAX_COOKIE_SIZE) return FALSE;
    if (ref_any_control( c->name, c->name_len ) || ref_any_control( c->value, c->value_len )) return FALSE;

    while (seg_end < end)
    {
        seg = seg_end + 1;
        for (seg_end = seg; seg_end < end && *seg_end != ';'; seg_end++) ;
        for (eq = seg; eq < seg_end && *eq != '='; eq++) ;
        name = seg;
        name_len = eq - seg;
        value = eq < seg_end ? eq + 1 : seg_end;
        value_len = seg_end - value;
        ref_trim( &name, &name_len );
        ref_trim( &value, &value_len );
        if (value_len > MAX_ATTRIBUTE_SIZE) continue;

        if (ref_name_is( name, name_len, "expires" ))
        {
            WCHAR date[64];
            SYSTEMTIME st;
            size_t n = value_len < 63 ? value_len : 63;

            memcpy( date, value, n * sizeof(WCHAR) );
            date[n] = 0;
            if (parse_http_time( date, &st ))
            {
                c->has_expires = TRUE;
                c->expires = st;
            }
        }
        else if (ref_name_is( name, name_len, "max-age" ))
        {
            LONGLONG v = 0;
            BOOL neg = value_len && value[0] == '-', ok = value_len > (size_t)neg;

            for (i = neg; ok && i < value_len; i++)
            {
                if (value[i] < '0' || value[i] > '9') ok = FALSE;
                else if ((v = v * 10 + value[i] - '0') > MAX_AGE_LIMIT) v = MAX_AGE_LIMIT;
            }
            if (ok)
            {
                c->has_max_age = TRUE;
                c->max_age = neg ? -v : v;
            }
        }
        else if (ref_name_is( name, name_len, "domain" ))
        {
            /* an empty value is ignored; "." leaves an empty domain: none */
            if (!value_len) continue;
            if (value[0] == '.') { value++; value_len--; }
            c->domain = value;
            c->domain_len = value_len;
        }
        else if (ref_name_is( name, name_len, "path" ))
        {
            /* not an absolute path: the default path, unless a later Path says otherwise */
            c->path = value_len && value[0] == '/' ? value : NULL;
            c->path_len = c->path ? value_len : 0;
        }
        else if (ref_name_is( name, name_len, "secure" )) c->secure = TRUE;
        else if (ref_name_is( name, name_len, "httponly" )) c->http_only = TRUE;
    }
    return TRUE;
}

/* parse_set_cookie() itself, on an exact-size copy, against the model */
static BOOL check_parse( const WCHAR *str, size_t len, struct set_cookie *c )
{
    struct set_cookie got;
    BOOL ok, ref_ok;

    memset( &got, 0xcc, sizeof(got) );
    ok = parse_set_cookie( str, &got );
    ref_ok = ref_parse( str, len, c );
    CHECK( ok == ref_ok );
    if (!ok) return FALSE;
    CHECK( got.name == c->name && got.name_len == c->name_len );
    CHECK( got.value == c->value && got.value_len == c->value_len );
    CHECK( (got.domain && got.domain_len) == (c->domain && c->domain_len) );
    if (c->domain && c->domain_len) CHECK( got.domain == c->domain && got.domain_len == c->domain_len );
    CHECK( !got.path == !c->path );
    if (c->path) CHECK( got.path == c->path && got.path_len == c->path_len );
    CHECK( got.has_max_age == c->has_max_age );
    if (c->has_max_age) CHECK( got.max_age == c->max_age );
    CHECK( got.has_expires == c->has_expires );
    if (c->has_expires) CHECK( !memcmp( &got.expires, &c->expires, sizeof(got.expires) ) );
    CHECK( got.secure == c->secure && got.http_only == c->http_only );
    /* what parsing gives lies inside the string */
    CHECK( got.name >= str && got.name + got.name_len <= str + len );
    CHECK( got.value >= str && got.value + got.value_len <= str + len );
    return TRUE;
}

/* -------- the model of matching -------- */

static UNTRACED BOOL ref_is_ip( const WCHAR *host )
{
    size_t i;

    if (host[0] == '[') return TRUE;
    for (i = 0; host[i]; i++) if (host[i] == ':') return TRUE;
    for (i = 0; host[i]; i++) if ((host[i] < '0' || host[i] > '9') && host[i] != '.') return FALSE;
    return i > 0;
}

/* RFC 6265 5.1.3, both in lower case */
static UNTRACED BOOL ref_domain_match( const WCHAR *host, const WCHAR *domain )
{
    size_t h = wcslen( host ), d = wcslen( domain );

    if (same_wcs( host, h, domain, d )) return TRUE;
    return h > d && host[h - d - 1] == '.' && same_wcs( host + h - d, d, domain, d ) && !ref_is_ip( host );
}

/* the request's path as cookies see it: before '?' or '#'; "/" if not absolute */
static const WCHAR *ref_request_path( const WCHAR *path, size_t *len )
{
    size_t n;

    if (!path || path[0] != '/')
    {
        *len = 1;
        return L"/";
    }
    for (n = 0; path[n] && path[n] != '?' && path[n] != '#'; n++) ;
    *len = n;
    return path;
}

/* RFC 6265 5.1.4 */
static UNTRACED BOOL ref_path_match( const WCHAR *req, size_t req_len, const WCHAR *cookie_path )
{
    size_t n = wcslen( cookie_path );

    if (same_wcs( req, req_len, cookie_path, n )) return TRUE;
    if (n >= req_len || !same_wcs( req, n, cookie_path, n )) return FALSE;
    return cookie_path[n - 1] == '/' || req[n] == '/';
}

/* -------- the fuzzing state -------- */

struct fuzz_request
{
    WCHAR *host, *path;     /* exact-size copies, or NULL */
    BOOL secure;
};

/* marks by creation stamp, for comparing the jar's set of cookies with a prediction */
static unsigned char *marks;
static size_t marks_size;

static UNTRACED void clear_marks( ULONGLONG clock )
{
    if (clock + 2 > marks_size)
    {
        size_t size = (clock + 2) * 2;
        if (!(marks = realloc( marks, size ))) abort();
        marks_size = size;
    }
    memset( marks, 0, clock + 2 );
}

/* what must hold of the jar at any time */
static UNTRACED void check_cookie( const struct cookie_jar *jar, const struct cookie *cookie )
{
    size_t name_len = wcslen( cookie->name ), value_len = wcslen( cookie->value );
    size_t domain_len = wcslen( cookie->domain ), i;

    CHECK( name_len && name_len + value_len <= MAX_COOKIE_SIZE );
    CHECK( !ref_blank( cookie->name[0] ) && !ref_blank( cookie->name[name_len - 1] ) );
    CHECK( !value_len || (!ref_blank( cookie->value[0] ) && !ref_blank( cookie->value[value_len - 1] )) );
    for (i = 0; i < name_len; i++) CHECK( !ref_control( cookie->name[i] ) && cookie->name[i] != ';' && cookie->name[i] != '=' );
    for (i = 0; i < value_len; i++) CHECK( !ref_control( cookie->value[i] ) && cookie->value[i] != ';' );
    CHECK( domain_len );
    for (i = 0; i < domain_len; i++) CHECK( cookie->domain[i] == ref_lower( cookie->domain[i] ) );
    if (!cookie->host_only) CHECK( domain_len <= MAX_ATTRIBUTE_SIZE && wcschr( cookie->domain, '.' ) );
    CHECK( cookie->path[0] == '/' );
    CHECK( cookie->created && cookie->created <= jar->clock );
    CHECK( cookie->used >= cookie->created && cookie->used <= jar->clock );
}

static UNTRACED int compare_domains( const void *a, const void *b )
{
    return wcscmp( (*(const struct cookie *const *)a)->domain, (*(const struct cookie *const *)b)->domain );
}

/* Cheap checks after every command; in full (each cookie, and the count of
 * each domain, a sort) after floods and at the end: a cookie never changes
 * but for its use stamp, and do_store checks each new one. */
static UNTRACED void check_jar( const struct cookie_jar *jar, BOOL full )
{
    struct cookie **sorted;
    unsigned int i, run;

    CHECK( jar->count <= jar->capacity && jar->capacity <= MAX_COOKIES );
    CHECK( !jar->lock.Ptr );
    if (!jar->count || !full) return;
    clear_marks( jar->clock );
    for (i = 0; i < jar->count; i++)
    {
        check_cookie( jar, jar->cookies[i] );
        CHECK( !marks[jar->cookies[i]->created] );   /* creation stamps are unique */
        marks[jar->cookies[i]->created] = 1;
    }
    sorted = copy_exact( jar->cookies, jar->count * sizeof(*sorted) );
    qsort( sorted, jar->count, sizeof(*sorted), compare_domains );
    for (i = run = 1; i < jar->count; i++)
    {
        run = wcscmp( sorted[i - 1]->domain, sorted[i]->domain ) ? 1 : run + 1;
        CHECK( run <= MAX_DOMAIN_COOKIES );
    }
    free( sorted );
}

/* the cookie the jar ends up holding after a store, as predicted */
struct expected_cookie
{
    const WCHAR *name, *value, *path;
    size_t name_len, value_len, path_len;
    WCHAR *domain;
    BOOL host_only, secure, http_only;
    ULONGLONG expires;
};

/* FALSE when the store must leave the jar untouched */
static BOOL predict_cookie( const struct fuzz_request *req, const WCHAR *str, size_t len, struct expected_cookie *e,
                            ULONGLONG now )
{
    struct set_cookie c;
    WCHAR *host, *domain;
    size_t req_len, i;
    const WCHAR *req_path;
    FILETIME ft;

    if (!check_parse( str, len, &c )) return FALSE;
    if (!req->host || !req->host[0]) return FALSE;
    host = ref_lower_dup( req->host, wcslen( req->host ) );

    memset( e, 0, sizeof(*e) );
    if (c.domain && c.domain_len)
    {
        domain = ref_lower_dup( c.domain, c.domain_len );
        if (!wcscmp( domain, host ))
            e->host_only = !wcschr( domain, '.' ) || ref_is_ip( host );
        else if (wcschr( domain, '.' ) && ref_domain_match( host, domain ))
            e->host_only = FALSE;
        else
        {
            /* not this host's, or a public suffix (a single label) */
            free( domain );
            free( host );
            return FALSE;
        }
        free( host );
    }
    else
    {
        domain = host;
        e->host_only = TRUE;
    }
    e->domain = domain;
    e->name = c.name;
    e->name_len = c.name_len;
    e->value = c.value;
    e->value_len = c.value_len;
    if (c.path)
    {
        e->path = c.path;
        e->path_len = c.path_len;
    }
    else
    {
        /* the default path: the request path's directory */
        req_path = ref_request_path( req->path, &req_len );
        e->path = req_path;
        e->path_len = 1;
        for (i = 1; i < req_len; i++) if (req_path[i] == '/') e->path_len = i;
    }
    e->secure = c.secure;
    e->http_only = c.http_only;
    if (c.has_max_age) e->expires = c.max_age <= 0 ? 0 : now + (ULONGLONG)c.max_age * TICKS_PER_SECOND;
    else if (c.has_expires && SystemTimeToFileTime( &c.expires, &ft ))
        e->expires = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    else e->expires = NEVER;
    return TRUE;
}

static UNTRACED BOOL cookie_is( const struct cookie *cookie, const struct expected_cookie *e )
{
    return same_wcs( cookie->name, wcslen( cookie->name ), e->name, e->name_len ) &&
           !wcscmp( cookie->domain, e->domain ) &&
           same_wcs( cookie->path, wcslen( cookie->path ), e->path, e->path_len );
}

/* the cookie used longest ago among those still kept, of the domain if given */
static UNTRACED int least_used( const struct cookie_jar *jar, const unsigned char *keep, const WCHAR *domain )
{
    unsigned int i;
    int victim = -1;

    for (i = 0; i < jar->count; i++)
    {
        if (!keep[i] || (domain && wcscmp( jar->cookies[i]->domain, domain ))) continue;
        if (victim < 0 || jar->cookies[i]->used < jar->cookies[victim]->used) victim = i;
    }
    return victim;
}

/* One store, with the jar's contents afterwards predicted in full. */
static UNTRACED void do_store( struct cookie_jar *jar, const struct fuzz_request *req, const WCHAR *value, size_t len )
{
    struct expected_cookie e;
    WCHAR *copy = dup_wcs( value, len );
    ULONGLONG now = wine_native_now(), clock = jar->clock, new_created = 0;
    unsigned int i, kept = 0, same_domain = 0, count = jar->count;
    unsigned char *keep = malloc( count + 1 );
    BOOL changes, added = FALSE;
    int victim;

    if (!keep) abort();
    work += count + 1;
    memset( keep, 1, count + 1 );
    changes = predict_cookie( req, copy, len, &e, now );
    if (changes)
    {
        new_created = clock + 1;
        for (i = 0; i < count; i++)
            if (cookie_is( jar->cookies[i], &e ))
            {
                new_created = jar->cookies[i]->created;   /* a replacement keeps its creation time */
                keep[i] = 0;
                break;
            }
        if (e.expires > now)
        {
            added = TRUE;
            /* room is made: the expired go, then the least recently used of the
             * domain, then of the jar */
            for (i = 0; i < count; i++)
            {
                if (keep[i] && jar->cookies[i]->expires <= now) keep[i] = 0;
                if (keep[i] && !wcscmp( jar->cookies[i]->domain, e.domain )) same_domain++;
            }
            if (same_domain >= MAX_DOMAIN_COOKIES && (victim = least_used( jar, keep, e.domain )) >= 0)
                keep[victim] = 0;
            for (i = 0; i < count; i++) kept += keep[i];
            if (kept >= MAX_COOKIES && (victim = least_used( jar, keep, NULL )) >= 0) keep[victim] = 0;
        }
    }
    clear_marks( clock + 1 );
    for (i = kept = 0; i < count; i++)
        if (keep[i])
        {
            marks[jar->cookies[i]->created] = 1;
            kept++;
        }

    cookie_jar_store( jar, req->host, req->path, req->secure, copy );

    CHECK( !memcmp( copy, value, len * sizeof(WCHAR) ) && !copy[len] );
    CHECK( jar->clock == clock + changes );
    CHECK( jar->count == kept + added );
    for (i = 0; i < jar->count; i++)
    {
        const struct cookie *cookie = jar->cookies[i];

        if (added && cookie->created == new_created && cookie_is( cookie, &e ))
        {
            CHECK( same_wcs( cookie->value, wcslen( cookie->value ), e.value, e.value_len ) );
            CHECK( cookie->host_only == e.host_only );
            CHECK( cookie->secure == e.secure && cookie->http_only == e.http_only );
            CHECK( cookie->expires == e.expires );
            CHECK( cookie->used == clock + 1 );
            check_cookie( jar, cookie );
            added = FALSE;
            continue;
        }
        CHECK( cookie->created <= clock && marks[cookie->created] );
        marks[cookie->created] = 0;
    }
    CHECK( !added );
    if (changes) free( e.domain );
    free( keep );
    free( copy );
}

static UNTRACED int compare_sent( const void *a, const void *b )
{
    const struct cookie *x = *(const struct cookie *const *)a, *y = *(const struct cookie *const *)b;
    size_t x_len = wcslen( x->path ), y_len = wcslen( y->path );

    if (x_len != y_len) return x_len > y_len ? -1 : 1;
    return x->created < y->created ? -1 : x->created > y->created;
}

/* The header's shape, whatever the jar: "name=value" pairs joined by "; ",
 * each the pair of a cookie the request may carry. */
static UNTRACED void check_header_form( const struct cookie_jar *jar, const struct fuzz_request *req, const WCHAR *header )
{
    const WCHAR *p = header, *name, *eq, *end;
    unsigned int i;
    BOOL found;

    for (;;)
    {
        name = p;
        for (end = p; *end && *end != ';'; end++) CHECK( *end != '\r' && *end != '\n' );
        for (eq = name; eq < end && *eq != '='; eq++) ;
        CHECK( eq > name && eq < end );
        found = FALSE;
        for (i = 0; i < jar->count && !found; i++)
        {
            const struct cookie *cookie = jar->cookies[i];
            if (cookie->secure && !req->secure) continue;   /* never to plain HTTP */
            found = same_wcs( cookie->name, wcslen( cookie->name ), name, eq - name ) &&
                    same_wcs( cookie->value, wcslen( cookie->value ), eq + 1, end - eq - 1 );
        }
        CHECK( found );
        if (!*end) break;
        CHECK( end[1] == ' ' && end[2] && end[2] != ' ' );
        p = end + 2;
    }
}

/* One header query, the header and the jar afterwards predicted in full. */
static UNTRACED void do_header( struct cookie_jar *jar, const struct fuzz_request *req )
{
    ULONGLONG now = wine_native_now(), clock = jar->clock;
    unsigned int i, count = jar->count, n = 0, kept = 0;
    struct cookie **sent = malloc( (count + 1) * sizeof(*sent) );
    WCHAR *host = NULL, *header, *expect = NULL, *p;
    const WCHAR *req_path = NULL;
    size_t req_len = 0, len = 0;
    BOOL active = req->host && req->host[0];

    if (!sent) abort();
    work += count + 1;
    clear_marks( clock );
    if (active)
    {
        host = ref_lower_dup( req->host, wcslen( req->host ) );
        req_path = ref_request_path( req->path, &req_len );
    }
    for (i = 0; i < count; i++)
    {
        struct cookie *cookie = jar->cookies[i];

        if (active && cookie->expires <= now) continue;   /* gone */
        marks[cookie->created] = 1;
        kept++;
        if (!active) continue;
        if (cookie->host_only ? wcscmp( host, cookie->domain ) : !ref_domain_match( host, cookie->domain )) continue;
        if (!ref_path_match( req_path, req_len, cookie->path )) continue;
        if (cookie->secure && !req->secure) continue;
        sent[n++] = cookie;
        len += wcslen( cookie->name ) + wcslen( cookie->value ) + 3;
    }
    if (n)
    {
        qsort( sent, n, sizeof(*sent), compare_sent );
        if (!(p = expect = malloc( len * sizeof(WCHAR) ))) abort();
        for (i = 0; i < n; i++)
        {
            if (i) { *p++ = ';'; *p++ = ' '; }
            p += wcslen( wcscpy( p, sent[i]->name ) );
            *p++ = '=';
            p += wcslen( wcscpy( p, sent[i]->value ) );
        }
        *p = 0;
    }

    header = cookie_jar_header( jar, req->host, req->path, req->secure );

    if (!expect) CHECK( !header );
    else
    {
        CHECK( header );
        CHECK( !wcscmp( header, expect ) );
        check_header_form( jar, req, header );
        /* sending is using: the stamps follow the header's order */
        for (i = 0; i < n; i++) CHECK( sent[i]->used == clock + 1 + i );
    }
    CHECK( jar->clock == clock + n );
    CHECK( jar->count == kept );
    for (i = 0; i < jar->count; i++)
    {
        CHECK( jar->cookies[i]->created <= clock && marks[jar->cookies[i]->created] );
        marks[jar->cookies[i]->created] = 0;
    }
    free( header );
    free( expect );
    free( host );
    free( sent );
}

/* -------- the script -------- */

/* A line's text as characters: Latin-1 bytes, 0x01 and two bytes for any other;
 * cut at the first NUL, as a C string would be. */
static WCHAR *decode( const uint8_t *p, size_t size, size_t *len )
{
    WCHAR *text = malloc( (size + 1) * sizeof(WCHAR) );
    size_t i, n = 0;

    if (!text) abort();
    for (i = 0; i < size; i++)
    {
        if (p[i] != 1) text[n++] = p[i];
        else if (size - i >= 3)
        {
            text[n++] = p[i + 1] | p[i + 2] << 8;
            i += 2;
        }
        else break;
    }
    text[n] = 0;
    *len = wcslen( text );
    return text;
}

/* leading decimal digits, saturated at max; *used counts them */
static ULONGLONG read_number( const uint8_t *p, size_t size, ULONGLONG max, size_t *used )
{
    ULONGLONG n = 0;
    size_t i;

    for (i = 0; i < size && p[i] >= '0' && p[i] <= '9'; i++) if ((n = n * 10 + p[i] - '0') > max) n = max;
    *used = i;
    return n;
}

static void set_string( WCHAR **dst, const uint8_t *p, size_t size )
{
    size_t len;
    WCHAR *text = decode( p, size, &len );

    free( *dst );
    *dst = dup_wcs( text, len );
    free( text );
}

static size_t put_ascii( WCHAR *dst, const char *src )
{
    size_t i;

    for (i = 0; src[i]; i++) dst[i] = (unsigned char)src[i];
    return i;
}

/* n stores of prefix<i><template> (or prefix<i>=1), from the request's host or from j<i>.<host> */
static void flood( struct cookie_jar *jar, struct fuzz_request *req, const uint8_t *p, size_t size, BOOL per_host )
{
    size_t used, t_len, host_len = req->host ? wcslen( req->host ) : 0, len;
    ULONGLONG i, n = read_number( p, size, per_host ? MAX_FLOOD_HOSTS : MAX_FLOOD_DOMAIN, &used );
    WCHAR *template = decode( p + used, size - used, &t_len ), *value, *host, *saved_host = req->host;
    char num[32];

    value = malloc( (t_len + 32) * sizeof(WCHAR) );
    host = malloc( (host_len + 40) * sizeof(WCHAR) );
    if (!value || !host) abort();
    for (i = 0; i < n && work <= WORK_BUDGET; i++)
    {
        snprintf( num, sizeof(num), "%llu", (unsigned long long)i );
        if (per_host)
        {
            len = put_ascii( host, "j" );
            len += put_ascii( host + len, num );
            if (req->host) len += put_ascii( host + len, "." );
            memcpy( host + len, req->host ? req->host : L"", host_len * sizeof(WCHAR) );
            host[len + host_len] = 0;
            req->host = dup_wcs( host, len + host_len );
            len = put_ascii( value, "j" );
            if (t_len) memcpy( value + len, template, t_len * sizeof(WCHAR) ), len += t_len;
            else len += put_ascii( value + len, "=" ), len += put_ascii( value + len, num );
        }
        else
        {
            len = put_ascii( value, "d" );
            len += put_ascii( value + len, num );
            if (t_len) memcpy( value + len, template, t_len * sizeof(WCHAR) ), len += t_len;
            else len += put_ascii( value + len, "=1" );
        }
        value[len] = 0;
        do_store( jar, req, value, len );
        if (per_host)
        {
            free( req->host );
            req->host = saved_host;
        }
    }
    free( host );
    free( value );
    free( template );
}

/* the full jar that 'Z' copies */
static struct cookie_jar *full_jar;

/* Fills a jar by real stores, round robin over the domains so that each has
 * its own order of use; some cookies are Secure, have a path or expire. */
static void build_full_jar( void )
{
    struct fuzz_request req = { NULL, NULL, FALSE };
    char host[32], value[96];
    WCHAR text[96];
    unsigned int i, k, len;

    if (!(full_jar = cookie_jar_create())) abort();
    for (i = 0; i < MAX_COOKIES; i++)
    {
        k = i % FULL_DOMAINS;
        snprintf( host, sizeof(host), "z%u.example.org", k );
        len = snprintf( value, sizeof(value), "c%u=%u%s%s%s", i / FULL_DOMAINS, i,
                        k % 2 ? "; Path=/p" : "", i % 11 ? "" : "; Secure", i % 7 ? "" : "; Max-Age=3600" );
        req.host = dup_wcs( text, put_ascii( text, host ) );
        req.path = NULL;
        put_ascii( text, value );
        do_store( full_jar, &req, text, len );
        free( req.host );
    }
    check_jar( full_jar, TRUE );
    CHECK( full_jar->count == MAX_COOKIES );
}

/* a deep copy: each cookie is one allocation, its strings after the struct */
static struct cookie_jar *copy_jar( const struct cookie_jar *jar )
{
    struct cookie_jar *copy = cookie_jar_create();
    unsigned int i;

    if (!copy || !(copy->cookies = malloc( jar->capacity * sizeof(*copy->cookies) ))) abort();
    copy->capacity = jar->capacity;
    copy->count = jar->count;
    copy->clock = jar->clock;
    for (i = 0; i < jar->count; i++)
    {
        const struct cookie *old = jar->cookies[i];
        struct cookie *new;
        size_t size = sizeof(*old) + (wcslen( old->name ) + wcslen( old->value ) + wcslen( old->domain ) +
                                      wcslen( old->path ) + 4) * sizeof(WCHAR);

        new = copy_exact( old, size );
        new->name = (WCHAR *)((char *)new + ((const char *)old->name - (const char *)old));
        new->value = (WCHAR *)((char *)new + ((const char *)old->value - (const char *)old));
        new->domain = (WCHAR *)((char *)new + ((const char *)old->domain - (const char *)old));
        new->path = (WCHAR *)((char *)new + ((const char *)old->path - (const char *)old));
        copy->cookies[i] = new;
    }
    return copy;
}

int LLVMFuzzerInitialize( int *argc, char ***argv )
{
    wine_native_init();
    wine_native_clock_shift = 0;
    build_full_jar();
    return 0;
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    struct fuzz_request req = { NULL, NULL, FALSE };
    struct cookie_jar *jar;
    const uint8_t *line = data, *end = data + size, *nl;
    WCHAR *text;
    size_t len, used;
    ULONGLONG secs;

    wine_native_clock_shift = 0;
    work = 0;
    req.host = dup_wcs( L"www.example.com", 15 );
    req.path = dup_wcs( L"/", 1 );
    if (!(jar = cookie_jar_create())) abort();

    for (; line < end && work <= WORK_BUDGET; line = nl + 1)
    {
        size_t n;

        if (!(nl = memchr( line, '\n', end - line ))) nl = end;
        n = nl - line;
        if (!n) continue;
        switch (line[0])
        {
        case 'H': set_string( &req.host, line + 1, n - 1 ); break;
        case 'h': free( req.host ); req.host = NULL; break;
        case 'P': set_string( &req.path, line + 1, n - 1 ); break;
        case 'p': free( req.path ); req.path = NULL; break;
        case 'T': req.secure = TRUE; break;
        case 'F': req.secure = FALSE; break;
        case 'S':
            text = decode( line + 1, n - 1, &len );
            do_store( jar, &req, text, len );
            free( text );
            break;
        case 'G':
            do_header( jar, &req );
            break;
        case 'A':
            secs = read_number( line + 1, n - 1, MAX_CLOCK_SHIFT / TICKS_PER_SECOND, &used );
            wine_native_clock_shift += secs * TICKS_PER_SECOND;
            if (wine_native_clock_shift > MAX_CLOCK_SHIFT) wine_native_clock_shift = MAX_CLOCK_SHIFT;
            break;
        case 'D': flood( jar, &req, line + 1, n - 1, FALSE ); break;
        case 'J': flood( jar, &req, line + 1, n - 1, TRUE ); break;
        case 'Z':
            cookie_jar_free( jar );
            jar = copy_jar( full_jar );
            break;
        default: continue;
        }
        check_jar( jar, line[0] == 'D' || line[0] == 'J' );
    }
    /* a last look, as a request would take */
    do_header( jar, &req );
    check_jar( jar, TRUE );

    cookie_jar_free( jar );
    free( req.host );
    free( req.path );
    return 0;
}
