/*
 * The TLS backend of the PE build: Schannel through SSPI (secur32), Windows' own,
 * and Wine's on Wine. Schannel only moves records here: it is told not to judge
 * the server's certificate, which tls.c does through crypt32 in both builds.
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

#ifdef WINHTTP_PE_BUILD

#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winternl.h"
#include "wincrypt.h"
#define SECURITY_WIN32
#include "sspi.h"
#define SCHANNEL_USE_BLACKLISTS  /* for SCH_CREDENTIALS */
#include "schannel.h"

#include "wine/debug.h"
#include "tls.h"

WINE_DEFAULT_DEBUG_CHANNEL(winhttp);

#define RECORD_HEADER 5
/* a few records to start with; a megabyte once a receive fills that (a bulk transfer) */
#define IN_BUFFER_MAX (1024 * 1024)
#define CLIENT_PROTOCOLS (SP_PROT_SSL2_CLIENT | SP_PROT_SSL3_CLIENT | SP_PROT_TLS1_0_CLIENT | SP_PROT_TLS1_1_CLIENT | \
                          SP_PROT_TLS1_2_CLIENT | SP_PROT_TLS1_3_CLIENT)

struct tls_backend
{
    CredHandle cred;
    CtxtHandle ctx;
    BOOL have_ctx;
    struct tls_transport transport;
    SecPkgContext_StreamSizes sizes;
    const CERT_CONTEXT *peer;       /* the server's certificate, with its chain's store */
    /* received ciphertext is in[start, start + len); records decrypt in place, and
     * plaintext not yet taken is in plain[0, plain_len) inside the same buffer */
    char *in;
    size_t in_size, start, len;
    char *plain;
    size_t plain_len;
    char *out;                      /* one record being encrypted */
    BOOL io_failed;
    BOOL closed;                    /* close_notify came: every receive ends there */
    /* a WebSocket sends on one thread while it receives on another; Wine's Schannel
     * cannot take two calls on one context at once, so the calls (not the socket
     * I/O) take turns */
    SRWLOCK context_lock;
};

static DWORD protocol_bits( unsigned int protocols )
{
    DWORD bits = 0;

    if (protocols & TLS_PROTOCOL_TLS1_0) bits |= SP_PROT_TLS1_0_CLIENT;
    if (protocols & TLS_PROTOCOL_TLS1_1) bits |= SP_PROT_TLS1_1_CLIENT;
    if (protocols & TLS_PROTOCOL_TLS1_2) bits |= SP_PROT_TLS1_2_CLIENT;
    if (protocols & TLS_PROTOCOL_TLS1_3) bits |= SP_PROT_TLS1_3_CLIENT;
    return bits;
}

/* Wine's Schannel (8.x) takes the protocols of SCHANNEL_CRED but ignores the TLS
 * parameters of SCH_CREDENTIALS, and leaves TLS 1.3 out unless asked for it. */
static BOOL on_wine( void )
{
    return GetProcAddress( GetModuleHandleW( L"ntdll.dll" ), "wine_get_version" ) != NULL;
}

/* SCH_CREDENTIALS on Windows (needed for TLS 1.3 on Windows 11), SCHANNEL_CRED on
 * Wine or where the former is unknown. Certificates are never judged by Schannel. */
static SECURITY_STATUS acquire_credentials( const struct tls_client_params *params, CredHandle *cred )
{
    const CERT_CONTEXT *cert = params->cert_handle;
    DWORD flags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    TLS_PARAMETERS tls_params = { 0 };
    SCH_CREDENTIALS creds = { 0 };
    SCHANNEL_CRED old = { 0 };
    TimeStamp expiry;

    if (!on_wine())
    {
        tls_params.grbitDisabledProtocols = ~protocol_bits( params->protocols ) & CLIENT_PROTOCOLS;
        creds.dwVersion = SCH_CREDENTIALS_VERSION;
        creds.dwFlags = flags;
        creds.cTlsParameters = 1;
        creds.pTlsParameters = &tls_params;
        if (cert)
        {
            creds.cCreds = 1;
            creds.paCred = &cert;
        }
        if (AcquireCredentialsHandleW( NULL, (WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL, &creds, NULL, NULL,
                                       cred, &expiry ) == SEC_E_OK)
            return SEC_E_OK;
    }
    old.dwVersion = SCHANNEL_CRED_VERSION;
    old.dwFlags = flags;
    old.grbitEnabledProtocols = protocol_bits( params->protocols );
    if (cert)
    {
        old.cCreds = 1;
        old.paCred = &cert;
    }
    return AcquireCredentialsHandleW( NULL, (WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL, &old, NULL, NULL,
                                      cred, &expiry );
}

static BOOL send_all( struct tls_backend *tls, const void *data, size_t len )
{
    const char *p = data;

    while (len)
    {
        int sent = tls->transport.send( tls->transport.context, p, len > 0x40000000 ? 0x40000000 : (int)len );
        if (sent <= 0)
        {
            tls->io_failed = TRUE;
            return FALSE;
        }
        p += sent;
        len -= sent;
    }
    return TRUE;
}

/* Sends what InitializeSecurityContext produced and frees it. */
static BOOL send_token( struct tls_backend *tls, SecBuffer *token )
{
    BOOL ret = TRUE;

    if (token->pvBuffer)
    {
        if (token->cbBuffer) ret = send_all( tls, token->pvBuffer, token->cbBuffer );
        FreeContextBuffer( token->pvBuffer );
        token->pvBuffer = NULL;
    }
    return ret;
}

/* Reads more ciphertext after what is buffered: TLS_TRUNCATED at the end of the stream. */
static enum tls_status receive_more( struct tls_backend *tls )
{
    int ret;

    if (tls->start && tls->start + tls->len == tls->in_size)
    {
        memmove( tls->in, tls->in + tls->start, tls->len );
        tls->start = 0;
    }
    if (tls->start + tls->len == tls->in_size) return TLS_BAD_RECORD;  /* larger than any allowed */
    ret = tls->transport.recv( tls->transport.context, tls->in + tls->start + tls->len,
                               tls->in_size - tls->start - tls->len );
    if (ret < 0)
    {
        tls->io_failed = TRUE;
        return TLS_IO_ERROR;
    }
    if (!ret) return TLS_TRUNCATED;
    tls->len += ret;
    /* plaintext points into the buffer: it may only grow when none is waiting */
    if (tls->start + tls->len == tls->in_size && tls->in_size < IN_BUFFER_MAX && !tls->plain_len)
    {
        char *bigger = realloc( tls->in, IN_BUFFER_MAX );
        if (bigger)
        {
            tls->in = bigger;
            tls->in_size = IN_BUFFER_MAX;
        }
    }
    return TLS_OK;
}

/* What InitializeSecurityContext left unread stays buffered for the next call. */
static void keep_extra( struct tls_backend *tls, const SecBuffer *extra )
{
    if (extra->BufferType == SECBUFFER_EXTRA && extra->cbBuffer <= tls->len)
    {
        tls->start += tls->len - extra->cbBuffer;
        tls->len = extra->cbBuffer;
    }
    else
    {
        tls->start = 0;
        tls->len = 0;
    }
}

/* Whether the buffered bytes cannot start a TLS record: a content type of 20-23 and
 * version 3.x. Judged here so that a server that does not speak TLS fails at once,
 * on Wine's Schannel too, rather than when it gives up waiting for the rest. */
static BOOL bad_record_header( const struct tls_backend *tls )
{
    const unsigned char *p = (const unsigned char *)tls->in + tls->start;

    if (!tls->len) return FALSE;
    if (p[0] < 20 || p[0] > 23) return TRUE;
    return tls->len >= 2 && p[1] != 3;
}

static const DWORD context_flags = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                                   ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM | ISC_REQ_MANUAL_CRED_VALIDATION |
                                   ISC_REQ_USE_SUPPLIED_CREDS;

/* The ALPN offer for the first InitializeSecurityContext, or NULL for none. */
static SecBufferDesc *alpn_buffer( const struct tls_client_params *params, BYTE *buffer, SecBufferDesc *desc )
{
    SEC_APPLICATION_PROTOCOLS *protocols = (SEC_APPLICATION_PROTOCOLS *)buffer;
    SecBuffer *buf = (SecBuffer *)(buffer + 128);
    DWORD size = FIELD_OFFSET( SEC_APPLICATION_PROTOCOLS, ProtocolLists[0].ProtocolList[params->alpn_len] );

    if (!params->alpn_len || size > 128) return NULL;
    protocols->ProtocolListsSize = size - FIELD_OFFSET( SEC_APPLICATION_PROTOCOLS, ProtocolLists );
    protocols->ProtocolLists[0].ProtoNegoExt = SecApplicationProtocolNegotiationExt_ALPN;
    protocols->ProtocolLists[0].ProtocolListSize = params->alpn_len;
    memcpy( protocols->ProtocolLists[0].ProtocolList, params->alpn, params->alpn_len );
    buf->BufferType = SECBUFFER_APPLICATION_PROTOCOLS;
    buf->cbBuffer = size;
    buf->pvBuffer = protocols;
    desc->ulVersion = SECBUFFER_VERSION;
    desc->cBuffers = 1;
    desc->pBuffers = buf;
    return desc;
}

static enum tls_status handshake( struct tls_backend *tls, const struct tls_client_params *params )
{
    BYTE alpn[128 + sizeof(SecBuffer)] DECLSPEC_ALIGN(8);
    SecBufferDesc alpn_desc;
    WCHAR *target = NULL;
    SecBuffer in_bufs[2], out_buf;
    SecBufferDesc in_desc = { SECBUFFER_VERSION, 2, in_bufs }, out_desc = { SECBUFFER_VERSION, 1, &out_buf };
    SECURITY_STATUS status;
    ULONG attrs;
    int rounds, len;

    if (params->server_name)
    {
        len = MultiByteToWideChar( CP_UTF8, 0, params->server_name, -1, NULL, 0 );
        if (!(target = malloc( len * sizeof(WCHAR) ))) return TLS_NO_MEMORY;
        MultiByteToWideChar( CP_UTF8, 0, params->server_name, -1, target, len );
    }
    out_buf.BufferType = SECBUFFER_TOKEN;
    out_buf.cbBuffer = 0;
    out_buf.pvBuffer = NULL;
    status = InitializeSecurityContextW( &tls->cred, NULL, target, context_flags, 0, 0,
                                         alpn_buffer( params, alpn, &alpn_desc ), 0, &tls->ctx, &out_desc, &attrs,
                                         NULL );
    if (status == SEC_I_CONTINUE_NEEDED || status == SEC_E_OK) tls->have_ctx = TRUE;

    /* each round answers what the server sent; a handshake takes a handful */
    for (rounds = 0; rounds < 64; rounds++)
    {
        if (out_buf.pvBuffer && !send_token( tls, &out_buf ))
        {
            free( target );
            return TLS_IO_ERROR;
        }
        if (status == SEC_E_OK) break;
        if (status == SEC_I_INCOMPLETE_CREDENTIALS)
        {
            /* the server asked for a certificate: going on without one is the application's call */
            if (!params->no_cert_ok)
            {
                free( target );
                return TLS_NEED_CLIENT_CERT;
            }
        }
        else if (status != SEC_I_CONTINUE_NEEDED && status != SEC_E_INCOMPLETE_MESSAGE)
        {
            WARN( "handshake failed: %#lx\n", (unsigned long)status );
            free( target );
            return TLS_HANDSHAKE_FAILED;
        }
        if ((status != SEC_I_INCOMPLETE_CREDENTIALS && (!tls->len || status == SEC_E_INCOMPLETE_MESSAGE)))
        {
            enum tls_status received = receive_more( tls );
            if (received == TLS_OK && bad_record_header( tls )) received = TLS_HANDSHAKE_FAILED;
            if (received != TLS_OK)
            {
                free( target );
                return received;
            }
        }
        in_bufs[0].BufferType = SECBUFFER_TOKEN;
        in_bufs[0].cbBuffer = tls->len;
        in_bufs[0].pvBuffer = tls->in + tls->start;
        in_bufs[1].BufferType = SECBUFFER_EMPTY;
        in_bufs[1].cbBuffer = 0;
        in_bufs[1].pvBuffer = NULL;
        out_buf.BufferType = SECBUFFER_TOKEN;
        out_buf.cbBuffer = 0;
        out_buf.pvBuffer = NULL;
        status = InitializeSecurityContextW( &tls->cred, &tls->ctx, target, context_flags, 0, 0, &in_desc, 0, NULL,
                                             &out_desc, &attrs, NULL );
        /* the input stays for the next call when it was not taken */
        if (status != SEC_E_INCOMPLETE_MESSAGE && status != SEC_I_INCOMPLETE_CREDENTIALS)
            keep_extra( tls, &in_bufs[1] );
    }
    free( target );
    if (status != SEC_E_OK) return TLS_HANDSHAKE_FAILED;
    if (QueryContextAttributesW( &tls->ctx, SECPKG_ATTR_STREAM_SIZES, &tls->sizes ) ||
        QueryContextAttributesW( &tls->ctx, SECPKG_ATTR_REMOTE_CERT_CONTEXT, (void *)&tls->peer ))
        return TLS_HANDSHAKE_FAILED;
    if (!(tls->out = malloc( tls->sizes.cbHeader + tls->sizes.cbMaximumMessage + tls->sizes.cbTrailer )))
        return TLS_NO_MEMORY;
    return TLS_OK;
}

enum tls_status tls_backend_connect( const struct tls_client_params *params, const struct tls_transport *transport,
                                     struct tls_backend **ret )
{
    struct tls_backend *tls;
    enum tls_status status;

    *ret = NULL;
    if (!(tls = calloc( 1, sizeof(*tls) ))) return TLS_NO_MEMORY;
    tls->transport = *transport;
    InitializeSRWLock( &tls->context_lock );
    /* room for several records: under Wine each receive is a trip to the server */
    tls->in_size = 4 * (RECORD_HEADER + 16384 + 2048);
    if (!(tls->in = malloc( tls->in_size )))
    {
        free( tls );
        return TLS_NO_MEMORY;
    }
    if (acquire_credentials( params, &tls->cred ) != SEC_E_OK)
    {
        free( tls->in );
        free( tls );
        return TLS_HANDSHAKE_FAILED;
    }
    if ((status = handshake( tls, params )) == TLS_OK) *ret = tls;
    else tls_backend_free( tls, 0 );
    return status;
}

enum tls_status tls_backend_send( struct tls_backend *tls, const void *data, size_t len )
{
    const char *p = data;
    SecBuffer bufs[4];
    SecBufferDesc desc = { SECBUFFER_VERSION, 4, bufs };
    SECURITY_STATUS status;

    while (len)
    {
        size_t chunk = min( len, tls->sizes.cbMaximumMessage );

        bufs[0].BufferType = SECBUFFER_STREAM_HEADER;
        bufs[0].cbBuffer = tls->sizes.cbHeader;
        bufs[0].pvBuffer = tls->out;
        bufs[1].BufferType = SECBUFFER_DATA;
        bufs[1].cbBuffer = chunk;
        bufs[1].pvBuffer = tls->out + tls->sizes.cbHeader;
        bufs[2].BufferType = SECBUFFER_STREAM_TRAILER;
        bufs[2].cbBuffer = tls->sizes.cbTrailer;
        bufs[2].pvBuffer = tls->out + tls->sizes.cbHeader + chunk;
        bufs[3].BufferType = SECBUFFER_EMPTY;
        bufs[3].cbBuffer = 0;
        bufs[3].pvBuffer = NULL;
        memcpy( bufs[1].pvBuffer, p, chunk );
        AcquireSRWLockExclusive( &tls->context_lock );
        status = EncryptMessage( &tls->ctx, 0, &desc, 0 );
        ReleaseSRWLockExclusive( &tls->context_lock );
        if (status != SEC_E_OK) return TLS_BAD_RECORD;
        if (!send_all( tls, tls->out, bufs[0].cbBuffer + bufs[1].cbBuffer + bufs[2].cbBuffer )) return TLS_IO_ERROR;
        p += chunk;
        len -= chunk;
    }
    return TLS_OK;
}

/* A post-handshake message (a TLS 1.3 session ticket or key update) goes back to Schannel. */
static enum tls_status renegotiate( struct tls_backend *tls, SecBuffer *extra )
{
    SecBuffer in_bufs[2], out_buf = { 0, SECBUFFER_TOKEN, NULL };
    SecBufferDesc in_desc = { SECBUFFER_VERSION, 2, in_bufs }, out_desc = { SECBUFFER_VERSION, 1, &out_buf };
    SECURITY_STATUS status;
    ULONG attrs;

    in_bufs[0].BufferType = SECBUFFER_TOKEN;
    in_bufs[0].cbBuffer = extra ? extra->cbBuffer : 0;
    in_bufs[0].pvBuffer = extra ? extra->pvBuffer : NULL;
    in_bufs[1].BufferType = SECBUFFER_EMPTY;
    in_bufs[1].cbBuffer = 0;
    in_bufs[1].pvBuffer = NULL;
    AcquireSRWLockExclusive( &tls->context_lock );
    status = InitializeSecurityContextW( &tls->cred, &tls->ctx, NULL, context_flags, 0, 0, &in_desc, 0, NULL,
                                         &out_desc, &attrs, NULL );
    ReleaseSRWLockExclusive( &tls->context_lock );
    if (!send_token( tls, &out_buf )) return TLS_IO_ERROR;
    if (status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED) return TLS_BAD_RECORD;
    keep_extra( tls, &in_bufs[1] );
    return TLS_OK;
}

/* Whether a whole record is buffered. */
static BOOL have_record( const struct tls_backend *tls )
{
    const unsigned char *p = (const unsigned char *)tls->in + tls->start;

    return tls->len >= RECORD_HEADER && tls->len >= RECORD_HEADER + (size_t)((p[3] << 8) | p[4]);
}

enum tls_status tls_backend_recv( struct tls_backend *tls, void *buffer, size_t len, size_t *received )
{
    SecBuffer bufs[4];
    SecBufferDesc desc = { SECBUFFER_VERSION, 4, bufs };
    SECURITY_STATUS status;
    enum tls_status more;
    unsigned int i, rounds;

    *received = 0;
    if (tls->closed && !tls->plain_len) return TLS_CLOSED;
    for (rounds = 0; !tls->plain_len && rounds < 1024; rounds++)
    {
        if (!have_record( tls ))
        {
            if ((more = receive_more( tls )) != TLS_OK) return more;
            continue;
        }
        for (i = 0; i < 4; i++)
        {
            bufs[i].BufferType = SECBUFFER_EMPTY;
            bufs[i].cbBuffer = 0;
            bufs[i].pvBuffer = NULL;
        }
        bufs[0].BufferType = SECBUFFER_DATA;
        bufs[0].cbBuffer = tls->len;
        bufs[0].pvBuffer = tls->in + tls->start;
        AcquireSRWLockExclusive( &tls->context_lock );
        status = DecryptMessage( &tls->ctx, &desc, 0, NULL );
        ReleaseSRWLockExclusive( &tls->context_lock );
        if (status == SEC_E_INCOMPLETE_MESSAGE)
        {
            if ((more = receive_more( tls )) != TLS_OK) return more;
            continue;
        }
        if (status == SEC_I_CONTEXT_EXPIRED)
        {
            tls->closed = TRUE;
            return TLS_CLOSED;
        }
        if (status != SEC_E_OK && status != SEC_I_RENEGOTIATE) return TLS_BAD_RECORD;

        tls->plain = NULL;
        for (i = 1; i < 4; i++)
        {
            if (bufs[i].BufferType == SECBUFFER_DATA)
            {
                tls->plain = bufs[i].pvBuffer;
                tls->plain_len = bufs[i].cbBuffer;
            }
        }
        if (status == SEC_I_RENEGOTIATE)
        {
            SecBuffer *extra = NULL;
            enum tls_status ret_status;

            for (i = 1; i < 4; i++) if (bufs[i].BufferType == SECBUFFER_EXTRA) extra = &bufs[i];
            tls->start = extra ? (char *)extra->pvBuffer - tls->in : 0;
            tls->len = extra ? extra->cbBuffer : 0;
            if ((ret_status = renegotiate( tls, extra )) != TLS_OK) return ret_status;
            continue;
        }
        /* Windows tells close_notify with SEC_I_CONTEXT_EXPIRED; Wine's Schannel with
         * a record that decrypts to nothing (real servers send no empty records) */
        if (status == SEC_E_OK && !tls->plain_len)
        {
            tls->closed = TRUE;
            return TLS_CLOSED;
        }
        /* what follows the record stays for the next one */
        tls->start += tls->len;
        tls->len = 0;
        for (i = 1; i < 4; i++)
        {
            if (bufs[i].BufferType == SECBUFFER_EXTRA)
            {
                tls->start -= bufs[i].cbBuffer;
                tls->len = bufs[i].cbBuffer;
            }
        }
    }
    if (!tls->plain_len) return TLS_BAD_RECORD;
    *received = min( len, tls->plain_len );
    memcpy( buffer, tls->plain, *received );
    tls->plain += *received;
    tls->plain_len -= *received;
    return TLS_OK;
}

int tls_backend_pending( struct tls_backend *tls )
{
    return tls->plain_len || have_record( tls );
}

int tls_backend_peer_certificate( struct tls_backend *tls, unsigned int index, const unsigned char **der,
                                  size_t *len )
{
    const CERT_CONTEXT *cert = NULL;
    unsigned int i = 0;

    if (!tls->peer) return 0;
    if (!index)
    {
        *der = tls->peer->pbCertEncoded;
        *len = tls->peer->cbCertEncoded;
        return 1;
    }
    /* the rest of what the server sent is in the leaf's store */
    while ((cert = CertEnumCertificatesInStore( tls->peer->hCertStore, cert )))
    {
        if (CertCompareCertificate( X509_ASN_ENCODING, cert->pCertInfo, tls->peer->pCertInfo )) continue;
        if (++i == index)
        {
            *der = cert->pbCertEncoded;
            *len = cert->cbCertEncoded;
            CertFreeCertificateContext( cert );  /* the store keeps it */
            return 1;
        }
    }
    return 0;
}

void tls_backend_info( struct tls_backend *tls, struct tls_session_info *info )
{
    SecPkgContext_ConnectionInfo conn;
    SecPkgContext_CipherInfo cipher = { SECPKGCONTEXT_CIPHERINFO_V1 };
    SecPkgContext_ApplicationProtocol alpn;

    memset( info, 0, sizeof(*info) );
    if (!QueryContextAttributesW( &tls->ctx, SECPKG_ATTR_CONNECTION_INFO, &conn ))
    {
        info->protocol = conn.dwProtocol & CLIENT_PROTOCOLS;
        info->cipher_alg = conn.aiCipher;
        info->cipher_bits = conn.dwCipherStrength;
        info->hash_alg = conn.aiHash;
        info->hash_bits = conn.dwHashStrength;
        info->exchange_alg = conn.aiExch;
        info->exchange_bits = conn.dwExchStrength;
    }
    if (!QueryContextAttributesW( &tls->ctx, SECPKG_ATTR_CIPHER_INFO, &cipher ))
    {
        info->cipher_suite = cipher.dwCipherSuite;
        WideCharToMultiByte( CP_ACP, 0, cipher.szCipherSuite, -1, info->suite_name, sizeof(info->suite_name), NULL,
                             NULL );
        info->suite_name[sizeof(info->suite_name) - 1] = 0;
    }
    if (!QueryContextAttributesW( &tls->ctx, SECPKG_ATTR_APPLICATION_PROTOCOL, &alpn ) &&
        alpn.ProtoNegoStatus == SecApplicationProtocolNegotiationStatus_Success && alpn.ProtocolIdSize < sizeof(info->alpn))
    {
        memcpy( info->alpn, alpn.ProtocolId, alpn.ProtocolIdSize );
        info->alpn[alpn.ProtocolIdSize] = 0;
    }
}

/* close_notify, as Schannel makes it */
static void send_close_notify( struct tls_backend *tls )
{
    DWORD type = SCHANNEL_SHUTDOWN;
    SecBuffer buf = { sizeof(type), SECBUFFER_TOKEN, &type }, out_buf = { 0, SECBUFFER_TOKEN, NULL };
    SecBufferDesc desc = { SECBUFFER_VERSION, 1, &buf }, out_desc = { SECBUFFER_VERSION, 1, &out_buf };
    ULONG attrs;

    AcquireSRWLockExclusive( &tls->context_lock );
    if (ApplyControlToken( &tls->ctx, &desc ) == SEC_E_OK)
        InitializeSecurityContextW( &tls->cred, &tls->ctx, NULL, context_flags, 0, 0, NULL, 0, NULL, &out_desc,
                                    &attrs, NULL );
    ReleaseSRWLockExclusive( &tls->context_lock );
    send_token( tls, &out_buf );
}

void tls_backend_free( struct tls_backend *tls, int notify )
{
    if (!tls) return;
    if (tls->have_ctx)
    {
        if (notify && !tls->io_failed) send_close_notify( tls );
        DeleteSecurityContext( &tls->ctx );
    }
    if (tls->peer) CertFreeCertificateContext( tls->peer );
    FreeCredentialsHandle( &tls->cred );
    free( tls->in );
    free( tls->out );
    free( tls );
}

#endif /* WINHTTP_PE_BUILD */
