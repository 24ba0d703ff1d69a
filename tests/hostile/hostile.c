/* placeholder: being written */
#include <windows.h>
int wmain( int argc, WCHAR **argv ) { return 0; }
