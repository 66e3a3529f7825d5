/*
 * cloverdx_mcp_plugin_future.h: the current header with one more round of fields (a "1.2" that does not
 * exist), for the test that a plugin built against a newer header runs on this host. The whole contract
 * between the cloverdx-mcp host and a tool-group plugin.
 *
 * A plugin is a shared library that exports one C function, CDXMCP_ENTRY_SYMBOL. The host loads it
 * with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), never unloads it, calls the entry once, and
 * from then on reaches the plugin only through the descriptor the entry hands back. The plugin
 * reaches the host only through the function table it is given. Nothing else is shared.
 *
 * Rules that hold for every struct and call below:
 *  - ABI version: CDXMCP_ABI_VERSION names this header's major version; it is also the suffix of the
 *    entry symbol, so a plugin built for another major version is refused before any of its code runs.
 *  - Growth (the sqlite3ext.h way): every struct starts with its own size (struct_size) and only grows
 *    at the end; a field never moves or changes type. Whoever reads a struct the other side filled uses
 *    a field only when CDXMCP_HAS_FIELD says struct_size covers it, and accepts any size at least
 *    CDXMCP_..._V1_SIZE. So a plugin built against an older header runs on a newer host, and one built
 *    against a newer header runs on an older host as long as it checks the fields it wants. Fields
 *    added after version 1 say "since 1.N". Additions never change CDXMCP_ABI_VERSION; the minor
 *    number, CDXMCP_ABI_MINOR, only documents them.
 *  - Strings: UTF-8. Descriptor strings are NUL-terminated and must stay valid for the life of the
 *    process (static storage is the usual choice). Call arguments are (pointer, length) buffers,
 *    owned by the host and valid only until the plugin's entry point returns; copy what you keep.
 *    The same holds for the entry's settings_json: the host frees it when the entry returns.
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
 *    stays valid until the entry point returns; poll host->is_cancelled in long loops. A result set
 *    after the timeout (set_result on a call the host gave up on) is accepted and dropped: the client
 *    already has its timeout error.
 *
 * Reference: the host services call_service offers, with their request and answer fields, are listed
 * in docs/SERVICES.md of the cloverdx-mcp repository (generated from the SDK's CloverServiceContract).
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
/** The minor version of this header: how many rounds of fields were appended since version 1.0. */
#define CDXMCP_ABI_MINOR 2

/**
 * True when the struct `ptr` points to (of type `type`, filled by the other side) is large enough to
 * hold `field`. Check it before reading any field marked "since 1.N"; version-1 fields are always there
 * once struct_size is at least the struct's V1_SIZE.
 */
#define CDXMCP_HAS_FIELD(ptr, type, field) \
    ((size_t)(ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

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

    /**
     * Calls a host service: the plugin's only way to reach CloverDX data (plugins never open files,
     * sockets or databases themselves). `service` names it, `request_json` is a JSON object; on
     * CDXMCP_OK, *response_json / *response_len receive a JSON object owned by the host and valid
     * until the plugin's entry point returns (do not free it). On failure the status says why
     * (CDXMCP_DENIED: plugins.json grants the plugin no access; CDXMCP_UNSUPPORTED: no such service;
     * CDXMCP_INVALID_ARGUMENTS: bad request) and *response_json is {"error": "..."}.
     *
     * The services (installation.info, logs.list, logs.search, logs.tail, logs.window, logs.table,
     * sql.query, sql.schema, http.request, config.effective, host.info, sandboxes.list, sandbox.files,
     * sandbox.read, support.report, support.status, support.package), the grant each needs and their
     * request and answer fields: docs/SERVICES.md, generated from the SDK's CloverServiceContract types
     * (Swift plugins call them typed, through PluginKit's CallContext).
     * Progress and cancellation of long services follow the call (report_progress, is_cancelled).
     */
    cdxmcp_status (*call_service)(cdxmcp_call *call, const char *service, size_t service_len,
                                  const char *request_json, size_t request_len,
                                  const char **response_json, size_t *response_len);

    /* ---- Version 1 ends here (CDXMCP_HOST_API_V1_SIZE). Check CDXMCP_HAS_FIELD before using what follows. ---- */

    /**
     * Since 1.1. Says why the entry point is about to fail (copied; the last call wins). The host shows
     * it to the operator with the plugin's id, instead of the last error line the plugin logged, which is
     * what a host older than 1.1, or a plugin that does not call this, falls back to.
     */
    void (*set_load_error)(cdxmcp_plugin_handle *plugin, const char *message, size_t message_len);

    /** Since "1.2" (future): a function this host does not have. */
    int32_t (*future_host_function)(void);
} cdxmcp_host_api;

/** The size of version 1's cdxmcp_host_api: the smallest table a plugin will be handed. */
#define CDXMCP_HOST_API_V1_SIZE (offsetof(cdxmcp_host_api, call_service) + sizeof(((cdxmcp_host_api *)0)->call_service))

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

    /* ---- Version 1 ends here (CDXMCP_PLUGIN_V1_SIZE). The host reads what follows only when struct_size covers it. ---- */

    /** Since 1.1. One line on what the plugin offers, shown by `cloverdx-mcp plugins list` and `verify`; may be NULL. */
    const char *description;

    /** Since "1.2" (future): a field this host does not know and must ignore. */
    const char *future_descriptor_field;
} cdxmcp_plugin;

/** The size of version 1's cdxmcp_plugin: the host refuses a smaller descriptor. */
#define CDXMCP_PLUGIN_V1_SIZE (offsetof(cdxmcp_plugin, complete) + sizeof(((cdxmcp_plugin *)0)->complete))

/**
 * The entry every plugin exports as CDXMCP_ENTRY_SYMBOL.
 *  host:          the host's services; valid for the life of the process.
 *  plugin:        the host's handle for this plugin, to pass to host->log and host->config_get.
 *  settings_json: the plugin's "settings" object from plugins.json ("{}" when absent).
 *  out_plugin:    set to the plugin's descriptor on success.
 * On failure return a non-OK status and say why with host->set_load_error (since 1.1; check
 * CDXMCP_HAS_FIELD) or, on older hosts, host->log(plugin, NULL, CDXMCP_LOG_ERROR, ...): the host shows
 * the reason to the operator and skips the plugin; the other plugins serve.
 * settings_json is freed when the entry returns: copy what you keep.
 */
typedef cdxmcp_status (*cdxmcp_plugin_entry_fn)(const cdxmcp_host_api *host, cdxmcp_plugin_handle *plugin,
                                                const char *settings_json, size_t settings_len,
                                                const cdxmcp_plugin **out_plugin);

#ifdef __cplusplus
}
#endif

#endif /* CLOVERDX_MCP_PLUGIN_H */
