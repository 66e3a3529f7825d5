/*
 * The plain-C example plugin: built from cloverdx_mcp_plugin.h alone, no Swift, no PluginKit.
 * echo_arguments hands back the arguments it was called with; echo_host reads a configuration key
 * (config_get) and asks the host where the installation is (call_service "installation.info", which
 * needs the grant installation.read in plugins.json).
 */
#include "cloverdx_mcp_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cdxmcp_host_api *host;
static cdxmcp_plugin_handle *self_handle;

static const char TOOLS[] =
    "[{\"name\":\"echo_arguments\",\"title\":\"Echo arguments\","
    "\"description\":\"Returns the arguments it was called with, as text and as structured content. "
    "The plain-C example plugin's tool.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}},"
    "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,\"openWorldHint\":false}},"
    "{\"name\":\"echo_host\",\"title\":\"Echo the host\","
    "\"description\":\"Returns the value of a configuration key (default cluster.node.id) and the host's installation.info "
    "answer. The plain-C example of config_get and call_service.\","
    "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\",\"maxLength\":200}},"
    "\"additionalProperties\":false},"
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

static cdxmcp_status fail(cdxmcp_call *call, cdxmcp_status status, const char *message) {
    host->set_error(call, message, strlen(message));
    return status;
}

/* The string value of "key" in the (compact, host-checked) arguments, or NULL. Enough JSON for one field. */
static const char *string_argument(const char *arguments, size_t length, const char *key, size_t *value_length) {
    char pattern[64];
    int pattern_length = snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    for (size_t i = 0; pattern_length > 0 && i + (size_t)pattern_length <= length; i++) {
        if (memcmp(arguments + i, pattern, (size_t)pattern_length) != 0) continue;
        const char *start = arguments + i + pattern_length;
        const char *end = memchr(start, '"', length - (size_t)(start - arguments));
        if (end == NULL) return NULL;
        *value_length = (size_t)(end - start);
        return start;
    }
    return NULL;
}

/* echo_host: {"key", "value" (a JSON string, or null when unset or private), "installation": {...}}. */
static cdxmcp_status echo_host(cdxmcp_call *call, const char *arguments, size_t arguments_len) {
    size_t key_len = 0;
    const char *key = string_argument(arguments, arguments_len, "key", &key_len);
    if (key == NULL) { key = "cluster.node.id"; key_len = strlen(key); }
    if (memchr(key, '\\', key_len) != NULL) return fail(call, CDXMCP_INVALID_ARGUMENTS, "echo_host: \"key\" must be a plain property name");

    char value[512];
    int64_t value_len = host->config_get(self_handle, key, key_len, value, sizeof value);
    if (value_len > (int64_t)sizeof value) return fail(call, CDXMCP_FAILED, "echo_host: the value is longer than 512 bytes");

    const char *installation = NULL;
    size_t installation_len = 0;
    static const char service[] = "installation.info";
    cdxmcp_status status = host->call_service(call, service, sizeof service - 1, "{}", 2, &installation, &installation_len);
    if (status != CDXMCP_OK) {
        /* The answer is {"error": "..."}: hand the host's reason on as the tool's error. */
        char message[600];
        snprintf(message, sizeof message, "echo_host: installation.info refused: %.*s", (int)installation_len, installation);
        return fail(call, status == CDXMCP_DENIED ? CDXMCP_FAILED : status, message);
    }

    size_t capacity = 256 + key_len * 7 + (size_t)(value_len > 0 ? value_len : 0) * 7 + installation_len;
    char *result = malloc(capacity);
    if (result == NULL) return fail(call, CDXMCP_FAILED, "out of memory");
    char *end = result;
    end += sprintf(end, "{\"content\":[{\"type\":\"text\",\"text\":\"");
    end = append_escaped(end, key, key_len);
    end += sprintf(end, " = ");
    if (value_len >= 0) end = append_escaped(end, value, (size_t)value_len); else end += sprintf(end, "(unset)");
    end += sprintf(end, "\"}],\"structuredContent\":{\"key\":\"");
    end = append_escaped(end, key, key_len);
    if (value_len >= 0) {
        end += sprintf(end, "\",\"value\":\"");
        end = append_escaped(end, value, (size_t)value_len);
        end += sprintf(end, "\"");
    } else {
        end += sprintf(end, "\",\"value\":null");
    }
    end += sprintf(end, ",\"installation\":");
    memcpy(end, installation, installation_len); end += installation_len;
    end += sprintf(end, "},\"isError\":false}");
    status = host->set_result(call, result, (size_t)(end - result));
    free(result);
    return status;
}

static cdxmcp_status call_tool(void *context, cdxmcp_call *call, const char *name, size_t name_len,
                               const char *arguments, size_t arguments_len) {
    (void)context;
    if (name_len == strlen("echo_host") && memcmp(name, "echo_host", name_len) == 0) return echo_host(call, arguments, arguments_len);
    if (name_len != strlen("echo_arguments") || memcmp(name, "echo_arguments", name_len) != 0) {
        return fail(call, CDXMCP_NOT_FOUND, "the echo-c plugin has the tools echo_arguments and echo_host");
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
    .description = "The plain-C example: echo_arguments and echo_host (configuration and a host service)",
};

cdxmcp_status cdxmcp_plugin_entry_v1(const cdxmcp_host_api *api, cdxmcp_plugin_handle *plugin,
                                     const char *settings_json, size_t settings_len,
                                     const cdxmcp_plugin **out_plugin) {
    (void)settings_json;
    (void)settings_len;
    /* Version 1's table is all this plugin uses; a host with a larger one is fine (the growth rule). */
    if (api == NULL || api->abi_version != CDXMCP_ABI_VERSION || api->struct_size < CDXMCP_HOST_API_V1_SIZE) {
        return CDXMCP_UNSUPPORTED;
    }
    host = api;
    self_handle = plugin;
    *out_plugin = &descriptor;
    return CDXMCP_OK;
}
