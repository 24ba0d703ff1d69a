/*
 * The TLS backend of the ELF (Winelib) build: GnuTLS, called directly. Unix
 * code, compiled against the system's headers and never in the PE build. GnuTLS
 * only moves records: certificates are judged by crypt32 in tls.c, as on Windows.
 *
 * This file is linked into the Winelib DLL, where the C library's names (malloc,
 * memset, strlen, ...) are msvcrt's, with another calling convention: it calls
 * nothing of the C library but pthread_once, and allocates with GnuTLS's own
 * allocator. The build checks its undefined symbols.
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

#if 0
#pragma makedep unix
#endif

#include <errno.h>
#include <pthread.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "tls.h"

/* Schannel's names for what was negotiated (wincrypt.h and schannel.h values) */
#define CALG_AES_128     0x660e
#define CALG_AES_256     0x6610
#define CALG_SHA1        0x8004
#define CALG_SHA_256     0x800c
#define CALG_SHA_384     0x800d
#define CALG_RSA_KEYX    0xa400
#define CALG_DH_EPHEM    0xaa02
#define CALG_ECDH_EPHEM  0xae06

struct tls_backend
{
    gnutls_session_t session;
    gnutls_certificate_credentials_t cred;
    struct tls_transport transport;
    gnutls_pcert_st pcert;
    gnutls_privkey_t key;
    int have_cert;
    int no_cert_ok;
    int cert_requested;         /* the server asked for a certificate we do not have */
    int io_failed;              /* the transport failed, not TLS */
    /* GnuTLS reads a record's header, then its body: the socket is read ahead
     * instead, in large pieces, since each receive is a trip to wineserver */
    unsigned char *ahead;
    unsigned int ahead_pos, ahead_len, ahead_size;
};

/* a few records to start with; a megabyte once a receive fills that (a bulk transfer) */
#define READ_AHEAD_SIZE (4 * (5 + 16384 + 256))
#define READ_AHEAD_MAX  (1024 * 1024)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -1;

static void init_gnutls( void )
{
    init_result = gnutls_global_init();
}

/* memcpy would be msvcrt's here: words at a time, then bytes */
static void copy( unsigned char *dst, const unsigned char *src, size_t len )
{
    size_t i = 0;

    for (; i + 8 <= len; i += 8) __builtin_memcpy( dst + i, src + i, 8 );  /* a fixed size: inlined */
    for (; i < len; i++) dst[i] = src[i];
}

static ssize_t pull( gnutls_transport_ptr_t ptr, void *buffer, size_t len )
{
    struct tls_backend *tls = ptr;
    unsigned char *dst = buffer;
    int ret;

    if (tls->ahead_pos == tls->ahead_len)
    {
        if (tls->ahead_len == tls->ahead_size && tls->ahead_size < READ_AHEAD_MAX)
        {
            unsigned char *bigger = gnutls_malloc( READ_AHEAD_MAX );
            if (bigger)
            {
                gnutls_free( tls->ahead );
                tls->ahead = bigger;
                tls->ahead_size = READ_AHEAD_MAX;
            }
        }
        ret = tls->transport.recv( tls->transport.context, tls->ahead, tls->ahead_size );
        if (ret < 0)
        {
            tls->io_failed = 1;
            gnutls_transport_set_errno( tls->session, EIO );
            return -1;
        }
        tls->ahead_pos = 0;
        tls->ahead_len = ret;
        if (!ret) return 0;
    }
    if (len > tls->ahead_len - tls->ahead_pos) len = tls->ahead_len - tls->ahead_pos;
    copy( dst, tls->ahead + tls->ahead_pos, len );
    tls->ahead_pos += len;
    return len;
}

/* Whether a whole record waits in the read-ahead buffer. */
static int record_ahead( const struct tls_backend *tls )
{
    const unsigned char *p = tls->ahead + tls->ahead_pos;
    unsigned int len = tls->ahead_len - tls->ahead_pos;

    return len >= 5 && len >= 5u + ((p[3] << 8) | p[4]);
}

static ssize_t push( gnutls_transport_ptr_t ptr, const void *buffer, size_t len )
{
    struct tls_backend *tls = ptr;
    int ret = tls->transport.send( tls->transport.context, buffer, len > 0x40000000 ? 0x40000000 : (int)len );

    if (ret < 0)
    {
        tls->io_failed = 1;
        gnutls_transport_set_errno( tls->session, EIO );
    }
    return ret;
}

/* Called when the server asks for a certificate: ours if we were given one; none if
 * the application said so; otherwise the handshake stops and the application is told. */
static int retrieve_cert( gnutls_session_t session, const gnutls_datum_t *req_ca, int nreqs,
                          const gnutls_pk_algorithm_t *algos, int algos_len, gnutls_pcert_st **pcert,
                          unsigned int *pcert_len, gnutls_privkey_t *key )
{
    struct tls_backend *tls = gnutls_session_get_ptr( session );

    *pcert_len = 0;
    *pcert = NULL;
    *key = NULL;
    if (tls->have_cert)
    {
        *pcert = &tls->pcert;
        *pcert_len = 1;
        *key = tls->key;
        return 0;
    }
    if (tls->no_cert_ok) return 0;
    tls->cert_requested = 1;
    return -1;
}

static int datum( gnutls_datum_t *d, const unsigned char *data, size_t len )
{
    d->data = (unsigned char *)data;
    d->size = len;
    return 1;
}

static int set_client_cert( struct tls_backend *tls, const struct tls_client_params *params )
{
    const struct tls_rsa_key *k = params->key;
    gnutls_datum_t cert, n, e, d, p, q, e1, e2;

    if (!params->cert || !k) return 1;
    datum( &cert, params->cert, params->cert_len );
    datum( &n, k->n, k->n_len );
    datum( &e, k->e, k->e_len );
    datum( &d, k->d, k->d_len );
    datum( &p, k->p, k->p_len );
    datum( &q, k->q, k->q_len );
    datum( &e1, k->exp1, k->exp1_len );
    datum( &e2, k->exp2, k->exp2_len );
    if (gnutls_pcert_import_x509_raw( &tls->pcert, &cert, GNUTLS_X509_FMT_DER, 0 )) return 0;
    tls->have_cert = 1;
    /* the coefficient is left for GnuTLS to compute: its convention differs from PKCS#1's */
    if (gnutls_privkey_init( &tls->key ) ||
        gnutls_privkey_import_rsa_raw( tls->key, &n, &e, &d, &p, &q, NULL, &e1, &e2 ))
        return 0;
    return 1;
}

static char *append( char *p, const char *str )
{
    while (*str) *p++ = *str++;
    *p = 0;
    return p;
}

/* GnuTLS' defaults, with only the versions allowed; 128 bytes are enough */
static void priority_string( unsigned int protocols, char *buffer )
{
    char *p = append( buffer, "NORMAL:-VERS-ALL" );

    if (protocols & TLS_PROTOCOL_TLS1_3) p = append( p, ":+VERS-TLS1.3" );
    if (protocols & TLS_PROTOCOL_TLS1_2) p = append( p, ":+VERS-TLS1.2" );
    if (protocols & TLS_PROTOCOL_TLS1_1) p = append( p, ":+VERS-TLS1.1" );
    if (protocols & TLS_PROTOCOL_TLS1_0) append( p, ":+VERS-TLS1.0" );
}

static unsigned int string_length( const char *str )
{
    unsigned int len = 0;
    while (str[len]) len++;
    return len;
}

static int set_alpn( struct tls_backend *tls, const struct tls_client_params *params )
{
    gnutls_datum_t names[4];
    unsigned int pos = 0, count = 0;

    while (pos < params->alpn_len && count < 4)
    {
        unsigned int len = params->alpn[pos++];
        if (!len || pos + len > params->alpn_len) return 0;
        datum( &names[count++], params->alpn + pos, len );
        pos += len;
    }
    return !gnutls_alpn_set_protocols( tls->session, names, count, 0 );
}

static enum tls_status failure( struct tls_backend *tls, int ret )
{
    if (tls->io_failed) return TLS_IO_ERROR;
    if (ret == GNUTLS_E_PREMATURE_TERMINATION) return TLS_TRUNCATED;
    if (ret == GNUTLS_E_MEMORY_ERROR) return TLS_NO_MEMORY;
    return TLS_HANDSHAKE_FAILED;
}

static enum tls_status handshake( struct tls_backend *tls, const struct tls_client_params *params )
{
    char priority[128];
    int err = 0, tries;

    if (gnutls_certificate_allocate_credentials( &tls->cred )) return TLS_NO_MEMORY;
    if (!set_client_cert( tls, params )) return TLS_HANDSHAKE_FAILED;
    gnutls_certificate_set_retrieve_function2( tls->cred, retrieve_cert );
    if (gnutls_init( &tls->session, GNUTLS_CLIENT )) return TLS_NO_MEMORY;
    gnutls_session_set_ptr( tls->session, tls );
    priority_string( params->protocols, priority );
    if (gnutls_priority_set_direct( tls->session, priority, NULL ) ||
        gnutls_credentials_set( tls->session, GNUTLS_CRD_CERTIFICATE, tls->cred ))
        return TLS_HANDSHAKE_FAILED;
    if (params->server_name)
        gnutls_server_name_set( tls->session, GNUTLS_NAME_DNS, params->server_name,
                                string_length( params->server_name ) );
    if (params->alpn_len && !set_alpn( tls, params )) return TLS_HANDSHAKE_FAILED;
    gnutls_transport_set_ptr( tls->session, tls );
    gnutls_transport_set_pull_function( tls->session, pull );
    gnutls_transport_set_push_function( tls->session, push );

    /* warning alerts are not fatal; anything else ends it */
    for (tries = 0; tries < 16; tries++)
    {
        if (!(err = gnutls_handshake( tls->session ))) return TLS_OK;
        if (tls->cert_requested) return TLS_NEED_CLIENT_CERT;
        if (gnutls_error_is_fatal( err )) break;
    }
    return failure( tls, err );
}

enum tls_status tls_backend_connect( const struct tls_client_params *params, const struct tls_transport *transport,
                                     struct tls_backend **ret )
{
    struct tls_backend *tls;
    enum tls_status status;

    *ret = NULL;
    /* GnuTLS is set up on the first TLS connection, never at load time */
    pthread_once( &init_once, init_gnutls );
    if (init_result != GNUTLS_E_SUCCESS) return TLS_HANDSHAKE_FAILED;
    if (!(tls = gnutls_calloc( 1, sizeof(*tls) ))) return TLS_NO_MEMORY;
    if (!(tls->ahead = gnutls_malloc( READ_AHEAD_SIZE )))
    {
        gnutls_free( tls );
        return TLS_NO_MEMORY;
    }
    tls->ahead_size = READ_AHEAD_SIZE;
    tls->transport = *transport;
    tls->no_cert_ok = params->no_cert_ok;
    if ((status = handshake( tls, params )) == TLS_OK) *ret = tls;
    else tls_backend_free( tls, 0 );
    return status;
}

enum tls_status tls_backend_send( struct tls_backend *tls, const void *data, size_t len )
{
    const char *p = data;
    ssize_t sent;
    int tries = 0;

    while (len)
    {
        if ((sent = gnutls_record_send( tls->session, p, len )) > 0)
        {
            p += sent;
            len -= sent;
            tries = 0;
        }
        else if (sent == GNUTLS_E_AGAIN || sent == GNUTLS_E_INTERRUPTED)
        {
            if (++tries > 16) return TLS_IO_ERROR;
        }
        else return tls->io_failed ? TLS_IO_ERROR : TLS_BAD_RECORD;
    }
    return TLS_OK;
}

enum tls_status tls_backend_recv( struct tls_backend *tls, void *buffer, size_t len, size_t *received )
{
    ssize_t ret;
    int tries;

    *received = 0;
    /* renegotiation requests, session tickets and warning alerts come back as
     * non-fatal codes: read on, a bounded number of times */
    for (tries = 0; tries < 64; tries++)
    {
        if ((ret = gnutls_record_recv( tls->session, buffer, len )) > 0)
        {
            *received = ret;
            return TLS_OK;
        }
        if (!ret) return TLS_CLOSED;
        if (ret == GNUTLS_E_PREMATURE_TERMINATION) return tls->io_failed ? TLS_IO_ERROR : TLS_TRUNCATED;
        if (tls->io_failed) return TLS_IO_ERROR;
        if (gnutls_error_is_fatal( ret )) return TLS_BAD_RECORD;
    }
    return TLS_BAD_RECORD;
}

int tls_backend_pending( struct tls_backend *tls )
{
    return gnutls_record_check_pending( tls->session ) > 0 || record_ahead( tls );
}

int tls_backend_peer_certificate( struct tls_backend *tls, unsigned int index, const unsigned char **der,
                                  size_t *len )
{
    unsigned int count = 0;
    const gnutls_datum_t *certs = gnutls_certificate_get_peers( tls->session, &count );

    if (!certs || index >= count) return 0;
    *der = certs[index].data;
    *len = certs[index].size;
    return 1;
}

void tls_backend_info( struct tls_backend *tls, struct tls_session_info *info )
{
    gnutls_cipher_algorithm_t cipher = gnutls_cipher_get( tls->session );
    gnutls_kx_algorithm_t kx = gnutls_kx_get( tls->session );
    gnutls_digest_algorithm_t prf = gnutls_prf_hash_get( tls->session );
    gnutls_datum_t alpn;
    const char *name;

    info->protocol = info->cipher_alg = info->hash_alg = info->hash_bits = 0;
    info->alpn[0] = 0;
    info->suite_name[0] = 0;
    if ((name = gnutls_ciphersuite_get( tls->session )) && string_length( name ) < sizeof(info->suite_name))
        copy( (unsigned char *)info->suite_name, (const unsigned char *)name, string_length( name ) + 1 );
    if (!gnutls_alpn_get_selected_protocol( tls->session, &alpn ) && alpn.size < sizeof(info->alpn))
    {
        copy( (unsigned char *)info->alpn, alpn.data, alpn.size );
        info->alpn[alpn.size] = 0;
    }
    info->exchange_alg = info->exchange_bits = info->cipher_suite = 0;
    switch (gnutls_protocol_get_version( tls->session ))
    {
    case GNUTLS_TLS1_0: info->protocol = TLS_PROTOCOL_TLS1_0; break;
    case GNUTLS_TLS1_1: info->protocol = TLS_PROTOCOL_TLS1_1; break;
    case GNUTLS_TLS1_2: info->protocol = TLS_PROTOCOL_TLS1_2; break;
    case GNUTLS_TLS1_3: info->protocol = TLS_PROTOCOL_TLS1_3; break;
    default: break;
    }
    info->cipher_bits = gnutls_cipher_get_key_size( cipher ) * 8;
    switch (cipher)
    {
    case GNUTLS_CIPHER_AES_128_GCM: case GNUTLS_CIPHER_AES_128_CBC: case GNUTLS_CIPHER_AES_128_CCM:
        info->cipher_alg = CALG_AES_128; break;
    case GNUTLS_CIPHER_AES_256_GCM: case GNUTLS_CIPHER_AES_256_CBC: case GNUTLS_CIPHER_AES_256_CCM:
        info->cipher_alg = CALG_AES_256; break;
    default: break;
    }
    switch (prf)
    {
    case GNUTLS_DIG_SHA1:   info->hash_alg = CALG_SHA1; info->hash_bits = 160; break;
    case GNUTLS_DIG_SHA256: info->hash_alg = CALG_SHA_256; info->hash_bits = 256; break;
    case GNUTLS_DIG_SHA384: info->hash_alg = CALG_SHA_384; info->hash_bits = 384; break;
    default: break;
    }
    switch (kx)
    {
    case GNUTLS_KX_RSA: info->exchange_alg = CALG_RSA_KEYX; break;
    case GNUTLS_KX_DHE_RSA: case GNUTLS_KX_DHE_DSS: info->exchange_alg = CALG_DH_EPHEM; break;
    default: info->exchange_alg = CALG_ECDH_EPHEM; break;  /* ECDHE, and every TLS 1.3 exchange here */
    }
    if (info->exchange_alg == CALG_ECDH_EPHEM)
        info->exchange_bits = gnutls_ecc_curve_get_size( gnutls_ecc_curve_get( tls->session ) ) * 8;
}

void tls_backend_free( struct tls_backend *tls, int notify )
{
    if (!tls) return;
    if (tls->session)
    {
        if (notify && !tls->io_failed) gnutls_bye( tls->session, GNUTLS_SHUT_WR );
        gnutls_deinit( tls->session );
    }
    if (tls->have_cert) gnutls_pcert_deinit( &tls->pcert );
    if (tls->key) gnutls_privkey_deinit( tls->key );
    if (tls->cred) gnutls_certificate_free_credentials( tls->cred );
    gnutls_free( tls->ahead );
    gnutls_free( tls );
}
