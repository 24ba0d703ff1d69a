/*
 * WebSocket (RFC 6455) client: WinHttpWebSocketCompleteUpgrade, Send, Receive,
 * Shutdown, Close and QueryCloseStatus.
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
 * The send side (Send, Shutdown) and the receive side (Receive, and Close's wait
 * for the server's close frame) are two serial task queues, so one thread may
 * send while another receives. Each side takes one operation of the
 * application's at a time. Frames go on the wire whole, one at a time, under
 * send_lock: the receive side answers pings through it too. The receive side
 * reads into a buffer of its own and copies to the application's buffer only
 * once it is sure to complete, so that Close may cancel a pending receive and
 * report it at once while the read it was blocked in goes on for Close.
 */

#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "winhttp.h"
#include "ntsecapi.h"

#include "wine/debug.h"
#include "winhttp_private.h"
#include "frame.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

#define MIN_BUFFER_SIZE     256         /* a header and a control frame, whatever the options say */
#define MAX_BUFFER_SIZE     (1 << 20)
#define MAX_INLINE_DEPTH    3           /* completions called from inside completions, before we queue */

struct receive_op;

struct websocket
{
    struct object_header hdr;
    struct netconn *netconn;
    struct task_queue send_queue;
    struct task_queue receive_queue;
    int send_timeout;
    DWORD close_timeout;
    DWORD keepalive_interval;
    TP_TIMER *keepalive_timer;          /* unsolicited pongs while the connection is idle */
    TP_TIMER *close_timer;              /* ends an asynchronous Close that waits too long */
    LONG inline_depth;

    /* under hdr.lock */
    BOOL cancelled;                     /* WinHttpCloseHandle was called */
    DWORD aborted;                      /* the error that ended the connection */
    unsigned int send_ops;              /* Send and Shutdown calls not completed yet */
    unsigned int send_message;          /* WS_TEXT or WS_BINARY while our message is in fragments */
    BOOL shutdown;                      /* Shutdown or Close was called: no more data goes out */
    BOOL closing;                       /* Close was called */
    BOOL close_timed_out;
    BOOL receiving;                     /* a Receive is running or queued */
    struct receive_op *pending_receive; /* the asynchronous one, which Close may cancel */
    BOOL close_received;
    USHORT close_status;
    BYTE close_reason[WS_MAX_CLOSE_REASON];
    DWORD close_reason_len;

    /* under send_lock */
    SRWLOCK send_lock;
    BOOL close_sent;
    BYTE *send_buf;
    size_t send_size;
    BYTE *big_buf;                      /* for long frames: fewer, larger sends */
    BYTE keys[256];                     /* masking keys, drawn 4 bytes a frame */
    unsigned int keys_used;

    /* the receive side's, used by one operation at a time */
    struct ws_decoder decoder;
    BYTE *recv_buf;
    size_t recv_pos, recv_end, recv_size;
};

struct receive_op
{
    struct task task;                   /* first: the queue frees the task */
    void *buffer;
    DWORD len;
    BOOL cancelled;                     /* Close reported it cancelled: it must not complete */
    BOOL claimed;                       /* it completes, whatever Close does */
};

struct send_op
{
    struct task task;
    WINHTTP_WEB_SOCKET_OPERATION operation;    /* SEND or SHUTDOWN */
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    unsigned int opcode;
    BOOL fin;
    const void *buffer;                 /* the application's, until the completion */
    DWORD len;
    USHORT status;                      /* Shutdown's */
    BYTE reason[WS_MAX_CLOSE_REASON];
};

struct close_op
{
    struct task task;
    ULONGLONG deadline;
};

size_t websocket_upgrade_headers( struct request *request, WCHAR *buffer, size_t size )
{
    unsigned char nonce[16];

    /* a fresh random key for every attempt (RFC 6455 4.1) */
    RtlGenRandom( nonce, sizeof(nonce) );
    ws_base64_encode( nonce, sizeof(nonce), request->websocket_key );
    return swprintf( buffer, size, L"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     L"Sec-WebSocket-Key: %hs\r\nSec-WebSocket-Version: 13\r\n", request->websocket_key );
}

static BOOL is_async( struct websocket *ws )
{
    return ws->hdr.flags & WINHTTP_FLAG_ASYNC;
}

/* The connection is over: every later operation fails, and a blocked one wakes. */
static void abort_connection( struct websocket *ws, DWORD error )
{
    AcquireSRWLockExclusive( &ws->hdr.lock );
    if (!ws->aborted) ws->aborted = error;
    ReleaseSRWLockExclusive( &ws->hdr.lock );
    netconn_cancel( ws->netconn );
}

/* An I/O error after WinHttpCloseHandle is the close's doing. */
static DWORD operation_error( struct websocket *ws, DWORD error )
{
    BOOL cancelled;

    if (!error) return ERROR_SUCCESS;
    AcquireSRWLockShared( &ws->hdr.lock );
    cancelled = ws->cancelled;
    ReleaseSRWLockShared( &ws->hdr.lock );
    return cancelled ? ERROR_WINHTTP_OPERATION_CANCELLED : error;
}

/* A fresh masking key from the cryptographic generator, drawn in batches. */
static void next_mask( struct websocket *ws, BYTE mask[4] )
{
    if (!ws->keys_used || ws->keys_used >= sizeof(ws->keys))
    {
        RtlGenRandom( ws->keys, sizeof(ws->keys) );
        ws->keys_used = 0;
    }
    memcpy( mask, ws->keys + ws->keys_used, 4 );
    ws->keys_used += 4;
}

/* a frame this long goes out a megabyte at a time rather than a send buffer at a time:
 * under Wine each send is a trip to wineserver */
#define BIG_SEND_SIZE (1024 * 1024)

/* Writes one masked frame, a send buffer at a time; the caller holds send_lock. */
static DWORD write_frame( struct websocket *ws, unsigned int opcode, BOOL fin, const void *data, size_t len )
{
    const BYTE *payload = data;
    size_t used, take, offset = 0, size = ws->send_size;
    BYTE mask[4], *buf = ws->send_buf;
    DWORD error;

    /* nothing may follow our close frame (RFC 6455 5.5.1) */
    if (ws->close_sent) return ERROR_INVALID_OPERATION;
    if (opcode == WS_CLOSE) ws->close_sent = TRUE;
    if (len > size && (ws->big_buf || (ws->big_buf = malloc( BIG_SEND_SIZE ))))
    {
        buf = ws->big_buf;
        size = BIG_SEND_SIZE;
    }
    next_mask( ws, mask );
    used = ws_encode_header( buf, fin, opcode, len, mask );
    for (;;)
    {
        take = min( len - offset, size - used );
        if (take) memcpy( buf + used, payload + offset, take );
        ws_mask( buf + used, take, mask, offset );
        offset += take;
        used += take;
        if ((error = netconn_send( ws->netconn, buf, used, ws->send_timeout ))) return error;
        if (offset == len) return ERROR_SUCCESS;
        used = 0;
    }
}

static DWORD send_frame( struct websocket *ws, unsigned int opcode, BOOL fin, const void *data, size_t len )
{
    DWORD error;

    AcquireSRWLockExclusive( &ws->send_lock );
    error = write_frame( ws, opcode, fin, data, len );
    ReleaseSRWLockExclusive( &ws->send_lock );
    return error;
}

/* A close frame's payload: the status, unless it is the one that means none, then the reason. */
static size_t close_payload( USHORT status, const void *reason, DWORD len, BYTE *payload )
{
    if (status == WS_STATUS_EMPTY) return 0;
    payload[0] = status >> 8;
    payload[1] = status & 0xff;
    if (len) memcpy( payload + 2, reason, len );
    return 2 + len;
}

static DWORD send_close_frame( struct websocket *ws, USHORT status, const void *reason, DWORD len )
{
    BYTE payload[WS_MAX_CONTROL_PAYLOAD];
    DWORD error = ERROR_SUCCESS;

    AcquireSRWLockExclusive( &ws->send_lock );
    if (!ws->close_sent)
        error = write_frame( ws, WS_CLOSE, TRUE, payload, close_payload( status, reason, len, payload ) );
    ReleaseSRWLockExclusive( &ws->send_lock );
    return error;
}

/* The server broke the protocol: we say why, if the wire is free, and drop the connection. */
static DWORD fail_connection( struct websocket *ws, USHORT status )
{
    BYTE payload[2];

    WARN( "%p: invalid data from the server, closing with %u\n", ws->hdr.handle, status );
    if (TryAcquireSRWLockExclusive( &ws->send_lock ))
    {
        if (!ws->close_sent) write_frame( ws, WS_CLOSE, TRUE, payload, close_payload( status, NULL, 0, payload ) );
        ReleaseSRWLockExclusive( &ws->send_lock );
    }
    abort_connection( ws, ERROR_WINHTTP_INVALID_SERVER_RESPONSE );
    return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
}

/* Receives at most len bytes before the deadline (0 for none); the connection's end
 * without a close frame is an error here. */
static DWORD receive_bytes( struct websocket *ws, void *buffer, size_t len, ULONGLONG deadline, size_t *received )
{
    int timeout = 0;
    DWORD error;

    if (deadline)
    {
        ULONGLONG now = GetTickCount64();
        if (now >= deadline) return ERROR_WINHTTP_TIMEOUT;
        timeout = (int)min( deadline - now, 0x7fffffff );
    }
    error = netconn_recv( ws->netconn, buffer, len, timeout, received );
    if (!error && !*received) error = ERROR_WINHTTP_CONNECTION_ERROR;
    return error;
}

/* The server's next bytes, before the deadline if there is one. Called once
 * everything received before has been used: the decoder keeps what it needs. */
static DWORD read_more( struct websocket *ws, ULONGLONG deadline )
{
    size_t received;
    DWORD error;

    if ((error = receive_bytes( ws, ws->recv_buf, ws->recv_size, deadline, &received ))) return error;
    ws->recv_pos = 0;
    ws->recv_end = received;
    return ERROR_SUCCESS;
}

/* Past this point the receive completes: Close can no longer cancel it. */
static BOOL claim_receive( struct websocket *ws, struct receive_op *op )
{
    BOOL ret;

    AcquireSRWLockExclusive( &ws->hdr.lock );
    if ((ret = !op->cancelled)) op->claimed = TRUE;
    ReleaseSRWLockExclusive( &ws->hdr.lock );
    return ret;
}

static void record_close( struct websocket *ws )
{
    unsigned short status;
    size_t offset;

    ws_parse_close( ws->decoder.control, ws->decoder.control_len, &status, &offset );
    TRACE( "%p: close frame, status %u\n", ws->hdr.handle, status );
    AcquireSRWLockExclusive( &ws->hdr.lock );
    ws->close_received = TRUE;
    ws->close_status = status;
    ws->close_reason_len = ws->decoder.control_len - offset;
    memcpy( ws->close_reason, ws->decoder.control + offset, ws->close_reason_len );
    ReleaseSRWLockExclusive( &ws->hdr.lock );
}

static WINHTTP_WEB_SOCKET_BUFFER_TYPE buffer_type( unsigned int message, BOOL end )
{
    if (message == WS_TEXT)
        return end ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    return end ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

/* payload this long, with nothing buffered, is read straight into the caller's buffer */
#define DIRECT_READ_SIZE 16384

/* Gives op the current frame's payload: the count bytes of it that are buffered,
 * then, for a long frame, more straight from the connection into op's buffer until
 * it is full or the frame ends (one call for a message that fits, as on Windows).
 * The receive is claimed first: once bytes may land in it, Close cannot cancel it. */
static DWORD deliver_payload( struct websocket *ws, struct receive_op *op, size_t count, ULONGLONG deadline,
                              DWORD *read, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    struct ws_decoder *d = &ws->decoder;
    unsigned int message = d->message;
    BYTE *buffer = op->buffer;
    size_t done, received;
    int event;
    DWORD error;

    count = min( count, op->len );
    if (!claim_receive( ws, op )) return ERROR_WINHTTP_OPERATION_CANCELLED;
    /* also for no bytes: an empty frame ends its message */
    if ((event = ws_data( d, ws->recv_buf + ws->recv_pos, count )) == WS_ERROR)
        return fail_connection( ws, d->close_status );
    memcpy( buffer, ws->recv_buf + ws->recv_pos, count );
    ws->recv_pos += count;
    for (done = count; d->remaining && ws->recv_pos == ws->recv_end &&
                       op->len - done >= min( d->remaining, DIRECT_READ_SIZE ); done += received)
    {
        if ((error = receive_bytes( ws, buffer + done, min( d->remaining, op->len - done ), deadline, &received )))
        {
            if (done) break;  /* what came is delivered; the next receive meets the error */
            return error;
        }
        if ((event = ws_data( d, buffer + done, received )) == WS_ERROR) return fail_connection( ws, d->close_status );
    }
    *read = done;
    *type = buffer_type( message, event == WS_MESSAGE_END );
    return ERROR_SUCCESS;
}

/* Reads the server's frames until one gives op data, or a close frame comes;
 * pings are answered and pongs absorbed on the way. Without op (Close's wait),
 * data is thrown away until the close frame. */
static DWORD read_frames( struct websocket *ws, struct receive_op *op, ULONGLONG deadline, DWORD *read,
                          WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    struct ws_decoder *d = &ws->decoder;
    size_t used, count;
    DWORD error;
    int event;

    for (;;)
    {
        if (op && op->cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;
        event = ws_decode( d, ws->recv_buf + ws->recv_pos, ws->recv_end - ws->recv_pos, &used );
        ws->recv_pos += used;
        switch (event)
        {
        case WS_ERROR:
            return fail_connection( ws, d->close_status );

        case WS_NEED_MORE:
            if ((error = read_more( ws, deadline ))) return error;
            break;

        case WS_CONTROL:
            if (d->frame.opcode == WS_PING)
            {
                /* no pong after our close frame: then the close is the answer */
                error = send_frame( ws, WS_PONG, TRUE, d->control, d->control_len );
                if (error && error != ERROR_INVALID_OPERATION) return error;
            }
            if (d->frame.opcode != WS_CLOSE) break;
            record_close( ws );
            if (!op) return ERROR_SUCCESS;
            if (!claim_receive( ws, op )) return ERROR_WINHTTP_OPERATION_CANCELLED;
            *read = 0;
            *type = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;
            return ERROR_SUCCESS;

        case WS_DATA:
            /* wait for payload before the receive is claimed: until then Close may cancel it */
            count = min( d->remaining, ws->recv_end - ws->recv_pos );
            if (!count && d->remaining)
            {
                /* only in the middle of a long frame: a receive claimed while it waits cannot be cancelled */
                if (op && d->remaining >= DIRECT_READ_SIZE && op->len >= DIRECT_READ_SIZE)
                    return deliver_payload( ws, op, 0, deadline, read, type );
                if ((error = read_more( ws, deadline ))) return error;
                break;
            }
            if (op) return deliver_payload( ws, op, count, deadline, read, type );
            if (ws_data( d, ws->recv_buf + ws->recv_pos, count ) == WS_ERROR)
                return fail_connection( ws, d->close_status );
            ws->recv_pos += count;
            break;
        }
    }
}

static DWORD receive( struct websocket *ws, struct receive_op *op, DWORD *read, WINHTTP_WEB_SOCKET_BUFFER_TYPE *type )
{
    DWORD error = read_frames( ws, op, 0, read, type );

    /* an error that was not Close's cancellation ends the connection */
    if (error && error != ERROR_WINHTTP_OPERATION_CANCELLED) abort_connection( ws, error );
    return operation_error( ws, error );
}

/* Close's wait for the server's close frame, data thrown away meanwhile. */
static DWORD wait_for_close( struct websocket *ws, ULONGLONG deadline )
{
    BOOL received, timed_out;
    DWORD error, aborted;

    AcquireSRWLockShared( &ws->hdr.lock );
    received = ws->close_received;
    aborted = ws->aborted;
    ReleaseSRWLockShared( &ws->hdr.lock );
    if (received) return ERROR_SUCCESS;
    if (!(error = aborted) && !(error = read_frames( ws, NULL, deadline, NULL, NULL ))) return ERROR_SUCCESS;

    AcquireSRWLockShared( &ws->hdr.lock );
    timed_out = ws->close_timed_out;
    ReleaseSRWLockShared( &ws->hdr.lock );
    if (timed_out) error = ERROR_WINHTTP_TIMEOUT;
    abort_connection( ws, error );
    return operation_error( ws, error );
}

static void send_error( struct websocket *ws, WINHTTP_WEB_SOCKET_OPERATION operation, DWORD error )
{
    WINHTTP_WEB_SOCKET_ASYNC_RESULT result;

    result.AsyncResult.dwResult = 0;
    result.AsyncResult.dwError = error;
    result.Operation = operation;
    send_callback( &ws->hdr, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof(result) );
}

static void send_status( struct websocket *ws, DWORD status, DWORD count, WINHTTP_WEB_SOCKET_BUFFER_TYPE type )
{
    WINHTTP_WEB_SOCKET_STATUS info;

    info.dwBytesTransferred = count;
    info.eBufferType = type;
    send_callback( &ws->hdr, status, &info, sizeof(info) );
}

static BOOL run_receive_task( struct task *task )
{
    struct receive_op *op = CONTAINING_RECORD( task, struct receive_op, task );
    struct websocket *ws = CONTAINING_RECORD( task->obj, struct websocket, hdr );
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = 0;
    DWORD error, read = 0;
    BOOL reported;

    error = receive( ws, op, &read, &type );
    AcquireSRWLockExclusive( &ws->hdr.lock );
    ws->receiving = FALSE;
    ws->pending_receive = NULL;
    reported = op->cancelled;
    ReleaseSRWLockExclusive( &ws->hdr.lock );

    /* the next receive may start from inside the callback */
    if (reported) return FALSE;
    if (error) send_error( ws, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, error );
    else send_status( ws, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, read, type );
    return FALSE;
}

static DWORD run_send( struct websocket *ws, const struct send_op *op )
{
    BOOL cancelled;
    DWORD error;

    AcquireSRWLockShared( &ws->hdr.lock );
    cancelled = ws->cancelled;
    ReleaseSRWLockShared( &ws->hdr.lock );
    if (cancelled) return ERROR_WINHTTP_OPERATION_CANCELLED;

    if (op->operation == WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION)
        error = send_close_frame( ws, op->status, op->reason, op->len );
    else
        error = send_frame( ws, op->opcode, op->fin, op->buffer, op->len );
    if (error) abort_connection( ws, error );
    return operation_error( ws, error );
}

/* The send side is free again; on asynchronous handles the application hears how it went. */
static void complete_send( struct websocket *ws, const struct send_op *op, DWORD error )
{
    AcquireSRWLockExclusive( &ws->hdr.lock );
    ws->send_ops--;
    ReleaseSRWLockExclusive( &ws->hdr.lock );

    if (!is_async( ws )) return;
    if (error) send_error( ws, op->operation, error );
    else if (op->operation == WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION)
        send_callback( &ws->hdr, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, NULL, 0 );
    else send_status( ws, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, op->len, op->type );
}

static BOOL run_send_task( struct task *task )
{
    struct send_op *op = CONTAINING_RECORD( task, struct send_op, task );
    struct websocket *ws = CONTAINING_RECORD( task->obj, struct websocket, hdr );

    complete_send( ws, op, run_send( ws, op ) );
    return FALSE;
}

/* Runs a send-side operation: on the caller's thread when it is synchronous, or
 * asynchronous but small with nothing before it (Windows completes those before
 * the call returns), else on the send queue. ERROR_IO_PENDING when queued. */
static DWORD start_send( struct websocket *ws, const struct send_op *op, BOOL run_here )
{
    struct send_op *task;
    DWORD error;

    if (!is_async( ws ))
    {
        error = run_send( ws, op );
        complete_send( ws, op, error );
        return error;
    }
    if (run_here && ws->inline_depth < MAX_INLINE_DEPTH)
    {
        InterlockedIncrement( &ws->inline_depth );
        complete_send( ws, op, run_send( ws, op ) );
        InterlockedDecrement( &ws->inline_depth );
        return ERROR_SUCCESS;
    }
    if (!(task = malloc( sizeof(*task) )))
    {
        AcquireSRWLockExclusive( &ws->hdr.lock );
        ws->send_ops--;
        ReleaseSRWLockExclusive( &ws->hdr.lock );
        return ERROR_OUTOFMEMORY;
    }
    *task = *op;
    task->task.obj = &ws->hdr;
    task->task.run = run_send_task;
    InterlockedIncrement( &ws->hdr.refs );
    queue_task( &ws->send_queue, &task->task );
    return ERROR_IO_PENDING;
}

static BOOL run_close_task( struct task *task )
{
    struct close_op *op = CONTAINING_RECORD( task, struct close_op, task );
    struct websocket *ws = CONTAINING_RECORD( task->obj, struct websocket, hdr );
    DWORD error;

    error = wait_for_close( ws, op->deadline );
    SetThreadpoolTimer( ws->close_timer, NULL, 0, 0 );
    if (error) send_error( ws, WINHTTP_WEB_SOCKET_CLOSE_OPERATION, error );
    else send_callback( &ws->hdr, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, NULL, 0 );
    return FALSE;
}

/* A thread-pool timer's due time, ms from now. */
static FILETIME *relative_time( DWORD ms, FILETIME *ft )
{
    LARGE_INTEGER due;

    due.QuadPart = -(LONGLONG)ms * 10000;  /* in 100 ns units; negative: relative */
    ft->dwLowDateTime = due.LowPart;
    ft->dwHighDateTime = due.HighPart;
    return ft;
}

static void CALLBACK close_timer_expired( TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer )
{
    struct websocket *ws = context;
    BOOL received;

    AcquireSRWLockExclusive( &ws->hdr.lock );
    if (!(received = ws->close_received)) ws->close_timed_out = TRUE;
    ReleaseSRWLockExclusive( &ws->hdr.lock );
    /* wakes the read Close waits behind, or Close's own */
    if (!received) netconn_cancel( ws->netconn );
}

/* Queues Close's wait behind whatever the receive side is doing, with a timer
 * that ends it, and the read it waits behind, at the close timeout. */
static DWORD queue_close_wait( struct websocket *ws, ULONGLONG deadline )
{
    struct close_op *op;
    FILETIME ft;

    if (!ws->close_timer && !(ws->close_timer = CreateThreadpoolTimer( close_timer_expired, ws, task_environment() )))
        return ERROR_OUTOFMEMORY;
    if (!(op = calloc( 1, sizeof(*op) ))) return ERROR_OUTOFMEMORY;
    op->deadline = deadline;
    op->task.obj = &ws->hdr;
    op->task.run = run_close_task;
    SetThreadpoolTimer( ws->close_timer, relative_time( ws->close_timeout, &ft ), 0, 0 );
    InterlockedIncrement( &ws->hdr.refs );
    return queue_task( &ws->receive_queue, &op->task );
}

static void CALLBACK send_keepalive( TP_CALLBACK_INSTANCE *instance, void *context, TP_TIMER *timer )
{
    struct websocket *ws = context;
    BOOL idle;

    AcquireSRWLockShared( &ws->hdr.lock );
    idle = !ws->cancelled && !ws->aborted && !ws->shutdown && !ws->send_ops;
    ReleaseSRWLockShared( &ws->hdr.lock );
    /* an unsolicited pong (RFC 6455 5.5.3), never waiting behind a send */
    if (!idle || !TryAcquireSRWLockExclusive( &ws->send_lock )) return;
    if (!ws->close_sent) write_frame( ws, WS_PONG, TRUE, NULL, 0 );
    ReleaseSRWLockExclusive( &ws->send_lock );
}

static void set_keepalive_timer( struct websocket *ws )
{
    DWORD interval = ws->keepalive_interval;
    FILETIME ft;

    if (!ws->keepalive_timer) return;
    SetThreadpoolTimer( ws->keepalive_timer, interval ? relative_time( interval, &ft ) : NULL, interval, 0 );
}

static void stop_timer( TP_TIMER *timer )
{
    if (!timer) return;
    SetThreadpoolTimer( timer, NULL, 0, 0 );
    WaitForThreadpoolTimerCallbacks( timer, TRUE );
    CloseThreadpoolTimer( timer );
}

static void websocket_destroy( struct object_header *hdr )
{
    struct websocket *ws = CONTAINING_RECORD( hdr, struct websocket, hdr );

    /* their callbacks use the object but hold no reference on it */
    stop_timer( ws->keepalive_timer );
    stop_timer( ws->close_timer );
    netconn_close( ws->netconn );
    free( ws->send_buf );
    free( ws->big_buf );
    free( ws->recv_buf );
    free( ws );
}

/* WinHttpCloseHandle: whatever waits on the connection wakes and ends cancelled. */
static void websocket_close( struct object_header *hdr )
{
    struct websocket *ws = CONTAINING_RECORD( hdr, struct websocket, hdr );

    AcquireSRWLockExclusive( &ws->hdr.lock );
    ws->cancelled = TRUE;
    ReleaseSRWLockExclusive( &ws->hdr.lock );
    if (ws->keepalive_timer) SetThreadpoolTimer( ws->keepalive_timer, NULL, 0, 0 );
    netconn_cancel( ws->netconn );
}

static DWORD websocket_query_option( struct object_header *hdr, DWORD option, void *buffer, DWORD *len )
{
    return OPTION_NOT_HANDLED;
}

static DWORD websocket_set_option( struct object_header *hdr, DWORD option, void *buffer, DWORD len )
{
    struct websocket *ws = CONTAINING_RECORD( hdr, struct websocket, hdr );
    DWORD value;

    switch (option)
    {
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL:
        if (len != sizeof(DWORD)) return ERROR_INVALID_PARAMETER;
        memcpy( &value, buffer, sizeof(value) );
        if (value < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) return ERROR_INVALID_PARAMETER;
        ws->keepalive_interval = value;
        set_keepalive_timer( ws );
        return ERROR_SUCCESS;
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
        return read_dword_option( buffer, len, &ws->close_timeout );
    }
    return OPTION_NOT_HANDLED;
}

static const struct object_vtbl websocket_vtbl =
{
    websocket_destroy,
    websocket_close,
    websocket_query_option,
    websocket_set_option,
};

static size_t buffer_size( DWORD option )
{
    return min( max( option, MIN_BUFFER_SIZE ), MAX_BUFFER_SIZE );
}

/* The server's Sec-WebSocket-Accept must answer the key we sent. */
static BOOL is_accepted( struct request *request )
{
    char accept[WS_ACCEPT_SIZE];
    const struct header *header;
    BOOL ret = FALSE;
    unsigned int i;

    ws_accept_key( request->websocket_key, strlen( request->websocket_key ), accept );
    AcquireSRWLockShared( &request->hdr.lock );
    if ((header = find_header( &request->response_headers, L"Sec-WebSocket-Accept", 0 )))
    {
        for (i = 0; accept[i] && header->value[i] == (WCHAR)accept[i]; i++) ;
        ret = !accept[i] && !header->value[i];
    }
    ReleaseSRWLockShared( &request->hdr.lock );
    return ret;
}

/* A websocket on the request's upgraded connection; the bytes that came with
 * the 101 are the first of the frame stream. */
static DWORD create_websocket( struct request *request, DWORD_PTR context, struct websocket **ret )
{
    struct websocket *ws;
    char *extra;
    size_t extra_len;
    DWORD error;

    if (!(ws = calloc( 1, sizeof(*ws) ))) return ERROR_OUTOFMEMORY;
    if ((error = take_upgraded_connection( request, &ws->netconn, &extra, &extra_len )))
    {
        free( ws );
        return error;
    }
    init_object( &ws->hdr, WINHTTP_HANDLE_TYPE_WEBSOCKET, &websocket_vtbl, &request->hdr );
    ws->hdr.context = context;
    ws->send_timeout = request->timeouts.send;
    ws->close_timeout = request->websocket_close_timeout;
    ws->keepalive_interval = request->websocket_keepalive;
    InitializeSRWLock( &ws->send_lock );
    InitializeSRWLock( &ws->send_queue.lock );
    InitializeSRWLock( &ws->receive_queue.lock );
    ws->send_queue.owner = ws->receive_queue.owner = &ws->hdr;
    ws->send_size = buffer_size( request->websocket_send_buffer_size );
    ws->recv_size = max( buffer_size( request->websocket_receive_buffer_size ), extra_len );
    ws->send_buf = malloc( ws->send_size );
    ws->recv_buf = malloc( ws->recv_size );
    ws->keepalive_timer = CreateThreadpoolTimer( send_keepalive, ws, task_environment() );
    if (!ws->send_buf || !ws->recv_buf || !ws->keepalive_timer)
    {
        free( extra );
        release_object( &ws->hdr );
        return ERROR_OUTOFMEMORY;
    }
    memcpy( ws->recv_buf, extra, extra_len );
    ws->recv_end = extra_len;
    free( extra );
    set_keepalive_timer( ws );
    *ret = ws;
    return ERROR_SUCCESS;
}

HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade( HINTERNET handle, DWORD_PTR context )
{
    struct websocket *ws = NULL;
    struct object_header *obj;
    struct request *request;
    HINTERNET ret = NULL;
    DWORD error;

    TRACE( "%p, %#Ix\n", handle, context );

    if (!(obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_REQUEST ))) return NULL;
    request = CONTAINING_RECORD( obj, struct request, hdr );
    /* only a request that asked for the upgrade and got its 101 can become a WebSocket */
    if (!request->upgrade_to_websocket || request->state != REQUEST_RESPONSE || request->status_code != 101 ||
        request->busy)
        error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    else if (!is_accepted( request ))
        error = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
    else
        /* the connection leaves the request once: a second or concurrent call fails here */
        error = create_websocket( request, context, &ws );
    if (!error && !(ret = open_handle( &ws->hdr ))) error = GetLastError();
    release_object( obj );
    TRACE( "returning %p, error %lu\n", ret, error );
    SetLastError( error );
    return ret;
}

static struct websocket *grab_websocket( HINTERNET handle, DWORD *error )
{
    struct object_header *obj = grab_object_type( handle, WINHTTP_HANDLE_TYPE_WEBSOCKET );

    if (!obj)
    {
        *error = GetLastError();
        return NULL;
    }
    return CONTAINING_RECORD( obj, struct websocket, hdr );
}

/* The frame a Send of this type makes, given the message our fragments started
 * (0, WS_TEXT or WS_BINARY); FALSE when the type cannot continue that message. */
static BOOL frame_for_send( unsigned int *message, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, unsigned int *opcode,
                            BOOL *fin )
{
    BOOL text = type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
                type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    BOOL fragment = type == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE ||
                    type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    unsigned int kind = text ? WS_TEXT : WS_BINARY;

    if (*message && *message != kind) return FALSE;
    *opcode = *message ? WS_CONTINUATION : kind;
    *fin = !fragment;
    *message = fragment ? kind : 0;
    return TRUE;
}

DWORD WINAPI WinHttpWebSocketSend( HINTERNET handle, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void *buf, DWORD len )
{
    struct send_op op = { .operation = WINHTTP_WEB_SOCKET_SEND_OPERATION, .type = type, .buffer = buf, .len = len };
    struct websocket *ws;
    BOOL run_here;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %d, %p, %lu\n", handle, type, buf, len );

    if ((!buf && len) || type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE) return ERROR_INVALID_PARAMETER;
    if (!(ws = grab_websocket( handle, &error ))) return error;

    AcquireSRWLockExclusive( &ws->hdr.lock );
    if (ws->shutdown || ws->close_received || ws->aborted || ws->send_ops) error = ERROR_INVALID_OPERATION;
    else if (!frame_for_send( &ws->send_message, type, &op.opcode, &op.fin )) error = ERROR_INVALID_PARAMETER;
    else ws->send_ops++;
    ReleaseSRWLockExclusive( &ws->hdr.lock );

    run_here = len <= ws->send_size - WS_MAX_HEADER;
    if (!error && (error = start_send( ws, &op, run_here )) == ERROR_IO_PENDING) error = ERROR_SUCCESS;
    release_object( &ws->hdr );
    return error;
}

DWORD WINAPI WinHttpWebSocketShutdown( HINTERNET handle, USHORT status, void *reason, DWORD len )
{
    struct send_op op = { .operation = WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, .status = status, .len = len };
    struct websocket *ws;
    BOOL run_here = FALSE;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %u, %p, %lu\n", handle, status, reason, len );

    if ((!reason && len) || len > WS_MAX_CLOSE_REASON) return ERROR_INVALID_PARAMETER;
    if (!(ws = grab_websocket( handle, &error ))) return error;

    AcquireSRWLockExclusive( &ws->hdr.lock );
    /* on asynchronous handles it may follow a pending send, on its queue */
    if (ws->shutdown || ws->aborted || (ws->send_ops && !is_async( ws ))) error = ERROR_INVALID_OPERATION;
    else
    {
        ws->shutdown = TRUE;
        run_here = !ws->send_ops++;
    }
    ReleaseSRWLockExclusive( &ws->hdr.lock );

    if (!error)
    {
        if (len) memcpy( op.reason, reason, len );
        error = start_send( ws, &op, run_here );
    }
    release_object( &ws->hdr );
    return error;
}

DWORD WINAPI WinHttpWebSocketReceive( HINTERNET handle, void *buf, DWORD len, DWORD *ret_len,
                                      WINHTTP_WEB_SOCKET_BUFFER_TYPE *ret_type )
{
    struct receive_op op = { .buffer = buf, .len = len }, *task = NULL;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
    struct websocket *ws;
    DWORD error = ERROR_SUCCESS, read;

    TRACE( "%p, %p, %lu, %p, %p\n", handle, buf, len, ret_len, ret_type );

    if (!buf || !len) return ERROR_INVALID_PARAMETER;
    if (!(ws = grab_websocket( handle, &error ))) return error;

    if (!is_async( ws ) && (!ret_len || !ret_type)) error = ERROR_INVALID_PARAMETER;
    else if (is_async( ws ) && !(task = malloc( sizeof(*task) ))) error = ERROR_OUTOFMEMORY;
    else
    {
        AcquireSRWLockExclusive( &ws->hdr.lock );
        if (ws->receiving || ws->closing || ws->close_received || ws->aborted) error = ERROR_INVALID_OPERATION;
        else
        {
            ws->receiving = TRUE;
            if (task)
            {
                *task = op;
                ws->pending_receive = task;
            }
        }
        ReleaseSRWLockExclusive( &ws->hdr.lock );
    }

    if (error) free( task );
    else if (task)
    {
        task->task.obj = &ws->hdr;
        task->task.run = run_receive_task;
        InterlockedIncrement( &ws->hdr.refs );
        queue_task( &ws->receive_queue, &task->task );
    }
    else
    {
        if (!(error = receive( ws, &op, &read, &type )))
        {
            *ret_len = read;
            *ret_type = type;
        }
        AcquireSRWLockExclusive( &ws->hdr.lock );
        ws->receiving = FALSE;
        ReleaseSRWLockExclusive( &ws->hdr.lock );
    }
    release_object( &ws->hdr );
    return error;
}

DWORD WINAPI WinHttpWebSocketClose( HINTERNET handle, USHORT status, void *reason, DWORD len )
{
    BOOL cancelled = FALSE, received = FALSE, receiving = FALSE;
    struct websocket *ws;
    ULONGLONG deadline;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %u, %p, %lu\n", handle, status, reason, len );

    if ((!reason && len) || len > WS_MAX_CLOSE_REASON) return ERROR_INVALID_PARAMETER;
    if (!(ws = grab_websocket( handle, &error ))) return error;

    AcquireSRWLockExclusive( &ws->hdr.lock );
    /* it needs both sides: only an asynchronous receive may be pending, and it is cancelled */
    if (ws->closing || ws->aborted || ws->send_ops || (ws->receiving && !is_async( ws )))
        error = ERROR_INVALID_OPERATION;
    else
    {
        ws->closing = ws->shutdown = TRUE;
        if (ws->pending_receive && !ws->pending_receive->claimed) cancelled = ws->pending_receive->cancelled = TRUE;
        receiving = ws->receiving && !cancelled;
    }
    ReleaseSRWLockExclusive( &ws->hdr.lock );
    if (error) goto done;

    /* Windows reports the cancelled receive before Close returns */
    if (cancelled) send_error( ws, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, ERROR_WINHTTP_OPERATION_CANCELLED );

    error = send_close_frame( ws, status, reason, len );
    AcquireSRWLockShared( &ws->hdr.lock );
    received = ws->close_received;
    ReleaseSRWLockShared( &ws->hdr.lock );
    /* the server has closed already: the handshake is complete without our frame */
    if (error && !received)
    {
        abort_connection( ws, error );
        error = operation_error( ws, error );
        goto done;
    }
    error = ERROR_SUCCESS;

    deadline = GetTickCount64() + ws->close_timeout;
    if (!is_async( ws )) error = wait_for_close( ws, deadline );
    else if (received && !receiving && !cancelled)
        send_callback( &ws->hdr, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, NULL, 0 );
    else error = queue_close_wait( ws, deadline );

done:
    release_object( &ws->hdr );
    return error;
}

DWORD WINAPI WinHttpWebSocketQueryCloseStatus( HINTERNET handle, USHORT *status, void *reason, DWORD len,
                                               DWORD *ret_len )
{
    struct websocket *ws;
    DWORD error = ERROR_SUCCESS;

    TRACE( "%p, %p, %p, %lu, %p\n", handle, status, reason, len, ret_len );

    if (!status || (!reason && len) || !ret_len) return ERROR_INVALID_PARAMETER;
    if (!(ws = grab_websocket( handle, &error ))) return error;

    AcquireSRWLockShared( &ws->hdr.lock );
    if (!ws->close_received) error = ERROR_INVALID_OPERATION;
    else
    {
        *status = ws->close_status;
        *ret_len = ws->close_reason_len;
        if (len < ws->close_reason_len) error = ERROR_INSUFFICIENT_BUFFER;
        else if (ws->close_reason_len) memcpy( reason, ws->close_reason, ws->close_reason_len );
    }
    ReleaseSRWLockShared( &ws->hdr.lock );
    release_object( &ws->hdr );
    return error;
}
