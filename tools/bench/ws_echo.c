/*
 * A small, fast WebSocket server for tools/bench-websocket (native Linux, one
 * thread per connection, blocking sockets), so that the server is not what the
 * benchmark measures. Listens on 127.0.0.1 on an ephemeral port, written to the
 * file given by --port-file. Paths:
 *   /echo            every frame sent back as it came (opcode, FIN, payload)
 *   /sink            binary messages read and dropped; a text message "done" is
 *                    answered with "bytes=B messages=M" (binary bytes and messages so far)
 *   /source?size=N   binary messages of N bytes sent back to back until the
 *                    client closes (a reader thread answers pings and the close)
 * Pings get pongs with their payload, a close frame gets its own payload back.
 * Build: gcc -O3 -pthread -o ws_echo ws_echo.c
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

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FRAME   (64u << 20)     /* larger frames end the connection */
#define READ_BUFFER (256 * 1024)

/* ---- SHA-1 (FIPS 180-4) and base64, for Sec-WebSocket-Accept ---- */

static uint32_t rol( uint32_t x, int n ) { return (x << n) | (x >> (32 - n)); }

static void sha1_block( uint32_t h[5], const unsigned char *p )
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k, t;
    int i;

    for (i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 | p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++) w[i] = rol( w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1 );
    for (i = 0; i < 80; i++)
    {
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        t = rol( a, 5 ) + f + e + k + w[i];
        e = d; d = c; c = rol( b, 30 ); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha1( const void *data, size_t len, unsigned char out[20] )
{
    uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    const unsigned char *p = data;
    unsigned char block[128];
    size_t rest, i;
    uint64_t bits = (uint64_t)len * 8;

    for (; len >= 64; len -= 64, p += 64) sha1_block( h, p );
    rest = len;
    memcpy( block, p, rest );
    block[rest++] = 0x80;
    while (rest % 64 != 56) block[rest++] = 0;
    for (i = 0; i < 8; i++) block[rest++] = (unsigned char)(bits >> (56 - 8 * i));
    for (i = 0; i < rest; i += 64) sha1_block( h, block + i );
    for (i = 0; i < 20; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void base64( const unsigned char *in, size_t len, char *out )
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < len; i += 3)
    {
        *out++ = digits[in[i] >> 2];
        *out++ = digits[(in[i] & 3) << 4 | in[i + 1] >> 4];
        *out++ = digits[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
        *out++ = digits[in[i + 2] & 63];
    }
    if (i < len)
    {
        *out++ = digits[in[i] >> 2];
        *out++ = digits[(in[i] & 3) << 4 | (i + 1 < len ? in[i + 1] >> 4 : 0)];
        *out++ = i + 1 < len ? digits[(in[i + 1] & 15) << 2] : '=';
        *out++ = '=';
    }
    *out = 0;
}

/* ---- a connection ---- */

struct conn
{
    int fd;
    unsigned char *rbuf;
    size_t rpos, rlen;
    pthread_mutex_t write_lock;   /* frames from the reader and the writer of /source */
    volatile int closing;
};

static int write_all( int fd, const void *data, size_t len )
{
    const char *p = data;
    ssize_t n;

    while (len)
    {
        if ((n = send( fd, p, len, MSG_NOSIGNAL )) < 0)
        {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* reads exactly len bytes, through the connection's buffer */
static int read_exact( struct conn *c, void *data, size_t len )
{
    unsigned char *p = data;
    ssize_t n;

    while (len)
    {
        if (c->rpos < c->rlen)
        {
            size_t take = c->rlen - c->rpos < len ? c->rlen - c->rpos : len;
            memcpy( p, c->rbuf + c->rpos, take );
            c->rpos += take;
            p += take;
            len -= take;
            continue;
        }
        if (len >= READ_BUFFER)   /* large payloads straight into place */
        {
            if ((n = recv( c->fd, p, len, 0 )) <= 0) { if (n < 0 && errno == EINTR) continue; return -1; }
            p += n;
            len -= n;
            continue;
        }
        if ((n = recv( c->fd, c->rbuf, READ_BUFFER, 0 )) <= 0) { if (n < 0 && errno == EINTR) continue; return -1; }
        c->rpos = 0;
        c->rlen = n;
    }
    return 0;
}

static int send_frame( struct conn *c, int fin, int opcode, const void *payload, uint64_t len )
{
    unsigned char hdr[10];
    size_t hlen = 2;
    struct iovec iov[2];
    ssize_t n;
    int ret = 0;

    hdr[0] = (fin ? 0x80 : 0) | opcode;
    if (len < 126) hdr[1] = (unsigned char)len;
    else if (len < 65536) { hdr[1] = 126; hdr[2] = len >> 8; hdr[3] = (unsigned char)len; hlen = 4; }
    else
    {
        int i;
        hdr[1] = 127;
        for (i = 0; i < 8; i++) hdr[2 + i] = (unsigned char)(len >> (56 - 8 * i));
        hlen = 10;
    }
    iov[0].iov_base = hdr;
    iov[0].iov_len = hlen;
    iov[1].iov_base = (void *)payload;
    iov[1].iov_len = len;
    pthread_mutex_lock( &c->write_lock );
    /* one writev for header and payload: one segment for small frames */
    n = writev( c->fd, iov, 2 );
    if (n < 0) ret = -1;
    else if ((size_t)n < hlen + len)
    {
        if ((size_t)n < hlen) ret = write_all( c->fd, hdr + n, hlen - n ) || write_all( c->fd, payload, len );
        else ret = write_all( c->fd, (const char *)payload + (n - hlen), len - (n - hlen) );
    }
    pthread_mutex_unlock( &c->write_lock );
    return ret;
}

static void unmask( unsigned char *p, uint64_t len, const unsigned char key[4] )
{
    uint64_t key8, i = 0, v;
    uint32_t key4;

    memcpy( &key4, key, 4 );
    key8 = (uint64_t)key4 << 32 | key4;
    for (; i + 8 <= len; i += 8)
    {
        memcpy( &v, p + i, 8 );
        v ^= key8;
        memcpy( p + i, &v, 8 );
    }
    for (; i < len; i++) p[i] ^= key[i & 3];
}

struct frame
{
    int fin, opcode;
    uint64_t len;
    unsigned char *payload;   /* unmasked, owned by the caller's buffer */
};

/* reads a client frame (masked, RFC 6455 5.2) into *buf (grown as needed); the
 * payload of a binary or continuation frame stays masked when keep_masked is set */
static int read_frame( struct conn *c, struct frame *f, unsigned char **buf, size_t *size, int keep_masked )
{
    unsigned char hdr[2], ext[8], key[4];
    int i;

    if (read_exact( c, hdr, 2 )) return -1;
    f->fin = hdr[0] >> 7;
    f->opcode = hdr[0] & 15;
    if (!(hdr[1] & 0x80)) return -1;   /* clients must mask */
    f->len = hdr[1] & 127;
    if (f->len == 126)
    {
        if (read_exact( c, ext, 2 )) return -1;
        f->len = ext[0] << 8 | ext[1];
    }
    else if (f->len == 127)
    {
        if (read_exact( c, ext, 8 )) return -1;
        for (f->len = 0, i = 0; i < 8; i++) f->len = f->len << 8 | ext[i];
    }
    if (f->len > MAX_FRAME || read_exact( c, key, 4 )) return -1;
    if (f->len > *size)
    {
        unsigned char *bigger = realloc( *buf, f->len );
        if (!bigger) return -1;
        *buf = bigger;
        *size = f->len;
    }
    if (read_exact( c, *buf, f->len )) return -1;
    if (!keep_masked || f->opcode == 1 || (f->opcode & 8)) unmask( *buf, f->len, key );
    f->payload = *buf;
    return 0;
}

/* ping, pong and close; 1 when the connection is to end */
static int control_frame( struct conn *c, struct frame *f )
{
    switch (f->opcode)
    {
    case 9: send_frame( c, 1, 10, f->payload, f->len ); return 0;
    case 10: return 0;
    case 8:
        c->closing = 1;
        send_frame( c, 1, 8, f->payload, f->len );
        return 1;
    }
    return 1;
}

static void serve_echo( struct conn *c )
{
    unsigned char *buf = NULL;
    size_t size = 0;
    struct frame f;

    while (!read_frame( c, &f, &buf, &size, 0 ))
    {
        if (f.opcode & 8) { if (control_frame( c, &f )) break; continue; }
        if (send_frame( c, f.fin, f.opcode, f.payload, f.len )) break;
    }
    free( buf );
}

static void serve_sink( struct conn *c )
{
    unsigned char *buf = NULL;
    size_t size = 0;
    unsigned long long bytes = 0, messages = 0;
    struct frame f;
    char reply[64];
    int text = 0;

    /* binary payloads are counted, never looked at: they stay masked */
    while (!read_frame( c, &f, &buf, &size, 1 ))
    {
        if (f.opcode & 8) { if (control_frame( c, &f )) break; continue; }
        if (f.opcode == 1) text = 1;
        else if (f.opcode == 2) text = 0;
        if (text)
        {
            if (f.fin && f.len == 4 && !memcmp( f.payload, "done", 4 ))
            {
                int n = snprintf( reply, sizeof(reply), "bytes=%llu messages=%llu", bytes, messages );
                if (send_frame( c, 1, 1, reply, n )) break;
            }
            continue;
        }
        bytes += f.len;
        if (f.fin) messages++;
    }
    free( buf );
}

static void *source_reader( void *arg )
{
    struct conn *c = arg;
    unsigned char *buf = NULL;
    size_t size = 0;
    struct frame f;

    while (!read_frame( c, &f, &buf, &size, 1 ))
        if ((f.opcode & 8) && control_frame( c, &f )) break;
    c->closing = 1;
    shutdown( c->fd, SHUT_RDWR );   /* wakes the writer */
    free( buf );
    return NULL;
}

static void serve_source( struct conn *c, size_t size )
{
    unsigned char *frame = malloc( size + 10 ), *payload;
    size_t hlen = 2, i;
    pthread_t reader;

    if (size < 126) frame[1] = (unsigned char)size;
    else if (size < 65536) { frame[1] = 126; frame[2] = size >> 8; frame[3] = (unsigned char)size; hlen = 4; }
    else
    {
        frame[1] = 127;
        for (i = 0; i < 8; i++) frame[2 + i] = (unsigned char)((uint64_t)size >> (56 - 8 * i));
        hlen = 10;
    }
    frame[0] = 0x82;
    payload = frame + hlen;
    for (i = 0; i < size; i++) payload[i] = (unsigned char)i;
    pthread_create( &reader, NULL, source_reader, c );
    while (!c->closing)
    {
        int failed;
        pthread_mutex_lock( &c->write_lock );
        failed = c->closing || write_all( c->fd, frame, hlen + size );
        pthread_mutex_unlock( &c->write_lock );
        if (failed) break;
    }
    shutdown( c->fd, SHUT_RDWR );
    pthread_join( reader, NULL );
    free( frame );
}

/* the HTTP/1.1 upgrade request; the path is returned in path */
static int handshake( struct conn *c, char *path, size_t path_size )
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char head[8192], *key = NULL, *line, *end, accept[64], keyed[128], reply[512];
    unsigned char digest[20];
    size_t len = 0;
    ssize_t n;
    int known;

    for (;;)
    {
        if (len == sizeof(head) - 1) return -1;
        if ((n = recv( c->fd, head + len, sizeof(head) - 1 - len, 0 )) <= 0) return -1;
        len += n;
        head[len] = 0;
        if ((end = strstr( head, "\r\n\r\n" ))) break;
    }
    /* anything after the head is WebSocket data */
    c->rlen = len - (end + 4 - head);
    memcpy( c->rbuf, end + 4, c->rlen );
    c->rpos = 0;
    *end = 0;
    if (sscanf( head, "GET %1023s HTTP/1.1", path ) != 1 || path_size < 1024) return -1;
    for (line = strstr( head, "\r\n" ); line; line = strstr( line + 2, "\r\n" ))
    {
        if (!strncasecmp( line + 2, "Sec-WebSocket-Key:", 18 ))
        {
            key = line + 20;
            while (*key == ' ') key++;
            if ((end = strstr( key, "\r\n" ))) *end = 0;
            break;
        }
    }
    known = !strcmp( path, "/echo" ) || !strcmp( path, "/sink" ) || !strncmp( path, "/source", 7 );
    if (!key || !known || strlen( key ) > 64)
    {
        static const char missing[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        write_all( c->fd, missing, sizeof(missing) - 1 );
        return -1;
    }
    snprintf( keyed, sizeof(keyed), "%s%s", key, guid );
    sha1( keyed, strlen( keyed ), digest );
    base64( digest, 20, accept );
    n = snprintf( reply, sizeof(reply), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept );
    return write_all( c->fd, reply, n );
}

static void *connection_thread( void *arg )
{
    struct conn *c = arg;
    char path[1024];
    const char *size;
    int one = 1;

    setsockopt( c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one) );
    if (!handshake( c, path, sizeof(path) ))
    {
        if (!strcmp( path, "/echo" )) serve_echo( c );
        else if (!strcmp( path, "/sink" )) serve_sink( c );
        else serve_source( c, (size = strstr( path, "size=" )) ? strtoul( size + 5, NULL, 10 ) : 65536 );
    }
    close( c->fd );
    pthread_mutex_destroy( &c->write_lock );
    free( c->rbuf );
    free( c );
    return NULL;
}

int main( int argc, char **argv )
{
    struct sockaddr_in addr;
    socklen_t addr_len = sizeof(addr);
    const char *port_file = NULL;
    char tmp[4096];
    FILE *f;
    int fd, one = 1, i;

    for (i = 1; i < argc; i++)
        if (!strcmp( argv[i], "--port-file" ) && i + 1 < argc) port_file = argv[++i];
    if (!port_file)
    {
        fprintf( stderr, "usage: ws_echo --port-file FILE\n" );
        return 2;
    }
    signal( SIGPIPE, SIG_IGN );
    fd = socket( AF_INET, SOCK_STREAM, 0 );
    setsockopt( fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one) );
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if (bind( fd, (struct sockaddr *)&addr, sizeof(addr) ) || listen( fd, 128 ) ||
        getsockname( fd, (struct sockaddr *)&addr, &addr_len ))
    {
        perror( "ws_echo" );
        return 1;
    }
    snprintf( tmp, sizeof(tmp), "%s.tmp", port_file );
    if (!(f = fopen( tmp, "w" ))) { perror( tmp ); return 1; }
    fprintf( f, "%u\n", ntohs( addr.sin_port ) );
    fclose( f );
    rename( tmp, port_file );

    for (;;)
    {
        struct conn *c;
        pthread_t thread;
        int client = accept( fd, NULL, NULL );

        if (client < 0) { if (errno == EINTR) continue; perror( "accept" ); continue; }
        c = calloc( 1, sizeof(*c) );
        c->fd = client;
        c->rbuf = malloc( READ_BUFFER );
        pthread_mutex_init( &c->write_lock, NULL );
        if (pthread_create( &thread, NULL, connection_thread, c ))
        {
            close( client );
            free( c->rbuf );
            free( c );
            continue;
        }
        pthread_detach( thread );
    }
}
