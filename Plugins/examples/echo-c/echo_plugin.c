/*
 * The plain-C example plugin: built from cloverdx_mcp_plugin.h alone, no Swift, no PluginKit.
 * One tool, echo_arguments, hands back the arguments it was called with.
 */
#include "cloverdx_mcp_plugin.h"

#include <stdlib.h>
#include <string.h>

static const cdxmcp_host_api *host;
static cdxmcp_plugin_handle *self_handle;

static const char TOOLS[] =
    "[{\"name\":\"echo_arguments\",\"title\":\"Echo arguments\","
    "\"description\":\"Returns the arguments it was called with, as text and as structured content. "
    "The plain-C example plugin's tool.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}},"
    "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,\"openWorldHint\":false}}]";

/* Appends `length` bytes of `text` to `out` as the inside of a JSON string; returns the new end. */
static char *append_escaped(char *out, const char *text, size_t length) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') { *out++ = '\\'; *out++ = (char)c; }
        else if (c == '\n') { *out++ = '\\'; *out++ = 'n'; }
        else if (c < 0x20) { *out++ = '\\'; *out++ = 'u'; *out++ = '0'; *out++ = '0'; *out++ = hex[c >> 4]; *out++ = hex[c & 15]; }
        else *out++ = (char)c;
    }
    return out;
}

static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments, size_t arguments_len) {
    (void)context;
    if (name_len != strlen("echo_arguments") || memcmp(name, "echo_arguments", name_len) != 0) {
        static const char message[] = "the echo-c plugin has only the tool echo_arguments";
        host->set_error(call, message, sizeof message - 1);
        return CDXMCP_NOT_FOUND;
    }
    static const char head[] = "{\"content\":[{\"type\":\"text\",\"text\":\"";
    static const char middle[] = "\"}],\"structuredContent\":{\"arguments\":";
    static const char tail[] = "},\"isError\":false}";
    /* Escaping at most sextuples a byte; the arguments also appear once unescaped. */
    size_t capacity = sizeof head + arguments_len * 7 + sizeof middle + sizeof tail;
    char *result = malloc(capacity);
    if (result == NULL) {
        static const char message[] = "out of memory";
        host->set_error(call, message, sizeof message - 1);
        return CDXMCP_FAILED;
    }
    char *end = result;
    memcpy(end, head, sizeof head - 1); end += sizeof head - 1;
    end = append_escaped(end, arguments, arguments_len);
    memcpy(end, middle, sizeof middle - 1); end += sizeof middle - 1;
    memcpy(end, arguments, arguments_len); end += arguments_len;
    memcpy(end, tail, sizeof tail - 1); end += sizeof tail - 1;
    cdxmcp_status status = host->set_result(call, result, (size_t)(end - result));
    free(result); /* set_result copied it */
    static const char line[] = "echoed arguments";
    host->log(self_handle, call, CDXMCP_LOG_DEBUG, line, sizeof line - 1);
    return status;
}

static const cdxmcp_plugin descriptor = {
    .struct_size = sizeof(cdxmcp_plugin),
    .abi_version = CDXMCP_ABI_VERSION,
    .id = "echo-c",
    .version = "1.0.0",
    .tools_json = TOOLS,
    .flags = 0,
    .call_tool = call_tool,
};

cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    (void)settings_json;
    (void)settings_len;
    if (api == NULL || api->abi_version != CDXMCP_ABI_VERSION || api->struct_size < sizeof(cdxmcp_host_api)) {
        return CDXMCP_UNSUPPORTED;
    }
    host = api;
    self_handle = plugin;
    *out_plugin = &descriptor;
    return CDXMCP_OK;
}
