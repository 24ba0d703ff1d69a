/*
 * httpget: a small curl-like command-line client built on the WinHTTP API,
 * the project's demo. Usage: httpget [options] URL (run with no arguments for help).
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

#include <windows.h>
#include <winhttp.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage( void )
{
    fprintf( stderr,
             "usage: httpget [options] URL\n"
             "  -o FILE        write the body to FILE instead of standard output (NUL discards it)\n"
             "  -X METHOD      request method (default GET, or POST with -d)\n"
             "  -d DATA        send DATA as the request body\n"
             "  -H HEADER      add a request header (repeatable)\n"
             "  -i             print the response headers before the body\n"
             "  -L             follow redirects (without it, redirects are returned)\n"
             "  -k             accept any server certificate (unknown CA, wrong name, dates, usage)\n"
             "  --compressed   ask for gzip/deflate and decompress\n"
             "  --head         send a HEAD request (same as -X HEAD)\n"
             "  --if-modified-since DATE   add an If-Modified-Since: DATE header\n"
             "  --count N      send the request N times, one after another, on one session\n"
             "                 and connection handle (the bodies are written one after another)\n"
             "  --stats        print \"status=S bytes=N\" to standard error after each request,\n"
             "                 and \"peak_working_set=N working_set_start=N\" (bytes) at the end\n" );
}

static int fail( const char *what )
{
    DWORD error = GetLastError();
    char message[256] = "";

    FormatMessageA( FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS,
                    GetModuleHandleA( "winhttp.dll" ), error, 0, message, sizeof(message), NULL );
    fprintf( stderr, "httpget: %s failed: error %lu %s\n", what, error, message );
    return 1;
}

static char *to_utf8( const WCHAR *str )
{
    int len = WideCharToMultiByte( CP_UTF8, 0, str, -1, NULL, 0, NULL, NULL );
    char *ret = malloc( len );
    WideCharToMultiByte( CP_UTF8, 0, str, -1, ret, len, NULL, NULL );
    return ret;
}

static SIZE_T working_set( BOOL peak )
{
    PROCESS_MEMORY_COUNTERS counters = { sizeof(counters) };

    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), &counters, sizeof(counters) )) return 0;
    return peak ? counters.PeakWorkingSetSize : counters.WorkingSetSize;
}

struct options
{
    const WCHAR *method, *path, *if_modified_since;
    int argc;
    WCHAR **argv;
    const char *body;
    DWORD body_len;
    BOOL show_headers, follow, secure, stats, insecure;
    FILE *out;
};

/* One request on the connection handle: send, receive, write the body; the status in *status. */
static BOOL do_request( HINTERNET connect, const struct options *opts, DWORD *status )
{
    HINTERNET request;
    static char buffer[65536];
    ULONGLONG total = 0;
    DWORD size, read, option;
    BOOL ret = FALSE;
    int i;

    *status = 0;
    if (!(request = WinHttpOpenRequest( connect, opts->method, opts->path, NULL, WINHTTP_NO_REFERER,
                                        WINHTTP_DEFAULT_ACCEPT_TYPES, opts->secure ? WINHTTP_FLAG_SECURE : 0 )))
        { fail( "WinHttpOpenRequest" ); return FALSE; }
    if (opts->insecure)
    {
        DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
                      SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
        if (!WinHttpSetOption( request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags) ))
            { fail( "WinHttpSetOption" ); return FALSE; }
    }
    if (!opts->follow)
    {
        option = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
        if (!WinHttpSetOption( request, WINHTTP_OPTION_REDIRECT_POLICY, &option, sizeof(option) ))
            { fail( "WinHttpSetOption(REDIRECT_POLICY)" ); goto done; }
    }
    for (i = 1; i < opts->argc; i++)
    {
        if (wcscmp( opts->argv[i], L"-H" ) || i + 1 >= opts->argc) continue;
        if (!WinHttpAddRequestHeaders( request, opts->argv[++i], -1, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE ))
            { fail( "WinHttpAddRequestHeaders" ); goto done; }
    }
    if (opts->if_modified_since)
    {
        WCHAR header[256];
        _snwprintf( header, ARRAYSIZE(header), L"If-Modified-Since: %s", opts->if_modified_since );
        header[ARRAYSIZE(header) - 1] = 0;
        if (!WinHttpAddRequestHeaders( request, header, -1, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE ))
            { fail( "WinHttpAddRequestHeaders(If-Modified-Since)" ); goto done; }
    }
    if (!WinHttpSendRequest( request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, (void *)opts->body, opts->body_len,
                             opts->body_len, 0 ))
        { fail( "WinHttpSendRequest" ); goto done; }
    if (!WinHttpReceiveResponse( request, NULL )) { fail( "WinHttpReceiveResponse" ); goto done; }

    size = sizeof(*status);
    WinHttpQueryHeaders( request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, status, &size, NULL );
    if (opts->show_headers)
    {
        WCHAR *headers;
        size = 0;
        WinHttpQueryHeaders( request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, NULL, &size, NULL );
        headers = malloc( size + sizeof(WCHAR) );
        if (WinHttpQueryHeaders( request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, headers, &size, NULL ))
        {
            char *utf8 = to_utf8( headers );
            fputs( utf8, stdout );
            fflush( stdout );
            free( utf8 );
        }
        free( headers );
    }

    for (;;)
    {
        if (!WinHttpReadData( request, buffer, sizeof(buffer), &read )) { fail( "WinHttpReadData" ); goto done; }
        if (!read) break;
        total += read;
        if (fwrite( buffer, 1, read, opts->out ) != read) { fprintf( stderr, "httpget: write failed\n" ); goto done; }
    }
    fflush( opts->out );
    ret = TRUE;

done:
    if (opts->stats) fprintf( stderr, "status=%lu bytes=%llu%s\n", *status, (unsigned long long)total, ret ? "" : " incomplete" );
    WinHttpCloseHandle( request );
    return ret;
}

int wmain( int argc, WCHAR **argv )
{
    const WCHAR *url = NULL, *output = NULL, *data = NULL;
    BOOL compressed = FALSE;
    WCHAR host[256], path[4096];
    URL_COMPONENTS uc = { sizeof(uc) };
    HINTERNET session = NULL, connect = NULL;
    struct options opts = { 0 };
    char *body = NULL;
    DWORD status = 0, option;
    SIZE_T ws_start = working_set( FALSE );
    int i, count = 1, ret = 1;

    opts.argc = argc;
    opts.argv = argv;
    opts.out = stdout;
    for (i = 1; i < argc; i++)
    {
        if (!wcscmp( argv[i], L"-o" ) && i + 1 < argc) output = argv[++i];
        else if (!wcscmp( argv[i], L"-X" ) && i + 1 < argc) opts.method = argv[++i];
        else if (!wcscmp( argv[i], L"-d" ) && i + 1 < argc) data = argv[++i];
        else if (!wcscmp( argv[i], L"-H" ) && i + 1 < argc) i++; /* added once the request exists */
        else if (!wcscmp( argv[i], L"-i" )) opts.show_headers = TRUE;
        else if (!wcscmp( argv[i], L"-L" )) opts.follow = TRUE;
        else if (!wcscmp( argv[i], L"-k" )) opts.insecure = TRUE;
        else if (!wcscmp( argv[i], L"--compressed" )) compressed = TRUE;
        else if (!wcscmp( argv[i], L"--head" )) opts.method = L"HEAD";
        else if (!wcscmp( argv[i], L"--if-modified-since" ) && i + 1 < argc) opts.if_modified_since = argv[++i];
        else if (!wcscmp( argv[i], L"--count" ) && i + 1 < argc)
        {
            if ((count = _wtoi( argv[++i] )) < 1) { usage(); return 2; }
        }
        else if (!wcscmp( argv[i], L"--stats" )) opts.stats = TRUE;
        else if (argv[i][0] == '-') { usage(); return 2; }
        else url = argv[i];
    }
    if (!url) { usage(); return 2; }
    if (!opts.method) opts.method = data ? L"POST" : L"GET";

    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAYSIZE(path);
    uc.dwExtraInfoLength = 1;
    if (!WinHttpCrackUrl( url, 0, 0, &uc )) return fail( "WinHttpCrackUrl" );
    /* the path buffer holds the path; the query string follows it in the URL */
    if (uc.lpszExtraInfo) wcsncat( path, uc.lpszExtraInfo, ARRAYSIZE(path) - wcslen( path ) - 1 );
    opts.path = path;
    opts.secure = uc.nScheme == INTERNET_SCHEME_HTTPS;

    if (!(session = WinHttpOpen( L"httpget/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                 WINHTTP_NO_PROXY_BYPASS, 0 )))
        return fail( "WinHttpOpen" );
    if (compressed)
    {
        option = WINHTTP_DECOMPRESSION_FLAG_ALL;
        if (!WinHttpSetOption( session, WINHTTP_OPTION_DECOMPRESSION, &option, sizeof(option) ))
            { fail( "WinHttpSetOption(DECOMPRESSION)" ); goto done; }
    }
    if (!(connect = WinHttpConnect( session, host, uc.nPort, 0 ))) { fail( "WinHttpConnect" ); goto done; }
    if (data)
    {
        body = to_utf8( data );
        opts.body = body;
        opts.body_len = strlen( body );
    }
    if (output && !(opts.out = _wfopen( output, L"wb" )))
    {
        fprintf( stderr, "httpget: cannot open %ls\n", output );
        goto done;
    }
    for (i = 0; i < count; i++)
        if (!do_request( connect, &opts, &status )) goto done;
    ret = (status >= 400) ? 22 : 0;  /* like curl --fail */

done:
    if (opts.stats)
        fprintf( stderr, "peak_working_set=%llu working_set_start=%llu\n",
                 (unsigned long long)working_set( TRUE ), (unsigned long long)ws_start );
    if (opts.out && opts.out != stdout) fclose( opts.out );
    free( body );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    return ret;
}
