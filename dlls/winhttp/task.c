/*
 * Serial task queues: the asynchronous operations of one request run one at a
 * time, in order, on the thread pool; different requests run in parallel.
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

/* Our own thread pool, so a burst of requests cannot grow the process's
 * default pool to hundreds of threads: operations that wait for the network
 * park on the poller thread (see poller.c), so a few workers keep up; a few
 * more than the cores, for connects and handshakes, which still block one. */
#define MAX_WORKERS 6

static TP_CALLBACK_ENVIRON pool_environment;
static INIT_ONCE pool_once = INIT_ONCE_STATIC_INIT;

static BOOL WINAPI create_pool( INIT_ONCE *once, void *param, void **context )
{
    TP_POOL *pool;

    /* by hand: Wine's headers keep the inline helpers from Wine's own sources */
    memset( &pool_environment, 0, sizeof(pool_environment) );
    pool_environment.Version = 1;
    if (!(pool = CreateThreadpool( NULL ))) return TRUE;  /* the process's pool will do */
    /* WINHTTP_OPTION_WORKER_THREAD_COUNT, set before the first asynchronous request, wins */
    SetThreadpoolThreadMaximum( pool, worker_thread_count() ? worker_thread_count() : MAX_WORKERS );
    pool_environment.Pool = pool;
    return TRUE;
}

/* The callback environment every asynchronous piece of work of ours runs in. */
TP_CALLBACK_ENVIRON *task_environment( void )
{
    InitOnceExecuteOnce( &pool_once, create_pool, NULL, NULL );
    return &pool_environment;
}

static void CALLBACK run_queue( TP_CALLBACK_INSTANCE *instance, void *context )
{
    struct task_queue *queue = context;
    struct object_header *owner = queue->owner;
    struct task *task;

    /* the queue lives in its owner: keep the owner until we are done with the
     * queue, whatever the tasks' callbacks close */
    InterlockedIncrement( &owner->refs );
    for (;;)
    {
        AcquireSRWLockExclusive( &queue->lock );
        if ((task = queue->head) && !(queue->head = task->next)) queue->tail = NULL;
        if (!task) queue->running = FALSE;
        ReleaseSRWLockExclusive( &queue->lock );
        if (!task) break;

        TRACE( "running task %p for %p\n", task, task->obj->handle );
        /* a task parked to wait for the network finishes elsewhere, and frees itself
         * there, maybe already: it must not be touched again here */
        if (task->run( task )) continue;
        release_object( task->obj );
        free( task );
    }
    release_object( owner );
}

/* Queues a task; the caller has taken a reference on task->obj for it. */
DWORD queue_task( struct task_queue *queue, struct task *task )
{
    BOOL start;

    task->next = NULL;
    AcquireSRWLockExclusive( &queue->lock );
    if (queue->tail) queue->tail->next = task;
    else queue->head = task;
    queue->tail = task;
    start = !queue->running;
    queue->running = TRUE;
    ReleaseSRWLockExclusive( &queue->lock );

    if (start && !TrySubmitThreadpoolCallback( run_queue, queue, task_environment() ))
    {
        ERR( "could not start a worker\n" );
        /* run it here rather than lose it: the caller is not holding any lock of ours */
        run_queue( NULL, queue );
    }
    return ERROR_SUCCESS;
}
