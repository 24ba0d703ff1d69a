/*
 * Framework self-test: todo blocks, broken(), skips and flaky blocks,
 * whose effect depends on WINETEST_PLATFORM.
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

#include "wine/test.h"

START_TEST(todo)
{
    todo_wine ok( 0, "A todo_wine fails\n" );
    todo_wine ok( 1, "B todo_wine passes\n" );
    todo_if( 1 ) ok( 0, "C todo_if(1) fails\n" );
    todo_if( 0 ) ok( 1, "D todo_if(0) passes\n" );
    todo_wine_if( 1 ) ok( 0, "E todo_wine_if(1) fails\n" );
    todo_wine_if( 0 ) ok( 1, "F todo_wine_if(0) passes\n" );
    todo_wine
    {
        /* an inner block doesn't end the outer one */
        todo_if( 0 ) ok( 0, "G nested fails\n" );
        ok( 0, "I after the inner block\n" );
    }
    ok( 1, "H after the blocks\n" );
}

START_TEST(broken)
{
    ok( broken( 1 ), "broken(1) is %d\n", broken( 1 ) );
    ok( !broken( 0 ), "broken(0) is %d\n", broken( 0 ) );
    ok( 1 == 2 || broken( 1 == 1 ), "typical use\n" );
}

START_TEST(skip)
{
    skip( "not here %d\n", 1 );
    win_skip( "old windows\n" );
    todo_wine win_skip( "todo win_skip\n" );
    ok( 1, "after the skips\n" );
}

START_TEST(flaky)
{
    flaky ok( 0, "flaky fails\n" );
    flaky ok( 1, "flaky passes\n" );
    flaky_wine ok( 0, "flaky_wine fails\n" );
    flaky_wine_if( 1 ) ok( 0, "flaky_wine_if fails\n" );
    ok( 1, "after the blocks\n" );
}
