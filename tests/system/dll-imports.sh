#!/bin/bash
# The PE DLL imports only DLLs that Windows 10 has, and nothing Wine-only; the
# ELF DLL is linked against GnuTLS. Both export exactly the functions of the spec.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
# shellcheck source=/dev/null
. "$build/config.sh"
pe="$build/dlls/winhttp/pe/winhttp.dll"
elf="$build/dlls/winhttp/elf/winhttp.dll.so"
fails=0
# System DLLs present on every Windows 10 installation that we may link against.
allowed="kernel32.dll msvcrt.dll ws2_32.dll advapi32.dll crypt32.dll secur32.dll ole32.dll
         oleaut32.dll user32.dll bcrypt.dll ncrypt.dll iphlpapi.dll dnsapi.dll rpcrt4.dll
         shlwapi.dll"
dlls=$("$MINGW_OBJDUMP" -p "$pe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z')
for d in $dlls; do
    echo "$allowed" | grep -qw "$d" || { echo "FAIL PE imports $d, not a Windows 10 system DLL"; fails=$((fails + 1)); }
done
if "$MINGW_OBJDUMP" -p "$pe" | grep -qiE '\b(__wine_|wine_)'; then
    echo "FAIL PE imports Wine-only functions:"; "$MINGW_OBJDUMP" -p "$pe" | grep -iE '\b(__wine_|wine_)'
    fails=$((fails + 1))
fi
objdump -p "$elf" | grep -q 'NEEDED.*libgnutls' || { echo "FAIL ELF DLL is not linked against GnuTLS"; fails=$((fails + 1)); }
spec_names=$(grep -oE '^@ stdcall (-private )?[A-Za-z0-9_]+' "$top/dlls/winhttp/winhttp.spec" | awk '{print $NF}' | sort)
pe_names=$("$MINGW_OBJDUMP" -p "$pe" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | grep -E '^[[:space:]]+\[' | grep -oE '[A-Za-z0-9_]+$' | sort)
[ "$spec_names" = "$pe_names" ] || { echo "FAIL PE exports differ from the spec:"; diff <(echo "$spec_names") <(echo "$pe_names"); fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "PE imports: $(echo $dlls); ELF links GnuTLS; $(echo "$spec_names" | wc -l) exports match the spec"
[ $fails -eq 0 ]
