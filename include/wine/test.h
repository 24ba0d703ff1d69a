/*
 * Unit test framework with the API of Wine's wine/test.h: ok(), todo_wine,
 * broken(), skip(), trace(), contexts, flaky blocks and the test program's
 * main().  The translation unit that defines STANDALONE before including
 * this header gets the implementation and main(); all others only get
 * declarations.
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

#ifndef __WINE_WINE_TEST_H
#define __WINE_WINE_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windef.h>
#include <winbase.h>

#if defined(__GNUC__) || defined(__clang__)
#define WINETEST_PRINTF_ATTR(fmt,args) __attribute__((format(printf,fmt,args)))
#else
#define WINETEST_PRINTF_ATTR(fmt,args)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* settings, read from the environment by main() */
extern int winetest_debug;            /* WINETEST_DEBUG, default 1; 0 is quiet */
extern int winetest_interactive;      /* WINETEST_INTERACTIVE */
extern int winetest_report_success;   /* WINETEST_REPORT_SUCCESS */
extern int winetest_report_flaky;     /* WINETEST_REPORT_FLAKY: flaky failures fail */
extern const char *winetest_platform; /* WINETEST_PLATFORM, default "windows" */
extern int winetest_platform_is_wine; /* winetest_platform is "wine" */

extern void winetest_set_location( const char *file, int line );
extern int winetest_vok( int condition, const char *msg, va_list args );
extern void winetest_ok( int condition, const char *msg, ... ) WINETEST_PRINTF_ATTR(2,3);
extern void winetest_vskip( const char *msg, va_list args );
extern void winetest_skip( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_win_skip( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_trace( const char *msg, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_push_context( const char *fmt, ... ) WINETEST_PRINTF_ATTR(1,2);
extern void winetest_pop_context( void );
extern void winetest_start_todo( int is_todo );
extern int winetest_loop_todo( void );
extern void winetest_end_todo( void );
extern void winetest_start_flaky( int is_flaky );
extern int winetest_loop_flaky( void );
extern void winetest_end_flaky( void );
/* flags: 1 = don't count successes, 2 = don't count failures */
extern void winetest_start_nocount( unsigned int flags );
extern void winetest_end_nocount( void );
extern void winetest_add_failures( LONG count );
extern LONG winetest_get_failures( void );
extern LONG winetest_get_successes( void );
extern int winetest_get_mainargs( char ***pargv );
extern void winetest_wait_child_process( HANDLE process );

/* The location is set first, so that the arguments are evaluated after it
 * (winetest_set_location() preserves the last error for them). */
#define ok_(file, line)       (winetest_set_location( file, line ), 0) ? (void)0 : winetest_ok
#define skip_(file, line)     (winetest_set_location( file, line ), 0) ? (void)0 : winetest_skip
#define win_skip_(file, line) (winetest_set_location( file, line ), 0) ? (void)0 : winetest_win_skip
#define trace_(file, line)    (winetest_set_location( file, line ), 0) ? (void)0 : winetest_trace
#define wait_child_process_(file, line) \
    (winetest_set_location( file, line ), 0) ? (void)0 : winetest_wait_child_process

#define ok                 ok_( __FILE__, __LINE__ )
#define skip               skip_( __FILE__, __LINE__ )
#define win_skip           win_skip_( __FILE__, __LINE__ )
#define trace              trace_( __FILE__, __LINE__ )
#define wait_child_process wait_child_process_( __FILE__, __LINE__ )

/* Block macros: the loop body runs exactly once, between start and end. */
#define todo_if(is_todo) \
    for (winetest_start_todo( is_todo ); winetest_loop_todo(); winetest_end_todo())
#define todo_wine             todo_if( winetest_platform_is_wine )
#define todo_wine_if(is_todo) todo_if( (is_todo) && winetest_platform_is_wine )

#define flaky_if(is_flaky) \
    for (winetest_start_flaky( is_flaky ); winetest_loop_flaky(); winetest_end_flaky())
#define flaky                   flaky_if( TRUE )
#define flaky_wine              flaky_if( winetest_platform_is_wine )
#define flaky_wine_if(is_flaky) flaky_if( (is_flaky) && winetest_platform_is_wine )

/* Windows behaviour that Wine doesn't (and shouldn't) copy: accepted only on Windows. */
static inline int broken( int condition )
{
    return condition && !strcmp( winetest_platform, "windows" );
}

#ifdef STANDALONE

struct test
{
    const char *name;
    void (*func)(void);
};

extern const struct test winetest_testlist[];

/* a single-file test program: START_TEST also defines the test list */
#define START_TEST(name) \
    static void func_##name(void); \
    const struct test winetest_testlist[] = { { #name, func_##name }, { 0, 0 } }; \
    static void func_##name(void)

#else

#define START_TEST(name) void func_##name(void); void func_##name(void)

#endif

/*
 * Implementation: only in the translation unit that defines STANDALONE.
 */
#ifdef STANDALONE

#define WINETEST_MAX_CONTEXT  16          /* deeper contexts are counted, not shown */
#define WINETEST_MAX_MESSAGE  (1 << 20)   /* longer messages are cut */

int winetest_debug = 1;
int winetest_interactive;
int winetest_report_success;
int winetest_report_flaky;
const char *winetest_platform = "windows";
int winetest_platform_is_wine;

static LONG winetest_successes;     /* passed checks */
static LONG winetest_failures;      /* failed checks outside todo blocks */
static LONG winetest_flaky_fails;   /* failed checks inside flaky blocks */
static LONG winetest_todos;         /* failed checks inside todo blocks: as expected */
static LONG winetest_todo_passes;   /* passed checks inside todo blocks: a failure */
static LONG winetest_skipped;

static int winetest_argc;
static char **winetest_argv;
static DWORD winetest_tls_index = TLS_OUT_OF_INDEXES;
static CRITICAL_SECTION winetest_output_cs;
static const struct test *winetest_current_test;

struct winetest_thread_data
{
    const char *file;              /* location of the current check */
    int line;
    unsigned int todo_level;       /* one bit per nested todo block */
    unsigned int flaky_level;      /* one bit per nested flaky block */
    unsigned int nocount_level;    /* two bits per nested nocount block */
    int todo_do_loop;
    int flaky_do_loop;
    unsigned int context_count;
    char context[WINETEST_MAX_CONTEXT][128];
};

static struct winetest_thread_data *winetest_get_thread_data( void )
{
    /* TlsGetValue() clears the last error, which the checks' arguments may still read */
    DWORD last_error = GetLastError();
    struct winetest_thread_data *data = TlsGetValue( winetest_tls_index );

    if (!data)
    {
        if (!(data = HeapAlloc( GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*data) )))
        {
            fputs( "winetest: out of memory\n", stderr );
            ExitProcess( 255 );
        }
        TlsSetValue( winetest_tls_index, data );
    }
    SetLastError( last_error );
    return data;
}

/* growable buffer, so that each report is written in one piece */
struct winetest_buffer
{
    char *str;
    size_t len, size;
    char local[1024];
};

static void winetest_buffer_vadd( struct winetest_buffer *buf, const char *fmt, va_list args )
{
    for (;;)
    {
        size_t avail = buf->size - buf->len, new_size;
        char *new_str;
        va_list copy;
        int n;

        va_copy( copy, args );
        n = vsnprintf( buf->str + buf->len, avail, fmt, copy );
        va_end( copy );
        if (n >= 0 && (size_t)n < avail)
        {
            buf->len += n;
            return;
        }
        /* C99 returns the length needed, older msvcrt returns -1 */
        new_size = n >= 0 ? buf->len + n + 1 : buf->size * 2;
        if (new_size > WINETEST_MAX_MESSAGE) break;
        if (buf->str == buf->local)
        {
            if ((new_str = malloc( new_size ))) memcpy( new_str, buf->str, buf->len );
        }
        else new_str = realloc( buf->str, new_size );
        if (!new_str) break;
        buf->str = new_str;
        buf->size = new_size;
    }
    buf->str[buf->len] = 0;  /* drop what didn't fit */
}

static void winetest_buffer_add( struct winetest_buffer *buf, const char *fmt, ... ) WINETEST_PRINTF_ATTR(2,3);
static void winetest_buffer_add( struct winetest_buffer *buf, const char *fmt, ... )
{
    va_list args;

    va_start( args, fmt );
    winetest_buffer_vadd( buf, fmt, args );
    va_end( args );
}

/* write the buffer out and free it; the lock keeps lines of different threads apart */
static void winetest_buffer_flush( struct winetest_buffer *buf )
{
    DWORD last_error = GetLastError();

    EnterCriticalSection( &winetest_output_cs );
    fflush( stdout );
    fwrite( buf->str, 1, buf->len, stdout );
    fflush( stdout );
    LeaveCriticalSection( &winetest_output_cs );
    if (buf->str != buf->local) free( buf->str );
    SetLastError( last_error );
}

static void winetest_buffer_init( struct winetest_buffer *buf )
{
    buf->str = buf->local;
    buf->len = 0;
    buf->size = sizeof(buf->local);
    buf->local[0] = 0;
}

/* print "file:line: <type><context1>: <context2>: <message>" */
static void winetest_report( const char *type, const char *msg, va_list args )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    struct winetest_buffer buf;
    unsigned int i;

    winetest_buffer_init( &buf );
    winetest_buffer_add( &buf, "%s:%d: %s", data->file ? data->file : "unknown", data->line, type );
    for (i = 0; i < data->context_count && i < WINETEST_MAX_CONTEXT; i++)
        winetest_buffer_add( &buf, "%s: ", data->context[i] );
    winetest_buffer_vadd( &buf, msg, args );
    winetest_buffer_flush( &buf );
}

static void winetest_reportf( const char *type, const char *msg, ... ) WINETEST_PRINTF_ATTR(2,3);
static void winetest_reportf( const char *type, const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    winetest_report( type, msg, args );
    va_end( args );
}

/* print a line without location, e.g. the summary */
static void winetest_print( const char *fmt, ... ) WINETEST_PRINTF_ATTR(1,2);
static void winetest_print( const char *fmt, ... )
{
    struct winetest_buffer buf;
    va_list args;

    winetest_buffer_init( &buf );
    va_start( args, fmt );
    winetest_buffer_vadd( &buf, fmt, args );
    va_end( args );
    winetest_buffer_flush( &buf );
}

void winetest_set_location( const char *file, int line )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    const char *p;

    /* only the file name is reported, as __FILE__ may hold a path */
    if ((p = strrchr( file, '/' ))) file = p + 1;
    if ((p = strrchr( file, '\\' ))) file = p + 1;
    data->file = file;
    data->line = line;
}

int winetest_vok( int condition, const char *msg, va_list args )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    int count_successes = !(data->nocount_level & 1);
    int count_failures = !(data->nocount_level & 2);

    if (data->todo_level)
    {
        if (condition)
        {
            winetest_report( "Test succeeded inside todo block: ", msg, args );
            if (count_failures) InterlockedIncrement( &winetest_todo_passes );
            return 0;
        }
        if (winetest_debug > 0) winetest_report( "Test marked todo: ", msg, args );
        if (count_successes) InterlockedIncrement( &winetest_todos );
        return 1;
    }
    if (!condition)
    {
        if (data->flaky_level)
        {
            winetest_report( "Test marked flaky: ", msg, args );
            if (count_failures) InterlockedIncrement( &winetest_flaky_fails );
        }
        else
        {
            winetest_report( "Test failed: ", msg, args );
            if (count_failures) InterlockedIncrement( &winetest_failures );
        }
        return 0;
    }
    if (count_successes)
    {
        if (winetest_report_success || winetest_debug > 1)
            winetest_reportf( "", "Test succeeded\n" );
        InterlockedIncrement( &winetest_successes );
    }
    return 1;
}

void winetest_ok( int condition, const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    winetest_vok( condition, msg, args );
    va_end( args );
}

void winetest_vskip( const char *msg, va_list args )
{
    if (winetest_debug > 0) winetest_report( "Tests skipped: ", msg, args );
    InterlockedIncrement( &winetest_skipped );
}

void winetest_skip( const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    winetest_vskip( msg, args );
    va_end( args );
}

/* a skip that is only acceptable on Windows (old versions); on Wine it is a failure */
void winetest_win_skip( const char *msg, ... )
{
    va_list args;

    va_start( args, msg );
    if (!strcmp( winetest_platform, "windows" )) winetest_vskip( msg, args );
    else winetest_vok( 0, msg, args );
    va_end( args );
}

void winetest_trace( const char *msg, ... )
{
    va_list args;

    if (winetest_debug <= 0) return;
    va_start( args, msg );
    winetest_report( "", msg, args );
    va_end( args );
}

void winetest_push_context( const char *fmt, ... )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    va_list args;

    if (data->context_count < WINETEST_MAX_CONTEXT)
    {
        char *str = data->context[data->context_count];

        va_start( args, fmt );
        vsnprintf( str, sizeof(data->context[0]), fmt, args );
        va_end( args );
        str[sizeof(data->context[0]) - 1] = 0;  /* msvcrt doesn't terminate when cutting */
    }
    data->context_count++;
}

void winetest_pop_context( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    if (data->context_count) data->context_count--;
}

void winetest_start_todo( int is_todo )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->todo_level = (data->todo_level << 1) | (is_todo != 0);
    data->todo_do_loop = 1;
}

int winetest_loop_todo( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    int do_loop = data->todo_do_loop;

    data->todo_do_loop = 0;
    return do_loop;
}

void winetest_end_todo( void )
{
    winetest_get_thread_data()->todo_level >>= 1;
}

void winetest_start_flaky( int is_flaky )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->flaky_level = (data->flaky_level << 1) | (is_flaky != 0);
    data->flaky_do_loop = 1;
}

int winetest_loop_flaky( void )
{
    struct winetest_thread_data *data = winetest_get_thread_data();
    int do_loop = data->flaky_do_loop;

    data->flaky_do_loop = 0;
    return do_loop;
}

void winetest_end_flaky( void )
{
    winetest_get_thread_data()->flaky_level >>= 1;
}

void winetest_start_nocount( unsigned int flags )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    data->nocount_level = (data->nocount_level << 2) | (flags & 3);
}

void winetest_end_nocount( void )
{
    winetest_get_thread_data()->nocount_level >>= 2;
}

void winetest_add_failures( LONG count )
{
    if (count > 0) InterlockedExchangeAdd( &winetest_failures, count );
}

LONG winetest_get_failures( void )
{
    return winetest_failures;
}

LONG winetest_get_successes( void )
{
    return winetest_successes;
}

int winetest_get_mainargs( char ***pargv )
{
    *pargv = winetest_argv;
    return winetest_argc;
}

/* wait for a child test process and count its failures as ours */
void winetest_wait_child_process( HANDLE process )
{
    DWORD ret, code = 0;

    if ((ret = WaitForSingleObject( process, 60000 )) != WAIT_OBJECT_0)
    {
        winetest_reportf( "", "wait for child process failed: %u\n", (unsigned int)ret );
        winetest_add_failures( 1 );
    }
    else if (!GetExitCodeProcess( process, &code ))
    {
        winetest_reportf( "", "cannot get child exit code: %u\n", (unsigned int)GetLastError() );
        winetest_add_failures( 1 );
    }
    else if (code > 255)  /* our exit codes are capped, so this is a crash */
    {
        winetest_reportf( "", "unhandled exception %08x in child process %04x\n",
                          (unsigned int)code, (unsigned int)GetProcessId( process ) );
        winetest_add_failures( 1 );
    }
    else if (code)
    {
        winetest_reportf( "", "%u failures in child process\n", (unsigned int)code );
        winetest_add_failures( code );
    }
}

/* find a test by name, ignoring a directory and a ".c" suffix */
static const struct test *winetest_find_test( const char *name )
{
    const struct test *test;
    const char *p;
    size_t len;

    if ((p = strrchr( name, '/' ))) name = p + 1;
    if ((p = strrchr( name, '\\' ))) name = p + 1;
    len = strlen( name );
    if (len > 2 && !strcmp( name + len - 2, ".c" )) len -= 2;

    for (test = winetest_testlist; test->name; test++)
        if (!strncmp( test->name, name, len ) && !test->name[len]) return test;
    return NULL;
}

static void winetest_list_tests( void )
{
    const struct test *test;

    winetest_print( "Valid test names:\n" );
    for (test = winetest_testlist; test->name; test++) winetest_print( "    %s\n", test->name );
}

static int winetest_run_test( const char *name )
{
    const struct test *test;
    LONG failed;
    int status;

    if (!(test = winetest_find_test( name )))
    {
        winetest_print( "Fatal: test '%s' does not exist.\n", name );
        return 1;
    }
    winetest_current_test = test;
    test->func();

    failed = winetest_failures + winetest_todo_passes;
    if (winetest_debug > 0)
        winetest_print( "%04x:%s: %d tests executed (%d marked as todo, %d as flaky, %d %s), %d skipped.\n",
                        (unsigned int)GetCurrentProcessId(), test->name,
                        (int)(winetest_successes + winetest_failures + winetest_flaky_fails +
                              winetest_todos + winetest_todo_passes),
                        (int)winetest_todos, (int)winetest_flaky_fails, (int)failed,
                        failed != 1 ? "failures" : "failure", (int)winetest_skipped );

    status = failed;
    if (winetest_report_flaky) status += winetest_flaky_fails;
    return status > 255 ? 255 : status;  /* exit codes above 255 mean a crash */
}

/* on Windows, report a crash and exit with the exception code; Wine has its own debugger */
static LONG CALLBACK winetest_exception_filter( EXCEPTION_POINTERS *ptrs )
{
    struct winetest_thread_data *data = winetest_get_thread_data();

    if (data->file)
        winetest_print( "%s:%d: this is the last test seen before the exception\n", data->file, data->line );
    winetest_print( "%04x:%s: unhandled exception %08x at %p\n",
                    (unsigned int)GetCurrentProcessId(),
                    winetest_current_test ? winetest_current_test->name : "unknown",
                    (unsigned int)ptrs->ExceptionRecord->ExceptionCode,
                    ptrs->ExceptionRecord->ExceptionAddress );
    return EXCEPTION_EXECUTE_HANDLER;
}

static int winetest_env_int( const char *name, int def )
{
    char buf[32];
    DWORD len = GetEnvironmentVariableA( name, buf, sizeof(buf) );

    return (len && len < sizeof(buf)) ? atoi( buf ) : def;
}

int main( int argc, char **argv )
{
    static char platform[64];
    DWORD len;

    winetest_argc = argc;
    winetest_argv = argv;
    winetest_tls_index = TlsAlloc();
    InitializeCriticalSection( &winetest_output_cs );

    len = GetEnvironmentVariableA( "WINETEST_PLATFORM", platform, sizeof(platform) );
    if (len && len < sizeof(platform)) winetest_platform = platform;
    winetest_platform_is_wine = !strcmp( winetest_platform, "wine" );
    winetest_debug = winetest_env_int( "WINETEST_DEBUG", 1 );
    winetest_interactive = winetest_env_int( "WINETEST_INTERACTIVE", 0 );
    winetest_report_success = winetest_env_int( "WINETEST_REPORT_SUCCESS", 0 );
    winetest_report_flaky = winetest_env_int( "WINETEST_REPORT_FLAKY", 0 );

    if (!strcmp( winetest_platform, "windows" )) SetUnhandledExceptionFilter( winetest_exception_filter );
    if (!winetest_interactive) SetErrorMode( SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX );

    if (argc < 2)
    {
        if (winetest_testlist[0].name && !winetest_testlist[1].name)  /* only one test */
            return winetest_run_test( winetest_testlist[0].name );
        winetest_print( "Usage: %s test_name\n\n", argv[0] );
        winetest_list_tests();
        return 1;
    }
    if (!strcmp( argv[1], "--list" ))
    {
        winetest_list_tests();
        return 0;
    }
    return winetest_run_test( argv[1] );
}

#endif  /* STANDALONE */

#endif  /* __WINE_WINE_TEST_H */
