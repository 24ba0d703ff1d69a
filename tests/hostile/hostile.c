/*
 * Hostile-server tests: an in-process HTTP server sends malformed, truncated,
 * oversized, slow and abruptly closed responses; each case names the WinHTTP
 * error and the step where it must appear, or the exact body on success.
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
 * Usage: hostile.exe [--list] [--once] [--times] [CASE...]
 *
 *   --list   print every case with its expected outcome and where that
 *            expectation comes from, and exit
 *   --once   run the table once (no second pass, no memory comparison)
 *   --times  print how long each case took
 *   CASE     run only the cases whose name contains one of these strings
 *
 * HOSTILE_NO_FILTER=1 in the environment leaves a crash to Wine's debugger,
 * which prints a backtrace, instead of the one-line report.
 *
 * Each case starts a server thread on 127.0.0.1 (an ephemeral port) that reads
 * the request and answers with what the case says: bytes sent at once, a byte
 * at a time, slowly, endlessly, then a graceful close, a reset or a stall. A
 * client thread then walks the synchronous API: WinHttpOpen, WinHttpSetTimeouts
 * and WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT (2 s, or 300 ms for the cases that
 * expect a timeout), WinHttpConnect, WinHttpOpenRequest, options and headers
 * ("setup"), WinHttpSendRequest ("send"),
 * WinHttpReceiveResponse ("receive"), WinHttpQueryHeaders ("query"), then
 * WinHttpQueryDataAvailable and WinHttpReadData until 0 ("body"). The first
 * failing call ends the walk; the case passes when that is the expected error
 * at the expected step (and the body bytes that arrived before it are the
 * expected ones), or when everything succeeds with the expected status and
 * exactly the expected body.
 *
 * Expectations: where Windows' behaviour is known (Microsoft's documentation,
 * Wine's winhttp tests, which run on Windows, and .NET's HttpProtocolTests run
 * over WinHttpHandler on Windows) the case follows it; elsewhere the case says
 * "our choice" and takes the most sensible documented error. --list shows which.
 *
 * A case must finish within 2.5 s plus the timeout it expects (slow parsing of
 * a hostile response is a failure too). One that has not finished after 8 s has
 * hung: it is reported, the server is stopped (which should wake the client)
 * and the run goes on; a run with a hang exits non-zero. The whole run stops
 * itself after 55 s. A crash prints the case and step it happened in. The table
 * runs twice; the process's private bytes after the second pass must stay
 * within MEMORY_SLACK (1 MiB) of the first.
 *
 * Prints "ok   <case>" or "FAIL <case>: ..." per case and, last,
 * "hostile: N passed, M failed"; exits 0 only when all passed.
 */

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT  2000            /* ms, every client timeout unless a case says otherwise */
#define SHORT_TIMEOUT    300             /* ms, the cases that expect a timeout */
#ifndef CASE_LIMIT
#define CASE_LIMIT       8000            /* ms a case may take before it counts as hung */
#endif
#define RUN_LIMIT        55000           /* ms the whole run may take */
#define MAX_BODY         (8 * 1024 * 1024)
#define ENDLESS          (1024 * 1024)   /* bytes an "endless" server sends before it closes */
#define MEMORY_SLACK     (1024 * 1024)
#define BUDGET           2500            /* ms a case may take beyond the timeout it expects */
#define WIRE_SIZE        16384           /* bytes of requests the server keeps for the checks */

enum step { STEP_NONE, STEP_SETUP, STEP_SEND, STEP_RECEIVE, STEP_QUERY, STEP_BODY, STEP_AFTER };
static const char *const step_names[] = { "none", "setup", "send", "receive", "query", "body", "second request" };

/* how the server ends a connection after its answer */
enum end { END_KEEP, END_CLOSE, END_RESET, END_STALL, END_GONE };

#define SRV_CLOSE    0x01   /* graceful close (FIN) after the answer */
#define SRV_RESET    0x02   /* abortive close (RST) after the answer */
#define SRV_STALL    0x04   /* keep the connection open, send nothing more */
#define SRV_NO_READ  0x08   /* answer without reading the request */
#define SRV_DRIBBLE  0x10   /* one byte per send, 1 ms apart */
#define SRV_SLOW     0x20   /* one byte per send, 'delay' ms apart */

struct server;
struct client;

struct hcase
{
    const char *name;
    /* the server */
    const char *resp;           /* the answer to the first request */
    int resp_len;               /* 0: strlen */
    const char *resp2;          /* the answer to later requests (default: resp) */
    unsigned int flags;         /* SRV_* */
    int delay;                  /* SRV_SLOW: ms between bytes */
    int param;                  /* for the serve functions */
    const char *str;            /* for the serve functions */
    enum end (*serve)( struct server *srv, SOCKET s );   /* instead of resp */
    /* the client */
    const WCHAR *verb;          /* NULL: GET */
    const WCHAR *path;          /* NULL: "/" */
    const WCHAR *send_headers;  /* passed to WinHttpSendRequest */
    int timeout;                /* receive timeout, ms (0: DEFAULT_TIMEOUT) */
    int head_timeout;           /* WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT (0: as timeout) */
    DWORD max_header_size;      /* WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE, 0: default */
    DWORD max_redirects;        /* WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 0: default */
    BOOL (*setup)( struct client *cl );
    BOOL (*after_receive)( struct client *cl );
    BOOL (*after_body)( struct client *cl );
    BOOL (*check)( struct server *srv, char *why, size_t len );  /* what reached the server */
    /* the expected outcome */
    enum step step;             /* STEP_NONE: success */
    DWORD error;
    DWORD alt_error;            /* also accepted, where Wine's sockets blur what the DLL can see */
    DWORD status;               /* on success, 0: any */
    int budget;                 /* ms the case may take (0: BUDGET, plus the timeout it expects) */
    const WCHAR *status_text;   /* on success, NULL: any */
    const char *body;           /* all of it on success, what arrives before the error otherwise; NULL: any */
    int body_len;               /* 0: strlen */
    BOOL choice;                /* Windows' answer is unknown: this is our choice */
    const char *source;         /* where the expectation comes from */
};

struct server
{
    const struct hcase *c;
    SOCKET listener;
    HANDLE stop;                /* manual reset: the case is over */
    HANDLE thread;
    int port;
    LONG requests;              /* complete request heads read */
    char wire[WIRE_SIZE];       /* the request heads as received, one after the other */
    int wire_len;
    int second_start;           /* offset of the second request head in wire, -1: none */
};

struct client
{
    const struct hcase *c;
    int port;
    volatile enum step step;    /* where the client is, for hang and crash reports */
    const char *volatile call;  /* the API call in progress */
    enum step fail_step;
    DWORD error;
    const char *fail_call;
    DWORD status;
    char *body;
    size_t body_len;
    char why[1024];             /* a callback's own account of a mismatch */
    HINTERNET ses, con, req;
};

static char big_body[1024 * 1024];
static const struct hcase *volatile current_case;
static struct client *volatile current_client;
static LONG passed_count, failed_count;
static volatile DWORD client_tid, server_tid;
static BOOL show_times;

/* ---- formatting ---- */

static const char *error_name( DWORD error )
{
    static const struct { DWORD code; const char *name; } names[] =
    {
        { ERROR_SUCCESS, "ERROR_SUCCESS" },
        { ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY" },
        { ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY" },
        { ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER" },
        { ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED" },
        { ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER" },
        { ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE" },
        { ERROR_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT" },
        { ERROR_WINHTTP_INTERNAL_ERROR, "ERROR_WINHTTP_INTERNAL_ERROR" },
        { ERROR_WINHTTP_INVALID_URL, "ERROR_WINHTTP_INVALID_URL" },
        { ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME" },
        { ERROR_WINHTTP_NAME_NOT_RESOLVED, "ERROR_WINHTTP_NAME_NOT_RESOLVED" },
        { ERROR_WINHTTP_OPERATION_CANCELLED, "ERROR_WINHTTP_OPERATION_CANCELLED" },
        { ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "ERROR_WINHTTP_INCORRECT_HANDLE_TYPE" },
        { ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "ERROR_WINHTTP_INCORRECT_HANDLE_STATE" },
        { ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT" },
        { ERROR_WINHTTP_CONNECTION_ERROR, "ERROR_WINHTTP_CONNECTION_ERROR" },
        { ERROR_WINHTTP_RESEND_REQUEST, "ERROR_WINHTTP_RESEND_REQUEST" },
        { ERROR_WINHTTP_HEADER_NOT_FOUND, "ERROR_WINHTTP_HEADER_NOT_FOUND" },
        { ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE" },
        { ERROR_WINHTTP_REDIRECT_FAILED, "ERROR_WINHTTP_REDIRECT_FAILED" },
        { ERROR_WINHTTP_HEADER_COUNT_EXCEEDED, "ERROR_WINHTTP_HEADER_COUNT_EXCEEDED" },
        { ERROR_WINHTTP_HEADER_SIZE_OVERFLOW, "ERROR_WINHTTP_HEADER_SIZE_OVERFLOW" },
        { ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW, "ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW" },
        { ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW, "ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW" },
    };
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(names); i++) if (names[i].code == error) return names[i].name;
    return "error";
}

/* C-style escapes, at most 48 bytes of the input */
static const char *escape( const char *data, size_t len, char *out, size_t size )
{
    size_t i, pos = 0;

    out[pos++] = '"';
    for (i = 0; i < len && i < 48 && pos + 8 < size; i++)
    {
        unsigned char c = data[i];
        if (c == '\r') pos += sprintf( out + pos, "\\r" );
        else if (c == '\n') pos += sprintf( out + pos, "\\n" );
        else if (c == '\t') pos += sprintf( out + pos, "\\t" );
        else if (c == '"' || c == '\\') pos += sprintf( out + pos, "\\%c", c );
        else if (c < 32 || c > 126) pos += sprintf( out + pos, "\\x%02x", c );
        else out[pos++] = c;
    }
    out[pos++] = '"';
    if (i < len) pos += sprintf( out + pos, "..." );
    out[pos] = 0;
    return out;
}

static void narrow( const WCHAR *src, char *dst, size_t size )
{
    size_t i;
    for (i = 0; src && src[i] && i + 1 < size; i++) dst[i] = src[i] < 128 ? src[i] : '?';
    dst[i] = 0;
}

static size_t body_length( const struct hcase *c )
{
    return c->body_len ? (size_t)c->body_len : strlen( c->body );
}

static void describe_expected( const struct hcase *c, char *out, size_t size )
{
    char tmp[256];
    int pos;

    if (c->step == STEP_NONE)
    {
        pos = snprintf( out, size, "success" );
        if (c->status) pos += snprintf( out + pos, size - pos, " (status %lu)", c->status );
        if (c->body) snprintf( out + pos, size - pos, " with %u body bytes %s", (unsigned int)body_length( c ),
                               escape( c->body, body_length( c ), tmp, sizeof(tmp) ) );
    }
    else
    {
        pos = snprintf( out, size, "%s (%lu) at step %s", error_name( c->error ), c->error, step_names[c->step] );
        if (c->body && body_length( c ))
            snprintf( out + pos, size - pos, " after body %s", escape( c->body, body_length( c ), tmp, sizeof(tmp) ) );
    }
}

static void describe_got( const struct client *cl, char *out, size_t size )
{
    char tmp[256];
    int pos;

    if (cl->fail_step == STEP_NONE)
        pos = snprintf( out, size, "success (status %lu)", cl->status );
    else
        pos = snprintf( out, size, "%s (%lu) at step %s (%s)", error_name( cl->error ), cl->error,
                        step_names[cl->fail_step], cl->fail_call );
    if (cl->fail_step == STEP_NONE || cl->fail_step == STEP_BODY)
        snprintf( out + pos, size - pos, " with %u body bytes %s", (unsigned int)cl->body_len,
                  escape( cl->body ? cl->body : "", cl->body_len, tmp, sizeof(tmp) ) );
}

/* ---- the server ---- */

static BOOL srv_stopped( struct server *srv )
{
    return WaitForSingleObject( srv->stop, 0 ) == WAIT_OBJECT_0;
}

static BOOL srv_sleep( struct server *srv, DWORD ms )
{
    return WaitForSingleObject( srv->stop, ms ) == WAIT_TIMEOUT;
}

/* 1: s is ready, 2: a new connection waits on the listener, 0: the case is over */
static int srv_wait( struct server *srv, SOCKET s, BOOL write, BOOL listener_too )
{
    for (;;)
    {
        fd_set rset, wset;
        struct timeval tv = { 0, 5000 };
        int n;

        if (srv_stopped( srv )) return 0;
        FD_ZERO( &rset );
        FD_ZERO( &wset );
        if (write) FD_SET( s, &wset );
        else FD_SET( s, &rset );
        if (listener_too) FD_SET( srv->listener, &rset );
        if ((n = select( 0, &rset, &wset, NULL, &tv )) < 0) return 0;
        if (!n) continue;
        if (write ? FD_ISSET( s, &wset ) : FD_ISSET( s, &rset )) return 1;
        if (listener_too && FD_ISSET( srv->listener, &rset )) return 2;
    }
}

static BOOL srv_send( struct server *srv, SOCKET s, const char *data, size_t len )
{
    while (len)
    {
        int n = send( s, data, len > 65536 ? 65536 : (int)len, 0 );

        if (n > 0)
        {
            data += n;
            len -= n;
        }
        else if (n < 0 && WSAGetLastError() == WSAEWOULDBLOCK)
        {
            if (srv_wait( srv, s, TRUE, FALSE ) != 1) return FALSE;
        }
        else return FALSE;
    }
    return TRUE;
}

static BOOL srv_send_str( struct server *srv, SOCKET s, const char *str )
{
    return srv_send( srv, s, str, strlen( str ) );
}

/* one byte per send, 'delay' ms apart */
static BOOL srv_send_slow( struct server *srv, SOCKET s, const char *data, size_t len, DWORD delay )
{
    size_t i;

    for (i = 0; i < len; i++)
    {
        if (i && !srv_sleep( srv, delay )) return FALSE;
        if (!srv_send( srv, s, data + i, 1 )) return FALSE;
    }
    return TRUE;
}

/* 'unit' again and again, 'total' bytes in all */
static BOOL srv_send_repeat( struct server *srv, SOCKET s, const char *unit, size_t total )
{
    size_t unit_len = strlen( unit ), fill = 0, chunk = 65536 - 65536 % unit_len;
    char *buf = malloc( chunk );
    BOOL ret = TRUE;

    if (!buf) return FALSE;
    while (fill < chunk) { memcpy( buf + fill, unit, unit_len ); fill += unit_len; }
    while (ret && total)
    {
        size_t n = total < chunk ? total : chunk;
        ret = srv_send( srv, s, buf, n );
        total -= n;
    }
    free( buf );
    return ret;
}

/* Reads one request head; 1: read, 0: the peer closed or the case is over,
 * 2: a new connection waits (only while no byte of this request has come) */
static int srv_read_request( struct server *srv, SOCKET s, BOOL listener_too )
{
    static const int max_head = 65536;
    char *head = malloc( max_head );
    int len = 0, ret = 0;

    if (!head) return 0;
    while (len < max_head)
    {
        int n = recv( s, head + len, max_head - len, MSG_PEEK ), i, end = -1;

        if (n == 0) break;
        if (n < 0)
        {
            if (WSAGetLastError() != WSAEWOULDBLOCK) break;
            if ((ret = srv_wait( srv, s, FALSE, listener_too && !len )) != 1) break;
            ret = 0;
            continue;
        }
        for (i = len > 3 ? len - 3 : 0; i + 3 < len + n; i++)
            if (!memcmp( head + i, "\r\n\r\n", 4 )) { end = i + 4; break; }
        n = recv( s, head + len, end >= 0 ? end - len : n, 0 );
        if (n <= 0) break;
        len += n;
        if (end >= 0)
        {
            if (srv->requests == 1) srv->second_start = srv->wire_len;
            n = min( len, WIRE_SIZE - srv->wire_len );
            memcpy( srv->wire + srv->wire_len, head, n );
            srv->wire_len += n;
            InterlockedIncrement( &srv->requests );
            ret = 1;
            break;
        }
    }
    free( head );
    return ret;
}

static enum end end_mode( unsigned int flags )
{
    if (flags & SRV_CLOSE) return END_CLOSE;
    if (flags & SRV_RESET) return END_RESET;
    if (flags & SRV_STALL) return END_STALL;
    return END_KEEP;
}

static enum end serve_default( struct server *srv, SOCKET s )
{
    const struct hcase *c = srv->c;
    const char *resp = (srv->requests > 1 && c->resp2) ? c->resp2 : c->resp;
    size_t len = (resp == c->resp && c->resp_len) ? (size_t)c->resp_len : strlen( resp );
    BOOL ret;

    if (c->flags & SRV_DRIBBLE) ret = srv_send_slow( srv, s, resp, len, 1 );
    else if (c->flags & SRV_SLOW) ret = srv_send_slow( srv, s, resp, len, c->delay );
    else ret = srv_send( srv, s, resp, len );
    if (!ret) return END_GONE;
    return end_mode( c->flags );
}

static void serve_connection( struct server *srv, SOCKET s )
{
    const struct hcase *c = srv->c;
    enum end end = END_KEEP;
    BOOL first = TRUE;
    struct linger linger = { 1, 0 };
    char junk[4096];
    int r;

    while (end == END_KEEP)
    {
        if (!first || !(c->flags & SRV_NO_READ))
        {
            /* a new connection while this one is idle: the client moved on */
            if ((r = srv_read_request( srv, s, !first )) != 1)
            {
                end = END_GONE;
                break;
            }
        }
        first = FALSE;
        end = c->serve ? c->serve( srv, s ) : serve_default( srv, s );
    }

    switch (end)
    {
    case END_RESET:
        setsockopt( s, SOL_SOCKET, SO_LINGER, (const char *)&linger, sizeof(linger) );
        break;
    case END_CLOSE:
        shutdown( s, SD_SEND );
        /* fall through: wait for the client to close its end */
    case END_STALL:
        while (srv_wait( srv, s, FALSE, FALSE ) == 1)
        {
            int n = recv( s, junk, sizeof(junk), 0 );
            if (n == 0 || (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK)) break;
        }
        break;
    default:
        break;
    }
    closesocket( s );
}

static DWORD WINAPI server_thread( void *arg )
{
    struct server *srv = arg;
    u_long nonblocking = 1;
    int one = 1;

    while (srv_wait( srv, srv->listener, FALSE, FALSE ) == 1)
    {
        SOCKET s = accept( srv->listener, NULL, NULL );

        if (s == INVALID_SOCKET) continue;
        ioctlsocket( s, FIONBIO, &nonblocking );
        setsockopt( s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof(one) );
        serve_connection( srv, s );
    }
    return 0;
}

static struct server *start_server( const struct hcase *c )
{
    struct server *srv = calloc( 1, sizeof(*srv) );
    struct sockaddr_in addr = { 0 };
    int len = sizeof(addr);
    u_long nonblocking = 1;

    if (!srv) return NULL;
    srv->c = c;
    srv->second_start = -1;
    srv->listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (srv->listener == INVALID_SOCKET || bind( srv->listener, (struct sockaddr *)&addr, sizeof(addr) ) ||
        listen( srv->listener, SOMAXCONN ) || getsockname( srv->listener, (struct sockaddr *)&addr, &len ))
    {
        printf( "hostile: cannot listen on 127.0.0.1: error %d\n", WSAGetLastError() );
        if (srv->listener != INVALID_SOCKET) closesocket( srv->listener );
        free( srv );
        return NULL;
    }
    ioctlsocket( srv->listener, FIONBIO, &nonblocking );
    srv->port = ntohs( addr.sin_port );
    srv->stop = CreateEventW( NULL, TRUE, FALSE, NULL );
    srv->thread = CreateThread( NULL, 0, server_thread, srv, 0, (DWORD *)&server_tid );
    return srv;
}

/* Stops the server; FALSE if its thread did not end (then srv must stay allocated). */
static BOOL stop_server( struct server *srv )
{
    SetEvent( srv->stop );
    if (WaitForSingleObject( srv->thread, 3000 ) != WAIT_OBJECT_0) return FALSE;
    CloseHandle( srv->thread );
    CloseHandle( srv->stop );
    closesocket( srv->listener );
    return TRUE;
}

/* ---- special servers ---- */

/* a prefix (str), then 'unit' (resp) for ENDLESS bytes (sixteen times the
 * default limit of a head), then a close: a client without limits fails fast */
static enum end serve_endless( struct server *srv, SOCKET s )
{
    if (!srv_send_str( srv, s, srv->c->str )) return END_GONE;
    if (!srv_send_repeat( srv, s, srv->c->resp, ENDLESS )) return END_GONE;
    return END_CLOSE;
}

/* a head of about 'param' bytes, arriving at once, and the body "ok" */
static enum end serve_sized_head( struct server *srv, SOCKET s )
{
    static const char start[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
    size_t target = srv->c->param, len = sizeof(start) - 1;
    char *buf = malloc( target + 256 );
    int line = 0;
    enum end ret;

    if (!buf) return END_GONE;
    memcpy( buf, start, len );
    while (len + 2 < target)
    {
        size_t fill = target - len - 2 < 100 ? target - len - 2 : 100;
        int n = sprintf( buf + len, "X-Fill-%05d: ", line++ );
        memset( buf + len + n, 'a', fill > (size_t)n + 3 ? fill - n - 2 : 1 );
        len += n + (fill > (size_t)n + 3 ? fill - n - 2 : 1);
        memcpy( buf + len, "\r\n", 2 );
        len += 2;
    }
    memcpy( buf + len, "\r\nok", 4 );
    ret = srv_send( srv, s, buf, len + 4 ) ? END_KEEP : END_GONE;
    free( buf );
    return ret;
}

/* a header with a value of 40000 'a', well within the head's limit */
static enum end serve_long_header( struct server *srv, SOCKET s )
{
    static char value[40000];

    memset( value, 'a', sizeof(value) );
    if (!srv_send_str( srv, s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Long: " )) return END_GONE;
    if (!srv_send( srv, s, value, sizeof(value) )) return END_GONE;
    if (!srv_send_str( srv, s, "\r\n\r\nhello" )) return END_GONE;
    return END_KEEP;
}

/* 'param' short headers with distinct names, 9 bytes each */
static enum end serve_many_headers( struct server *srv, SOCKET s )
{
    size_t len = 0, size = 64 + srv->c->param * 9 + 8;
    char *buf = malloc( size );
    int i;
    enum end ret;

    if (!buf) return END_GONE;
    len += sprintf( buf, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" );
    for (i = 0; i < srv->c->param; i++) len += sprintf( buf + len, "h%04x:1\r\n", i & 0xffff );
    memcpy( buf + len, "\r\nok", 4 );
    ret = srv_send( srv, s, buf, len + 4 ) ? END_KEEP : END_GONE;
    free( buf );
    return ret;
}

/* 'param' interim 100 responses, then resp */
static enum end serve_continue_storm( struct server *srv, SOCKET s )
{
    int i;

    for (i = 0; i < srv->c->param; i++)
        if (!srv_send_str( srv, s, "HTTP/1.1 100 Continue\r\n\r\n" )) return END_GONE;
    if (!srv_send_str( srv, s, srv->c->resp )) return END_GONE;
    return END_KEEP;
}

/* the head (resp) a byte per 'delay' ms, then the rest (str) at once, then close */
static enum end serve_slow_head( struct server *srv, SOCKET s )
{
    if (!srv_send_slow( srv, s, srv->c->resp, strlen( srv->c->resp ), srv->c->delay )) return END_GONE;
    if (srv->c->str && !srv_send_str( srv, s, srv->c->str )) return END_GONE;
    return END_CLOSE;
}

/* resp, 'delay' ms of silence, then str */
static enum end serve_two_pieces( struct server *srv, SOCKET s )
{
    if (!srv_send_str( srv, s, srv->c->resp )) return END_GONE;
    if (!srv_sleep( srv, srv->c->delay )) return END_GONE;
    if (!srv_send_str( srv, s, srv->c->str )) return END_GONE;
    return END_KEEP;
}

/* 1 MiB of Content-Length body in pieces of varying size */
static enum end serve_big_body( struct server *srv, SOCKET s )
{
    size_t pos = 0, piece = 1;
    char head[128];

    sprintf( head, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", (unsigned int)sizeof(big_body) );
    if (!srv_send_str( srv, s, head )) return END_GONE;
    while (pos < sizeof(big_body))
    {
        size_t n = min( piece, sizeof(big_body) - pos );
        if (!srv_send( srv, s, big_body + pos, n )) return END_GONE;
        pos += n;
        piece = piece * 7 % 65521 + 1;
    }
    return END_KEEP;
}

/* ---- client-side checks ---- */

static BOOL set_why( struct client *cl, const char *format, ... )
{
    va_list args;

    va_start( args, format );
    vsnprintf( cl->why, sizeof(cl->why), format, args );
    va_end( args );
    return FALSE;
}

/* A header added by the application: 'expect' is the error, 0 for success. */
static BOOL add_headers( struct client *cl, const WCHAR *headers, DWORD expect )
{
    BOOL ret;
    DWORD error;
    char text[256];

    SetLastError( 0xdeadbeef );
    ret = WinHttpAddRequestHeaders( cl->req, headers, -1L, WINHTTP_ADDREQ_FLAG_ADD );
    error = ret ? 0 : GetLastError();
    if (error == expect) return TRUE;
    narrow( headers, text, sizeof(text) );
    {
        char esc[300];
        return set_why( cl, "WinHttpAddRequestHeaders(%s): expected %s (%lu), got %s (%lu)",
                        escape( text, strlen( text ), esc, sizeof(esc) ), expect ? error_name( expect ) : "success",
                        expect, ret ? "success" : error_name( error ), error );
    }
}

/* Windows treats every run of CR and LF as a line break between headers (Wine's
 * test_bad_header, run on Windows): a bare CR is no injection, just two headers. */
static BOOL setup_bare_cr( struct client *cl )
{
    return add_headers( cl, L"X-A: a\rX-B: b", 0 );
}

static BOOL setup_wine_bad_headers( struct client *cl )
{
    return add_headers( cl, L"Content-Type: text/html\n\rTest1: Value1\nTest2: Value2\n\n\nTest3: Value3\r\r\r"
                            L"Test4: Value4\r\n\r\nCookie: 111", 0 );
}

/* "The name and value of request headers added with this function are validated
 * [...] If an invalid header is used, this function fails and GetLastError returns
 * ERROR_INVALID_PARAMETER. The invalid header is not added." (WinHttpAddRequestHeaders) */
static BOOL setup_blank_line_request( struct client *cl )
{
    return add_headers( cl, L"X-Inject: a\r\n\r\nGET /evil HTTP/1.1\r\nHost: evil", ERROR_INVALID_PARAMETER );
}

static BOOL setup_space_in_name( struct client *cl )
{
    return add_headers( cl, L"X Evil: 1", ERROR_INVALID_PARAMETER );
}

static BOOL setup_no_colon( struct client *cl )
{
    return add_headers( cl, L"NoColonEvil", ERROR_INVALID_PARAMETER );
}

static BOOL setup_ex_value_crlf( struct client *cl )
{
    WINHTTP_EXTENDED_HEADER header = { { L"X-A" }, { L"a\r\nX-Evil: 1" } };
    DWORD error = WinHttpAddRequestHeadersEx( cl->req, WINHTTP_ADDREQ_FLAG_ADD, WINHTTP_EXTENDED_HEADER_FLAG_UNICODE,
                                              0, 1, &header );

    if (error == ERROR_INVALID_PARAMETER) return TRUE;
    return set_why( cl, "WinHttpAddRequestHeadersEx(\"X-A\", \"a\\r\\nX-Evil: 1\"): expected "
                    "ERROR_INVALID_PARAMETER (87), got %s (%lu)", error ? error_name( error ) : "success", error );
}

/* A value far longer than the buffer: ERROR_INSUFFICIENT_BUFFER and the size it needs. */
static BOOL check_long_header( struct client *cl )
{
    WCHAR small[8], *big;
    DWORD size = sizeof(small), i;
    BOOL ret;

    SetLastError( 0xdeadbeef );
    ret = WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_CUSTOM, L"X-Long", small, &size, WINHTTP_NO_HEADER_INDEX );
    if (ret || GetLastError() != ERROR_INSUFFICIENT_BUFFER || size != 40001 * sizeof(WCHAR))
        return set_why( cl, "WinHttpQueryHeaders(X-Long, 16-byte buffer): expected ERROR_INSUFFICIENT_BUFFER (122) "
                        "and size 80002, got %s (%lu) and size %lu", ret ? "success" : error_name( GetLastError() ),
                        ret ? 0 : GetLastError(), size );
    if (!(big = malloc( size ))) return set_why( cl, "out of memory" );
    ret = WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_CUSTOM, L"X-Long", big, &size, WINHTTP_NO_HEADER_INDEX );
    for (i = 0; ret && i < 40000; i++) if (big[i] != 'a') break;
    free( big );
    if (!ret || size != 40000 * sizeof(WCHAR) || i != 40000)
        return set_why( cl, "WinHttpQueryHeaders(X-Long): expected 40000 'a' (size 80000), got %s, size %lu",
                        ret ? "other characters" : error_name( GetLastError() ), size );
    return TRUE;
}

static BOOL query_custom( struct client *cl, const WCHAR *name, const WCHAR *expect )
{
    WCHAR buf[256];
    DWORD size = sizeof(buf);
    char n[64], e[256], g[256];

    if (WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_CUSTOM, name, buf, &size, WINHTTP_NO_HEADER_INDEX ) &&
        !wcscmp( buf, expect ))
        return TRUE;
    narrow( name, n, sizeof(n) );
    narrow( expect, e, sizeof(e) );
    narrow( buf, g, sizeof(g) );
    return set_why( cl, "WinHttpQueryHeaders(%s): expected \"%s\", got %s \"%s\"", n, e,
                    error_name( GetLastError() ), g );
}

static BOOL check_lf_headers( struct client *cl )
{
    return query_custom( cl, L"X-A", L"one" ) && query_custom( cl, L"X-B", L"two" );
}

/* A second GET on the same connection handle must get its own answer ("world"),
 * whatever the first response left behind on the connection. */
static BOOL second_request( struct client *cl )
{
    HINTERNET req;
    DWORD status = 0, size = sizeof(status), got, total = 0, t = DEFAULT_TIMEOUT;
    char buf[256], esc[128];
    const char *call;

    if (!(req = WinHttpOpenRequest( cl->con, L"GET", L"/second", NULL, NULL, NULL, 0 )))
        return set_why( cl, "WinHttpOpenRequest failed: %lu", GetLastError() );
    WinHttpSetTimeouts( req, 0, t, t, t );
    WinHttpSetOption( req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &t, sizeof(t) );
    if (!WinHttpSendRequest( req, NULL, 0, NULL, 0, 0, 0 )) { call = "WinHttpSendRequest"; goto failed; }
    if (!WinHttpReceiveResponse( req, NULL )) { call = "WinHttpReceiveResponse"; goto failed; }
    WinHttpQueryHeaders( req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &status, &size, NULL );
    for (;;)
    {
        if (!WinHttpReadData( req, buf + total, sizeof(buf) - total, &got )) { call = "WinHttpReadData"; goto failed; }
        if (!got || (total += got) == sizeof(buf)) break;
    }
    WinHttpCloseHandle( req );
    if (status == 200 && total == 5 && !memcmp( buf, "world", 5 )) return TRUE;
    return set_why( cl, "expected success (status 200) with body \"world\", got status %lu with body %s",
                    status, escape( buf, total, esc, sizeof(esc) ) );
failed:
    set_why( cl, "expected success (status 200) with body \"world\", got %s (%lu) in %s",
             error_name( GetLastError() ), GetLastError(), call );
    WinHttpCloseHandle( req );
    return FALSE;
}

/* ---- checks of what reached the server ---- */

static BOOL wire_has( struct server *srv, const char *str )
{
    size_t len = strlen( str );
    int i;

    for (i = 0; i + (int)len <= srv->wire_len; i++) if (!memcmp( srv->wire + i, str, len )) return TRUE;
    return FALSE;
}

static BOOL check_no_evil( struct server *srv, char *why, size_t len )
{
    char esc[128];

    if (!wire_has( srv, "evil" ) && !wire_has( srv, "Evil" )) return TRUE;
    snprintf( why, len, "the injected text reached the server: %s", escape( srv->wire, srv->wire_len, esc, sizeof(esc) ) );
    return FALSE;
}

static BOOL check_wire_lines( struct server *srv, const char *const *lines, char *why, size_t len )
{
    char esc[128];

    for (; *lines; lines++)
    {
        if (wire_has( srv, *lines )) continue;
        snprintf( why, len, "the request lacks the line %s", escape( *lines, strlen( *lines ), esc, sizeof(esc) ) );
        return FALSE;
    }
    return TRUE;
}

static BOOL check_bare_cr( struct server *srv, char *why, size_t len )
{
    static const char *const lines[] = { "\r\nX-A: a\r\n", "\r\nX-B: b\r\n", NULL };
    return check_wire_lines( srv, lines, why, len );
}

static BOOL check_wine_bad_headers( struct server *srv, char *why, size_t len )
{
    static const char *const lines[] =
    {
        "\r\nContent-Type: text/html\r\n", "\r\nTest1: Value1\r\n", "\r\nTest2: Value2\r\n",
        "\r\nTest3: Value3\r\n", "\r\nTest4: Value4\r\n", "\r\nCookie: 111\r\n", NULL
    };
    return check_wire_lines( srv, lines, why, len );
}

static BOOL check_path_escaped( struct server *srv, char *why, size_t len )
{
    char esc[128];

    if (!wire_has( srv, "\r\nX-Evil" ) && wire_has( srv, "GET /a%0D%0AX-Evil:%201 HTTP/1.1\r\n" )) return TRUE;
    snprintf( why, len, "expected the request line \"GET /a%%0D%%0AX-Evil:%%201 HTTP/1.1\", got %s",
              escape( srv->wire, srv->wire_len, esc, sizeof(esc) ) );
    return FALSE;
}

static BOOL check_redirect_escaped( struct server *srv, char *why, size_t len )
{
    char esc[128];
    const char *second = srv->second_start >= 0 ? srv->wire + srv->second_start : "";

    if (!strncmp( second, "GET /next%20path HTTP/1.1\r\n", 27 )) return TRUE;
    snprintf( why, len, "expected the redirected request line \"GET /next%%20path HTTP/1.1\", got %s",
              escape( second, srv->second_start >= 0 ? srv->wire_len - srv->second_start : 0, esc, sizeof(esc) ) );
    return FALSE;
}

/* ---- the table ---- */

#define RESP(s) .resp = s, .resp_len = sizeof(s) - 1
#define OK5 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
#define WIN_COREFX "Windows: .NET HttpProtocolTests over WinHttpHandler"
#define WIN_WINE "Windows: Wine's winhttp tests"
#define RECEIVE_FAILS(e) .step = STEP_RECEIVE, .error = e
#define BODY_FAILS(e) .step = STEP_BODY, .error = e
#define INVALID ERROR_WINHTTP_INVALID_SERVER_RESPONSE
#define CHUNK_OVERFLOW ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW
#define QUICK .timeout = SHORT_TIMEOUT

static const struct hcase cases[] =
{
    /* status lines */
    { "status_baseline", RESP(OK5), .status = 200, .status_text = L"OK", .body = "hello" },
    { "status_no_version", RESP("200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"NOTHTTP/1.1\", \"HTTP 1.1 200 OK\")" },
    { "status_version_x", RESP("HTTP/x 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"HTTP/1.A 200 OK\")" },
    { "status_version_letters", RESP("HTTP/A.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX },
    { "status_version_1_12", RESP("HTTP/1.12 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX },
    { "status_version_2_0", RESP("HTTP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (GetAsyncVersion11_BadResponseVersion: 2.0, 3.0, 4.2 throw)" },
    { "status_version_0_9", RESP("HTTP/0.9 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (GetAsync_ResponseVersion0X: throws)" },
    { "status_version_1_2", RESP("HTTP/1.2 200 OK\r\nContent-Length: 5\r\n\r\nhello"), .status = 200, .body = "hello",
      .source = WIN_COREFX " (GetAsync_ResponseUnknownVersion1X: succeeds)" },
    { "status_2_digits", RESP("HTTP/1.1 20 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"HTTP/1.1 23\")" },
    { "status_4_digits", RESP("HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"HTTP/1.1 2345\")" },
    { "status_letters", RESP("HTTP/1.1 abc OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX },
    { "status_mixed_digits", RESP("HTTP/1.1 2b0 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"2bc\", \"20c\")" },
    { "status_no_space_before_reason", RESP("HTTP/1.1 200OK\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .source = WIN_COREFX },
    { "status_missing_reason", RESP("HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello"), .status = 200,
      .status_text = L"", .body = "hello", .source = WIN_COREFX },
    { "status_zero", RESP("HTTP/1.1 000 Zero\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "status_099", RESP("HTTP/1.1 099 Low\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "status_600", RESP("HTTP/1.1 600 Still valid\r\nContent-Length: 5\r\n\r\nhello"), .status = 600,
      .body = "hello", .source = WIN_COREFX " (GetAsync_ExpectedStatusCodeAndReason)" },
    { "status_999", RESP("HTTP/1.1 999 this\ttoo\t\r\nContent-Length: 5\r\n\r\nhello"), .status = 999,
      .body = "hello", .source = WIN_COREFX " (passes on Windows)" },
    { "status_tab_before_code", RESP("HTTP/1.1\t200 OK\r\nContent-Length: 5\r\n\r\nhello"), .status = 200,
      .body = "hello", .source = WIN_COREFX " (\"HTTP/1.1\\t200 OK\" succeeds)" },
    { "status_tab_before_reason", RESP("HTTP/1.1 200\tOK\r\nContent-Length: 5\r\n\r\nhello"), .status = 200,
      .body = "hello", .source = WIN_COREFX " (\"HTTP/1.1 200\\tOK\" succeeds)" },
    { "status_spaces_before_reason", RESP("HTTP/1.1 200      Something\r\nContent-Length: 5\r\n\r\nhello"),
      .status = 200, .body = "hello", .source = WIN_COREFX },
    { "status_bare_cr_in_reason", RESP("HTTP/1.1 200 O\rK\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .source = WIN_COREFX " (\"HTTP/1.1 200 O\\rK\")" },
    { "status_lf_in_reason", RESP("HTTP/1.1 200 O\nK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"HTTP/1.1 200 O\\nK\": the line \"K\" has no colon)" },
    { "status_only_lf", RESP("HTTP/1.1 200 OK\nContent-Length: 5\n\nhello"), .status = 200, .body = "hello" },
    { "status_mixed_line_endings", RESP("HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 5\r\n\nhello"), .status = 200,
      .body = "hello" },
    { "response_not_http", RESP("ICY 200 OK\r\nContent-Length: 5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .source = WIN_COREFX " (\"ABCD/1.1 200 OK\")" },
    { "response_body_only", RESP("Hello, this is not HTTP"), .flags = SRV_CLOSE, RECEIVE_FAILS(INVALID),
      .source = WIN_WINE " (test_no_headers)" },
    { "response_tls_bytes", RESP("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"), .flags = SRV_CLOSE,
      RECEIVE_FAILS(INVALID) },

    /* header lines */
    { "header_no_colon", RESP("HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .source = WIN_COREFX " (\"HTTP/1.1 200 O\\nK\")" },
    { "header_name_with_space", RESP("HTTP/1.1 200 OK\r\nBad Name: v\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    { "header_space_before_colon", RESP("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    { "header_empty_name", RESP("HTTP/1.1 200 OK\r\n: v\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    { "header_nul_in_value", RESP("HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE, .source = "RFC 9110 5.5 (reject or replace NUL)" },
    { "header_nul_in_name", RESP("HTTP/1.1 200 OK\r\nX-N\0l: v\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    { "header_obs_fold", RESP("HTTP/1.1 200 OK\r\nX-Fold: a\r\n  b\r\nContent-Length: 5\r\n\r\nhello"),
      .status = 200, .body = "hello", .choice = TRUE, .source = "RFC 9112 5.2 (user agents unfold)" },
    { "header_fold_first_line", RESP("HTTP/1.1 200 OK\r\n X-Fold: a\r\nContent-Length: 5\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE, .source = "RFC 9112 2.2 (reject or ignore)" },
    { "header_8bit_value", RESP("HTTP/1.1 200 OK\r\nX-Utf: caf\xc3\xa9 \xff\r\nContent-Length: 5\r\n\r\nhello"),
      .status = 200, .body = "hello" },
    { "header_bare_lf_values", RESP("HTTP/1.1 200 OK\nX-A: one\nX-B: two\nContent-Length: 5\n\nhello"),
      .after_receive = check_lf_headers, .status = 200, .body = "hello" },
    { "header_long_value_query", .serve = serve_long_header, .status = 200, .body = "hello",
      .after_receive = check_long_header, .source = "WinHttpQueryHeaders (ERROR_INSUFFICIENT_BUFFER, size in bytes)" },

    /* Content-Length */
    { "cl_negative", RESP("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "cl_2_64", RESP("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\nhello"),
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    { "cl_max_u64_truncated", RESP("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nhello"),
      .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "cl_2_32_plus_5_truncated", RESP("HTTP/1.1 200 OK\r\nContent-Length: 4294967301\r\n\r\nhello"),
      .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "cl_non_numeric", RESP("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "cl_trailing_junk", RESP("HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "cl_plus_sign", RESP("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"), RECEIVE_FAILS(INVALID),
      .choice = TRUE },
    { "cl_duplicate_conflicting", RESP("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
      RECEIVE_FAILS(INVALID), .choice = TRUE, .source = "RFC 9112 6.3 (unrecoverable error)" },
    { "cl_duplicate_equal", RESP("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
      .status = 200, .body = "hello", .source = "RFC 9110 8.6" },
    { "cl_longer_than_body_close", RESP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"), .flags = SRV_CLOSE,
      BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "cl_longer_than_body_reset", RESP("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"), .flags = SRV_RESET,
      BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR) },
    { "cl_shorter_than_body", RESP("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA"), .status = 200,
      .body = "hello" },
    { "cl_shorter_then_reuse",
      RESP("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforgd"),
      .resp2 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld", .after_body = second_request, .status = 200,
      .body = "hello", .choice = TRUE, .source = "a leftover that looks like a response must not answer the next request" },
    { "cl_leading_zeros", RESP("HTTP/1.1 200 OK\r\nContent-Length: 0005\r\n\r\nhello"), .status = 200,
      .body = "hello" },
    { "cl_surrounding_space", RESP("HTTP/1.1 200 OK\r\nContent-Length:    5   \r\n\r\nhello"), .status = 200,
      .body = "hello" },

    /* chunked */
    { "chunked_baseline", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n"
                               "0\r\n\r\n"), .status = 200, .body = "hello world" },
    { "chunked_and_content_length", RESP("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                                         "5\r\nhello\r\n0\r\n\r\n"), .status = 200, .body = "hello",
      .source = "RFC 9112 6.3 (Transfer-Encoding overrides Content-Length)" },
    { "chunk_size_overflow", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n"
                                  "0\r\n\r\n"), .flags = SRV_STALL, BODY_FAILS(CHUNK_OVERFLOW), .choice = TRUE,
      .source = "WinHttpReceiveResponse: \"overflow condition [...] parsing chunked encoding\"" },
    { "chunk_size_max_u64_truncated", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n"
                                           "hello"), .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR),
      .body = "hello", .choice = TRUE },
    { "chunk_size_2_32_plus_5_truncated", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000005\r\n"
                                               "hello\r\n0\r\n\r\n"), .flags = SRV_CLOSE,
      BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello\r\n0\r\n\r\n", .choice = TRUE },
    { "chunk_size_negative", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"),
      .flags = SRV_STALL, BODY_FAILS(INVALID), .choice = TRUE },
    { "chunk_size_not_hex", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
      .flags = SRV_STALL, BODY_FAILS(INVALID), .choice = TRUE },
    { "chunk_size_empty", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n"),
      .flags = SRV_STALL, BODY_FAILS(INVALID), .choice = TRUE },
    { "chunk_data_missing_crlf", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n"
                                      "0\r\n\r\n"), .flags = SRV_STALL, BODY_FAILS(INVALID), .choice = TRUE },
    { "chunk_last_missing_crlf", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n"),
      .flags = SRV_STALL, BODY_FAILS(INVALID), .choice = TRUE },
    { "chunk_endless_extension", .serve = serve_endless, .str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
      "\r\n5;ext=", .resp = "aaaaaaaaaaaaaaaa", BODY_FAILS(CHUNK_OVERFLOW), .choice = TRUE },
    { "chunk_endless_trailer_line", .serve = serve_endless, .str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
      "\r\n5\r\nhello\r\n0\r\nX-Trailer: ", .resp = "aaaaaaaaaaaaaaaa", BODY_FAILS(CHUNK_OVERFLOW), .choice = TRUE },
    { "chunk_endless_trailers", .serve = serve_endless, .str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
      "\r\n5\r\nhello\r\n0\r\n", .resp = "X-Trailer: v\r\n", BODY_FAILS(CHUNK_OVERFLOW), .choice = TRUE },
    { "chunk_trailer_ok", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
                               "X-Trailer: v\r\n\r\n"), .status = 200, .body = "hello" },
    { "chunk_extension_ok", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=\"v\"\r\nhello\r\n"
                                 "0\r\n\r\n"), .status = 200, .body = "hello" },
    { "chunk_bare_lf", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n"), .status = 200,
      .body = "hello", .choice = TRUE },
    { "chunk_size_leading_zeros", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       "00000000000000000000005\r\nhello\r\n0\r\n\r\n"), .status = 200,
      .body = "hello", .choice = TRUE },

    /* the size of the head */
    { "headers_endless", .serve = serve_endless, .str = "HTTP/1.1 200 OK\r\n",
      .resp = "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW),
      .source = "WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE (64 KiB by default)" },
    { "header_endless_line", .serve = serve_endless, .str = "HTTP/1.1 200 OK\r\nX-Long: ", .resp = "aaaaaaaa",
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), .source = "WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE" },
    { "status_endless_reason", .serve = serve_endless, .str = "HTTP/1.1 200 ", .resp = "OK OK OK ",
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), .source = "WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE" },
    { "headers_under_limit", .serve = serve_sized_head, .param = 60000, .status = 200, .body = "ok" },
    { "headers_over_limit_at_once", .serve = serve_sized_head, .param = 70000,
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), .source = "WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE" },
    { "headers_lowered_limit_over", .serve = serve_sized_head, .param = 2000, .max_header_size = 1024,
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), .source = "WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE" },
    { "headers_lowered_limit_under", .serve = serve_sized_head, .param = 900, .max_header_size = 1024,
      .status = 200, .body = "ok" },
    { "headers_many_1000", .serve = serve_many_headers, .param = 1000, .status = 200, .body = "ok" },
    { "headers_many_6000", .serve = serve_many_headers, .param = 6000,
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_COUNT_EXCEEDED), .choice = TRUE,
      .source = "WinHttpReceiveResponse: \"number of headers [...] exceeds\"; Windows' count limit is unknown" },

    /* timing */
    { "slowloris_within_timeout", .serve = serve_slow_head, .resp = "HTTP/1.0 200\n\n", .str = "slow", .delay = 100,
      .status = 200, .body = "slow" },
    { "slowloris_past_head_timeout", .serve = serve_slow_head, .resp = "HTTP/1.0 200\n\n", .str = "slow",
      .delay = 100, .head_timeout = 600, RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT), .choice = TRUE,
      .source = "WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT: \"to wait to receive all response headers\"" },
    { "slowloris_gap_past_timeout", .serve = serve_slow_head, .resp = "HTTP/1.0 200 OK\r\n\r\n", .delay = 700,
      .timeout = 300, RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT) },
    { "silent_after_request", .resp = "", .flags = SRV_STALL, QUICK, RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT) },
    { "silent_request_unread", .resp = "", .flags = SRV_STALL | SRV_NO_READ, QUICK,
      RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT) },
    { "stall_mid_status_line", .resp = "HTTP/1.1 20", .flags = SRV_STALL, QUICK,
      RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT) },
    { "stall_mid_headers", .resp = "HTTP/1.1 200 OK\r\nContent-Le", .flags = SRV_STALL, QUICK,
      RECEIVE_FAILS(ERROR_WINHTTP_TIMEOUT) },
    { "stall_mid_body", .resp = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", .flags = SRV_STALL, QUICK,
      BODY_FAILS(ERROR_WINHTTP_TIMEOUT), .body = "hello" },
    { "stall_mid_chunk", .resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", .flags = SRV_STALL,
      QUICK, BODY_FAILS(ERROR_WINHTTP_TIMEOUT), .body = "hel" },
    { "stall_close_delimited_body", .resp = "HTTP/1.1 200 OK\r\n\r\nhello", .flags = SRV_STALL, QUICK,
      BODY_FAILS(ERROR_WINHTTP_TIMEOUT), .body = "hello" },
    { "dribble_whole_response", RESP("HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                                     "6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n"), .flags = SRV_DRIBBLE, .status = 200,
      .body = "hello world" },
    { "body_in_timed_pieces", .serve = serve_two_pieces, .resp = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello",
      .str = " world", .delay = 300, .status = 200, .body = "hello world" },
    { "body_1mib_in_odd_pieces", .serve = serve_big_body, .status = 200, .body = big_body,
      .body_len = sizeof(big_body) },

    /* the server closes (FIN) or resets (RST) at every stage */
    { "close_before_status_line", .resp = "", .flags = SRV_CLOSE, RECEIVE_FAILS(INVALID),
      .source = "Windows: error 12152 when the server closes before responding (cpprestsdk issue 1749)" },
    { "close_mid_status_line", .resp = "HTTP/1.1 20", .flags = SRV_CLOSE, RECEIVE_FAILS(INVALID) },
    { "close_after_status_line", .resp = "HTTP/1.1 200 OK\r\n", .flags = SRV_CLOSE, RECEIVE_FAILS(INVALID) },
    { "close_mid_headers", .resp = "HTTP/1.1 200 OK\r\nContent-Len", .flags = SRV_CLOSE, RECEIVE_FAILS(INVALID) },
    { "close_before_blank_line", .resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", .flags = SRV_CLOSE,
      RECEIVE_FAILS(INVALID) },
    { "close_mid_chunk_size", .resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1",
      .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "close_mid_chunk_data", .resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello",
      .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "close_after_last_chunk_size", .resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0",
      .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "close_after_last_chunk_line", .resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
      "0\r\n", .flags = SRV_CLOSE, BODY_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .body = "hello", .choice = TRUE },
    { "close_delimited_body", .resp = "HTTP/1.1 200 OK\r\n\r\nhello", .flags = SRV_CLOSE, .status = 200,
      .body = "hello" },
    { "close_after_interim_response", .resp = "HTTP/1.1 100 Continue\r\n\r\n", .flags = SRV_CLOSE,
      RECEIVE_FAILS(INVALID), .choice = TRUE },
    /* Under Wine a reset sometimes reaches the DLL as an orderly end of the stream
     * (seen in all modes: Wine's socket polling can consume the pending reset), so
     * what an orderly close gives is accepted too; on Windows it is the reset's error. */
    { "reset_before_status_line", .resp = "", .flags = SRV_RESET, RECEIVE_FAILS(ERROR_WINHTTP_CONNECTION_ERROR),
      .alt_error = INVALID, .source = "ERROR_WINHTTP_CONNECTION_ERROR: \"reset or terminated\"" },
    { "reset_mid_headers", .resp = "HTTP/1.1 200 OK\r\nContent-Len", .flags = SRV_RESET,
      RECEIVE_FAILS(ERROR_WINHTTP_CONNECTION_ERROR), .alt_error = INVALID },

    /* redirects */
    { "redirect_loop", .resp = "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n",
      RECEIVE_FAILS(ERROR_WINHTTP_REDIRECT_FAILED), .source = "WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS (10)" },
    { "redirect_loop_max_2", .resp = "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n",
      .max_redirects = 2, RECEIVE_FAILS(ERROR_WINHTTP_REDIRECT_FAILED) },
    { "redirect_unparsable_location", .resp = "HTTP/1.1 302 Found\r\nLocation: http://[::1/x\r\nContent-Length: 0"
      "\r\n\r\n", RECEIVE_FAILS(ERROR_WINHTTP_REDIRECT_FAILED), .choice = TRUE },
    { "redirect_empty_host", .resp = "HTTP/1.1 302 Found\r\nLocation: http:///x\r\nContent-Length: 0\r\n\r\n",
      RECEIVE_FAILS(ERROR_WINHTTP_REDIRECT_FAILED), .choice = TRUE },
    { "redirect_other_scheme", .resp = "HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/x\r\nContent-Length: 0"
      "\r\n\r\n", RECEIVE_FAILS(ERROR_WINHTTP_REDIRECT_FAILED),
      .source = "ERROR_WINHTTP_REDIRECT_FAILED: \"the scheme changed\"" },
    { "redirect_without_location", .resp = "HTTP/1.1 302 Found\r\nContent-Length: 5\r\n\r\nhello", .status = 302,
      .body = "hello" },
    { "redirect_to_closed_port", .resp = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0"
      "\r\n\r\n", RECEIVE_FAILS(ERROR_WINHTTP_CANNOT_CONNECT) },
    { "redirect_location_with_space", .resp = "HTTP/1.1 302 Found\r\nLocation: /next path\r\nContent-Length: 0\r\n"
      "\r\n", .resp2 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", .check = check_redirect_escaped,
      .status = 200, .body = "ok", .choice = TRUE, .source = "the escaping WinHttpOpenRequest applies to paths" },

    /* header injection by the application */
    { "inject_bare_cr_two_headers", RESP(OK5), .setup = setup_bare_cr, .check = check_bare_cr, .status = 200,
      .body = "hello", .source = "the add succeeds and sends two headers; " WIN_WINE
      " (test_bad_header: \"Test5: Value5\\rTest6: Value6\")" },
    { "inject_wine_bad_headers", RESP(OK5), .setup = setup_wine_bad_headers, .check = check_wine_bad_headers,
      .status = 200, .body = "hello", .source = "the add succeeds, six clean headers; " WIN_WINE " (test_bad_header)" },
    { "inject_blank_line_and_request", RESP(OK5), .setup = setup_blank_line_request, .check = check_no_evil,
      .status = 200, .body = "hello", .source = "the add fails with ERROR_INVALID_PARAMETER (WinHttpAddRequestHeaders "
      "remarks), then the request goes out without \"evil\"" },
    { "inject_space_in_name", RESP(OK5), .setup = setup_space_in_name, .check = check_no_evil, .status = 200,
      .body = "hello", .source = "the add fails with ERROR_INVALID_PARAMETER (WinHttpAddRequestHeaders remarks)" },
    { "inject_no_colon", RESP(OK5), .setup = setup_no_colon, .check = check_no_evil, .status = 200,
      .body = "hello", .source = "the add fails with ERROR_INVALID_PARAMETER (WinHttpAddRequestHeaders remarks)" },
    { "inject_ex_value_crlf", RESP(OK5), .setup = setup_ex_value_crlf, .check = check_no_evil, .status = 200,
      .body = "hello", .choice = TRUE, .source = "WinHttpAddRequestHeadersEx fails with ERROR_INVALID_PARAMETER" },
    { "inject_send_request_headers", RESP(OK5), .send_headers = L"X-Inject: 1\r\n\r\nGET /evil HTTP/1.1",
      .check = check_no_evil, .step = STEP_SEND, .error = ERROR_INVALID_PARAMETER, .choice = TRUE,
      .source = "as WinHttpAddRequestHeaders; nothing with \"evil\" reaches the server" },
    { "inject_crlf_in_path", RESP(OK5), .path = L"/a\r\nX-Evil: 1", .check = check_path_escaped, .status = 200,
      .body = "hello", .source = WIN_WINE " (test_request_path_escapes: CR LF become %0D%0A)" },

    /* interim responses and responses without a body */
    { "continue_storm_50", .serve = serve_continue_storm, .param = 50, .resp = OK5, .status = 200, .body = "hello" },
    { "continue_with_headers", RESP("HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                    "\r\nhello"), .status = 200, .body = "hello" },
    { "continue_endless", .serve = serve_endless, .str = "", .resp = "HTTP/1.1 100 Continue\r\n\r\n",
      RECEIVE_FAILS(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW), .choice = TRUE },
    { "head_response_with_body", RESP(OK5), .verb = L"HEAD", .status = 200, .body = "",
      .source = WIN_WINE " (test_head_request)" },
    { "head_response_with_body_then_get", RESP(OK5), .resp2 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld",
      .verb = L"HEAD", .after_body = second_request, .status = 200, .body = "", .choice = TRUE },
    { "head_response_with_chunked_body", RESP("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                                              "0\r\n\r\n"), .verb = L"HEAD", .status = 200, .body = "" },
    { "no_content_with_body", RESP("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"), .status = 204,
      .body = "", .choice = TRUE, .source = "RFC 9110 15.3.5 (204 has no content)" },
};

/* ---- the client ---- */

static void client_fail( struct client *cl, enum step step, const char *call, DWORD error )
{
    cl->fail_step = step;
    cl->fail_call = call;
    cl->error = error;
}

static BOOL body_append( struct client *cl, const char *data, size_t len )
{
    if (cl->body_len + len > MAX_BODY) return FALSE;
    if (cl->body_len + len > 0 && !cl->body && !(cl->body = malloc( MAX_BODY ))) return FALSE;
    memcpy( cl->body + cl->body_len, data, len );
    cl->body_len += len;
    return TRUE;
}

static DWORD WINAPI client_thread( void *arg )
{
    struct client *cl = arg;
    const struct hcase *c = cl->c;
    DWORD t = c->timeout ? (DWORD)c->timeout : DEFAULT_TIMEOUT;
    DWORD head_t = c->head_timeout ? (DWORD)c->head_timeout : t;
    DWORD size, avail, got;
    WCHAR text[256];
    char buf[4096];

    cl->step = STEP_SETUP;
    cl->call = "WinHttpOpen";
    if (!(cl->ses = WinHttpOpen( L"hostile/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0 )))
        goto setup_failed;
    cl->call = "WinHttpSetTimeouts";
    if (!WinHttpSetTimeouts( cl->ses, 0, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, t )) goto setup_failed;
    cl->call = "WinHttpConnect";
    if (!(cl->con = WinHttpConnect( cl->ses, L"127.0.0.1", cl->port, 0 ))) goto setup_failed;
    cl->call = "WinHttpOpenRequest";
    if (!(cl->req = WinHttpOpenRequest( cl->con, c->verb ? c->verb : L"GET", c->path ? c->path : L"/", NULL,
                                        WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0 )))
        goto setup_failed;
    cl->call = "WinHttpSetTimeouts";
    if (!WinHttpSetTimeouts( cl->req, 0, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, t )) goto setup_failed;
    cl->call = "WinHttpSetOption(RECEIVE_RESPONSE_TIMEOUT)";
    if (!WinHttpSetOption( cl->req, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &head_t, sizeof(head_t) ))
        goto setup_failed;
    cl->call = "WinHttpSetOption(MAX_RESPONSE_HEADER_SIZE)";
    if (c->max_header_size && !WinHttpSetOption( cl->req, WINHTTP_OPTION_MAX_RESPONSE_HEADER_SIZE,
                                                  (void *)&c->max_header_size, sizeof(DWORD) ))
        goto setup_failed;
    cl->call = "WinHttpSetOption(MAX_HTTP_AUTOMATIC_REDIRECTS)";
    if (c->max_redirects && !WinHttpSetOption( cl->req, WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS,
                                                (void *)&c->max_redirects, sizeof(DWORD) ))
        goto setup_failed;
    cl->call = "the case's header calls";
    if (c->setup && !c->setup( cl ))
    {
        client_fail( cl, STEP_SETUP, cl->call, 0 );
        goto done;
    }

    cl->step = STEP_SEND;
    cl->call = "WinHttpSendRequest";
    if (!WinHttpSendRequest( cl->req, c->send_headers ? c->send_headers : WINHTTP_NO_ADDITIONAL_HEADERS,
                             c->send_headers ? -1L : 0, NULL, 0, 0, 0 ))
    {
        client_fail( cl, STEP_SEND, cl->call, GetLastError() );
        goto done;
    }

    cl->step = STEP_RECEIVE;
    cl->call = "WinHttpReceiveResponse";
    if (!WinHttpReceiveResponse( cl->req, NULL ))
    {
        client_fail( cl, STEP_RECEIVE, cl->call, GetLastError() );
        goto done;
    }

    cl->step = STEP_QUERY;
    cl->call = "WinHttpQueryHeaders(STATUS_CODE)";
    size = sizeof(cl->status);
    if (!WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &cl->status,
                              &size, NULL ))
    {
        client_fail( cl, STEP_QUERY, cl->call, GetLastError() );
        goto done;
    }
    if (c->status_text)
    {
        char e[64], g[256];
        cl->call = "WinHttpQueryHeaders(STATUS_TEXT)";
        size = sizeof(text);
        text[0] = 0;
        if (!WinHttpQueryHeaders( cl->req, WINHTTP_QUERY_STATUS_TEXT, NULL, text, &size, NULL ) ||
            wcscmp( text, c->status_text ))
        {
            narrow( c->status_text, e, sizeof(e) );
            narrow( text, g, sizeof(g) );
            set_why( cl, "WinHttpQueryHeaders(STATUS_TEXT): expected \"%s\", got \"%s\" (%lu)", e, g, GetLastError() );
            client_fail( cl, STEP_QUERY, cl->call, 0 );
            goto done;
        }
    }
    cl->call = "the case's header queries";
    if (c->after_receive && !c->after_receive( cl ))
    {
        client_fail( cl, STEP_QUERY, cl->call, 0 );
        goto done;
    }

    cl->step = STEP_BODY;
    for (;;)
    {
        cl->call = "WinHttpQueryDataAvailable";
        avail = 0;
        if (!WinHttpQueryDataAvailable( cl->req, &avail ))
        {
            client_fail( cl, STEP_BODY, cl->call, GetLastError() );
            goto done;
        }
        cl->call = "WinHttpReadData";
        got = 0;
        if (!WinHttpReadData( cl->req, buf, sizeof(buf), &got ))
        {
            client_fail( cl, STEP_BODY, cl->call, GetLastError() );
            goto done;
        }
        if (!got) break;
        if (!body_append( cl, buf, got ))
        {
            set_why( cl, "more than %u body bytes", MAX_BODY );
            client_fail( cl, STEP_BODY, cl->call, 0 );
            goto done;
        }
    }

    cl->step = STEP_AFTER;
    cl->call = "the second request";
    if (c->after_body && !c->after_body( cl )) client_fail( cl, STEP_AFTER, cl->call, 0 );
    goto done;

setup_failed:
    client_fail( cl, STEP_SETUP, cl->call, GetLastError() );
done:
    cl->call = "WinHttpCloseHandle";
    if (cl->req) WinHttpCloseHandle( cl->req );
    if (cl->con) WinHttpCloseHandle( cl->con );
    if (cl->ses) WinHttpCloseHandle( cl->ses );
    cl->call = "done";
    return 0;
}

/* ---- running cases ---- */

/* How long a case may take: what the server's pacing and the expected timeout
 * cost, plus BUDGET. Slow parsing of a hostile response is a failure too. */
static DWORD case_budget( const struct hcase *c )
{
    DWORD budget = c->budget ? c->budget : BUDGET;

    if (c->error == ERROR_WINHTTP_TIMEOUT) budget += c->head_timeout ? c->head_timeout : c->timeout;
    return budget;
}

static BOOL verdict( const struct hcase *c, struct client *cl, struct server *srv, DWORD elapsed,
                     char *msg, size_t size )
{
    char expected[512], got[512], why[512];

    if (cl->why[0])
    {
        snprintf( msg, size, "at step %s: %s", step_names[cl->fail_step], cl->why );
        return FALSE;
    }
    if (cl->fail_step != c->step ||
        (c->step != STEP_NONE && cl->error != c->error && (!c->alt_error || cl->error != c->alt_error)) ||
        (c->step == STEP_NONE && c->status && cl->status != c->status))
    {
        describe_expected( c, expected, sizeof(expected) );
        describe_got( cl, got, sizeof(got) );
        snprintf( msg, size, "expected %s, got %s", expected, got );
        return FALSE;
    }
    if (c->body && (c->step == STEP_NONE || c->step == STEP_BODY))
    {
        size_t len = body_length( c );
        BOOL same = c->step == STEP_NONE ? (cl->body_len == len && !memcmp( cl->body, c->body, len ))
                                         : (cl->body_len >= len && !memcmp( cl->body, c->body, len ));
        if (!same)
        {
            describe_expected( c, expected, sizeof(expected) );
            describe_got( cl, got, sizeof(got) );
            snprintf( msg, size, "expected %s, got %s", expected, got );
            return FALSE;
        }
    }
    if (c->check && !c->check( srv, why, sizeof(why) ))
    {
        snprintf( msg, size, "%s", why );
        return FALSE;
    }
    if (elapsed > case_budget( c ))
    {
        snprintf( msg, size, "the outcome is right but took %lu ms, more than the %lu ms allowed", elapsed,
                  case_budget( c ) );
        return FALSE;
    }
    return TRUE;
}

static const char *step_of( struct client *cl )
{
    return step_names[cl->step];
}

/* Runs one case; returns FALSE on a failure, sets *hung when a thread could not be stopped. */
static BOOL run_case( const struct hcase *c, int pass, BOOL *hung )
{
    struct server *srv;
    struct client *cl;
    HANDLE thread;
    char msg[2048];
    BOOL ok = FALSE, finished, timely = FALSE;
    DWORD start = GetTickCount();

    current_case = c;
    if (!(srv = start_server( c ))) return FALSE;
    if (!(cl = calloc( 1, sizeof(*cl) ))) return FALSE;
    cl->c = c;
    cl->port = srv->port;
    current_client = cl;
    thread = CreateThread( NULL, 0, client_thread, cl, 0, (DWORD *)&client_tid );

    if (!(finished = WaitForSingleObject( thread, CASE_LIMIT ) == WAIT_OBJECT_0))
    {
        size_t len = snprintf( msg, sizeof(msg), "hang: no result after %.1f s (blocked at step %s in %s); "
                               "stopping the server", CASE_LIMIT / 1000.0, step_of( cl ), cl->call );
        /* the server's sockets close: a client stuck on them should wake now */
        SetEvent( srv->stop );
        if ((finished = WaitForSingleObject( thread, 2000 ) == WAIT_OBJECT_0))
        {
            char got[512];
            describe_got( cl, got, sizeof(got) );
            snprintf( msg + len, sizeof(msg) - len, "; then it returned %s", got );
        }
        else
        {
            *hung = TRUE;
            snprintf( msg + len, sizeof(msg) - len, "; still blocked 2 s later, abandoned" );
        }
    }
    else timely = TRUE;
    if (!stop_server( srv ))
    {
        *hung = TRUE;
        if (timely) snprintf( msg, sizeof(msg), "the test's server thread did not stop" );
        finished = FALSE;
    }
    else if (timely) ok = verdict( c, cl, srv, GetTickCount() - start, msg, sizeof(msg) );

    current_client = NULL;
    if (!ok)
    {
        if (pass == 1) printf( "FAIL %s: %s\n", c->name, msg );
        else printf( "FAIL %s (pass %d): %s\n", c->name, pass, msg );
    }
    else if (pass == 1) printf( "ok   %s\n", c->name );
    if ((GetTickCount() - start > 3000 && ok) || show_times)
        printf( "     (%s took %lu ms)\n", c->name, GetTickCount() - start );

    if (finished)
    {
        CloseHandle( thread );
        free( cl->body );
        free( cl );
        free( srv );
    }
    /* else: the threads may still use them, so they stay */
    return ok;
}

/* ---- process-wide guards ---- */

static LONG WINAPI crash_filter( EXCEPTION_POINTERS *info )
{
    const struct hcase *c = current_case;
    struct client *cl = current_client;
    void *address = info->ExceptionRecord->ExceptionAddress;
    char module[MAX_PATH] = "?";
    HMODULE base = NULL;

    if (GetModuleHandleExA( GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            address, &base ))
        GetModuleFileNameA( base, module, sizeof(module) );
    printf( "FAIL %s: CRASH: exception %#lx at %p (%s+%#llx) in the %s thread (client at step %s, in %s)\n",
            c ? c->name : "(none)", info->ExceptionRecord->ExceptionCode, address, module,
            (unsigned long long)((ULONG_PTR)address - (ULONG_PTR)base),
            GetCurrentThreadId() == client_tid ? "client" : GetCurrentThreadId() == server_tid ? "test server" : "other",
            cl ? step_of( cl ) : "?", cl ? cl->call : "?" );
    printf( "hostile: %ld passed, %ld failed (crashed)\n", passed_count, failed_count + 1 );
    fflush( stdout );
    TerminateProcess( GetCurrentProcess(), 4 );
    return EXCEPTION_EXECUTE_HANDLER;
}

static DWORD WINAPI watchdog_thread( void *arg )
{
    const struct hcase *c;

    if (WaitForSingleObject( (HANDLE)arg, RUN_LIMIT ) == WAIT_OBJECT_0) return 0;
    c = current_case;
    printf( "FAIL watchdog: the run took more than %u s (in case %s); stopping\n", RUN_LIMIT / 1000,
            c ? c->name : "(none)" );
    printf( "hostile: %ld passed, %ld failed (watchdog)\n", passed_count, failed_count + 1 );
    fflush( stdout );
    TerminateProcess( GetCurrentProcess(), 3 );
    return 0;
}

static SIZE_T private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS_EX pmc = { sizeof(pmc) };

    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc) )) return 0;
    return pmc.PrivateUsage ? pmc.PrivateUsage : pmc.PagefileUsage;
}

static BOOL selected( const struct hcase *c, int argc, WCHAR **argv )
{
    char name[256];
    int i, any = 0;

    for (i = 1; i < argc; i++)
    {
        if (argv[i][0] == '-') continue;
        any = 1;
        narrow( argv[i], name, sizeof(name) );
        if (strstr( c->name, name )) return TRUE;
    }
    return !any;
}

static void list_cases(void)
{
    char expected[512];
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        describe_expected( &cases[i], expected, sizeof(expected) );
        printf( "%-36s %s%s%s%s\n", cases[i].name, expected, cases[i].choice ? " [our choice]" : "",
                cases[i].source ? " -- " : "", cases[i].source ? cases[i].source : "" );
    }
    printf( "%u cases\n", (unsigned int)ARRAYSIZE(cases) );
}

int wmain( int argc, WCHAR **argv )
{
    BOOL once = FALSE, hung = FALSE, result[ARRAYSIZE(cases)];
    SIZE_T mem1 = 0, mem2 = 0;
    HANDLE done = CreateEventW( NULL, TRUE, FALSE, NULL );
    WSADATA wsa;
    unsigned int i, pass;
    int j;

    setvbuf( stdout, NULL, _IONBF, 0 );
    for (i = 0; i < sizeof(big_body); i++) big_body[i] = 'A' + (i * 7 + i / 509) % 26;
    for (j = 1; j < argc; j++)
    {
        if (!wcscmp( argv[j], L"--list" )) { list_cases(); return 0; }
        if (!wcscmp( argv[j], L"--once" )) once = TRUE;
        if (!wcscmp( argv[j], L"--times" )) show_times = TRUE;
    }
    SetErrorMode( SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX );
    /* HOSTILE_NO_FILTER=1 leaves a crash to the debugger (winedbg prints a backtrace) */
    if (!GetEnvironmentVariableW( L"HOSTILE_NO_FILTER", NULL, 0 )) SetUnhandledExceptionFilter( crash_filter );
    if (WSAStartup( MAKEWORD(2, 2), &wsa ))
    {
        printf( "hostile: WSAStartup failed\nhostile: 0 passed, 1 failed\n" );
        return 1;
    }
    CloseHandle( CreateThread( NULL, 0, watchdog_thread, done, 0, NULL ) );

    /* a case passes when it passes in both passes; the counts are kept current for
     * the crash and watchdog reports */
    for (i = 0; i < ARRAYSIZE(cases); i++) result[i] = FALSE;
    for (pass = 1; pass <= (once ? 1u : 2u) && !hung; pass++)
    {
        for (i = 0; i < ARRAYSIZE(cases) && !hung; i++)
        {
            if (!selected( &cases[i], argc, argv )) continue;
            if (pass == 1)
            {
                if ((result[i] = run_case( &cases[i], pass, &hung ))) passed_count++;
                else failed_count++;
            }
            else if (!run_case( &cases[i], pass, &hung ) && result[i])
            {
                result[i] = FALSE;
                passed_count--;
                failed_count++;
            }
        }
        if (pass == 1) mem1 = private_bytes();
        else mem2 = private_bytes();
    }
    current_case = NULL;
    if (hung) printf( "hostile: a case hung; the memory comparison is skipped\n" );
    else if (!once)
    {
        SSIZE_T growth = (SSIZE_T)mem2 - (SSIZE_T)mem1;
        if (growth > MEMORY_SLACK)
        {
            printf( "FAIL memory: private bytes grew by %ld KiB from the first pass (%lu KiB) to the second "
                    "(%lu KiB), more than %u KiB\n", (long)(growth / 1024), (unsigned long)(mem1 / 1024),
                    (unsigned long)(mem2 / 1024), MEMORY_SLACK / 1024 );
            failed_count++;
        }
        else
        {
            printf( "ok   memory: private bytes %lu KiB after the first pass, %lu KiB after the second\n",
                    (unsigned long)(mem1 / 1024), (unsigned long)(mem2 / 1024) );
            passed_count++;
        }
    }
    printf( "hostile: %ld passed, %ld failed\n", passed_count, failed_count );
    SetEvent( done );
    /* an abandoned thread may hold locks the DLL's detach would wait on */
    if (hung) TerminateProcess( GetCurrentProcess(), 1 );
    return failed_count ? 1 : 0;
}
