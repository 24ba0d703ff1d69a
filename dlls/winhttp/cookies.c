/*
 * The session's cookie jar (RFC 6265): what Set-Cookie headers store and
 * the Cookie header each request gets back.
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
 * Storing follows RFC 6265 section 5.3 and sending section 5.4. Where RFC
 * 6265bis has since closed a hole that matters to a client without a user,
 * we take that too: control characters reject a cookie (they would end up in
 * our request head), and over-long cookies and attribute values are dropped.
 * We have no public suffix list: a Domain of a single label is taken to be a
 * public suffix, so "Domain=com" is refused while "Domain=example.com" from
 * www.example.com is accepted.
 *
 * A hostile server must not make the jar grow without bound: a cookie's name
 * and value together are at most MAX_COOKIE_SIZE characters, a domain holds
 * at most MAX_DOMAIN_COOKIES and the jar MAX_COOKIES; beyond that the cookie
 * used longest ago goes, after the expired ones.
 */

#define MAX_COOKIE_SIZE     4096
#define MAX_ATTRIBUTE_SIZE  1024
#define MAX_DOMAIN_COOKIES  50
#define MAX_COOKIES         3000

#define TICKS_PER_SECOND    10000000
#define MAX_AGE_LIMIT       ((LONGLONG)1 << 40)   /* seconds; more is "forever" anyway */
#define NEVER               (~(ULONGLONG)0)

/* What one Set-Cookie value says; the strings point into it and are not
 * terminated. A NULL domain or path means the attribute was not given (or,
 * for path, that the last one was not an absolute path: the default applies). */
struct set_cookie
{
    const WCHAR *name, *value, *domain, *path;
    size_t name_len, value_len, domain_len, path_len;
    BOOL has_max_age;
    LONGLONG max_age;           /* seconds; <= 0 means expired already */
    BOOL has_expires;
    SYSTEMTIME expires;
    BOOL secure;
    BOOL http_only;
};

struct cookie
{
    WCHAR *name;                /* the four strings live in the same allocation */
    WCHAR *value;
    WCHAR *domain;              /* lower case, without a leading dot */
    WCHAR *path;
    ULONGLONG expires;          /* FILETIME ticks; NEVER for a session cookie */
    ULONGLONG created;          /* the jar's clock: orders cookies of equal path length */
    ULONGLONG used;             /* the jar's clock when last stored or sent: eviction order */
    BOOL host_only;
    BOOL secure;
    BOOL http_only;
};

struct cookie_jar
{
    SRWLOCK lock;
    struct cookie **cookies;
    unsigned int count;
    unsigned int capacity;
    ULONGLONG clock;            /* counts stores and sends, never goes back */
};

static BOOL is_space( WCHAR c )
{
    return c == ' ' || c == '\t';
}

/* CTLs but horizontal tab */
static BOOL is_control( WCHAR c )
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static WCHAR to_lower( WCHAR c )
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static void trim( const WCHAR **str, size_t *len )
{
    while (*len && is_space( **str ))
    {
        (*str)++;
        (*len)--;
    }
    while (*len && is_space( (*str)[*len - 1] )) (*len)--;
}

static BOOL has_control( const WCHAR *str, size_t len )
{
    size_t i;

    for (i = 0; i < len; i++) if (is_control( str[i] )) return TRUE;
    return FALSE;
}

static BOOL equal_nocase( const WCHAR *str, size_t len, const char *ascii )
{
    size_t i;

    for (i = 0; i < len; i++) if (!ascii[i] || to_lower( str[i] ) != ascii[i]) return FALSE;
    return !ascii[len];
}

/* RFC 6265 5.2.2: an optional minus and digits, nothing else */
static BOOL parse_max_age( const WCHAR *str, size_t len, LONGLONG *seconds )
{
    BOOL negative = FALSE;
    LONGLONG value = 0;
    size_t i = 0;

    if (len && str[0] == '-')
    {
        negative = TRUE;
        i++;
    }
    if (i == len) return FALSE;
    for (; i < len; i++)
    {
        if (str[i] < '0' || str[i] > '9') return FALSE;
        if (value < MAX_AGE_LIMIT) value = value * 10 + (str[i] - '0');
    }
    if (value > MAX_AGE_LIMIT) value = MAX_AGE_LIMIT;
    *seconds = negative ? -value : value;
    return TRUE;
}

static BOOL parse_expires( const WCHAR *str, size_t len, SYSTEMTIME *time )
{
    WCHAR buffer[64];

    /* the date is near the start; parse_http_time ignores what follows it anyway */
    if (len >= ARRAY_SIZE(buffer)) len = ARRAY_SIZE(buffer) - 1;
    memcpy( buffer, str, len * sizeof(WCHAR) );
    buffer[len] = 0;
    return parse_http_time( buffer, time );
}

static void parse_attribute( struct set_cookie *c, const WCHAR *name, size_t name_len,
                             const WCHAR *value, size_t value_len )
{
    LONGLONG seconds;
    SYSTEMTIME time;

    if (value_len > MAX_ATTRIBUTE_SIZE) return;

    if (equal_nocase( name, name_len, "expires" ))
    {
        if (parse_expires( value, value_len, &time ))
        {
            c->has_expires = TRUE;
            c->expires = time;
        }
    }
    else if (equal_nocase( name, name_len, "max-age" ))
    {
        if (parse_max_age( value, value_len, &seconds ))
        {
            c->has_max_age = TRUE;
            c->max_age = seconds;
        }
    }
    else if (equal_nocase( name, name_len, "domain" ))
    {
        if (!value_len) return;
        if (value[0] == '.')
        {
            value++;
            value_len--;
        }
        c->domain = value;
        c->domain_len = value_len;
    }
    else if (equal_nocase( name, name_len, "path" ))
    {
        if (value_len && value[0] == '/')
        {
            c->path = value;
            c->path_len = value_len;
        }
        else c->path = NULL;
    }
    else if (equal_nocase( name, name_len, "secure" )) c->secure = TRUE;
    else if (equal_nocase( name, name_len, "httponly" )) c->http_only = TRUE;
}

/* RFC 6265 5.2, without allocation or state, so that it can be fuzzed alone.
 * FALSE when the whole Set-Cookie value is to be ignored. */
static BOOL parse_set_cookie( const WCHAR *str, struct set_cookie *c )
{
    const WCHAR *p, *end, *eq, *name, *value;
    size_t name_len, value_len;

    memset( c, 0, sizeof(*c) );

    for (end = str; *end && *end != ';'; end++) ;
    for (eq = str; eq < end && *eq != '='; eq++) ;
    if (eq == end) return FALSE;

    c->name = str;
    c->name_len = eq - str;
    c->value = eq + 1;
    c->value_len = end - (eq + 1);
    trim( &c->name, &c->name_len );
    trim( &c->value, &c->value_len );
    if (!c->name_len) return FALSE;
    if (c->name_len + c->value_len > MAX_COOKIE_SIZE) return FALSE;
    if (has_control( c->name, c->name_len ) || has_control( c->value, c->value_len )) return FALSE;

    while (*end == ';')
    {
        p = end + 1;
        for (end = p; *end && *end != ';'; end++) ;
        for (eq = p; eq < end && *eq != '='; eq++) ;

        name = p;
        name_len = eq - p;
        if (eq < end)
        {
            value = eq + 1;
            value_len = end - (eq + 1);
        }
        else
        {
            value = end;
            value_len = 0;
        }
        trim( &name, &name_len );
        trim( &value, &value_len );
        parse_attribute( c, name, name_len, value, value_len );
    }
    return TRUE;
}

static ULONGLONG current_time( void )
{
    FILETIME ft;

    GetSystemTimeAsFileTime( &ft );
    return ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

/* Max-Age wins over Expires; neither makes a session cookie */
static ULONGLONG expiry_time( const struct set_cookie *c, ULONGLONG now )
{
    FILETIME ft;

    if (c->has_max_age)
    {
        if (c->max_age <= 0) return 0;
        return now + (ULONGLONG)c->max_age * TICKS_PER_SECOND;
    }
    if (c->has_expires && SystemTimeToFileTime( &c->expires, &ft ))
        return ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    return NEVER;
}

static WCHAR *lower_copy( const WCHAR *str, size_t len )
{
    WCHAR *copy;
    size_t i;

    if (!(copy = malloc( (len + 1) * sizeof(WCHAR) ))) return NULL;
    for (i = 0; i < len; i++) copy[i] = to_lower( str[i] );
    copy[len] = 0;
    return copy;
}

/* RFC 6265 5.1.3; both in lower case */
static BOOL domain_match( const WCHAR *host, const WCHAR *domain, size_t domain_len )
{
    size_t host_len = wcslen( host );

    if (host_len == domain_len && !memcmp( host, domain, domain_len * sizeof(WCHAR) )) return TRUE;
    /* an IP address literal is matched only as a whole (RFC 6265 5.1.3) */
    if (host_len <= domain_len || is_ip_literal( host )) return FALSE;
    if (host[host_len - domain_len - 1] != '.') return FALSE;
    return !memcmp( host + host_len - domain_len, domain, domain_len * sizeof(WCHAR) );
}

/* The request's path without its query or fragment; "/" when it is not absolute. */
static size_t request_path_len( const WCHAR **path )
{
    const WCHAR *p;

    if (!*path || (*path)[0] != '/')
    {
        *path = L"/";
        return 1;
    }
    for (p = *path; *p && *p != '?' && *p != '#'; p++) ;
    return p - *path;
}

/* RFC 6265 5.1.4: the directory of the request path */
static size_t default_path_len( const WCHAR *path, size_t len )
{
    size_t last = 0, i;

    for (i = 0; i < len; i++) if (path[i] == '/') last = i;
    return last ? last : 1;
}

/* RFC 6265 5.1.4 */
static BOOL path_match( const WCHAR *request_path, size_t request_len, const WCHAR *cookie_path )
{
    size_t len = wcslen( cookie_path );

    if (len > request_len || memcmp( request_path, cookie_path, len * sizeof(WCHAR) )) return FALSE;
    return len == request_len || cookie_path[len - 1] == '/' || request_path[len] == '/';
}

static struct cookie *alloc_cookie( const struct set_cookie *c, const WCHAR *domain, size_t domain_len,
                                    const WCHAR *path, size_t path_len )
{
    struct cookie *cookie;
    size_t size = sizeof(*cookie) +
                  (c->name_len + c->value_len + domain_len + path_len + 4) * sizeof(WCHAR);
    WCHAR *p;

    if (!(cookie = calloc( 1, size ))) return NULL;
    p = (WCHAR *)(cookie + 1);
    cookie->name = p;
    memcpy( p, c->name, c->name_len * sizeof(WCHAR) );
    p += c->name_len;
    *p++ = 0;
    cookie->value = p;
    memcpy( p, c->value, c->value_len * sizeof(WCHAR) );
    p += c->value_len;
    *p++ = 0;
    cookie->domain = p;
    memcpy( p, domain, domain_len * sizeof(WCHAR) );
    p += domain_len;
    *p++ = 0;
    cookie->path = p;
    memcpy( p, path, path_len * sizeof(WCHAR) );
    p[path_len] = 0;
    cookie->secure = c->secure;
    cookie->http_only = c->http_only;
    return cookie;
}

struct cookie_jar *cookie_jar_create( void )
{
    struct cookie_jar *jar;

    if (!(jar = calloc( 1, sizeof(*jar) ))) return NULL;
    InitializeSRWLock( &jar->lock );
    return jar;
}

void cookie_jar_free( struct cookie_jar *jar )
{
    unsigned int i;

    if (!jar) return;
    for (i = 0; i < jar->count; i++) free( jar->cookies[i] );
    free( jar->cookies );
    free( jar );
}

/* the order within the jar does not matter: sending sorts */
static void remove_cookie( struct cookie_jar *jar, unsigned int index )
{
    free( jar->cookies[index] );
    jar->cookies[index] = jar->cookies[--jar->count];
}

static void remove_expired( struct cookie_jar *jar, ULONGLONG now )
{
    unsigned int i = 0;

    while (i < jar->count)
    {
        if (jar->cookies[i]->expires <= now) remove_cookie( jar, i );
        else i++;
    }
}

/* Drops the cookie used longest ago, of the domain if one is given. */
static void evict_cookie( struct cookie_jar *jar, const WCHAR *domain )
{
    unsigned int i, victim = jar->count;

    for (i = 0; i < jar->count; i++)
    {
        if (domain && wcscmp( jar->cookies[i]->domain, domain )) continue;
        if (victim == jar->count || jar->cookies[i]->used < jar->cookies[victim]->used) victim = i;
    }
    if (victim < jar->count)
    {
        TRACE( "evicting %s for %s\n", debugstr_w(jar->cookies[victim]->name),
               debugstr_w(jar->cookies[victim]->domain) );
        remove_cookie( jar, victim );
    }
}

/* Makes room for one more cookie of the domain; FALSE when memory is short. */
static BOOL make_room( struct cookie_jar *jar, const WCHAR *domain, ULONGLONG now )
{
    unsigned int i, same_domain = 0;
    struct cookie **cookies;

    remove_expired( jar, now );
    for (i = 0; i < jar->count; i++) if (!wcscmp( jar->cookies[i]->domain, domain )) same_domain++;
    if (same_domain >= MAX_DOMAIN_COOKIES) evict_cookie( jar, domain );
    if (jar->count >= MAX_COOKIES) evict_cookie( jar, NULL );

    if (jar->count < jar->capacity) return TRUE;
    i = jar->capacity ? jar->capacity * 2 : 16;
    if (i > MAX_COOKIES) i = MAX_COOKIES;
    if (!(cookies = realloc( jar->cookies, i * sizeof(*cookies) ))) return FALSE;
    jar->cookies = cookies;
    jar->capacity = i;
    return TRUE;
}

/* RFC 6265 5.3. We keep the rule of RFC 6265 here rather than 6265bis's:
 * a Secure cookie set over plain HTTP is stored, and only sent over HTTPS. */
void cookie_jar_store( struct cookie_jar *jar, const WCHAR *host, const WCHAR *path, BOOL secure,
                       const WCHAR *set_cookie )
{
    struct set_cookie c;
    struct cookie *cookie, *old;
    WCHAR *canon_host = NULL, *domain = NULL;
    const WCHAR *cookie_path;
    size_t domain_len, path_len, request_len;
    ULONGLONG now;
    BOOL host_only;
    unsigned int i;

    TRACE( "%p, %s, %s, %d, %s\n", jar, debugstr_w(host), debugstr_w(path), secure, debugstr_w(set_cookie) );

    if (!jar || !host || !*host || !set_cookie) return;
    if (!parse_set_cookie( set_cookie, &c ))
    {
        TRACE( "ignoring malformed cookie\n" );
        return;
    }
    if (!(canon_host = lower_copy( host, wcslen( host ) ))) return;

    if (c.domain && c.domain_len)
    {
        if (!(domain = lower_copy( c.domain, c.domain_len ))) goto done;
        domain_len = c.domain_len;
        if (!domain_match( canon_host, domain, domain_len ))
        {
            TRACE( "domain %s does not match host %s\n", debugstr_w(domain), debugstr_w(canon_host) );
            goto done;
        }
        /* no public suffix list: a single label stands for one, and is only
         * good for the host of that very name */
        host_only = !wcschr( domain, '.' ) || is_ip_literal( canon_host );
        if (host_only && wcscmp( domain, canon_host ))
        {
            TRACE( "refusing cookie for public suffix %s\n", debugstr_w(domain) );
            goto done;
        }
    }
    else
    {
        host_only = TRUE;
        domain = canon_host;
        canon_host = NULL;
        domain_len = wcslen( domain );
    }

    if (c.path)
    {
        cookie_path = c.path;
        path_len = c.path_len;
    }
    else
    {
        cookie_path = path;
        request_len = request_path_len( &cookie_path );
        path_len = default_path_len( cookie_path, request_len );
    }

    if (!(cookie = alloc_cookie( &c, domain, domain_len, cookie_path, path_len ))) goto done;
    cookie->host_only = host_only;
    now = current_time();
    cookie->expires = expiry_time( &c, now );

    AcquireSRWLockExclusive( &jar->lock );

    cookie->created = cookie->used = ++jar->clock;
    for (i = 0; i < jar->count; i++)
    {
        old = jar->cookies[i];
        if (!wcscmp( old->name, cookie->name ) && !wcscmp( old->domain, cookie->domain ) &&
            !wcscmp( old->path, cookie->path ))
        {
            cookie->created = old->created;
            remove_cookie( jar, i );
            break;
        }
    }

    /* a date in the past is how a server deletes a cookie */
    if (cookie->expires <= now)
    {
        TRACE( "cookie %s expired\n", debugstr_w(cookie->name) );
        free( cookie );
    }
    else if (!make_room( jar, cookie->domain, now )) free( cookie );
    else jar->cookies[jar->count++] = cookie;

    ReleaseSRWLockExclusive( &jar->lock );

done:
    free( canon_host );
    free( domain );
}

/* RFC 6265 5.4: longer paths first, then the earlier created */
static int __cdecl compare_cookies( const void *a, const void *b )
{
    const struct cookie *x = *(const struct cookie *const *)a, *y = *(const struct cookie *const *)b;
    size_t x_len = wcslen( x->path ), y_len = wcslen( y->path );

    if (x_len != y_len) return x_len > y_len ? -1 : 1;
    if (x->created != y->created) return x->created < y->created ? -1 : 1;
    return 0;
}

WCHAR *cookie_jar_header( struct cookie_jar *jar, const WCHAR *host, const WCHAR *path, BOOL secure )
{
    struct cookie **matches = NULL, *cookie;
    WCHAR *canon_host, *header = NULL, *p;
    unsigned int i, count = 0;
    size_t request_len, len = 0;
    ULONGLONG now;

    TRACE( "%p, %s, %s, %d\n", jar, debugstr_w(host), debugstr_w(path), secure );

    if (!jar || !host || !*host) return NULL;
    if (!(canon_host = lower_copy( host, wcslen( host ) ))) return NULL;
    request_len = request_path_len( &path );
    now = current_time();

    AcquireSRWLockExclusive( &jar->lock );

    remove_expired( jar, now );
    if (jar->count && !(matches = malloc( jar->count * sizeof(*matches) ))) goto done;
    for (i = 0; i < jar->count; i++)
    {
        cookie = jar->cookies[i];
        if (cookie->host_only ? wcscmp( canon_host, cookie->domain )
                              : !domain_match( canon_host, cookie->domain, wcslen( cookie->domain ) ))
            continue;
        if (!path_match( path, request_len, cookie->path )) continue;
        if (cookie->secure && !secure) continue;
        matches[count++] = cookie;
        len += wcslen( cookie->name ) + 1 + wcslen( cookie->value ) + 2;
    }
    if (!count) goto done;

    qsort( matches, count, sizeof(*matches), compare_cookies );
    if (!(header = malloc( len * sizeof(WCHAR) ))) goto done;
    p = header;
    for (i = 0; i < count; i++)
    {
        cookie = matches[i];
        cookie->used = ++jar->clock;
        if (i)
        {
            *p++ = ';';
            *p++ = ' ';
        }
        wcscpy( p, cookie->name );
        p += wcslen( p );
        *p++ = '=';
        wcscpy( p, cookie->value );
        p += wcslen( p );
    }
    *p = 0;

done:
    ReleaseSRWLockExclusive( &jar->lock );
    free( matches );
    free( canon_host );
    TRACE( "returning %s\n", debugstr_w(header) );
    return header;
}
