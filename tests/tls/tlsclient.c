/*
 * tlsclient: one HTTPS case of tests/tls/https.sh on the WinHTTP API, with a
 * machine-readable line per request saying what each step and option gave.
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

/*
 * Usage: tlsclient URL [options]
 *   --ignore FLAGS       set WINHTTP_OPTION_SECURITY_FLAGS on each request: a number, or
 *                        names joined by '+': unknown-ca, wrong-usage, cn-invalid, date-invalid
 *   --protocols MASK     set WINHTTP_OPTION_SECURE_PROTOCOLS on the session: a number, or
 *                        names joined by '+': ssl3, tls1, tls1.1, tls1.2, tls1.3
 *   --cert SUBJECT|none  before sending, set WINHTTP_OPTION_CLIENT_CERT_CONTEXT to the first
 *                        certificate of CURRENT_USER "My" whose subject contains SUBJECT,
 *                        or to WINHTTP_NO_CLIENT_CERT_CONTEXT with "none"
 *   --cert-on-demand SUBJECT|none   the same, but only once WinHttpSendRequest or
 *                        WinHttpReceiveResponse has failed with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED
 *                        (shown as first_send= or first_receive=); then the request is sent again
 *   --revocation         WINHTTP_OPTION_ENABLE_FEATURE with WINHTTP_ENABLE_SSL_REVOCATION
 *   --async              an asynchronous session: every call completed by its callback
 *                        (the status callback then takes every notification)
 *   --count N            N requests one after another on one connect handle (default 1)
 *   --tag TAG            send "X-Test: TAG" (the servers log it)
 *   -o FILE              append every body to FILE
 *   --timeout MS         every WinHttpSetTimeouts value (default 30000)
 *
 * A status callback for WINHTTP_CALLBACK_FLAG_SECURE_FAILURE (every notification with
 * --async) records the flags. After each request one line:
 *   result n=1 open=0 options=0 send=0 receive=0 status=200 read=0 bytes=210 sha256=HEX
 *     secure_failure=none callbacks=... protocol=0x00000800:TLS1.2 cipher=NAME
 *     key_bitness=256 security_flags=0x... cert_subject="..." cert_issuer="..."
 *     cert_keysize=256 server_cert="..." cb_server_cert=-
 * where a step is 0 when it succeeded, NUMBER:NAME (the error) when it failed, and
 * absent when it was not reached (options=NUMBER:NAME@OPTION names the option refused); secure_failure is none or FLAGS:NAMES (OR of every SECURE_FAILURE callback);
 * callbacks lists the request's notifications in order (XxN for N in a row); protocol
 * and cipher come from WINHTTP_OPTION_SECURITY_INFO, key_bitness from
 * WINHTTP_OPTION_SECURITY_KEY_BITNESS, cert_* from WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT
 * (CR and LF shown as \r \n), server_cert is the simple name of the context from
 * WINHTTP_OPTION_SERVER_CERT_CONTEXT, and cb_server_cert the same queried inside the
 * SECURE_FAILURE callback; an option that could not be read shows -:NUMBER:NAME. In async mode
 * request_error=API:ERROR says what WINHTTP_CALLBACK_STATUS_REQUEST_ERROR carried.
 * Last: "done requests=N failed=N peak_working_set=BYTES". Exit status 0 when every
 * request got a response and its whole body.
 *
 * Also: tlsclient --schannel-probe PORT SP_PROT_MASK
 *   a TLS handshake with 127.0.0.1:PORT (server name "localhost") through the system's
 *   Schannel alone, no WinHTTP, the server's certificate not judged: what the platform's
 *   Schannel can do. Prints "schannel_probe status=0xHRESULT protocol=0xSP_PROT
 *   incomplete_credentials=yes|no": status 0 once the handshake completed (or once
 *   Schannel asked for a client certificate, SEC_I_INCOMPLETE_CREDENTIALS).
 *
 * crypt32 and secur32 are loaded at run time (the project's Makefile links its programs
 * with winhttp and ws2_32 only); SHA-256 is advapi32's.
 */

#include <winsock2.h>
#include <windows.h>
#include <winhttp.h>
#include <wincrypt.h>
#define SECURITY_WIN32
#include <sspi.h>
#include <schannel.h>
#include <psapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WINHTTP_OPTION_SECURITY_INFO
#define WINHTTP_OPTION_SECURITY_INFO 151
#endif
#ifndef WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 0x00002000
#endif

/* winhttp.h of Windows SDK 20348 and later; not in the toolchains' headers */
struct security_info
{
    SecPkgContext_ConnectionInfo ConnectionInfo;
    SecPkgContext_CipherInfo     CipherInfo;
};

static HCERTSTORE (WINAPI *pCertOpenStore)( LPCSTR, DWORD, HCRYPTPROV_LEGACY, DWORD, const void * );
static BOOL (WINAPI *pCertCloseStore)( HCERTSTORE, DWORD );
static PCCERT_CONTEXT (WINAPI *pCertFindCertificateInStore)( HCERTSTORE, DWORD, DWORD, DWORD, const void *,
                                                             PCCERT_CONTEXT );
static BOOL (WINAPI *pCertFreeCertificateContext)( PCCERT_CONTEXT );
static DWORD (WINAPI *pCertGetNameStringW)( PCCERT_CONTEXT, DWORD, DWORD, void *, LPWSTR, DWORD );

static BOOL load_crypt32( void )
{
    HMODULE crypt32 = LoadLibraryW( L"crypt32.dll" );

    if (!crypt32) return FALSE;
    pCertOpenStore = (void *)GetProcAddress( crypt32, "CertOpenStore" );
    pCertCloseStore = (void *)GetProcAddress( crypt32, "CertCloseStore" );
    pCertFindCertificateInStore = (void *)GetProcAddress( crypt32, "CertFindCertificateInStore" );
    pCertFreeCertificateContext = (void *)GetProcAddress( crypt32, "CertFreeCertificateContext" );
    pCertGetNameStringW = (void *)GetProcAddress( crypt32, "CertGetNameStringW" );
    return pCertOpenStore && pCertCloseStore && pCertFindCertificateInStore && pCertFreeCertificateContext &&
           pCertGetNameStringW;
}

/* ---- names of what the API returns ---- */

struct name { DWORD value; const char *name; };

static const struct name error_names[] =
{
    { ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE" },
    { ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY" },
    { ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER" },
    { ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED" },
    { ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER" },
    { ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED" },
    { ERROR_INVALID_OPERATION, "ERROR_INVALID_OPERATION" },
    { ERROR_WINHTTP_OUT_OF_HANDLES, "ERROR_WINHTTP_OUT_OF_HANDLES" },
    { ERROR_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT" },
    { ERROR_WINHTTP_INTERNAL_ERROR, "ERROR_WINHTTP_INTERNAL_ERROR" },
    { ERROR_WINHTTP_INVALID_URL, "ERROR_WINHTTP_INVALID_URL" },
    { ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME" },
    { ERROR_WINHTTP_NAME_NOT_RESOLVED, "ERROR_WINHTTP_NAME_NOT_RESOLVED" },
    { ERROR_WINHTTP_INVALID_OPTION, "ERROR_WINHTTP_INVALID_OPTION" },
    { ERROR_WINHTTP_OPTION_NOT_SETTABLE, "ERROR_WINHTTP_OPTION_NOT_SETTABLE" },
    { ERROR_WINHTTP_SHUTDOWN, "ERROR_WINHTTP_SHUTDOWN" },
    { ERROR_WINHTTP_LOGIN_FAILURE, "ERROR_WINHTTP_LOGIN_FAILURE" },
    { ERROR_WINHTTP_OPERATION_CANCELLED, "ERROR_WINHTTP_OPERATION_CANCELLED" },
    { ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "ERROR_WINHTTP_INCORRECT_HANDLE_TYPE" },
    { ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "ERROR_WINHTTP_INCORRECT_HANDLE_STATE" },
    { ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT" },
    { ERROR_WINHTTP_CONNECTION_ERROR, "ERROR_WINHTTP_CONNECTION_ERROR" },
    { ERROR_WINHTTP_RESEND_REQUEST, "ERROR_WINHTTP_RESEND_REQUEST" },
    { ERROR_WINHTTP_SECURE_CERT_DATE_INVALID, "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID" },
    { ERROR_WINHTTP_SECURE_CERT_CN_INVALID, "ERROR_WINHTTP_SECURE_CERT_CN_INVALID" },
    { ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED" },
    { ERROR_WINHTTP_SECURE_INVALID_CA, "ERROR_WINHTTP_SECURE_INVALID_CA" },
    { ERROR_WINHTTP_SECURE_CERT_REV_FAILED, "ERROR_WINHTTP_SECURE_CERT_REV_FAILED" },
    { ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN, "ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN" },
    { ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND, "ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND" },
    { ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND, "ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND" },
    { ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN, "ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN" },
    { ERROR_WINHTTP_SECURE_CHANNEL_ERROR, "ERROR_WINHTTP_SECURE_CHANNEL_ERROR" },
    { ERROR_WINHTTP_SECURE_INVALID_CERT, "ERROR_WINHTTP_SECURE_INVALID_CERT" },
    { ERROR_WINHTTP_SECURE_CERT_REVOKED, "ERROR_WINHTTP_SECURE_CERT_REVOKED" },
    { ERROR_WINHTTP_HEADER_NOT_FOUND, "ERROR_WINHTTP_HEADER_NOT_FOUND" },
    { ERROR_WINHTTP_INVALID_SERVER_RESPONSE, "ERROR_WINHTTP_INVALID_SERVER_RESPONSE" },
    { ERROR_WINHTTP_INVALID_QUERY_REQUEST, "ERROR_WINHTTP_INVALID_QUERY_REQUEST" },
    { ERROR_WINHTTP_REDIRECT_FAILED, "ERROR_WINHTTP_REDIRECT_FAILED" },
    { ERROR_WINHTTP_SECURE_FAILURE, "ERROR_WINHTTP_SECURE_FAILURE" },
    { ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE, "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE" },
    { ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY, "ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY" },
    { ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY, "ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY" },
};

static const struct name failure_flag_names[] =
{
    { WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED, "CERT_REV_FAILED" },
    { WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT, "INVALID_CERT" },
    { WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED, "CERT_REVOKED" },
    { WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA, "INVALID_CA" },
    { WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID, "CERT_CN_INVALID" },
    { WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID, "CERT_DATE_INVALID" },
    { WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE, "CERT_WRONG_USAGE" },
    { WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR, "SECURITY_CHANNEL_ERROR" },
};

static const struct name status_names[] =
{
    { WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, "RESOLVING_NAME" },
    { WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, "NAME_RESOLVED" },
    { WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, "CONNECTING_TO_SERVER" },
    { WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, "CONNECTED_TO_SERVER" },
    { WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, "SENDING_REQUEST" },
    { WINHTTP_CALLBACK_STATUS_REQUEST_SENT, "REQUEST_SENT" },
    { WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, "RECEIVING_RESPONSE" },
    { WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, "RESPONSE_RECEIVED" },
    { WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, "CLOSING_CONNECTION" },
    { WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, "CONNECTION_CLOSED" },
    { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, "HANDLE_CREATED" },
    { WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, "HANDLE_CLOSING" },
    { WINHTTP_CALLBACK_STATUS_DETECTING_PROXY, "DETECTING_PROXY" },
    { WINHTTP_CALLBACK_STATUS_REDIRECT, "REDIRECT" },
    { WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE, "INTERMEDIATE_RESPONSE" },
    { WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, "SECURE_FAILURE" },
    { WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, "HEADERS_AVAILABLE" },
    { WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, "DATA_AVAILABLE" },
    { WINHTTP_CALLBACK_STATUS_READ_COMPLETE, "READ_COMPLETE" },
    { WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, "WRITE_COMPLETE" },
    { WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, "REQUEST_ERROR" },
    { WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, "SENDREQUEST_COMPLETE" },
};

static const struct name api_names[] =
{
    { API_RECEIVE_RESPONSE, "API_RECEIVE_RESPONSE" },
    { API_QUERY_DATA_AVAILABLE, "API_QUERY_DATA_AVAILABLE" },
    { API_READ_DATA, "API_READ_DATA" },
    { API_WRITE_DATA, "API_WRITE_DATA" },
    { API_SEND_REQUEST, "API_SEND_REQUEST" },
};

static const struct name flag_words[] =  /* --ignore and --protocols */
{
    { SECURITY_FLAG_IGNORE_UNKNOWN_CA, "unknown-ca" },
    { SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE, "wrong-usage" },
    { SECURITY_FLAG_IGNORE_CERT_CN_INVALID, "cn-invalid" },
    { SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, "date-invalid" },
    { WINHTTP_FLAG_SECURE_PROTOCOL_SSL3, "ssl3" },
    { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1, "tls1" },
    { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1, "tls1.1" },
    { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2, "tls1.2" },
    { WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3, "tls1.3" },
};

static const char *name_of( const struct name *names, size_t count, DWORD value )
{
    size_t i;
    for (i = 0; i < count; i++) if (names[i].value == value) return names[i].name;
    return NULL;
}

/* "0" for success, "ERROR:NAME" otherwise */
static const char *error_text( DWORD error )
{
    static char buffer[8][96];
    static LONG next;
    char *text = buffer[InterlockedIncrement( &next ) % 8];
    const char *name = name_of( error_names, ARRAYSIZE(error_names), error );

    if (!error) return "0";
    snprintf( text, sizeof(buffer[0]), "%lu:%s", error, name ? name : "UNKNOWN" );
    return text;
}

static BOOL parse_flags( const WCHAR *text, DWORD *flags )
{
    WCHAR word[32], *end;
    size_t i, len;

    *flags = wcstoul( text, &end, 0 );
    if (end != text && !*end) return TRUE;
    *flags = 0;
    while (*text)
    {
        len = wcscspn( text, L"+" );
        if (len >= ARRAYSIZE(word)) return FALSE;
        memcpy( word, text, len * sizeof(WCHAR) );
        word[len] = 0;
        for (i = 0; i < ARRAYSIZE(flag_words); i++)
        {
            WCHAR wide[32];
            MultiByteToWideChar( CP_ACP, 0, flag_words[i].name, -1, wide, ARRAYSIZE(wide) );
            if (!wcscmp( wide, word )) break;
        }
        if (i == ARRAYSIZE(flag_words)) return FALSE;
        *flags |= flag_words[i].value;
        text += len;
        if (*text) text++;
    }
    return TRUE;
}

/* ---- the output line, built piece by piece ---- */

static char line[16384];

static void add( const char *format, ... )
{
    size_t len = strlen( line );
    va_list args;

    if (len >= sizeof(line) - 1) return;
    va_start( args, format );
    vsnprintf( line + len, sizeof(line) - len, format, args );
    va_end( args );
}

/* a string as "...", backslash, quote and control characters escaped */
static void add_quoted( const char *key, const WCHAR *text )
{
    char utf8[2048], quoted[4096];
    size_t i, j = 0;

    if (!WideCharToMultiByte( CP_UTF8, 0, text, -1, utf8, sizeof(utf8), NULL, NULL )) strcpy( utf8, "?" );
    for (i = 0; utf8[i] && j < sizeof(quoted) - 8; i++)
    {
        unsigned char c = utf8[i];
        if (c == '\r') { quoted[j++] = '\\'; quoted[j++] = 'r'; }
        else if (c == '\n') { quoted[j++] = '\\'; quoted[j++] = 'n'; }
        else if (c == '"' || c == '\\') { quoted[j++] = '\\'; quoted[j++] = c; }
        else if (c < 0x20) j += sprintf( quoted + j, "\\x%02x", c );
        else quoted[j++] = c;
    }
    quoted[j] = 0;
    add( " %s=\"%s\"", key, quoted );
}

/* ---- the state of the current request, shared with the callback ---- */

struct request_state
{
    HINTERNET request;
    HANDLE    event;            /* an asynchronous call completed, or failed */
    HANDLE    closed;           /* HANDLE_CLOSING of the request */
    DWORD     completion;       /* the notification that set event */
    DWORD     async_api, async_error;
    DWORD     read_size;
    DWORD     secure_failure, secure_failure_calls;
    char      cb_server_cert[300];
    char      callbacks[1024];
    DWORD     last_status, repeats;
    CRITICAL_SECTION cs;
};

static struct request_state state;
static BOOL async_mode;

static void server_cert_name( HINTERNET request, char *out, size_t size )
{
    PCCERT_CONTEXT cert = NULL;
    DWORD len = sizeof(cert);
    WCHAR name[256];

    if (!WinHttpQueryOption( request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &cert, &len ))
    {
        snprintf( out, size, "-:%s", error_text( GetLastError() ) );
        return;
    }
    if (!cert) { snprintf( out, size, "-:null" ); return; }
    if (!pCertGetNameStringW( cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, NULL, name, ARRAYSIZE(name) ))
        wcscpy( name, L"?" );
    snprintf( out, size, "\"%ls\"", name );
    pCertFreeCertificateContext( cert );
}

static void note_callback( DWORD status )
{
    size_t len = strlen( state.callbacks );
    const char *name = name_of( status_names, ARRAYSIZE(status_names), status );
    char unknown[16];

    if (!name) { snprintf( unknown, sizeof(unknown), "0x%lx", status ); name = unknown; }
    if (status == state.last_status && len)
    {
        /* XxN: rewrite the count of the last entry */
        char *last = strrchr( state.callbacks, ',' );
        last = last ? last + 1 : state.callbacks;
        state.repeats++;
        snprintf( last, sizeof(state.callbacks) - (last - state.callbacks), "%sx%lu", name, state.repeats );
        return;
    }
    state.last_status = status;
    state.repeats = 1;
    if (len + strlen( name ) + 2 < sizeof(state.callbacks))
        snprintf( state.callbacks + len, sizeof(state.callbacks) - len, "%s%s", len ? "," : "", name );
}

static void CALLBACK callback( HINTERNET handle, DWORD_PTR context, DWORD status, void *info, DWORD size )
{
    BOOL signal = FALSE;

    if (!state.request || handle != state.request) return;
    EnterCriticalSection( &state.cs );
    note_callback( status );
    switch (status)
    {
    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
        if (info && size >= sizeof(DWORD)) state.secure_failure |= *(DWORD *)info;
        state.secure_failure_calls++;
        server_cert_name( handle, state.cb_server_cert, sizeof(state.cb_server_cert) );
        break;
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        state.completion = status;
        signal = TRUE;
        break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        state.completion = status;
        state.read_size = size;
        signal = TRUE;
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
    {
        WINHTTP_ASYNC_RESULT *result = info;
        state.completion = status;
        state.async_api = result->dwResult;
        state.async_error = result->dwError;
        signal = TRUE;
        break;
    }
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        SetEvent( state.closed );
        break;
    }
    LeaveCriticalSection( &state.cs );
    if (signal && async_mode) SetEvent( state.event );
}

/* In async mode: waits for the completion of the call just made; its error, or 0. */
static DWORD wait_completion( DWORD want, DWORD timeout )
{
    if (!async_mode) return 0;
    if (WaitForSingleObject( state.event, timeout )) return ERROR_WINHTTP_TIMEOUT;
    if (state.completion == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) return state.async_error;
    if (state.completion != want) return ERROR_INVALID_OPERATION;
    return 0;
}

/* ---- the options ---- */

struct options
{
    const WCHAR *url, *tag, *cert_subject, *output;
    DWORD ignore_flags, protocols, timeout;
    BOOL set_ignore, set_protocols, set_cert, cert_on_demand, revocation;
    int count;
};

static PCCERT_CONTEXT client_cert;
static BOOL cert_none;

/* the client certificate: NULL (with cert_none) for "none" */
static BOOL find_client_cert( const WCHAR *subject )
{
    HCERTSTORE store;

    if (!wcscmp( subject, L"none" )) { cert_none = TRUE; return TRUE; }
    if (!(store = pCertOpenStore( CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"My" )))
    {
        printf( "tlsclient: cannot open CURRENT_USER My: %s\n", error_text( GetLastError() ) );
        return FALSE;
    }
    client_cert = pCertFindCertificateInStore( store, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_STR_W, subject, NULL );
    pCertCloseStore( store, 0 );
    if (!client_cert) printf( "tlsclient: no certificate with subject \"%ls\" in CURRENT_USER My\n", subject );
    return client_cert != NULL;
}

static BOOL set_client_cert( HINTERNET request, const char **failed )
{
    if (WinHttpSetOption( request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT,
                          cert_none ? WINHTTP_NO_CLIENT_CERT_CONTEXT : (void *)client_cert,
                          cert_none ? 0 : sizeof(CERT_CONTEXT) ))
        return TRUE;
    *failed = "CLIENT_CERT_CONTEXT";
    return FALSE;
}

/* ---- one request ---- */

static HCRYPTPROV hash_provider;

static void add_security_details( HINTERNET request )
{
    struct security_info info;
    WINHTTP_CERTIFICATE_INFO cert;
    DWORD value, size;
    char name[300];

    memset( &info, 0, sizeof(info) );
    size = sizeof(info);
    if (WinHttpQueryOption( request, WINHTTP_OPTION_SECURITY_INFO, &info, &size ))
    {
        DWORD proto = info.ConnectionInfo.dwProtocol;
        const char *text = (proto & SP_PROT_TLS1_3) ? "TLS1.3" : (proto & SP_PROT_TLS1_2) ? "TLS1.2" :
                           (proto & SP_PROT_TLS1_1) ? "TLS1.1" : (proto & SP_PROT_TLS1_0) ? "TLS1.0" : "other";
        add( " protocol=0x%08lx:%s", proto, text );
        add_quoted( "cipher", info.CipherInfo.szCipherSuite );
    }
    else add( " protocol=-:%s cipher=-", error_text( GetLastError() ) );

    size = sizeof(value);
    if (WinHttpQueryOption( request, WINHTTP_OPTION_SECURITY_KEY_BITNESS, &value, &size ))
        add( " key_bitness=%lu", value );
    else add( " key_bitness=-:%s", error_text( GetLastError() ) );

    size = sizeof(value);
    if (WinHttpQueryOption( request, WINHTTP_OPTION_SECURITY_FLAGS, &value, &size ))
        add( " security_flags=0x%08lx", value );
    else add( " security_flags=-:%s", error_text( GetLastError() ) );

    memset( &cert, 0, sizeof(cert) );
    size = sizeof(cert);
    if (WinHttpQueryOption( request, WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT, &cert, &size ))
    {
        add_quoted( "cert_subject", cert.lpszSubjectInfo ? cert.lpszSubjectInfo : L"(null)" );
        add_quoted( "cert_issuer", cert.lpszIssuerInfo ? cert.lpszIssuerInfo : L"(null)" );
        add( " cert_keysize=%lu", cert.dwKeySize );
        LocalFree( cert.lpszSubjectInfo );
        LocalFree( cert.lpszIssuerInfo );
        LocalFree( cert.lpszProtocolName );
        LocalFree( cert.lpszSignatureAlgName );
        LocalFree( cert.lpszEncryptionAlgName );
    }
    else add( " cert_subject=-:%s cert_issuer=- cert_keysize=-", error_text( GetLastError() ) );

    server_cert_name( request, name, sizeof(name) );
    add( " server_cert=%s", name );
}

/* WinHttpSendRequest and WinHttpReceiveResponse; with --cert-on-demand, when either
 * fails with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, the certificate is set and the
 * request sent again (the retry Microsoft's documentation describes) */
static BOOL send_and_receive( HINTERNET request, const struct options *opts )
{
    const char *failed = NULL;
    DWORD send_error, receive_error = 0;
    int attempt;

    for (attempt = 0; ; attempt++)
    {
        if (!WinHttpSendRequest( request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                                 (DWORD_PTR)&state ))
            send_error = GetLastError();
        else
            send_error = wait_completion( WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, opts->timeout * 2 );
        if (!send_error)
        {
            if (!WinHttpReceiveResponse( request, NULL )) receive_error = GetLastError();
            else receive_error = wait_completion( WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, opts->timeout * 2 );
        }
        if (attempt || !opts->cert_on_demand) break;
        if (send_error == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED) add( " first_send=%s", error_text( send_error ) );
        else if (receive_error == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED)
            add( " first_receive=%s", error_text( receive_error ) );
        else break;
        if (!set_client_cert( request, &failed ))
        {
            add( " options=%s@%s", error_text( GetLastError() ), failed );
            return FALSE;
        }
    }
    add( " send=%s", error_text( send_error ) );
    if (send_error) return FALSE;
    add( " receive=%s", error_text( receive_error ) );
    return !receive_error;
}

static BOOL do_request( HINTERNET connect, const WCHAR *path, BOOL secure, const struct options *opts,
                        int n, FILE *out )
{
    static char buffer[65536];
    HINTERNET request;
    HCRYPTHASH hash = 0;
    const char *failed = NULL;
    ULONGLONG total = 0;
    DWORD error, status = 0, size, read, value;
    BOOL ok = FALSE;
    BYTE digest[32];
    int i;

    line[0] = 0;
    add( "result n=%d", n );
    EnterCriticalSection( &state.cs );
    state.callbacks[0] = 0;
    state.last_status = state.repeats = 0;
    state.secure_failure = state.secure_failure_calls = 0;
    state.async_api = state.async_error = 0;
    strcpy( state.cb_server_cert, "-" );
    LeaveCriticalSection( &state.cs );
    ResetEvent( state.event );
    ResetEvent( state.closed );

    if (!(request = WinHttpOpenRequest( connect, L"GET", path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                        secure ? WINHTTP_FLAG_SECURE : 0 )))
    {
        add( " open=%s", error_text( GetLastError() ) );
        goto done;
    }
    add( " open=0" );
    state.request = request;

    if (opts->tag)
    {
        WCHAR header[256];
        _snwprintf( header, ARRAYSIZE(header), L"X-Test: %ls", opts->tag );
        header[ARRAYSIZE(header) - 1] = 0;
        if (!WinHttpAddRequestHeaders( request, header, -1, WINHTTP_ADDREQ_FLAG_ADD )) failed = "X-Test header";
    }
    if (!failed && opts->set_ignore &&
        !WinHttpSetOption( request, WINHTTP_OPTION_SECURITY_FLAGS, (void *)&opts->ignore_flags, sizeof(DWORD) ))
        failed = "SECURITY_FLAGS";
    if (!failed && opts->revocation)
    {
        value = WINHTTP_ENABLE_SSL_REVOCATION;
        if (!WinHttpSetOption( request, WINHTTP_OPTION_ENABLE_FEATURE, &value, sizeof(value) )) failed = "ENABLE_FEATURE";
    }
    if (!failed && opts->set_cert && !opts->cert_on_demand) set_client_cert( request, &failed );
    if (failed)
    {
        add( " options=%s@%s", error_text( GetLastError() ), failed );
        goto done;
    }
    add( " options=0" );

    if (!send_and_receive( request, opts )) goto done;

    size = sizeof(status);
    if (!WinHttpQueryHeaders( request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                              &status, &size, WINHTTP_NO_HEADER_INDEX ))
        add( " status=-:%s", error_text( GetLastError() ) );
    else add( " status=%lu", status );

    if (hash_provider && !CryptCreateHash( hash_provider, CALG_SHA_256, 0, 0, &hash )) hash = 0;
    for (;;)
    {
        if (!WinHttpReadData( request, buffer, sizeof(buffer), async_mode ? NULL : &read ))
            error = GetLastError();
        else if (!(error = wait_completion( WINHTTP_CALLBACK_STATUS_READ_COMPLETE, opts->timeout * 2 )) && async_mode)
            read = state.read_size;
        if (error) break;
        if (!read) break;
        total += read;
        if (hash) CryptHashData( hash, (BYTE *)buffer, read, 0 );
        if (out && fwrite( buffer, 1, read, out ) != read)
        {
            printf( "tlsclient: writing the body failed\n" );
            error = ERROR_WRITE_FAULT;
            break;
        }
    }
    add( " read=%s bytes=%llu", error_text( error ), total );
    size = sizeof(digest);
    if (hash && CryptGetHashParam( hash, HP_HASHVAL, digest, &size, 0 ) && size == sizeof(digest))
    {
        add( " sha256=" );
        for (i = 0; i < (int)sizeof(digest); i++) add( "%02x", digest[i] );
    }
    else add( " sha256=-" );
    if (hash) CryptDestroyHash( hash );
    ok = !error;

done:
    EnterCriticalSection( &state.cs );
    if (state.secure_failure_calls)
    {
        size_t i;
        const char *sep = ":";
        add( " secure_failure=0x%08lx", state.secure_failure );
        for (i = 0; i < ARRAYSIZE(failure_flag_names); i++)
            if (state.secure_failure & failure_flag_names[i].value)
            {
                add( "%s%s", sep, failure_flag_names[i].name );
                sep = "+";
            }
        if (state.secure_failure_calls > 1) add( " secure_failure_calls=%lu", state.secure_failure_calls );
    }
    else add( " secure_failure=none" );
    if (async_mode && state.async_error)
    {
        const char *api = name_of( api_names, ARRAYSIZE(api_names), state.async_api );
        add( " request_error=%s:%s", api ? api : "?", error_text( state.async_error ) );
    }
    LeaveCriticalSection( &state.cs );
    if (request) add_security_details( request );
    EnterCriticalSection( &state.cs );
    add( " cb_server_cert=%s callbacks=%s", state.cb_server_cert, state.callbacks[0] ? state.callbacks : "none" );
    LeaveCriticalSection( &state.cs );
    printf( "%s\n", line );
    fflush( stdout );
    if (request)
    {
        WinHttpCloseHandle( request );
        /* in async mode the request is done with once HANDLE_CLOSING came */
        if (async_mode && WaitForSingleObject( state.closed, 10000 ))
            printf( "tlsclient: no HANDLE_CLOSING for request %d within 10 s\n", n );
        state.request = NULL;
    }
    return ok;
}


/* ---- the Schannel probe ---- */

static BOOL send_all( SOCKET s, const void *data, DWORD size )
{
    const char *p = data;
    int sent;

    while (size)
    {
        if ((sent = send( s, p, size, 0 )) <= 0) return FALSE;
        p += sent;
        size -= sent;
    }
    return TRUE;
}

static int schannel_probe( int port, DWORD protocols )
{
    ACQUIRE_CREDENTIALS_HANDLE_FN_W acquire;
    FREE_CREDENTIALS_HANDLE_FN free_credentials;
    INITIALIZE_SECURITY_CONTEXT_FN_W initialize;
    DELETE_SECURITY_CONTEXT_FN delete_context;
    FREE_CONTEXT_BUFFER_FN free_buffer;
    QUERY_CONTEXT_ATTRIBUTES_FN_W query;
    SCHANNEL_CRED cred;
    CredHandle credentials;
    CtxtHandle context;
    TimeStamp expiry;
    SecBuffer in[2], out[1];
    SecBufferDesc in_desc = { SECBUFFER_VERSION, 2, in }, out_desc = { SECBUFFER_VERSION, 1, out };
    SecPkgContext_ConnectionInfo info;
    SECURITY_STATUS status;
    static char data[65536];
    DWORD len = 0, attrs, flags = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                                  ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM | ISC_REQ_USE_SUPPLIED_CREDS;
    BOOL have_context = FALSE, incomplete = FALSE;
    struct sockaddr_in addr;
    WSADATA wsa;
    SOCKET s;
    DWORD timeout = 10000;
    HMODULE secur32 = LoadLibraryW( L"secur32.dll" );
    int i, got;

    if (!secur32) { printf( "schannel_probe status=secur32-missing protocol=0 incomplete_credentials=no\n" ); return 1; }
    acquire = (void *)GetProcAddress( secur32, "AcquireCredentialsHandleW" );
    free_credentials = (void *)GetProcAddress( secur32, "FreeCredentialsHandle" );
    initialize = (void *)GetProcAddress( secur32, "InitializeSecurityContextW" );
    delete_context = (void *)GetProcAddress( secur32, "DeleteSecurityContext" );
    free_buffer = (void *)GetProcAddress( secur32, "FreeContextBuffer" );
    query = (void *)GetProcAddress( secur32, "QueryContextAttributesW" );
    if (!acquire || !free_credentials || !initialize || !delete_context || !free_buffer || !query) return 1;

    memset( &cred, 0, sizeof(cred) );
    cred.dwVersion = SCHANNEL_CRED_VERSION;
    cred.grbitEnabledProtocols = protocols;
    cred.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    status = acquire( NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL, &cred, NULL, NULL,
                      &credentials, &expiry );
    if (status != SEC_E_OK)
    {
        printf( "schannel_probe status=0x%08lx protocol=0 incomplete_credentials=no\n", (DWORD)status );
        return 1;
    }

    WSAStartup( MAKEWORD(2, 2), &wsa );
    s = socket( AF_INET, SOCK_STREAM, IPPROTO_TCP );
    memset( &addr, 0, sizeof(addr) );
    addr.sin_family = AF_INET;
    addr.sin_port = htons( port );
    addr.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    setsockopt( s, SOL_SOCKET, SO_RCVTIMEO, (char *)&timeout, sizeof(timeout) );
    if (s == INVALID_SOCKET || connect( s, (struct sockaddr *)&addr, sizeof(addr) ))
    {
        printf( "schannel_probe status=connect-failed protocol=0 incomplete_credentials=no\n" );
        free_credentials( &credentials );
        return 1;
    }

    status = SEC_I_CONTINUE_NEEDED;
    for (i = 0; i < 64; i++)  /* a handshake is a handful of rounds */
    {
        out[0].BufferType = SECBUFFER_TOKEN;
        out[0].cbBuffer = 0;
        out[0].pvBuffer = NULL;
        if (!have_context)
            status = initialize( &credentials, NULL, (SEC_WCHAR *)L"localhost", flags, 0, 0, NULL, 0, &context,
                                 &out_desc, &attrs, &expiry );
        else
        {
            in[0].BufferType = SECBUFFER_TOKEN;
            in[0].cbBuffer = len;
            in[0].pvBuffer = data;
            in[1].BufferType = SECBUFFER_EMPTY;
            in[1].cbBuffer = 0;
            in[1].pvBuffer = NULL;
            status = initialize( &credentials, &context, (SEC_WCHAR *)L"localhost", flags, 0, 0, &in_desc, 0, NULL,
                                 &out_desc, &attrs, &expiry );
        }
        if (status == SEC_I_INCOMPLETE_CREDENTIALS) { incomplete = TRUE; status = SEC_E_OK; have_context = TRUE; break; }
        if (!have_context && (status == SEC_I_CONTINUE_NEEDED || status == SEC_E_OK)) have_context = TRUE;
        if (out[0].cbBuffer && out[0].pvBuffer)
        {
            BOOL ok = send_all( s, out[0].pvBuffer, out[0].cbBuffer );
            free_buffer( out[0].pvBuffer );
            if (!ok) { status = SEC_E_INTERNAL_ERROR; break; }
        }
        if (status != SEC_E_INCOMPLETE_MESSAGE && have_context && i && in[1].BufferType == SECBUFFER_EXTRA)
        {
            memmove( data, data + len - in[1].cbBuffer, in[1].cbBuffer );
            len = in[1].cbBuffer;
        }
        else if (status != SEC_E_INCOMPLETE_MESSAGE) len = 0;
        if (status == SEC_E_OK) break;
        if (status != SEC_I_CONTINUE_NEEDED && status != SEC_E_INCOMPLETE_MESSAGE) break;
        if (status == SEC_I_CONTINUE_NEEDED && len) continue;  /* what is left may be the next message */
        if (len >= sizeof(data) || (got = recv( s, data + len, sizeof(data) - len, 0 )) <= 0)
        {
            status = SEC_E_INTERNAL_ERROR;
            break;
        }
        len += got;
    }
    memset( &info, 0, sizeof(info) );
    if (status == SEC_E_OK && !incomplete) query( &context, SECPKG_ATTR_CONNECTION_INFO, &info );
    printf( "schannel_probe status=0x%08lx protocol=0x%08lx incomplete_credentials=%s\n", (DWORD)status,
            info.dwProtocol, incomplete ? "yes" : "no" );
    if (have_context) delete_context( &context );
    free_credentials( &credentials );
    closesocket( s );
    return status == SEC_E_OK ? 0 : 1;
}

static void usage( void )
{
    printf( "usage: tlsclient URL [--ignore FLAGS] [--protocols MASK] [--cert SUBJECT|none]\n"
            "                 [--cert-on-demand SUBJECT|none] [--revocation] [--async] [--count N]\n"
            "                 [--tag TAG] [-o FILE] [--timeout MS]\n"
            "       tlsclient --schannel-probe PORT SP_PROT_MASK\n" );
    exit( 2 );
}

int wmain( int argc, WCHAR **argv )
{
    struct options opts;
    WCHAR host[256], path[2048];
    URL_COMPONENTS uc;
    HINTERNET session = NULL, connect = NULL;
    PROCESS_MEMORY_COUNTERS counters;
    FILE *out = NULL;
    int i, failures = 0, ret = 1;

    if (argc == 4 && !wcscmp( argv[1], L"--schannel-probe" ))
        return schannel_probe( _wtoi( argv[2] ), wcstoul( argv[3], NULL, 0 ) );

    memset( &opts, 0, sizeof(opts) );
    opts.count = 1;
    opts.timeout = 30000;
    for (i = 1; i < argc; i++)
    {
        if (!wcscmp( argv[i], L"--ignore" ) && i + 1 < argc)
        {
            if (!parse_flags( argv[++i], &opts.ignore_flags )) usage();
            opts.set_ignore = TRUE;
        }
        else if (!wcscmp( argv[i], L"--protocols" ) && i + 1 < argc)
        {
            if (!parse_flags( argv[++i], &opts.protocols )) usage();
            opts.set_protocols = TRUE;
        }
        else if ((!wcscmp( argv[i], L"--cert" ) || !wcscmp( argv[i], L"--cert-on-demand" )) && i + 1 < argc)
        {
            opts.cert_on_demand = !wcscmp( argv[i], L"--cert-on-demand" );
            opts.cert_subject = argv[++i];
            opts.set_cert = TRUE;
        }
        else if (!wcscmp( argv[i], L"--revocation" )) opts.revocation = TRUE;
        else if (!wcscmp( argv[i], L"--async" )) async_mode = TRUE;
        else if (!wcscmp( argv[i], L"--count" ) && i + 1 < argc)
        {
            if ((opts.count = _wtoi( argv[++i] )) < 1 || opts.count > 10000) usage();
        }
        else if (!wcscmp( argv[i], L"--tag" ) && i + 1 < argc) opts.tag = argv[++i];
        else if (!wcscmp( argv[i], L"-o" ) && i + 1 < argc) opts.output = argv[++i];
        else if (!wcscmp( argv[i], L"--timeout" ) && i + 1 < argc)
        {
            if (!(opts.timeout = wcstoul( argv[++i], NULL, 10 ))) usage();
        }
        else if (argv[i][0] == '-' || opts.url) usage();
        else opts.url = argv[i];
    }
    if (!opts.url) usage();
    if (!load_crypt32())
    {
        printf( "tlsclient: crypt32.dll could not be loaded\n" );
        return 1;
    }
    if (opts.set_cert && !find_client_cert( opts.cert_subject )) return 1;
    if (!CryptAcquireContextW( &hash_provider, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT )) hash_provider = 0;
    if (opts.output && !(out = _wfopen( opts.output, L"wb" )))
    {
        printf( "tlsclient: cannot open %ls\n", opts.output );
        return 1;
    }

    memset( &uc, 0, sizeof(uc) );
    uc.dwStructSize = sizeof(uc);
    uc.lpszHostName = host;
    uc.dwHostNameLength = ARRAYSIZE(host);
    uc.lpszUrlPath = path;
    uc.dwUrlPathLength = ARRAYSIZE(path);
    uc.dwExtraInfoLength = 1;
    if (!WinHttpCrackUrl( opts.url, 0, 0, &uc ))
    {
        printf( "tlsclient: WinHttpCrackUrl failed: %s\n", error_text( GetLastError() ) );
        return 1;
    }
    if (uc.dwExtraInfoLength && wcslen( path ) + uc.dwExtraInfoLength < ARRAYSIZE(path))
        wcsncat( path, uc.lpszExtraInfo, uc.dwExtraInfoLength );

    InitializeCriticalSection( &state.cs );
    state.event = CreateEventW( NULL, FALSE, FALSE, NULL );
    state.closed = CreateEventW( NULL, TRUE, FALSE, NULL );
    if (!(session = WinHttpOpen( L"winhttp-tlsclient/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                 WINHTTP_NO_PROXY_BYPASS, async_mode ? WINHTTP_FLAG_ASYNC : 0 )))
    {
        printf( "session open=%s\n", error_text( GetLastError() ) );
        goto done;
    }
    if (WinHttpSetStatusCallback( session, callback, async_mode ? WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS :
                                  WINHTTP_CALLBACK_FLAG_SECURE_FAILURE, 0 ) == WINHTTP_INVALID_STATUS_CALLBACK)
    {
        printf( "session callback=%s\n", error_text( GetLastError() ) );
        goto done;
    }
    if (!WinHttpSetTimeouts( session, opts.timeout, opts.timeout, opts.timeout, opts.timeout ))
    {
        printf( "session timeouts=%s\n", error_text( GetLastError() ) );
        goto done;
    }
    if (opts.set_protocols &&
        !WinHttpSetOption( session, WINHTTP_OPTION_SECURE_PROTOCOLS, &opts.protocols, sizeof(opts.protocols) ))
    {
        printf( "session protocols=%s\n", error_text( GetLastError() ) );
        goto done;
    }
    if (!(connect = WinHttpConnect( session, host, uc.nPort, 0 )))
    {
        printf( "session connect=%s\n", error_text( GetLastError() ) );
        goto done;
    }
    for (i = 1; i <= opts.count; i++)
        if (!do_request( connect, path, uc.nScheme == INTERNET_SCHEME_HTTPS, &opts, i, out )) failures++;
    ret = failures ? 1 : 0;

done:
    counters.cb = sizeof(counters);
    if (!K32GetProcessMemoryInfo( GetCurrentProcess(), &counters, sizeof(counters) )) counters.PeakWorkingSetSize = 0;
    printf( "done requests=%d failed=%d peak_working_set=%llu\n", opts.count, failures,
            (unsigned long long)counters.PeakWorkingSetSize );
    fflush( stdout );
    if (out) fclose( out );
    WinHttpCloseHandle( connect );
    WinHttpCloseHandle( session );
    if (client_cert) pCertFreeCertificateContext( client_cert );
    if (hash_provider) CryptReleaseContext( hash_provider, 0 );
    return ret;
}
