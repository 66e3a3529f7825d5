/*
 * cloverdx_mcp_plugin_v1.h: FROZEN COPY of the header as ABI version 1.0 shipped it (for the compatibility
 * tests: never edit). The whole contract between the cloverdx-mcp host and a tool-group plugin.
 *
 * A plugin is a shared library that exports one C function, CDXMCP_ENTRY_SYMBOL. The host loads it
 * with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), never unloads it, calls the entry once, and
 * from then on reaches the plugin only through the descriptor the entry hands back. The plugin
 * reaches the host only through the function table it is given. Nothing else is shared.
 *
 * Rules that hold for every struct and call below:
 *  - ABI version: CDXMCP_ABI_VERSION names this header's major version; it is also the suffix of the
 *    entry symbol, so a plugin built for another major version is refused before any of its code runs.
 *  - Growth: every struct starts with its own size (struct_size) and only grows at the end. A reader
 *    uses a field only if struct_size covers it. Minor additions never change the version.
 *  - Strings: UTF-8. Descriptor strings are NUL-terminated and must stay valid for the life of the
 *    process (static storage is the usual choice). Call arguments are (pointer, length) buffers,
 *    owned by the host and valid only until the plugin's entry point returns; copy what you keep.
 *  - Ownership: whoever allocates frees. A plugin hands results back through host->set_result, which
 *    copies the bytes before it returns; the plugin then frees its own buffer.
 *  - Errors: status codes plus a message (host->set_error). Never let a C++ exception, a Swift error
 *    or a longjmp cross this boundary.
 *  - Threading: the entry runs once, on a host thread, before anything else. Unless the descriptor
 *    sets CDXMCP_PLUGIN_SERIAL, call_tool, read_resource, get_prompt and complete may run at the same
 *    time on several host threads (a dedicated pool, never the network threads), so they must be
 *    thread-safe. Every host function may be called from any thread at any time.
 *  - Time: a call may block (file or network I/O through the host); the host gives up on it after its
 *    per-call timeout, reports the timeout to the client and marks the call cancelled. The call handle
 *    stays valid until the entry point returns; poll host->is_cancelled in long loops.
 */
#ifndef CLOVERDX_MCP_PLUGIN_H
#define CLOVERDX_MCP_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The major version of this contract. Bumped only for incompatible changes. */
#define CDXMCP_ABI_VERSION 1
/** The symbol every plugin of this major version exports (see cdxmcp_plugin_entry_fn). */
#define CDXMCP_ENTRY_SYMBOL "cdxmcp_plugin_entry_v1"

/** Status codes returned by plugin entry points and host functions. */
typedef int32_t cdxmcp_status;
enum {
    CDXMCP_OK = 0,
    /** The operation failed; the message set with set_error says why (a tool error, not a crash). */
    CDXMCP_FAILED = 1,
    /** The arguments were wrong; the message says which and what is expected. */
    CDXMCP_INVALID_ARGUMENTS = 2,
    /** The tool, resource or prompt named is not this plugin's. */
    CDXMCP_NOT_FOUND = 3,
    /** The call stopped because host->is_cancelled said so. */
    CDXMCP_CANCELLED = 4,
    /** The host refused a service the plugin has no grant for. */
    CDXMCP_DENIED = 5,
    /** The plugin or host does not offer this operation. */
    CDXMCP_UNSUPPORTED = 6
};

/** Log levels, those of MCP (RFC 5424 names), lowest first. */
typedef int32_t cdxmcp_log_level;
enum {
    CDXMCP_LOG_DEBUG = 0,
    CDXMCP_LOG_INFO = 1,
    CDXMCP_LOG_NOTICE = 2,
    CDXMCP_LOG_WARNING = 3,
    CDXMCP_LOG_ERROR = 4,
    CDXMCP_LOG_CRITICAL = 5,
    CDXMCP_LOG_ALERT = 6,
    CDXMCP_LOG_EMERGENCY = 7
};

/** The host's handle for one loaded plugin. Opaque; valid for the life of the process. */
typedef struct cdxmcp_plugin_handle cdxmcp_plugin_handle;
/** The host's handle for one call in progress. Opaque; valid until the plugin's entry point returns. */
typedef struct cdxmcp_call cdxmcp_call;

/**
 * Services the host offers a plugin. The host fills it; the plugin only reads it.
 * Appended to over time: check struct_size before using a field added after version 1's last one.
 */
typedef struct cdxmcp_host_api {
    uint32_t struct_size;
    /** The CDXMCP_ABI_VERSION the host was built with. */
    uint32_t abi_version;

    /**
     * Writes a log line to the host's log (stderr). With a non-NULL call, the line also goes to the
     * MCP client that made the call as notifications/message, if its log level lets it through.
     */
    void (*log)(cdxmcp_plugin_handle *plugin, cdxmcp_call *call, cdxmcp_log_level level,
                const char *message, size_t message_len);

    /**
     * Looks up a configuration key (clover.properties, environment, flags, as the host resolved them).
     * Copies at most buffer_capacity bytes of the value (not NUL-terminated) into buffer and returns
     * the value's full length, so a caller can retry with a bigger buffer; returns -1 if the key is not
     * set or is private (CloverDX's private.properties rule: keys matching *password*, *secret*, *token*,
     * *credential*, *private*key*, … or a wildcard listed in the key private.properties are never handed
     * to plugins). Credentials inside a URL value (user:password@, ?password=) come back as *****.
     */
    int64_t (*config_get)(cdxmcp_plugin_handle *plugin, const char *key, size_t key_len,
                          char *buffer, size_t buffer_capacity);

    /**
     * Reports progress of a long call. progress must grow from one report to the next; total <= 0
     * means unknown. Sent to the client only if it asked for progress; cheap to call otherwise.
     */
    void (*report_progress)(cdxmcp_call *call, double progress, double total,
                            const char *message, size_t message_len);

    /** Returns 1 once the client cancelled the call or the host timed it out, else 0. */
    int32_t (*is_cancelled)(cdxmcp_call *call);

    /**
     * Hands back the call's result as JSON (copied before returning; a later call replaces it):
     *  - call_tool:     an MCP CallToolResult: {"content":[...], "structuredContent":{...}, "isError":false}
     *  - read_resource: {"contents":[{"uri":..., "mimeType":..., "text":...}]}
     *  - get_prompt:    {"description":..., "messages":[{"role":"user", "content":{...}}]}
     *  - complete:      {"completion":{"values":[...], "total":N, "hasMore":false}}
     * Returns CDXMCP_INVALID_ARGUMENTS if the bytes are not a JSON object.
     */
    cdxmcp_status (*set_result)(cdxmcp_call *call, const char *json, size_t json_len);

    /**
     * Sets the human-readable message that goes with a non-OK status (copied). Write it for the
     * model that will read it: what went wrong and what to do instead.
     */
    void (*set_error)(cdxmcp_call *call, const char *message, size_t message_len);

    /* ---- Added in ABI 1.1: check struct_size covers a field before using it. ---- */

    /**
     * Calls a host service: the plugin's only way to reach CloverDX data (plugins never open files,
     * sockets or databases themselves). `service` names it, `request_json` is a JSON object; on
     * CDXMCP_OK, *response_json / *response_len receive a JSON object owned by the host and valid
     * until the plugin's entry point returns (do not free it). On failure the status says why
     * (CDXMCP_DENIED: plugins.json grants the plugin no access; CDXMCP_UNSUPPORTED: no such service;
     * CDXMCP_INVALID_ARGUMENTS: bad request) and *response_json is {"error": "..."}.
     *
     * Services, their grant in plugins.json, request and response (fields in [] are optional):
     *  "installation.info"  grant "installation.read"
     *      {} -> {"nodeId", "serverLogs", "tomcatLogs", "jobLogs", "sandboxes", "systemDatabase":{"engine"}, "restAPI",
     *             "timeZone":{"id", "utcOffsetSeconds"}}  (the zone of the server's local times in logs and the database)
     *  "logs.list"          grant "logs.read"
     *      {} -> {"logs":[{"id","category","files":[{"name","bytes"}],"bytes","firstTime","lastTime"}]}
     *  "logs.search"        grant "logs.read"
     *      {"log", ["from"], ["to"] (ISO 8601 or "yyyy-MM-dd HH:mm:ss"), ["levels":[...]], ["regex"], ["text"],
     *       ["limit"], ["cursor"], ["maxBytes"]}
     *      -> {"entries":[{"time","level","thread","logger","message","text","file","line"}], "matched",
     *          "scannedBytes", ["nextCursor"], "truncated", "warnings":[...]}
     *  "logs.tail"          grant "logs.read"    {"log", ["entries"]} -> {"entries":[...]}
     *  "logs.window"        grant "logs.read"    {"log", "around", ["beforeSeconds"], ["afterSeconds"], ["limit"]} -> {"entries":[...]}
     *  "sql.query"          grant "sql.read"
     *      {"sql", ["maxRows"], ["maxBytes"], ["timeoutMs"]}
     *      -> {"columns":[{"name","type"}], "rows":[[...]], "truncated", ["truncationReason"], "elapsedMs"}
     *  "sql.schema"         grant "sql.read"     {["tablePattern"]} -> {"engine", "tables":[{"name","columns":[{"name","type","nullable"}]}]}
 *  "logs.table"         grant "logs.read"
 *      {"log" ("performance", "job-queue", "access", "user-action"), ["from"], ["to"] (server wall clock
 *       "yyyy-MM-dd HH:mm:ss[.SSS]"), "sql", ["maxRows"] (default 1000), ["maxBytes"], ["timeoutMs"]}
 *      -> {"table", "columns":[{"name","type"}], "rows":[[...]], "truncated", ["truncationReason"], "loadedRows",
 *          "loadTruncated", "firstTime", "lastTime", "elapsedMs", "warnings":[...]}
 *      The window's records of that log, loaded into an in-memory SQLite table named after it ('-' as '_'), queried
 *      with one read-only SELECT (the system database's guard). Columns: time TEXT "yyyy-MM-dd HH:mm:ss.SSS", then
 *        performance: the keys of performance.log (hbAge, cGC, wGC, cHeap, wHeap, sysCPU, cCPU, wCPU, jobs, jobQueue,
 *                     cThread, wThread, swap, cFD, wFD, cUptime, wUptime); NULL where a sample lacks the key
 *        job_queue:   queued, running, started, cpu, loadStep, queueExecutions, avgCpu, coreLowMem, workerLowMem (0/1),
 *                     nonBlockedJobs
 *        access:      client, user, method, path, query, protocol, status, bytes, duration_ms (NULL without %D)
 *        user_action: user, domain, ip, action, result, message (the rest of the key=value body)
 *      SQL functions besides SQLite's (window functions included): text REGEXP pattern (Perl-compatible PCRE2 syntax, backtracking-bounded),
 *      percentile(value, fraction 0..1) (nearest rank). Lines that do not parse are counted in "warnings"; loading
 *      stops at 1,000,000 rows ("loadTruncated", "lastTime" says where: narrow the window).
     *  "http.request"       grant "http.cloverdx"
     *      {"method", "path" (relative to the configured CloverDX base URL), ["headers":{}], ["body"], ["timeoutMs"]}
     *      -> {"status", "headers":{}, "body"}
     *  "config.effective"   grant "config.read"
     *      {["prefix"]} -> {"entries":[{"key","value","source",["masked":true]}] (sorted by key), "privatePatterns":[...]}
     *      (the configuration as the host resolved it; values of private keys are "*****", URL credentials masked)
     *  "host.info"          grant "installation.read"
     *      {} -> {"name","version","pid","startedAt","uptimeSeconds","plugins":[{"id","version","tools","resources","prompts"}]}
     *  "sandboxes.list"     grant "sandboxes.read"
     *      {} -> {"source":"database"|"folders", "sandboxes":[{"code","name","rootPath","type","owner","suspended","exists"}],
     *             ["warning"]}
     *  "sandbox.files"      grant "sandboxes.read"
     *      {"sandbox", ["path"] (a folder), ["pattern"] (wildcard on the path), ["limit"] (500, at most 5000), ["offset"]}
     *      -> {"sandbox","path","files":[{"path","bytes","modified"}],"total","offset","truncated",["nextOffset"],"scanLimited"}
     *  "sandbox.read"       grant "sandboxes.read"
     *      {"sandbox", "path", ["maxBytes"] (1 MiB, at most 16 MiB), ["offset"]}
     *      -> {"sandbox","path","bytes" (file size),"offset","text","binary","maskedSecrets","truncated",["nextOffset"]}
     *      Secret values in the text (properties keys and XML attributes such as password=, by the private.properties
     *      rule) are replaced by ***** and counted in "maskedSecrets".
     *      Sandbox paths are relative (no "..", no NUL, not absolute) and must resolve, symlinks followed, inside
     *      the sandbox; files hidden by clover.mcp.sandbox.allowedFiles/deniedFiles are neither listed nor read.
     *  "support.report"     grant "support.write"
     *      {"report":{"summary", ...} (at most 1 MiB, sent to the portal as is), "idempotencyKey"}
     *      -> {"report":{"id","idempotencyKey","state","summary","severity","createdAt","attempts",["expectedSendAt"],
     *          ["sentAt"],["issueId"],["lastError"]}, "duplicate", "destination", "rateLimitMs"}
     *      Written to the outbox (fsync'd) before it returns, then delivered in the background to
     *      clover.mcp.customer.portal.api.url, one portal call per rate-limit interval, retried with backoff,
     *      also after a restart. The same idempotencyKey again returns the existing report ("duplicate": true).
     *  "support.status"     grant "support.write"
     *      {["id"] (report id, portal issue id or idempotency key), ["limit"]}
     *      -> {"configured", "destination", "rateLimitMs", "reports":[ as above, newest first ]}
     *      States: queued, sending, sent, failed (the portal refused the report for good).
     *  "support.package"    grant "support.write"
     *      {"idempotencyKey"} -> {"file", "location", "bytes", "capBytes", "files":[...], "omittedFiles"}
     *      A ZIP next to the outbox: configuration.properties (secrets masked), then the newest server and
     *      Tomcat log files, newest first, up to clover.mcp.sidecar.support.package.max.bytes (50 MB).
     * Progress and cancellation of long services follow the call (report_progress, is_cancelled).
     */
    cdxmcp_status (*call_service)(cdxmcp_call *call, const char *service, size_t service_len,
                                  const char *request_json, size_t request_len,
                                  const char **response_json, size_t *response_len);
} cdxmcp_host_api;

/** Descriptor flag: the host never runs two calls of this plugin at the same time. */
#define CDXMCP_PLUGIN_SERIAL 0x1u

/**
 * What a plugin offers. Returned by the entry; must stay valid and unchanged for the life of the
 * process. Call entry points receive `context` back unchanged. Any entry point may be NULL when the
 * plugin offers nothing of that kind.
 */
typedef struct cdxmcp_plugin {
    uint32_t struct_size;
    /** Must be CDXMCP_ABI_VERSION as the plugin was built with it. */
    uint32_t abi_version;
    /** Stable identifier, e.g. "server-logs". */
    const char *id;
    /** The plugin's own version, e.g. "1.0.0". */
    const char *version;
    /** JSON array of MCP Tool objects (name, title, description, inputSchema, outputSchema, annotations). */
    const char *tools_json;
    /** JSON array of MCP Resource objects (uri, name, mimeType, ...). */
    const char *resources_json;
    /** JSON array of MCP ResourceTemplate objects (uriTemplate per RFC 6570, name, ...). */
    const char *resource_templates_json;
    /** JSON array of MCP Prompt objects (name, description, arguments). */
    const char *prompts_json;
    /** CDXMCP_PLUGIN_* flags. */
    uint32_t flags;
    /** Passed back to every entry point below. */
    void *context;

    /** Runs tool `name` with `arguments_json` (a JSON object); result through host->set_result. */
    cdxmcp_status (*call_tool)(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments_json, size_t arguments_len);
    /** Reads resource `uri` (one of resources_json, or matching one of resource_templates_json). */
    cdxmcp_status (*read_resource)(void *context, cdxmcp_call *call, const char *uri, size_t uri_len);
    /** Renders prompt `name` with `arguments_json` (a JSON object of strings). */
    cdxmcp_status (*get_prompt)(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                                const char *arguments_json, size_t arguments_len);
    /** Completes an argument: request_json is MCP's {"ref":{...}, "argument":{...}, "context":{...}}. */
    cdxmcp_status (*complete)(void *context, cdxmcp_call *call, const char *request_json,
                              size_t request_len);
} cdxmcp_plugin;

/**
 * The entry every plugin exports as CDXMCP_ENTRY_SYMBOL.
 *  host:          the host's services; valid for the life of the process.
 *  plugin:        the host's handle for this plugin, to pass to host->log and host->config_get.
 *  settings_json: the plugin's "settings" object from plugins.json ("{}" when absent).
 *  out_plugin:    set to the plugin's descriptor on success.
 * On failure return a non-OK status and log the reason with host->log(plugin, NULL, CDXMCP_LOG_ERROR, ...):
 * the host shows that line to the operator and skips the plugin.
 */
typedef cdxmcp_status (*cdxmcp_plugin_entry_fn)(const cdxmcp_host_api *host, cdxmcp_plugin_handle *plugin,
                                                const char *settings_json, size_t settings_len,
                                                const cdxmcp_plugin **out_plugin);

#ifdef __cplusplus
}
#endif

#endif /* CLOVERDX_MCP_PLUGIN_H */
