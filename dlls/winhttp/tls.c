/*
 * TLS on a connection: the handshake through the build's backend (tls.h), then
 * the server's certificate judged the Windows way, through crypt32's chain engine
 * and the SSL policy, so that both builds give the same errors and flags.
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

#include <stdarg.h>

#include "winsock2.h"
#include "ws2tcpip.h"
#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "wincrypt.h"
#define SECURITY_WIN32
#include "sspi.h"
#include "schannel.h"
#include "winhttp.h"

#include "wine/debug.h"
#include "winhttp_private.h"
#include "tls.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

struct tls_connection
{
    struct tls_backend *backend;
    DWORD io_error;                         /* why the transport last failed */
    const CERT_CONTEXT *cert;               /* the server's, with what it sent in its store */
    const CERT_CHAIN_CONTEXT *chain;
    DWORD cert_errors;                      /* WINHTTP_CALLBACK_STATUS_FLAG_* found, ignored or not */
    BOOL check_revocation;                  /* the settings cert_errors were found with */
    BOOL ignore_revocation_offline;
    struct tls_session_info info;
};

static int transport_recv( void *context, void *buffer, int len )
{
    struct netconn *conn = context;
    size_t received;
    DWORD error;

    if ((error = socket_recv( conn, buffer, len, &received )))
    {
        conn->tls->io_error = error;
        return -1;
    }
    return received;
}

static int transport_send( void *context, const void *buffer, int len )
{
    struct netconn *conn = context;
    DWORD error;

    if ((error = socket_send( conn, buffer, len )))
    {
        conn->tls->io_error = error;
        return -1;
    }
    return len;
}

#ifdef WINHTTP_ELF_BUILD

#ifndef CERT_NCRYPT_KEY_SPEC
#define CERT_NCRYPT_KEY_SPEC 0xffffffff
#endif

/* a client key's numbers, pointing into the blob CryptoAPI exported */
struct exported_key
{
    struct tls_rsa_key numbers;
    BYTE *blob;
    DWORD size;
};

static void reverse( BYTE *data, size_t len )
{
    size_t i;
    for (i = 0; i < len / 2; i++)
    {
        BYTE b = data[i];
        data[i] = data[len - 1 - i];
        data[len - 1 - i] = b;
    }
}

/* GnuTLS cannot use CryptoAPI's keys: the RSA key is exported from its container
 * and handed over as numbers, which only works for a key imported as exportable. */
static DWORD client_cert_params( const CERT_CONTEXT *cert, struct tls_client_params *params )
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE prov;
    DWORD spec, size = 0, bytes, half;
    BOOL free_prov;
    HCRYPTKEY key;
    BYTE *blob, *p;
    RSAPUBKEY *rsa;
    struct exported_key *exported;
    struct tls_rsa_key *k;

    if (!cert) return ERROR_SUCCESS;
    params->cert = cert->pbCertEncoded;
    params->cert_len = cert->cbCertEncoded;
    if (!CryptAcquireCertificatePrivateKey( cert, CRYPT_ACQUIRE_SILENT_FLAG, NULL, &prov, &spec, &free_prov ))
        return ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY;
    /* Wine reports a made-up spec for a key imported from a PFX: try both kinds */
    if (spec == CERT_NCRYPT_KEY_SPEC ||
        (!CryptGetUserKey( prov, spec, &key ) && !CryptGetUserKey( prov, AT_KEYEXCHANGE, &key ) &&
         !CryptGetUserKey( prov, AT_SIGNATURE, &key )))
    {
        if (free_prov && spec != CERT_NCRYPT_KEY_SPEC) CryptReleaseContext( prov, 0 );
        return ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    blob = NULL;
    if (!CryptExportKey( key, 0, PRIVATEKEYBLOB, 0, NULL, &size ) || size < sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) ||
        !(blob = malloc( size )) || !CryptExportKey( key, 0, PRIVATEKEYBLOB, 0, blob, &size ))
    {
        free( blob );
        CryptDestroyKey( key );
        if (free_prov) CryptReleaseContext( prov, 0 );
        return ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    CryptDestroyKey( key );
    if (free_prov) CryptReleaseContext( prov, 0 );

    /* BLOBHEADER, RSAPUBKEY, then modulus, p, q, dp, dq, coefficient, d, little-endian */
    rsa = (RSAPUBKEY *)(blob + sizeof(BLOBHEADER));
    bytes = rsa->bitlen / 8;
    half = bytes / 2;
    if (rsa->magic != 0x32415352 /* "RSA2" */ || size < sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) + bytes * 2 + half * 5)
    {
        free( blob );
        return ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY;
    }
    if (!(exported = calloc( 1, sizeof(*exported) )))
    {
        free( blob );
        return ERROR_OUTOFMEMORY;
    }
    exported->blob = blob;
    exported->size = size;
    k = &exported->numbers;
    p = (BYTE *)(rsa + 1);
    reverse( p, bytes );     k->n = p;     k->n_len = bytes;     p += bytes;
    reverse( p, half );      k->p = p;     k->p_len = half;      p += half;
    reverse( p, half );      k->q = p;     k->q_len = half;      p += half;
    reverse( p, half );      k->exp1 = p;  k->exp1_len = half;   p += half;
    reverse( p, half );      k->exp2 = p;  k->exp2_len = half;   p += half;
    reverse( p, half );      k->coeff = p; k->coeff_len = half;  p += half;
    reverse( p, bytes );     k->d = p;     k->d_len = bytes;
    /* the public exponent, big-endian without leading zeroes */
    rsa->pubexp = ((rsa->pubexp & 0xff) << 24) | ((rsa->pubexp & 0xff00) << 8) | ((rsa->pubexp >> 8) & 0xff00) |
                  (rsa->pubexp >> 24);
    k->e = (const BYTE *)&rsa->pubexp;
    k->e_len = 4;
    while (k->e_len > 1 && !k->e[0]) { k->e++; k->e_len--; }
    params->key = k;
    return ERROR_SUCCESS;
}

static void free_client_cert_params( struct tls_client_params *params )
{
    struct exported_key *exported;

    if (!params->key) return;
    exported = CONTAINING_RECORD( params->key, struct exported_key, numbers );
    SecureZeroMemory( exported->blob, exported->size );
    free( exported->blob );
    free( exported );
    params->key = NULL;
}

#else

static DWORD client_cert_params( const CERT_CONTEXT *cert, struct tls_client_params *params )
{
    if (!cert) return ERROR_SUCCESS;
    params->cert = cert->pbCertEncoded;
    params->cert_len = cert->cbCertEncoded;
    params->cert_handle = cert;
    return ERROR_SUCCESS;
}

static void free_client_cert_params( struct tls_client_params *params )
{
}

#endif

/* The certificate's problems as WINHTTP_CALLBACK_STATUS_FLAG_* bits. */
static DWORD chain_errors( const CERT_CHAIN_CONTEXT *chain, const struct tls_settings *settings )
{
    DWORD status = chain->TrustStatus.dwErrorStatus, flags = 0;

    if (status & (CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_IS_PARTIAL_CHAIN))
        flags |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
    if (status & CERT_TRUST_IS_NOT_TIME_VALID) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
    if (status & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE;
    if (status & (CERT_TRUST_IS_NOT_SIGNATURE_VALID | CERT_TRUST_IS_CYCLIC | CERT_TRUST_INVALID_EXTENSION |
                  CERT_TRUST_INVALID_POLICY_CONSTRAINTS | CERT_TRUST_INVALID_BASIC_CONSTRAINTS |
                  CERT_TRUST_INVALID_NAME_CONSTRAINTS))
        flags |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
    if (settings->check_revocation)
    {
        if (status & CERT_TRUST_IS_REVOKED) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
        /* unknown because the revocation server is out of reach, or unknown at all */
        if (status & CERT_TRUST_IS_OFFLINE_REVOCATION)
        {
            if (!settings->ignore_revocation_offline) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
        }
        else if (status & CERT_TRUST_REVOCATION_STATUS_UNKNOWN) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
    }
    return flags;
}

/* An address literal against the certificate's IP address entries: Windows' SSL
 * policy matches those, Wine 8's crypt32 only DNS names. */
static BOOL address_matches( const CERT_CONTEXT *cert, const WCHAR *host )
{
    BYTE address[16];
    CERT_EXTENSION *ext;
    CERT_ALT_NAME_INFO *names;
    DWORD size, len, i;
    BOOL ret = FALSE;

    if (InetPtonW( AF_INET, host, address ) == 1) len = 4;
    else if (InetPtonW( AF_INET6, host, address ) == 1) len = 16;
    else return FALSE;
    if (!(ext = CertFindExtension( szOID_SUBJECT_ALT_NAME2, cert->pCertInfo->cExtension,
                                   cert->pCertInfo->rgExtension )))
        return FALSE;
    if (!CryptDecodeObjectEx( X509_ASN_ENCODING, X509_ALTERNATE_NAME, ext->Value.pbData, ext->Value.cbData,
                              CRYPT_DECODE_ALLOC_FLAG, NULL, &names, &size ))
        return FALSE;
    for (i = 0; i < names->cAltEntry && !ret; i++)
    {
        const CERT_ALT_NAME_ENTRY *entry = &names->rgAltEntry[i];
        ret = entry->dwAltNameChoice == CERT_ALT_NAME_IP_ADDRESS && entry->IPAddress.cbData == len &&
              !memcmp( entry->IPAddress.pbData, address, len );
    }
    LocalFree( names );
    return ret;
}

/* The name check alone, through the SSL policy with everything else ignored. */
static BOOL name_matches( const CERT_CHAIN_CONTEXT *chain, const WCHAR *host )
{
    SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl = { { sizeof(ssl) } };
    CERT_CHAIN_POLICY_PARA para = { sizeof(para) };
    CERT_CHAIN_POLICY_STATUS status = { sizeof(status) };
    WCHAR *name;
    BOOL ret;

    if (!(name = unbracketed_host( host ))) return FALSE;
    if (is_ip_literal( host ))
    {
        ret = address_matches( chain->rgpChain[0]->rgpElement[0]->pCertContext, name );
        free( name );
        return ret;
    }
    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.fdwChecks = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE |
                    SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | 0x80 /* SECURITY_FLAG_IGNORE_REVOCATION */;
    ssl.pwszServerName = name;
    /* spelt out: Wine's wincrypt.h has the combined *_FLAGS macros broken */
    para.dwFlags = CERT_CHAIN_POLICY_IGNORE_NOT_TIME_VALID_FLAG | CERT_CHAIN_POLICY_IGNORE_CTL_NOT_TIME_VALID_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_NOT_TIME_NESTED_FLAG | CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_WRONG_USAGE_FLAG | CERT_CHAIN_POLICY_IGNORE_END_REV_UNKNOWN_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_CTL_SIGNER_REV_UNKNOWN_FLAG | CERT_CHAIN_POLICY_IGNORE_CA_REV_UNKNOWN_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_ROOT_REV_UNKNOWN_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_INVALID_BASIC_CONSTRAINTS_FLAG | CERT_CHAIN_POLICY_IGNORE_INVALID_NAME_FLAG |
                   CERT_CHAIN_POLICY_IGNORE_INVALID_POLICY_FLAG;
    para.pvExtraPolicyPara = &ssl;
    ret = CertVerifyCertificateChainPolicy( CERT_CHAIN_POLICY_SSL, chain, &para, &status );
    free( name );
    return ret && status.dwError != (DWORD)CERT_E_CN_NO_MATCH;
}

/* The server's certificate, with the others it sent in its store. */
static DWORD load_certificate( struct tls_connection *tls )
{
    const unsigned char *der;
    HCERTSTORE store;
    unsigned int i;
    size_t len;
    BOOL ok;

    if (!tls_backend_peer_certificate( tls->backend, 0, &der, &len )) return ERROR_WINHTTP_SECURE_FAILURE;
    if (!(store = CertOpenStore( CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL )))
        return ERROR_OUTOFMEMORY;
    ok = CertAddEncodedCertificateToStore( store, X509_ASN_ENCODING, der, len, CERT_STORE_ADD_ALWAYS, &tls->cert );
    for (i = 1; ok && i < 32 && tls_backend_peer_certificate( tls->backend, i, &der, &len ); i++)
        CertAddEncodedCertificateToStore( store, X509_ASN_ENCODING, der, len, CERT_STORE_ADD_ALWAYS, NULL );
    CertCloseStore( store, 0 );  /* the certificate keeps it open */
    return ok ? ERROR_SUCCESS : ERROR_WINHTTP_SECURE_INVALID_CERT;
}

/* The chain and every problem found with it, for these revocation settings. */
static DWORD judge_certificate( struct netconn *conn, const struct tls_settings *settings )
{
    static char server_auth[] = szOID_PKIX_KP_SERVER_AUTH;
    struct tls_connection *tls = conn->tls;
    char *usage = server_auth;
    CERT_CHAIN_PARA para = { sizeof(para) };

    if (tls->chain) CertFreeCertificateChain( tls->chain );
    tls->chain = NULL;
    para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
    para.RequestedUsage.Usage.cUsageIdentifier = 1;
    para.RequestedUsage.Usage.rgpszUsageIdentifier = &usage;
    if (!CertGetCertificateChain( NULL, tls->cert, NULL, tls->cert->hCertStore, &para,
                                  settings->check_revocation ? CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT : 0,
                                  NULL, &tls->chain ))
        return ERROR_WINHTTP_SECURE_FAILURE;
    tls->cert_errors = chain_errors( tls->chain, settings );
    if (!name_matches( tls->chain, conn->host )) tls->cert_errors |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
    tls->check_revocation = settings->check_revocation;
    tls->ignore_revocation_offline = settings->ignore_revocation_offline;
    TRACE( "certificate errors %#lx\n", tls->cert_errors );
    return ERROR_SUCCESS;
}

/* The certificate errors that SECURITY_FLAG_IGNORE_* let through. */
static DWORD ignored_errors( DWORD security_flags )
{
    DWORD ignored = 0;

    if (security_flags & SECURITY_FLAG_IGNORE_UNKNOWN_CA) ignored |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
    if (security_flags & SECURITY_FLAG_IGNORE_CERT_DATE_INVALID) ignored |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
    if (security_flags & SECURITY_FLAG_IGNORE_CERT_CN_INVALID) ignored |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
    if (security_flags & SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE) ignored |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE;
    return ignored;
}

/* Whether the connection's certificate passes for a request with these settings; a
 * pooled connection judged without the revocation check this one wants is judged again. */
DWORD tls_check_certificate( struct netconn *conn, const struct tls_settings *settings, DWORD *failure_flags )
{
    struct tls_connection *tls = conn->tls;
    DWORD error;

    *failure_flags = 0;
    if (settings->check_revocation && (!tls->check_revocation ||
        (tls->ignore_revocation_offline && !settings->ignore_revocation_offline)))
    {
        if ((error = judge_certificate( conn, settings ))) return error;
    }
    *failure_flags = tls->cert_errors & ~ignored_errors( settings->security_flags );
    return *failure_flags ? ERROR_WINHTTP_SECURE_FAILURE : ERROR_SUCCESS;
}

static DWORD status_error( struct netconn *conn, enum tls_status status, DWORD *failure_flags )
{
    switch (status)
    {
    case TLS_OK:               return ERROR_SUCCESS;
    case TLS_NO_MEMORY:        return ERROR_OUTOFMEMORY;
    case TLS_IO_ERROR:         return conn->tls->io_error;
    case TLS_NEED_CLIENT_CERT: return ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED;
    case TLS_CLOSED:
    case TLS_TRUNCATED:        /* the server hung up, also in the middle of the handshake */
    case TLS_BAD_RECORD:       return ERROR_WINHTTP_CONNECTION_ERROR;
    case TLS_HANDSHAKE_FAILED: break;
    }
    if (failure_flags) *failure_flags = WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR;
    return ERROR_WINHTTP_SECURE_FAILURE;
}

DWORD tls_connect( struct netconn *conn, const struct tls_settings *settings, DWORD *failure_flags )
{
    struct tls_client_params params = { 0 };
    struct tls_transport transport = { conn, transport_recv, transport_send };
    enum tls_status status;
    char *server_name = NULL;
    DWORD error;
    int len;

    *failure_flags = 0;
    if (!(conn->tls = calloc( 1, sizeof(*conn->tls) ))) return ERROR_OUTOFMEMORY;
    /* no SNI for an address literal (RFC 6066 3) */
    if (!is_ip_literal( conn->host ))
    {
        len = WideCharToMultiByte( CP_UTF8, 0, conn->host, -1, NULL, 0, NULL, NULL );
        if (!(server_name = malloc( len ))) return ERROR_OUTOFMEMORY;
        WideCharToMultiByte( CP_UTF8, 0, conn->host, -1, server_name, len, NULL, NULL );
    }
    params.server_name = server_name;
    params.protocols = settings->protocols;
    params.no_cert_ok = settings->no_client_cert;
    /* HTTP/1.1 only until HTTP/2 exists: the offer is where h2 will go */
    params.alpn = (const unsigned char *)"\x08http/1.1";
    params.alpn_len = 9;
    if ((error = client_cert_params( settings->client_cert, &params )))
    {
        free( server_name );
        return error;
    }
    status = tls_backend_connect( &params, &transport, &conn->tls->backend );
    TRACE( "handshake with %s: status %d\n", debugstr_w( conn->host ), status );
    free_client_cert_params( &params );
    free( server_name );
    if ((error = status_error( conn, status, failure_flags ))) return error;

    tls_backend_info( conn->tls->backend, &conn->tls->info );
    TRACE( "protocol %#x, cipher %#x/%u, application protocol %s\n", conn->tls->info.protocol,
           conn->tls->info.cipher_alg, conn->tls->info.cipher_bits, debugstr_a( conn->tls->info.alpn ) );
    if ((error = load_certificate( conn->tls )) || (error = judge_certificate( conn, settings )))
    {
        WARN( "no certificate chain: %lu\n", error );
        return error;
    }
    return tls_check_certificate( conn, settings, failure_flags );
}

DWORD tls_send( struct netconn *conn, const void *data, size_t len )
{
    return status_error( conn, tls_backend_send( conn->tls->backend, data, len ), NULL );
}

DWORD tls_recv( struct netconn *conn, void *buffer, size_t len, size_t *received )
{
    enum tls_status status = tls_backend_recv( conn->tls->backend, buffer, len, received );
    size_t more;

    /* a record is at most 16 KiB: the caller's buffer takes what else is already in,
     * without waiting for the network */
    while (status == TLS_OK && *received < len && tls_backend_pending( conn->tls->backend ))
    {
        if (tls_backend_recv( conn->tls->backend, (char *)buffer + *received, len - *received, &more ) != TLS_OK)
            break;  /* the next call sees the end or the error again */
        *received += more;
    }
    /* the end of the stream, with or without close_notify, reads as the connection's end;
     * HTTP's own framing tells a cut-short body from a complete one */
    if (status == TLS_CLOSED || status == TLS_TRUNCATED)
    {
        *received = 0;
        return ERROR_SUCCESS;
    }
    return status_error( conn, status, NULL );
}

BOOL tls_pending( struct netconn *conn )
{
    return conn->tls->backend && tls_backend_pending( conn->tls->backend );
}

void tls_free( struct netconn *conn, BOOL notify )
{
    if (!conn->tls) return;
    tls_backend_free( conn->tls->backend, notify );
    if (conn->tls->chain) CertFreeCertificateChain( conn->tls->chain );
    if (conn->tls->cert) CertFreeCertificateContext( conn->tls->cert );
    free( conn->tls );
    conn->tls = NULL;
}

/* What a request keeps of its connection's security for WinHttpQueryOption, after the
 * connection itself has gone back to the pool. */
void tls_get_security( struct netconn *conn, struct security_info *info )
{
    clear_security( info );
    if (!conn->tls || !conn->tls->cert) return;
    info->cert = CertDuplicateCertificateContext( conn->tls->cert );
    info->chain = CertDuplicateCertificateChain( conn->tls->chain );
    info->session = conn->tls->info;
}

void clear_security( struct security_info *info )
{
    if (info->cert) CertFreeCertificateContext( info->cert );
    if (info->chain) CertFreeCertificateChain( info->chain );
    memset( info, 0, sizeof(*info) );
}

/* WINHTTP_OPTION_SECURITY_INFO's answer, newer than the toolchains' winhttp.h */
struct winhttp_security_info
{
    SecPkgContext_ConnectionInfo ConnectionInfo;
    SecPkgContext_CipherInfo CipherInfo;
};

/* A name as Windows shows it in WINHTTP_CERTIFICATE_INFO, LocalAlloc'ed for the caller. */
static WCHAR *name_string( CERT_NAME_BLOB *name )
{
    DWORD flags = CERT_SIMPLE_NAME_STR | CERT_NAME_STR_CRLF_FLAG;
    DWORD len = CertNameToStrW( X509_ASN_ENCODING, name, flags, NULL, 0 );
    WCHAR *str;

    if ((str = LocalAlloc( 0, len * sizeof(WCHAR) ))) CertNameToStrW( X509_ASN_ENCODING, name, flags, str, len );
    return str;
}

static DWORD certificate_info( const struct security_info *info, void *buffer, DWORD *len )
{
    WINHTTP_CERTIFICATE_INFO *ci = buffer;
    const CERT_INFO *cert = info->cert->pCertInfo;

    if (!buffer || *len < sizeof(*ci))
    {
        *len = sizeof(*ci);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memset( ci, 0, sizeof(*ci) );
    ci->ftExpiry = cert->NotAfter;
    ci->ftStart = cert->NotBefore;
    ci->lpszSubjectInfo = name_string( (CERT_NAME_BLOB *)&cert->Subject );
    ci->lpszIssuerInfo = name_string( (CERT_NAME_BLOB *)&cert->Issuer );
    ci->dwKeySize = info->session.cipher_bits;
    *len = sizeof(*ci);
    if (!ci->lpszSubjectInfo || !ci->lpszIssuerInfo)
    {
        LocalFree( ci->lpszSubjectInfo );
        LocalFree( ci->lpszIssuerInfo );
        return ERROR_OUTOFMEMORY;
    }
    return ERROR_SUCCESS;
}

/* Schannel's short names for the algorithms of SecPkgContext_CipherInfo */
static const WCHAR *algorithm_name( DWORD alg )
{
    switch (alg)
    {
    case CALG_AES_128:
    case CALG_AES_256:     return L"AES";
    case CALG_SHA1:        return L"SHA1";
    case CALG_SHA_256:     return L"SHA256";
    case CALG_SHA_384:     return L"SHA384";
    case CALG_RSA_KEYX:    return L"RSA";
    case CALG_DH_EPHEM:    return L"DH";
    case CALG_ECDH_EPHEM:  return L"ECDHE";
    default:               return L"";
    }
}

static DWORD security_info( const struct security_info *info, void *buffer, DWORD *len )
{
    struct winhttp_security_info *si = buffer;

    if (!buffer || *len < sizeof(*si))
    {
        *len = sizeof(*si);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memset( si, 0, sizeof(*si) );
    si->ConnectionInfo.dwProtocol = info->session.protocol;
    si->ConnectionInfo.aiCipher = info->session.cipher_alg;
    si->ConnectionInfo.dwCipherStrength = info->session.cipher_bits;
    si->ConnectionInfo.aiHash = info->session.hash_alg;
    si->ConnectionInfo.dwHashStrength = info->session.hash_bits;
    si->ConnectionInfo.aiExch = info->session.exchange_alg;
    si->ConnectionInfo.dwExchStrength = info->session.exchange_bits;
    si->CipherInfo.dwVersion = SECPKGCONTEXT_CIPHERINFO_V1;
    si->CipherInfo.dwProtocol = info->session.protocol;
    si->CipherInfo.dwCipherSuite = si->CipherInfo.dwBaseCipherSuite = info->session.cipher_suite;
    MultiByteToWideChar( CP_UTF8, 0, info->session.suite_name, -1, si->CipherInfo.szCipherSuite,
                         ARRAY_SIZE(si->CipherInfo.szCipherSuite) );
    si->CipherInfo.szCipherSuite[ARRAY_SIZE(si->CipherInfo.szCipherSuite) - 1] = 0;
    wcscpy( si->CipherInfo.szCipher, algorithm_name( info->session.cipher_alg ) );
    wcscpy( si->CipherInfo.szHash, algorithm_name( info->session.hash_alg ) );
    wcscpy( si->CipherInfo.szExchange, algorithm_name( info->session.exchange_alg ) );
    si->CipherInfo.dwCipherLen = info->session.cipher_bits;
    si->CipherInfo.dwHashLen = info->session.hash_bits;
    si->CipherInfo.dwMinExchangeLen = si->CipherInfo.dwMaxExchangeLen = info->session.exchange_bits;
    *len = sizeof(*si);
    return ERROR_SUCCESS;
}

static DWORD strength_flags( DWORD bits )
{
    if (bits >= 128) return SECURITY_FLAG_STRENGTH_STRONG;
    if (bits >= 56) return SECURITY_FLAG_STRENGTH_MEDIUM;
    return SECURITY_FLAG_STRENGTH_WEAK;
}

DWORD query_security_option( const struct security_info *info, DWORD security_flags, DWORD option, void *buffer,
                             DWORD *len )
{
    switch (option)
    {
    case WINHTTP_OPTION_SECURITY_FLAGS:
        if (info->cert) security_flags |= SECURITY_FLAG_SECURE | strength_flags( info->session.cipher_bits );
        return get_dword_option( security_flags, buffer, len );
    case WINHTTP_OPTION_SERVER_CERT_CONTEXT:
    case WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT:
    case WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT:
    case WINHTTP_OPTION_SECURITY_KEY_BITNESS:
    case WINHTTP_OPTION_SECURITY_INFO:
        break;
    default:
        return OPTION_NOT_HANDLED;
    }
    /* all of these need the handshake done; during CONNECTED_TO_SERVER it is not yet */
    if (!info->cert) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    switch (option)
    {
    case WINHTTP_OPTION_SERVER_CERT_CONTEXT:
    {
        const CERT_CONTEXT *cert = CertDuplicateCertificateContext( info->cert );
        DWORD error = get_pointer_option( (void *)cert, buffer, len );
        if (error) CertFreeCertificateContext( cert );
        return error;
    }
    case WINHTTP_OPTION_SERVER_CERT_CHAIN_CONTEXT:
    {
        const CERT_CHAIN_CONTEXT *chain = CertDuplicateCertificateChain( info->chain );
        DWORD error = get_pointer_option( (void *)chain, buffer, len );
        if (error) CertFreeCertificateChain( chain );
        return error;
    }
    case WINHTTP_OPTION_SECURITY_CERTIFICATE_STRUCT: return certificate_info( info, buffer, len );
    case WINHTTP_OPTION_SECURITY_KEY_BITNESS:       return get_dword_option( info->session.cipher_bits, buffer, len );
    default:                                        return security_info( info, buffer, len );
    }
}
