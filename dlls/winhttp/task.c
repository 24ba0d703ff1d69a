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

static void CALLBACK run_queue( TP_CALLBACK_INSTANCE *instance, void *context )
{
    struct task_queue *queue = context;
    struct task *task;

    for (;;)
    {
        AcquireSRWLockExclusive( &queue->lock );
        if ((task = queue->head) && !(queue->head = task->next)) queue->tail = NULL;
        if (!task) queue->running = FALSE;
        ReleaseSRWLockExclusive( &queue->lock );
        if (!task) return;

        TRACE( "running task %p for %p\n", task, task->obj->handle );
        task->detached = FALSE;
        task->run( task );
        /* a task waiting for the network finishes elsewhere, and frees itself there */
        if (task->detached) continue;
        /* the task's reference kept the object, and so the queue, alive until now */
        release_object( task->obj );
        free( task );
    }
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

    if (start && !TrySubmitThreadpoolCallback( run_queue, queue, NULL ))
    {
        ERR( "could not start a worker\n" );
        /* run it here rather than lose it: the caller is not holding any lock of ours */
        run_queue( NULL, queue );
    }
    return ERROR_SUCCESS;
}
