#include "curl_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: Loading libcurl

// libcurl is opened on first use instead of being linked: with its TLS, Kerberos, LDAP and SSH
// dependencies it costs ~6 MB of resident memory at start-up, and most servers never send a
// request (only the REST API, the support portal, OAuth introspection and the bridge use it).
#ifdef __APPLE__
#define CDX_LIBCURL_NAME "libcurl.4.dylib"
#else
#define CDX_LIBCURL_NAME "libcurl.so.4"
#endif

static struct {
    CURLcode (*global_init)(long flags);
    char *(*version)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *easy);
    CURLcode (*easy_perform)(CURL *easy);
    const char *(*easy_strerror)(CURLcode code);
    CURLcode (*easy_setopt)(CURL *easy, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
    void (*free)(void *pointer);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *handle);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart part, const char *content, unsigned int flags);
    CURLUcode (*url_get)(const CURLU *handle, CURLUPart part, char **content, unsigned int flags);
    const char *(*url_strerror)(CURLUcode code);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMcode (*multi_perform)(CURLM *multi, int *running);
    CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *remaining);
    CURLMcode (*multi_wakeup)(CURLM *multi);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_error[512] = "libcurl not loaded";

static void load_libcurl(void) {
    void *library = dlopen(CDX_LIBCURL_NAME, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(load_error, sizeof load_error, "cannot load %s (install libcurl4): %s", CDX_LIBCURL_NAME, dlerror());
        return;
    }
    struct { void **slot; const char *name; } symbols[] = {
        {(void **)&api.global_init, "curl_global_init"},       {(void **)&api.version, "curl_version"},
        {(void **)&api.easy_init, "curl_easy_init"},           {(void **)&api.easy_cleanup, "curl_easy_cleanup"},
        {(void **)&api.easy_perform, "curl_easy_perform"},     {(void **)&api.easy_strerror, "curl_easy_strerror"},
        {(void **)&api.easy_setopt, "curl_easy_setopt"},       {(void **)&api.easy_getinfo, "curl_easy_getinfo"},
        {(void **)&api.slist_append, "curl_slist_append"},     {(void **)&api.slist_free_all, "curl_slist_free_all"},
        {(void **)&api.free, "curl_free"},                     {(void **)&api.url, "curl_url"},
        {(void **)&api.url_cleanup, "curl_url_cleanup"},       {(void **)&api.url_set, "curl_url_set"},
        {(void **)&api.url_get, "curl_url_get"},               {(void **)&api.url_strerror, "curl_url_strerror"},
        {(void **)&api.multi_init, "curl_multi_init"},         {(void **)&api.multi_add_handle, "curl_multi_add_handle"},
        {(void **)&api.multi_remove_handle, "curl_multi_remove_handle"},
        {(void **)&api.multi_cleanup, "curl_multi_cleanup"},   {(void **)&api.multi_perform, "curl_multi_perform"},
        {(void **)&api.multi_poll, "curl_multi_poll"},         {(void **)&api.multi_info_read, "curl_multi_info_read"},
        {(void **)&api.multi_wakeup, "curl_multi_wakeup"},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(library, symbols[i].name);
        if (*symbols[i].slot == NULL) {
            snprintf(load_error, sizeof load_error, "%s lacks %s: a newer libcurl is needed", CDX_LIBCURL_NAME,
                     symbols[i].name);
            return;
        }
    }
    loaded = 1;
}

/// Whether libcurl is loaded, loading it on the first call from any thread.
static int libcurl_available(void) {
    pthread_once(&load_once, load_libcurl);
    return loaded;
}

const char *cdxcurl_load_error(void) { return libcurl_available() ? NULL : load_error; }

// MARK: Initialisation

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

static void global_init_once(void) {
    if (libcurl_available()) global_result = api.global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode cdxcurl_global_init(void) {
    pthread_once(&global_once, global_init_once);
    return global_result;
}

CURL *cdxcurl_easy_init(void) {
    if (cdxcurl_global_init() != CURLE_OK) return NULL;
    return api.easy_init();
}

void cdxcurl_easy_cleanup(CURL *easy) { api.easy_cleanup(easy); }

CURLcode cdxcurl_easy_perform(CURL *easy) { return api.easy_perform(easy); }

const char *cdxcurl_easy_strerror(CURLcode code) {
    return libcurl_available() ? api.easy_strerror(code) : load_error;
}

const char *cdxcurl_version(void) { return libcurl_available() ? api.version() : load_error; }

struct curl_slist *cdxcurl_slist_append(struct curl_slist *list, const char *text) {
    return libcurl_available() ? api.slist_append(list, text) : NULL;
}

void cdxcurl_slist_free_all(struct curl_slist *list) {
    if (list != NULL) api.slist_free_all(list);
}

// MARK: Options

CURLcode cdxcurl_setopt_long(CURL *easy, CURLoption option, long value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode cdxcurl_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *list) {
    return api.easy_setopt(easy, option, list);
}

CURLcode cdxcurl_setopt_write_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata) {
    CURLcode result = api.easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
    if (result != CURLE_OK) return result;
    return api.easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}

CURLcode cdxcurl_setopt_header_callback(CURL *easy, cdxcurl_data_callback callback, void *userdata) {
    CURLcode result = api.easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
    if (result != CURLE_OK) return result;
    return api.easy_setopt(easy, CURLOPT_HEADERDATA, userdata);
}

CURLcode cdxcurl_setopt_xferinfo_callback(CURL *easy, cdxcurl_xferinfo_callback callback, void *userdata) {
    CURLcode result = api.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, callback);
    if (result != CURLE_OK) return result;
    result = api.easy_setopt(easy, CURLOPT_XFERINFODATA, userdata);
    if (result != CURLE_OK) return result;
    return api.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

// MARK: Information

CURLcode cdxcurl_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return api.easy_getinfo(easy, info, value);
}

CURLcode cdxcurl_getinfo_double(CURL *easy, CURLINFO info, double *value) {
    return api.easy_getinfo(easy, info, value);
}

CURLcode cdxcurl_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    char *text = NULL;
    CURLcode result = api.easy_getinfo(easy, info, &text);
    *value = text;
    return result;
}

// MARK: URLs

// A missing part is not an error here: it stays NULL.
static char *url_part(CURLU *handle, CURLUPart part, unsigned int flags) {
    char *text = NULL;
    if (api.url_get(handle, part, &text, flags) != CURLUE_OK) return NULL;
    return text;
}

CURLUcode cdxcurl_url_parse(const char *url, cdxcurl_url_parts *parts) {
    memset(parts, 0, sizeof *parts);
    if (cdxcurl_global_init() != CURLE_OK) return CURLUE_OUT_OF_MEMORY;
    CURLU *handle = api.url();
    if (handle == NULL) return CURLUE_OUT_OF_MEMORY;
    CURLUcode result = api.url_set(handle, CURLUPART_URL, url, 0);
    if (result == CURLUE_OK) {
        // The fragment never goes on the wire; drop it so the URL we hand libcurl is the one checked.
        api.url_set(handle, CURLUPART_FRAGMENT, NULL, 0);
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
    api.url_cleanup(handle);
    if (result != CURLUE_OK) cdxcurl_url_parts_free(parts);
    return result;
}

void cdxcurl_url_parts_free(cdxcurl_url_parts *parts) {
    char **fields[] = {&parts->url, &parts->scheme, &parts->user, &parts->password, &parts->options,
                       &parts->host, &parts->zoneid, &parts->port, &parts->path, &parts->query};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (*fields[i] != NULL) api.free(*fields[i]);
        *fields[i] = NULL;
    }
}

const char *cdxcurl_url_strerror(CURLUcode code) { return libcurl_available() ? api.url_strerror(code) : load_error; }

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
    transfer->multi = api.multi_init();
    if (transfer->multi == NULL || cdxcurl_setopt_xferinfo_callback(easy, transfer_xferinfo, transfer) != CURLE_OK ||
        api.multi_add_handle(transfer->multi, easy) != CURLM_OK) {
        if (transfer->multi != NULL) api.multi_cleanup(transfer->multi);
        free(transfer);
        return NULL;
    }
    return transfer;
}

CURLcode cdxcurl_transfer_perform(cdxcurl_transfer *transfer) {
    for (;;) {
        if (atomic_load(&transfer->cancelled)) return CURLE_ABORTED_BY_CALLBACK;
        int running = 0;
        CURLMcode status = api.multi_perform(transfer->multi, &running);
        if (status != CURLM_OK) return status == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
        if (running == 0) break;
        // Waits for socket activity, libcurl's next timer, or curl_multi_wakeup from cancel.
        status = api.multi_poll(transfer->multi, NULL, 0, 1000, NULL);
        if (status != CURLM_OK) return status == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
    }
    CURLcode result = CURLE_FAILED_INIT;
    CURLMsg *message;
    int remaining = 0;
    while ((message = api.multi_info_read(transfer->multi, &remaining)) != NULL) {
        if (message->msg == CURLMSG_DONE && message->easy_handle == transfer->easy) result = message->data.result;
    }
    return result;
}

void cdxcurl_transfer_cancel(cdxcurl_transfer *transfer) {
    atomic_store(&transfer->cancelled, 1);
    api.multi_wakeup(transfer->multi);
}

void cdxcurl_transfer_free(cdxcurl_transfer *transfer) {
    if (transfer == NULL) return;
    api.multi_remove_handle(transfer->multi, transfer->easy);
    api.multi_cleanup(transfer->multi);
    free(transfer);
}
