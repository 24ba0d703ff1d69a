/*
 * Conformance tests for the synchronous HTTP/1.1 exchange: the request Windows
 * sends, request and response headers, bodies, keep-alive, redirects and errors.
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
 *   [doc]     Microsoft's documentation of the function or option;
 *   [winhttp] recorded on Windows by Wine's dlls/winhttp/tests/winhttp.c, whose
 *             in-process server checks what Windows sends and answers;
 *   [notif]   recorded on Windows by Wine's dlls/winhttp/tests/notification.c;
 *   [dotnet]  what .NET's WinHttpHandler relies on when it drives WinHTTP (it
 *             frames chunked uploads itself, its redirect tests for 301-308
 *             pass on Windows 10, and its MaxAutomaticRedirections off-by-one
 *             was fixed in WinHTTP after the Anniversary Update);
 *   [report]  Windows' behaviour as reported by the users of WinHTTP (for
 *             example cpprestsdk issue 1749: a server that closes the
 *             connection before answering gives error 12152);
 *   [http]    HTTP/1.1 itself (RFC 9110/9112), for framing and connection
 *             rules that any conforming client follows;
 *   [design]  a safety property every implementation must keep (no bare CR
 *             or LF ever reaches the wire inside a request head);
 *   [unsure]  not recorded anywhere we found: the check accepts every
 *             reasonable answer and fails only on clearly wrong ones.
 *
 * Every server here is a thread of this process listening on 127.0.0.1 on an
 * ephemeral port; nothing reaches the network. The server reads each request
 * (head and body), records it for the test to inspect, and writes a canned
 * response chosen by the request's path.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <windef.h>
#include <winbase.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <winhttp.h>

#include "wine/test.h"

#define WAIT_MS       10000     /* the longest anything here waits for its peer */
#define MAX_RECORDS   64        /* requests a server remembers */
#define MAX_CONNS     64        /* connections a server serves at once */
#define LARGE_SIZE    (8 * 1024 * 1024)
#define FILL_SIZE     1000

#ifndef WINHTTP_QUERY_FLAG_NUMBER64
#define WINHTTP_QUERY_FLAG_NUMBER64 0x08000000
#endif

static DWORD (WINAPI *pWinHttpReadDataEx)( HINTERNET, void *, DWORD, DWORD *, ULONGLONG, DWORD, void * );
static DWORD (WINAPI *pWinHttpAddRequestHeadersEx)( HINTERNET, DWORD, ULONGLONG, ULONGLONG, DWORD,
                                                    WINHTTP_EXTENDED_HEADER * );

static const WCHAR agent[] = L"winetest http/1.0";

/*
 * Printing: strings with their control characters visible.
 */

static const char *escape( const char *str, size_t len )
{
    static char buffers[8][512];
    static unsigned int next;
    char *buf = buffers[next++ % ARRAY_SIZE(buffers)], *p = buf;
    size_t i;

    if (!str) return "(null)";
    *p++ = '"';
    for (i = 0; i < len && p < buf + sizeof(buffers[0]) - 8; i++)
    {
        unsigned char c = str[i];
        if (c == '\r') { *p++ = '\\'; *p++ = 'r'; }
        else if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
        else if (c == '\t') { *p++ = '\\'; *p++ = 't'; }
        else if (c == '\\') { *p++ = '\\'; *p++ = '\\'; }
        else if (c < 32 || c > 126) p += sprintf( p, "\\x%02x", c );
        else *p++ = c;
    }
    if (i < len) { *p++ = '.'; *p++ = '.'; *p++ = '.'; }
    *p++ = '"';
    *p = 0;
    return buf;
}

static const char *dbgstr( const char *str )
{
    return escape( str, str ? strlen( str ) : 0 );
}

static const char *dbgw( const WCHAR *str )
{
    static char buffers[4][512];
    static unsigned int next;
    char *buf = buffers[next++ % ARRAY_SIZE(buffers)];
    size_t len;

    if (!str) return "(null)";
    len = WideCharToMultiByte( CP_UTF8, 0, str, -1, buf, sizeof(buffers[0]) - 1, NULL, NULL );
    buf[len ? len - 1 : 0] = 0;
    return escape( buf, strlen( buf ) );
}

static BOOL starts_with( const char *str, const char *prefix )
{
    return str && !strncmp( str, prefix, strlen( prefix ) );
}

/* the request head's line that is exactly "line", after the request line */
static BOOL has_line( const char *head, const char *line )
{
    size_t len = strlen( line );
    const char *p = head;

    if (!head) return FALSE;
    while ((p = strstr( p, line )))
    {
        if (p > head && p[-1] == '\n' && p[len] == '\r' && p[len + 1] == '\n') return TRUE;
        p++;
    }
    return FALSE;
}

/* the value of the index-th header called name (case-insensitive); FALSE when there is none */
static BOOL get_field( const char *head, const char *name, unsigned int index, char *value, size_t size )
{
    size_t len = strlen( name ), n;
    const char *p = head, *end;

    if (!head) return FALSE;
    while ((p = strchr( p, '\n' )))
    {
        p++;
        if (_strnicmp( p, name, len ) || p[len] != ':') continue;
        if (index--) continue;
        p += len + 1;
        while (*p == ' ' || *p == '\t') p++;
        for (end = p; *end && *end != '\r' && *end != '\n'; end++) ;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
        n = min( (size_t)(end - p), size - 1 );
        memcpy( value, p, n );
        value[n] = 0;
        return TRUE;
    }
    return FALSE;
}

static unsigned int count_fields( const char *head, const char *name )
{
    char value[4];
    unsigned int count = 0;

    while (get_field( head, name, count, value, sizeof(value) )) count++;
    return count;
}

/*
 * The server.
 */

struct record
{
    char *head;             /* request line and headers, with the empty line, NUL-terminated */
    size_t head_len;        /* as received: a NUL inside would make it differ from strlen */
    char *body;             /* the body, its chunked framing removed */
    size_t body_len;
    BOOL chunked;           /* the body came with chunked framing */
    LONG conn;              /* the connection it came on: 1 for the first one accepted */
};

struct server
{
    SOCKET listener;
    INTERNET_PORT port;
    HANDLE thread;
    volatile LONG quit;
    LONG accepted;          /* connections accepted so far */
    LONG bad;               /* requests that were not well-formed HTTP/1.1 */
    CRITICAL_SECTION cs;
    struct record records[MAX_RECORDS];
    unsigned int count;     /* requests recorded so far */
    HANDLE conns[MAX_CONNS];
    unsigned int nconns;
};

struct conn
{
    struct server *server;
    SOCKET s;
    LONG id;
    char *buf;
    size_t len, size;
};

enum action { KEEP_OPEN, CLOSE };

static void free_record( struct record *rec )
{
    free( rec->head );
    free( rec->body );
    memset( rec, 0, sizeof(*rec) );
}

/* sleeps, but not past the server's end */
static BOOL server_sleep( struct server *server, DWORD ms )
{
    DWORD start = GetTickCount();

    while (GetTickCount() - start < ms)
    {
        if (server->quit) return FALSE;
        Sleep( 10 );
    }
    return TRUE;
}

static BOOL send_all( struct conn *c, const void *data, size_t len )
{
    const char *p = data;

    while (len)
    {
        int ret = send( c->s, p, len > 65536 ? 65536 : (int)len, 0 );
        if (ret <= 0) return FALSE;
        p += ret;
        len -= ret;
    }
    return TRUE;
}

static BOOL send_str( struct conn *c, const char *str )
{
    return send_all( c, str, strlen( str ) );
}

/* more bytes into the connection's buffer: 1 when some came, 0 when the peer
 * closed, -1 on error, on the server's end, or after WAIT_MS unless idle */
static int conn_fill( struct conn *c, BOOL idle )
{
    DWORD start = GetTickCount();
    int ret;

    for (;;)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;

        if (c->server->quit) return -1;
        if (!idle && GetTickCount() - start > WAIT_MS) return -1;
        FD_ZERO( &set );
        FD_SET( c->s, &set );
        if ((ret = select( 0, &set, NULL, NULL, &tv )) < 0) return -1;
        if (ret) break;
    }
    if (c->len > 4 * 1024 * 1024) return -1;
    if (c->size - c->len < 65536 + 1)
    {
        size_t size = max( c->size * 2, c->len + 65536 + 1 );
        char *buf = realloc( c->buf, size );
        if (!buf) return -1;
        c->buf = buf;
        c->size = size;
    }
    if ((ret = recv( c->s, c->buf + c->len, (int)(c->size - c->len - 1), 0 )) < 0) return -1;
    if (!ret) return 0;
    c->len += ret;
    c->buf[c->len] = 0;
    return 1;
}

static void conn_consume( struct conn *c, size_t count )
{
    memmove( c->buf, c->buf + count, c->len - count );
    c->len -= count;
    if (c->buf) c->buf[c->len] = 0;
}

static char *memdup( const char *data, size_t len )
{
    char *ret = malloc( len + 1 );

    if (!ret) return NULL;
    if (len) memcpy( ret, data, len );
    ret[len] = 0;
    return ret;
}

static int hex_digit( char c )
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A chunked body at p[0..len): 1 when complete (*body is the data, *used the
 * bytes with framing and trailers), 0 when more is needed, -1 when malformed. */
static int dechunk( const char *p, size_t len, char **body, size_t *body_len, size_t *used )
{
    size_t pos = 0, out = 0;
    char *buf = malloc( len + 1 );

    if (!buf) return -1;
    for (;;)
    {
        size_t size = 0, digits = 0;
        const char *lf;
        int digit;

        if (pos < len && hex_digit( p[pos] ) < 0) goto error;
        while (pos < len && (digit = hex_digit( p[pos] )) >= 0)
        {
            if (++digits > 8) goto error;
            size = size * 16 + digit;
            pos++;
        }
        if (!(lf = memchr( p + pos, '\n', len - pos ))) goto more;
        if (!digits) goto error;
        pos = lf - p + 1;
        if (!size)
        {
            for (;;)    /* trailers, up to an empty line */
            {
                size_t start = pos;
                if (!(lf = memchr( p + pos, '\n', len - pos ))) goto more;
                pos = lf - p + 1;
                if (pos - start <= 2) break;
            }
            *body = buf;
            buf[out] = 0;
            *body_len = out;
            *used = pos;
            return 1;
        }
        if (len - pos < size + 2) goto more;
        memcpy( buf + out, p + pos, size );
        out += size;
        pos += size;
        if (p[pos] != '\r' || p[pos + 1] != '\n') goto error;
        pos += 2;
    }
more:
    free( buf );
    return 0;
error:
    free( buf );
    return -1;
}

/* One request off the connection: 1 when complete, 0 when the peer closed
 * before one began, -1 otherwise. */
static int read_request( struct conn *c, struct record *rec )
{
    char value[64], *end;
    size_t head_len, used;
    int ret;

    memset( rec, 0, sizeof(*rec) );
    while (!c->buf || !(end = strstr( c->buf, "\r\n\r\n" )))
    {
        if (c->buf && c->len != strlen( c->buf ))
        {
            /* a NUL in the head: take everything up to the first empty line anyway */
            char *p = memchr( c->buf, 0, c->len );
            char *q = p ? p + 1 : NULL;
            if (q && (end = strstr( q, "\r\n\r\n" ))) break;
        }
        if ((ret = conn_fill( c, !c->len )) <= 0) return (!ret && !c->len) ? 0 : -1;
    }
    head_len = end + 4 - c->buf;
    rec->head = memdup( c->buf, head_len );
    rec->head_len = head_len;
    rec->conn = c->id;
    conn_consume( c, head_len );

    if (get_field( rec->head, "Transfer-Encoding", 0, value, sizeof(value) ) && strstr( value, "chunked" ))
    {
        rec->chunked = TRUE;
        for (;;)
        {
            if ((ret = dechunk( c->buf ? c->buf : "", c->len, &rec->body, &rec->body_len, &used )) > 0)
            {
                conn_consume( c, used );
                break;
            }
            if (ret < 0 || conn_fill( c, FALSE ) <= 0)
            {
                /* no valid framing: what came is the body, as it is */
                if (ret < 0) InterlockedIncrement( &c->server->bad );
                rec->body = memdup( c->buf ? c->buf : "", c->len );
                rec->body_len = c->len;
                conn_consume( c, c->len );
                break;
            }
        }
    }
    else if (get_field( rec->head, "Content-Length", 0, value, sizeof(value) ))
    {
        size_t need = strtoul( value, NULL, 10 );

        while (c->len < need)
            if (conn_fill( c, FALSE ) <= 0) break;
        need = min( need, c->len );
        rec->body = memdup( c->buf ? c->buf : "", need );
        rec->body_len = need;
        conn_consume( c, need );
    }
    return 1;
}

static void server_store( struct server *server, const struct record *rec )
{
    struct record *slot;

    EnterCriticalSection( &server->cs );
    slot = &server->records[server->count % MAX_RECORDS];
    free_record( slot );
    slot->head = memdup( rec->head, rec->head_len );
    slot->head_len = rec->head_len;
    slot->body = memdup( rec->body ? rec->body : "", rec->body_len );
    slot->body_len = rec->body_len;
    slot->chunked = rec->chunked;
    slot->conn = rec->conn;
    server->count++;
    LeaveCriticalSection( &server->cs );
}

static unsigned int server_count( struct server *server )
{
    unsigned int count;

    EnterCriticalSection( &server->cs );
    count = server->count;
    LeaveCriticalSection( &server->cs );
    return count;
}

/* the index-th request the server recorded, or NULL */
static const struct record *server_record( struct server *server, unsigned int index )
{
    const struct record *rec = NULL;

    EnterCriticalSection( &server->cs );
    if (index < server->count && server->count - index <= MAX_RECORDS)
        rec = &server->records[index % MAX_RECORDS];
    LeaveCriticalSection( &server->cs );
    return rec;
}

static const struct record *server_last( struct server *server )
{
    unsigned int count = server_count( server );
    return count ? server_record( server, count - 1 ) : NULL;
}

/* the byte at offset i of the large body */
static BYTE large_byte( size_t i )
{
    return (BYTE)(i * 31 + (i >> 11));
}

static const char headers_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: winetest\r\n"
    "Date: Mon, 28 Jul 2008 10:05:52 GMT\r\n"
    "Last-Modified: Tue, 01 Jan 2019 00:00:00 GMT\r\n"
    "X-Multi: one\r\n"
    "X-Multi: two\r\n"
    "X-Multi: three\r\n"
    "X-Number: 1234\r\n"
    "X-Big: 12345678901\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 5\r\n"
    "\r\n";

static const char chunked_body[] = "hello world";
/* "hello, decompressed world" gzipped, and "hello, deflated world" in zlib's wrapping */
static const char gzip_body[] =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\x49\x4d\xce\xcf\x2d\x28\x4a"
    "\x2d\x2e\x4e\x4d\x51\x28\xcf\x2f\xca\x49\x01\x00\xb2\xe1\x08\x53\x19\x00\x00\x00";
static const char deflate_body[] =
    "\x78\x9c\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\x49\x4d\xcb\x49\x2c\x49\x4d\x51\x28\xcf\x2f\xca\x49\x01\x00"
    "\x55\x44\x07\xe2";
static const char close_body[] = "the body ends where the connection does";

/* the response to one request, chosen by its path */
static enum action respond( struct conn *c, const struct record *rec )
{
    struct server *server = c->server;
    char verb[16], path[256], buf[1024];
    unsigned int status;
    const char *p;
    int n;

    if (sscanf( rec->head, "%15s %255s HTTP/1.%*c\r", verb, path ) != 2 ||
        !strstr( rec->head, " HTTP/1." ) || strstr( rec->head, " HTTP/1." ) > strchr( rec->head, '\r' ))
    {
        InterlockedIncrement( &server->bad );
        send_str( c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" );
        return CLOSE;
    }

    if (!strcmp( path, "/ok" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nServer: winetest\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 5\r\n\r\nhello" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/echo" ))
    {
        sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", (unsigned int)rec->body_len );
        send_str( c, buf );
        send_all( c, rec->body, rec->body_len );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/headers" ))
    {
        send_str( c, headers_response );
        send_str( c, "hello" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/status" ))
    {
        send_str( c, "HTTP/1.1 299 Custom Status Text Here\r\nContent-Length: 0\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/chunked" ))
    {
        /* in pieces, so that the framing arrives split */
        send_str( c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                     "5;name=value\r\nhel" );
        server_sleep( server, 30 );
        send_str( c, "lo\r\n6\r\n world\r" );
        server_sleep( server, 30 );
        send_str( c, "\n0\r\nX-Trailer: yes\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/close" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" );
        send_str( c, close_body );
        return CLOSE;
    }
    if (!strcmp( path, "/nolength" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" );
        send_str( c, close_body );
        return CLOSE;
    }
    if (!strcmp( path, "/keepalive-close" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok" );
        return CLOSE;
    }
    if (!strcmp( path, "/http10" ))
    {
        /* an HTTP/1.0 response without keep-alive: the server leaves the connection open */
        send_str( c, "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nabcd" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/head" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" );
        if (strcmp( verb, "HEAD" ))
        {
            memset( buf, 'h', 100 );
            send_all( c, buf, 100 );
        }
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/204" ))
    {
        send_str( c, "HTTP/1.1 204 No Content\r\nServer: winetest\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/304" ))
    {
        send_str( c, "HTTP/1.1 304 Not Modified\r\nETag: \"winetest\"\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/empty" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/large" ))
    {
        BYTE *block = malloc( 65536 );
        size_t sent, i;

        sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %u\r\n\r\n",
                 LARGE_SIZE );
        if (!block || !send_str( c, buf ))
        {
            free( block );
            return CLOSE;
        }
        for (sent = 0; sent < LARGE_SIZE; sent += 65536)
        {
            for (i = 0; i < 65536; i++) block[i] = large_byte( sent + i );
            if (!send_all( c, block, 65536 )) break;
        }
        free( block );
        return sent < LARGE_SIZE ? CLOSE : KEEP_OPEN;
    }
    if (!strcmp( path, "/fill" ))
    {
        /* FILL_SIZE bytes in ten pieces, far apart */
        unsigned int i;

        sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", FILL_SIZE );
        send_str( c, buf );
        memset( buf, 'f', FILL_SIZE / 10 );
        for (i = 0; i < 10; i++)
        {
            server_sleep( server, 30 );
            send_all( c, buf, FILL_SIZE / 10 );
        }
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/continue" ))
    {
        send_str( c, "HTTP/1.1 100 Continue\r\n\r\n" );
        server_sleep( server, 30 );
        send_str( c, "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n" );
        server_sleep( server, 30 );
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/fold" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\n\tthree\r\nX-After: after\r\n"
                     "Content-Length: 2\r\n\r\nok" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/long" ))
    {
        char *value = malloc( 16001 );
        unsigned int i;

        if (!value) return CLOSE;
        memset( value, 'v', 16000 );
        value[16000] = 0;
        send_str( c, "HTTP/1.1 200 OK\r\nX-Long: " );
        send_str( c, value );
        free( value );
        send_str( c, "\r\n" );
        for (i = 0; i < 100; i++)
        {
            sprintf( buf, "X-H-%u: value %u\r\n", i, i );
            send_str( c, buf );
        }
        send_str( c, "Content-Length: 2\r\n\r\nok" );
        return KEEP_OPEN;
    }
    if (sscanf( path, "/r%u", &status ) == 1 && status >= 300 && status < 400)
    {
        const char *location = "/target";

        if (strstr( path, "-abs" ))
        {
            sprintf( buf + 512, "http://127.0.0.1:%u/target?abs=1", server->port );
            location = buf + 512;
        }
        else if (strstr( path, "-host" ))
        {
            sprintf( buf + 512, "http://localhost:%u/target", server->port );
            location = buf + 512;
        }
        if (strstr( path, "-body" ))
            sprintf( buf, "HTTP/1.1 %u Redirect\r\nLocation: %s\r\nContent-Length: 13\r\n\r\nredirect body",
                     status, location );
        else
            sprintf( buf, "HTTP/1.1 %u Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n", status, location );
        send_str( c, buf );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/dir/rel" ))
    {
        send_str( c, "HTTP/1.1 302 Found\r\nLocation: target\r\nContent-Length: 0\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (sscanf( path, "/chain/%u", &status ) == 1)
    {
        if (status) sprintf( buf, "HTTP/1.1 302 Found\r\nLocation: /chain/%u\r\nContent-Length: 0\r\n\r\n", status - 1 );
        else strcpy( buf, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nchain0" );
        send_str( c, buf );
        return KEEP_OPEN;
    }
    if ((p = strstr( path, "/target" )) && (!p[7] || p[7] == '?'))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n" );
        if (strcmp( verb, "HEAD" )) send_str( c, "target" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/wait500" ))
    {
        /* holds the connection a while, then answers and keeps it */
        if (server_sleep( c->server, 500 )) send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/cookie/set" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nSet-Cookie: name=value; Path=/cookie\r\n"
                     "Set-Cookie: other=1; Path=/elsewhere\r\nContent-Length: 0\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/cookie/check" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/gzip" ) || !strcmp( path, "/deflate" ))
    {
        BOOL gzip = !strcmp( path, "/gzip" );
        size_t len = gzip ? sizeof(gzip_body) - 1 : sizeof(deflate_body) - 1;
        sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %u\r\n\r\n",
                 gzip ? "gzip" : "deflate", (unsigned int)len );
        send_str( c, buf );
        send_all( c, gzip ? gzip_body : deflate_body, len );
        return KEEP_OPEN;
    }
    if (!strcmp( path, "/drop" )) return CLOSE;
    if (!strcmp( path, "/garbage" ))
    {
        send_str( c, "<HTML>\r\n<HEAD><TITLE>no status line</TITLE></HEAD>\r\n"
                     "<BODY>nothing</BODY>\r\n</HTML>\r\n\r\n" );
        return CLOSE;
    }
    if (!strcmp( path, "/badstatus" ))
    {
        send_str( c, "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n" );
        return CLOSE;
    }
    if (!strcmp( path, "/silent" ))
    {
        /* nothing for three seconds, then an answer */
        if (server_sleep( server, 3000 ))
            send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate" );
        return CLOSE;
    }
    if (!strcmp( path, "/slowbody" ))
    {
        send_str( c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234" );
        if (server_sleep( server, 3000 )) send_str( c, "56789" );
        return CLOSE;
    }
    n = sprintf( buf, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" );
    send_all( c, buf, n );
    return KEEP_OPEN;
}

/* sends FIN, then waits a little for the client's, so that nothing is reset */
static void conn_shutdown( struct conn *c )
{
    DWORD start = GetTickCount();
    char buf[4096];

    shutdown( c->s, SD_SEND );
    while (GetTickCount() - start < 2000 && !c->server->quit)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;
        int ret;

        FD_ZERO( &set );
        FD_SET( c->s, &set );
        if ((ret = select( 0, &set, NULL, NULL, &tv )) < 0) break;
        if (ret && recv( c->s, buf, sizeof(buf), 0 ) <= 0) break;
    }
}

static DWORD CALLBACK conn_thread( void *arg )
{
    struct conn *c = arg;
    struct record rec;
    enum action action = KEEP_OPEN;
    int ret;

    while (action == KEEP_OPEN && (ret = read_request( c, &rec )) > 0)
    {
        server_store( c->server, &rec );
        action = respond( c, &rec );
        free_record( &rec );
    }
    if (action == CLOSE) conn_shutdown( c );
    closesocket( c->s );
    free( c->buf );
    free( c );
    return 0;
}

static DWORD CALLBACK server_thread( void *arg )
{
    struct server *server = arg;
    unsigned int i;

    while (!server->quit)
    {
        struct timeval tv = { 0, 20000 };
        struct conn *c;
        fd_set set;
        SOCKET s;

        FD_ZERO( &set );
        FD_SET( server->listener, &set );
        if (select( 0, &set, NULL, NULL, &tv ) != 1) continue;
        if ((s = accept( server->listener, NULL, NULL )) == INVALID_SOCKET) continue;
        if (server->nconns == MAX_CONNS)
        {
            /* forget the connections that are over */
            unsigned int j = 0;
            for (i = 0; i < server->nconns; i++)
            {
                if (!WaitForSingleObject( server->conns[i], 0 )) CloseHandle( server->conns[i] );
                else server->conns[j++] = server->conns[i];
            }
            server->nconns = j;
        }
        if (server->nconns == MAX_CONNS || !(c = calloc( 1, sizeof(*c) )))
        {
            closesocket( s );
            continue;
        }
        c->server = server;
        c->s = s;
        c->id = InterlockedIncrement( &server->accepted );
        if (!(server->conns[server->nconns] = CreateThread( NULL, 0, conn_thread, c, 0, NULL )))
        {
            closesocket( s );
            free( c );
            continue;
        }
        server->nconns++;
    }
    for (i = 0; i < server->nconns; i++)
    {
        WaitForSingleObject( server->conns[i], WAIT_MS );
        CloseHandle( server->conns[i] );
    }
    return 0;
}

/* a server on 127.0.0.1; port 0 for an ephemeral one */
static BOOL server_start( struct server *server, INTERNET_PORT port )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);

    memset( server, 0, sizeof(*server) );
    server->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    if (server->listener == INVALID_SOCKET) return FALSE;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    addr.sin_port = htons( port );
    if (bind( server->listener, (struct sockaddr *)&addr, sizeof(addr) ) ||
        listen( server->listener, SOMAXCONN ) ||
        getsockname( server->listener, (struct sockaddr *)&addr, &len ))
    {
        closesocket( server->listener );
        return FALSE;
    }
    server->port = ntohs( addr.sin_port );
    InitializeCriticalSection( &server->cs );
    if (!(server->thread = CreateThread( NULL, 0, server_thread, server, 0, NULL )))
    {
        DeleteCriticalSection( &server->cs );
        closesocket( server->listener );
        return FALSE;
    }
    return TRUE;
}

static void server_stop( struct server *server )
{
    unsigned int i;

    InterlockedExchange( &server->quit, 1 );
    WaitForSingleObject( server->thread, 3 * WAIT_MS );
    CloseHandle( server->thread );
    closesocket( server->listener );
    for (i = 0; i < MAX_RECORDS; i++) free_record( &server->records[i] );
    DeleteCriticalSection( &server->cs );
}

/* an HTTP/1.1 head: request line, CRLF line endings only, no NUL, an empty line at the end */
static BOOL head_well_formed( const struct record *rec )
{
    const char *p;

    if (!rec || strlen( rec->head ) != rec->head_len || rec->head_len < 4) return FALSE;
    if (strcmp( rec->head + rec->head_len - 4, "\r\n\r\n" )) return FALSE;
    for (p = rec->head; *p; p++)
    {
        if (*p == '\r' && p[1] != '\n') return FALSE;
        if (*p == '\n' && (p == rec->head || p[-1] != '\r')) return FALSE;
    }
    return TRUE;
}

/* a recorded request's head, printable */
static const char *head_of( const struct record *rec )
{
    return dbgstr( rec ? rec->head : NULL );
}

/* a port on 127.0.0.1 where nothing listens */
static INTERNET_PORT unused_port( void )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);
    SOCKET s = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    INTERNET_PORT port = 0;

    if (s == INVALID_SOCKET) return 0;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (!bind( s, (struct sockaddr *)&addr, sizeof(addr) ) && !getsockname( s, (struct sockaddr *)&addr, &len ))
        port = ntohs( addr.sin_port );
    closesocket( s );
    return port;
}

/*
 * Client helpers. A session's timeouts are WAIT_MS, so that a server that
 * does not answer as expected fails a check instead of hanging the test.
 */

static HINTERNET open_session_agent( const WCHAR *name )
{
    DWORD timeout = WAIT_MS;
    HINTERNET ses;

    SetLastError( 0xdeadbeef );
    ses = WinHttpOpen( name, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0 );
    ok( ses != NULL, "WinHttpOpen failed, error %lu\n", GetLastError() );
    if (!ses) return NULL;
    WinHttpSetTimeouts( ses, 0, WAIT_MS, WAIT_MS, WAIT_MS );
    WinHttpSetOption( ses, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &timeout, sizeof(timeout) );
    return ses;
}

static HINTERNET open_session( void )
{
    return open_session_agent( agent );
}

static HINTERNET connect_to( HINTERNET ses, const WCHAR *host, INTERNET_PORT port )
{
    HINTERNET con;

    SetLastError( 0xdeadbeef );
    con = WinHttpConnect( ses, host, port, 0 );
    ok( con != NULL, "WinHttpConnect failed, error %lu\n", GetLastError() );
    return con;
}

static HINTERNET connect_server( HINTERNET ses, struct server *server )
{
    return connect_to( ses, L"127.0.0.1", server->port );
}

#define open_request(a,b,c) open_request_(__LINE__,a,b,c)
static HINTERNET open_request_( unsigned int line, HINTERNET con, const WCHAR *verb, const WCHAR *path )
{
    HINTERNET req;

    SetLastError( 0xdeadbeef );
    req = WinHttpOpenRequest( con, verb, path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0 );
    ok_(__FILE__,line)( req != NULL, "WinHttpOpenRequest(%s) failed, error %lu\n", dbgw( path ), GetLastError() );
    return req;
}

#define send_request(a,b,c,d,e) send_request_(__LINE__,a,b,c,d,e)
static BOOL send_request_( unsigned int line, HINTERNET req, const WCHAR *headers, const void *data, DWORD len,
                           DWORD total )
{
    DWORD err;
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, headers, headers ? ~0u : 0, (void *)data, len, total, 0 );
    err = GetLastError();
    ok_(__FILE__,line)( ret, "WinHttpSendRequest failed, error %lu\n", err );
    ok_(__FILE__,line)( !ret || err == ERROR_SUCCESS, "WinHttpSendRequest succeeded with last error %lu\n", err );
    return ret;
}

#define receive_response(a) receive_response_(__LINE__,a)
static BOOL receive_response_( unsigned int line, HINTERNET req )
{
    DWORD err;
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpReceiveResponse( req, NULL );
    err = GetLastError();
    ok_(__FILE__,line)( ret, "WinHttpReceiveResponse failed, error %lu\n", err );
    ok_(__FILE__,line)( !ret || err == ERROR_SUCCESS, "WinHttpReceiveResponse succeeded with last error %lu\n", err );
    return ret;
}

/* WinHttpSendRequest and WinHttpReceiveResponse in one, for a GET without data */
#define do_request(a,b,c) do_request_(__LINE__,a,b,c)
static HINTERNET do_request_( unsigned int line, HINTERNET con, const WCHAR *verb, const WCHAR *path )
{
    HINTERNET req = open_request_( line, con, verb, path );

    if (!req) return NULL;
    if (!send_request_( line, req, NULL, NULL, 0, 0 ) || !receive_response_( line, req ))
    {
        WinHttpCloseHandle( req );
        return NULL;
    }
    return req;
}

/* the status code as a number, 0 when the query fails */
static DWORD get_status( HINTERNET req )
{
    DWORD status = 0, size = sizeof(status);

    if (!WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size,
                              NULL ))
        return 0;
    return status;
}

/* WinHttpQueryDataAvailable and WinHttpReadData until they report the end;
 * returns the bytes read, at most size of them kept in buf */
#define read_body(a,b,c) read_body_(__LINE__,a,b,c)
static DWORD read_body_( unsigned int line, HINTERNET req, char *buf, DWORD size )
{
    DWORD total = 0, avail, count, loops;
    char scratch[4096];
    BOOL ret;

    for (loops = 0; loops < 100000; loops++)
    {
        avail = 0xdeadbeef;
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryDataAvailable( req, &avail );
        ok_(__FILE__,line)( ret, "WinHttpQueryDataAvailable failed, error %lu\n", GetLastError() );
        if (!ret) break;
        ok_(__FILE__,line)( avail != 0xdeadbeef, "WinHttpQueryDataAvailable did not set the count\n" );
        if (!avail) break;
        count = 0xdeadbeef;
        if (total < size)
            ret = WinHttpReadData( req, buf + total, min( avail, size - total ), &count );
        else
            ret = WinHttpReadData( req, scratch, min( avail, sizeof(scratch) ), &count );
        ok_(__FILE__,line)( ret, "WinHttpReadData failed, error %lu\n", GetLastError() );
        if (!ret) break;
        ok_(__FILE__,line)( count && count <= avail, "WinHttpReadData read %lu of %lu available\n", count, avail );
        if (!count || count > avail) break;
        total += count;
    }
    /* at the end, both report nothing more */
    count = 0xdeadbeef;
    ret = WinHttpReadData( req, scratch, sizeof(scratch), &count );
    ok_(__FILE__,line)( ret && !count, "WinHttpReadData at the end: %d, %lu, error %lu\n", ret, count, GetLastError() );
    if (total < size) buf[total] = 0;
    return total;
}

static BOOL query_option_str( HINTERNET handle, DWORD option, WCHAR *buf, DWORD chars )
{
    DWORD size = chars * sizeof(WCHAR);

    buf[0] = 0;
    return WinHttpQueryOption( handle, option, buf, &size );
}

/* one request header's value through WinHttpQueryHeaders; index may be NULL */
#define check_request_header(a,b,c,d) check_request_header_(__LINE__,a,b,c,d)
static void check_request_header_( unsigned int line, HINTERNET req, const WCHAR *name, DWORD index,
                                   const WCHAR *expect )
{
    WCHAR buf[256];
    DWORD len = sizeof(buf), idx = index, err;
    BOOL ret;

    buf[0] = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, name, buf, &len, &idx );
    err = GetLastError();
    if (!expect)
    {
        ok_(__FILE__,line)( !ret, "%s[%lu]: got %s\n", dbgw( name ), index, dbgw( buf ) );
        ok_(__FILE__,line)( err == ERROR_WINHTTP_HEADER_NOT_FOUND, "%s[%lu]: error %lu\n", dbgw( name ), index, err );
        ok_(__FILE__,line)( idx == index, "%s[%lu]: index moved to %lu\n", dbgw( name ), index, idx );
        return;
    }
    ok_(__FILE__,line)( ret, "%s[%lu]: error %lu\n", dbgw( name ), index, err );
    if (!ret) return;
    ok_(__FILE__,line)( !wcscmp( buf, expect ), "%s[%lu]: got %s, expected %s\n", dbgw( name ), index, dbgw( buf ),
                        dbgw( expect ) );
    ok_(__FILE__,line)( len == wcslen( buf ) * sizeof(WCHAR), "%s[%lu]: length %lu\n", dbgw( name ), index, len );
    ok_(__FILE__,line)( idx == index + 1, "%s[%lu]: index %lu\n", dbgw( name ), index, idx );
}

/*
 * The request Windows sends.
 */

static void test_request_head( struct server *server )
{
    static const WCHAR *one_type[] = { L"text/plain", NULL };
    static const WCHAR *two_types[] = { L"text/html", L"application/json", NULL };
    HINTERNET ses, con, req;
    const struct record *rec;
    char line[128], value[128];
    DWORD err;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );

    /* [winhttp] a NULL verb is GET; [doc] no accept types, no Accept header */
    req = do_request( con, NULL, L"/ok" );
    rec = server_last( server );
    ok( rec != NULL, "the server saw no request\n" );
    if (!rec)
    {
        WinHttpCloseHandle( req );
        goto done;
    }
    ok( starts_with( rec->head, "GET /ok HTTP/1.1\r\n" ), "request line %s\n", dbgstr( rec->head ) );
    ok( head_well_formed( rec ), "malformed head %s\n", dbgstr( rec->head ) );
    sprintf( line, "Host: 127.0.0.1:%u", server->port );
    ok( has_line( rec->head, line ), "no %s in %s\n", line, dbgstr( rec->head ) );
    ok( count_fields( rec->head, "Host" ) == 1, "%u Host headers\n", count_fields( rec->head, "Host" ) );
    ok( has_line( rec->head, "User-Agent: winetest http/1.0" ), "no User-Agent in %s\n", dbgstr( rec->head ) );
    ok( has_line( rec->head, "Connection: Keep-Alive" ), "no Connection: Keep-Alive in %s\n", dbgstr( rec->head ) );
    ok( !count_fields( rec->head, "Content-Length" ), "a GET without data has a Content-Length: %s\n",
        dbgstr( rec->head ) );
    ok( !count_fields( rec->head, "Transfer-Encoding" ), "Transfer-Encoding in %s\n", dbgstr( rec->head ) );
    ok( !count_fields( rec->head, "Accept" ), "Accept without accept types: %s\n", dbgstr( rec->head ) );
    ok( !count_fields( rec->head, "Referer" ), "Referer without a referrer: %s\n", dbgstr( rec->head ) );
    ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
    WinHttpCloseHandle( req );

    /* [winhttp] an object name without its slash gets one */
    req = do_request( con, L"GET", L"ok" );
    rec = server_last( server );
    ok( rec && starts_with( rec->head, "GET /ok HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

    /* [doc] the version, the referrer and one accept type */
    req = WinHttpOpenRequest( con, L"GET", L"/ok", L"HTTP/1.0", L"http://example.invalid/page", one_type, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && starts_with( rec->head, "GET /ok HTTP/1.0\r\n" ), "request line %s\n", head_of( rec ) );
    ok( rec && has_line( rec->head, "Referer: http://example.invalid/page" ), "no Referer in %s\n",
        head_of( rec ) );
    ok( rec && has_line( rec->head, "Accept: text/plain" ), "no Accept in %s\n", head_of( rec ) );
    ok( rec && head_well_formed( rec ), "malformed head\n" );
    WinHttpCloseHandle( req );

    /* [unsure] two accept types: one coalesced header, or one header each */
    req = WinHttpOpenRequest( con, L"GET", L"/ok", NULL, NULL, two_types, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && (has_line( rec->head, "Accept: text/html, application/json" ) ||
                (has_line( rec->head, "Accept: text/html" ) && has_line( rec->head, "Accept: application/json" ))),
        "accept types missing from %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

    /* [winhttp] POST and PUT without data say Content-Length: 0 */
    req = open_request( con, L"POST", L"/echo" );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && starts_with( rec->head, "POST /echo HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
    ok( rec && has_line( rec->head, "Content-Length: 0" ), "no Content-Length: 0 in %s\n", head_of( rec ) );
    ok( rec && count_fields( rec->head, "Content-Length" ) == 1, "Content-Length twice\n" );
    WinHttpCloseHandle( req );

    req = open_request( con, L"PUT", L"/echo" );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && starts_with( rec->head, "PUT /echo HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
    ok( rec && has_line( rec->head, "Content-Length: 0" ), "no Content-Length: 0 in %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

    /* [doc] dwTotalLength gives the Content-Length, whatever the verb */
    req = open_request( con, L"POST", L"/echo" );
    if (send_request( req, NULL, "abc", 3, 3 )) receive_response( req );
    rec = server_last( server );
    ok( rec && has_line( rec->head, "Content-Length: 3" ), "no Content-Length: 3 in %s\n", head_of( rec ) );
    ok( rec && rec->body_len == 3 && !memcmp( rec->body, "abc", 3 ), "body %s\n",
        rec ? escape( rec->body, rec->body_len ) : "" );
    WinHttpCloseHandle( req );

    req = open_request( con, L"GET", L"/echo" );
    if (send_request( req, NULL, "xyz!", 4, 4 )) receive_response( req );
    rec = server_last( server );
    ok( rec && starts_with( rec->head, "GET /echo HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
    ok( rec && has_line( rec->head, "Content-Length: 4" ), "no Content-Length: 4 in %s\n", head_of( rec ) );
    ok( rec && rec->body_len == 4 && !memcmp( rec->body, "xyz!", 4 ), "body %s\n",
        rec ? escape( rec->body, rec->body_len ) : "" );
    WinHttpCloseHandle( req );

    /* [doc] headers given to WinHttpSendRequest go out with the request */
    req = open_request( con, L"GET", L"/ok" );
    if (send_request( req, L"X-Send-One: 1\r\nX-Send-Two: two\r\n", NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && has_line( rec->head, "X-Send-One: 1" ), "no X-Send-One in %s\n", head_of( rec ) );
    ok( rec && has_line( rec->head, "X-Send-Two: two" ), "no X-Send-Two in %s\n", head_of( rec ) );
    ok( rec && head_well_formed( rec ), "malformed head\n" );
    /* [winhttp] they join the request's headers */
    check_request_header( req, L"X-Send-One", 0, L"1" );
    check_request_header( req, L"X-Send-Two", 0, L"two" );
    WinHttpCloseHandle( req );

    /* [winhttp] headers with a length of 0 are still read, up to their NUL */
    req = open_request( con, L"GET", L"/ok" );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, L"X-Zero-Length: yes", 0, NULL, 0, 0, 0 );
    ok( ret, "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if (ret) receive_response( req );
    rec = server_last( server );
    ok( rec && has_line( rec->head, "X-Zero-Length: yes" ), "headers with length 0 not sent: %s\n",
        head_of( rec ) );
    check_request_header( req, L"X-Zero-Length", 0, L"yes" );
    WinHttpCloseHandle( req );

    /* [winhttp] an empty header string is fine */
    req = open_request( con, L"GET", L"/ok" );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, L"", 0, NULL, 0, 0, 0 );
    err = GetLastError();
    ok( ret, "WinHttpSendRequest failed, error %lu\n", err );
    if (ret) receive_response( req );
    WinHttpCloseHandle( req );

    /* [doc] with an explicit length, only that much of the string is used */
    req = open_request( con, L"GET", L"/ok" );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, L"X-Cut: abcdefgh", 10, NULL, 0, 0, 0 );
    ok( ret, "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if (ret) receive_response( req );
    rec = server_last( server );
    ok( rec && get_field( rec->head, "X-Cut", 0, value, sizeof(value) ) && !strcmp( value, "abc" ),
        "X-Cut not cut: %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

done:
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );

    /* [doc] the agent is optional: without one there is no User-Agent */
    ses = open_session_agent( NULL );
    con = connect_server( ses, server );
    req = do_request( con, NULL, L"/ok" );
    rec = server_last( server );
    ok( rec && !count_fields( rec->head, "User-Agent" ), "User-Agent without an agent: %s\n",
        head_of( rec ) );
    ok( rec && has_line( rec->head, "Connection: Keep-Alive" ), "no Connection: Keep-Alive\n" );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/* [http] the Host header leaves out the scheme's default port */
static void test_default_port(void)
{
    struct server server;
    HINTERNET ses, con, req;
    const struct record *rec;
    WCHAR url[256];

    if (!server_start( &server, INTERNET_DEFAULT_HTTP_PORT ))
    {
        skip( "port 80 on 127.0.0.1 is not available\n" );
        return;
    }
    ses = open_session();
    con = connect_to( ses, L"127.0.0.1", INTERNET_DEFAULT_PORT );
    req = open_request( con, NULL, L"/ok" );
    ok( query_option_str( req, WINHTTP_OPTION_URL, url, ARRAY_SIZE(url) ), "no URL, error %lu\n", GetLastError() );
    ok( !wcscmp( url, L"http://127.0.0.1/ok" ), "URL %s\n", dbgw( url ) );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( &server );
    ok( rec && has_line( rec->head, "Host: 127.0.0.1" ), "Host with the default port: %s\n",
        head_of( rec ) );
    ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    server_stop( &server );
}

/*
 * WinHttpAddRequestHeaders and WinHttpAddRequestHeadersEx.
 */

#define add_headers(a,b,c,d,e) add_headers_(__LINE__,a,b,c,d,e)
static void add_headers_( unsigned int line, HINTERNET req, const WCHAR *headers, DWORD len, DWORD flags,
                          DWORD expect )
{
    DWORD err;
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpAddRequestHeaders( req, headers, len, flags );
    err = GetLastError();
    if (expect == ERROR_SUCCESS)
    {
        ok_(__FILE__,line)( ret, "adding %s with %#lx failed, error %lu\n", dbgw( headers ), flags, err );
        ok_(__FILE__,line)( !ret || err == ERROR_SUCCESS, "adding %s: last error %lu\n", dbgw( headers ), err );
    }
    else
    {
        ok_(__FILE__,line)( !ret, "adding %s with %#lx succeeded\n", dbgw( headers ), flags );
        if (expect != ~0u)
            ok_(__FILE__,line)( err == expect, "adding %s with %#lx: error %lu, expected %lu\n", dbgw( headers ), flags,
                                err, expect );
        else if (!ret)
            trace_(__FILE__,line)( "adding %s failed with error %lu\n", dbgw( headers ), err );
    }
}

static void test_add_headers( struct server *server )
{
    HINTERNET ses, con, req;
    const struct record *rec;
    WCHAR buf[256], check[256];
    DWORD len, index, err, needed;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );
    req = open_request( con, L"POST", L"/echo" );

    /* [winhttp] [doc] no header, a length of 0, no handle, the wrong handle */
    add_headers( req, NULL, 0, WINHTTP_ADDREQ_FLAG_ADD, ERROR_INVALID_PARAMETER );
    add_headers( req, NULL, ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_INVALID_PARAMETER );
    add_headers( req, L"X-Nothing: 1\r\n", 0, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE,
                 ERROR_INVALID_PARAMETER );
    add_headers( NULL, L"X-A: 1", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_INVALID_HANDLE );
    add_headers( con, L"X-A: 1", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    add_headers( ses, L"X-A: 1", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    check_request_header( req, L"Warning", 0, NULL );

    /* [winhttp] ADD, with or without a space after the colon */
    add_headers( req, L"Warning:first", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"first" );
    check_request_header( req, L"warning", 0, L"first" );
    check_request_header( req, L"Warning", 1, NULL );

    /* [winhttp] a buffer one character short: the size with the terminator, the buffer untouched */
    index = 0;
    len = 5 * sizeof(WCHAR);
    memset( check, 0xab, sizeof(check) );
    memcpy( buf, check, sizeof(buf) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"Warning", buf, &len,
                               &index );
    err = GetLastError();
    ok( !ret, "a short buffer was enough\n" );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "error %lu\n", err );
    ok( len == 6 * sizeof(WCHAR), "needed %lu\n", len );
    ok( !memcmp( buf, check, sizeof(buf) ), "the buffer was written\n" );
    ok( index == 0, "index %lu\n", index );

    /* [winhttp] no buffer at all */
    index = 0;
    len = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"Warning", NULL, &len,
                               &index );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
    ok( len == 6 * sizeof(WCHAR), "needed %lu\n", len );
    ok( index == 0, "index %lu\n", index );

    /* [winhttp] ADD again keeps both, in order */
    add_headers( req, L"Warning: second", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"first" );
    check_request_header( req, L"Warning", 1, L"second" );
    check_request_header( req, L"Warning", 2, NULL );

    /* [winhttp] REPLACE takes out the first and puts the new value last */
    add_headers( req, L"Warning: third", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"second" );
    check_request_header( req, L"Warning", 1, L"third" );
    check_request_header( req, L"Warning", 2, NULL );

    /* [winhttp] [doc] ADD_IF_NEW fails when the header is there */
    add_headers( req, L"Warning: fourth", ~0u, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW, ERROR_WINHTTP_HEADER_ALREADY_EXISTS );
    check_request_header( req, L"Warning", 0, L"second" );
    check_request_header( req, L"Warning", 2, NULL );
    add_headers( req, L"X-New: new", ~0u, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW, ERROR_SUCCESS );
    check_request_header( req, L"X-New", 0, L"new" );
    add_headers( req, L"x-new: again", ~0u, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW, ERROR_WINHTTP_HEADER_ALREADY_EXISTS );

    /* [winhttp] COALESCE, which is COALESCE_WITH_COMMA, merges into the first */
    add_headers( req, L"Warning: fourth", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"second, fourth" );
    check_request_header( req, L"Warning", 1, L"third" );
    check_request_header( req, L"Warning", 2, NULL );
    add_headers( req, L"Warning: fifth", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"second, fourth, fifth" );
    add_headers( req, L"Warning: sixth", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"second, fourth, fifth; sixth" );
    check_request_header( req, L"Warning", 1, L"third" );
    check_request_header( req, L"Warning", 2, NULL );

    /* [doc] coalescing with nothing to merge into adds the header */
    add_headers( req, L"X-Coalesced: alone", ~0u, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON, ERROR_SUCCESS );
    check_request_header( req, L"X-Coalesced", 0, L"alone" );

    /* [winhttp] ADD | REPLACE replaces the first */
    add_headers( req, L"Warning: seventh", ~0u, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE, ERROR_SUCCESS );
    check_request_header( req, L"Warning", 0, L"third" );
    check_request_header( req, L"Warning", 1, L"seventh" );
    check_request_header( req, L"Warning", 2, NULL );

    /* [winhttp] REPLACE alone needs the header; with ADD it adds it */
    add_headers( req, L"X-Replace: one", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE, ERROR_WINHTTP_HEADER_NOT_FOUND );
    check_request_header( req, L"X-Replace", 0, NULL );
    add_headers( req, L"X-Replace: one", ~0u, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE, ERROR_SUCCESS );
    check_request_header( req, L"X-Replace", 0, L"one" );

    /* [winhttp] [doc] REPLACE with an empty value removes the header */
    add_headers( req, L"X-Replace:", ~0u, WINHTTP_ADDREQ_FLAG_REPLACE, ERROR_SUCCESS );
    check_request_header( req, L"X-Replace", 0, NULL );
    add_headers( req, L"X-Replace: back", ~0u, 0, ERROR_SUCCESS );
    check_request_header( req, L"X-Replace", 0, L"back" );

    /* [winhttp] malformed lines */
    add_headers( req, L":", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ~0u );
    add_headers( req, L":value", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ~0u );
    add_headers( req, L"nocolon", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ~0u );
    add_headers( req, L" X-Space :value", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ~0u );
    check_request_header( req, L"nocolon", 0, NULL );
    check_request_header( req, L"X-Space", 0, NULL );

    /* [winhttp] an empty value is a value */
    add_headers( req, L"X-Empty:", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    check_request_header( req, L"X-Empty", 0, L"" );

    /* [winhttp] trailing white space may stay or go */
    add_headers( req, L"X-Trailing: value  ", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    index = 0;
    len = sizeof(buf);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"X-Trailing", buf, &len,
                               &index );
    ok( ret && (!wcscmp( buf, L"value" ) || !wcscmp( buf, L"value  " )), "X-Trailing: %s\n", dbgw( ret ? buf : NULL ) );

    /* [winhttp] a CRLF at the end of the string */
    add_headers( req, L"Range: bytes=0-773\r\n", ~0u, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE,
                 ERROR_SUCCESS );
    check_request_header( req, L"Range", 0, L"bytes=0-773" );
    check_request_header( req, L"Range", 1, NULL );

    /* [doc] several headers at once, separated by CRLF; an explicit length cuts the string */
    add_headers( req, L"X-Multi-A: a\r\nX-Multi-B: b\r\nX-Multi-C: c", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    check_request_header( req, L"X-Multi-A", 0, L"a" );
    check_request_header( req, L"X-Multi-B", 0, L"b" );
    check_request_header( req, L"X-Multi-C", 0, L"c" );
    add_headers( req, L"X-Length: abcdef", 13, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    check_request_header( req, L"X-Length", 0, L"abc" );

    /* [winhttp] the request method, from the handle */
    len = sizeof(buf);
    buf[0] = 0;
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_REQUEST_METHOD, NULL, buf, &len, NULL );
    ok( ret, "REQUEST_METHOD failed, error %lu\n", GetLastError() );
    ok( !wcscmp( buf, L"POST" ), "method %s\n", dbgw( buf ) );
    ok( len == 4 * sizeof(WCHAR), "length %lu\n", len );

    /* [winhttp] all request headers, CRLF-separated: request line first, an empty line last */
    index = 0;
    len = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, NULL,
                               &len, &index );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
    ok( len > 40, "needed %lu\n", len );
    ok( index == 0, "index %lu\n", index );
    needed = len;
    {
        WCHAR *raw = malloc( needed + 16 );

        len = needed;
        memset( raw, 0xff, needed + 16 );
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, raw,
                                   &len, &index );
        ok( ret, "RAW_HEADERS_CRLF failed, error %lu\n", GetLastError() );
        if (ret)
        {
            ok( len + sizeof(WCHAR) <= needed, "length %lu, needed %lu\n", len, needed );
            ok( len == wcslen( raw ) * sizeof(WCHAR), "length %lu for %u characters\n", len,
                (unsigned int)wcslen( raw ) );
            ok( !wcsncmp( raw, L"POST /echo HTTP/1.1\r\n", 21 ), "raw headers %s\n", dbgw( raw ) );
            ok( len >= 8 && !wcscmp( raw + len / sizeof(WCHAR) - 4, L"\r\n\r\n" ), "raw headers end %s\n", dbgw( raw ) );
            ok( wcsstr( raw, L"\r\nX-New: new\r\n" ) != NULL, "X-New missing from %s\n", dbgw( raw ) );
        }
        ok( index == 0, "index %lu\n", index );

        /* [winhttp] NUL-separated: two NULs at the end, the second not counted */
        len = needed;
        memset( raw, 0xff, needed + 16 );
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, NULL, raw,
                                   &len, NULL );
        ok( ret, "RAW_HEADERS failed, error %lu\n", GetLastError() );
        if (ret)
        {
            ok( !wcsncmp( raw, L"POST /echo HTTP/1.1", 20 ), "raw headers %s\n", dbgw( raw ) );
            ok( !raw[len / sizeof(WCHAR)] && !raw[len / sizeof(WCHAR) - 1], "no double NUL at the end\n" );
            ok( raw[len / sizeof(WCHAR) - 2] != 0, "too many NULs at the end\n" );
        }
        free( raw );
    }

    /* the server gets what is left */
    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
    {
        rec = server_last( server );
        ok( rec && has_line( rec->head, "Warning: third" ), "Warning: third missing: %s\n", head_of( rec ) );
        ok( rec && has_line( rec->head, "Warning: seventh" ), "Warning: seventh missing\n" );
        ok( rec && count_fields( rec->head, "Warning" ) == 2, "%u Warning headers\n",
            rec ? count_fields( rec->head, "Warning" ) : 0 );
        ok( rec && has_line( rec->head, "X-Replace: back" ), "X-Replace missing\n" );
        ok( rec && has_line( rec->head, "Range: bytes=0-773" ), "Range missing\n" );
        ok( rec && has_line( rec->head, "X-Multi-B: b" ), "X-Multi-B missing\n" );
        ok( rec && has_line( rec->head, "X-Coalesced: alone" ), "X-Coalesced missing\n" );
        ok( rec && !count_fields( rec->head, "nocolon" ), "a malformed header went out\n" );
        ok( rec && head_well_formed( rec ), "malformed head %s\n", head_of( rec ) );
    }
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/* [winhttp] lines separated by LF alone, LF CR, or CR alone are all separate
 * headers; [design] whatever the application passes, only CRLF goes out */
static void test_add_headers_separators( struct server *server )
{
    static const WCHAR odd_separators[] =
        L"Content-Type: text/html\n\r"
        L"Test1: Value1\n"
        L"Test2: Value2\n\n\n"
        L"Test3: Value3\r\r\r"
        L"Test4: Value4\r\n\r\n"
        L"Cookie: 111";
    static const struct { const WCHAR *name; const WCHAR *value; const char *line; } expect[] =
    {
        { L"Content-Type", L"text/html", "Content-Type: text/html" },
        { L"Test1", L"Value1", "Test1: Value1" },
        { L"Test2", L"Value2", "Test2: Value2" },
        { L"Test3", L"Value3", "Test3: Value3" },
        { L"Test4", L"Value4", "Test4: Value4" },
        { L"Cookie", L"111", "Cookie: 111" },
    };
    HINTERNET ses, con, req;
    const struct record *rec;
    unsigned int i;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );
    req = open_request( con, L"POST", L"/echo" );

    add_headers( req, odd_separators, ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    for (i = 0; i < ARRAY_SIZE(expect); i++) check_request_header( req, expect[i].name, 0, expect[i].value );

    /* a CR alone in WinHttpSendRequest's headers separates them too */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, L"Test5: Value5\rTest6: Value6", ~0u, NULL, 0, 0, 0 );
    ok( ret, "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if (ret) receive_response( req );
    rec = server_last( server );
    ok( rec != NULL, "no request\n" );
    if (rec)
    {
        for (i = 0; i < ARRAY_SIZE(expect); i++)
            ok( has_line( rec->head, expect[i].line ), "%s missing from %s\n", expect[i].line, dbgstr( rec->head ) );
        ok( has_line( rec->head, "Test5: Value5" ), "Test5 missing from %s\n", dbgstr( rec->head ) );
        ok( has_line( rec->head, "Test6: Value6" ), "Test6 missing from %s\n", dbgstr( rec->head ) );
        ok( head_well_formed( rec ), "malformed head %s\n", dbgstr( rec->head ) );
    }
    WinHttpCloseHandle( req );

    /* [design] an attempt to smuggle line breaks into a value never puts them on the wire */
    req = open_request( con, L"GET", L"/ok" );
    WinHttpAddRequestHeaders( req, L"X-Inject: a\rb\nc\r\n\r\nGET /evil HTTP/1.1", ~0u, WINHTTP_ADDREQ_FLAG_ADD );
    WinHttpAddRequestHeaders( req, L"X-Inject2: x\n\nHost: evil", ~0u, WINHTTP_ADDREQ_FLAG_ADD );
    if (WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 ) && WinHttpReceiveResponse( req, NULL ))
    {
        rec = server_last( server );
        ok( rec && head_well_formed( rec ), "malformed head %s\n", head_of( rec ) );
        ok( rec && starts_with( rec->head, "GET /ok HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
    }
    WinHttpCloseHandle( req );
    ok( !server->bad, "the server saw %ld malformed requests\n", server->bad );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

#define add_headers_ex(a,b,c,d,e,f) add_headers_ex_(__LINE__,a,b,c,d,e,f)
static void add_headers_ex_( unsigned int line, HINTERNET req, DWORD modifiers, ULONGLONG flags, DWORD count,
                             WINHTTP_EXTENDED_HEADER *headers, DWORD expect )
{
    DWORD err = pWinHttpAddRequestHeadersEx( req, modifiers, flags, 0, count, headers );
    ok_(__FILE__,line)( err == expect, "WinHttpAddRequestHeadersEx(%#lx): %lu, expected %lu\n", modifiers, err, expect );
}

static void test_add_headers_ex( struct server *server )
{
    WINHTTP_EXTENDED_HEADER two[2], one;
    HINTERNET ses, con, req;
    const struct record *rec;

    if (!pWinHttpAddRequestHeadersEx)
    {
        win_skip( "WinHttpAddRequestHeadersEx is not available\n" );
        return;
    }
    ses = open_session();
    con = connect_server( ses, server );
    req = open_request( con, L"GET", L"/ok" );

    /* [doc] names and values apart, UTF-16 with the flag */
    two[0].pwszName = L"X-Ex-One";
    two[0].pwszValue = L"1";
    two[1].pwszName = L"X-Ex-Two";
    two[1].pwszValue = L"two";
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 2, two, ERROR_SUCCESS );
    check_request_header( req, L"X-Ex-One", 0, L"1" );
    check_request_header( req, L"X-Ex-Two", 0, L"two" );

    /* [doc] narrow strings without it */
    one.pszName = "X-Ex-Ansi";
    one.pszValue = "narrow";
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_ADD, 0, 1, &one, ERROR_SUCCESS );
    check_request_header( req, L"X-Ex-Ansi", 0, L"narrow" );

    /* [doc] the modifiers mean what they mean for WinHttpAddRequestHeaders */
    one.pwszName = L"X-Ex-One";
    one.pwszValue = L"again";
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_ADD_IF_NEW, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one,
                    ERROR_WINHTTP_HEADER_ALREADY_EXISTS );
    check_request_header( req, L"X-Ex-One", 0, L"1" );
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one,
                    ERROR_SUCCESS );
    check_request_header( req, L"X-Ex-One", 0, L"1; again" );
    one.pwszName = L"X-Ex-Missing";
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_REPLACE, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one,
                    ERROR_WINHTTP_HEADER_NOT_FOUND );
    check_request_header( req, L"X-Ex-Missing", 0, NULL );
    one.pwszName = L"X-Ex-Two";
    one.pwszValue = L"";
    add_headers_ex( req, WINHTTP_ADDREQ_FLAG_REPLACE, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one, ERROR_SUCCESS );
    check_request_header( req, L"X-Ex-Two", 0, NULL );

    /* [doc] a handle that is not a request */
    one.pwszName = L"X-Ex-Con";
    one.pwszValue = L"1";
    add_headers_ex( NULL, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one, ERROR_INVALID_HANDLE );
    add_headers_ex( con, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 1, &one,
                    ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );

    /* [design] line breaks in a value never reach the wire as line breaks */
    one.pwszName = L"X-Ex-Inject";
    one.pwszValue = L"a\r\nX-Evil: 1";
    pWinHttpAddRequestHeadersEx( req, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, 1, &one );

    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
    {
        rec = server_last( server );
        ok( rec && has_line( rec->head, "X-Ex-One: 1; again" ), "X-Ex-One missing: %s\n", head_of( rec ) );
        ok( rec && has_line( rec->head, "X-Ex-Ansi: narrow" ), "X-Ex-Ansi missing\n" );
        ok( rec && !count_fields( rec->head, "X-Ex-Two" ), "X-Ex-Two was not removed\n" );
        ok( rec && head_well_formed( rec ), "malformed head %s\n", head_of( rec ) );
    }
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * WinHttpSendRequest's data, WinHttpWriteData, chunked uploads.
 */

static void test_send_data( struct server *server )
{
    HINTERNET ses, con, req;
    const struct record *rec;
    char body[64];
    DWORD written, count, err;
    LONG bad = server->bad;
    unsigned int mark;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );

    /* [doc] optional data and the rest with WinHttpWriteData: one Content-Length for the total */
    mark = server_count( server );
    req = open_request( con, L"POST", L"/echo" );
    if (send_request( req, L"Content-Type: text/plain", "0123", 4, 10 ))
    {
        written = 0xdeadbeef;
        SetLastError( 0xdeadbeef );
        ret = WinHttpWriteData( req, "456", 3, &written );
        err = GetLastError();
        ok( ret, "WinHttpWriteData failed, error %lu\n", err );
        ok( !ret || err == ERROR_SUCCESS, "last error %lu\n", err );
        ok( written == 3, "written %lu\n", written );
        written = 0xdeadbeef;
        ret = WinHttpWriteData( req, "789", 3, &written );
        ok( ret, "WinHttpWriteData failed, error %lu\n", GetLastError() );
        ok( written == 3, "written %lu\n", written );
        if (receive_response( req ))
        {
            rec = server_record( server, mark );
            ok( rec && has_line( rec->head, "Content-Length: 10" ), "no Content-Length: 10 in %s\n",
                head_of( rec ) );
            ok( rec && has_line( rec->head, "Content-Type: text/plain" ), "no Content-Type\n" );
            ok( rec && rec->body_len == 10 && !memcmp( rec->body, "0123456789", 10 ), "body %s\n",
                rec ? escape( rec->body, rec->body_len ) : "" );
            count = read_body( req, body, sizeof(body) );
            ok( count == 10 && !memcmp( body, "0123456789", 10 ), "echo %s\n", escape( body, count ) );
        }
    }
    WinHttpCloseHandle( req );

    /* [doc] all of it through WinHttpWriteData */
    mark = server_count( server );
    req = open_request( con, L"PUT", L"/echo" );
    if (send_request( req, NULL, NULL, 0, 6 ))
    {
        ret = WinHttpWriteData( req, "abcdef", 6, &written );
        ok( ret && written == 6, "WinHttpWriteData: %d, %lu, error %lu\n", ret, written, GetLastError() );
        if (receive_response( req ))
        {
            rec = server_record( server, mark );
            ok( rec && starts_with( rec->head, "PUT /echo HTTP/1.1\r\n" ), "request line %s\n", head_of( rec ) );
            ok( rec && has_line( rec->head, "Content-Length: 6" ), "no Content-Length: 6 in %s\n", head_of( rec ) );
            ok( rec && rec->body_len == 6 && !memcmp( rec->body, "abcdef", 6 ), "body %s\n",
                rec ? escape( rec->body, rec->body_len ) : "" );
        }
    }
    WinHttpCloseHandle( req );

    /* [dotnet] with Transfer-Encoding: chunked the application frames the chunks,
     * including the last one: WinHTTP sends the bytes as they are, without a Content-Length */
    mark = server_count( server );
    req = open_request( con, L"POST", L"/echo" );
    add_headers( req, L"Transfer-Encoding: chunked", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    if (send_request( req, NULL, NULL, 0, WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH ))
    {
        ret = WinHttpWriteData( req, "5\r\nhello\r\n", 10, &written );
        ok( ret && written == 10, "WinHttpWriteData: %d, %lu, error %lu\n", ret, written, GetLastError() );
        ret = WinHttpWriteData( req, "6;ext=1\r\n world\r\n", 17, &written );
        ok( ret && written == 17, "WinHttpWriteData: %d, %lu, error %lu\n", ret, written, GetLastError() );
        ret = WinHttpWriteData( req, "0\r\n\r\n", 5, &written );
        ok( ret && written == 5, "WinHttpWriteData: %d, %lu, error %lu\n", ret, written, GetLastError() );
        if (receive_response( req ))
        {
            rec = server_record( server, mark );
            ok( rec && has_line( rec->head, "Transfer-Encoding: chunked" ), "no Transfer-Encoding in %s\n",
                head_of( rec ) );
            ok( rec && !count_fields( rec->head, "Content-Length" ), "Content-Length with chunked: %s\n",
                head_of( rec ) );
            ok( rec && rec->chunked && rec->body_len == 11 && !memcmp( rec->body, "hello world", 11 ),
                "chunked body %s\n", rec ? escape( rec->body, rec->body_len ) : "" );
            count = read_body( req, body, sizeof(body) );
            ok( count == 11 && !memcmp( body, "hello world", 11 ), "echo %s\n", escape( body, count ) );
        }
    }
    WinHttpCloseHandle( req );
    ok( server->bad == bad, "the server saw %ld malformed requests\n", server->bad - bad );

    /* [winhttp] optional data goes out as it is with Transfer-Encoding: chunked, nothing follows it */
    mark = server_count( server );
    req = open_request( con, L"PUT", L"/echo" );
    add_headers( req, L"Transfer-Encoding: chunked", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    if (send_request( req, NULL, "4\r\npost\r\n0\r\n\r\n", 14, 14 ) && receive_response( req ))
    {
        rec = server_record( server, mark );
        ok( rec && !count_fields( rec->head, "Content-Length" ), "Content-Length with chunked: %s\n",
            head_of( rec ) );
        ok( rec && rec->chunked && rec->body_len == 4 && !memcmp( rec->body, "post", 4 ), "chunked body %s\n",
            rec ? escape( rec->body, rec->body_len ) : "" );
        count = read_body( req, body, sizeof(body) );
        ok( count == 4, "echo %s\n", escape( body, count ) );
    }
    WinHttpCloseHandle( req );

    /* the connection is still in step: the next request is parsed as one */
    req = do_request( con, L"GET", L"/ok" );
    ok( req && get_status( req ) == 200, "status %lu\n", req ? get_status( req ) : 0 );
    WinHttpCloseHandle( req );
    ok( server->bad == bad, "the server saw %ld malformed requests\n", server->bad - bad );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * WinHttpQueryHeaders on a response.
 */

#define check_header(a,b,c,d,e) check_header_(__LINE__,a,b,c,d,e)
static void check_header_( unsigned int line, HINTERNET req, DWORD level, const WCHAR *name, DWORD index,
                           const WCHAR *expect )
{
    WCHAR buf[512];
    DWORD len = sizeof(buf), idx = index, err;
    BOOL ret;

    buf[0] = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, level, name, buf, &len, index == ~0u ? NULL : &idx );
    err = GetLastError();
    if (!expect)
    {
        ok_(__FILE__,line)( !ret, "%#lx %s[%lu]: got %s\n", level, dbgw( name ), index, dbgw( buf ) );
        ok_(__FILE__,line)( err == ERROR_WINHTTP_HEADER_NOT_FOUND, "%#lx %s[%lu]: error %lu\n", level, dbgw( name ),
                            index, err );
        ok_(__FILE__,line)( idx == index, "%#lx %s[%lu]: index moved to %lu\n", level, dbgw( name ), index, idx );
        return;
    }
    ok_(__FILE__,line)( ret, "%#lx %s[%lu]: error %lu\n", level, dbgw( name ), index, err );
    if (!ret) return;
    ok_(__FILE__,line)( err == ERROR_SUCCESS, "%#lx %s[%lu]: last error %lu\n", level, dbgw( name ), index, err );
    ok_(__FILE__,line)( !wcscmp( buf, expect ), "%#lx %s[%lu]: got %s, expected %s\n", level, dbgw( name ), index,
                        dbgw( buf ), dbgw( expect ) );
    ok_(__FILE__,line)( len == wcslen( expect ) * sizeof(WCHAR), "%#lx %s[%lu]: length %lu\n", level, dbgw( name ),
                        index, len );
    if (index != ~0u)
        ok_(__FILE__,line)( idx == index + 1, "%#lx %s[%lu]: index %lu\n", level, dbgw( name ), index, idx );
}

static WCHAR *to_wide( const char *str, size_t len )
{
    WCHAR *ret = malloc( (len + 1) * sizeof(WCHAR) );
    size_t i;

    for (i = 0; i < len; i++) ret[i] = (BYTE)str[i];
    ret[len] = 0;
    return ret;
}

static void test_query_headers( struct server *server )
{
    static const SYSTEMTIME date = { 2008, 7, 1, 28, 10, 5, 52, 0 };
    static const SYSTEMTIME modified = { 2019, 1, 2, 1, 0, 0, 0, 0 };
    HINTERNET ses, con, req;
    WCHAR buf[1024], *expect;
    const char *src;
    DWORD len, index, number, err, needed, i, count;
    ULONGLONG number64;
    SYSTEMTIME st;
    char body[16];
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );
    req = do_request( con, L"GET", L"/headers" );
    if (!req) goto done;

    /* [winhttp] the status code, as a string and as a number */
    check_header( req, WINHTTP_QUERY_STATUS_CODE, NULL, ~0u, L"200" );
    number = 0xdeadbeef;
    len = sizeof(number);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &len, NULL );
    ok( ret, "STATUS_CODE | FLAG_NUMBER failed, error %lu\n", GetLastError() );
    ok( number == 200, "status %lu\n", number );
    ok( len == sizeof(DWORD), "length %lu\n", len );

    /* [doc] the status text and the version */
    check_header( req, WINHTTP_QUERY_STATUS_TEXT, NULL, ~0u, L"OK" );
    check_header( req, WINHTTP_QUERY_VERSION, NULL, ~0u, L"HTTP/1.1" );

    /* [winhttp] too small for the version: the size with the terminator */
    len = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_VERSION, NULL, NULL, &len, NULL );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
    ok( len == 9 * sizeof(WCHAR), "needed %lu\n", len );
    len = 8 * sizeof(WCHAR);
    memset( buf, 0xab, sizeof(buf) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_VERSION, NULL, buf, &len, NULL );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "short buffer: %d, error %lu\n", ret, err );
    ok( len == 9 * sizeof(WCHAR), "needed %lu\n", len );
    ok( buf[0] == 0xabab, "the buffer was written\n" );

    /* [winhttp] all the headers, CRLF-separated, as the server sent them */
    expect = to_wide( headers_response, strlen( headers_response ) );
    len = 0;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, NULL, &len, NULL );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
    ok( len >= (wcslen( expect ) + 1) * sizeof(WCHAR), "needed %lu\n", len );
    len = sizeof(buf);
    buf[0] = 0;
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buf, &len, NULL );
    ok( ret, "RAW_HEADERS_CRLF failed, error %lu\n", GetLastError() );
    ok( !wcscmp( buf, expect ), "raw headers %s\n", dbgw( buf ) );
    ok( len == wcslen( expect ) * sizeof(WCHAR), "length %lu, expected %u\n", len,
        (unsigned int)(wcslen( expect ) * sizeof(WCHAR)) );

    /* [winhttp] NUL-separated: each line ends in a NUL, one more NUL after them, not counted */
    count = 0;
    for (src = headers_response; *src && !(src[0] == '\r' && src[1] == '\n'); )
    {
        const char *eol = strstr( src, "\r\n" );
        while (src < eol) expect[count++] = (BYTE)*src++;
        expect[count++] = 0;
        src = eol + 2;
    }
    len = sizeof(buf);
    memset( buf, 0xab, sizeof(buf) );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS, NULL, buf, &len, NULL );
    ok( ret, "RAW_HEADERS failed, error %lu\n", GetLastError() );
    ok( len == count * sizeof(WCHAR), "length %lu, expected %lu\n", len, count * (DWORD)sizeof(WCHAR) );
    ok( !memcmp( buf, expect, count * sizeof(WCHAR) ), "raw headers %s\n", dbgw( buf ) );
    ok( !buf[len / sizeof(WCHAR)], "no final NUL\n" );
    ok( len > 4 && !buf[len / sizeof(WCHAR) - 1] && buf[len / sizeof(WCHAR) - 2], "wrong NULs at the end\n" );
    free( expect );

    /* [winhttp] indexed headers: the index moves on, and stays put past the end */
    check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", 0, L"one" );
    check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", 1, L"two" );
    check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", 2, L"three" );
    check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", 3, NULL );
    check_header( req, WINHTTP_QUERY_CUSTOM, L"x-multi", 0, L"one" );
    index = 0;
    for (i = 0; i < 3; i++)
    {
        len = sizeof(buf);
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", buf, &len, &index );
        ok( ret && index == i + 1, "walk %lu: %d, index %lu\n", i, ret, index );
    }
    len = sizeof(buf);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", buf, &len, &index );
    err = GetLastError();
    ok( !ret && err == ERROR_WINHTTP_HEADER_NOT_FOUND, "past the end: %d, error %lu\n", ret, err );
    ok( index == 3, "index %lu\n", index );
    /* no index: the first one */
    len = sizeof(buf);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", buf, &len, NULL );
    ok( ret && !wcscmp( buf, L"one" ), "no index: %d, %s\n", ret, dbgw( buf ) );

    /* [winhttp] the size needed, with its terminator, and the index left alone */
    index = 1;
    len = 0xdeadbeef;
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", NULL, &len, &index );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
    ok( len == 4 * sizeof(WCHAR), "needed %lu\n", len );
    ok( index == 1, "index %lu\n", index );
    len = 3 * sizeof(WCHAR);
    memset( buf, 0xab, sizeof(buf) );
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Multi", buf, &len, &index );
    err = GetLastError();
    ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "short buffer: %d, error %lu\n", ret, err );
    ok( len == 4 * sizeof(WCHAR), "needed %lu\n", len );
    ok( buf[0] == 0xabab, "the buffer was written\n" );
    ok( index == 1, "index %lu\n", index );

    /* [doc] the well-known headers by their level */
    check_header( req, WINHTTP_QUERY_SERVER, NULL, ~0u, L"winetest" );
    check_header( req, WINHTTP_QUERY_CONTENT_TYPE, NULL, ~0u, L"text/plain" );
    check_header( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, ~0u, L"5" );
    check_header( req, WINHTTP_QUERY_DATE, NULL, ~0u, L"Mon, 28 Jul 2008 10:05:52 GMT" );
    /* [winhttp] headers the response does not have */
    check_header( req, WINHTTP_QUERY_LOCATION, NULL, ~0u, NULL );
    check_header( req, WINHTTP_QUERY_ORIG_URI, NULL, ~0u, NULL );
    check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Absent", 0, NULL );
    /* response headers are not request headers */
    check_header( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, L"X-Multi", 0, NULL );

    /* [winhttp] a level past the last one */
    len = sizeof(buf);
    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_MAX + 1, NULL, buf, &len, NULL );
    err = GetLastError();
    ok( !ret && err == ERROR_INVALID_PARAMETER, "WINHTTP_QUERY_MAX + 1: %d, error %lu\n", ret, err );

    /* [doc] numbers */
    number = 0xdeadbeef;
    len = sizeof(number);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &len, NULL );
    ok( ret && number == 5 && len == sizeof(DWORD), "CONTENT_LENGTH number: %d, %lu, %lu\n", ret, number, len );
    number = 0xdeadbeef;
    len = sizeof(number);
    index = 0;
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER, L"X-Number", &number, &len, &index );
    ok( ret && number == 1234 && len == sizeof(DWORD), "X-Number: %d, %lu, %lu\n", ret, number, len );
    ok( index == 1, "index %lu\n", index );

    number64 = 0xdeadbeef;
    len = sizeof(number64);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER64, NULL, &number64, &len,
                               NULL );
    ok( ret, "CONTENT_LENGTH | FLAG_NUMBER64 failed, error %lu\n", GetLastError() );
    ok( number64 == 5, "number %lu\n", (DWORD)number64 );
    ok( len == sizeof(ULONGLONG), "length %lu\n", len );
    number64 = 0;
    len = sizeof(number64);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_NUMBER64, L"X-Big", &number64, &len, NULL );
    ok( ret, "X-Big failed, error %lu\n", GetLastError() );
    ok( number64 == 12345678901ull, "number %#lx%08lx\n", (DWORD)(number64 >> 32), (DWORD)number64 );
    ok( len == sizeof(ULONGLONG), "length %lu\n", len );

    /* [doc] dates */
    memset( &st, 0xcc, sizeof(st) );
    len = sizeof(st);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &st, &len, NULL );
    ok( ret, "DATE | FLAG_SYSTEMTIME failed, error %lu\n", GetLastError() );
    ok( !memcmp( &st, &date, sizeof(st) ), "date %u-%u-%u (%u) %u:%u:%u.%u\n", st.wYear, st.wMonth, st.wDay,
        st.wDayOfWeek, st.wHour, st.wMinute, st.wSecond, st.wMilliseconds );
    ok( len == sizeof(SYSTEMTIME), "length %lu\n", len );
    memset( &st, 0xcc, sizeof(st) );
    len = sizeof(st);
    ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_LAST_MODIFIED | WINHTTP_QUERY_FLAG_SYSTEMTIME, NULL, &st, &len, NULL );
    ok( ret, "LAST_MODIFIED | FLAG_SYSTEMTIME failed, error %lu\n", GetLastError() );
    ok( !memcmp( &st, &modified, sizeof(st) ), "date %u-%u-%u (%u) %u:%u:%u.%u\n", st.wYear, st.wMonth, st.wDay,
        st.wDayOfWeek, st.wHour, st.wMinute, st.wSecond, st.wMilliseconds );

    /* the body is still there to read */
    count = read_body( req, body, sizeof(body) );
    ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
    /* [unsure] the headers stay after the body */
    check_header( req, WINHTTP_QUERY_STATUS_CODE, NULL, ~0u, L"200" );
    WinHttpCloseHandle( req );

    /* [doc] a status text of several words */
    req = do_request( con, L"GET", L"/status" );
    if (req)
    {
        ok( get_status( req ) == 299, "status %lu\n", get_status( req ) );
        check_header( req, WINHTTP_QUERY_STATUS_TEXT, NULL, ~0u, L"Custom Status Text Here" );
        needed = 0;
        WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_TEXT, NULL, NULL, &needed, NULL );
        ok( needed == 24 * sizeof(WCHAR), "needed %lu\n", needed );
        WinHttpCloseHandle( req );
    }

done:
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * Response bodies.
 */

static void test_bodies(void)
{
    struct server server;
    HINTERNET ses, con, req;
    char body[256];
    DWORD count, len, err, number;
    WCHAR buf[64];
    BOOL ret;

    if (!server_start( &server, 0 ))
    {
        skip( "no server\n" );
        return;
    }
    ses = open_session();
    con = connect_server( ses, &server );

    /* [http] Content-Length */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    /* [winhttp] chunked, with an extension and a trailer: no Content-Length */
    if ((req = do_request( con, L"GET", L"/chunked" )))
    {
        check_header( req, WINHTTP_QUERY_TRANSFER_ENCODING, NULL, ~0u, L"chunked" );
        check_header( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, ~0u, NULL );
        count = read_body( req, body, sizeof(body) );
        ok( count == 11 && !memcmp( body, chunked_body, 11 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }
    /* [http] the trailer was read: the connection goes on with the next response */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
        count = read_body( req, body, sizeof(body) );
        ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 1, "%ld connections for three requests\n", server.accepted );

    /* [winhttp] HEAD: a Content-Length, but no body */
    if ((req = do_request( con, L"HEAD", L"/head" )))
    {
        number = 0xdeadbeef;
        len = sizeof(number);
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &len, NULL );
        ok( ret && number == 100, "Content-Length: %d, %lu\n", ret, number );
        count = 0xdeadbeef;
        ret = WinHttpQueryDataAvailable( req, &count );
        ok( ret && !count, "available: %d, %lu\n", ret, count );
        count = 0xdeadbeef;
        ret = WinHttpReadData( req, body, sizeof(body), &count );
        ok( ret && !count, "read: %d, %lu\n", ret, count );
        count = 0xdeadbeef;
        ret = WinHttpQueryDataAvailable( req, &count );
        ok( ret && !count, "available: %d, %lu\n", ret, count );
        WinHttpCloseHandle( req );
    }
    /* [http] the next response is not taken for the HEAD's body */
    if ((req = do_request( con, L"GET", L"/head" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 100 && body[0] == 'h' && body[99] == 'h', "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }

    /* [winhttp] 204: no Content-Length, nothing to read */
    if ((req = do_request( con, L"GET", L"/204" )))
    {
        ok( get_status( req ) == 204, "status %lu\n", get_status( req ) );
        number = 12345;
        len = sizeof(number);
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER, NULL, &number, &len,
                                   NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_HEADER_NOT_FOUND, "Content-Length: %d, error %lu\n", ret, err );
        ok( number == 12345, "number written: %lu\n", number );
        count = 12345;
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryDataAvailable( req, &count );
        err = GetLastError();
        ok( ret && !count, "available: %d, %lu\n", ret, count );
        ok( err == ERROR_SUCCESS, "last error %lu\n", err );
        count = 12345;
        SetLastError( 0xdeadbeef );
        ret = WinHttpReadData( req, body, sizeof(body), &count );
        err = GetLastError();
        ok( ret && !count, "read: %d, %lu\n", ret, count );
        ok( err == ERROR_SUCCESS, "last error %lu\n", err );
        WinHttpCloseHandle( req );
    }

    /* [winhttp] 304: nothing to read */
    if ((req = do_request( con, L"GET", L"/304" )))
    {
        ok( get_status( req ) == 304, "status %lu\n", get_status( req ) );
        count = 0xdeadbeef;
        ret = WinHttpQueryDataAvailable( req, &count );
        ok( ret && !count, "available: %d, %lu\n", ret, count );
        count = 0xdeadbeef;
        ret = WinHttpReadData( req, body, sizeof(body), &count );
        ok( ret && !count, "read: %d, %lu\n", ret, count );
        WinHttpCloseHandle( req );
    }

    /* [http] Content-Length: 0 */
    if ((req = do_request( con, L"GET", L"/empty" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( !count, "body of %lu\n", count );
        check_header( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, ~0u, L"0" );
        WinHttpCloseHandle( req );
    }

    /* [http] 204, 304, an empty body and a HEAD leave the connection usable */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 1, "%ld connections\n", server.accepted );

    /* [http] a body ended by the connection's end, with Connection: close */
    if ((req = do_request( con, L"GET", L"/close" )))
    {
        check_header( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, ~0u, NULL );
        count = read_body( req, body, sizeof(body) );
        ok( count == strlen( close_body ) && !memcmp( body, close_body, count ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }
    /* [http] and without it, in HTTP/1.1 */
    if ((req = do_request( con, L"GET", L"/nolength" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == strlen( close_body ) && !memcmp( body, close_body, count ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    /* [doc] WinHttpReadData with a buffer smaller than the body */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        DWORD total = 0;

        memset( body, 0, sizeof(body) );
        for (len = 0; len < 10; len++)
        {
            count = 0xdeadbeef;
            ret = WinHttpReadData( req, body + total, 2, &count );
            ok( ret && count <= 2, "read: %d, %lu\n", ret, count );
            if (!ret || !count) break;
            total += count;
        }
        ok( total == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, total ) );
        WinHttpCloseHandle( req );
    }

    /* [doc] a request handle sent again reads its new response */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
        {
            check_header( req, WINHTTP_QUERY_STATUS_CODE, NULL, ~0u, L"200" );
            count = read_body( req, body, sizeof(body) );
            ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
        }
        WinHttpCloseHandle( req );
    }

    /* [doc] the version of an HTTP/1.0 response */
    if ((req = do_request( con, L"GET", L"/http10" )))
    {
        len = sizeof(buf);
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_VERSION, NULL, buf, &len, NULL );
        ok( ret && !wcscmp( buf, L"HTTP/1.0" ), "version %s\n", dbgw( ret ? buf : NULL ) );
        count = read_body( req, body, sizeof(body) );
        ok( count == 4 && !memcmp( body, "abcd", 4 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    ok( !server.bad, "the server saw %ld malformed requests\n", server.bad );
    server_stop( &server );
}

/* [http] 8 MiB with a Content-Length, byte by byte */
static void test_large_body( struct server *server )
{
    HINTERNET ses, con, req;
    DWORD count, avail, total = 0, wrong = 0, first_wrong = 0, loops;
    BYTE *buf;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );
    req = do_request( con, L"GET", L"/large" );
    buf = malloc( 65536 );
    if (req && buf)
    {
        check_header( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, ~0u, L"8388608" );
        for (loops = 0; loops < 1000000; loops++)
        {
            DWORD i;

            avail = 0;
            ret = WinHttpQueryDataAvailable( req, &avail );
            if (!ret || !avail)
            {
                ok( ret, "WinHttpQueryDataAvailable failed after %lu bytes, error %lu\n", total, GetLastError() );
                break;
            }
            if (avail > LARGE_SIZE - total)
            {
                ok( 0, "%lu bytes available after %lu\n", avail, total );
                break;
            }
            count = 0;
            ret = WinHttpReadData( req, buf, min( avail, 65536 ), &count );
            if (!ret || !count)
            {
                ok( 0, "WinHttpReadData: %d, %lu, error %lu\n", ret, count, GetLastError() );
                break;
            }
            for (i = 0; i < count; i++)
            {
                if (buf[i] == large_byte( total + i )) continue;
                if (!wrong++) first_wrong = total + i;
            }
            total += count;
        }
        ok( total == LARGE_SIZE, "read %lu bytes\n", total );
        ok( !wrong, "%lu wrong bytes, the first at %lu\n", wrong, first_wrong );
        count = 0xdeadbeef;
        ret = WinHttpReadData( req, buf, 65536, &count );
        ok( ret && !count, "after the end: %d, %lu\n", ret, count );
    }
    free( buf );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/* [doc] WinHttpReadDataEx with WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER waits for a full buffer */
static void test_read_data_ex( struct server *server )
{
    HINTERNET ses, con, req;
    char buf[FILL_SIZE + 16];
    DWORD count, err, i;

    if (!pWinHttpReadDataEx)
    {
        win_skip( "WinHttpReadDataEx is not available\n" );
        return;
    }
    ses = open_session();
    con = connect_server( ses, server );

    if ((req = do_request( con, L"GET", L"/fill" )))
    {
        count = 0xdeadbeef;
        memset( buf, 0, sizeof(buf) );
        err = pWinHttpReadDataEx( req, buf, FILL_SIZE, &count, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL );
        ok( err == ERROR_SUCCESS, "WinHttpReadDataEx: %lu\n", err );
        ok( count == FILL_SIZE, "read %lu\n", count );
        for (i = 0; i < count; i++) if (buf[i] != 'f') break;
        ok( i == count, "wrong byte at %lu\n", i );
        count = 0xdeadbeef;
        err = pWinHttpReadDataEx( req, buf, sizeof(buf), &count, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL );
        ok( err == ERROR_SUCCESS && !count, "at the end: %lu, %lu\n", err, count );
        WinHttpCloseHandle( req );
    }

    /* a buffer larger than the body: all of it, then the end */
    if ((req = do_request( con, L"GET", L"/chunked" )))
    {
        count = 0xdeadbeef;
        memset( buf, 0, sizeof(buf) );
        err = pWinHttpReadDataEx( req, buf, sizeof(buf), &count, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL );
        ok( err == ERROR_SUCCESS, "WinHttpReadDataEx: %lu\n", err );
        ok( count == 11 && !memcmp( buf, chunked_body, 11 ), "read %s\n", escape( buf, count ) );
        count = 0xdeadbeef;
        err = pWinHttpReadDataEx( req, buf, sizeof(buf), &count, 0, 0, NULL );
        ok( err == ERROR_SUCCESS && !count, "at the end: %lu, %lu\n", err, count );
        WinHttpCloseHandle( req );
    }

    /* without the flag it is WinHttpReadData */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        DWORD total = 0;

        for (i = 0; i < 10; i++)
        {
            count = 0xdeadbeef;
            err = pWinHttpReadDataEx( req, buf + total, sizeof(buf) - total, &count, 0, 0, NULL );
            ok( err == ERROR_SUCCESS, "WinHttpReadDataEx: %lu\n", err );
            if (err || !count) break;
            total += count;
        }
        ok( total == 5 && !memcmp( buf, "hello", 5 ), "read %s\n", escape( buf, total ) );
        WinHttpCloseHandle( req );
    }

    /* before the response there is nothing to read */
    req = open_request( con, L"GET", L"/ok" );
    count = 0xdeadbeef;
    err = pWinHttpReadDataEx( req, buf, sizeof(buf), &count, WINHTTP_READ_DATA_EX_FLAG_FILL_BUFFER, 0, NULL );
    ok( err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "before sending: %lu\n", err );
    WinHttpCloseHandle( req );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * Connections.
 */

static void test_keep_alive(void)
{
    struct server server;
    HINTERNET ses, con, req;
    const struct record *rec;
    char body[64];
    DWORD count;

    if (!server_start( &server, 0 ))
    {
        skip( "no server\n" );
        return;
    }
    ses = open_session();
    con = connect_server( ses, &server );

    /* [http] two requests in turn on one connect handle share one connection */
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 1, "%ld connections for two requests\n", server.accepted );
    rec = server_last( &server );
    ok( rec && rec->conn == 1, "the second request came on connection %ld\n", rec ? rec->conn : 0 );

    /* [http] a POST with a body too */
    req = open_request( con, L"POST", L"/echo" );
    if (send_request( req, NULL, "data", 4, 4 ) && receive_response( req ))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 4 && !memcmp( body, "data", 4 ), "echo %s\n", escape( body, count ) );
    }
    WinHttpCloseHandle( req );
    ok( server.accepted == 1, "%ld connections\n", server.accepted );

    /* [http] Connection: close from the server: the next request needs a new one */
    if ((req = do_request( con, L"GET", L"/keepalive-close" )))
    {
        check_header( req, WINHTTP_QUERY_CONNECTION, NULL, ~0u, L"close" );
        count = read_body( req, body, sizeof(body) );
        ok( count == 2 && !memcmp( body, "ok", 2 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 2, "%ld connections after Connection: close\n", server.accepted );
    rec = server_last( &server );
    ok( rec && rec->conn == 2, "the request came on connection %ld\n", rec ? rec->conn : 0 );

    /* [http] an HTTP/1.0 response without keep-alive is not persistent, even when the server keeps it open */
    if ((req = do_request( con, L"GET", L"/http10" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 4, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 3, "%ld connections after an HTTP/1.0 response\n", server.accepted );

    /* [http] a body ended by the close needs a new connection after it */
    if ((req = do_request( con, L"GET", L"/nolength" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == strlen( close_body ), "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }
    ok( server.accepted == 4, "%ld connections after a body ended by the close\n", server.accepted );

    /* a request closed before its body was read: the next one still works */
    req = do_request( con, L"GET", L"/head" );
    WinHttpCloseHandle( req );
    if ((req = do_request( con, L"GET", L"/ok" )))
    {
        count = read_body( req, body, sizeof(body) );
        ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    ok( !server.bad, "the server saw %ld malformed requests\n", server.bad );
    server_stop( &server );
}

/*
 * Interim responses, folded and long headers.
 */

static void test_response_heads( struct server *server )
{
    HINTERNET ses, con, req;
    WCHAR buf[128], *value;
    char body[16], name[16];
    DWORD len, count, index, i, err;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );

    /* [http] interim 1xx responses are not the response */
    if ((req = do_request( con, L"GET", L"/continue" )))
    {
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
        len = sizeof(buf);
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buf, &len, NULL );
        ok( ret && !wcsncmp( buf, L"HTTP/1.1 200 OK\r\n", 17 ), "raw headers %s\n", dbgw( ret ? buf : NULL ) );
        check_header( req, WINHTTP_QUERY_CUSTOM, L"X-Interim", 0, NULL );
        count = read_body( req, body, sizeof(body) );
        ok( count == 5 && !memcmp( body, "hello", 5 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    /* [unsure] a folded header: its continuation lines belong to it, the next header stands alone */
    if ((req = do_request( con, L"GET", L"/fold" )))
    {
        len = sizeof(buf);
        buf[0] = 0;
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Folded", buf, &len, NULL );
        ok( ret, "X-Folded: error %lu\n", GetLastError() );
        ok( !wcsncmp( buf, L"one", 3 ) && wcsstr( buf, L"two" ) && wcsstr( buf, L"three" ), "X-Folded: %s\n", dbgw( buf ) );
        check_header( req, WINHTTP_QUERY_CUSTOM, L"X-After", 0, L"after" );
        check_header( req, WINHTTP_QUERY_CUSTOM, L"two", 0, NULL );
        count = read_body( req, body, sizeof(body) );
        ok( count == 2 && !memcmp( body, "ok", 2 ), "body %s\n", escape( body, count ) );
        WinHttpCloseHandle( req );
    }

    /* [doc] a 16000-character header and a hundred more, under the default 64 KiB limit */
    if ((req = do_request( con, L"GET", L"/long" )))
    {
        len = 0;
        SetLastError( 0xdeadbeef );
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Long", NULL, &len, NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_INSUFFICIENT_BUFFER, "NULL buffer: %d, error %lu\n", ret, err );
        ok( len == 16001 * sizeof(WCHAR), "needed %lu\n", len );
        value = malloc( 16001 * sizeof(WCHAR) );
        len = 16001 * sizeof(WCHAR);
        ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, L"X-Long", value, &len, NULL );
        ok( ret, "X-Long: error %lu\n", GetLastError() );
        ok( len == 16000 * sizeof(WCHAR), "length %lu\n", len );
        for (i = 0; ret && i < 16000; i++) if (value[i] != 'v') break;
        ok( ret && i == 16000 && !value[16000], "wrong character at %lu\n", i );
        free( value );
        for (i = 0; i < 100; i++)
        {
            WCHAR nameW[16], expect[16];

            sprintf( name, "X-H-%lu", i );
            MultiByteToWideChar( CP_ACP, 0, name, -1, nameW, ARRAY_SIZE(nameW) );
            swprintf( expect, ARRAY_SIZE(expect), L"value %lu", i );
            index = 0;
            len = sizeof(buf);
            ret = WinHttpQueryHeaders( req, WINHTTP_QUERY_CUSTOM, nameW, buf, &len, &index );
            if (!ret || wcscmp( buf, expect ))
            {
                ok( 0, "%s: %d, %s\n", name, ret, dbgw( ret ? buf : NULL ) );
                break;
            }
        }
        ok( i == 100, "%lu of the hundred headers\n", i );
        count = read_body( req, body, sizeof(body) );
        ok( count == 2, "body of %lu\n", count );
        WinHttpCloseHandle( req );
    }

    /* [doc] headers over WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE */
    req = open_request( con, L"GET", L"/long" );
    len = 4096;
    ret = WinHttpSetOption( req, WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, &len, sizeof(len) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ))
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpReceiveResponse( req, NULL );
        err = GetLastError();
        ok( !ret, "16 KiB of headers passed a 4 KiB limit\n" );
        ok( err == ERROR_WINHTTP_HEADER_SIZE_OVERFLOW, "error %lu\n", err );
    }
    WinHttpCloseHandle( req );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * Redirects.
 */

static DWORD callback_status[64];
static unsigned int callback_count;
static WCHAR redirect_url[256];
static unsigned int redirect_count;

static void CALLBACK record_callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    if (callback_count < ARRAY_SIZE(callback_status)) callback_status[callback_count++] = status;
    if (status == WINHTTP_CALLBACK_STATUS_REDIRECT)
    {
        const WCHAR *url = info;
        unsigned int i;

        redirect_count++;
        for (i = 0; url && i < len && i < ARRAY_SIZE(redirect_url) - 1 && url[i]; i++) redirect_url[i] = url[i];
        redirect_url[i] = 0;
    }
}

/* the position of status in the recorded callbacks at or after start, or -1 */
static int find_callback( unsigned int start, DWORD status )
{
    unsigned int i;

    for (i = start; i < callback_count; i++) if (callback_status[i] == status) return i;
    return -1;
}

/* one request and its redirect: what the server saw second */
#define check_redirect(a,b,c,d,e,f,g) check_redirect_(__LINE__,a,b,c,d,e,f,g)
static void check_redirect_( unsigned int line, struct server *server, HINTERNET con, const WCHAR *verb,
                             const WCHAR *path, const char *data, const char *first, const char *second )
{
    unsigned int mark = server_count( server );
    const struct record *rec;
    HINTERNET req;
    char body[32];
    DWORD count, len = data ? strlen( data ) : 0;

    req = open_request_( line, con, verb, path );
    if (!send_request_( line, req, NULL, data, len, len ) || !receive_response_( line, req ))
    {
        WinHttpCloseHandle( req );
        return;
    }
    ok_(__FILE__,line)( get_status( req ) == 200, "%s %s: status %lu\n", dbgw( verb ), dbgw( path ), get_status( req ) );
    ok_(__FILE__,line)( server_count( server ) - mark == 2, "%s %s: %u requests\n", dbgw( verb ), dbgw( path ),
                        server_count( server ) - mark );
    rec = server_record( server, mark );
    ok_(__FILE__,line)( rec && starts_with( rec->head, first ), "%s %s: first request %s\n", dbgw( verb ), dbgw( path ),
                        head_of( rec ) );
    rec = server_record( server, mark + 1 );
    ok_(__FILE__,line)( rec && starts_with( rec->head, second ), "%s %s: second request %s\n", dbgw( verb ),
                        dbgw( path ), head_of( rec ) );
    if (rec && (starts_with( second, "GET " ) || starts_with( second, "HEAD " )))
    {
        ok_(__FILE__,line)( !rec->body_len, "%s %s: the %s has a body %s\n", dbgw( verb ), dbgw( path ), second,
                            escape( rec->body, rec->body_len ) );
        /* [dotnet] a POST turned GET loses its Content-Length */
        if (data)
            ok_(__FILE__,line)( !count_fields( rec->head, "Content-Length" ), "%s %s: Content-Length in %s\n",
                                dbgw( verb ), dbgw( path ), dbgstr( rec->head ) );
    }
    else if (rec && data)
    {
        char value[32];

        ok_(__FILE__,line)( rec->body_len == len && !memcmp( rec->body, data, len ), "%s %s: body %s\n", dbgw( verb ),
                            dbgw( path ), escape( rec->body, rec->body_len ) );
        ok_(__FILE__,line)( get_field( rec->head, "Content-Length", 0, value, sizeof(value) ) &&
                            (DWORD)atoi( value ) == len, "%s %s: Content-Length in %s\n", dbgw( verb ), dbgw( path ),
                            dbgstr( rec->head ) );
    }
    count = read_body_( line, req, body, sizeof(body) );
    if (!wcscmp( verb, L"HEAD" ))
        ok_(__FILE__,line)( !count, "%s %s: body %s\n", dbgw( verb ), dbgw( path ), escape( body, count ) );
    else
        ok_(__FILE__,line)( count == 6 && !memcmp( body, "target", 6 ), "%s %s: body %s\n", dbgw( verb ),
                            dbgw( path ), escape( body, count ) );
    WinHttpCloseHandle( req );
}

static void test_redirects( struct server *server )
{
    HINTERNET ses, con, req;
    const struct record *rec;
    unsigned int mark;
    WCHAR url[256], expect[256];
    char line[128];
    DWORD value, err;
    int pos;
    BOOL ret;

    ses = open_session();
    con = connect_server( ses, server );

    /* [dotnet] 300 to 308 are followed; GET and HEAD stay as they are; [winhttp] [dotnet] POST becomes
     * GET after 300 to 303, not after 307 and 308; other verbs become GET only after 303 */
    check_redirect( server, con, L"GET", L"/r300", NULL, "GET /r300 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r301", NULL, "GET /r301 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r302", NULL, "GET /r302 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r303", NULL, "GET /r303 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r307", NULL, "GET /r307 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r308", NULL, "GET /r308 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r300", "abc", "POST /r300 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r301", "abc", "POST /r301 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r302", "abc", "POST /r302 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r303", "abc", "POST /r303 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r307", "abc", "POST /r307 HTTP/1.1\r\n", "POST /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"POST", L"/r308", "abc", "POST /r308 HTTP/1.1\r\n", "POST /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"PUT", L"/r307", "abcdef", "PUT /r307 HTTP/1.1\r\n", "PUT /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"PUT", L"/r301", "abcdef", "PUT /r301 HTTP/1.1\r\n", "PUT /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"PUT", L"/r302", "abcdef", "PUT /r302 HTTP/1.1\r\n", "PUT /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"PUT", L"/r303", "abcdef", "PUT /r303 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"DELETE", L"/r302", NULL, "DELETE /r302 HTTP/1.1\r\n", "DELETE /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"DELETE", L"/r303", NULL, "DELETE /r303 HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"HEAD", L"/r301", NULL, "HEAD /r301 HTTP/1.1\r\n", "HEAD /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"HEAD", L"/r303", NULL, "HEAD /r303 HTTP/1.1\r\n", "HEAD /target HTTP/1.1\r\n" );
    check_redirect( server, con, L"HEAD", L"/r308", NULL, "HEAD /r308 HTTP/1.1\r\n", "HEAD /target HTTP/1.1\r\n" );

    /* [http] relative and absolute Locations; a redirect response with a body */
    check_redirect( server, con, L"GET", L"/dir/rel", NULL, "GET /dir/rel HTTP/1.1\r\n", "GET /dir/target HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r302-abs", NULL, "GET /r302-abs HTTP/1.1\r\n",
                    "GET /target?abs=1 HTTP/1.1\r\n" );
    check_redirect( server, con, L"GET", L"/r302-body", NULL, "GET /r302-body HTTP/1.1\r\n", "GET /target HTTP/1.1\r\n" );

    /* [http] another host: its own Host header */
    mark = server_count( server );
    if ((req = do_request( con, L"GET", L"/r302-host" )))
    {
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
        rec = server_record( server, mark + 1 );
        sprintf( line, "Host: localhost:%u", server->port );
        ok( rec && has_line( rec->head, line ), "no %s in %s\n", line, head_of( rec ) );
        swprintf( expect, ARRAY_SIZE(expect), L"http://localhost:%u/target", server->port );
        ok( query_option_str( req, WINHTTP_OPTION_URL, url, ARRAY_SIZE(url) ), "no URL\n" );
        ok( !wcscmp( url, expect ), "URL %s\n", dbgw( url ) );
        WinHttpCloseHandle( req );
    }

    /* [doc] WINHTTP_OPTION_URL follows the redirect; [notif] the REDIRECT callback comes between the responses */
    req = open_request( con, L"GET", L"/r302" );
    swprintf( expect, ARRAY_SIZE(expect), L"http://127.0.0.1:%u/r302", server->port );
    ok( query_option_str( req, WINHTTP_OPTION_URL, url, ARRAY_SIZE(url) ), "no URL\n" );
    ok( !wcscmp( url, expect ), "URL %s\n", dbgw( url ) );
    WinHttpSetStatusCallback( req, record_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 );
    if (send_request( req, NULL, NULL, 0, 0 ))
    {
        callback_count = redirect_count = 0;
        redirect_url[0] = 0;
        if (receive_response( req ))
        {
            ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
            swprintf( expect, ARRAY_SIZE(expect), L"http://127.0.0.1:%u/target", server->port );
            ok( query_option_str( req, WINHTTP_OPTION_URL, url, ARRAY_SIZE(url) ), "no URL\n" );
            ok( !wcscmp( url, expect ), "URL after the redirect %s\n", dbgw( url ) );
            ok( redirect_count == 1, "%u REDIRECT callbacks\n", redirect_count );
            ok( wcsstr( redirect_url, L"/target" ) != NULL, "REDIRECT to %s\n", dbgw( redirect_url ) );
            pos = find_callback( 0, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED );
            ok( pos >= 0 && find_callback( 0, WINHTTP_CALLBACK_STATUS_REDIRECT ) > pos,
                "REDIRECT does not follow RESPONSE_RECEIVED\n" );
            pos = find_callback( 0, WINHTTP_CALLBACK_STATUS_REDIRECT );
            if (pos >= 0) pos = find_callback( pos, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST );
            if (pos >= 0) pos = find_callback( pos, WINHTTP_CALLBACK_STATUS_REQUEST_SENT );
            if (pos >= 0) pos = find_callback( pos, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE );
            if (pos >= 0) pos = find_callback( pos, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED );
            ok( pos >= 0, "the redirected request's callbacks are missing or out of order\n" );
            if (pos < 0)
            {
                unsigned int i;
                for (i = 0; i < callback_count; i++) trace( "callback %u: %#lx\n", i, callback_status[i] );
            }
        }
    }
    WinHttpSetStatusCallback( req, NULL, 0, 0 );
    WinHttpCloseHandle( req );

    /* [doc] WINHTTP_OPTION_REDIRECT_POLICY_NEVER: the 3xx is the response */
    mark = server_count( server );
    req = open_request( con, L"GET", L"/r301" );
    value = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
    ret = WinHttpSetOption( req, WINHTTP_OPTION_REDIRECT_POLICY, &value, sizeof(value) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
    {
        ok( get_status( req ) == 301, "status %lu\n", get_status( req ) );
        check_header( req, WINHTTP_QUERY_LOCATION, NULL, ~0u, L"/target" );
        ok( server_count( server ) - mark == 1, "%u requests\n", server_count( server ) - mark );
        swprintf( expect, ARRAY_SIZE(expect), L"http://127.0.0.1:%u/r301", server->port );
        ok( query_option_str( req, WINHTTP_OPTION_URL, url, ARRAY_SIZE(url) ) && !wcscmp( url, expect ), "URL %s\n",
            dbgw( url ) );
    }
    WinHttpCloseHandle( req );

    /* [doc] the same set on the session */
    {
        HINTERNET ses2 = open_session(), con2;

        value = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
        ret = WinHttpSetOption( ses2, WINHTTP_OPTION_REDIRECT_POLICY, &value, sizeof(value) );
        ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
        con2 = connect_server( ses2, server );
        if ((req = do_request( con2, L"GET", L"/r307" )))
        {
            ok( get_status( req ) == 307, "status %lu\n", get_status( req ) );
            WinHttpCloseHandle( req );
        }
        WinHttpCloseHandle( con2 );
        WinHttpCloseHandle( ses2 );
    }

    /* [doc] WINHTTP_DISABLE_REDIRECTS */
    mark = server_count( server );
    req = open_request( con, L"GET", L"/r302" );
    value = WINHTTP_DISABLE_REDIRECTS;
    ret = WinHttpSetOption( req, WINHTTP_OPTION_DISABLE_FEATURE, &value, sizeof(value) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
    {
        ok( get_status( req ) == 302, "status %lu\n", get_status( req ) );
        ok( server_count( server ) - mark == 1, "%u requests\n", server_count( server ) - mark );
    }
    WinHttpCloseHandle( req );

    /* [winhttp] [dotnet] WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS: that many are followed, one more fails */
    req = open_request( con, L"GET", L"/chain/2" );
    value = 2;
    ret = WinHttpSetOption( req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &value, sizeof(value) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
    WinHttpCloseHandle( req );

    req = open_request( con, L"GET", L"/chain/3" );
    ret = WinHttpSetOption( req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, &value, sizeof(value) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ))
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpReceiveResponse( req, NULL );
        err = GetLastError();
        ok( !ret, "three redirects passed a limit of two\n" );
        ok( err == ERROR_WINHTTP_REDIRECT_FAILED, "error %lu\n", err );
    }
    WinHttpCloseHandle( req );

    /* [doc] the default limit is 10 */
    if ((req = do_request( con, L"GET", L"/chain/10" )))
    {
        ok( get_status( req ) == 200, "status %lu\n", get_status( req ) );
        WinHttpCloseHandle( req );
    }
    req = open_request( con, L"GET", L"/chain/11" );
    if (send_request( req, NULL, NULL, 0, 0 ))
    {
        SetLastError( 0xdeadbeef );
        ret = WinHttpReceiveResponse( req, NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_REDIRECT_FAILED, "eleven redirects: %d, error %lu\n", ret, err );
    }
    WinHttpCloseHandle( req );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/*
 * Errors.
 */

static DWORD CALLBACK resolve_thread( void *arg )
{
    ADDRINFOA hints, *result = NULL;

    memset( &hints, 0, sizeof(hints) );
    hints.ai_socktype = SOCK_STREAM;
    if (!getaddrinfo( "nonexistent.invalid", "80", &hints, &result )) freeaddrinfo( result );
    return 0;
}

static void test_connect_errors(void)
{
    HINTERNET ses, con, req;
    DWORD err, start, elapsed, count;
    INTERNET_PORT port;
    HANDLE thread;
    char buf[16];
    BOOL ret;

    ses = open_session();

    /* [winhttp] nothing listening: ERROR_WINHTTP_CANNOT_CONNECT, without waiting long */
    if (!(port = unused_port())) skip( "no free port\n" );
    else
    {
        con = connect_to( ses, L"127.0.0.1", port );
        req = open_request( con, L"POST", L"/ok" );
        start = GetTickCount();
        SetLastError( 0xdeadbeef );
        ret = WinHttpSendRequest( req, L"Content-Type: text/plain", ~0u, (void *)"data", 4, 4, 0 );
        err = GetLastError();
        elapsed = GetTickCount() - start;
        ok( !ret, "WinHttpSendRequest succeeded\n" );
        ok( err == ERROR_WINHTTP_CANNOT_CONNECT, "error %lu\n", err );
        ok( elapsed < 5000, "took %lu ms\n", elapsed );

        /* [winhttp] nothing was sent, so nothing can be received */
        SetLastError( 0xdeadbeef );
        ret = WinHttpReceiveResponse( req, NULL );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReceiveResponse: %d, error %lu\n", ret, err );
        count = 0xdeadbeef;
        SetLastError( 0xdeadbeef );
        ret = WinHttpReadData( req, buf, sizeof(buf), &count );
        err = GetLastError();
        ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReadData: %d, error %lu\n", ret, err );
        WinHttpCloseHandle( req );
        WinHttpCloseHandle( con );
    }

    /* [winhttp] a name that cannot resolve; skipped when the resolver here would hang */
    thread = CreateThread( NULL, 0, resolve_thread, NULL, 0, NULL );
    if (!thread || WaitForSingleObject( thread, 5000 ))
        skip( "the resolver does not answer for nonexistent.invalid\n" );
    else
    {
        con = connect_to( ses, L"nonexistent.invalid", 80 );
        req = open_request( con, L"GET", L"/" );
        SetLastError( 0xdeadbeef );
        ret = WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 );
        err = GetLastError();
        if (ret) skip( "nonexistent.invalid resolved\n" );
        else
        {
            ok( err == ERROR_WINHTTP_NAME_NOT_RESOLVED, "error %lu\n", err );
            SetLastError( 0xdeadbeef );
            ret = WinHttpReceiveResponse( req, NULL );
            err = GetLastError();
            ok( !ret && err == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "WinHttpReceiveResponse: %d, error %lu\n", ret, err );
        }
        WinHttpCloseHandle( req );
        WinHttpCloseHandle( con );
    }
    if (thread) CloseHandle( thread );

    WinHttpCloseHandle( ses );
}

/* a fresh server, so that no pooled connection is reused, and one request to it;
 * returns the error of WinHttpSendRequest or WinHttpReceiveResponse */
struct max_conns_thread
{
    HINTERNET con;
    const WCHAR *path;
    DWORD status;
    DWORD done;         /* GetTickCount() when the response was read */
};

static DWORD CALLBACK max_conns_thread( void *arg )
{
    struct max_conns_thread *t = arg;
    HINTERNET req = do_request( t->con, L"GET", t->path );
    char body[16];

    t->status = req ? get_status( req ) : 0;
    if (req) read_body( req, body, sizeof(body) );
    t->done = GetTickCount();
    WinHttpCloseHandle( req );
    return 0;
}

static void test_max_conns(void)
{
    struct max_conns_thread threads[2];
    struct server server;
    HINTERNET ses, con;
    HANDLE handles[2];
    DWORD value = 1, start;
    unsigned int i;

    if (!server_start( &server, 0 )) return;
    ses = open_session();
    /* [doc] WINHTTP_OPTION_MAX_CONNS_PER_SERVER: one connection, so the second request waits for it */
    ok( WinHttpSetOption( ses, WINHTTP_OPTION_MAX_CONNS_PER_SERVER, &value, sizeof(value) ), "error %lu\n",
        GetLastError() );
    con = connect_server( ses, &server );
    start = GetTickCount();
    for (i = 0; i < 2; i++)
    {
        threads[i].con = con;
        threads[i].path = i ? L"/ok" : L"/wait500";
        handles[i] = CreateThread( NULL, 0, max_conns_thread, &threads[i], 0, NULL );
        if (!i) Sleep( 100 );
    }
    ok( WaitForMultipleObjects( 2, handles, TRUE, 20000 ) == WAIT_OBJECT_0, "the requests did not finish\n" );
    for (i = 0; i < 2; i++) CloseHandle( handles[i] );
    ok( threads[0].status == 200 && threads[1].status == 200, "status %lu %lu\n", threads[0].status, threads[1].status );
    ok( server.accepted == 1, "%ld connections with a limit of one\n", server.accepted );
    ok( (int)(threads[1].done - threads[0].done) >= 0, "the second request finished %ld ms before the first\n",
        (long)(threads[0].done - threads[1].done) );
    ok( threads[1].done - start >= 450, "the second request did not wait: %lu ms\n", threads[1].done - start );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    server_stop( &server );
}

static void test_cookies( struct server *server )
{
    HINTERNET ses, con, req;
    const struct record *rec;
    DWORD value;

    ses = open_session();
    con = connect_server( ses, server );

    /* [doc] the session keeps the cookies a response sets, for the paths they name */
    req = do_request( con, L"GET", L"/cookie/set" );
    WinHttpCloseHandle( req );
    req = do_request( con, L"GET", L"/cookie/check" );
    rec = server_last( server );
    ok( rec && has_line( rec->head, "Cookie: name=value" ), "cookie not sent: %s\n", head_of( rec ) );
    ok( rec && !strstr( rec->head, "other=1" ), "a cookie for another path was sent: %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

    /* [doc] a cookie the application sets itself is kept, and the session's join it */
    req = open_request( con, L"GET", L"/cookie/check" );
    add_headers( req, L"Cookie: mine=1", ~0u, WINHTTP_ADDREQ_FLAG_ADD, ERROR_SUCCESS );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && strstr( rec->head, "mine=1" ) && strstr( rec->head, "name=value" ), "cookies %s\n", head_of( rec ) );
    ok( rec && count_fields( rec->head, "Cookie" ) == 1, "more than one Cookie line: %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );

    /* [doc] WINHTTP_DISABLE_COOKIES: none sent */
    req = open_request( con, L"GET", L"/cookie/check" );
    value = WINHTTP_DISABLE_COOKIES;
    ok( WinHttpSetOption( req, WINHTTP_OPTION_DISABLE_FEATURE, &value, sizeof(value) ), "error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 )) receive_response( req );
    rec = server_last( server );
    ok( rec && !count_fields( rec->head, "Cookie" ), "cookie sent although disabled: %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );

    /* [doc] each session has its own */
    ses = open_session();
    con = connect_server( ses, server );
    req = do_request( con, L"GET", L"/cookie/check" );
    rec = server_last( server );
    ok( rec && !count_fields( rec->head, "Cookie" ), "another session's cookie was sent: %s\n", head_of( rec ) );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

static void test_decompression( struct server *server )
{
    static const struct { const WCHAR *path; DWORD flags; const char *body; size_t len; } tests[] =
    {
        { L"/gzip", 0, gzip_body, sizeof(gzip_body) - 1 },
        { L"/gzip", WINHTTP_DECOMPRESSION_FLAG_ALL, "hello, decompressed world", 25 },
        { L"/gzip", WINHTTP_DECOMPRESSION_FLAG_DEFLATE, gzip_body, sizeof(gzip_body) - 1 },
        { L"/deflate", WINHTTP_DECOMPRESSION_FLAG_DEFLATE, "hello, deflated world", 21 },
        { L"/deflate", WINHTTP_DECOMPRESSION_FLAG_GZIP, deflate_body, sizeof(deflate_body) - 1 },
    };
    HINTERNET ses, con, req;
    const struct record *rec;
    char body[256];
    DWORD count, available;
    unsigned int i;

    ses = open_session();
    con = connect_server( ses, server );
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context( "%u", i );
        req = open_request( con, L"GET", tests[i].path );
        if (tests[i].flags)
            ok( WinHttpSetOption( req, WINHTTP_OPTION_DECOMPRESSION, (void *)&tests[i].flags, sizeof(DWORD) ),
                "error %lu\n", GetLastError() );
        if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
        {
            rec = server_last( server );
            /* [doc] Accept-Encoding is sent for the encodings asked for */
            if (tests[i].flags == WINHTTP_DECOMPRESSION_FLAG_ALL)
                ok( rec && has_line( rec->head, "Accept-Encoding: gzip, deflate" ), "head %s\n", head_of( rec ) );
            else if (!tests[i].flags)
                ok( rec && !count_fields( rec->head, "Accept-Encoding" ), "head %s\n", head_of( rec ) );
            available = 0;
            ok( WinHttpQueryDataAvailable( req, &available ) && available, "nothing available, error %lu\n",
                GetLastError() );
            count = read_body( req, body, sizeof(body) );
            ok( count == tests[i].len && !memcmp( body, tests[i].body, count ), "body %s\n", escape( body, count ) );
        }
        WinHttpCloseHandle( req );
        winetest_pop_context();
    }
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

static DWORD request_error( const WCHAR *path, DWORD receive_timeout, DWORD *elapsed )
{
    struct server server;
    HINTERNET ses, con, req;
    DWORD err = ERROR_SUCCESS, start;

    if (!server_start( &server, 0 )) return 0xdeadbeef;
    ses = open_session();
    con = connect_server( ses, &server );
    req = open_request( con, L"GET", path );
    if (receive_timeout)
        ok( WinHttpSetOption( req, WINHTTP_OPTION_RECEIVE_TIMEOUT, &receive_timeout, sizeof(receive_timeout) ),
            "WinHttpSetOption failed, error %lu\n", GetLastError() );
    start = GetTickCount();
    SetLastError( 0xdeadbeef );
    if (!WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 )) err = GetLastError();
    else
    {
        start = GetTickCount();
        SetLastError( 0xdeadbeef );
        if (!WinHttpReceiveResponse( req, NULL )) err = GetLastError();
    }
    if (elapsed) *elapsed = GetTickCount() - start;
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    server_stop( &server );
    return err;
}

static void test_server_errors(void)
{
    DWORD err, elapsed;

    /* [report] the server reads the request and closes without a word */
    err = request_error( L"/drop", 0, NULL );
    ok( err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "closed without an answer: error %lu\n", err );

    /* [winhttp] no status line at all */
    err = request_error( L"/garbage", 0, NULL );
    ok( err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "no status line: error %lu\n", err );

    /* [http] a status line without a status code */
    err = request_error( L"/badstatus", 0, NULL );
    ok( err == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "malformed status line: error %lu\n", err );

    /* [doc] the receive timeout covers the wait for the response */
    err = request_error( L"/silent", 500, &elapsed );
    ok( err == ERROR_WINHTTP_TIMEOUT, "silent server: error %lu\n", err );
    ok( elapsed < 2500, "the timeout of 500 ms took %lu ms\n", elapsed );
}

/* [doc] the receive timeout covers the body too */
static void test_body_timeout(void)
{
    struct server server;
    HINTERNET ses, con, req;
    DWORD timeout = 500, count, total = 0, err = 0, start, elapsed = 0, i;
    char buf[16];
    BOOL ret;

    if (!server_start( &server, 0 ))
    {
        skip( "no server\n" );
        return;
    }
    ses = open_session();
    con = connect_server( ses, &server );
    req = open_request( con, L"GET", L"/slowbody" );
    ret = WinHttpSetOption( req, WINHTTP_OPTION_RECEIVE_TIMEOUT, &timeout, sizeof(timeout) );
    ok( ret, "WinHttpSetOption failed, error %lu\n", GetLastError() );
    if (send_request( req, NULL, NULL, 0, 0 ) && receive_response( req ))
    {
        for (i = 0; i < 20 && total < 10; i++)
        {
            count = 0;
            start = GetTickCount();
            SetLastError( 0xdeadbeef );
            ret = WinHttpReadData( req, buf + total, sizeof(buf) - total, &count );
            elapsed = GetTickCount() - start;
            if (!ret)
            {
                err = GetLastError();
                break;
            }
            if (!count) break;
            total += count;
        }
        ok( total == 5 && !memcmp( buf, "01234", 5 ), "read %s before the pause\n", escape( buf, total ) );
        ok( !ret && err == ERROR_WINHTTP_TIMEOUT, "during the pause: %d, error %lu\n", ret, err );
        ok( elapsed < 2500, "the timeout of 500 ms took %lu ms\n", elapsed );
    }
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
    server_stop( &server );
}

#define expect_false(call, expect) do { \
    BOOL r_; DWORD e_; \
    SetLastError( 0xdeadbeef ); \
    r_ = (call); \
    e_ = GetLastError(); \
    ok( !r_, "%s: unexpected success\n", #call ); \
    ok( e_ == (DWORD)(expect), "%s: expected error %lu, got %lu\n", #call, (DWORD)(expect), e_ ); \
} while (0)

/* calls out of order, on the wrong handle */
static void test_call_order( struct server *server )
{
    HINTERNET ses, con, req;
    DWORD count, len, written;
    WCHAR buf[64];
    char data[16];

    ses = open_session();
    con = connect_server( ses, server );
    req = open_request( con, L"POST", L"/echo" );

    /* [winhttp] nothing sent yet: nothing to receive, nothing available, no headers */
    expect_false( WinHttpReceiveResponse( req, NULL ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
    count = 12345;
    expect_false( WinHttpQueryDataAvailable( req, &count ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
    ok( count == 12345, "count %lu\n", count );
    /* [unsure] nothing to read or write either */
    count = 12345;
    expect_false( WinHttpReadData( req, data, sizeof(data), &count ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
    ok( count == 12345, "count %lu\n", count );
    written = 12345;
    expect_false( WinHttpWriteData( req, "x", 1, &written ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
    /* [winhttp] */
    len = sizeof(buf);
    expect_false( WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE, NULL, buf, &len, NULL ),
                  ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
    len = sizeof(buf);
    expect_false( WinHttpQueryHeaders( req, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, buf, &len, NULL ),
                  ERROR_WINHTTP_INCORRECT_HANDLE_STATE );

    /* [winhttp] sent, but the response is not received yet */
    if (send_request( req, NULL, "abc", 3, 3 ))
    {
        len = sizeof(buf);
        expect_false( WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE, NULL, buf, &len, NULL ),
                      ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
        len = sizeof(buf);
        expect_false( WinHttpQueryHeaders( req, WINHTTP_QUERY_CONTENT_LENGTH, NULL, buf, &len, NULL ),
                      ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
        /* [unsure] reading before receiving */
        count = 12345;
        expect_false( WinHttpQueryDataAvailable( req, &count ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
        count = 12345;
        expect_false( WinHttpReadData( req, data, sizeof(data), &count ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );

        if (receive_response( req ))
        {
            /* [unsure] received: no more writing, no second receive */
            expect_false( WinHttpWriteData( req, "x", 1, &written ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
            expect_false( WinHttpReceiveResponse( req, NULL ), ERROR_WINHTTP_INCORRECT_HANDLE_STATE );
            count = read_body( req, data, sizeof(data) );
            ok( count == 3 && !memcmp( data, "abc", 3 ), "echo %s\n", escape( data, count ) );
        }
    }

    /* [doc] handles of the wrong type, and no handle */
    expect_false( WinHttpSendRequest( con, NULL, 0, NULL, 0, 0, 0 ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpSendRequest( ses, NULL, 0, NULL, 0, 0, 0 ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpReceiveResponse( con, NULL ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpQueryDataAvailable( con, &count ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpReadData( ses, data, sizeof(data), &count ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpWriteData( con, "x", 1, &written ), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    len = sizeof(buf);
    expect_false( WinHttpQueryHeaders( con, WINHTTP_QUERY_STATUS_CODE, NULL, buf, &len, NULL ),
                  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
    expect_false( WinHttpSendRequest( NULL, NULL, 0, NULL, 0, 0, 0 ), ERROR_INVALID_HANDLE );
    expect_false( WinHttpReceiveResponse( NULL, NULL ), ERROR_INVALID_HANDLE );

    WinHttpCloseHandle( req );

    /* [winhttp] a closed handle */
    count = 12345;
    expect_false( WinHttpQueryDataAvailable( req, &count ), ERROR_INVALID_HANDLE );
    ok( count == 12345, "count %lu\n", count );

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

START_TEST(http)
{
    HMODULE module = GetModuleHandleA( "winhttp.dll" );
    struct server server;
    WSADATA wsa;

    WSAStartup( MAKEWORD(2, 2), &wsa );
    pWinHttpReadDataEx = (void *)GetProcAddress( module, "WinHttpReadDataEx" );
    pWinHttpAddRequestHeadersEx = (void *)GetProcAddress( module, "WinHttpAddRequestHeadersEx" );

    if (!server_start( &server, 0 ))
    {
        skip( "no listening socket on 127.0.0.1\n" );
        return;
    }
    test_request_head( &server );
    test_default_port();
    test_add_headers( &server );
    test_add_headers_separators( &server );
    test_add_headers_ex( &server );
    test_send_data( &server );
    test_query_headers( &server );
    test_bodies();
    test_large_body( &server );
    test_read_data_ex( &server );
    test_keep_alive();
    test_response_heads( &server );
    test_redirects( &server );
    test_cookies( &server );
    test_max_conns();
    test_decompression( &server );
    test_connect_errors();
    test_server_errors();
    test_body_timeout();
    test_call_order( &server );
    server_stop( &server );

    WSACleanup();
}
