/*
 * The interface between tls.c and a TLS backend: Schannel through SSPI in the PE
 * build (tls_schannel.c), GnuTLS in the ELF build (tls_gnutls.c). Plain C types
 * only: the GnuTLS backend is compiled against the host's headers, not Wine's.
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

#ifndef WINHTTP_TLS_H
#define WINHTTP_TLS_H

#include <stddef.h>

/* The socket beneath, as the backend sees it. Both calls block within the
 * connection's timeouts; a close of the request makes them fail. */
struct tls_transport
{
    void *context;
    /* bytes received, 0 at the end of the stream, -1 on failure */
    int (*recv)( void *context, void *buffer, int len );
    /* sends all of buffer: len, or -1 on failure */
    int (*send)( void *context, const void *buffer, int len );
};

enum tls_status
{
    TLS_OK,
    TLS_CLOSED,             /* the peer's close_notify: the stream ended properly */
    TLS_TRUNCATED,          /* the stream ended without close_notify */
    TLS_IO_ERROR,           /* the transport failed: its own error says why */
    TLS_HANDSHAKE_FAILED,   /* no common protocol or cipher, an alert, a bad message */
    TLS_NEED_CLIENT_CERT,   /* the server asked for a certificate and we were given none */
    TLS_BAD_RECORD,         /* a record that does not decrypt or parse */
    TLS_NO_MEMORY,
};

/* protocol versions, the values of WINHTTP_FLAG_SECURE_PROTOCOL_* */
#define TLS_PROTOCOL_TLS1_0  0x00000080
#define TLS_PROTOCOL_TLS1_1  0x00000200
#define TLS_PROTOCOL_TLS1_2  0x00000800
#define TLS_PROTOCOL_TLS1_3  0x00002000

/* What is needed to make a client connection. */
struct tls_client_params
{
    const char *server_name;        /* for SNI (UTF-8); NULL for an address literal */
    unsigned int protocols;         /* TLS_PROTOCOL_* allowed */
    /* the client certificate (DER) and its RSA key, or no certificate when cert is NULL */
    const unsigned char *cert;
    size_t cert_len;
    const void *cert_handle;        /* Schannel: the PCCERT_CONTEXT itself */
    struct tls_rsa_key *key;        /* GnuTLS: the key's numbers */
    int no_cert_ok;                 /* WINHTTP_NO_CLIENT_CERT_CONTEXT: go on without one if asked */
    /* ALPN's ProtocolNameList as on the wire: each name after its length byte */
    const unsigned char *alpn;
    unsigned int alpn_len;
};

/* An RSA private key as big-endian numbers, for a backend that cannot use CryptoAPI's keys. */
struct tls_rsa_key
{
    const unsigned char *n, *e, *d, *p, *q, *exp1, *exp2, *coeff;
    size_t n_len, e_len, d_len, p_len, q_len, exp1_len, exp2_len, coeff_len;
};

/* What was negotiated, in Schannel's terms (SP_PROT_*, CALG_*, bits). */
struct tls_session_info
{
    unsigned int protocol;
    unsigned int cipher_alg, cipher_bits;
    unsigned int hash_alg, hash_bits;
    unsigned int exchange_alg, exchange_bits;
    unsigned int cipher_suite;      /* the IANA number */
    char alpn[32];                  /* the application protocol agreed on, "" for none */
    char suite_name[64];            /* the IANA name, "TLS_AES_256_GCM_SHA384" */
};

struct tls_backend;

/* Makes the connection and runs the handshake over transport; nothing to free on failure. */
enum tls_status tls_backend_connect( const struct tls_client_params *params, const struct tls_transport *transport,
                                     struct tls_backend **ret );
/* Sends len bytes as records. */
enum tls_status tls_backend_send( struct tls_backend *tls, const void *data, size_t len );
/* Receives up to len bytes; *received is 0 with TLS_CLOSED or TLS_TRUNCATED at the end. */
enum tls_status tls_backend_recv( struct tls_backend *tls, void *buffer, size_t len, size_t *received );
/* Whether received bytes wait inside the backend, so that a receive would not touch the socket. */
int tls_backend_pending( struct tls_backend *tls );
/* The server's certificates (DER), the leaf at index 0; 0 when index is past the end. */
int tls_backend_peer_certificate( struct tls_backend *tls, unsigned int index, const unsigned char **der,
                                  size_t *len );
void tls_backend_info( struct tls_backend *tls, struct tls_session_info *info );
/* Sends close_notify if the transport allows, and frees everything. */
void tls_backend_free( struct tls_backend *tls, int notify );

#endif /* WINHTTP_TLS_H */
