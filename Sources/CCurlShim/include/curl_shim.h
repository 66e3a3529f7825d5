// Typed wrappers around libcurl for Swift.
//
// curl_easy_setopt and curl_easy_getinfo are C variadics, which Swift cannot call; every option
// type gets its own non-variadic wrapper here. The file also holds what is easier to get right in
// C: loading libcurl on first use (dlopen, so a server that sends nothing does not pay for it), the
// one-time global initialisation, and a cancellable transfer loop (multi interface plus
// curl_multi_wakeup) so another thread can stop a blocked transfer at once.
#ifndef CDX_CURL_SHIM_H
#define CDX_CURL_SHIM_H

#include <curl/curl.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Loading and initialisation

/// NULL once libcurl is loaded (dlopen on the first call of any function here), else why it
/// could not be: the library is missing or too old.
const char *cdxcurl_load_error(void);

/// Runs curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process, whichever thread asks
/// first (pthread_once); later calls return the first call's result.
CURLcode cdxcurl_global_init(void);

/// curl_easy_init after cdxcurl_global_init; NULL if either fails.
CURL *cdxcurl_easy_init(void);

/// The libcurl version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.11 zlib/1.2.13" (or the load error).
const char *cdxcurl_version(void);

void cdxcurl_easy_cleanup(CURL *easy);
/// Runs a transfer to its end; for transfers that need no cancellation (SMTP).
CURLcode cdxcurl_easy_perform(CURL *easy);
/// curl_easy_strerror, or the load error while libcurl is not available.
const char *cdxcurl_easy_strerror(CURLcode code);
/// NULL when out of memory or libcurl is not available.
struct curl_slist *cdxcurl_slist_append(struct curl_slist *list, const char *text);
void cdxcurl_slist_free_all(struct curl_slist *list);

// MARK: Options

CURLcode cdxcurl_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode cdxcurl_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
/// libcurl copies strings (except CURLOPT_POSTFIELDS), so `value` may be freed after the call.
CURLcode cdxcurl_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode cdxcurl_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode cdxcurl_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *list);

/// Receives body bytes (write) or one header line at a time (header). Return `size * nmemb` to
/// go on; any other value stops the transfer with CURLE_WRITE_ERROR.
typedef size_t (*cdxcurl_data_callback)(char *data, size_t size, size_t nmemb, void *userdata);
/// Progress; return non-zero to abort the transfer with CURLE_ABORTED_BY_CALLBACK.
typedef int (*cdxcurl_xferinfo_callback)(void *userdata, curl_off_t download_total, curl_off_t download_now,
                                         curl_off_t upload_total, curl_off_t upload_now);

/// Sets CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA together.
CURLcode cdxcurl_setopt_write_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata);
/// Sets CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA together.
CURLcode cdxcurl_setopt_header_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata);
/// Sets CURLOPT_XFERINFOFUNCTION and CURLOPT_XFERINFODATA, and turns CURLOPT_NOPROGRESS off.
CURLcode cdxcurl_setopt_xferinfo_callback(CURL *easy, cdxcurl_xferinfo_callback callback, void *userdata);

// MARK: Information

CURLcode cdxcurl_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode cdxcurl_getinfo_double(CURL *easy, CURLINFO info, double *value);
/// `*value` points into the easy handle (or is NULL); copy it before the handle changes.
CURLcode cdxcurl_getinfo_string(CURL *easy, CURLINFO info, const char **value);

// MARK: URLs

/// A URL as libcurl itself parses it: the parts the request would connect with. Strings are
/// owned by the struct (NULL when the URL has no such part); release with cdxcurl_url_parts_free.
typedef struct cdxcurl_url_parts {
    char *url;       ///< the whole URL re-serialised by libcurl (dot segments removed), no fragment
    char *scheme;
    char *user;
    char *password;
    char *options;
    char *host;
    char *zoneid;
    char *port;      ///< explicit or the scheme's default
    char *path;
    char *query;
} cdxcurl_url_parts;

/// Parses `url` with libcurl's URL API; CURLUE_OK or the reason it is not a URL.
CURLUcode cdxcurl_url_parse(const char *url, cdxcurl_url_parts *parts);
void cdxcurl_url_parts_free(cdxcurl_url_parts *parts);
const char *cdxcurl_url_strerror(CURLUcode code);

// MARK: Cancellable transfers

/// One easy handle driven by its own multi handle on the calling thread.
typedef struct cdxcurl_transfer cdxcurl_transfer;

/// Wraps `easy` (still owned by the caller) and installs the xferinfo callback that aborts it
/// after cdxcurl_transfer_cancel. NULL when out of memory.
cdxcurl_transfer *cdxcurl_transfer_create(CURL *easy);
/// Runs the transfer to its end on the calling thread; returns the transfer's result, or
/// CURLE_ABORTED_BY_CALLBACK once cancelled.
CURLcode cdxcurl_transfer_perform(cdxcurl_transfer *transfer);
/// Safe from any thread while cdxcurl_transfer_perform runs (or before it starts): marks the
/// transfer cancelled and wakes its poll so it ends within milliseconds.
void cdxcurl_transfer_cancel(cdxcurl_transfer *transfer);
/// Detaches the easy handle and frees the transfer; not concurrently with perform or cancel.
void cdxcurl_transfer_free(cdxcurl_transfer *transfer);

#ifdef __cplusplus
}
#endif

#endif
