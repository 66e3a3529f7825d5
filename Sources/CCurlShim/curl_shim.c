#include "curl_shim.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// MARK: Initialisation

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

static void global_init_once(void) { global_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

CURLcode cdxcurl_global_init(void) {
    pthread_once(&global_once, global_init_once);
    return global_result;
}

CURL *cdxcurl_easy_init(void) {
    if (cdxcurl_global_init() != CURLE_OK) return NULL;
    return curl_easy_init();
}

const char *cdxcurl_version(void) { return curl_version(); }

// MARK: Options

CURLcode cdxcurl_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(easy, option, list);
}

CURLcode cdxcurl_setopt_write_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
    if (result != CURLE_OK) return result;
    return curl_easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}

CURLcode cdxcurl_setopt_header_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
    if (result != CURLE_OK) return result;
    return curl_easy_setopt(easy, CURLOPT_HEADERDATA, userdata);
}

CURLcode cdxcurl_setopt_xferinfo_callback(CURL *easy, cdxcurl_xferinfo_callback callback, void *userdata) {
    CURLcode result = curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, callback);
    if (result != CURLE_OK) return result;
    result = curl_easy_setopt(easy, CURLOPT_XFERINFODATA, userdata);
    if (result != CURLE_OK) return result;
    return curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

// MARK: Information

CURLcode cdxcurl_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

CURLcode cdxcurl_getinfo_double(CURL *easy, CURLINFO info, double *value) {
    return curl_easy_getinfo(easy, info, value);
}

CURLcode cdxcurl_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    char *text = NULL;
    CURLcode result = curl_easy_getinfo(easy, info, &text);
    *value = text;
    return result;
}

// MARK: URLs

// A missing part is not an error here: it stays NULL.
static char *url_part(CURLU *handle, CURLUPart part, unsigned int flags) {
    char *text = NULL;
    if (curl_url_get(handle, part, &text, flags) != CURLUE_OK) return NULL;
    return text;
}

CURLUcode cdxcurl_url_parse(const char *url, cdxcurl_url_parts *parts) {
    memset(parts, 0, sizeof *parts);
    if (cdxcurl_global_init() != CURLE_OK) return CURLUE_OUT_OF_MEMORY;
    CURLU *handle = curl_url();
    if (handle == NULL) return CURLUE_OUT_OF_MEMORY;
    CURLUcode result = curl_url_set(handle, CURLUPART_URL, url, 0);
    if (result == CURLUE_OK) {
        // The fragment never goes on the wire; drop it so the URL we hand libcurl is the one checked.
        curl_url_set(handle, CURLUPART_FRAGMENT, NULL, 0);
        parts->url = url_part(handle, CURLUPART_URL, 0);
        parts->scheme = url_part(handle, CURLUPART_SCHEME, 0);
        parts->user = url_part(handle, CURLUPART_USER, 0);
        parts->password = url_part(handle, CURLUPART_PASSWORD, 0);
        parts->options = url_part(handle, CURLUPART_OPTIONS, 0);
        parts->host = url_part(handle, CURLUPART_HOST, 0);
        parts->zoneid = url_part(handle, CURLUPART_ZONEID, 0);
        parts->port = url_part(handle, CURLUPART_PORT, CURLU_DEFAULT_PORT);
        parts->path = url_part(handle, CURLUPART_PATH, 0);
        parts->query = url_part(handle, CURLUPART_QUERY, 0);
        if (parts->url == NULL) result = CURLUE_OUT_OF_MEMORY;
    }
    curl_url_cleanup(handle);
    if (result != CURLUE_OK) cdxcurl_url_parts_free(parts);
    return result;
}

void cdxcurl_url_parts_free(cdxcurl_url_parts *parts) {
    char **fields[] = {&parts->url, &parts->scheme, &parts->user, &parts->password, &parts->options,
                       &parts->host, &parts->zoneid, &parts->port, &parts->path, &parts->query};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        curl_free(*fields[i]);
        *fields[i] = NULL;
    }
}

const char *cdxcurl_url_strerror(CURLUcode code) { return curl_url_strerror(code); }

// MARK: Cancellable transfers

struct cdxcurl_transfer {
    CURLM *multi;
    CURL *easy;
    atomic_int cancelled;
};

static int transfer_xferinfo(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    cdxcurl_transfer *transfer = userdata;
    return atomic_load(&transfer->cancelled) ? 1 : 0;
}

cdxcurl_transfer *cdxcurl_transfer_create(CURL *easy) {
    cdxcurl_transfer *transfer = calloc(1, sizeof *transfer);
    if (transfer == NULL) return NULL;
    atomic_init(&transfer->cancelled, 0);
    transfer->easy = easy;
    transfer->multi = curl_multi_init();
    if (transfer->multi == NULL || cdxcurl_setopt_xferinfo_callback(easy, transfer_xferinfo, transfer) != CURLE_OK ||
        curl_multi_add_handle(transfer->multi, easy) != CURLM_OK) {
        if (transfer->multi != NULL) curl_multi_cleanup(transfer->multi);
        free(transfer);
        return NULL;
    }
    return transfer;
}

CURLcode cdxcurl_transfer_perform(cdxcurl_transfer *transfer) {
    for (;;) {
        if (atomic_load(&transfer->cancelled)) return CURLE_ABORTED_BY_CALLBACK;
        int running = 0;
        CURLMcode status = curl_multi_perform(transfer->multi, &running);
        if (status != CURLM_OK) return status == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
        if (running == 0) break;
        // Waits for socket activity, libcurl's next timer, or curl_multi_wakeup from cancel.
        status = curl_multi_poll(transfer->multi, NULL, 0, 1000, NULL);
        if (status != CURLM_OK) return status == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
    }
    CURLcode result = CURLE_FAILED_INIT;
    CURLMsg *message;
    int remaining = 0;
    while ((message = curl_multi_info_read(transfer->multi, &remaining)) != NULL) {
        if (message->msg == CURLMSG_DONE && message->easy_handle == transfer->easy) result = message->data.result;
    }
    return result;
}

void cdxcurl_transfer_cancel(cdxcurl_transfer *transfer) {
    atomic_store(&transfer->cancelled, 1);
    curl_multi_wakeup(transfer->multi);
}

void cdxcurl_transfer_free(cdxcurl_transfer *transfer) {
    if (transfer == NULL) return;
    curl_multi_remove_handle(transfer->multi, transfer->easy);
    curl_multi_cleanup(transfer->multi);
    free(transfer);
}
