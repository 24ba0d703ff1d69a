/*
 * Conformance tests for the WebSocket client: the upgrade, WinHttpWebSocketSend,
 * Receive, Shutdown, Close and QueryCloseStatus, synchronous and asynchronous,
 * the two-sided concurrency rules, and hostile servers.
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
 *   [doc]     Microsoft's documentation: WinHttpWebSocketSend, Receive, Shutdown,
 *             Close and QueryCloseStatus (their parameters and error codes, the
 *             0..123 byte close reason, "a close or send is pending"), and
 *             "Concurrency in WinHTTP" (a send-side operation may run while
 *             another thread receives; Close may not run during either);
 *   [winhttp] recorded on Windows by Wine's dlls/winhttp/tests/winhttp.c
 *             (test_websocket): the parameter errors, a message longer than the
 *             buffer coming as a full fragment and then the message's end, the
 *             close status after Shutdown and Close, the option rules on the
 *             WebSocket handle;
 *   [notif]   recorded on Windows by Wine's dlls/winhttp/tests/notification.c
 *             (test_websocket): small sends and Shutdown complete on the calling
 *             thread before the call returns, WINHTTP_WEB_SOCKET_STATUS payloads,
 *             a second pending receive is refused, a fragment of the other type
 *             is ERROR_INVALID_PARAMETER, Close cancels a pending receive and
 *             reports it (dwResult 0) before it returns, a pending receive gets
 *             the close frame after Shutdown, CLOSE_COMPLETE carries nothing;
 *   [rfc]     RFC 6455: client frames are masked with fresh keys, the upgrade
 *             request's headers, the close codes 1002 (protocol error) and 1007
 *             (invalid UTF-8) for a server that breaks the protocol;
 *   [design]  our own rules where no recording of Windows was found; each
 *             says so where it is checked.
 *
 * The server is a thread of this process on 127.0.0.1 (an ephemeral port); it
 * computes Sec-WebSocket-Accept with the system's SHA-1 (CryptoAPI), not ours.
 * Its behaviour is chosen by the request's path. Every wait is bounded, and
 * callbacks record what they get: checks run on the main thread.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <windef.h>
#include <winbase.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <wincrypt.h>
#include <winhttp.h>

#include "wine/test.h"

#define WAIT_MS         10000   /* the longest a check waits for its peer */
#define IDLE_MS         30000   /* the longest a server connection waits for the client */
#define SETTLE_MS       300     /* how long "nothing more happens" is watched */
#define MAX_FRAMES      64      /* client frames a server connection records */
#define MAX_KEPT        (1 << 20)   /* payload bytes kept of each */
#define MAX_CONNS       64
#define MAX_EVENTS      512

#ifndef WINHTTP_HANDLE_TYPE_WEBSOCKET
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 5
#endif

#define BINARY_MESSAGE  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
#define BINARY_FRAGMENT WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE
#define UTF8_MESSAGE    WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE
#define UTF8_FRAGMENT   WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
#define CLOSE_BUFFER    WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE

#define STATUS(x) WINHTTP_CALLBACK_STATUS_##x

/*
 * The server.
 */

struct frame
{
    BYTE fin, rsv, opcode, masked;
    BYTE mask[4];
    ULONGLONG length;
    BYTE *data;                 /* unmasked; the first MAX_KEPT bytes */
    size_t kept;
};

struct ws_server;

struct ws_conn
{
    struct ws_server *server;
    SOCKET s;
    char head[8192];            /* the upgrade request */
    char path[256];
    BYTE buf[65536];            /* received, not yet used */
    size_t len;
    struct frame current;       /* the last frame read */
    struct frame frames[MAX_FRAMES];    /* every frame read, in order */
    LONG count;                 /* frames read, kept or not */
    HANDLE served;              /* set when its path's behaviour is over: the record is complete */
    HANDLE done;                /* set when the connection is over */
};

struct ws_server
{
    SOCKET listener;
    INTERNET_PORT port;
    HANDLE thread;
    volatile LONG quit;
    CRITICAL_SECTION cs;
    struct ws_conn *conns[MAX_CONNS];
    HANDLE threads[MAX_CONNS];
    unsigned int nconns;
};

static HANDLE hold_pong;        /* "/hold" got the answer to its ping: a receive is running */
static HANDLE hold_release;     /* "/hold" sends its message */
static HANDLE drain_start;      /* "/drain" starts reading */

static BYTE pattern_byte( size_t i )
{
    return (BYTE)(i * 31 + (i >> 9));
}

/* more bytes: 1 when some came, 0 when the peer closed, -1 on error, timeout or the server's end */
static int conn_fill( struct ws_conn *c, DWORD timeout )
{
    DWORD start = GetTickCount();
    int ret;

    if (c->len == sizeof(c->buf)) return -1;
    for (;;)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;

        if (c->server->quit || GetTickCount() - start > timeout) return -1;
        FD_ZERO( &set );
        FD_SET( c->s, &set );
        if ((ret = select( 0, &set, NULL, NULL, &tv )) < 0) return -1;
        if (ret) break;
    }
    if ((ret = recv( c->s, (char *)c->buf + c->len, sizeof(c->buf) - c->len, 0 )) < 0) return -1;
    c->len += ret;
    return ret ? 1 : 0;
}

static void conn_consume( struct ws_conn *c, size_t count )
{
    memmove( c->buf, c->buf + count, c->len - count );
    c->len -= count;
}

static BOOL send_all( struct ws_conn *c, const void *data, size_t len )
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

/* A server frame (unmasked) into out, which holds len + 10 bytes; returns its size. */
static size_t build_frame( BYTE *out, BYTE first, const void *payload, size_t len )
{
    size_t size = 2, i;

    out[0] = first;
    if (len < 126) out[1] = (BYTE)len;
    else if (len <= 0xffff)
    {
        out[1] = 126;
        out[2] = (BYTE)(len >> 8);
        out[3] = (BYTE)len;
        size = 4;
    }
    else
    {
        out[1] = 127;
        for (i = 0; i < 8; i++) out[2 + i] = (BYTE)((ULONGLONG)len >> (56 - 8 * i));
        size = 10;
    }
    if (len) memcpy( out + size, payload, len );
    return size + len;
}

static BOOL send_frame( struct ws_conn *c, BYTE first, const void *payload, size_t len )
{
    BYTE *out = malloc( len + 10 );
    BOOL ret;

    if (!out) return FALSE;
    ret = send_all( c, out, build_frame( out, first, payload, len ) );
    free( out );
    return ret;
}

/* A close frame's payload: status and reason. */
static size_t close_payload( BYTE *out, USHORT status, const char *reason )
{
    out[0] = status >> 8;
    out[1] = status & 0xff;
    memcpy( out + 2, reason, strlen( reason ) );
    return 2 + strlen( reason );
}

/* Reads the next client frame whole, keeping its first MAX_KEPT bytes, and
 * records it; NULL when the connection ends or nothing comes within timeout. */
static struct frame *read_frame( struct ws_conn *c, DWORD timeout )
{
    struct frame *f = &c->current;
    size_t size, take, i;
    ULONGLONG got = 0;
    unsigned int len7;

    free( f->data );
    memset( f, 0, sizeof(*f) );
    while (c->len < 2) if (conn_fill( c, timeout ) <= 0) return NULL;
    len7 = c->buf[1] & 0x7f;
    size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (c->buf[1] & 0x80 ? 4 : 0);
    while (c->len < size) if (conn_fill( c, timeout ) <= 0) return NULL;
    f->fin = c->buf[0] >> 7;
    f->rsv = (c->buf[0] >> 4) & 7;
    f->opcode = c->buf[0] & 0xf;
    f->masked = c->buf[1] >> 7;
    if (len7 < 126) f->length = len7;
    else for (i = 0; i < (len7 == 126 ? 2u : 8u); i++) f->length = (f->length << 8) | c->buf[2 + i];
    if (f->masked) memcpy( f->mask, c->buf + size - 4, 4 );
    conn_consume( c, size );
    f->kept = (size_t)min( f->length, MAX_KEPT );
    if (!(f->data = malloc( f->kept + 1 ))) return NULL;
    while (got < f->length)
    {
        if (!c->len && conn_fill( c, timeout ) <= 0) return NULL;
        take = (size_t)min( c->len, f->length - got );
        for (i = 0; i < take; i++)
        {
            BYTE b = c->buf[i] ^ (f->masked ? f->mask[(got + i) & 3] : 0);
            if (got + i < f->kept) f->data[got + i] = b;
        }
        conn_consume( c, take );
        got += take;
    }
    if (c->count < MAX_FRAMES)
    {
        struct frame *copy = &c->frames[c->count];
        *copy = *f;
        if ((copy->data = malloc( f->kept + 1 ))) memcpy( copy->data, f->data, f->kept );
    }
    InterlockedIncrement( &c->count );
    return f;
}

/* Echoes data frames as they came (fragments stay fragments), answers pings,
 * and answers a close frame with the same payload, after close_delay ms. */
static void echo_frames( struct ws_conn *c, DWORD close_delay )
{
    struct frame *f;

    while ((f = read_frame( c, IDLE_MS )))
    {
        switch (f->opcode)
        {
        case 0x0: case 0x1: case 0x2:
            send_frame( c, (f->fin << 7) | f->opcode, f->data, f->kept );
            break;
        case 0x9:
            send_frame( c, 0x8a, f->data, f->kept );
            break;
        case 0x8:
            Sleep( close_delay );
            send_frame( c, 0x88, f->data, f->kept );
            return;
        }
    }
}

/* reads until the client closes its end (or a while has passed), recording */
static void read_to_end( struct ws_conn *c, DWORD timeout )
{
    while (read_frame( c, timeout )) ;
}

static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

static void base64( const BYTE *in, size_t len, char *out )
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i < len; i += 3)
    {
        unsigned int v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        *out++ = digits[v >> 18];
        *out++ = digits[(v >> 12) & 63];
        *out++ = i + 1 < len ? digits[(v >> 6) & 63] : '=';
        *out++ = i + 2 < len ? digits[v & 63] : '=';
    }
    *out = 0;
}

/* base64(SHA-1(key + GUID)) with the system's SHA-1 */
static BOOL accept_value( const char *key, char *out )
{
    HCRYPTPROV prov;
    HCRYPTHASH hash;
    BYTE digest[20];
    DWORD size = sizeof(digest);
    BOOL ret;

    if (!CryptAcquireContextW( &prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT )) return FALSE;
    ret = CryptCreateHash( prov, CALG_SHA1, 0, 0, &hash );
    if (ret)
    {
        ret = CryptHashData( hash, (const BYTE *)key, strlen( key ), 0 ) &&
              CryptHashData( hash, (const BYTE *)guid, strlen( guid ), 0 ) &&
              CryptGetHashParam( hash, HP_HASHVAL, digest, &size, 0 );
        CryptDestroyHash( hash );
    }
    CryptReleaseContext( prov, 0 );
    if (ret) base64( digest, sizeof(digest), out );
    return ret;
}

/* a header's value in the request head, or "" */
static const char *get_header( struct ws_conn *c, const char *name, char *value, size_t size )
{
    const char *p = c->head;
    size_t len = strlen( name ), i;

    value[0] = 0;
    while ((p = strstr( p, "\r\n" )))
    {
        p += 2;
        if (_strnicmp( p, name, len ) || p[len] != ':') continue;
        p += len + 1;
        while (*p == ' ') p++;
        for (i = 0; i + 1 < size && p[i] && p[i] != '\r'; i++) value[i] = p[i];
        value[i] = 0;
        break;
    }
    return value;
}

/* the 101, with the frames in extra sent in the same call */
static BOOL send_handshake( struct ws_conn *c, const char *accept, const void *extra, size_t extra_len )
{
    char key[128], value[64], *out;
    size_t len;
    BOOL ret;

    if (!accept)
    {
        get_header( c, "Sec-WebSocket-Key", key, sizeof(key) );
        if (!accept_value( key, value )) return FALSE;
        accept = value;
    }
    if (!(out = malloc( 256 + extra_len ))) return FALSE;
    len = sprintf( out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "%s%s%s\r\n", *accept ? "Sec-WebSocket-Accept: " : "", accept, *accept ? "\r\n" : "" );
    memcpy( out + len, extra, extra_len );
    ret = send_all( c, out, len + extra_len );
    free( out );
    return ret;
}

/* Hostile servers: what comes after the 101, and what the client must do. */
struct hostile
{
    const char *name;
    BYTE bytes[160];
    size_t len;
    unsigned int good;          /* receives that succeed first */
    DWORD error;                /* then this error; 0: any error */
    USHORT status;              /* the close code the client then sends, or 0 for none */
};

static struct hostile hostiles[] =
{
    { "masked frame",          { 0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1 }, 11, 0,
      ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "RSV1 set",              { 0xc1, 0x02, 'h', 'i' }, 4, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "RSV3 set",              { 0x92, 0x02, 'h', 'i' }, 4, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "opcode 3",              { 0x83, 0x00 }, 2, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "opcode 0xb",            { 0x8b, 0x00 }, 2, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "ping of 126 bytes",     { 0x89, 0x7e, 0x00, 0x7e }, 4 + 126, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "fragmented ping",       { 0x09, 0x01, 'x' }, 3, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "continuation alone",    { 0x80, 0x01, 'x' }, 3, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "text inside binary",    { 0x02, 0x01, 'a', 0x81, 0x01, 'b' }, 6, 1, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "64-bit length, top bit", { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1, 'x' }, 11, 0,
      ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "one-byte close",        { 0x88, 0x01, 0x03 }, 3, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1002 },
    { "invalid UTF-8",         { 0x81, 0x02, 0xc0, 0xaf }, 4, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "overlong UTF-8",        { 0x81, 0x02, 0xc1, 0x81 }, 4, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "UTF-8 surrogate",       { 0x81, 0x03, 0xed, 0xa0, 0x80 }, 5, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "UTF-8 past U+10FFFF",   { 0x81, 0x04, 0xf4, 0x90, 0x80, 0x80 }, 6, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "UTF-8 cut at the end",  { 0x81, 0x02, 'a', 0xe2 }, 4, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "bad UTF-8 in a later fragment", { 0x01, 0x01, 'a', 0x80, 0x01, 0xff }, 6, 1,
      ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    { "close reason not UTF-8", { 0x88, 0x04, 0x03, 0xe8, 0xff, 0xfe }, 6, 0, ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 1007 },
    /* a length of 2^62 that never comes: nothing may be sized from it */
    { "huge length, then the end", { 0x82, 0x7f, 0x40, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c' }, 13, 1, 0, 0 },
};

static void serve_hostile( struct ws_conn *c, unsigned int index )
{
    if (index >= ARRAY_SIZE(hostiles)) return;
    if (!send_handshake( c, NULL, hostiles[index].bytes, hostiles[index].len )) return;
    /* a client that fails the connection says so at once */
    read_to_end( c, 2000 );
}

/* What each path does after the upgrade request. */
static void serve( struct ws_conn *c )
{
    BYTE early[64], payload[128];
    size_t len;
    DWORD start;
    unsigned int index;

    if (!strcmp( c->path, "/badaccept" ))
    {
        send_handshake( c, "dGhpcyBpcyBub3QgdGhlIGFuc3dlcj0=", NULL, 0 );
        return;
    }
    if (!strcmp( c->path, "/noaccept" ))
    {
        send_handshake( c, "", NULL, 0 );
        return;
    }
    if (sscanf( c->path, "/hostile/%u", &index ) == 1)
    {
        serve_hostile( c, index );
        return;
    }
    if (!strcmp( c->path, "/early" ))
    {
        /* frames in the same segment as the 101 */
        len = build_frame( early, 0x81, "early", 5 );
        len += build_frame( early + len, 0x89, "p", 1 );
        len += build_frame( early + len, 0x82, "\x01\x02\x03", 3 );
        if (send_handshake( c, NULL, early, len )) echo_frames( c, 0 );
        return;
    }
    if (!send_handshake( c, NULL, NULL, 0 )) return;

    if (!strcmp( c->path, "/echo" )) echo_frames( c, 0 );
    else if (!strcmp( c->path, "/slowclose" )) echo_frames( c, 500 );
    else if (!strcmp( c->path, "/ping" ))
    {
        send_frame( c, 0x89, "ping-payload", 12 );
        send_frame( c, 0x8a, "unsolicited", 11 );
        send_frame( c, 0x81, "after-ping", 10 );
        echo_frames( c, 0 );
    }
    else if (!strcmp( c->path, "/serverclose" ))
    {
        send_frame( c, 0x88, payload, close_payload( payload, 1001, "going away" ) );
        read_to_end( c, 5000 );
    }
    else if (!strcmp( c->path, "/shutdown" ))
    {
        /* the client's close first, then more data, then ours */
        struct frame *f;
        while ((f = read_frame( c, WAIT_MS )) && f->opcode != 0x8) ;
        if (!f) return;
        send_frame( c, 0x81, "late", 4 );
        send_frame( c, 0x88, payload, close_payload( payload, 1000, "done" ) );
        read_to_end( c, 5000 );
    }
    else if (!strcmp( c->path, "/abort" ))
    {
        /* the connection ends without a close frame */
        send_frame( c, 0x81, "bye", 3 );
    }
    else if (!strcmp( c->path, "/silent" ))
    {
        /* never answers a close */
        read_to_end( c, IDLE_MS );
    }
    else if (!strcmp( c->path, "/hold" ))
    {
        struct frame *f;

        /* only a running receive answers the ping */
        send_frame( c, 0x89, "hold", 4 );
        while ((f = read_frame( c, WAIT_MS )) && f->opcode != 0xa) ;
        if (!f) return;
        SetEvent( hold_pong );
        WaitForSingleObject( hold_release, WAIT_MS );
        send_frame( c, 0x81, "released", 8 );
        echo_frames( c, 0 );
    }
    else if (!strcmp( c->path, "/drain" ))
    {
        /* reads nothing until told, so that a big send blocks */
        start = GetTickCount();
        while (WaitForSingleObject( drain_start, 20 ) == WAIT_TIMEOUT && !c->server->quit &&
               GetTickCount() - start < WAIT_MS) ;
        echo_frames( c, 0 );
    }
}

static BOOL read_head( struct ws_conn *c )
{
    char *end;
    size_t head_len;

    for (;;)
    {
        if (c->len && (end = strstr( memcpy( c->head, c->buf, min( c->len, sizeof(c->head) - 1 ) ), "\r\n\r\n" )))
            break;
        c->head[min( c->len, sizeof(c->head) - 1 )] = 0;
        if ((end = strstr( c->head, "\r\n\r\n" ))) break;
        if (c->len >= sizeof(c->head) - 1 || conn_fill( c, WAIT_MS ) <= 0) return FALSE;
    }
    head_len = end + 4 - c->head;
    c->head[head_len] = 0;
    conn_consume( c, head_len );
    return sscanf( c->head, "GET %255s HTTP/1.1", c->path ) == 1;
}

static DWORD CALLBACK conn_thread( void *arg )
{
    struct ws_conn *c = arg;
    DWORD start = GetTickCount();
    char buf[4096];

    memset( c->head, 0, sizeof(c->head) );
    if (read_head( c )) serve( c );
    SetEvent( c->served );
    /* our end first, then whatever the client still sends */
    shutdown( c->s, SD_SEND );
    while (GetTickCount() - start < IDLE_MS && !c->server->quit)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;
        int ret;

        FD_ZERO( &set );
        FD_SET( c->s, &set );
        if ((ret = select( 0, &set, NULL, NULL, &tv )) < 0) break;
        if (ret && recv( c->s, buf, sizeof(buf), 0 ) <= 0) break;
    }
    closesocket( c->s );
    SetEvent( c->done );
    return 0;
}

static DWORD CALLBACK server_thread( void *arg )
{
    struct ws_server *server = arg;
    struct ws_conn *c;
    SOCKET s;

    while (!server->quit)
    {
        struct timeval tv = { 0, 20000 };
        fd_set set;

        FD_ZERO( &set );
        FD_SET( server->listener, &set );
        if (select( 0, &set, NULL, NULL, &tv ) != 1) continue;
        if ((s = accept( server->listener, NULL, NULL )) == INVALID_SOCKET) continue;
        if (server->nconns == MAX_CONNS || !(c = calloc( 1, sizeof(*c) )))
        {
            closesocket( s );
            continue;
        }
        c->server = server;
        c->s = s;
        c->served = CreateEventW( NULL, TRUE, FALSE, NULL );
        c->done = CreateEventW( NULL, TRUE, FALSE, NULL );
        EnterCriticalSection( &server->cs );
        server->conns[server->nconns] = c;
        server->threads[server->nconns++] = CreateThread( NULL, 0, conn_thread, c, 0, NULL );
        LeaveCriticalSection( &server->cs );
    }
    return 0;
}

static BOOL server_start( struct ws_server *server )
{
    struct sockaddr_in addr;
    int len = sizeof(addr);

    memset( server, 0, sizeof(*server) );
    server->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    if (server->listener == INVALID_SOCKET) return FALSE;
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
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
        closesocket( server->listener );
        return FALSE;
    }
    return TRUE;
}

static void server_stop( struct ws_server *server )
{
    unsigned int i;
    LONG j;

    InterlockedExchange( &server->quit, 1 );
    WaitForSingleObject( server->thread, WAIT_MS );
    CloseHandle( server->thread );
    for (i = 0; i < server->nconns; i++)
    {
        struct ws_conn *c = server->conns[i];

        WaitForSingleObject( server->threads[i], WAIT_MS );
        CloseHandle( server->threads[i] );
        CloseHandle( c->served );
        CloseHandle( c->done );
        for (j = 0; j < min( c->count, MAX_FRAMES ); j++) free( c->frames[j].data );
        free( c->current.data );
        free( c );
    }
    closesocket( server->listener );
    DeleteCriticalSection( &server->cs );
}

/* the server side of the newest connection */
static struct ws_conn *server_last( struct ws_server *server )
{
    struct ws_conn *c = NULL;

    EnterCriticalSection( &server->cs );
    if (server->nconns) c = server->conns[server->nconns - 1];
    LeaveCriticalSection( &server->cs );
    return c;
}

/* waits until the server is done with the connection, so its record is complete */
static BOOL conn_finished( struct ws_conn *c )
{
    return c && !WaitForSingleObject( c->served, WAIT_MS );
}

/* the n-th close frame the server got, or NULL */
static const struct frame *find_frame( struct ws_conn *c, BYTE opcode, unsigned int n )
{
    LONG i;

    for (i = 0; i < min( c->count, MAX_FRAMES ); i++)
        if (c->frames[i].opcode == opcode && !n--) return &c->frames[i];
    return NULL;
}

static unsigned int count_frames( struct ws_conn *c, BYTE opcode )
{
    unsigned int n = 0;
    LONG i;

    for (i = 0; i < min( c->count, MAX_FRAMES ); i++) if (c->frames[i].opcode == opcode) n++;
    return n;
}

#define check_close_frame(a,b,c) check_close_frame_(__LINE__,a,b,c)
static void check_close_frame_( unsigned int line, struct ws_conn *c, USHORT status, const char *reason )
{
    const struct frame *f = find_frame( c, 0x8, 0 );
    size_t len = reason ? strlen( reason ) : 0;

    ok_(__FILE__,line)( f != NULL, "the server got no close frame\n" );
    if (!f) return;
    ok_(__FILE__,line)( f->fin && f->masked, "close frame fin %u masked %u\n", f->fin, f->masked );
    ok_(__FILE__,line)( f->length >= 2, "close frame of %I64u bytes\n", f->length );
    if (f->length < 2) return;
    ok_(__FILE__,line)( (f->data[0] << 8 | f->data[1]) == status, "close status %u, expected %u\n",
                        f->data[0] << 8 | f->data[1], status );
    if (reason)
        ok_(__FILE__,line)( f->length == 2 + len && !memcmp( f->data + 2, reason, len ),
                            "close reason %.*s\n", (int)f->kept - 2, f->data + 2 );
}

/*
 * Recording the notifications of asynchronous handles.
 */

struct event
{
    HINTERNET handle;
    DWORD status;
    DWORD thread;
    void *info;                 /* as given: only compared with NULL */
    DWORD len;
    WINHTTP_WEB_SOCKET_STATUS ws;               /* READ_COMPLETE, WRITE_COMPLETE */
    WINHTTP_WEB_SOCKET_ASYNC_RESULT result;     /* REQUEST_ERROR */
};

struct recorder
{
    CRITICAL_SECTION cs;
    HANDLE signal;
    struct event events[MAX_EVENTS];
    unsigned int count;
    /* the chain of receives of the concurrency test */
    HINTERNET chain_socket;
    BYTE *chain_buf;
    DWORD chain_size, chain_got;
    LONG chain_messages, chain_failed;
};

static void recorder_init( struct recorder *r )
{
    memset( r, 0, sizeof(*r) );
    InitializeCriticalSection( &r->cs );
    r->signal = CreateEventW( NULL, FALSE, FALSE, NULL );
}

static void recorder_free( struct recorder *r )
{
    CloseHandle( r->signal );
    DeleteCriticalSection( &r->cs );
}

static void chain_next( struct recorder *r, HINTERNET handle, const WINHTTP_WEB_SOCKET_STATUS *status )
{
    DWORD err;

    r->chain_got += status->dwBytesTransferred;
    if (status->eBufferType == BINARY_MESSAGE) InterlockedIncrement( &r->chain_messages );
    if (r->chain_got >= r->chain_size) return;
    /* the next receive, from inside the callback */
    err = WinHttpWebSocketReceive( handle, r->chain_buf + r->chain_got, r->chain_size - r->chain_got, NULL, NULL );
    if (err) InterlockedIncrement( &r->chain_failed );
}

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD len )
{
    struct recorder *r = (struct recorder *)context;
    struct event *e;

    if (!r) return;
    EnterCriticalSection( &r->cs );
    if (r->count < MAX_EVENTS)
    {
        e = &r->events[r->count];
        memset( e, 0, sizeof(*e) );
        e->handle = handle;
        e->status = status;
        e->thread = GetCurrentThreadId();
        e->info = info;
        e->len = len;
        if ((status == STATUS(READ_COMPLETE) || status == STATUS(WRITE_COMPLETE)) && info && len == sizeof(e->ws))
            memcpy( &e->ws, info, sizeof(e->ws) );
        if (status == STATUS(REQUEST_ERROR) && info && len >= sizeof(WINHTTP_ASYNC_RESULT))
            memcpy( &e->result, info, min( len, sizeof(e->result) ) );
        r->count++;
    }
    LeaveCriticalSection( &r->cs );
    if (status == STATUS(READ_COMPLETE) && handle == r->chain_socket && info && len == sizeof(WINHTTP_WEB_SOCKET_STATUS))
        chain_next( r, handle, info );
    SetEvent( r->signal );
}

/* the first notification with this status for handle at index *from or later;
 * *from moves past it. NULL if none comes within timeout. */
static const struct event *wait_event( struct recorder *r, HINTERNET handle, DWORD status, unsigned int *from,
                                       DWORD timeout )
{
    DWORD start = GetTickCount();
    const struct event *found = NULL;
    unsigned int i;

    for (;;)
    {
        EnterCriticalSection( &r->cs );
        for (i = *from; i < r->count && !found; i++)
            if (r->events[i].handle == handle && r->events[i].status == status) found = &r->events[i];
        LeaveCriticalSection( &r->cs );
        if (found)
        {
            *from = found - r->events + 1;
            return found;
        }
        if (GetTickCount() - start >= timeout) return NULL;
        WaitForSingleObject( r->signal, 50 );
    }
}

static unsigned int count_events( struct recorder *r, HINTERNET handle, DWORD status, unsigned int from )
{
    unsigned int i, n = 0;

    EnterCriticalSection( &r->cs );
    for (i = from; i < r->count; i++) if (r->events[i].handle == handle && r->events[i].status == status) n++;
    LeaveCriticalSection( &r->cs );
    return n;
}

static unsigned int event_count( struct recorder *r )
{
    unsigned int n;

    EnterCriticalSection( &r->cs );
    n = r->count;
    LeaveCriticalSection( &r->cs );
    return n;
}

/*
 * Client helpers.
 */

struct client
{
    HINTERNET ses, con, req, socket;
    struct ws_conn *conn;       /* the server's side */
    struct recorder rec;
    BOOL async;
};

#define open_client(a,b,c,d) open_client_(__LINE__,a,b,c,d,0)
#define open_client_timeout(a,b,c,d,e) open_client_(__LINE__,a,b,c,d,e)
static BOOL open_client_( unsigned int line, struct client *cl, struct ws_server *server, const WCHAR *path,
                          BOOL async, DWORD close_timeout )
{
    DWORD status = 0, size = sizeof(status);
    struct recorder *rec = &cl->rec;
    DWORD_PTR context = (DWORD_PTR)rec;
    unsigned int from = 0;
    BOOL ret;

    memset( cl, 0, sizeof(*cl) );
    recorder_init( rec );
    cl->async = async;
    cl->ses = WinHttpOpen( L"winetest websocket", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL,
                           async ? WINHTTP_FLAG_ASYNC : 0 );
    ok_(__FILE__,line)( cl->ses != NULL, "WinHttpOpen failed, error %lu\n", GetLastError() );
    if (!cl->ses) return FALSE;
    WinHttpSetTimeouts( cl->ses, WAIT_MS, WAIT_MS, WAIT_MS, WAIT_MS );
    if (async)
    {
        WinHttpSetOption( cl->ses, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context) );
        WinHttpSetStatusCallback( cl->ses, callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0 );
    }
    cl->con = WinHttpConnect( cl->ses, L"127.0.0.1", server->port, 0 );
    ok_(__FILE__,line)( cl->con != NULL, "WinHttpConnect failed, error %lu\n", GetLastError() );
    cl->req = WinHttpOpenRequest( cl->con, L"GET", path, NULL, NULL, NULL, 0 );
    ok_(__FILE__,line)( cl->req != NULL, "WinHttpOpenRequest failed, error %lu\n", GetLastError() );
    if (!cl->req) return FALSE;
    ret = WinHttpSetOption( cl->req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 );
    ok_(__FILE__,line)( ret, "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET failed, error %lu\n", GetLastError() );
    if (close_timeout)
    {
        ret = WinHttpSetOption( cl->req, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &close_timeout, sizeof(close_timeout) );
        ok_(__FILE__,line)( ret, "WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT failed, error %lu\n", GetLastError() );
    }

    ret = WinHttpSendRequest( cl->req, NULL, 0, NULL, 0, 0, context );
    ok_(__FILE__,line)( ret, "WinHttpSendRequest failed, error %lu\n", GetLastError() );
    if (ret && async)
        ret = wait_event( rec, cl->req, STATUS(SENDREQUEST_COMPLETE), &from, WAIT_MS ) != NULL;
    if (ret) ret = WinHttpReceiveResponse( cl->req, NULL );
    if (ret && async) ret = wait_event( rec, cl->req, STATUS(HEADERS_AVAILABLE), &from, WAIT_MS ) != NULL;
    ok_(__FILE__,line)( ret, "no response, error %lu\n", GetLastError() );
    if (!ret) return FALSE;
    WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL );
    ok_(__FILE__,line)( status == 101, "status %lu\n", status );

    SetLastError( 0xdeadbeef );
    cl->socket = WinHttpWebSocketCompleteUpgrade( cl->req, context );
    ok_(__FILE__,line)( cl->socket != NULL, "WinHttpWebSocketCompleteUpgrade failed, error %lu\n", GetLastError() );
    ok_(__FILE__,line)( GetLastError() == ERROR_SUCCESS || !cl->socket, "last error %lu\n", GetLastError() );
    cl->conn = server_last( server );
    return cl->socket != NULL;
}

/* closes every handle; on asynchronous ones, waits for the session's last notification */
static void close_client( struct client *cl )
{
    unsigned int from = 0;

    if (cl->socket) WinHttpCloseHandle( cl->socket );
    if (cl->req) WinHttpCloseHandle( cl->req );
    if (cl->con) WinHttpCloseHandle( cl->con );
    if (cl->ses) WinHttpCloseHandle( cl->ses );
    if (cl->async && cl->ses)
        ok( wait_event( &cl->rec, cl->ses, STATUS(HANDLE_CLOSING), &from, WAIT_MS ) != NULL,
            "no HANDLE_CLOSING for the session\n" );
    recorder_free( &cl->rec );
}

#define receive_msg(a,b,c,d,e) receive_msg_(__LINE__,a,b,c,d,e)
static void receive_msg_( unsigned int line, HINTERNET socket, DWORD size, const void *expect, DWORD expect_len,
                          WINHTTP_WEB_SOCKET_BUFFER_TYPE expect_type )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0xdeadbeef;
    DWORD err, count = 0xdeadbeef;
    BYTE *buf = malloc( size );

    err = WinHttpWebSocketReceive( socket, buf, size, &count, &type );
    ok_(__FILE__,line)( !err, "WinHttpWebSocketReceive failed, error %lu\n", err );
    ok_(__FILE__,line)( type == expect_type, "type %u, expected %u\n", type, expect_type );
    ok_(__FILE__,line)( count == expect_len, "%lu bytes, expected %lu\n", count, expect_len );
    if (!err && count == expect_len && expect)
        ok_(__FILE__,line)( !memcmp( buf, expect, count ), "wrong data\n" );
    free( buf );
}

static DWORD ws_send( HINTERNET socket, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, const char *data )
{
    return WinHttpWebSocketSend( socket, type, (void *)data, strlen( data ) );
}

/*
 * The tests.
 */

/* [rfc] the upgrade request; [doc] [winhttp] the handle and its first errors */
static void test_upgrade( struct ws_server *server )
{
    char value[128];
    WCHAR header[64];
    struct client cl;
    HINTERNET socket;
    DWORD err;
    BOOL ret;

    if (!open_client( &cl, server, L"/echo", FALSE )) goto done;

    ok( !_stricmp( get_header( cl.conn, "Upgrade", value, sizeof(value) ), "websocket" ), "Upgrade: %s\n", value );
    ok( !_stricmp( get_header( cl.conn, "Connection", value, sizeof(value) ), "Upgrade" ), "Connection: %s\n", value );
    ok( !strcmp( get_header( cl.conn, "Sec-WebSocket-Version", value, sizeof(value) ), "13" ),
        "Sec-WebSocket-Version: %s\n", value );
    /* a random 16-byte nonce, base64 */
    get_header( cl.conn, "Sec-WebSocket-Key", value, sizeof(value) );
    ok( strlen( value ) == 24 && value[22] == '=' && value[23] == '=', "Sec-WebSocket-Key: %s\n", value );

    /* [design] the request's connection is the WebSocket's: a second upgrade fails */
    SetLastError( 0xdeadbeef );
    socket = WinHttpWebSocketCompleteUpgrade( cl.req, 0 );
    ok( !socket, "a second WebSocket from one 101\n" );
    ok( GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "error %lu\n", GetLastError() );
    if (socket) WinHttpCloseHandle( socket );

    /* [winhttp] the request keeps its response */
    header[0] = 0;
    err = sizeof(header);
    ret = WinHttpQueryHeaders( cl.req, WINHTTP_QUERY_UPGRADE, NULL, header, &err, NULL );
    ok( ret && !wcscmp( header, L"websocket" ), "WINHTTP_QUERY_UPGRADE: %d, error %lu\n", ret, GetLastError() );
    /* [winhttp] a WebSocket handle is not a request */
    err = sizeof(header);
    ret = WinHttpQueryHeaders( cl.socket, WINHTTP_QUERY_UPGRADE, NULL, header, &err, NULL );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WinHttpQueryHeaders: %d, error %lu\n", ret,
        GetLastError() );

    /* [design] the WebSocket functions on a request handle, and on no handle, as the other functions */
    err = ws_send( cl.req, BINARY_MESSAGE, "x" );
    ok( err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WinHttpWebSocketSend on a request: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.req, 1000, NULL, 0 );
    ok( err == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "WinHttpWebSocketShutdown on a request: %lu\n", err );
    err = WinHttpWebSocketClose( NULL, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_HANDLE, "WinHttpWebSocketClose on NULL: %lu\n", err );
    socket = WinHttpWebSocketCompleteUpgrade( cl.socket, 0 );
    ok( !socket && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "upgrade of a WebSocket: %p, %lu\n",
        socket, GetLastError() );

done:
    close_client( &cl );
}

/* [winhttp] an upgrade whose send buffer could not hold a frame header fails to send */
static void test_small_send_buffer( struct ws_server *server )
{
    HINTERNET ses, con, req;
    DWORD size = 15;
    BOOL ret;

    ses = WinHttpOpen( L"winetest websocket", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    con = WinHttpConnect( ses, L"127.0.0.1", server->port, 0 );
    req = WinHttpOpenRequest( con, L"GET", L"/echo", NULL, NULL, NULL, 0 );
    ok( req != NULL, "WinHttpOpenRequest failed, error %lu\n", GetLastError() );
    ret = WinHttpSetOption( req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 );
    ok( ret, "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET failed, error %lu\n", GetLastError() );
    ret = WinHttpSetOption( req, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &size, sizeof(size) );
    ok( ret, "a send buffer of 15 bytes refused, error %lu\n", GetLastError() );
    SetLastError( 0xdeadbeef );
    ret = WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 );
    ok( !ret && GetLastError() == ERROR_NOT_ENOUGH_MEMORY, "WinHttpSendRequest: %d, error %lu\n", ret,
        GetLastError() );
    WinHttpCloseHandle( req );
    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

struct upgrade_race
{
    HINTERNET req;
    HANDLE go;
    HINTERNET socket;
    DWORD error;
};

static DWORD CALLBACK upgrade_thread( void *arg )
{
    struct upgrade_race *u = arg;

    WaitForSingleObject( u->go, WAIT_MS );
    SetLastError( 0xdeadbeef );
    u->socket = WinHttpWebSocketCompleteUpgrade( u->req, 0 );
    u->error = GetLastError();
    return 0;
}

/* [doc] "at most one web socket can exist per request"; [design] the others get
 * ERROR_WINHTTP_INCORRECT_HANDLE_STATE, and a bad Sec-WebSocket-Accept is
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE */
static void test_upgrade_races( struct ws_server *server )
{
    struct upgrade_race u[4];
    HANDLE threads[4], go;
    unsigned int i, made = 0;
    HINTERNET ses, con, req, socket;
    const WCHAR *paths[] = { L"/badaccept", L"/noaccept" };
    BOOL ret;

    ses = WinHttpOpen( L"winetest websocket", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 );
    WinHttpSetTimeouts( ses, WAIT_MS, WAIT_MS, WAIT_MS, WAIT_MS );
    con = WinHttpConnect( ses, L"127.0.0.1", server->port, 0 );

    req = WinHttpOpenRequest( con, L"GET", L"/echo", NULL, NULL, NULL, 0 );
    WinHttpSetOption( req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 );
    ret = WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 ) && WinHttpReceiveResponse( req, NULL );
    ok( ret, "the upgrade failed, error %lu\n", GetLastError() );
    go = CreateEventW( NULL, TRUE, FALSE, NULL );
    for (i = 0; i < ARRAY_SIZE(u); i++)
    {
        u[i].req = req;
        u[i].go = go;
        threads[i] = CreateThread( NULL, 0, upgrade_thread, &u[i], 0, NULL );
    }
    SetEvent( go );
    ok( !WaitForMultipleObjects( ARRAY_SIZE(threads), threads, TRUE, WAIT_MS ), "the threads did not end\n" );
    for (i = 0; i < ARRAY_SIZE(u); i++)
    {
        CloseHandle( threads[i] );
        if (u[i].socket)
        {
            made++;
            ok( u[i].error == ERROR_SUCCESS, "thread %u: last error %lu with a handle\n", i, u[i].error );
            WinHttpCloseHandle( u[i].socket );
        }
        else ok( u[i].error == ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "thread %u: error %lu\n", i, u[i].error );
    }
    ok( made == 1, "%u WebSockets from one 101\n", made );
    CloseHandle( go );
    WinHttpCloseHandle( req );

    for (i = 0; i < ARRAY_SIZE(paths); i++)
    {
        winetest_push_context( "%ls", paths[i] );
        req = WinHttpOpenRequest( con, L"GET", paths[i], NULL, NULL, NULL, 0 );
        WinHttpSetOption( req, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0 );
        ret = WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 ) && WinHttpReceiveResponse( req, NULL );
        ok( ret, "the request failed, error %lu\n", GetLastError() );
        SetLastError( 0xdeadbeef );
        socket = WinHttpWebSocketCompleteUpgrade( req, 0 );
        ok( !socket, "a WebSocket without the right Sec-WebSocket-Accept\n" );
        ok( GetLastError() == ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "error %lu\n", GetLastError() );
        if (socket) WinHttpCloseHandle( socket );
        WinHttpCloseHandle( req );
        winetest_pop_context();
    }

    WinHttpCloseHandle( con );
    WinHttpCloseHandle( ses );
}

/* messages, fragments, masking and the parameter errors, synchronously */
static void test_sync_messages( struct ws_server *server )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    BYTE buf[1024], *big;
    const struct frame *f;
    struct client cl;
    unsigned int i, distinct;
    DWORD err, count, value, size;
    BOOL ret;

    if (!open_client( &cl, server, L"/echo", FALSE )) goto done;

    /* [winhttp] the option rules on the WebSocket handle */
    size = sizeof(value);
    ret = WinHttpQueryOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, &size );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "query keepalive: %d, error %lu\n", ret, GetLastError() );
    size = sizeof(value);
    ret = WinHttpQueryOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, &value, &size );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "query receive buffer: %d, error %lu\n", ret,
        GetLastError() );
    value = 65535;
    ret = WinHttpSetOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &value, sizeof(value) );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "set send buffer: %d, error %lu\n", ret,
        GetLastError() );
    value = 20000;
    ret = WinHttpSetOption( cl.req, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value) );
    ok( !ret && GetLastError() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "keepalive on the request: %d, error %lu\n",
        ret, GetLastError() );
    /* [winhttp] the WebSocket handle takes a keepalive interval of 15000 ms or more */
    SetLastError( 0xdeadbeef );
    ret = WinHttpSetOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value) );
    ok( ret && !GetLastError(), "keepalive 20000: %d, error %lu\n", ret, GetLastError() );
    value = 10000;
    ret = WinHttpSetOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof(value) );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "keepalive 10000: %d, error %lu\n", ret,
        GetLastError() );
    value = 20000;
    ret = WinHttpSetOption( cl.socket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, 2 );
    ok( !ret && GetLastError() == ERROR_INVALID_PARAMETER, "keepalive of 2 bytes: %d, error %lu\n", ret,
        GetLastError() );

    /* [winhttp] parameter errors */
    err = WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, NULL, 1 );
    ok( err == ERROR_INVALID_PARAMETER, "send of NULL: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, NULL, 0, &count, &type );
    ok( err == ERROR_INVALID_PARAMETER, "receive into NULL, 0: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, buf, 0, &count, &type );
    ok( err == ERROR_INVALID_PARAMETER, "receive of 0 bytes: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, NULL, 1, &count, &type );
    ok( err == ERROR_INVALID_PARAMETER, "receive into NULL: %lu\n", err );
    /* [doc] the close type is not sent by WinHttpWebSocketSend */
    err = WinHttpWebSocketSend( cl.socket, CLOSE_BUFFER, buf, 2 );
    ok( err == ERROR_INVALID_PARAMETER, "send of the close type: %lu\n", err );
    /* [doc] QueryCloseStatus before any close frame */
    count = 0xdeadbeef;
    value = 0xdead;
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, (USHORT *)&value, buf, sizeof(buf), &count );
    ok( err == ERROR_INVALID_OPERATION, "QueryCloseStatus: %lu\n", err );
    ok( value == 0xdead && count == 0xdeadbeef, "status %lu, length %lu\n", value, count );

    /* binary and UTF-8 messages; an empty one */
    ok( !ws_send( cl.socket, BINARY_MESSAGE, "hello" ), "binary send failed\n" );
    receive_msg( cl.socket, sizeof(buf), "hello", 5, BINARY_MESSAGE );
    ok( !ws_send( cl.socket, UTF8_MESSAGE, "h\xc3\xa9llo" ), "UTF-8 send failed\n" );
    receive_msg( cl.socket, sizeof(buf), "h\xc3\xa9llo", 6, UTF8_MESSAGE );
    ok( !WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, NULL, 0 ), "empty send failed\n" );
    receive_msg( cl.socket, sizeof(buf), NULL, 0, BINARY_MESSAGE );

    /* [winhttp] a message longer than the buffer: a full fragment, then the end */
    big = malloc( 2 * sizeof(buf) );
    for (i = 0; i < 2 * sizeof(buf); i++) big[i] = pattern_byte( i );
    err = WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, big, 2 * sizeof(buf) );
    ok( !err, "send of %u bytes failed: %lu\n", (unsigned int)(2 * sizeof(buf)), err );
    receive_msg( cl.socket, sizeof(buf), big, sizeof(buf), BINARY_FRAGMENT );
    receive_msg( cl.socket, sizeof(buf), big + sizeof(buf), sizeof(buf), BINARY_MESSAGE );
    free( big );

    /* [notif] fragments: a type continues only its own message */
    ok( !ws_send( cl.socket, BINARY_FRAGMENT, "ab" ), "fragment failed\n" );
    err = ws_send( cl.socket, UTF8_FRAGMENT, "cd" );
    ok( err == ERROR_INVALID_PARAMETER, "UTF-8 fragment inside a binary message: %lu\n", err );
    err = ws_send( cl.socket, UTF8_MESSAGE, "cd" );
    ok( err == ERROR_INVALID_PARAMETER, "UTF-8 end of a binary message: %lu\n", err );
    ok( !ws_send( cl.socket, BINARY_FRAGMENT, "cd" ), "second fragment failed\n" );
    ok( !ws_send( cl.socket, BINARY_MESSAGE, "ef" ), "last fragment failed\n" );
    /* the echo keeps the frames, so each comes back as a piece of the message */
    receive_msg( cl.socket, sizeof(buf), "ab", 2, BINARY_FRAGMENT );
    receive_msg( cl.socket, sizeof(buf), "cd", 2, BINARY_FRAGMENT );
    receive_msg( cl.socket, sizeof(buf), "ef", 2, BINARY_MESSAGE );
    ok( !ws_send( cl.socket, UTF8_FRAGMENT, "u1" ), "UTF-8 fragment failed\n" );
    err = ws_send( cl.socket, BINARY_MESSAGE, "b" );
    ok( err == ERROR_INVALID_PARAMETER, "binary end of a UTF-8 message: %lu\n", err );
    ok( !ws_send( cl.socket, UTF8_MESSAGE, "u2" ), "UTF-8 end failed\n" );
    receive_msg( cl.socket, sizeof(buf), "u1", 2, UTF8_FRAGMENT );
    receive_msg( cl.socket, sizeof(buf), "u2", 2, UTF8_MESSAGE );

    /* [doc] the reason is at most 123 bytes */
    memset( buf, 'r', sizeof(buf) );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 1 );
    ok( err == ERROR_INVALID_PARAMETER, "Close with a NULL reason: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, buf, 124 );
    ok( err == ERROR_INVALID_PARAMETER, "Close with 124 bytes: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, buf, 124 );
    ok( err == ERROR_INVALID_PARAMETER, "Shutdown with 124 bytes: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 1 );
    ok( err == ERROR_INVALID_PARAMETER, "Shutdown with a NULL reason: %lu\n", err );
    /* client first: our close, then the server's */
    err = WinHttpWebSocketClose( cl.socket, 1000, buf, 123 );
    ok( !err, "Close failed: %lu\n", err );

    /* [winhttp] the close status, and the reason's length */
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, NULL, NULL, 0, &count );
    ok( err == ERROR_INVALID_PARAMETER, "QueryCloseStatus without status: %lu\n", err );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, (USHORT *)&value, buf, sizeof(buf), NULL );
    ok( err == ERROR_INVALID_PARAMETER, "QueryCloseStatus without length: %lu\n", err );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, (USHORT *)&value, NULL, 1, &count );
    ok( err == ERROR_INVALID_PARAMETER, "QueryCloseStatus into NULL: %lu\n", err );
    value = 0;
    count = 0xdeadbeef;
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, (USHORT *)&value, NULL, 0, &count );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "QueryCloseStatus without a buffer: %lu\n", err );
    ok( count == 123, "reason of %lu bytes\n", count );
    memset( buf, 0, sizeof(buf) );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, (USHORT *)&value, buf, sizeof(buf), &count );
    ok( !err, "QueryCloseStatus failed: %lu\n", err );
    ok( LOWORD(value) == 1000, "status %u\n", LOWORD(value) );
    ok( count == 123 && buf[0] == 'r' && buf[122] == 'r' && !buf[123], "reason of %lu bytes\n", count );

    /* [doc] after Close: nothing more */
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "send after Close: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( err == ERROR_INVALID_OPERATION, "receive after Close: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "Shutdown after Close: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "second Close: %lu\n", err );

    /* what went over the wire: [rfc] every client frame masked, with keys that vary */
    if (conn_finished( cl.conn ))
    {
        ok( cl.conn->count == 10, "the server got %ld frames\n", cl.conn->count );
        for (i = distinct = 0; i < (unsigned int)min( cl.conn->count, MAX_FRAMES ); i++)
        {
            f = &cl.conn->frames[i];
            ok( f->masked && !f->rsv, "frame %u: masked %u rsv %u\n", i, f->masked, f->rsv );
            if (i && memcmp( f->mask, cl.conn->frames[i - 1].mask, 4 )) distinct++;
        }
        ok( distinct == 9, "only %u mask changes in %ld frames\n", distinct, cl.conn->count );
        f = &cl.conn->frames[0];
        ok( f->opcode == 0x2 && f->fin && f->length == 5, "binary message: opcode %u fin %u\n", f->opcode, f->fin );
        f = &cl.conn->frames[1];
        ok( f->opcode == 0x1 && f->fin && f->length == 6, "UTF-8 message: opcode %u fin %u\n", f->opcode, f->fin );
        f = &cl.conn->frames[4];
        ok( f->opcode == 0x2 && !f->fin && f->length == 2, "first fragment: opcode %u fin %u\n", f->opcode, f->fin );
        f = &cl.conn->frames[5];
        ok( f->opcode == 0x0 && !f->fin, "second fragment: opcode %u fin %u\n", f->opcode, f->fin );
        f = &cl.conn->frames[6];
        ok( f->opcode == 0x0 && f->fin, "last fragment: opcode %u fin %u\n", f->opcode, f->fin );
        f = &cl.conn->frames[7];
        ok( f->opcode == 0x1 && !f->fin, "UTF-8 fragment: opcode %u fin %u\n", f->opcode, f->fin );
        memset( buf, 'r', 123 );
        buf[123] = 0;
        check_close_frame( cl.conn, 1000, (char *)buf );
    }
    else ok( 0, "the server did not finish\n" );

done:
    close_client( &cl );
}

/* [rfc] a ping is answered with its payload, pongs are absorbed */
static void test_ping( struct ws_server *server )
{
    const struct frame *f;
    struct client cl;
    BYTE buf[256];

    if (!open_client( &cl, server, L"/ping", FALSE )) goto done;
    receive_msg( cl.socket, sizeof(buf), "after-ping", 10, UTF8_MESSAGE );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
    if (conn_finished( cl.conn ))
    {
        ok( count_frames( cl.conn, 0xa ) == 1, "%u pongs\n", count_frames( cl.conn, 0xa ) );
        f = find_frame( cl.conn, 0xa, 0 );
        ok( f && f->fin && f->masked && f->length == 12 && !memcmp( f->data, "ping-payload", 12 ), "wrong pong\n" );
        check_close_frame( cl.conn, 1000, "" );
    }
done:
    close_client( &cl );
}

/* [rfc] frames that came in one piece with the 101 are the first ones */
static void test_early_frames( struct ws_server *server )
{
    struct client cl;
    BYTE buf[256];

    if (!open_client( &cl, server, L"/early", FALSE )) goto done;
    receive_msg( cl.socket, sizeof(buf), "early", 5, UTF8_MESSAGE );
    receive_msg( cl.socket, sizeof(buf), "\x01\x02\x03", 3, BINARY_MESSAGE );
    ok( !ws_send( cl.socket, UTF8_MESSAGE, "next" ), "send failed\n" );
    receive_msg( cl.socket, sizeof(buf), "next", 4, UTF8_MESSAGE );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
    if (conn_finished( cl.conn ))
    {
        const struct frame *f = find_frame( cl.conn, 0xa, 0 );
        ok( f && f->length == 1 && f->data[0] == 'p', "the early ping was not answered\n" );
    }
done:
    close_client( &cl );
}

/* the server closes first: [doc] the receive returns the close type, QueryCloseStatus
 * tells its status, and Close completes the handshake */
static void test_server_close( struct ws_server *server )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct client cl;
    BYTE buf[256];
    USHORT status = 0;
    DWORD err, count;

    if (!open_client( &cl, server, L"/serverclose", FALSE )) goto done;
    receive_msg( cl.socket, sizeof(buf), NULL, 0, CLOSE_BUFFER );

    count = 0xdeadbeef;
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, 4, &count );
    ok( err == ERROR_INSUFFICIENT_BUFFER, "QueryCloseStatus into 4 bytes: %lu\n", err );
    ok( count == 10, "reason of %lu bytes\n", count );
    memset( buf, 0, sizeof(buf) );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( !err, "QueryCloseStatus failed: %lu\n", err );
    ok( status == 1001, "status %u\n", status );
    ok( count == 10 && !memcmp( buf, "going away", 10 ), "reason %.*s\n", (int)count, buf );

    /* [notif] nothing more to receive; [design] nor to send, the server having closed */
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( err == ERROR_INVALID_OPERATION, "receive after the close frame: %lu\n", err );
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "send after the close frame: %lu\n", err );

    err = WinHttpWebSocketClose( cl.socket, 1000, (void *)"ok", 2 );
    ok( !err, "Close failed: %lu\n", err );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( !err && status == 1001, "QueryCloseStatus after Close: %lu, status %u\n", err, status );
    if (conn_finished( cl.conn )) check_close_frame( cl.conn, 1000, "ok" );
done:
    close_client( &cl );
}

/* [doc] Shutdown closes the send side only */
static void test_shutdown( struct ws_server *server )
{
    struct client cl;
    BYTE buf[256];
    USHORT status = 0;
    DWORD err, count;

    if (!open_client( &cl, server, L"/shutdown", FALSE )) goto done;
    err = WinHttpWebSocketShutdown( cl.socket, 1000, (void *)"bye", 3 );
    ok( !err, "Shutdown failed: %lu\n", err );
    /* [notif] the send side is closed */
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "send after Shutdown: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "second Shutdown: %lu\n", err );
    /* the receive side still works, to the server's close frame */
    receive_msg( cl.socket, sizeof(buf), "late", 4, UTF8_MESSAGE );
    receive_msg( cl.socket, sizeof(buf), NULL, 0, CLOSE_BUFFER );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( !err && status == 1000 && count == 4 && !memcmp( buf, "done", 4 ), "QueryCloseStatus: %lu, status %u\n",
        err, status );
    /* [winhttp] Close after Shutdown */
    err = WinHttpWebSocketClose( cl.socket, 1000, (void *)"ignored", 7 );
    ok( !err, "Close failed: %lu\n", err );
    if (conn_finished( cl.conn ))
    {
        /* one close frame: Shutdown's */
        ok( count_frames( cl.conn, 0x8 ) == 1, "%u close frames\n", count_frames( cl.conn, 0x8 ) );
        check_close_frame( cl.conn, 1000, "bye" );
    }
done:
    close_client( &cl );
}

/* the connection ends without a close frame: [design] the receive fails with
 * ERROR_WINHTTP_CONNECTION_ERROR, and the WebSocket is done */
static void test_abort( struct ws_server *server )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct client cl;
    BYTE buf[256];
    USHORT status;
    DWORD err, count;

    if (!open_client( &cl, server, L"/abort", FALSE )) goto done;
    receive_msg( cl.socket, sizeof(buf), "bye", 3, UTF8_MESSAGE );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( err == ERROR_WINHTTP_CONNECTION_ERROR, "receive at the end: %lu\n", err );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( err == ERROR_INVALID_OPERATION, "QueryCloseStatus: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( err == ERROR_INVALID_OPERATION, "receive after the end: %lu\n", err );
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "send after the end: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "Close after the end: %lu\n", err );
done:
    close_client( &cl );
}

/* [doc] Close waits for the server's close frame up to the close timeout;
 * [design] then it fails with ERROR_WINHTTP_TIMEOUT */
static void test_close_timeout( struct ws_server *server, BOOL async )
{
    const struct event *e;
    unsigned int from;
    struct client cl;
    DWORD err, start, elapsed;

    winetest_push_context( async ? "async" : "sync" );
    /* the WebSocket takes the request's close timeout */
    if (!open_client_timeout( &cl, server, L"/silent", async, 500 )) goto done;
    from = event_count( &cl.rec );
    start = GetTickCount();
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    if (async)
    {
        ok( !err, "Close failed: %lu\n", err );
        e = wait_event( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), &from, 3 * WAIT_MS );
        ok( e != NULL, "no REQUEST_ERROR\n" );
        if (e)
        {
            ok( e->result.Operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION, "operation %u\n", e->result.Operation );
            ok( e->result.AsyncResult.dwError == ERROR_WINHTTP_TIMEOUT, "error %lu\n", e->result.AsyncResult.dwError );
        }
        ok( !count_events( &cl.rec, cl.socket, STATUS(CLOSE_COMPLETE), 0 ), "CLOSE_COMPLETE\n" );
    }
    else ok( err == ERROR_WINHTTP_TIMEOUT, "Close: %lu\n", err );
    elapsed = GetTickCount() - start;
    ok( elapsed >= 400 && elapsed < WAIT_MS, "Close took %lu ms\n", elapsed );
    if (conn_finished( cl.conn )) check_close_frame( cl.conn, 1000, "" );
done:
    close_client( &cl );
    winetest_pop_context();
}

/* A server that breaks the protocol: [doc] the receive fails with
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE; [rfc] the client says why with 1002 or
 * 1007 and drops the connection; nothing hangs, and nothing is sized from a
 * length the server sent */
static void test_hostile( struct ws_server *server, BOOL async )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    const struct event *e;
    unsigned int i, j, from;
    struct client cl;
    WCHAR path[32];
    BYTE buf[4096];
    DWORD err, count, start;
    USHORT status;

    for (i = 0; i < ARRAY_SIZE(hostiles); i++)
    {
        const struct hostile *h = &hostiles[i];

        if (async && h->good) continue;
        winetest_push_context( "%s %s", async ? "async" : "sync", h->name );
        swprintf( path, ARRAY_SIZE(path), L"/hostile/%u", i );
        if (!open_client( &cl, server, path, async ))
        {
            close_client( &cl );
            winetest_pop_context();
            continue;
        }
        start = GetTickCount();
        for (j = 0; j < h->good; j++)
        {
            err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
            ok( !err, "receive %u failed: %lu\n", j, err );
        }
        if (async)
        {
            from = event_count( &cl.rec );
            err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL );
            ok( !err, "receive failed at once: %lu\n", err );
            e = wait_event( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), &from, WAIT_MS );
            ok( e != NULL, "no REQUEST_ERROR\n" );
            if (e)
            {
                ok( e->result.Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "operation %u\n", e->result.Operation );
                err = e->result.AsyncResult.dwError;
            }
        }
        else err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
        if (h->error) ok( err == h->error, "error %lu\n", err );
        else ok( err == ERROR_WINHTTP_CONNECTION_ERROR, "error %lu\n", err );
        ok( GetTickCount() - start < WAIT_MS, "took %lu ms\n", GetTickCount() - start );
        /* [design] the WebSocket is over */
        err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
        ok( err == ERROR_INVALID_OPERATION, "receive after the failure: %lu\n", err );
        err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
        ok( err == ERROR_INVALID_OPERATION, "QueryCloseStatus: %lu\n", err );
        if (conn_finished( cl.conn ))
        {
            if (h->status) check_close_frame( cl.conn, h->status, "" );
            else ok( !count_frames( cl.conn, 0x8 ), "a close frame\n" );
        }
        close_client( &cl );
        winetest_pop_context();
    }
}

/*
 * Asynchronous handles.
 */

#define check_status_event(a,b,c,d) check_status_event_(__LINE__,a,b,c,d)
static void check_status_event_( unsigned int line, const struct event *e, DWORD count,
                                 WINHTTP_WEB_SOCKET_BUFFER_TYPE type, DWORD thread )
{
    ok_(__FILE__,line)( e != NULL, "no notification\n" );
    if (!e) return;
    ok_(__FILE__,line)( e->info != NULL && e->len == sizeof(WINHTTP_WEB_SOCKET_STATUS), "info %p, %lu bytes\n",
                        e->info, e->len );
    ok_(__FILE__,line)( e->ws.dwBytesTransferred == count, "%lu bytes, expected %lu\n", e->ws.dwBytesTransferred, count );
    ok_(__FILE__,line)( e->ws.eBufferType == type, "type %u, expected %u\n", e->ws.eBufferType, type );
    if (thread) ok_(__FILE__,line)( e->thread == thread, "called on thread %#lx\n", e->thread );
}

/* [notif] the notifications of each operation */
static void test_async_messages( struct ws_server *server )
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    DWORD err, count, main_thread = GetCurrentThreadId();
    const struct event *e;
    unsigned int from;
    struct client cl;
    BYTE buf[1024], *big;
    USHORT status;
    size_t i, got;

    if (!open_client( &cl, server, L"/echo", TRUE )) goto done;

    /* a small send completes before the call returns, on its thread */
    from = event_count( &cl.rec );
    err = ws_send( cl.socket, BINARY_MESSAGE, "hello" );
    ok( !err, "send failed: %lu\n", err );
    ok( count_events( &cl.rec, cl.socket, STATUS(WRITE_COMPLETE), from ) == 1, "no WRITE_COMPLETE before the return\n" );
    e = wait_event( &cl.rec, cl.socket, STATUS(WRITE_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 5, BINARY_MESSAGE, main_thread );

    /* the receive's results come with the notification only */
    count = type = 0xdeadbeef;
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( !err, "receive failed: %lu\n", err );
    e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 5, BINARY_MESSAGE, 0 );
    ok( count == 0xdeadbeef && type == 0xdeadbeef, "count %lu, type %u\n", count, type );
    ok( !memcmp( buf, "hello", 5 ), "wrong data\n" );

    /* a second receive while one is pending */
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL );
    ok( !err, "receive failed: %lu\n", err );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL );
    ok( err == ERROR_INVALID_OPERATION, "second pending receive: %lu\n", err );
    /* the send side is free meanwhile */
    ok( !ws_send( cl.socket, UTF8_MESSAGE, "again" ), "send failed\n" );
    e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 5, UTF8_MESSAGE, 0 );
    ok( !memcmp( buf, "again", 5 ), "wrong data\n" );

    /* fragments */
    ok( !ws_send( cl.socket, BINARY_FRAGMENT, "abc" ), "fragment failed\n" );
    err = ws_send( cl.socket, UTF8_FRAGMENT, "def" );
    ok( err == ERROR_INVALID_PARAMETER, "UTF-8 fragment inside a binary message: %lu\n", err );
    err = ws_send( cl.socket, UTF8_MESSAGE, "def" );
    ok( err == ERROR_INVALID_PARAMETER, "UTF-8 end of a binary message: %lu\n", err );
    ok( !ws_send( cl.socket, BINARY_MESSAGE, "def" ), "last fragment failed\n" );
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 3, BINARY_FRAGMENT, 0 );
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 3, BINARY_MESSAGE, 0 );

    /* a send larger than the send buffer; [design] it may complete later, on another thread */
    big = malloc( 100000 );
    for (i = 0; i < 100000; i++) big[i] = pattern_byte( i );
    from = event_count( &cl.rec );
    err = WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, big, 100000 );
    ok( !err, "big send failed: %lu\n", err );
    e = wait_event( &cl.rec, cl.socket, STATUS(WRITE_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 100000, BINARY_MESSAGE, 0 );
    memset( buf, 0, sizeof(buf) );
    for (got = 0, i = 0; got < 100000 && i < 200; i++)
    {
        if (WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL )) break;
        if (!(e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS ))) break;
        if (memcmp( buf, big + got, e->ws.dwBytesTransferred )) break;
        got += e->ws.dwBytesTransferred;
        if (e->ws.eBufferType != (got < 100000 ? BINARY_FRAGMENT : BINARY_MESSAGE)) break;
    }
    ok( got == 100000, "got %Iu bytes of the big message, in %Iu receives\n", got, i );
    free( big );

    /* Shutdown with a receive pending: the receive gets the server's close */
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, (void *)"success", 7 );
    ok( !err, "Shutdown failed: %lu\n", err );
    e = wait_event( &cl.rec, cl.socket, STATUS(SHUTDOWN_COMPLETE), &from, WAIT_MS );
    ok( e && e->thread == main_thread && !e->info && !e->len, "SHUTDOWN_COMPLETE %p\n", e );
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "send after Shutdown: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "second Shutdown: %lu\n", err );
    e = wait_event( &cl.rec, cl.socket, STATUS(READ_COMPLETE), &from, WAIT_MS );
    check_status_event( e, 0, CLOSE_BUFFER, 0 );
    count = 0;
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( !err && status == 1000 && count == 7, "QueryCloseStatus: %lu, status %u, %lu bytes\n", err, status, count );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL );
    ok( err == ERROR_INVALID_OPERATION, "receive after the close frame: %lu\n", err );

    /* the close frame is in: Close completes before it returns */
    from = event_count( &cl.rec );
    err = WinHttpWebSocketClose( cl.socket, 1000, (void *)"success", 7 );
    ok( !err, "Close failed: %lu\n", err );
    ok( count_events( &cl.rec, cl.socket, STATUS(CLOSE_COMPLETE), from ) == 1, "no CLOSE_COMPLETE before the return\n" );
    e = wait_event( &cl.rec, cl.socket, STATUS(CLOSE_COMPLETE), &from, WAIT_MS );
    ok( e && e->thread == main_thread && !e->info && !e->len, "CLOSE_COMPLETE %p\n", e );
    if (conn_finished( cl.conn )) ok( count_frames( cl.conn, 0x8 ) == 1, "%u close frames\n", count_frames( cl.conn, 0x8 ) );

done:
    close_client( &cl );
}

/* [notif] Close cancels a pending receive and reports it before it returns */
static void test_async_close_pending( struct ws_server *server )
{
    DWORD err, count, main_thread = GetCurrentThreadId();
    const struct event *e;
    unsigned int from, start;
    struct client cl;
    BYTE buf[256];
    USHORT status = 0xdead;

    if (!open_client( &cl, server, L"/slowclose", TRUE )) goto done;
    start = event_count( &cl.rec );
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    Sleep( 100 );
    from = event_count( &cl.rec );
    err = WinHttpWebSocketClose( cl.socket, 1000, (void *)"success", 7 );
    ok( !err, "Close failed: %lu\n", err );
    e = wait_event( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), &from, 0 );
    ok( e != NULL, "no REQUEST_ERROR before Close returned\n" );
    if (e)
    {
        ok( e->len == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT), "%lu bytes\n", e->len );
        ok( e->result.Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "operation %u\n", e->result.Operation );
        ok( !e->result.AsyncResult.dwResult, "dwResult %Iu\n", e->result.AsyncResult.dwResult );
        ok( e->result.AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "error %lu\n",
            e->result.AsyncResult.dwError );
        ok( e->thread == main_thread, "called on thread %#lx\n", e->thread );
    }
    /* the server answers after 500 ms: Close is still waiting */
    count = 0xdeadbeef;
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( err == ERROR_INVALID_OPERATION, "QueryCloseStatus before CLOSE_COMPLETE: %lu\n", err );
    ok( status == 0xdead && count == 0xdeadbeef, "status %u, %lu bytes\n", status, count );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL );
    ok( err == ERROR_INVALID_OPERATION, "receive during Close: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "second Close: %lu\n", err );

    e = wait_event( &cl.rec, cl.socket, STATUS(CLOSE_COMPLETE), &from, WAIT_MS );
    ok( e && !e->info && !e->len, "CLOSE_COMPLETE %p\n", e );
    err = WinHttpWebSocketQueryCloseStatus( cl.socket, &status, buf, sizeof(buf), &count );
    ok( !err && status == 1000 && count == 7, "QueryCloseStatus: %lu, status %u\n", err, status );
    Sleep( SETTLE_MS );
    /* the cancelled receive completed once, as cancelled */
    ok( !count_events( &cl.rec, cl.socket, STATUS(READ_COMPLETE), start ), "READ_COMPLETE\n" );
    ok( count_events( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), start ) == 1, "%u REQUEST_ERROR\n",
        count_events( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), start ) );
    if (conn_finished( cl.conn )) check_close_frame( cl.conn, 1000, "success" );
done:
    close_client( &cl );
}

/* [doc] closing the handle cancels what is pending; HANDLE_CLOSING comes last */
static void test_async_close_handle( struct ws_server *server )
{
    const struct event *e;
    unsigned int from = 0, start, i;
    struct client cl;
    BYTE buf[256];
    HINTERNET socket;

    if (!open_client( &cl, server, L"/echo", TRUE )) goto done;
    start = event_count( &cl.rec );
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    Sleep( 100 );
    socket = cl.socket;
    cl.socket = NULL;
    ok( WinHttpCloseHandle( socket ), "WinHttpCloseHandle failed\n" );
    from = start;
    e = wait_event( &cl.rec, socket, STATUS(HANDLE_CLOSING), &from, WAIT_MS );
    ok( e != NULL, "no HANDLE_CLOSING\n" );
    Sleep( SETTLE_MS );
    from = start;
    e = wait_event( &cl.rec, socket, STATUS(REQUEST_ERROR), &from, 0 );
    ok( e != NULL, "no REQUEST_ERROR\n" );
    if (e)
    {
        ok( e->result.Operation == WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "operation %u\n", e->result.Operation );
        ok( e->result.AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "error %lu\n",
            e->result.AsyncResult.dwError );
    }
    /* HANDLE_CLOSING last, and once */
    EnterCriticalSection( &cl.rec.cs );
    for (i = cl.rec.count; i > start; i--) if (cl.rec.events[i - 1].handle == socket) break;
    ok( i > start && cl.rec.events[i - 1].status == STATUS(HANDLE_CLOSING), "the last notification is %#lx\n",
        i > start ? cl.rec.events[i - 1].status : 0 );
    LeaveCriticalSection( &cl.rec.cs );
    ok( count_events( &cl.rec, socket, STATUS(HANDLE_CLOSING), start ) == 1, "HANDLE_CLOSING %u times\n",
        count_events( &cl.rec, socket, STATUS(HANDLE_CLOSING), start ) );
done:
    close_client( &cl );
}

/* [doc] with a send pending: Close is refused, Shutdown waits behind it
 * (ERROR_IO_PENDING), and closing the handle cancels all three operations */
static void test_async_cancel_all( struct ws_server *server )
{
    static const DWORD size = 64 << 20;     /* more than any socket buffer: the send waits */
    const struct event *e;
    unsigned int from, start, i;
    struct client cl;
    BYTE buf[256], *big;
    HINTERNET socket;
    DWORD err;

    ResetEvent( drain_start );
    if (!open_client( &cl, server, L"/drain", TRUE )) goto done;
    big = calloc( 1, size );
    start = event_count( &cl.rec );
    ok( !WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), NULL, NULL ), "receive failed\n" );
    err = WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, big, size );
    ok( !err, "big send failed: %lu\n", err );
    Sleep( 500 );
    ok( !count_events( &cl.rec, cl.socket, STATUS(WRITE_COMPLETE), start ), "the big send completed\n" );
    err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
    ok( err == ERROR_INVALID_OPERATION, "second send: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "Close with a send pending: %lu\n", err );
    err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_IO_PENDING, "Shutdown behind a send: %lu\n", err );

    socket = cl.socket;
    cl.socket = NULL;
    ok( WinHttpCloseHandle( socket ), "WinHttpCloseHandle failed\n" );
    from = start;
    ok( wait_event( &cl.rec, socket, STATUS(HANDLE_CLOSING), &from, WAIT_MS ) != NULL, "no HANDLE_CLOSING\n" );
    Sleep( SETTLE_MS );
    for (i = WINHTTP_WEB_SOCKET_SEND_OPERATION; i <= WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION; i++)
    {
        if (i == WINHTTP_WEB_SOCKET_CLOSE_OPERATION) continue;
        for (from = start; (e = wait_event( &cl.rec, socket, STATUS(REQUEST_ERROR), &from, 0 ));)
            if (e->result.Operation == i) break;
        ok( e && e->result.AsyncResult.dwError == ERROR_WINHTTP_OPERATION_CANCELLED, "operation %u: %p, error %lu\n",
            i, e, e ? e->result.AsyncResult.dwError : 0 );
    }
    ok( count_events( &cl.rec, socket, STATUS(REQUEST_ERROR), start ) == 3, "%u REQUEST_ERROR\n",
        count_events( &cl.rec, socket, STATUS(REQUEST_ERROR), start ) );
    ok( !count_events( &cl.rec, socket, STATUS(WRITE_COMPLETE), start ) &&
        !count_events( &cl.rec, socket, STATUS(SHUTDOWN_COMPLETE), start ) &&
        !count_events( &cl.rec, socket, STATUS(READ_COMPLETE), start ), "an operation completed\n" );
    EnterCriticalSection( &cl.rec.cs );
    for (i = cl.rec.count; i > start; i--) if (cl.rec.events[i - 1].handle == socket) break;
    ok( i > start && cl.rec.events[i - 1].status == STATUS(HANDLE_CLOSING), "the last notification is %#lx\n",
        i > start ? cl.rec.events[i - 1].status : 0 );
    LeaveCriticalSection( &cl.rec.cs );
    free( big );
done:
    SetEvent( drain_start );
    close_client( &cl );
}

struct sender
{
    HINTERNET socket;
    unsigned int messages;
    DWORD size;
    DWORD error;
    HANDLE started;
};

static DWORD CALLBACK sender_thread( void *arg )
{
    struct sender *s = arg;
    BYTE *buf = malloc( s->size );
    unsigned int i;
    DWORD j;

    SetEvent( s->started );
    for (i = 0; i < s->messages && !s->error; i++)
    {
        for (j = 0; j < s->size; j++) buf[j] = pattern_byte( i * s->size + j );
        s->error = WinHttpWebSocketSend( s->socket, BINARY_MESSAGE, buf, s->size );
    }
    free( buf );
    return 0;
}

/* [doc] one thread sends while another receives */
static void test_sync_concurrent( struct ws_server *server )
{
    struct sender s = { 0 };
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    unsigned int i, bad = 0, pieces = 0;
    struct client cl;
    HANDLE thread;
    DWORD err = 0, count, got, j;
    BYTE buf[1000];

    if (!open_client( &cl, server, L"/echo", FALSE )) goto done;
    s.socket = cl.socket;
    s.messages = 300;
    s.size = sizeof(buf);
    s.started = CreateEventW( NULL, TRUE, FALSE, NULL );
    thread = CreateThread( NULL, 0, sender_thread, &s, 0, NULL );
    /* the echo comes back while the other thread still sends: nobody reads for it otherwise.
     * A message may come in pieces, as much of it as has arrived. */
    for (i = 0; i < s.messages && !err; i++)
    {
        for (got = 0; got < sizeof(buf); got += count, pieces++)
        {
            if ((err = WinHttpWebSocketReceive( cl.socket, buf + got, sizeof(buf) - got, &count, &type ))) break;
            if (type != (got + count < sizeof(buf) ? BINARY_FRAGMENT : BINARY_MESSAGE)) bad++;
            if (!count) break;
        }
        for (j = 0; j < got; j++) if (buf[j] != pattern_byte( i * sizeof(buf) + j )) break;
        if (got != sizeof(buf) || j < got) bad++;
    }
    ok( !err && i == s.messages, "receive %u failed: %lu\n", i, err );
    ok( !bad, "%u messages wrong\n", bad );
    trace( "%u messages in %u receives\n", s.messages, pieces );
    ok( !WaitForSingleObject( thread, WAIT_MS ), "the sender did not end\n" );
    ok( !s.error, "send failed: %lu\n", s.error );
    CloseHandle( thread );
    CloseHandle( s.started );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
done:
    close_client( &cl );
}

struct receiver
{
    HINTERNET socket;
    HANDLE started;
    DWORD error, count;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    BYTE buf[256];
};

static DWORD CALLBACK receiver_thread( void *arg )
{
    struct receiver *r = arg;

    SetEvent( r->started );
    r->error = WinHttpWebSocketReceive( r->socket, r->buf, sizeof(r->buf), &r->count, &r->type );
    return 0;
}

/* While a receive runs: [doc] a second receive is refused ("a close or receive
 * is pending") and a send works; [design] Close, which the concurrency rules
 * forbid then, is refused with ERROR_INVALID_OPERATION */
static void test_sync_receive_rules( struct ws_server *server )
{
    struct receiver r = { 0 };
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct client cl;
    HANDLE thread;
    BYTE buf[256];
    DWORD err, count;

    ResetEvent( hold_pong );
    ResetEvent( hold_release );
    if (!open_client( &cl, server, L"/hold", FALSE )) goto done;
    r.socket = cl.socket;
    r.started = CreateEventW( NULL, TRUE, FALSE, NULL );
    thread = CreateThread( NULL, 0, receiver_thread, &r, 0, NULL );
    /* the server knows the receive runs when its ping is answered */
    ok( !WaitForSingleObject( hold_pong, WAIT_MS ), "the ping was not answered\n" );
    ok( WaitForSingleObject( thread, 0 ) == WAIT_TIMEOUT, "the receive did not wait\n" );
    err = WinHttpWebSocketReceive( cl.socket, buf, sizeof(buf), &count, &type );
    ok( err == ERROR_INVALID_OPERATION, "second receive: %lu\n", err );
    err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
    ok( err == ERROR_INVALID_OPERATION, "Close during a receive: %lu\n", err );
    err = ws_send( cl.socket, UTF8_MESSAGE, "meanwhile" );
    ok( !err, "send during a receive: %lu\n", err );
    SetEvent( hold_release );
    ok( !WaitForSingleObject( thread, WAIT_MS ), "the receive did not end\n" );
    CloseHandle( thread );
    CloseHandle( r.started );
    ok( !r.error && r.count == 8 && r.type == UTF8_MESSAGE && !memcmp( r.buf, "released", 8 ),
        "the waiting receive: %lu, %lu bytes, type %u\n", r.error, r.count, r.type );
    receive_msg( cl.socket, sizeof(buf), "meanwhile", 9, UTF8_MESSAGE );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
done:
    close_client( &cl );
}

/* [doc] while a send runs, another send and Close are refused ("a close or send
 * is pending") */
static void test_sync_send_rules( struct ws_server *server )
{
    struct sender s = { 0 };
    struct client cl;
    HANDLE thread;
    DWORD err;

    ResetEvent( drain_start );
    if (!open_client( &cl, server, L"/drain", FALSE )) goto done;
    s.socket = cl.socket;
    s.messages = 1;
    s.size = 64 << 20;     /* more than any socket buffer: the send waits for the server */
    s.started = CreateEventW( NULL, TRUE, FALSE, NULL );
    thread = CreateThread( NULL, 0, sender_thread, &s, 0, NULL );
    WaitForSingleObject( s.started, WAIT_MS );
    Sleep( 1000 );
    if (WaitForSingleObject( thread, 0 ) == WAIT_TIMEOUT)
    {
        err = ws_send( cl.socket, BINARY_MESSAGE, "x" );
        ok( err == ERROR_INVALID_OPERATION, "second send: %lu\n", err );
        err = WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 );
        ok( err == ERROR_INVALID_OPERATION, "Close during a send: %lu\n", err );
        /* [design] two send-side operations never overlap on a synchronous handle */
        err = WinHttpWebSocketShutdown( cl.socket, 1000, NULL, 0 );
        ok( err == ERROR_INVALID_OPERATION, "Shutdown during a send: %lu\n", err );
    }
    else skip( "the big send did not wait for the server\n" );
    SetEvent( drain_start );
    ok( !WaitForSingleObject( thread, 3 * WAIT_MS ), "the send did not end\n" );
    ok( !s.error, "the big send failed: %lu\n", s.error );
    CloseHandle( thread );
    CloseHandle( s.started );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
    if (conn_finished( cl.conn ))
    {
        const struct frame *f = find_frame( cl.conn, 0x2, 0 );
        ok( f && f->length == s.size && f->fin, "the server got %I64u bytes\n", f ? f->length : 0 );
        if (f) ok( !memcmp( f->data + 1000, (BYTE[]){ pattern_byte( 1000 ), pattern_byte( 1001 ) }, 2 ), "wrong data\n" );
    }
done:
    close_client( &cl );
}

/* [doc] asynchronous: receives chained from their callbacks, on a worker,
 * while the application's thread sends */
static void test_async_concurrent( struct ws_server *server )
{
    const struct event *e;
    unsigned int from, i;
    struct client cl;
    BYTE msg[1000];
    DWORD err = 0, start, j;

    if (!open_client( &cl, server, L"/echo", TRUE )) goto done;
    cl.rec.chain_size = 200 * sizeof(msg);
    cl.rec.chain_buf = malloc( cl.rec.chain_size );
    cl.rec.chain_socket = cl.socket;
    ok( !WinHttpWebSocketReceive( cl.socket, cl.rec.chain_buf, cl.rec.chain_size, NULL, NULL ), "receive failed\n" );
    from = event_count( &cl.rec );
    for (i = 0; i < 200; i++)
    {
        for (j = 0; j < sizeof(msg); j++) msg[j] = pattern_byte( i * sizeof(msg) + j );
        if ((err = WinHttpWebSocketSend( cl.socket, BINARY_MESSAGE, msg, sizeof(msg) ))) break;
        /* one send at a time: the next after this one's completion */
        if (!(e = wait_event( &cl.rec, cl.socket, STATUS(WRITE_COMPLETE), &from, WAIT_MS ))) break;
    }
    ok( i == 200, "send %u failed: %lu\n", i, err );
    start = GetTickCount();
    while (cl.rec.chain_got < cl.rec.chain_size && !cl.rec.chain_failed && GetTickCount() - start < WAIT_MS) Sleep( 10 );
    ok( cl.rec.chain_got == cl.rec.chain_size, "received %lu of %lu bytes\n", cl.rec.chain_got, cl.rec.chain_size );
    ok( cl.rec.chain_messages == 200, "%ld messages\n", cl.rec.chain_messages );
    ok( !cl.rec.chain_failed, "%ld receives failed to start\n", cl.rec.chain_failed );
    for (j = 0; j < cl.rec.chain_got; j++) if (cl.rec.chain_buf[j] != pattern_byte( j )) break;
    ok( j == cl.rec.chain_got, "wrong byte at %lu\n", j );
    ok( !count_events( &cl.rec, cl.socket, STATUS(REQUEST_ERROR), 0 ), "REQUEST_ERROR\n" );
    cl.rec.chain_socket = NULL;
    from = event_count( &cl.rec );
    ok( !WinHttpWebSocketClose( cl.socket, 1000, NULL, 0 ), "Close failed\n" );
    ok( wait_event( &cl.rec, cl.socket, STATUS(CLOSE_COMPLETE), &from, WAIT_MS ) != NULL, "no CLOSE_COMPLETE\n" );
done:
    close_client( &cl );
    free( cl.rec.chain_buf );
}

START_TEST(websocket)
{
    struct ws_server server;
    WSADATA wsa;

    WSAStartup( MAKEWORD(2, 2), &wsa );
    hold_pong = CreateEventW( NULL, TRUE, FALSE, NULL );
    hold_release = CreateEventW( NULL, TRUE, FALSE, NULL );
    drain_start = CreateEventW( NULL, TRUE, FALSE, NULL );
    hostiles[5].bytes[0] = 0x89;
    memset( hostiles[5].bytes + 4, 'p', 126 );

    if (!server_start( &server ))
    {
        skip( "no listening socket on 127.0.0.1\n" );
        return;
    }
    test_upgrade( &server );
    test_small_send_buffer( &server );
    test_upgrade_races( &server );
    test_sync_messages( &server );
    test_ping( &server );
    test_early_frames( &server );
    test_server_close( &server );
    test_shutdown( &server );
    test_abort( &server );
    test_close_timeout( &server, FALSE );
    test_close_timeout( &server, TRUE );
    test_hostile( &server, FALSE );
    test_hostile( &server, TRUE );
    test_async_messages( &server );
    test_async_close_pending( &server );
    test_async_close_handle( &server );
    test_async_cancel_all( &server );
    test_sync_concurrent( &server );
    test_sync_receive_rules( &server );
    test_sync_send_rules( &server );
    test_async_concurrent( &server );
    server_stop( &server );

    CloseHandle( hold_pong );
    CloseHandle( hold_release );
    CloseHandle( drain_start );
    WSACleanup();
}
