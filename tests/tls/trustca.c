/*
 * trustca: puts the HTTPS tests' certificates into the certificate stores of
 * the Wine prefix (or Windows machine) it runs in, and takes them out again.
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
 * Usage:
 *   trustca add FILE.der              trust a CA: add it to the LOCAL_MACHINE "Root" store,
 *                                     after removing any certificate there with the same
 *                                     subject (an older run's CA)
 *   trustca remove FILE.der           remove that certificate from LOCAL_MACHINE "Root"
 *   trustca import-pfx FILE.pfx PASSWORD
 *                                     import a client certificate and its private key
 *                                     (persisted, exportable) into CURRENT_USER "My", after
 *                                     removing certificates there with the same subject
 *   trustca remove-my FILE.der        remove certificates with that subject from CURRENT_USER "My"
 *   trustca list root|my              print the subjects in a store, one a line
 * Prints one line per change and exits 0, or "trustca: ... failed: error N" and 1.
 *
 * Only run it where trusting the tests' CA is wanted: tests/tls/https.sh runs it
 * in a Wine prefix of the tests' own. crypt32 is loaded at run time (the project's
 * Makefile links its programs with winhttp and ws2_32 only).
 */

#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>

static HCERTSTORE (WINAPI *pCertOpenStore)( LPCSTR, DWORD, HCRYPTPROV_LEGACY, DWORD, const void * );
static BOOL (WINAPI *pCertCloseStore)( HCERTSTORE, DWORD );
static PCCERT_CONTEXT (WINAPI *pCertCreateCertificateContext)( DWORD, const BYTE *, DWORD );
static BOOL (WINAPI *pCertFreeCertificateContext)( PCCERT_CONTEXT );
static PCCERT_CONTEXT (WINAPI *pCertDuplicateCertificateContext)( PCCERT_CONTEXT );
static BOOL (WINAPI *pCertAddCertificateContextToStore)( HCERTSTORE, PCCERT_CONTEXT, DWORD, PCCERT_CONTEXT * );
static PCCERT_CONTEXT (WINAPI *pCertFindCertificateInStore)( HCERTSTORE, DWORD, DWORD, DWORD, const void *,
                                                             PCCERT_CONTEXT );
static BOOL (WINAPI *pCertDeleteCertificateFromStore)( PCCERT_CONTEXT );
static PCCERT_CONTEXT (WINAPI *pCertEnumCertificatesInStore)( HCERTSTORE, PCCERT_CONTEXT );
static DWORD (WINAPI *pCertGetNameStringW)( PCCERT_CONTEXT, DWORD, DWORD, void *, LPWSTR, DWORD );
static BOOL (WINAPI *pCertGetCertificateContextProperty)( PCCERT_CONTEXT, DWORD, void *, DWORD * );
static HCERTSTORE (WINAPI *pPFXImportCertStore)( CRYPT_DATA_BLOB *, LPCWSTR, DWORD );
static BOOL (WINAPI *pCertControlStore)( HCERTSTORE, DWORD, DWORD, const void * );

static int fail( const char *what )
{
    DWORD error = GetLastError();
    printf( "trustca: %s failed: error %lu (0x%08lx)\n", what, error, error );
    return 1;
}

static BOOL load_crypt32( void )
{
    HMODULE crypt32 = LoadLibraryW( L"crypt32.dll" );

    if (!crypt32) return FALSE;
#define GET(name) if (!(p##name = (void *)GetProcAddress( crypt32, #name ))) return FALSE
    GET(CertOpenStore);
    GET(CertCloseStore);
    GET(CertCreateCertificateContext);
    GET(CertFreeCertificateContext);
    GET(CertDuplicateCertificateContext);
    GET(CertAddCertificateContextToStore);
    GET(CertFindCertificateInStore);
    GET(CertDeleteCertificateFromStore);
    GET(CertEnumCertificatesInStore);
    GET(CertGetNameStringW);
    GET(CertGetCertificateContextProperty);
    GET(PFXImportCertStore);
    GET(CertControlStore);
#undef GET
    return TRUE;
}

static BOOL read_file( const WCHAR *name, BYTE **data, DWORD *size )
{
    HANDLE file = CreateFileW( name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL );
    LARGE_INTEGER len;
    BOOL ret = FALSE;

    *data = NULL;
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    if (GetFileSizeEx( file, &len ) && len.QuadPart < (1 << 20) && (*data = malloc( len.QuadPart + 1 )))
        ret = ReadFile( file, *data, (DWORD)len.QuadPart, size, NULL ) && *size == len.QuadPart;
    CloseHandle( file );
    if (!ret) { free( *data ); *data = NULL; }
    return ret;
}

static PCCERT_CONTEXT load_cert( const WCHAR *name )
{
    PCCERT_CONTEXT cert = NULL;
    BYTE *data;
    DWORD size;

    if (!read_file( name, &data, &size ))
    {
        printf( "trustca: cannot read %ls (error %lu)\n", name, GetLastError() );
        return NULL;
    }
    if (!(cert = pCertCreateCertificateContext( X509_ASN_ENCODING, data, size )))
        fail( "CertCreateCertificateContext (is the file DER?)" );
    free( data );
    return cert;
}

/* "PREFIX SUBJECT (SHA1)" */
static void print_name( const char *prefix, PCCERT_CONTEXT cert )
{
    WCHAR name[512];
    BYTE hash[20];
    DWORD size = sizeof(hash), i;

    if (!pCertGetNameStringW( cert, CERT_NAME_RDN_TYPE, 0, NULL, name, ARRAYSIZE(name) )) wcscpy( name, L"?" );
    printf( "%s%ls (", prefix, name );
    if (pCertGetCertificateContextProperty( cert, CERT_SHA1_HASH_PROP_ID, hash, &size ))
        for (i = 0; i < size; i++) printf( "%02X", hash[i] );
    printf( ")\n" );
}

static HCERTSTORE open_store( DWORD location, const WCHAR *name )
{
    return pCertOpenStore( CERT_STORE_PROV_SYSTEM_W, 0, 0, location, name );
}

/* Changes reach the registry when the store is committed: closing it is not enough
 * while anything else (Wine's crypt32 itself) still holds it. */
static BOOL commit_and_close( HCERTSTORE store )
{
    BOOL ret = pCertControlStore( store, 0, CERT_STORE_CTRL_COMMIT, NULL );

    if (!ret) fail( "CertControlStore(CERT_STORE_CTRL_COMMIT)" );
    pCertCloseStore( store, 0 );
    return ret;
}

/* Removes every certificate of the store with the subject of cert; the count removed. */
static int remove_same_subject( HCERTSTORE store, PCCERT_CONTEXT cert, const char *where )
{
    PCCERT_CONTEXT found;
    int removed = 0, i;

    for (i = 0; i < 1000; i++)  /* bounded: a store of the tests holds a few */
    {
        if (!(found = pCertFindCertificateInStore( store, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_NAME,
                                                   &cert->pCertInfo->Subject, NULL )))
            break;
        print_name( where, found );
        if (!pCertDeleteCertificateFromStore( found )) { fail( "CertDeleteCertificateFromStore" ); break; }
        removed++;
    }
    return removed;
}

static int add_root( const WCHAR *file )
{
    PCCERT_CONTEXT cert = load_cert( file );
    HCERTSTORE store;
    int ret = 1;

    if (!cert) return 1;
    if (!(store = open_store( CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root" ))) { fail( "CertOpenStore(Root)" ); goto done; }
    remove_same_subject( store, cert, "trustca: removed an older Root certificate: " );
    if (!pCertAddCertificateContextToStore( store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL ))
        fail( "CertAddCertificateContextToStore(Root)" );
    else
    {
        print_name( "trustca: added to LOCAL_MACHINE Root: ", cert );
        ret = 0;
    }
    if (!commit_and_close( store )) ret = 1;
done:
    pCertFreeCertificateContext( cert );
    return ret;
}

static int remove_cert( const WCHAR *file, DWORD location, const WCHAR *store_name, BOOL by_subject )
{
    PCCERT_CONTEXT cert = load_cert( file ), found;
    HCERTSTORE store;
    int ret = 1;

    if (!cert) return 1;
    if (!(store = open_store( location, store_name ))) { fail( "CertOpenStore" ); goto done; }
    if (by_subject)
    {
        if (!remove_same_subject( store, cert, "trustca: removed from CURRENT_USER My: " ))
            print_name( "trustca: not in CURRENT_USER My: ", cert );
        ret = 0;
    }
    else if ((found = pCertFindCertificateInStore( store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL )))
    {
        if (pCertDeleteCertificateFromStore( found ))
        {
            print_name( "trustca: removed from LOCAL_MACHINE Root: ", cert );
            ret = 0;
        }
        else fail( "CertDeleteCertificateFromStore" );
    }
    else
    {
        print_name( "trustca: not in LOCAL_MACHINE Root: ", cert );
        ret = 0;
    }
    if (!commit_and_close( store )) ret = 1;
done:
    pCertFreeCertificateContext( cert );
    return ret;
}

static int import_pfx( const WCHAR *file, const WCHAR *password )
{
    CRYPT_DATA_BLOB blob;
    HCERTSTORE pfx, my;
    PCCERT_CONTEXT cert = NULL;
    DWORD size;
    int added = 0, ret = 1;

    if (!read_file( file, &blob.pbData, &blob.cbData ))
    {
        printf( "trustca: cannot read %ls (error %lu)\n", file, GetLastError() );
        return 1;
    }
    /* the key goes into the user's key container (persisted); exportable, since
     * Wine's schannel exports it to hand it to GnuTLS */
    if (!(pfx = pPFXImportCertStore( &blob, password, CRYPT_EXPORTABLE | CRYPT_USER_KEYSET )))
    {
        free( blob.pbData );
        return fail( "PFXImportCertStore" );
    }
    if (!(my = open_store( CERT_SYSTEM_STORE_CURRENT_USER, L"My" ))) { fail( "CertOpenStore(My)" ); goto done; }
    while ((cert = pCertEnumCertificatesInStore( pfx, cert )))
    {
        size = 0;
        if (!pCertGetCertificateContextProperty( cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size )) continue;
        remove_same_subject( my, cert, "trustca: removed an older My certificate: " );
        if (!pCertAddCertificateContextToStore( my, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL ))
        {
            fail( "CertAddCertificateContextToStore(My)" );
            pCertFreeCertificateContext( cert );
            goto done;
        }
        print_name( "trustca: added to CURRENT_USER My, with its private key: ", cert );
        added++;
    }
    if (added) ret = 0;
    else printf( "trustca: %ls holds no certificate with a private key\n", file );
done:
    if (my && !commit_and_close( my )) ret = 1;
    pCertCloseStore( pfx, 0 );
    free( blob.pbData );
    return ret;
}

static int list( const WCHAR *which )
{
    BOOL root = !wcscmp( which, L"root" );
    HCERTSTORE store = open_store( root ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER,
                                   root ? L"Root" : L"My" );
    PCCERT_CONTEXT cert = NULL;
    int n = 0;

    if (!store) return fail( "CertOpenStore" );
    while ((cert = pCertEnumCertificatesInStore( store, cert )) && n < 100000)
    {
        print_name( "", cert );
        n++;
    }
    pCertCloseStore( store, 0 );
    return 0;
}

static int usage( void )
{
    printf( "usage: trustca add FILE.der | remove FILE.der | import-pfx FILE.pfx PASSWORD |\n"
            "               remove-my FILE.der | list root|my\n" );
    return 2;
}

int wmain( int argc, WCHAR **argv )
{
    int ret;

    if (argc < 3) return usage();
    if (!load_crypt32()) return fail( "loading crypt32.dll" );
    if (!wcscmp( argv[1], L"add" ) && argc == 3) ret = add_root( argv[2] );
    else if (!wcscmp( argv[1], L"remove" ) && argc == 3)
        ret = remove_cert( argv[2], CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root", FALSE );
    else if (!wcscmp( argv[1], L"import-pfx" ) && argc == 4) ret = import_pfx( argv[2], argv[3] );
    else if (!wcscmp( argv[1], L"remove-my" ) && argc == 3)
        ret = remove_cert( argv[2], CERT_SYSTEM_STORE_CURRENT_USER, L"My", TRUE );
    else if (!wcscmp( argv[1], L"list" ) && argc == 3 && (!wcscmp( argv[2], L"root" ) || !wcscmp( argv[2], L"my" )))
        ret = list( argv[2] );
    else ret = usage();
    fflush( stdout );
    return ret;
}
