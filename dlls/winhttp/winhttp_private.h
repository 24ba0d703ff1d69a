/*
 * Internal declarations shared by the files of winhttp.dll: the object model
 * behind HINTERNET handles, and the session, connect and request objects.
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

#ifndef WINHTTP_PRIVATE_H
#define WINHTTP_PRIVATE_H

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "parse.h"
#include "tls.h"

/* the socket type without pulling winsock2.h into every file */
typedef UINT_PTR SOCKET_HANDLE;

/* main.c */
extern HINSTANCE winhttp_instance;

/* A request or response header. */
struct header
{
    WCHAR *field;
    WCHAR *value;
};

struct header_list
{
    struct header *items;
    unsigned int count;
    unsigned int capacity;
};

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* An option handler's answer when the option does not apply to its handle type. */
#define OPTION_NOT_HANDLED ((DWORD)~0u)

struct object_header;

struct object_vtbl
{
    /* frees the object; called once, after HANDLE_CLOSING, when the last reference goes */
    void (*destroy)( struct object_header *obj );
    /* WinHttpCloseHandle was called: cancel whatever is pending (may be NULL) */
    void (*close)( struct object_header *obj );
    /* return ERROR_SUCCESS, an error code, or OPTION_NOT_HANDLED */
    DWORD (*query_option)( struct object_header *obj, DWORD option, void *buffer, DWORD *len );
    DWORD (*set_option)( struct object_header *obj, DWORD option, void *buffer, DWORD len );
};

/* What every HINTERNET refers to. Reference counted: the handle table holds one
 * reference while the handle is open, every call in progress holds one, and a
 * child holds one on its parent. */
struct object_header
{
    DWORD type;                     /* WINHTTP_HANDLE_TYPE_* */
    HINTERNET handle;
    const struct object_vtbl *vtbl;
    struct object_header *parent;
    LONG refs;
    LONG closed;                    /* set once by WinHttpCloseHandle */
    DWORD flags;                    /* WINHTTP_FLAG_ASYNC, inherited from the session */
    DWORD_PTR context;              /* WINHTTP_OPTION_CONTEXT_VALUE */
    SRWLOCK lock;                   /* guards the object's options and state */
    SRWLOCK callback_lock;          /* the callback and its mask change together */
    WINHTTP_STATUS_CALLBACK callback;
    DWORD notify_mask;
};

/* task.c */
struct task
{
    struct task *next;
    struct object_header *obj;      /* referenced while the task exists */
    /* returns TRUE when it handed the task on (parked it): the queue lets go of it */
    BOOL (*run)( struct task *task );
};

struct task_queue
{
    struct object_header *owner;    /* the object the queue is part of */
    SRWLOCK lock;
    struct task *head, *tail;
    BOOL running;                   /* a worker is draining the queue */
};

DWORD queue_task( struct task_queue *queue, struct task *task );
TP_CALLBACK_ENVIRON *task_environment( void );

/* poller.c: one thread polls the sockets parked operations wait on */
struct socket_wait
{
    struct socket_wait *next, *prev;
    SOCKET_HANDLE socket;
    ULONGLONG deadline;                 /* GetTickCount64(); 0 for none */
    BOOL registered;                    /* in the poller's list */
    BOOL wake_now;                      /* end it at once */
    BOOL timed_out;
    /* runs on a worker when the socket is readable or closed, or at the deadline */
    void (*done)( struct socket_wait *wait, BOOL timed_out );
};
BOOL socket_wait_start( struct socket_wait *wait, SOCKET_HANDLE socket, int timeout );
void socket_wait_wake( struct socket_wait *wait );

/* handle.c */
void init_object( struct object_header *obj, DWORD type, const struct object_vtbl *vtbl,
                  struct object_header *parent );
HINTERNET open_handle( struct object_header *obj );
struct object_header *grab_object( HINTERNET handle );
struct object_header *grab_object_type( HINTERNET handle, DWORD type );
void release_object( struct object_header *obj );
BOOL is_open_handle( HINTERNET handle );
BOOL close_handle( HINTERNET handle );
void send_callback( struct object_header *obj, DWORD status, void *info, DWORD len );

/* option.c */
BOOL is_known_option( DWORD option );
const WCHAR *default_http_version( void );
DWORD worker_thread_count( void );
DWORD get_dword_option( DWORD value, void *buffer, DWORD *len );
DWORD get_pointer_option( void *value, void *buffer, DWORD *len );
DWORD get_string_option( const WCHAR *value, void *buffer, DWORD *len );
DWORD read_dword_option( const void *buffer, DWORD len, DWORD *value );
DWORD set_dword_field( DWORD option, DWORD value, DWORD *field );
DWORD copy_string_option( const void *buffer, DWORD len, WCHAR **value );
DWORD query_proxy_option( DWORD access, const WCHAR *server, const WCHAR *bypass, void *buffer, DWORD *len );
DWORD set_proxy_option( DWORD *access, WCHAR **server, WCHAR **bypass, const void *buffer, DWORD len );

/* set-only options that nothing acts on yet, kept as given */
struct stored_options
{
    struct { DWORD option; DWORD value; } *items;
    unsigned int count;
};
DWORD store_option( struct stored_options *store, DWORD option, const void *buffer, DWORD len );

struct timeouts
{
    int resolve;
    int connect;
    int send;
    int receive;
    int receive_response;
};

struct session
{
    struct object_header hdr;
    WCHAR *agent;
    DWORD access;
    WCHAR *proxy_server;
    WCHAR *proxy_bypass;
    WCHAR *proxy_username;
    WCHAR *proxy_password;
    struct timeouts timeouts;
    DWORD open_flags;               /* as given to WinHttpOpen */
    DWORD secure_protocols;
    DWORD redirect_policy;
    DWORD max_redirects;
    DWORD max_conns_per_server;
    DWORD max_conns_per_1_0_server;
    DWORD max_response_header_size;
    DWORD max_response_drain_size;
    DWORD decompression;
    DWORD disable_flags;            /* WINHTTP_OPTION_DISABLE_FEATURE */
    DWORD enable_flags;             /* WINHTTP_OPTION_ENABLE_FEATURE */
    DWORD worker_threads;
    DWORD passport_flags;
    DWORD ipv6_fast_fallback;
    DWORD tcp_fast_open;
    DWORD tls_false_start;
    DWORD http_protocol;            /* WINHTTP_OPTION_ENABLE_HTTP_PROTOCOL */
    DWORD websocket_keepalive;
    DWORD websocket_close_timeout;
    DWORD websocket_receive_buffer_size;
    DWORD websocket_send_buffer_size;
    DWORD codepage;
    DWORD connect_retries;
    DWORD max_status_continue;
    DWORD tcp_keepalive[3];
    HANDLE unload_event;            /* WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT: set when the session goes */
    struct cookie_jar *cookies;
    struct stored_options stored;
    SRWLOCK pool_lock;              /* counts of connections in use, per server */
    CONDITION_VARIABLE pool_cv;     /* signalled when one of them goes idle or closes */
    struct server_count
    {
        WCHAR *host;
        INTERNET_PORT port;
        BOOL secure;
        LONG count;
    } *servers;
    unsigned int server_count;
};

struct connect
{
    struct object_header hdr;
    struct session *session;
    WCHAR *server;
    INTERNET_PORT port;
};

/* what a request keeps of its connection's security, for WinHttpQueryOption */
struct security_info
{
    const struct _CERT_CONTEXT *cert;
    const struct _CERT_CHAIN_CONTEXT *chain;
    struct tls_session_info session;    /* what the handshake agreed */
};

enum request_state
{
    REQUEST_OPEN,               /* nothing sent yet, or ready to send again */
    REQUEST_SENT,               /* the head is out; the body may still be written */
    REQUEST_RESPONSE,           /* the response head is in; the body can be read */
};

struct request
{
    struct object_header hdr;
    struct connect *connect;
    enum request_state state;
    LONG busy;                          /* a network operation is in progress or queued */
    struct task_queue queue;
    SRWLOCK io_lock;                    /* guards netconn against a close from another thread */
    BOOL cancelled;                     /* WinHttpCloseHandle was called */
    struct socket_wait wait;            /* an asynchronous operation parked on the socket */
    void *waiting_op;
    BOOL receiving_notified;            /* RECEIVING_RESPONSE went out before a wait */
    WCHAR *host;                        /* the target: the connect's server until a redirect */
    INTERNET_PORT port;
    BOOL secure;
    void *optional;                     /* SendRequest's data, kept for a redirect's resend */
    DWORD optional_len;
    DWORD total_len;
    struct header_list headers;         /* what the application added */
    struct header_list response_headers;
    unsigned int status_code;
    WCHAR *status_text;
    WCHAR *response_version;
    WCHAR *raw_response;                /* status line and headers, CRLF-separated */
    struct netconn *netconn;
    struct netconn *spent_conn;         /* not reusable, closed when the request is next done with */
    BOOL conn_reused;                   /* the connection came from the pool */
    ULONGLONG body_remaining;           /* Content-Length bytes left to write */
    DWORD bytes_sent;                   /* of the head and data, for REQUEST_SENT */
    BOOL chunked_upload;                /* we frame the chunks (automatic chunking) */
    BOOL app_chunked;                   /* the application frames them */
    /* the response body */
    char *read_buf;
    size_t read_pos, read_end, read_size;
    BOOL body_chunked;
    BOOL body_to_close;                 /* no length: the body ends with the connection */
    BOOL body_done;
    BOOL keep_alive;
    ULONGLONG content_length;           /* ~0 when unknown */
    ULONGLONG content_read;
    struct chunked_decoder chunked;
    struct decompressor *decoder;       /* Content-Encoding we undo, or NULL */
    char *coded, *decoded;              /* body bytes before and after decoding */
    size_t coded_pos, coded_end, decoded_pos, decoded_end;
    WCHAR *verb;
    WCHAR *path;
    WCHAR *version;
    WCHAR *referrer;
    WCHAR **accept_types;
    DWORD open_flags;               /* as given to WinHttpOpenRequest */
    struct timeouts timeouts;
    DWORD security_flags;
    DWORD redirect_policy;
    DWORD max_redirects;
    DWORD max_response_header_size;
    DWORD max_response_drain_size;
    DWORD decompression;
    DWORD disable_flags;
    DWORD enable_flags;
    DWORD autologon_policy;
    DWORD http_protocol;
    DWORD upgrade_to_websocket;
    char websocket_key[32];             /* Sec-WebSocket-Key sent, base64 */
    DWORD websocket_keepalive;
    DWORD websocket_close_timeout;
    DWORD websocket_receive_buffer_size;
    DWORD websocket_send_buffer_size;
    DWORD client_cert_none;             /* WINHTTP_NO_CLIENT_CERT_CONTEXT was set */
    const struct _CERT_CONTEXT *client_cert;
    struct security_info security;      /* of the last secure connection used */
    DWORD receive_proxy_connect_response;
    DWORD ignore_revocation_offline;    /* WINHTTP_OPTION_IGNORE_CERT_REVOCATION_OFFLINE */
    DWORD connect_retries;
    DWORD max_status_continue;
    struct stored_options stored;
    WCHAR *username;
    WCHAR *password;
    WCHAR *proxy_username;
    WCHAR *proxy_password;
    WCHAR *proxy_server;
    WCHAR *proxy_bypass;
    DWORD proxy_access;
};

/* net.c */
struct netconn
{
    SOCKET_HANDLE socket;
    WCHAR *host;
    INTERNET_PORT port;
    BOOL secure;
    int send_timeout;           /* what the socket is set to, in ms; 0 for none */
    int recv_timeout;
    ULONGLONG idle_since;       /* GetTickCount64() when it went back to the pool */
    struct tls_connection *tls; /* once the TLS handshake is done, for HTTPS */
};

struct addresses;
struct tls_settings;
WCHAR *unbracketed_host( const WCHAR *host );
DWORD netconn_resolve( const WCHAR *host, INTERNET_PORT port, struct addresses **addresses );
void netconn_free_addresses( struct addresses *addresses );
void netconn_address_string( const struct addresses *addresses, WCHAR *buffer, DWORD len );
DWORD netconn_connect( const WCHAR *host, INTERNET_PORT port, const struct addresses *addresses, int timeout,
                       const BOOL *cancelled, struct netconn **conn, WCHAR *address, DWORD address_len );
void netconn_close( struct netconn *conn );
DWORD netconn_send( struct netconn *conn, const void *data, size_t len, int timeout );
DWORD netconn_recv( struct netconn *conn, void *buffer, size_t len, int timeout, size_t *received );
void netconn_cancel( struct netconn *conn );
BOOL netconn_is_alive( struct netconn *conn );
BOOL netconn_readable( struct netconn *conn );
/* fills two SOCKADDR_STORAGEs */
void netconn_addresses( struct netconn *conn, void *local, void *remote );
DWORD netconn_secure( struct netconn *conn, const struct tls_settings *settings, int send_timeout, int recv_timeout,
                      DWORD *failure_flags );
/* the socket itself, beneath TLS */
DWORD socket_send( struct netconn *conn, const void *data, size_t len );
DWORD socket_recv( struct netconn *conn, void *buffer, size_t len, size_t *received );

/* tls.c */
struct tls_settings
{
    DWORD protocols;                    /* WINHTTP_FLAG_SECURE_PROTOCOL_* */
    DWORD security_flags;               /* SECURITY_FLAG_IGNORE_* */
    BOOL check_revocation;              /* WINHTTP_ENABLE_SSL_REVOCATION */
    BOOL ignore_revocation_offline;     /* a revocation server out of reach is no error */
    const struct _CERT_CONTEXT *client_cert;
    BOOL no_client_cert;                /* WINHTTP_NO_CLIENT_CERT_CONTEXT */
};

/* Runs the handshake and judges the certificate; ERROR_WINHTTP_SECURE_FAILURE comes
 * with the WINHTTP_CALLBACK_STATUS_FLAG_* bits for the SECURE_FAILURE callback. */
DWORD tls_connect( struct netconn *conn, const struct tls_settings *settings, DWORD *failure_flags );
DWORD tls_check_certificate( struct netconn *conn, const struct tls_settings *settings, DWORD *failure_flags );
DWORD tls_send( struct netconn *conn, const void *data, size_t len );
DWORD tls_recv( struct netconn *conn, void *buffer, size_t len, size_t *received );
BOOL tls_pending( struct netconn *conn );
void tls_free( struct netconn *conn, BOOL notify );
void tls_get_security( struct netconn *conn, struct security_info *info );
void clear_security( struct security_info *info );
/* the certificate and security options of a request (OPTION_NOT_HANDLED for others) */
DWORD query_security_option( const struct security_info *info, DWORD security_flags, DWORD option, void *buffer,
                             DWORD *len );

/* headers.c */
void free_header_list( struct header_list *list );
DWORD append_header( struct header_list *list, const WCHAR *field, size_t field_len, const WCHAR *value,
                     size_t value_len );
DWORD add_header( struct header_list *list, const WCHAR *field, size_t field_len, const WCHAR *value,
                  size_t value_len, DWORD flags );
DWORD add_request_headers( struct header_list *list, const WCHAR *headers, size_t len, DWORD flags );
const struct header *find_header( const struct header_list *list, const WCHAR *field, unsigned int index );

/* cookies.c: a session's cookie jar, RFC 6265; safe to use from several threads */
struct cookie_jar;
struct cookie_jar *cookie_jar_create( void );
void cookie_jar_free( struct cookie_jar *jar );
/* Stores what one Set-Cookie value received from host, for a request to path, says. */
void cookie_jar_store( struct cookie_jar *jar, const WCHAR *host, const WCHAR *path, BOOL secure,
                       const WCHAR *set_cookie );
/* The Cookie header value for a request ("a=1; b=2"), or NULL when none applies; free() it. */
WCHAR *cookie_jar_header( struct cookie_jar *jar, const WCHAR *host, const WCHAR *path, BOOL secure );

/* decompress.c: Content-Encoding gzip and deflate through zlib, one stream at a time */
struct decompressor;
/* NULL when the encoding is not one we decode (or on allocation failure: check the encoding) */
struct decompressor *decompressor_create( const WCHAR *content_encoding );
/* Inflates in[0..in_len) into out[0..out_len); *finished once the stream has ended.
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE for corrupt data. */
DWORD decompressor_run( struct decompressor *d, const void *in, size_t in_len, size_t *consumed,
                        void *out, size_t out_len, size_t *produced, BOOL *finished );
void decompressor_free( struct decompressor *d );

/* time.c */
BOOL parse_http_time( const WCHAR *string, SYSTEMTIME *time );

/* http.c */
void free_response( struct request *request );
void cancel_request( struct request *request );
DWORD query_connection_info( struct request *request, void *buffer, DWORD *len );
DWORD take_upgraded_connection( struct request *request, struct netconn **conn, char **extra, size_t *extra_len );

/* websocket.c: the upgrade request's headers (Upgrade, Connection, Sec-WebSocket-Key
 * and -Version) written to buffer; returns the characters written */
size_t websocket_upgrade_headers( struct request *request, WCHAR *buffer, size_t size );
/* WinHttpWebSocketCompleteUpgrade's handles (Microsoft's winhttp.h; not in Wine 8's or mingw-w64's) */
#ifndef WINHTTP_HANDLE_TYPE_WEBSOCKET
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 5
#endif

/* request.c */
WCHAR *escape_object_name( const WCHAR *object, DWORD flags );

/* session.c */
extern const struct timeouts default_timeouts;
DWORD pool_get( struct session *session, const WCHAR *host, INTERNET_PORT port, BOOL secure, BOOL probe,
                const BOOL *cancelled, struct netconn **conn );
void pool_release( struct session *session, const WCHAR *host, INTERNET_PORT port, BOOL secure );
void pool_put( struct session *session, struct netconn *conn );
void pool_discard( struct session *session, struct netconn *conn );
struct cookie_jar *session_cookie_jar( struct session *session );
DWORD query_timeout_option( const struct timeouts *t, DWORD option, void *buffer, DWORD *len );
DWORD set_timeout_option( struct timeouts *t, DWORD option, const void *buffer, DWORD len );

/* strings: a NULL source gives NULL; allocation failure gives NULL too */
static inline WCHAR *strdupW( const WCHAR *src )
{
    WCHAR *dst;
    size_t len;
    if (!src) return NULL;
    len = (wcslen( src ) + 1) * sizeof(WCHAR);
    if ((dst = malloc( len ))) memcpy( dst, src, len );
    return dst;
}

/* A host that is an IP address literal, IPv4 dotted or IPv6 (with or without its
 * brackets): cookies match it only whole, TLS sends no SNI for it. No wcs* call:
 * the native fuzzing build maps those names to its own only after this header. */
static inline BOOL is_ip_literal( const WCHAR *host )
{
    const WCHAR *p;
    BOOL digits_and_dots = TRUE;

    if (host[0] == '[') return TRUE;
    for (p = host; *p; p++)
    {
        if (*p == ':') return TRUE;
        if ((*p < '0' || *p > '9') && *p != '.') digits_and_dots = FALSE;
    }
    return digits_and_dots && p > host;
}

#endif /* WINHTTP_PRIVATE_H */
