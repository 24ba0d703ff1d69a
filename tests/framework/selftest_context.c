/*
 * Framework self-test: contexts, checks from several threads at once,
 * and child test processes started through winetest_get_mainargs().
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
#include <stdio.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"

#include "wine/test.h"

static DWORD WINAPI context_thread( void *arg )
{
    /* contexts belong to the thread that pushed them */
    ok( 0, "in thread\n" );
    return 0;
}

START_TEST(context)
{
    char long_context[300];
    HANDLE thread;
    int i;

    winetest_push_context( "outer %d", 1 );
    winetest_push_context( "inner" );
    ok( 0, "both\n" );
    winetest_pop_context();
    ok( 0, "one\n" );
    trace( "traced\n" );
    skip( "skipped\n" );
    todo_wine ok( 0, "todo\n" );
    thread = CreateThread( NULL, 0, context_thread, NULL, 0, NULL );
    WaitForSingleObject( thread, INFINITE );
    CloseHandle( thread );
    winetest_pop_context();
    ok( 0, "none\n" );

    /* deeper than the framework stores: the first ones are shown, pops stay balanced */
    for (i = 0; i < 40; i++) winetest_push_context( "level %d", i );
    ok( 0, "deep\n" );
    for (i = 0; i < 40; i++) winetest_pop_context();
    winetest_pop_context();  /* one pop too many is harmless */
    ok( 0, "after deep\n" );

    /* a long context is cut */
    memset( long_context, 'y', sizeof(long_context) - 1 );
    long_context[sizeof(long_context) - 1] = 0;
    winetest_push_context( "%s", long_context );
    ok( 0, "cut\n" );
    winetest_pop_context();
}

#define NB_THREADS 8

static DWORD WINAPI check_thread( void *arg )
{
    int id = (int)(INT_PTR)arg, i;
    char long_msg[2001];

    winetest_push_context( "thread %d", id );
    for (i = 0; i < 1000; i++) ok( 1, "pass %d\n", i );
    for (i = 0; i < 10; i++) ok( 0, "iteration %d of thread %d\n", i, id );
    /* todo blocks are per thread too: the other threads' failures stay failures */
    if (!(id & 1))
    {
        todo_if( 1 )
        {
            for (i = 0; i < 5; i++) ok( 0, "todo %d of thread %d\n", i, id );
        }
    }
    memset( long_msg, 'a' + id, sizeof(long_msg) - 1 );
    long_msg[sizeof(long_msg) - 1] = 0;
    ok( 0, "long %s\n", long_msg );
    winetest_pop_context();
    return 0;
}

START_TEST(threads)
{
    HANDLE threads[NB_THREADS];
    DWORD ret;
    int i;

    for (i = 0; i < NB_THREADS; i++)
        threads[i] = CreateThread( NULL, 0, check_thread, (void *)(INT_PTR)i, 0, NULL );
    ret = WaitForMultipleObjects( NB_THREADS, threads, TRUE, 60000 );
    ok( ret == WAIT_OBJECT_0, "wait returned %u\n", (unsigned int)ret );
    for (i = 0; i < NB_THREADS; i++) CloseHandle( threads[i] );
}

static void run_child( char *argv0, const char *mode )
{
    char cmdline[MAX_PATH + 64];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    BOOL ret;

    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    snprintf( cmdline, sizeof(cmdline), "\"%s\" child %s", argv0, mode );
    ret = CreateProcessA( NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi );
    ok( ret, "CreateProcess(%s) failed: %u\n", cmdline, (unsigned int)GetLastError() );
    if (!ret) return;
    wait_child_process( pi.hProcess );
    CloseHandle( pi.hProcess );
    CloseHandle( pi.hThread );
}

START_TEST(child)
{
    char **argv;
    int argc = winetest_get_mainargs( &argv );

    if (argc >= 3)  /* started by the code below */
    {
        if (!strcmp( argv[2], "fail3" ))
        {
            ok( 0, "child failure 1\n" );
            ok( 0, "child failure 2\n" );
            ok( 0, "child failure 3\n" );
        }
        else if (!strcmp( argv[2], "crash" ))
            RaiseException( 0xe0000042, EXCEPTION_NONCONTINUABLE, 0, NULL );
        else
            ok( 1, "child passes\n" );
        return;
    }

    ok( argc == 2, "argc is %d\n", argc );
    ok( !strcmp( argv[1], "child" ), "argv[1] is %s\n", argv[1] );
    run_child( argv[0], "fail3" );
    run_child( argv[0], "pass" );
    /* the framework only catches crashes on Windows; Wine has its own debugger */
    if (!strcmp( winetest_platform, "windows" )) run_child( argv[0], "crash" );
}
