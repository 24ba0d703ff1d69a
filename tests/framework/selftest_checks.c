/*
 * Framework self-test: passing and failing checks, locations, counting
 * and the exit code.
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
#include <string.h>

#include "windef.h"
#include "winbase.h"

#include "wine/test.h"

START_TEST(pass)
{
    int i;

    ok( 1, "one is true\n" );
    ok( 2 + 2 == 4, "arithmetic\n" );
    ok_( __FILE__, __LINE__ )( 1, "explicit location\n" );

    /* the arguments are evaluated after the location is set */
    SetLastError( 0xdeadbeef );
    ok( GetLastError() == 0xdeadbeef, "last error %u\n", (unsigned int)GetLastError() );

    SetLastError( 1234 );
    trace( "platform %s, is_wine %d, debug %d, interactive %d\n",
           winetest_platform, winetest_platform_is_wine, winetest_debug, winetest_interactive );
    ok( GetLastError() == 1234, "trace changed the last error to %u\n", (unsigned int)GetLastError() );

    /* successes inside a nocount block are neither counted nor reported */
    winetest_start_nocount( 1 );
    for (i = 0; i < 10; i++) ok( 1, "uncounted %d\n", i );
    winetest_end_nocount();

    ok( winetest_get_successes() == 5, "got %d successes\n", (int)winetest_get_successes() );
    ok( winetest_get_failures() == 0, "got %d failures\n", (int)winetest_get_failures() );
}

START_TEST(fail)
{
    ok( 1, "fine 1\n" );
    ok( 1, "fine 2\n" );
    ok( 1, "fine 3\n" );
    ok( 0, "value %d is wrong\n", 42 );

    /* printed, but not counted */
    winetest_start_nocount( 2 );
    ok( 0, "uncounted failure\n" );
    winetest_end_nocount();

    ok( winetest_get_failures() == 1, "got %d failures\n", (int)winetest_get_failures() );
}

START_TEST(location)
{
    static char long_msg[3001];

    ok_( "custom.c", 77 )( 0, "custom location\n" );
    ok_( "some/dir/nested.c", 12 )( 0, "unix path\n" );
    ok_( "C:\\dir\\win.c", 5 )( 0, "windows path\n" );

    /* longer than the framework's first buffer */
    memset( long_msg, 'x', sizeof(long_msg) - 1 );
    ok( 0, "long %s\n", long_msg );
}

START_TEST(many)
{
    int i;

    /* the exit code is capped at 255 */
    for (i = 0; i < 300; i++) ok( 0, "failure %d\n", i );
}
