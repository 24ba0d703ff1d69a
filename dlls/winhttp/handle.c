/*
 * The handle table: HINTERNET values name a slot and its generation, so a
 * closed handle can never reach the object that later reuses its slot.
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

/* A handle is (generation << SLOT_BITS) | (slot + 1): never NULL, and with 32
 * generation bits on 64-bit a slot is reused 2^32 times before a value recurs. */
#ifdef _WIN64
#define SLOT_BITS  24
#define GENERATION_MASK 0xffffffffu
#else
#define SLOT_BITS  11
#define GENERATION_MASK ((1u << (32 - SLOT_BITS)) - 1)
#endif
#define MAX_SLOTS  ((1u << SLOT_BITS) - 1)
#define NO_SLOT    (~0u)

struct handle_slot
{
    struct object_header *object;   /* NULL while free */
    UINT32 generation;
    UINT32 next_free;
};

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct handle_slot *slots;
static UINT32 slot_count, slot_capacity;
/* freed slots are reused oldest first, so a value comes back as late as possible */
static UINT32 free_head = NO_SLOT, free_tail = NO_SLOT;

static HINTERNET make_handle( UINT32 index, UINT32 generation )
{
    return (HINTERNET)(((ULONG_PTR)generation << SLOT_BITS) | (index + 1));
}

/* the slot a handle value names, or NO_SLOT; call with table_lock held */
static UINT32 find_slot( HINTERNET handle )
{
    ULONG_PTR value = (ULONG_PTR)handle;
    UINT32 index = (UINT32)(value & MAX_SLOTS);

    if (!index || --index >= slot_count) return NO_SLOT;
    if (!slots[index].object || (value >> SLOT_BITS) != slots[index].generation) return NO_SLOT;
    return index;
}

static UINT32 alloc_slot( void )
{
    UINT32 index;

    if (free_head != NO_SLOT)
    {
        index = free_head;
        free_head = slots[index].next_free;
        if (free_head == NO_SLOT) free_tail = NO_SLOT;
        return index;
    }
    if (slot_count == slot_capacity)
    {
        UINT32 capacity = slot_capacity ? slot_capacity * 2 : 64;
        struct handle_slot *grown;

        if (capacity > MAX_SLOTS) capacity = MAX_SLOTS;
        if (slot_count == capacity) return NO_SLOT;
        if (!(grown = realloc( slots, capacity * sizeof(*slots) ))) return NO_SLOT;
        slots = grown;
        slot_capacity = capacity;
    }
    slots[slot_count].generation = 0;
    return slot_count++;
}

void init_object( struct object_header *obj, DWORD type, const struct object_vtbl *vtbl,
                  struct object_header *parent )
{
    obj->type = type;
    obj->vtbl = vtbl;
    obj->refs = 1;  /* the creator's reference, until publish_object */
    InitializeSRWLock( &obj->lock );
    InitializeSRWLock( &obj->callback_lock );
    if (parent)
    {
        InterlockedIncrement( &parent->refs );
        obj->parent = parent;
        obj->flags = parent->flags;
        obj->context = parent->context;
        AcquireSRWLockShared( &parent->callback_lock );
        obj->callback = parent->callback;
        obj->notify_mask = parent->notify_mask;
        ReleaseSRWLockShared( &parent->callback_lock );
    }
}

/* Puts an initialised object in the table. On success the table owns a reference
 * and the caller keeps its own; on failure the object is destroyed. */
static HINTERNET publish_object( struct object_header *obj )
{
    UINT32 index;

    AcquireSRWLockExclusive( &table_lock );
    if ((index = alloc_slot()) != NO_SLOT)
    {
        slots[index].object = obj;
        obj->handle = make_handle( index, slots[index].generation );
        obj->refs++;  /* nobody else can see the object yet */
    }
    ReleaseSRWLockExclusive( &table_lock );

    if (index == NO_SLOT)
    {
        obj->closed = 1;
        release_object( obj );
        SetLastError( ERROR_WINHTTP_OUT_OF_HANDLES );
        return NULL;
    }
    TRACE( "%p -> type %lu\n", obj->handle, obj->type );
    return obj->handle;
}

/* The object behind an open handle, with a reference the caller must release. */
struct object_header *grab_object( HINTERNET handle )
{
    struct object_header *obj = NULL;
    UINT32 index;

    AcquireSRWLockShared( &table_lock );
    if ((index = find_slot( handle )) != NO_SLOT)
    {
        obj = slots[index].object;
        InterlockedIncrement( &obj->refs );
    }
    ReleaseSRWLockShared( &table_lock );
    return obj;
}

/* Like grab_object, and sets the last error: ERROR_INVALID_HANDLE for a handle
 * that is not open, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE for the wrong kind. */
struct object_header *grab_object_type( HINTERNET handle, DWORD type )
{
    struct object_header *obj = grab_object( handle );

    if (!obj)
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return NULL;
    }
    if (obj->type != type)
    {
        release_object( obj );
        SetLastError( ERROR_WINHTTP_INCORRECT_HANDLE_TYPE );
        return NULL;
    }
    return obj;
}

/* The end of every handle-creating function: the object gets its handle, the
 * application hears HANDLE_CREATED, and the creator's reference goes. */
HINTERNET open_handle( struct object_header *obj )
{
    HINTERNET handle;

    if (!(handle = publish_object( obj ))) return NULL;
    send_callback( obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &handle, sizeof(handle) );
    release_object( obj );
    SetLastError( ERROR_SUCCESS );
    return handle;
}

/* For the functions that do nothing else with a handle yet: is it open? */
BOOL is_open_handle( HINTERNET handle )
{
    struct object_header *obj = grab_object( handle );

    if (!obj) return FALSE;
    release_object( obj );
    return TRUE;
}

void release_object( struct object_header *obj )
{
    struct object_header *parent;

    if (InterlockedDecrement( &obj->refs )) return;

    /* last reference: nothing else can reach the object, so HANDLE_CLOSING is last */
    TRACE( "destroying %p\n", obj->handle );
    parent = obj->parent;
    if (obj->handle)
        send_callback( obj, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, &obj->handle, sizeof(obj->handle) );
    obj->vtbl->destroy( obj );
    if (parent) release_object( parent );
}

BOOL close_handle( HINTERNET handle )
{
    struct object_header *obj = NULL;
    UINT32 index;

    AcquireSRWLockExclusive( &table_lock );
    if ((index = find_slot( handle )) != NO_SLOT)
    {
        obj = slots[index].object;
        slots[index].object = NULL;
        slots[index].generation = (slots[index].generation + 1) & GENERATION_MASK;
        slots[index].next_free = NO_SLOT;
        if (free_tail != NO_SLOT) slots[free_tail].next_free = index;
        else free_head = index;
        free_tail = index;
    }
    ReleaseSRWLockExclusive( &table_lock );

    if (!obj)
    {
        SetLastError( ERROR_INVALID_HANDLE );
        return FALSE;
    }
    /* the table's reference is ours now */
    InterlockedExchange( &obj->closed, 1 );
    if (obj->vtbl->close) obj->vtbl->close( obj );
    release_object( obj );
    return TRUE;
}

/* Calls the application's callback, with no lock of ours held. */
void send_callback( struct object_header *obj, DWORD status, void *info, DWORD len )
{
    WINHTTP_STATUS_CALLBACK callback;
    DWORD mask;

    AcquireSRWLockShared( &obj->callback_lock );
    callback = obj->callback;
    mask = obj->notify_mask;
    ReleaseSRWLockShared( &obj->callback_lock );

    if (!callback || !(mask & status)) return;
    TRACE( "%p, %#lx, %p, %lu\n", obj->handle, status, info, len );
    callback( obj->handle, obj->context, status, info, len );
    TRACE( "%p, %#lx returned\n", obj->handle, status );
}
