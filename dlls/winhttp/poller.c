/*
 * One thread that polls every socket an asynchronous operation is parked on:
 * a request waiting for its server holds no thread, and a thousand of them cost
 * one WSAPoll (one trip to wineserver under Wine) instead of a thread-pool wait,
 * an event and two changes of the socket's mode each.
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

#include "winsock2.h"
#include "windef.h"
#include "winbase.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

/* the thread goes when nothing has waited for this long, and comes back when needed */
#define IDLE_EXIT_MS 2000

static SRWLOCK lock = SRWLOCK_INIT;
static struct socket_wait *waits;       /* a list; only the poller thread takes entries off it */
static unsigned int wait_count;
static BOOL running;                    /* the poller thread exists */
static BOOL polling;                    /* it is in WSAPoll: a new wait must wake it */
static BOOL wake_sent;                  /* a byte is on its way to wake it */
static SOCKET wake_send = INVALID_SOCKET, wake_recv = INVALID_SOCKET;

/* A connected pair of loopback sockets: a byte on one ends the poll on the other. */
static BOOL WINAPI create_wake_pair( INIT_ONCE *once, void *param, void **context )
{
    struct sockaddr_in addr = { AF_INET };
    int len = sizeof(addr);
    SOCKET listener;
    WSADATA data;

    WSAStartup( MAKEWORD(2, 2), &data );
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    if ((listener = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP )) == INVALID_SOCKET) return FALSE;
    if (!bind( listener, (struct sockaddr *)&addr, sizeof(addr) ) && !listen( listener, 1 ) &&
        !getsockname( listener, (struct sockaddr *)&addr, &len ) &&
        (wake_send = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP )) != INVALID_SOCKET &&
        !connect( wake_send, (struct sockaddr *)&addr, sizeof(addr) ))
        wake_recv = accept( listener, NULL, NULL );
    closesocket( listener );
    if (wake_recv == INVALID_SOCKET)
    {
        ERR( "no wake-up sockets: %d\n", WSAGetLastError() );
        return FALSE;
    }
    return TRUE;
}

static void CALLBACK run_done( TP_CALLBACK_INSTANCE *instance, void *context )
{
    struct socket_wait *wait = context;
    wait->done( wait, wait->timed_out );
}

static void remove_wait( struct socket_wait *wait )
{
    if (wait->prev) wait->prev->next = wait->next;
    else waits = wait->next;
    if (wait->next) wait->next->prev = wait->prev;
    wait->registered = FALSE;
    wait_count--;
}

static DWORD CALLBACK poller_thread( void *arg )
{
    HMODULE module = arg;
    struct socket_wait **entries = NULL, *wait, *ready;
    WSAPOLLFD *fds = NULL;
    unsigned int capacity = 0, count, i;
    ULONGLONG now, idle_since = GetTickCount64();
    char drain[64];
    int timeout, ret;

    for (;;)
    {
        AcquireSRWLockExclusive( &lock );
        now = GetTickCount64();
        if (!wait_count && now - idle_since >= IDLE_EXIT_MS)
        {
            running = FALSE;
            ReleaseSRWLockExclusive( &lock );
            break;
        }
        if (wait_count + 1 > capacity)
        {
            unsigned int grown = max( 64, (wait_count + 1) * 2 );
            void *new_fds = realloc( fds, grown * sizeof(*fds) ), *new_entries;

            if (new_fds) fds = new_fds;
            new_entries = realloc( entries, grown * sizeof(*entries) );
            if (new_entries) entries = new_entries;
            if (new_fds && new_entries) capacity = grown;
        }
        fds[0].fd = wake_recv;
        fds[0].events = POLLRDNORM;
        count = 1;
        timeout = wait_count ? -1 : IDLE_EXIT_MS;
        for (wait = waits; wait && count < capacity; wait = wait->next)
        {
            if (wait->wake_now) timeout = 0;
            else if (wait->deadline)
            {
                int left = wait->deadline > now ? (int)min( wait->deadline - now, 0x7fffffff ) : 0;
                if (timeout < 0 || left < timeout) timeout = left;
            }
            fds[count].fd = wait->socket;
            fds[count].events = POLLRDNORM;
            fds[count].revents = 0;
            entries[count++] = wait;
        }
        polling = TRUE;
        ReleaseSRWLockExclusive( &lock );

        fds[0].revents = 0;
        ret = WSAPoll( fds, count, timeout );
        if (ret < 0)
        {
            WARN( "WSAPoll failed: %d\n", WSAGetLastError() );
            Sleep( 10 );  /* the waits still end, by their deadlines or the next wake */
        }

        AcquireSRWLockExclusive( &lock );
        polling = FALSE;
        if (fds[0].revents)
        {
            recv( wake_recv, drain, sizeof(drain), 0 );
            wake_sent = FALSE;
        }
        now = GetTickCount64();
        ready = NULL;
        for (i = 1; i < count; i++)
        {
            wait = entries[i];
            /* ready, hung up or broken: the operation itself finds out which */
            if (ret > 0 && fds[i].revents) wait->timed_out = FALSE;
            else if (wait->wake_now) wait->timed_out = FALSE;
            else if (wait->deadline && now >= wait->deadline) wait->timed_out = TRUE;
            else continue;
            remove_wait( wait );
            wait->next = ready;
            ready = wait;
        }
        /* idle means nothing waited all along, not just now */
        if (wait_count || count > 1) idle_since = now;
        ReleaseSRWLockExclusive( &lock );

        while ((wait = ready))
        {
            ready = wait->next;
            if (!TrySubmitThreadpoolCallback( run_done, wait, task_environment() )) run_done( NULL, wait );
        }
    }
    free( fds );
    free( entries );
    /* the thread held the module: it cannot be unloaded under the running code */
    FreeLibraryAndExitThread( module, 0 );
    return 0;
}

/* Wakes the poller so that it sees a change of the list; under the lock. */
static void wake_poller( void )
{
    if (!polling || wake_sent) return;
    wake_sent = TRUE;
    send( wake_send, "", 1, 0 );
}

/* Parks wait until its socket is readable (data, or the end of the connection) or
 * its deadline passes; wait->done then runs on a worker. */
BOOL socket_wait_start( struct socket_wait *wait, SOCKET_HANDLE socket, int timeout )
{
    static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
    HMODULE module;
    HANDLE thread;

    if (!InitOnceExecuteOnce( &once, create_wake_pair, NULL, NULL )) return FALSE;
    wait->socket = socket;
    wait->deadline = timeout > 0 ? GetTickCount64() + timeout : 0;
    wait->wake_now = FALSE;
    wait->timed_out = FALSE;

    AcquireSRWLockExclusive( &lock );
    if (!running)
    {
        if (!GetModuleHandleExW( GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)poller_thread, &module ) ||
            !(thread = CreateThread( NULL, 0, poller_thread, module, 0, NULL )))
        {
            ReleaseSRWLockExclusive( &lock );
            return FALSE;
        }
        CloseHandle( thread );
        running = TRUE;
    }
    wait->prev = NULL;
    wait->next = waits;
    if (waits) waits->prev = wait;
    waits = wait;
    wait->registered = TRUE;
    wait_count++;
    wake_poller();
    ReleaseSRWLockExclusive( &lock );
    return TRUE;
}

/* Ends a parked wait at once (its operation is being cancelled); nothing if it is over. */
void socket_wait_wake( struct socket_wait *wait )
{
    AcquireSRWLockExclusive( &lock );
    if (wait->registered)
    {
        wait->wake_now = TRUE;
        wake_poller();
    }
    ReleaseSRWLockExclusive( &lock );
}
