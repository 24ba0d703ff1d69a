/*
 * The ceiling for tools/bench-http: the same HTTP measurements as tools/bench/http.c,
 * made natively on Linux with libcurl (built with the system's gcc and -lcurl).
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
 * Usage (as tools/bench/http.c):
 *   curl_client keepalive URL SECONDS       sequential GETs on one reused easy handle
 *   curl_client download URL                one body, 64 KiB receive buffer
 *   curl_client upload URL BYTES            one PUT of BYTES read in 64 KiB pieces
 *   curl_client threads URL N SECONDS       N threads, an easy handle each
 *   curl_client async URL INFLIGHT SECONDS  one multi handle, INFLIGHT transfers in
 *                                           flight, one thread; timed after INFLIGHT
 *                                           responses
 * Output lines are those of http.exe; peak_ws_kib is getrusage's ru_maxrss and
 * peak_threads is 1 (the multi interface needs no thread). On a failure:
 * "bench error: ..." and exit status 1. Build:
 *   gcc -O2 -o curl_client curl_client.c -lcurl -lpthread
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <curl/curl.h>

#define BUFFER_SIZE  (64 * 1024)
#define MAX_THREADS  64
#define MAX_INFLIGHT 4096

static const char *url;

static void fail( const char *what, const char *why )
{
    printf( "bench error: %s failed: %s\n", what, why );
    fflush( stdout );
    exit( 1 );
}

static double now( void )
{
    struct timespec ts;
    clock_gettime( CLOCK_MONOTONIC, &ts );
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long long peak_ws_kib( void )
{
    struct rusage ru;
    return getrusage( RUSAGE_SELF, &ru ) ? 0 : (unsigned long long)ru.ru_maxrss;
}

struct sink
{
    unsigned long long bytes;
};

static size_t discard( char *data, size_t size, size_t n, void *arg )
{
    struct sink *sink = arg;
    (void)data;
    sink->bytes += size * n;
    return size * n;
}

static CURL *new_easy( struct sink *sink, char *error )
{
    CURL *easy = curl_easy_init();

    if (!easy) fail( "curl_easy_init", "no memory" );
    curl_easy_setopt( easy, CURLOPT_URL, url );
    curl_easy_setopt( easy, CURLOPT_USERAGENT, "bench-http/1.0" );
    curl_easy_setopt( easy, CURLOPT_WRITEFUNCTION, discard );
    curl_easy_setopt( easy, CURLOPT_WRITEDATA, sink );
    curl_easy_setopt( easy, CURLOPT_ERRORBUFFER, error );
    curl_easy_setopt( easy, CURLOPT_NOSIGNAL, 1L );
    curl_easy_setopt( easy, CURLOPT_PROXY, "" );  /* as WINHTTP_ACCESS_TYPE_NO_PROXY */
    return easy;
}

/* one transfer on the easy handle, which must answer 200 */
static void perform( CURL *easy, const char *error )
{
    CURLcode res = curl_easy_perform( easy );
    long status = 0;

    if (res != CURLE_OK) fail( "curl_easy_perform", *error ? error : curl_easy_strerror( res ) );
    curl_easy_getinfo( easy, CURLINFO_RESPONSE_CODE, &status );
    if (status != 200) fail( "the status", "200 expected" );
}

static int keepalive( double seconds )
{
    char error[CURL_ERROR_SIZE] = "";
    struct sink sink = { 0 };
    CURL *easy = new_easy( &sink, error );
    long long requests = 0;
    double t0, t1;

    perform( easy, error );  /* warm-up: the connection */
    t0 = t1 = now();
    while (t1 - t0 < seconds)
    {
        perform( easy, error );
        requests++;
        t1 = now();
    }
    printf( "bench keepalive reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_ws_kib=%llu\n",
            requests / (t1 - t0), requests, t1 - t0, peak_ws_kib() );
    curl_easy_cleanup( easy );
    return 0;
}

static int download( void )
{
    char error[CURL_ERROR_SIZE] = "";
    struct sink sink = { 0 };
    CURL *easy = new_easy( &sink, error );
    curl_off_t expected = -1;
    double t0, t1;

    curl_easy_setopt( easy, CURLOPT_BUFFERSIZE, (long)BUFFER_SIZE );
    t0 = now();
    perform( easy, error );
    t1 = now();
    curl_easy_getinfo( easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected );
    if (expected >= 0 && sink.bytes != (unsigned long long)expected)
    {
        printf( "bench error: %llu bytes read, Content-Length %lld\n", sink.bytes, (long long)expected );
        return 1;
    }
    printf( "bench download mib_per_sec=%.1f bytes=%llu seconds=%.3f peak_ws_kib=%llu\n",
            sink.bytes / 1048576.0 / (t1 - t0), sink.bytes, t1 - t0, peak_ws_kib() );
    curl_easy_cleanup( easy );
    return 0;
}

struct source
{
    unsigned long long left;
};

static size_t produce( char *data, size_t size, size_t n, void *arg )
{
    struct source *source = arg;
    size_t piece = size * n < BUFFER_SIZE ? size * n : BUFFER_SIZE;

    if (piece > source->left) piece = source->left;
    memset( data, 'u', piece );
    source->left -= piece;
    return piece;
}

static int upload( unsigned long long bytes )
{
    char error[CURL_ERROR_SIZE] = "";
    struct sink sink = { 0 };
    struct source source = { bytes };
    struct curl_slist *headers = curl_slist_append( NULL, "Expect:" );  /* WinHTTP sends none */
    CURL *easy = new_easy( &sink, error );
    CURLcode res;
    long status = 0;
    double t0, t1;

    headers = curl_slist_append( headers, "Content-Type: application/octet-stream" );
    curl_easy_setopt( easy, CURLOPT_HTTPHEADER, headers );
    curl_easy_setopt( easy, CURLOPT_UPLOAD, 1L );  /* PUT */
    curl_easy_setopt( easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)bytes );
    curl_easy_setopt( easy, CURLOPT_READFUNCTION, produce );
    curl_easy_setopt( easy, CURLOPT_READDATA, &source );
    curl_easy_setopt( easy, CURLOPT_UPLOAD_BUFFERSIZE, (long)BUFFER_SIZE );
    t0 = now();
    if ((res = curl_easy_perform( easy )) != CURLE_OK)
        fail( "curl_easy_perform", *error ? error : curl_easy_strerror( res ) );
    t1 = now();
    curl_easy_getinfo( easy, CURLINFO_RESPONSE_CODE, &status );
    if (status != 204 && status != 201 && status != 200)
    {
        printf( "bench error: the upload was answered %ld\n", status );
        return 1;
    }
    if (source.left)
    {
        printf( "bench error: %llu bytes of the upload not sent\n", source.left );
        return 1;
    }
    printf( "bench upload mib_per_sec=%.1f bytes=%llu seconds=%.3f peak_ws_kib=%llu\n",
            bytes / 1048576.0 / (t1 - t0), bytes, t1 - t0, peak_ws_kib() );
    curl_easy_cleanup( easy );
    curl_slist_free_all( headers );
    return 0;
}

struct worker
{
    pthread_t thread;
    long long requests;
    char      error[CURL_ERROR_SIZE];
    char      pad[64];
};

static volatile int stop;
static pthread_barrier_t start_barrier;

static void *worker_thread( void *arg )
{
    struct worker *w = arg;
    struct sink sink = { 0 };
    char error[CURL_ERROR_SIZE] = "";
    CURL *easy = new_easy( &sink, error );
    CURLcode res;
    long status;
    int warm = 1;

    for (;;)
    {
        if ((res = curl_easy_perform( easy )) != CURLE_OK)
        {
            snprintf( w->error, sizeof(w->error), "%s", *error ? error : curl_easy_strerror( res ) );
            break;
        }
        curl_easy_getinfo( easy, CURLINFO_RESPONSE_CODE, &status );
        if (status != 200)
        {
            snprintf( w->error, sizeof(w->error), "status %ld, 200 expected", status );
            break;
        }
        if (warm) { warm = 0; pthread_barrier_wait( &start_barrier ); continue; }
        if (stop) break;
        w->requests++;
    }
    if (warm) pthread_barrier_wait( &start_barrier );
    curl_easy_cleanup( easy );
    return NULL;
}

static int threads( int n, double seconds )
{
    static struct worker workers[MAX_THREADS];
    struct timespec ts;
    long long requests = 0;
    double t0, t1;
    int i, ret = 0;

    pthread_barrier_init( &start_barrier, NULL, n + 1 );
    for (i = 0; i < n; i++)
        if (pthread_create( &workers[i].thread, NULL, worker_thread, &workers[i] )) fail( "pthread_create", "" );
    pthread_barrier_wait( &start_barrier );  /* every thread has its connection */
    t0 = now();
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
    nanosleep( &ts, NULL );
    __atomic_store_n( &stop, 1, __ATOMIC_SEQ_CST );
    for (i = 0; i < n; i++) pthread_join( workers[i].thread, NULL );
    t1 = now();
    for (i = 0; i < n; i++)
    {
        requests += workers[i].requests;
        if (workers[i].error[0])
        {
            printf( "bench error: thread %d: curl_easy_perform failed: %s\n", i, workers[i].error );
            ret = 1;
        }
    }
    if (!ret)
        printf( "bench threads threads=%d reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_ws_kib=%llu\n",
                n, requests / (t1 - t0), requests, t1 - t0, peak_ws_kib() );
    return ret;
}

/* the multi interface: finished transfers are put back at once, on the same
 * easy handle (so its connection is reused), until the time is up */
static int async( int inflight, double seconds )
{
    CURLM *multi = curl_multi_init();
    CURL **easies = calloc( inflight, sizeof(*easies) );
    struct sink sink = { 0 };
    static char error[CURL_ERROR_SIZE];
    long long requests = 0;
    int i, running = 0, left, warm;
    double t0, t1;
    CURLMsg *msg;

    curl_multi_setopt( multi, CURLMOPT_MAXCONNECTS, (long)inflight );
    for (i = 0; i < inflight; i++)
    {
        easies[i] = new_easy( &sink, error );
        curl_multi_add_handle( multi, easies[i] );
    }
    t0 = t1 = now();
    warm = 1;
    for (;;)
    {
        CURLMcode mc = curl_multi_perform( multi, &running );
        if (mc != CURLM_OK) fail( "curl_multi_perform", curl_multi_strerror( mc ) );
        while ((msg = curl_multi_info_read( multi, &left )))
        {
            long status = 0;
            if (msg->msg != CURLMSG_DONE) continue;
            if (msg->data.result != CURLE_OK) fail( "a transfer", curl_easy_strerror( msg->data.result ) );
            curl_easy_getinfo( msg->easy_handle, CURLINFO_RESPONSE_CODE, &status );
            if (status != 200) fail( "the status", "200 expected" );
            curl_multi_remove_handle( multi, msg->easy_handle );
            if (warm || t1 - t0 < seconds)
            {
                /* warm-up: as many responses as transfers, so the connections are made */
                if (warm && ++requests >= inflight) { warm = 0; requests = 0; t0 = t1 = now(); }
                else if (!warm) requests++;
                curl_multi_add_handle( multi, msg->easy_handle );
                running++;
            }
        }
        t1 = now();
        if (!running) break;
        if ((mc = curl_multi_poll( multi, NULL, 0, 100, NULL )) != CURLM_OK)
            fail( "curl_multi_poll", curl_multi_strerror( mc ) );
    }
    printf( "bench async inflight=%d reqs_per_sec=%.0f requests=%lld seconds=%.3f peak_threads=1 peak_ws_kib=%llu\n",
            inflight, requests / seconds, requests, seconds, peak_ws_kib() );
    for (i = 0; i < inflight; i++) curl_easy_cleanup( easies[i] );
    curl_multi_cleanup( multi );
    free( easies );
    return 0;
}

static void usage( void )
{
    printf( "usage: curl_client keepalive URL SECONDS | download URL | upload URL BYTES |\n"
            "                   threads URL N SECONDS | async URL INFLIGHT SECONDS\n" );
    exit( 2 );
}

int main( int argc, char **argv )
{
    int ret;

    if (argc < 3) usage();
    url = argv[2];
    if (strncmp( url, "http://", 7 ))
    {
        printf( "bench error: only http:// URLs are measured\n" );
        return 2;
    }
    curl_global_init( CURL_GLOBAL_DEFAULT );
    if (!strcmp( argv[1], "keepalive" ) && argc == 4 && atof( argv[3] ) > 0)
        ret = keepalive( atof( argv[3] ) );
    else if (!strcmp( argv[1], "download" ) && argc == 3)
        ret = download();
    else if (!strcmp( argv[1], "upload" ) && argc == 4 && strtoull( argv[3], NULL, 10 ) > 0)
        ret = upload( strtoull( argv[3], NULL, 10 ) );
    else if (!strcmp( argv[1], "threads" ) && argc == 5 && atoi( argv[3] ) > 0 &&
             atoi( argv[3] ) <= MAX_THREADS && atof( argv[4] ) > 0)
        ret = threads( atoi( argv[3] ), atof( argv[4] ) );
    else if (!strcmp( argv[1], "async" ) && argc == 5 && atoi( argv[3] ) > 0 &&
             atoi( argv[3] ) <= MAX_INFLIGHT && atof( argv[4] ) > 0)
        ret = async( atoi( argv[3] ), atof( argv[4] ) );
    else
        usage();
    curl_global_cleanup();
    fflush( stdout );
    return ret;
}
