/*
 * A plugin built against a header newer than the host (the "future" header next to this file): its
 * descriptor is larger than the host knows, and it looks for a host function the host does not have.
 * It checks every field past version 1 with CDXMCP_HAS_FIELD, as the header asks.
 */
#include "cloverdx_mcp_plugin_future.h"

#include <stdio.h>

static const cdxmcp_host_api *host;

static const char TOOLS[] =
    "[{\"name\":\"future_probe\",\"description\":\"Reports which newer host fields this host has.\","
    "\"inputSchema\":{\"type\":\"object\"}}]";

static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments, size_t arguments_len) {
    (void)context; (void)name; (void)name_len; (void)arguments; (void)arguments_len;
    char result[512];
    int written = snprintf(result, sizeof result,
                           "{\"content\":[{\"type\":\"text\",\"text\":\"future plugin\"}],\"structuredContent\":"
                           "{\"hostTableBytes\":%u,\"pluginDescriptorBytes\":%zu,\"hostHasSetLoadError\":%s,"
                           "\"hostHasFutureFunction\":%s},\"isError\":false}",
                           (unsigned)host->struct_size, sizeof(cdxmcp_plugin),
                           CDXMCP_HAS_FIELD(host, cdxmcp_host_api, set_load_error) ? "true" : "false",
                           CDXMCP_HAS_FIELD(host, cdxmcp_host_api, future_host_function) ? "true" : "false");
    return host->set_result(call, result, (size_t)written);
}

static const cdxmcp_plugin descriptor = {
    .struct_size = sizeof(cdxmcp_plugin),
    .abi_version = CDXMCP_ABI_VERSION,
    .id = "abi-future",
    .version = "1.2.0",
    .tools_json = TOOLS,
    .call_tool = call_tool,
    .description = "built against a newer header",
    .future_descriptor_field = "the host must not need this",
};

cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    (void)plugin; (void)settings_json; (void)settings_len;
    /* The minimum-size rule: version 1's table is enough; newer fields are checked where they are used. */
    if (api == NULL || api->abi_version != CDXMCP_ABI_VERSION || api->struct_size < CDXMCP_HOST_API_V1_SIZE) {
        return CDXMCP_UNSUPPORTED;
    }
    host = api;
    *out_plugin = &descriptor;
    return CDXMCP_OK;
}
