/*
 * A plugin exactly as a third party built it against ABI version 1.0 (the frozen header next to this
 * file): its descriptor and the host table it expects are version 1's, smaller than today's. The host
 * must load it and serve its tool, configuration and host service included.
 */
#include "cloverdx_mcp_plugin_v1.h"

#include <stdio.h>
#include <string.h>

static const cdxmcp_host_api *host;
static cdxmcp_plugin_handle *self_handle;

static const char TOOLS[] =
    "[{\"name\":\"v1_probe\",\"description\":\"Reports what a version-1 plugin sees of the host.\","
    "\"inputSchema\":{\"type\":\"object\"}}]";

static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments, size_t arguments_len) {
    (void)context; (void)name; (void)name_len; (void)arguments; (void)arguments_len;
    char setting[128];
    static const char key[] = "clover.mcp.test.greeting";
    int64_t setting_len = host->config_get(self_handle, key, sizeof key - 1, setting, sizeof setting);
    if (setting_len < 0 || setting_len > (int64_t)sizeof setting) { strcpy(setting, "<unset>"); setting_len = 7; }

    const char *answer = NULL;
    size_t answer_len = 0;
    static const char service[] = "installation.info";
    cdxmcp_status status = host->call_service(call, service, sizeof service - 1, "{}", 2, &answer, &answer_len);

    /* The answer is a JSON object from the host; it is embedded as is. */
    char result[8192];
    int written = snprintf(result, sizeof result,
                           "{\"content\":[{\"type\":\"text\",\"text\":\"v1 plugin\"}],\"structuredContent\":"
                           "{\"hostTableBytes\":%u,\"setting\":\"%.*s\",\"serviceStatus\":%d,\"service\":%.*s},\"isError\":false}",
                           (unsigned)host->struct_size, (int)setting_len, setting, (int)status,
                           (int)(answer ? answer_len : 2), answer ? answer : "{}");
    if (written < 0 || written >= (int)sizeof result) {
        static const char message[] = "answer too large";
        host->set_error(call, message, sizeof message - 1);
        return CDXMCP_FAILED;
    }
    return host->set_result(call, result, (size_t)written);
}

/* The descriptor with other data right after it, as in any plugin: a host that read past version 1's
 * struct would take this pointer for a later field (1.1's description). */
static const struct {
    cdxmcp_plugin descriptor;
    const char *next_to_it;
} layout = {
    .descriptor = {
        .struct_size = sizeof(cdxmcp_plugin),
        .abi_version = CDXMCP_ABI_VERSION,
        .id = "abi-v1",
        .version = "1.0.0",
        .tools_json = TOOLS,
        .call_tool = call_tool,
    },
    .next_to_it = "not a field of this descriptor",
};

cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    (void)settings_json; (void)settings_len;
    /* What version-1 plugins did: insist on the table they know, which a newer host's larger one satisfies. */
    if (api == NULL || api->abi_version != CDXMCP_ABI_VERSION || api->struct_size < sizeof(cdxmcp_host_api)) {
        return CDXMCP_UNSUPPORTED;
    }
    host = api;
    self_handle = plugin;
    *out_plugin = &layout.descriptor;
    return CDXMCP_OK;
}
