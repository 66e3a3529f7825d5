/*
 * A C plugin that breaks one rule of the contract, chosen by its settings ({"mode": "..."}), for the
 * loader's tests: each mode must be refused with a message naming the plugin and the reason.
 */
#include "cloverdx_mcp_plugin.h"

#include <string.h>

static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments, size_t arguments_len) {
    (void)context; (void)call; (void)name; (void)name_len; (void)arguments; (void)arguments_len;
    return CDXMCP_UNSUPPORTED;
}

static const char GOOD_TOOLS[] = "[{\"name\":\"misbehaving_tool\",\"inputSchema\":{\"type\":\"object\"}}]";
/* One descriptor per mode: the library is loaded once per process, so loads must not share state. */
#define DESCRIPTOR(size, tools, call, plugin_id) \
    { .struct_size = (size), .abi_version = CDXMCP_ABI_VERSION, .id = (plugin_id), .version = "0.0.1", \
      .tools_json = (tools), .call_tool = (call) }
static const cdxmcp_plugin small_descriptor = DESCRIPTOR(16, GOOD_TOOLS, call_tool, "misbehaving");
static const cdxmcp_plugin tools_not_json = DESCRIPTOR(sizeof(cdxmcp_plugin), "[{\"name\": ", call_tool, "misbehaving");
static const cdxmcp_plugin bad_tool_name = DESCRIPTOR(sizeof(cdxmcp_plugin),
    "[{\"name\":\"list files\",\"inputSchema\":{\"type\":\"object\"}}]", call_tool, "misbehaving");
static const cdxmcp_plugin no_call_tool = DESCRIPTOR(sizeof(cdxmcp_plugin), GOOD_TOOLS, NULL, "misbehaving");
static const cdxmcp_plugin no_id = DESCRIPTOR(sizeof(cdxmcp_plugin), GOOD_TOOLS, call_tool, NULL);
static const cdxmcp_plugin well_formed = DESCRIPTOR(sizeof(cdxmcp_plugin), GOOD_TOOLS, call_tool, "misbehaving");

/* True when settings_json holds "mode":"<mode>" (the host passes compact JSON). */
static int mode_is(const char *settings, size_t length, const char *mode) {
    char wanted[96] = "\"mode\":\"";
    strncat(wanted, mode, sizeof wanted - strlen(wanted) - 2);
    strcat(wanted, "\"");
    size_t wanted_length = strlen(wanted);
    for (size_t i = 0; i + wanted_length <= length; i++) {
        if (memcmp(settings + i, wanted, wanted_length) == 0) return 1;
    }
    return 0;
}

cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    if (mode_is(settings_json, settings_len, "fail-with-reason")) {
        static const char reason[] = "the licence file /opt/acme/licence is missing";
        api->set_load_error(plugin, reason, sizeof reason - 1);
        return CDXMCP_FAILED;
    }
    if (mode_is(settings_json, settings_len, "fail-logged")) {
        static const char line[] = "cannot start: no ACME_HOME";
        api->log(plugin, NULL, CDXMCP_LOG_ERROR, line, sizeof line - 1);
        return CDXMCP_FAILED;
    }
    if (mode_is(settings_json, settings_len, "fail-silently")) return CDXMCP_FAILED;
    if (mode_is(settings_json, settings_len, "null-descriptor")) { *out_plugin = NULL; return CDXMCP_OK; }
    const cdxmcp_plugin *chosen = &well_formed;
    if (mode_is(settings_json, settings_len, "small-descriptor")) chosen = &small_descriptor;
    if (mode_is(settings_json, settings_len, "tools-not-json")) chosen = &tools_not_json;
    if (mode_is(settings_json, settings_len, "bad-tool-name")) chosen = &bad_tool_name;
    if (mode_is(settings_json, settings_len, "no-call-tool")) chosen = &no_call_tool;
    if (mode_is(settings_json, settings_len, "no-id")) chosen = &no_id;
    *out_plugin = chosen;
    return CDXMCP_OK;
}
