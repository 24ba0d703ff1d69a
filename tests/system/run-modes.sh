#!/bin/bash
# Each run mode of tools/winerun loads the winhttp.dll it names: +loaddll tells
# native from builtin, and our DllMain's trace line tells our PE from our ELF build.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build="${WINHTTP_BUILD:-$top/build}"
fails=0
for mode in native builtin-pe builtin-elf wine; do
    dir="$build/run/modes-$mode"
    mkdir -p "$dir" && cp "$build/tests/system/whichdll.exe" "$dir/"
    # output to a file, not a pipe: Wine's helper processes may outlive the program and hold a pipe open
    WINEDEBUG=+loaddll,+winhttp "$top/tools/winerun" --mode "$mode" "$dir/whichdll.exe" >"$dir/out.txt" 2>&1
    out=$(tr -d '\r' <"$dir/out.txt")
    loaded=$(echo "$out" | grep -i 'loaddll:.*winhttp.dll' | head -1)
    tag=$(echo "$out" | grep -o 'winhttp project build=[a-z]*' | head -1)
    # the loader line ends with the path it loaded and how: native or builtin
    case $mode in
    native)      want_path='modes-native\\winhttp.dll"'; want_how=': native';  want_tag='build=pe' ;;
    builtin-pe)  want_path='system32\\winhttp.dll"';     want_how=': builtin'; want_tag='build=pe' ;;
    builtin-elf) want_path='system32\\winhttp.dll"';     want_how=': builtin'; want_tag='build=elf' ;;
    wine)        want_path='system32\\winhttp.dll"';     want_how=': builtin'; want_tag='' ;;
    esac
    if ! echo "$loaded" | grep -qF "$want_path" || ! echo "$loaded" | grep -qF "$want_how"; then
        echo "FAIL $mode: loader line '$loaded' lacks '$want_path' or '$want_how'"; fails=$((fails + 1))
    elif [ -n "$want_tag" ] && ! echo "$tag" | grep -q "$want_tag"; then
        echo "FAIL $mode: expected our $want_tag trace, got '$tag'"; fails=$((fails + 1))
    elif [ -z "$want_tag" ] && [ -n "$tag" ]; then
        echo "FAIL $mode: Wine's builtin expected, but ours was loaded ($tag)"; fails=$((fails + 1))
    elif ! echo "$out" | grep -q 'check_platform=1'; then
        echo "FAIL $mode: WinHttpCheckPlatform did not answer TRUE"; fails=$((fails + 1))
    else
        echo "ok   $mode: ${loaded##*: } ${tag:-(Wine builtin)}"
    fi
done
[ $fails -eq 0 ] && echo "4 modes load the DLL they name" || echo "$fails of 4 modes wrong"
[ $fails -eq 0 ]
