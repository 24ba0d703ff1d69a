/* placeholder: being written */
#include <stdarg.h>
#include <windef.h>
#include <winbase.h>
#include "wine/test.h"

START_TEST(notification)
{
}
